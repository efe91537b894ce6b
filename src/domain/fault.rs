//! Faults of the machinery under a request, as opposed to mistakes in the request.
//!
//! A database that is restarting, an object store that does not answer, a full disk: the
//! request was fine and will succeed later, so the client should hear "try again"
//! (503 + `Retry-After`) or "no space" (507), never a bare 500. Each error type names its
//! own faults (`db::fault_of`, `StoreError::fault`); `api/error.rs` turns them into HTTP.

/// A failure of infrastructure that a retry (or an operator) can cure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The database or object store is unreachable, restarting or busy: retry shortly.
    Unavailable,
    /// The disk (or database) has no space left for what the request wanted to keep.
    StorageFull,
}

impl Fault {
    /// The fault an I/O error stands for, if it is one: ENOSPC and EDQUOT are a full disk;
    /// a refused, reset or timed-out connection is something unavailable.
    pub fn of_io(err: &std::io::Error) -> Option<Fault> {
        use std::io::ErrorKind;
        // ENOSPC = 28, EDQUOT = 122 on Linux.
        if matches!(err.raw_os_error(), Some(28) | Some(122)) || err.kind() == ErrorKind::StorageFull {
            return Some(Fault::StorageFull);
        }
        match err.kind() {
            ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
            | ErrorKind::BrokenPipe
            | ErrorKind::TimedOut => Some(Fault::Unavailable),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_storage_full() {
        assert_eq!(Fault::of_io(&std::io::Error::from_raw_os_error(28)), Some(Fault::StorageFull));
        assert_eq!(Fault::of_io(&std::io::Error::from_raw_os_error(122)), Some(Fault::StorageFull));
    }

    #[test]
    fn a_lost_connection_is_unavailable() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(Fault::of_io(&refused), Some(Fault::Unavailable));
    }

    #[test]
    fn other_io_errors_are_not_faults() {
        assert_eq!(Fault::of_io(&std::io::Error::from(std::io::ErrorKind::InvalidData)), None);
        assert_eq!(Fault::of_io(&std::io::Error::from_raw_os_error(2)), None);
    }
}
