//! Hands out the windows of one recording to the workers transcribing it.
//!
//! Policy:
//! - Windows are numbered in order, so the workers' results can be put back in order.
//! - While the source is still growing (the decode pass is writing it), only worker 0
//!   takes windows: the transcode is using the other cores. Others wait.
//! - Once the source is complete and its remaining length known, the rest is cut into
//!   a multiple of the worker count of equal windows (each at most the configured
//!   size), so the workers finish together instead of one of them taking a long tail.
//!   That includes a source completing while worker 0 waits for its next window (a live
//!   recording stopping): its last window is split too.

use std::io::{self, BufReader};

use super::pcm::{PcmWindows, Window, SAMPLE_RATE};
use super::pcm_source::PcmSource;

/// Where the quiet-point search looks for a cut, for a window of `window` samples.
pub(crate) fn search_span(window: usize) -> usize {
    (window / 4).min(10 * SAMPLE_RATE as usize)
}

pub(crate) enum Take {
    Window(usize, Window),
    /// Not this worker's turn yet (the source is still growing); ask again shortly.
    Wait,
    Done,
}

pub(crate) struct WindowQueue<S> {
    windows: PcmWindows<BufReader<S>>,
    next_index: usize,
    workers: usize,
    max_window: usize,
    balanced: bool,
}

impl<S: PcmSource> WindowQueue<S> {
    pub(crate) fn new(source: S, max_window: usize, workers: usize) -> Self {
        WindowQueue {
            windows: PcmWindows::new(BufReader::new(source), max_window, search_span(max_window)),
            next_index: 0,
            workers: workers.max(1),
            max_window,
            balanced: false,
        }
    }

    pub(crate) fn is_growing(&self) -> bool {
        self.windows.source().get_ref().is_growing()
    }

    pub(crate) fn take(&mut self, worker: usize) -> io::Result<Take> {
        if worker > 0 && self.is_growing() {
            return Ok(Take::Wait);
        }
        // Read first: a source that completes during this read (a live recording
        // stopping) is then balanced now, so its tail is shared instead of going whole
        // to this worker.
        self.windows.fill_now()?;
        self.balance();
        match self.windows.next() {
            None => Ok(Take::Done),
            Some(window) => {
                let index = self.next_index;
                self.next_index += 1;
                Ok(Take::Window(index, window?))
            }
        }
    }

    /// Once, as soon as the remaining length is known: equal windows, a multiple of the
    /// worker count. The read limit is set half a search span past the planned length
    /// so cuts at quiet points land on both sides of it.
    fn balance(&mut self) {
        if self.balanced || self.workers == 1 {
            return;
        }
        let reader = self.windows.source();
        let Some(unread) = reader.get_ref().remaining_bytes() else { return };
        self.balanced = true;
        let remaining = self.windows.buffered_samples() as u64 + (reader.buffer().len() as u64 + unread) / 4;
        let max = self.max_window as u64;
        let per_worker = remaining.div_ceil(max).div_ceil(self.workers as u64).max(1);
        let count = per_worker * self.workers as u64;
        let planned = remaining.div_ceil(count).max(1) as usize;
        let search = search_span(planned);
        self.windows.resize((planned + search / 2).min(self.max_window), search);
        tracing::debug!(remaining_samples = remaining, windows = count, planned, "windows balanced across workers");
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;

    /// `secs` of a tone with a short pause every 10 s, as bytes; `growing` while unread.
    struct Audio {
        bytes: Cursor<Vec<u8>>,
        growing: bool,
    }

    impl Read for Audio {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.bytes.read(buf)
        }
    }

    impl PcmSource for Audio {
        fn describe(&self) -> String {
            "test audio".into()
        }
        fn is_growing(&self) -> bool {
            self.growing
        }
        fn remaining_bytes(&self) -> Option<u64> {
            (!self.growing).then(|| self.bytes.get_ref().len() as u64 - self.bytes.position())
        }
    }

    fn audio(secs: usize, growing: bool) -> Audio {
        let rate = SAMPLE_RATE as usize;
        let samples = (0..secs * rate).map(|i| if (i / rate) % 10 == 9 && i % rate < rate / 2 { 0.0 } else { 0.3f32 });
        Audio { bytes: Cursor::new(samples.flat_map(f32::to_le_bytes).collect()), growing }
    }

    fn drain(queue: &mut WindowQueue<Audio>) -> Vec<Window> {
        let mut windows = Vec::new();
        for _ in 0..100 {
            match queue.take(windows.len() % 2).unwrap() {
                Take::Window(index, window) => {
                    assert_eq!(index, windows.len());
                    windows.push(window);
                }
                Take::Wait => panic!("a complete source never makes a worker wait"),
                Take::Done => return windows,
            }
        }
        panic!("too many windows");
    }

    #[test]
    fn the_rest_is_split_evenly_between_the_workers() {
        let rate = SAMPLE_RATE as usize;
        // 300 s for 2 workers with 120 s windows: 4 windows of about 75 s, not 120+120+60.
        let windows = drain(&mut WindowQueue::new(audio(300, false), 120 * rate, 2));
        let lengths: Vec<usize> = windows.iter().map(|w| w.samples.len() / rate).collect();
        assert_eq!(lengths.len(), 4, "{lengths:?}");
        assert!(lengths.iter().all(|&l| (60..=85).contains(&l)), "{lengths:?}");
        // Contiguous and complete.
        let mut next = 0;
        for w in &windows {
            assert_eq!(w.start_sample, next);
            next += w.samples.len() as u64;
        }
        assert_eq!(next, 300 * rate as u64);
    }

    /// Grows until it has been read to the end, like a live recording's audio.
    struct UntilRead(Cursor<Vec<u8>>);

    impl Read for UntilRead {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(SAMPLE_RATE as usize * 4); // a second per read
            self.0.read(&mut buf[..n])
        }
    }

    impl PcmSource for UntilRead {
        fn describe(&self) -> String {
            "live audio".into()
        }
        fn is_growing(&self) -> bool {
            (self.0.position() as usize) < self.0.get_ref().len()
        }
        fn remaining_bytes(&self) -> Option<u64> {
            (!self.is_growing()).then_some(0)
        }
    }

    #[test]
    fn a_source_completing_mid_take_has_its_tail_shared() {
        let rate = SAMPLE_RATE as usize;
        let source = UntilRead(audio(40, false).bytes);
        let mut queue = WindowQueue::new(source, 20 * rate, 2);
        let Take::Window(0, first) = queue.take(0).unwrap() else { panic!("window 0") };
        // The rest (about 21 s) arrives during worker 0's next take: two windows, not one.
        let Take::Window(1, second) = queue.take(0).unwrap() else { panic!("window 1") };
        let third = match queue.take(1).unwrap() {
            Take::Window(2, third) => third,
            Take::Window(i, w) => panic!("window {i} of {} s", w.samples.len() / rate),
            Take::Wait => panic!("wait"),
            Take::Done => panic!("done after {} s", second.samples.len() / rate),
        };
        assert!(matches!(queue.take(0).unwrap(), Take::Done));
        let secs = |w: &Window| w.samples.len() / rate;
        assert!(secs(&first) <= 20, "{}", secs(&first));
        assert!(
            (7..=14).contains(&secs(&second)) && (7..=14).contains(&secs(&third)),
            "{} + {}",
            secs(&second),
            secs(&third)
        );
        assert_eq!(first.samples.len() + second.samples.len() + third.samples.len(), 40 * rate);
    }

    #[test]
    fn only_the_first_worker_reads_a_growing_source() {
        let rate = SAMPLE_RATE as usize;
        let mut queue = WindowQueue::new(audio(50, true), 30 * rate, 2);
        assert!(matches!(queue.take(1).unwrap(), Take::Wait));
        assert!(matches!(queue.take(0).unwrap(), Take::Window(0, _)));
        // One worker keeps the configured window size.
        let windows = drain(&mut WindowQueue::new(audio(300, false), 120 * rate, 1));
        assert_eq!(windows.len(), 3);
    }
}
