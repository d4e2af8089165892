-- The order's delivery address on one line, for the COD message that shows it.
ALTER TABLE orders ADD COLUMN delivery_address text;
