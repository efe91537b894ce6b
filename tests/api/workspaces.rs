//! Workspaces: creating, inviting, joining, members' access, removing and leaving.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, TestApp, User};
use crate::matrix;

matrix!(invited_members_share_private_videos, invites_expire_and_can_be_revoked, removing_members_and_leaving);

pub async fn create_workspace(user: &User, name: &str) -> String {
    let response = user.request(Method::POST, "/api/workspaces").json(&json!({ "name": name })).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["role"], "owner");
    assert_eq!(body["personal"], false);
    body["id"].as_str().unwrap().to_string()
}

pub async fn invite(user: &User, workspace_id: &str, body: Value) -> reqwest::Response {
    user.request(Method::POST, &format!("/api/workspaces/{workspace_id}/invites")).json(&body).send().await.unwrap()
}

/// Invite `guest` into the workspace as a member and have them accept.
pub async fn join(owner: &User, guest: &User, workspace_id: &str) {
    let created: Value = invite(owner, workspace_id, json!({})).await.json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    let accepted = guest.request(Method::POST, &format!("/api/invites/{token}/accept")).send().await.unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
}

async fn invited_members_share_private_videos(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let guest = app.sign_up("Gus").await;
    let workspace = create_workspace(&owner, "Platform team").await;
    let listed: Value = owner.get("/api/workspaces").send().await.unwrap().json().await.unwrap();
    let names: Vec<&str> =
        listed["workspaces"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "personal + new: {names:?}");
    assert!(names.contains(&"Platform team"));

    let video: Value = owner
        .request(Method::POST, "/api/videos")
        .json(&json!({ "title": "Team only", "visibility": "private", "workspace_id": workspace }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let video_path = format!("/api/videos/{}", video["id"].as_str().unwrap());
    assert_eq!(guest.get(&video_path).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_error(
        guest.get(&format!("/api/workspaces/{workspace}/members")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let response = invite(&owner, &workspace, json!({ "role": "member", "expires_in_hours": 48 })).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    assert_eq!(created["url"], format!("/invite/{token}"));
    assert_eq!(created["role"], "member");
    let open: Value =
        owner.get(&format!("/api/workspaces/{workspace}/invites")).send().await.unwrap().json().await.unwrap();
    assert_eq!(open["invites"][0]["id"], created["id"]);
    assert!(open["invites"][0].get("token").is_none(), "tokens are shown once");

    assert_error(
        app.anonymous().request(Method::POST, &format!("/api/invites/{token}/accept")).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let joined = guest.request(Method::POST, &format!("/api/invites/{token}/accept")).send().await.unwrap();
    assert_eq!(joined.status(), StatusCode::OK);
    let joined: Value = joined.json().await.unwrap();
    assert_eq!(joined["id"], workspace);
    assert_eq!(joined["role"], "member");

    // Members see private videos, comment on them, and list members; they do not manage.
    assert_eq!(guest.get(&video_path).send().await.unwrap().status(), StatusCode::OK);
    let comment = guest
        .request(Method::POST, &format!("{video_path}/comments"))
        .json(&json!({ "body": "looks good" }))
        .send()
        .await
        .unwrap();
    assert_eq!(comment.status(), StatusCode::CREATED);
    let members: Value =
        guest.get(&format!("/api/workspaces/{workspace}/members")).send().await.unwrap().json().await.unwrap();
    let roles: Vec<(&str, &str)> = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"]["name"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("Olivia", "owner"), ("Gus", "member")]);
    assert_error(invite(&guest, &workspace, json!({})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(guest.request(Method::DELETE, &video_path).send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden")
        .await;
    let listed: Value =
        guest.get(&format!("/api/videos?workspace_id={workspace}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["videos"][0]["id"], video["id"]);

    // Bad input.
    assert_error(
        owner.request(Method::POST, "/api/workspaces").json(&json!({ "name": "  " })).send().await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        owner.request(Method::POST, "/api/workspaces").json(&json!({ "name": "x".repeat(101) })).send().await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        invite(&owner, &workspace, json!({ "role": "admin" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(
        invite(&owner, &workspace, json!({ "expires_in_hours": 0 })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_error(invite(&owner, "nosuchworkspace", json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        guest.request(Method::POST, "/api/invites/not-a-real-token/accept").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn invites_expire_and_can_be_revoked(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let guest = app.sign_up("Gus").await;
    let workspace = create_workspace(&owner, "Design").await;
    let revoked: Value = invite(&owner, &workspace, json!({})).await.json().await.unwrap();
    let path = format!("/api/workspaces/{workspace}/invites/{}", revoked["id"].as_str().unwrap());
    assert_error(guest.request(Method::DELETE, &path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(owner.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_error(owner.request(Method::DELETE, &path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let accept = |token: &str| guest.request(Method::POST, &format!("/api/invites/{token}/accept")).send();
    assert_error(accept(revoked["token"].as_str().unwrap()).await.unwrap(), StatusCode::GONE, "gone").await;

    let expiring: Value = invite(&owner, &workspace, json!({ "expires_in_hours": 1 })).await.json().await.unwrap();
    let db = briefly::db::Db::connect(app.config.database_url()).await.unwrap();
    sqlx::query("UPDATE workspace_invites SET expires_at = 0").execute(db.pool()).await.unwrap();
    db.close().await;
    assert_error(accept(expiring["token"].as_str().unwrap()).await.unwrap(), StatusCode::GONE, "gone").await;
    assert_error(
        guest.get(&format!("/api/workspaces/{workspace}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn removing_members_and_leaving(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let first = app.sign_up("Fay").await;
    let second = app.sign_up("Sid").await;
    let workspace = create_workspace(&owner, "Ops").await;
    join(&owner, &first, &workspace).await;
    join(&owner, &second, &workspace).await;
    let remove = |by: &User, user_id: &str| {
        by.request(Method::DELETE, &format!("/api/workspaces/{workspace}/members/{user_id}")).send()
    };

    assert_error(remove(&first, &second.id).await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(remove(&owner, &second.id).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_error(
        second.get(&format!("/api/workspaces/{workspace}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(remove(&owner, &second.id).await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    // Members leave on their own; the last owner cannot.
    assert_eq!(remove(&first, &first.id).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_error(remove(&owner, &owner.id).await.unwrap(), StatusCode::CONFLICT, "conflict").await;
    assert_error(remove(&owner, "nosuchuser123").await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let members: Value =
        owner.get(&format!("/api/workspaces/{workspace}/members")).send().await.unwrap().json().await.unwrap();
    assert_eq!(members["members"].as_array().unwrap().len(), 1);
}
