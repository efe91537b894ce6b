//! The live-update log behind `GET /api/videos/{id}/events`.

use super::{now_ms, Backend, Db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub video_id: String,
    pub kind: String,
    pub payload: String,
}

/// The channel other processes listen on; the payload is the new row's id.
pub const EVENTS_CHANNEL: &str = "briefly_events";

impl Db {
    /// Append an event. On PostgreSQL the same transaction notifies every listening
    /// process (delivered at commit), so no process can see the NOTIFY before the row.
    pub async fn append_event(&self, video_id: &str, kind: &str, payload: &str) -> Result<EventRow, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO video_events (video_id, kind, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(video_id)
        .bind(kind)
        .bind(payload)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)").bind(EVENTS_CHANNEL).bind(id.to_string()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(EventRow { id, video_id: video_id.to_string(), kind: kind.to_string(), payload: payload.to_string() })
    }

    pub async fn event(&self, id: i64) -> Result<Option<EventRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, video_id, kind, payload FROM video_events WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// A video's events after `after_id`, oldest first: what a reconnecting client missed.
    pub async fn events_after(&self, video_id: &str, after_id: i64, limit: i64) -> Result<Vec<EventRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, video_id, kind, payload FROM video_events WHERE video_id = $1 AND id > $2 \
             ORDER BY id LIMIT $3",
        )
        .bind(video_id)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Every video's events after `after_id`, oldest first (the listener's catch-up).
    pub async fn events_since(&self, after_id: i64, limit: i64) -> Result<Vec<EventRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, video_id, kind, payload FROM video_events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
    }

    /// The newest event id overall, so a fresh subscriber knows where "now" is.
    pub async fn latest_event_id(&self) -> Result<i64, sqlx::Error> {
        let (id,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM video_events").fetch_one(&self.pool).await?;
        Ok(id)
    }

    /// Forget events older than `cutoff_ms`; live updates only need a short replay window.
    pub async fn prune_events(&self, cutoff_ms: i64) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query("DELETE FROM video_events WHERE created_at < $1")
            .bind(cutoff_ms)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
