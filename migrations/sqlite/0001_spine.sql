-- Accounts, workspaces, videos and resumable uploads.
-- Times are milliseconds since the Unix epoch (BIGINT) so both backends share one row shape.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    personal   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE workspace_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members(user_id);

CREATE TABLE videos (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    owner_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    visibility    TEXT NOT NULL CHECK (visibility IN ('private', 'unlisted', 'public')),
    status        TEXT NOT NULL,
    content_type  TEXT,
    size_bytes    BIGINT,
    original_key  TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX videos_workspace_created ON videos(workspace_id, created_at DESC, id DESC);
CREATE INDEX videos_public_created ON videos(visibility, created_at DESC, id DESC);

CREATE TABLE uploads (
    id             TEXT PRIMARY KEY,
    video_id       TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    length         BIGINT,
    upload_offset  BIGINT NOT NULL DEFAULT 0,
    metadata       TEXT NOT NULL DEFAULT '',
    filetype       TEXT,
    staging_key    TEXT NOT NULL,
    staging_handle TEXT NOT NULL,
    next_part      BIGINT NOT NULL DEFAULT 0,
    created_video  BIGINT NOT NULL DEFAULT 0,
    -- Short, renewed lease held by the request writing to the upload (stores without a
    -- file lock); a crashed writer's lease simply runs out.
    writer_token   TEXT,
    writer_until   BIGINT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    completed_at   BIGINT
);
CREATE INDEX uploads_video ON uploads(video_id);
CREATE INDEX uploads_expiry ON uploads(completed_at, expires_at);

-- Durable pieces of an upload, one row per acknowledged run of bytes.
CREATE TABLE upload_chunks (
    upload_id   TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    chunk_offset BIGINT NOT NULL,
    length      BIGINT NOT NULL,
    locator     TEXT NOT NULL,
    PRIMARY KEY (upload_id, chunk_offset)
);
