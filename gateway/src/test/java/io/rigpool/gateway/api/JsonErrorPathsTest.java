package io.rigpool.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonErrorPathsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            {"model": "m", "messages": [{"role": "user", "content": hi}]}     | messages[0].content
            {"model": "m", "messages": [{"role": "user"}, {"role": }]}        | messages[1].role
            {"model": "m", "max_tokens": 1x}                                   | max_tokens
            {"model" "m"}                                                      | model
            model=m                                                            | -
            """)
    void aParseErrorIsPlacedAtTheFieldBeingRead(String body, String field) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> JSON.readTree(body));

        assertEquals(field, JsonErrorPaths.of(e));
    }

    @Test
    void aBindingErrorIsPlacedByItsReferencePath() {
        record Message(String role, int tokens) {
        }
        record Body(List<Message> messages) {
        }
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> JSON.readValue(
                "{\"messages\": [{\"role\": \"user\", \"tokens\": 1}, {\"role\": \"user\", \"tokens\": \"many\"}]}",
                Body.class));

        assertEquals("messages[1].tokens", JsonErrorPaths.of(e));
    }
}
