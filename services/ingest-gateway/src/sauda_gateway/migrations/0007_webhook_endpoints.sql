-- Merchant webhook endpoints and store callbacks (merchant configuration, read by the
-- webhook dispatcher), and the merchant's view of deliveries, folded from webhooks.events.v1.
CREATE TABLE webhook_endpoints (
    endpoint_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    kind text NOT NULL DEFAULT 'merchant',      -- merchant | store_cancel
    url text NOT NULL,
    events text[] NOT NULL,
    active boolean NOT NULL DEFAULT true,
    secret_enc bytea NOT NULL,                  -- Fernet under SAUDA_SECRET_KEY
    previous_secret_enc bytea,                  -- still signs beside the new one until:
    previous_secret_until timestamptz,
    activated_at timestamptz NOT NULL DEFAULT now(),  -- a deactivation before this is over
    deactivated_at timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,  -- as the dispatcher last reported
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_business ON webhook_endpoints (business_id, created_at);
-- One store cancel callback per business.
CREATE UNIQUE INDEX webhook_endpoints_store_cancel ON webhook_endpoints (business_id)
    WHERE kind = 'store_cancel';

CREATE TABLE webhook_deliveries (
    delivery_id uuid PRIMARY KEY,
    endpoint_id uuid NOT NULL,
    business_id uuid NOT NULL,
    event_id uuid NOT NULL,
    event text NOT NULL,
    order_id uuid,
    status text NOT NULL,
    attempts integer NOT NULL,
    response_status integer,
    duration_ms double precision,
    response_excerpt text,
    error text,
    revision integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);
