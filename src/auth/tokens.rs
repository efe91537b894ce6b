//! Personal API tokens: created with an optional expiry, listed without their secret,
//! revoked by id. A token lives until it is revoked or expires: signing out (one session or
//! everywhere) and changing the password end sessions, not tokens, which the owner lists
//! and revokes on their own.

use super::{AuthError, AuthResult, API_TOKEN_PREFIX};
use crate::db::{now_ms, ApiTokenRow, Db, SessionUser};
use crate::domain::{iso8601, random_id, random_secret, sha256_hex, TokenName};

/// A token's last use is written at most this often: a script making a request a second
/// costs one write a minute, not one per request.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

/// A token as its owner sees it in the list: never the secret nor its digest.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// To the minute; null if never used.
    pub last_used_at: Option<String>,
    /// Null: until revoked.
    pub expires_at: Option<String>,
}

impl From<ApiTokenRow> for TokenView {
    fn from(row: ApiTokenRow) -> TokenView {
        TokenView {
            id: row.id,
            name: row.name,
            created_at: iso8601(row.created_at),
            last_used_at: row.last_used_at.map(iso8601),
            expires_at: row.expires_at.map(iso8601),
        }
    }
}

pub struct CreatedToken {
    pub view: TokenView,
    /// The secret, shown exactly once.
    pub token: String,
}

pub(super) async fn create(
    db: &Db,
    user: &SessionUser,
    name: TokenName,
    expires_in_days: Option<u32>,
) -> AuthResult<CreatedToken> {
    let created_at = now_ms();
    let row = ApiTokenRow {
        id: random_id(16),
        user_id: user.id.clone(),
        name: name.as_str().to_string(),
        created_at,
        last_used_at: None,
        expires_at: expires_in_days.map(|days| created_at + i64::from(days) * 24 * 3600 * 1000),
    };
    let token = format!("{API_TOKEN_PREFIX}{}", random_secret());
    db.insert_api_token(&row, &sha256_hex(&token)).await?;
    Ok(CreatedToken { view: row.into(), token })
}

pub(super) async fn list(db: &Db, user: &SessionUser) -> AuthResult<Vec<TokenView>> {
    Ok(db.api_tokens_of(&user.id).await?.into_iter().map(TokenView::from).collect())
}

pub(super) async fn revoke(db: &Db, user: &SessionUser, token_id: &str) -> AuthResult<()> {
    // Someone else's token is "not found", exactly like one that never existed.
    if db.delete_api_token(token_id, &user.id).await? {
        Ok(())
    } else {
        Err(AuthError::NotFound)
    }
}

/// The owner of an unexpired token, recording its use (throttled).
pub(super) async fn user_for(db: &Db, token: &str) -> AuthResult<Option<SessionUser>> {
    let Some(found) = db.user_for_api_token(&sha256_hex(token)).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let stale_before = now - LAST_USED_RESOLUTION_MS;
    if found.last_used_at.is_none_or(|at| at < stale_before) {
        // Bookkeeping: a failed write must not refuse a valid token.
        if let Err(err) = db.touch_api_token(&found.token_id, now, stale_before).await {
            tracing::warn!(error = %err, "could not record an API token's use");
        }
    }
    Ok(Some(SessionUser { id: found.id, email: found.email, name: found.name }))
}
