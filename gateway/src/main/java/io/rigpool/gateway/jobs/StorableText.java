package io.rigpool.gateway.jobs;

/**
 * Text as PostgreSQL can store it. A {@code text} or {@code jsonb} value cannot hold U+0000 ("invalid byte sequence
 * for encoding UTF8: 0x00"), while a Java string, protobuf and JSON all can; a model can emit it and anyone who
 * reaches the broker can send it. It becomes U+FFFD, the replacement character, so the reader still sees that
 * something was there.
 */
public final class StorableText {

    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';

    private StorableText() {
    }

    /** {@code text} with every NUL replaced; null stays null. */
    public static String of(String text) {
        if (text == null || text.indexOf(NUL) < 0) {
            return text;
        }
        return text.replace(NUL, REPLACEMENT);
    }
}
