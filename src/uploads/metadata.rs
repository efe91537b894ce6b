//! The tus `Upload-Metadata` header: comma-separated `key base64value` pairs.

use std::collections::HashMap;

use base64::Engine;

#[derive(Debug, Default, Clone)]
pub struct UploadMetadata {
    pairs: HashMap<String, String>,
}

impl UploadMetadata {
    pub const MAX_HEADER_BYTES: usize = 4096;

    pub fn parse(header: &str) -> Result<UploadMetadata, String> {
        if header.len() > Self::MAX_HEADER_BYTES {
            return Err("Upload-Metadata is too long".into());
        }
        let mut pairs = HashMap::new();
        for item in header.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let mut parts = item.splitn(2, ' ');
            let key = parts.next().unwrap_or_default();
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(format!("Upload-Metadata key {key:?} is not valid"));
            }
            let value = match parts.next().map(str::trim) {
                None | Some("") => String::new(),
                Some(encoded) => {
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(encoded)
                        .map_err(|_| format!("Upload-Metadata value for {key:?} is not base64"))?;
                    String::from_utf8(raw).map_err(|_| format!("Upload-Metadata value for {key:?} is not UTF-8"))?
                }
            };
            if pairs.insert(key.to_string(), value).is_some() {
                return Err(format!("Upload-Metadata key {key:?} appears twice"));
            }
        }
        Ok(UploadMetadata { pairs })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// The media type to serve an original with. Only audio and video types are kept, so an
/// uploader can never make the server hand out HTML or script from its own origin.
pub fn safe_media_type(filetype: Option<&str>) -> String {
    let essence = filetype.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let valid = essence.split_once('/').is_some_and(|(kind, sub)| {
        matches!(kind, "video" | "audio")
            && !sub.is_empty()
            && sub.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if valid {
        essence
    } else {
        "application/octet-stream".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tus_metadata() {
        let meta =
            UploadMetadata::parse("filename bW9uZGF5LndlYm0=,filetype dmlkZW8vd2VibQ==, is_confidential").unwrap();
        assert_eq!(meta.get("filename"), Some("monday.webm"));
        assert_eq!(meta.get("filetype"), Some("video/webm"));
        assert_eq!(meta.get("is_confidential"), None);
    }

    #[test]
    fn rejects_bad_metadata() {
        assert!(UploadMetadata::parse("filename !!!notbase64").is_err());
        assert!(UploadMetadata::parse("a YQ==,a Yg==").is_err());
        assert!(UploadMetadata::parse(&"k YQ==,".repeat(1000)).is_err());
    }

    #[test]
    fn only_media_types_survive() {
        assert_eq!(safe_media_type(Some("video/webm;codecs=vp8,opus")), "video/webm");
        assert_eq!(safe_media_type(Some("Video/MP4")), "video/mp4");
        assert_eq!(safe_media_type(Some("text/html")), "application/octet-stream");
        assert_eq!(safe_media_type(Some("video/<script>")), "application/octet-stream");
        assert_eq!(safe_media_type(None), "application/octet-stream");
    }
}
