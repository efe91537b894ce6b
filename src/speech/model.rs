//! The loaded Whisper model: read once at startup, then shared by every job.
//!
//! Policy:
//! - The file is checked structurally (`model_file.rs`) before whisper.cpp opens it,
//!   so a missing, truncated or foreign file is a [`SpeechError`], never an abort.
//! - whisper.cpp and ggml logs are routed into `tracing` (targets
//!   `whisper_rs::whisper_logging_hook` / `whisper_rs::ggml_logging_hook`) instead of
//!   raw stderr; they are chatty at info level, so filter them with `whisper_rs=warn`.
//! - Word timings use whisper.cpp's DTW alignment (cross-attention of the model's
//!   known alignment heads), which follows the audio far better than its older
//!   heuristic on tiny models. It needs the model's head preset, picked from the
//!   header's layer counts; for a model matching no preset, DTW is off and the
//!   heuristic times are used. Upstream calls DTW experimental: its failure paths
//!   `abort()` instead of returning, but only on an allocation failure or a failed
//!   internal decode, which is why its scratch size is generous (below).
//! - The model is immutable after loading. Each transcription creates its own
//!   whisper.cpp state (decoder buffers, KV cache), so one `Arc<SpeechModel>` serves
//!   concurrent jobs without locking.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use whisper_rs::{DtwMode, DtwModelPreset, DtwParameters, WhisperContext, WhisperContextParameters};

use super::error::SpeechError;
use super::model_file::{check_model_file, ModelInfo};

pub struct SpeechModel {
    ctx: WhisperContext,
    info: ModelInfo,
    /// Whether tokens carry DTW times (`t_dtw`).
    dtw: bool,
    path: PathBuf,
}

impl SpeechModel {
    /// Loads a whisper.cpp ggml model (e.g. `ggml-tiny.en.bin`). Takes a fraction of a
    /// second for tiny/base; run it off the async runtime (`spawn_blocking`).
    pub fn load(path: &Path) -> Result<SpeechModel, SpeechError> {
        whisper_rs::install_logging_hooks();
        let info = check_model_file(path)?;
        let mut params = WhisperContextParameters::default();
        let preset = dtw_preset(&info);
        if let Some(model_preset) = preset.clone() {
            // Scratch for one DTW pass, malloc'd per 30 s chunk and freed. Running out
            // aborts the process, so size it for the worst case: about three f32
            // tensors of heads x tokens x 1500 frames, i.e. 23 heads (large-v2) x 451
            // tokens ~ 200 MB. Pages never touched cost no memory; tiny uses ~20 MB.
            params
                .dtw_parameters(DtwParameters { mode: DtwMode::ModelPreset { model_preset }, dtw_mem_size: 256 << 20 });
        }
        let ctx = WhisperContext::new_with_params(path, params).map_err(|e| {
            tracing::warn!(path = %path.display(), error = %e, "whisper.cpp refused the model");
            SpeechError::ModelLoad { path: path.to_owned() }
        })?;
        // whisper.cpp decides multilinguality from the vocabulary size, as our check
        // does; if the two ever disagree the library's view is the one that matters.
        let info = ModelInfo { multilingual: ctx.is_multilingual(), ..info };
        tracing::info!(
            path = %path.display(),
            system = whisper_build_info(),
            openblas_kernel = %super::openblas_kernel::current(),
            multilingual = info.multilingual,
            layers = info.n_audio_layer,
            ftype = info.ftype,
            dtw = ?preset,
            "speech model loaded"
        );
        Ok(SpeechModel { ctx, info, dtw: preset.is_some(), path: path.to_owned() })
    }

    /// True when the model can detect and transcribe languages other than English.
    pub fn is_multilingual(&self) -> bool {
        self.info.multilingual
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn context(&self) -> &WhisperContext {
        &self.ctx
    }

    pub(crate) fn has_dtw(&self) -> bool {
        self.dtw
    }
}

/// How whisper.cpp was built ("... AVX512 = 1 | LLAMAFILE = 1 | ..."). whisper.cpp
/// rewrites one static buffer on every call, so two jobs loading models at once would
/// race on it: it is read once, under the lock, and kept as a copy.
pub(crate) fn whisper_build_info() -> &'static str {
    static INFO: OnceLock<String> = OnceLock::new();
    INFO.get_or_init(|| whisper_rs::print_system_info().trim().to_string())
}

/// The alignment-head preset of a standard Whisper model, recognised by its shape.
/// Large v1 and v2 share a shape; v2's heads are used for both.
fn dtw_preset(info: &ModelInfo) -> Option<DtwModelPreset> {
    use DtwModelPreset::*;
    let en = !info.multilingual;
    Some(match (info.n_audio_layer, info.n_text_layer) {
        (4, 4) => {
            if en {
                TinyEn
            } else {
                Tiny
            }
        }
        (6, 6) => {
            if en {
                BaseEn
            } else {
                Base
            }
        }
        (12, 12) => {
            if en {
                SmallEn
            } else {
                Small
            }
        }
        (24, 24) => {
            if en {
                MediumEn
            } else {
                Medium
            }
        }
        (32, 4) if info.n_mels == 128 => LargeV3Turbo,
        (32, 32) if info.n_mels == 128 => LargeV3,
        (32, 32) => LargeV2,
        _ => return None,
    })
}

impl fmt::Debug for SpeechModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpeechModel")
            .field("path", &self.path)
            .field("multilingual", &self.info.multilingual)
            .field("n_vocab", &self.info.n_vocab)
            .field("n_mels", &self.info.n_mels)
            .field("n_tensors", &self.info.n_tensors)
            .field("dtw", &self.dtw)
            .finish()
    }
}
