//! Settings: the plan's own settings (name, fiscal year and its start month, funnel
//! assumptions, holidays and make-up working days — stored in the plan file, undoable) and the
//! user's display choices (language, amount unit, theme — kept by the app).

use egui::{RichText, Ui};

use crate::domain::funnel;
use crate::domain::model::FunnelDefaults;
use crate::domain::money::{AmountUnit, Money};
use crate::domain::period::parse_date;
use crate::domain::ratio::Ratio;
use crate::i18n::{self, Lang, Localized};
use crate::ui::edit::EditBuffer;
use crate::ui::theme::{self, ThemeChoice};
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

pub struct State {
    plan_name: EditBuffer,
    organisation: EditBuffer,
    year: EditBuffer,
    deal_size: EditBuffer,
    win_rate: EditBuffer,
    visits: EditBuffer,
    new_day: String,
    new_day_name: String,
    new_day_holiday: bool,
    alias_kind: usize,
    alias: String,
    canonical: String,
}

impl Default for State {
    fn default() -> Self {
        State {
            plan_name: EditBuffer::default(),
            organisation: EditBuffer::default(),
            year: EditBuffer::default(),
            deal_size: EditBuffer::default(),
            win_rate: EditBuffer::default(),
            visits: EditBuffer::default(),
            new_day: String::new(),
            new_day_name: String::new(),
            // Most days entered are public holidays.
            new_day_holiday: true,
            alias_kind: 2,
            alias: String::new(),
            canonical: String::new(),
        }
    }
}

/// A month picker (calendar months 1..=12).
pub fn month_combo(ui: &mut Ui, lang: Lang, label: &egui::Response, id: &str, month: &mut u8) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(i18n::tr(lang, &format!("month.{month}")))
        .show_ui(ui, |ui| {
            for m in 1..=12u8 {
                ui.selectable_value(month, m, i18n::tr(lang, &format!("month.{m}")));
            }
        })
        .response
        .labelled_by(label.id);
}

pub fn settings_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::heading(ui, &ctx.tr("view.settings"));
    ui.columns(2, |cols| {
        plan_settings(&mut cols[0], ctx, state, actions);
        display_settings(&mut cols[1], ctx, actions);
    });
    ui.add_space(theme::SECTION_GAP);
    calendar_settings(ui, ctx, state, actions);
    ui.add_space(theme::SECTION_GAP);
    alias_settings(ui, ctx, state, actions);
}

/// Names in data files that mean another name in the plan (used by every import).
fn alias_settings(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    use crate::store::import::ALIAS_KINDS;
    widgets::subheading(ui, &ctx.tr("settings.aliases"));
    ui.label(ctx.tr("settings.aliases_intro"));
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("settings.alias_kind"));
        let kind = ALIAS_KINDS
            .get(state.alias_kind)
            .copied()
            .unwrap_or("product");
        egui::ComboBox::from_id_salt("alias_kind")
            .selected_text(ctx.tr(&format!("import.what.{kind}")))
            .show_ui(ui, |ui| {
                for (i, k) in ALIAS_KINDS.iter().enumerate() {
                    ui.selectable_value(
                        &mut state.alias_kind,
                        i,
                        ctx.tr(&format!("import.what.{k}")),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(ctx.tr("settings.alias_name"));
        ui.add(egui::TextEdit::singleline(&mut state.alias).desired_width(140.0))
            .labelled_by(label.id);
        let label = ui.label(ctx.tr("settings.alias_means"));
        ui.add(egui::TextEdit::singleline(&mut state.canonical).desired_width(140.0))
            .labelled_by(label.id);
        let ready = !state.alias.trim().is_empty() && !state.canonical.trim().is_empty();
        if ui
            .add_enabled(ready, egui::Button::new(ctx.tr("settings.add_day")))
            .clicked()
        {
            actions.push(Action::SetAlias {
                kind: kind.to_owned(),
                alias: state.alias.trim().to_owned(),
                canonical: state.canonical.trim().to_owned(),
            });
            state.alias.clear();
            state.canonical.clear();
        }
    });
    if ctx.snap.aliases.is_empty() {
        return;
    }
    egui::Grid::new("aliases")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for a in &ctx.snap.aliases {
                ui.label(ctx.tr(&format!("import.what.{}", a.kind)));
                ui.label(&a.alias);
                ui.label(format!("→ {}", a.canonical));
                if ui.small_button(ctx.tr("settings.remove_day")).clicked() {
                    actions.push(Action::RemoveAlias {
                        kind: a.kind.clone(),
                        alias: a.alias.clone(),
                    });
                }
                ui.end_row();
            }
        });
}

fn plan_settings(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let plan = &ctx.snap.plan;
    widgets::subheading(ui, &ctx.tr("settings.plan"));
    egui::Grid::new("plan_settings")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label(ctx.tr("new_plan.name"));
            if let Some(name) =
                state
                    .plan_name
                    .field_text(ui, &label, "plan_name", &plan.name, 240.0)
            {
                actions.push(Action::RenamePlan {
                    name,
                    organisation: plan.organisation.clone(),
                });
            }
            ui.end_row();
            let label = ui.label(ctx.tr("new_plan.organisation"));
            if let Some(organisation) =
                state
                    .organisation
                    .field_text(ui, &label, "plan_org", &plan.organisation, 240.0)
            {
                actions.push(Action::RenamePlan {
                    name: plan.name.clone(),
                    organisation,
                });
            }
            ui.end_row();
            let label = ui.label(ctx.tr("new_plan.year"));
            let year = plan.fiscal_year.year().to_string();
            if let Some(text) = state.year.field_text(ui, &label, "plan_year", &year, 80.0) {
                match text.trim().parse::<i32>() {
                    Ok(y) => actions.push(Action::SetFiscalYear {
                        year: y,
                        start_month: plan.fiscal_year.start_month(),
                    }),
                    Err(_) => {
                        state.year.reset();
                        actions.push(Action::InputError(
                            ctx.trf("err.input.year", &[("value", text)]),
                        ));
                    }
                }
            }
            ui.end_row();
            let label = ui.label(ctx.tr("settings.fiscal_start"));
            let mut start = plan.fiscal_year.start_month();
            month_combo(ui, ctx.lang(), &label, "fiscal_start", &mut start);
            if start != plan.fiscal_year.start_month() {
                actions.push(Action::SetFiscalYear {
                    year: plan.fiscal_year.year(),
                    start_month: start,
                });
            }
            ui.end_row();
            ui.label(ctx.tr("settings.period"));
            ui.label(format!(
                "{} – {}",
                plan.fiscal_year.start_date(),
                plan.fiscal_year.end_date()
            ));
            ui.end_row();
        });

    widgets::subheading(ui, &ctx.tr("settings.funnel"));
    let d = &ctx.snap.funnel;
    egui::Grid::new("funnel_settings")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label(ctx.with_yuan("settings.deal_size"));
            let stored = d.deal_size.format(AmountUnit::Yuan);
            if let Some(text) = state
                .deal_size
                .field_text(ui, &label, "deal_size", &stored, 160.0)
            {
                let checked = Money::parse(&text)
                    .map_err(|e| e.localize(ctx.lang()))
                    .and_then(|m| {
                        funnel::check_deal_size(m)
                            .map(|()| m)
                            .map_err(|e| e.localize(ctx.lang()))
                    });
                match checked {
                    Ok(deal_size) => actions.push(Action::SetFunnelDefaults(FunnelDefaults {
                        deal_size,
                        ..d.clone()
                    })),
                    Err(message) => {
                        state.deal_size.reset();
                        actions.push(Action::InputError(message));
                    }
                }
            }
            ui.end_row();
            let label = ui.label(ctx.tr("settings.win_rate"));
            let stored = d.win_rate.format_percent(4);
            if let Some(text) = state
                .win_rate
                .field_text(ui, &label, "win_rate", &stored, 80.0)
            {
                let checked = Ratio::parse(&text)
                    .map_err(|e| e.localize(ctx.lang()))
                    .and_then(|r| {
                        funnel::check_win_rate(r)
                            .map(|()| r)
                            .map_err(|e| e.localize(ctx.lang()))
                    });
                match checked {
                    Ok(win_rate) => actions.push(Action::SetFunnelDefaults(FunnelDefaults {
                        win_rate,
                        ..d.clone()
                    })),
                    Err(message) => {
                        state.win_rate.reset();
                        actions.push(Action::InputError(message));
                    }
                }
            }
            ui.end_row();
            let label = ui.label(ctx.tr("org.field.visits"));
            let stored = d.visits_per_week.to_string();
            if let Some(text) = state
                .visits
                .field_text(ui, &label, "default_visits", &stored, 80.0)
            {
                match text.trim().parse::<u32>() {
                    Ok(v) if funnel::check_visits_per_week(v).is_ok() => {
                        actions.push(Action::SetFunnelDefaults(FunnelDefaults {
                            visits_per_week: v,
                            ..d.clone()
                        }))
                    }
                    _ => {
                        state.visits.reset();
                        actions.push(Action::InputError(
                            ctx.trf("err.input.visits", &[("value", text)]),
                        ));
                    }
                }
            }
            ui.end_row();
        });
    ui.label(
        RichText::new(ctx.tr("settings.stored_in_plan"))
            .small()
            .weak(),
    );
}

fn display_settings(ui: &mut Ui, ctx: &ViewCtx, actions: &mut Vec<Action>) {
    widgets::subheading(ui, &ctx.tr("settings.display"));
    let mut prefs = ctx.prefs.clone();
    egui::Grid::new("display_settings")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            ui.label(ctx.tr("settings.language"));
            ui.horizontal(|ui| {
                for l in Lang::ALL {
                    ui.selectable_value(&mut prefs.lang, l, l.native_name());
                }
            });
            ui.end_row();
            ui.label(ctx.tr("settings.amount_unit"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut prefs.unit, AmountUnit::Yuan, ctx.tr("unit.yuan"));
                ui.selectable_value(&mut prefs.unit, AmountUnit::Wan, ctx.tr("unit.wan"));
            });
            ui.end_row();
            ui.label(ctx.tr("settings.theme"));
            ui.horizontal(|ui| {
                for t in ThemeChoice::ALL {
                    ui.selectable_value(&mut prefs.theme, t, ctx.tr(t.label_key()));
                }
            });
            ui.end_row();
        });
    ui.label(
        RichText::new(ctx.tr("settings.stored_in_app"))
            .small()
            .weak(),
    );
    if &prefs != ctx.prefs {
        actions.push(Action::SetPrefs(prefs));
    }
}

fn calendar_settings(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let fy = ctx.snap.plan.fiscal_year;
    let cal = &ctx.snap.calendar;
    widgets::subheading(ui, &ctx.tr("settings.calendar"));
    ui.label(ctx.tr("settings.calendar_intro"));
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("col.date"));
        ui.add(
            egui::TextEdit::singleline(&mut state.new_day)
                .hint_text("2026-10-01")
                .desired_width(110.0),
        )
        .labelled_by(label.id);
        let label = ui.label(ctx.tr("settings.day_name"));
        ui.add(egui::TextEdit::singleline(&mut state.new_day_name).desired_width(120.0))
            .labelled_by(label.id);
        ui.radio_value(&mut state.new_day_holiday, true, ctx.tr("settings.holiday"));
        ui.radio_value(
            &mut state.new_day_holiday,
            false,
            ctx.tr("settings.makeup_day"),
        );
        if ui.button(ctx.tr("settings.add_day")).clicked() {
            match parse_date(&state.new_day) {
                Ok(date) => {
                    actions.push(Action::SetCalendarDay {
                        date,
                        holiday: state.new_day_holiday,
                        name: state.new_day_name.clone(),
                    });
                    state.new_day.clear();
                }
                Err(e) => actions.push(Action::InputError(e.localize(ctx.lang()))),
            }
        }
    });
    ui.add_space(6.0);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        let days = &ctx.snap.calendar_days;
        if days.is_empty() {
            widgets::note(ui, &ctx.tr("settings.no_days"));
        }
        egui::Grid::new("calendar_days")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for day in days {
                    ui.label(RichText::new(day.date.to_string()).monospace());
                    ui.label(if day.holiday {
                        ctx.tr("settings.holiday")
                    } else {
                        ctx.tr("settings.makeup_day")
                    });
                    ui.label(&day.name);
                    if ui.small_button(ctx.tr("settings.remove_day")).clicked() {
                        actions.push(Action::RemoveCalendarDay(day.date));
                    }
                    ui.end_row();
                }
            });
        let ui = &mut cols[1];
        let rows: Vec<Vec<Cell>> = (1..=12u8)
            .map(|m| {
                let parts = cal.working_days_parts_in_month(&fy, m);
                vec![
                    Cell::text(fy.month_label(m)),
                    Cell::num(parts.total().to_string()).explain(ctx.trf(
                        "settings.working_days.explain",
                        &[
                            ("weekdays", parts.weekdays.to_string()),
                            ("holidays", parts.holidays.to_string()),
                            ("makeups", parts.makeups.to_string()),
                            ("n", parts.total().to_string()),
                        ],
                    )),
                ]
            })
            .collect();
        widgets::table(
            ui,
            "working_days",
            &[
                Col::text(ctx.tr("col.month")).width(100.0),
                Col::num(ctx.tr("settings.working_days")).width(90.0),
            ],
            &rows,
        );
    });
}
