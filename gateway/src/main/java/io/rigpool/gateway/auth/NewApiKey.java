package io.rigpool.gateway.auth;

/**
 * A key to be made, as an admin described it.
 *
 * @param ratePerSecond null for the gateway's default; likewise {@code burst} and {@code maxConcurrentJobs}
 */
public record NewApiKey(String name, Role role, Double ratePerSecond, Integer burst, Integer maxConcurrentJobs) {
}
