-- Transcripts in the speaker's language (see the PostgreSQL migration of the same number).
ALTER TABLE videos ADD COLUMN language TEXT;
ALTER TABLE videos ADD COLUMN language_setting TEXT;
ALTER TABLE videos ADD COLUMN translate BIGINT NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN translation_ready BIGINT NOT NULL DEFAULT 0;
UPDATE videos SET language = 'en' WHERE transcript_status = 'ready';
ALTER TABLE workspaces ADD COLUMN default_language TEXT NOT NULL DEFAULT 'auto';

CREATE TABLE transcript_corrections (
    video_id   TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    start_ms   BIGINT NOT NULL,
    end_ms     BIGINT NOT NULL,
    text       TEXT NOT NULL,
    edited_by  TEXT NOT NULL,
    edited_at  BIGINT NOT NULL,
    PRIMARY KEY (video_id, start_ms)
);

-- Search per language: English segments in an FTS5 table with the porter stemmer, every
-- other language in one without (porter is English-only). Both fold diacritics
-- (remove_diacritics 2), so accented and unaccented spellings match. That folds Latin
-- letters only; the other table's text is folded on the way in for the letters
-- PostgreSQL's unaccent also folds and FTS5 does not (Russian ё, Greek tonos and
-- dialytika, ł, ø): the nested replaces below, the list `domain::language::FOLDED_LETTERS`
-- gives the query side (a unit test checks the two agree). The snippet still shows the
-- text as said: the index holds the folded tokens, the content table the original.
ALTER TABLE transcript_segments ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
DROP TRIGGER transcript_segments_ai;
DROP TRIGGER transcript_segments_ad;
DROP TABLE transcript_fts;
CREATE VIRTUAL TABLE transcript_fts USING fts5(
    text, content = 'transcript_segments', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE transcript_fts_intl USING fts5(
    text, content = 'transcript_segments', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO transcript_fts(rowid, text) SELECT id, text FROM transcript_segments WHERE language = 'en';
CREATE TRIGGER transcript_segments_ai AFTER INSERT ON transcript_segments WHEN new.language = 'en' BEGIN
    INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER transcript_segments_intl_ai AFTER INSERT ON transcript_segments WHEN new.language <> 'en' BEGIN
    INSERT INTO transcript_fts_intl(rowid, text) VALUES (new.id, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е'), 'ά', 'α'), 'έ', 'ε'), 'ή', 'η'), 'ί', 'ι'), 'ό', 'ο'), 'ύ', 'υ'), 'ώ', 'ω'), 'ΐ', 'ι'), 'ΰ', 'υ'), 'ϊ', 'ι'), 'ϋ', 'υ'), 'Ά', 'Α'), 'Έ', 'Ε'), 'Ή', 'Η'), 'Ί', 'Ι'), 'Ό', 'Ο'), 'Ύ', 'Υ'), 'Ώ', 'Ω'), 'Ϊ', 'Ι'), 'Ϋ', 'Υ'), 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'));
END;
CREATE TRIGGER transcript_segments_ad AFTER DELETE ON transcript_segments WHEN old.language = 'en' BEGIN
    INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER transcript_segments_intl_ad AFTER DELETE ON transcript_segments WHEN old.language <> 'en' BEGIN
    INSERT INTO transcript_fts_intl(transcript_fts_intl, rowid, text) VALUES ('delete', old.id, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.text, 'ё', 'е'), 'Ё', 'Е'), 'ά', 'α'), 'έ', 'ε'), 'ή', 'η'), 'ί', 'ι'), 'ό', 'ο'), 'ύ', 'υ'), 'ώ', 'ω'), 'ΐ', 'ι'), 'ΰ', 'υ'), 'ϊ', 'ι'), 'ϋ', 'υ'), 'Ά', 'Α'), 'Έ', 'Ε'), 'Ή', 'Η'), 'Ί', 'Ι'), 'Ό', 'Ο'), 'Ύ', 'Υ'), 'Ώ', 'Ω'), 'Ϊ', 'Ι'), 'Ϋ', 'Υ'), 'ł', 'l'), 'Ł', 'L'), 'ø', 'o'), 'Ø', 'O'));
END;
