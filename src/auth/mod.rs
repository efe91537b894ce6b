//! Accounts: sign-up, password login, sessions and personal API tokens.
//!
//! Passwords are hashed with argon2id on a blocking thread (it is deliberately slow).
//! Session cookies and API tokens are random secrets stored only as SHA-256 digests.

mod passwords;

use crate::db::{is_unique_violation, now_ms, Db, SessionUser, UserRow};
use crate::domain::{random_id, random_secret, sha256_hex, DisplayName, Email, Password, TokenName};
use crate::error::{AppError, AppResult};

pub const SESSION_COOKIE: &str = "briefly_session";
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// API tokens carry a recognisable prefix so leaked ones are easy to spot in code and logs.
pub const API_TOKEN_PREFIX: &str = "bfy_";

pub struct NewSession {
    pub user: SessionUser,
    pub secret: String,
}

pub async fn sign_up(db: &Db, email: Email, password: Password, name: DisplayName) -> AppResult<NewSession> {
    let password_hash = passwords::hash(password).await?;
    let user = UserRow {
        id: random_id(16),
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        password_hash,
        created_at: now_ms(),
    };
    let workspace_name = format!("{}'s workspace", user.name);
    match db.create_user_with_workspace(&user, &random_id(16), &workspace_name).await {
        Ok(()) => {}
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::conflict("an account with this email already exists"))
        }
        Err(err) => return Err(err.into()),
    }
    start_session(db, SessionUser { id: user.id, email: user.email, name: user.name }).await
}

pub async fn log_in(db: &Db, email: &str, password: String) -> AppResult<NewSession> {
    let email = Email::parse(email).map_err(|_| AppError::InvalidCredentials)?;
    let user = db.user_by_email(email.as_str()).await?;
    // Verify against a dummy hash for unknown emails so timing does not reveal accounts.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = passwords::verify(password, hash).await?;
    match (user, verified) {
        (Some(user), true) => start_session(db, SessionUser { id: user.id, email: user.email, name: user.name }).await,
        _ => Err(AppError::InvalidCredentials),
    }
}

async fn start_session(db: &Db, user: SessionUser) -> AppResult<NewSession> {
    let secret = random_secret();
    db.insert_session(&sha256_hex(&secret), &user.id, now_ms() + SESSION_TTL_MS).await?;
    Ok(NewSession { user, secret })
}

pub async fn log_out(db: &Db, session_secret: &str) -> AppResult<()> {
    db.delete_session(&sha256_hex(session_secret)).await?;
    Ok(())
}

/// Create a personal API token. The plain token is returned exactly once.
pub async fn create_api_token(db: &Db, user: &SessionUser, name: TokenName) -> AppResult<(String, String)> {
    let id = random_id(16);
    let token = format!("{API_TOKEN_PREFIX}{}", random_secret());
    db.insert_api_token(&id, &user.id, name.as_str(), &sha256_hex(&token)).await?;
    Ok((id, token))
}

pub async fn user_for_session(db: &Db, secret: &str) -> AppResult<Option<SessionUser>> {
    Ok(db.user_for_session(&sha256_hex(secret)).await?)
}

pub async fn user_for_bearer(db: &Db, token: &str) -> AppResult<Option<SessionUser>> {
    if token.starts_with(API_TOKEN_PREFIX) {
        Ok(db.user_for_api_token(&sha256_hex(token)).await?)
    } else {
        // A session secret works as a bearer token too (handy for scripts run from a browser login).
        user_for_session(db, token).await
    }
}
