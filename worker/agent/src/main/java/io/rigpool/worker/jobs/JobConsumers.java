package io.rigpool.worker.jobs;

import io.rigpool.proto.v1.RunnerCrash;
import io.rigpool.worker.runner.RunnerProcess;
import io.rigpool.worker.runner.RunnerSupervisor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * One {@link JobConsumer} per loaded model: started when its runner is ready, stopped before its runner ends.
 */
public final class JobConsumers implements RunnerSupervisor.Listener {

    private final Map<String, Object> kafka;
    private final String nodeId;
    private final JobExecution execution;
    private final Duration pollTimeout;
    private final Duration stopGrace;
    private final BiConsumer<String, RunnerCrash> crashes;
    private final Map<String, JobConsumer> byModel = new ConcurrentHashMap<>();

    /**
     * @param crashes told about every runner that ended on its own (the planner decides what to do)
     */
    public JobConsumers(Map<String, Object> kafka, String nodeId, JobExecution execution, Duration pollTimeout,
            Duration stopGrace, BiConsumer<String, RunnerCrash> crashes) {
        this.kafka = Map.copyOf(kafka);
        this.nodeId = nodeId;
        this.execution = execution;
        this.pollTimeout = pollTimeout;
        this.stopGrace = stopGrace;
        this.crashes = crashes;
    }

    @Override
    public void started(RunnerProcess runner) {
        JobConsumer consumer = new JobConsumer(runner, kafka, nodeId, execution, pollTimeout);
        stopping(consumer.modelId());
        byModel.put(consumer.modelId(), consumer);
        consumer.start();
    }

    @Override
    public void stopping(String modelId) {
        JobConsumer consumer = byModel.remove(modelId);
        if (consumer == null) {
            return;
        }
        try {
            consumer.stop(stopGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void crashed(String modelId, RunnerCrash crash) {
        crashes.accept(modelId, crash);
    }

    /** Jobs running now on the model's runner. */
    public int busySlots(String modelId) {
        JobConsumer consumer = byModel.get(modelId);
        return consumer == null ? 0 : consumer.busySlots();
    }
}
