-- Each business's COD policy as the gateway last sent it (CodPolicyChanged; a higher revision
-- replaces a lower one). No row: the seed's rhythm (the `reminders` table's one reminder).
CREATE TABLE cod_policies (
    business_id uuid PRIMARY KEY,
    revision integer NOT NULL,
    policy jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per order placed under a stored policy: the policy captured when it was placed (a
-- later change does not touch it) and its next step (0: the first COD message, then the
-- reminders, then the expiry), due at `due_at`. Swept FOR UPDATE SKIP LOCKED; each step's
-- message has its own dedupe key and each command a deterministic id, so a crash between a
-- step and its row update repeats nothing.
CREATE TABLE cod_steps (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    policy jsonb NOT NULL,
    items text,                          -- the items summary of the first COD message
    step integer NOT NULL,
    due_at timestamptz NOT NULL,
    first_sent_at timestamptz,
    state text NOT NULL,                 -- scheduled | done
    note text,                           -- why the step waits (quiet hours) or how it ended
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cod_steps_due ON cod_steps (due_at) WHERE state = 'scheduled';
