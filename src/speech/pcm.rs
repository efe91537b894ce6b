//! Reads raw PCM in bounded windows, each cut where the audio is quietest.
//!
//! Input is what the media pipeline extracts: headerless little-endian `f32`, 16 kHz,
//! mono. Policy:
//! - Memory is bounded by one window plus its search span: we never hold the whole
//!   file, whatever its length. Audio that ends within that span goes into the last
//!   window rather than a sliver of its own.
//! - A window that is not the last one ends inside the quietest 300 ms of its final
//!   stretch (the "search" span), so cuts land in pauses between words or sentences
//!   instead of splitting a word. Windows never overlap, so the text needs no
//!   de-duplication at seams; the audio after a cut starts the next window.
//! - Non-finite samples become 0.0 (whisper.cpp would turn a NaN into garbage text);
//!   a trailing partial sample (file length not a multiple of 4) is ignored.

use std::io::{self, Read};

/// Samples per second of the input, fixed by Whisper.
pub const SAMPLE_RATE: u32 = 16_000;

/// Silence put before every window when it goes to whisper.cpp (`transcribe.rs` pads,
/// `segments.rs` takes it off the times again).
pub(crate) const LEAD_IN_MS: i64 = 500;

/// Energy is measured in 20 ms frames and compared over 100 ms spans.
const FRAME: usize = 320;
const SPAN_FRAMES: usize = 5;

/// Peak level under which a window is treated as silence and never sent to the model
/// (about -60 dBFS); tiny models tend to hallucinate a sentence on pure silence.
const SILENCE_PEAK: f32 = 1e-3;

pub(crate) fn samples_to_ms(samples: u64) -> i64 {
    (samples * 1000 / SAMPLE_RATE as u64) as i64
}

pub(crate) struct Window {
    /// Index of the first sample in the whole file.
    pub start_sample: u64,
    pub samples: Vec<f32>,
}

impl Window {
    pub fn start_ms(&self) -> i64 {
        samples_to_ms(self.start_sample)
    }

    pub fn end_ms(&self) -> i64 {
        samples_to_ms(self.start_sample + self.samples.len() as u64)
    }

    pub fn is_silent(&self) -> bool {
        self.samples.iter().all(|s| s.abs() < SILENCE_PEAK)
    }
}

/// Iterator of [`Window`]s over a PCM byte stream.
pub(crate) struct PcmWindows<R> {
    reader: R,
    /// Samples not yet handed out; at most `window` of them.
    buf: Vec<f32>,
    buf_start: u64,
    window: usize,
    search: usize,
    /// Bytes of a sample split across two reads.
    partial: Vec<u8>,
    eof: bool,
    failed: bool,
}

impl<R: Read> PcmWindows<R> {
    /// `window` is the largest window in samples; a cut is searched for in its last
    /// `search` samples.
    pub fn new(reader: R, window: usize, search: usize) -> Self {
        let window = window.max(2 * FRAME * SPAN_FRAMES);
        PcmWindows {
            reader,
            buf: Vec::new(),
            buf_start: 0,
            window,
            search: search.min(window / 2),
            partial: Vec::with_capacity(4),
            eof: false,
            failed: false,
        }
    }

    /// The underlying reader.
    pub fn source(&self) -> &R {
        &self.reader
    }

    /// Samples read but not yet handed out.
    pub fn buffered_samples(&self) -> usize {
        self.buf.len()
    }

    /// Change the size of the windows still to come (same rules as `new`).
    pub fn resize(&mut self, window: usize, search: usize) {
        self.window = window.max(2 * FRAME * SPAN_FRAMES);
        self.search = search.min(self.window / 2);
    }

    /// Read (blocking) until the next window and its search span are buffered, or the
    /// input ends; `next` then cuts without reading.
    pub fn fill_now(&mut self) -> io::Result<()> {
        self.fill()
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut bytes = vec![0u8; 64 * 1024];
        // Read one search span past the window: if the audio ends within it, the last
        // window takes it all instead of leaving a sliver that would cost a whole pass.
        let limit = self.window + self.search;
        while self.buf.len() < limit && !self.eof {
            // Never read past the limit, so `buf` stays bounded.
            let want = ((limit - self.buf.len()) * 4 - self.partial.len()).min(bytes.len());
            let n = match self.reader.read(&mut bytes[..want]) {
                Ok(0) => {
                    self.eof = true;
                    if !self.partial.is_empty() {
                        tracing::warn!(bytes = self.partial.len(), "PCM ends in a partial sample; ignored");
                    }
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.partial.extend_from_slice(&bytes[..n]);
            let whole = self.partial.len() / 4 * 4;
            self.buf.extend(self.partial[..whole].chunks_exact(4).map(|b| {
                let s = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                if s.is_finite() {
                    s
                } else {
                    0.0
                }
            }));
            self.partial.drain(..whole);
        }
        Ok(())
    }
}

impl<R: Read> Iterator for PcmWindows<R> {
    type Item = io::Result<Window>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        if let Err(e) = self.fill() {
            self.failed = true;
            return Some(Err(e));
        }
        if self.buf.is_empty() {
            return None;
        }
        // The buffer holds up to a search span more than a window (more after a `resize`).
        let cut = if self.eof && self.buf.len() <= self.window + self.search {
            self.buf.len()
        } else {
            quietest_cut(&self.buf[..self.buf.len().min(self.window)], self.search)
        };
        let rest = self.buf.split_off(cut);
        let samples = std::mem::replace(&mut self.buf, rest);
        let window = Window { start_sample: self.buf_start, samples };
        self.buf_start += cut as u64;
        Some(Ok(window))
    }
}

/// Index at which to end a full window: the middle of the quietest 300 ms span in the
/// last `search` samples (the middle of the first such run, if several tie).
fn quietest_cut(buf: &[f32], search: usize) -> usize {
    let region = buf.len() - search.min(buf.len());
    let energy: Vec<f32> = buf[region..].chunks_exact(FRAME).map(|f| f.iter().map(|s| s * s).sum()).collect();
    if energy.len() < SPAN_FRAMES {
        return buf.len();
    }
    let spans: Vec<f32> = energy.windows(SPAN_FRAMES).map(|w| w.iter().sum()).collect();
    let min = spans.iter().copied().fold(f32::INFINITY, f32::min);
    // A little tolerance so a run of near-equal quiet spans counts as one pause.
    let quiet = min * 1.05 + 1e-6;
    let first = spans.iter().position(|&e| e <= quiet).unwrap_or(0);
    let run = spans[first..].iter().take_while(|&&e| e <= quiet).count();
    let mid = first + run.saturating_sub(1) / 2;
    region + mid * FRAME + SPAN_FRAMES * FRAME / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_bytes(samples: &[f32]) -> Vec<u8> {
        samples.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    /// `secs` of a 220 Hz tone with digital silence over `gap` (seconds).
    fn tone_with_gap(secs: f32, gap: (f32, f32)) -> Vec<f32> {
        let n = (secs * SAMPLE_RATE as f32) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / SAMPLE_RATE as f32;
                if t >= gap.0 && t < gap.1 {
                    0.0
                } else {
                    0.5 * (t * 220.0 * std::f32::consts::TAU).sin()
                }
            })
            .collect()
    }

    #[test]
    fn cuts_inside_the_pause_and_loses_nothing() {
        let audio = tone_with_gap(25.0, (7.0, 7.4));
        let windows: Vec<Window> =
            PcmWindows::new(io::Cursor::new(to_bytes(&audio)), 10 * 16_000, 4 * 16_000).map(|w| w.unwrap()).collect();
        let first_end = windows[0].end_ms();
        assert!((7000..7400).contains(&first_end), "cut at {first_end} ms");
        assert!(windows.iter().all(|w| w.samples.len() <= 14 * 16_000), "window + search at most");
        // Contiguous, non-overlapping, and together exactly the input.
        let mut next = 0u64;
        let mut joined = Vec::new();
        for w in &windows {
            assert_eq!(w.start_sample, next);
            next += w.samples.len() as u64;
            joined.extend_from_slice(&w.samples);
        }
        assert_eq!(joined, audio);
    }

    #[test]
    fn partial_trailing_sample_and_non_finite_values() {
        let mut bytes = to_bytes(&[0.25, f32::NAN, f32::INFINITY, -0.5]);
        bytes.extend_from_slice(&[1, 2]);
        let w: Vec<Window> = PcmWindows::new(io::Cursor::new(bytes), 16_000, 4_000).map(|w| w.unwrap()).collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].samples, vec![0.25, 0.0, 0.0, -0.5]);
    }

    #[test]
    fn empty_input_has_no_windows_and_silence_is_detected() {
        assert_eq!(PcmWindows::new(io::Cursor::new(Vec::new()), 16_000, 4_000).count(), 0);
        let quiet = Window { start_sample: 16_000, samples: vec![0.0005; 800] };
        assert!(quiet.is_silent());
        assert_eq!((quiet.start_ms(), quiet.end_ms()), (1000, 1050));
    }
}
