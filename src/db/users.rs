//! Users, browser sessions and personal API tokens (both tokens stored only as hashes).

use super::{now_ms, Db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: i64,
}

/// A personal API token as its owner sees it (never the secret or its digest).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// An API token's owner, with what the lookup needs to record the token's use.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub token_id: String,
    pub last_used_at: Option<i64>,
}

/// The signed-in user a credential resolves to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: String,
    pub email: String,
    pub name: String,
}

impl Db {
    /// Insert a user together with their personal workspace, atomically.
    pub async fn create_user_with_workspace(
        &self,
        user: &UserRow,
        workspace_id: &str,
        workspace_name: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&user.id)
            .bind(&user.email)
            .bind(&user.name)
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO workspaces (id, name, personal, created_at) VALUES ($1, $2, 1, $3)")
            .bind(workspace_id)
            .bind(workspace_name)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)",
        )
        .bind(workspace_id)
        .bind(&user.id)
        .bind(user.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as("SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn insert_session(&self, token_hash: &str, user_id: &str, expires_at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now_ms())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn user_for_session(&self, token_hash: &str) -> Result<Option<SessionUser>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn insert_api_token(&self, token: &ApiTokenRow, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token.id)
        .bind(&token.user_id)
        .bind(&token.name)
        .bind(token_hash)
        .bind(token.created_at)
        .bind(token.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user an unexpired API token belongs to, with the token's id and last use.
    pub async fn user_for_api_token(&self, token_hash: &str) -> Result<Option<TokenUser>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.email, u.name, t.id AS token_id, t.last_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
    }

    /// Record a token's use, unless it was recorded after `stale_before` (so a busy
    /// script costs one write per interval, not one per request).
    pub async fn touch_api_token(&self, token_id: &str, now: i64, stale_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(now)
        .bind(token_id)
        .bind(stale_before)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A user's tokens, newest first, expired ones included.
    pub async fn api_tokens_of(&self, user_id: &str) -> Result<Vec<ApiTokenRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, user_id, name, created_at, last_used_at, expires_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Revoke one of `user_id`'s tokens; false when there is no such token of theirs.
    pub async fn delete_api_token(&self, token_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(token_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn password_hash_of(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// Set a new password hash and end every session of the user but `keep` (the
    /// caller's), in one transaction: no old session outlives the change.
    pub async fn change_password(&self, user_id: &str, hash: &str, keep: Option<&str>) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// End every session of the user; returns how many there were.
    pub async fn delete_sessions_of(&self, user_id: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    pub async fn delete_expired_sessions(&self) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms()).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }
}
