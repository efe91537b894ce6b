-- Hardening (issue 14): what live-event replay may show, how often an invite may be
-- used, and how many bytes each video keeps besides its original.

-- The comment or reaction an event is about, so deleting or editing it can scrub the
-- older events that still carry its text.
ALTER TABLE video_events ADD COLUMN subject_id TEXT;
CREATE INDEX video_events_subject ON video_events(subject_id);

-- The newest event id from before the video last became visible to people outside its
-- workspace: those watchers are never replayed anything at or below it. Videos that
-- exist now start from the current end of the log (nothing older is known to be safe).
ALTER TABLE videos ADD COLUMN visible_since_event BIGINT NOT NULL DEFAULT 0;
UPDATE videos SET visible_since_event = (SELECT COALESCE(MAX(id), 0) FROM video_events);

-- Bytes of derived media (playable copy, poster, sprites...), for the storage quota.
ALTER TABLE videos ADD COLUMN derived_bytes BIGINT NOT NULL DEFAULT 0;

ALTER TABLE workspace_invites ADD COLUMN max_uses BIGINT NOT NULL DEFAULT 1;
ALTER TABLE workspace_invites ADD COLUMN uses BIGINT NOT NULL DEFAULT 0;

CREATE INDEX uploads_user_open ON uploads(user_id, completed_at);
