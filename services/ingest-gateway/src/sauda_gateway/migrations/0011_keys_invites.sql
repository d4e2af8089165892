-- API keys an owner manages (an id to name them by, a name, when last used) and invites to
-- join a business as a user.

-- Keys made before keys had names (by `sauda business create`) get an id and the default name;
-- both defaults stay for the keys that command still makes.
ALTER TABLE api_keys
    ADD COLUMN key_id uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN name text NOT NULL DEFAULT 'Default key',
    ADD COLUMN last_used_at timestamptz,     -- kept to about the minute, not per request
    ADD CONSTRAINT api_keys_key_id UNIQUE (key_id);

-- Only a SHA-256 of each invite's one-time token is kept; the token is in the link shown once.
CREATE TABLE merchant_invites (
    invite_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    email text NOT NULL CHECK (email = lower(email)),
    role text NOT NULL CHECK (role IN ('owner', 'staff')),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX merchant_invites_business ON merchant_invites (business_id, created_at);
CREATE INDEX merchant_invites_expiry ON merchant_invites (expires_at);
