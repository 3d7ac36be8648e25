package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.kherud.llama.args.CacheType;
import io.rigpool.common.engines.EngineKind;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

    @Test
    void readsTheWholeContract() {
        RunnerOptions o = RunnerOptions.parse("--model", "/m/a.gguf", "--ctx-size", "8192", "--gpu-layers", "33",
                "--parallel", "4", "--threads", "6", "--batch-size", "1024", "--ubatch-size", "256", "--flash-attn",
                "--cache-type-k", "q8_0", "--cache-type-v", "f16", "--no-mmap", "--log-file", "/r/llama.log",
                "--port-file", "/r/port", "--output-file", "/r/runner.out");

        assertEquals(new RunnerOptions(Path.of("/m/a.gguf"), 8192, 33, 4, 6, OptionalInt.of(1024),
                OptionalInt.of(256), true, Optional.of(CacheType.Q8_0), Optional.of(CacheType.F16), true,
                Path.of("/r/llama.log"), Path.of("/r/port"), Optional.of(Path.of("/r/runner.out")),
                RunnerOptions.Engine.JAVA_LLAMA), o);
        assertEquals(2048, o.slotContext());
    }

    @Test
    void namesTheOptionThatIsWrong() {
        String[] required = {"--model", "m", "--log-file", "l", "--port-file", "p"};
        assertMessage("Missing required option: '--model=PATH'", "--ctx-size", "512", "--log-file", "l",
                "--port-file", "p");
        assertMessage("Invalid value for option '--ctx-size': 'lots' is not an int",
                concat(required, "--ctx-size", "lots"));
        assertMessage("--gpu-layers must be at least 0, not -1", concat(required, "--gpu-layers", "-1"));
        assertMessage("Unknown option: '--turbo'", concat(required, "--turbo"));
        assertMessage("--ctx-size 2 leaves no context for each of --parallel 4 slots",
                concat(required, "--ctx-size", "2", "--parallel", "4"));
        RunnerOptions.UsageException e = assertThrows(RunnerOptions.UsageException.class,
                () -> RunnerOptions.parse(concat(required, "--cache-type-k", "q3")));
        assertTrue(e.getMessage().startsWith("Invalid value for option '--cache-type-k': expected one of [F32, F16"),
                e.getMessage());
        assertTrue(RunnerOptions.usage().contains("--n-cpu-moe=N"), RunnerOptions.usage());
    }

    @Test
    void takesTheLlamaServerEngineWithItsBinaryAndExpertPlacement() {
        RunnerOptions o = RunnerOptions.parse("--model", "m", "--log-file", "l", "--port-file", "p", "--engine",
                "llama-server", "--llama-server", "/opt/llama/llama-server", "--n-cpu-moe", "12");
        assertEquals(new RunnerOptions.Engine(EngineKind.LLAMA_SERVER, Optional.of(Path.of("/opt/llama/llama-server")),
                12), o.engine());
        assertEquals(RunnerOptions.Engine.JAVA_LLAMA,
                RunnerOptions.parse("--model", "m", "--log-file", "l", "--port-file", "p").engine());
        String[] common = {"--model", "m", "--log-file", "l", "--port-file", "p"};
        assertMessage("--engine llama-server needs --llama-server PATH", concat(common, "--engine", "llama-server"));
        assertMessage("--llama-server and --n-cpu-moe need --engine llama-server", concat(common, "--n-cpu-moe", "3"));
        assertMessage("Invalid value for option '--engine': must be one of [java-llama, llama-server], not 'vllm'",
                concat(common, "--engine", "vllm"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void assertMessage(String expected, String... args) {
        RunnerOptions.UsageException e = assertThrows(RunnerOptions.UsageException.class,
                () -> RunnerOptions.parse(args));
        assertEquals(expected, e.getMessage());
    }
}
