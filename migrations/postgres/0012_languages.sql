-- Transcripts in the speaker's language.
--
-- Videos: the transcript's language (detected or set), what the manager asked for (NULL
-- follows the workspace default), and the English translation track. Workspaces: the
-- default ('auto' detects).
ALTER TABLE videos ADD COLUMN language TEXT;
ALTER TABLE videos ADD COLUMN language_setting TEXT;
ALTER TABLE videos ADD COLUMN translate BIGINT NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN translation_ready BIGINT NOT NULL DEFAULT 0;
-- Every transcript so far came from the English-only tiny.en model.
UPDATE videos SET language = 'en' WHERE transcript_status = 'ready';
ALTER TABLE workspaces ADD COLUMN default_language TEXT NOT NULL DEFAULT 'auto';

-- A manager's correction of one segment's text, by the segment's time. Re-processing
-- applies it to the new segment that overlaps it most.
CREATE TABLE transcript_corrections (
    video_id   TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    start_ms   BIGINT NOT NULL,
    end_ms     BIGINT NOT NULL,
    text       TEXT NOT NULL,
    edited_by  TEXT NOT NULL,
    edited_at  BIGINT NOT NULL,
    PRIMARY KEY (video_id, start_ms)
);

-- Search per language: one text search configuration per language PostgreSQL stems, each
-- dropping accents first (unaccent), so "actualización" and "actualizacion" meet; and
-- briefly_simple (no stemming) for every other language.
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
DECLARE
    lang text;
BEGIN
    FOREACH lang IN ARRAY ARRAY['arabic', 'armenian', 'basque', 'catalan', 'danish', 'dutch', 'english',
        'finnish', 'french', 'german', 'greek', 'hindi', 'hungarian', 'indonesian', 'irish', 'italian',
        'lithuanian', 'nepali', 'norwegian', 'portuguese', 'romanian', 'russian', 'serbian', 'spanish',
        'swedish', 'tamil', 'turkish', 'yiddish']
    LOOP
        IF EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = lang) THEN
            EXECUTE format('CREATE TEXT SEARCH CONFIGURATION briefly_%s (COPY = %s)', lang, lang);
            EXECUTE format('ALTER TEXT SEARCH CONFIGURATION briefly_%s ALTER MAPPING FOR hword, hword_part, word '
                           'WITH unaccent, %s_stem', lang, lang);
        END IF;
    END LOOP;
END
$$;
CREATE TEXT SEARCH CONFIGURATION briefly_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION briefly_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- Each segment is indexed with its video's configuration (the tsvector is regenerated).
ALTER TABLE transcript_segments ADD COLUMN ts_config regconfig NOT NULL DEFAULT 'briefly_english';
ALTER TABLE transcript_segments ALTER COLUMN ts_config SET DEFAULT 'briefly_simple';
ALTER TABLE transcript_segments DROP COLUMN tsv;
ALTER TABLE transcript_segments ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector(ts_config, text)) STORED;
CREATE INDEX transcript_segments_tsv ON transcript_segments USING GIN (tsv);
CREATE INDEX transcript_segments_scope_tsv ON transcript_segments USING GIN (workspace_id, tsv);
CREATE INDEX transcript_segments_public_tsv ON transcript_segments USING GIN (tsv) WHERE public;

-- The configurations in use, so a query is parsed once per language that has segments.
CREATE TABLE search_configs (config TEXT PRIMARY KEY);
INSERT INTO search_configs (config) SELECT DISTINCT ts_config::text FROM transcript_segments;
