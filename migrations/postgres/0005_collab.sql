-- Collaboration: timestamped comments, emoji reactions, views, workspace invites and the
-- event log behind live updates.

-- `sort_ms` is timestamp_ms, or a sentinel past any real position for general comments,
-- so one keyset index orders "timestamped first, then general" without NULL tricks.
CREATE TABLE comments (
    id           TEXT PRIMARY KEY,
    video_id     TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    author_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parent_id    TEXT REFERENCES comments(id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    timestamp_ms BIGINT,
    sort_ms      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    edited_at    BIGINT,
    deleted_at   BIGINT,
    body_tsv     tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
);
CREATE INDEX comments_top_level ON comments(video_id, sort_ms, created_at, id) WHERE parent_id IS NULL;
CREATE INDEX comments_replies ON comments(parent_id, created_at, id) WHERE parent_id IS NOT NULL;
CREATE INDEX comments_author ON comments(author_id);
CREATE INDEX comments_body_tsv ON comments USING GIN (body_tsv);

CREATE TABLE reactions (
    id           TEXT PRIMARY KEY,
    video_id     TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    emoji        TEXT NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX reactions_video ON reactions(video_id, timestamp_ms, id);

-- One row per (video, viewer); `viewer_key` is `u:<user id>` or `a:<anonymous id>`.
CREATE TABLE video_views (
    video_id     TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    viewer_key   TEXT NOT NULL,
    user_id      TEXT REFERENCES users(id) ON DELETE CASCADE,
    watched_ms   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (video_id, viewer_key)
);

CREATE TABLE workspace_invites (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_by   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX workspace_invites_workspace ON workspace_invites(workspace_id, created_at);

-- Live-update log: SSE ids are these row ids, so `Last-Event-ID` can replay what was missed.
CREATE TABLE video_events (
    id         BIGSERIAL PRIMARY KEY,
    video_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX video_events_video ON video_events(video_id, id);
CREATE INDEX video_events_created ON video_events(created_at);
