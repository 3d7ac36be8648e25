package io.rigpool.bench.gateway;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the embedded broker has served so far, by API. The broker runs in the benchmark's JVM, so its request
 * meters are on this JVM's MBean server. The broker's CPU grows with its requests, not its bytes (a job's records
 * are a few hundred bytes), so requests per job show which client of the pipeline makes the broker work.
 */
final class BrokerRequests {

    private static final String REQUESTS = "kafka.network:type=RequestMetrics,name=RequestsPerSec,*";

    private BrokerRequests() {
    }

    /** Requests served so far, by API name (all versions of an API together). */
    static Map<String, Long> read() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName(REQUESTS), null)) {
                long count = ((Number) server.getAttribute(name, "Count")).longValue();
                counts.merge(name.getKeyProperty("request"), count, Long::sum);
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the broker's request meters", e);
        }
        return counts;
    }

    /** Requests per job between two readings, APIs with fewer than 0.05 per job left out. */
    static Map<String, Double> perJob(Map<String, Long> before, Map<String, Long> after, long jobs) {
        Map<String, Double> perJob = new TreeMap<>();
        after.forEach((api, count) -> {
            double each = (count - before.getOrDefault(api, 0L)) / (double) Math.max(1, jobs);
            if (each >= 0.05) {
                perJob.put(api, Math.round(each * 100) / 100.0);
            }
        });
        return perJob;
    }
}
