-- The optimiser's state: admin rules (reserve per node, pins, minimum replicas), the buffers runners measured,
-- and each plan's explanation.

-- A node without an admin-set reserve gets the configured default: NULL, not 0 (0 is a valid choice).
ALTER TABLE nodes ALTER COLUMN reserve_bytes DROP NOT NULL;
ALTER TABLE nodes ALTER COLUMN reserve_bytes DROP DEFAULT;
UPDATE nodes SET reserve_bytes = NULL WHERE reserve_bytes = 0;

-- Per-model outcome (demand, served, replicas, rejections) and plan-wide notes of each plan version.
ALTER TABLE plans ADD COLUMN details jsonb;

CREATE TABLE pins (
    model_id        text NOT NULL,
    node_id         text NOT NULL REFERENCES nodes (node_id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, node_id)
);

CREATE TABLE model_rules (
    model_id        text PRIMARY KEY,
    min_replicas    integer NOT NULL CHECK (min_replicas >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- What llama.cpp logged when a runner loaded a model with exactly these parameters: used instead of the
-- estimate from then on.
CREATE TABLE measured_buffers (
    model_id        text NOT NULL,
    n_gpu_layers    integer NOT NULL,
    n_ctx           integer NOT NULL,
    parallel_slots  integer NOT NULL,
    cache_type_k    text NOT NULL,
    cache_type_v    text NOT NULL,
    flash_attention boolean NOT NULL,
    n_batch         integer NOT NULL,
    n_ubatch        integer NOT NULL,
    mmap            boolean NOT NULL,
    llama_cpp_build text NOT NULL,
    buffers         jsonb NOT NULL,
    node_id         text NOT NULL,
    measured_at     timestamptz NOT NULL,
    PRIMARY KEY (model_id, n_gpu_layers, n_ctx, parallel_slots, cache_type_k, cache_type_v, flash_attention,
                 n_batch, n_ubatch, mmap)
);
