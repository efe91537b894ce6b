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

    /// (views, live comments) per video, for a page of the library. Views by the video's
    /// creator do not count, as in "seen by".
    pub async fn engagement_counts(
        &self,
        video_ids: &[String],
    ) -> Result<std::collections::HashMap<String, (i64, i64)>, sqlx::Error> {
        let mut counts = std::collections::HashMap::new();
        if video_ids.is_empty() {
            return Ok(counts);
        }
        let placeholders: Vec<String> = (1..=video_ids.len()).map(|n| format!("${n}")).collect();
        let list = placeholders.join(", ");
        let views_sql = format!(
            "SELECT w.video_id, COUNT(*) FROM video_views w JOIN videos v ON v.id = w.video_id \
             WHERE w.video_id IN ({list}) AND (w.user_id IS NULL OR w.user_id <> v.owner_id) GROUP BY w.video_id"
        );
        let comments_sql = format!(
            "SELECT video_id, COUNT(*) FROM comments WHERE video_id IN ({list}) AND deleted_at IS NULL GROUP BY video_id"
        );
        for (sql, is_views) in [(views_sql, true), (comments_sql, false)] {
            let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
            for id in video_ids {
                query = query.bind(id);
            }
            for (id, n) in query.fetch_all(&self.pool).await? {
                let entry = counts.entry(id).or_insert((0, 0));
                if is_views {
                    entry.0 = n;
                } else {
                    entry.1 = n;
                }
            }
        }
        Ok(counts)
    }
}
