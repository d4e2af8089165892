-- A chat's handover to a person: how many free texts in a row the bot has failed to understand
-- (the last one's wamid, so a message counted twice counts once), and a person's hold on it
-- (the bot keeps quiet on free text until quiet_until, or until the merchant unassigns the
-- chat). Keyed like the chat (customer_phone holds chat_identity(phone, user id)).
CREATE TABLE chat_handovers (
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    misses integer NOT NULL DEFAULT 0,
    last_miss_wamid text,
    handed_over_at timestamptz,
    quiet_until timestamptz,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (business_id, customer_phone)
);
