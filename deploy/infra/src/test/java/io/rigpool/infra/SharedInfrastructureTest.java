package io.rigpool.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test JVM that used the shared infrastructure leaves nothing of it under the temp folder once it has ended. Run
 * in a child JVM with a temp folder of its own, because the clean-up belongs to the JVM's end.
 */
class SharedInfrastructureTest {

    @TempDir
    Path dir;

    /**
     * The child: starts the shared infrastructure, says which entries the temp folder then has, and ends as a test
     * JVM does (System.exit: the broker's threads would keep it alive).
     */
    public static void main(String[] args) throws IOException {
        SharedInfrastructure.get();
        System.out.println("entries: " + entries(Path.of(System.getProperty("java.io.tmpdir"))));
        System.exit(0);
    }

    @Test
    void dataFolderIsGoneWhenTheJvmEnds() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                SharedInfrastructureTest.class.getName()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        boolean ended = child.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            child.destroy();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "the child did not end: " + output);
        assertEquals(0, child.exitValue(), output);

        assertTrue(output.lines().anyMatch(l -> l.startsWith("entries: ") && l.contains("rigpool-infra")),
                "the child made its data folder: " + output);
        assertEquals(List.of(), entries(tmp).stream().filter(e -> e.startsWith("rigpool-")).toList(),
                "left behind under the child's temp folder");
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
