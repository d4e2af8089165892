-- The consumer kit's tables, the same in every service's schema (sauda_runtime owns them).
-- IF NOT EXISTS: schemas made before the kit already hold copies from their own 0001 files.

-- Rows written in a service's transaction, published to Kafka by the relay after commit.
CREATE TABLE IF NOT EXISTS outbox (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    key bytea NOT NULL,
    value bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- (consumer, event_id) claimed in the same transaction as the consumer's writes: a redelivered
-- record finds its claim and does nothing.
CREATE TABLE IF NOT EXISTS processed_events (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_events_age ON processed_events (processed_at);

-- Records that would not parse, set aside with the error (the consumer moves on).
CREATE TABLE IF NOT EXISTS poison_messages (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    error text NOT NULL,
    raw bytea,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, partition, "offset")
);
