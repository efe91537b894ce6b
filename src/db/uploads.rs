//! tus upload state. The offset only ever advances through a compare-and-set on the
//! previous offset, in the same transaction that records the chunk that carried the
//! bytes, so two racing PATCH requests can never both be acknowledged for one range.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{now_ms, Db};

#[derive(Debug, Clone)]
pub struct UploadRow {
    pub id: String,
    pub video_id: String,
    pub user_id: String,
    pub length: Option<i64>,
    pub upload_offset: i64,
    pub metadata: String,
    pub filetype: Option<String>,
    pub staging_key: String,
    pub staging_handle: String,
    pub next_part: i64,
    /// The video was made to hold this upload (and goes if the upload does).
    pub created_video: bool,
    /// Read by a live job while it arrives (a deferred-length recording).
    pub live: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub completed_at: Option<i64>,
}

/// By hand for the integer booleans, stored as 0/1 on both engines.
impl<'r> sqlx::FromRow<'r, AnyRow> for UploadRow {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(UploadRow {
            id: row.try_get("id")?,
            video_id: row.try_get("video_id")?,
            user_id: row.try_get("user_id")?,
            length: row.try_get("length")?,
            upload_offset: row.try_get("upload_offset")?,
            metadata: row.try_get("metadata")?,
            filetype: row.try_get("filetype")?,
            staging_key: row.try_get("staging_key")?,
            staging_handle: row.try_get("staging_handle")?,
            next_part: row.try_get("next_part")?,
            created_video: row.try_get::<i64, _>("created_video")? != 0,
            live: row.try_get::<i64, _>("live")? != 0,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
            completed_at: row.try_get("completed_at")?,
        })
    }
}

/// One acknowledged run of bytes; `locator` is the store's own description of where it lives.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChunkRow {
    pub chunk_offset: i64,
    pub length: i64,
    pub locator: String,
}

const UPLOAD_COLUMNS: &str = "id, video_id, user_id, length, upload_offset, metadata, filetype, staging_key, \
    staging_handle, next_part, created_video, created_at, expires_at, completed_at, live";

/// A readable copy of one acknowledged chunk of a live upload (object stores only).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveCopyRow {
    pub chunk_offset: i64,
    pub length: i64,
    pub object_key: String,
}

/// What one successful commit changes.
pub struct ChunkCommit<'a> {
    pub upload_id: &'a str,
    pub expected_offset: i64,
    pub new_offset: i64,
    pub expires_at: i64,
    pub added: &'a [ChunkRow],
    /// Chunks folded into one of `added` (their offsets).
    pub merged: &'a [i64],
    /// The highest multipart part number among `added` (0 when none is a part).
    pub last_part: i64,
    /// Readable copies of the new bytes (live uploads on object stores).
    pub live_copies: &'a [LiveCopyRow],
}

impl Db {
    pub async fn insert_upload(&self, u: &UploadRow) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "INSERT INTO uploads ({UPLOAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(&u.id)
        .bind(&u.video_id)
        .bind(&u.user_id)
        .bind(u.length)
        .bind(u.upload_offset)
        .bind(&u.metadata)
        .bind(&u.filetype)
        .bind(&u.staging_key)
        .bind(&u.staging_handle)
        .bind(u.next_part)
        .bind(i64::from(u.created_video))
        .bind(u.created_at)
        .bind(u.expires_at)
        .bind(u.completed_at)
        .bind(i64::from(u.live))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn upload(&self, id: &str) -> Result<Option<UploadRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn unfinished_upload_for_video(&self, video_id: &str) -> Result<Option<UploadRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE video_id = $1 AND completed_at IS NULL LIMIT 1"
        ))
        .bind(video_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Reserve a fresh, never reused part number (gaps are harmless).
    /// The part number the next multipart part of this upload takes: one past the last
    /// committed part. A part whose commit never happened (its request failed) leaves no
    /// gap: its number is taken again by the retry, which overwrites it, so the parts stay
    /// 1, 2, 3... as strict S3-compatible servers require when completing. (A writer whose
    /// lease lapsed mid-part could still overwrite a number its successor reuses; the
    /// successor's ETag, checked when completing, turns that into a failed completion,
    /// never into mixed bytes.)
    pub async fn next_part_number(&self, upload_id: &str) -> Result<i64, sqlx::Error> {
        let (n,): (i64,) = sqlx::query_as("SELECT next_part + 1 FROM uploads WHERE id = $1")
            .bind(upload_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Fix the final length of a deferred-length upload. Returns false if it was already set.
    pub async fn set_upload_length(&self, upload_id: &str, length: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE uploads SET length = $2 WHERE id = $1 AND length IS NULL")
            .bind(upload_id)
            .bind(length)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Advance the offset and record chunks atomically. False when another request moved
    /// the offset first (the caller then discards what it wrote).
    pub async fn commit_chunks(&self, c: ChunkCommit<'_>) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE uploads SET upload_offset = $3, expires_at = $4, \
             next_part = CASE WHEN next_part < $5 THEN $5 ELSE next_part END \
             WHERE id = $1 AND upload_offset = $2 AND completed_at IS NULL",
        )
        .bind(c.upload_id)
        .bind(c.expected_offset)
        .bind(c.new_offset)
        .bind(c.expires_at)
        .bind(c.last_part)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        for offset in c.merged {
            sqlx::query("DELETE FROM upload_chunks WHERE upload_id = $1 AND chunk_offset = $2")
                .bind(c.upload_id)
                .bind(offset)
                .execute(&mut *tx)
                .await?;
        }
        for chunk in c.added {
            sqlx::query("INSERT INTO upload_chunks (upload_id, chunk_offset, length, locator) VALUES ($1, $2, $3, $4)")
                .bind(c.upload_id)
                .bind(chunk.chunk_offset)
                .bind(chunk.length)
                .bind(&chunk.locator)
                .execute(&mut *tx)
                .await?;
        }
        for copy in c.live_copies {
            sqlx::query(
                "INSERT INTO upload_live_copies (upload_id, chunk_offset, length, object_key) VALUES ($1, $2, $3, $4)",
            )
            .bind(c.upload_id)
            .bind(copy.chunk_offset)
            .bind(copy.length)
            .bind(&copy.object_key)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The live copy holding byte `offset`, if one was stored.
    pub async fn live_copy_at(&self, upload_id: &str, offset: i64) -> Result<Option<LiveCopyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT chunk_offset, length, object_key FROM upload_live_copies \
             WHERE upload_id = $1 AND chunk_offset <= $2 AND chunk_offset + length > $2",
        )
        .bind(upload_id)
        .bind(offset)
        .fetch_optional(&self.pool)
        .await
    }

    /// The objects holding an upload's live copies, in offset order.
    pub async fn live_copy_keys(&self, upload_id: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT object_key FROM upload_live_copies WHERE upload_id = $1 ORDER BY chunk_offset")
                .bind(upload_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(key,)| key).collect())
    }

    /// Forget the live copies once the upload is complete (their objects go with the
    /// pieces prefix).
    pub async fn delete_live_copies(&self, upload_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM upload_live_copies WHERE upload_id = $1").bind(upload_id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn upload_chunks(&self, upload_id: &str) -> Result<Vec<ChunkRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT chunk_offset, length, locator FROM upload_chunks WHERE upload_id = $1 ORDER BY chunk_offset",
        )
        .bind(upload_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Claim the right to finish an upload; only one caller ever gets true.
    pub async fn mark_upload_completed(&self, upload_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE uploads SET completed_at = $2 WHERE id = $1 AND completed_at IS NULL")
            .bind(upload_id)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn reopen_upload(&self, upload_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE uploads SET completed_at = NULL WHERE id = $1").bind(upload_id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn delete_upload(&self, upload_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM uploads WHERE id = $1").bind(upload_id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn expired_uploads(&self, limit: i64) -> Result<Vec<UploadRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE completed_at IS NULL AND expires_at < $1 LIMIT $2"
        ))
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Uploads whose bytes all arrived but whose assembly never finished (a crash between
    /// the last acknowledgement and completion).
    pub async fn stranded_full_uploads(&self, limit: i64) -> Result<Vec<UploadRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM uploads WHERE completed_at IS NULL AND length IS NOT NULL \
             AND upload_offset = length LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn uploads_of_video(&self, video_id: &str) -> Result<Vec<UploadRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE video_id = $1"))
            .bind(video_id)
            .fetch_all(&self.pool)
            .await
    }
}

impl Db {
    /// Take the upload's writer lease if nobody holds a live one.
    pub async fn try_acquire_upload_writer(
        &self,
        upload_id: &str,
        token: &str,
        now: i64,
        lease_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE uploads SET writer_token = $2, writer_until = $3 \
             WHERE id = $1 AND (writer_until IS NULL OR writer_until < $4)",
        )
        .bind(upload_id)
        .bind(token)
        .bind(now + lease_ms)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn renew_upload_writer(&self, upload_id: &str, token: &str, until: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE uploads SET writer_until = $3 WHERE id = $1 AND writer_token = $2")
            .bind(upload_id)
            .bind(token)
            .bind(until)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn release_upload_writer(&self, upload_id: &str, token: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE uploads SET writer_token = NULL, writer_until = NULL WHERE id = $1 AND writer_token = $2")
            .bind(upload_id)
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
