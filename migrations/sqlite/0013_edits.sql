-- Editing after recording (see the PostgreSQL migration of the same number).
ALTER TABLE videos ADD COLUMN edit_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN kept_ranges TEXT;
ALTER TABLE videos ADD COLUMN source_duration_ms BIGINT;
ALTER TABLE videos ADD COLUMN media_revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN poster_ms BIGINT;
ALTER TABLE videos ADD COLUMN poster_uploaded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN source_ms BIGINT;
ALTER TABLE comments ADD COLUMN at_cut BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reactions ADD COLUMN source_ms BIGINT;
ALTER TABLE reactions ADD COLUMN at_cut BIGINT NOT NULL DEFAULT 0;
CREATE TABLE video_edits (
    video_id       TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    version        BIGINT NOT NULL,
    keep_ranges    TEXT NOT NULL,
    edited_by      TEXT NOT NULL,
    edited_at      BIGINT NOT NULL,
    failed_version BIGINT,
    error          TEXT
);
