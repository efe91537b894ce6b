//! The OpenAPI document: served, 3.1, and describing every route the router registers
//! (and nothing it does not). The route list is read from the router's source: handlers
//! given to `.routes(routes!(...))` are routed and documented together from their
//! `#[utoipa::path]`, while a plain `.route(...)` bypasses the document, so an API route
//! added that way without being documented (or documented and no longer routed) fails here.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{assert_error, header, TestApp};
use crate::matrix;

matrix!(
    the_document_is_openapi_3_1_with_both_security_schemes,
    every_route_of_the_router_is_documented,
    every_error_status_is_the_json_error_body,
    a_path_id_that_is_not_utf8_is_a_json_404,
    a_tus_patch_declaring_an_absurd_length_is_413,
    a_json_body_must_be_an_object,
);

const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

async fn document(app: &TestApp) -> Value {
    let response = app.anonymous().get("/api/openapi.json").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "application/json");
    response.json().await.unwrap()
}

async fn the_document_is_openapi_3_1_with_both_security_schemes(app: TestApp) {
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."), "{}", doc["openapi"]);
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "briefly_session");
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let ids: Vec<String> =
        operations(&doc).iter().map(|(_, _, op)| op["operationId"].as_str().unwrap().to_string()).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "operationIds must be unique: {ids:?}");
}

async fn every_route_of_the_router_is_documented(app: TestApp) {
    let doc = document(&app).await;
    let documented: BTreeSet<(String, String)> =
        operations(&doc).into_iter().map(|(path, method, _)| (path, method)).collect();
    let routed = routes_in_source();
    assert!(routed.len() >= 40, "the router scan found too few routes: {routed:?}");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    assert!(undocumented.is_empty(), "routes missing from /api/openapi.json: {undocumented:?}");
    let stale: Vec<_> = documented.difference(&routed).collect();
    assert!(stale.is_empty(), "documented but not routed: {stale:?}");
}

/// Each operation: signed-in ones say 401, ones looking up a path id say 404, and every 4xx
/// is the one JSON error body.
async fn every_error_status_is_the_json_error_body(app: TestApp) {
    let doc = document(&app).await;
    for (path, method, op) in operations(&doc) {
        let responses = op["responses"].as_object().unwrap();
        let signed_in_only = op["security"].as_array().is_some_and(|s| !s.iter().any(|r| r == &serde_json::json!({})));
        if signed_in_only {
            assert!(responses.contains_key("401"), "{method} {path} needs sign-in but does not document 401");
        }
        // tus discovery (OPTIONS) answers the same for any upload id, so it has no 404.
        let takes_an_id =
            method != "options" && op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
        if takes_an_id {
            assert!(responses.contains_key("404"), "{method} {path} takes an id but does not document 404");
        }
        for (status, response) in responses {
            if !status.starts_with('4') {
                continue;
            }
            let schema = match response.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap();
                    &doc["components"]["responses"][name]["content"]["application/json"]["schema"]
                }
                None => &response["content"]["application/json"]["schema"],
            };
            assert_eq!(schema["$ref"], "#/components/schemas/ErrorBody", "{method} {path} {status}");
        }
    }
    let rate_limited = &doc["components"]["responses"]["RateLimited"];
    assert!(rate_limited["headers"]["Retry-After"].is_object(), "429 documents Retry-After");
}

async fn a_path_id_that_is_not_utf8_is_a_json_404(app: TestApp) {
    let owner = app.sign_up("Ursula").await;
    for path in ["/api/videos/%FF", "/api/videos/%C0%AF/comments", "/api/workspaces/%FF/members"] {
        assert_error(owner.get(path).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
    }
}

/// Found by schemathesis: serde fills a struct from an array of its fields, so
/// `[null, null]` created an invite.
async fn a_json_body_must_be_an_object(app: TestApp) {
    let owner = app.sign_up("Vera").await;
    let invites = format!("/api/workspaces/{}/invites", owner.workspace_id);
    for body in ["[null, null]", "[]", "\"member\"", "7"] {
        let response = owner
            .request(Method::POST, &invites)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let not_json =
        owner.request(Method::POST, &invites).header("Content-Type", "application/json").body("nope").send().await;
    assert_error(not_json.unwrap(), StatusCode::BAD_REQUEST, "bad_request").await;
    let listed: Value = owner.get(&invites).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["invites"].as_array().unwrap().len(), 0, "nothing was created: {listed}");
}

/// Found by probing beyond what schemathesis generates: `offset + Content-Length` overflowed (a panic,
/// so a 500, in debug builds; a wrapped, passing size check in release builds).
async fn a_tus_patch_declaring_an_absurd_length_is_413(app: TestApp) {
    let owner = app.sign_up("Uma").await;
    let created = owner.tus_create(Some(100), &[]).await;
    let location = header(&created, "location");
    let first = owner.tus_patch(&location, 0, vec![7; 10]).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let token: Value = owner
        .request(Method::POST, "/api/tokens")
        .json(&serde_json::json!({ "name": "raw" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // reqwest will not send a Content-Length it cannot honour, so speak HTTP by hand; the
    // half-close ends the body early, as a client that gave up would.
    let addr = app.addr.trim_start_matches("http://").to_string();
    let request = format!(
        "PATCH {location} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nTus-Resumable: 1.0.0\r\n\
         Upload-Offset: 10\r\nContent-Type: application/offset+octet-stream\r\n\
         Content-Length: 18446744073709551610\r\nConnection: close\r\n\r\n",
        token["token"].as_str().unwrap()
    );
    let status_line = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let mut answer = Vec::new();
        let _ = stream.take(64 * 1024).read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_string()
    })
    .await
    .unwrap();
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line:?}");
    let head = owner.tus_head(&location).await;
    assert_eq!(header(&head, "upload-offset"), "10", "nothing of the refused PATCH was kept");
}

/// `(path, method, operation)` for every operation in the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }
    out
}

/// `(path, method)` for every route in `src/api/` and `src/web/` that answers machines:
/// `/api/...`, `/healthz` and `/oembed` (HTML pages and static files are not part of the
/// API). Read from both ways of routing: `.routes(routes!(...))` and plain `.route(...)`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = ["src/api", "src/web"].into_iter().flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap());
    let mut routes = BTreeSet::new();
    for entry in files {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        assert!(!source.contains(".nest("), "{path:?}: the route scan does not follow .nest(); extend it");
        routes.extend(scan_routes(&source));
        routes.extend(scan_openapi_routes(root, &source));
    }
    routes
}

/// `.routes(routes!(a::x, a::y))`, possibly with the `routes!` wrapped (`tus_layers(routes!(...))`):
/// `routes!` routes each handler at the method and path of its `#[utoipa::path]`, so those
/// are read from the attribute. A `routes!` outside `.routes(` routes nothing (it only
/// documents, as for oEmbed) and is not counted.
fn scan_openapi_routes(root: &std::path::Path, source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(".routes(") {
        rest = &rest[at + ".routes(".len()..];
        let arguments = balanced(rest);
        let Some(start) = arguments.find("routes!(") else { continue };
        let handlers = balanced(&arguments[start + "routes!(".len()..]);
        let routes: Vec<_> =
            handlers.split(',').map(str::trim).filter(|h| !h.is_empty()).map(|h| path_attribute(root, h)).collect();
        // One `routes!` with several paths routes every one of its handlers at every path.
        assert!(routes.iter().all(|(path, _)| *path == routes[0].0), "one path per routes!(...): {routes:?}");
        found.extend(routes);
    }
    found
}

/// The `(path, method)` of the `#[utoipa::path]` on `handler`, named as from `src/api/mod.rs`
/// (`healthz`, `videos::create`, `crate::web::oembed::oembed`).
fn path_attribute(root: &std::path::Path, handler: &str) -> (String, String) {
    let segments: Vec<&str> = handler.split("::").collect();
    let (name, modules) = segments.split_last().unwrap();
    let file = match modules {
        [] => root.join("src/api/mod.rs"),
        ["crate", inner @ ..] => root.join("src").join(inner.join("/")).with_extension("rs"),
        _ => root.join("src/api").join(modules.join("/")).with_extension("rs"),
    };
    let source = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{handler}: reading {file:?}: {e}"));
    let definition =
        source.find(&format!("async fn {name}(")).unwrap_or_else(|| panic!("{handler}: no fn in {file:?}"));
    let opening = "#[utoipa::path(";
    let attribute_at =
        source[..definition].rfind(opening).unwrap_or_else(|| panic!("{handler} has no #[utoipa::path]"));
    let attribute = balanced(&source[attribute_at + opening.len()..]);
    let between = &source[attribute_at + opening.len() + attribute.len()..definition];
    assert!(!between.contains("\n}"), "{handler}: the nearest #[utoipa::path] above it belongs to another item");
    let method = attribute.split(',').next().unwrap().trim();
    assert!(METHODS.contains(&method), "{handler}: the attribute must start with one method: {method:?}");
    let path = attribute
        .split_once("path = \"")
        .and_then(|(_, after)| after.split_once('"'))
        .unwrap_or_else(|| panic!("{handler}: no path = \"...\" in its attribute"))
        .0;
    (path.to_string(), method.to_string())
}

/// Plain `.route("...", get(...).post(...))`: these are not in the document unless added
/// to it separately.
fn scan_routes(source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let Some(open) = rest.trim_start().strip_prefix('"') else { continue };
        let Some(close) = open.find('"') else { break };
        let route = &open[..close];
        let expression = balanced(&open[close + 1..]);
        if !(route.starts_with("/api/") || route == "/healthz" || route == "/oembed") {
            continue;
        }
        for method in METHODS {
            let call = format!("{method}(");
            let mentioned = expression
                .match_indices(&call)
                .any(|(i, _)| i == 0 || !expression[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if mentioned {
                found.push((route.to_string(), method.to_string()));
            }
        }
    }
    found
}

/// The rest of a call's arguments: up to the parenthesis that closes it.
fn balanced(text: &str) -> &str {
    let mut depth = 1usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}
