-- The gateway's own schema: merchant configuration, idempotency records, and the order query view.
CREATE TABLE businesses (
    business_id uuid PRIMARY KEY,
    name text NOT NULL,
    plan text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 hash of each key is kept; the raw key is shown once, at creation.
CREATE TABLE api_keys (
    key_hash text PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_keys_business ON api_keys (business_id);

-- One row per idempotency key: a retry finds it and can only name the same order.
CREATE TABLE ingest_requests (
    business_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    order_id uuid NOT NULL,
    order_seq bigint NOT NULL,
    body_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (business_id, idempotency_key)
);

-- The merchant query view, folded from orders.events.v1 (rebuildable by `sauda replay orders-view`).
CREATE TABLE orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    order_number text NOT NULL,
    status text NOT NULL,
    source text NOT NULL,
    customer jsonb NOT NULL,
    items jsonb NOT NULL,
    total numeric(16, 2) NOT NULL,
    currency text NOT NULL,
    external_order_id text,
    idempotency_key text NOT NULL,
    version integer NOT NULL,
    history jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX orders_business_created ON orders (business_id, created_at DESC, order_id);
CREATE INDEX orders_business_status ON orders (business_id, status, created_at DESC);
CREATE INDEX orders_business_source ON orders (business_id, source, created_at DESC);

-- What became of each command the gateway sent, so a request can wait for the ledger's answer.
CREATE TABLE command_outcomes (
    command_id uuid PRIMARY KEY,
    order_id uuid NOT NULL,
    outcome text NOT NULL,
    payload jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
-- outbox, processed_events and poison_messages: sauda_runtime's kit migration (0000_kit.sql).
