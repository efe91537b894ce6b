//! Workspace invitations (stored by token digest) and membership changes.

use super::{now_ms, Backend, Db, MemberRole};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InviteRow {
    pub id: String,
    pub workspace_id: String,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub max_uses: i64,
    pub uses: i64,
}

/// The invite row with whether its workspace is someone's personal one.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InviteTarget {
    #[sqlx(flatten)]
    pub invite: InviteRow,
    pub personal: i64,
}

/// What accepting an invite did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// The user is a member (now, or already with at least the invite's role: no use spent).
    Joined,
    /// Revoked, expired or used up between the look-up and the acceptance.
    Unusable,
}

/// What a removal did; the checks and the delete happen in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Removed,
    /// The target is not a member.
    NotMember,
    /// The caller (removing someone else) is not an owner, at the moment of the removal.
    NotOwner,
    /// The target is the last owner.
    LastOwner,
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
    pub max_uses: i64,
}

const INVITE_COLUMNS: &str =
    "i.id, i.workspace_id, i.role, i.created_at, i.expires_at, i.revoked_at, i.max_uses, i.uses";

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
            "INSERT INTO workspace_invites \
             (id, workspace_id, token_hash, role, created_by, created_at, expires_at, max_uses) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(invite.id)
        .bind(invite.workspace_id)
        .bind(invite.token_hash)
        .bind(invite.role.as_str())
        .bind(invite.created_by)
        .bind(now_ms())
        .bind(invite.expires_at)
        .bind(invite.max_uses)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn invite_by_token_hash(&self, token_hash: &str) -> Result<Option<InviteTarget>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITE_COLUMNS}, w.personal FROM workspace_invites i \
             JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
    }

    /// Invites still usable, newest first.
    pub async fn open_invites(&self, workspace_id: &str) -> Result<Vec<InviteRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {INVITE_COLUMNS} FROM workspace_invites i WHERE i.workspace_id = $1 AND i.revoked_at IS NULL \
             AND i.expires_at > $2 AND i.uses < i.max_uses ORDER BY i.created_at DESC LIMIT 200"
        ))
        .bind(workspace_id)
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await
    }

    /// Join through an invite, spending one of its uses, in one transaction: the use is
    /// taken by a conditional UPDATE (a row lock on PostgreSQL, the one writer on SQLite),
    /// so two people racing for an invite's last use cannot both get in. Someone already
    /// a member with at least the invite's role spends nothing.
    pub async fn accept_invite(
        &self,
        invite: &InviteRow,
        user_id: &str,
        role: MemberRole,
    ) -> Result<Accepted, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let current: Option<(String,)> =
            sqlx::query_as("SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
                .bind(&invite.workspace_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let current = current.and_then(|(r,)| MemberRole::parse(&r));
        if current == Some(MemberRole::Owner) || (current.is_some() && role == MemberRole::Member) {
            tx.commit().await?;
            return Ok(Accepted::Joined);
        }
        let spent = sqlx::query(
            "UPDATE workspace_invites SET uses = uses + 1 WHERE id = $1 AND uses < max_uses \
             AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(&invite.id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        if spent.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Accepted::Unusable);
        }
        sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = CASE \
                 WHEN workspace_members.role = 'owner' OR excluded.role = 'owner' THEN 'owner' ELSE 'member' END",
        )
        .bind(&invite.workspace_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Accepted::Joined)
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

    pub async fn members(&self, workspace_id: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT m.user_id, u.name, u.email, m.role, m.created_at FROM workspace_members m \
             JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY m.created_at, u.name LIMIT 1000",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Remove `target_id` from the workspace on behalf of `actor_id`, keeping the rules in
    /// the same transaction as the delete: someone else may be removed only by a current
    /// owner, and the last owner stays. On PostgreSQL the workspace row is locked first, so
    /// membership changes of one workspace take turns (two owners removing each other at
    /// once: the second sees the first's removal); on SQLite writers already take turns.
    pub async fn remove_member_checked(
        &self,
        workspace_id: &str,
        actor_id: &str,
        target_id: &str,
    ) -> Result<Removal, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM workspaces WHERE id = $1 FOR UPDATE")
                .bind(workspace_id)
                .fetch_optional(&mut *tx)
                .await?;
        }
        let role_of = |user_id: &str| {
            sqlx::query_as::<_, (String,)>(
                "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(workspace_id.to_string())
            .bind(user_id.to_string())
        };
        let actor = role_of(actor_id).fetch_optional(&mut *tx).await?.and_then(|(r,)| MemberRole::parse(&r));
        let target = role_of(target_id).fetch_optional(&mut *tx).await?.and_then(|(r,)| MemberRole::parse(&r));
        let outcome = match (actor, target) {
            (None, _) | (_, None) => Removal::NotMember,
            (Some(MemberRole::Member), _) if actor_id != target_id => Removal::NotOwner,
            (_, Some(MemberRole::Owner)) => {
                let (owners,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'")
                        .bind(workspace_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if owners <= 1 {
                    Removal::LastOwner
                } else {
                    Removal::Removed
                }
            }
            _ => Removal::Removed,
        };
        if outcome != Removal::Removed {
            tx.rollback().await?;
            return Ok(outcome);
        }
        sqlx::query("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(target_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Removal::Removed)
    }
}
