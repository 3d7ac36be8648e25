package io.rigpool.bench.estimate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rigpool.planner.estimate.BufferKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the rows of the accuracy run, prints the table and writes bench/results/estimator.json. */
final class AccuracyReport {

    record Skipped(String model, int nCtx, int nParallel, String reason) {
    }

    private final List<AccuracyRow> rows = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private String build = "unknown";

    void add(AccuracyRow row) {
        rows.add(row);
    }

    void skip(Skipped s) {
        skipped.add(s);
    }

    void build(String llamaCppBuild) {
        if (llamaCppBuild != null && !llamaCppBuild.isBlank() && !llamaCppBuild.equals("unknown")) {
            build = llamaCppBuild;
        }
    }

    List<AccuracyRow> rows() {
        return rows;
    }

    boolean allWithinTarget() {
        return rows.stream().allMatch(AccuracyRow::withinTarget);
    }

    static void printHeader(PrintStream out) {
        out.printf(Locale.ROOT, "%-34s %6s %3s %-8s %12s %12s %9s %8s %s%n", "model", "n_ctx", "par", "buffer",
                "estimate", "measured", "err MiB", "err %", "target");
    }

    static void print(PrintStream out, AccuracyRow r) {
        out.printf(Locale.ROOT, "%-34s %6d %3d %-8s %12s %12s %9.2f %8.3f %s%n", r.model(), r.nCtx(),
                r.nParallel(), r.bufferName(), AccuracyRow.asLogged(r.estimateBytes()),
                AccuracyRow.asLogged(r.measuredBytes()), r.errorMiB(), 100 * r.relativeError(),
                r.withinTarget() ? "ok" : "MISSED");
    }

    /** Per model and buffer: the largest error, for the summary. */
    Map<String, Map<BufferKind, AccuracyRow>> worst() {
        Map<String, Map<BufferKind, AccuracyRow>> worst = new LinkedHashMap<>();
        for (AccuracyRow r : rows) {
            worst.computeIfAbsent(r.model(), k -> new LinkedHashMap<>()).merge(r.buffer(), r,
                    (a, b) -> Math.abs(b.errorBytes()) > Math.abs(a.errorBytes()) ? b : a);
        }
        return worst;
    }

    void printSummary(PrintStream out) {
        out.println();
        out.println("largest error per model and buffer (estimate - measured, at llama.cpp's 0.01 MiB precision):");
        worst().forEach((model, byKind) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-34s", model));
            byKind.forEach((kind, r) -> line.append(String.format(Locale.ROOT, "  %s %+.2f MiB (%.3f%%)",
                    r.bufferName(), r.errorMiB(), 100 * r.relativeError())));
            out.println(line);
        });
        skipped.forEach(s -> out.printf(Locale.ROOT, "skipped %s n_ctx %d x%d: %s%n", s.model(), s.nCtx(),
                s.nParallel(), s.reason()));
        out.println(allWithinTarget() ? "all buffers within target" : "SOME BUFFERS MISSED THE TARGET");
    }

    void write(Path file, String measuredWith) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("llama_cpp_build", build);
        root.put("measured_with", measuredWith);
        root.put("generated_at", Instant.now().toString());
        root.put("precision", "llama.cpp logs buffers in MiB with two decimals; measured_bytes is that figure "
                + "times 2^20, so model and kv count as exact when the estimate prints the same two decimals");
        root.put("targets", "model and kv exact at that precision; compute and output within 1% or 16 MiB");
        ArrayNode rowsNode = root.putArray("rows");
        for (AccuracyRow r : rows) {
            ObjectNode n = rowsNode.addObject();
            n.put("model", r.model());
            n.put("n_ctx", r.nCtx());
            n.put("n_parallel", r.nParallel());
            n.put("buffer", r.bufferName());
            n.put("estimate_bytes", r.estimateBytes());
            n.put("measured_bytes", r.measuredBytes());
        }
        ArrayNode skippedNode = root.putArray("skipped");
        for (Skipped s : skipped) {
            ObjectNode n = skippedNode.addObject();
            n.put("model", s.model());
            n.put("n_ctx", s.nCtx());
            n.put("n_parallel", s.nParallel());
            n.put("reason", s.reason());
        }
        ArrayNode summary = root.putArray("max_error");
        worst().forEach((model, byKind) -> byKind.forEach((kind, r) -> {
            ObjectNode n = summary.addObject();
            n.put("model", model);
            n.put("buffer", r.bufferName());
            n.put("max_abs_error_bytes", Math.abs(r.errorBytes()));
            n.put("max_abs_error_mib_at_log_precision", Math.abs(r.errorMiB()));
            n.put("within_target", rows.stream().filter(x -> x.model().equals(model) && x.buffer() == kind)
                    .allMatch(AccuracyRow::withinTarget));
        }));
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        json.writeValue(partial.toFile(), root);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
