//! Webhooks and their deliveries. Every lookup of a hook is scoped by its workspace, so an
//! id from another workspace simply is not found.

use super::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub secret: String,
    /// JSON array of event names.
    pub events: String,
    pub created_by: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// What one delivery attempt came to.
#[derive(Debug, Clone)]
pub struct AttemptRecord<'a> {
    /// `pending` (will be retried), `delivered` or `failed`.
    pub status: &'a str,
    pub response_status: Option<i64>,
    pub error: Option<&'a str>,
    pub delivered_at: Option<i64>,
}

const WEBHOOK_COLUMNS: &str = "id, workspace_id, url, secret, events, created_by, created_at";
const DELIVERY_COLUMNS: &str =
    "id, webhook_id, event, payload, status, attempts, response_status, error, created_at, delivered_at";

impl Db {
    pub async fn insert_webhook(&self, hook: &WebhookRow) -> Result<(), sqlx::Error> {
        sqlx::query(&format!("INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(&hook.id)
            .bind(&hook.workspace_id)
            .bind(&hook.url)
            .bind(&hook.secret)
            .bind(&hook.events)
            .bind(&hook.created_by)
            .bind(hook.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A workspace's hooks, oldest first.
    pub async fn webhooks_of(&self, workspace_id: &str) -> Result<Vec<WebhookRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id"
        ))
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn count_webhooks(&self, workspace_id: &str) -> Result<i64, sqlx::Error> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhooks WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    pub async fn webhook_in(&self, workspace_id: &str, id: &str) -> Result<Option<WebhookRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND workspace_id = $2"))
            .bind(id)
            .bind(workspace_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// For the worker, which starts from a delivery rather than a workspace.
    pub async fn webhook(&self, id: &str) -> Result<Option<WebhookRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// Deletes the hook and (by cascade) its deliveries. False when there was none.
    pub async fn delete_webhook(&self, workspace_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(workspace_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_delivery(&self, delivery: &DeliveryRow) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(&delivery.id)
        .bind(&delivery.webhook_id)
        .bind(&delivery.event)
        .bind(&delivery.payload)
        .bind(&delivery.status)
        .bind(delivery.attempts)
        .bind(delivery.response_status)
        .bind(&delivery.error)
        .bind(delivery.created_at)
        .bind(delivery.delivered_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delivery(&self, id: &str) -> Result<Option<DeliveryRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// A hook's most recent deliveries, newest first.
    pub async fn recent_deliveries(&self, webhook_id: &str, limit: i64) -> Result<Vec<DeliveryRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(webhook_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Count one attempt and record how it went. Only a pending delivery changes, so a
    /// late duplicate run (a job taken over after its worker stalled) cannot undo a result.
    pub async fn record_delivery_attempt(&self, id: &str, attempt: &AttemptRecord<'_>) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, response_status = $3, \
             error = $4, delivered_at = $5 WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(attempt.status)
        .bind(attempt.response_status)
        .bind(attempt.error)
        .bind(attempt.delivered_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forget a hook's settled deliveries created before `before`. Pending ones stay: a
    /// job is still coming for them.
    pub async fn prune_deliveries(&self, webhook_id: &str, before: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND created_at < $2 AND status <> 'pending'",
        )
        .bind(webhook_id)
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Give up on a pending delivery without counting another attempt.
    pub async fn fail_delivery(&self, id: &str, error: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE webhook_deliveries SET status = 'failed', error = $2 WHERE id = $1 AND status = 'pending'")
            .bind(id)
            .bind(error)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
