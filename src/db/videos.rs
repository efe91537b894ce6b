//! Video rows: metadata, visibility and lifecycle status.

use super::{now_ms, Db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VideoRow {
    pub id: String,
    pub workspace_id: String,
    pub owner_id: String,
    pub title: String,
    pub visibility: String,
    pub status: String,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub original_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Why processing failed (shown to the owner only).
    pub error: Option<String>,
    pub duration_ms: Option<i64>,
    pub transcript_status: String,
    pub has_seekable: i64,
}

const VIDEO_COLUMNS: &str = "v.id, v.workspace_id, v.owner_id, v.title, v.visibility, v.status, \
    v.content_type, v.size_bytes, v.original_key, v.created_at, v.updated_at, v.error, v.duration_ms, \
    v.transcript_status, v.has_seekable";

/// One page of the listing: newest first, keyset-paginated on (created_at, id).
#[derive(Debug, Clone, Default)]
pub struct VideoListQuery {
    pub viewer_id: Option<String>,
    pub workspace_id: Option<String>,
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

impl Db {
    pub async fn insert_video(&self, video: &VideoRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO videos (id, workspace_id, owner_id, title, visibility, status, content_type, \
             size_bytes, original_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&video.id)
        .bind(&video.workspace_id)
        .bind(&video.owner_id)
        .bind(&video.title)
        .bind(&video.visibility)
        .bind(&video.status)
        .bind(&video.content_type)
        .bind(video.size_bytes)
        .bind(&video.original_key)
        .bind(video.created_at)
        .bind(video.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn video(&self, id: &str) -> Result<Option<VideoRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {VIDEO_COLUMNS} FROM videos v WHERE v.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// A video with the caller's role in its workspace, in one round trip: every request
    /// about a video starts with this question.
    pub async fn video_with_role(
        &self,
        id: &str,
        user_id: Option<&str>,
    ) -> Result<Option<(VideoRow, Option<String>)>, sqlx::Error> {
        #[derive(sqlx::FromRow)]
        struct WithRole {
            #[sqlx(flatten)]
            video: VideoRow,
            member_role: Option<String>,
        }
        let row: Option<WithRole> = sqlx::query_as(&format!(
            "SELECT {VIDEO_COLUMNS}, (SELECT m.role FROM workspace_members m \
             WHERE m.workspace_id = v.workspace_id AND m.user_id = $2) AS member_role \
             FROM videos v WHERE v.id = $1"
        ))
        .bind(id)
        .bind(user_id.unwrap_or_default())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (r.video, r.member_role)))
    }

    /// Videos the viewer may see in a listing: everything in their workspaces plus public
    /// videos. Unlisted videos of other workspaces never appear.
    pub async fn list_videos(&self, q: &VideoListQuery) -> Result<Vec<VideoRow>, sqlx::Error> {
        let (before_at, before_id) = match &q.before {
            Some((at, id)) => (Some(*at), Some(id.clone())),
            None => (None, None),
        };
        sqlx::query_as(&format!(
            "SELECT {VIDEO_COLUMNS} FROM videos v WHERE \
             (v.visibility = 'public' OR v.workspace_id IN \
                (SELECT m.workspace_id FROM workspace_members m WHERE m.user_id = $1)) \
             AND ($2 IS NULL OR v.workspace_id = $2) \
             AND ($3 IS NULL OR v.created_at < $3 OR (v.created_at = $3 AND v.id < $4)) \
             ORDER BY v.created_at DESC, v.id DESC LIMIT $5"
        ))
        .bind(q.viewer_id.clone().unwrap_or_default())
        .bind(q.workspace_id.clone())
        .bind(before_at)
        .bind(before_id)
        .bind(q.limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn update_video_details(&self, id: &str, title: &str, visibility: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE videos SET title = $2, visibility = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(title)
            .bind(visibility)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Move a video between lifecycle states, only from the state the caller expects.
    /// Returns false when the video was not in `from`.
    pub async fn transition_video_status(&self, id: &str, from: &[&str], to: &str) -> Result<bool, sqlx::Error> {
        let mut done = 0;
        for state in from {
            let result = sqlx::query("UPDATE videos SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2")
                .bind(id)
                .bind(*state)
                .bind(to)
                .bind(now_ms())
                .execute(&self.pool)
                .await?;
            done += result.rows_affected();
        }
        Ok(done > 0)
    }

    pub async fn mark_video_uploaded(
        &self,
        id: &str,
        original_key: &str,
        size: i64,
        content_type: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE videos SET status = 'uploaded', original_key = $2, size_bytes = $3, content_type = $4, \
             updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(original_key)
        .bind(size)
        .bind(content_type)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Processing started (or restarted after a crash).
    pub async fn mark_video_processing(&self, id: &str, transcript_status: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE videos SET status = 'processing', error = NULL, transcript_status = $2, updated_at = $3 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(transcript_status)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The seekable copy is stored; the duration it measured is known from now on.
    pub async fn mark_video_seekable(&self, id: &str, duration_ms: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE videos SET has_seekable = 1, duration_ms = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(duration_ms)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn mark_video_ready(&self, id: &str, duration_ms: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE videos SET status = 'ready', duration_ms = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(duration_ms)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Processing failed for good; a transcript that never started fails with it.
    pub async fn mark_video_failed(&self, id: &str, error: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE videos SET status = 'failed', error = $2, updated_at = $3, transcript_status = \
             CASE WHEN transcript_status IN ('pending', 'processing') THEN 'failed' ELSE transcript_status END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn set_transcript_status(&self, id: &str, status: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE videos SET transcript_status = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(status)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_video(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM videos WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}
