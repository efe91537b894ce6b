//! `/api/workspaces`, their members and invitations, and `/api/invites/{token}/accept`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::ApiJson;
use super::path::ApiPath;
use super::session::SignedIn;
use crate::api::error::{AppError, AppResult};
use crate::app::AppState;
use crate::domain::{LanguageChoice, WorkspaceName};
use crate::workspaces::{CreatedInvite, InviteInput, InviteView, MemberView, WorkspaceView};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewWorkspace)]
pub struct CreateBody {
    /// 1-100 characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    name: String,
}

#[utoipa::path(
    post,
    operation_id = "workspaces_create",
    path = "/api/workspaces",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    request_body = CreateBody,
    responses(
        (status = 201, description = "The new workspace; you are its owner", body = WorkspaceView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiJson(input): ApiJson<CreateBody>,
) -> AppResult<(StatusCode, Json<WorkspaceView>)> {
    let name = WorkspaceName::parse(&input.name).map_err(AppError::Validation)?;
    Ok((StatusCode::CREATED, Json(state.workspaces.create_workspace(&user, name).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceList {
    workspaces: Vec<WorkspaceView>,
}

#[utoipa::path(
    get,
    operation_id = "workspaces_list",
    path = "/api/workspaces",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "Workspaces you belong to, with your role", body = WorkspaceList),
        (status = 401, response = super::openapi::Unauthorized),
    )
)]
pub async fn list(State(state): State<AppState>, SignedIn(user): SignedIn) -> AppResult<Json<WorkspaceList>> {
    Ok(Json(WorkspaceList { workspaces: state.workspaces.workspaces(&user).await? }))
}

#[utoipa::path(
    get,
    operation_id = "workspaces_get",
    path = "/api/workspaces/{id}",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "The workspace, with your role", body = WorkspaceView),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<WorkspaceView>> {
    Ok(Json(state.workspaces.workspace(&id, &user).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WorkspaceChanges)]
pub struct UpdateBody {
    /// "auto" (detect each video's language) or a Whisper language code such as "de":
    /// what new videos are transcribed in unless a video says otherwise.
    #[schema(pattern = "^(auto|[a-z]{2,3})$", example = "auto")]
    default_language: Option<String>,
}

#[utoipa::path(
    patch,
    operation_id = "workspaces_update",
    path = "/api/workspaces/{id}",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The workspace", body = WorkspaceView),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateBody>,
) -> AppResult<Json<WorkspaceView>> {
    match body.default_language {
        Some(text) => {
            let language = LanguageChoice::parse(&text).map_err(AppError::Validation)?;
            Ok(Json(state.workspaces.set_default_language(&id, &user, language).await?))
        }
        None => Ok(Json(state.workspaces.workspace(&id, &user).await?)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    members: Vec<MemberView>,
}

#[utoipa::path(
    get,
    operation_id = "workspaces_members",
    path = "/api/workspaces/{id}/members",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "Members, with their emails (members only)", body = MemberList),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn members(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<MemberList>> {
    Ok(Json(MemberList { members: state.workspaces.members(&id, &user).await? }))
}

#[utoipa::path(
    delete,
    operation_id = "workspaces_remove_member",
    path = "/api/workspaces/{id}/members/{user_id}",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id"), ("user_id" = String, Path, description = "The member; your own id to leave")),
    responses(
        (status = 204, description = "Removed (or left)"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((id, user_id)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    state.workspaces.remove_member(&id, &user_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewInvite)]
pub struct InviteBody {
    /// `member` (default) or `owner`.
    #[schema(pattern = "^(member|owner)$")]
    role: Option<String>,
    /// 1-720 (default 168, a week).
    #[schema(minimum = 1, maximum = 720)]
    expires_in_hours: Option<i64>,
    /// How many people the link admits: 1-1000 (default 1).
    #[schema(minimum = 1, maximum = 1000)]
    max_uses: Option<i64>,
}

#[utoipa::path(
    post,
    operation_id = "workspaces_invite",
    path = "/api/workspaces/{id}/invites",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    request_body = InviteBody,
    responses(
        (status = 201, description = "An invite link; the token is shown only here", body = CreatedInvite),
        (status = 400, response = super::openapi::BadRequest),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::PayloadTooLarge),
        (status = 415, response = super::openapi::UnsupportedMediaType),
        (status = 422, response = super::openapi::ValidationFailed),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<InviteBody>,
) -> AppResult<(StatusCode, Json<CreatedInvite>)> {
    let input = InviteInput { role: input.role, expires_in_hours: input.expires_in_hours, max_uses: input.max_uses };
    Ok((StatusCode::CREATED, Json(state.workspaces.invite(&id, &user, input).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct InviteList {
    invites: Vec<InviteView>,
}

#[utoipa::path(
    get,
    operation_id = "workspaces_invites",
    path = "/api/workspaces/{id}/invites",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "Open invites (owners only)", body = InviteList),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn invites(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<InviteList>> {
    Ok(Json(InviteList { invites: state.workspaces.invites(&id, &user).await? }))
}

#[utoipa::path(
    delete,
    operation_id = "workspaces_revoke_invite",
    path = "/api/workspaces/{id}/invites/{invite_id}",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Workspace id"), ("invite_id" = String, Path, description = "Invite id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 404, response = super::openapi::NotFound),
    )
)]
pub async fn revoke_invite(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((id, invite_id)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    state.workspaces.revoke_invite(&id, &invite_id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    operation_id = "workspaces_accept_invite",
    path = "/api/invites/{token}/accept",
    tag = "workspaces",
    security(("session" = []), ("bearer" = [])),
    params(("token" = String, Path, description = "The token from the invite link")),
    responses(
        (status = 200, description = "You are a member (accepting twice is harmless)", body = WorkspaceView),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 404, response = super::openapi::NotFound),
        (status = 410, response = super::openapi::Gone),
    )
)]
pub async fn accept_invite(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(token): ApiPath<String>,
) -> AppResult<Json<WorkspaceView>> {
    Ok(Json(state.workspaces.accept_invite(&token, &user).await?))
}
