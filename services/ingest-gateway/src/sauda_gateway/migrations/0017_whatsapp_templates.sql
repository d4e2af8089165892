-- Each business's WhatsApp templates and Meta's review state, folded from the notifier's
-- TemplateRecorded snapshots on notifier.events.v1 (the newest revision of each kept; rebuilt by
-- reading that topic from offset 0). A template Meta no longer lists stays as `removed`, so an
-- older snapshot arriving late cannot bring it back. The list shows the connected WABA's only.
CREATE TABLE whatsapp_templates (
    business_id uuid NOT NULL,
    waba_id text NOT NULL,
    name text NOT NULL,
    language text NOT NULL,
    status text NOT NULL,                -- a TemplateStatus: APPROVED, PENDING, REJECTED, ...
    category text,
    template_id text,                    -- Meta's id
    rejected_reason text,
    removed boolean NOT NULL,
    revision integer NOT NULL,           -- of the snapshot stored: a higher one replaces it
    updated_at timestamptz NOT NULL,     -- when the notifier recorded that snapshot
    PRIMARY KEY (business_id, waba_id, name, language)
);
