//! Workspaces and their members' roles.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRole {
    Owner,
    Member,
}

impl MemberRole {
    pub fn parse(text: &str) -> Option<MemberRole> {
        match text {
            "owner" => Some(MemberRole::Owner),
            "member" => Some(MemberRole::Member),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Member => "member",
        }
    }
}

#[derive(Debug, Clone)]
pub struct WorkspaceRow {
    pub id: String,
    pub name: String,
    pub personal: bool,
    /// The caller's role in it.
    pub role: MemberRole,
    /// "auto" or a Whisper language code: what its videos are transcribed in by default.
    pub default_language: String,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for WorkspaceRow {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        let role: String = row.try_get("role")?;
        Ok(WorkspaceRow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            personal: row.try_get::<i64, _>("personal")? != 0,
            default_language: row.try_get("default_language")?,
            role: MemberRole::parse(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "role".into(),
                source: format!("unknown member role {role:?}").into(),
            })?,
        })
    }
}

impl Db {
    pub async fn member_role(&self, workspace_id: &str, user_id: &str) -> Result<Option<MemberRole>, sqlx::Error> {
        let role: Option<(String,)> =
            sqlx::query_as("SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
                .bind(workspace_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(role.and_then(|(r,)| MemberRole::parse(&r)))
    }

    /// The caller's workspaces, personal one first.
    pub async fn workspaces_of(&self, user_id: &str) -> Result<Vec<WorkspaceRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT w.id, w.name, w.personal, w.default_language, m.role FROM workspaces w \
             JOIN workspace_members m ON m.workspace_id = w.id WHERE m.user_id = $1 \
             ORDER BY w.personal DESC, w.created_at, w.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }

    /// The workspace with the caller's role in it, or None when they are not a member.
    pub async fn workspace_for_member(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<WorkspaceRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT w.id, w.name, w.personal, w.default_language, m.role FROM workspaces w \
             JOIN workspace_members m ON m.workspace_id = w.id WHERE w.id = $1 AND m.user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// What a workspace's videos are transcribed in unless a video says otherwise.
    pub async fn workspace_default_language(&self, workspace_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as("SELECT default_language FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(language,)| language))
    }

    pub async fn set_workspace_default_language(&self, workspace_id: &str, language: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE workspaces SET default_language = $2 WHERE id = $1")
            .bind(workspace_id)
            .bind(language)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn personal_workspace(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT w.id FROM workspaces w JOIN workspace_members m ON m.workspace_id = w.id \
             WHERE m.user_id = $1 AND w.personal = 1 AND m.role = 'owner' ORDER BY w.created_at LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id,)| id))
    }
}
