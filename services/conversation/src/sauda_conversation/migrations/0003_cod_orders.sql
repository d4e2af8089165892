-- Orders that asked their shopper for a COD answer, from orders.events.v1, so that a typed
-- "confirm" / "cancel" names its order. Status moves only forward, by version, so a
-- redelivered event never brings an order back; rows past the answer window are pruned.
CREATE TABLE cod_orders (
    order_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    order_number text NOT NULL,
    total text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    version integer NOT NULL DEFAULT 1,
    placed_at timestamptz NOT NULL
);
CREATE INDEX cod_orders_waiting ON cod_orders (business_id, customer_phone, placed_at)
    WHERE status = 'pending';
CREATE INDEX cod_orders_placed_at ON cod_orders (placed_at);
