package io.rigpool.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.quarkus.test.common.http.TestHTTPResource;
import io.rigpool.gateway.testing.TestApi;
import io.rigpool.gateway.testing.TestModels;
import io.rigpool.gateway.testing.TestWorker;
import io.rigpool.infra.RigpoolQuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenAI's own Java client, used exactly as against api.openai.com, only with another base URL and key. */
@RigpoolQuarkusTest
class OpenAiSdkTest {

    static final String MODEL = "gateway-openai-sdk-model";
    static final List<String> TOKENS = List.of("The", " sky", " is", " blue", ".");

    static TestWorker worker;

    @TestHTTPResource("/v1")
    URI baseUrl;

    OpenAIClient client;

    @BeforeAll
    static void startWorker() {
        worker = TestWorker.start(MODEL, TestWorker.answering(TOKENS));
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @BeforeEach
    void connect() {
        TestModels.serve(MODEL);
        client = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(TestApi.newUserKey("openai sdk test"))
                .maxRetries(0)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    @Test
    void aPlainChatCompletionAnswersWithTheWorkersTextAndUsage() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addSystemMessage("Be brief.")
                .addUserMessage("What colour is the sky?")
                .maxCompletionTokens(16)
                .temperature(0.0)
                .build());

        assertEquals("The sky is blue.", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertEquals(MODEL, completion.model());
        assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
        assertEquals(TOKENS.size(), completion.usage().orElseThrow().completionTokens());
        assertEquals(10, completion.usage().orElseThrow().promptTokens());
        assertEquals(10 + TOKENS.size(), completion.usage().orElseThrow().totalTokens());
    }

    @Test
    void aStreamingChatCompletionYieldsTheTokensInOrder() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("What colour is the sky?")
                .maxCompletionTokens(16)
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        String text = chunks.stream()
                .flatMap(chunk -> chunk.choices().stream())
                .flatMap(choice -> choice.delta().content().stream())
                .collect(Collectors.joining());
        assertEquals("The sky is blue.", text);
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP,
                chunks.get(chunks.size() - 1).choices().get(0).finishReason().orElseThrow());
        assertTrue(worker.received().stream().anyMatch(request -> request.getStream()),
                "the worker was asked to stream");
    }

    @Test
    void theModelListHoldsTheCataloguesModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();

        assertTrue(ids.contains(MODEL), ids.toString());
        assertEquals(MODEL, client.models().retrieve(MODEL).id());
    }

    @Test
    void errorsArriveAsTheClientsOwnExceptions() {
        NotFoundException unknownModel = assertThrows(NotFoundException.class, () -> client.chat().completions()
                .create(ChatCompletionCreateParams.builder().model("no-such-model").addUserMessage("Hi").build()));
        assertEquals(404, unknownModel.statusCode());
        assertEquals("model", unknownModel.param().orElseThrow());
        assertEquals("model_not_found", unknownModel.code().orElseThrow());

        BadRequestException tooMany = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Hi")
                        .maxCompletionTokens(1_000_000).build()));
        assertEquals("max_completion_tokens", tooMany.param().orElseThrow());

        OpenAIClient wrongKey = OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey("rp-not-a-key")
                .maxRetries(0).build();
        UnauthorizedException unauthorized = assertThrows(UnauthorizedException.class,
                () -> wrongKey.models().list());
        assertFalse(unauthorized.getMessage().isBlank());
    }
}
