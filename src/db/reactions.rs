//! Emoji reactions pinned to a moment of a video.

use super::{Db, EventRow, NewEvent};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReactionRow {
    pub id: String,
    pub video_id: String,
    pub user_id: String,
    pub user_name: String,
    pub emoji: String,
    pub timestamp_ms: i64,
    pub created_at: i64,
    /// 1 when its moment was cut out by an edit (it sits at the cut point).
    pub at_cut: i64,
}

pub struct NewReaction<'a> {
    pub id: &'a str,
    pub video_id: &'a str,
    pub user_id: &'a str,
    pub emoji: &'a str,
    pub timestamp_ms: i64,
    /// The moment on the original recording, when the video plays an edit.
    pub source_ms: Option<i64>,
    pub created_at: i64,
}

const REACTION_COLUMNS: &str =
    "r.id, r.video_id, r.user_id, u.name AS user_name, r.emoji, r.timestamp_ms, r.created_at, r.at_cut";

impl Db {
    /// Store a reaction and its live-update event in one transaction.
    pub async fn insert_reaction(
        &self,
        reaction: &NewReaction<'_>,
        event: &NewEvent<'_>,
    ) -> Result<EventRow, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO reactions (id, video_id, user_id, emoji, timestamp_ms, created_at, source_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(reaction.id)
        .bind(reaction.video_id)
        .bind(reaction.user_id)
        .bind(reaction.emoji)
        .bind(reaction.timestamp_ms)
        .bind(reaction.created_at)
        .bind(reaction.source_ms)
        .execute(&mut *tx)
        .await?;
        let announced = self.append_event_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(announced)
    }

    pub async fn reaction(&self, id: &str) -> Result<Option<ReactionRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {REACTION_COLUMNS} FROM reactions r JOIN users u ON u.id = r.user_id WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// A page of reactions in timeline order, after `(timestamp_ms, id)`.
    pub async fn reactions_page(
        &self,
        video_id: &str,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> Result<Vec<ReactionRow>, sqlx::Error> {
        let (after_ms, after_id) = after.unwrap_or((i64::MIN, ""));
        sqlx::query_as(&format!(
            "SELECT {REACTION_COLUMNS} FROM reactions r JOIN users u ON u.id = r.user_id \
             WHERE r.video_id = $1 AND (r.timestamp_ms > $2 OR (r.timestamp_ms = $2 AND r.id > $3)) \
             ORDER BY r.timestamp_ms, r.id LIMIT $4"
        ))
        .bind(video_id)
        .bind(after_ms)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// How many of each emoji the whole video has.
    pub async fn reaction_counts(&self, video_id: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT emoji, COUNT(*) FROM reactions WHERE video_id = $1 GROUP BY emoji ORDER BY emoji")
            .bind(video_id)
            .fetch_all(&self.pool)
            .await
    }

    pub async fn delete_reaction(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM reactions WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}
