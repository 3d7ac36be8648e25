package io.rigpool.gateway.api;

import io.rigpool.gateway.GatewayConfig;

/** The request reader with the configured limit and defaults. */
public final class JobRequestReaders {

    private JobRequestReaders() {
    }

    public static JobRequestReader of(GatewayConfig config) {
        return new JobRequestReader(config.limits().maxTokens(), config.defaults().maxTokens(),
                config.defaults().temperature(), config.defaults().topP());
    }
}
