//! What owners do with their workspace's hooks: register, list, delete, read deliveries.
//!
//! Authorization comes before validation: a caller who is not a member cannot tell the
//! workspace exists (404, whatever they sent); a member can, but may not touch its hooks
//! (403).

use super::guard::{self, TargetError};
use super::WebhookEvent;
use crate::db::{now_ms, Db, DeliveryRow, MemberRole, SessionUser, WebhookRow};
use crate::domain::{random_id, random_secret, ResourceId};
use crate::error::{AppError, AppResult};

/// Enough for any integration; a cap keeps one event from fanning out without bound.
pub const MAX_HOOKS_PER_WORKSPACE: i64 = 20;

/// A new hook, including the secret that is shown this once.
pub type CreatedWebhook = WebhookRow;

pub async fn create(
    db: &Db,
    user: &SessionUser,
    raw_workspace_id: &str,
    raw_url: &str,
    raw_events: &[String],
    allow_private_targets: bool,
) -> AppResult<CreatedWebhook> {
    let workspace_id = owned_workspace(db, raw_workspace_id, user).await?;
    let url = guard::parse_url(raw_url).map_err(AppError::Validation)?;
    let events = parse_events(raw_events)?;
    match guard::resolve(&url, allow_private_targets).await {
        Ok(_) => {}
        Err(err @ TargetError::Private { .. }) => return Err(AppError::validation(err.to_string())),
        // DNS may be down or not set up yet; every delivery checks the target again.
        Err(TargetError::Unresolvable { .. }) => {}
    }
    // Count-then-insert can overshoot by a concurrent registration or two; the cap is a
    // guard rail, not an invariant.
    if db.count_webhooks(&workspace_id).await? >= MAX_HOOKS_PER_WORKSPACE {
        return Err(AppError::validation(format!(
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
    db.insert_webhook(&hook).await?;
    tracing::info!(webhook.id = %hook.id, workspace.id = %hook.workspace_id, "webhook registered");
    Ok(hook)
}

pub async fn list(db: &Db, user: &SessionUser, raw_workspace_id: &str) -> AppResult<Vec<WebhookRow>> {
    let workspace_id = owned_workspace(db, raw_workspace_id, user).await?;
    Ok(db.webhooks_of(&workspace_id).await?)
}

pub async fn delete(db: &Db, user: &SessionUser, raw_workspace_id: &str, raw_hook_id: &str) -> AppResult<()> {
    let workspace_id = owned_workspace(db, raw_workspace_id, user).await?;
    let hook_id = ResourceId::parse(raw_hook_id).ok_or(AppError::NotFound)?;
    if !db.delete_webhook(&workspace_id, hook_id.as_str()).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A hook's most recent deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    user: &SessionUser,
    raw_workspace_id: &str,
    raw_hook_id: &str,
    limit: i64,
) -> AppResult<Vec<DeliveryRow>> {
    let workspace_id = owned_workspace(db, raw_workspace_id, user).await?;
    let hook_id = ResourceId::parse(raw_hook_id).ok_or(AppError::NotFound)?;
    let hook = db.webhook_in(&workspace_id, hook_id.as_str()).await?.ok_or(AppError::NotFound)?;
    Ok(db.recent_deliveries(&hook.id, limit).await?)
}

/// The event names a stored hook subscribes to.
pub fn events_of(hook: &WebhookRow) -> Vec<String> {
    serde_json::from_str(&hook.events).unwrap_or_default()
}

async fn owned_workspace(db: &Db, raw_id: &str, user: &SessionUser) -> AppResult<String> {
    let id = ResourceId::parse(raw_id).ok_or(AppError::NotFound)?;
    match db.member_role(id.as_str(), &user.id).await? {
        Some(MemberRole::Owner) => Ok(id.as_str().to_string()),
        Some(MemberRole::Member) => Err(AppError::Forbidden("only owners of the workspace manage its webhooks")),
        None => Err(AppError::NotFound),
    }
}

/// A non-empty set of known event names (duplicates collapse, order kept).
fn parse_events(raw: &[String]) -> AppResult<Vec<WebhookEvent>> {
    let known = || WebhookEvent::ALL.map(WebhookEvent::as_str).join(", ");
    if raw.is_empty() {
        return Err(AppError::validation(format!("events must list at least one of: {}", known())));
    }
    let mut events = Vec::new();
    for name in raw {
        let event = WebhookEvent::parse(name).ok_or_else(|| {
            let shown: String = name.chars().take(64).collect();
            AppError::validation(format!("unknown event {shown:?}; known events: {}", known()))
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
