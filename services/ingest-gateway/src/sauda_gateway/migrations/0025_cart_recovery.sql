-- A business's abandoned-cart recovery setting (GET/PUT /api/v1/whatsapp/cart-recovery); no
-- row: the default (60 minutes). Each change bumps `revision` and sends its snapshot
-- (SetCartRecovery) to the notifier through the outbox in the same transaction.
CREATE TABLE cart_recovery_settings (
    business_id uuid PRIMARY KEY REFERENCES businesses (business_id),
    delay_minutes integer NOT NULL CHECK (delay_minutes >= 0),
    revision bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
