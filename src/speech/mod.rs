//! Speech to text: turns a video's audio track into a timed [`Transcript`] and renders
//! it as WebVTT or SRT captions.
//!
//! Engine: whisper.cpp through `whisper-rs`, running a ggml Whisper model on the CPU
//! (by default `ggml-tiny.en.bin` from `scripts/install-model.sh`).
//!
//! Shape of use:
//! 1. At startup, [`SpeechModel::load`] once and keep it in an `Arc`; it is
//!    `Send + Sync` and every job shares it.
//! 2. Per video, the media pipeline writes the audio as raw little-endian f32 PCM,
//!    16 kHz mono; [`transcribe_pcm_file`] reads it in bounded windows and returns
//!    segments with word timings ([`transcribe_pcm`] does the same for a
//!    [`PcmSource`] that may still be growing). It blocks for seconds to minutes: run it on a
//!    blocking thread (`tokio::task::spawn_blocking`), with a deadline.
//! 3. Store the [`Transcript`] as JSON; serve [`to_webvtt`] / [`to_srt`] from it.
//!
//! Policy shared by the files below: bad input of any kind (model or audio) is a
//! [`SpeechError`], never a panic or a process abort; memory does not grow with the
//! length of the audio; times are integer milliseconds, monotonic and clamped.
//!
//! Files, one job each:
//! - `model_file.rs`: structural check of a ggml model file before whisper.cpp sees it.
//! - `model.rs`: loading and sharing the model.
//! - `openblas_kernel.rs`: making OpenBLAS use kernels this CPU can run (restart at startup).
//! - `pcm.rs`: reading PCM in windows cut at quiet points.
//! - `pcm_source.rs`: what the PCM is read from (a finished file, or one still growing).
//! - `transcribe.rs`: options, the workers, whisper.cpp parameters, deadline.
//! - `window_queue.rs`: windows handed out to the workers, balanced once the length is known.
//! - `segments.rs`: one window's whisper.cpp result as segments with timed words.
//! - `words.rs`: words (with times) from whisper.cpp's timed tokens.
//! - `voicing.rs`: where a window has sound; word starts are moved onto it.
//! - `transcript.rs`: the serialisable data model.
//! - `captions.rs`: WebVTT and SRT.

mod captions;
mod error;
mod languages;
mod model;
mod model_file;
pub mod openblas_kernel;
mod pcm;
mod pcm_source;
mod segments;
mod transcribe;
mod transcript;
mod voicing;
mod window_queue;
mod words;

#[cfg(test)]
mod test_audio;
#[cfg(test)]
mod tests;

pub use captions::{to_srt, to_webvtt};
pub use error::SpeechError;
pub use languages::{spoken_languages, SpokenLanguage};
pub use model::SpeechModel;
pub use pcm::SAMPLE_RATE;
pub use pcm_source::PcmSource;
pub use transcribe::{transcribe_pcm, transcribe_pcm_file, TranscribeOptions};
pub use transcript::{Segment, Transcript, Word};
