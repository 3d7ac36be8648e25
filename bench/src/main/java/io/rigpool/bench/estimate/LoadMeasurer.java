package io.rigpool.bench.estimate;

import io.rigpool.planner.estimate.LoadParameters;
import java.nio.file.Path;

/** Loads a model in a separate process (so its memory really comes back) and returns the buffers it logged. */
interface LoadMeasurer {

    /** A human-readable name for the results file. */
    String name();

    MeasuredLoad measure(Path model, LoadParameters parameters, Path workDir) throws Exception;
}
