-- The merchant's sequences (a drip of templates at delays) and their subscribers' enrolments.
-- A sequence is soft-deleted (its enrolments keep naming it); an enrolment is written with its
-- AssignSequence outbox row in one transaction (state 'assigned' until the notifier reports
-- it), then folded from SequenceEnrolmentRecorded by revision. `generation` counts the
-- assignments of one sequence to one chat: a subscriber may be assigned it again once an
-- earlier enrolment ended. `removed`: the merchant asked for its removal (RemoveSequence sent).
CREATE TABLE whatsapp_sequences (
    sequence_id bigserial PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    name text NOT NULL,
    steps jsonb NOT NULL,                 -- the SequenceStepIn list, in order
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX whatsapp_sequences_business ON whatsapp_sequences (business_id, sequence_id)
    WHERE deleted_at IS NULL;

CREATE TABLE whatsapp_sequence_enrolments (
    enrolment_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    sequence_id bigint NOT NULL REFERENCES whatsapp_sequences (sequence_id) ON DELETE CASCADE,
    chat_id text NOT NULL,                -- international digits, or a WhatsApp user id
    generation integer NOT NULL,
    total_steps integer NOT NULL,
    state text NOT NULL DEFAULT 'assigned', -- assigned, then the notifier's active / completed / stopped
    stop_reason text,
    removed boolean NOT NULL DEFAULT false,
    steps_sent integer NOT NULL DEFAULT 0,
    next_step_due_at timestamptz,
    revision integer NOT NULL DEFAULT 0,
    assigned_at timestamptz NOT NULL,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (business_id, sequence_id, chat_id, generation)
);
CREATE INDEX whatsapp_sequence_enrolments_chat
    ON whatsapp_sequence_enrolments (business_id, chat_id, assigned_at);
CREATE INDEX whatsapp_sequence_enrolments_sequence
    ON whatsapp_sequence_enrolments (sequence_id) WHERE state IN ('assigned', 'active');
