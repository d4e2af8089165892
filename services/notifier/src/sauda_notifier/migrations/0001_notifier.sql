-- The notifier's own schema: what it knows of orders, its message log, reminders, templates,
-- contacts, notices, the events it has handled, and its outbox.

-- Just enough of each order to message its customer about it (folded from orders.events.v1).
CREATE TABLE orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    order_number text NOT NULL,
    customer_phone text,
    customer_name text,
    language text,                       -- the customer's, if the order named one
    consent boolean NOT NULL,
    total numeric(16, 2) NOT NULL,
    currency text NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    correlation_id text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per message we send (or decided not to). `state` is the sending discipline
-- (queued → sending → done); `status` is what the rest of Sauda sees (DeliveryStatus).
CREATE TABLE messages (
    message_id uuid PRIMARY KEY,         -- UUIDv5 of (business, dedupe_key); sent as biz_opaque_callback_data
    business_id uuid NOT NULL,
    dedupe_key text NOT NULL,            -- "<purpose>:<order id>", "admin:<order id>", "out:<message_key>"
    phone_number_id text NOT NULL,
    customer_phone text NOT NULL,
    order_id uuid,
    purpose text NOT NULL,
    template text,
    language text,
    kind text NOT NULL,
    text text NOT NULL,
    request jsonb NOT NULL,              -- the Graph API body to POST
    wamid text,
    state text NOT NULL,                 -- queued | sending | done
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    history jsonb NOT NULL DEFAULT '[]',
    error jsonb,
    revision integer NOT NULL,
    claimed_at timestamptz,
    next_attempt_at timestamptz,
    correlation_id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (business_id, dedupe_key)
);
CREATE INDEX messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL;
CREATE INDEX messages_unsettled ON messages (state, claimed_at, next_attempt_at)
    WHERE state <> 'done';
CREATE INDEX messages_order ON messages (order_id) WHERE order_id IS NOT NULL;

-- The one COD reminder per order: due times live here so a restart loses none.
CREATE TABLE reminders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    due_at timestamptz NOT NULL,
    state text NOT NULL,                 -- scheduled | sent | cancelled | skipped
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE state = 'scheduled';

-- Each WABA's templates as Meta last told us (synced, and updated by status webhooks).
CREATE TABLE templates (
    waba_id text NOT NULL,
    name text NOT NULL,
    language text NOT NULL,
    status text NOT NULL,
    category text,
    template_id text,
    synced_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (waba_id, name, language)
);

CREATE TABLE contacts (
    business_id uuid NOT NULL,
    phone text NOT NULL,
    language text,
    opted_out boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (business_id, phone)
);

CREATE TABLE notices (
    notice_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    kind text NOT NULL,
    order_id uuid,
    raised_at timestamptz NOT NULL DEFAULT now()
);

-- outbox, processed_events and poison_messages: sauda_runtime's kit migration (0000_kit.sql).
