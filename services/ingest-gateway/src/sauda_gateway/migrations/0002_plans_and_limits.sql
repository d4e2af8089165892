-- Plans are data: which APIs each may use, its request allowance, and its order for upgrades.
CREATE TABLE plans (
    name text PRIMARY KEY,
    apis text[] NOT NULL,
    requests_per_hour integer NOT NULL CHECK (requests_per_hour >= 0),
    rank integer NOT NULL
);
INSERT INTO plans (name, apis, requests_per_hour, rank) VALUES
    ('free', '{}', 60, 0),
    ('pro', '{}', 60, 1),
    ('business', '{store_api}', 60, 2);

ALTER TABLE businesses
    ADD COLUMN rate_limit_per_hour integer CHECK (rate_limit_per_hour >= 0),
    ADD CONSTRAINT businesses_plan_fkey FOREIGN KEY (plan) REFERENCES plans (name);

-- Requests per business per hour, shared by every gateway process. Unlogged: a counter lost in
-- a crash only forgives part of one hour, and no write-ahead log is paid per request.
CREATE UNLOGGED TABLE rate_windows (
    business_id uuid NOT NULL,
    window_start timestamptz NOT NULL,
    used integer NOT NULL,
    PRIMARY KEY (business_id, window_start)
);
