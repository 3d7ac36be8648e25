package io.rigpool.worker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.rigpool.proto.v1.Gpu;
import io.rigpool.proto.v1.LoadedModel;
import io.rigpool.worker.WorkerLifecycle;
import io.rigpool.worker.WorkerNode;
import io.rigpool.worker.jobs.JobTally;
import io.rigpool.worker.models.LocalModelFile;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.ToDoubleFunction;

/**
 * The worker's Prometheus metrics at {@code /q/metrics}, per model this PC offers and per GPU:
 *
 * <ul>
 *   <li>{@code rigpool_jobs_running{model}}; {@code rigpool_jobs_finished_total{model, status}} (succeeded, failed,
 *       cancelled: terminal results Kafka acknowledged); {@code rigpool_jobs_handed_back_total{model}};</li>
 *   <li>{@code rigpool_slots_busy{model}} and {@code rigpool_slots_total{model}} (0 while the model is not
 *       loaded);</li>
 *   <li>{@code rigpool_tokens_generated_total{model}}; {@code rigpool_decode_tokens_per_second{model}}, the recent
 *       decode speed the planner is told;</li>
 *   <li>{@code rigpool_gpu_vram_free_bytes{gpu, name}} as last read;</li>
 *   <li>{@code rigpool_runner_starts_total}, {@code rigpool_runner_crashes_total} and
 *       {@code rigpool_runner_restarts_total} (starts after a crash), per model;</li>
 *   <li>{@code rigpool_heartbeats_sent_total}.</li>
 * </ul>
 *
 * A worker's models and GPUs are fixed when it starts, so the meters are registered once, after the worker is up.
 */
@ApplicationScoped
public class WorkerMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    WorkerLifecycle lifecycle;

    @Inject
    HeartbeatCounter heartbeats;

    /** After {@link WorkerLifecycle} built the worker (observers of default priority run first). */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        WorkerNode node = lifecycle.node();
        if (node == null) {
            return;
        }
        FunctionCounter.builder("rigpool.heartbeats.sent", heartbeats, HeartbeatCounter::sent)
                .description("heartbeats sent to the planner").register(registry);
        for (LocalModelFile file : node.setup().models()) {
            registerModel(node, file.modelId());
        }
        for (Gpu gpu : node.gpus().latest()) {
            int index = gpu.getIndex();
            Gauge.builder("rigpool.gpu.vram.free", node, n -> n.gpus().latest().stream()
                            .filter(g -> g.getIndex() == index).mapToDouble(Gpu::getFreeBytes).findFirst()
                            .orElse(Double.NaN))
                    .tag("gpu", Integer.toString(index)).tag("name", gpu.getName()).baseUnit("bytes")
                    .description("free VRAM of the GPU as last read").register(registry);
        }
    }

    private void registerModel(WorkerNode node, String model) {
        JobTally tally = node.jobs().tally();
        Gauge.builder("rigpool.jobs.running", node, n -> n.jobs().busySlots(model)).tag("model", model)
                .description("jobs running now").register(registry);
        Gauge.builder("rigpool.slots.busy", node, n -> n.jobs().busySlots(model)).tag("model", model)
                .description("runner slots in use").register(registry);
        Gauge.builder("rigpool.slots.total", node, n -> slotsTotal(n, model)).tag("model", model)
                .description("runner slots of the loaded model; 0 while not loaded").register(registry);
        Gauge.builder("rigpool.decode.tokens.per.second", node, n -> n.jobs().decodeTps(model)).tag("model", model)
                .description("recent decoding speed of the model's jobs").register(registry);
        for (JobTally.Ending ending : JobTally.Ending.values()) {
            counter("rigpool.jobs.finished", model, tally, t -> t.jobs(model, ending), "jobs reported, by outcome",
                    ending.label());
        }
        counter("rigpool.jobs.handed.back", model, tally, t -> t.handedBack(model),
                "jobs given back to Kafka unfinished, to run again", null);
        counter("rigpool.tokens.generated", model, tally, t -> t.tokens(model), "completion tokens of reported jobs",
                null);
        counter("rigpool.runner.starts", model, tally, t -> t.runnerStarts(model), "runner processes ready", null);
        counter("rigpool.runner.crashes", model, tally, t -> t.runnerCrashes(model), "runner processes that died",
                null);
        counter("rigpool.runner.restarts", model, tally, t -> t.runnerRestarts(model),
                "runners started again after a crash", null);
    }

    private void counter(String name, String model, JobTally tally, ToDoubleFunction<JobTally> value,
            String description, String status) {
        FunctionCounter.Builder<JobTally> counter = FunctionCounter.builder(name, tally, value).tag("model", model)
                .description(description);
        if (status != null) {
            counter.tag("status", status);
        }
        counter.register(registry);
    }

    private static double slotsTotal(WorkerNode node, String model) {
        return node.supervisor().status().stream().filter(m -> m.getModelId().equals(model))
                .mapToInt(LoadedModel::getSlotsTotal).findFirst().orElse(0);
    }
}
