//! Who is calling: a session cookie or `Authorization: Bearer <token>`.
//!
//! A request that presents a bearer token is judged by that token alone; a bad token is
//! a 401 rather than a silent fall back to anonymous access. A bearer token is either a
//! personal API token (`bfy_...`) or a session secret; the latter is a session like the
//! cookie, and signing out with it ends it.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum_extra::extract::cookie::CookieJar;

use crate::api::error::AppError;
use crate::app::AppState;
use crate::auth::{Accounts, SESSION_COOKIE, SESSION_TTL_MS};
use crate::db::SessionUser;

/// The caller, if signed in. Anonymous callers are allowed.
pub struct Viewer(pub Option<SessionUser>);

/// A signed-in caller; anonymous requests get 401.
pub struct SignedIn(pub SessionUser);

/// A signed-in caller and the session secret it signed in with (`None` for an API token),
/// for the calls that end sessions but must know which one is the caller's own.
pub struct SignedInWith {
    pub user: SessionUser,
    pub session: Option<String>,
}

/// The credential a request presents: a bearer token wins over the cookie.
enum Presented {
    Bearer(String),
    Cookie(String),
    Nothing,
}

fn presented(parts: &Parts) -> Result<Presented, AppError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or(AppError::Unauthorized)?;
        return Ok(Presented::Bearer(token.to_string()));
    }
    Ok(session_secret(parts).map_or(Presented::Nothing, Presented::Cookie))
}

/// The session secret a request presents (cookie, or a bearer that is not an API token).
pub fn presented_session(parts: &Parts) -> Option<String> {
    match presented(parts) {
        Ok(Presented::Bearer(token)) if !Accounts::is_api_token(&token) => Some(token),
        Ok(Presented::Cookie(secret)) => Some(secret),
        _ => None,
    }
}

impl FromRequestParts<AppState> for SignedInWith {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (user, session) = match presented(parts)? {
            Presented::Bearer(token) => {
                let user = state.accounts.user_for_bearer(&token).await?.ok_or(AppError::Unauthorized)?;
                (user, (!Accounts::is_api_token(&token)).then_some(token))
            }
            Presented::Cookie(secret) => {
                let user = state.accounts.user_for_session(&secret).await?.ok_or(AppError::Unauthorized)?;
                (user, Some(secret))
            }
            Presented::Nothing => return Err(AppError::Unauthorized),
        };
        Ok(SignedInWith { user, session })
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match presented(parts)? {
            Presented::Bearer(token) => {
                let user = state.accounts.user_for_bearer(&token).await?.ok_or(AppError::Unauthorized)?;
                Ok(Viewer(Some(user)))
            }
            Presented::Cookie(secret) => Ok(Viewer(state.accounts.user_for_session(&secret).await?)),
            Presented::Nothing => Ok(Viewer(None)),
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Viewer(user) = Viewer::from_request_parts(parts, state).await?;
        user.map(SignedIn).ok_or(AppError::Unauthorized)
    }
}

pub fn session_secret(parts: &Parts) -> Option<String> {
    let _ = parts.headers.get(COOKIE)?;
    let jar = CookieJar::from_headers(&parts.headers);
    jar.get(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|v| !v.is_empty() && v.len() <= 256)
}

pub fn session_cookie(secret: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = SESSION_TTL_MS / 1000;
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("cookie value is URL-safe base64")
}

pub fn cleared_session_cookie() -> HeaderValue {
    HeaderValue::from_str(&format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"))
        .expect("static cookie")
}
