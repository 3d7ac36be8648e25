package io.rigpool.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The gateway's own settings ({@code rigpool.gateway.*}); Kafka and the datasource keep Quarkus' usual keys. */
@ConfigMapping(prefix = "rigpool.gateway")
public interface GatewayConfig {

    /** What a client may ask for in one job. */
    Limits limits();

    /** Values used when a request leaves a sampling setting out. */
    Defaults defaults();

    /** The re-publishing of jobs whose publish to Kafka was never acknowledged. */
    Sweeper sweeper();

    interface Limits {

        /** Largest {@code max_tokens} a request may ask for. */
        @WithDefault("4096")
        int maxTokens();
    }

    interface Defaults {

        /** {@code max_tokens} when the request has none. */
        @WithDefault("256")
        int maxTokens();

        /** {@code temperature} when the request has none (OpenAI's default). */
        @WithDefault("1.0")
        double temperature();

        /** {@code top_p} when the request has none: no nucleus cut. */
        @WithDefault("1.0")
        double topP();
    }

    interface Sweeper {

        /** How often the sweeper looks for unpublished jobs. */
        @WithDefault("5s")
        Duration period();

        /**
         * How old an unpublished job must be before the sweeper publishes it again. Longer than a normal publish
         * takes, so the sweeper only picks up jobs whose publish was lost (crash, broker down), not ones in flight.
         */
        @WithDefault("30s")
        Duration minAge();

        /** Most jobs re-published in one sweep; the rest wait for the next one. */
        @WithDefault("500")
        int batchSize();
    }
}
