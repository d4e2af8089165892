-- The order's delivery address in the merchant's view (OrderPlaced, then OrderAddressChanged).
ALTER TABLE orders ADD COLUMN IF NOT EXISTS delivery_address jsonb;

-- Whether the WhatsApp ordering flow asks for a delivery address before the summary
-- (GET/PUT /api/v1/whatsapp/chat-ordering); no row: no. Read by the conversation service.
CREATE TABLE chat_ordering_settings (
    business_id uuid PRIMARY KEY REFERENCES businesses (business_id) ON DELETE CASCADE,
    ask_delivery_address boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
