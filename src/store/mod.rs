//! The plan file: one SQLite database per plan. The only place SQL lives.
//!
//! Opening checks that the file is a plan file this build understands *before* writing
//! anything to it (a newer or foreign file is left byte-for-byte unchanged), then applies
//! pending migrations, turns on WAL and foreign keys, and runs `quick_check`. Every user change
//! is one transaction that also records its undo step (see [`undo`]).

pub mod accounts;
mod actions;
pub mod backup;
pub mod finance;
pub mod import;
pub mod location;
pub mod lock;
pub mod negotiation;
pub mod pipeline;
mod read;
pub mod reviews;
pub mod rows;
pub mod schema;
pub mod targets;
pub mod undo;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::domain::funnel::FunnelInputError;
use crate::domain::org::OrgError;
use crate::domain::period::PeriodError;
use crate::i18n::{Lang, Localized};
pub use read::Named;
pub use undo::ChangeLabel;
pub use write::{
    Bulk, CustomerFields, DeleteImpact, HistorySale, NewPlan, PersonFields, ProductFields,
    ProductLineFields,
};

/// The file name extension of plan files.
pub const FILE_EXTENSION: &str = "salesplan";

/// Why the plan file could not be opened, read or changed.
#[derive(Debug)]
pub enum StoreError {
    NotFound {
        path: PathBuf,
    },
    AlreadyExists {
        path: PathBuf,
    },
    EmptyFile {
        path: PathBuf,
    },
    NotSqlite {
        path: PathBuf,
    },
    ForeignDatabase {
        path: PathBuf,
    },
    TooNew {
        path: PathBuf,
        file_version: i64,
        supported: i64,
    },
    Corrupt {
        path: PathBuf,
        detail: String,
    },
    Busy {
        path: PathBuf,
    },
    /// Another program has the file open for editing.
    Locked {
        path: PathBuf,
        holder: lock::Holder,
    },
    /// The file was opened read-only (another program is editing it).
    ReadOnly {
        path: PathBuf,
    },
    Io {
        path: PathBuf,
        detail: String,
    },
    Org(OrgError),
    Period(PeriodError),
    Funnel(FunnelInputError),
    DuplicateName {
        name: String,
    },
    InvalidValue {
        field: &'static str,
        value: String,
    },
    Missing {
        what: &'static str,
        id: i64,
    },
    VersionLocked {
        name: String,
    },
    InUse {
        what: String,
        count: i64,
    },
    /// An import refers to something that must exist first (e.g. a product).
    UnknownName {
        what: &'static str,
        name: String,
    },
    /// The import has problems and the user did not choose to skip those rows.
    ImportProblems {
        count: usize,
    },
    /// Writing one row of an import failed.
    ImportRow {
        line: usize,
        detail: Box<StoreError>,
    },
    Cancelled,
    Negotiation(crate::domain::negotiation::NegotiationError),
    /// Negotiation steps need the current version to be a round.
    NotARound,
    NotAllAgreed {
        open: usize,
    },
    RevisionNeedsReason,
    RevisionNeedsRequester,
    Sqlite {
        detail: String,
    },
}

impl Localized for StoreError {
    fn message_key(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "err.store.not_found",
            Self::AlreadyExists { .. } => "err.store.already_exists",
            Self::EmptyFile { .. } => "err.store.empty_file",
            Self::NotSqlite { .. } => "err.store.not_sqlite",
            Self::ForeignDatabase { .. } => "err.store.foreign",
            Self::TooNew { .. } => "err.store.too_new",
            Self::Corrupt { .. } => "err.store.corrupt",
            Self::Busy { .. } => "err.store.busy",
            Self::Locked { holder, .. } => {
                if holder.pid.is_empty() {
                    "err.store.locked_unknown"
                } else {
                    "err.store.locked"
                }
            }
            Self::ReadOnly { .. } => "err.store.read_only",
            Self::Io { .. } => "err.store.io",
            Self::Org(e) => e.message_key(),
            Self::Period(e) => e.message_key(),
            Self::Funnel(e) => e.message_key(),
            Self::DuplicateName { .. } => "err.store.duplicate_name",
            Self::InvalidValue { field, .. } => match *field {
                "contracts.schedule" => "err.store.schedule_exists",
                "expense_actuals.date" => "err.store.expense_outside_year",
                _ => "err.store.invalid_value",
            },
            Self::Missing { .. } => "err.store.missing",
            Self::VersionLocked { .. } => "err.store.version_locked",
            Self::InUse { .. } => "err.store.in_use",
            Self::UnknownName { what, .. } => match *what {
                "product" => "err.store.unknown_product",
                "expense_item" => "err.store.unknown_expense_item",
                "contract" => "err.store.unknown_contract",
                _ => "err.store.unknown_name",
            },
            Self::ImportProblems { .. } => "err.store.import_problems",
            Self::ImportRow { .. } => "err.store.import_row",
            Self::Cancelled => "err.store.cancelled",
            Self::Negotiation(e) => e.message_key(),
            Self::NotARound => "err.store.not_a_round",
            Self::NotAllAgreed { .. } => "err.store.not_all_agreed",
            Self::RevisionNeedsReason => "err.store.revision_reason",
            Self::RevisionNeedsRequester => "err.store.revision_requester",
            Self::Sqlite { .. } => "err.store.sqlite",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        let path = |p: &PathBuf| ("path", p.display().to_string());
        match self {
            Self::NotFound { path: p }
            | Self::AlreadyExists { path: p }
            | Self::EmptyFile { path: p }
            | Self::NotSqlite { path: p }
            | Self::ForeignDatabase { path: p }
            | Self::Busy { path: p }
            | Self::ReadOnly { path: p } => vec![path(p)],
            Self::Locked { path: p, holder } => vec![
                path(p),
                ("pid", holder.pid.clone()),
                ("host", holder.host.clone()),
                ("program", holder.program.clone()),
                ("since", holder.since.clone()),
            ],
            Self::TooNew {
                path: p,
                file_version,
                supported,
            } => vec![
                path(p),
                ("file_version", file_version.to_string()),
                ("supported", supported.to_string()),
            ],
            Self::Corrupt { path: p, detail } | Self::Io { path: p, detail } => {
                vec![path(p), ("detail", detail.clone())]
            }
            Self::Org(e) => e.message_args(),
            Self::Period(e) => e.message_args(),
            Self::Funnel(e) => e.message_args(),
            Self::DuplicateName { name } => vec![("name", name.clone())],
            Self::InvalidValue { field, value } => {
                vec![("field", (*field).to_owned()), ("value", value.clone())]
            }
            Self::Missing { what, id } => {
                vec![("what", (*what).to_owned()), ("id", id.to_string())]
            }
            Self::VersionLocked { name } => vec![("name", name.clone())],
            Self::InUse { what, count } => {
                vec![("what", what.clone()), ("count", count.to_string())]
            }
            Self::UnknownName { what, name } => {
                vec![("what", (*what).to_owned()), ("name", name.clone())]
            }
            Self::ImportProblems { count } => vec![("count", count.to_string())],
            Self::ImportRow { line, detail } => vec![
                ("line", line.to_string()),
                ("detail", detail.localize(Lang::En)),
            ],
            Self::Cancelled
            | Self::NotARound
            | Self::RevisionNeedsReason
            | Self::RevisionNeedsRequester => Vec::new(),
            Self::Negotiation(e) => e.message_args(),
            Self::NotAllAgreed { open } => vec![("open", open.to_string())],
            Self::Sqlite { detail } => vec![("detail", detail.clone())],
        }
    }

    fn localize(&self, lang: Lang) -> String {
        match self {
            // The wrapped error speaks the same language as the message around it.
            Self::ImportRow { line, detail } => crate::i18n::trf(
                lang,
                self.message_key(),
                &[
                    ("line", line.to_string()),
                    ("detail", detail.localize(lang)),
                ],
            ),
            _ => crate::i18n::trf(lang, self.message_key(), &self.message_args()),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite {
            detail: e.to_string(),
        }
    }
}

impl From<OrgError> for StoreError {
    fn from(e: OrgError) -> Self {
        StoreError::Org(e)
    }
}

impl From<FunnelInputError> for StoreError {
    fn from(e: FunnelInputError) -> Self {
        StoreError::Funnel(e)
    }
}

impl From<crate::domain::negotiation::NegotiationError> for StoreError {
    fn from(e: crate::domain::negotiation::NegotiationError) -> Self {
        StoreError::Negotiation(e)
    }
}

impl From<PeriodError> for StoreError {
    fn from(e: PeriodError) -> Self {
        StoreError::Period(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What the lock file says holds it: the program and its command (`salesplan import`).
fn program_name() -> String {
    let mut args = std::env::args();
    let exe = args
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "salesplan".to_owned());
    match args.next().filter(|a| !a.starts_with('-')) {
        Some(command) => format!("{exe} {command}"),
        None => exe,
    }
}

/// What `check` found in a plan file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    pub schema_version: i64,
    pub plan_name: String,
    pub integrity: String,
}

/// An open plan file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The writer lock; `None` for a read-only store (and a file being created).
    lock: Option<std::sync::Arc<lock::WriterLock>>,
}

/// What the first bytes and pragmas of a file say it is.
struct Probe {
    user_version: i64,
}

/// Looks at a file without changing it: its SQLite header, then (read-only) its application id
/// and schema version.
fn probe(path: &Path) -> Result<Probe> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::NotFound {
                path: path.to_owned(),
            });
        }
        Err(e) => {
            return Err(StoreError::Io {
                path: path.to_owned(),
                detail: e.to_string(),
            });
        }
    };
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => {
                return Err(StoreError::Io {
                    path: path.to_owned(),
                    detail: e.to_string(),
                });
            }
        }
    }
    drop(file);
    if read == 0 {
        return Err(StoreError::EmptyFile {
            path: path.to_owned(),
        });
    }
    if read < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite {
            path: path.to_owned(),
        });
    }
    // Read through SQLite rather than the raw header: after a crash the newest header may
    // still be in the write-ahead log. A read-only connection never checkpoints into the file.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| corrupt_or_busy(path, e))?;
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| corrupt_or_busy(path, e))?;
    let user_version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| corrupt_or_busy(path, e))?;
    drop(conn);
    if app_id != schema::APPLICATION_ID {
        return Err(StoreError::ForeignDatabase {
            path: path.to_owned(),
        });
    }
    if user_version > schema::LATEST_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            file_version: user_version,
            supported: schema::LATEST_VERSION,
        });
    }
    Ok(Probe { user_version })
}

fn corrupt_or_busy(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy {
                path: path.to_owned(),
            }
        }
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite {
            path: path.to_owned(),
        },
        Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly {
            path: path.to_owned(),
        },
        _ => StoreError::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        },
    }
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| corrupt_or_busy(path, e))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| corrupt_or_busy(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Io {
            path: path.to_owned(),
            detail: format!("journal mode {mode}"),
        });
    }
    // FULL: a change reported as saved survives a crash or power loss.
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(|e| corrupt_or_busy(path, e))?;
    Ok(())
}

fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let result: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| corrupt_or_busy(path, e))?;
    if result != "ok" {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            detail: result,
        });
    }
    Ok(())
}

fn migrate(conn: &mut Connection, from: i64, path: &Path) -> Result<()> {
    migrate_with(conn, from, schema::MIGRATIONS, path)
}

/// Applies `migrations[from..]`, each in its own transaction with its version bump; stops at
/// the first that fails, leaving the file at the last complete version.
fn migrate_with(conn: &mut Connection, from: i64, migrations: &[&str], path: &Path) -> Result<()> {
    for (index, sql) in migrations.iter().enumerate().skip(from.max(0) as usize) {
        let to = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| corrupt_or_busy(path, e))?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = {to};",
            schema::APPLICATION_ID
        ))?;
        if from > 0 {
            undo::clear(&tx)?;
        }
        tx.commit()?;
    }
    Ok(())
}

impl Store {
    /// Opens an existing plan file, upgrading it if it was written by an older version.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, probe(path)?, true)
    }

    /// `work` on the plan opened as by [`Store::open`], with the file's quick check run
    /// meanwhile on a second, read-only connection: on a large plan the check and reading the
    /// plan each go through the whole file for seconds, and this takes the longer of the two
    /// instead of their sum. A file that fails the check is refused just as `open` refuses it,
    /// whatever `work` gave (that is dropped, closing the plan). A file that needs upgrading is
    /// checked first, as by `open`, before anything is written to it. `work` must only read
    /// (it runs before the check has passed).
    pub fn open_checked_alongside<T>(
        path: &Path,
        work: impl FnOnce(Store) -> Result<T>,
    ) -> Result<T> {
        let probe = probe(path)?;
        if probe.user_version < schema::LATEST_VERSION {
            return work(Self::open_with(path, probe, true)?);
        }
        let store = Self::open_with(path, probe, false)?;
        let (checked, worked) = std::thread::scope(|scope| {
            let check = scope.spawn(|| {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| corrupt_or_busy(path, e))?;
                quick_check(&conn, path)
            });
            let worked = work(store);
            (check.join(), worked)
        });
        match checked {
            Ok(Ok(())) => worked,
            Ok(Err(e)) => Err(e),
            Err(_) => Err(StoreError::Corrupt {
                path: path.to_owned(),
                detail: "the file's check stopped unexpectedly".to_owned(),
            }),
        }
    }

    /// `open`, with the quick check only when `check` (the caller runs it otherwise).
    fn open_with(path: &Path, probe: Probe, check: bool) -> Result<Store> {
        let lock = lock::acquire(path, &program_name())?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt_or_busy(path, e))?;
        configure(&conn, path)?;
        if check {
            quick_check(&conn, path)?;
        }
        if probe.user_version < schema::LATEST_VERSION {
            // A copy of the file as it was, before anything about it changes.
            if probe.user_version > 0 {
                backup::make(path, backup::Reason::Upgrade)?;
            }
            migrate(&mut conn, probe.user_version, path)?;
        }
        undo::install(&conn)?;
        let store = Store {
            conn,
            path: path.to_owned(),
            lock: Some(lock),
        };
        // A plan file must have its plan row; anything else is a damaged file.
        store.plan_info().map_err(|e| StoreError::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        Ok(store)
    }

    /// Creates a new plan file; refuses to overwrite an existing file.
    pub fn create(path: &Path, plan: &NewPlan) -> Result<Store> {
        Self::create_with(path, plan, |_| Ok(()))
    }

    /// Creates a file with the schema only (the plan row is written by the caller in one
    /// transaction with its content).
    pub(crate) fn create_schema(path: &Path) -> Result<Store> {
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                path: dir.to_owned(),
                detail: e.to_string(),
            })?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Io {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        configure(&conn, path)?;
        migrate(&mut conn, 0, path)?;
        undo::install(&conn)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
            lock: None,
        })
    }

    /// Checks a plan file without changing it: that it is a plan file this version reads, and
    /// SQLite's full integrity check.
    pub fn check(path: &Path) -> Result<CheckReport> {
        let probe = probe(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt_or_busy(path, e))?;
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| corrupt_or_busy(path, e))?;
        if integrity != "ok" {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                detail: integrity,
            });
        }
        let fk_problems: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(|e| corrupt_or_busy(path, e))?;
        if fk_problems > 0 {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                detail: format!("{fk_problems} broken references"),
            });
        }
        let plan_name: String = if probe.user_version == 0 {
            String::new()
        } else {
            conn.query_row("SELECT name FROM plan WHERE id = 1", [], |r| r.get(0))
                .map_err(|e| StoreError::Corrupt {
                    path: path.to_owned(),
                    detail: e.to_string(),
                })?
        };
        Ok(CheckReport {
            schema_version: probe.user_version,
            plan_name,
            integrity,
        })
    }

    /// Opens a plan file for reading only, while another program may be editing it. Every
    /// change is refused with [`StoreError::ReadOnly`]. A file that needs upgrading cannot be
    /// read this way (only its writer may upgrade it).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let probe = probe(path)?;
        if probe.user_version < schema::LATEST_VERSION {
            return Err(StoreError::Locked {
                path: path.to_owned(),
                holder: lock::holder(path).unwrap_or_default(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt_or_busy(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| corrupt_or_busy(path, e))?;
        let store = Store {
            conn,
            path: path.to_owned(),
            lock: None,
        };
        store.plan_info().map_err(|e| StoreError::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        Ok(store)
    }

    /// Opens a plan file for editing or, when another program is editing it, read-only: for
    /// commands that only read (reports, exports).
    pub fn open_for_reading(path: &Path) -> Result<Store> {
        match Store::open(path) {
            Err(StoreError::Locked { .. }) => Store::open_read_only(path),
            other => other,
        }
    }

    /// Whether changes are refused (the file was opened read-only).
    pub fn is_read_only(&self) -> bool {
        self.lock.is_none() && self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    fn writable(&self) -> Result<()> {
        if self.is_read_only() {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Writes a consistent copy of the whole plan to `target` (replacing it if it exists) by
    /// way of a temporary file, so a failed copy never leaves half a file behind.
    pub fn save_copy(&self, target: &Path) -> Result<()> {
        let io = |e: std::io::Error| StoreError::Io {
            path: target.to_owned(),
            detail: e.to_string(),
        };
        let same = target.canonicalize().ok() == self.path.canonicalize().ok() && target.exists();
        if same {
            return Ok(());
        }
        let mut tmp = target.as_os_str().to_owned();
        tmp.push(".partial");
        let tmp = PathBuf::from(tmp);
        if tmp.exists() {
            std::fs::remove_file(&tmp).map_err(io)?;
        }
        self.conn
            .execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])?;
        std::fs::rename(&tmp, target).map_err(io)?;
        Ok(())
    }

    /// A setting of the plan file, as stored.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        read::setting(&self.conn, key)
    }

    /// Runs one user change as one transaction with its undo step.
    pub(crate) fn change<T>(
        &mut self,
        label: ChangeLabel,
        f: impl FnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        self.writable()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| corrupt_or_busy(&self.path, e))?;
        let step = undo::begin_change(&tx)?;
        let out = f(&tx)?;
        undo::end_change(&tx, step, &label)?;
        tx.commit().map_err(|e| corrupt_or_busy(&self.path, e))?;
        Ok(out)
    }

    /// Runs a batch of writes (creating a plan, loading the demo) as one transaction that is
    /// not an undo step.
    pub(crate) fn bulk<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.writable()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| corrupt_or_busy(&self.path, e))?;
        let out = f(&tx)?;
        tx.commit().map_err(|e| corrupt_or_busy(&self.path, e))?;
        Ok(out)
    }

    /// The change `undo` would reverse.
    pub fn undo_label(&self) -> Result<Option<ChangeLabel>> {
        Ok(undo::top(&self.conn, undo::Stack::Undo)?)
    }

    /// The change `redo` would bring back.
    pub fn redo_label(&self) -> Result<Option<ChangeLabel>> {
        Ok(undo::top(&self.conn, undo::Stack::Redo)?)
    }

    /// Reverses the last change; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<ChangeLabel>> {
        self.replay(undo::Stack::Undo)
    }

    /// Brings back the last undone change; `None` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<Option<ChangeLabel>> {
        self.replay(undo::Stack::Redo)
    }

    fn replay(&mut self, stack: undo::Stack) -> Result<Option<ChangeLabel>> {
        self.writable()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| corrupt_or_busy(&self.path, e))?;
        let label = undo::replay(&tx, stack)?;
        tx.commit().map_err(|e| corrupt_or_busy(&self.path, e))?;
        Ok(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    fn has_table(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [name],
            |r| r.get(0),
        )
        .unwrap()
    }

    #[test]
    fn a_failing_migration_leaves_the_file_at_the_last_complete_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.salesplan");
        let mut conn = Connection::open(&path).unwrap();
        let steps = [
            "CREATE TABLE first (x);",
            "CREATE TABLE second (y); INSERT INTO no_such_table VALUES (1);",
        ];
        assert!(migrate_with(&mut conn, 0, &steps, &path).is_err());
        assert_eq!(user_version(&conn), 1);
        assert!(has_table(&conn, "first"));
        assert!(
            !has_table(&conn, "second"),
            "the failed step is rolled back whole"
        );
    }

    #[test]
    fn upgrades_an_older_plan_file_keeping_its_data_and_dropping_stale_undo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.salesplan");
        {
            let mut store = crate::demo::create_demo(&path).unwrap();
            let root = store.snapshot().unwrap().nodes[0].id;
            store.rename_node(root, "云帆软件集团").unwrap();
            assert!(store.undo_label().unwrap().is_some());
        }
        // A later build adds a column; its migration list is this build's plus one step.
        let mut steps: Vec<&str> = schema::MIGRATIONS.to_vec();
        steps.push("ALTER TABLE plan ADD COLUMN currency TEXT NOT NULL DEFAULT 'CNY';");
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, schema::LATEST_VERSION, &steps, &path).unwrap();
        assert_eq!(user_version(&conn), schema::LATEST_VERSION + 1);
        let (name, currency): (String, String) = conn
            .query_row("SELECT name, currency FROM plan", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(
            (name.as_str(), currency.as_str()),
            ("2026 年度销售计划", "CNY")
        );
        let root: String = conn
            .query_row(
                "SELECT name FROM org_nodes WHERE parent_id IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(root, "云帆软件集团");
        let undo_steps: i64 = conn
            .query_row("SELECT COUNT(*) FROM undo_steps", [], |r| r.get(0))
            .unwrap();
        assert_eq!(undo_steps, 0);
    }

    #[test]
    fn a_version_3_file_gains_the_monthly_plan_and_battle_plan_tables_and_keeps_its_targets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.salesplan");
        let targets = {
            let store = crate::demo::create_demo(&path).unwrap();
            store.snapshot().unwrap().targets
        };
        // What a file written before the monthly plan looked like.
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "DROP TABLE target_locks; DROP TABLE monthly_actions; \
                 DROP TABLE support_requests; DROP TABLE customer_contacts; \
                 DROP TABLE matrix_cells; DROP TABLE goal_items; DROP TABLE expense_budget; \
                 DROP TABLE expense_actuals; DROP TABLE budget_moves; DROP TABLE expense_items; \
                 DROP TABLE receipts; DROP TABLE installments; DROP TABLE contracts; \
                 DROP TABLE credit_terms; DROP TABLE review_actions; \
                 DROP TABLE review_variances; DROP TABLE reviews; PRAGMA user_version = 3;",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 7);
        let snap = store.snapshot().unwrap();
        assert_eq!(snap.targets, targets);
        assert!(snap.locks.is_empty() && snap.actions.is_empty() && snap.support.is_empty());
        assert!(snap.contacts.is_empty() && snap.matrix.is_empty() && snap.goals.is_empty());
        let conn = Connection::open(&path).unwrap();
        for table in [
            "target_locks",
            "monthly_actions",
            "support_requests",
            "customer_contacts",
            "matrix_cells",
            "goal_items",
            "expense_items",
            "contracts",
            "credit_terms",
            "reviews",
            "review_actions",
        ] {
            assert!(has_table(&conn, table), "{table}");
        }
    }

    #[test]
    fn a_new_file_is_migrated_to_the_latest_version_with_the_application_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.salesplan");
        let store = Store::create_schema(&path).unwrap();
        assert_eq!(user_version(&store.conn), schema::LATEST_VERSION);
        let app_id: i32 = store
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(app_id, schema::APPLICATION_ID);
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }
}
