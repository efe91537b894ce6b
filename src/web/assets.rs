//! Static files embedded from `web/` at build time (see `build.rs`).
//!
//! Caching: file names are not content-hashed (no build step), so browsers revalidate on
//! every load (`no-cache`) with a strong ETag and get a bodyless 304 when nothing changed.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_files.rs"));
}

pub struct Asset {
    pub bytes: &'static [u8],
    pub etag: String,
}

fn table() -> &'static HashMap<&'static str, Asset> {
    static TABLE: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    TABLE.get_or_init(|| {
        embedded::FILES
            .iter()
            .map(|(path, bytes)| {
                let digest = Sha256::digest(bytes);
                (*path, Asset { bytes, etag: format!("\"{}\"", hex::encode(&digest[..12])) })
            })
            .collect()
    })
}

/// A file from `web/`, by its path relative to `web/`.
pub fn embedded(path: &str) -> Option<&'static Asset> {
    table().get(path)
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
    Ok((headers, file.bytes).into_response())
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
