//! Accounts: sign-up, password login, sessions and personal API tokens.
//!
//! Passwords are hashed with argon2id on a blocking thread (it is deliberately slow).
//! Session cookies and API tokens are random secrets stored only as SHA-256 digests.

mod passwords;

use crate::db::{is_unique_violation, now_ms, Db, SessionUser, UserRow};
use crate::domain::{random_id, random_secret, sha256_hex, DisplayName, Email, Password, TokenName};

/// What can go wrong, in this service's words; `api/` maps these to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("email or password is wrong")]
    InvalidCredentials,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AuthError {
    fn from(err: sqlx::Error) -> Self {
        AuthError::Internal(err.into())
    }
}

pub type AuthResult<T> = Result<T, AuthError>;

pub const SESSION_COOKIE: &str = "briefly_session";
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// API tokens carry a recognisable prefix so leaked ones are easy to spot in code and logs.
pub const API_TOKEN_PREFIX: &str = "bfy_";

pub struct NewSession {
    pub user: SessionUser,
    pub secret: String,
}

/// Accounts, sessions and tokens.
#[derive(Clone)]
pub struct Accounts {
    db: Db,
}

impl Accounts {
    pub fn new(db: Db) -> Accounts {
        Accounts { db }
    }

    pub async fn sign_up(&self, email: Email, password: Password, name: DisplayName) -> AuthResult<NewSession> {
        let password_hash = passwords::hash(password).await?;
        let user = UserRow {
            id: random_id(16),
            email: email.as_str().to_string(),
            name: name.as_str().to_string(),
            password_hash,
            created_at: now_ms(),
        };
        let workspace_name = format!("{}'s workspace", user.name);
        match self.db.create_user_with_workspace(&user, &random_id(16), &workspace_name).await {
            Ok(()) => {}
            Err(err) if is_unique_violation(&err) => {
                return Err(AuthError::Conflict("an account with this email already exists".into()))
            }
            Err(err) => return Err(err.into()),
        }
        self.start_session(SessionUser { id: user.id, email: user.email, name: user.name }).await
    }

    pub async fn log_in(&self, email: &str, password: String) -> AuthResult<NewSession> {
        let email = Email::parse(email).map_err(|_| AuthError::InvalidCredentials)?;
        let user = self.db.user_by_email(email.as_str()).await?;
        // Verify against a dummy hash for unknown emails so timing does not reveal accounts.
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let verified = passwords::verify(password, hash).await?;
        match (user, verified) {
            (Some(user), true) => {
                self.start_session(SessionUser { id: user.id, email: user.email, name: user.name }).await
            }
            _ => Err(AuthError::InvalidCredentials),
        }
    }

    async fn start_session(&self, user: SessionUser) -> AuthResult<NewSession> {
        let secret = random_secret();
        self.db.insert_session(&sha256_hex(&secret), &user.id, now_ms() + SESSION_TTL_MS).await?;
        Ok(NewSession { user, secret })
    }

    pub async fn log_out(&self, session_secret: &str) -> AuthResult<()> {
        self.db.delete_session(&sha256_hex(session_secret)).await?;
        Ok(())
    }

    /// Create a personal API token. The plain token is returned exactly once.
    pub async fn create_api_token(&self, user: &SessionUser, name: TokenName) -> AuthResult<(String, String)> {
        let id = random_id(16);
        let token = format!("{API_TOKEN_PREFIX}{}", random_secret());
        self.db.insert_api_token(&id, &user.id, name.as_str(), &sha256_hex(&token)).await?;
        Ok((id, token))
    }

    pub async fn user_for_session(&self, secret: &str) -> AuthResult<Option<SessionUser>> {
        Ok(self.db.user_for_session(&sha256_hex(secret)).await?)
    }

    pub async fn user_for_bearer(&self, token: &str) -> AuthResult<Option<SessionUser>> {
        if token.starts_with(API_TOKEN_PREFIX) {
            Ok(self.db.user_for_api_token(&sha256_hex(token)).await?)
        } else {
            // A session secret works as a bearer token too (handy for scripts run from a browser login).
            self.user_for_session(token).await
        }
    }
}
