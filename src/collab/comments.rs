//! Comments: posting, threading (one level), editing, deleting, timeline-ordered paging.

use std::collections::HashMap;

use serde::Serialize;

use super::error::{CollabError, CollabResult};
use super::people::Person;
use super::Collab;
use crate::db::{now_ms, CommentCursor, CommentRow, NewComment, SessionUser, VideoRow};
use crate::domain::{decode_cursor, encode_cursor, iso8601, random_id, CommentBody, ResourceId, TimestampMs};
use crate::events::{EventHub, EventKind};
use crate::videos::{published_timeline, Access, Watchable};
use crate::webhooks::WebhookEvent;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: String,
    pub video_id: String,
    pub author: Person,
    pub body: String,
    pub timestamp_ms: Option<i64>,
    pub parent_id: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    /// A deleted comment that still has replies stays as an empty placeholder.
    pub deleted: bool,
    /// Its moment was cut out by an edit: it now sits at the cut point.
    pub at_cut: bool,
    /// Present on top-level comments in listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub replies: Option<Vec<CommentView>>,
}

impl CommentView {
    fn from_row(row: CommentRow) -> CommentView {
        CommentView {
            author: Person::new(row.author_id, row.author_name),
            deleted: row.deleted_at.is_some(),
            at_cut: row.at_cut != 0,
            created_at: iso8601(row.created_at),
            edited_at: row.edited_at.map(iso8601),
            id: row.id,
            video_id: row.video_id,
            body: row.body,
            timestamp_ms: row.timestamp_ms,
            parent_id: row.parent_id,
            replies: None,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommentPage {
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

/// What `comment.deleted` carries: enough for a client to drop or blank the comment.
#[derive(Debug, Serialize)]
pub struct CommentRemoved {
    pub id: String,
    pub parent_id: Option<String>,
    /// True when the comment stays as a "deleted" placeholder because it has replies.
    pub placeholder: bool,
}

pub struct CommentInput {
    pub body: CommentBody,
    pub timestamp_ms: Option<i64>,
    pub parent_id: Option<String>,
}

/// The moment of the original recording that `ms` of the playing version shows, when an
/// edit plays (so later edits and a revert place the comment again from it).
pub(super) fn source_moment(video: &VideoRow, ms: i64) -> Option<i64> {
    published_timeline(video).map(|timeline| timeline.original_of(ms))
}

impl Collab {
    pub async fn post_comment(
        &self,
        watchable: &Watchable,
        author: &SessionUser,
        input: CommentInput,
    ) -> CollabResult<CommentView> {
        let video = watchable.video();
        self.limits.check_comment(&author.id)?;
        let timestamp_ms = input
            .timestamp_ms
            .map(|t| TimestampMs::parse(t, video.duration_ms).map(TimestampMs::get))
            .transpose()
            .map_err(CollabError::invalid)?;
        let parent_id = match input.parent_id {
            Some(raw) => Some(self.reply_target(video, &raw).await?),
            None => None,
        };
        let id = random_id(16);
        let created_at = now_ms();
        let view = CommentView {
            id: id.clone(),
            video_id: video.id.clone(),
            author: Person::new(&author.id, &author.name),
            body: input.body.as_str().to_string(),
            timestamp_ms,
            parent_id: parent_id.clone(),
            created_at: iso8601(created_at),
            edited_at: None,
            deleted: false,
            at_cut: false,
            replies: None,
        };
        let comment = NewComment {
            id: &id,
            video_id: &video.id,
            author_id: &author.id,
            parent_id: parent_id.as_deref(),
            body: input.body.as_str(),
            timestamp_ms,
            source_ms: timestamp_ms.and_then(|ms| source_moment(video, ms)),
            created_at,
        };
        let event = EventHub::event(&video.id, EventKind::CommentCreated, &view)?;
        let announced = self.db.insert_comment(&comment, &event).await?;
        self.events.fan_out(announced);
        self.notify_webhooks(video, WebhookEvent::CommentCreated, &view).await;
        Ok(view)
    }

    /// A reply goes under a live top-level comment of the same video.
    async fn reply_target(&self, video: &VideoRow, raw_parent: &str) -> CollabResult<String> {
        let not_a_parent = || CollabError::invalid("parent_id must name a comment of this video");
        let id = ResourceId::parse(raw_parent).ok_or_else(not_a_parent)?;
        let parent = self.db.comment(id.as_str()).await?.filter(|p| p.video_id == video.id).ok_or_else(not_a_parent)?;
        if parent.parent_id.is_some() {
            return Err(CollabError::invalid("replies are one level deep: reply to the top-level comment"));
        }
        if parent.deleted_at.is_some() {
            return Err(CollabError::invalid("that comment was deleted"));
        }
        Ok(parent.id)
    }

    pub async fn list_comments(
        &self,
        watchable: &Watchable,
        cursor: Option<&str>,
        limit: i64,
    ) -> CollabResult<CommentPage> {
        let video = watchable.video();
        let after = cursor.map(parse_cursor).transpose()?;
        let (mut rows, replies) = self.db.comment_page(&video.id, after.as_ref(), limit + 1).await?;
        // The extra row only says another page exists; its replies (fetched along) are
        // dropped below with it, as they belong to no comment of this page.
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(cursor_after) } else { None };
        // Replies arrive oldest first; grouping keeps that order under each parent.
        let mut by_parent: HashMap<String, Vec<CommentView>> = HashMap::new();
        for reply in replies {
            let parent = reply.parent_id.clone().unwrap_or_default();
            by_parent.entry(parent).or_default().push(CommentView::from_row(reply));
        }
        let comments = rows
            .into_iter()
            .map(|row| {
                let mut view = CommentView::from_row(row);
                view.replies = Some(by_parent.remove(&view.id).unwrap_or_default());
                view
            })
            .collect();
        Ok(CommentPage { comments, next_cursor })
    }

    pub async fn edit_comment(&self, raw_id: &str, user: &SessionUser, body: CommentBody) -> CollabResult<CommentView> {
        let (comment, _) = self.visible_comment(raw_id, user).await?;
        if comment.author_id != user.id {
            return Err(CollabError::Forbidden("only the comment's author can edit it"));
        }
        if comment.deleted_at.is_some() {
            return Err(CollabError::Conflict("this comment was deleted".into()));
        }
        let edited_at = now_ms();
        let view = CommentView::from_row(CommentRow {
            body: body.as_str().to_string(),
            edited_at: Some(edited_at),
            ..comment
        });
        let event = EventHub::event(&view.video_id, EventKind::CommentUpdated, &view)?;
        let announced = self
            .db
            .edit_comment(&view.id, body.as_str(), edited_at, &event, &comment_text_kinds())
            .await?
            .ok_or_else(|| CollabError::Conflict("this comment was deleted".into()))?;
        self.events.fan_out(announced);
        Ok(view)
    }

    /// The author, or whoever manages the video (its creator, the workspace's owners).
    pub async fn delete_comment(&self, raw_id: &str, user: &SessionUser) -> CollabResult<()> {
        let (comment, access) = self.visible_comment(raw_id, user).await?;
        if comment.author_id != user.id && access < Access::Manage {
            return Err(CollabError::Forbidden("only the author or the video's owner can delete this comment"));
        }
        if comment.deleted_at.is_some() {
            return Err(CollabError::NotFound);
        }
        let keeps_thread = comment.parent_id.is_none() && self.db.reply_count(&comment.id).await? > 0;
        let removed =
            CommentRemoved { id: comment.id.clone(), parent_id: comment.parent_id.clone(), placeholder: keeps_thread };
        self.announce_removal(&comment.video_id, &removed).await?;
        if let Some(parent_id) = &comment.parent_id {
            self.drop_empty_placeholder(&comment.video_id, parent_id).await?;
        }
        Ok(())
    }

    /// A placeholder whose last reply went away has nothing left to hold together.
    async fn drop_empty_placeholder(&self, video_id: &str, parent_id: &str) -> CollabResult<()> {
        let Some(parent) = self.db.comment(parent_id).await? else { return Ok(()) };
        if parent.deleted_at.is_some() && self.db.reply_count(parent_id).await? == 0 {
            let removed = CommentRemoved { id: parent.id, parent_id: None, placeholder: false };
            self.announce_removal(video_id, &removed).await?;
        }
        Ok(())
    }

    /// Remove (or blank) the comment and announce it; its text leaves the replay log too,
    /// so nobody reconnecting later is shown what its author took back.
    async fn announce_removal(&self, video_id: &str, removed: &CommentRemoved) -> CollabResult<()> {
        let event = EventHub::event(video_id, EventKind::CommentDeleted, removed)?;
        let announced = self.db.remove_comment(&removed.id, removed.placeholder, &event, &comment_text_kinds()).await?;
        self.events.fan_out(announced);
        Ok(())
    }

    /// A comment on a video the caller may see; otherwise 404, exactly like a made-up id.
    async fn visible_comment(&self, raw_id: &str, user: &SessionUser) -> CollabResult<(CommentRow, Access)> {
        let id = ResourceId::parse(raw_id).ok_or(CollabError::NotFound)?;
        let comment = self.db.comment(id.as_str()).await?.ok_or(CollabError::NotFound)?;
        let access = self.videos.watchable(&comment.video_id, Some(user)).await?.access();
        Ok((comment, access))
    }
}

fn comment_text_kinds() -> [&'static str; 2] {
    EventKind::COMMENT_TEXT.map(EventKind::as_str)
}

fn cursor_after(row: &CommentRow) -> String {
    encode_cursor(&[row.sort_ms, row.created_at], &row.id)
}

fn parse_cursor(raw: &str) -> CollabResult<CommentCursor> {
    match decode_cursor::<2>(raw) {
        Some(([sort_ms, created_at], id)) if ResourceId::parse(&id).is_some() => {
            Ok(CommentCursor { sort_ms, created_at, id })
        }
        _ => Err(CollabError::Malformed("cursor is malformed".into())),
    }
}
