-- The subscriber CRM: a business's WhatsApp contacts (a shopper who wrote in, one the merchant
-- created), its labels, custom fields and their values, notes, and the team member a chat is
-- assigned to. The gateway owns it; consent and opt-out stay the notifier's (the opted-out flag
-- here is only what the gateway learned of it, shown on the subscriber). Deleting a subscriber
-- cascades to its CRM rows only: orders and the message log are kept.
CREATE TABLE IF NOT EXISTS subscribers (
    subscriber_id bigserial PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    chat_id text NOT NULL,                    -- international digits, or a WhatsApp user id
    first_name text,
    last_name text,
    gender text,
    email text,
    source text NOT NULL CHECK (source IN ('inbound', 'merchant', 'order')),
    assigned_user_id uuid REFERENCES merchant_users (user_id) ON DELETE SET NULL,
    opted_out boolean NOT NULL DEFAULT false,
    opted_out_at timestamptz,                 -- when the shopper asked (the newest change wins)
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (business_id, chat_id)
);
CREATE INDEX IF NOT EXISTS subscribers_business ON subscribers (business_id, subscriber_id);

CREATE TABLE IF NOT EXISTS subscriber_labels_def (
    label_id bigserial PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS subscriber_labels_def_name
    ON subscriber_labels_def (business_id, lower(name));

CREATE TABLE IF NOT EXISTS subscriber_labels (
    subscriber_id bigint NOT NULL REFERENCES subscribers (subscriber_id) ON DELETE CASCADE,
    label_id bigint NOT NULL REFERENCES subscriber_labels_def (label_id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, label_id)
);
CREATE INDEX IF NOT EXISTS subscriber_labels_label ON subscriber_labels (label_id);

CREATE TABLE IF NOT EXISTS subscriber_fields_def (
    field_id bigserial PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    name text NOT NULL,
    reply_type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS subscriber_fields_def_name
    ON subscriber_fields_def (business_id, lower(name));

CREATE TABLE IF NOT EXISTS subscriber_field_values (
    subscriber_id bigint NOT NULL REFERENCES subscribers (subscriber_id) ON DELETE CASCADE,
    field_id bigint NOT NULL REFERENCES subscriber_fields_def (field_id) ON DELETE CASCADE,
    value text NOT NULL,                      -- normalized for its reply_type
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_id, field_id)
);

CREATE TABLE IF NOT EXISTS subscriber_notes (
    note_id bigserial PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (subscriber_id) ON DELETE CASCADE,
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS subscriber_notes_of ON subscriber_notes (subscriber_id, note_id);
