package io.rigpool.worker.gpu;

import io.rigpool.proto.v1.Gpu;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Watches free VRAM: reads the GPUs every poll interval and, when they moved enough since the planner last heard of
 * them ({@link VramChange}), asks for a heartbeat at once. Heartbeats take the latest reading from here, so building
 * one never waits for nvidia-smi.
 */
public final class GpuMonitor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GpuMonitor.class);

    private final GpuDiscovery discovery;
    private final long thresholdBytes;
    private final Consumer<String> changed;
    private volatile List<Gpu> latest;
    private List<Gpu> reported;
    private ScheduledFuture<?> polling;

    /**
     * @param changed called (on the polling thread) with the reason when the planner should hear of the GPUs now
     */
    public GpuMonitor(GpuDiscovery discovery, long thresholdBytes, Consumer<String> changed) {
        this.discovery = discovery;
        this.thresholdBytes = thresholdBytes;
        this.changed = changed;
        this.latest = discovery.discover();
        this.reported = latest;
    }

    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        polling = scheduler.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The GPUs as last read. */
    public List<Gpu> latest() {
        return latest;
    }

    /** The GPUs as last read, noted as told to the planner: later changes are measured against these. */
    public synchronized List<Gpu> report() {
        reported = latest;
        return reported;
    }

    /** Reads the GPUs now and asks for a heartbeat when they moved enough. */
    public void poll() {
        try {
            latest = discovery.discover();
            String reason;
            synchronized (this) {
                reason = VramChange.significant(reported, latest, thresholdBytes).orElse(null);
            }
            if (reason != null) {
                LOG.infof("%s: telling the planner now", reason);
                changed.accept(reason);
            }
        } catch (RuntimeException e) {
            // One failed reading must not end the polling.
            LOG.warnf(e, "could not read the GPUs");
        }
    }

    @Override
    public synchronized void close() {
        if (polling != null) {
            polling.cancel(false);
        }
    }
}
