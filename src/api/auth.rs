//! `/api/auth/*` and `/api/me`: sign-up, sign-in, sign-out (here or everywhere), password
//! change. Sign-in, sign-up and password change are limited per account and per client
//! address (429 with `Retry-After`); when the password-hashing pool is full they answer
//! 503 with `Retry-After` at once instead of queueing without bound.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::client::ClientAddr;
use super::json::ApiJson;
use super::session::{cleared_session_cookie, presented_session, session_cookie, SignedIn, SignedInWith};
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::auth::NewSession;
use crate::domain::{DisplayName, Email, Password};
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
pub struct PasswordBody {
    current_password: String,
    /// At least 8 characters.
    #[schema(min_length = 8, max_length = 1024)]
    new_password: String,
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
        (status = 429, response = super::openapi::RateLimited),
        (status = 503, response = super::openapi::Overloaded),
    )
)]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<SignupBody>,
) -> AppResult<Response> {
    let email = Email::parse(&body.email).map_err(AppError::Validation)?;
    let password = Password::parse(body.password).map_err(AppError::Validation)?;
    let name = DisplayName::parse(&body.name).map_err(AppError::Validation)?;
    let session = state.accounts.sign_up(email, password, name, client).await?;
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
        (status = 429, response = super::openapi::RateLimited),
        (status = 503, response = super::openapi::Overloaded),
    )
)]
pub async fn log_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> AppResult<Response> {
    let session = state.accounts.log_in(&body.email, body.password, client).await?;
    Ok(signed_in_response(&state, StatusCode::OK, session))
}

#[utoipa::path(
    post,
    operation_id = "auth_log_out",
    path = "/api/auth/logout",
    tag = "auth",
    security((), ("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "The session that asked is over: the cookie's, or a session secret sent as a \
            bearer token (harmless without one). An API token is not a session: it keeps working until revoked \
            with `DELETE /api/tokens/{token_id}` or expired.",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
    )
)]
pub async fn log_out(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    if let Some(secret) = presented_session(&parts) {
        state.accounts.log_out(&secret).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cleared_session_cookie())]).into_response())
}

#[utoipa::path(
    post,
    operation_id = "auth_log_out_everywhere",
    path = "/api/auth/logout-everywhere",
    tag = "auth",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Every session of yours is over, this one included. API tokens keep working: \
            list them with `GET /api/tokens` and revoke them one by one.",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        (status = 401, response = super::openapi::Unauthorized),
    )
)]
pub async fn log_out_everywhere(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Response> {
    state.accounts.log_out_everywhere(&user).await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cleared_session_cookie())]).into_response())
}

#[utoipa::path(
    post,
    operation_id = "auth_change_password",
    path = "/api/auth/password",
    tag = "auth",
    security(("session" = []), ("bearer" = [])),
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed. Every other session is over; the one that asked stays signed in \
            (none does when asked with an API token). API tokens keep working until revoked."),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, description = "`wrong_password`: the current password is wrong", body = super::openapi::ErrorBody),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
        (status = 429, response = super::openapi::RateLimited),
        (status = 503, response = super::openapi::Overloaded),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    caller: SignedInWith,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<PasswordBody>,
) -> AppResult<StatusCode> {
    let new = Password::parse(body.new_password).map_err(AppError::Validation)?;
    let SignedInWith { user, session } = caller;
    state.accounts.change_password(&user, body.current_password, new, session.as_deref(), client).await?;
    Ok(StatusCode::NO_CONTENT)
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
