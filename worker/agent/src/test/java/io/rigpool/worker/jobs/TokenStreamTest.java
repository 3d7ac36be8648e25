package io.rigpool.worker.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rigpool.proto.v1.TokenChunk;
import io.rigpool.proto.v1.TokenLogprob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

class TokenStreamTest {

    private static final Duration DELAY = Duration.ofMillis(40);

    /** A clock driven by the test: tasks run when the test moves time past them. */
    private static final class ManualTimer implements TokenStream.Timer {

        private record Task(long at, long order, Runnable task) {
        }

        private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
        private long now;
        private long scheduled;

        @Override
        public void after(Duration delay, Runnable task) {
            tasks.add(new Task(now + delay.toMillis(), scheduled++, task));
        }

        void advanceTo(long millis) {
            while (!tasks.isEmpty() && tasks.peek().at <= millis) {
                Task t = tasks.poll();
                now = t.at;
                t.task.run();
            }
            now = millis;
        }
    }

    private final ManualTimer timer = new ManualTimer();
    private final List<TokenChunk> sent = new ArrayList<>();
    private final TokenStream stream = new TokenStream("job-1", DELAY, timer, sent::add);

    @Test
    void aPieceThatFindsTheStreamQuietLeavesAtOnce() {
        timer.advanceTo(0);
        stream.add("The");

        assertEquals(List.of(chunk(0, "The", false)), sent, "the first token waits for nothing");
    }

    @Test
    void logprobsGatherWithTheirTextAndTokensWithoutTextStillLeave() {
        TokenLogprob the = TokenLogprob.newBuilder().setToken("The").setLogprob(-0.5).build();
        TokenLogprob call = TokenLogprob.newBuilder().setToken("<tool_call>").setLogprob(-1).build();
        timer.advanceTo(0);
        stream.add("The", List.of(the));
        timer.advanceTo(10);
        stream.add("", List.of(call));
        timer.advanceTo(40);

        assertEquals(List.of(the), sent.get(0).getLogprobsList());
        assertEquals("", sent.get(1).getText());
        assertEquals(List.of(call), sent.get(1).getLogprobsList(), "a tool call's tokens have no text");
    }

    @Test
    void piecesWithinTheDelayOfAChunkLeaveTogetherAndNoPieceWaitsLongerThanTheDelay() {
        timer.advanceTo(0);
        stream.add("The");
        timer.advanceTo(10);
        stream.add(" sky");
        timer.advanceTo(39);
        stream.add(" is");
        assertEquals(1, sent.size(), "the second batch is still open");
        timer.advanceTo(40);
        assertEquals(2, sent.size(), "40 ms after the first chunk the batch leaves");
        timer.advanceTo(55);
        stream.add(" blue");
        timer.advanceTo(79);
        assertEquals(2, sent.size());
        timer.advanceTo(80);
        assertEquals(3, sent.size(), "40 ms after the second chunk the third leaves");
        timer.advanceTo(95);
        stream.add(".");
        stream.finish();
        timer.advanceTo(500);

        assertEquals(List.of(chunk(0, "The", false), chunk(1, " sky is", false), chunk(2, " blue", false),
                chunk(3, ".", true)), sent);
    }

    @Test
    void afterAQuietDelayThePieceLeavesAtOnceAgain() {
        timer.advanceTo(0);
        stream.add("Hello");
        timer.advanceTo(200);
        stream.add(" there");

        assertEquals(List.of(chunk(0, "Hello", false), chunk(1, " there", false)), sent);
    }

    @Test
    void theLastChunkComesEvenWhenNothingIsLeftAndNothingFollowsIt() {
        stream.add("Hi");
        timer.advanceTo(40);
        stream.finish();
        stream.add("late");
        timer.advanceTo(1_000);

        assertEquals(List.of(chunk(0, "Hi", false), chunk(1, "", true)), sent);
        assertEquals(2, stream.chunks());
    }

    @Test
    void piecesGatheredWhenTheJobEndsGoInTheLastChunk() {
        stream.add("One");
        stream.add(" two");
        stream.finish();
        timer.advanceTo(1_000);

        assertEquals(List.of(chunk(0, "One", false), chunk(1, " two", true)), sent);
    }

    @Test
    void anAbandonedStreamSendsNoMore() {
        stream.add("partial");
        stream.add(" more");
        stream.abandon();
        timer.advanceTo(1_000);

        assertEquals(List.of(chunk(0, "partial", false)), sent,
                "a handed-back job is streamed again from the start where it runs next");
    }

    @Test
    void aJobNobodyStreamsSendsNoChunkAtAll() {
        TokenStream unfollowed = TokenStream.unfollowed("job-1");
        unfollowed.add("Hello");
        unfollowed.add(" there");
        unfollowed.finish();

        assertEquals(0, unfollowed.chunks(), "its text travels in the terminal update only");
    }

    private static TokenChunk chunk(int seq, String text, boolean last) {
        return TokenChunk.newBuilder().setJobId("job-1").setSeq(seq).setText(text).setLast(last).build();
    }
}
