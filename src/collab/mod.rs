//! Collaboration around a video: comments, reactions and views. Every operation on a
//! video takes the [`Watchable`](crate::videos::Watchable) proof that the caller may see
//! it; these services decide what the caller may do with it, write it, and announce it
//! to live viewers.

mod comments;
mod error;
mod people;
mod rate_limit;
mod reactions;
mod views;

use serde::Serialize;

use crate::db::{Db, VideoRow};
use crate::events::EventHub;
use crate::jobs::JobQueue;
use crate::videos::Videos;
use crate::webhooks::{self, WebhookEvent};

pub use comments::{CommentInput, CommentPage, CommentRemoved, CommentView};
pub use error::{CollabError, CollabResult};
pub use people::Person;
pub use rate_limit::WriteLimits;
pub use reactions::{ReactionPage, ReactionView};
pub use views::{ViewRecorded, ViewerSummary};

#[derive(Clone)]
pub struct Collab {
    db: Db,
    events: EventHub,
    limits: WriteLimits,
    jobs: JobQueue,
    videos: Videos,
}

impl Collab {
    pub fn new(db: Db, events: EventHub, limits: WriteLimits, jobs: JobQueue, videos: Videos) -> Collab {
        Collab { db, events, limits, jobs, videos }
    }

    /// Queue the workspace's webhooks for `event`. What caused it is already saved, so
    /// trouble here is logged rather than failing the request.
    async fn notify_webhooks(&self, video: &VideoRow, event: WebhookEvent, data: &impl Serialize) {
        let queued = async {
            let data = serde_json::to_value(data)?;
            webhooks::enqueue_deliveries(&self.db, &self.jobs, &video.workspace_id, event.as_str(), data).await
        };
        if let Err(err) = queued.await {
            tracing::error!(video.id = %video.id, event = event.as_str(), error = ?err, "could not queue webhooks");
        }
    }
}
