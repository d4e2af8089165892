-- Store imports run in the background: one row per import, its progress written as pages are
-- read. At most one runs per business (the partial unique index, across gateway replicas); a
-- running row whose heartbeat stopped (its gateway died) is turned `interrupted` when next read.
CREATE TABLE catalog_imports (
    import_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    url text NOT NULL,
    currency text,
    status text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    source text,
    pages_total integer,
    pages_done integer NOT NULL DEFAULT 0,
    created integer NOT NULL DEFAULT 0,
    updated integer NOT NULL DEFAULT 0,
    unchanged integer NOT NULL DEFAULT 0,
    skipped jsonb NOT NULL DEFAULT '[]',
    error jsonb,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX catalog_imports_one_running ON catalog_imports (business_id)
    WHERE status = 'running';
CREATE INDEX catalog_imports_latest ON catalog_imports (business_id, started_at DESC);
CREATE INDEX catalog_imports_running ON catalog_imports (heartbeat_at) WHERE status = 'running';
