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

    pub async fn insert_api_token(
        &self,
        id: &str,
        user_id: &str,
        name: &str,
        token_hash: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(user_id)
            .bind(name)
            .bind(token_hash)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn user_for_api_token(&self, token_hash: &str) -> Result<Option<SessionUser>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn delete_expired_sessions(&self) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms()).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }
}
