//! Accounts: sign-up, password login, sessions and personal API tokens.
//!
//! Passwords are hashed with argon2id on a bounded pool of blocking threads (`passwords.rs`);
//! sign-in attempts are limited per account and per client address (`limits.rs`).
//! Session cookies and API tokens are random secrets stored only as SHA-256 digests.
//!
//! What ends what: signing out ends the session that asks (cookie, or its secret sent as
//! a bearer token); signing out everywhere and changing the password end sessions; API
//! tokens live until revoked (`DELETE /api/tokens/{id}`) or expired.

mod limits;
mod passwords;
mod tokens;

use std::net::IpAddr;

use crate::db::{is_unique_violation, now_ms, Db, SessionUser, UserRow};
use crate::domain::{random_id, random_secret, sha256_hex, DisplayName, Email, Password, TokenName};

pub use limits::LimitSettings;
pub use tokens::{CreatedToken, TokenView};

/// What can go wrong, in this service's words; `api/` maps these to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("email or password is wrong")]
    InvalidCredentials,
    /// A signed-in caller's current password did not match (changing it).
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; wait and retry")]
    RateLimited { retry_after_secs: u64 },
    /// The password-hashing queue is full: the server is busy, not the caller wrong.
    #[error("too many sign-ins at once; retry shortly")]
    Overloaded,
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

/// How hard the service guards passwords; from `Config`.
#[derive(Debug, Clone, Copy)]
pub struct AuthSettings {
    pub limits: LimitSettings,
    /// argon2id runs at once (each holds ~19 MiB while it runs).
    pub hash_concurrency: usize,
    /// Hashes that may wait for one of those; more are refused with `Overloaded`.
    pub hash_queue: usize,
}

/// Accounts, sessions and tokens.
#[derive(Clone)]
pub struct Accounts {
    db: Db,
    hashes: passwords::HashPool,
    limits: limits::AuthLimits,
}

impl Accounts {
    pub fn new(db: Db, settings: AuthSettings) -> Accounts {
        Accounts {
            db,
            hashes: passwords::HashPool::new(settings.hash_concurrency, settings.hash_queue),
            limits: limits::AuthLimits::new(settings.limits),
        }
    }

    /// Sign up from `client` (the caller's address). A taken email is a
    /// `Conflict` (telling people is a product choice) and costs like a failed sign-in.
    pub async fn sign_up(
        &self,
        email: Email,
        password: Password,
        name: DisplayName,
        client: IpAddr,
    ) -> AuthResult<NewSession> {
        let attempt = self.limits.attempt(email.as_str(), client)?;
        if self.db.user_by_email(email.as_str()).await?.is_some() {
            return Err(AuthError::Conflict("an account with this email already exists".into()));
        }
        let password_hash = self.hashes.hash(password).await?;
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
        attempt.succeeded();
        self.start_session(SessionUser { id: user.id, email: user.email, name: user.name }).await
    }

    pub async fn log_in(&self, email: &str, password: String, client: IpAddr) -> AuthResult<NewSession> {
        let attempt = self.limits.attempt(email.trim(), client)?;
        let email = Email::parse(email).map_err(|_| AuthError::InvalidCredentials)?;
        let user = self.db.user_by_email(email.as_str()).await?;
        // Verify against a dummy hash for unknown emails so timing does not reveal accounts.
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let verified = self.hashes.verify(password, hash).await?;
        match (user, verified) {
            (Some(user), true) => {
                attempt.succeeded();
                self.start_session(SessionUser { id: user.id, email: user.email, name: user.name }).await
            }
            _ => Err(AuthError::InvalidCredentials),
        }
    }

    /// Change the password, knowing the current one; every session but `keep_session`
    /// (the caller's, if it signed in with one) ends. API tokens are kept.
    pub async fn change_password(
        &self,
        user: &SessionUser,
        current: String,
        new: Password,
        keep_session: Option<&str>,
        client: IpAddr,
    ) -> AuthResult<()> {
        // A stolen session must not become a free password oracle: same limits as sign-in.
        let attempt = self.limits.attempt(&user.email, client)?;
        let stored = self.db.password_hash_of(&user.id).await?;
        if stored.is_none() || !self.hashes.verify(current, stored).await? {
            return Err(AuthError::WrongPassword);
        }
        attempt.succeeded();
        let hash = self.hashes.hash(new).await?;
        let keep = keep_session.map(sha256_hex);
        self.db.change_password(&user.id, &hash, keep.as_deref()).await?;
        Ok(())
    }

    /// End every session of the user, this one included; API tokens are kept.
    pub async fn log_out_everywhere(&self, user: &SessionUser) -> AuthResult<u64> {
        Ok(self.db.delete_sessions_of(&user.id).await?)
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

    /// Create a personal API token, valid for `expires_in_days` or until revoked. The
    /// plain token is returned exactly once.
    pub async fn create_api_token(
        &self,
        user: &SessionUser,
        name: TokenName,
        expires_in_days: Option<u32>,
    ) -> AuthResult<CreatedToken> {
        tokens::create(&self.db, user, name, expires_in_days).await
    }

    pub async fn api_tokens(&self, user: &SessionUser) -> AuthResult<Vec<TokenView>> {
        tokens::list(&self.db, user).await
    }

    pub async fn revoke_api_token(&self, user: &SessionUser, token_id: &str) -> AuthResult<()> {
        tokens::revoke(&self.db, user, token_id).await
    }

    pub async fn user_for_session(&self, secret: &str) -> AuthResult<Option<SessionUser>> {
        Ok(self.db.user_for_session(&sha256_hex(secret)).await?)
    }

    /// Whether a bearer credential is a personal API token (else it is a session secret).
    pub fn is_api_token(token: &str) -> bool {
        token.starts_with(API_TOKEN_PREFIX)
    }

    pub async fn user_for_bearer(&self, token: &str) -> AuthResult<Option<SessionUser>> {
        if Self::is_api_token(token) {
            tokens::user_for(&self.db, token).await
        } else {
            // A session secret works as a bearer token too (handy for scripts run from a browser login).
            self.user_for_session(token).await
        }
    }
}
