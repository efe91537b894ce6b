//! Video rows: metadata, visibility and lifecycle status.
//!
//! Rows are parsed here, at the boundary: a status or visibility this version does not
//! know is a decode error, never a string handed on. The lifecycle columns change only
//! through [`Db::change_video`], which writes the change and its live event together.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::events::NewEvent;
use super::{now_ms, Db, EventRow};
use crate::domain::{TranscriptStatus, VideoStatus, Visibility};

#[derive(Debug, Clone)]
pub struct VideoRow {
    pub id: String,
    pub workspace_id: String,
    pub owner_id: String,
    pub title: String,
    pub visibility: Visibility,
    pub status: VideoStatus,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub original_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Why processing failed (shown to the owner only).
    pub error: Option<String>,
    pub duration_ms: Option<i64>,
    pub transcript_status: TranscriptStatus,
    pub has_seekable: bool,
    /// Events at or below this id are from before the video last became visible outside
    /// its workspace: they are never replayed to watchers who see it only through its
    /// visibility (a private title, a member's deleted remark...).
    pub visible_since_event: i64,
    /// The transcript's language (a Whisper code, "und" when nothing was heard), once
    /// one was made.
    pub language: Option<String>,
    /// What a manager asked for ("auto" or a code); `None` follows the workspace default.
    pub language_setting: Option<String>,
    /// An English translation caption track is wanted.
    pub translate: bool,
    pub translation_ready: bool,
    /// The published edit's version (0: never edited).
    pub edit_version: i64,
    /// The published edit's kept ranges (JSON `[{start_ms, end_ms}]`); `None` plays the original.
    pub kept_ranges: Option<String>,
    /// The unedited recording's length, once an edit was published (`duration_ms` is
    /// then the edited one).
    pub source_duration_ms: Option<i64>,
    /// Changes whenever a new version or poster is published; asset URLs carry it.
    pub media_revision: i64,
    /// The poster a manager chose: a moment of the original timeline, or an uploaded image.
    pub poster_ms: Option<i64>,
    pub poster_uploaded: bool,
}

fn column_error(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unknown value {value:?} in videos.{column}").into(),
    }
}

impl<'r> sqlx::FromRow<'r, AnyRow> for VideoRow {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        let text = |column: &str| row.try_get::<String, _>(column);
        let visibility = text("visibility")?;
        let status = text("status")?;
        let transcript_status = text("transcript_status")?;
        Ok(VideoRow {
            id: text("id")?,
            workspace_id: text("workspace_id")?,
            owner_id: text("owner_id")?,
            title: text("title")?,
            visibility: Visibility::parse(&visibility).ok_or_else(|| column_error("visibility", &visibility))?,
            status: VideoStatus::parse(&status).ok_or_else(|| column_error("status", &status))?,
            content_type: row.try_get("content_type")?,
            size_bytes: row.try_get("size_bytes")?,
            original_key: row.try_get("original_key")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            error: row.try_get("error")?,
            duration_ms: row.try_get("duration_ms")?,
            transcript_status: TranscriptStatus::parse(&transcript_status)
                .ok_or_else(|| column_error("transcript_status", &transcript_status))?,
            has_seekable: row.try_get::<i64, _>("has_seekable")? != 0,
            visible_since_event: row.try_get("visible_since_event")?,
            language: row.try_get("language")?,
            language_setting: row.try_get("language_setting")?,
            translate: row.try_get::<i64, _>("translate")? != 0,
            translation_ready: row.try_get::<i64, _>("translation_ready")? != 0,
            edit_version: row.try_get("edit_version")?,
            kept_ranges: row.try_get("kept_ranges")?,
            source_duration_ms: row.try_get("source_duration_ms")?,
            media_revision: row.try_get("media_revision")?,
            poster_ms: row.try_get("poster_ms")?,
            poster_uploaded: row.try_get::<i64, _>("poster_uploaded")? != 0,
        })
    }
}

/// The columns one change writes; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct VideoChange {
    pub status: Option<VideoStatus>,
    pub transcript_status: Option<TranscriptStatus>,
    /// A failure of the whole video also fails a transcript that had not finished.
    pub fail_unfinished_transcript: bool,
    pub original: Option<(String, i64, String)>,
    pub duration_ms: Option<i64>,
    pub has_seekable: Option<bool>,
    /// `Some(None)` clears it.
    pub error: Option<Option<String>>,
    pub details: Option<(String, Visibility)>,
    /// `Some(None)` clears it.
    pub language: Option<Option<String>>,
    /// (language_setting, translate).
    pub language_request: Option<(Option<String>, bool)>,
    pub translation_ready: Option<bool>,
    /// (edit_version, kept_ranges JSON or `None` for the original, duration_ms).
    pub published_edit: Option<(i64, Option<String>, i64)>,
    /// (poster_ms, poster_uploaded).
    pub poster: Option<(Option<i64>, bool)>,
    /// A new version or poster: the asset URLs change.
    pub bump_revision: bool,
}

/// Which rows a change may apply to: the states it is allowed from.
#[derive(Debug, Clone, Copy)]
pub struct ChangeGuard<'a> {
    pub from: &'a [VideoStatus],
    pub transcript_from: Option<&'a [TranscriptStatus]>,
}

const VIDEO_COLUMNS: &str = "v.id, v.workspace_id, v.owner_id, v.title, v.visibility, v.status, \
    v.content_type, v.size_bytes, v.original_key, v.created_at, v.updated_at, v.error, v.duration_ms, \
    v.transcript_status, v.has_seekable, v.visible_since_event, v.language, v.language_setting, v.translate, \
    v.translation_ready, v.edit_version, v.kept_ranges, v.source_duration_ms, v.media_revision, v.poster_ms, v.poster_uploaded";

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
        .bind(video.visibility.as_str())
        .bind(video.status.as_str())
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

    /// Apply `change` to the video if it is in a state `guard` allows, and record the
    /// event `announce` makes of the changed row (if it makes one), in one transaction: watchers never see
    /// a state that was not stored, and no state is stored unannounced. The guarded
    /// UPDATE comes first, so the transaction writes from its first statement (SQLite
    /// never has to upgrade a read) and two racing changes cannot both pass the guard.
    /// `Ok(None)` when the video is gone or not in an allowed state.
    pub async fn change_video<F>(
        &self,
        id: &str,
        guard: ChangeGuard<'_>,
        change: &VideoChange,
        announce: F,
    ) -> anyhow::Result<Option<(VideoRow, Option<EventRow>)>>
    where
        F: for<'r> FnOnce(&'r VideoRow) -> anyhow::Result<Option<NewEvent<'r>>>,
    {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let changed = self.change_video_in(&mut tx, id, guard, change, announce).await?;
        if changed.is_some() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(changed)
    }

    /// [`Db::change_video`] inside a transaction the caller holds (a transcript lock's:
    /// an edit's index and its video row change together); the caller commits.
    pub async fn change_video_in<F>(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: &str,
        guard: ChangeGuard<'_>,
        change: &VideoChange,
        announce: F,
    ) -> anyhow::Result<Option<(VideoRow, Option<EventRow>)>>
    where
        F: for<'r> FnOnce(&'r VideoRow) -> anyhow::Result<Option<NewEvent<'r>>>,
    {
        let (sql, binds) = change_sql(guard, change);
        let mut query = sqlx::query(&sql).bind(id).bind(now_ms());
        for bind in binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::MaybeText(text) => query.bind(text),
                Bind::Int(n) => query.bind(n),
            };
        }
        if query.execute(&mut **tx).await?.rows_affected() == 0 {
            return Ok(None);
        }
        let row: VideoRow = sqlx::query_as(&format!("SELECT {VIDEO_COLUMNS} FROM videos v WHERE v.id = $1"))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        let event = match announce(&row)? {
            Some(event) => Some(self.append_event_in(tx, &event).await?),
            None => None,
        };
        Ok(Some((row, event)))
    }

    pub async fn delete_video(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM videos WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}

enum Bind {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
}

/// `UPDATE videos SET ... WHERE id = $1 AND status IN (...)`, with `$2` the time.
fn change_sql(guard: ChangeGuard<'_>, change: &VideoChange) -> (String, Vec<Bind>) {
    let mut sets = vec!["updated_at = $2".to_string()];
    // Assignments without a bound value, added after the bound ones.
    let mut computed: Vec<&str> = Vec::new();
    let mut binds = Vec::new();
    let mut set = |column: &str, bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        sets.push(format!("{column} = ${}", binds.len() + 2));
    };
    if let Some(status) = change.status {
        set("status", Bind::Text(status.as_str().into()), &mut binds);
    }
    if let Some(status) = change.transcript_status {
        set("transcript_status", Bind::Text(status.as_str().into()), &mut binds);
    }
    if let Some((key, size, content_type)) = &change.original {
        set("original_key", Bind::Text(key.clone()), &mut binds);
        set("size_bytes", Bind::Int(*size), &mut binds);
        set("content_type", Bind::Text(content_type.clone()), &mut binds);
    }
    if let Some(duration_ms) = change.duration_ms {
        set("duration_ms", Bind::Int(duration_ms), &mut binds);
    }
    if let Some(seekable) = change.has_seekable {
        set("has_seekable", Bind::Int(i64::from(seekable)), &mut binds);
    }
    if let Some((title, visibility)) = &change.details {
        set("title", Bind::Text(title.clone()), &mut binds);
        set("visibility", Bind::Text(visibility.as_str().into()), &mut binds);
    }
    if let Some(language) = &change.language {
        set("language", Bind::MaybeText(language.clone()), &mut binds);
    }
    if let Some((setting, translate)) = &change.language_request {
        set("language_setting", Bind::MaybeText(setting.clone()), &mut binds);
        set("translate", Bind::Int(i64::from(*translate)), &mut binds);
    }
    if let Some(ready) = change.translation_ready {
        set("translation_ready", Bind::Int(i64::from(ready)), &mut binds);
    }
    if let Some((version, kept, duration_ms)) = &change.published_edit {
        // SET reads the old values: the first edit keeps the unedited length.
        computed.push("source_duration_ms = COALESCE(source_duration_ms, duration_ms)");
        set("edit_version", Bind::Int(*version), &mut binds);
        set("kept_ranges", Bind::MaybeText(kept.clone()), &mut binds);
        set("duration_ms", Bind::Int(*duration_ms), &mut binds);
    }
    if let Some((poster_ms, uploaded)) = change.poster {
        match poster_ms {
            Some(ms) => set("poster_ms", Bind::Int(ms), &mut binds),
            None => computed.push("poster_ms = NULL"),
        }
        set("poster_uploaded", Bind::Int(i64::from(uploaded)), &mut binds);
    }
    if change.bump_revision {
        computed.push("media_revision = media_revision + 1");
    }
    match &change.error {
        Some(Some(error)) => set("error", Bind::Text(error.clone()), &mut binds),
        Some(None) => sets.push("error = NULL".into()),
        None => {}
    }
    sets.extend(computed.into_iter().map(String::from));
    if change.details.as_ref().is_some_and(|(_, visibility)| *visibility != Visibility::Private) {
        // In SET, `visibility` is still the old value: a private video becoming visible
        // starts its outsiders' replay after every event recorded so far (this change's
        // own event comes next, so it is replayed).
        sets.push(
            "visible_since_event = CASE WHEN visibility = 'private' \
             THEN (SELECT COALESCE(MAX(id), 0) FROM video_events) ELSE visible_since_event END"
                .into(),
        );
    }
    if change.fail_unfinished_transcript {
        sets.push(
            "transcript_status = CASE WHEN transcript_status IN ('pending', 'processing') THEN 'failed' \
             ELSE transcript_status END"
                .into(),
        );
    }
    // The guard's states are this program's own constants, never input: inlined.
    let quoted = |names: Vec<&str>| names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ");
    let mut sql = format!(
        "UPDATE videos SET {} WHERE id = $1 AND status IN ({})",
        sets.join(", "),
        quoted(guard.from.iter().map(|s| s.as_str()).collect())
    );
    if let Some(transcript_from) = guard.transcript_from {
        sql.push_str(&format!(
            " AND transcript_status IN ({})",
            quoted(transcript_from.iter().map(|s| s.as_str()).collect())
        ));
    }
    (sql, binds)
}
