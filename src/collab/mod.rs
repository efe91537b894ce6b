//! Collaboration around a video: comments, reactions, views, workspaces and invitations.
//! Handlers resolve *which* video the caller may see (crate::videos); these services decide
//! what the caller may do with it, write it, and announce it to live viewers.

mod comments;
mod people;
mod rate_limit;
mod reactions;
mod views;
mod workspaces;

use serde::Serialize;

use crate::db::{Db, VideoRow};
use crate::events::EventHub;
use crate::jobs::JobQueue;
use crate::webhooks::{self, WebhookEvent};

pub use comments::{CommentInput, CommentPage, CommentRemoved, CommentView};
pub use people::Person;
pub use rate_limit::WriteLimits;
pub use reactions::{ReactionPage, ReactionView};
pub use views::{ViewRecorded, ViewerSummary};
pub use workspaces::{CreatedInvite, InviteInput, InviteView, MemberView, WorkspaceView};

#[derive(Clone)]
pub struct Collab {
    db: Db,
    events: EventHub,
    limits: WriteLimits,
    jobs: JobQueue,
}

impl Collab {
    pub fn new(db: Db, events: EventHub, limits: WriteLimits, jobs: JobQueue) -> Collab {
        Collab { db, events, limits, jobs }
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
