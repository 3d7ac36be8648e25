package io.rigpool.bench.estimate;

import io.rigpool.planner.estimate.Buffer;
import java.util.List;

/** What one real load reported: llama.cpp's buffers (bytes from its MiB figures) and its build. */
record MeasuredLoad(List<Buffer> buffers, String llamaCppBuild, double loadSeconds) {
}
