-- The order state the decider needs for store updates: last payment and shipping facts.
ALTER TABLE orders ADD COLUMN payment jsonb, ADD COLUMN fulfillment jsonb;
