-- Every order of a chat's shopper, from orders.events.v1, so the bot can answer "where is my
-- order?" and cancel one on request: keyed like the chat (customer_phone holds
-- chat_identity(phone, user id)). Status and tracking move only forward, by version, so a
-- redelivered or replayed event never brings an order back.
CREATE TABLE shopper_orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    order_number text NOT NULL,
    items jsonb NOT NULL,
    total text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    version integer NOT NULL DEFAULT 1,
    tracking_url text,
    placed_at timestamptz NOT NULL
);
CREATE INDEX shopper_orders_chat ON shopper_orders (business_id, customer_phone, placed_at DESC);
