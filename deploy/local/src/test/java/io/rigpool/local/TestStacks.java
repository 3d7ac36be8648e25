package io.rigpool.local;

import java.nio.file.Path;
import java.util.Map;

/**
 * What every end-to-end test gives its stack's workers so that they write nothing outside the test's own data
 * folder (which JUnit deletes): a worker otherwise keeps its runners' folders and its demo model under the temp
 * folder ({@code rigpool-runners}, {@code rigpool-demo-models}), where they outlive the run.
 */
final class TestStacks {

    private TestStacks() {
    }

    static Map<String, String> workerFilesUnder(Path dataDir) {
        return Map.of(
                "rigpool.worker.runner.work-dir", dataDir.resolve("runners").toString(),
                "rigpool.worker.demo-model-dir", dataDir.resolve("demo-models").toString());
    }
}
