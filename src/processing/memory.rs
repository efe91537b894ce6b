//! Giving freed memory back to the system between the steps of a job.
//!
//! Why: the transcode frees hundreds of megabytes of frame buffers (libx264's lookahead
//! and reference frames at 1080p), but glibc keeps freed heap pages mapped for reuse,
//! so they still count as the worker's memory while transcription then allocates its
//! own decoder states. Measured on a one-hour 1080p recording, that put peak RSS at the
//! 1 GiB budget (BENCHMARKS.md). `malloc_trim` returns the free pages.

/// Return free heap pages to the operating system (glibc only; elsewhere a no-op).
#[allow(unsafe_code)]
pub(super) fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own free lists; it takes no pointers of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}
