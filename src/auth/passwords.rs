//! argon2id password hashing, off the async executor.

use anyhow::anyhow;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::AuthResult;
use crate::domain::Password;

pub async fn hash(password: Password) -> AuthResult<String> {
    let hashed = tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| anyhow!("hashing task failed: {e}"))?
    .map_err(|e| anyhow!("hashing failed: {e}"))?;
    Ok(hashed)
}

/// Verify `password` against `stored`; with no stored hash, burn the same time and fail.
pub async fn verify(password: String, stored: Option<String>) -> AuthResult<bool> {
    let ok = tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(dummy_hash);
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(|e| anyhow!("verification task failed: {e}"))?;
    Ok(ok)
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default().hash_password(b"not a real password", &salt).map(|h| h.to_string()).unwrap_or_default()
        })
        .clone()
}
