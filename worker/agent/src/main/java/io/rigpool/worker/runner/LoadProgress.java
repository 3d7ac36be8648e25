package io.rigpool.worker.runner;

import java.util.List;

/**
 * How far a runner is with loading its model, read from llama.cpp's own log while it loads. llama.cpp logs one
 * dot each time the share of tensor bytes it has loaded passes a new whole percent (its default progress callback),
 * so the dots, against the number the model's tensor table predicts, measure the longest part of a load. The
 * phases around it get fixed shares: reading metadata up to 5 %, tensors up to 90 %, creating the context and
 * warming up up to 98 %; 100 % is when the runner serves.
 */
public final class LoadProgress {

    private static final String TENSORS_START = "load_tensors: loading model tensors";
    private static final String CONTEXT_START = "llama_context: constructing llama_context";
    private static final String LOADED = "model loaded";

    private LoadProgress() {
    }

    /**
     * The number of dots llama.cpp logs for tensors of these sizes: one per tensor after which the loaded share
     * reaches a whole percent it had not reached before. At least 1.
     */
    public static int steps(long[] tensorBytes) {
        long total = 0;
        for (long b : tensorBytes) {
            total += b;
        }
        if (total <= 0) {
            return 1;
        }
        int steps = 0;
        long done = 0;
        long percent = 0;
        for (long b : tensorBytes) {
            done += b;
            long now = (long) Math.floor(100.0 * done / total);
            if (now > percent) {
                percent = now;
                steps++;
            }
        }
        return Math.max(1, steps);
    }

    /** Progress between 0 and 0.98 from the log lines written so far. */
    public static float of(List<String> logLines, int expectedSteps) {
        boolean tensors = false;
        boolean context = false;
        boolean loaded = false;
        int dots = 0;
        for (String line : logLines) {
            if (line.contains(TENSORS_START)) {
                tensors = true;
            } else if (line.contains(CONTEXT_START)) {
                context = true;
            } else if (line.contains(LOADED)) {
                loaded = true;
            } else if (tensors && !context && isDots(line)) {
                dots += line.strip().length();
            }
        }
        if (loaded) {
            return 0.98f;
        }
        if (context) {
            return 0.92f;
        }
        if (!tensors) {
            return logLines.isEmpty() ? 0f : 0.02f;
        }
        return 0.05f + 0.85f * Math.min(1f, dots / (float) Math.max(1, expectedSteps));
    }

    private static boolean isDots(String line) {
        String s = line.strip();
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '.') {
                return false;
            }
        }
        return true;
    }
}
