-- Each business's failed-delivery (NDR) setting: after how many failed attempts an order may be
-- returned to origin (RTO) with one call. No row: the default (2).
CREATE TABLE IF NOT EXISTS delivery_policies (
    business_id uuid PRIMARY KEY,
    revision integer NOT NULL,
    rto_after_failed_attempts integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
