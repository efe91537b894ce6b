//! A writer lease for uploads on stores without a native lock (S3).
//!
//! Only one request may write to an upload at a time, so that part numbers are handed out
//! without gaps (strict S3 servers refuse gaps) and racing writers never interleave. The
//! lease lives in the database, so it works across any number of API processes; it is
//! short and renewed by a heartbeat, so a writer killed with `kill -9` blocks the upload
//! only until the lease runs out (clients retry 423 responses, as tus clients do).

use std::time::Duration;

use crate::db::{now_ms, Db};
use crate::domain::random_id;
use crate::store::StagingLock;
use crate::uploads::{UploadError, UploadResult};

/// How long a lease lasts without renewal.
pub const LEASE: Duration = Duration::from_secs(8);
const HEARTBEAT: Duration = Duration::from_secs(2);

pub struct WriterLease {
    db: Db,
    upload_id: String,
    token: String,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl WriterLease {
    pub async fn acquire(db: &Db, upload_id: &str) -> UploadResult<WriterLease> {
        let token = random_id(16);
        let lease_ms = LEASE.as_millis() as i64;
        if !db.try_acquire_upload_writer(upload_id, &token, now_ms(), lease_ms).await? {
            return Err(UploadError::Locked);
        }
        let heartbeat = {
            let (db, upload_id, token) = (db.clone(), upload_id.to_string(), token.clone());
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(HEARTBEAT);
                ticker.tick().await;
                loop {
                    ticker.tick().await;
                    if let Err(err) = db.renew_upload_writer(&upload_id, &token, now_ms() + lease_ms).await {
                        tracing::warn!(upload.id = %upload_id, error = %err, "could not renew upload lease");
                    }
                }
            })
        };
        Ok(WriterLease { db: db.clone(), upload_id: upload_id.to_string(), token, heartbeat })
    }
}

impl WriterLease {
    /// Give the lease back now (dropping it also does, a moment later).
    pub async fn release(mut self) {
        self.heartbeat.abort();
        if let Err(err) = self.db.release_upload_writer(&self.upload_id, &self.token).await {
            tracing::warn!(upload.id = %self.upload_id, error = %err, "could not release upload lease");
        }
        self.token.clear();
    }
}

impl Drop for WriterLease {
    fn drop(&mut self) {
        self.heartbeat.abort();
        if self.token.is_empty() {
            return; // Already released.
        }
        let (db, upload_id, token) = (self.db.clone(), self.upload_id.clone(), self.token.clone());
        // Release promptly; if this never runs (process killed), the lease expires.
        tokio::spawn(async move {
            if let Err(err) = db.release_upload_writer(&upload_id, &token).await {
                tracing::warn!(upload.id = %upload_id, error = %err, "could not release upload lease");
            }
        });
    }
}

/// Whatever makes the current request the upload's only writer; released on drop.
pub struct WriterGuard {
    store_lock: Option<StagingLock>,
    lease: Option<WriterLease>,
}

impl WriterGuard {
    pub fn store(lock: StagingLock) -> WriterGuard {
        WriterGuard { store_lock: Some(lock), lease: None }
    }

    pub fn lease(lease: WriterLease) -> WriterGuard {
        WriterGuard { store_lock: None, lease: Some(lease) }
    }

    pub async fn release(self) {
        if let Some(lease) = self.lease {
            lease.release().await;
        }
        drop(self.store_lock);
    }
}
