-- A chat's delivery-address change in progress ("Change address" tapped): which order, whether
-- the bot is waiting for the address or read it back for a yes, and the address read back.
-- One row per chat (the latest tap wins); it goes when the change is confirmed or given up.
CREATE TABLE address_changes (
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    order_id uuid NOT NULL,
    order_number text NOT NULL,
    step text NOT NULL,
    typed text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (business_id, customer_phone)
);

-- The delivery address a chat order's shopper typed (shops that ask for one), until the order
-- is placed or the cart cleared.
ALTER TABLE sessions ADD COLUMN delivery_address text;
