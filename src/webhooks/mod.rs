//! Outgoing webhooks.
//!
//! Policy: owners of a workspace register URLs for event types; nobody else can see that
//! a hook exists. Each event becomes one delivery row and one `deliver_webhook` job per
//! matching hook, so sending happens in the workers with the queue's retries and backoff,
//! never in the request that caused the event; the jobs have their own `deliveries` queue,
//! so they never wait behind video processing. Delivery is at least once: a receiver
//! de-duplicates by the delivery id, which every retry repeats along with the exact body.
//! Every attempt is recorded on the delivery so owners can see what their endpoint said.
//! Targets must be public addresses unless the operator allows private ones (`guard`).

mod delivery;
mod dispatch;
mod guard;
mod job;
mod manage;
pub mod signature;

use serde::Serialize;

pub use delivery::DeliveryOptions;
pub use dispatch::{deliver, enqueue_deliveries, give_up, DELIVERY_RETENTION_MS};
pub use guard::{is_public, MAX_URL_CHARS};
pub use job::{DeliverWebhook, DeliveryContext};
pub use manage::{events_of, CreatedWebhook, WebhookError, Webhooks, MAX_HOOKS_PER_WORKSPACE};

/// The events a hook can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum WebhookEvent {
    #[serde(rename = "video.ready")]
    VideoReady,
    #[serde(rename = "comment.created")]
    CommentCreated,
    #[serde(rename = "reaction.created")]
    ReactionCreated,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 3] =
        [WebhookEvent::VideoReady, WebhookEvent::CommentCreated, WebhookEvent::ReactionCreated];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::VideoReady => "video.ready",
            WebhookEvent::CommentCreated => "comment.created",
            WebhookEvent::ReactionCreated => "reaction.created",
        }
    }

    pub fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|event| event.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::WebhookEvent;

    #[test]
    fn event_names_round_trip() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
            assert_eq!(serde_json::to_value(event).unwrap(), event.as_str());
        }
        assert_eq!(WebhookEvent::parse("video.deleted"), None);
        assert_eq!(WebhookEvent::parse("VIDEO.READY"), None);
    }
}
