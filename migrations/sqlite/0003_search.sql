-- What was said, one row per transcript segment, and full-text indexes over it and over
-- titles (FTS5 external-content tables kept in step by triggers).
CREATE TABLE transcript_segments (
    id        INTEGER PRIMARY KEY,
    video_id  TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    start_ms  BIGINT NOT NULL,
    end_ms    BIGINT NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX transcript_segments_video ON transcript_segments(video_id, start_ms);

CREATE VIRTUAL TABLE transcript_fts USING fts5(
    text, content = 'transcript_segments', content_rowid = 'id', tokenize = 'porter unicode61'
);
CREATE TRIGGER transcript_segments_ai AFTER INSERT ON transcript_segments BEGIN
    INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER transcript_segments_ad AFTER DELETE ON transcript_segments BEGIN
    INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE VIRTUAL TABLE video_title_fts USING fts5(video_id UNINDEXED, title, tokenize = 'porter unicode61');
INSERT INTO video_title_fts(video_id, title) SELECT id, title FROM videos;
CREATE TRIGGER videos_title_ai AFTER INSERT ON videos BEGIN
    INSERT INTO video_title_fts(video_id, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER videos_title_au AFTER UPDATE OF title ON videos BEGIN
    DELETE FROM video_title_fts WHERE video_id = old.id;
    INSERT INTO video_title_fts(video_id, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER videos_title_ad AFTER DELETE ON videos BEGIN
    DELETE FROM video_title_fts WHERE video_id = old.id;
END;
