-- Named queues, each with its own workers: a long transcode on `media` no longer holds up
-- a webhook on `deliveries`. Jobs queued before this were all media work except deliveries.
ALTER TABLE jobs ADD COLUMN queue TEXT NOT NULL DEFAULT 'media';
UPDATE jobs SET queue = 'deliveries' WHERE kind = 'deliver_webhook';

-- Workers claim by queue: queued and due, or running with a lapsed lease.
DROP INDEX jobs_claimable;
CREATE INDEX jobs_claimable ON jobs(queue, status, run_at);
