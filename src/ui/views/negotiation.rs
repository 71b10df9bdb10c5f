//! Negotiation: the versions of the targets; rounds in which each unit's top-down number meets
//! its bottom-up number (propose, counter, agree, reopen) with comments from both sides; the
//! confirmation that locks the agreed targets with a content hash; target responsibility
//! letters; formal revisions; and what changed between two rounds.

use std::collections::HashMap;

use egui::{RichText, Ui};

use crate::domain::model::{NodeId, Round, VersionKind, VersionState};
use crate::domain::money::Money;
use crate::domain::negotiation::{self, Party, RoundEvent, UnitStatus};
use crate::i18n::Localized;
use crate::ui::theme;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

/// What the user is typing for one unit of the round.
#[derive(Default, Clone)]
struct RowInput {
    value: String,
    comment: String,
}

/// Which units a new round negotiates with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    People,
    TopUnits,
}

#[derive(Default)]
pub struct State {
    inputs: HashMap<NodeId, RowInput>,
    level: Level,
    revision_reason: String,
    revision_by: String,
    diff_from: Option<usize>,
    diff_to: Option<usize>,
}

fn status_key(s: UnitStatus) -> &'static str {
    match s {
        UnitStatus::Draft => "negotiation.status.draft",
        UnitStatus::Proposed => "negotiation.status.proposed",
        UnitStatus::Countered => "negotiation.status.countered",
        UnitStatus::Agreed => "negotiation.status.agreed",
    }
}

fn opt_money(ctx: &ViewCtx, m: Option<Money>) -> String {
    m.map(|m| ctx.money(m.fen())).unwrap_or_else(|| "—".into())
}

/// Gap = bottom-up − top-down, with the figures (None without both).
fn gap_explain(
    ctx: &ViewCtx,
    td: Option<Money>,
    bu: Option<Money>,
    gap: Option<Money>,
) -> Option<String> {
    let (td, bu, gap) = (td?, bu?, gap?);
    Some(ctx.trf(
        "negotiation.gap.explain",
        &[
            ("bottom_up", ctx.money_with_unit(bu.fen())),
            ("top_down", ctx.money_with_unit(td.fen())),
            ("gap", ctx.money_with_unit(gap.fen())),
        ],
    ))
}

/// A total of the round's rows: the units' figures added up (named when few enough).
fn total_explain(ctx: &ViewCtx, terms: Vec<(NodeId, Money)>, total: Money) -> String {
    let named: Vec<String> = terms
        .iter()
        .take(widgets::MAX_SUM_TERMS + 1)
        .map(|(u, m)| format!("{} {}", ctx.node_name(*u), ctx.money(m.fen())))
        .collect();
    match widgets::sum_terms(&named) {
        Some(parts) => ctx.trf(
            "negotiation.total.explain",
            &[
                ("parts", parts),
                ("total", ctx.money_with_unit(total.fen())),
            ],
        ),
        None => ctx.trf(
            "negotiation.total.explain_n",
            &[
                ("n", terms.len().to_string()),
                ("total", ctx.money_with_unit(total.fen())),
            ],
        ),
    }
}

pub fn negotiation_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    widgets::heading(ui, &ctx.tr("view.negotiation"));
    ui.label(ctx.tr("negotiation.intro"));
    versions_ui(ui, ctx);
    ui.add_space(theme::SECTION_GAP);

    let Some(current) = snap.current_version() else {
        return;
    };
    match (current.kind, current.state) {
        (VersionKind::Round, VersionState::Open) => {
            if let Some(round) = snap.current_round() {
                round_ui(ui, ctx, state, round, actions);
                ui.add_space(theme::SECTION_GAP);
                submissions_ui(ui, ctx, actions);
            }
        }
        (_, VersionState::Confirmed) => confirmed_ui(ui, ctx, state, actions),
        (_, VersionState::Open) => start_ui(ui, ctx, state, actions),
        (_, VersionState::Superseded) => {}
    }
    if snap.rounds.len() >= 2 {
        ui.add_space(theme::SECTION_GAP);
        diff_ui(ui, ctx, state);
    }
}

/// Figures by file: account managers write their bottom-up figure from their copy of the plan;
/// the leader reads many at once into the round (docs/plan-file.md).
fn submissions_ui(ui: &mut Ui, ctx: &ViewCtx, actions: &mut Vec<Action>) {
    widgets::subheading(ui, &ctx.tr("negotiation.submissions"));
    ui.label(RichText::new(ctx.tr("negotiation.submissions_hint")).weak());
    ui.horizontal(|ui| {
        if ui.button(ctx.tr("negotiation.read_submissions")).clicked() {
            actions.push(Action::PickSubmissions);
        }
        if ui.button(ctx.tr("negotiation.read_folder")).clicked() {
            actions.push(Action::PickSubmissionFolder);
        }
        if ui.button(ctx.tr("negotiation.write_submission")).clicked() {
            actions.push(Action::Command(crate::ui::commands::Command::Export));
        }
    });
}

fn versions_ui(ui: &mut Ui, ctx: &ViewCtx) {
    let snap = ctx.snap;
    widgets::subheading(ui, &ctx.tr("negotiation.versions"));
    let rows: Vec<Vec<Cell>> = snap
        .versions
        .iter()
        .map(|v| {
            let current = v.id == snap.plan.current_version;
            let mut name = Cell::text(&v.name);
            if current {
                name = name.strong();
            }
            let mut note = v.reason.clone();
            if !v.requested_by.is_empty() {
                note = ctx.trf(
                    "negotiation.revision_note",
                    &[("reason", v.reason.clone()), ("by", v.requested_by.clone())],
                );
            }
            vec![
                name,
                Cell::text(ctx.tr(v.kind.label_key())),
                Cell::text(ctx.tr(v.state.label_key())),
                Cell::text(v.created_at.get(..10).unwrap_or(&v.created_at)),
                Cell::text(if current {
                    ctx.tr("negotiation.current").into_owned()
                } else {
                    String::new()
                }),
                Cell::text(note),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "versions",
        &[
            Col::text(ctx.tr("col.version")).width(200.0),
            Col::text(ctx.tr("col.kind")).width(90.0),
            Col::text(ctx.tr("col.status")).width(70.0),
            Col::text(ctx.tr("col.created")).width(90.0),
            Col::text("").width(50.0),
            Col::text(ctx.tr("negotiation.col.note")).width(200.0),
        ],
        &rows,
    );
}

/// An open draft or revision: start a round, or confirm directly.
fn start_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::subheading(ui, &ctx.tr("negotiation.start_title"));
    ui.label(ctx.tr("negotiation.start_hint"));
    ui.horizontal(|ui| {
        ui.selectable_value(
            &mut state.level,
            Level::People,
            ctx.tr("negotiation.level.people"),
        );
        ui.selectable_value(
            &mut state.level,
            Level::TopUnits,
            ctx.tr("negotiation.level.units"),
        );
    });
    let units: Vec<NodeId> = match state.level {
        Level::People => ctx.snap.people().map(|p| p.id).collect(),
        Level::TopUnits => ctx
            .tree
            .root()
            .map(|r| ctx.tree.children(r.id).to_vec())
            .unwrap_or_default(),
    };
    ui.label(
        RichText::new(
            units
                .iter()
                .map(|&u| ctx.node_name(u))
                .collect::<Vec<_>>()
                .join("、"),
        )
        .weak(),
    );
    ui.horizontal(|ui| {
        let number = ctx.snap.rounds.len() + 1;
        if ui
            .add_enabled(
                !units.is_empty(),
                egui::Button::new(ctx.trf("negotiation.start_round", &[("n", number.to_string())])),
            )
            .clicked()
        {
            actions.push(Action::StartRound {
                units: units.clone(),
                name: ctx.trf("negotiation.round_name", &[("n", number.to_string())]),
            });
        }
        if ui
            .button(ctx.tr("negotiation.confirm_directly"))
            .on_hover_text(ctx.tr("negotiation.confirm_directly_hint"))
            .clicked()
        {
            actions.push(Action::ConfirmCurrent);
        }
    });
}

fn round_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    round: &Round,
    actions: &mut Vec<Action>,
) {
    widgets::subheading(
        ui,
        &ctx.trf(
            "negotiation.round_title",
            &[("n", round.number.to_string())],
        ),
    );
    ui.label(RichText::new(ctx.tr("negotiation.round_hint")).weak());
    let unit = ctx.unit_label();
    egui::Grid::new("round_rows")
        .striped(true)
        .num_columns(8)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            let mut value_head = None;
            for key in [
                "col.unit",
                "negotiation.col.top_down",
                "negotiation.col.bottom_up",
                "negotiation.col.gap",
                "col.status",
                "negotiation.col.comments",
                "negotiation.col.value",
                "negotiation.col.actions",
            ] {
                let mut title = ctx.tr(key).into_owned();
                if matches!(
                    key,
                    "negotiation.col.top_down"
                        | "negotiation.col.bottom_up"
                        | "negotiation.col.gap"
                ) {
                    title = format!("{title}（{unit}）");
                }
                let head = ui.label(RichText::new(title).strong());
                if key == "negotiation.col.value" {
                    value_head = Some(head.id);
                }
            }
            ui.end_row();
            for row in &round.rows {
                let input = state.inputs.entry(row.unit).or_default();
                ui.label(ctx.node_name(row.unit));
                ui.label(RichText::new(opt_money(ctx, row.top_down)).monospace());
                ui.label(RichText::new(opt_money(ctx, row.bottom_up)).monospace());
                let gap = row.gap();
                let dark = ui.visuals().dark_mode;
                let gap_text = RichText::new(opt_money(ctx, gap)).monospace();
                let gap_label = ui.label(match gap {
                    Some(g) if g.is_negative() => gap_text.color(theme::bad(dark)),
                    _ => gap_text,
                });
                if let Some(text) = gap_explain(ctx, row.top_down, row.bottom_up, gap) {
                    gap_label.on_hover_text(text);
                }
                let status = RichText::new(ctx.tr(status_key(row.status)));
                ui.label(if row.status == UnitStatus::Agreed {
                    status.color(theme::good(dark))
                } else {
                    status
                });
                ui.vertical(|ui| {
                    if !row.leader_comment.is_empty() {
                        ui.label(
                            RichText::new(format!(
                                "{}：{}",
                                ctx.tr("negotiation.leader"),
                                row.leader_comment
                            ))
                            .small(),
                        );
                    }
                    if !row.unit_comment.is_empty() {
                        ui.label(
                            RichText::new(format!(
                                "{}：{}",
                                ctx.tr("negotiation.unit"),
                                row.unit_comment
                            ))
                            .small(),
                        );
                    }
                    let label =
                        ui.label(RichText::new(ctx.tr("negotiation.comment")).small().weak());
                    ui.add_sized(
                        [150.0, 20.0],
                        egui::TextEdit::singleline(&mut input.comment),
                    )
                    .labelled_by(label.id);
                });
                let value = ui.add_sized(
                    [90.0, 20.0],
                    egui::TextEdit::singleline(&mut input.value)
                        .hint_text(ctx.tr("negotiation.value_hint")),
                );
                let value = match value_head {
                    Some(head) => value.labelled_by(head),
                    None => value,
                };
                value.on_hover_text(ctx.tr("negotiation.value_explain"));
                ui.horizontal(|ui| {
                    let steps: [(RoundEvent, Party, &str); 5] = [
                        (RoundEvent::Propose, Party::Leader, "negotiation.propose"),
                        (RoundEvent::Counter, Party::Unit, "negotiation.counter"),
                        (RoundEvent::Agree, Party::Unit, "negotiation.unit_agrees"),
                        (
                            RoundEvent::Agree,
                            Party::Leader,
                            "negotiation.leader_agrees",
                        ),
                        (RoundEvent::Reopen, Party::Leader, "negotiation.reopen"),
                    ];
                    for (event, by, key) in steps {
                        // Only the steps the state machine allows are offered.
                        if negotiation::next_status(row.status, event, by).is_err() {
                            continue;
                        }
                        if ui.small_button(ctx.tr(key)).clicked() {
                            let needs_value =
                                matches!(event, RoundEvent::Propose | RoundEvent::Counter);
                            let value = if input.value.trim().is_empty() {
                                Ok(None)
                            } else {
                                Money::parse(&input.value).map(Some)
                            };
                            match value {
                                Ok(value) => {
                                    // Proposing without typing a number proposes the plan's figure.
                                    let value = match (event, value) {
                                        (RoundEvent::Propose, None) => row.top_down,
                                        (_, v) => v,
                                    };
                                    if needs_value && value.is_none() {
                                        actions.push(Action::InputError(
                                            ctx.tr("negotiation.value_needed").into_owned(),
                                        ));
                                    } else {
                                        actions.push(Action::RoundEvent {
                                            unit: row.unit,
                                            event,
                                            by,
                                            value: if matches!(event, RoundEvent::Agree) {
                                                None
                                            } else {
                                                value
                                            },
                                            comment: input.comment.trim().to_owned(),
                                        });
                                        input.value.clear();
                                        input.comment.clear();
                                    }
                                }
                                Err(e) => actions.push(Action::InputError(e.localize(ctx.lang()))),
                            }
                        }
                    }
                });
                ui.end_row();
            }
            let t = negotiation::totals(&round.rows);
            ui.label(RichText::new(ctx.tr("col.total")).strong());
            let pick = |f: fn(&negotiation::UnitRow<NodeId>) -> Option<Money>| {
                round
                    .rows
                    .iter()
                    .filter_map(|r| Some((r.unit, f(r)?)))
                    .collect::<Vec<_>>()
            };
            ui.label(
                RichText::new(ctx.money(t.top_down.fen()))
                    .monospace()
                    .strong(),
            )
            .on_hover_text(total_explain(ctx, pick(|r| r.top_down), t.top_down));
            // Without any bottom-up figure there is nothing to sum (a dash, not 0).
            let any_bottom_up = round.rows.iter().any(|r| r.bottom_up.is_some());
            let any_gap = round.rows.iter().any(|r| r.gap().is_some());
            let bottom_up = ui.label(
                RichText::new(opt_money(ctx, any_bottom_up.then_some(t.bottom_up)))
                    .monospace()
                    .strong(),
            );
            if any_bottom_up {
                bottom_up.on_hover_text(total_explain(ctx, pick(|r| r.bottom_up), t.bottom_up));
            }
            let gap = ui.label(
                RichText::new(opt_money(ctx, any_gap.then_some(t.gap)))
                    .monospace()
                    .strong(),
            );
            if any_gap {
                gap.on_hover_text(total_explain(ctx, pick(|r| r.gap()), t.gap));
            }
            ui.label(ctx.trf(
                "negotiation.agreed_count",
                &[
                    ("agreed", t.agreed.to_string()),
                    ("units", t.units.to_string()),
                ],
            ));
            ui.end_row();
        });
    ui.add_space(8.0);
    rollup_ui(ui, ctx, round);
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let all = negotiation::all_agreed(&round.rows);
        if ui
            .add_enabled(all, egui::Button::new(ctx.tr("negotiation.confirm")))
            .on_disabled_hover_text(ctx.tr("negotiation.confirm_needs_all"))
            .clicked()
        {
            actions.push(Action::ConfirmRound {
                name: ctx.trf(
                    "negotiation.confirmed_name",
                    &[("year", ctx.snap.plan.fiscal_year.year().to_string())],
                ),
            });
        }
        if ui.button(ctx.tr("negotiation.next_round")).clicked() {
            actions.push(Action::StartRound {
                units: round.rows.iter().map(|r| r.unit).collect(),
                name: ctx.trf(
                    "negotiation.round_name",
                    &[("n", (round.number + 1).to_string())],
                ),
            });
        }
    });
}

/// The round's figures rolled up through the organisation (store → region → headquarters):
/// every unit above the negotiating units shows the sum of what is below it, and its gap.
fn rollup_ui(ui: &mut Ui, ctx: &ViewCtx, round: &Round) {
    let nodes: Vec<(NodeId, Option<NodeId>)> =
        ctx.snap.nodes.iter().map(|n| (n.id, n.parent)).collect();
    let own = |pick: fn(&negotiation::UnitRow<NodeId>) -> Option<Money>| {
        round
            .rows
            .iter()
            .filter_map(|r| pick(r).map(|v| (r.unit, v)))
            .collect::<HashMap<NodeId, Money>>()
    };
    let top_down = negotiation::roll_up(&nodes, &own(|r| r.top_down));
    let bottom_up = negotiation::roll_up(&nodes, &own(|r| r.bottom_up));
    let negotiating: std::collections::HashSet<NodeId> =
        round.rows.iter().map(|r| r.unit).collect();
    // Only the units above the negotiating ones: the units themselves are in the table above.
    let rows: Vec<Vec<Cell>> = ctx
        .tree
        .walk()
        .into_iter()
        .filter(|(id, _)| !negotiating.contains(id))
        .filter(|(id, _)| top_down.contains_key(id) || bottom_up.contains_key(id))
        .map(|(id, depth)| {
            let td = top_down.get(&id).copied();
            let bu = bottom_up.get(&id).copied();
            let gap = match (td, bu) {
                (Some(td), Some(bu)) => bu.checked_sub(td),
                _ => None,
            };
            let sum_below = |v: Option<Money>| {
                v.map(|v| {
                    ctx.trf(
                        "negotiation.rollup.explain",
                        &[
                            ("name", ctx.node_name(id)),
                            ("value", ctx.money_with_unit(v.fen())),
                        ],
                    )
                })
            };
            let cell = |v: Option<Money>, explain: Option<String>| match explain {
                Some(e) => Cell::num(opt_money(ctx, v)).explain(e),
                None => Cell::num(opt_money(ctx, v)),
            };
            vec![
                Cell::text(format!("{}{}", "    ".repeat(depth), ctx.node_name(id))),
                cell(td, sum_below(td)),
                cell(bu, sum_below(bu)),
                cell(gap, gap_explain(ctx, td, bu, gap)),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    ui.label(RichText::new(ctx.tr("negotiation.rollup")).strong());
    ui.label(RichText::new(ctx.tr("negotiation.rollup_hint")).weak());
    let unit = ctx.unit_label();
    let col = |key: &str| Col::num(format!("{}（{unit}）", ctx.tr(key))).width(130.0);
    widgets::table(
        ui,
        "round_rollup",
        &[
            Col::text(ctx.tr("col.unit")).width(200.0),
            col("negotiation.col.top_down"),
            col("negotiation.col.bottom_up"),
            col("negotiation.col.gap"),
        ],
        &rows,
    );
}

fn confirmed_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let Some(v) = ctx.snap.current_version() else {
        return;
    };
    widgets::subheading(ui, &ctx.tr("negotiation.confirmed_title"));
    ui.label(
        RichText::new(ctx.trf(
            "negotiation.confirmed_at",
            &[("at", v.confirmed_at.clone().unwrap_or_default())],
        ))
        .color(theme::good(ui.visuals().dark_mode)),
    );
    if let Some(hash) = &v.content_hash {
        ui.label(
            RichText::new(format!("{}：{hash}", ctx.tr("letter.hash")))
                .monospace()
                .small(),
        );
    }
    ui.add_space(6.0);
    ui.label(ctx.tr("negotiation.letters_hint"));
    ui.horizontal_wrapped(|ui| {
        for p in ctx.snap.people() {
            if ui
                .button(ctx.trf("negotiation.letter_for", &[("name", p.name.clone())]))
                .clicked()
            {
                actions.push(Action::WriteLetter { person: p.id });
            }
        }
    });
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("negotiation.revision_title"));
    ui.label(RichText::new(ctx.tr("negotiation.revision_hint")).weak());
    egui::Grid::new("revision_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label(ctx.tr("negotiation.revision_reason"));
            ui.add(egui::TextEdit::singleline(&mut state.revision_reason).desired_width(360.0))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(ctx.tr("negotiation.revision_by"));
            ui.add(egui::TextEdit::singleline(&mut state.revision_by).desired_width(160.0))
                .labelled_by(label.id);
            ui.end_row();
        });
    if ui.button(ctx.tr("negotiation.start_revision")).clicked() {
        actions.push(start_revision(
            ctx,
            &state.revision_reason,
            &state.revision_by,
        ));
    }
}

/// Starts the next revision ("修订 3") with its reason and who asked for it.
pub(crate) fn start_revision(ctx: &ViewCtx, reason: &str, requested_by: &str) -> Action {
    let n = ctx
        .snap
        .versions
        .iter()
        .filter(|v| v.kind == VersionKind::Revision)
        .count()
        + 1;
    Action::StartRevision {
        name: ctx.trf("negotiation.revision_name", &[("n", n.to_string())]),
        reason: reason.to_owned(),
        requested_by: requested_by.to_owned(),
    }
}

/// What changed between two rounds.
fn diff_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State) {
    let rounds = &ctx.snap.rounds;
    widgets::subheading(ui, &ctx.tr("negotiation.diff_title"));
    let last = rounds.len() - 1;
    let from = state.diff_from.unwrap_or(last.saturating_sub(1)).min(last);
    let to = state.diff_to.unwrap_or(last).min(last);
    let name = |i: usize| {
        ctx.trf(
            "negotiation.round_name",
            &[("n", rounds[i].number.to_string())],
        )
    };
    ui.horizontal(|ui| {
        let mut f = from;
        let mut t = to;
        let label = ui.label(ctx.tr("negotiation.diff_from"));
        egui::ComboBox::from_id_salt("diff_from")
            .selected_text(name(f))
            .show_ui(ui, |ui| {
                for i in 0..rounds.len() {
                    ui.selectable_value(&mut f, i, name(i));
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(ctx.tr("negotiation.diff_to"));
        egui::ComboBox::from_id_salt("diff_to")
            .selected_text(name(t))
            .show_ui(ui, |ui| {
                for i in 0..rounds.len() {
                    ui.selectable_value(&mut t, i, name(i));
                }
            })
            .response
            .labelled_by(label.id);
        state.diff_from = Some(f);
        state.diff_to = Some(t);
    });
    let changes = negotiation::diff(&rounds[from].rows, &rounds[to].rows);
    if changes.is_empty() {
        ui.label(RichText::new(ctx.tr("negotiation.no_changes")).weak());
        return;
    }
    let side = |s: &Option<negotiation::RowState>| match s {
        Some((td, bu, st)) => format!(
            "{} / {} · {}",
            opt_money(ctx, *td),
            opt_money(ctx, *bu),
            ctx.tr(status_key(*st))
        ),
        None => "—".into(),
    };
    let rows: Vec<Vec<Cell>> = changes
        .iter()
        .map(|c| {
            vec![
                Cell::text(ctx.node_name(c.unit)),
                Cell::text(side(&c.before)),
                Cell::text(side(&c.after)),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "round_diff",
        &[
            Col::text(ctx.tr("col.unit")).width(140.0),
            Col::text(name(from)).width(240.0),
            Col::text(name(to)).width(240.0),
        ],
        &rows,
    );
}
