//! Workspace invitations (stored by token digest) and membership changes.

use super::{now_ms, Db, MemberRole};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InviteRow {
    pub id: String,
    pub workspace_id: String,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
}

pub struct NewInvite<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub token_hash: &'a str,
    pub role: MemberRole,
    pub created_by: &'a str,
    pub expires_at: i64,
}

impl Db {
    pub async fn create_workspace(&self, id: &str, name: &str, owner_id: &str) -> Result<(), sqlx::Error> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO workspaces (id, name, personal, created_at) VALUES ($1, $2, 0, $3)")
            .bind(id)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)",
        )
        .bind(id)
        .bind(owner_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn insert_invite(&self, invite: &NewInvite<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO workspace_invites (id, workspace_id, token_hash, role, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(invite.id)
        .bind(invite.workspace_id)
        .bind(invite.token_hash)
        .bind(invite.role.as_str())
        .bind(invite.created_by)
        .bind(now_ms())
        .bind(invite.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn invite_by_token_hash(&self, token_hash: &str) -> Result<Option<InviteRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, workspace_id, role, created_at, expires_at, revoked_at FROM workspace_invites \
             WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    /// Invites still usable, newest first.
    pub async fn open_invites(&self, workspace_id: &str) -> Result<Vec<InviteRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, workspace_id, role, created_at, expires_at, revoked_at FROM workspace_invites \
             WHERE workspace_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 200",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await
    }

    /// True when an open invite of this workspace was revoked by this call.
    pub async fn revoke_invite(&self, workspace_id: &str, invite_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE workspace_invites SET revoked_at = $1 WHERE id = $2 AND workspace_id = $3 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(invite_id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Join a workspace. An existing member keeps the higher of the two roles.
    pub async fn add_member(&self, workspace_id: &str, user_id: &str, role: MemberRole) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = CASE \
                 WHEN workspace_members.role = 'owner' OR excluded.role = 'owner' THEN 'owner' ELSE 'member' END",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn members(&self, workspace_id: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT m.user_id, u.name, u.email, m.role, m.created_at FROM workspace_members m \
             JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY m.created_at, u.name LIMIT 1000",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn owner_count(&self, workspace_id: &str) -> Result<i64, sqlx::Error> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'")
                .bind(workspace_id)
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }

    pub async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
