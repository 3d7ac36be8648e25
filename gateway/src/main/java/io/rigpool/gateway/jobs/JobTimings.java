package io.rigpool.gateway.jobs;

import io.rigpool.proto.v1.Timings;

/** How long the parts of a job took, as the worker measured them. */
public record JobTimings(long queueWaitMs, long loadMs, double promptEvalMs, double decodeMs, double decodeTps) {

    public static JobTimings of(Timings timings) {
        return new JobTimings(timings.getQueueWaitMs(), timings.getLoadMs(), timings.getPromptEvalMs(),
                timings.getDecodeMs(), timings.getDecodeTps());
    }
}
