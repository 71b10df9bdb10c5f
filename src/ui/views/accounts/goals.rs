//! A person's goal card (domain §6): new key accounts, contract amount, implementation success
//! rate, renewal rate and the person's own goals — target against actual, each actual explained.

use std::collections::HashMap;

use egui::{RichText, Ui};

use super::{Out, error_line, field, parse_amount};
use crate::domain::battle::{self, ActualSource, GoalKind, GoalLine, GoalUnit};
use crate::domain::model::NodeId;
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;
use crate::store::accounts::AccountChange;
use crate::ui::theme;
use crate::ui::views::ViewCtx;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CustomDraft {
    name: String,
    unit: Option<GoalUnit>,
    target: String,
    actual: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Typed targets of the built-in goals and rows of the custom ones, with the person and
    /// generation they were read for.
    read: Option<(NodeId, u64)>,
    targets: HashMap<&'static str, String>,
    customs: HashMap<i64, CustomDraft>,
    new: CustomDraft,
    error: Option<String>,
}

/// A goal figure as shown: a count, an amount in the display unit, or a percentage.
pub(super) fn show(ctx: &ViewCtx, unit: GoalUnit, r: Option<Ratio>) -> String {
    let Some(r) = r else { return "—".into() };
    match unit {
        GoalUnit::Count => r.format_decimal(2),
        GoalUnit::Money => i64::try_from(r.round_half_away())
            .map(|f| ctx.money(f))
            .unwrap_or_default(),
        GoalUnit::Percent => r.format_percent(2),
    }
}

/// A goal figure as typed into a field.
fn typed(ctx: &ViewCtx, unit: GoalUnit, r: Option<Ratio>) -> String {
    match (unit, r) {
        (_, None) => String::new(),
        (GoalUnit::Money, Some(r)) => i64::try_from(r.round_half_away())
            .map(|f| super::amount_text(ctx, Money::from_fen(f)))
            .unwrap_or_default(),
        (u, r) => show(ctx, u, r),
    }
}

/// Reads a typed figure; empty is None.
fn read(ctx: &ViewCtx, unit: GoalUnit, what: &str, text: &str) -> Result<Option<Ratio>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        ctx.trf(
            "goals.err.value",
            &[
                ("field", what.to_owned()),
                ("value", t.to_owned()),
                ("unit", ctx.tr(unit.label_key()).into_owned()),
            ],
        )
    };
    match unit {
        GoalUnit::Count => t
            .replace(',', "")
            .parse::<u64>()
            .map(|n| Some(Ratio::from_integer(i128::from(n))))
            .map_err(|_| bad()),
        GoalUnit::Money => {
            parse_amount(ctx, what, t).map(|m| Some(Ratio::from_integer(i128::from(m.fen()))))
        }
        GoalUnit::Percent => {
            // "98" means 98%, like "98%".
            let text = if t.contains('%') || t.contains('/') || t.contains('.') {
                t.to_owned()
            } else {
                format!("{t}%")
            };
            match Ratio::parse(&text) {
                Ok(r) if !r.is_negative() => Ok(Some(r)),
                _ => Err(bad()),
            }
        }
    }
}

fn goal_name(ctx: &ViewCtx, g: &GoalLine) -> String {
    if g.kind == GoalKind::Custom {
        g.name.clone()
    } else {
        ctx.tr(g.kind.label_key()).into_owned()
    }
}

/// Where an actual comes from, with its figures.
fn explain(ctx: &ViewCtx, g: &GoalLine) -> String {
    let key = match g.source {
        ActualSource::ContractActuals => "goals.src.actuals",
        ActualSource::WonOpportunities => "goals.src.won",
        ActualSource::StageMoves if g.kind == GoalKind::Implementation => "goals.src.delivery",
        ActualSource::StageMoves => "goals.src.renewal",
        ActualSource::FirstBusiness => "goals.src.first",
        ActualSource::Entered => "goals.src.entered",
    };
    let (ok, all) = g.counts.unwrap_or((0, 0));
    ctx.trf(key, &[("ok", ok.to_string()), ("all", all.to_string())])
}

pub fn goals_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    person: &mut Option<NodeId>,
    state: &mut State,
    out: &mut Out,
) {
    let snap = ctx.snap;
    let Some(first) = snap.people().next().map(|p| p.id) else {
        crate::ui::widgets::note(ui, &ctx.tr("goals.no_people"));
        return;
    };
    // A goal card is one person's.
    let who = *person.get_or_insert(first);
    let card = battle::goal_card(snap, who);
    if state.read != Some((who, ctx.generation)) {
        state.targets = card
            .iter()
            .filter(|g| g.kind != GoalKind::Custom)
            .map(|g| {
                let shown = if g.target_from_plan { None } else { g.target };
                (g.kind.code(), typed(ctx, g.unit, shown))
            })
            .collect();
        state.customs = card
            .iter()
            .filter(|g| g.kind == GoalKind::Custom)
            .filter_map(|g| {
                Some((
                    g.id?,
                    CustomDraft {
                        name: g.name.clone(),
                        unit: Some(g.unit),
                        target: typed(ctx, g.unit, g.target),
                        actual: typed(ctx, g.unit, g.actual),
                    },
                ))
            })
            .collect();
        state.read = Some((who, ctx.generation));
    }
    let dark = ui.visuals().dark_mode;
    ui.label(RichText::new(ctx.tr("goals.intro")).weak());
    crate::ui::widgets::subheading(
        ui,
        &ctx.trf(
            "goals.title",
            &[
                ("person", ctx.node_name(who)),
                ("year", snap.plan.fiscal_year.label()),
            ],
        ),
    );
    egui::Grid::new("goal_card")
        .num_columns(6)
        .striped(true)
        .spacing([14.0, 6.0])
        .show(ui, |ui| {
            for key in [
                "goals.col.goal",
                "goals.col.target",
                "goals.col.actual",
                "goals.col.attainment",
                "goals.col.source",
            ] {
                ui.label(RichText::new(ctx.tr(key)).strong());
            }
            ui.label("");
            ui.end_row();
            for g in &card {
                let name = goal_name(ctx, g);
                let unit = if g.unit == GoalUnit::Money {
                    format!("{name}（{}）", ctx.unit_label())
                } else {
                    name.clone()
                };
                ui.label(unit);
                let target_label = format!("{} {name}", ctx.tr("goals.col.target"));
                if g.kind == GoalKind::Custom {
                    let Some(id) = g.id else { continue };
                    let d = state.customs.entry(id).or_default();
                    ui.add_sized([110.0, 20.0], egui::TextEdit::singleline(&mut d.target))
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::TextInput, true, &target_label)
                        });
                    let actual_label = format!("{} {name}", ctx.tr("goals.col.actual"));
                    ui.add_sized([110.0, 20.0], egui::TextEdit::singleline(&mut d.actual))
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::TextInput, true, &actual_label)
                        });
                } else {
                    let text = state.targets.entry(g.kind.code()).or_default();
                    let hint = if g.target_from_plan {
                        show(ctx, g.unit, g.target)
                    } else {
                        String::new()
                    };
                    ui.add_sized(
                        [110.0, 20.0],
                        egui::TextEdit::singleline(text).hint_text(hint),
                    )
                    .on_hover_text(if g.target_from_plan {
                        ctx.tr("goals.target.from_plan")
                    } else {
                        ctx.tr("goals.target.hint")
                    })
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, &target_label)
                    });
                    ui.label(RichText::new(show(ctx, g.unit, g.actual)).monospace())
                        .on_hover_text(explain(ctx, g));
                }
                let (text, color) = match g.attainment {
                    None => ("—".to_owned(), None),
                    Some(a) => {
                        let color = if a >= Ratio::ONE {
                            theme::good(dark)
                        } else if a >= Ratio::percent(95) {
                            theme::warn(dark)
                        } else {
                            theme::bad(dark)
                        };
                        (a.format_percent_fixed(1), Some(color))
                    }
                };
                let mut rt = RichText::new(text.clone()).monospace();
                if let Some(c) = color {
                    rt = rt.color(c);
                }
                let attainment = ui.label(rt);
                if g.attainment.is_some() {
                    attainment.on_hover_text(ctx.trf(
                        "goals.attainment.explain",
                        &[
                            ("actual", show(ctx, g.unit, g.actual)),
                            ("target", show(ctx, g.unit, g.target)),
                            ("attainment", text),
                        ],
                    ));
                }
                ui.label(RichText::new(explain(ctx, g)).small().weak());
                ui.horizontal(|ui| {
                    let save = ui.button(ctx.tr("goals.save"));
                    save.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::Button,
                            true,
                            format!("{} {name}", ctx.tr("goals.save")),
                        )
                    });
                    if save.clicked() {
                        state.error = None;
                        if g.kind == GoalKind::Custom {
                            let Some(id) = g.id else { return };
                            let d = state.customs.get(&id).cloned().unwrap_or_default();
                            match (
                                read(ctx, g.unit, &name, &d.target),
                                read(ctx, g.unit, &name, &d.actual),
                            ) {
                                (Ok(Some(target)), Ok(actual)) => {
                                    out.push(AccountChange::UpdateCustomGoal {
                                        id,
                                        name: g.name.clone(),
                                        unit: g.unit,
                                        target,
                                        actual,
                                    })
                                }
                                (Ok(None), _) => {
                                    state.error = Some(ctx.tr("goals.err.no_target").into_owned())
                                }
                                (Err(e), _) | (_, Err(e)) => state.error = Some(e),
                            }
                        } else {
                            let text = state
                                .targets
                                .get(g.kind.code())
                                .cloned()
                                .unwrap_or_default();
                            match read(ctx, g.unit, &name, &text) {
                                Ok(target) => out.push(AccountChange::SetGoal {
                                    person: who,
                                    kind: g.kind,
                                    target,
                                }),
                                Err(e) => state.error = Some(e),
                            }
                        }
                    }
                    if g.kind == GoalKind::Custom
                        && let Some(id) = g.id
                        && ui.button(ctx.tr("goals.delete")).clicked()
                    {
                        out.push(AccountChange::DeleteGoal(id));
                    }
                });
                ui.end_row();
            }
        });
    error_line(ui, &state.error);

    ui.add_space(theme::SECTION_GAP);
    ui.label(RichText::new(ctx.tr("goals.add")).strong());
    let d = &mut state.new;
    let unit = d.unit.unwrap_or(GoalUnit::Count);
    let mut add = false;
    ui.horizontal(|ui| {
        field(ui, &ctx.tr("goals.name"), &mut d.name, 220.0);
        let label = ui.label(ctx.tr("goals.unit"));
        egui::ComboBox::from_id_salt("goal_unit")
            .selected_text(ctx.tr(unit.label_key()))
            .show_ui(ui, |ui| {
                for u in GoalUnit::ALL {
                    ui.selectable_value(&mut d.unit, Some(u), ctx.tr(u.label_key()));
                }
            })
            .response
            .labelled_by(label.id);
        field(ui, &ctx.tr("goals.new_target"), &mut d.target, 100.0);
        field(ui, &ctx.tr("goals.new_actual"), &mut d.actual, 100.0);
        add = ui.button(ctx.tr("goals.add_button")).clicked();
    });
    if add {
        let name = d.name.trim().to_owned();
        match (
            read(ctx, unit, &name, &d.target),
            read(ctx, unit, &name, &d.actual),
        ) {
            _ if name.is_empty() => state.error = Some(ctx.tr("goals.err.no_name").into_owned()),
            (Ok(Some(target)), Ok(actual)) => {
                out.push(AccountChange::AddCustomGoal {
                    person: who,
                    name,
                    unit,
                    target,
                    actual,
                });
                state.new = CustomDraft::default();
                state.error = None;
            }
            (Ok(None), _) => state.error = Some(ctx.tr("goals.err.no_target").into_owned()),
            (Err(e), _) | (_, Err(e)) => state.error = Some(e),
        }
    }
}
