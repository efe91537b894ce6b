//! `/api/workspaces/{id}/webhooks`: register, list and delete a workspace's outgoing
//! webhooks and read their recent deliveries (owners of the workspace only).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::json::ApiJson;
use super::session::SignedIn;
use crate::app::AppState;
use crate::db::{DeliveryRow, WebhookRow};
use crate::domain::iso8601;
use crate::error::{AppError, AppResult};
use crate::webhooks;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    url: String,
    events: Vec<String>,
}

#[derive(Serialize)]
pub struct WebhookView {
    id: String,
    url: String,
    events: Vec<String>,
    created_at: String,
    /// Only in the answer to the registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl WebhookView {
    fn new(hook: WebhookRow, with_secret: bool) -> WebhookView {
        WebhookView {
            events: webhooks::events_of(&hook),
            id: hook.id,
            url: hook.url,
            created_at: iso8601(hook.created_at),
            secret: with_secret.then_some(hook.secret),
        }
    }
}

#[derive(Serialize)]
pub struct WebhookList {
    webhooks: Vec<WebhookView>,
}

#[derive(Serialize)]
pub struct DeliveryView {
    id: String,
    event: String,
    status: String,
    attempts: i64,
    response_status: Option<i64>,
    error: Option<String>,
    created_at: String,
    delivered_at: Option<String>,
}

impl From<DeliveryRow> for DeliveryView {
    fn from(row: DeliveryRow) -> DeliveryView {
        DeliveryView {
            id: row.id,
            event: row.event,
            status: row.status,
            attempts: row.attempts,
            response_status: row.response_status,
            error: row.error,
            created_at: iso8601(row.created_at),
            delivered_at: row.delivered_at.map(iso8601),
        }
    }
}

#[derive(Serialize)]
pub struct DeliveryList {
    deliveries: Vec<DeliveryView>,
}

#[derive(Deserialize)]
pub struct DeliveryParams {
    limit: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(workspace_id): Path<String>,
    ApiJson(body): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<WebhookView>)> {
    let allow_private = state.config.webhook_allow_private_targets;
    let hook = webhooks::create(&state.db, &user, &workspace_id, &body.url, &body.events, allow_private).await?;
    Ok((StatusCode::CREATED, Json(WebhookView::new(hook, true))))
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(workspace_id): Path<String>,
) -> AppResult<Json<WebhookList>> {
    let hooks = webhooks::list(&state.db, &user, &workspace_id).await?;
    Ok(Json(WebhookList { webhooks: hooks.into_iter().map(|hook| WebhookView::new(hook, false)).collect() }))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((workspace_id, hook_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    webhooks::delete(&state.db, &user, &workspace_id, &hook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn deliveries(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((workspace_id, hook_id)): Path<(String, String)>,
    params: Result<Query<DeliveryParams>, QueryRejection>,
) -> AppResult<Json<DeliveryList>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 50, 100)?;
    let rows = webhooks::deliveries(&state.db, &user, &workspace_id, &hook_id, limit).await?;
    Ok(Json(DeliveryList { deliveries: rows.into_iter().map(DeliveryView::from).collect() }))
}
