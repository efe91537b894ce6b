//! Identifiers and secrets.

use rand::distributions::{Alphanumeric, DistString};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A random identifier of `len` ASCII letters and digits (62 symbols: 16 characters
/// carry ~95 bits, enough that share links cannot be guessed).
pub fn random_id(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// 32 random bytes, URL-safe base64: session cookies and API tokens.
pub fn random_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as this digest; a leaked database does not leak credentials.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A path identifier. Anything that is not shaped like one of our ids cannot name a
/// resource, so it is answered exactly like an unknown id (404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceId(String);

impl ResourceId {
    pub fn parse(raw: &str) -> Option<ResourceId> {
        let ok = (8..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| ResourceId(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_alphanumeric_and_distinct() {
        let a = random_id(16);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, random_id(16));
    }

    #[test]
    fn resource_ids_reject_traversal_and_junk() {
        assert!(ResourceId::parse("abcDEF123456").is_some());
        assert!(ResourceId::parse("../../etc/passwd").is_none());
        assert!(ResourceId::parse("short").is_none());
        assert!(ResourceId::parse("has space inside").is_none());
    }
}
