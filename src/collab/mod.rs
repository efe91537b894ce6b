//! Collaboration around a video: comments, reactions, views, workspaces and invitations.
//! Handlers resolve *which* video the caller may see (crate::videos); these services decide
//! what the caller may do with it, write it, and announce it to live viewers.

mod comments;
mod people;
mod rate_limit;
mod reactions;
mod views;
mod workspaces;

use crate::db::Db;
use crate::events::EventHub;

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
}

impl Collab {
    pub fn new(db: Db, events: EventHub, limits: WriteLimits) -> Collab {
        Collab { db, events, limits }
    }
}
