package io.rigpool.runner;

import io.rigpool.proto.v1.Finished;
import io.rigpool.proto.v1.GenerateRequest;
import io.rigpool.proto.v1.RunnerLoadReport;
import io.rigpool.proto.v1.TextPiece;
import java.util.function.Consumer;

/**
 * The one loaded model behind the runner's gRPC face, whichever llama.cpp holds it: java-llama.cpp in this process
 * ({@link LoadedModel}) or llama.cpp's own llama-server as this process's child ({@link LlamaServerModel}). The
 * worker talks to both through the same {@code Runner} service, so nothing above the runner knows which it is.
 */
interface ModelEngine {

    /** What llama.cpp reported when it loaded the model. */
    RunnerLoadReport report();

    /**
     * Runs one chat completion to its end on the calling thread, streaming text pieces (with their tokens' log
     * probabilities where asked for); stops within a token once
     * {@code generation} is cancelled.
     *
     * @throws InvalidRequestException when the request cannot be served as asked (names the field)
     */
    Finished generate(Generation generation, GenerateRequest request, Consumer<TextPiece> pieces);
}
