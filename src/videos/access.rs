//! Who may do what with a video, and the proofs that the check was made.
//!
//! Policy, in one place:
//! - `Manage` (rename, change visibility, delete, upload): the video's creator while a
//!   member of its workspace, or any owner of the workspace.
//! - `Member`: any other member of the workspace; `View`: anyone at all for `unlisted`
//!   and `public` videos.
//! - Otherwise the video does not exist as far as the caller can tell (404, never 403).
//!
//! [`Watchable`] and [`Managed`] can only be made here, by the check itself; the
//! collaboration, media and upload services take them instead of a bare row, so a
//! handler cannot reach a video without having asked whether its caller may.

use std::collections::HashMap;

use crate::db::{MemberRole, SessionUser, VideoRow};
use crate::domain::Visibility;

use super::error::{VideoError, VideoResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    View,
    Member,
    Manage,
}

/// A video the caller may watch, with how far their access goes.
#[derive(Debug, Clone)]
pub struct Watchable {
    video: VideoRow,
    access: Access,
}

/// A video the caller may manage.
#[derive(Debug, Clone)]
pub struct Managed(Watchable);

impl Watchable {
    pub(super) fn new(video: VideoRow, access: Access) -> Watchable {
        Watchable { video, access }
    }

    pub fn video(&self) -> &VideoRow {
        &self.video
    }

    pub fn access(&self) -> Access {
        self.access
    }

    pub fn into_video(self) -> VideoRow {
        self.video
    }

    /// The caller may manage it: 403 otherwise (they can already see it exists).
    pub fn manage(self) -> VideoResult<Managed> {
        if self.access < Access::Manage {
            return Err(VideoError::NotManager);
        }
        Ok(Managed(self))
    }
}

impl Managed {
    pub fn video(&self) -> &VideoRow {
        &self.0.video
    }

    pub fn watchable(&self) -> &Watchable {
        &self.0
    }

    /// A video the caller just created is theirs to manage.
    pub(super) fn created(video: VideoRow) -> Managed {
        Managed(Watchable::new(video, Access::Manage))
    }
}

/// The policy itself, given the caller's role in the video's workspace.
pub fn access_with_role(video: &VideoRow, viewer: Option<&SessionUser>, role: Option<MemberRole>) -> Option<Access> {
    let is_creator = viewer.is_some_and(|user| user.id == video.owner_id);
    match role {
        Some(MemberRole::Owner) => Some(Access::Manage),
        Some(MemberRole::Member) if is_creator => Some(Access::Manage),
        Some(MemberRole::Member) => Some(Access::Member),
        None => match video.visibility {
            Visibility::Public | Visibility::Unlisted => Some(Access::View),
            Visibility::Private => None,
        },
    }
}

/// [`access_with_role`] for many videos, with the caller's roles looked up once.
pub fn access_given_roles(
    video: &VideoRow,
    viewer: Option<&SessionUser>,
    roles: &HashMap<String, MemberRole>,
) -> Option<Access> {
    access_with_role(video, viewer, roles.get(&video.workspace_id).copied())
}
