-- A seekable remux of a browser recording exists (served while the full transcode runs).
ALTER TABLE videos ADD COLUMN has_seekable BIGINT NOT NULL DEFAULT 0;
