package io.rigpool.bench.gpu;

import java.io.PrintStream;
import java.util.Locale;

/** The table the benchmark prints as it goes (and the device check keeps beside gpu.json). */
final class OffloadTable {

    private static final double MIB = 1 << 20;

    private OffloadTable() {
    }

    static void printHeader(PrintStream out) {
        out.printf(Locale.ROOT, "%-30s %4s %7s %7s %10s %10s %9s %8s %9s %9s %7s %9s %7s %6s%n", "model", "ngl",
                "backend", "offload", "VRAM meas", "VRAM est", "err MiB", "err %", "tok/s", "pred", "err %",
                "pred@ctx", "err %", "tokens");
    }

    static void print(PrintStream out, OffloadRow r) {
        out.printf(Locale.ROOT, "%-30s %4d %7s %7s %10.0f %10.0f %9.1f %8.2f %9.2f %9.2f %7.1f %9.2f %7.1f %6d%n",
                shorten(r.model()), r.nGpuLayers(), r.backend(), r.layersOffloaded(), r.measuredVramBytes() / MIB,
                r.estimatedVramBytes() / MIB, r.vramErrorBytes() / MIB, r.vramErrorPct(), r.measuredTps(),
                r.predictedTps(), r.speedErrorPct(), r.predictedTpsAtMeasuredContext(),
                r.speedErrorAtMeasuredContextPct(), r.tokens());
        if (r.backend().equals("cuda")) {
            out.printf(Locale.ROOT, "      VRAM: llama.cpp GPU buffers %.2f MiB (estimate %.2f), runtime around them %.0f MiB, "
                    + "after load %.0f MiB (%s)%n", r.loggedGpuBufferBytes() / MIB, r.estimatedGpuBufferBytes() / MIB,
                    r.runtimeOverheadBytes() / MIB, r.measuredVramAfterLoadBytes() / MIB, r.vramSource());
        }
        StringBuilder buffers = new StringBuilder("      buffers (llama.cpp / estimate, MiB):");
        for (OffloadRow.BufferComparison b : r.buffers()) {
            buffers.append(String.format(Locale.ROOT, " %s %s %s/%s;", b.buffer(), b.kind(), mib(b.measuredBytes()),
                    mib(b.estimatedBytes())));
        }
        out.println(buffers);
    }

    static void printSummary(PrintStream out, Report report) {
        out.println();
        out.println("backend: " + report.backendSummary() + "; CUDA context per model: " + report.cudaContext);
        out.println("summary: " + report.summary());
        if (report.calibration != null) {
            out.println("calibrated speed model: " + report.calibration);
            for (OffloadRow r : report.rows) {
                out.printf(Locale.ROOT, "  %-30s ngl %3d: measured %.2f tok/s, calibrated %.2f (%+.1f %%)%n",
                        shorten(r.model()), r.nGpuLayers(), r.measuredTps(),
                        r.calibratedTps() == null ? 0 : r.calibratedTps(),
                        r.calibratedSpeedErrorPct() == null ? 0 : r.calibratedSpeedErrorPct());
            }
        }
        report.skipped.forEach(s -> out.println("skipped: " + s));
        report.problems.forEach(p -> out.println("PROBLEM: " + p));
    }

    private static String mib(Long bytes) {
        return bytes == null ? "-" : String.format(Locale.ROOT, "%.2f", bytes / MIB);
    }

    private static String shorten(String model) {
        return model.length() <= 30 ? model : model.substring(0, 30);
    }
}
