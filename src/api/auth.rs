//! `/api/auth/*`, `/api/me` and `/api/tokens`.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::json::ApiJson;
use super::session::{cleared_session_cookie, session_cookie, session_secret, SignedIn};
use crate::app::AppState;
use crate::auth::{self, NewSession};
use crate::domain::{DisplayName, Email, Password, TokenName};
use crate::error::{AppError, AppResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    email: String,
    password: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    name: String,
}

fn signed_in_response(state: &AppState, status: StatusCode, session: NewSession) -> Response {
    let cookie = session_cookie(&session.secret, state.config.secure_cookies);
    let body = json!({ "user": { "id": session.user.id, "email": session.user.email, "name": session.user.name } });
    (status, [(SET_COOKIE, cookie)], Json(body)).into_response()
}

pub async fn sign_up(State(state): State<AppState>, ApiJson(body): ApiJson<SignupBody>) -> AppResult<Response> {
    let email = Email::parse(&body.email).map_err(AppError::Validation)?;
    let password = Password::parse(body.password).map_err(AppError::Validation)?;
    let name = DisplayName::parse(&body.name).map_err(AppError::Validation)?;
    let session = auth::sign_up(&state.db, email, password, name).await?;
    Ok(signed_in_response(&state, StatusCode::CREATED, session))
}

pub async fn log_in(State(state): State<AppState>, ApiJson(body): ApiJson<LoginBody>) -> AppResult<Response> {
    let session = auth::log_in(&state.db, &body.email, body.password).await?;
    Ok(signed_in_response(&state, StatusCode::OK, session))
}

pub async fn log_out(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    if let Some(secret) = session_secret(&parts) {
        auth::log_out(&state.db, &secret).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cleared_session_cookie())]).into_response())
}

pub async fn me(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<serde_json::Value>> {
    let workspaces = state.db.workspaces_of(&user.id).await?;
    let workspaces: Vec<_> = workspaces
        .into_iter()
        .map(|w| json!({ "id": w.id, "name": w.name, "personal": w.personal == 1, "role": w.role }))
        .collect();
    Ok(Json(json!({ "id": user.id, "email": user.email, "name": user.name, "workspaces": workspaces })))
}

pub async fn create_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiJson(body): ApiJson<TokenBody>,
) -> AppResult<(StatusCode, Json<serde_json::Value>)> {
    let name = TokenName::parse(&body.name).map_err(AppError::Validation)?;
    let (id, token) = auth::create_api_token(&state.db, &user, name.clone()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "name": name.as_str(), "token": token }))))
}
