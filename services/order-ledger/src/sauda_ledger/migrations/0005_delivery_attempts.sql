-- Failed delivery attempts (NDR) in the order state the decider needs: how many failed, and
-- which the shopper answered (one answer per attempt).
ALTER TABLE orders
    ADD COLUMN IF NOT EXISTS failed_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS answered_attempts integer[] NOT NULL DEFAULT '{}';
