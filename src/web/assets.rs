//! Static files embedded from `web/` at build time (see `build.rs`).
//!
//! Caching: file names are not content-hashed (no build step), so browsers revalidate on
//! every load (`no-cache`) with a strong ETag and get a bodyless 304 when nothing changed.
//!
//! For working on the web app, `BRIEFLY_WEB_DIR=web` serves the files from that folder
//! instead, read on each request, so an edit shows up on reload without a rebuild.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, PathBuf};
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::api::error::AppError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_files.rs"));
}

#[derive(Clone)]
pub struct Asset {
    pub bytes: Cow<'static, [u8]>,
    pub etag: String,
}

impl Asset {
    fn new(bytes: Cow<'static, [u8]>) -> Asset {
        let digest = Sha256::digest(&bytes);
        Asset { etag: format!("\"{}\"", hex::encode(&digest[..12])), bytes }
    }
}

fn table() -> &'static HashMap<&'static str, Asset> {
    static TABLE: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    TABLE.get_or_init(|| {
        embedded::FILES.iter().map(|(path, bytes)| (*path, Asset::new(Cow::Borrowed(*bytes)))).collect()
    })
}

fn development_dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("BRIEFLY_WEB_DIR").map(PathBuf::from)).as_ref()
}

/// A file of the web app, by its path relative to `web/` (cheap: embedded bytes are borrowed).
pub fn embedded(path: &str) -> Option<Asset> {
    match development_dir() {
        Some(dir) => {
            let relative = std::path::Path::new(path);
            if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
                return None;
            }
            std::fs::read(dir.join(relative)).ok().map(|bytes| Asset::new(Cow::Owned(bytes)))
        }
        None => table().get(path).cloned(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let file = embedded(&path).ok_or(AppError::NotFound)?;
    let etag = HeaderValue::from_str(&file.etag).expect("hex etag");
    let cache = HeaderValue::from_static("no-cache");
    let unchanged = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == file.etag));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, etag), (CACHE_CONTROL, cache)]).into_response());
    }
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type(&path))),
        (ETAG, etag),
        (CACHE_CONTROL, cache),
        (axum::http::header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    let body = match file.bytes {
        Cow::Borrowed(bytes) => axum::body::Body::from(bytes),
        Cow::Owned(bytes) => axum::body::Body::from(bytes),
    };
    Ok((headers, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_and_entry_module_are_embedded() {
        assert!(embedded("index.html").is_some());
        assert!(embedded("app.js").is_some());
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("pages/watch.js"), "text/javascript; charset=utf-8");
    }
}
