//! The import dialog: choose what a file holds and where it is (or paste cells from Excel),
//! see a preview with the column mapping (change any column), map stage names, see every
//! problem by row and column, then import — all rows, or the valid ones when the user says so.
//! Reading, checking and writing run on a worker thread with progress and Cancel; a cancelled
//! or failed import writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::{RichText, Ui};

use crate::domain::model::ActualKind;
use crate::exchange::fields::{Field, ImportKind, StageValue};
use crate::exchange::import::{ImportSettings, Prepared};
use crate::exchange::pipeline::{self, KnownNames, SourceInput};
use crate::exchange::source::{ReadOptions, SourceError, Table, TextEncoding};
use crate::exchange::values::{DayOrder, match_key};
use crate::i18n::{self, Lang, Localized};
use crate::store::import::ImportOutcome;
use crate::store::{Store, StoreError};
use crate::ui::theme;
use crate::ui::widgets;

/// How many rows the preview shows, and how many problems the list shows.
const PREVIEW_ROWS: usize = 8;
const SHOWN_PROBLEMS: usize = 500;
/// Height of the dialog's scrolling body.
const BODY_HEIGHT: f32 = 420.0;

enum JobResult {
    Read(Result<Table, SourceError>),
    Prepared(Result<Prepared, StoreError>),
    Written(Result<ImportOutcome, StoreError>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobKind {
    Read,
    Prepare,
    Write,
}

/// Work running on a worker thread.
struct Job {
    kind: JobKind,
    progress: Arc<AtomicU32>,
    cancel: Arc<AtomicBool>,
    rx: Receiver<JobResult>,
}

impl Job {
    fn spawn(
        ctx: &egui::Context,
        kind: JobKind,
        work: impl FnOnce(&dyn Fn(f32), &AtomicBool) -> JobResult + Send + 'static,
    ) -> Job {
        let (tx, rx) = channel();
        let progress = Arc::new(AtomicU32::new(0f32.to_bits()));
        let cancel = Arc::new(AtomicBool::new(false));
        let (p, c, ctx) = (progress.clone(), cancel.clone(), ctx.clone());
        std::thread::spawn(move || {
            let report = |f: f32| {
                p.store(f.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
                ctx.request_repaint();
            };
            let result = work(&report, &c);
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        Job {
            kind,
            progress,
            cancel,
            rx,
        }
    }

    fn progress(&self) -> f32 {
        f32::from_bits(self.progress.load(Ordering::Relaxed))
    }
}

/// What the dialog asks the app to do.
pub enum ImportEvent {
    None,
    Close,
    /// Rows were written: reload the plan.
    Imported,
}

pub struct ImportDialog {
    kind: ImportKind,
    path: String,
    pasted: String,
    encoding: Option<TextEncoding>,
    sheet: Option<String>,
    source: Option<SourceInput>,
    table: Option<Arc<Table>>,
    settings: ImportSettings,
    known: Option<Arc<KnownNames>>,
    prepared: Option<Arc<Prepared>>,
    /// The settings changed since the last check.
    stale: bool,
    job: Option<Job>,
    error: Option<String>,
    outcome: Option<ImportOutcome>,
    /// Asked to browse for a file (the app runs the system dialog).
    pub browse_requested: bool,
}

impl ImportDialog {
    pub fn new(kind: ImportKind, path: Option<&Path>) -> ImportDialog {
        ImportDialog {
            kind,
            path: path.map(|p| p.display().to_string()).unwrap_or_default(),
            pasted: String::new(),
            encoding: None,
            sheet: None,
            source: None,
            table: None,
            settings: ImportSettings::default(),
            known: None,
            prepared: None,
            stale: false,
            job: None,
            error: None,
            outcome: None,
            browse_requested: false,
        }
    }

    /// A path picked with the system file dialog.
    pub fn set_path(&mut self, path: PathBuf) {
        self.path = path.display().to_string();
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    fn start_read(&mut self, ctx: &egui::Context, input: SourceInput) {
        self.error = None;
        self.outcome = None;
        self.prepared = None;
        self.table = None;
        self.source = Some(input.clone());
        let options = ReadOptions {
            encoding: self.encoding,
            delimiter: None,
            sheet: self.sheet.clone(),
        };
        self.job = Some(Job::spawn(ctx, JobKind::Read, move |progress, cancel| {
            JobResult::Read(input.read(&options, progress, cancel))
        }));
    }

    fn start_prepare(&mut self, ctx: &egui::Context) {
        let (Some(table), Some(known)) = (self.table.clone(), self.known.clone()) else {
            return;
        };
        if let Some(job) = &self.job {
            job.cancel.store(true, Ordering::Relaxed);
        }
        let settings = self.settings.clone();
        let kind = self.kind;
        self.stale = false;
        self.job = Some(Job::spawn(
            ctx,
            JobKind::Prepare,
            move |progress, cancel| {
                JobResult::Prepared(pipeline::prepare_with(
                    &known, &table, &settings, kind, progress, cancel,
                ))
            },
        ));
    }

    fn start_write(&mut self, ctx: &egui::Context, plan: PathBuf, skip_invalid: bool) {
        let (Some(table), Some(prepared)) = (self.table.clone(), self.prepared.clone()) else {
            return;
        };
        let settings = self.settings.clone();
        self.job = Some(Job::spawn(ctx, JobKind::Write, move |progress, cancel| {
            // A second connection to the same plan file, on this thread; the app's own
            // connection only reads until the import is done.
            let result = Store::open(&plan).and_then(|mut store| {
                pipeline::write(
                    &mut store,
                    &table,
                    &settings,
                    &prepared,
                    skip_invalid,
                    progress,
                    cancel,
                )
            });
            JobResult::Written(result)
        }));
    }

    /// Takes a finished job's result.
    fn poll(&mut self, store: &Store, lang: Lang) -> ImportEvent {
        let Some(job) = &self.job else {
            return ImportEvent::None;
        };
        let Ok(result) = job.rx.try_recv() else {
            return ImportEvent::None;
        };
        self.job = None;
        match result {
            JobResult::Read(Ok(table)) => {
                self.sheet = table.sheet.clone();
                self.settings = pipeline::initial_settings(store, self.kind, &table);
                self.table = Some(Arc::new(table));
                match KnownNames::load(store) {
                    Ok(k) => {
                        self.known = Some(Arc::new(k));
                        self.stale = true;
                    }
                    Err(e) => self.error = Some(e.localize(lang)),
                }
            }
            JobResult::Read(Err(e)) => {
                if e != SourceError::Cancelled {
                    let source = self
                        .source
                        .as_ref()
                        .map(SourceInput::name)
                        .unwrap_or_default();
                    self.error = Some(format!("{source}: {}", e.localize(lang)));
                }
            }
            JobResult::Prepared(Ok(p)) => self.prepared = Some(Arc::new(p)),
            JobResult::Prepared(Err(StoreError::Cancelled)) => {}
            JobResult::Prepared(Err(e)) => self.error = Some(e.localize(lang)),
            JobResult::Written(Ok(outcome)) => {
                self.outcome = Some(outcome);
                return ImportEvent::Imported;
            }
            JobResult::Written(Err(StoreError::Cancelled)) => {
                self.error = Some(i18n::tr(lang, "err.store.cancelled").into_owned());
            }
            JobResult::Written(Err(e)) => self.error = Some(e.localize(lang)),
        }
        ImportEvent::None
    }

    /// Draws the dialog (inside a modal); `store` is the open plan.
    pub fn ui(&mut self, ui: &mut Ui, store: &Store, lang: Lang) -> ImportEvent {
        let tr = |k: &str| i18n::tr(lang, k);
        let mut event = self.poll(store, lang);
        if self.stale && self.job.is_none() {
            self.start_prepare(ui.ctx());
        }
        ui.set_width(940.0);
        widgets::subheading(ui, &tr("import.title"));

        if let Some(outcome) = &self.outcome {
            outcome_ui(ui, outcome, lang);
            ui.add_space(8.0);
            if ui.button(tr("dialog.ok")).clicked() {
                event = ImportEvent::Close;
            }
            return event;
        }

        self.source_ui(ui, lang);
        if let Some(e) = &self.error {
            ui.add_space(4.0);
            ui.label(RichText::new(e).color(theme::bad(ui.visuals().dark_mode)));
        }
        if let Some(job) = &self.job {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let key = match job.kind {
                    JobKind::Read => "import.reading",
                    JobKind::Prepare => "import.checking",
                    JobKind::Write => "import.writing",
                };
                ui.label(tr(key));
                ui.add(
                    egui::ProgressBar::new(job.progress())
                        .desired_width(360.0)
                        .show_percentage(),
                );
                if ui.button(tr("dialog.cancel")).clicked() {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            });
        }

        // The body keeps one height whatever it holds, so the dialog does not move about
        // (and its buttons stay put) as a file is read and checked.
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("import_body")
            .min_scrolled_height(BODY_HEIGHT)
            .max_height(BODY_HEIGHT)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.table.is_some() {
                    self.mapping_ui(ui, lang);
                    self.meanings_ui(ui, lang);
                    self.check_ui(ui, lang);
                } else {
                    widgets::note(ui, &tr("import.start_hint"));
                }
            });

        ui.separator();
        ui.horizontal(|ui| {
            let busy = self.job.is_some();
            let ready = self.prepared.clone().filter(|_| !self.stale && !busy);
            let clean = ready
                .as_ref()
                .is_some_and(|p| p.problems.is_empty() && !p.records.is_empty());
            if ui
                .add_enabled(clean, egui::Button::new(tr("import.import")))
                .clicked()
            {
                self.start_write(ui.ctx(), store.path().to_owned(), false);
            }
            if let Some(p) = ready
                .clone()
                .filter(|p| !p.problems.is_empty() && !p.records.is_empty())
            {
                let text = i18n::trf(
                    lang,
                    "import.import_valid",
                    &[
                        ("valid", p.records.len().to_string()),
                        ("skipped", p.rows_refused.to_string()),
                    ],
                );
                if ui.button(text).clicked() {
                    self.start_write(ui.ctx(), store.path().to_owned(), true);
                }
            }
            if ui
                .add_enabled(
                    !busy || self.job.as_ref().is_some_and(|j| j.kind != JobKind::Write),
                    egui::Button::new(tr("dialog.close")),
                )
                .clicked()
            {
                if let Some(job) = &self.job {
                    job.cancel.store(true, Ordering::Relaxed);
                }
                event = ImportEvent::Close;
            }
            // The outcome of the check stays in sight while the body scrolls.
            if let Some(p) = &ready {
                let dark = ui.visuals().dark_mode;
                let color = if p.problems.is_empty() {
                    theme::good(dark)
                } else {
                    theme::warn(dark)
                };
                ui.label(
                    RichText::new(i18n::trf(
                        lang,
                        "import.summary",
                        &[
                            ("rows", p.rows_read.to_string()),
                            ("valid", p.records.len().to_string()),
                            ("refused", p.rows_refused.to_string()),
                        ],
                    ))
                    .color(color),
                );
            }
        });
        event
    }

    fn source_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let tr = |k: &str| i18n::tr(lang, k);
        let busy = self.job.is_some();
        egui::Grid::new("import_source")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label(tr("import.kind"));
                let before = self.kind;
                egui::ComboBox::from_id_salt("import_kind")
                    .selected_text(tr(self.kind.label_key()))
                    .show_ui(ui, |ui| {
                        for k in ImportKind::ALL {
                            ui.selectable_value(&mut self.kind, k, tr(k.label_key()));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if self.kind != before
                    && let Some(table) = &self.table
                {
                    self.settings = ImportSettings {
                        kind: Some(self.kind),
                        columns: crate::exchange::fields::auto_map(self.kind, &table.headers),
                        ..Default::default()
                    };
                    self.prepared = None;
                    self.stale = true;
                }
                ui.end_row();

                let label = ui.label(tr("import.file"));
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(520.0))
                        .labelled_by(label.id);
                    if ui
                        .add_enabled(!busy, egui::Button::new(tr("dialog.browse")))
                        .clicked()
                    {
                        self.browse_requested = true;
                    }
                    if ui
                        .add_enabled(
                            !busy && !self.path.trim().is_empty(),
                            egui::Button::new(tr("import.read")),
                        )
                        .clicked()
                    {
                        let input = SourceInput::File(PathBuf::from(self.path.trim()));
                        self.start_read(ui.ctx(), input);
                    }
                });
                ui.end_row();

                let label = ui.label(tr("import.encoding"));
                ui.horizontal(|ui| {
                    let shown = self
                        .encoding
                        .map(|e| e.label().to_owned())
                        .unwrap_or_else(|| {
                            let detected = self
                                .table
                                .as_ref()
                                .and_then(|t| t.encoding)
                                .map(|e| format!(" ({})", e.label()))
                                .unwrap_or_default();
                            format!("{}{detected}", tr("import.detect"))
                        });
                    let before = self.encoding;
                    egui::ComboBox::from_id_salt("import_encoding")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut self.encoding, None, tr("import.detect"));
                            for e in TextEncoding::ALL {
                                ui.selectable_value(&mut self.encoding, Some(e), e.label());
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    let sheets = self
                        .table
                        .as_ref()
                        .map(|t| t.sheets.clone())
                        .unwrap_or_default();
                    let mut sheet_changed = false;
                    if !sheets.is_empty() {
                        let label = ui.label(tr("import.sheet"));
                        let before = self.sheet.clone();
                        egui::ComboBox::from_id_salt("import_sheet")
                            .selected_text(self.sheet.clone().unwrap_or_default())
                            .show_ui(ui, |ui| {
                                for s in &sheets {
                                    ui.selectable_value(&mut self.sheet, Some(s.clone()), s);
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        sheet_changed = self.sheet != before;
                    }
                    if let Some(t) = &self.table {
                        let mut info = vec![t.format.label().to_owned()];
                        if let Some(d) = t.delimiter {
                            info.push(i18n::trf(
                                lang,
                                "import.delimiter",
                                &[("d", delimiter_name(d))],
                            ));
                        }
                        info.push(i18n::trf(
                            lang,
                            "import.rows",
                            &[("n", t.rows.len().to_string())],
                        ));
                        ui.label(RichText::new(info.join(" · ")).weak());
                    }
                    // A different encoding or sheet means reading again.
                    if (self.encoding != before || sheet_changed)
                        && !busy
                        && let Some(input) = self.source.clone()
                    {
                        self.start_read(ui.ctx(), input);
                    }
                });
                ui.end_row();
            });
        egui::CollapsingHeader::new(tr("import.paste"))
            .id_salt("import_paste")
            .show(ui, |ui| {
                ui.label(RichText::new(tr("import.paste_hint")).weak());
                let label = ui.label(tr("import.pasted_cells"));
                ui.add(
                    egui::TextEdit::multiline(&mut self.pasted)
                        .desired_rows(4)
                        .desired_width(f32::INFINITY)
                        .code_editor(),
                )
                .labelled_by(label.id);
                if ui
                    .add_enabled(
                        !busy && !self.pasted.trim().is_empty(),
                        egui::Button::new(tr("import.read_pasted")),
                    )
                    .clicked()
                {
                    let input = SourceInput::Pasted(self.pasted.clone());
                    self.start_read(ui.ctx(), input);
                }
            });
    }

    /// The preview: each source column with the field it fills and its first values.
    fn mapping_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let tr = |k: &str| i18n::tr(lang, k);
        let Some(table) = self.table.clone() else {
            return;
        };
        widgets::subheading(ui, &tr("import.columns"));
        let fields: Vec<Field> = self.kind.fields().iter().map(|(f, _, _)| *f).collect();
        let mut changed = false;
        egui::ScrollArea::horizontal()
            .id_salt("import_preview")
            .show(ui, |ui| {
                egui::Grid::new("import_mapping")
                    .striped(true)
                    .min_col_width(110.0)
                    .show(ui, |ui| {
                        for h in &table.headers {
                            ui.label(RichText::new(h).strong());
                        }
                        ui.end_row();
                        for (i, h) in table.headers.iter().enumerate() {
                            let Some(slot) = self.settings.columns.get_mut(i) else {
                                continue;
                            };
                            let before = *slot;
                            let shown = slot
                                .map(|f| tr(f.label_key()).into_owned())
                                .unwrap_or_else(|| tr("import.ignore").into_owned());
                            egui::ComboBox::from_id_salt(("import_col", i))
                                .selected_text(shown)
                                .width(110.0)
                                .show_ui(ui, |ui| {
                                    ui.selectable_value(slot, None, tr("import.ignore"));
                                    for &f in &fields {
                                        ui.selectable_value(slot, Some(f), tr(f.label_key()));
                                    }
                                })
                                .response
                                .on_hover_text(h.as_str());
                            if *slot != before {
                                changed = true;
                                // A field fills one column: take it away from the others.
                                if let Some(f) = *slot {
                                    for (j, other) in self.settings.columns.iter_mut().enumerate() {
                                        if j != i && *other == Some(f) {
                                            *other = None;
                                        }
                                    }
                                }
                                break;
                            }
                        }
                        ui.end_row();
                        for row in table.rows.iter().take(PREVIEW_ROWS) {
                            for i in 0..table.headers.len() {
                                let text = row.cells.get(i).map(|c| c.text.as_str()).unwrap_or("");
                                ui.add(egui::Label::new(text).truncate());
                            }
                            ui.end_row();
                        }
                    });
            });
        let missing: Vec<String> = self
            .kind
            .fields()
            .iter()
            .filter(|(f, required, _)| *required && !self.settings.columns.contains(&Some(*f)))
            .map(|(f, _, _)| tr(f.label_key()).into_owned())
            .collect();
        if !missing.is_empty() {
            widgets::warning(
                ui,
                &i18n::trf(
                    lang,
                    "import.missing_fields",
                    &[("fields", missing.join("、"))],
                ),
            );
        }
        if changed {
            self.prepared = None;
            self.stale = true;
        }
    }

    /// Stage names, activity types and the date order the file leaves open.
    fn meanings_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let tr = |k: &str| i18n::tr(lang, k);
        let Some(prepared) = self.prepared.clone() else {
            return;
        };
        let mut changed = false;
        if !prepared.stage_values.is_empty() {
            widgets::subheading(ui, &tr("import.stages"));
            egui::Grid::new("import_stages")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    for (value, meaning) in &prepared.stage_values {
                        let label = ui.label(value);
                        let key = match_key(value);
                        let mut current = self.settings.stages.get(&key).copied().or(*meaning);
                        let before = current;
                        egui::ComboBox::from_id_salt(("import_stage", value))
                            .selected_text(stage_text(current, lang))
                            .show_ui(ui, |ui| {
                                for n in 1..=9u8 {
                                    ui.selectable_value(
                                        &mut current,
                                        Some(StageValue::Open(n)),
                                        stage_text(Some(StageValue::Open(n)), lang),
                                    );
                                }
                                ui.selectable_value(
                                    &mut current,
                                    Some(StageValue::Won),
                                    stage_text(Some(StageValue::Won), lang),
                                );
                                ui.selectable_value(
                                    &mut current,
                                    Some(StageValue::Lost),
                                    stage_text(Some(StageValue::Lost), lang),
                                );
                            })
                            .response
                            .labelled_by(label.id);
                        if current != before
                            && let Some(c) = current
                        {
                            self.settings.stages.insert(key, c);
                            changed = true;
                        }
                        ui.end_row();
                    }
                });
        }
        if !prepared.actual_kind_values.is_empty() {
            widgets::subheading(ui, &tr("import.actual_kinds"));
            egui::Grid::new("import_actual_kinds")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    for (value, meaning) in &prepared.actual_kind_values {
                        let label = ui.label(value);
                        let key = match_key(value);
                        let mut current =
                            self.settings.actual_kinds.get(&key).copied().or(*meaning);
                        let before = current;
                        let shown = current
                            .map(|k| tr(k.label_key()).into_owned())
                            .unwrap_or_else(|| tr("import.unknown").into_owned());
                        egui::ComboBox::from_id_salt(("import_actual", value))
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                for k in ActualKind::ALL {
                                    ui.selectable_value(&mut current, Some(k), tr(k.label_key()));
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if current != before
                            && let Some(c) = current
                        {
                            self.settings.actual_kinds.insert(key, c);
                            changed = true;
                        }
                        ui.end_row();
                    }
                });
        }
        let ambiguous = prepared.problems.iter().any(|p| {
            matches!(
                p.reason,
                crate::exchange::import::Reason::AmbiguousDates { .. }
            )
        });
        if ambiguous || self.settings.day_order.is_some() {
            widgets::subheading(ui, &tr("import.day_order"));
            ui.horizontal(|ui| {
                let before = self.settings.day_order;
                ui.radio_value(
                    &mut self.settings.day_order,
                    Some(DayOrder::MonthFirst),
                    tr("import.month_first"),
                );
                ui.radio_value(
                    &mut self.settings.day_order,
                    Some(DayOrder::DayFirst),
                    tr("import.day_first"),
                );
                changed |= self.settings.day_order != before;
            });
        }
        if changed {
            self.stale = true;
        }
    }

    /// The result of the check: counts, what will be created, every problem.
    fn check_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let tr = |k: &str| i18n::tr(lang, k);
        let Some(p) = self.prepared.clone() else {
            return;
        };
        widgets::subheading(ui, &tr("import.check"));
        if p.amounts_rounded > 0 {
            ui.label(i18n::trf(
                lang,
                "import.rounded",
                &[("n", p.amounts_rounded.to_string())],
            ));
        }
        if let Some(known) = &self.known {
            let new = known.new_names(&p);
            for (what, names) in &new {
                let shown: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
                let more = if names.len() > 12 {
                    i18n::trf(
                        lang,
                        "import.and_more",
                        &[("n", (names.len() - 12).to_string())],
                    )
                } else {
                    String::new()
                };
                ui.label(i18n::trf(
                    lang,
                    "import.will_create",
                    &[
                        ("n", names.len().to_string()),
                        ("what", tr(&format!("import.what.{what}")).into_owned()),
                        ("names", format!("{}{more}", shown.join("、"))),
                    ],
                ));
            }
        }
        if p.problems.is_empty() {
            ui.label(
                RichText::new(format!("● {}", tr("import.no_problems")))
                    .color(theme::good(ui.visuals().dark_mode)),
            );
            return;
        }
        widgets::warning(
            ui,
            &i18n::trf(
                lang,
                "import.problems",
                &[("n", p.problems.len().to_string())],
            ),
        );
        egui::ScrollArea::vertical()
            .id_salt("import_problems")
            .max_height(180.0)
            .show(ui, |ui| {
                for problem in p.problems.iter().take(SHOWN_PROBLEMS) {
                    ui.label(problem.describe(lang));
                }
                if p.problems.len() > SHOWN_PROBLEMS {
                    ui.label(i18n::trf(
                        lang,
                        "import.and_more",
                        &[("n", (p.problems.len() - SHOWN_PROBLEMS).to_string())],
                    ));
                }
            });
    }
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "Tab".to_owned(),
        b' ' => "Space".to_owned(),
        other => char::from(other).to_string(),
    }
}

fn stage_text(value: Option<StageValue>, lang: Lang) -> String {
    match value {
        Some(StageValue::Open(n)) => format!(
            "{} {n}：{}",
            i18n::tr(lang, "field.stage"),
            i18n::tr(lang, &crate::domain::model::PipelineStage::builtin_key(n))
        ),
        Some(StageValue::Won) => i18n::tr(lang, "import.stage_won").into_owned(),
        Some(StageValue::Lost) => i18n::tr(lang, "import.stage_lost").into_owned(),
        None => i18n::tr(lang, "import.unknown").into_owned(),
    }
}

fn outcome_ui(ui: &mut Ui, outcome: &ImportOutcome, lang: Lang) {
    ui.label(
        RichText::new(format!("● {}", i18n::tr(lang, "import.done")))
            .color(theme::good(ui.visuals().dark_mode)),
    );
    ui.label(i18n::trf(
        lang,
        "import.outcome",
        &[
            ("inserted", outcome.inserted.to_string()),
            ("updated", outcome.updated.to_string()),
            ("unchanged", outcome.unchanged.to_string()),
            ("skipped", outcome.skipped.to_string()),
        ],
    ));
    let created: BTreeMap<&str, u64> = outcome.created.clone();
    for (what, n) in created {
        ui.label(i18n::trf(
            lang,
            "import.created",
            &[
                ("n", n.to_string()),
                (
                    "what",
                    i18n::tr(lang, &format!("import.what.{what}")).into_owned(),
                ),
            ],
        ));
    }
    ui.label(RichText::new(i18n::tr(lang, "import.undo_hint")).weak());
}
