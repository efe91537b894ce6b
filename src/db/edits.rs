//! The latest saved edit of each video, and placing comments and reactions on a newly
//! published timeline.

use sqlx::Row;

use super::transcripts::TranscriptLock;
use super::{now_ms, Db};
use crate::domain::{Placement, Timeline};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EditRow {
    pub video_id: String,
    pub version: i64,
    /// JSON `[{start_ms, end_ms}]` on the original timeline.
    pub keep_ranges: String,
    pub edited_by: String,
    pub edited_at: i64,
    pub failed_version: Option<i64>,
    pub error: Option<String>,
}

impl Db {
    pub async fn edit(&self, video_id: &str) -> Result<Option<EditRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT video_id, version, keep_ranges, edited_by, edited_at, failed_version, error \
             FROM video_edits WHERE video_id = $1",
        )
        .bind(video_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Save `keep_ranges` as version `expected + 1` if the saved version is still
    /// `expected` (0: none saved yet). `None`: someone saved in between.
    pub async fn save_edit(
        &self,
        video_id: &str,
        expected: i64,
        keep_ranges: &str,
        editor_id: &str,
    ) -> Result<Option<EditRow>, sqlx::Error> {
        let _turn = self.write_turn().await;
        let saved = if expected == 0 {
            sqlx::query(
                "INSERT INTO video_edits (video_id, version, keep_ranges, edited_by, edited_at) \
                 VALUES ($1, 1, $2, $3, $4) ON CONFLICT (video_id) DO NOTHING",
            )
            .bind(video_id)
            .bind(keep_ranges)
            .bind(editor_id)
            .bind(now_ms())
            .execute(&self.pool)
            .await?
        } else {
            sqlx::query(
                "UPDATE video_edits SET version = version + 1, keep_ranges = $2, edited_by = $3, edited_at = $4, \
                 failed_version = NULL, error = NULL WHERE video_id = $1 AND version = $5",
            )
            .bind(video_id)
            .bind(keep_ranges)
            .bind(editor_id)
            .bind(now_ms())
            .bind(expected)
            .execute(&self.pool)
            .await?
        };
        drop(_turn);
        if saved.rows_affected() == 0 {
            return Ok(None);
        }
        self.edit(video_id).await
    }

    /// The render of `version` failed for good; a newer save clears it.
    pub async fn fail_edit(&self, video_id: &str, version: i64, error: &str) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE video_edits SET failed_version = $2, error = $3 WHERE video_id = $1 AND version = $2")
            .bind(video_id)
            .bind(version)
            .bind(error)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl TranscriptLock {
    /// Place every timestamped comment and reaction of the video on `timeline` (`None`:
    /// the original again), from the moment each has on the original recording.
    pub async fn place_collab(&mut self, timeline: Option<&Timeline>) -> Result<(), sqlx::Error> {
        let video_id = self.video_id().to_string();
        for table in ["comments", "reactions"] {
            let rows = sqlx::query(&format!(
                "SELECT id, COALESCE(source_ms, timestamp_ms) AS source_ms FROM {table} \
                 WHERE video_id = $1 AND timestamp_ms IS NOT NULL"
            ))
            .bind(&video_id)
            .fetch_all(&mut **self.transaction())
            .await?;
            for row in rows {
                let (id, source_ms): (String, i64) = (row.try_get("id")?, row.try_get("source_ms")?);
                let placed = timeline.map_or(Placement::Kept(source_ms), |t| t.place(source_ms));
                // Comments order by sort_ms, which is their position.
                let sort = if table == "comments" { ", sort_ms = $2" } else { "" };
                sqlx::query(&format!(
                    "UPDATE {table} SET timestamp_ms = $2{sort}, source_ms = $3, at_cut = $4 WHERE id = $1"
                ))
                .bind(&id)
                .bind(placed.ms())
                .bind(source_ms)
                .bind(i64::from(placed.is_cut()))
                .execute(&mut **self.transaction())
                .await?;
            }
        }
        Ok(())
    }
}
