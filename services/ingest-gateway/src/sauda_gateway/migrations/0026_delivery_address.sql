-- The order's delivery address in the merchant's view (OrderPlaced, then OrderAddressChanged).
ALTER TABLE orders ADD COLUMN IF NOT EXISTS delivery_address jsonb;
