package io.rigpool.gateway.events;

/**
 * Keeps a streamed answer equal to the stored one. Tokens and the final result travel on different topics, so the
 * result can arrive before the last tokens, and tokens can be missing (dropped from memory, or the stream was
 * joined late); when the job ends, whatever part of the final text was not streamed yet is sent as one last piece.
 */
public final class StreamAssembler {

    private final StringBuilder streamed = new StringBuilder();

    public void streamed(String token) {
        streamed.append(token);
    }

    /** The end of {@code finalText} not streamed yet; empty when the stream already holds it, or cannot (it differs). */
    public String rest(String finalText) {
        if (finalText == null || finalText.length() <= streamed.length()
                || !finalText.startsWith(streamed.toString())) {
            return "";
        }
        return finalText.substring(streamed.length());
    }
}
