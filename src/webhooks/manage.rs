//! What owners do with their workspace's hooks: register, list, delete, read deliveries.
//!
//! Authorization comes before validation: a caller who is not a member cannot tell the
//! workspace exists (404, whatever they sent); a member can, but may not touch its hooks
//! (403).

use super::guard::{self, TargetError};
use super::WebhookEvent;
use crate::db::{now_ms, Db, DeliveryRow, MemberRole, SessionUser, WebhookRow};
use crate::domain::{random_id, random_secret, ResourceId};

/// What can go wrong, in this service's words; `api/` maps these to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Unknown, or in a workspace the caller is not a member of.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for WebhookError {
    fn from(err: sqlx::Error) -> Self {
        WebhookError::Internal(err.into())
    }
}

type WebhookResult<T> = Result<T, WebhookError>;

/// Owners' management of their workspace's hooks.
#[derive(Clone)]
pub struct Webhooks {
    db: Db,
    allow_private_targets: bool,
}

/// Enough for any integration; a cap keeps one event from fanning out without bound.
pub const MAX_HOOKS_PER_WORKSPACE: i64 = 20;

/// A new hook, including the secret that is shown this once.
pub type CreatedWebhook = WebhookRow;

impl Webhooks {
    pub fn new(db: Db, allow_private_targets: bool) -> Webhooks {
        Webhooks { db, allow_private_targets }
    }

    pub async fn create(
        &self,
        user: &SessionUser,
        raw_workspace_id: &str,
        raw_url: &str,
        raw_events: &[String],
    ) -> WebhookResult<CreatedWebhook> {
        let workspace_id = self.owned_workspace(raw_workspace_id, user).await?;
        let url = guard::parse_url(raw_url).map_err(WebhookError::Invalid)?;
        let events = parse_events(raw_events)?;
        match guard::resolve(&url, self.allow_private_targets).await {
            Ok(_) => {}
            Err(err @ TargetError::Private { .. }) => return Err(WebhookError::Invalid(err.to_string())),
            // DNS may be down or not set up yet; every delivery checks the target again.
            Err(TargetError::Unresolvable { .. }) => {}
        }
        // Count-then-insert can overshoot by a concurrent registration or two; the cap is a
        // guard rail, not an invariant.
        if self.db.count_webhooks(&workspace_id).await? >= MAX_HOOKS_PER_WORKSPACE {
            return Err(WebhookError::Invalid(format!(
                "a workspace can have at most {MAX_HOOKS_PER_WORKSPACE} webhooks; delete one first"
            )));
        }
        let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
        let hook = WebhookRow {
            id: random_id(20),
            workspace_id,
            url: url.to_string(),
            secret: format!("whsec_{}", random_secret()),
            events: serde_json::to_string(&names).map_err(anyhow::Error::from)?,
            created_by: Some(user.id.clone()),
            created_at: now_ms(),
        };
        self.db.insert_webhook(&hook).await?;
        tracing::info!(webhook.id = %hook.id, workspace.id = %hook.workspace_id, "webhook registered");
        Ok(hook)
    }

    pub async fn list(&self, user: &SessionUser, raw_workspace_id: &str) -> WebhookResult<Vec<WebhookRow>> {
        let workspace_id = self.owned_workspace(raw_workspace_id, user).await?;
        Ok(self.db.webhooks_of(&workspace_id).await?)
    }

    pub async fn delete(&self, user: &SessionUser, raw_workspace_id: &str, raw_hook_id: &str) -> WebhookResult<()> {
        let workspace_id = self.owned_workspace(raw_workspace_id, user).await?;
        let hook_id = ResourceId::parse(raw_hook_id).ok_or(WebhookError::NotFound)?;
        if !self.db.delete_webhook(&workspace_id, hook_id.as_str()).await? {
            return Err(WebhookError::NotFound);
        }
        Ok(())
    }

    /// A hook's most recent deliveries, newest first.
    pub async fn deliveries(
        &self,
        user: &SessionUser,
        raw_workspace_id: &str,
        raw_hook_id: &str,
        limit: i64,
    ) -> WebhookResult<Vec<DeliveryRow>> {
        let workspace_id = self.owned_workspace(raw_workspace_id, user).await?;
        let hook_id = ResourceId::parse(raw_hook_id).ok_or(WebhookError::NotFound)?;
        let hook = self.db.webhook_in(&workspace_id, hook_id.as_str()).await?.ok_or(WebhookError::NotFound)?;
        Ok(self.db.recent_deliveries(&hook.id, limit).await?)
    }

    async fn owned_workspace(&self, raw_id: &str, user: &SessionUser) -> WebhookResult<String> {
        let id = ResourceId::parse(raw_id).ok_or(WebhookError::NotFound)?;
        match self.db.member_role(id.as_str(), &user.id).await? {
            Some(MemberRole::Owner) => Ok(id.as_str().to_string()),
            Some(MemberRole::Member) => {
                Err(WebhookError::Forbidden("only owners of the workspace manage its webhooks"))
            }
            None => Err(WebhookError::NotFound),
        }
    }
}

/// The event names a stored hook subscribes to.
pub fn events_of(hook: &WebhookRow) -> Vec<String> {
    serde_json::from_str(&hook.events).unwrap_or_default()
}

/// A non-empty set of known event names (duplicates collapse, order kept).
fn parse_events(raw: &[String]) -> WebhookResult<Vec<WebhookEvent>> {
    let known = || WebhookEvent::ALL.map(WebhookEvent::as_str).join(", ");
    if raw.is_empty() {
        return Err(WebhookError::Invalid(format!("events must list at least one of: {}", known())));
    }
    let mut events = Vec::new();
    for name in raw {
        let event = WebhookEvent::parse(name).ok_or_else(|| {
            let shown: String = name.chars().take(64).collect();
            WebhookError::Invalid(format!("unknown event {shown:?}; known events: {}", known()))
        })?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn events_must_be_known_and_non_empty() {
        assert!(parse_events(&[]).is_err());
        assert!(parse_events(&names(&["video.ready", "video.deleted"])).is_err());
        assert_eq!(
            parse_events(&names(&["reaction.created", "video.ready", "reaction.created"])).unwrap(),
            vec![WebhookEvent::ReactionCreated, WebhookEvent::VideoReady]
        );
    }
}
