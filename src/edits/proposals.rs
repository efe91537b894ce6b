//! Cuts the editor proposes: stretches of silence found in the audio, and the filler
//! words Whisper wrote down.

use std::path::Path;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use super::error::{EditError, EditResult};
use super::words;
use crate::db::VideoRow;
use crate::domain::TimeRange;
use crate::media;
use crate::speech::Transcript;
use crate::store::Store;
use crate::videos::Asset;

/// Defaults documented in the README: quieter than -35 dBFS for at least a second is a
/// silence, and 300 ms of it stays (150 ms each side) so speech does not run together.
pub const DEFAULT_THRESHOLD_DB: f32 = -35.0;
pub const DEFAULT_MIN_SILENCE_MS: i64 = 1000;
pub const DEFAULT_KEEP_PAUSE_MS: i64 = 300;

/// `GET /api/videos/{id}/edit/proposals` query.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProposalParams {
    /// Quieter than this (dBFS, -90..-5) counts as silence. Default -35.
    pub threshold_db: Option<f32>,
    /// Only silences at least this long (200..60000 ms). Default 1000.
    pub min_silence_ms: Option<i64>,
    /// Of each silence, this much stays (0..5000 ms, split between both sides). Default 300.
    pub keep_pause_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FillerProposal {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The word as transcribed ("um", "uh"...).
    pub text: String,
}

/// Proposed cuts, in the timeline that plays now (send them as `cuts`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposals {
    pub silences: Vec<TimeRange>,
    pub fillers: Vec<FillerProposal>,
}

pub(super) async fn propose(
    store: &dyn Store,
    work_root: &Path,
    video: &VideoRow,
    transcript: Option<&Transcript>,
    params: ProposalParams,
) -> EditResult<Proposals> {
    let threshold_db = params.threshold_db.unwrap_or(DEFAULT_THRESHOLD_DB);
    let min_ms = params.min_silence_ms.unwrap_or(DEFAULT_MIN_SILENCE_MS);
    let keep_pause = params.keep_pause_ms.unwrap_or(DEFAULT_KEEP_PAUSE_MS);
    if !(-90.0..=-5.0).contains(&threshold_db) {
        return Err(EditError::Invalid("threshold_db must be between -90 and -5".into()));
    }
    if !(200..=60_000).contains(&min_ms) {
        return Err(EditError::Invalid("min_silence_ms must be between 200 and 60000".into()));
    }
    if !(0..=5_000).contains(&keep_pause) || keep_pause >= min_ms {
        return Err(EditError::Invalid("keep_pause_ms must be between 0 and 5000, and below min_silence_ms".into()));
    }
    let silences = detect(store, work_root, video, threshold_db, min_ms)
        .await?
        .into_iter()
        .map(|(start, end)| TimeRange::new(start + keep_pause / 2, end - (keep_pause - keep_pause / 2)))
        .filter(|range| !range.is_empty())
        .collect();
    let fillers = transcript
        .map(words::fillers)
        .unwrap_or_default()
        .into_iter()
        .map(|(range, text)| FillerProposal { start_ms: range.start_ms, end_ms: range.end_ms, text })
        .collect();
    Ok(Proposals { silences, fillers })
}

/// The playing media's silences, read from a private copy of its file.
async fn detect(
    store: &dyn Store,
    work_root: &Path,
    video: &VideoRow,
    threshold_db: f32,
    min_ms: i64,
) -> EditResult<Vec<(i64, i64)>> {
    tokio::fs::create_dir_all(work_root).await.map_err(|err| EditError::Internal(err.into()))?;
    let dir = tempfile::Builder::new()
        .prefix("proposals-")
        .tempdir_in(work_root)
        .map_err(|err| EditError::Internal(err.into()))?;
    let file = dir.path().join("media.mp4");
    download(store, &Asset::Media.key_for(video), &file).await?;
    let deadline = Instant::now() + Duration::from_secs(600);
    let found =
        tokio::task::spawn_blocking(move || media::detect_silences(&file, threshold_db, min_ms, Some(deadline)))
            .await
            .map_err(|err| EditError::Internal(err.into()))?;
    found.map_err(|err| EditError::Internal(anyhow::Error::new(err).context("finding silences")))
}

pub(super) async fn download(store: &dyn Store, key: &str, target: &Path) -> EditResult<()> {
    let body = store.get(key, None).await?;
    let mut file = tokio::fs::File::create(target).await.map_err(|err| EditError::Internal(err.into()))?;
    let mut stream = body.stream;
    while let Some(chunk) = stream.try_next().await.map_err(|err| EditError::Internal(err.into()))? {
        file.write_all(&chunk).await.map_err(|err| EditError::Internal(err.into()))?;
    }
    file.flush().await.map_err(|err| EditError::Internal(err.into()))?;
    Ok(())
}
