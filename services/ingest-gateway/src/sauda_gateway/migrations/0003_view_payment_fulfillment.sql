-- Store orders carry platform, payment and shipping facts; customers are looked up by phone and email.
ALTER TABLE orders
    ADD COLUMN platform text,
    ADD COLUMN payment jsonb,
    ADD COLUMN fulfillment jsonb,
    ADD COLUMN customer_phone text,
    ADD COLUMN customer_email text;
UPDATE orders SET customer_phone = customer ->> 'phone', customer_email = customer ->> 'email';
CREATE INDEX orders_business_phone ON orders (business_id, customer_phone, created_at DESC);
CREATE INDEX orders_business_email ON orders (business_id, lower(customer_email));
