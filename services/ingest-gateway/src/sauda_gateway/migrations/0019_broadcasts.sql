-- The merchant's broadcasts (POST /api/v1/whatsapp/broadcasts): the request as taken (its
-- idempotency key names the broadcast), its recipients with the message id each one's send
-- will have, and the progress the notifier reports (BroadcastRecorded, folded by revision).
-- A recipient's result is read from wa_messages by that message id.
CREATE TABLE whatsapp_broadcasts (
    broadcast_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    body_hash text NOT NULL,
    template_label text NOT NULL,
    label_id text,
    total integer NOT NULL,
    status text NOT NULL DEFAULT 'accepted', -- accepted, then the notifier's running / completed
    counts jsonb,
    revision integer NOT NULL DEFAULT 0,
    started_at timestamptz,
    finished_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (business_id, idempotency_key)
);

CREATE TABLE whatsapp_broadcast_recipients (
    broadcast_id uuid NOT NULL REFERENCES whatsapp_broadcasts (broadcast_id) ON DELETE CASCADE,
    position integer NOT NULL,
    phone text NOT NULL,
    message_id uuid NOT NULL,
    PRIMARY KEY (broadcast_id, position)
);
