//! Live sessions: one row per recording that a live job may process while it arrives.
//! Every change is a compare-and-set on the state, so the live job and the after-upload
//! job can never both take a recording.

use super::{now_ms, Db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveSessionRow {
    pub video_id: String,
    pub upload_id: String,
    pub state: String,
    pub yielded_offset: Option<i64>,
    pub updated_at: i64,
}

impl Db {
    /// A new session for the video's new upload (replacing one of an earlier upload).
    pub async fn start_live_session(&self, video_id: &str, upload_id: &str, state: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO live_sessions (video_id, upload_id, state, yielded_offset, updated_at) \
             VALUES ($1, $2, $3, NULL, $4) \
             ON CONFLICT (video_id) DO UPDATE SET upload_id = $2, state = $3, yielded_offset = NULL, updated_at = $4",
        )
        .bind(video_id)
        .bind(upload_id)
        .bind(state)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn live_session(&self, video_id: &str) -> Result<Option<LiveSessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT video_id, upload_id, state, yielded_offset, updated_at FROM live_sessions WHERE video_id = $1",
        )
        .bind(video_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Move the session of `upload_id` from one of `from` to `to`; false when it was in
    /// no such state (someone else moved it first) or belongs to another upload.
    pub async fn move_live_session(
        &self,
        video_id: &str,
        upload_id: &str,
        from: &[&str],
        to: &str,
        yielded_offset: Option<i64>,
    ) -> Result<bool, sqlx::Error> {
        // At most a handful of states: the placeholders are numbered after the fixed ones.
        let states = (0..from.len()).map(|i| format!("${}", i + 6)).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "UPDATE live_sessions SET state = $3, yielded_offset = $4, updated_at = $5 \
             WHERE video_id = $1 AND upload_id = $2 AND state IN ({states})"
        );
        let mut query = sqlx::query(&sql).bind(video_id).bind(upload_id).bind(to).bind(yielded_offset).bind(now_ms());
        for state in from {
            query = query.bind(*state);
        }
        Ok(query.execute(&self.pool).await?.rows_affected() == 1)
    }
}
