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

/// An event to record together with the change it announces.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub video_id: &'a str,
    pub kind: &'a str,
    pub payload: String,
    /// The comment or reaction it is about, so a later edit or deletion can scrub it.
    pub subject_id: Option<String>,
}

impl Db {
    /// Append an event on its own.
    pub async fn append_event(&self, event: &NewEvent<'_>) -> Result<EventRow, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let row = self.append_event_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Append an event inside the caller's transaction, so a change and its announcement
    /// commit together (one flush, and never one without the other). On PostgreSQL the
    /// NOTIFY is delivered at commit, so no process can see it before the row.
    pub(super) async fn append_event_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        event: &NewEvent<'_>,
    ) -> Result<EventRow, sqlx::Error> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO video_events (video_id, kind, payload, created_at, subject_id) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id",
        )
        .bind(event.video_id)
        .bind(event.kind)
        .bind(&event.payload)
        .bind(now_ms())
        .bind(event.subject_id.as_deref())
        .fetch_one(&mut **tx)
        .await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(EVENTS_CHANNEL)
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
        }
        Ok(EventRow {
            id,
            video_id: event.video_id.to_string(),
            kind: event.kind.to_string(),
            payload: event.payload.clone(),
        })
    }

    /// Make the log forget what it said about `subject_id` in events of `kinds`: with a
    /// payload, every such event now carries it (an edited comment replays as its current
    /// text); without, they are deleted (a deleted comment's text is never replayed).
    pub(super) async fn rewrite_subject_events_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        subject_id: &str,
        kinds: &[&str],
        payload: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        if kinds.is_empty() {
            return Ok(());
        }
        let first = if payload.is_some() { 3 } else { 2 };
        let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", first + i)).collect();
        let filter = format!("subject_id = $1 AND kind IN ({})", placeholders.join(", "));
        let sql = match payload {
            Some(_) => format!("UPDATE video_events SET payload = $2 WHERE {filter}"),
            None => format!("DELETE FROM video_events WHERE {filter}"),
        };
        let mut query = sqlx::query(&sql).bind(subject_id);
        if let Some(payload) = payload {
            query = query.bind(payload);
        }
        for kind in kinds {
            query = query.bind(*kind);
        }
        query.execute(&mut **tx).await?;
        Ok(())
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
