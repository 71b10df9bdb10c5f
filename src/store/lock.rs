//! One writer per plan file. A writer holds an exclusive lock on `<plan>.lock` beside the plan
//! file for as long as it has the file open; a second program that wants to write gets
//! [`StoreError::Locked`](super::StoreError::Locked), with who holds the lock, and may open the
//! file read-only instead. The lock is the operating system's (`flock` / `LockFileEx`), so it
//! ends with the process: after a crash the next start simply takes it, with nothing to clean
//! up. Within one process the lock is shared (the app reads and imports on a second connection).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use super::StoreError;

/// The lock a writer holds; released when the last handle in this process drops.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    /// Removed on release (Unix only: Windows cannot remove an open file).
    #[cfg_attr(not(unix), allow(dead_code))]
    path: PathBuf,
}

/// Who holds a plan file's lock, as they wrote it into the lock file.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Holder {
    pub pid: String,
    pub host: String,
    pub program: String,
    pub since: String,
}

impl Holder {
    fn parse(text: &str) -> Holder {
        let mut h = Holder::default();
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                let v = v.trim().to_owned();
                match k.trim() {
                    "pid" => h.pid = v,
                    "host" => h.host = v,
                    "program" => h.program = v,
                    "since" => h.since = v,
                    _ => {}
                }
            }
        }
        h
    }
}

/// The lock file of a plan file: `<plan>.lock` beside it.
pub fn lock_path(plan: &Path) -> PathBuf {
    let mut s = plan.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

fn held() -> &'static Mutex<Vec<(PathBuf, Weak<WriterLock>)>> {
    static HELD: Mutex<Vec<(PathBuf, Weak<WriterLock>)>> = Mutex::new(Vec::new());
    &HELD
}

fn host_name() -> String {
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_default()
}

/// Takes the writer lock of `plan` (which must exist), or shares the one this process holds.
pub fn acquire(plan: &Path, program: &str) -> Result<Arc<WriterLock>, StoreError> {
    let key = plan.canonicalize().map_err(|e| StoreError::Io {
        path: plan.to_owned(),
        detail: e.to_string(),
    })?;
    let mut list = held().lock().unwrap_or_else(|p| p.into_inner());
    list.retain(|(_, w)| w.strong_count() > 0);
    if let Some(lock) = list
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, w)| w.upgrade())
    {
        return Ok(lock);
    }
    let path = lock_path(&key);
    let io = |e: std::io::Error| StoreError::Io {
        path: path.clone(),
        detail: e.to_string(),
    };
    // A lock file removed by its holder between our open and our lock would leave us locking
    // a file nobody else sees: check that the path still names the file we locked.
    for _ in 0..5 {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(StoreError::Locked {
                    path: plan.to_owned(),
                    holder: Holder::parse(&text),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        if !same_file(&file, &path) {
            continue;
        }
        let since = jiff::Zoned::now().strftime("%Y-%m-%d %H:%M:%S").to_string();
        let text = format!(
            "pid={}\nhost={}\nprogram={program}\nsince={since}\n",
            std::process::id(),
            host_name()
        );
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        let lock = Arc::new(WriterLock {
            file,
            path: path.clone(),
        });
        list.push((key, Arc::downgrade(&lock)));
        return Ok(lock);
    }
    Err(io(std::io::Error::other("the lock file keeps changing")))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// Who holds the writer lock of `plan` in another process, if anyone does.
pub fn holder(plan: &Path) -> Option<Holder> {
    let key = plan.canonicalize().ok()?;
    {
        let list = held().lock().unwrap_or_else(|p| p.into_inner());
        if list.iter().any(|(k, w)| *k == key && w.strong_count() > 0) {
            return None;
        }
    }
    let mut file = OpenOptions::new().read(true).open(lock_path(&key)).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(_) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Some(Holder::parse(&text))
        }
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Remove the file while still holding the lock (anyone who opened it meanwhile finds
        // it gone and retries); on Windows an open file cannot be removed, so it stays.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
        let mut list = held().lock().unwrap_or_else(|p| p.into_inner());
        list.retain(|(_, w)| w.strong_count() > 0);
    }
}
