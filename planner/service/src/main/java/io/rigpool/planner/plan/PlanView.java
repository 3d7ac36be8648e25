package io.rigpool.planner.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The plan in force as {@code GET /api/plan} shows it: per node its budgets and runners with their reasons (and
 * what the node was actually told, draining runners included), per model its demand and what the plan gives it.
 */
public record PlanView(long planVersion, Instant plannedAt, String trigger, double demandTps, double servedTps,
        int coverage, List<String> notes, List<NodePlan> nodes, List<ModelPlan> models) {

    public static final PlanView EMPTY = new PlanView(0, null, "none yet", 0, 0, 0, List.of(), List.of(), List.of());

    /**
     * @param unavailable why nothing runs there (paused, drained), or null
     * @param assigned what the node was last told, draining runners included
     */
    public record NodePlan(String nodeId, String state, long vramBudgetBytes, long ramBudgetBytes, String budgetNote,
            long reserveBytes, boolean drained, String unavailable, List<RunnerPlan> runners,
            List<AssignedRunner> assigned) {
    }

    /**
     * @param reason why the plan keeps it, in words (the admin page shows them)
     * @param code the same as a stable code ({@code ReasonCode}: "SERVED", "COVERAGE", "ADMIN_PIN", ...)
     * @param figures the reason's key figures by name ("gpu_bytes", "served_tps", "plan_served_tps_without", ...)
     * @param nCpuMoe layers on the GPU whose experts stay in RAM (llama-server's --n-cpu-moe)
     */
    public record RunnerPlan(String modelId, int nGpuLayers, int nCtx, int parallelSlots, String change,
            long gpuBytes, long cpuBytes, double capacityTps, double servedTps, String basis, String reason,
            String code, Map<String, Double> figures, String engine, int nCpuMoe) {
    }

    /** @param engine as the assignment names it ("" for java-llama) */
    public record AssignedRunner(String modelId, int nGpuLayers, int nCtx, int parallelSlots, boolean draining,
            String engine, int nCpuMoe) {
    }

    /**
     * @param arrivalsPerSecond jobs per second published to the model's topic (moving average)
     * @param backlogJobs jobs published and not yet acknowledged by the model's workers
     */
    public record ModelPlan(String modelId, double demandTps, double arrivalsPerSecond, long backlogJobs,
            double servedTps, int replicas, int requiredReplicas, int minReplicas, List<String> pinnedTo,
            List<String> notes) {
    }
}
