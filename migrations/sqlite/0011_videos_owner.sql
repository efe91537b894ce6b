-- The storage quota sums a user's videos on every PATCH of a deferred-length upload
-- (the recorder sends one a second); without this index that is a scan of all videos.
CREATE INDEX videos_owner ON videos(owner_id);
