//! Who watched a video, and how far.

use super::{now_ms, Db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedViewRow {
    pub user_id: String,
    pub user_name: String,
    pub watched_ms: i64,
    pub updated_at: i64,
}

impl Db {
    /// Record a view, keeping the furthest position ever reached by this viewer.
    pub async fn record_view(
        &self,
        video_id: &str,
        viewer_key: &str,
        user_id: Option<&str>,
        watched_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO video_views (video_id, viewer_key, user_id, watched_ms, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (video_id, viewer_key) DO UPDATE SET updated_at = excluded.updated_at, \
             watched_ms = CASE WHEN excluded.watched_ms > video_views.watched_ms \
                 THEN excluded.watched_ms ELSE video_views.watched_ms END",
        )
        .bind(video_id)
        .bind(viewer_key)
        .bind(user_id)
        .bind(watched_ms)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// (all viewers, anonymous viewers), not counting `exclude_user` (the video's creator).
    pub async fn view_counts(&self, video_id: &str, exclude_user: &str) -> Result<(i64, i64), sqlx::Error> {
        sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END), 0) FROM video_views \
             WHERE video_id = $1 AND (user_id IS NULL OR user_id <> $2)",
        )
        .bind(video_id)
        .bind(exclude_user)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn named_viewers(&self, video_id: &str, exclude_user: &str) -> Result<Vec<NamedViewRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT w.user_id, u.name AS user_name, w.watched_ms, w.updated_at FROM video_views w \
             JOIN users u ON u.id = w.user_id WHERE w.video_id = $1 AND w.user_id <> $2 \
             ORDER BY w.updated_at DESC LIMIT 500",
        )
        .bind(video_id)
        .bind(exclude_user)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn view_count(&self, video_id: &str) -> Result<i64, sqlx::Error> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM video_views WHERE video_id = $1")
            .bind(video_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
