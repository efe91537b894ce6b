//! argon2id password hashing, off the async executor and bounded.
//!
//! One argon2id run (the crate's defaults: 19 MiB, two passes) holds about 19 MiB while it
//! runs. Hashing on bare `spawn_blocking` lets a login flood start one per request (tokio
//! allows 512 blocking threads: ~10 GiB). Here a fixed set of `concurrency` threads (sized
//! to the machine's cores: more cannot finish sooner) takes hashes from a queue of at most
//! `queue`; past that a request is refused at once (`Overloaded`) rather than parked.
//!
//! Each thread also keeps its argon2 memory and reuses it for every hash. Allocating 19 MiB
//! per hash (as `PasswordHasher::hash_password` does) and freeing it leaves it cached in the
//! allocator's per-thread arenas (glibc raises its mmap threshold after the first free), so
//! memory kept growing past the hashes running (measured: 367-482 MiB peak after a
//! 500-login flood with at most two hashes running on `spawn_blocking`, 275 MiB on fixed
//! threads, far less with the memory reused).

use std::cell::RefCell;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use anyhow::anyhow;
use argon2::password_hash::{self, rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use super::{AuthError, AuthResult};
use crate::domain::Password;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub struct HashPool {
    jobs: SyncSender<Job>,
}

impl HashPool {
    /// Start `concurrency` hashing threads; they end when the last clone of the pool is dropped.
    pub fn new(concurrency: usize, queue: usize) -> HashPool {
        let (jobs, waiting) = sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..concurrency.max(1) {
            let waiting = waiting.clone();
            let spawned = std::thread::Builder::new().name(format!("password-hash-{n}")).spawn(move || work(&waiting));
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start a password-hashing thread");
            }
        }
        HashPool { jobs }
    }

    /// Run `work` on a hashing thread; `Overloaded` at once when the queue is full.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> AuthResult<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // Nobody waits for an abandoned request's hash: skip the work.
            if !answer.is_closed() {
                let _ = answer.send(work());
            }
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(AuthError::Overloaded),
            Err(TrySendError::Disconnected(_)) => return Err(anyhow!("no password-hashing thread is running").into()),
        }
        answered.await.map_err(|_| AuthError::Internal(anyhow!("a password-hashing thread failed")))
    }

    pub async fn hash(&self, password: Password) -> AuthResult<String> {
        let hashed = self
            .run(move || {
                let salt = SaltString::generate(&mut OsRng);
                hash_phc(password.expose().as_bytes(), salt.as_salt())
            })
            .await?
            .map_err(|e| anyhow!("hashing failed: {e}"))?;
        Ok(hashed)
    }

    /// Verify `password` against `stored`; with no stored hash, burn the same time and fail.
    pub async fn verify(&self, password: String, stored: Option<String>) -> AuthResult<bool> {
        self.run(move || {
            let stored = stored.unwrap_or_else(dummy_hash);
            PasswordHash::new(&stored).is_ok_and(|parsed| matches(password.as_bytes(), &parsed))
        })
        .await
    }
}

thread_local! {
    /// This thread's argon2 memory, grown to the largest cost seen and reused.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// argon2 output of `password` with `argon` into this thread's reused memory.
fn compute(argon: &Argon2<'_>, password: &[u8], salt: &Salt<'_>) -> password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes)?;
    let blocks = argon.params().block_count();
    let len = argon.params().output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        Output::init_with(len, |out| {
            argon.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks]).map_err(Into::into)
        })
    })
}

/// A new PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) with the crate's default cost.
fn hash_phc(password: &[u8], salt: Salt<'_>) -> password_hash::Result<String> {
    let argon = Argon2::default();
    let output = compute(&argon, password, &salt)?;
    let phc = PasswordHash {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(argon.params())?,
        salt: Some(salt),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches `stored`, with the algorithm and cost `stored` names.
fn matches(password: &[u8], stored: &PasswordHash<'_>) -> bool {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return false;
    };
    let argon = (|| {
        let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
        let version = stored.version.map_or(Some(Version::default()), |v| Version::try_from(v).ok())?;
        let params = Params::try_from(stored).ok()?;
        Some(Argon2::new(algorithm, version, params))
    })();
    // `Output`'s equality is constant-time.
    argon.and_then(|argon| compute(&argon, password, salt).ok()).is_some_and(|computed| &computed == expected)
}

/// One hashing thread: take the next job until the pool is gone.
fn work(waiting: &Mutex<Receiver<Job>>) {
    loop {
        let next = waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
        let Ok(job) = next else { return };
        // A panicking hash must not take the thread (and its share of capacity) with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            hash_phc(b"not a real password", salt.as_salt()).unwrap_or_default()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_standard_phc_strings_and_verify_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::generate(&mut OsRng);
        let ours = hash_phc(b"correct horse battery", salt.as_salt()).unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        // The crate's own verifier accepts ours, and ours accepts the crate's hashes.
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse battery", &parsed).is_ok());
        assert!(matches(b"correct horse battery", &parsed));
        assert!(!matches(b"correct horse batterY", &parsed));
        let theirs = Argon2::default().hash_password(b"hunter2 hunter2", &salt).unwrap().to_string();
        assert!(matches(b"hunter2 hunter2", &PasswordHash::new(&theirs).unwrap()));
        // Another cost, named by the stored hash, is honoured.
        let cheap = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(1024, 1, 1, None).unwrap());
        let stored = cheap.hash_password(b"cheap password", &salt).unwrap().to_string();
        assert!(matches(b"cheap password", &PasswordHash::new(&stored).unwrap()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_instead_of_parking() {
        let pool = HashPool::new(1, 1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        // One running (blocked until released), one queued: the third is refused.
        let first = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    let _ = started.send(());
                    wait.recv().ok()
                })
                .await
            }
        });
        running.await.unwrap();
        // The one queue place, taken directly so the order is certain.
        let (done, queued) = tokio::sync::oneshot::channel::<()>();
        assert!(pool
            .jobs
            .try_send(Box::new(move || {
                let _ = done.send(());
            }))
            .is_ok());
        assert!(matches!(pool.run(|| 0).await, Err(AuthError::Overloaded)), "one running, one queued: refused");
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        queued.await.unwrap();
        assert_eq!(pool.run(|| 1).await.unwrap(), 1, "room again once answered");
    }
}
