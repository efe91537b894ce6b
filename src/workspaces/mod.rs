//! Workspaces, invitations and membership: who belongs where, which is access control
//! (videos ask it who may see what), not collaboration.
//!
//! Rules: members see the workspace, its members and its private videos; only owners
//! invite and remove others; anyone may leave, except the last owner. Someone outside a
//! workspace cannot tell it exists (404).

use serde::Serialize;

use crate::db::{now_ms, Accepted, Db, InviteRow, MemberRole, NewInvite, Removal, SessionUser, WorkspaceRow};
use crate::domain::{iso8601, random_id, random_secret, sha256_hex, LanguageChoice, ResourceId, WorkspaceName};

/// What can go wrong, in this service's words; `api/` maps these to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// Unknown, or the caller is not a member: the same to them.
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for WorkspaceError {
    fn from(err: sqlx::Error) -> Self {
        WorkspaceError::Internal(err.into())
    }
}

pub type WorkspaceResult<T> = Result<T, WorkspaceError>;

#[derive(Clone)]
pub struct Workspaces {
    db: Db,
}

const DEFAULT_INVITE_HOURS: i64 = 7 * 24;
const MAX_INVITE_HOURS: i64 = 30 * 24;
/// An invite link admits one person unless its owner asks for more, up to this many.
pub const MAX_INVITE_USES: i64 = 1000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    pub personal: bool,
    #[schema(pattern = "^(owner|member)$")]
    pub role: String,
    /// What its videos are transcribed in unless a video says otherwise: "auto" (detect
    /// the language) or a Whisper language code.
    #[schema(example = "auto")]
    pub default_language: String,
}

impl From<WorkspaceRow> for WorkspaceView {
    fn from(row: WorkspaceRow) -> WorkspaceView {
        WorkspaceView {
            id: row.id,
            name: row.name,
            personal: row.personal,
            role: row.role.as_str().to_string(),
            default_language: row.default_language,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub user: MemberIdentity,
    #[schema(pattern = "^(owner|member)$")]
    pub role: String,
    pub joined_at: String,
}

/// Members see each other's email: they work together; outsiders never see this list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberIdentity {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InviteView {
    pub id: String,
    #[schema(pattern = "^(owner|member)$")]
    pub role: String,
    pub created_at: String,
    pub expires_at: String,
    /// How many people the link admits in all, and how many it already did.
    pub max_uses: i64,
    pub uses: i64,
}

impl From<InviteRow> for InviteView {
    fn from(row: InviteRow) -> InviteView {
        InviteView {
            id: row.id,
            role: row.role,
            created_at: iso8601(row.created_at),
            expires_at: iso8601(row.expires_at),
            max_uses: row.max_uses,
            uses: row.uses,
        }
    }
}

/// The one time the token is visible: it is stored only as a digest.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedInvite {
    pub id: String,
    pub token: String,
    pub url: String,
    #[schema(pattern = "^(owner|member)$")]
    pub role: String,
    pub expires_at: String,
    pub max_uses: i64,
}

pub struct InviteInput {
    pub role: Option<String>,
    pub expires_in_hours: Option<i64>,
    pub max_uses: Option<i64>,
}

impl Workspaces {
    pub fn new(db: Db) -> Workspaces {
        Workspaces { db }
    }

    pub async fn create_workspace(&self, user: &SessionUser, name: WorkspaceName) -> WorkspaceResult<WorkspaceView> {
        let id = random_id(16);
        self.db.create_workspace(&id, name.as_str(), &user.id).await?;
        Ok(WorkspaceView {
            id,
            name: name.as_str().to_string(),
            personal: false,
            role: "owner".into(),
            default_language: LanguageChoice::AUTO.into(),
        })
    }

    /// Set what the workspace's videos are transcribed in by default (owners only). Videos
    /// already transcribed keep their transcripts; new ones follow.
    pub async fn set_default_language(
        &self,
        raw_id: &str,
        user: &SessionUser,
        language: LanguageChoice,
    ) -> WorkspaceResult<WorkspaceView> {
        let mut workspace = self.owned(raw_id, user).await?;
        self.db.set_workspace_default_language(&workspace.id, language.as_str()).await?;
        workspace.default_language = language.as_str().to_string();
        Ok(workspace.into())
    }

    pub async fn workspaces(&self, user: &SessionUser) -> WorkspaceResult<Vec<WorkspaceView>> {
        Ok(self.db.workspaces_of(&user.id).await?.into_iter().map(WorkspaceView::from).collect())
    }

    /// The workspace as its member sees it; 404 for everyone else.
    pub async fn workspace(&self, raw_id: &str, user: &SessionUser) -> WorkspaceResult<WorkspaceView> {
        Ok(self.membership(raw_id, user).await?.into())
    }

    pub async fn members(&self, raw_id: &str, user: &SessionUser) -> WorkspaceResult<Vec<MemberView>> {
        let workspace = self.membership(raw_id, user).await?;
        Ok(self
            .db
            .members(&workspace.id)
            .await?
            .into_iter()
            .map(|m| MemberView {
                user: MemberIdentity { id: m.user_id, name: m.name, email: m.email },
                role: m.role,
                joined_at: iso8601(m.created_at),
            })
            .collect())
    }

    pub async fn invite(&self, raw_id: &str, user: &SessionUser, input: InviteInput) -> WorkspaceResult<CreatedInvite> {
        let workspace = self.owned(raw_id, user).await?;
        if workspace.personal {
            // A personal workspace is where its owner's uploads land by default: someone
            // invited in as owner would silently receive (and manage) them.
            return Err(WorkspaceError::Conflict(
                "personal workspaces cannot have invites: create a shared workspace instead".into(),
            ));
        }
        let role = match input.role.as_deref() {
            None => MemberRole::Member,
            Some(text) => {
                MemberRole::parse(text).ok_or_else(|| WorkspaceError::Invalid("role must be member or owner".into()))?
            }
        };
        let hours = input.expires_in_hours.unwrap_or(DEFAULT_INVITE_HOURS);
        if !(1..=MAX_INVITE_HOURS).contains(&hours) {
            return Err(WorkspaceError::Invalid(format!("expires_in_hours must be from 1 to {MAX_INVITE_HOURS}")));
        }
        let max_uses = input.max_uses.unwrap_or(1);
        if !(1..=MAX_INVITE_USES).contains(&max_uses) {
            return Err(WorkspaceError::Invalid(format!("max_uses must be from 1 to {MAX_INVITE_USES}")));
        }
        let token = random_secret();
        let id = random_id(16);
        let expires_at = now_ms() + hours * 3600 * 1000;
        self.db
            .insert_invite(&NewInvite {
                id: &id,
                workspace_id: &workspace.id,
                token_hash: &sha256_hex(&token),
                role,
                created_by: &user.id,
                expires_at,
                max_uses,
            })
            .await?;
        Ok(CreatedInvite {
            id,
            url: format!("/invite/{token}"),
            token,
            role: role.as_str().to_string(),
            expires_at: iso8601(expires_at),
            max_uses,
        })
    }

    pub async fn invites(&self, raw_id: &str, user: &SessionUser) -> WorkspaceResult<Vec<InviteView>> {
        let workspace = self.owned(raw_id, user).await?;
        Ok(self.db.open_invites(&workspace.id).await?.into_iter().map(InviteView::from).collect())
    }

    pub async fn revoke_invite(&self, raw_id: &str, invite_id: &str, user: &SessionUser) -> WorkspaceResult<()> {
        let workspace = self.owned(raw_id, user).await?;
        let invite_id = ResourceId::parse(invite_id).ok_or(WorkspaceError::NotFound)?;
        if !self.db.revoke_invite(&workspace.id, invite_id.as_str()).await? {
            return Err(WorkspaceError::NotFound);
        }
        Ok(())
    }

    /// Join through an invite link. Accepting twice is harmless (and spends no use).
    pub async fn accept_invite(&self, token: &str, user: &SessionUser) -> WorkspaceResult<WorkspaceView> {
        if token.is_empty() || token.len() > 256 {
            return Err(WorkspaceError::NotFound);
        }
        let target = self.db.invite_by_token_hash(&sha256_hex(token)).await?.ok_or(WorkspaceError::NotFound)?;
        let invite = target.invite;
        if target.personal != 0 {
            // Made before personal workspaces stopped taking invites: never honoured.
            return Err(WorkspaceError::Gone("invites to personal workspaces are not accepted"));
        }
        if invite.revoked_at.is_some() {
            return Err(WorkspaceError::Gone("this invite was revoked"));
        }
        if invite.expires_at <= now_ms() {
            return Err(WorkspaceError::Gone("this invite has expired"));
        }
        let already = self.db.workspace_for_member(&invite.workspace_id, &user.id).await?;
        let role = MemberRole::parse(&invite.role).unwrap_or(MemberRole::Member);
        let satisfied = already.as_ref().is_some_and(|w| w.role == MemberRole::Owner || role == MemberRole::Member);
        if invite.uses >= invite.max_uses && !satisfied {
            return Err(WorkspaceError::Gone("this invite has been used up"));
        }
        if self.db.accept_invite(&invite, &user.id, role).await? == Accepted::Unusable {
            return Err(WorkspaceError::Gone("this invite has been used up"));
        }
        let joined =
            self.db.workspace_for_member(&invite.workspace_id, &user.id).await?.ok_or(WorkspaceError::NotFound)?;
        Ok(joined.into())
    }

    /// Owners remove anyone; anyone removes themself (leaves). The last owner stays, even
    /// when two owners remove each other at the same moment (see `Db::remove_member_checked`).
    pub async fn remove_member(&self, raw_id: &str, member_id: &str, user: &SessionUser) -> WorkspaceResult<()> {
        let workspace = self.membership(raw_id, user).await?;
        let leaving = member_id == user.id;
        if !leaving && workspace.role != MemberRole::Owner {
            return Err(WorkspaceError::Forbidden("only owners can remove members"));
        }
        let target = ResourceId::parse(member_id).ok_or(WorkspaceError::NotFound)?;
        match self.db.remove_member_checked(&workspace.id, &user.id, target.as_str()).await? {
            Removal::Removed => Ok(()),
            Removal::NotMember => Err(WorkspaceError::NotFound),
            Removal::NotOwner => Err(WorkspaceError::Forbidden("only owners can remove members")),
            Removal::LastOwner => {
                Err(WorkspaceError::Conflict("a workspace needs an owner: make someone else owner first".into()))
            }
        }
    }

    async fn membership(&self, raw_id: &str, user: &SessionUser) -> WorkspaceResult<WorkspaceRow> {
        let id = ResourceId::parse(raw_id).ok_or(WorkspaceError::NotFound)?;
        self.db.workspace_for_member(id.as_str(), &user.id).await?.ok_or(WorkspaceError::NotFound)
    }

    async fn owned(&self, raw_id: &str, user: &SessionUser) -> WorkspaceResult<WorkspaceRow> {
        let workspace = self.membership(raw_id, user).await?;
        if workspace.role != MemberRole::Owner {
            return Err(WorkspaceError::Forbidden("only the workspace's owners can do this"));
        }
        Ok(workspace)
    }
}
