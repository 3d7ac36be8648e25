package io.rigpool.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ToolCallOpeningTest {

    private static final String PROMPT = "<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n";

    @Test
    void theOpeningIsWhatTheTurnWithACallHasBeforeItsJson() {
        String withCall = PROMPT + "<tool_call>\n{\"name\": \"" + ToolCallOpening.PROBE_FUNCTION
                + "\", \"arguments\": {}}\n</tool_call><|im_end|>\n<|im_start|>user\ny<|im_end|>\n";

        assertEquals("<tool_call>\n", ToolCallOpening.between(PROMPT, withCall));
    }

    @Test
    void anXmlStyleCallOpensUpToTheFunctionsName() {
        String withCall = PROMPT + "<tool_call>\n<function=" + ToolCallOpening.PROBE_FUNCTION + ">\n</function>";

        assertEquals("<tool_call>\n<function=", ToolCallOpening.between(PROMPT, withCall));
    }

    @Test
    void noOpeningWhenTheTurnDoesNotBeginWithThePromptOrStartsWithTheJson() {
        assertEquals("", ToolCallOpening.between(PROMPT + "<think>\n\n</think>\n\n", PROMPT + "<tool_call>\n{}"));
        assertEquals("", ToolCallOpening.between(PROMPT, PROMPT + "{\"name\": \"f\"}"));
        assertEquals("", ToolCallOpening.between("", "anything"));
    }
}
