package io.rigpool.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.gateway.Maintenance;
import io.rigpool.gateway.jobs.store.JobRepository;
import io.rigpool.gateway.jobs.store.JobResultStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own Prometheus metrics, next to Quarkus' HTTP request metrics ({@code http_server_requests_*}):
 *
 * <ul>
 *   <li>{@code rigpool_jobs_submitted_total{model, api}}: jobs accepted;</li>
 *   <li>{@code rigpool_requests_refused_total{code}}: submissions refused (rate limit, concurrency, outage);</li>
 *   <li>{@code rigpool_queue_depth{model}}: jobs queued and not yet started, from the database;</li>
 *   <li>{@code rigpool_job_latency_seconds{model, status}}: a histogram from submission to final result;</li>
 *   <li>{@code rigpool_tokens_generated_total{model}}: completion tokens (its rate is the tokens per second);</li>
 *   <li>{@code rigpool_decode_tokens_per_second{model}}: each job's decoding speed as its worker measured it.</li>
 * </ul>
 *
 * Results are counted by the instance that stores them, so across instances each job counts once.
 */
@ApplicationScoped
public class GatewayMetrics {

    static final Duration QUEUE_DEPTH_PERIOD = Duration.ofSeconds(5);

    @Inject
    MeterRegistry registry;

    @Inject
    JobRepository repository;

    @Inject
    Maintenance maintenance;

    private final Map<String, AtomicLong> queueDepths = new ConcurrentHashMap<>();
    /**
     * Meters by their tags, so that the request and results paths do not build a meter id and look it up in the
     * registry each time (that was 5 % of storing a batch of results).
     */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> jobLatency = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> decodeSpeed = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        maintenance.every(QUEUE_DEPTH_PERIOD, "queue depth refresh", this::refreshQueueDepths);
    }

    public void submitted(String model, String api) {
        counters.computeIfAbsent("submitted/" + api + "/" + model, key -> Counter.builder("rigpool.jobs.submitted")
                .tag("model", model).tag("api", api).description("jobs accepted").register(registry)).increment();
    }

    public void refused(String code) {
        String tag = code == null ? "unknown" : code;
        counters.computeIfAbsent("refused/" + tag, key -> Counter.builder("rigpool.requests.refused")
                .tag("code", tag).description("submissions refused before anything was stored")
                .register(registry)).increment();
    }

    public void resultsStored(List<JobResultStore.Stored> stored) {
        for (JobResultStore.Stored result : stored) {
            String model = result.model();
            String status = result.finished().status().wireName();
            jobLatency.computeIfAbsent(model + "/" + status, key -> Timer.builder("rigpool.job.latency")
                    .tag("model", model)
                    .tag("status", status)
                    .description("time from submission to final result")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry))
                    .record(Duration.between(result.createdAt(), result.finished().at()).abs());
            Integer tokens = result.finished().completionTokens();
            if (tokens != null && tokens > 0) {
                counters.computeIfAbsent("tokens/" + model, key -> Counter.builder("rigpool.tokens.generated")
                        .tag("model", model).description("completion tokens generated").register(registry))
                        .increment(tokens);
            }
            if (result.finished().timings() != null && result.finished().timings().decodeTps() > 0) {
                decodeSpeed.computeIfAbsent(model, key -> DistributionSummary.builder(
                        "rigpool.decode.tokens.per.second").tag("model", model)
                        .description("decoding speed of each job, as its worker measured it")
                        .register(registry)).record(result.finished().timings().decodeTps());
            }
        }
    }

    /** A worker's update that PostgreSQL refused, set aside in gateway.dead_letters. */
    public void resultDeadLettered() {
        counters.computeIfAbsent("dead-lettered", key -> Counter.builder("rigpool.results.dead.lettered")
                .description("worker updates PostgreSQL refused, kept in gateway.dead_letters").register(registry))
                .increment();
    }

    /** Reads the queue depth of every model now (also done every few seconds). */
    public void refreshQueueDepths() {
        Map<String, Long> queued = repository.queuedPerModel();
        queued.forEach((model, depth) -> queueDepth(model).set(depth));
        queueDepths.forEach((model, depth) -> {
            if (!queued.containsKey(model)) {
                depth.set(0);
            }
        });
    }

    private AtomicLong queueDepth(String model) {
        return queueDepths.computeIfAbsent(model, id -> {
            AtomicLong depth = new AtomicLong();
            registry.gauge("rigpool.queue.depth", List.of(io.micrometer.core.instrument.Tag.of("model", id)), depth);
            return depth;
        });
    }
}
