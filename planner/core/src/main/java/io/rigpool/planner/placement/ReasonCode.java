package io.rigpool.planner.placement;

/**
 * What kept a runner in the plan, as a stable code beside the reason's prose: the admin page and people read the
 * prose, scripts and alerts match the code, which does not change when the wording does. The first seven are the
 * terms of the objective ({@link ObjectiveTerm}), the rest why a runner stays when no term decides.
 */
public enum ReasonCode {
    /** Without it fewer models would have their required replicas. */
    COVERAGE,
    /** Without it more CPU-only runners of large models would stand. */
    CPU_ONLY_FLOOR,
    /** Without it the plan would serve fewer tokens per second. */
    SERVED,
    /** Without it more memory would be held by runners that serve nothing. */
    IDLE_MEMORY,
    /** Without it more tokens per second would come from layers on a CPU. */
    OFF_GPU,
    /** Without it the busiest node would have less room for a burst. */
    HEADROOM,
    /** Without it a request would see a lower speed. */
    REQUEST_SPEED,
    /** An admin pinned the model to this node. */
    ADMIN_PIN,
    /** Kept as it runs: within its dwell time (hysteresis) or outside this round's scope. */
    KEPT_AS_IT_RUNS,
    /** Several terms together keep it; none alone. */
    NO_SINGLE_TERM,
    /** The one replica of a model nobody asks for now, in memory no one else wanted. */
    AVAILABILITY;

    /** The code of a runner the objective's {@code term} keeps in the plan. */
    public static ReasonCode decidedBy(ObjectiveTerm term) {
        return switch (term) {
            case COVERAGE -> COVERAGE;
            case CPU_ONLY_FLOOR -> CPU_ONLY_FLOOR;
            case SERVED -> SERVED;
            case IDLE_MEMORY -> IDLE_MEMORY;
            case OFF_GPU -> OFF_GPU;
            case HEADROOM -> HEADROOM;
            case REQUEST_SPEED -> REQUEST_SPEED;
        };
    }
}
