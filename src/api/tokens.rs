//! `/api/tokens`: personal API tokens. Created with an optional expiry, listed without
//! their secret, revoked by id. They are separate from sessions: signing out (here or
//! everywhere) and changing the password leave them working until revoked or expired.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::SignedIn;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::auth::TokenView;
use crate::domain::TokenName;

/// Longest expiry a token may be given (ten years); omit it for "until revoked".
const MAX_EXPIRY_DAYS: u32 = 3650;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// 1-100 characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    name: String,
    /// Days until the token stops working (1-3650); omit or null for "until revoked".
    #[schema(minimum = 1, maximum = 3650)]
    expires_in_days: Option<u32>,
}

/// The token itself is shown only here: it is stored as a digest.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    id: String,
    name: String,
    #[schema(example = "bfy_...")]
    token: String,
    created_at: String,
    /// Null: until revoked.
    expires_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    /// Newest first; expired tokens are listed (and refused) until revoked.
    tokens: Vec<TokenView>,
}

#[utoipa::path(
    post,
    operation_id = "auth_create_token",
    path = "/api/tokens",
    tag = "auth",
    security(("session" = []), ("bearer" = [])),
    request_body = TokenBody,
    responses(
        (status = 201, description = "A personal API token, shown once", body = CreatedToken),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<TokenBody>,
) -> AppResult<(StatusCode, Json<CreatedToken>)> {
    let name = TokenName::parse(&body.name).map_err(AppError::Validation)?;
    if body.expires_in_days.is_some_and(|days| !(1..=MAX_EXPIRY_DAYS).contains(&days)) {
        return Err(AppError::validation(format!("expires_in_days must be from 1 to {MAX_EXPIRY_DAYS}")));
    }
    let created = state.accounts.create_api_token(&user, name, body.expires_in_days).await?;
    let view = created.view;
    let body = CreatedToken {
        id: view.id,
        name: view.name,
        token: created.token,
        created_at: view.created_at,
        expires_at: view.expires_at,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

#[utoipa::path(
    get,
    operation_id = "auth_list_tokens",
    path = "/api/tokens",
    tag = "auth",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "Your API tokens: names and dates, never the secret", body = TokenList),
        (status = 401, response = super::openapi::Unauthorized),
    )
)]
pub async fn list_tokens(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<TokenList>> {
    Ok(Json(TokenList { tokens: state.accounts.api_tokens(&user).await? }))
}

#[utoipa::path(
    delete,
    operation_id = "auth_revoke_token",
    path = "/api/tokens/{token_id}",
    tag = "auth",
    security(("session" = []), ("bearer" = [])),
    params(("token_id" = String, Path, description = "Token id (from the list; not the token itself)")),
    responses(
        (status = 204, description = "Revoked: the token stops working at once"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(token_id): ApiPath<String>,
) -> AppResult<StatusCode> {
    state.accounts.revoke_api_token(&user, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
