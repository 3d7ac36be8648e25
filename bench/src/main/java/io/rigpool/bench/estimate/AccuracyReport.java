package io.rigpool.bench.estimate;

import com.fasterxml.jackson.databind.JsonNode;
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

    /**
     * Writes this run's rows beside the other engines' rows already in the file (each row names its engine and
     * build, so both builds' figures stay side by side); a file from before engines holds java-llama's.
     *
     * @param notes what changed in this engine's build that the estimator follows, for the reader
     */
    void write(Path file, String engine, String measuredWith, List<String> notes) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode previous = Files.exists(file) ? (ObjectNode) json.readTree(file.toFile()) : json.createObjectNode();
        ObjectNode root = json.createObjectNode();
        root.put("precision", "llama.cpp logs buffers in MiB with two decimals; measured_bytes is that figure "
                + "times 2^20, so model and kv count as exact when the estimate prints the same two decimals");
        root.put("targets", "model and kv exact at that precision; compute and output within 1% or 16 MiB");
        ObjectNode runs = root.putObject("runs");
        if (previous.has("runs")) {
            previous.get("runs").fields().forEachRemaining(e -> {
                if (!e.getKey().equals(engine)) {
                    runs.set(e.getKey(), e.getValue());
                }
            });
        } else if (previous.has("llama_cpp_build")) {
            runs.putObject("java-llama").put("llama_cpp_build", previous.get("llama_cpp_build").asText())
                    .put("measured_with", previous.path("measured_with").asText())
                    .put("generated_at", previous.path("generated_at").asText());
        }
        ObjectNode run = runs.putObject(engine);
        run.put("llama_cpp_build", build);
        run.put("measured_with", measuredWith);
        run.put("generated_at", Instant.now().toString());
        notes.forEach(run.putArray("notes")::add);
        String previousBuild = previous.path("llama_cpp_build").asText("");
        ArrayNode rowsNode = root.putArray("rows");
        for (JsonNode old : previous.path("rows")) {
            if (!old.path("engine").asText("java-llama").equals(engine)) {
                ObjectNode kept = ((ObjectNode) old).deepCopy();
                kept.put("engine", old.path("engine").asText("java-llama"));
                kept.put("llama_cpp_build", old.path("llama_cpp_build").asText(previousBuild));
                rowsNode.add(kept);
            }
        }
        for (AccuracyRow r : rows) {
            ObjectNode n = rowsNode.addObject();
            n.put("engine", r.engine());
            n.put("llama_cpp_build", r.build());
            n.put("model", r.model());
            n.put("n_ctx", r.nCtx());
            n.put("n_parallel", r.nParallel());
            n.put("n_gpu_layers", r.nGpuLayers());
            n.put("n_cpu_moe", r.nCpuMoe());
            n.put("buffer", r.bufferName());
            n.put("estimate_bytes", r.estimateBytes());
            n.put("measured_bytes", r.measuredBytes());
            n.put("within_target", r.withinTarget());
        }
        ArrayNode skippedNode = root.putArray("skipped");
        for (JsonNode old : previous.path("skipped")) {
            if (!old.path("engine").asText("java-llama").equals(engine)) {
                skippedNode.add(((ObjectNode) old).deepCopy().put("engine", old.path("engine").asText("java-llama")));
            }
        }
        for (Skipped s : skipped) {
            ObjectNode n = skippedNode.addObject();
            n.put("engine", engine);
            n.put("model", s.model());
            n.put("n_ctx", s.nCtx());
            n.put("n_parallel", s.nParallel());
            n.put("reason", s.reason());
        }
        ArrayNode summary = root.putArray("max_error");
        for (JsonNode old : previous.path("max_error")) {
            if (!old.path("engine").asText("java-llama").equals(engine)) {
                summary.add(((ObjectNode) old).deepCopy().put("engine", old.path("engine").asText("java-llama")));
            }
        }
        worst().forEach((model, byKind) -> byKind.forEach((kind, r) -> {
            ObjectNode n = summary.addObject();
            n.put("engine", engine);
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
