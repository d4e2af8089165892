-- The order's delivery address, so the decider can tell a change from a repeat of the same one.
ALTER TABLE orders ADD COLUMN delivery_address jsonb;
