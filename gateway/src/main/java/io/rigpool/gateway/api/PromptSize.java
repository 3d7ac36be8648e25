package io.rigpool.gateway.api;

import io.rigpool.gateway.jobs.ChatMessage;
import java.util.List;

/**
 * Estimates how many tokens a chat prompt takes, without the model's tokenizer (that lives on the workers).
 *
 * <p>The estimate errs low on purpose, so the gateway refuses only prompts that cannot fit: it counts one token
 * per {@value #BYTES_PER_TOKEN} bytes of UTF-8, where the vocabularies of Llama-style models average about four
 * bytes per token on English prose and fewer on code or other scripts, plus {@value #TOKENS_PER_MESSAGE} tokens
 * per message and {@value #TOKENS_TO_START_REPLY} to start the reply for the chat template's markers. A prompt
 * refused by this estimate is well over the limit; one that slips under it and still does not fit fails on the
 * worker, which knows the exact count.
 */
public final class PromptSize {

    static final int BYTES_PER_TOKEN = 6;
    static final int TOKENS_PER_MESSAGE = 4;
    static final int TOKENS_TO_START_REPLY = 3;

    private PromptSize() {
    }

    public static long estimateTokens(List<ChatMessage> messages) {
        long tokens = TOKENS_TO_START_REPLY;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + ceilDiv(utf8Length(message.content()), BYTES_PER_TOKEN);
        }
        return tokens;
    }

    /** The UTF-8 length of the text as sent on, without encoding it (a prompt can be a megabyte). */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                // A lone surrogate is sent as '?', like Java's UTF-8 encoder does.
                bytes += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return bytes;
    }

    private static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
