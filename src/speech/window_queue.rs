//! Hands out the windows of one recording to the workers transcribing it.
//!
//! Policy:
//! - Windows are numbered in order, so the workers' results can be put back in order.
//! - While the source is still growing (the decode pass is writing it), only worker 0
//!   takes windows: the transcode is using the other cores. Others wait.
//! - Once the source is complete and its remaining length known, the rest is cut into
//!   a multiple of the worker count of equal windows (each at most the configured
//!   size), so the workers finish together instead of one of them taking a long tail.

use std::io::{self, BufReader};

use super::pcm::{PcmWindows, Window};
use super::transcribe::PcmSource;

/// Where the quiet-point search looks for a cut, for a window of `window` samples.
pub(crate) fn search_span(window: usize) -> usize {
    (window / 4).min(10 * super::SAMPLE_RATE as usize)
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
