//! Issue 14's edges, tried as an attacker would: a cross-site form aimed at a signed-in
//! browser, a page that frames the app, uploads that are streaming manifests pointing at
//! the server's own files and network, a workspace filter naming someone else's
//! workspace, and what a failed video's `error` gives away.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::fixture;
use crate::helpers::{assert_error, header, TestApp, User};
use crate::matrix;

matrix!(
    a_cross_site_write_with_the_session_cookie_is_refused,
    same_origin_browser_writes_and_uploads_work,
    bearer_calls_are_judged_by_the_token_alone,
    pages_refuse_to_be_framed_but_the_embed_player_may_be,
    streaming_manifests_are_not_followed,
    a_failed_video_says_why_without_internals,
    a_workspace_filter_outside_your_workspaces_is_404,
);

const EVIL: &str = "https://evil.example";

/// What a browser adds to a form POST or `fetch` from another site's page.
fn from_another_site(request: RequestBuilder) -> RequestBuilder {
    request.header("Sec-Fetch-Site", "cross-site").header("Origin", EVIL)
}

/// What a browser adds to a `fetch` from the app's own pages.
fn from_the_app(app: &TestApp, request: RequestBuilder) -> RequestBuilder {
    request.header("Sec-Fetch-Site", "same-origin").header("Origin", app.addr.as_str())
}

async fn video_count(user: &User) -> usize {
    let page: Value = user.get_json("/api/videos").await;
    page["videos"].as_array().unwrap().len()
}

async fn a_cross_site_write_with_the_session_cookie_is_refused(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let video = ada.create_video("Keep me", "private").await;
    let id = video["id"].as_str().unwrap();

    // Every way a browser reports another site: Sec-Fetch-Site (cross-site, or same-site
    // from a sibling subdomain), or only a foreign Origin (a browser without Fetch Metadata).
    let attempts: [(&str, &[(&str, &str)]); 4] = [
        ("cross-site", &[("Sec-Fetch-Site", "cross-site"), ("Origin", EVIL)]),
        ("cross-site, no origin", &[("Sec-Fetch-Site", "cross-site")]),
        ("same-site", &[("Sec-Fetch-Site", "same-site"), ("Origin", "http://evil.127.0.0.1.nip.io")]),
        ("origin only", &[("Origin", EVIL)]),
    ];
    for (how, headers) in attempts {
        let with = |mut request: RequestBuilder| {
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request
        };
        let create = with(ada.request(Method::POST, "/api/videos")).json(&json!({ "title": "planted" }));
        assert_error(create.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
        let delete = with(ada.request(Method::DELETE, &format!("/api/videos/{id}")));
        assert_error(delete.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
        let rename = with(ada.request(Method::PATCH, &format!("/api/videos/{id}"))).json(&json!({ "title": "pwned" }));
        assert_error(rename.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
        let upload = with(ada.request(Method::POST, "/api/uploads"))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "10");
        assert_error(upload.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
        let token = with(ada.request(Method::POST, "/api/tokens")).json(&json!({ "name": "stolen" }));
        assert_error(token.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
        let logout = with(ada.request(Method::POST, "/api/auth/logout"));
        assert_error(logout.send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
        assert_eq!(video_count(&ada).await, 1, "{how}: nothing was created or deleted");
    }
    let kept: Value = ada.get_json(&format!("/api/videos/{id}")).await;
    assert_eq!(kept["title"], "Keep me");
    assert_eq!(ada.get("/api/me").send().await.unwrap().status(), StatusCode::OK, "still signed in");

    // Login CSRF: another site cannot sign a visitor into an account of its choosing.
    let visitor = app.anonymous();
    let login = from_another_site(visitor.request(Method::POST, "/api/auth/login"))
        .json(&json!({ "email": ada.email, "password": "correct horse battery" }));
    let refused = login.send().await.unwrap();
    assert!(refused.headers().get("set-cookie").is_none());
    assert_error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    // Reads stay open to links from anywhere (a shared link is a cross-site navigation).
    let read = from_another_site(ada.get(&format!("/api/videos/{id}"))).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
}

async fn same_origin_browser_writes_and_uploads_work(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let created = from_the_app(&app, ada.request(Method::POST, "/api/videos"))
        .json(&json!({ "title": "mine" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    // An older browser: Origin only, naming this server.
    let older = ada.request(Method::POST, "/api/videos").header("Origin", app.addr.as_str());
    assert_eq!(older.json(&json!({ "title": "also mine" })).send().await.unwrap().status(), StatusCode::CREATED);

    // The recorder's tus upload: POST, then PATCHes, from the app's own page.
    let data = b"0123456789".to_vec();
    let create = from_the_app(&app, ada.request(Method::POST, "/api/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", data.len().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(create.status(), StatusCode::CREATED);
    let location = header(&create, "location");
    let patch = from_the_app(&app, ada.request(Method::PATCH, &location))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(data)
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&patch, "upload-offset"), "10");
    let out = from_the_app(&app, ada.request(Method::POST, "/api/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
}

async fn bearer_calls_are_judged_by_the_token_alone(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let created = ada.request(Method::POST, "/api/tokens").json(&json!({ "name": "cli" })).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let token = created.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    // A server-side integration may well send an Origin of its own; the token decides.
    let client = reqwest::Client::new();
    let video = from_another_site(client.post(app.url("/api/videos")))
        .bearer_auth(&token)
        .json(&json!({ "title": "from a script" }))
        .send()
        .await
        .unwrap();
    assert_eq!(video.status(), StatusCode::CREATED);
    let id = video.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let delete = from_another_site(client.delete(app.url(&format!("/api/videos/{id}")))).bearer_auth(&token);
    assert_eq!(delete.send().await.unwrap().status(), StatusCode::NO_CONTENT);
    // A bad bearer is a 401 even beside a good cookie: no fall back to the session.
    let forged = from_another_site(ada.request(Method::POST, "/api/videos")).bearer_auth("bfy_forged");
    assert_error(forged.json(&json!({ "title": "x" })).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthorized")
        .await;
}

fn assert_unframeable(response: &reqwest::Response, what: &str) {
    let csp = header(response, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(header(response, "x-frame-options"), "DENY", "{what}");
}

async fn pages_refuse_to_be_framed_but_the_embed_player_may_be(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let public = ada.create_video("Everyone", "public").await["id"].as_str().unwrap().to_string();
    let unlisted = ada.create_video("Link only", "unlisted").await["id"].as_str().unwrap().to_string();
    let private = ada.create_video("Mine", "private").await["id"].as_str().unwrap().to_string();
    let visitor = app.anonymous();
    let pages = [
        "/".to_string(),
        "/login".to_string(),
        "/signup".to_string(),
        "/record".to_string(),
        "/search".to_string(),
        "/settings".to_string(),
        "/invite/abc".to_string(),
        format!("/v/{public}"),
        format!("/v/{unlisted}?t=3"),
        format!("/v/{private}?embed=1"),
        format!("/v/{public}?embed=0"),
        "/no-such-page".to_string(),
    ];
    for path in &pages {
        for user in [&ada, &visitor] {
            let response = user.get(path).send().await.unwrap();
            assert!(header(&response, "content-type").starts_with("text/html"), "{path}");
            assert_unframeable(&response, path);
        }
    }
    // The player oEmbed hands out may be framed by any site, and stays script-locked.
    for id in [&public, &unlisted] {
        let oembed: Value =
            visitor.get_json(&format!("/oembed?url={}", urlencoding::encode(&app.url(&format!("/v/{id}"))))).await;
        let html = oembed["html"].as_str().unwrap();
        let src = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
        let path = src.strip_prefix(&app.addr).unwrap_or_else(|| panic!("{src}"));
        assert!(path.ends_with("?embed=1"), "{path}");
        let response = visitor.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let csp = header(&response, "content-security-policy");
        assert!(!csp.contains("frame-ancestors"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(response.headers().get("x-frame-options").is_none(), "{path}");
    }
}

/// Playlists, manifests and concat scripts whose entries point at a listener this test
/// runs and at files on the server (a real video, as MP4 and as the MPEG-TS segments HLS
/// plays, and `/etc/passwd`).
fn hostile_manifests(port: u16, local_ts: &std::path::Path) -> Vec<(&'static str, &'static str, String)> {
    let local_video = fixture("speech.mp4").display().to_string();
    let local_ts = local_ts.display().to_string();
    let hls = |entry: &str| {
        format!("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n{entry}\n#EXT-X-ENDLIST\n")
    };
    let dash = |base: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" \
             profiles=\"urn:mpeg:dash:profile:isoff-on-demand:2011\" type=\"static\" \
             mediaPresentationDuration=\"PT2S\" minBufferTime=\"PT1S\"><Period><AdaptationSet mimeType=\"video/mp4\">\
             <Representation id=\"1\" bandwidth=\"1000\" codecs=\"avc1.42c01e\" width=\"64\" height=\"64\">\
             <BaseURL>{base}</BaseURL></Representation></AdaptationSet></Period></MPD>\n"
        )
    };
    let concat = |entry: &str| format!("ffconcat version 1.0\nfile '{entry}'\n");
    let http = format!("http://127.0.0.1:{port}/x");
    vec![
        ("hls-local.m3u8", "application/vnd.apple.mpegurl", hls(&format!("file:{local_ts}"))),
        ("hls-bare-path.m3u8", "application/vnd.apple.mpegurl", hls(&local_ts)),
        ("hls-local-mp4.m3u8", "application/vnd.apple.mpegurl", hls(&format!("file:{local_video}"))),
        ("hls-http.m3u8", "application/vnd.apple.mpegurl", hls(&format!("{http}.ts"))),
        ("hls-passwd.m3u8", "application/vnd.apple.mpegurl", hls("file:/etc/passwd")),
        ("dash-local.mpd", "application/dash+xml", dash(&format!("file:{local_video}"))),
        ("dash-http.mpd", "application/dash+xml", dash(&format!("{http}.mp4"))),
        ("concat-http.ffconcat", "video/mp4", concat(&format!("{http}.mp4"))),
        ("concat-local.ffconcat", "video/mp4", concat(&format!("file:{local_video}"))),
        ("concat-passwd.txt", "video/mp4", concat("file:/etc/passwd")),
    ]
}

/// Poll (bounded) until processing settles.
async fn settled(user: &User, id: &str) -> Value {
    for _ in 0..600 {
        let video: Value = user.get_json(&format!("/api/videos/{id}")).await;
        if ["failed", "ready"].contains(&video["status"].as_str().unwrap()) {
            return video;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("video {id} did not settle within 120 s");
}

/// The owner's reason: short, and none of the chain behind it.
fn assert_user_facing(error: &str, what: &str) {
    assert!(!error.is_empty() && error.chars().count() <= 200, "{what}: {error:?}");
    let lower = error.to_lowercase();
    for internal in ["/", "caused by", "invalid data found", "ffmpeg", "internal", "\n", "gave up after"] {
        assert!(!lower.contains(internal), "{what}: {error:?} shows {internal:?}");
    }
}

async fn streaming_manifests_are_not_followed(app: TestApp) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // A video on the server's disk, as HLS segments are: what the uploader must not get.
    let server_side = tempfile::tempdir().unwrap();
    let local_ts = server_side.path().join("private.ts");
    let made = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(fixture("speech.mp4"))
        .args(["-c", "copy", "-f", "mpegts"])
        .arg(&local_ts)
        .status()
        .unwrap();
    assert!(made.success());
    let ada = app.sign_up("Ada").await;
    let mut uploaded = Vec::new();
    for (name, filetype, text) in hostile_manifests(port, &local_ts) {
        let id = ada.upload_file(text.as_bytes(), 64 * 1024, &[("filename", name), ("filetype", filetype)]).await;
        uploaded.push((name, id));
    }
    for (name, id) in &uploaded {
        let video = settled(&ada, id).await;
        assert_eq!(video["status"], "failed", "{name} must not become a video: {video}");
        let error = video["error"].as_str().unwrap_or_default();
        assert_eq!(error, "the file is not a recognised video or audio format", "{name}");
        assert_user_facing(error, name);
    }
    // A connection attempt would wait in the listener's backlog; none is there.
    let knocked = tokio::time::timeout(Duration::from_millis(300), listener.accept()).await;
    assert!(knocked.is_err(), "FFmpeg connected to the loopback listener: {knocked:?}");
    // Real recordings still go through the same open.
    let data = std::fs::read(fixture("speech.mp4")).unwrap();
    let good = ada.upload_file(&data, 256 * 1024, &[("filename", "speech.mp4"), ("filetype", "video/mp4")]).await;
    assert_eq!(settled(&ada, &good).await["status"], "ready");
}

async fn a_failed_video_says_why_without_internals(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    for (name, expected) in
        [("not-media.webm", "the file is not a recognised video or audio format"), ("empty.webm", "the file is empty")]
    {
        let data = std::fs::read(fixture(name)).unwrap();
        let id = ada.upload_file(&data, 64 * 1024, &[("filename", name), ("filetype", "video/webm")]).await;
        let video = settled(&ada, &id).await;
        assert_eq!(video["status"], "failed", "{name}: {video}");
        let error = video["error"].as_str().unwrap_or_default();
        assert_eq!(error, expected, "{name}");
        assert_user_facing(error, name);
    }
}

async fn a_workspace_filter_outside_your_workspaces_is_404(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let bob = app.sign_up("Bob").await;
    // Bob's public video: the old answer listed it, telling Ada the workspace exists.
    bob.create_video("Bob in public", "public").await;
    let foreign = format!("/api/videos?workspace_id={}", bob.workspace_id);
    assert_error(ada.get(&foreign).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    assert_error(app.anonymous().get(&foreign).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    let unknown = "/api/videos?workspace_id=wsdoesnotexist0000000000";
    assert_error(ada.get(unknown).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    assert_error(ada.get("/api/videos?workspace_id=../x").send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
        .await;
    let search = format!("/api/search?q=public&workspace_id={}", bob.workspace_id);
    assert_error(ada.get(&search).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(bob.get(&search).send().await.unwrap().status(), StatusCode::OK);
    // Members still filter by their workspace, public videos from elsewhere still list.
    let own: Value = bob.get_json(&foreign).await;
    assert_eq!(own["videos"][0]["title"], "Bob in public");
    let everything: Value = ada.get_json("/api/videos").await;
    assert!(everything["videos"].as_array().unwrap().iter().any(|v| v["title"] == "Bob in public"));
}
