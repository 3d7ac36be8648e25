package io.rigpool.gateway.jobs;

import io.rigpool.proto.v1.Timings;

/** How long the parts of a job took, as the worker measured them. */
public record JobTimings(long queueWaitMs, long loadMs, double promptEvalMs, double decodeMs, double decodeTps) {

    public static JobTimings of(Timings timings) {
        return new JobTimings(timings.getQueueWaitMs(), timings.getLoadMs(), finite(timings.getPromptEvalMs()),
                finite(timings.getDecodeMs()), finite(timings.getDecodeTps()));
    }

    /** JSON has no NaN or infinity, and the timings are stored as jsonb: a value no clock measures counts as 0. */
    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0;
    }
}
