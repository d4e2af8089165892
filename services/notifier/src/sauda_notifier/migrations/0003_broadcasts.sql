-- Broadcasts (StartBroadcast on whatsapp.outbound.v1): the job, and one row per recipient.
-- A recipient is `pending` until the broadcaster records its message (or its skip) in the
-- message log, in the same transaction that marks it `recorded`; the broadcaster takes pending
-- rows FOR UPDATE SKIP LOCKED, so a notifier that dies mid-chunk leaves them pending for the
-- next round, and the message key (broadcast id + phone) makes a second record impossible.
CREATE TABLE broadcasts (
    broadcast_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    template jsonb NOT NULL,             -- the TemplateToSend
    template_label text NOT NULL,        -- name (language), as shown
    label_id text,
    total integer NOT NULL,
    status text NOT NULL DEFAULT 'running',  -- a BroadcastStatus
    counts jsonb,                        -- the last BroadcastCounts published
    revision integer NOT NULL DEFAULT 0, -- of the last BroadcastRecorded published
    correlation_id text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX broadcasts_running ON broadcasts (started_at) WHERE status = 'running';

CREATE TABLE broadcast_recipients (
    broadcast_id uuid NOT NULL REFERENCES broadcasts (broadcast_id),
    position integer NOT NULL,           -- order in the request
    phone text NOT NULL,
    message_id uuid NOT NULL,            -- its message in the log (derived from the key)
    recorded boolean NOT NULL DEFAULT false,
    PRIMARY KEY (broadcast_id, position)
);
CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (broadcast_id, position)
    WHERE NOT recorded;
CREATE INDEX broadcast_recipients_message ON broadcast_recipients (message_id);
