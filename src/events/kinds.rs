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

    /// Whether the event is about one comment or reaction (its payload's `id`).
    pub fn has_subject(self) -> bool {
        !matches!(self, EventKind::VideoUpdated)
    }

    /// The events whose payload shows a comment's text: what an edit rewrites and a
    /// deletion removes from the replay log.
    pub const COMMENT_TEXT: [EventKind; 2] = [EventKind::CommentCreated, EventKind::CommentUpdated];
}
