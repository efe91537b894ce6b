//! The web app's server side: page shells, embedded assets with caching headers, share
//! meta tags only for videos anyone may watch (escaped), oEmbed, and 404s that stay JSON
//! under /api.

use reqwest::StatusCode;

use crate::helpers::{header, TestApp};
use crate::matrix;

matrix!(pages_and_assets_are_served_with_types_and_caching, share_meta_and_oembed_only_for_shareable_videos);

async fn pages_and_assets_are_served_with_types_and_caching(app: TestApp) {
    let visitor = app.anonymous();
    for path in ["/", "/signup", "/login", "/record", "/search?q=x", "/settings", "/invite/abc", "/v/unknown"] {
        let response = visitor.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, "content-type"), "text/html; charset=utf-8", "{path}");
        assert!(header(&response, "content-security-policy").contains("script-src 'self'"), "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("/assets/app.js"), "{path}");
        assert!(!body.contains("{{"), "{path}: unfilled placeholder");
    }
    let login = visitor.get("/login").send().await.unwrap().text().await.unwrap();
    assert!(login.contains(r#"data-page="login""#));

    let script = visitor.get("/assets/app.js").send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(header(&script, "content-type"), "text/javascript; charset=utf-8");
    assert_eq!(header(&script, "cache-control"), "no-cache");
    let etag = header(&script, "etag");
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let on_disk = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/web/app.js")).unwrap();
    assert!(script.bytes().await.unwrap().as_ref() == on_disk.as_slice(), "serves the embedded web/app.js");
    let again = visitor.get("/assets/app.js").header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let css = visitor.get("/assets/app.css").send().await.unwrap();
    assert_eq!(header(&css, "content-type"), "text/css; charset=utf-8");
    let nested = visitor.get("/assets/pages/watch.js").send().await.unwrap();
    assert_eq!(nested.status(), StatusCode::OK);

    assert_eq!(visitor.get("/assets/nope.js").send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(visitor.get("/assets/../Cargo.toml").send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let api_missing = visitor.get("/api/nope").send().await.unwrap();
    assert_eq!(api_missing.status(), StatusCode::NOT_FOUND);
    assert!(header(&api_missing, "content-type").starts_with("application/json"));
    let page_missing = visitor.get("/no-such-page").send().await.unwrap();
    assert_eq!(page_missing.status(), StatusCode::NOT_FOUND);
    assert!(header(&page_missing, "content-type").starts_with("text/html"));
}

async fn share_meta_and_oembed_only_for_shareable_videos(app: TestApp) {
    let ada = app.sign_up("Ada").await;
    let visitor = app.anonymous();
    let hostile_title = r#"Q3 "plan" <script>alert(1)</script> & more"#;
    let unlisted = ada.create_video(hostile_title, "unlisted").await;
    let private = ada.create_video("Secret roadmap", "private").await;
    let unlisted_id = unlisted["id"].as_str().unwrap();
    let private_id = private["id"].as_str().unwrap();

    let page = visitor.get(&format!("/v/{unlisted_id}")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<meta property="og:title" content="Q3 &quot;plan&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more">"#), "{page}");
    assert!(page.contains(r#"<meta name="twitter:card""#));
    assert!(page.contains(&format!("/v/{unlisted_id}\">")), "og:url");
    assert!(page.contains("application/json+oembed"));
    assert!(!page.contains("<script>alert"), "title must be escaped");

    // A private video's page says nothing about it, even to its owner's share link.
    let secret = visitor.get(&format!("/v/{private_id}")).send().await.unwrap().text().await.unwrap();
    assert!(!secret.contains("og:title") && !secret.contains("Secret roadmap"), "{secret}");
    let owner_view = ada.get(&format!("/v/{private_id}")).send().await.unwrap().text().await.unwrap();
    assert!(!owner_view.contains("Secret roadmap"), "meta tags are for unfurling, never for private videos");

    let share_url = app.url(&format!("/v/{unlisted_id}?t=10"));
    let oembed = visitor.get("/oembed").query(&[("url", share_url.as_str()), ("format", "json")]).send().await.unwrap();
    assert_eq!(oembed.status(), StatusCode::OK);
    let body: serde_json::Value = oembed.json().await.unwrap();
    assert_eq!(body["version"], "1.0");
    assert_eq!(body["type"], "video");
    assert_eq!(body["title"], hostile_title);
    let html = body["html"].as_str().unwrap();
    assert!(html.starts_with("<iframe ") && html.contains(&format!("/v/{unlisted_id}?embed=1")), "{html}");
    assert!(!html.contains("<script>"), "{html}");

    let private_url = app.url(&format!("/v/{private_id}"));
    let hidden = visitor.get("/oembed").query(&[("url", private_url.as_str())]).send().await.unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let xml = visitor.get("/oembed").query(&[("url", share_url.as_str()), ("format", "xml")]).send().await.unwrap();
    assert_eq!(xml.status(), StatusCode::NOT_IMPLEMENTED);
    let missing = visitor.get("/oembed").send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
}
