package io.rigpool.local.reliability;

/**
 * A burst of jobs submitted as fast as the gateway takes them.
 *
 * @param duplicates jobs stored more than once (see {@link FaultRun})
 * @param ranTwice jobs reported finished twice on {@code rigpool.results}, stored once (see {@link FaultRun})
 * @param seconds from the first submission until the last job was stored as finished
 * @param acceptSeconds until the gateway had accepted every job
 * @param peakQueueDepth most jobs queued (accepted, not yet started) at one reading
 * @param gatewayPeakRssMb the gateway process's peak resident memory (VmHWM) at the end
 */
public record BurstRun(int jobs, int succeeded, int lost, int duplicates, int ranTwice, double seconds, double acceptSeconds,
        int peakQueueDepth, double jobsPerSecond, long gatewayPeakRssMb) {

    @Override
    public String toString() {
        return "burst: %d jobs, %d succeeded, lost %d, duplicates %d, ran twice %d in %.1f s (accepted in %.1f s),"
                .formatted(jobs, succeeded, lost, duplicates, ranTwice, seconds, acceptSeconds)
                + " %.1f jobs/s,".formatted(jobsPerSecond)
                + " peak queue %d, gateway peak RSS %d MB".formatted(peakQueueDepth, gatewayPeakRssMb);
    }
}
