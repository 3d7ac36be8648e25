package io.rigpool.local.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits chat jobs to the gateway as a careful client does: every job carries an {@code Idempotency-Key}, so a
 * request whose answer was lost (the gateway restarted under it) is simply sent again; a 503 is retried after the
 * {@code Retry-After} it names. Counts what it met on the way, so a drill can tell what clients saw.
 */
public final class JobSubmitter {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Used only when a 503 came without Retry-After (which is counted as a defect). */
    private static final Duration FALLBACK_BACKOFF = Duration.ofSeconds(1);
    private static final Duration UNREACHABLE_BACKOFF = Duration.ofMillis(250);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI jobs;
    private final String model;
    private final int maxTokens;
    private final String runId;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
    private final AtomicInteger unreachable = new AtomicInteger();

    /** @param runId makes the idempotency keys of this run unique */
    public JobSubmitter(String gatewayUrl, String model, int maxTokens, String runId) {
        this.jobs = URI.create(gatewayUrl + "/v1/jobs");
        this.model = model;
        this.maxTokens = maxTokens;
        this.runId = runId;
    }

    /** What one request got. */
    public sealed interface Attempt {
        /** 202 (or 200 for a repeated key): the job is stored. */
        record Accepted(String id) implements Attempt {
        }

        /** 503: a dependency is down; {@code retryAfter} is empty when the header was missing. */
        record Unavailable(Optional<Duration> retryAfter, String body) implements Attempt {
        }

        /** No answer: the gateway is not listening, or the connection broke. */
        record Unreachable(String reason) implements Attempt {
        }
    }

    /** Sends job number {@code seq} until it is accepted, and returns its id. */
    public String submit(int seq, Duration deadline) {
        long giveUp = System.nanoTime() + deadline.toNanos();
        while (true) {
            Attempt attempt = attempt(seq);
            if (attempt instanceof Attempt.Accepted a) {
                return a.id();
            }
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("job " + seq + " not accepted within " + deadline + "; last: "
                        + attempt);
            }
            Duration wait = attempt instanceof Attempt.Unavailable u ? u.retryAfter().orElse(FALLBACK_BACKOFF)
                    : UNREACHABLE_BACKOFF;
            // Client back-off as the gateway asked for it, not synchronisation.
            pause(wait);
        }
    }

    /** One request for job number {@code seq}; counts a 503 or an unreachable gateway. */
    public Attempt attempt(int seq) {
        String body = """
                {"model": "%s", "messages": [{"role": "user", "content": "Job %d: tell me a story"}],
                 "max_tokens": %d, "temperature": 0.7, "seed": %d}""".formatted(model, seq, maxTokens, seq);
        HttpRequest request = HttpRequest.newBuilder(jobs)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", runId + "-" + seq)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            unreachable.incrementAndGet();
            return new Attempt.Unreachable(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 202 || status == 200) {
            try {
                String id = JSON.readTree(response.body()).get("id").asText();
                accepted.add(id);
                return new Attempt.Accepted(id);
            } catch (IOException e) {
                throw new IllegalStateException("unreadable answer to a submission: " + response.body(), e);
            }
        }
        if (status == 503) {
            unavailable.incrementAndGet();
            Optional<Duration> retryAfter = response.headers().firstValue("Retry-After")
                    .map(s -> Duration.ofSeconds(Long.parseLong(s.trim())));
            if (retryAfter.isEmpty()) {
                unavailableWithoutRetryAfter.incrementAndGet();
            }
            return new Attempt.Unavailable(retryAfter, response.body());
        }
        throw new IllegalStateException("the gateway answered a valid submission with " + status + ": "
                + response.body());
    }

    /** The prefix of this submitter's idempotency keys ({@code runId-seq}). */
    public String runId() {
        return runId;
    }

    /** Ids of every job the gateway accepted (a repeated key answers with the same id, so each is here once). */
    public Set<String> accepted() {
        return Set.copyOf(accepted);
    }

    public int acceptedCount() {
        return accepted.size();
    }

    /** 503 answers seen. */
    public int unavailable() {
        return unavailable.get();
    }

    /** 503 answers that did not say when to come back. */
    public int unavailableWithoutRetryAfter() {
        return unavailableWithoutRetryAfter.get();
    }

    /** Requests that got no answer at all. */
    public int unreachable() {
        return unreachable.get();
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
