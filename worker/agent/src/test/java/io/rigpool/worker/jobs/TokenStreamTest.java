package io.rigpool.worker.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rigpool.proto.v1.TokenChunk;
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
    void piecesWithinTheDelayLeaveTogetherAndNoPieceWaitsLongerThanTheDelay() {
        timer.advanceTo(0);
        stream.add("The");
        timer.advanceTo(10);
        stream.add(" sky");
        timer.advanceTo(39);
        assertEquals(List.of(), sent, "the batch is still open");
        stream.add(" is");
        timer.advanceTo(40);
        assertEquals(1, sent.size(), "40 ms after its first piece the batch leaves");
        timer.advanceTo(55);
        stream.add(" blue");
        timer.advanceTo(94);
        assertEquals(1, sent.size());
        timer.advanceTo(95);
        stream.add(".");
        stream.finish();
        timer.advanceTo(500);

        assertEquals(List.of(chunk(0, "The sky is", false), chunk(1, " blue", false), chunk(2, ".", true)), sent);
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
    void anAbandonedStreamSendsNoMore() {
        stream.add("partial");
        stream.abandon();
        timer.advanceTo(1_000);

        assertTrue(sent.isEmpty(), "a handed-back job is streamed again from the start where it runs next");
    }

    private static TokenChunk chunk(int seq, String text, boolean last) {
        return TokenChunk.newBuilder().setJobId("job-1").setSeq(seq).setText(text).setLast(last).build();
    }
}
