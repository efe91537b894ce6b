//! Background housekeeping for uploads: finish uploads whose bytes all arrived but whose
//! assembly was interrupted, and delete unfinished uploads past their expiry.

use std::time::Duration;

use super::Uploads;

const BATCH: i64 = 100;

impl Uploads {
    /// One sweep. Returns (finished, expired) counts.
    pub async fn sweep(&self) -> anyhow::Result<(usize, usize)> {
        let mut finished = 0;
        for upload in self.db.stranded_full_uploads(BATCH).await? {
            // Leave very recent ones to the request that is finishing them right now.
            let idle_ms = crate::db::now_ms() - (upload.expires_at - self.expiry.as_millis() as i64);
            if idle_ms < 30_000 {
                continue;
            }
            match self.finish_if_idle(&upload).await {
                Ok(()) => finished += 1,
                Err(err) => {
                    tracing::warn!(upload.id = %upload.id, error = %err, "could not finish stranded upload")
                }
            }
        }
        let mut expired = 0;
        for upload in self.db.expired_uploads(BATCH).await? {
            match self.abandon(&upload).await {
                Ok(()) => expired += 1,
                Err(err) => {
                    tracing::warn!(upload.id = %upload.id, error = %err, "could not remove expired upload")
                }
            }
        }
        if finished + expired > 0 {
            tracing::info!(finished, expired, "upload sweep");
        }
        Ok((finished, expired))
    }
}

/// Run [`Uploads::sweep`] every `interval` until the process stops.
pub fn spawn_sweeper(uploads: Uploads, db: crate::db::Db, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(err) = uploads.sweep().await {
                tracing::warn!(error = %err, "upload sweep failed");
            }
            if let Err(err) = db.delete_expired_sessions().await {
                tracing::warn!(error = %err, "session cleanup failed");
            }
        }
    })
}
