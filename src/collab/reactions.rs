//! Emoji reactions on the timeline.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::{CollabError, CollabResult};
use super::people::Person;
use super::Collab;
use crate::db::{now_ms, NewReaction, ReactionRow, SessionUser};
use crate::domain::{decode_cursor, encode_cursor, iso8601, random_id, Emoji, ResourceId, TimestampMs};
use crate::events::{EventHub, EventKind};
use crate::videos::Watchable;
use crate::webhooks::WebhookEvent;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReactionView {
    pub id: String,
    pub video_id: String,
    pub emoji: String,
    pub timestamp_ms: i64,
    pub user: Person,
    pub created_at: String,
    /// Its moment was cut out by an edit: it now sits at the cut point.
    pub at_cut: bool,
}

impl ReactionView {
    fn from_row(row: ReactionRow) -> ReactionView {
        ReactionView {
            user: Person::new(row.user_id, row.user_name),
            created_at: iso8601(row.created_at),
            id: row.id,
            video_id: row.video_id,
            emoji: row.emoji,
            timestamp_ms: row.timestamp_ms,
            at_cut: row.at_cut != 0,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReactionPage {
    pub reactions: Vec<ReactionView>,
    /// Totals for the whole video, whatever page this is.
    pub counts: BTreeMap<String, i64>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize)]
struct ReactionRemoved<'a> {
    id: &'a str,
}

impl Collab {
    pub async fn react(
        &self,
        watchable: &Watchable,
        user: &SessionUser,
        emoji: Emoji,
        timestamp_ms: i64,
    ) -> CollabResult<ReactionView> {
        let video = watchable.video();
        self.limits.check_reaction(&user.id)?;
        let at = TimestampMs::parse(timestamp_ms, video.duration_ms).map_err(CollabError::invalid)?;
        let id = random_id(16);
        let created_at = now_ms();
        let view = ReactionView {
            id: id.clone(),
            video_id: video.id.clone(),
            emoji: emoji.as_str().to_string(),
            timestamp_ms: at.get(),
            user: Person::new(&user.id, &user.name),
            created_at: iso8601(created_at),
            at_cut: false,
        };
        let reaction = NewReaction {
            id: &id,
            video_id: &video.id,
            user_id: &user.id,
            emoji: emoji.as_str(),
            timestamp_ms: at.get(),
            source_ms: super::comments::source_moment(video, at.get()),
            created_at,
        };
        let event = EventHub::event(&video.id, EventKind::ReactionCreated, &view)?;
        let announced = self.db.insert_reaction(&reaction, &event).await?;
        self.events.fan_out(announced);
        self.notify_webhooks(video, WebhookEvent::ReactionCreated, &view).await;
        Ok(view)
    }

    pub async fn list_reactions(
        &self,
        watchable: &Watchable,
        cursor: Option<&str>,
        limit: i64,
    ) -> CollabResult<ReactionPage> {
        let video = watchable.video();
        let after = cursor.map(parse_cursor).transpose()?;
        let mut rows =
            self.db.reactions_page(&video.id, after.as_ref().map(|(ms, id)| (*ms, id.as_str())), limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(|r| encode_cursor(&[r.timestamp_ms], &r.id)) } else { None };
        let counts = self.db.reaction_counts(&video.id).await?.into_iter().collect();
        Ok(ReactionPage { reactions: rows.into_iter().map(ReactionView::from_row).collect(), counts, next_cursor })
    }

    /// Only your own reactions can be taken back.
    pub async fn unreact(&self, raw_id: &str, user: &SessionUser) -> CollabResult<()> {
        let id = ResourceId::parse(raw_id).ok_or(CollabError::NotFound)?;
        let reaction = self.db.reaction(id.as_str()).await?.ok_or(CollabError::NotFound)?;
        self.videos.watchable(&reaction.video_id, Some(user)).await?;
        if reaction.user_id != user.id {
            return Err(CollabError::Forbidden("only the person who reacted can remove a reaction"));
        }
        self.db.delete_reaction(&reaction.id).await?;
        self.events
            .publish_or_log(&reaction.video_id, EventKind::ReactionDeleted, &ReactionRemoved { id: &reaction.id })
            .await;
        Ok(())
    }
}

fn parse_cursor(raw: &str) -> CollabResult<(i64, String)> {
    match decode_cursor::<1>(raw) {
        Some(([timestamp_ms], id)) if ResourceId::parse(&id).is_some() => Ok((timestamp_ms, id)),
        _ => Err(CollabError::Malformed("cursor is malformed".into())),
    }
}
