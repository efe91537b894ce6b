//! Editing a processed MP4 (`render_edit`), posters chosen after processing
//! (`poster_at`, `poster_from_image`) and the quiet stretches an editor may cut
//! (`detect_silences`).

mod audio_cut;
mod avc_config;
mod gop_plan;
mod placement;
mod posters;
mod reencode;
mod segment_encoder;
mod silences;
mod smart_cut;

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::MediaError;

/// The rendered file's name in the output folder.
const OUTPUT_FILE: &str = "edited.mp4";

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub deadline: Option<Instant>,
    /// Fade out and in over this long at every join, so a cut never clicks.
    pub crossfade_ms: u32,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { deadline: None, crossfade_ms: 10 }
    }
}

#[derive(Debug, Clone)]
pub struct RenderOutput {
    pub mp4: PathBuf,
    pub duration_ms: i64,
    /// Video packets copied as they were.
    pub copied_packets: u64,
    /// Video frames decoded and encoded again.
    pub reencoded_frames: u64,
}

/// Cut `input` (an MP4 with H.264 and/or AAC) down to the ordered, non-overlapping
/// `keep` ranges (ms), into a fast-start MP4 in `out_dir`: GOPs the cuts leave whole are
/// copied, the ones a cut splits are encoded again (the smart cut); sources it can't
/// handle that way are encoded again whole.
pub fn render_edit(
    input: &Path,
    keep: &[(i64, i64)],
    out_dir: &Path,
    opts: &RenderOptions,
) -> Result<RenderOutput, MediaError> {
    super::init();
    if keep.is_empty() || keep.windows(2).any(|w| w[1].0 < w[0].1) || keep.iter().any(|(s, e)| e <= s || *s < 0) {
        return Err(MediaError::invalid("the kept ranges must be ordered, non-overlapping and non-empty"));
    }
    super::guard(|| match smart_cut::run(input, keep, out_dir, opts)? {
        Some(output) => Ok(output),
        None => reencode::run(input, keep, out_dir, opts),
    })
}

/// `poster.jpg` and `thumbnail.jpg` in `out_dir` from the frame `input` shows at `at_ms`.
pub fn poster_at(input: &Path, at_ms: i64, out_dir: &Path) -> Result<(PathBuf, PathBuf), MediaError> {
    super::init();
    super::guard(|| posters::at(input, at_ms, out_dir))
}

/// `poster.jpg` and `thumbnail.jpg` in `out_dir` from an uploaded JPEG or PNG.
pub fn poster_from_image(image: &Path, out_dir: &Path) -> Result<(PathBuf, PathBuf), MediaError> {
    super::init();
    super::guard(|| posters::from_image(image, out_dir))
}

/// Stretches of `input`'s audio quieter than `threshold_db` (dBFS) for at least `min_ms`.
pub fn detect_silences(
    input: &Path,
    threshold_db: f32,
    min_ms: i64,
    deadline: Option<Instant>,
) -> Result<Vec<(i64, i64)>, MediaError> {
    silences::detect(input, threshold_db, min_ms, deadline)
}

#[cfg(test)]
mod tests;
