//! Views and "seen by": how far each viewer got.

use serde::Serialize;

use super::error::{CollabError, CollabResult};
use super::people::Person;
use super::Collab;
use crate::db::SessionUser;
use crate::domain::{iso8601, random_id};
use crate::videos::{Access, Watchable};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ViewRecorded {
    /// Anonymous viewers keep sending this back so repeat visits count once.
    pub viewer_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ViewerSummary {
    pub view_count: i64,
    pub anonymous_count: i64,
    pub viewers: Vec<NamedViewer>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NamedViewer {
    pub user: Person,
    pub watched_ms: i64,
    pub completion_percent: Option<i64>,
    pub last_seen_at: String,
}

impl Collab {
    /// Record how far someone got. Positions past the end count as the end.
    pub async fn record_view(
        &self,
        watchable: &Watchable,
        viewer: Option<&SessionUser>,
        watched_ms: i64,
        anonymous_id: Option<String>,
    ) -> CollabResult<ViewRecorded> {
        let video = watchable.video();
        if watched_ms < 0 {
            return Err(CollabError::invalid("watched_ms must not be negative"));
        }
        let watched_ms = match video.duration_ms {
            Some(duration) if duration > 0 => watched_ms.min(duration),
            _ => watched_ms.min(24 * 3600 * 1000),
        };
        let (key, user_id, viewer_id) = match viewer {
            Some(user) => (format!("u:{}", user.id), Some(user.id.as_str()), None),
            None => {
                let id = match anonymous_id {
                    Some(id) if is_viewer_id(&id) => id,
                    Some(_) => return Err(CollabError::invalid("viewer_id must be 8 to 64 letters, digits, - or _")),
                    None => random_id(20),
                };
                (format!("a:{id}"), None, Some(id))
            }
        };
        self.db.record_view(&video.id, &key, user_id, watched_ms).await?;
        Ok(ViewRecorded { viewer_id })
    }

    /// Workspace members see who watched; the video's creator is not counted as a viewer.
    pub async fn viewers(&self, watchable: &Watchable) -> CollabResult<ViewerSummary> {
        let video = watchable.video();
        if watchable.access() < Access::Member {
            return Err(CollabError::Forbidden("only members of the video's workspace can see who watched"));
        }
        let (view_count, anonymous_count) = self.db.view_counts(&video.id, &video.owner_id).await?;
        let viewers = self
            .db
            .named_viewers(&video.id, &video.owner_id)
            .await?
            .into_iter()
            .map(|row| NamedViewer {
                completion_percent: video
                    .duration_ms
                    .filter(|d| *d > 0)
                    .map(|d| (row.watched_ms.saturating_mul(100) / d).clamp(0, 100)),
                user: Person::new(row.user_id, row.user_name),
                watched_ms: row.watched_ms,
                last_seen_at: iso8601(row.updated_at),
            })
            .collect();
        Ok(ViewerSummary { view_count, anonymous_count, viewers })
    }
}

fn is_viewer_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
