package io.rigpool.planner;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the planner service. */
@ConfigMapping(prefix = "rigpool")
public interface PlannerConfig {

    /** Shared secret every worker must present in its hello; a worker with another token is refused. */
    @WithName("cluster-token")
    String clusterToken();

    /**
     * Lets the planner start with default or short secrets (cluster token, admin key, database password): only for
     * the local stack, tests and dev mode ({@code io.rigpool.common.secrets.SecretPolicy}).
     */
    @WithDefault("false")
    boolean allowWeakSecrets();

    Planner planner();

    interface Planner {

        /** How often workers are asked to send a heartbeat. */
        @WithDefault("3s")
        Duration heartbeatInterval();

        /** A node that sent nothing for this long is lost, and what it ran is planned elsewhere. */
        @WithDefault("15s")
        Duration nodeLostAfter();

        /**
         * A node gone (lost or disconnected) this long is forgotten: dropped from the registry, the admin page and the
         * database, with its admin rules. Bounds what node ids, real or made up, can make the planner keep.
         */
        @WithDefault("24h")
        Duration forgetAfter();

        /**
         * How a node id is bound to its PC: {@code per-node} (each node id gets its own credential at its first hello,
         * and later hellos must carry it: the cluster token only enrols new ids) or {@code shared-token} (any holder
         * of the cluster token may use any node id no live session holds).
         */
        @WithDefault("per-node")
        NodeCredentials nodeCredentials();

        /**
         * Bearer token of the admin API ({@code Authorization: Bearer <key>}), compared in constant time. Without
         * it the admin endpoints answer 503: set {@code RIGPOOL_PLANNER_ADMIN_KEY} in every deployment.
         */
        Optional<String> adminKey();

        /**
         * Whether the read-only endpoints ({@code GET /api/nodes}, {@code /api/plan}, {@code /api/models},
         * {@code /api/estimate}) need the admin key too. Off by default: they hold no secrets and the gateway
         * and tooling read them.
         */
        @WithDefault("false")
        boolean protectReads();

        /** How long a login on the admin page ({@code /admin/}) lasts before the key must be entered again. */
        @WithDefault("12h")
        Duration adminSessionLifetime();

        /** How wrong admin keys are throttled, per client address (login form and bearer header alike). */
        AdminLogin adminLogin();

        /** What runners get and which shapes the optimiser may choose. */
        Runners runners();

        /** How much of each PC rigpool leaves alone. */
        Reserve reserve();

        /** How demand is read from Kafka. */
        Demand demand();

        /** When and how plans change. */
        Replanning replanning();
    }

    /** See {@link Planner#nodeCredentials()}. */
    enum NodeCredentials {
        PER_NODE, SHARED_TOKEN
    }

    interface AdminLogin {

        /** Wrong keys in a row an address may send before it must wait. */
        @WithDefault("5")
        int freeAttempts();

        /** The first wait; each further wrong key doubles it. */
        @WithDefault("1s")
        Duration firstLockout();

        /** The longest wait. */
        @WithDefault("15m")
        Duration maxLockout();
    }

    interface Runners {

        /** Tokens of context each parallel slot gets (n_ctx = slots × this, capped by the trained context). */
        @WithDefault("4096")
        int contextPerSlot();

        /** Parallel slot counts the optimiser chooses from for each runner. */
        @WithDefault("1,2,4")
        List<Integer> slotOptions();

        /** GPU memory bandwidth assumed for a card the card table does not know, GB/s. */
        @WithDefault("300")
        double defaultGpuBandwidthGbps();

        /** Host memory bandwidth assumed when a worker measured none, GB/s. */
        @WithDefault("40")
        double defaultCpuBandwidthGbps();

        /** Per-runner GPU memory outside llama.cpp's buffers (CUDA context, cuBLAS). */
        @WithDefault("384M")
        MemorySize gpuRuntime();
    }

    interface Reserve {

        /** VRAM kept free on every PC unless an admin set another reserve for it (the owner's may be larger). */
        @WithDefault("512M")
        MemorySize vram();

        /** RAM kept free on every PC, beyond what the owner's programs use already. */
        @WithDefault("2G")
        MemorySize ram();
    }

    interface Demand {

        /** How often consumer lag and arrival rates are read. */
        @WithDefault("10s")
        Duration interval();

        /** Decode tokens a job is expected to generate, to turn jobs per second into tokens per second. */
        @WithDefault("256")
        int tokensPerJob();

        /** A backlog should be worked off within this time: lag / this is demand on top of the arrivals. */
        @WithDefault("60s")
        Duration backlogDrain();

        /** Weight of the newest reading in the arrival rate's moving average (0..1). */
        @WithDefault("0.5")
        double smoothing();

        /** A model's demand changing by more than this share re-plans at once (else the periodic round). */
        @WithDefault("0.25")
        double changeThreshold();
    }

    interface Replanning {

        /** A whole-fleet round (any node may change, with the thresholds below) at least this often. */
        @WithDefault("30s")
        Duration interval();

        /** Free-VRAM changes smaller than this are noise. */
        @WithDefault("512M")
        MemorySize vramTolerance();

        /** A rise in free VRAM must hold this long before plans use it (a fall counts at once). */
        @WithDefault("60s")
        Duration riseDwell();

        /** A runner stays at least this long unless it no longer fits. */
        @WithDefault("2m")
        Duration minDwell();

        /** A voluntary change must gain this many tokens per second after its load cost ... */
        @WithDefault("1")
        double minGainTps();

        /** ... and this share of the plan's value. */
        @WithDefault("0.02")
        double minGainFraction();

        /**
         * No CPU-only runner of a model whose file is larger than this, unless it is a replica the model needs and
         * no node can give it a GPU layer (issue 14's floor). Unset: no floor.
         */
        Optional<MemorySize> cpuOnlyFloor();

        /** The time a plan is expected to stand, over which a load's lost serving time is counted. */
        @WithDefault("10m")
        Duration reloadHorizon();

        /** How fast a PC reads a model file while loading, bytes per second. */
        @WithDefault("1G")
        MemorySize loadBytesPerSecond();

        /** The part of a load that does not depend on the file (runner start, CUDA context). */
        @WithDefault("5s")
        Duration loadFixed();

        /** A runner whose jobs keep it busy is unloaded anyway after draining this long. */
        @WithDefault("60s")
        Duration drainTimeout();

        /** A model that failed to load on a node is not planned there again for this long. */
        @WithDefault("5m")
        Duration failureBackoff();

        /**
         * Runner crashes of one model on one node within {@code failure-backoff} that count as a failure; fewer are
         * left to the worker, which restarts the runner at once.
         */
        @WithDefault("3")
        int crashesBeforeBackoff();
    }
}
