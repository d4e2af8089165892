-- Chat ordering: one session (step and cart) per shopper and business, kept across restarts.
CREATE TABLE sessions (
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    step text NOT NULL,
    cart jsonb NOT NULL DEFAULT '[]',
    pending uuid,
    language text NOT NULL,
    query text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (business_id, customer_phone)
);

-- Per-business numbers of the orders placed in chat (WA-000001, ...): drawn in the same
-- transaction as the order's command, so a number is never burnt or given twice.
CREATE TABLE order_numbers (
    business_id uuid PRIMARY KEY,
    last bigint NOT NULL
);

-- Orders placed in chat, by the shopper's Confirm tap that placed them.
CREATE TABLE chat_orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    order_number text NOT NULL,
    wamid text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
