-- Username users: WhatsApp shoppers Meta names by a business-scoped user id (`US.…`) and no
-- phone. A chat order of one names its customer by that id; messages about it go to the id.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS customer_user_id text;

-- Whom a message goes to, and whose contact row it is: `chat_identity(phone, user_id)`, the
-- phone, or the user id of a shopper who shares none (it has a letter, so it is never a phone).
COMMENT ON COLUMN messages.customer_phone IS 'chat identity: the phone, or Meta''s user id';
COMMENT ON COLUMN contacts.phone IS 'chat identity: the phone, or Meta''s user id';
