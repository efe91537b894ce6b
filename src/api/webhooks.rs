//! `/api/workspaces/{id}/webhooks`: register, list and delete a workspace's outgoing
//! webhooks and read their recent deliveries (owners of the workspace only).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::SignedIn;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::db::{DeliveryRow, WebhookRow};
use crate::domain::iso8601;
use crate::webhooks;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewWebhook)]
pub struct CreateBody {
    /// `http` or `https`, no credentials; a public address unless private targets are allowed.
    #[schema(max_length = 2048, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://", example = "https://example.com/hooks/briefly")]
    url: String,
    #[schema(value_type = Vec<crate::webhooks::WebhookEvent>, min_items = 1)]
    events: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookView {
    id: String,
    url: String,
    #[schema(value_type = Vec<crate::webhooks::WebhookEvent>)]
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

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    webhooks: Vec<WebhookView>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    id: String,
    #[schema(value_type = crate::webhooks::WebhookEvent)]
    event: String,
    /// `pending` (queued or retrying), `delivered` or `failed`.
    #[schema(pattern = "^(pending|delivered|failed)$")]
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

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    deliveries: Vec<DeliveryView>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Most recent first, 1-100 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/workspaces/{id}/webhooks",
    operation_id = "webhooks_create",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    request_body = CreateBody,
    responses(
        (status = 201, description = "Registered. The `secret` is shown only here. Deliveries are JSON POSTs \
            with `Briefly-Event`, `Briefly-Delivery` (an id, the same on retries), `Briefly-Timestamp` (Unix \
            seconds) and `Briefly-Signature: v1=<hex HMAC-SHA256(secret, \"{timestamp}.{body}\")>`", body = WebhookView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(workspace_id): ApiPath<String>,
    ApiJson(body): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<WebhookView>)> {
    let hook = state.webhooks.create(&user, &workspace_id, &body.url, &body.events).await?;
    Ok((StatusCode::CREATED, Json(WebhookView::new(hook, true))))
}

#[utoipa::path(
    get,
    path = "/api/workspaces/{id}/webhooks",
    operation_id = "webhooks_list",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "The workspace's webhooks (owners only; no secrets)", body = WebhookList),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(workspace_id): ApiPath<String>,
) -> AppResult<Json<WebhookList>> {
    let hooks = state.webhooks.list(&user, &workspace_id).await?;
    Ok(Json(WebhookList { webhooks: hooks.into_iter().map(|hook| WebhookView::new(hook, false)).collect() }))
}

#[utoipa::path(
    delete,
    path = "/api/workspaces/{id}/webhooks/{hook_id}",
    operation_id = "webhooks_delete",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id"), ("hook_id" = String, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted; nothing more is delivered"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((workspace_id, hook_id)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    state.webhooks.delete(&user, &workspace_id, &hook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/workspaces/{id}/webhooks/{hook_id}/deliveries",
    operation_id = "webhooks_deliveries",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id"), ("hook_id" = String, Path, description = "Webhook id"), DeliveryParams),
    responses(
        (status = 200, description = "Recent deliveries and their results", body = DeliveryList),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn deliveries(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((workspace_id, hook_id)): ApiPath<(String, String)>,
    params: Result<Query<DeliveryParams>, QueryRejection>,
) -> AppResult<Json<DeliveryList>> {
    let Query(params) = params.map_err(|e| AppError::bad_request(e.body_text()))?;
    let limit = super::parse_limit(params.limit.as_deref(), 50, 100)?;
    let rows = state.webhooks.deliveries(&user, &workspace_id, &hook_id, limit).await?;
    Ok(Json(DeliveryList { deliveries: rows.into_iter().map(DeliveryView::from).collect() }))
}
