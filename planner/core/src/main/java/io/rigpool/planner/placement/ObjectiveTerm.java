package io.rigpool.planner.placement;

/**
 * The terms the optimiser ranks plans by, most important first: a plan beats another on the first term where they
 * differ by more than that term's band (see {@link Objective}). Reasons name the term that decided.
 */
public enum ObjectiveTerm {
    /** Replicas towards each model's required replicas (more is better). */
    COVERAGE("coverage"),
    /** CPU-only runners of models larger than the admin's floor (fewer is better). */
    CPU_ONLY_FLOOR("CPU-only floor"),
    /** Tokens per second served, less what loads cost (more is better). */
    SERVED("served tok/s"),
    /** RAM and VRAM held by runners that serve nothing (less is better). */
    IDLE_MEMORY("memory held by runners that serve nothing"),
    /** Tokens per second served from layers left on a CPU (less is better: whole-on-GPU before partial before CPU). */
    OFF_GPU("tok/s served from CPU layers"),
    /** The busiest node's share of its memory time (less is better: room for a burst). */
    HEADROOM("headroom"),
    /** The speed one request sees, weighted by the demand each runner serves (more is better). */
    REQUEST_SPEED("per-request speed");

    private final String label;

    ObjectiveTerm(String label) {
        this.label = label;
    }

    /** The words reasons use for it. */
    public String label() {
        return label;
    }
}
