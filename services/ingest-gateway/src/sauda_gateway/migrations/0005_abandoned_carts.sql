-- Carts a shopper left at checkout; recovered when the same customer then places an order.
CREATE TABLE abandoned_carts (
    business_id uuid NOT NULL,
    cart_id text NOT NULL,
    customer_phone text,
    customer_email text,
    customer jsonb NOT NULL,
    items jsonb NOT NULL,
    total numeric(16, 2) NOT NULL,
    currency text NOT NULL,
    checkout_url text,
    abandoned_at timestamptz NOT NULL DEFAULT now(),
    recovered_order_id uuid,
    recovered_at timestamptz,
    PRIMARY KEY (business_id, cart_id)
);
CREATE INDEX abandoned_carts_open_phone ON abandoned_carts (business_id, customer_phone)
    WHERE recovered_order_id IS NULL;
CREATE INDEX abandoned_carts_open_email ON abandoned_carts (business_id, lower(customer_email))
    WHERE recovered_order_id IS NULL;
