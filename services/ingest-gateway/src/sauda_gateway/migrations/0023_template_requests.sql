-- The merchant's template requests (POST /api/v1/whatsapp/templates, …/templates/sync): what
-- was asked, and the notifier's outcome (TemplateRequestRecorded, folded once: a queued row
-- only ever moves to done or failed). At most one create of a template is queued at a time.
CREATE TABLE whatsapp_template_requests (
    request_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('create', 'sync')),
    waba_id text NOT NULL,
    name text,
    language text,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    template_id text,
    error jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX whatsapp_template_requests_one_queued
    ON whatsapp_template_requests (business_id, waba_id, name, language)
    WHERE kind = 'create' AND status = 'queued';
