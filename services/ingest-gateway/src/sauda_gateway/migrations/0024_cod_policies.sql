-- Each business's COD policy (PUT /api/v1/whatsapp/cod-policy): the whole policy as one JSON
-- document (sauda_contracts.cod_policy.CodPolicy) and its revision, which numbers the
-- CodPolicyChanged snapshots the notifier keeps (a higher one replaces a lower one). No row:
-- the defaults (the COD message at once, one reminder after 6 hours).
CREATE TABLE cod_policies (
    business_id uuid PRIMARY KEY REFERENCES businesses (business_id) ON DELETE CASCADE,
    revision integer NOT NULL CHECK (revision >= 1),
    policy jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
