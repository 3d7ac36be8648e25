-- One row per job: the request as the client sent it, where it is in its life, and its result.
CREATE TABLE jobs (
    id                uuid             PRIMARY KEY,
    model             text             NOT NULL,
    messages          jsonb            NOT NULL,
    max_tokens        integer          NOT NULL,
    temperature       double precision NOT NULL,
    top_p             double precision NOT NULL,
    seed              bigint,
    stop              jsonb            NOT NULL DEFAULT '[]',
    status            text             NOT NULL
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    created_at        timestamptz      NOT NULL,
    -- null until Kafka acknowledged the publish; the sweeper re-publishes rows that stay null
    published_at      timestamptz,
    started_at        timestamptz,
    finished_at       timestamptz,
    result_text       text,
    finish_reason     text,
    prompt_tokens     integer,
    completion_tokens integer,
    node_id           text,
    error             text,
    timings           jsonb
);

-- The sweeper's query: unpublished rows by age. Partial, so it stays small however many jobs are stored.
CREATE INDEX jobs_unpublished_by_created_at ON jobs (created_at) WHERE published_at IS NULL;
