package io.rigpool.bench.gateway;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time used so far by each part of the pipeline: the services (with their children: the worker's runner counted
 * apart), PostgreSQL (the postmaster found by its data directory, and its backends), and this JVM split into the
 * benchmark's HTTP clients (with the JDK HTTP client's threads) and the rest (chiefly the embedded Kafka broker).
 * Two readings apart give where a run's CPU went.
 */
final class CpuAccounts {

    static final String CLIENT_THREAD_PREFIX = "bench-client-";
    /**
     * The JDK HTTP client's own threads (its selector and the workers that read responses) do the clients' I/O:
     * counted with the clients, not with the broker (0.15-0.3 ms per job on the 2-vCPU machine, mostly system calls,
     * which is why a flight recording, sampling Java code only, put them at a few per cent).
     */
    private static final String HTTP_CLIENT_THREAD_PREFIX = "HttpClient-";

    private final PipelineStack stack;
    private final List<ProcessHandle> postmasters;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** Finds the PostgreSQL server now: looking through all processes is too slow to do at each reading. */
    CpuAccounts(PipelineStack stack, Path dataDir) {
        this.stack = stack;
        String dir = dataDir.toString();
        this.postmasters = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> Stream.of(a).anyMatch(x -> x.startsWith(dir)))
                        .orElse(false))
                .toList();
    }

    /** Milliseconds of CPU per part, now. */
    Map<String, Double> read() {
        Map<String, Double> ms = new LinkedHashMap<>();
        for (PipelineStack.Service service : stack.services()) {
            ProcessHandle process = service.process().toHandle();
            ms.put(service.name(), cpu(process));
            double children = process.descendants().mapToDouble(CpuAccounts::cpu).sum();
            if (children > 0) {
                ms.put(service.name().equals("worker") ? "runner" : service.name() + "-children", children);
            }
        }
        ms.put("postgres", postgres());
        double client = 0;
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            if (info != null && (info.getThreadName().startsWith(CLIENT_THREAD_PREFIX)
                    || info.getThreadName().startsWith(HTTP_CLIENT_THREAD_PREFIX))) {
                client += Math.max(0, threads.getThreadCpuTime(id)) / 1e6;
            }
        }
        ms.put("kafka_broker_and_bench_jvm", cpu(ProcessHandle.current()) - client);
        ms.put("http_clients", client);
        return ms;
    }

    /**
     * Milliseconds of CPU per part, now, spent by the JIT compiler threads alone (already counted in {@link #read}):
     * services a minute old still compile their hot paths, and that is a cost of a young process, not of a job.
     */
    Map<String, Double> readJitCompilers() {
        Map<String, Double> ms = new LinkedHashMap<>();
        for (PipelineStack.Service service : stack.services()) {
            ms.put(service.name(), compilerThreads(service.process().pid()));
        }
        ms.put("kafka_broker_and_bench_jvm", compilerThreads(ProcessHandle.current().pid()));
        return ms;
    }

    /** CPU of a process's C1 and C2 compiler threads, from /proc (clock ticks of 10 ms, as Linux counts them). */
    private static double compilerThreads(long pid) {
        double ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * 10;
    }

    /** Differences of two readings. */
    static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((part, ms) -> out.put(part, ms - before.getOrDefault(part, 0.0)));
        return out;
    }

    private double postgres() {
        return postmasters.stream().mapToDouble(p -> cpu(p) + p.descendants().mapToDouble(CpuAccounts::cpu).sum())
                .sum();
    }

    private static double cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e6;
    }
}
