-- The orders widget: publishable keys bound to the origins a merchant lists, and the short-lived
-- widget sessions a store's server (or a publishable key, from a listed origin) opens.
CREATE TABLE widget_keys (
    key_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    name text NOT NULL,
    publishable_key text NOT NULL UNIQUE,
    origins text[] NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX widget_keys_business ON widget_keys (business_id, created_at);

CREATE TABLE widget_sessions (
    token_hash bytea PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    origin text NOT NULL,
    key_id uuid REFERENCES widget_keys (key_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX widget_sessions_expiry ON widget_sessions (expires_at);
