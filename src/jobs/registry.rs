//! The job kinds a process can run, each registered once with its context.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use super::{Job, Queue};

/// Every job kind this process runs, keyed by [`Job::KIND`]. Built at startup, then shared
/// (read-only) by all workers of all queues.
#[derive(Default)]
pub struct Registry {
    kinds: HashMap<&'static str, Arc<dyn Kind>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Register `J` with what running it needs.
    ///
    /// # Panics
    /// When a kind of the same name is already registered: two types claiming one stored
    /// name is a programming error, best found at startup.
    pub fn register<J: Job>(&mut self, context: Arc<J::Context>) -> &mut Registry {
        let kind: Arc<dyn Kind> = Arc::new(Registered::<J> { context, job: PhantomData });
        if self.kinds.insert(J::KIND, kind).is_some() {
            panic!("job kind {:?} is registered twice", J::KIND);
        }
        self
    }

    /// The queues that have at least one kind, by name.
    pub fn queues(&self) -> Vec<Queue> {
        let mut queues: Vec<Queue> = self.kinds.values().map(|kind| kind.queue()).collect();
        queues.sort_by_key(|queue| queue.name());
        queues.dedup();
        queues
    }

    /// Registered kind names, sorted (for logs).
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = self.kinds.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    /// Read a stored job: `Err` says why it cannot run here (unknown kind, bad payload).
    pub(super) fn load(&self, kind: &str, payload: &str) -> Result<Box<dyn Loaded>, String> {
        let Some(registered) = self.kinds.get(kind) else {
            return Err(format!(
                "unknown job kind {kind:?}: this version of Briefly cannot run it (queued by a newer one?)"
            ));
        };
        registered.load(payload).map_err(|err| format!("unreadable job payload of kind {kind}: {err}"))
    }
}

/// A registered kind with its type erased.
trait Kind: Send + Sync {
    fn queue(&self) -> Queue;
    fn load(&self, payload: &str) -> Result<Box<dyn Loaded>, serde_json::Error>;
}

/// A job read from its row, ready to run with its context.
#[async_trait::async_trait]
pub(super) trait Loaded: Send + Sync {
    async fn run(&self) -> anyhow::Result<()>;
    async fn gave_up(&self, reason: &str);
}

struct Registered<J: Job> {
    context: Arc<J::Context>,
    job: PhantomData<fn() -> J>,
}

impl<J: Job> Kind for Registered<J> {
    fn queue(&self) -> Queue {
        J::QUEUE
    }

    fn load(&self, payload: &str) -> Result<Box<dyn Loaded>, serde_json::Error> {
        let job: J = serde_json::from_str(payload)?;
        Ok(Box::new(Ready { job, context: self.context.clone() }))
    }
}

struct Ready<J: Job> {
    job: J,
    context: Arc<J::Context>,
}

#[async_trait::async_trait]
impl<J: Job> Loaded for Ready<J> {
    async fn run(&self) -> anyhow::Result<()> {
        self.job.run(&self.context).await
    }

    async fn gave_up(&self, reason: &str) {
        self.job.gave_up(&self.context, reason).await
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Resize {
        width: u32,
    }

    #[async_trait::async_trait]
    impl Job for Resize {
        const KIND: &'static str = "resize";
        const QUEUE: Queue = Queue::MEDIA;
        const MAX_ATTEMPTS: i64 = 2;
        type Context = std::sync::atomic::AtomicU32;

        async fn run(&self, last_width: &Self::Context) -> anyhow::Result<()> {
            last_width.store(self.width, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Ping;

    #[async_trait::async_trait]
    impl Job for Ping {
        const KIND: &'static str = "ping";
        const QUEUE: Queue = Queue::DELIVERIES;
        const MAX_ATTEMPTS: i64 = 1;
        type Context = ();

        async fn run(&self, _: &()) -> anyhow::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn runs_a_stored_job_with_its_context() {
        let width = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut registry = Registry::new();
        registry.register::<Resize>(width.clone()).register::<Ping>(Arc::new(()));
        assert_eq!(registry.kinds(), ["ping", "resize"]);
        assert_eq!(registry.queues(), [Queue::DELIVERIES, Queue::MEDIA]);
        let job = registry.load("resize", r#"{"width": 640}"#).unwrap();
        job.run().await.unwrap();
        assert_eq!(width.load(std::sync::atomic::Ordering::SeqCst), 640);
    }

    #[test]
    fn unknown_kinds_and_bad_payloads_say_why() {
        let mut registry = Registry::new();
        registry.register::<Ping>(Arc::new(()));
        let unknown = registry.load("from_the_future", "{}").err().unwrap();
        assert!(unknown.contains("unknown job kind \"from_the_future\""), "{unknown}");
        assert!(unknown.contains("newer"), "{unknown}");
        registry.register::<Resize>(Arc::new(Default::default()));
        let unreadable = registry.load("resize", r#"{"width": "wide"}"#).err().unwrap();
        assert!(unreadable.starts_with("unreadable job payload of kind resize"), "{unreadable}");
    }

    #[test]
    #[should_panic(expected = "registered twice")]
    fn a_kind_is_registered_once() {
        let mut registry = Registry::new();
        registry.register::<Ping>(Arc::new(())).register::<Ping>(Arc::new(()));
    }
}
