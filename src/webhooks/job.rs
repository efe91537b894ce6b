//! The `deliver_webhook` job on the deliveries queue: one HTTP attempt per run.

use serde::{Deserialize, Serialize};

use super::delivery::DeliveryOptions;
use super::dispatch;
use crate::db::Db;
use crate::jobs::{Job, Queue};

/// Send one webhook delivery (one attempt per run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: String,
}

/// What sending needs: the deliveries' rows and how to reach receivers.
pub struct DeliveryContext {
    db: Db,
    options: DeliveryOptions,
}

impl DeliveryContext {
    pub fn new(db: Db, options: DeliveryOptions) -> DeliveryContext {
        DeliveryContext { db, options }
    }
}

#[async_trait::async_trait]
impl Job for DeliverWebhook {
    const KIND: &'static str = "deliver_webhook";
    const QUEUE: Queue = Queue::DELIVERIES;
    // With the default backoff (5 s doubling) the last try is ~10 minutes after the first.
    const MAX_ATTEMPTS: i64 = 8;
    type Context = DeliveryContext;

    async fn run(&self, context: &DeliveryContext) -> anyhow::Result<()> {
        dispatch::deliver(&context.db, &self.delivery_id, &context.options).await
    }

    async fn gave_up(&self, context: &DeliveryContext, reason: &str) {
        dispatch::give_up(&context.db, &self.delivery_id, reason).await
    }
}
