//! Cross-site request forgery: refuse state changes a browser sends on another site's behalf.
//!
//! A page on another site can make a signed-in visitor's browser send a form POST here.
//! `SameSite=Lax` keeps the session cookie off cross-site POSTs, but not off *same-site*
//! ones (a sibling subdomain, another app on the same registrable domain), and not in
//! browsers that ignore the attribute. So every state-changing request (any method but
//! GET, HEAD, OPTIONS, TRACE) is checked here, as one layer over the whole router, so a
//! new endpoint cannot forget it:
//!
//! 1. A request with `Authorization` passes: it is judged by its bearer token alone
//!    (`session.rs`), and another site's page cannot attach one without a CORS preflight,
//!    which this server never grants.
//! 2. `Sec-Fetch-Site` (every current browser sends it) decides when present:
//!    `same-origin` and `none` (the user's own action) pass; `same-site` and `cross-site`
//!    are refused unless `Origin` names this very origin.
//! 3. Otherwise (older browsers) an `Origin` must name this origin: the request's `Host`,
//!    with `https` when the server runs with secure cookies (either scheme otherwise, for
//!    a TLS-terminating proxy in front of a plain-HTTP setup).
//! 4. A request with neither header passes: browsers always send one of them on these
//!    methods, so it comes from curl, a script or a test, which forge nothing.
//!
//! Sign-up and login are covered too (the caller has no session yet), so another site
//! cannot sign a visitor into an account of its choosing either.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::error::AppError;
use crate::app::AppState;

/// The 403 message, for people (the code is `forbidden`).
pub const REFUSED: &str = "cross-site request refused: this request came from another site's page";

pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let authority = request.uri().authority().map(|a| a.as_str().to_string());
    if !allowed(request.method(), request.headers(), authority.as_deref(), state.config.secure_cookies) {
        tracing::info!(method = %request.method(), path = request.uri().path(), "cross-site request refused");
        return AppError::Forbidden(REFUSED).into_response();
    }
    next.run(request).await
}

/// The decision, on the request's method, headers, URI authority (HTTP/2 has no `Host`
/// header) and whether the server is reached over HTTPS.
pub fn allowed(method: &Method, headers: &HeaderMap, uri_authority: Option<&str>, https: bool) -> bool {
    if method.is_safe() || headers.contains_key(AUTHORIZATION) {
        return true;
    }
    let origin = headers.get(ORIGIN).map(|v| v.to_str().unwrap_or("null"));
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).or(uri_authority);
    let same_origin = || origin.zip(host).is_some_and(|(origin, host)| origin_matches(origin, host, https));
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => true,
        Some(_) => same_origin(),
        None => origin.is_none() || same_origin(),
    }
}

/// Does the serialized `Origin` (`scheme://host[:port]`, or `null`) name `host`?
fn origin_matches(origin: &str, host: &str, https: bool) -> bool {
    let Some((scheme, origin_host)) = origin.split_once("://") else {
        return false; // `null`: a sandboxed frame, a privacy-redirected request.
    };
    let scheme = scheme.to_ascii_lowercase();
    let scheme_ok = if https { scheme == "https" } else { scheme == "http" || scheme == "https" };
    scheme_ok && without_default_port(origin_host, &scheme).eq_ignore_ascii_case(without_default_port(host, &scheme))
}

fn without_default_port<'a>(host: &'a str, scheme: &str) -> &'a str {
    let default = if scheme == "https" { ":443" } else { ":80" };
    host.strip_suffix(default).unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn post(pairs: &[(&'static str, &'static str)]) -> bool {
        allowed(&Method::POST, &headers(pairs), None, false)
    }

    #[test]
    fn browsers_on_this_origin_pass() {
        assert!(post(&[("host", "b.example"), ("sec-fetch-site", "same-origin"), ("origin", "http://b.example")]));
        assert!(post(&[("host", "b.example:8080"), ("origin", "http://b.example:8080")]));
        assert!(post(&[("host", "b.example"), ("origin", "https://B.example:443")]));
        assert!(post(&[("host", "b.example"), ("sec-fetch-site", "none")]));
        assert!(allowed(&Method::PATCH, &headers(&[("origin", "http://b.example")]), Some("b.example"), false));
    }

    #[test]
    fn other_sites_are_refused() {
        for pairs in [
            &[("host", "b.example"), ("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")][..],
            &[("host", "b.example"), ("sec-fetch-site", "cross-site")],
            &[("host", "b.example"), ("sec-fetch-site", "same-site"), ("origin", "https://evil.b.example")],
            &[("host", "b.example"), ("origin", "https://evil.example")],
            &[("host", "b.example:8080"), ("origin", "http://b.example:8081")],
            &[("host", "b.example"), ("origin", "null")],
            &[("origin", "http://b.example")],
        ] {
            assert!(!post(pairs), "{pairs:?}");
            assert!(!allowed(&Method::DELETE, &headers(pairs), None, false), "{pairs:?}");
        }
        let plain = headers(&[("host", "b.example"), ("origin", "http://b.example")]);
        assert!(!allowed(&Method::POST, &plain, None, true), "an https server refuses an http origin");
    }

    #[test]
    fn reads_bearer_calls_and_scripts_pass() {
        let cross = [("host", "b.example"), ("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")];
        assert!(allowed(&Method::GET, &headers(&cross), None, false));
        assert!(allowed(&Method::OPTIONS, &headers(&cross), None, false));
        let mut bearer = headers(&cross);
        bearer.insert(AUTHORIZATION, "Bearer bfy_x".parse().unwrap());
        assert!(allowed(&Method::POST, &bearer, None, false));
        assert!(post(&[]), "curl sends neither header");
    }
}
