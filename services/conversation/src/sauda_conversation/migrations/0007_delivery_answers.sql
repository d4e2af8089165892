-- The shopper's answer to each failed delivery attempt, once: a later tap on the same attempt
-- is told the first answer stands (the ledger records only the first, by the command's id).
CREATE TABLE IF NOT EXISTS delivery_answers (
    business_id uuid NOT NULL,
    order_id uuid NOT NULL,
    attempt integer NOT NULL,
    answer text NOT NULL,
    wamid text NOT NULL,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (order_id, attempt)
);
