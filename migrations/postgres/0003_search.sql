-- What was said, one row per transcript segment, with generated tsvector columns and GIN
-- indexes over segments and titles.
CREATE TABLE transcript_segments (
    id        BIGSERIAL PRIMARY KEY,
    video_id  TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    start_ms  BIGINT NOT NULL,
    end_ms    BIGINT NOT NULL,
    text      TEXT NOT NULL,
    tsv       tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
);
CREATE INDEX transcript_segments_video ON transcript_segments(video_id, start_ms);
CREATE INDEX transcript_segments_tsv ON transcript_segments USING GIN (tsv);

ALTER TABLE videos ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED;
CREATE INDEX videos_title_tsv ON videos USING GIN (title_tsv);
