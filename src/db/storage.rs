//! What each user keeps: the numbers behind the storage and unfinished-upload quotas.

use super::{now_ms, Db};

impl Db {
    /// Bytes held for `user_id`: the originals and derived media of the videos they made,
    /// plus every unfinished upload of theirs (its declared length, or what arrived so
    /// far while the length is deferred). Expired uploads are on their way out: not counted.
    pub async fn storage_used(&self, user_id: &str) -> Result<i64, sqlx::Error> {
        let (used,): (i64,) = sqlx::query_as(
            "SELECT CAST(\
               COALESCE((SELECT SUM(COALESCE(size_bytes, 0) + derived_bytes) FROM videos WHERE owner_id = $1), 0) \
             + COALESCE((SELECT SUM(COALESCE(length, upload_offset)) FROM uploads \
                 WHERE user_id = $1 AND completed_at IS NULL AND expires_at > $2), 0) AS BIGINT)",
        )
        .bind(user_id)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(used)
    }

    /// Uploads of `user_id` not finished and not expired.
    pub async fn unfinished_uploads_of(&self, user_id: &str) -> Result<i64, sqlx::Error> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM uploads WHERE user_id = $1 AND completed_at IS NULL AND expires_at > $2",
        )
        .bind(user_id)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    /// Record how many bytes of derived media the video keeps (set, not added: a retried
    /// job stores the same files again).
    pub async fn set_derived_bytes(&self, video_id: &str, bytes: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE videos SET derived_bytes = $2 WHERE id = $1")
            .bind(video_id)
            .bind(bytes)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
