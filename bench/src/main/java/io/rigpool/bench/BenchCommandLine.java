package io.rigpool.bench;

import picocli.CommandLine;

/**
 * The benchmarks' command lines, read by picocli from each one's annotated options: a wrong option ends the benchmark
 * with picocli's message and the usage, exit code 2, before anything was started.
 */
public final class BenchCommandLine {

    private BenchCommandLine() {
    }

    /** Fills {@code options} (a {@code @Command} with {@code @Option} fields) from {@code args}; returns it. */
    public static <T> T parse(T options, String... args) {
        CommandLine line = new CommandLine(options);
        try {
            line.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            System.err.print(line.getUsageMessage(CommandLine.Help.Ansi.OFF));
            System.exit(2);
        }
        if (line.isUsageHelpRequested()) {
            System.out.print(line.getUsageMessage(CommandLine.Help.Ansi.OFF));
            System.exit(0);
        }
        return options;
    }
}
