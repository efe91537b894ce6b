//! The event names clients see in the SSE `event:` field.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    CommentCreated,
    CommentUpdated,
    CommentDeleted,
    ReactionCreated,
    ReactionDeleted,
    VideoUpdated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::CommentCreated => "comment.created",
            EventKind::CommentUpdated => "comment.updated",
            EventKind::CommentDeleted => "comment.deleted",
            EventKind::ReactionCreated => "reaction.created",
            EventKind::ReactionDeleted => "reaction.deleted",
            EventKind::VideoUpdated => "video.updated",
        }
    }
}
