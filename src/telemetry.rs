//! Structured logs through `tracing`; `RUST_LOG` picks the level (default `info`).

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,aws_config=warn,aws_smithy_runtime=warn,whisper_rs=warn"));
    // Ignore the error when a test harness already installed a subscriber.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
