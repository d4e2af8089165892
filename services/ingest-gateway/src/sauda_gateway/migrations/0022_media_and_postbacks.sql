-- The merchant's media uploads (POST /api/v1/whatsapp/media): the file as received (the
-- notifier reads it from here, by upload id, to upload it to Meta: a file never travels on
-- Kafka) and what the notifier reports (MediaUploaded: Meta's media id, or its error). The
-- idempotency key names the upload, so a retried request never uploads twice.
CREATE TABLE media_uploads (
    upload_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    mime_type text NOT NULL,
    size integer NOT NULL,
    sha256 text NOT NULL,
    filename text,
    data bytea NOT NULL,
    status text NOT NULL DEFAULT 'pending', -- pending, then the notifier's uploaded / failed
    media_id text,
    error jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    uploaded_at timestamptz,
    UNIQUE (business_id, idempotency_key)
);
-- Big files stay out of line, uncompressed (media are compressed already).
ALTER TABLE media_uploads ALTER COLUMN data SET STORAGE EXTERNAL;

-- Shoppers' taps on reply buttons and list rows (the postback list's click log), folded from
-- whatsapp.inbound.v1 once per inbound message (a replayed message is the same row). No foreign
-- key to businesses, as wa_messages has none: a replay of the topic may hold another
-- installation's (or a deleted) business, and the fold must not stop on it.
CREATE TABLE postback_taps (
    message_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    postback_id text NOT NULL,
    title text,
    customer text NOT NULL,
    tapped_at timestamptz NOT NULL
);
CREATE INDEX postback_taps_by_id ON postback_taps (business_id, postback_id, tapped_at);
