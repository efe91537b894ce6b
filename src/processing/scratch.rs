//! Per-job scratch folders under `data/work`, and cleaning up after workers that died.
//!
//! A job's folder is removed when the job ends, but a worker killed with `kill -9` leaves
//! its folder behind (a downloaded original, half-written outputs: possibly gigabytes).
//! Each folder therefore holds a lock file that its job keeps locked; the kernel releases
//! the lock when the process dies, so a folder whose lock can be taken is abandoned.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, SystemTime};

use fs4::fs_std::FileExt;

const LOCK_FILE: &str = ".in-use";
/// A folder without a lock file is only considered abandoned once it is this old, so a
/// folder that was created a moment ago and is about to get its lock is left alone.
const UNLOCKED_GRACE: Duration = Duration::from_secs(60);

/// A job's scratch folder, deleted (with its lock released) when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
    _lock: File,
}

impl Scratch {
    pub fn create(work_root: &Path, video_id: &str) -> std::io::Result<Scratch> {
        let dir = tempfile::Builder::new().prefix(&format!("video-{video_id}-")).tempdir_in(work_root)?;
        let lock = File::create(dir.path().join(LOCK_FILE))?;
        FileExt::lock_exclusive(&lock)?;
        Ok(Scratch { dir, _lock: lock })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Remove the scratch folders of jobs whose worker is gone; returns how many.
pub fn remove_abandoned(work_root: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(work_root) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let is_job_folder = entry.file_name().to_string_lossy().starts_with("video-") && path.is_dir();
        if is_job_folder && is_abandoned(&path) && std::fs::remove_dir_all(&path).is_ok() {
            tracing::info!(folder = %path.display(), "removed the scratch folder of a job whose worker died");
            removed += 1;
        }
    }
    removed
}

fn is_abandoned(folder: &Path) -> bool {
    match File::open(folder.join(LOCK_FILE)) {
        // Taking the lock proves nobody holds it; it is released again when `lock` drops.
        Ok(lock) => FileExt::try_lock_exclusive(&lock).unwrap_or(false),
        Err(_) => std::fs::metadata(folder)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > UNLOCKED_GRACE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_nobody_holds_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let live = Scratch::create(root.path(), "live").unwrap();
        let dead = root.path().join("video-dead-x");
        std::fs::create_dir(&dead).unwrap();
        File::create(dead.join(LOCK_FILE)).unwrap(); // its locker is gone
        let fresh = root.path().join("video-fresh-y");
        std::fs::create_dir(&fresh).unwrap(); // no lock yet, but brand new
        let unrelated = root.path().join("other");
        std::fs::create_dir(&unrelated).unwrap();

        assert_eq!(remove_abandoned(root.path()), 1);
        assert!(!dead.exists());
        assert!(live.path().exists() && fresh.exists() && unrelated.exists());
        drop(live);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 2, "the finished job cleaned up after itself");
    }
}
