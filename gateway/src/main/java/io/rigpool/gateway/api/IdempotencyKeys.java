package io.rigpool.gateway.api;

/** Checks the {@code Idempotency-Key} header: up to 255 visible ASCII characters, as Stripe and the IETF draft do. */
public final class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {
    }

    /** @return the key, or null when the header is absent */
    public static String check(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > MAX_LENGTH) {
            throw ApiException.invalid(HEADER, HEADER + " must have 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw ApiException.invalid(HEADER, HEADER + " may hold visible ASCII characters only");
            }
        }
        return header;
    }
}
