-- API keys: only a SHA-256 of each key is stored; the key itself is shown once, when it is made.
CREATE TABLE api_keys (
    id                  uuid             PRIMARY KEY,
    name                text             NOT NULL,
    role                text             NOT NULL CHECK (role IN ('user', 'admin')),
    key_hash            bytea            NOT NULL UNIQUE,
    -- the first characters of the key, so people can tell their keys apart without the secret
    key_prefix          text             NOT NULL,
    -- null: the gateway's configured default
    rate_per_second     double precision CHECK (rate_per_second > 0),
    burst               integer          CHECK (burst > 0),
    max_concurrent_jobs integer          CHECK (max_concurrent_jobs > 0),
    created_at          timestamptz      NOT NULL,
    -- keys are revoked, never deleted, so every job keeps its owner
    revoked_at          timestamptz
);

ALTER TABLE jobs
    -- null when authentication is off
    ADD COLUMN api_key_id          uuid REFERENCES api_keys (id),
    ADD COLUMN idempotency_key     text,
    -- whether the client asked for tokens as they are made
    ADD COLUMN stream              boolean NOT NULL DEFAULT false,
    ADD COLUMN cancel_requested_at timestamptz;

-- A repeated Idempotency-Key of the same owner finds the job it made. Anonymous jobs share one owner.
CREATE UNIQUE INDEX jobs_idempotency_key
    ON jobs ((coalesce(api_key_id, '00000000-0000-0000-0000-000000000000'::uuid)), idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Listing a key's jobs newest first, page after page.
CREATE INDEX jobs_by_owner_newest ON jobs (api_key_id, created_at DESC, id DESC);

-- Listing every job (admins) and the retention purge.
CREATE INDEX jobs_newest ON jobs (created_at DESC, id DESC);

-- Counting a key's unfinished jobs for its concurrency limit, and the queue depth per model.
CREATE INDEX jobs_open_by_owner ON jobs (api_key_id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_queued_by_model ON jobs (model) WHERE status = 'queued';
