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

CREATE TABLE poison_messages (
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    error text NOT NULL,
    raw bytea NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, "offset")
);

CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    key bytea NOT NULL,
    value bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
