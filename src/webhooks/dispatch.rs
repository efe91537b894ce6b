//! From an event to deliveries, and from a `deliver_webhook` job to an HTTP attempt.

use anyhow::Context;
use serde::Serialize;

use super::delivery::{self, DeliveryOptions, Outgoing, SendError};
use super::job::DeliverWebhook;
use super::manage::events_of;
use super::WebhookEvent;
use crate::db::{now_ms, AttemptRecord, Db, DeliveryRow};
use crate::domain::{iso8601, random_id};
use crate::jobs::JobQueue;

/// Settled deliveries are kept this long, so the history owners see stays recent and small.
pub const DELIVERY_RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;

/// The JSON body of every delivery. Its bytes are stored once and sent unchanged on every
/// attempt, so the signature always covers exactly what the receiver gets.
#[derive(Serialize)]
struct Envelope<'a> {
    id: &'a str,
    event: &'a str,
    created_at: String,
    workspace_id: &'a str,
    data: &'a serde_json::Value,
}

/// Queue one delivery of `event` (one of [`WebhookEvent`]'s names) to each hook of the
/// workspace that subscribes to it. Cheap when the workspace has no hooks: one query.
pub async fn enqueue_deliveries(
    db: &Db,
    jobs: &JobQueue,
    workspace_id: &str,
    event: &str,
    data: serde_json::Value,
) -> anyhow::Result<()> {
    let event = WebhookEvent::parse(event).with_context(|| format!("{event:?} is not a webhook event"))?;
    let hooks = db.webhooks_of(workspace_id).await?;
    for hook in hooks.iter().filter(|hook| events_of(hook).iter().any(|name| name == event.as_str())) {
        let id = random_id(20);
        let created_at = now_ms();
        // Pruning here, per hook and through its index, needs no separate sweeper.
        db.prune_deliveries(&hook.id, created_at - DELIVERY_RETENTION_MS).await?;
        let envelope =
            Envelope { id: &id, event: event.as_str(), created_at: iso8601(created_at), workspace_id, data: &data };
        let delivery = DeliveryRow {
            payload: serde_json::to_string(&envelope)?,
            id,
            webhook_id: hook.id.clone(),
            event: event.as_str().to_string(),
            status: "pending".into(),
            attempts: 0,
            response_status: None,
            error: None,
            created_at,
            delivered_at: None,
        };
        db.insert_delivery(&delivery).await?;
        if let Err(err) = jobs.enqueue(&DeliverWebhook { delivery_id: delivery.id.clone() }).await {
            // Without a job nothing would ever settle the row; say so rather than leave it pending.
            let _ = db.fail_delivery(&delivery.id, "could not be queued for delivery").await;
            return Err(err.context("queueing a webhook delivery"));
        }
        tracing::debug!(webhook.id = %hook.id, delivery.id = %delivery.id, event = event.as_str(), "delivery queued");
    }
    Ok(())
}

/// Run one attempt of a delivery. `Err` means "try again later" (the job queue backs off);
/// a refused target fails the delivery at once, since retrying cannot change the answer.
pub async fn deliver(db: &Db, delivery_id: &str, options: &DeliveryOptions) -> anyhow::Result<()> {
    // Gone (its hook was deleted) or already settled (a duplicate run): nothing to send.
    let Some(delivery) = db.delivery(delivery_id).await? else { return Ok(()) };
    if delivery.status != "pending" {
        return Ok(());
    }
    let Some(hook) = db.webhook(&delivery.webhook_id).await? else { return Ok(()) };
    let outgoing = Outgoing {
        url: &hook.url,
        secret: &hook.secret,
        event: &delivery.event,
        delivery_id: &delivery.id,
        body: delivery.payload.as_bytes(),
    };
    let (status, response_status, error, retry) = match delivery::send(&outgoing, options).await {
        Ok(code) if (200..300).contains(&code) => ("delivered", Some(code), None, false),
        Ok(code) => ("pending", Some(code), Some(format!("the receiver answered HTTP {code}")), true),
        Err(SendError::Refused(reason)) => ("failed", None, Some(reason), false),
        Err(SendError::Failed(reason)) => ("pending", None, Some(reason), true),
    };
    let record = AttemptRecord {
        status,
        response_status: response_status.map(i64::from),
        error: error.as_deref(),
        delivered_at: (status == "delivered").then(now_ms),
    };
    db.record_delivery_attempt(&delivery.id, &record).await?;
    tracing::info!(
        delivery.id = %delivery.id, webhook.id = %hook.id, outcome = status,
        response_status = ?response_status, error = ?error, "webhook attempt"
    );
    if retry {
        anyhow::bail!("webhook delivery {}: {}", delivery.id, error.unwrap_or_default());
    }
    Ok(())
}

/// The queue gave up on a delivery's job: the delivery has failed for good.
pub async fn give_up(db: &Db, delivery_id: &str, reason: &str) {
    if let Err(err) = db.fail_delivery(delivery_id, reason).await {
        tracing::error!(delivery.id = %delivery_id, error = %err, "could not mark webhook delivery failed");
    }
}
