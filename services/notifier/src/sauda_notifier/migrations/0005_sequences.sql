-- Sequence enrolments (AssignSequence on whatsapp.outbound.v1): one row per enrolment, with its
-- steps, the next step to send and when it is due. The sequencer takes due rows FOR UPDATE SKIP
-- LOCKED and, in one transaction, records the step's message (its key: enrolment + step, so a
-- step is recorded once whatever dies when) and moves the row to its next step; a reply, an
-- opt-out or a removal stops the row (state 'stopped' with the reason).
CREATE TABLE sequence_enrolments (
    enrolment_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    sequence_id bigint NOT NULL,
    chat text NOT NULL,                  -- chat_identity: the phone, or Meta's user id
    steps jsonb NOT NULL,                -- the SequenceSteps, in order
    next_step integer NOT NULL DEFAULT 0, -- index of the step to send next (= steps sent)
    due_at timestamptz,                  -- when it is due; null once the enrolment ended
    state text NOT NULL DEFAULT 'active', -- an EnrolmentState
    stop_reason text,                    -- a StopReason
    assigned_at timestamptz NOT NULL,
    correlation_id text NOT NULL,
    revision integer NOT NULL DEFAULT 0, -- of the last SequenceEnrolmentRecorded published
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sequence_enrolments_due ON sequence_enrolments (due_at) WHERE state = 'active';
CREATE INDEX sequence_enrolments_chat ON sequence_enrolments (business_id, chat)
    WHERE state = 'active';
