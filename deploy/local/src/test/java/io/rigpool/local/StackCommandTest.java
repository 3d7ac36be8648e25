package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, StackOptions options, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new StackCommand()).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err));
        int exitCode = line.execute(args);
        return new Run(exitCode, line.getExecutionResult(), out.toString(), err.toString());
    }

    @Test
    void withoutArgumentsTheStackUsesFixedPortsAndNoKeys() {
        Run run = run();
        assertEquals(0, run.exitCode(), run.err());
        StackOptions o = run.options();
        assertEquals(8080, o.gatewayPort());
        assertEquals(8081, o.plannerPort());
        assertEquals(19092, o.kafkaPort());
        assertEquals(1, o.workers());
        assertTrue(o.dataDir().endsWith(".rigpool-local"), o.dataDir().toString());
        assertNull(o.modelDir(), "the generated demo model");
        assertNull(o.gatewayAdminKey(), "no keys without --auth");
    }

    @Test
    void optionsAreTaken() {
        Run run = run("--models", dir.toString(), "--workers", "3", "--auth", "--gateway-port", "18080",
                "--data", dir.resolve("data").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(dir.toAbsolutePath(), run.options().modelDir());
        assertEquals(3, run.options().workers());
        assertEquals(18080, run.options().gatewayPort());
        assertTrue(run.options().gatewayAdminKey().startsWith("rp-admin-"));
    }

    @Test
    void wrongArgumentsEndWithCode2TheReasonAndTheUsage() {
        Run notANumber = run("--workers", "two");
        assertEquals(2, notANumber.exitCode());
        assertTrue(notANumber.err().contains("--workers") && notANumber.err().contains("Usage: rigpool-local"),
                notANumber.err());

        Run noFolder = run("--models", dir.resolve("missing").toString());
        assertEquals(2, noFolder.exitCode());
        assertTrue(noFolder.err().contains("is not a directory"), noFolder.err());

        assertEquals(2, run("--workers", "0").exitCode());
        assertEquals(2, run("--no-such-option").exitCode());
    }

    @Test
    void helpListsEveryOption() {
        Run help = run("--help");
        assertEquals(0, help.exitCode());
        assertNull(help.options());
        for (String option : new String[] {"--models", "--data", "--workers", "--auth", "--fresh", "--kafka-port"}) {
            assertTrue(help.out().contains(option), help.out());
        }
    }
}
