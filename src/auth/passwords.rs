//! argon2id password hashing, off the async executor and bounded.
//!
//! One argon2id run (the crate's defaults: 19 MiB, two passes) holds about 19 MiB while it
//! runs. Hashing on bare `spawn_blocking` lets a login flood start one per request (tokio
//! allows 512 blocking threads: ~10 GiB). The pool runs at most `concurrency` at once
//! (sized to the machine's cores: more cannot finish sooner) and lets at most `queue` more
//! wait; past that a request is refused at once (`Overloaded`) rather than parked.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::anyhow;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

use super::{AuthError, AuthResult};
use crate::domain::Password;

#[derive(Clone)]
pub struct HashPool {
    running: Arc<Semaphore>,
    /// Hashes running or waiting for a permit.
    admitted: Arc<AtomicUsize>,
    max_admitted: usize,
}

/// Gives a queue place back when the request is answered or abandoned.
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashPool {
    pub fn new(concurrency: usize, queue: usize) -> HashPool {
        let concurrency = concurrency.max(1);
        HashPool {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(AtomicUsize::new(0)),
            max_admitted: concurrency + queue,
        }
    }

    /// Run `work` on a blocking thread once a permit is free; `Overloaded` when the queue is full.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> AuthResult<T> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.max_admitted {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(AuthError::Overloaded);
        }
        let _admission = Admission(self.admitted.clone());
        let permit = self.running.clone().acquire_owned().await.map_err(|e| anyhow!("hash pool closed: {e}"))?;
        // The permit moves into the thread: a request abandoned mid-hash still holds it
        // until the hash (and its memory) is done, so the bound is on memory, not requests.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| AuthError::Internal(anyhow!("hashing task failed: {e}")))
    }

    pub async fn hash(&self, password: Password) -> AuthResult<String> {
        let hashed = self
            .run(move || {
                let salt = SaltString::generate(&mut OsRng);
                Argon2::default().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
            })
            .await?
            .map_err(|e| anyhow!("hashing failed: {e}"))?;
        Ok(hashed)
    }

    /// Verify `password` against `stored`; with no stored hash, burn the same time and fail.
    pub async fn verify(&self, password: String, stored: Option<String>) -> AuthResult<bool> {
        self.run(move || {
            let stored = stored.unwrap_or_else(dummy_hash);
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return false;
            };
            Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
        })
        .await
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_instead_of_parking() {
        let pool = HashPool::new(1, 1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Mutex::new(wait);
        // One running (blocked until released), one queued: the third is refused.
        let running = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(move || wait.lock().unwrap().recv().ok()).await }
        });
        while pool.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let queued = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(|| ()).await }
        });
        while pool.admitted.load(Ordering::Acquire) < 2 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(pool.run(|| ()).await, Err(AuthError::Overloaded)));
        release.send(()).unwrap();
        running.await.unwrap().unwrap();
        queued.await.unwrap().unwrap();
        // Places are given back once answered.
        pool.run(|| ()).await.expect("room again");
        assert_eq!(pool.admitted.load(Ordering::Acquire), 0);
    }
}
