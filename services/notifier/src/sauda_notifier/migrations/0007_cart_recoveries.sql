-- Abandoned-cart recovery. A business's delay (SetCartRecovery on whatsapp.outbound.v1; no row:
-- the default, 60 minutes), and one row per cart (CartAbandoned on carts.v1): its one recovery
-- message is due at `due_at`; the sweep takes due rows FOR UPDATE SKIP LOCKED and, in one
-- transaction, records the message (key cart:<cart id>, so it is recorded once whatever dies
-- when) and marks the row sent; a CartRecovered, a later OrderPlaced of the same phone or the
-- shopper's STOP leaves it cancelled / skipped with the reason.
CREATE TABLE cart_recovery_settings (
    business_id uuid PRIMARY KEY,
    delay_minutes integer NOT NULL,
    revision bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cart_recoveries (
    business_id uuid NOT NULL,
    cart_id text NOT NULL,
    chat text,                           -- the shopper's phone (none: nothing to send)
    customer_name text,
    language text,                       -- the customer's, if the cart named one
    checkout_url text,
    abandoned_at timestamptz NOT NULL,   -- the CartAbandoned's occurred_at
    due_at timestamptz,                  -- when the message is due; null once decided
    state text NOT NULL,                 -- a RecoveryState
    reason text,                         -- why it was skipped or cancelled
    message_id uuid,                     -- the recovery message, once recorded
    correlation_id text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (business_id, cart_id)
);
CREATE INDEX cart_recoveries_due ON cart_recoveries (due_at) WHERE state = 'scheduled';
CREATE INDEX cart_recoveries_chat ON cart_recoveries (business_id, chat) WHERE state = 'scheduled';
