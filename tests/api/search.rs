//! Full-text search over transcripts and titles, ranked, highlighted, and never showing
//! what the caller may not see.

use briefly::db::{Db, SegmentInput};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, TestApp, User};
use crate::matrix;

matrix!(finds_spoken_words_and_titles, search_respects_visibility, hostile_queries_are_harmless);

async fn index(app: &TestApp, video_id: &str, segments: &[(i64, i64, &str)]) {
    let db = Db::connect(app.config.database_url()).await.unwrap();
    let segments: Vec<SegmentInput> = segments
        .iter()
        .map(|(start_ms, end_ms, text)| SegmentInput { start_ms: *start_ms, end_ms: *end_ms, text: text.to_string() })
        .collect();
    db.replace_transcript(video_id, "en", &segments).await.unwrap();
    db.close().await;
}

async fn search(user: &User, q: &str) -> Vec<Value> {
    let response = user.get(&format!("/api/search?q={}", urlencoding::encode(q))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "search {q:?}");
    let body: Value = response.json().await.unwrap();
    body["hits"].as_array().unwrap().clone()
}

async fn finds_spoken_words_and_titles(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let video = ada.create_video("Quarterly planning", "private").await;
    let id = video["id"].as_str().unwrap();
    index(
        &app,
        id,
        &[
            (0, 2_000, "Hello team."),
            (2_000, 6_500, "We decided to delay the migration until next quarter."),
            (6_500, 9_000, "Thanks everyone <b>for</b> listening."),
        ],
    )
    .await;
    let other = ada.create_video("Unrelated", "private").await;
    index(
        &app,
        other["id"].as_str().unwrap(),
        &[(0, 3_000, "The migration of birds is fascinating, migration again.")],
    )
    .await;

    let hits = search(&ada, "when did we delay the migration").await;
    assert!(!hits.is_empty());
    let top = &hits[0];
    assert_eq!(top["video_id"], id, "the segment with all the words ranks first: {hits:?}");
    assert_eq!(top["kind"], "transcript");
    assert_eq!(top["start_ms"], 2_000);
    assert_eq!(top["end_ms"], 6_500);
    let snippet = top["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>migration</mark>"), "{snippet}");
    assert!(snippet.contains("<mark>delay</mark>"), "{snippet}");

    // Stemming: "delayed" finds "delay".
    let hits = search(&ada, "delayed migrations").await;
    assert!(hits.iter().any(|h| h["video_id"] == id && h["start_ms"] == 2_000), "{hits:?}");

    let titles = search(&ada, "planning").await;
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0]["kind"], "title");
    assert_eq!(titles[0]["snippet"], "Quarterly <mark>planning</mark>");

    let escaped = search(&ada, "listening").await;
    let snippet = escaped[0]["snippet"].as_str().unwrap();
    assert!(!snippet.contains("<b>"), "markup in stored text never reaches the snippet as markup: {snippet}");
    if app.backends == crate::helpers::Backends::SqliteDisk {
        // FTS5 keeps the text verbatim (escaped); PostgreSQL's ts_headline drops tag-like text.
        assert!(snippet.contains("&lt;b&gt;for&lt;/b&gt;"), "{snippet}");
    }

    // Renaming a video re-indexes its title.
    ada.request(Method::PATCH, &format!("/api/videos/{id}"))
        .json(&json!({ "title": "Roadmap review" }))
        .send()
        .await
        .unwrap();
    assert!(search(&ada, "planning").await.is_empty());
    assert_eq!(search(&ada, "roadmap").await.len(), 1);
    assert!(search(&ada, "nothing matches this").await.is_empty());
}

async fn search_respects_visibility(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    let anonymous = app.anonymous();
    let video = ada.create_video("Secret roadmap", "private").await;
    let id = video["id"].as_str().unwrap();
    index(&app, id, &[(1_000, 4_000, "The acquisition closes on Friday.")]).await;
    let set = |visibility: &'static str| {
        ada.request(Method::PATCH, &format!("/api/videos/{id}")).json(&json!({ "visibility": visibility })).send()
    };
    // Back to private at the end: what was said must stop being findable too.
    for (visibility, outsiders_find_it) in
        [("private", false), ("unlisted", false), ("public", true), ("private", false)]
    {
        assert_eq!(set(visibility).await.unwrap().status(), StatusCode::OK);
        assert_eq!(search(&ada, "acquisition").await.len(), 1, "the owner always finds it ({visibility})");
        for (who, user) in [("bob", &bob), ("anonymous", &anonymous)] {
            let said = !search(user, "acquisition").await.is_empty();
            let titled = !search(user, "roadmap").await.is_empty();
            assert_eq!((said, titled), (outsiders_find_it, outsiders_find_it), "{who} searching a {visibility} video");
        }
    }
    // Deleting the video removes it from search.
    ada.request(Method::DELETE, &format!("/api/videos/{id}")).send().await.unwrap();
    assert!(search(&ada, "acquisition").await.is_empty());
}

async fn hostile_queries_are_harmless(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let video = ada.create_video("Launch", "private").await;
    index(&app, video["id"].as_str().unwrap(), &[(0, 1_000, "launch on monday")]).await;
    for q in [
        "\"launch",
        "launch OR *",
        "NEAR(launch monday)",
        "launch'; DROP TABLE videos; --",
        "<script>alert(1)</script> launch",
        "ünïcödé launch",
    ] {
        let response = ada.get(&format!("/api/search?q={}", urlencoding::encode(q))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{q:?}");
    }
    assert_eq!(search(&ada, "launch'; DROP TABLE videos; --").await.len(), 0, "all words must match");
    assert_eq!(ada.get("/api/videos").send().await.unwrap().status(), StatusCode::OK, "tables intact");
    assert_error(ada.get("/api/search").send().await.unwrap(), StatusCode::BAD_REQUEST, "bad_request").await;
    assert_error(ada.get("/api/search?q=%21%21%21").send().await.unwrap(), StatusCode::BAD_REQUEST, "bad_request")
        .await;
    assert_error(ada.get("/api/search?q=launch&limit=0").send().await.unwrap(), StatusCode::BAD_REQUEST, "bad_request")
        .await;
    let long = "a".repeat(600);
    assert_error(
        ada.get(&format!("/api/search?q={long}")).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
}

matrix!(finds_comments_and_filters_by_workspace);

async fn finds_comments_and_filters_by_workspace(app: TestApp) {
    let owner = app.sign_up("Olivia").await;
    let outsider = app.sign_up("Oscar").await;
    let team = crate::workspaces::create_workspace(&owner, "Team").await;
    let in_team: serde_json::Value = owner
        .request(reqwest::Method::POST, "/api/videos")
        .json(&serde_json::json!({ "title": "Roadmap", "visibility": "private", "workspace_id": team }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let personal = owner.create_video("Personal notes", "private").await;
    for (video, body, at) in
        [(&in_team, "the <b>kubernetes</b> migration slips", 12_000), (&personal, "kubernetes later", 3_000)]
    {
        let response = owner
            .request(reqwest::Method::POST, &format!("/api/videos/{}/comments", video["id"].as_str().unwrap()))
            .json(&serde_json::json!({ "body": body, "timestamp_ms": at }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }

    let hits = search(&owner, "kubernetes").await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    let team_hit = hits.iter().find(|h| h["video_id"] == in_team["id"]).unwrap();
    assert_eq!(team_hit["kind"], "comment");
    assert_eq!(team_hit["start_ms"], 12_000);
    let snippet = team_hit["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>kubernetes</mark>") && snippet.contains("&lt;b&gt;"), "{snippet}");

    let filtered = owner.get(&format!("/api/search?q=kubernetes&workspace_id={team}")).send().await.unwrap();
    let filtered: serde_json::Value = filtered.json().await.unwrap();
    let ids: Vec<&serde_json::Value> = filtered["hits"].as_array().unwrap().iter().map(|h| &h["video_id"]).collect();
    assert_eq!(ids, [&in_team["id"]]);
    let bad = owner.get("/api/search?q=kubernetes&workspace_id=../x").send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Outsiders find nothing private, not even with the workspace id.
    assert!(search(&outsider, "kubernetes").await.is_empty());
    // A filter naming a workspace you are not in is 404, like one that does not exist.
    let sneaky = outsider.get(&format!("/api/search?q=kubernetes&workspace_id={team}")).send().await.unwrap();
    assert_eq!(sneaky.status(), StatusCode::NOT_FOUND);
    let unknown = owner.get("/api/search?q=kubernetes&workspace_id=wsdoesnotexist000000").send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // Deleted comments leave the index.
    let comments: serde_json::Value = owner
        .get(&format!("/api/videos/{}/comments", personal["id"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let comment_id = comments["comments"][0]["id"].as_str().unwrap();
    owner.request(reqwest::Method::DELETE, &format!("/api/comments/{comment_id}")).send().await.unwrap();
    assert_eq!(search(&owner, "kubernetes").await.len(), 1);
}
