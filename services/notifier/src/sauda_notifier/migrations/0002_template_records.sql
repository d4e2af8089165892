-- Meta's reason when it rejected (paused, disabled) a template, as its review or listing gave it.
ALTER TABLE templates ADD COLUMN rejected_reason text;

-- What each business was last told of each template of its WABA (TemplateRecorded on
-- notifier.events.v1): a template row's change is published only where it differs from this,
-- so redelivered reviews and resyncs publish nothing. Per business, not per WABA: a business
-- that connects later, or whose templates were synced before this table existed, is told all
-- of them at its next sync.
CREATE TABLE template_records (
    business_id uuid NOT NULL,
    waba_id text NOT NULL,
    name text NOT NULL,
    language text NOT NULL,
    status text NOT NULL,                -- a TemplateStatus
    category text,
    template_id text,
    rejected_reason text,
    removed boolean NOT NULL,            -- Meta no longer lists it (or the business moved WABA)
    revision integer NOT NULL,           -- of the last snapshot published
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (business_id, waba_id, name, language)
);
