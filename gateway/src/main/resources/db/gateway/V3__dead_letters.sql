-- Results that PostgreSQL refused even after cleaning, kept whole so nothing a worker reported is lost, and taken
-- out of the way so the records behind them are stored.
CREATE TABLE dead_letters (
    id               bigserial   PRIMARY KEY,
    -- null when the record named no job this gateway could have made
    job_id           uuid,
    topic            text        NOT NULL,
    kafka_partition  integer     NOT NULL,
    kafka_offset     bigint      NOT NULL,
    -- the record's value as it came, bytes and all
    payload          bytea,
    error            text        NOT NULL,
    dead_lettered_at timestamptz NOT NULL,
    UNIQUE (topic, kafka_partition, kafka_offset)
);
