-- Background jobs, claimed with a lease that a heartbeat renews; a lapsed lease means the
-- worker died and the job may be taken over.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at       BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX jobs_claimable ON jobs(status, run_at);

-- Processing results on the video itself.
ALTER TABLE videos ADD COLUMN error TEXT;
ALTER TABLE videos ADD COLUMN duration_ms BIGINT;
ALTER TABLE videos ADD COLUMN transcript_status TEXT NOT NULL DEFAULT 'pending';
