-- The webhook dispatcher's own schema: what it knows of orders, the deliveries it owes
-- (its attempts log), endpoint health, the events it has handled, and its outbox.

-- Just enough of each order to fill a webhook's `data` (folded from orders.events.v1).
CREATE TABLE orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    order_number text NOT NULL,
    external_order_id text,
    total numeric(16, 2) NOT NULL,
    customer_phone text,
    source text NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (endpoint, event) we owe a POST for; redeliveries are new rows of the same event.
-- The body is stored as the exact bytes sent, so every attempt signs and sends the same thing.
CREATE TABLE deliveries (
    delivery_id uuid PRIMARY KEY,          -- sent as `webhook-id`; stable across attempts
    endpoint_id uuid NOT NULL,
    business_id uuid NOT NULL,
    event_id uuid NOT NULL,
    event text NOT NULL,                   -- a WebhookEvent, or 'store_cancel'
    order_id uuid,
    body bytea NOT NULL,
    manual boolean NOT NULL DEFAULT false, -- a test or redelivery the merchant asked for
    redelivery_of uuid,
    status text NOT NULL,                  -- DeliveryStatus
    attempts integer NOT NULL DEFAULT 0,
    response_status integer,
    duration_ms double precision,
    response_excerpt text,
    error text,
    revision integer NOT NULL,
    claimed_at timestamptz,                -- a sender took it; stale claims are swept
    next_attempt_at timestamptz,
    correlation_id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- A redelivered order event never creates a second delivery.
CREATE UNIQUE INDEX deliveries_once ON deliveries (endpoint_id, event_id)
    WHERE redelivery_of IS NULL;
CREATE INDEX deliveries_unsettled ON deliveries (status, claimed_at)
    WHERE status IN ('pending', 'retrying');

-- Consecutive failed deliveries per endpoint; deactivated_at is our own deactivation, over
-- once the gateway's activated_at is newer.
CREATE TABLE endpoint_health (
    endpoint_id uuid PRIMARY KEY,
    consecutive_failures integer NOT NULL DEFAULT 0,
    deactivated_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- outbox, processed_events and poison_messages: sauda_runtime's kit migration (0000_kit.sql).
