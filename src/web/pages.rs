//! Page routes: every page is the same shell with its name in `data-page`, so the browser
//! loads the right module. Watch pages of videos anyone may see also carry Open Graph and
//! Twitter card tags so their links unfurl in chat tools.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};

use super::assets::embedded;
use super::html::escape;
use crate::app::AppState;
use crate::db::VideoRow;
use crate::videos::{share_path, Asset};

/// Scripts and styles only from this origin; media and images may also be blob:/data:
/// (the recorder previews its own stream). A stray `<script>` in user text could not run.
const CONTENT_SECURITY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'";

/// The same, and no other page may frame this one: a page that could be framed could be
/// overlaid with a decoy so a click meant for the decoy lands on "Delete" (clickjacking).
/// `X-Frame-Options` says the same to browsers that predate `frame-ancestors`.
const CONTENT_SECURITY_UNFRAMED: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Who may show a page inside a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Every page but one: no one.
    Denied,
    /// The embeddable player (`/v/{id}?embed=1` of a video anyone may watch), which oEmbed
    /// hands to other sites to put in an `<iframe>`. It shows the player alone: no
    /// comments, no owner controls, nothing a hidden click could change.
    Anywhere,
}

/// The shell with the page name, `<title>` and extra `<head>` tags filled in; it may not be framed.
pub fn shell(page: &str, title: &str, head: &str) -> Response {
    framed_shell(page, title, head, Framing::Denied)
}

/// [`shell`], saying who may frame it.
pub fn framed_shell(page: &str, title: &str, head: &str, framing: Framing) -> Response {
    let template = embedded("index.html").map(|a| a.bytes).unwrap_or_default();
    let body = String::from_utf8_lossy(&template)
        .replace("{{page}}", page)
        .replace("{{title}}", &escape(title))
        .replace("<!--{{head}}-->", head);
    let mut response = (
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response();
    let headers = response.headers_mut();
    match framing {
        Framing::Denied => {
            headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_UNFRAMED));
            headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        Framing::Anywhere => {
            headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY));
        }
    }
    response
}

pub async fn library() -> Response {
    shell("library", "Briefly", "")
}
pub async fn signup() -> Response {
    shell("signup", "Sign up · Briefly", "")
}
pub async fn login() -> Response {
    shell("login", "Sign in · Briefly", "")
}
pub async fn record() -> Response {
    shell("record", "Record · Briefly", "")
}
pub async fn search() -> Response {
    shell("search", "Search · Briefly", "")
}
pub async fn settings() -> Response {
    shell("settings", "Workspace settings · Briefly", "")
}
pub async fn invite(Path(_token): Path<String>) -> Response {
    shell("invite", "Join a workspace · Briefly", "")
}

/// `http(s)://host` as the caller reached us, for absolute URLs in meta tags.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// A video anonymous visitors may watch (public or unlisted), or `None`.
pub async fn shareable_video(state: &AppState, id: &str) -> Option<VideoRow> {
    state.videos.watchable(id, None).await.ok().map(|video| video.into_video())
}

/// `?embed=1` (what oEmbed's `<iframe>` loads) is the player alone, and the one page other
/// sites may frame, for videos anyone may watch; a private video's page is never framed.
pub async fn watch(State(state): State<AppState>, Path(id): Path<String>, uri: Uri, headers: HeaderMap) -> Response {
    // Read as the page's script reads it (`URLSearchParams.get`, the first value wins).
    let query = uri.query().unwrap_or_default().as_bytes();
    let embed = url::form_urlencoded::parse(query).find(|(key, _)| key == "embed").is_some_and(|(_, v)| v == "1");
    match shareable_video(&state, &id).await {
        Some(video) => {
            let head = share_meta(&video, &base_url(&state, &headers));
            let framing = if embed { Framing::Anywhere } else { Framing::Denied };
            framed_shell("watch", &format!("{} · Briefly", video.title), &head, framing)
        }
        None => shell("watch", "Briefly", ""),
    }
}

fn share_meta(video: &VideoRow, base: &str) -> String {
    let page = format!("{base}{}", share_path(&video.id));
    let title = escape(&video.title);
    let mut tags = vec![
        ("og:type", "video.other".to_string()),
        ("og:site_name", "Briefly".to_string()),
        ("og:title", title.clone()),
        ("og:url", escape(&page)),
        ("twitter:title", title),
    ];
    if let (Some(poster), Some(media)) = (Asset::Poster.url_if_exists(video), Asset::Media.url_if_exists(video)) {
        let poster = escape(&format!("{base}{poster}"));
        tags.push(("og:image", poster.clone()));
        tags.push(("twitter:image", poster));
        tags.push(("twitter:card", "summary_large_image".to_string()));
        tags.push(("og:video", escape(&format!("{base}{media}"))));
        tags.push(("og:video:type", "video/mp4".to_string()));
    } else {
        tags.push(("twitter:card", "summary".to_string()));
    }
    if let Some(ms) = video.duration_ms {
        tags.push(("video:duration", ((ms + 500) / 1000).to_string()));
    }
    let mut head: String = tags
        .into_iter()
        .map(|(property, content)| {
            let attribute = if property.starts_with("twitter:") { "name" } else { "property" };
            format!("<meta {attribute}=\"{property}\" content=\"{content}\">\n")
        })
        .collect();
    let oembed = format!("{base}/oembed?format=json&url={}", urlencoding::encode(&page));
    head.push_str(&format!(
        "<link rel=\"alternate\" type=\"application/json+oembed\" href=\"{}\" title=\"{}\">\n",
        escape(&oembed),
        escape(&video.title)
    ));
    head
}
