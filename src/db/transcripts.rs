//! A video's transcript rows: its search segments (indexed per language) and the
//! corrections managers made, changed under one lock per video.
//!
//! A correction and a newly made transcript both rewrite the stored transcript files
//! from what is in the database; [`Db::lock_transcript`] makes those rewrites take turns
//! (a row lock on the video on PostgreSQL, the write lock on SQLite), so two editors
//! saving at once both end up in the files.

use sqlx::{Any, Transaction};

use super::search::SegmentInput;
use super::{Backend, Db};
use crate::domain::postgres_config_of;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CorrectionRow {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
    pub edited_by: String,
    pub edited_at: i64,
}

/// Held while a video's transcript is rewritten; dropping it without
/// [`TranscriptLock::commit`] rolls the database side back.
pub struct TranscriptLock {
    tx: Transaction<'static, Any>,
    video_id: String,
    backend: Backend,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Db {
    /// Take the video's transcript lock; `None` when the video is gone.
    pub async fn lock_transcript(&self, video_id: &str) -> Result<Option<TranscriptLock>, sqlx::Error> {
        let turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // A write first: the row lock (PostgreSQL) or the write lock (SQLite) is held
        // from here to the commit.
        let touched = sqlx::query("UPDATE videos SET transcript_status = transcript_status WHERE id = $1")
            .bind(video_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if touched == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        Ok(Some(TranscriptLock { tx, video_id: video_id.to_string(), backend: self.backend, _turn: turn }))
    }

    /// Replace a video's search segments outside any lock (tests and re-indexing).
    pub async fn replace_transcript(
        &self,
        video_id: &str,
        language: &str,
        segments: &[SegmentInput],
    ) -> Result<(), sqlx::Error> {
        let Some(mut lock) = self.lock_transcript(video_id).await? else { return Ok(()) };
        lock.replace_segments(language, segments).await?;
        lock.commit().await
    }
}

impl TranscriptLock {
    pub async fn corrections(&mut self) -> Result<Vec<CorrectionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT start_ms, end_ms, text, edited_by, edited_at FROM transcript_corrections \
             WHERE video_id = $1 ORDER BY start_ms",
        )
        .bind(&self.video_id)
        .fetch_all(&mut *self.tx)
        .await
    }

    /// Record a correction of the segment that starts at `start_ms` (replacing an earlier
    /// one of the same segment).
    pub async fn save_correction(&mut self, correction: &CorrectionRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO transcript_corrections (video_id, start_ms, end_ms, text, edited_by, edited_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (video_id, start_ms) DO UPDATE SET \
             end_ms = excluded.end_ms, text = excluded.text, edited_by = excluded.edited_by, \
             edited_at = excluded.edited_at",
        )
        .bind(&self.video_id)
        .bind(correction.start_ms)
        .bind(correction.end_ms)
        .bind(&correction.text)
        .bind(&correction.edited_by)
        .bind(correction.edited_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Keep only these corrections (re-processing moved them onto the new segments).
    pub async fn replace_corrections(&mut self, corrections: &[CorrectionRow]) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM transcript_corrections WHERE video_id = $1")
            .bind(&self.video_id)
            .execute(&mut *self.tx)
            .await?;
        for correction in corrections {
            self.save_correction(correction).await?;
        }
        Ok(())
    }

    /// Replace the search segments; each is indexed for `language` (a Whisper code).
    pub async fn replace_segments(&mut self, language: &str, segments: &[SegmentInput]) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM transcript_segments WHERE video_id = $1")
            .bind(&self.video_id)
            .execute(&mut *self.tx)
            .await?;
        let (insert, tag) = match self.backend {
            Backend::Postgres => {
                let config = postgres_config_of(language);
                sqlx::query("INSERT INTO search_configs (config) VALUES ($1) ON CONFLICT (config) DO NOTHING")
                    .bind(config)
                    .execute(&mut *self.tx)
                    .await?;
                (
                    "INSERT INTO transcript_segments (video_id, start_ms, end_ms, text, ts_config) \
                     VALUES ($1, $2, $3, $4, $5::regconfig)",
                    config,
                )
            }
            Backend::Sqlite => (
                "INSERT INTO transcript_segments (video_id, start_ms, end_ms, text, language) VALUES ($1, $2, $3, $4, $5)",
                language,
            ),
        };
        for segment in segments {
            sqlx::query(insert)
                .bind(&self.video_id)
                .bind(segment.start_ms)
                .bind(segment.end_ms)
                .bind(&segment.text)
                .bind(tag)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// The lock's transaction, for changes that must land with the transcript's (an
    /// edit's video row).
    pub fn transaction(&mut self) -> &mut Transaction<'static, Any> {
        &mut self.tx
    }

    pub fn video_id(&self) -> &str {
        &self.video_id
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}
