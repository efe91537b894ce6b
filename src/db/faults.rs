//! Which database errors are the database's fault (restart, lost connection, busy, full)
//! rather than the query's: those become 503/507 at the HTTP boundary, never 500.

use crate::domain::Fault;

/// The fault `err` stands for, on either backend, if it is one.
pub fn fault_of(err: &sqlx::Error) -> Option<Fault> {
    match err {
        // A connection that broke mid-query, a pool that could not connect in time.
        sqlx::Error::Io(io) => Some(Fault::of_io(io).unwrap_or(Fault::Unavailable)),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => Some(Fault::Unavailable),
        sqlx::Error::Protocol(_) => Some(Fault::Unavailable),
        sqlx::Error::Database(db) => {
            let code = db.code()?;
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                sqlite_fault(&code)
            } else {
                postgres_fault(&code)
            }
        }
        _ => None,
    }
}

/// SQLite result codes are numbers; the primary code is the low byte of an extended one.
fn sqlite_fault(code: &str) -> Option<Fault> {
    match code.parse::<i32>().ok()? & 0xff {
        // SQLITE_FULL
        13 => Some(Fault::StorageFull),
        // SQLITE_BUSY, SQLITE_LOCKED: another writer held on past busy_timeout.
        5 | 6 => Some(Fault::Unavailable),
        _ => None,
    }
}

/// PostgreSQL SQLSTATEs: five characters, the first two the class.
fn postgres_fault(code: &str) -> Option<Fault> {
    match code {
        // disk_full
        "53100" => Some(Fault::StorageFull),
        // too_many_connections, admin/crash shutdown, cannot_connect_now,
        // serialization_failure, deadlock_detected: all pass with a retry.
        "53300" | "57P01" | "57P02" | "57P03" | "40001" | "40P01" => Some(Fault::Unavailable),
        // Class 08: connection exceptions.
        _ if code.starts_with("08") => Some(Fault::Unavailable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_and_lost_connections_are_unavailable() {
        for code in ["57P01", "57P03", "08006", "08003", "40001"] {
            assert_eq!(postgres_fault(code), Some(Fault::Unavailable), "{code}");
        }
        assert_eq!(sqlite_fault("5"), Some(Fault::Unavailable));
        assert_eq!(sqlite_fault("517"), Some(Fault::Unavailable), "SQLITE_BUSY_SNAPSHOT");
        assert_eq!(fault_of(&sqlx::Error::PoolTimedOut), Some(Fault::Unavailable));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(fault_of(&sqlx::Error::Io(reset)), Some(Fault::Unavailable));
    }

    #[test]
    fn a_full_database_is_storage_full() {
        assert_eq!(postgres_fault("53100"), Some(Fault::StorageFull));
        assert_eq!(sqlite_fault("13"), Some(Fault::StorageFull));
        let enospc = std::io::Error::from_raw_os_error(28);
        assert_eq!(fault_of(&sqlx::Error::Io(enospc)), Some(Fault::StorageFull));
    }

    #[test]
    fn query_mistakes_are_not_faults() {
        // unique_violation, syntax_error; SQLITE_CONSTRAINT (extended: 2067)
        for code in ["23505", "42601"] {
            assert_eq!(postgres_fault(code), None, "{code}");
        }
        for code in ["2067", "19"] {
            assert_eq!(sqlite_fault(code), None, "{code}");
        }
        assert_eq!(fault_of(&sqlx::Error::RowNotFound), None);
    }
}
