-- Node registry and plan history of the planner. Live state (streams, free VRAM) is in memory; these tables keep
-- what an admin wants to see after a restart and the history of decisions.
CREATE TABLE nodes (
    node_id         text PRIMARY KEY,
    hostname        text NOT NULL,
    state           text NOT NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    reserve_bytes   bigint NOT NULL DEFAULT 0,
    drained         boolean NOT NULL DEFAULT false,
    hello           jsonb NOT NULL
);

CREATE TABLE plans (
    plan_version    bigint PRIMARY KEY,
    created_at      timestamptz NOT NULL DEFAULT now(),
    trigger         text NOT NULL,
    assignments     jsonb NOT NULL
);

CREATE TABLE assignments (
    node_id         text NOT NULL REFERENCES nodes (node_id) ON DELETE CASCADE,
    model_id        text NOT NULL,
    n_gpu_layers    integer NOT NULL,
    n_ctx           integer NOT NULL,
    parallel_slots  integer NOT NULL,
    reason          text NOT NULL,
    plan_version    bigint NOT NULL,
    PRIMARY KEY (node_id, model_id)
);
