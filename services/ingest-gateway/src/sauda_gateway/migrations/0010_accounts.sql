-- Merchant users of the dashboard, their server-side sessions, and the login throttle's counts.
CREATE TABLE merchant_users (
    user_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    email text NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash text NOT NULL,                 -- argon2id
    role text NOT NULL CHECK (role IN ('owner', 'staff')),
    created_at timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX merchant_users_business ON merchant_users (business_id);

-- Only a SHA-256 of each session token is kept; the token itself is the cookie.
CREATE TABLE merchant_sessions (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES merchant_users (user_id) ON DELETE CASCADE,
    business_id uuid NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX merchant_sessions_user ON merchant_sessions (user_id) WHERE revoked_at IS NULL;

-- Failed logins per fixed 15-minute window, by email ('account') and by client address ('address').
CREATE TABLE login_attempts (
    scope text NOT NULL,
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    failures integer NOT NULL,
    PRIMARY KEY (scope, key, window_start)
);
