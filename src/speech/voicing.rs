//! Where in a window there is sound: used to correct word start times.
//!
//! Policy: a word does not start in silence. Word starts come from the end of the
//! word before (see `transcribe.rs`), which puts any pause in front of a word inside
//! it; moving each start forward to the first voiced 10 ms frame within the word
//! removes that pause. A frame is voiced when its RMS exceeds a tenth of the loudest
//! frame in the window (and an absolute floor), which tolerates a steady noise floor
//! far below speech. Starts only move forward and never past the word's end, so order
//! and containment are preserved.

use super::pcm::SAMPLE_RATE;
use super::transcript::Word;

const FRAME: usize = SAMPLE_RATE as usize / 100;
const FRAME_MS: i64 = 10;
/// About -54 dBFS: quieter than this is never speech.
const FLOOR_RMS: f32 = 0.002;

pub(crate) struct Voicing {
    start_ms: i64,
    voiced: Vec<bool>,
}

impl Voicing {
    /// Analyses `samples`, which start at `start_ms` of the file.
    pub fn new(samples: &[f32], start_ms: i64) -> Self {
        let rms: Vec<f32> =
            samples.chunks(FRAME).map(|f| (f.iter().map(|s| s * s).sum::<f32>() / f.len() as f32).sqrt()).collect();
        let loudest = rms.iter().copied().fold(0.0, f32::max);
        let threshold = (loudest * 0.1).max(FLOOR_RMS);
        Voicing { start_ms, voiced: rms.iter().map(|&r| r > threshold).collect() }
    }

    /// Start of the first voiced frame overlapping `from_ms..to_ms`, if any.
    pub fn first_voiced(&self, from_ms: i64, to_ms: i64) -> Option<i64> {
        let frame_of = |ms: i64| ((ms - self.start_ms).max(0) / FRAME_MS) as usize;
        let (first, last) = (frame_of(from_ms), frame_of(to_ms).min(self.voiced.len()));
        (first..last).find(|&i| self.voiced[i]).map(|i| (self.start_ms + i as i64 * FRAME_MS).max(from_ms))
    }

    /// Moves each word's start forward to where its sound begins (see module docs).
    pub fn snap_word_starts(&self, words: &mut [Word]) {
        for w in words {
            if let Some(onset) = self.first_voiced(w.start_ms, w.end_ms) {
                w.start_ms = onset.min(w.end_ms);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start_ms: i64, end_ms: i64) -> Word {
        Word { start_ms, end_ms, text: "w".into() }
    }

    #[test]
    fn word_starts_move_to_the_sound() {
        // 1 s of near-silence, then 1 s of a loud signal; the window starts at 10 s.
        let mut samples = vec![0.0005f32; 16_000];
        samples.extend((0..16_000).map(|i| if i % 2 == 0 { 0.3 } else { -0.3 }));
        let v = Voicing::new(&samples, 10_000);
        assert_eq!(v.first_voiced(10_000, 12_000), Some(11_000));
        assert_eq!(v.first_voiced(10_000, 10_900), None);
        assert_eq!(v.first_voiced(11_500, 11_600), Some(11_500));

        let mut words = [word(10_200, 11_400), word(10_100, 10_500), word(11_400, 11_900)];
        v.snap_word_starts(&mut words);
        let spans: Vec<(i64, i64)> = words.iter().map(|w| (w.start_ms, w.end_ms)).collect();
        assert_eq!(spans, [(11_000, 11_400), (10_100, 10_500), (11_400, 11_900)]);
    }
}
