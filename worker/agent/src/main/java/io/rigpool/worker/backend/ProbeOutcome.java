package io.rigpool.worker.backend;

import io.rigpool.proto.v1.RunnerLoadReport;
import java.util.List;
import java.util.Optional;

/**
 * What one probe run of a library gave: the runner's load report and whether it then generated a token, or why it
 * never got that far; and the runner's own output (stdout and stderr), where java-llama.cpp says that a library
 * did not load and ggml says why CUDA did not come up.
 */
public record ProbeOutcome(Optional<RunnerLoadReport> report, Optional<String> failure, List<String> output) {

    public ProbeOutcome {
        output = List.copyOf(output);
    }

    public static ProbeOutcome loaded(RunnerLoadReport report, Optional<String> generateFailure,
            List<String> output) {
        return new ProbeOutcome(Optional.of(report), generateFailure, output);
    }

    public static ProbeOutcome notStarted(String reason, List<String> output) {
        return new ProbeOutcome(Optional.empty(), Optional.of(reason), output);
    }
}
