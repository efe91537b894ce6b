-- Outgoing webhooks of a workspace, and one row per event sent (or being sent) to one.

-- `secret` is kept as is, not as a digest: every delivery is signed with it.
-- `events` is a JSON array of event names. A hook belongs to its workspace, so it
-- outlives the account that created it.
CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL,
    events       TEXT NOT NULL,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks(workspace_id, created_at);

-- `payload` is the exact JSON body sent (the same bytes on every attempt, so receivers
-- can de-duplicate by its `id`); each attempt updates `attempts`, `response_status`, `error`.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    response_status BIGINT,
    error           TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
-- "Recent deliveries of a hook", newest first.
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries(webhook_id, created_at, id);
