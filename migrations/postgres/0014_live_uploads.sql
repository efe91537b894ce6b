-- Recordings streamed with a deferred length are processed while they arrive.
--
-- uploads.live: this upload's bytes are read by a live job before it completes. On an
-- object store, which cannot read the parts of an unfinished multipart upload, every
-- acknowledged chunk of a live upload is then also kept as an object of its own
-- (upload_live_copies) until the upload completes; on disk the staging file is read.
ALTER TABLE uploads ADD COLUMN live BIGINT NOT NULL DEFAULT 0;
CREATE TABLE upload_live_copies (
    upload_id    TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    chunk_offset BIGINT NOT NULL,
    length       BIGINT NOT NULL,
    object_key   TEXT NOT NULL,
    PRIMARY KEY (upload_id, chunk_offset)
);
