package io.rigpool.local;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rigpool.common.engines.LlamaServerInstall;
import java.nio.file.Path;
import java.util.Optional;

/** The llama-server the second engine's stacks need: required where CI asks for it, else those tests are skipped. */
final class LlamaServerForTests {

    private LlamaServerForTests() {
    }

    static Path binaryOrSkip() {
        Optional<Path> binary = LlamaServerInstall.locate();
        if (LlamaServerInstall.required()) {
            assertTrue(binary.isPresent(), "RIGPOOL_REQUIRE_LLAMA_SERVER is set but no llama-server was found");
        }
        assumeTrue(binary.isPresent(), "no llama-server here (deploy/llama-server/build-from-npm.sh builds one)");
        return binary.get();
    }
}
