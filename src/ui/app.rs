//! The app object: the open plan file, the user's preferences, the current view and dialogs.
//! Each frame it draws the menu, navigation, status bar and current view, then applies the
//! actions the view handed back — each change one store transaction, stored at once.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use egui::{RichText, Ui};

use crate::domain::model::PlanSnapshot;
use crate::domain::org::OrgTree;
use crate::domain::stats::{self, PipelineStats};
use crate::domain::targets::TargetTable;
use crate::exchange::fields::ImportKind;
use crate::i18n::{self, Localized};
use crate::store::{ChangeLabel, Store, StoreError};
use crate::ui::commands::Command;
use crate::ui::dialogs::{self, Browse, Dialog, NewPlanForm};
use crate::ui::import::{ImportDialog, ImportEvent};
use crate::ui::prefs::Prefs;
use crate::ui::theme;
use crate::ui::views::{self, Action, View, ViewCtx};

/// The open plan file and the plan as last loaded from it.
pub struct Document {
    pub store: Store,
    pub snap: PlanSnapshot,
    pub tree: OrgTree,
    pub table: TargetTable,
    /// Statistics of the imported pipeline, computed once per load.
    pub stats: PipelineStats,
    pub undo: Option<ChangeLabel>,
    pub redo: Option<ChangeLabel>,
    /// When the last change was stored (local time, HH:MM:SS).
    pub saved_at: Option<String>,
    /// Changes with every load and reload (unique across documents): views cache what they
    /// compute from the snapshot under it.
    pub generation: u64,
}

fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Document {
    /// Opens a plan: its quick check runs alongside reading it (see
    /// [`Store::open_checked_alongside`]).
    pub fn open(path: &Path) -> Result<Document, StoreError> {
        Store::open_checked_alongside(path, Self::from_store)
    }

    pub fn from_store(store: Store) -> Result<Document, StoreError> {
        let snap = store.snapshot()?;
        let mut doc = Document {
            tree: OrgTree::new(&snap.nodes),
            table: TargetTable::new(&snap.targets),
            stats: stats::for_plan(&snap),
            undo: store.undo_label()?,
            redo: store.redo_label()?,
            snap,
            store,
            saved_at: None,
            generation: next_generation(),
        };
        doc.saved_at = None;
        Ok(doc)
    }

    /// Reloads everything after a change.
    pub fn reload(&mut self) -> Result<(), StoreError> {
        self.snap = self.store.snapshot()?;
        self.tree = OrgTree::new(&self.snap.nodes);
        self.table = TargetTable::new(&self.snap.targets);
        self.stats = stats::for_plan(&self.snap);
        self.undo = self.store.undo_label()?;
        self.redo = self.store.redo_label()?;
        self.saved_at = Some(now_hms());
        self.generation = next_generation();
        Ok(())
    }
}

fn now_hms() -> String {
    let now = jiff::Zoned::now();
    format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second())
}

/// The default plan file: `plan.salesplan` in the user's data folder.
pub fn default_plan_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("com", "SalesPlan", "SalesPlan").map(|d| {
        d.data_dir()
            .join(format!("plan.{}", crate::store::FILE_EXTENSION))
    })
}

/// Opens `path`, creating the demo plan there when no file exists yet (first run).
pub fn open_or_create_demo(path: &Path) -> Result<(Document, bool), StoreError> {
    if path.exists() {
        Ok((Document::open(path)?, false))
    } else {
        let store = crate::demo::create_demo(path)?;
        Ok((Document::from_store(store)?, true))
    }
}

/// A system file dialog running on its own thread, so the window keeps drawing.
enum FileTask {
    Open(Receiver<Option<PathBuf>>),
    /// Fills the import dialog's file field.
    ImportSource(Receiver<Option<PathBuf>>),
    /// Fills the path field of the open dialog.
    Browse(Receiver<Option<PathBuf>>, Browse),
    /// The workbook or CSV to read the monthly plan from.
    MonthlySource(Receiver<Option<PathBuf>>),
    /// Submission files to read into the round.
    Submissions(Receiver<Option<Vec<PathBuf>>>),
}

/// Plan files above this size open on a worker thread at start (see `SalesPlanApp::with_prefs`).
const LARGE_FILE_BYTES: u64 = 32 * 1024 * 1024;

fn is_large_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > LARGE_FILE_BYTES)
}

/// The result of opening a plan (and whether the demo was created for it).
type Opened = Result<(Document, bool), StoreError>;

pub struct SalesPlanApp {
    /// The plan being opened on a worker thread at start.
    opening: Option<(PathBuf, Receiver<Opened>)>,
    pub prefs: Prefs,
    pub doc: Option<Document>,
    pub view: View,
    states: views::States,
    dialog: Option<Dialog>,
    toast: Option<(String, f64)>,
    file_task: Option<FileTask>,
    /// Why no plan is open (shown in place of the views).
    open_error: Option<String>,
    /// The plan file another program is editing, when that is why none is open.
    locked: Option<PathBuf>,
    window_title: String,
    /// A text field had keyboard focus when this frame began.
    typing: bool,
    /// The import dialog, while open.
    import: Option<ImportDialog>,
    /// A view to show at the end of the next frame (see `show_view`); `true` once that frame
    /// has begun.
    pending_view: Option<(View, bool)>,
    /// After a backup was restored: the backup of the state before it, which Undo restores.
    restore_undo: Option<PathBuf>,
    /// Why the plan file's location is risky (shown until dismissed).
    location_warning: Option<String>,
    /// When the last automatic backup started, and its result when it ends.
    last_backup: Option<std::time::Instant>,
    backup_result: Option<Receiver<Result<(), String>>>,
    /// The password protected plan files are being read with (only while they are read).
    exchange_password: Option<String>,
}

impl SalesPlanApp {
    /// The app as eframe starts it: preferences from the last run, fonts, the plan file.
    pub fn new(cc: &eframe::CreationContext<'_>, start: Option<PathBuf>) -> Self {
        let prefs = cc
            .storage
            .and_then(|s| eframe::get_value::<Prefs>(s, Prefs::STORAGE_KEY))
            .unwrap_or_default();
        Self::with_prefs(&cc.egui_ctx, prefs, start)
    }

    /// The app with the given preferences, opening `start` (or the default plan file).
    pub fn with_prefs(ctx: &egui::Context, prefs: Prefs, start: Option<PathBuf>) -> Self {
        Self::starting(ctx, prefs, start, false)
    }

    /// [`SalesPlanApp::with_prefs`], opening the plan on a worker thread whatever its size (as
    /// it does for large files).
    pub fn opening_in_background(ctx: &egui::Context, prefs: Prefs, start: PathBuf) -> Self {
        Self::starting(ctx, prefs, Some(start), true)
    }

    fn starting(
        ctx: &egui::Context,
        prefs: Prefs,
        start: Option<PathBuf>,
        background: bool,
    ) -> Self {
        crate::ui::fonts::install(ctx);
        ctx.set_theme(prefs.theme.preference());
        let mut app = SalesPlanApp {
            prefs,
            doc: None,
            view: View::Overview,
            states: views::States::default(),
            dialog: None,
            toast: None,
            file_task: None,
            open_error: None,
            locked: None,
            window_title: String::new(),
            typing: false,
            pending_view: None,
            import: None,
            restore_undo: None,
            location_warning: None,
            last_backup: None,
            backup_result: None,
            exchange_password: None,
            opening: None,
        };
        let path = start.or_else(default_plan_path);
        match path {
            // A large plan opens on a worker thread: the window shows at once, saying which
            // file it is opening, and the plan appears when it is read.
            Some(path) if background || is_large_file(&path) => {
                let (tx, rx) = channel();
                let repaint = ctx.clone();
                let worker_path = path.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(open_or_create_demo(&worker_path));
                    repaint.request_repaint();
                });
                app.opening = Some((path, rx));
            }
            Some(path) => {
                let opened = open_or_create_demo(&path);
                app.opened(&path, opened);
            }
            None => app.open_error = Some(app.tr("err.no_data_folder").into_owned()),
        }
        app
    }

    /// Shows the plan opened at start, or why it could not be opened.
    fn opened(&mut self, path: &Path, opened: Result<(Document, bool), StoreError>) {
        match opened {
            Ok((doc, created)) => {
                if created {
                    // The first run: the demo plan was made; say so and offer the ways in.
                    self.toast(self.tr("toast.demo_created").into_owned(), 6.0);
                    self.dialog = Some(Dialog::Welcome);
                }
                self.set_document(doc);
            }
            Err(e) => {
                self.open_error = Some(e.localize(self.prefs.lang));
                if let StoreError::Locked { .. } = e {
                    self.open_failed(path, e);
                }
            }
        }
    }

    /// Whether the plan opened at start has been read (always, unless it is a large file
    /// still being read on its worker thread).
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// Takes the plan the worker thread has read, if it is ready.
    fn poll_opening(&mut self) {
        let Some((path, rx)) = &self.opening else {
            return;
        };
        let opened = match rx.try_recv() {
            Ok(opened) => opened,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(StoreError::Io {
                path: path.clone(),
                detail: "the plan could not be read".to_owned(),
            }),
        };
        let path = path.clone();
        self.opening = None;
        // Another plan opened meanwhile (File → Open): it stays; this one is closed again.
        if self.doc.is_none() {
            self.opened(&path, opened);
        }
    }

    /// Records a getting-started step done with the open plan file.
    fn mark_seen(&mut self, change: impl FnOnce(crate::ui::guide::Seen) -> crate::ui::guide::Seen) {
        let Some(doc) = &self.doc else { return };
        let path = doc.store.path().to_owned();
        let seen = change(self.prefs.seen(&path));
        self.prefs.set_seen(&path, seen);
    }

    /// The getting-started path beside the views, while shown.
    fn guide_panel(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let Some(doc) = &self.doc else { return };
        if !self.prefs.guide_open {
            return;
        }
        let seen = self.prefs.seen(doc.store.path());
        let done = crate::ui::guide::progress(&doc.snap, &doc.tree, &doc.table, seen);
        let lang = self.prefs.lang;
        let mut close = false;
        egui::Panel::right("getting_started")
            .exact_size(theme::GUIDE_WIDTH)
            .resizable(false)
            .show(ui, |ui| {
                ui.add_space(6.0);
                crate::ui::guide::panel_ui(ui, lang, done, commands, &mut close);
            });
        if close {
            commands.push(Command::GettingStarted(false));
        }
    }

    fn tr(&self, key: &str) -> std::borrow::Cow<'static, str> {
        i18n::tr(self.prefs.lang, key)
    }

    fn set_document(&mut self, doc: Document) {
        self.prefs.remember(doc.store.path());
        self.location_warning =
            crate::store::location::risk(doc.store.path()).map(|r| r.localize(self.prefs.lang));
        let writable = !doc.store.is_read_only();
        self.doc = Some(doc);
        self.open_error = None;
        self.locked = None;
        self.restore_undo = None;
        self.states = views::States::default();
        if writable {
            self.backup_in_background(crate::store::backup::Reason::Open);
        }
    }

    /// Takes a backup of the open plan on another thread (a consistent copy through its own
    /// connection); a failure is reported when it ends.
    fn backup_in_background(&mut self, reason: crate::store::backup::Reason) {
        let Some(doc) = &self.doc else { return };
        let path = doc.store.path().to_owned();
        let lang = self.prefs.lang;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let result = crate::store::backup::make(&path, reason)
                .map(|_| ())
                .map_err(|e| e.localize(lang));
            let _ = tx.send(result);
        });
        self.last_backup = Some(std::time::Instant::now());
        self.backup_result = Some(rx);
    }

    /// After a change: another backup once an hour of editing has passed since the last one.
    fn backup_if_due(&mut self) {
        let due = self
            .last_backup
            .is_none_or(|t| t.elapsed() >= crate::store::backup::EVERY);
        if due && self.backup_result.is_none() {
            self.backup_in_background(crate::store::backup::Reason::Hourly);
        }
    }

    fn poll_backup(&mut self) {
        let Some(rx) = &self.backup_result else {
            return;
        };
        match rx.try_recv() {
            Ok(result) => {
                self.backup_result = None;
                if let Err(message) = result {
                    let text = i18n::trf(
                        self.prefs.lang,
                        "toast.backup_failed",
                        &[("detail", message)],
                    );
                    self.toast(text, 10.0);
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.backup_result = None,
        }
    }

    /// Waits for a running background backup (tests, and before a restore).
    pub fn wait_for_backup(&mut self) {
        if let Some(rx) = self.backup_result.take()
            && let Ok(Err(message)) = rx.recv()
        {
            let text = i18n::trf(
                self.prefs.lang,
                "toast.backup_failed",
                &[("detail", message)],
            );
            self.toast(text, 10.0);
        }
    }

    /// Replaces the open plan with `file`, first backing up the current state so the restore
    /// can be undone; `undoing` when this is the undo of a restore.
    fn restore(&mut self, file: &Path, undoing: bool) {
        use crate::store::backup::{self, Reason};
        self.wait_for_backup();
        let lang = self.prefs.lang;
        let Some(doc) = &mut self.doc else { return };
        let path = doc.store.path().to_owned();
        let result = backup::verify(file)
            .and_then(|()| backup::make_or_newest(&path, Reason::BeforeRestore))
            .and_then(|before| {
                doc.store.restore_backup(file)?;
                doc.reload()?;
                Ok(before.path)
            });
        match result {
            Ok(before) => {
                self.restore_undo = (!undoing).then_some(before);
                self.states = views::States::default();
                let key = if undoing {
                    "toast.restore_undone"
                } else {
                    "toast.restored"
                };
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                self.toast(i18n::trf(lang, key, &[("name", name)]), 6.0);
            }
            Err(e) => self.show_error("dialog.restore_failed", e.localize(lang)),
        }
    }

    /// A plan file could not be opened: another program editing it gets the choice to open it
    /// read-only; anything else is an error message.
    fn open_failed(&mut self, path: &Path, e: StoreError) {
        if matches!(e, StoreError::NotFound { .. }) {
            self.prefs.forget(path);
        }
        if let StoreError::Locked { .. } = e {
            self.locked = Some(path.to_owned());
            self.dialog = Some(Dialog::Locked {
                path: path.to_owned(),
                message: e.localize(self.prefs.lang),
            });
        } else {
            self.show_error("dialog.open_failed", e.localize(self.prefs.lang));
        }
    }

    fn toast(&mut self, text: String, seconds: f64) {
        // The expiry is set on the next frame, when the time is known.
        self.toast = Some((text, -seconds));
    }

    fn show_error(&mut self, title_key: &str, message: String) {
        self.dialog = Some(Dialog::Error {
            title: self.tr(title_key).into_owned(),
            message,
        });
    }

    fn change_label_text(&self, label: &ChangeLabel) -> String {
        let what = self.tr(&label.key);
        if label.detail.is_empty() {
            what.into_owned()
        } else {
            format!("{what}「{}」", label.detail)
        }
    }

    /// Runs one change against the store, then reloads; errors are shown, nothing is half-done
    /// (the store rolls the transaction back).
    fn change(&mut self, f: impl FnOnce(&mut Store) -> Result<(), StoreError>) {
        let lang = self.prefs.lang;
        let Some(doc) = &mut self.doc else { return };
        let result = f(&mut doc.store).and_then(|()| doc.reload());
        match result {
            Ok(()) => {
                self.restore_undo = None;
                self.backup_if_due();
            }
            Err(e) => self.show_error("dialog.change_failed", e.localize(lang)),
        }
    }

    fn open_path(&mut self, path: &Path) {
        match Document::open(path) {
            Ok(doc) => {
                self.set_document(doc);
                let text = i18n::trf(
                    self.prefs.lang,
                    "toast.opened",
                    &[("path", path.display().to_string())],
                );
                self.toast(text, 4.0);
            }
            Err(e) => self.open_failed(path, e),
        }
    }

    fn spawn_file_dialog(
        &self,
        ctx: &egui::Context,
        save: bool,
        file_name: String,
    ) -> Receiver<Option<PathBuf>> {
        let filter = (
            self.tr("file.filter_name").into_owned(),
            crate::store::FILE_EXTENSION,
        );
        self.spawn_file_dialog_with(ctx, save, file_name, filter)
    }

    fn spawn_file_dialog_with(
        &self,
        ctx: &egui::Context,
        save: bool,
        file_name: String,
        (filter_name, extension): (String, &'static str),
    ) -> Receiver<Option<PathBuf>> {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let dir = self
            .doc
            .as_ref()
            .and_then(|d| d.store.path().parent().map(Path::to_owned));
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new().add_filter(filter_name, &[extension]);
            if let Some(dir) = dir {
                dialog = dialog.set_directory(dir);
            }
            let picked = if save {
                dialog.set_file_name(file_name).save_file()
            } else {
                dialog.pick_file()
            };
            let _ = tx.send(picked);
            ctx.request_repaint();
        });
        rx
    }

    fn poll_file_task(&mut self) {
        let Some(task) = self.file_task.take() else {
            return;
        };
        if let FileTask::Submissions(rx) = &task {
            match rx.try_recv() {
                Ok(Some(files)) => self.preview_submissions(&files),
                Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
                Err(std::sync::mpsc::TryRecvError::Empty) => self.file_task = Some(task),
            }
            return;
        }
        let received = match &task {
            FileTask::Open(rx)
            | FileTask::ImportSource(rx)
            | FileTask::Browse(rx, _)
            | FileTask::MonthlySource(rx) => rx.try_recv(),
            FileTask::Submissions(_) => return,
        };
        let picked = match received {
            Ok(picked) => picked,
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                self.file_task = Some(task);
                return;
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        let Some(path) = picked else { return };
        match task {
            FileTask::Open(_) => self.open_path(&path),
            FileTask::ImportSource(_) => {
                if let Some(import) = &mut self.import {
                    import.set_path(path);
                }
            }
            FileTask::Browse(_, target) => {
                if let Some(dialog) = &mut self.dialog {
                    dialog.set_path(target, path);
                }
            }
            FileTask::MonthlySource(_) => self.import_monthly(&path),
            FileTask::Submissions(_) => {}
        }
    }

    /// Writes an export of the open plan, atomically.
    fn export(&mut self, request: &dialogs::ExportRequest) {
        use crate::exchange::export;
        let dialogs::ExportRequest {
            format,
            table,
            unit,
            person,
            ref comment,
            ref path,
            ref password,
        } = *request;
        let Some(doc) = &self.doc else { return };
        let lang = self.prefs.lang;
        let day = jiff::Zoned::now().date();
        let bytes = match format {
            dialogs::ExportFormat::Xlsx => {
                export::xlsx_bytes(&export::tables(&doc.snap, lang, unit, day), unit)
            }
            dialogs::ExportFormat::Csv => export::tables(&doc.snap, lang, unit, day)
                .iter()
                .find(|t| t.key == table)
                .map(|t| export::csv_bytes(t, unit))
                .unwrap_or_else(|| Err(table.to_owned())),
            dialogs::ExportFormat::Package => person
                .ok_or_else(|| i18n::tr(lang, "export.dialog.choose_person").into_owned())
                .and_then(|p| crate::exchange::plan_file::package(&doc.snap, p, day))
                .and_then(|pk| serde_json::to_vec_pretty(&pk).map_err(|e| e.to_string())),
            dialogs::ExportFormat::Submission => person
                .ok_or_else(|| i18n::tr(lang, "export.dialog.choose_person").into_owned())
                .and_then(|p| {
                    let stored = crate::exchange::plan_file::stored_round(&doc.store);
                    crate::exchange::plan_file::submission(
                        &doc.snap,
                        p,
                        comment,
                        day,
                        stored.as_ref(),
                    )
                })
                .and_then(|sub| serde_json::to_vec_pretty(&sub).map_err(|e| e.to_string())),
            dialogs::ExportFormat::Html => {
                Ok(crate::exchange::html::report(&doc.snap, person, lang, unit, day).into_bytes())
            }
            dialogs::ExportFormat::Json => {
                serde_json::to_vec_pretty(&crate::report::build(&doc.snap, day))
                    .map_err(|e| e.to_string())
            }
        };
        let exchange = matches!(
            format,
            dialogs::ExportFormat::Package | dialogs::ExportFormat::Submission
        );
        let bytes = match bytes {
            Ok(b) if exchange && !password.is_empty() => {
                crate::exchange::protect::protect(&b, password).map_err(|e| e.localize(lang))
            }
            other => other,
        };
        let written = bytes.and_then(|b| {
            export::write_atomic(path, &b).map_err(|e| format!("{}: {e}", path.display()))
        });
        match written {
            Ok(()) => {
                let text = i18n::trf(lang, "export.done", &[("path", path.display().to_string())]);
                self.toast(text, 6.0);
                self.mark_seen(|seen| seen.with(crate::ui::guide::Step::Export));
            }
            Err(e) => self.show_error("export.failed", e),
        }
    }

    /// Asks for the password of protected plan files (again, with `error`, after a wrong one).
    fn ask_password(&mut self, files: Vec<PathBuf>, error: Option<String>) {
        self.dialog = Some(Dialog::Password {
            files,
            password: String::new(),
            error,
        });
    }

    /// Whether reading failed for want of the right password: then it was asked for.
    fn needs_password(
        &mut self,
        files: &[PathBuf],
        e: &crate::exchange::plan_file::Conflict,
    ) -> bool {
        use crate::exchange::plan_file::Conflict;
        use crate::exchange::protect::ProtectError;
        match e {
            Conflict::Protection {
                error: error @ (ProtectError::EmptyPassword | ProtectError::WrongPassword),
            } => {
                let message = (*error == ProtectError::WrongPassword)
                    .then(|| error.localize(self.prefs.lang));
                self.ask_password(files.to_vec(), message);
                true
            }
            _ => false,
        }
    }

    /// Reads protected plan files with `password`: a package opens, submissions are previewed.
    pub fn unlock(&mut self, files: &[PathBuf], password: String) {
        let Some(first) = files.first() else { return };
        self.exchange_password = Some(password);
        let kind = crate::exchange::plan_file::read_file(first, self.exchange_password.as_deref())
            .map(|b| crate::exchange::plan_file::kind_of(&b));
        match kind {
            Ok(Some(k)) if k == "package" => self.open_package(first),
            Ok(_) => self.preview_submissions(files),
            Err(e) => {
                if !self.needs_password(files, &e) {
                    self.show_error("plan_file.open_failed", e.localize(self.prefs.lang));
                }
            }
        }
        self.exchange_password = None;
    }

    /// Opens a leader's package as the person's own new plan file, beside the open plan.
    pub fn open_package(&mut self, path: &Path) {
        use crate::exchange::plan_file;
        let lang = self.prefs.lang;
        let read = plan_file::read_file(path, self.exchange_password.as_deref());
        if let Err(e) = &read
            && self.needs_password(&[path.to_owned()], e)
        {
            return;
        }
        let package = read
            .map_err(|e| e.localize(lang))
            .and_then(|b| plan_file::parse_package(&b).map_err(|e| e.localize(lang)));
        let created = package.and_then(|p| {
            let name = format!("{} - {}", p.plan.name, p.person.name);
            let target = Self::free_path(&self.default_dir(), &name);
            plan_file::create_from_package(&target, &p).map(|_| target)
        });
        match created {
            Ok(target) => {
                self.open_path(&target);
                let text = i18n::trf(
                    lang,
                    "plan_file.opened",
                    &[("path", target.display().to_string())],
                );
                self.toast(text, 8.0);
            }
            Err(e) => self.show_error("plan_file.open_failed", e),
        }
    }

    /// Checks submission files against the round and shows what they would do and every
    /// conflict, before anything is written.
    pub fn preview_submissions(&mut self, files: &[PathBuf]) {
        use crate::exchange::plan_file;
        if self.doc.is_none() {
            return;
        }
        let lang = self.prefs.lang;
        let parsed = plan_file::read_submissions(files, self.exchange_password.as_deref());
        let locked = parsed.iter().find_map(|p| match p {
            Err(e @ plan_file::Conflict::Protection { .. }) => Some(e.clone()),
            _ => None,
        });
        if let Some(e) = locked
            && self.needs_password(files, &e)
        {
            return;
        }
        let Some(doc) = &self.doc else { return };
        let checked = plan_file::check(&doc.snap, &parsed);
        let tree = crate::domain::org::OrgTree::new(&doc.snap.nodes);
        let name = |n: crate::domain::model::NodeId| {
            tree.get(n).map(|n| n.name.clone()).unwrap_or_default()
        };
        let unit = self.prefs.unit;
        let mut accepted = Vec::new();
        let lines = files
            .iter()
            .zip(&checked)
            .map(|(f, c)| {
                let file = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let line = match c {
                    Ok(a) => {
                        accepted.push(a.clone());
                        Ok(format!(
                            "{} → {}：{}",
                            name(a.person),
                            name(a.unit),
                            a.value.format_with_unit(unit)
                        ))
                    }
                    Err(e) => Err(e.localize(lang)),
                };
                (file, line)
            })
            .collect();
        let figures = plan_file::bottom_up_by_unit(&accepted, &tree);
        let totals = figures
            .iter()
            .map(|(u, v, _)| {
                i18n::trf(
                    lang,
                    "negotiation.submission_total",
                    &[("unit", name(*u)), ("value", v.format_with_unit(unit))],
                )
            })
            .collect();
        self.dialog = Some(Dialog::Submissions {
            lines,
            figures,
            totals,
        });
    }

    /// Reads the monthly plan back from a workbook or CSV and applies it as one change, or
    /// says what is wrong with it (nothing written).
    fn import_monthly(&mut self, path: &Path) {
        let lang = self.prefs.lang;
        let Some(doc) = &self.doc else { return };
        let read = crate::exchange::grid_file::read_file(&doc.snap, path, None, None, lang);
        match read.map(|(_, cells)| cells) {
            Ok(cells) => {
                if cells.is_empty() {
                    self.toast(i18n::tr(lang, "grid_file.same").into_owned(), 5.0);
                    return;
                }
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                self.change(|s| s.set_targets("change.import_monthly", &name, &cells));
            }
            Err(problems) => self.show_error("grid_file.failed", problems.join("\n")),
        }
    }

    /// A file name in `dir` for a new plan called `name` that does not exist yet.
    fn free_path(dir: &Path, name: &str) -> PathBuf {
        // Keep the name readable but safe as a file name on every system.
        let stem: String = name
            .trim()
            .chars()
            .map(|c| {
                if "/\\:*?\"<>|".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let stem = if stem.is_empty() {
            "plan".to_owned()
        } else {
            stem
        };
        let ext = crate::store::FILE_EXTENSION;
        let candidate =
            crate::domain::org::unique_name(&stem, |n| dir.join(format!("{n}.{ext}")).exists());
        dir.join(format!("{candidate}.{ext}"))
    }

    /// The folder new files go to by default: the open plan's, else the data folder.
    fn default_dir(&self) -> PathBuf {
        self.doc
            .as_ref()
            .and_then(|d| d.store.path().parent().map(Path::to_owned))
            .filter(|d| !d.as_os_str().is_empty())
            .or_else(|| default_plan_path().and_then(|p| p.parent().map(Path::to_owned)))
            .unwrap_or_else(|| PathBuf::from("."))
    }

    pub fn run_command(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::NewPlan => {
                let year = jiff::Zoned::now().year() as i32 + 1;
                let name = i18n::trf(
                    self.prefs.lang,
                    "new_plan.default_name",
                    &[("year", year.to_string())],
                );
                let path = Self::free_path(&self.default_dir(), &name);
                self.dialog = Some(Dialog::NewPlan(NewPlanForm {
                    name,
                    organisation: String::new(),
                    company: self.tr("new_plan.default_company").into_owned(),
                    year: year.to_string(),
                    start_month: 1,
                    path: path.display().to_string(),
                }));
            }
            Command::OpenPlan => {
                if self.file_task.is_none() {
                    self.file_task = Some(FileTask::Open(self.spawn_file_dialog(
                        ctx,
                        false,
                        String::new(),
                    )));
                }
            }
            Command::SaveAs => {
                if let Some(doc) = &self.doc {
                    let name = i18n::trf(
                        self.prefs.lang,
                        "file.copy_name",
                        &[("name", doc.snap.plan.name.clone())],
                    );
                    let path = Self::free_path(&self.default_dir(), &name);
                    self.dialog = Some(Dialog::SaveAs {
                        path: path.display().to_string(),
                    });
                }
            }
            Command::OpenPath => self.dialog = Some(Dialog::OpenPath(String::new())),
            Command::Export => {
                if let Some(doc) = &self.doc {
                    let name = format!("{}.xlsx", doc.snap.plan.name.trim());
                    let path = self.default_dir().join(name);
                    self.dialog = Some(Dialog::Export(dialogs::ExportForm {
                        format: dialogs::ExportFormat::Xlsx,
                        table: "monthly",
                        unit: self.prefs.unit,
                        person: None,
                        comment: String::new(),
                        people: doc.snap.people().map(|p| (p.id, p.name.clone())).collect(),
                        path: path.display().to_string(),
                        password: String::new(),
                        password_again: String::new(),
                    }));
                }
            }
            Command::Import => {
                if self.doc.is_some() && self.import.is_none() {
                    self.import = Some(ImportDialog::new(ImportKind::History, None));
                }
            }
            Command::OpenRecent(path) => self.open_path(&path),
            Command::OpenDemo => {
                if let Some(path) = default_plan_path() {
                    match open_or_create_demo(&path) {
                        Ok((doc, _)) => self.set_document(doc),
                        Err(e) => self.open_failed(&path, e),
                    }
                }
            }
            Command::Backups => {
                if let Some(doc) = &self.doc {
                    let path = doc.store.path().to_owned();
                    match crate::store::backup::list(&path) {
                        Ok(list) => {
                            self.dialog = Some(Dialog::Backups {
                                list,
                                folder: crate::store::backup::folder(&path),
                            })
                        }
                        Err(e) => {
                            self.show_error("dialog.open_failed", e.localize(self.prefs.lang))
                        }
                    }
                }
            }
            Command::Undo if self.restore_undo.is_some() => {
                if let Some(before) = self.restore_undo.take() {
                    self.restore(&before, true);
                }
            }
            Command::Undo | Command::Redo => {
                let lang = self.prefs.lang;
                let Some(doc) = &mut self.doc else { return };
                let result = if command == Command::Undo {
                    doc.store.undo()
                } else {
                    doc.store.redo()
                };
                let result = result.and_then(|label| doc.reload().map(|()| label));
                if result.is_ok() {
                    self.backup_if_due();
                }
                match result {
                    Ok(Some(label)) => {
                        let key = if command == Command::Undo {
                            "toast.undone"
                        } else {
                            "toast.redone"
                        };
                        let text =
                            i18n::trf(lang, key, &[("what", self.change_label_text(&label))]);
                        self.toast(text, 3.0);
                    }
                    Ok(None) => {}
                    Err(e) => self.show_error("dialog.change_failed", e.localize(lang)),
                }
            }
            Command::Show(view) => self.show_view(view),
            Command::About => self.dialog = Some(Dialog::About),
            Command::Welcome => self.dialog = Some(Dialog::Welcome),
            Command::GettingStarted(show) => self.prefs.guide_open = show,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Command(c) => self.run_command(c, ctx),
            Action::Navigate(v) => self.show_view(v),
            Action::OpenFile(path) => self.open_path(&path),
            Action::OpenReadOnly(path) => {
                match Store::open_read_only(&path).and_then(Document::from_store) {
                    Ok(doc) => self.set_document(doc),
                    Err(e) => self.show_error("dialog.open_failed", e.localize(self.prefs.lang)),
                }
            }
            Action::ReopenForEditing => {
                if let Some(path) = self.doc.as_ref().map(|d| d.store.path().to_owned()) {
                    match Document::open(&path) {
                        Ok(doc) => {
                            self.set_document(doc);
                            self.toast(self.tr("toast.editable").into_owned(), 4.0);
                        }
                        Err(e) => self.open_failed(&path, e),
                    }
                }
            }
            Action::BackupNow => {
                self.wait_for_backup();
                if let Some(doc) = &self.doc {
                    let lang = self.prefs.lang;
                    match crate::store::backup::make(
                        doc.store.path(),
                        crate::store::backup::Reason::Manual,
                    ) {
                        Ok(Some(b)) => {
                            let name = b
                                .path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default();
                            self.toast(i18n::trf(lang, "toast.backed_up", &[("name", name)]), 5.0);
                        }
                        Ok(None) => self.toast(self.tr("toast.backup_unchanged").into_owned(), 5.0),
                        Err(e) => self.show_error("dialog.change_failed", e.localize(lang)),
                    }
                    self.last_backup = Some(std::time::Instant::now());
                }
            }
            Action::RestoreBackup(file) => self.restore(&file, false),
            Action::DismissLocationWarning => self.location_warning = None,
            Action::CreatePlan { plan, path } => {
                match Store::create(&path, &plan).and_then(Document::from_store) {
                    Ok(doc) => {
                        self.set_document(doc);
                        self.view = View::Organisation;
                    }
                    Err(e) => self.show_error("dialog.create_failed", e.localize(self.prefs.lang)),
                }
            }
            Action::SaveCopyAs(path) => {
                let Some(doc) = &self.doc else { return };
                match doc.store.save_copy(&path) {
                    Ok(()) => self.open_path(&path),
                    Err(e) => self.show_error("dialog.save_failed", e.localize(self.prefs.lang)),
                }
            }
            Action::InputError(message) => self.show_error("dialog.invalid_input", message),
            Action::SetPrefs(p) => {
                ctx.set_theme(p.theme.preference());
                self.prefs = p;
            }
            Action::DeleteNode { id } => {
                let Some(doc) = &self.doc else { return };
                let name = doc.tree.get(id).map(|n| n.name.clone()).unwrap_or_default();
                match doc.store.delete_node_impact(id) {
                    Ok(impact) if impact.needs_confirmation() => {
                        self.dialog = Some(Dialog::ConfirmDeleteNode { id, name, impact });
                    }
                    Ok(_) => self.change(|s| s.delete_node(id)),
                    Err(e) => self.show_error("dialog.change_failed", e.localize(self.prefs.lang)),
                }
            }
            Action::DeleteLine { id } => {
                let Some(doc) = &self.doc else { return };
                let name = doc
                    .snap
                    .line(id)
                    .map(|l| l.name.clone())
                    .unwrap_or_default();
                match doc.store.delete_line_impact(id) {
                    Ok((0, 0)) => self.change(|s| s.delete_product_line(id)),
                    Ok((products, cells)) => {
                        self.dialog = Some(Dialog::ConfirmDeleteLine {
                            id,
                            name,
                            products,
                            cells,
                        });
                    }
                    Err(e) => self.show_error("dialog.change_failed", e.localize(self.prefs.lang)),
                }
            }
            Action::ConfirmedDeleteNode(id) => self.change(|s| s.delete_node(id)),
            Action::ConfirmedDeleteLine(id) => self.change(|s| s.delete_product_line(id)),
            Action::AddNode { parent, kind, name } => {
                self.change(|s| s.add_node(parent, kind, &name).map(drop));
            }
            Action::RenameNode { id, name } => self.change(|s| s.rename_node(id, &name)),
            Action::SetNodeKind { id, kind } => self.change(|s| s.set_node_kind(id, kind)),
            Action::MoveNode { id, parent } => self.change(|s| s.move_node(id, parent)),
            Action::ReorderNode { id, delta } => self.change(|s| s.reorder_node(id, delta)),
            Action::UpdatePerson { id, fields } => self.change(|s| s.update_person(id, &fields)),
            Action::AddLine(fields) => self.change(|s| s.add_product_line(&fields).map(drop)),
            Action::UpdateLine { id, fields } => {
                self.change(|s| s.update_product_line(id, &fields));
            }
            Action::AddProduct(fields) => self.change(|s| s.add_product(&fields).map(drop)),
            Action::UpdateProduct { id, fields } => self.change(|s| s.update_product(id, &fields)),
            Action::DeleteProduct { id } => self.change(|s| s.delete_product(id)),
            Action::RenamePlan { name, organisation } => {
                self.change(|s| s.rename_plan(&name, &organisation));
            }
            Action::SetFiscalYear { year, start_month } => {
                self.change(|s| s.set_fiscal_year(year, start_month));
            }
            Action::SetFunnelDefaults(d) => self.change(|s| s.set_funnel_defaults(&d)),
            Action::SetCalendarDay {
                date,
                holiday,
                name,
            } => self.change(|s| s.set_calendar_day(date, holiday, &name)),
            Action::RemoveCalendarDay(date) => self.change(|s| s.remove_calendar_day(date)),
            Action::SetAlias {
                kind,
                alias,
                canonical,
            } => self.change(|s| s.set_alias(&kind, &alias, &canonical)),
            Action::RemoveAlias { kind, alias } => self.change(|s| s.remove_alias(&kind, &alias)),
            Action::StartRound { units, name } => {
                self.change(|s| s.start_round(&units, &name).map(drop));
            }
            Action::RoundEvent {
                unit,
                event,
                by,
                value,
                comment,
            } => self.change(|s| s.round_event(unit, event, by, value, &comment)),
            Action::ConfirmRound { name } => self.change(|s| s.confirm_round(&name).map(drop)),
            Action::ConfirmCurrent => self.change(|s| s.confirm_current()),
            Action::StartRevision {
                name,
                reason,
                requested_by,
            } => self.change(|s| s.start_revision(&name, &reason, &requested_by).map(drop)),
            Action::WriteLetter { person } => self.write_letter(person, ctx),
            Action::WriteDemandLetter { installment, day } => {
                self.write_demand_letter(installment, day, ctx)
            }
            Action::SetDerivationInputs { line, inputs } => {
                self.change(|s| s.set_derivation_inputs(line, &inputs));
            }
            Action::CommitDerivation {
                node,
                line,
                inputs,
                committed,
            } => self.change(|s| s.commit_derivation(node, line, &inputs, committed)),
            Action::SetLifeCycle { line, stage } => self.change(|s| s.set_life_cycle(line, stage)),
            Action::SetTargetCells {
                label_key,
                detail,
                cells,
            } => self.change(|s| s.set_targets(&label_key, &detail, &cells)),
            Action::AddMonthlyAction {
                person,
                month,
                fields,
            } => self.change(|s| s.add_action(person, month, &fields).map(|_| ())),
            Action::UpdateMonthlyAction { id, fields } => {
                self.change(|s| s.update_action(id, &fields))
            }
            Action::DeleteMonthlyAction(id) => self.change(|s| s.delete_action(id)),
            Action::AddSupport {
                person,
                month,
                kind,
                description,
            } => self.change(|s| s.add_support(person, month, kind, &description).map(|_| ())),
            Action::DeleteSupport(id) => self.change(|s| s.delete_support(id)),
            Action::Account(change) => self.change(|s| s.apply_account_change(&change)),
            Action::Finance(change) => self.change(|s| s.apply_finance_change(&change)),
            Action::Review(change) => self.change(|s| s.apply_review_change(&change)),
            Action::Export(request) => self.export(&request),
            Action::Unlock { files, password } => self.unlock(&files, password),
            Action::PickSubmissions => {
                if self.file_task.is_none() {
                    let (tx, rx) = channel();
                    let ctx = ctx.clone();
                    let filter = self.tr("export.format.submission").into_owned();
                    std::thread::spawn(move || {
                        let picked = rfd::FileDialog::new()
                            .add_filter(filter, &["json"])
                            .pick_files();
                        let _ = tx.send(picked);
                        ctx.request_repaint();
                    });
                    self.file_task = Some(FileTask::Submissions(rx));
                }
            }
            Action::PickSubmissionFolder => {
                if self.file_task.is_none() {
                    let (tx, rx) = channel();
                    let ctx = ctx.clone();
                    std::thread::spawn(move || {
                        // Every *.json in the folder, in name order.
                        let picked = rfd::FileDialog::new().pick_folder().map(|dir| {
                            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                                .map(|entries| {
                                    entries
                                        .filter_map(|e| e.ok().map(|e| e.path()))
                                        .filter(|p| {
                                            p.extension()
                                                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                                        })
                                        .collect()
                                })
                                .unwrap_or_default();
                            files.sort();
                            files
                        });
                        let _ = tx.send(picked);
                        ctx.request_repaint();
                    });
                    self.file_task = Some(FileTask::Submissions(rx));
                }
            }
            Action::ApplySubmissions(figures) => {
                let detail = figures.len().to_string();
                self.change(|s| s.apply_submissions(&figures, &detail));
            }
            Action::ImportMonthly(path) => self.import_monthly(&path),
            Action::PickMonthlyFile => {
                if self.file_task.is_none() {
                    let (tx, rx) = channel();
                    let ctx = ctx.clone();
                    let filter = self.tr("import.file_filter").into_owned();
                    std::thread::spawn(move || {
                        let picked = rfd::FileDialog::new()
                            .add_filter(filter, &["xlsx", "csv", "txt", "xls", "ods"])
                            .pick_file();
                        let _ = tx.send(picked);
                        ctx.request_repaint();
                    });
                    self.file_task = Some(FileTask::MonthlySource(rx));
                }
            }
            Action::ImportKind(kind) => {
                if self.doc.is_some() && self.import.is_none() {
                    self.import = Some(ImportDialog::new(kind, None));
                }
            }
            Action::ShowVariance {
                node,
                metric,
                window,
            } => {
                let v = &mut self.states.variance;
                v.scope = node;
                v.metric = Some(metric);
                v.dimension = crate::domain::variance::Dimension::Line;
                if let crate::domain::variance::Window::ToDate(m) = window {
                    v.through = Some(m);
                    v.window = None;
                } else {
                    v.window = Some(window);
                }
                self.show_view(View::Variance);
            }
            Action::SetLock {
                node,
                period,
                metric,
                locked,
            } => self.change(|s| s.set_lock(node, period, metric, locked)),
            Action::ApplyAllocation {
                rule,
                detail,
                cells,
            } => self.change(|s| s.apply_allocation(&rule, &detail, &cells)),
        }
    }

    /// Writes a person's target responsibility letter beside the plan file and opens it.
    fn write_letter(&mut self, person: crate::domain::model::NodeId, ctx: &egui::Context) {
        let lang = self.prefs.lang;
        let Some(doc) = &self.doc else { return };
        let data =
            match crate::exchange::letter::letter_data(&doc.snap, person, lang, self.prefs.unit) {
                Ok(d) => d,
                Err(e) => {
                    self.show_error("dialog.letter_failed", e.localize(lang));
                    return;
                }
            };
        let file = self.beside_plan(&i18n::trf(
            lang,
            "letter.file_name",
            &[("name", data.person.clone())],
        ));
        self.write_html(ctx, file, crate::exchange::letter::letter_html(&data));
    }

    /// A file next to the open plan file.
    fn beside_plan(&self, name: &str) -> PathBuf {
        self.doc
            .as_ref()
            .and_then(|d| d.store.path().parent().map(Path::to_owned))
            .unwrap_or_else(|| PathBuf::from("."))
            .join(name)
    }

    /// Writes a printable page and opens it in the browser.
    fn write_html(&mut self, ctx: &egui::Context, file: PathBuf, html: String) {
        let lang = self.prefs.lang;
        match crate::exchange::export::write_atomic(&file, html.as_bytes()) {
            Ok(()) => {
                ctx.open_url(egui::OpenUrl::new_tab(format!("file://{}", file.display())));
                let text = i18n::trf(
                    lang,
                    "toast.letter_written",
                    &[("path", file.display().to_string())],
                );
                self.toast(text, 6.0);
            }
            Err(e) => self.show_error(
                "dialog.letter_failed",
                StoreError::Io {
                    path: file,
                    detail: e.to_string(),
                }
                .localize(lang),
            ),
        }
    }

    fn write_demand_letter(
        &mut self,
        installment: i64,
        day: jiff::civil::Date,
        ctx: &egui::Context,
    ) {
        let lang = self.prefs.lang;
        let Some(doc) = &self.doc else { return };
        let Some(data) = crate::exchange::demand::demand_data(
            &doc.snap,
            installment,
            day,
            lang,
            self.prefs.unit,
        ) else {
            self.show_error(
                "dialog.letter_failed",
                i18n::tr(lang, "demand.not_overdue").into_owned(),
            );
            return;
        };
        let file = self.beside_plan(&i18n::trf(
            lang,
            "demand.file_name",
            &[
                ("contract", data.contract.clone()),
                ("day", day.to_string()),
            ],
        ));
        self.write_html(ctx, file, crate::exchange::demand::demand_html(&data));
    }

    /// Switches view; while the user is typing in a field, one frame later, so the field
    /// first sees it lost focus and stores what was typed.
    fn show_view(&mut self, view: View) {
        self.mark_seen(|seen| seen.viewing(view));
        if self.typing {
            self.pending_view = Some((view, false));
        } else {
            self.view = view;
        }
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        // While a dialog is open its keys belong to it.
        if self.dialog.is_some() || self.import.is_some() {
            return;
        }
        // While typing, Ctrl+Z and Ctrl+Y undo and redo the typing, not the plan.
        let typing = self.typing;
        let mut fired = Vec::new();
        ctx.input_mut(|input| {
            // Shortcuts with Shift first: Ctrl+Z would also match Ctrl+Shift+Z.
            let mut candidates: Vec<(egui::KeyboardShortcut, Command)> = Vec::new();
            for c in Command::with_shortcuts() {
                if typing && matches!(c, Command::Undo | Command::Redo) {
                    continue;
                }
                if let Some(s) = c.alternative_shortcut() {
                    candidates.push((s, c.clone()));
                }
                if let Some(s) = c.shortcut() {
                    candidates.push((s, c));
                }
            }
            candidates.sort_by_key(|(s, _)| !s.modifiers.shift);
            for (s, c) in candidates {
                if input.consume_shortcut(&s) {
                    fired.push(c);
                }
            }
        });
        for c in fired {
            self.run_command(c, ctx);
        }
    }

    fn shortcut_text(ctx: &egui::Context, c: &Command) -> String {
        c.shortcut()
            .map(|s| ctx.format_shortcut(&s))
            .unwrap_or_default()
    }

    fn menu_item(&self, ui: &mut Ui, c: Command, enabled: bool) -> Option<Command> {
        let text = self.tr(c.label_key());
        let button =
            egui::Button::new(text.as_ref()).shortcut_text(Self::shortcut_text(ui.ctx(), &c));
        if ui.add_enabled(enabled, button).clicked() {
            ui.close();
            return Some(c);
        }
        None
    }

    fn menu_bar(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut out = Vec::new();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(self.tr("menu.file").as_ref(), |ui| {
                out.extend(self.menu_item(ui, Command::NewPlan, true));
                out.extend(self.menu_item(ui, Command::OpenPlan, self.file_task.is_none()));
                out.extend(self.menu_item(ui, Command::OpenPath, true));
                out.extend(self.menu_item(ui, Command::Import, self.doc.is_some()));
                out.extend(self.menu_item(ui, Command::Export, self.doc.is_some()));
                out.extend(self.menu_item(
                    ui,
                    Command::SaveAs,
                    self.doc.is_some() && self.file_task.is_none(),
                ));
                out.extend(self.menu_item(
                    ui,
                    Command::Backups,
                    self.doc.as_ref().is_some_and(|d| !d.store.is_read_only()),
                ));
                ui.menu_button(self.tr("menu.file.recent").as_ref(), |ui| {
                    if self.prefs.recent.is_empty() {
                        ui.label(RichText::new(self.tr("menu.file.recent_empty")).weak());
                    }
                    for path in self.prefs.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            ui.close();
                            out.push(Command::OpenRecent(path));
                        }
                    }
                });
                out.extend(self.menu_item(ui, Command::OpenDemo, true));
                ui.separator();
                out.extend(self.menu_item(ui, Command::Quit, true));
            });
            ui.menu_button(self.tr("menu.edit").as_ref(), |ui| {
                let undo = match &self.restore_undo {
                    Some(_) => Some(ChangeLabel {
                        key: "change.restore".to_owned(),
                        detail: String::new(),
                    }),
                    None => self.doc.as_ref().and_then(|d| d.undo.clone()),
                };
                let redo = self.doc.as_ref().and_then(|d| d.redo.clone());
                for (c, label) in [(Command::Undo, undo), (Command::Redo, redo)] {
                    let mut text = self.tr(c.label_key()).into_owned();
                    if let Some(l) = &label {
                        text = format!("{text}：{}", self.change_label_text(l));
                    }
                    let button =
                        egui::Button::new(text).shortcut_text(Self::shortcut_text(ui.ctx(), &c));
                    if ui.add_enabled(label.is_some(), button).clicked() {
                        ui.close();
                        out.push(c);
                    }
                }
            });
            ui.menu_button(self.tr("menu.view").as_ref(), |ui| {
                for v in View::ALL {
                    out.extend(self.menu_item(ui, Command::Show(v), self.doc.is_some()));
                }
            });
            ui.menu_button(self.tr("menu.help").as_ref(), |ui| {
                out.extend(self.menu_item(ui, Command::Welcome, true));
                let guide = Command::GettingStarted(!self.prefs.guide_open);
                let mut shown = self.prefs.guide_open;
                if ui
                    .add_enabled(
                        self.doc.is_some(),
                        egui::Checkbox::new(&mut shown, self.tr(guide.label_key())),
                    )
                    .clicked()
                {
                    ui.close();
                    out.push(guide);
                }
                ui.separator();
                out.extend(self.menu_item(ui, Command::About, true));
            });
        });
        out
    }

    fn navigation(&mut self, ui: &mut Ui) {
        ui.add_space(6.0);
        for v in View::ALL {
            let selected = self.view == v;
            let text = RichText::new(self.tr(v.label_key())).size(15.0);
            let response = ui.add_sized(
                [ui.available_width(), 30.0],
                egui::Button::selectable(selected, text),
            );
            let response = match Command::Show(v).shortcut() {
                Some(s) => response.on_hover_text(ui.ctx().format_shortcut(&s)),
                None => response,
            };
            if response.clicked() {
                self.show_view(v);
            }
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let Some(doc) = &self.doc else {
                ui.label(self.tr("status.no_file"));
                return;
            };
            ui.label(RichText::new(doc.store.path().display().to_string()).monospace())
                .on_hover_text(self.tr("status.file_hover"));
            ui.separator();
            if doc.store.is_read_only() {
                ui.label(
                    RichText::new(format!("▲ {}", self.tr("status.read_only")))
                        .color(theme::warn(ui.visuals().dark_mode)),
                );
            } else {
                let saved = match &doc.saved_at {
                    Some(t) => {
                        i18n::trf(self.prefs.lang, "status.saved_at", &[("time", t.clone())])
                    }
                    None => self.tr("status.saved").into_owned(),
                };
                ui.label(
                    RichText::new(format!("● {saved}")).color(theme::good(ui.visuals().dark_mode)),
                )
                .on_hover_text(self.tr("status.saved_hover"));
            }
            ui.separator();
            if let Some(v) = doc.snap.current_version() {
                ui.label(views::version_label(self.prefs.lang, v));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(RichText::new(format!("SalesPlan {}", env!("CARGO_PKG_VERSION"))).weak());
            });
        });
    }

    /// Warnings above the view: the plan is read-only; its location is risky.
    fn banners(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(doc) = &self.doc else { return };
        let read_only = doc.store.is_read_only();
        if !read_only && self.location_warning.is_none() {
            return;
        }
        egui::Panel::top("banners").show(ui, |ui| {
            let color = theme::warn(ui.visuals().dark_mode);
            if read_only {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(format!("▲ {}", self.tr("banner.read_only"))).color(color),
                    );
                    if ui.button(self.tr("banner.reopen")).clicked() {
                        actions.push(Action::ReopenForEditing);
                    }
                });
            }
            if let Some(warning) = &self.location_warning {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("▲ {warning}")).color(color));
                    if ui.button(self.tr("banner.dismiss")).clicked() {
                        actions.push(Action::DismissLocationWarning);
                    }
                });
            }
        });
    }

    fn no_document_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) -> Vec<Command> {
        let mut out = Vec::new();
        ui.add_space(40.0);
        if let Some((path, _)) = &self.opening {
            ui.vertical_centered(|ui| {
                ui.spinner();
                ui.add_space(8.0);
                ui.label(i18n::trf(
                    self.prefs.lang,
                    "nofile.opening",
                    &[("file", path.display().to_string())],
                ));
            });
            return out;
        }
        ui.vertical_centered(|ui| {
            crate::ui::widgets::heading(ui, &self.tr("nofile.title"));
            if let Some(e) = &self.open_error {
                ui.add_space(8.0);
                ui.label(RichText::new(e).color(theme::bad(ui.visuals().dark_mode)));
            }
            ui.add_space(16.0);
            if let Some(path) = &self.locked
                && ui.button(self.tr("dialog.locked.read_only")).clicked()
            {
                actions.push(Action::OpenReadOnly(path.clone()));
            }
            if ui.button(self.tr("menu.file.open_demo")).clicked() {
                out.push(Command::OpenDemo);
            }
            if ui.button(self.tr("menu.file.new")).clicked() {
                out.push(Command::NewPlan);
            }
            if ui.button(self.tr("menu.file.open")).clicked() {
                out.push(Command::OpenPlan);
            }
        });
        out
    }

    fn dialogs(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let busy = self.file_task.is_some();
        let lang = self.prefs.lang;
        let Some(dialog) = &mut self.dialog else {
            return Vec::new();
        };
        let modal = egui::Modal::new(egui::Id::unique("salesplan.dialog"))
            .show(ctx, |ui| dialogs::dialog_ui(ui, dialog, lang, busy));
        let should_close = modal.should_close();
        let mut outcome = modal.inner;
        if should_close {
            outcome.close = true;
        }
        if let Some(target) = outcome.browse
            && !busy
        {
            let file_name = match self.dialog.as_ref() {
                Some(Dialog::NewPlan(form)) => form.path.clone(),
                Some(Dialog::SaveAs { path }) => path.clone(),
                Some(Dialog::Export(form)) => form.path.clone(),
                _ => String::new(),
            };
            let export = match self.dialog.as_ref() {
                Some(Dialog::Export(form)) => Some(form.format),
                _ => None,
            };
            let file_name = Path::new(&file_name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rx = match export {
                Some(format) => self.spawn_file_dialog_with(
                    ctx,
                    true,
                    file_name,
                    (self.tr(format.label_key()).into_owned(), format.extension()),
                ),
                None => self.spawn_file_dialog(ctx, true, file_name),
            };
            self.file_task = Some(FileTask::Browse(rx, target));
        }
        // A rejected entry keeps the dialog open so the user can correct it.
        let rejected = outcome
            .actions
            .iter()
            .any(|a| matches!(a, Action::InputError(_)));
        if outcome.close && !rejected {
            self.dialog = None;
        }
        outcome.actions
    }
}

impl eframe::App for SalesPlanApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        // A focused grid cell is not typing: Ctrl+Z there undoes the plan.
        self.typing =
            ctx.egui_wants_keyboard_input() && !crate::ui::views::grid::cell_has_focus(&ctx);
        self.poll_opening();
        self.poll_file_task();
        self.poll_backup();
        self.handle_shortcuts(&ctx);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.first() {
            if is_sqlite_file(path) {
                self.open_path(path);
            } else if self.doc.is_some() {
                if let Some(kind) = plan_file_kind(path) {
                    if kind == "protected" {
                        self.ask_password(dropped.clone(), None);
                    } else if kind == "package" {
                        self.open_package(path);
                    } else {
                        self.preview_submissions(&dropped);
                    }
                } else if is_monthly_plan_file(path) {
                    // The monthly plan exported by SalesPlan and edited: read it back.
                    self.import_monthly(path);
                } else {
                    // Anything else dropped is data to import.
                    self.import = Some(ImportDialog::new(ImportKind::History, Some(path)));
                }
            }
        }

        let title = match &self.doc {
            Some(doc) => format!("{} — SalesPlan", doc.snap.plan.name),
            None => "SalesPlan".to_owned(),
        };
        if self.window_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }

        let mut commands = Vec::new();
        egui::Panel::top("menu_bar").show(ui, |ui| {
            commands = self.menu_bar(ui);
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            self.status_bar(ui);
        });
        let mut actions: Vec<Action> = Vec::new();
        self.banners(ui, &mut actions);
        self.guide_panel(ui, &mut commands);
        if self.doc.is_some() {
            egui::Panel::left("navigation")
                .exact_size(theme::NAV_WIDTH)
                .resizable(false)
                .show(ui, |ui| self.navigation(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| match &self.doc {
            Some(doc) => {
                let vctx = ViewCtx {
                    snap: &doc.snap,
                    tree: &doc.tree,
                    table: &doc.table,
                    stats: &doc.stats,
                    prefs: &self.prefs,
                    generation: doc.generation,
                };
                // Both ways: a view wider than the window (a narrow window, or the
                // getting-started path beside it) scrolls instead of being cut off.
                egui::ScrollArea::both()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        views::view_ui(ui, self.view, &vctx, &mut self.states, &mut actions);
                    });
            }
            None => commands.extend(self.no_document_ui(ui, &mut actions)),
        });

        actions.extend(self.dialogs(&ctx));
        self.import_ui(&ctx);
        self.toast_ui(&ctx);

        for c in commands {
            self.run_command(c, &ctx);
        }
        for a in actions {
            self.apply(a, &ctx);
        }
        match self.pending_view {
            Some((view, true)) => {
                self.view = view;
                self.pending_view = None;
            }
            Some((view, false)) => {
                self.pending_view = Some((view, true));
                ctx.request_repaint();
            }
            None => {}
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, Prefs::STORAGE_KEY, &self.prefs);
    }
}

/// Whether a file starts like an SQLite database (a plan file, or a file to refuse clearly).
fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0"
}

impl SalesPlanApp {
    fn import_ui(&mut self, ctx: &egui::Context) {
        let lang = self.prefs.lang;
        let (Some(import), Some(doc)) = (&mut self.import, &mut self.doc) else {
            return;
        };
        let modal = egui::Modal::new(egui::Id::unique("salesplan.import"))
            .show(ctx, |ui| import.ui(ui, &doc.store, lang));
        let browse = std::mem::take(&mut import.browse_requested);
        match modal.inner {
            ImportEvent::Imported => {
                if let Err(e) = doc.reload() {
                    self.show_error("dialog.change_failed", e.localize(lang));
                }
            }
            ImportEvent::Close => self.import = None,
            ImportEvent::None => {
                if modal.should_close() && self.import.as_ref().is_some_and(|i| !i.is_busy()) {
                    self.import = None;
                }
            }
        }
        if browse && self.file_task.is_none() {
            let (tx, rx) = channel();
            let ctx = ctx.clone();
            let filter = self.tr("import.file_filter").into_owned();
            std::thread::spawn(move || {
                let picked = rfd::FileDialog::new()
                    .add_filter(filter, &["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods"])
                    .pick_file();
                let _ = tx.send(picked);
                ctx.request_repaint();
            });
            self.file_task = Some(FileTask::ImportSource(rx));
        }
    }

    fn toast_ui(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some((text, until)) = &mut self.toast else {
            return;
        };
        if *until < 0.0 {
            *until = now - *until;
        }
        if now > *until {
            self.toast = None;
            return;
        }
        let text = text.clone();
        let remaining = *until - now;
        egui::Area::new(egui::Id::unique("salesplan.toast"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -40.0])
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.label(text);
                });
            });
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(remaining.max(0.05)));
    }
}

/// A workbook with a monthly-plan sheet, or a CSV with the monthly plan's columns (person,
/// metric, metric code, unit, months), as SalesPlan exports them.
fn is_monthly_plan_file(path: &Path) -> bool {
    use crate::exchange::pipeline::SourceInput;
    use crate::exchange::source::ReadOptions;
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let Ok(t) = SourceInput::File(path.to_owned()).read(&ReadOptions::default(), &|_| {}, &cancel)
    else {
        return false;
    };
    let any = |key: &str, text: &str| {
        i18n::Lang::ALL
            .into_iter()
            .any(|l| i18n::tr(l, key) == text.trim())
    };
    t.sheets.iter().any(|s| any("export.table.monthly", s))
        || (t.headers.len() >= crate::exchange::grid_file::FIXED + 12
            && any("export.metric_code", &t.headers[2])
            && any("export.unit", &t.headers[3]))
}

/// The kind of a SalesPlan plan exchange file (`package`, `submission`), if `path` is one.
fn plan_file_kind(path: &Path) -> Option<String> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        return None;
    }
    // Plan files are small; a large JSON file is not one.
    if std::fs::metadata(path).ok()?.len() > 16 * 1024 * 1024 {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if crate::exchange::protect::is_protected(&bytes) {
        return Some("protected".to_owned());
    }
    crate::exchange::plan_file::kind_of(&bytes)
}
