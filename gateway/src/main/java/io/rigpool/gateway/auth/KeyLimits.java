package io.rigpool.gateway.auth;

/**
 * How much one key may ask of the gateway.
 *
 * @param ratePerSecond submissions per second, refilled continuously
 * @param burst submissions allowed at once after a quiet spell
 * @param maxConcurrentJobs jobs queued or running at once; 0 means no limit
 */
public record KeyLimits(double ratePerSecond, int burst, int maxConcurrentJobs) {

    /** For the anonymous caller when authentication is off: a local stack limits nobody. */
    public static final KeyLimits NONE = new KeyLimits(Double.POSITIVE_INFINITY, Integer.MAX_VALUE, 0);

    public boolean rateLimited() {
        return ratePerSecond != Double.POSITIVE_INFINITY;
    }

    /** This key's own values where it has them, else the defaults. */
    public static KeyLimits of(Double ratePerSecond, Integer burst, Integer maxConcurrentJobs, KeyLimits defaults) {
        return new KeyLimits(ratePerSecond != null ? ratePerSecond : defaults.ratePerSecond(),
                burst != null ? burst : defaults.burst(),
                maxConcurrentJobs != null ? maxConcurrentJobs : defaults.maxConcurrentJobs());
    }
}
