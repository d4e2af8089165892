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
-- outbox, processed_events and poison_messages: sauda_runtime's kit migration (0000_kit.sql).
