package io.rigpool.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The llama-server command line for a runner command line. Every load parameter the planner sized is passed
 * explicitly, so that llama-server's own choices cannot take memory the estimate did not count: {@code --fit off}
 * (it would otherwise change unset parameters to fit free memory), {@code --cache-ram 0} (its prompt cache would hold up to 8 GiB of the owner's RAM), and an explicit
 * {@code --parallel}, with which the context is split evenly between the slots as in java-llama.cpp (only the
 * automatic slot count turns the unified KV cache on).
 */
final class LlamaServerCommand {

    /** llama.cpp's log verbosity from which it logs buffer sizes (the load report needs them). */
    static final int LOG_VERBOSITY = 4;

    private LlamaServerCommand() {
    }

    static List<String> arguments(RunnerOptions o) {
        List<String> args = new ArrayList<>();
        args.add(o.engine().llamaServer().orElseThrow().toString());
        add(args, "--model", o.model().toString());
        add(args, "--host", "127.0.0.1");
        // Port 0: the kernel picks a free one and llama-server logs it ("listening on http://127.0.0.1:N").
        add(args, "--port", "0");
        add(args, "--ctx-size", Integer.toString(o.ctxSize()));
        add(args, "--n-gpu-layers", Integer.toString(o.gpuLayers()));
        add(args, "--parallel", Integer.toString(o.parallel()));
        add(args, "--threads", Integer.toString(o.threads()));
        o.batchSize().ifPresent(n -> add(args, "--batch-size", Integer.toString(n)));
        o.ubatchSize().ifPresent(n -> add(args, "--ubatch-size", Integer.toString(n)));
        if (o.flashAttn()) {
            add(args, "--flash-attn", "on");
        }
        o.cacheTypeK().ifPresent(t -> add(args, "--cache-type-k", t.name().toLowerCase(Locale.ROOT)));
        o.cacheTypeV().ifPresent(t -> add(args, "--cache-type-v", t.name().toLowerCase(Locale.ROOT)));
        if (o.noMmap()) {
            args.add("--no-mmap");
        }
        if (o.engine().nCpuMoe() > 0) {
            add(args, "--n-cpu-moe", Integer.toString(o.engine().nCpuMoe()));
        }
        add(args, "--fit", "off");
        add(args, "--cache-ram", "0");
        args.add("--jinja");
        args.add("--no-webui");
        add(args, "--log-file", o.logFile().toString());
        add(args, "--log-verbosity", Integer.toString(LOG_VERBOSITY));
        return args;
    }

    private static void add(List<String> args, String option, String value) {
        args.add(option);
        args.add(value);
    }
}
