-- Local phone numbers are read in the business's country; store upserts find their order number.
ALTER TABLE businesses ADD COLUMN default_country text NOT NULL DEFAULT 'PK';

CREATE TABLE store_order_keys (
    business_id uuid NOT NULL,
    platform text NOT NULL,
    store_order_number text NOT NULL,
    order_id uuid NOT NULL,
    order_seq bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (business_id, platform, store_order_number)
);
