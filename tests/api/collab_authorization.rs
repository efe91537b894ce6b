//! The authorization matrix for collaboration endpoints: anonymous / signed-in outsider /
//! workspace member / owner x private / unlisted / public x every endpoint. Something
//! hidden never reveals that it exists (404); visible but not yours is 403.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{TestApp, User};
use crate::matrix;
use crate::workspaces::{create_workspace, join};

matrix!(collaboration_endpoints_respect_membership_and_visibility);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Outsider,
    Member,
    Owner,
}

const ACTIONS: &[&str] = &[
    "list_comments",
    "post_comment",
    "edit_comment",
    "delete_comment",
    "list_reactions",
    "post_reaction",
    "delete_reaction",
    "record_view",
    "viewers",
    "events",
];

fn expected(who: Who, visibility: &str, action: &str) -> StatusCode {
    let writes = matches!(
        action,
        "post_comment" | "edit_comment" | "delete_comment" | "post_reaction" | "delete_reaction" | "viewers"
    );
    if who == Who::Anonymous && writes {
        return StatusCode::UNAUTHORIZED;
    }
    let can_see = matches!(who, Who::Member | Who::Owner) || visibility != "private";
    if !can_see {
        return StatusCode::NOT_FOUND;
    }
    match action {
        "list_comments" | "list_reactions" | "record_view" | "events" => StatusCode::OK,
        "post_comment" | "post_reaction" => StatusCode::CREATED,
        // The comment and reaction under test are the owner's.
        "edit_comment" if who == Who::Owner => StatusCode::OK,
        "delete_comment" | "delete_reaction" if who == Who::Owner => StatusCode::NO_CONTENT,
        "edit_comment" | "delete_comment" | "delete_reaction" => StatusCode::FORBIDDEN,
        "viewers" if who == Who::Outsider => StatusCode::FORBIDDEN,
        "viewers" => StatusCode::OK,
        other => panic!("unknown action {other}"),
    }
}

struct Target {
    video_id: String,
    comment_id: String,
    reaction_id: String,
}

async fn target(owner: &User, workspace: &str, visibility: &str) -> Target {
    let video: Value = owner
        .request(Method::POST, "/api/videos")
        .json(&json!({ "title": format!("{visibility} video"), "visibility": visibility, "workspace_id": workspace }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let video_id = video["id"].as_str().unwrap().to_string();
    let post = |path: String, body: Value| owner.request(Method::POST, &path).json(&body).send();
    let comment: Value = post(format!("/api/videos/{video_id}/comments"), json!({ "body": "owner's" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reaction: Value =
        post(format!("/api/videos/{video_id}/reactions"), json!({ "emoji": "👍", "timestamp_ms": 0 }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    Target {
        video_id,
        comment_id: comment["id"].as_str().unwrap().to_string(),
        reaction_id: reaction["id"].as_str().unwrap().to_string(),
    }
}

async fn attempt(user: &User, action: &str, t: &Target) -> StatusCode {
    let video = format!("/api/videos/{}", t.video_id);
    let request = match action {
        "list_comments" => user.get(&format!("{video}/comments")),
        "post_comment" => user.request(Method::POST, &format!("{video}/comments")).json(&json!({ "body": "hi" })),
        "edit_comment" => {
            user.request(Method::PATCH, &format!("/api/comments/{}", t.comment_id)).json(&json!({ "body": "edit" }))
        }
        "delete_comment" => user.request(Method::DELETE, &format!("/api/comments/{}", t.comment_id)),
        "list_reactions" => user.get(&format!("{video}/reactions")),
        "post_reaction" => {
            user.request(Method::POST, &format!("{video}/reactions")).json(&json!({ "emoji": "🎉", "timestamp_ms": 0 }))
        }
        "delete_reaction" => user.request(Method::DELETE, &format!("/api/reactions/{}", t.reaction_id)),
        "record_view" => user.request(Method::POST, &format!("{video}/views")).json(&json!({ "watched_ms": 1 })),
        "viewers" => user.get(&format!("{video}/viewers")),
        "events" => user.get(&format!("{video}/events")),
        other => panic!("unknown action {other}"),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    if !status.is_success() {
        let body: Value = response.json().await.expect("errors are JSON");
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    status
}

async fn collaboration_endpoints_respect_membership_and_visibility(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let member = app.sign_up("Mia").await;
    let outsider = app.sign_up("Oscar").await;
    let anonymous = app.anonymous();
    let workspace = create_workspace(&owner, "Team").await;
    join(&owner, &member, &workspace).await;

    let mut failures = Vec::new();
    for visibility in ["private", "unlisted", "public"] {
        // Destructive actions get a fresh target per attempt, so order does not matter.
        for (who, user) in
            [(Who::Anonymous, &anonymous), (Who::Outsider, &outsider), (Who::Member, &member), (Who::Owner, &owner)]
        {
            for action in ACTIONS {
                let t = target(&owner, &workspace, visibility).await;
                let got = attempt(user, action, &t).await;
                let want = expected(who, visibility, action);
                if got != want {
                    failures.push(format!("{who:?} {action} on {visibility}: got {got}, want {want}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "authorization mismatches:\n{}", failures.join("\n"));
}
