-- WhatsApp: each business's connected number (merchant configuration, read by the notifier),
-- and the merchant's views of the message log and notices, folded from notifier.events.v1 and
-- whatsapp.inbound.v1.
CREATE TABLE whatsapp_accounts (
    business_id uuid PRIMARY KEY REFERENCES businesses (business_id) ON DELETE CASCADE,
    phone_number_id text NOT NULL UNIQUE,
    waba_id text NOT NULL,
    display_phone_number text,
    access_token_enc bytea NOT NULL,     -- Fernet under SAUDA_SECRET_KEY, never stored plain
    graph_url text NOT NULL,             -- https://graph.facebook.com, or the sandbox
    api_version text NOT NULL DEFAULT 'v21.0',
    admin_phone text,                    -- gets a message for every new order
    language text NOT NULL DEFAULT 'en', -- default language of the business's templates
    sandbox boolean NOT NULL DEFAULT false,
    connected_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wa_messages (
    message_id uuid PRIMARY KEY,         -- notifier's id, or the inbound wamid's UUIDv5
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    order_id uuid,
    direction text NOT NULL,             -- outbound | inbound
    purpose text,
    kind text NOT NULL,
    template text,
    language text,
    text text NOT NULL,
    wamid text,
    status text,
    history jsonb NOT NULL DEFAULT '[]',
    error jsonb,
    attempts integer NOT NULL DEFAULT 0,
    revision integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wa_messages_chat ON wa_messages (business_id, customer_phone, created_at DESC);
CREATE INDEX wa_messages_order ON wa_messages (order_id, created_at) WHERE order_id IS NOT NULL;

CREATE TABLE notices (
    notice_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    kind text NOT NULL,
    message text NOT NULL,
    order_id uuid,
    order_number text,
    customer_phone text,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL
);
CREATE INDEX notices_business ON notices (business_id, created_at DESC);
CREATE INDEX notices_order ON notices (order_id) WHERE order_id IS NOT NULL;
