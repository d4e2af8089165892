-- The merchant's analytics: one row of facts per order, folded from orders.events.v1 by version
-- (rebuilt with the view by `sauda replay orders-view`). After upgrading, run that replay once
-- so orders placed before this migration have their facts too.
CREATE TABLE order_facts (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    placed_at timestamptz NOT NULL,
    source text NOT NULL,
    cod boolean NOT NULL,                -- no payment at placing, or a COD one not yet paid
    answer text CHECK (answer IN ('confirmed', 'cancelled')),  -- the shopper's first answer
    answered_at timestamptz,
    confirmed_at timestamptz,            -- first confirm, by anyone
    shipped_at timestamptz,
    delivered_at timestamptz,
    returned_at timestamptz,
    cancelled_at timestamptz,            -- by anyone
    version integer NOT NULL             -- the last event applied: the next applies only to it
);
CREATE INDEX order_facts_business_placed ON order_facts (business_id, placed_at);
