//! `/api/auth/*`, `/api/me` and `/api/tokens`.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::session::{cleared_session_cookie, session_cookie, session_secret, SignedIn};
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::auth::NewSession;
use crate::domain::{DisplayName, Email, Password, TokenName};
use crate::workspaces::WorkspaceView;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    #[schema(format = Email, max_length = 254)]
    email: String,
    /// At least 8 characters.
    #[schema(min_length = 8, max_length = 1024)]
    password: String,
    /// Display name, 1-100 characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
}

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
}

/// The account, as its owner sees it.
#[derive(Serialize, ToSchema)]
pub struct Account {
    id: String,
    email: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct SignedInBody {
    user: Account,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: String,
    email: String,
    name: String,
    workspaces: Vec<WorkspaceView>,
}

/// The token itself is shown only here: it is stored as a digest.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    id: String,
    name: String,
    #[schema(example = "bfy_...")]
    token: String,
}

fn signed_in_response(state: &AppState, status: StatusCode, session: NewSession) -> Response {
    let cookie = session_cookie(&session.secret, state.config.secure_cookies);
    let user = session.user;
    let body = SignedInBody { user: Account { id: user.id, email: user.email, name: user.name } };
    (status, [(SET_COOKIE, cookie)], Json(body)).into_response()
}

#[utoipa::path(
    post,
    operation_id = "auth_sign_up",
    path = "/api/auth/signup",
    tag = "auth",
    request_body = SignupBody,
    responses(
        (status = 201, description = "Signed up and signed in; your personal workspace exists", body = SignedInBody,
            headers(("Set-Cookie" = String, description = "The `briefly_session` cookie"))),
        (status = 400, response = super::openapi::BadRequest),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn sign_up(State(state): State<AppState>, ApiJson(body): ApiJson<SignupBody>) -> AppResult<Response> {
    let email = Email::parse(&body.email).map_err(AppError::Validation)?;
    let password = Password::parse(body.password).map_err(AppError::Validation)?;
    let name = DisplayName::parse(&body.name).map_err(AppError::Validation)?;
    let session = state.accounts.sign_up(email, password, name).await?;
    Ok(signed_in_response(&state, StatusCode::CREATED, session))
}

#[utoipa::path(
    post,
    operation_id = "auth_log_in",
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = SignedInBody,
            headers(("Set-Cookie" = String, description = "The `briefly_session` cookie"))),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, description = "`invalid_credentials`: email or password is wrong", body = super::openapi::ErrorBody),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn log_in(State(state): State<AppState>, ApiJson(body): ApiJson<LoginBody>) -> AppResult<Response> {
    let session = state.accounts.log_in(&body.email, body.password).await?;
    Ok(signed_in_response(&state, StatusCode::OK, session))
}

#[utoipa::path(
    post,
    operation_id = "auth_log_out",
    path = "/api/auth/logout",
    tag = "auth",
    security((), ("session" = [])),
    responses(
        (status = 204, description = "This session is over (harmless without one)",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
    )
)]
pub async fn log_out(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    if let Some(secret) = session_secret(&parts) {
        state.accounts.log_out(&secret).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cleared_session_cookie())]).into_response())
}

#[utoipa::path(
    get,
    operation_id = "auth_me",
    path = "/api/me",
    tag = "auth",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "You, with your workspaces and roles", body = Me),
        (status = 401, response = super::openapi::Unauthorized),
    )
)]
pub async fn me(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<Me>> {
    let workspaces = state.workspaces.workspaces(&user).await?;
    Ok(Json(Me { id: user.id, email: user.email, name: user.name, workspaces }))
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
    let (id, token) = state.accounts.create_api_token(&user, name.clone()).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { id, name: name.as_str().to_string(), token })))
}
