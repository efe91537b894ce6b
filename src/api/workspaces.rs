//! `/api/workspaces`, their members and invitations, and `/api/invites/{token}/accept`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::json::ApiJson;
use super::session::SignedIn;
use crate::app::AppState;
use crate::collab::{CreatedInvite, InviteInput, InviteView, MemberView, WorkspaceView};
use crate::domain::WorkspaceName;
use crate::error::{AppError, AppResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiJson(input): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<WorkspaceView>)> {
    let name = WorkspaceName::parse(&input.name).map_err(AppError::Validation)?;
    Ok((StatusCode::CREATED, Json(state.collab.create_workspace(&user, name).await?)))
}

#[derive(Serialize)]
pub struct WorkspaceList {
    workspaces: Vec<WorkspaceView>,
}

pub async fn list(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<WorkspaceList>> {
    Ok(Json(WorkspaceList { workspaces: state.collab.workspaces(&user).await? }))
}

pub async fn get(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<WorkspaceView>> {
    Ok(Json(state.collab.workspace(&id, &user).await?))
}

#[derive(Serialize)]
pub struct MemberList {
    members: Vec<MemberView>,
}

pub async fn members(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<MemberList>> {
    Ok(Json(MemberList { members: state.collab.members(&id, &user).await? }))
}

pub async fn remove_member(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((id, user_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state.collab.remove_member(&id, &user_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    role: Option<String>,
    expires_in_hours: Option<i64>,
}

pub async fn invite(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<InviteBody>,
) -> AppResult<(StatusCode, Json<CreatedInvite>)> {
    let input = InviteInput { role: input.role, expires_in_hours: input.expires_in_hours };
    Ok((StatusCode::CREATED, Json(state.collab.invite(&id, &user, input).await?)))
}

#[derive(Serialize)]
pub struct InviteList {
    invites: Vec<InviteView>,
}

pub async fn invites(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<InviteList>> {
    Ok(Json(InviteList { invites: state.collab.invites(&id, &user).await? }))
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path((id, invite_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    state.collab.revoke_invite(&id, &invite_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn accept_invite(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(token): Path<String>,
) -> AppResult<Json<WorkspaceView>> {
    Ok(Json(state.collab.accept_invite(&token, &user).await?))
}
