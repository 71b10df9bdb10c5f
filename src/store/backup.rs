//! Automatic rotating backups of a plan file, in the folder `<plan file>.backups` beside it.
//!
//! A backup is a consistent copy made with `VACUUM INTO` from its own read-only connection (so
//! it can run while the plan is being edited) into a temporary file, which is synced, checked
//! (SQLite's integrity check, the application id, a schema version this build reads), then
//! renamed into place. A copy identical to the newest backup is not kept. Rotation keeps the
//! newest [`KEEP_LAST`] backups plus the newest of each day for [`KEEP_DAYS`] days.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use super::{Result, StoreError, schema};

/// How many of the newest backups are always kept.
pub const KEEP_LAST: usize = 5;
/// For how many days the newest backup of each day is kept.
pub const KEEP_DAYS: i64 = 30;
/// How long the app edits before it takes another backup.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Why a backup was taken (part of its file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// When the file was opened.
    Open,
    /// Before the file was upgraded to this version's schema.
    Upgrade,
    /// Every hour while editing.
    Hourly,
    /// The state just before a backup was restored (restoring it undoes the restore).
    BeforeRestore,
    /// Asked for by the user.
    Manual,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Self::Open,
        Self::Upgrade,
        Self::Hourly,
        Self::BeforeRestore,
        Self::Manual,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Upgrade => "upgrade",
            Self::Hourly => "hourly",
            Self::BeforeRestore => "before-restore",
            Self::Manual => "manual",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Open => "backup.reason.open",
            Self::Upgrade => "backup.reason.upgrade",
            Self::Hourly => "backup.reason.hourly",
            Self::BeforeRestore => "backup.reason.before_restore",
            Self::Manual => "backup.reason.manual",
        }
    }

    fn parse(code: &str) -> Option<Reason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// One backup file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was taken (local time, to the second).
    pub taken: jiff::civil::DateTime,
    pub reason: Reason,
    pub bytes: u64,
}

/// The backup folder of a plan file: `<plan file name>.backups` beside it.
pub fn folder(plan: &Path) -> PathBuf {
    let mut name = plan.file_name().unwrap_or_default().to_owned();
    name.push(".backups");
    plan.with_file_name(name)
}

const STAMP: &str = "%Y%m%d-%H%M%S";

fn file_name(taken: jiff::civil::DateTime, reason: Reason, n: u32) -> String {
    let stamp = taken.strftime(STAMP);
    if n == 0 {
        format!("{stamp}-{}.{}", reason.code(), super::FILE_EXTENSION)
    } else {
        format!("{stamp}-{}-{n}.{}", reason.code(), super::FILE_EXTENSION)
    }
}

fn parse_name(name: &str) -> Option<(jiff::civil::DateTime, Reason)> {
    let stem = name.strip_suffix(&format!(".{}", super::FILE_EXTENSION))?;
    let (stamp, rest) = (stem.get(..15)?, stem.get(16..)?);
    let taken = jiff::civil::DateTime::strptime(STAMP, stamp).ok()?;
    let code = match rest.rsplit_once('-') {
        Some((code, n)) if n.parse::<u32>().is_ok() => code,
        _ => rest,
    };
    Some((taken, Reason::parse(code)?))
}

/// The backups of `plan`, newest first.
pub fn list(plan: &Path) -> Result<Vec<Backup>> {
    let dir = folder(plan);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((taken, reason)) = parse_name(&name) {
            out.push(Backup {
                path: entry.path(),
                taken,
                reason,
                bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
            });
        }
    }
    out.sort_by(|a, b| b.taken.cmp(&a.taken).then(b.path.cmp(&a.path)));
    Ok(out)
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

fn now() -> jiff::civil::DateTime {
    jiff::Zoned::now().datetime()
}

/// Takes a backup of `plan` now. `None` when it is identical to the newest backup (nothing
/// changed since), which is then kept as it is.
pub fn make(plan: &Path, reason: Reason) -> Result<Option<Backup>> {
    make_at(plan, reason, now())
}

/// A backup holding the plan as it is now: a new one, or the newest when nothing changed since
/// (restoring it brings back this state: what undoing a restore needs).
pub fn make_or_newest(plan: &Path, reason: Reason) -> Result<Backup> {
    if let Some(b) = make(plan, reason)? {
        return Ok(b);
    }
    list(plan)?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Io {
            path: folder(plan),
            detail: "the newest backup disappeared".to_owned(),
        })
}

/// [`make`] at a given time (tests).
pub fn make_at(
    plan: &Path,
    reason: Reason,
    taken: jiff::civil::DateTime,
) -> Result<Option<Backup>> {
    let dir = folder(plan);
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let taken = taken.with().subsec_nanosecond(0).build().unwrap_or(taken);
    let tmp = dir.join(format!(
        ".{}-{}.partial",
        taken.strftime(STAMP),
        std::process::id()
    ));
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| io(&tmp, e))?;
    }
    let result = copy_verified(plan, &tmp);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let newest = list(plan)?.into_iter().next();
    if let Some(newest) = newest
        && digest(&newest.path).ok() == digest(&tmp).ok()
    {
        let _ = std::fs::remove_file(&tmp);
        return Ok(None);
    }
    let mut n = 0;
    let target = loop {
        let candidate = dir.join(file_name(taken, reason, n));
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    std::fs::rename(&tmp, &target).map_err(|e| io(&target, e))?;
    sync_dir(&dir);
    prune_at(plan, taken)?;
    let bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    Ok(Some(Backup {
        path: target,
        taken,
        reason,
        bytes,
    }))
}

/// Copies `plan` consistently into `tmp`, syncs it and checks the copy.
fn copy_verified(plan: &Path, tmp: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        plan,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| super::corrupt_or_busy(plan, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])
        .map_err(|e| super::corrupt_or_busy(plan, e))?;
    drop(conn);
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(tmp, e))?;
    verify(tmp)
}

/// Checks that `file` is a whole plan file this build can open: SQLite's integrity check, the
/// application id and the schema version.
pub fn verify(file: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| super::corrupt_or_busy(file, e))?;
    let corrupt = |detail: String| StoreError::Corrupt {
        path: file.to_owned(),
        detail,
    };
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| super::corrupt_or_busy(file, e))?;
    if integrity != "ok" {
        return Err(corrupt(integrity));
    }
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id != schema::APPLICATION_ID {
        return Err(StoreError::ForeignDatabase {
            path: file.to_owned(),
        });
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > schema::LATEST_VERSION {
        return Err(StoreError::TooNew {
            path: file.to_owned(),
            file_version: version,
            supported: schema::LATEST_VERSION,
        });
    }
    if version < 1 {
        return Err(corrupt("no schema".to_owned()));
    }
    Ok(())
}

fn digest(path: &Path) -> std::io::Result<[u8; 32]> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().into())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

/// Which backups rotation keeps at `now`: the newest [`KEEP_LAST`], and the newest of each of
/// the last [`KEEP_DAYS`] days. `backups` newest first.
pub fn keep(backups: &[Backup], now: jiff::civil::DateTime) -> Vec<bool> {
    let oldest_day = now
        .date()
        .checked_sub(jiff::Span::new().days(KEEP_DAYS))
        .ok();
    let mut days_seen: Vec<jiff::civil::Date> = Vec::new();
    backups
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let day = b.taken.date();
            let newest_of_day = !days_seen.contains(&day);
            if newest_of_day {
                days_seen.push(day);
            }
            let recent_day = oldest_day.map(|o| day > o).unwrap_or(true);
            i < KEEP_LAST || (newest_of_day && recent_day)
        })
        .collect()
}

/// Deletes the backups rotation no longer keeps; returns how many.
pub fn prune_at(plan: &Path, now: jiff::civil::DateTime) -> Result<usize> {
    let backups = list(plan)?;
    let mut removed = 0;
    for (b, keep) in backups.iter().zip(keep(&backups, now)) {
        if !keep {
            std::fs::remove_file(&b.path).map_err(|e| io(&b.path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

impl super::Store {
    /// Replaces the whole plan with the backup `file` (checked first), in one step: SQLite's
    /// backup API copies it into this connection. Call [`make`] with
    /// [`Reason::BeforeRestore`] first so the restore can be undone.
    pub fn restore_backup(&mut self, file: &Path) -> Result<()> {
        self.writable()?;
        verify(file)?;
        let src = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| super::corrupt_or_busy(file, e))?;
        {
            let copy = rusqlite::backup::Backup::new(&src, &mut self.conn)
                .map_err(|e| super::corrupt_or_busy(&self.path, e))?;
            copy.run_to_completion(1024, std::time::Duration::ZERO, None)
                .map_err(|e| super::corrupt_or_busy(&self.path, e))?;
        }
        drop(src);
        // Open again: an older backup is upgraded, and the undo triggers are reinstalled.
        let path = self.path.clone();
        let reopened = super::Store::open(&path)?;
        *self = reopened;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::civil::DateTime {
        s.parse().unwrap()
    }

    fn backup(s: &str) -> Backup {
        Backup {
            path: PathBuf::from(s),
            taken: at(s),
            reason: Reason::Hourly,
            bytes: 0,
        }
    }

    #[test]
    fn names_round_trip() {
        let t = at("2026-12-03T09:05:07");
        for r in Reason::ALL {
            for n in [0, 2] {
                assert_eq!(parse_name(&file_name(t, r, n)), Some((t, r)));
            }
        }
        assert_eq!(parse_name("notes.txt"), None);
        assert_eq!(parse_name("20261203-090507-weird.salesplan"), None);
    }

    #[test]
    fn rotation_keeps_the_last_five_and_one_per_day_for_thirty_days() {
        // Newest first: six on Dec 3, two on Dec 2, one on Nov 1 (older than 30 days) and one
        // on Nov 10.
        let list: Vec<Backup> = [
            "2026-12-03T15:00:00",
            "2026-12-03T14:00:00",
            "2026-12-03T13:00:00",
            "2026-12-03T12:00:00",
            "2026-12-03T11:00:00",
            "2026-12-03T10:00:00",
            "2026-12-02T18:00:00",
            "2026-12-02T09:00:00",
            "2026-11-10T09:00:00",
            "2026-11-01T09:00:00",
        ]
        .into_iter()
        .map(backup)
        .collect();
        let kept = keep(&list, at("2026-12-03T16:00:00"));
        assert_eq!(
            kept,
            vec![
                true, true, true, true, true, false, true, false, true, false
            ]
        );
    }
}
