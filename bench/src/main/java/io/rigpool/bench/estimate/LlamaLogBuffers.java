package io.rigpool.bench.estimate;

import io.rigpool.planner.estimate.Buffer;
import io.rigpool.planner.estimate.BufferKind;
import io.rigpool.planner.estimate.MeasuredBuffers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the buffer lines of a llama.cpp log, e.g. {@code load_tensors:   CPU_Mapped model buffer size = 4685.30 MiB};
 * later builds' llama-server puts a timestamp and a level before them ({@code 0.03.054.920 I load_tensors: ...}).
 */
final class LlamaLogBuffers {

    private static final Pattern BUFFER = Pattern.compile(
            "^(?:[\\d.]+ [A-Z] )?\\s*[\\w.]+:\\s+(\\S+)\\s+(model|KV|compute|output)\\s+buffer size\\s*=\\s*"
                    + "(\\d+(?:\\.\\d+)?) MiB");
    /** b4916: "build: 4916 (c6af2161) with ..."; later builds: "... common_params_print_info: build 1 (de3ff81)". */
    private static final Pattern BUILD = Pattern.compile("(?:^|: )build:? (\\d+ \\(\\w+\\))");

    private LlamaLogBuffers() {
    }

    static List<Buffer> buffers(List<String> lines) {
        List<Buffer> buffers = new ArrayList<>();
        for (String line : lines) {
            Matcher m = BUFFER.matcher(line);
            if (m.find()) {
                BufferKind kind = BufferKind.valueOf(m.group(2).toUpperCase(Locale.ROOT));
                buffers.add(new Buffer(m.group(1), MeasuredBuffers.deviceOf(m.group(1)), kind,
                        mibToBytes(m.group(3))));
            }
        }
        return buffers;
    }

    static String build(List<String> lines) {
        for (String line : lines) {
            Matcher m = BUILD.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "unknown";
    }

    static long mibToBytes(String mib) {
        return new BigDecimal(mib).multiply(BigDecimal.valueOf(1L << 20)).longValue();
    }
}
