-- Editing after recording: a non-destructive list of kept ranges per video.
--
-- videos: the published edit (`edit_version`, `kept_ranges` as JSON; NULL plays the
-- original), a revision that changes whenever a new version or poster is published (it
-- is in the asset URLs), and the chosen poster (a moment of the original timeline, or an
-- uploaded image).
ALTER TABLE videos ADD COLUMN edit_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN kept_ranges TEXT;
-- The unedited recording's length, once an edit set duration_ms to the edited one.
ALTER TABLE videos ADD COLUMN source_duration_ms BIGINT;
ALTER TABLE videos ADD COLUMN media_revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN poster_ms BIGINT;
ALTER TABLE videos ADD COLUMN poster_uploaded BIGINT NOT NULL DEFAULT 0;

-- Comments and reactions keep their moment on the original timeline (`source_ms`; NULL
-- until the first edit means "timestamp_ms"), so every edit and a revert place them
-- again from it. `at_cut`: the moment was removed; the comment sits at the cut point.
ALTER TABLE comments ADD COLUMN source_ms BIGINT;
ALTER TABLE comments ADD COLUMN at_cut BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reactions ADD COLUMN source_ms BIGINT;
ALTER TABLE reactions ADD COLUMN at_cut BIGINT NOT NULL DEFAULT 0;

-- The latest saved edit (what the next render makes); `version` only grows, so a save
-- that read an older one is refused. `failed_version` + `error`: that version's render
-- failed (the previous version keeps playing).
CREATE TABLE video_edits (
    video_id       TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    version        BIGINT NOT NULL,
    keep_ranges    TEXT NOT NULL,
    edited_by      TEXT NOT NULL,
    edited_at      BIGINT NOT NULL,
    failed_version BIGINT,
    error          TEXT
);
