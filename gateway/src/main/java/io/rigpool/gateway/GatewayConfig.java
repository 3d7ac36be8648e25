package io.rigpool.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The gateway's own settings ({@code rigpool.gateway.*}); Kafka and the datasource keep Quarkus' usual keys. */
@ConfigMapping(prefix = "rigpool.gateway")
public interface GatewayConfig {

    /** Who may call the API. */
    Auth auth();

    /** What a client may ask for in one job, and how fast. */
    Limits limits();

    /** Values used when a request leaves a sampling setting out. */
    Defaults defaults();

    /** The re-publishing of jobs whose publish to Kafka was never acknowledged. */
    Sweeper sweeper();

    /** The batched writing of new jobs to the database. */
    Writer writer();

    /** Token streams and job results as every gateway instance follows them. */
    Streams streams();

    /** {@code POST /v1/chat/completions} without streaming: the request waits for the job. */
    Chat chat();

    /** The purge of old jobs. */
    Retention retention();

    /** How the gateway tells that PostgreSQL or Kafka is down, to refuse submissions quickly while they are. */
    Availability availability();

    interface Auth {

        /**
         * Whether requests need an API key ({@code Authorization: Bearer <key>}). When false every caller is an
         * anonymous admin without limits: for a local stack on one machine, never for a shared deployment.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * An admin key to accept from the start (stored hashed, like every key). When absent and no admin key
         * exists yet, the gateway makes one on its first start and writes it to {@link #bootstrapKeyFile()}.
         */
        Optional<String> bootstrapAdminKey();

        /**
         * Where a key the gateway made itself is written (readable by its owner only), since secrets never go to
         * the log; default {@code ~/.rigpool/gateway-admin-key}.
         */
        Optional<Path> bootstrapKeyFile();

        /**
         * How long a looked-up key is trusted without asking the database again: a key revoked on another
         * gateway instance stops working here within this time (on the revoking instance at once).
         */
        @WithDefault("30s")
        Duration cacheTtl();
    }

    interface Limits {

        /** Largest {@code max_tokens} a request may ask for. */
        @WithDefault("4096")
        int maxTokens();

        /** Submissions per second a key may make on one gateway instance, unless the key says otherwise. */
        @WithDefault("20")
        double ratePerSecond();

        /** Submissions a key may make at once after a quiet spell, unless the key says otherwise. */
        @WithDefault("40")
        int burst();

        /** Jobs a key may have queued or running at once, unless the key says otherwise. */
        @WithDefault("32")
        int maxConcurrentJobs();
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

        /**
         * How long after its publish a job still queued (or running, but not started since) is published again.
         * The job queues are Kafka share groups, which archive a record delivered
         * {@code group.share.delivery.count.limit} times without being acknowledged: the workers report such a job
         * failed before that (their {@code jobs.max-deliveries}), but a record whose last delivery ends without any
         * acknowledgement (its worker dies, its broker restarts) is dropped without a word, and its job would stay
         * queued for ever. Published again, it is a new record. Far longer than a job waits and runs normally: one
         * published again while it still waits may run twice, and the gateway stores its first outcome only.
         */
        @WithDefault("30m")
        Duration republishAfter();

        /**
         * Around a Kafka outage (the gateway's probe saw the broker go and come back), how far before its start
         * and after its end a job must have been published to be looked at again, and how long after its end the
         * look starts. Kafka restarts lost jobs until the workers' lock renewal stopped bouncing the records available
         * just after a restart until the broker archived them (worker/README.md, "Jobs lost at a Kafka restart");
         * this stays as a net for a record the queue drops for any other reason. From {@code outage-margin} after
         * Kafka is back until {@code outage-watch} after, a job published within the margin of the outage that is
         * still queued (never started) while a job of the same model submitted after it started
         * {@code overtaken-for} ago or more is published again, once. The outage must have been seen by two
         * checks of the probe or more, after Kafka had been up. Such a job may run twice (its record was only
         * slow, not dropped); the gateway stores its first outcome only.
         */
        @WithDefault("60s")
        Duration outageMargin();

        /** How long after a Kafka outage the sweeper keeps looking for jobs it skipped (see outage-margin). */
        @WithDefault("10m")
        Duration outageWatch();

        /**
         * How long a later job of the same model must have been running before a queued one counts as skipped. Jobs
         * are not taken strictly in order (a share group serves its partitions in turn, and jobs handed back go
         * again): under a backlog with a runner killed, a job waited 30 s longer than later ones in a fault-suite run.
         */
        @WithDefault("60s")
        Duration overtakenFor();

        /** Most jobs re-published in one sweep; the rest wait for the next one. */
        @WithDefault("500")
        int batchSize();
    }

    interface Writer {

        /** Most new jobs written in one transaction; under load, submissions share commits up to this many. */
        @WithDefault("256")
        int maxBatch();

        /** Submissions waiting for the writer beyond which new ones are refused with 503. */
        @WithDefault("10000")
        int maxQueued();
    }

    interface Streams {

        /**
         * How far back a starting gateway reads the token topic, so it can replay the tokens of jobs that began
         * before it started; also how long tokens of an unfinished job are kept after its last one.
         */
        @WithDefault("10m")
        Duration replayWindow();

        /**
         * How long a finished job's tokens stay replayable from memory (after that, from its stored result). Short on
         * purpose: every job has a channel, and channels that outlive a young collection are copied at each one. At
         * 200 jobs/s the survivors were 7 MB at every collection with two minutes, 2.8 MB with five seconds, which
         * still covers a client reconnecting its stream; the stored result covers the rest.
         */
        @WithDefault("5s")
        Duration linger();

        /** Most jobs whose tokens are kept in memory; the oldest finished ones go first. */
        @WithDefault("20000")
        int maxJobs();

        /** How often an open event stream gets a comment line, so proxies do not close it as idle. */
        @WithDefault("15s")
        Duration heartbeat();

        /**
         * How long a watched job may go without any event before its status is read from the database, in case
         * its result went by before the watch began.
         */
        @WithDefault("5s")
        Duration statusCheckPeriod();
    }

    interface Chat {

        /** Longest a non-streaming chat completion waits for its job; then 504, and the job is cancelled. */
        @WithDefault("10m")
        Duration timeout();
    }

    interface Retention {

        /** Finished jobs created longer ago than this are deleted; queued and running jobs are kept. */
        @WithDefault("30d")
        Duration maxAge();

        /** How often the purge runs. */
        @WithDefault("1h")
        Duration period();

        /** Most rows deleted per statement, so a large purge does not hold one long transaction. */
        @WithDefault("5000")
        int batchSize();
    }

    interface Availability {

        /** How often PostgreSQL and Kafka are checked. */
        @WithDefault("1s")
        Duration probePeriod();

        /** How long one check may take before the server counts as down. */
        @WithDefault("1500ms")
        Duration probeTimeout();

        /** What {@code Retry-After} tells a client refused while a server is down. */
        @WithDefault("2s")
        Duration retryAfter();
    }
}
