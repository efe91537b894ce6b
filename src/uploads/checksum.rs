//! The tus checksum extension: `Upload-Checksum: <algorithm> <base64 digest>`.

use base64::Engine;
use sha1::Digest;

pub const SUPPORTED_ALGORITHMS: &str = "sha1,sha256";

#[derive(Debug, Clone)]
pub struct ExpectedChecksum {
    algorithm: Algorithm,
    digest: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
enum Algorithm {
    Sha1,
    Sha256,
}

pub enum Hasher {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl ExpectedChecksum {
    pub fn parse(header: &str) -> Result<ExpectedChecksum, String> {
        let (name, encoded) = header.trim().split_once(' ').ok_or("Upload-Checksum must be '<algorithm> <base64>'")?;
        let algorithm = match name.to_ascii_lowercase().as_str() {
            "sha1" => Algorithm::Sha1,
            "sha256" => Algorithm::Sha256,
            other => return Err(format!("checksum algorithm {other:?} is not supported ({SUPPORTED_ALGORITHMS})")),
        };
        let digest = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| "Upload-Checksum digest is not base64".to_string())?;
        Ok(ExpectedChecksum { algorithm, digest })
    }

    pub fn hasher(&self) -> Hasher {
        match self.algorithm {
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
        }
    }

    pub fn matches(&self, hasher: Hasher) -> bool {
        let actual = match hasher {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
        };
        actual == self.digest
    }
}

impl Hasher {
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_sha1_and_sha256() {
        // sha1("hello") and sha256("hello"), base64.
        for header in ["sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=", "sha256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="] {
            let expected = ExpectedChecksum::parse(header).unwrap();
            let mut hasher = expected.hasher();
            hasher.update(b"hel");
            hasher.update(b"lo");
            assert!(expected.matches(hasher), "{header}");
            let mut wrong = expected.hasher();
            wrong.update(b"hellO");
            assert!(!expected.matches(wrong));
        }
    }

    #[test]
    fn rejects_unknown_algorithms_and_bad_digests() {
        assert!(ExpectedChecksum::parse("md5 XUFAKrxLKna5cZ2REBfFkg==").is_err());
        assert!(ExpectedChecksum::parse("sha1 ***").is_err());
        assert!(ExpectedChecksum::parse("sha1").is_err());
    }
}
