package io.rigpool.planner.placement;

/**
 * Decides which models run where, with which slot layout and how many layers on the GPU. Implementations are
 * pure functions of the problem: the same problem gives the same plan, and the problem is not modified.
 */
public interface PlacementOptimiser {

    Placement place(PlacementProblem problem);
}
