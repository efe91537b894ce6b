//! Timestamped comments with one level of replies.

use super::{now_ms, Db, EventRow, NewEvent};

/// General comments (no timestamp) sort after every timestamped one.
pub const GENERAL_SORT_MS: i64 = i64::MAX / 2;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRow {
    pub id: String,
    pub video_id: String,
    pub author_id: String,
    pub author_name: String,
    pub parent_id: Option<String>,
    pub body: String,
    pub timestamp_ms: Option<i64>,
    pub sort_ms: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    /// 1 when its moment was cut out by an edit (it sits at the cut point).
    pub at_cut: i64,
}

/// Where a page of top-level comments starts: just after this key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentCursor {
    pub sort_ms: i64,
    pub created_at: i64,
    pub id: String,
}

pub struct NewComment<'a> {
    pub id: &'a str,
    pub video_id: &'a str,
    pub author_id: &'a str,
    pub parent_id: Option<&'a str>,
    pub body: &'a str,
    pub timestamp_ms: Option<i64>,
    /// The moment on the original recording, when the video plays an edit.
    pub source_ms: Option<i64>,
    pub created_at: i64,
}

const COMMENT_COLUMNS: &str = "c.id, c.video_id, c.author_id, u.name AS author_name, c.parent_id, c.body, \
    c.timestamp_ms, c.sort_ms, c.created_at, c.edited_at, c.deleted_at, c.at_cut";

impl Db {
    /// Store a comment and its live-update event in one transaction.
    pub async fn insert_comment(&self, new: &NewComment<'_>, event: &NewEvent<'_>) -> Result<EventRow, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO comments (id, video_id, author_id, parent_id, body, timestamp_ms, sort_ms, created_at, \
             source_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new.id)
        .bind(new.video_id)
        .bind(new.author_id)
        .bind(new.parent_id)
        .bind(new.body)
        .bind(new.timestamp_ms)
        .bind(new.timestamp_ms.unwrap_or(GENERAL_SORT_MS))
        .bind(new.created_at)
        .bind(new.source_ms)
        .execute(&mut *tx)
        .await?;
        let announced = self.append_event_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(announced)
    }

    pub async fn comment(&self, id: &str) -> Result<Option<CommentRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// One page of top-level comments in timeline order, keyset-paginated so a video
    /// with tens of thousands of comments pages as fast as one with ten, together with
    /// the replies to that page (oldest first) in the same round trip.
    pub async fn comment_page(
        &self,
        video_id: &str,
        after: Option<&CommentCursor>,
        limit: i64,
    ) -> Result<(Vec<CommentRow>, Vec<CommentRow>), sqlx::Error> {
        let (sort_ms, created_at, id) = match after {
            Some(c) => (c.sort_ms, c.created_at, c.id.as_str()),
            None => (i64::MIN, i64::MIN, ""),
        };
        let rows: Vec<CommentRow> = sqlx::query_as(&format!(
            "WITH page AS (SELECT c.id FROM comments c WHERE c.video_id = $1 AND c.parent_id IS NULL \
             AND (c.sort_ms > $2 OR (c.sort_ms = $2 AND (c.created_at > $3 OR (c.created_at = $3 AND c.id > $4)))) \
             ORDER BY c.sort_ms, c.created_at, c.id LIMIT $5) \
             SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id \
             WHERE c.id IN (SELECT id FROM page) \
             UNION ALL \
             SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id \
             WHERE c.parent_id IN (SELECT id FROM page)"
        ))
        .bind(video_id)
        .bind(sort_ms)
        .bind(created_at)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let (mut top, mut replies): (Vec<_>, Vec<_>) = rows.into_iter().partition(|row| row.parent_id.is_none());
        top.sort_by(|a, b| (a.sort_ms, a.created_at, &a.id).cmp(&(b.sort_ms, b.created_at, &b.id)));
        replies.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok((top, replies))
    }

    /// Change a live comment's text and announce it, in one transaction. Earlier events
    /// of the comment in `scrub_kinds` are rewritten to the new payload, so a replay never
    /// shows an old version. `None` when the comment was deleted meanwhile.
    pub async fn edit_comment(
        &self,
        id: &str,
        body: &str,
        edited_at: i64,
        event: &NewEvent<'_>,
        scrub_kinds: &[&str],
    ) -> Result<Option<EventRow>, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL")
            .bind(body)
            .bind(edited_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        self.rewrite_subject_events_in(&mut tx, id, scrub_kinds, Some(&event.payload)).await?;
        let announced = self.append_event_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(Some(announced))
    }

    pub async fn reply_count(&self, parent_id: &str) -> Result<i64, sqlx::Error> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM comments WHERE parent_id = $1")
            .bind(parent_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Delete a comment (or, with `keep_placeholder`, blank it so its thread stays: the
    /// text is gone and leaves the search index) and announce it, in one transaction.
    /// Earlier events of the comment in `scrub_kinds` leave the replay log with it.
    pub async fn remove_comment(
        &self,
        id: &str,
        keep_placeholder: bool,
        event: &NewEvent<'_>,
        scrub_kinds: &[&str],
    ) -> Result<EventRow, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        if keep_placeholder {
            sqlx::query("UPDATE comments SET body = '', deleted_at = $1 WHERE id = $2")
                .bind(now_ms())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("DELETE FROM comments WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        self.rewrite_subject_events_in(&mut tx, id, scrub_kinds, None).await?;
        let announced = self.append_event_in(&mut tx, event).await?;
        tx.commit().await?;
        Ok(announced)
    }
}
