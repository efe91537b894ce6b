//! How a finished upload asks for processing without knowing who processes it: the
//! services (uploads) depend on this trait, the workers layer (processing) implements it,
//! and `app` plugs one into the other.

#[async_trait::async_trait]
pub trait ProcessingQueue: Send + Sync {
    /// Queue `video_id` for processing. Once this returns, the request is stored: a crash
    /// cannot lose it.
    async fn queue_processing(&self, video_id: &str) -> anyhow::Result<()>;

    /// Queue a new transcript of a ready video (its language changed), or only its
    /// English translation when `translation_only`.
    async fn queue_transcription(&self, video_id: &str, translation_only: bool) -> anyhow::Result<()>;

    /// Queue the render of the video's latest saved edit.
    async fn queue_render(&self, video_id: &str) -> anyhow::Result<()>;

    /// Queue a poster from moment `poster_ms` of the original recording.
    async fn queue_poster(&self, video_id: &str, poster_ms: i64) -> anyhow::Result<()>;

    /// Queue live processing of `upload_id`, a recording of unknown length that has just
    /// started: it is processed while it arrives, or after upload if no live worker
    /// takes it.
    async fn queue_live(&self, video_id: &str, upload_id: &str) -> anyhow::Result<()>;
}
