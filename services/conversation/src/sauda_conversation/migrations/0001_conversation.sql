-- The conversation service's own schema: shoppers' taps it has acted on, and its outbox.
CREATE TABLE handled_messages (
    business_id uuid NOT NULL,
    wamid text NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (business_id, wamid)
);

-- Commands sent on a shopper's behalf, so a refusal can be answered in the same chat.
CREATE TABLE tap_commands (
    command_id uuid PRIMARY KEY,
    business_id uuid NOT NULL,
    customer_phone text NOT NULL,
    order_id uuid NOT NULL,
    order_number text NOT NULL,
    action text NOT NULL,
    wamid text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- outbox, processed_events and poison_messages: sauda_runtime's kit migration (0000_kit.sql).
