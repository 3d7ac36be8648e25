package io.rigpool.bench.worker;

import io.rigpool.gguf.GgmlType;
import io.rigpool.gguf.tiny.TinyChatModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model the worker benchmark decodes: eight transformer layers shaped like TinyLlama-1.1B's (2048 wide, FFN
 * 5632, 32 query and 4 key/value heads), F16 weights, with the tiny chat model's vocabulary and chat template:
 * 708 MB, written once with random weights (nothing can be downloaded here) and reused.
 *
 * <p>Why this shape: decoding a token reads every weight once, so on the machines rigpool serves from (a GPU, or
 * a desktop CPU with several cores) a real model's decode speed is bound by memory bandwidth, and llama.cpp's
 * parallel slots serve several sequences with one read of the weights. To behave that way here the weights must be
 * far larger than the CPU caches (708 MB against this VM's 260 MiB last-level cache) and cheap to compute per byte
 * read: on the 2-vCPU benchmark machine a Q4_0 model of the same layers decodes at half the measured copy
 * bandwidth (compute-bound, 8 jobs only 1.5 to 1.9 times one), while F16 decodes at about the copy bandwidth
 * (9 GB/s), i.e. memory-bound like Q4 on an owner's PC. The output rows of control tokens are zero, so every
 * generation runs to max_tokens.
 */
final class BenchModel {

    static final TinyChatModel.Spec SPEC = new TinyChatModel.Spec("rigpool-bench-tinyllama-8l-f16", 8, 2048, 5632,
            32, 4, 4096, GgmlType.F16, 20_260_101L);

    private BenchModel() {
    }

    static String name() {
        return SPEC.name();
    }

    /** The model file in the directory, written first when it is not there (about 15 s). */
    static Path ensure(Path dir) throws IOException {
        Path target = dir.resolve(SPEC.name() + ".gguf");
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, SPEC.name(), ".partial");
        try {
            TinyChatModel.write(partial, SPEC);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }
}
