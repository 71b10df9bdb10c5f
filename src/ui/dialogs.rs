//! The app's modal dialogs: messages, confirmations before deleting, a new plan, saving a copy,
//! opening by path, About. A dialog hands back what the user chose; the app carries it out.
//! File locations are typed or picked with the system's file dialog ("Browse…"), so every
//! file operation also works where no system file dialog is available.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::domain::model::{LineId, NodeId};
use crate::i18n::{self, Lang, Localized};
use crate::store::{DeleteImpact, NewPlan};
use crate::ui::theme;
use crate::ui::views::Action;
use crate::ui::widgets;

pub enum Dialog {
    Error {
        title: String,
        message: String,
    },
    ConfirmDeleteNode {
        id: NodeId,
        name: String,
        impact: DeleteImpact,
    },
    ConfirmDeleteLine {
        id: LineId,
        name: String,
        products: i64,
        cells: i64,
    },
    NewPlan(NewPlanForm),
    SaveAs {
        path: String,
    },
    OpenPath(String),
    Export(ExportForm),
    /// The submissions read, before they go into the round: each file's line, and the
    /// figures per unit when applied.
    Submissions {
        lines: Vec<(String, Result<String, String>)>,
        figures: Vec<(NodeId, crate::domain::money::Money, String)>,
        totals: Vec<String>,
    },
    About,
    /// The first run's welcome: three ways in (see `guide::welcome_ui`).
    Welcome,
    /// Another program is editing the file: open it read-only?
    Locked {
        path: PathBuf,
        message: String,
    },
    /// Protected plan files need their password.
    Password {
        files: Vec<PathBuf>,
        password: String,
        /// Why the last password did not open them.
        error: Option<String>,
    },
    /// The open plan's backups, newest first.
    Backups {
        list: Vec<crate::store::backup::Backup>,
        folder: PathBuf,
    },
}

/// What the export dialog writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Html,
    Json,
    /// A person's bottom-up figure for the current round.
    Submission,
    /// A person's targets and round, to open as their own plan file.
    Package,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        Self::Xlsx,
        Self::Csv,
        Self::Html,
        Self::Json,
        Self::Package,
        Self::Submission,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Html => "html",
            Self::Json | Self::Submission | Self::Package => "json",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Xlsx => "export.format.xlsx",
            Self::Csv => "export.format.csv",
            Self::Html => "export.format.html",
            Self::Submission => "export.format.submission",
            Self::Package => "export.format.package",
            Self::Json => "export.format.json",
        }
    }
}

pub struct ExportForm {
    pub format: ExportFormat,
    /// For CSV: the table's key (see `exchange::export::TABLES`).
    pub table: &'static str,
    pub unit: crate::domain::money::AmountUnit,
    /// For HTML: one person's battle plan (None: the whole plan).
    pub person: Option<NodeId>,
    /// The people to choose from, in organisation order.
    pub people: Vec<(NodeId, String)>,
    /// For a submission: the comment that goes with the figure.
    pub comment: String,
    pub path: String,
    /// For a package or submission: an optional password, typed twice.
    pub password: String,
    pub password_again: String,
}

/// What the export dialog asks to write.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    pub format: ExportFormat,
    /// For CSV: the table's key.
    pub table: &'static str,
    pub unit: crate::domain::money::AmountUnit,
    pub person: Option<NodeId>,
    pub comment: String,
    pub path: PathBuf,
    /// Protects a package or submission when not empty.
    pub password: String,
}

pub struct NewPlanForm {
    pub name: String,
    pub organisation: String,
    pub company: String,
    pub year: String,
    pub start_month: u8,
    pub path: String,
}

/// Which path field a system file dialog fills in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browse {
    NewPlan,
    SaveAs,
    Export,
}

impl Dialog {
    /// Puts a path picked with the system file dialog into the dialog that asked for it.
    pub fn set_path(&mut self, target: Browse, picked: PathBuf) {
        if let (Dialog::Export(form), Browse::Export) = (&mut *self, target) {
            let picked = if picked.extension().is_some() {
                picked
            } else {
                picked.with_extension(form.format.extension())
            };
            form.path = picked.display().to_string();
            return;
        }
        let picked = with_extension(picked).display().to_string();
        match (self, target) {
            (Dialog::NewPlan(form), Browse::NewPlan) => form.path = picked,
            (Dialog::SaveAs { path }, Browse::SaveAs) => *path = picked,
            _ => {}
        }
    }
}

/// `path` with the plan file extension when it has none.
pub fn with_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(crate::store::FILE_EXTENSION)
    }
}

/// What the user did in a dialog this frame.
#[derive(Default)]
pub struct Outcome {
    pub close: bool,
    pub actions: Vec<Action>,
    pub browse: Option<Browse>,
}

fn path_row(ui: &mut Ui, lang: Lang, path: &mut String, out: &mut Outcome, target: Browse) {
    let label = ui.label(i18n::tr(lang, "dialog.location"));
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(path).desired_width(330.0))
            .labelled_by(label.id);
        if ui.button(i18n::tr(lang, "dialog.browse")).clicked() {
            out.browse = Some(target);
        }
    });
    ui.end_row();
}

fn exists_warning(ui: &mut Ui, lang: Lang, path: &str, key: &str) {
    let p = with_extension(PathBuf::from(path.trim()));
    if !path.trim().is_empty() && p.exists() {
        let color = theme::warn(ui.visuals().dark_mode);
        ui.label(RichText::new(i18n::tr(lang, key)).color(color));
    }
}

/// Draws `dialog`; `busy` is true while a system file dialog is open.
pub fn dialog_ui(ui: &mut Ui, dialog: &mut Dialog, lang: Lang, busy: bool) -> Outcome {
    let tr = |k: &str| i18n::tr(lang, k);
    let mut out = Outcome::default();
    ui.set_max_width(560.0);
    match dialog {
        Dialog::Error { title, message } => {
            widgets::subheading(ui, title);
            ui.label(message.as_str());
            ui.add_space(8.0);
            if ui.button(tr("dialog.ok")).clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter))
            {
                out.close = true;
            }
        }
        Dialog::ConfirmDeleteNode { id, name, impact } => {
            widgets::subheading(ui, &tr("dialog.delete_node.title"));
            ui.label(i18n::trf(
                lang,
                "dialog.delete_node.body",
                &[
                    ("name", name.clone()),
                    ("nodes", (impact.nodes - 1).to_string()),
                    ("people", impact.people.to_string()),
                    ("cells", impact.target_cells.to_string()),
                    ("customers", impact.customers.to_string()),
                    ("history", impact.history_rows.to_string()),
                ],
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(tr("dialog.delete")).clicked() {
                    out.actions.push(Action::ConfirmedDeleteNode(*id));
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::ConfirmDeleteLine {
            id,
            name,
            products,
            cells,
        } => {
            widgets::subheading(ui, &tr("dialog.delete_line.title"));
            ui.label(i18n::trf(
                lang,
                "dialog.delete_line.body",
                &[
                    ("name", name.clone()),
                    ("products", products.to_string()),
                    ("cells", cells.to_string()),
                ],
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(tr("dialog.delete")).clicked() {
                    out.actions.push(Action::ConfirmedDeleteLine(*id));
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::NewPlan(form) => new_plan_ui(ui, form, lang, busy, &mut out),
        Dialog::SaveAs { path } => {
            widgets::subheading(ui, &tr("menu.file.save_as"));
            ui.label(RichText::new(tr("dialog.save_as.body")).weak());
            egui::Grid::new("save_as_form")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| path_row(ui, lang, path, &mut out, Browse::SaveAs));
            exists_warning(ui, lang, path, "dialog.file_replaced");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let ready = !path.trim().is_empty() && !busy;
                if ui
                    .add_enabled(ready, egui::Button::new(tr("dialog.save")))
                    .clicked()
                {
                    out.actions
                        .push(Action::SaveCopyAs(with_extension(PathBuf::from(
                            path.trim(),
                        ))));
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::Export(form) => export_ui(ui, form, lang, busy, &mut out),
        Dialog::Submissions {
            lines,
            figures,
            totals,
        } => {
            let tr = |k: &str| i18n::tr(lang, k).into_owned();
            widgets::subheading(ui, &tr("negotiation.read_submissions"));
            let refused = lines.iter().filter(|(_, r)| r.is_err()).count();
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for (file, line) in lines.iter() {
                        match line {
                            Ok(text) => {
                                ui.label(format!("● {file}：{text}"));
                            }
                            Err(why) => {
                                ui.label(
                                    RichText::new(format!("▲ {file}：{why}"))
                                        .color(theme::bad(ui.visuals().dark_mode)),
                                );
                            }
                        }
                    }
                });
            ui.add_space(6.0);
            for t in totals.iter() {
                ui.label(RichText::new(t).strong());
            }
            if refused > 0 {
                ui.label(
                    RichText::new(i18n::trf(
                        lang,
                        "negotiation.submissions_refused",
                        &[("n", refused.to_string())],
                    ))
                    .weak(),
                );
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let label = if refused > 0 {
                    i18n::trf(
                        lang,
                        "negotiation.apply_valid",
                        &[("n", (lines.len() - refused).to_string())],
                    )
                } else {
                    tr("negotiation.apply_submissions")
                };
                if ui
                    .add_enabled(!figures.is_empty(), egui::Button::new(label))
                    .clicked()
                {
                    out.actions
                        .push(Action::ApplySubmissions(std::mem::take(figures)));
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::OpenPath(text) => {
            widgets::subheading(ui, &tr("menu.file.open_path"));
            let label = ui.label(tr("dialog.open_path.label"));
            let response = ui
                .add(egui::TextEdit::singleline(text).desired_width(460.0))
                .labelled_by(label.id);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if (ui.button(tr("dialog.open")).clicked() || enter) && !text.trim().is_empty() {
                    out.actions
                        .push(Action::OpenFile(PathBuf::from(text.trim())));
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::Locked { path, message } => {
            widgets::subheading(ui, &tr("dialog.locked.title"));
            ui.label(message.as_str());
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(tr("dialog.locked.read_only")).clicked() {
                    out.actions.push(Action::OpenReadOnly(path.clone()));
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::Backups { list, folder } => backups_ui(ui, list, folder, lang, &mut out),
        Dialog::Password {
            files,
            password,
            error,
        } => {
            widgets::subheading(ui, &tr("dialog.password.title"));
            let names: Vec<String> = files
                .iter()
                .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            ui.label(i18n::trf(
                lang,
                "dialog.password.body",
                &[("files", names.join("、"))],
            ));
            ui.add_space(6.0);
            let label = ui.label(tr("dialog.password.label"));
            let field = ui
                .add(
                    egui::TextEdit::singleline(password)
                        .password(true)
                        .desired_width(280.0),
                )
                .labelled_by(label.id);
            if let Some(e) = error {
                ui.label(RichText::new(e.as_str()).color(theme::bad(ui.visuals().dark_mode)));
            }
            ui.add_space(8.0);
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                let ready = !password.trim().is_empty();
                if ui
                    .add_enabled(ready, egui::Button::new(tr("dialog.password.open")))
                    .clicked()
                    || (ready && enter)
                {
                    out.actions.push(Action::Unlock {
                        files: files.clone(),
                        password: password.clone(),
                    });
                    out.close = true;
                }
                if ui.button(tr("dialog.cancel")).clicked() {
                    out.close = true;
                }
            });
        }
        Dialog::Welcome => {
            if crate::ui::guide::welcome_ui(ui, lang, &mut out.actions) {
                out.close = true;
            }
        }
        Dialog::About => {
            widgets::subheading(ui, &tr("app.title"));
            ui.label(tr("about.body"));
            ui.add_space(6.0);
            ui.label(format!(
                "{} {} ({})",
                tr("about.version"),
                env!("CARGO_PKG_VERSION"),
                env!("SALESPLAN_GIT_COMMIT")
            ));
            ui.label(RichText::new(tr("about.font_licence")).small().weak());
            ui.add_space(8.0);
            if ui.button(tr("dialog.ok")).clicked() {
                out.close = true;
            }
        }
    }
    out
}

fn backups_ui(
    ui: &mut Ui,
    list: &[crate::store::backup::Backup],
    folder: &std::path::Path,
    lang: Lang,
    out: &mut Outcome,
) {
    let tr = |k: &str| i18n::tr(lang, k);
    widgets::subheading(ui, &tr("dialog.backups.title"));
    ui.label(
        RichText::new(i18n::trf(
            lang,
            "dialog.backups.body",
            &[("folder", folder.display().to_string())],
        ))
        .weak(),
    );
    ui.add_space(6.0);
    if list.is_empty() {
        ui.label(tr("dialog.backups.none"));
    }
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .show(ui, |ui| {
            egui::Grid::new("backups")
                .num_columns(4)
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for b in list {
                        ui.label(
                            RichText::new(b.taken.strftime("%Y-%m-%d %H:%M:%S").to_string())
                                .monospace(),
                        );
                        ui.label(tr(b.reason.label_key()));
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(
                                RichText::new(format!("{} KB", b.bytes.div_ceil(1024))).monospace(),
                            );
                        });
                        if ui.button(tr("dialog.backups.restore")).clicked() {
                            out.actions.push(Action::RestoreBackup(b.path.clone()));
                            out.close = true;
                        }
                        ui.end_row();
                    }
                });
        });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button(tr("dialog.backups.now")).clicked() {
            out.actions.push(Action::BackupNow);
            out.close = true;
        }
        if ui.button(tr("dialog.close")).clicked() {
            out.close = true;
        }
    });
}

fn new_plan_ui(ui: &mut Ui, form: &mut NewPlanForm, lang: Lang, busy: bool, out: &mut Outcome) {
    let tr = |k: &str| i18n::tr(lang, k);
    widgets::subheading(ui, &tr("new_plan.title"));
    egui::Grid::new("new_plan_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            for (key, text) in [
                ("new_plan.name", &mut form.name),
                ("new_plan.organisation", &mut form.organisation),
                ("new_plan.company", &mut form.company),
                ("new_plan.year", &mut form.year),
            ] {
                let label = ui.label(tr(key));
                ui.add(egui::TextEdit::singleline(text).desired_width(330.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
            let label = ui.label(tr("settings.fiscal_start"));
            crate::ui::views::settings::month_combo(
                ui,
                lang,
                &label,
                "new_plan_start",
                &mut form.start_month,
            );
            ui.end_row();
            path_row(ui, lang, &mut form.path, out, Browse::NewPlan);
        });
    exists_warning(ui, lang, &form.path, "dialog.file_exists");
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!busy, egui::Button::new(tr("new_plan.create")))
            .clicked()
        {
            match checked_plan(form, lang) {
                Ok((plan, path)) => {
                    out.actions.push(Action::CreatePlan { plan, path });
                    out.close = true;
                }
                Err(message) => out.actions.push(Action::InputError(message)),
            }
        }
        if ui.button(tr("dialog.cancel")).clicked() {
            out.close = true;
        }
    });
}

/// The new plan the form describes, or what is wrong with it.
fn checked_plan(form: &NewPlanForm, lang: Lang) -> Result<(NewPlan, PathBuf), String> {
    let tr = |k: &str| i18n::tr(lang, k).into_owned();
    let year: i32 = form
        .year
        .trim()
        .parse()
        .map_err(|_| i18n::trf(lang, "err.input.year", &[("value", form.year.clone())]))?;
    crate::domain::period::FiscalYear::new(year, form.start_month).map_err(|e| e.localize(lang))?;
    crate::domain::org::clean_name(&form.name).map_err(|e| e.localize(lang))?;
    crate::domain::org::clean_name(&form.company).map_err(|e| e.localize(lang))?;
    if form.path.trim().is_empty() {
        return Err(tr("err.input.no_location"));
    }
    let path = with_extension(PathBuf::from(form.path.trim()));
    if path.exists() {
        return Err(crate::store::StoreError::AlreadyExists { path }.localize(lang));
    }
    let plan = NewPlan {
        name: form.name.clone(),
        organisation: form.organisation.clone(),
        fiscal_year: year,
        fiscal_start_month: form.start_month,
        company: form.company.clone(),
        version_name: i18n::trf(lang, "new_plan.version_name", &[("year", year.to_string())]),
        channels: [
            tr("channel.default.direct"),
            tr("channel.default.distribution"),
            tr("channel.default.ecommerce"),
        ],
    };
    Ok((plan, path))
}

fn export_ui(ui: &mut Ui, form: &mut ExportForm, lang: Lang, busy: bool, out: &mut Outcome) {
    use crate::domain::money::AmountUnit;
    let tr = |k: &str| i18n::tr(lang, k).into_owned();
    widgets::subheading(ui, &tr("menu.file.export"));
    ui.label(RichText::new(tr("export.dialog.body")).weak());
    egui::Grid::new("export_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label(tr("export.dialog.format"));
            ui.horizontal(|ui| {
                for f in ExportFormat::ALL {
                    if ui
                        .selectable_label(form.format == f, tr(f.label_key()))
                        .clicked()
                        && form.format != f
                    {
                        form.format = f;
                        // The file name follows the format.
                        let p = PathBuf::from(form.path.trim());
                        if !form.path.trim().is_empty() {
                            form.path = p.with_extension(f.extension()).display().to_string();
                        }
                    }
                }
            });
            ui.end_row();
            if form.format == ExportFormat::Csv {
                let label = ui.label(tr("export.dialog.table"));
                egui::ComboBox::from_id_salt("export_table")
                    .selected_text(tr(&format!("export.table.{}", form.table)))
                    .show_ui(ui, |ui| {
                        for t in crate::exchange::export::TABLES {
                            ui.selectable_value(
                                &mut form.table,
                                t,
                                tr(&format!("export.table.{t}")),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            }
            if matches!(
                form.format,
                ExportFormat::Html | ExportFormat::Submission | ExportFormat::Package
            ) {
                let label = ui.label(tr("export.dialog.person"));
                let whole = tr(if form.format == ExportFormat::Html {
                    "export.dialog.whole_plan"
                } else {
                    "export.dialog.choose_person"
                });
                let shown = form
                    .person
                    .and_then(|p| form.people.iter().find(|(id, _)| *id == p))
                    .map(|(_, n)| n.clone())
                    .unwrap_or(whole.clone());
                egui::ComboBox::from_id_salt("export_person")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut form.person, None, whole);
                        for (id, name) in &form.people {
                            ui.selectable_value(&mut form.person, Some(*id), name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            }
            if form.format == ExportFormat::Submission {
                let label = ui.label(tr("export.dialog.comment"));
                ui.add(egui::TextEdit::singleline(&mut form.comment).desired_width(330.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
            if matches!(
                form.format,
                ExportFormat::Submission | ExportFormat::Package
            ) {
                for (key, text) in [
                    ("export.dialog.password", &mut form.password),
                    ("export.dialog.password_again", &mut form.password_again),
                ] {
                    let label = ui.label(tr(key));
                    ui.add(
                        egui::TextEdit::singleline(text)
                            .password(true)
                            .desired_width(200.0),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                }
            }
            if !matches!(
                form.format,
                ExportFormat::Json | ExportFormat::Submission | ExportFormat::Package
            ) {
                ui.label(tr("export.dialog.unit"));
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut form.unit, AmountUnit::Wan, tr("unit.wan"));
                    ui.selectable_value(&mut form.unit, AmountUnit::Yuan, tr("unit.yuan"));
                });
                ui.end_row();
            }
            path_row(ui, lang, &mut form.path, out, Browse::Export);
        });
    exists_warning(ui, lang, &form.path, "dialog.file_replaced");
    let exchange = matches!(
        form.format,
        ExportFormat::Submission | ExportFormat::Package
    );
    let passwords_differ = exchange && form.password != form.password_again;
    if exchange && !form.password.is_empty() {
        let (key, color) = if passwords_differ {
            (
                "export.dialog.passwords_differ",
                theme::warn(ui.visuals().dark_mode),
            )
        } else {
            (
                "export.dialog.protected",
                theme::good(ui.visuals().dark_mode),
            )
        };
        ui.label(RichText::new(tr(key)).color(color));
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let ready = !form.path.trim().is_empty()
            && !busy
            && !passwords_differ
            && (!matches!(
                form.format,
                ExportFormat::Submission | ExportFormat::Package
            ) || form.person.is_some());
        if ui
            .add_enabled(ready, egui::Button::new(tr("export.dialog.export")))
            .clicked()
        {
            let path = PathBuf::from(form.path.trim());
            let path = if path.extension().is_some() {
                path
            } else {
                path.with_extension(form.format.extension())
            };
            out.actions.push(Action::Export(ExportRequest {
                format: form.format,
                table: form.table,
                unit: form.unit,
                person: form.person,
                comment: form.comment.clone(),
                path,
                password: if exchange {
                    form.password.clone()
                } else {
                    String::new()
                },
            }));
            out.close = true;
        }
        if ui.button(tr("dialog.cancel")).clicked() {
            out.close = true;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(dir: &std::path::Path) -> NewPlanForm {
        NewPlanForm {
            name: "2027 年度销售计划".into(),
            organisation: "测试公司".into(),
            company: "总部".into(),
            year: "2027".into(),
            start_month: 4,
            path: dir.join("new").display().to_string(),
        }
    }

    #[test]
    fn a_new_plan_gets_the_plan_file_extension_and_its_year() {
        let dir = tempfile::tempdir().unwrap();
        let (plan, path) = checked_plan(&form(dir.path()), Lang::Zh).unwrap();
        assert_eq!(path, dir.path().join("new.salesplan"));
        assert_eq!((plan.fiscal_year, plan.fiscal_start_month), (2027, 4));
        assert_eq!(plan.version_name, "2027 年度目标（草案）");
    }

    #[test]
    fn a_new_plan_form_says_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = form(dir.path());
        f.year = "二〇二七".into();
        assert!(
            checked_plan(&f, Lang::En)
                .unwrap_err()
                .contains("as a year")
        );
        let mut f = form(dir.path());
        f.name = "  ".into();
        assert!(
            checked_plan(&f, Lang::En)
                .unwrap_err()
                .contains("cannot be empty")
        );
        let mut f = form(dir.path());
        f.path = String::new();
        assert!(checked_plan(&f, Lang::En).is_err());
        let f = form(dir.path());
        std::fs::write(dir.path().join("new.salesplan"), b"x").unwrap();
        assert!(
            checked_plan(&f, Lang::En)
                .unwrap_err()
                .contains("already exists")
        );
    }
}
