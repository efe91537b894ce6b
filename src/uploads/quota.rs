//! Per-user upload limits: bytes kept, uploads left unfinished, and how much of one
//! checksummed PATCH is spooled before it is verified. Refusals are `UploadError::Quota`
//! and never touch what is already stored.

use super::{QuotaLimit, UploadError, UploadResult, Uploads};
use crate::db::{SessionUser, UploadRow};

#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// Bytes of originals, derived media and unfinished uploads one user may hold.
    pub storage_per_user: u64,
    /// Unfinished (not expired) uploads one user may have at once.
    pub unfinished_per_user: u64,
    /// Largest checksummed PATCH body: it is spooled to local disk before verification.
    pub checksum_body: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits { storage_per_user: u64::MAX, unfinished_per_user: u64::MAX, checksum_body: u64::MAX }
    }
}

impl Uploads {
    /// May `user` start an upload of `length` bytes (unknown: deferred)?
    pub(super) async fn check_new_upload(&self, user: &SessionUser, length: Option<u64>) -> UploadResult<()> {
        let open = self.db.unfinished_uploads_of(&user.id).await?.max(0) as u64;
        if open >= self.limits.unfinished_per_user {
            return Err(UploadError::Quota {
                limit: QuotaLimit::UnfinishedUploads,
                message: format!(
                    "you have {open} unfinished uploads, the most one account may have ({}); finish or delete one first",
                    self.limits.unfinished_per_user
                ),
            });
        }
        let used = self.db.storage_used(&user.id).await?.max(0) as u64;
        let over = match length {
            Some(length) => used.saturating_add(length) > self.limits.storage_per_user,
            // A deferred upload could store nothing at all.
            None => used >= self.limits.storage_per_user,
        };
        if over {
            return Err(self.storage_exceeded());
        }
        Ok(())
    }

    /// The most bytes `upload` may hold in all without passing its owner's storage quota.
    pub(super) async fn storage_room(&self, upload: &UploadRow) -> UploadResult<u64> {
        let used = self.db.storage_used(&upload.user_id).await?.max(0) as u64;
        let own = upload.length.unwrap_or(upload.upload_offset).max(0) as u64;
        Ok(self.limits.storage_per_user.saturating_sub(used.saturating_sub(own)))
    }

    pub(super) fn storage_exceeded(&self) -> UploadError {
        UploadError::Quota {
            limit: QuotaLimit::Storage,
            message: format!(
                "this would pass your storage quota of {} bytes (originals, derived media and unfinished uploads); \
                 delete something first",
                self.limits.storage_per_user
            ),
        }
    }

    pub(super) fn checksum_body_too_large(&self) -> UploadError {
        UploadError::Quota {
            limit: QuotaLimit::ChecksumBody,
            message: format!(
                "a PATCH with Upload-Checksum may carry at most {} bytes; send smaller pieces",
                self.limits.checksum_body
            ),
        }
    }
}
