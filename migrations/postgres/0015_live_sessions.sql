-- Who processes a recording: the live job that follows it while it is recorded, or the
-- after-upload job (processing/live/session.rs has the states and who moves them).
CREATE TABLE live_sessions (
    video_id       TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    upload_id      TEXT NOT NULL,
    state          TEXT NOT NULL,
    -- Bytes received when the live job last yielded (a stalled recording).
    yielded_offset BIGINT,
    updated_at     BIGINT NOT NULL
);
