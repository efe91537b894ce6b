//! The speech audio file while the decode pass is still writing it.
//!
//! Why: transcription is the longest step after the transcode, and both used to run
//! one after the other. With a feed, speech recognition reads the 16 kHz PCM as the
//! single decode pass produces it (still decoding once), so the two overlap.
//!
//! Policy:
//! - The file on disk is the buffer: the writer publishes how many bytes are safely
//!   written (about once per second of audio), and a reader never reads past that.
//!   Memory stays bounded whatever the recording's length.
//! - The feed ends exactly once: `complete` after the pass succeeded, or `fail` with
//!   a reason (bad media, deadline, panic). `EndGuard` fails it if the pass returns
//!   early without saying, so a reader never waits for bytes that will not come.
//! - A reader gives up on its own deadline too (it waits in one-second steps).

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[derive(Default)]
struct FeedState {
    path: Option<PathBuf>,
    /// Bytes of the file that are written and may be read.
    published: u64,
    end: Option<Result<(), String>>,
}

/// Shared between the decode pass (writer) and one or more readers.
#[derive(Default)]
pub struct SpeechFeed {
    state: Mutex<FeedState>,
    changed: Condvar,
}

impl fmt::Debug for SpeechFeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("SpeechFeed").field("published", &state.published).field("end", &state.end).finish()
    }
}

impl SpeechFeed {
    pub fn new() -> Arc<SpeechFeed> {
        Arc::new(SpeechFeed::default())
    }

    /// A reader from the first byte.
    pub fn reader(self: &Arc<Self>, deadline: Option<Instant>) -> FeedReader {
        FeedReader { feed: Arc::clone(self), file: None, pos: 0, deadline }
    }

    /// True until the pass has ended, one way or the other.
    pub fn is_growing(&self) -> bool {
        self.lock().end.is_none()
    }

    fn lock(&self) -> MutexGuard<'_, FeedState> {
        // A panicking writer cannot leave the state half-updated: every change is one store.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The writer (re)created the file at `path`; nothing of it is published yet.
    pub(super) fn attach(&self, path: PathBuf) {
        let mut state = self.lock();
        state.path = Some(path);
        state.published = 0;
    }

    pub(super) fn publish(&self, bytes: u64) {
        self.lock().published = bytes;
        self.changed.notify_all();
    }

    pub(super) fn complete(&self) {
        self.end(Ok(()));
    }

    pub(super) fn fail(&self, reason: impl Into<String>) {
        self.end(Err(reason.into()));
    }

    fn end(&self, outcome: Result<(), String>) {
        let mut state = self.lock();
        if state.end.is_none() {
            state.end = Some(outcome);
        }
        drop(state);
        self.changed.notify_all();
    }
}

/// Bytes between publications: one second of 16 kHz f32 audio.
const PUBLISH_EVERY: u64 = 64_000;

/// Writes the speech file and, when it has a feed, publishes its progress.
pub(super) struct SpeechFileWriter {
    file: BufWriter<File>,
    written: u64,
    published: u64,
    feed: Option<Arc<SpeechFeed>>,
}

impl SpeechFileWriter {
    pub(super) fn create(path: &Path, feed: Option<Arc<SpeechFeed>>) -> io::Result<Self> {
        let file = File::create(path)?;
        if let Some(feed) = &feed {
            feed.attach(path.to_path_buf());
        }
        Ok(SpeechFileWriter { file: BufWriter::with_capacity(1 << 16, file), written: 0, published: 0, feed })
    }

    pub(super) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.written += bytes.len() as u64;
        if self.feed.is_some() && self.written - self.published >= PUBLISH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Write out what is buffered and let readers have it.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.file.flush()?;
        self.published = self.written;
        if let Some(feed) = &self.feed {
            feed.publish(self.written);
        }
        Ok(())
    }
}

/// Fails the feed when dropped unless disarmed: the pass ended without completing it.
pub(super) struct EndGuard(pub(super) Option<Arc<SpeechFeed>>);

impl EndGuard {
    pub(super) fn complete(mut self) {
        if let Some(feed) = self.0.take() {
            feed.complete();
        }
    }
}

impl Drop for EndGuard {
    fn drop(&mut self) {
        if let Some(feed) = self.0.take() {
            feed.fail("the media could not be processed");
        }
    }
}

/// Reads the speech file up to what is published, waiting for more until the feed ends.
pub struct FeedReader {
    feed: Arc<SpeechFeed>,
    file: Option<File>,
    pos: u64,
    deadline: Option<Instant>,
}

impl FeedReader {
    /// Whether more bytes may still arrive (for callers that adapt to a busy machine).
    pub fn is_growing(&self) -> bool {
        self.feed.is_growing()
    }

    /// Bytes left to read, once the pass has completed (unknown before).
    pub fn remaining_bytes(&self) -> Option<u64> {
        let state = self.feed.lock();
        matches!(state.end, Some(Ok(()))).then(|| state.published.saturating_sub(self.pos))
    }

    /// Wait until bytes past `pos` are published (returns how many), or the feed ends.
    fn wait_for_bytes(&self) -> io::Result<u64> {
        let mut state = self.feed.lock();
        loop {
            if state.published > self.pos {
                return Ok(state.published - self.pos);
            }
            match &state.end {
                Some(Ok(())) => return Ok(0),
                Some(Err(reason)) => return Err(io::Error::other(reason.clone())),
                None => {}
            }
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "gave up waiting for the speech audio"));
            }
            state = match self.feed.changed.wait_timeout(state, Duration::from_secs(1)) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            let path = self.feed.lock().path.clone().ok_or_else(|| io::Error::other("speech file not created"))?;
            let mut file = File::open(path)?;
            file.seek(SeekFrom::Start(self.pos))?;
            self.file = Some(file);
        }
        Ok(self.file.as_mut().expect("opened above"))
    }
}

impl Read for FeedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let available = self.wait_for_bytes()?;
        if available == 0 {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(available).unwrap_or(usize::MAX));
        let n = self.open()?.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "speech file shorter than published"));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reader_follows_the_writer_and_sees_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("speech.f32");
        let feed = SpeechFeed::new();
        let mut reader = feed.reader(None);
        let writer = {
            let (feed, path) = (feed.clone(), path.clone());
            std::thread::spawn(move || {
                let mut file = File::create(&path).unwrap();
                feed.attach(path);
                for i in 0..50u32 {
                    file.write_all(&i.to_le_bytes()).unwrap();
                    file.flush().unwrap();
                    feed.publish(u64::from(i + 1) * 4);
                    std::thread::sleep(Duration::from_millis(2));
                }
                feed.complete();
            })
        };
        let mut got = Vec::new();
        reader.read_to_end(&mut got).unwrap();
        writer.join().unwrap();
        let values: Vec<u32> = got.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().unwrap())).collect();
        assert_eq!(values, (0..50).collect::<Vec<_>>());
        assert!(!reader.is_growing());
    }

    #[test]
    fn a_failed_or_abandoned_pass_is_an_error_for_the_reader() {
        let feed = SpeechFeed::new();
        drop(EndGuard(Some(feed.clone())));
        let err = feed.reader(None).read(&mut [0u8; 16]).unwrap_err();
        assert!(err.to_string().contains("could not be processed"), "{err}");

        let nothing = SpeechFeed::new();
        EndGuard(Some(nothing.clone())).complete();
        assert_eq!(nothing.reader(None).read(&mut [0u8; 16]).unwrap(), 0, "no audio: empty, not an error");
    }

    #[test]
    fn a_reader_stops_waiting_at_its_deadline() {
        let feed = SpeechFeed::new();
        let started = Instant::now();
        let err = feed.reader(Some(Instant::now() + Duration::from_millis(50))).read(&mut [0u8; 4]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        // Bounded, not timed: a reader that ignored its deadline would block here for good.
        assert!(started.elapsed() < Duration::from_secs(15));
    }
}
