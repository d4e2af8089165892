-- The ledger's own schema: the event log, the current state of each order, and what it processed.
CREATE TABLE orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
    order_id uuid NOT NULL,
    version integer NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    business_id uuid NOT NULL,
    payload jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, version)
);

CREATE TABLE processed_commands (
    command_id uuid PRIMARY KEY,
    order_id uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rejections (
    command_id uuid PRIMARY KEY,
    order_id uuid NOT NULL,
    business_id uuid NOT NULL,
    code text NOT NULL,
    message text NOT NULL,
    payload jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Messages that could not be parsed: kept with the error instead of crash-looping the consumer.
CREATE TABLE poison_messages (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    error text NOT NULL,
    raw bytea,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, partition, "offset")
);

CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    key bytea NOT NULL,
    value bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
