-- The merchant's sends through the messaging API: one row per idempotency key, written in the
-- same statement as the outbox row of its SendWhatsAppMessage, so a retried request finds its
-- message (same body) or is refused (another body), and never sends twice.
CREATE TABLE IF NOT EXISTS message_requests (
    business_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    message_id uuid NOT NULL,            -- the notifier's id of the message (UUIDv5 of the key)
    body_hash text NOT NULL,             -- sha256 of the request as sent (phone normalized)
    customer_phone text NOT NULL,
    kind text NOT NULL,                  -- text, buttons, list, template, image, document, …
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (business_id, idempotency_key)
);
CREATE UNIQUE INDEX IF NOT EXISTS message_requests_message ON message_requests (message_id);
-- Outbound lookups by Meta's id (GET /api/v1/whatsapp/messages/{wamid}).
CREATE INDEX IF NOT EXISTS wa_messages_wamid ON wa_messages (wamid) WHERE wamid IS NOT NULL;
