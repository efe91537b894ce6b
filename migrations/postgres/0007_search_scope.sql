-- Visibility at the index. A common word matches tens of thousands of segments, most of
-- them in videos the searcher may not see; checking each against `videos` meant reading
-- every match from the table. Each segment now carries its video's workspace and whether
-- the video is public, indexed together with the text (btree_gin lets one GIN index hold
-- both), so a search reads only the matches the searcher may see. Triggers keep the copy
-- in step with the video.
CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE transcript_segments ADD COLUMN workspace_id TEXT;
ALTER TABLE transcript_segments ADD COLUMN public BOOLEAN NOT NULL DEFAULT false;
UPDATE transcript_segments s SET workspace_id = v.workspace_id, public = (v.visibility = 'public')
    FROM videos v WHERE v.id = s.video_id;

CREATE FUNCTION transcript_segments_scope() RETURNS trigger AS $$
BEGIN
    SELECT v.workspace_id, v.visibility = 'public' INTO NEW.workspace_id, NEW.public
        FROM videos v WHERE v.id = NEW.video_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER transcript_segments_scope BEFORE INSERT ON transcript_segments
    FOR EACH ROW EXECUTE FUNCTION transcript_segments_scope();

CREATE FUNCTION videos_search_scope_changed() RETURNS trigger AS $$
BEGIN
    UPDATE transcript_segments SET workspace_id = NEW.workspace_id, public = (NEW.visibility = 'public')
        WHERE video_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER videos_search_scope_changed AFTER UPDATE OF visibility, workspace_id ON videos
    FOR EACH ROW WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
    EXECUTE FUNCTION videos_search_scope_changed();

CREATE INDEX transcript_segments_scope_tsv ON transcript_segments USING GIN (workspace_id, tsv);
CREATE INDEX transcript_segments_public_tsv ON transcript_segments USING GIN (tsv) WHERE public;
