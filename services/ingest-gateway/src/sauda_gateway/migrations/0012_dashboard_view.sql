-- The dashboard's orders page and notices: search by order number, phone or part of a name
-- (trigrams), status tabs and keyset paging on (created_at, order_id), unread notices per user.

-- pg_trgm lives in `public`, once per database, so every deployment's schema (and every test's)
-- shares it; two schemas migrating at once may race to create it, which is no failure.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
EXCEPTION WHEN unique_violation OR duplicate_object THEN
    NULL;
END
$$;

CREATE INDEX orders_customer_name_trgm
    ON orders USING gin (lower(customer ->> 'name') public.gin_trgm_ops);
CREATE INDEX orders_business_number ON orders (business_id, order_number);
CREATE INDEX orders_business_external ON orders (business_id, external_order_id)
    WHERE external_order_id IS NOT NULL;
-- (A status tab reads orders_business_status; index names are not relied on here, since a
-- `sauda replay orders-view` swaps in a table whose indexes have names of their own.)

-- Notices in the order they were recorded, so "read up to here" misses none that arrive late.
ALTER TABLE notices ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX notices_business_seq ON notices (business_id, seq);

-- How far each dashboard user has read their business's notices.
CREATE TABLE notice_reads (
    user_id uuid PRIMARY KEY REFERENCES merchant_users (user_id) ON DELETE CASCADE,
    read_seq bigint NOT NULL,
    read_at timestamptz NOT NULL
);
