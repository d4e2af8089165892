-- Handing chats to a person: whom a business's handed chats go to and how long the bot then
-- keeps quiet (read by the conversation service), and when a chat's assignment last changed,
-- so a replayed ChatHandedOver never undoes a later assignment or unassignment by the merchant.
CREATE TABLE handover_settings (
    business_id uuid PRIMARY KEY REFERENCES businesses (business_id) ON DELETE CASCADE,
    assign_to_user_id uuid REFERENCES merchant_users (user_id) ON DELETE SET NULL,
    bot_quiet_hours integer NOT NULL DEFAULT 24 CHECK (bot_quiet_hours BETWEEN 1 AND 168),
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE subscribers ADD COLUMN assigned_at timestamptz;
