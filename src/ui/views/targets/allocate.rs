//! The allocation form: a unit's yearly target divided exactly over the units and people below
//! it, over the product lines, or over the months — by one of the methods, with parts locked at
//! a fixed amount — previewed as the user types and written as one change when applied.

use std::collections::HashMap;

use egui::{Align, Layout, RichText, TextEdit, Ui};

use super::{amount_text, parse_amount, parse_percent, percent_text};
use crate::domain::allocation::{
    self, AllocationMethod, AllocationParams, AllocationPart, AllocationRule, Dimension,
    MonthMethod, PartParams,
};
use crate::domain::history;
use crate::domain::model::{LineId, Metric, NodeId};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::seasonality;
use crate::i18n::Localized;
use crate::store::targets::CellChange;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets;

/// How many trailing years the trailing-average method uses.
const TRAILING_YEARS: usize = 3;

/// What the user typed for one part.
#[derive(Clone, Default)]
struct PartText {
    weight: String,
    headcount: String,
    ramp: String,
    locked: bool,
    lock_amount: String,
}

#[derive(Default)]
pub struct State {
    node: Option<NodeId>,
    dimension: Dimension,
    /// The product line allocated (children, months); None = the unit's total.
    line: Option<LineId>,
    method: Option<AllocationMethod>,
    month_method: MonthMethod,
    parts: HashMap<i64, PartText>,
    percentages: Vec<String>,
    /// The selection the form was filled for.
    loaded_for: Option<(NodeId, Dimension, Option<LineId>)>,
}

/// One part of the allocation as shown: its key, name and the history the methods may use.
struct PartInfo {
    key: i64,
    name: String,
    last_year: Money,
    trailing: Vec<Money>,
    /// People in it (1 for a person), the default capacity headcount.
    people: u32,
    current: Option<i64>,
}

fn yearly(ctx: &ViewCtx, node: NodeId, line: Option<LineId>) -> Option<i64> {
    ctx.table
        .node_value(ctx.tree, node, line, Period::Year, Metric::ContractAmount)
}

/// The parts of the chosen dimension (children or lines) with their history.
fn parts_info(
    ctx: &ViewCtx,
    node: NodeId,
    dimension: Dimension,
    line: Option<LineId>,
) -> Vec<PartInfo> {
    let snap = ctx.snap;
    let years: Vec<_> = snap.history.iter().collect();
    let trailing_years: Vec<_> = years
        .iter()
        .rev()
        .take(TRAILING_YEARS)
        .rev()
        .copied()
        .collect();
    let is_root = ctx.tree.root().is_some_and(|r| r.id == node);
    match dimension {
        Dimension::Children => ctx
            .tree
            .children(node)
            .iter()
            .filter_map(|&child| {
                let n = ctx.tree.get(child)?;
                let amount = |h: &crate::domain::model::HistoryYear| {
                    history::node_year_total(h, ctx.tree, child)
                };
                let people = if n.kind.is_person() {
                    1
                } else {
                    ctx.tree.people_under(child).len()
                };
                Some(PartInfo {
                    key: child.0,
                    name: n.name.clone(),
                    last_year: years.last().map(|h| amount(h)).unwrap_or_default(),
                    trailing: trailing_years.iter().map(|h| amount(h)).collect(),
                    people: u32::try_from(people).unwrap_or(u32::MAX),
                    current: yearly(ctx, child, line),
                })
            })
            .collect(),
        Dimension::Lines => snap
            .lines
            .iter()
            .map(|l| {
                // Sales by product line are known for the company as a whole.
                let amount = |h: &crate::domain::model::HistoryYear| {
                    if is_root {
                        h.by_line
                            .iter()
                            .find(|(id, _)| *id == l.id)
                            .map(|(_, m)| *m)
                            .unwrap_or_default()
                    } else {
                        Money::ZERO
                    }
                };
                PartInfo {
                    key: l.id.0,
                    name: l.name.clone(),
                    last_year: years.last().map(|h| amount(h)).unwrap_or_default(),
                    trailing: trailing_years.iter().map(|h| amount(h)).collect(),
                    people: 1,
                    current: yearly(ctx, node, Some(l.id)),
                }
            })
            .collect(),
        Dimension::Months => Vec::new(),
    }
}

/// Fills the form from the remembered rule, or with sensible defaults.
fn load(ctx: &ViewCtx, state: &mut State, node: NodeId, infos: &[PartInfo], total: Option<i64>) {
    let dimension = state.dimension;
    let line = state.line;
    state.loaded_for = Some((node, dimension, line));
    state.parts.clear();
    let rule = ctx
        .snap
        .allocations
        .iter()
        .find(|r| r.node == node && r.dimension == dimension)
        .filter(|r| r.params.line == line.map(|l| l.0) || dimension == Dimension::Lines);
    let has_history = history::seasonality(&ctx.snap.history, &ctx.snap.plan.fiscal_year).is_some();
    state.percentages = vec![String::new(); 12];
    match dimension {
        Dimension::Months => {
            state.month_method = rule
                .and_then(|r| MonthMethod::from_code(&r.method))
                .unwrap_or(if has_history {
                    MonthMethod::Seasonality
                } else {
                    MonthMethod::Even
                });
            let typed = rule
                .map(|r| r.params.percentages.clone())
                .unwrap_or_default();
            for (i, p) in state.percentages.iter_mut().enumerate() {
                *p = typed.get(i).map_or_else(String::new, |r| percent_text(*r));
            }
            if typed.len() != 12 {
                // Start from an even split the user adjusts: 8.33…% does not add up, so the
                // defaults are whole tenths that do (8.3% × 8 + 8.4% × 4 = 100%).
                for (i, p) in state.percentages.iter_mut().enumerate() {
                    *p = if i < 8 { "8.3%".into() } else { "8.4%".into() };
                }
            }
        }
        Dimension::Children | Dimension::Lines => {
            state.method = Some(
                rule.and_then(|r| AllocationMethod::from_code(&r.method))
                    .unwrap_or(match dimension {
                        Dimension::Lines => AllocationMethod::ManualWeights,
                        _ => AllocationMethod::Even,
                    }),
            );
            for info in infos {
                let remembered =
                    rule.and_then(|r| r.params.parts.iter().find(|p| p.key == info.key));
                let weight = match (remembered, dimension) {
                    (Some(p), _) => {
                        if state.method == Some(AllocationMethod::MarketPotential) {
                            i64::try_from(p.weight.round_half_away())
                                .map(|fen| amount_text(ctx, Money::from_fen(fen)))
                                .unwrap_or_default()
                        } else {
                            percent_text(p.weight)
                        }
                    }
                    // Lines start from their current shares of the unit's target.
                    (None, Dimension::Lines) => match (info.current, total) {
                        (Some(c), Some(t)) if t > 0 => Ratio::new(i128::from(c), i128::from(t))
                            .map(percent_text)
                            .unwrap_or_default(),
                        _ => String::new(),
                    },
                    (None, _) => String::new(),
                };
                state.parts.insert(
                    info.key,
                    PartText {
                        weight,
                        headcount: remembered.map_or(info.people, |p| p.headcount).to_string(),
                        ramp: percent_text(remembered.map_or(Ratio::ONE, |p| p.ramp)),
                        locked: remembered.is_some_and(|p| p.locked.is_some()),
                        lock_amount: remembered
                            .and_then(|p| p.locked)
                            .map(|m| amount_text(ctx, m))
                            .unwrap_or_default(),
                    },
                );
            }
        }
    }
}

pub fn allocate_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let snap = ctx.snap;
    ui.label(ctx.tr("alloc.intro"));
    ui.add_space(6.0);
    if state.node.is_none_or(|n| ctx.tree.get(n).is_none()) {
        state.node = ctx.tree.root().map(|n| n.id);
    }
    if state.line.is_some_and(|l| snap.line(l).is_none()) {
        state.line = None;
    }
    let Some(node) = state.node else {
        widgets::note(ui, &ctx.tr("alloc.no_units"));
        return;
    };

    egui::Grid::new("alloc_selection")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label(ctx.tr("alloc.unit"));
            egui::ComboBox::from_id_salt("alloc_node")
                .selected_text(ctx.node_name(node))
                .width(240.0)
                .show_ui(ui, |ui| {
                    for (id, depth) in ctx.tree.walk() {
                        let name = format!("{}{}", "    ".repeat(depth), ctx.node_name(id));
                        ui.selectable_value(&mut state.node, Some(id), name);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            ui.label(ctx.tr("alloc.dimension"));
            ui.horizontal(|ui| {
                for d in Dimension::ALL {
                    ui.selectable_value(&mut state.dimension, d, ctx.tr(d.label_key()));
                }
            });
            ui.end_row();
            if state.dimension != Dimension::Lines {
                let label = ui.label(ctx.tr("alloc.line"));
                let text = |l: Option<LineId>| match l {
                    None => ctx.tr("alloc.line.total").into_owned(),
                    Some(l) => ctx.line_name(l),
                };
                egui::ComboBox::from_id_salt("alloc_line")
                    .selected_text(text(state.line))
                    .width(240.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut state.line, None, text(None));
                        for l in &snap.lines {
                            ui.selectable_value(&mut state.line, Some(l.id), text(Some(l.id)));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            }
        });
    let node = state.node.unwrap_or(node);
    let line = if state.dimension == Dimension::Lines {
        None
    } else {
        state.line
    };
    let total = yearly(ctx, node, line);
    let infos = parts_info(ctx, node, state.dimension, line);
    if state.loaded_for != Some((node, state.dimension, line)) {
        state.line = line.or(state.line);
        load(ctx, state, node, &infos, total);
    }
    ui.add_space(6.0);

    let Some(total) = total else {
        widgets::note(ui, &ctx.tr("alloc.no_total"));
        return;
    };
    let total = Money::from_fen(total);
    ui.label(
        RichText::new(ctx.trf(
            "alloc.total",
            &[
                ("unit", ctx.node_name(node)),
                ("value", ctx.money_with_unit(total.fen())),
            ],
        ))
        .strong(),
    );
    ui.add_space(6.0);

    match state.dimension {
        Dimension::Months => months_ui(ui, ctx, state, node, line, total, editable, actions),
        Dimension::Children if infos.is_empty() => {
            widgets::note(ui, &ctx.tr("alloc.no_children"));
        }
        Dimension::Lines if infos.is_empty() => widgets::note(ui, &ctx.tr("alloc.no_lines")),
        _ => parts_ui(ui, ctx, state, node, line, total, &infos, editable, actions),
    }
}

/// The typed parts as allocation parts, or the first thing wrong with them.
fn build_parts(
    ctx: &ViewCtx,
    state: &State,
    method: AllocationMethod,
    infos: &[PartInfo],
) -> Result<Vec<AllocationPart<i64>>, String> {
    let mut parts = Vec::with_capacity(infos.len());
    for info in infos {
        let text = state.parts.get(&info.key).cloned().unwrap_or_default();
        let with_name = |message: String| format!("{}: {message}", info.name);
        let mut part = AllocationPart::new(info.key);
        part.last_year = info.last_year;
        part.trailing = info.trailing.clone();
        match method {
            AllocationMethod::ManualWeights => {
                part.weight = if text.weight.trim().is_empty() {
                    Ratio::ZERO
                } else {
                    parse_percent(ctx, &text.weight).map_err(with_name)?
                };
            }
            AllocationMethod::MarketPotential => {
                part.weight = if text.weight.trim().is_empty() {
                    Ratio::ZERO
                } else {
                    Ratio::from_integer(i128::from(
                        parse_amount(ctx, &text.weight).map_err(with_name)?.fen(),
                    ))
                };
            }
            AllocationMethod::Capacity => {
                part.headcount = text.headcount.trim().parse::<u32>().map_err(|_| {
                    with_name(ctx.trf("alloc.err.headcount", &[("value", text.headcount.clone())]))
                })?;
                part.ramp = parse_percent(ctx, &text.ramp).map_err(with_name)?;
            }
            AllocationMethod::Even
            | AllocationMethod::LastYearShare
            | AllocationMethod::TrailingAverageShare => {}
        }
        if text.locked {
            part.locked = Some(parse_amount(ctx, &text.lock_amount).map_err(with_name)?);
        }
        parts.push(part);
    }
    Ok(parts)
}

#[allow(clippy::too_many_arguments)]
fn parts_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    node: NodeId,
    line: Option<LineId>,
    total: Money,
    infos: &[PartInfo],
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let dimension = state.dimension;
    let mut method = state.method.unwrap_or(AllocationMethod::Even);
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("alloc.method"));
        let methods: &[AllocationMethod] = match dimension {
            // Potential and capacity are properties of units and people, not of product lines.
            Dimension::Lines => &AllocationMethod::ALL[..4],
            _ => &AllocationMethod::ALL,
        };
        egui::ComboBox::from_id_salt("alloc_method")
            .selected_text(ctx.tr(method.label_key()))
            .width(220.0)
            .show_ui(ui, |ui| {
                for &m in methods {
                    ui.selectable_value(&mut method, m, ctx.tr(m.label_key()));
                }
            })
            .response
            .labelled_by(label.id);
    });
    if state.method != Some(method) {
        state.method = Some(method);
    }
    ui.label(RichText::new(ctx.tr(method.explain_key())).small().weak());
    if dimension == Dimension::Lines
        && node != ctx.tree.root().map_or(node, |r| r.id)
        && matches!(
            method,
            AllocationMethod::LastYearShare | AllocationMethod::TrailingAverageShare
        )
    {
        widgets::warning(ui, &ctx.tr("alloc.lines_history_company_only"));
    }
    ui.add_space(6.0);

    // The preview: the allocation as the form stands.
    let built = build_parts(ctx, state, method, infos);
    let checked = built.and_then(|parts| {
        if dimension == Dimension::Lines && method == AllocationMethod::ManualWeights {
            let weights: Vec<Ratio> = parts.iter().map(|p| p.weight).collect();
            allocation::check_percentages(&weights).map_err(|e| e.localize(ctx.lang()))?;
        }
        allocation::allocate(total, method, &parts)
            .map(|a| (parts, a))
            .map_err(|e| e.localize(ctx.lang()))
    });

    let weight_col = match method {
        AllocationMethod::ManualWeights => Some(ctx.tr("alloc.col.weight").into_owned()),
        AllocationMethod::MarketPotential => Some(ctx.with_unit("alloc.col.potential")),
        _ => None,
    };
    let history_col = matches!(
        method,
        AllocationMethod::LastYearShare | AllocationMethod::TrailingAverageShare
    );
    let capacity = method == AllocationMethod::Capacity;
    let mut columns = 5;
    columns +=
        usize::from(weight_col.is_some()) + usize::from(history_col) + 2 * usize::from(capacity);
    egui::Grid::new("alloc_parts")
        .num_columns(columns)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            ui.label(
                RichText::new(ctx.tr(match dimension {
                    Dimension::Lines => "col.line",
                    _ => "col.unit",
                }))
                .weak(),
            );
            if let Some(title) = &weight_col {
                ui.label(RichText::new(title).weak());
            }
            if history_col {
                ui.label(
                    RichText::new(ctx.with_unit(if method == AllocationMethod::LastYearShare {
                        "alloc.col.last_year"
                    } else {
                        "alloc.col.trailing"
                    }))
                    .weak(),
                );
            }
            // The headers also name each row's fields (with the row's name) for screen readers.
            let capacity_heads = capacity.then(|| {
                (
                    ui.label(RichText::new(ctx.tr("alloc.col.headcount")).weak())
                        .id,
                    ui.label(RichText::new(ctx.tr("alloc.col.ramp")).weak()).id,
                )
            });
            let lock_head = ui
                .label(RichText::new(ctx.with_unit("alloc.col.lock")).weak())
                .id;
            ui.label(RichText::new(ctx.tr("alloc.col.share")).weak());
            ui.label(RichText::new(ctx.with_unit("alloc.col.result")).weak());
            ui.label(RichText::new(ctx.with_unit("alloc.col.current")).weak());
            ui.end_row();
            for (i, info) in infos.iter().enumerate() {
                let text = state.parts.entry(info.key).or_default();
                let name = ui.label(&info.name);
                if weight_col.is_some() {
                    ui.add_sized(
                        [100.0, 20.0],
                        TextEdit::singleline(&mut text.weight).id_salt(("alloc_weight", info.key)),
                    )
                    .labelled_by(name.id);
                }
                if history_col {
                    let shown = if method == AllocationMethod::LastYearShare {
                        ctx.money(info.last_year.fen())
                    } else {
                        info.trailing
                            .iter()
                            .map(|m| ctx.money(m.fen()))
                            .collect::<Vec<_>>()
                            .join(" / ")
                    };
                    ui.label(RichText::new(shown).monospace());
                }
                if let Some((headcount_head, ramp_head)) = capacity_heads {
                    ui.add_sized(
                        [50.0, 20.0],
                        TextEdit::singleline(&mut text.headcount)
                            .id_salt(("alloc_headcount", info.key)),
                    )
                    .labelled_by(name.id)
                    .labelled_by(headcount_head);
                    ui.add_sized(
                        [60.0, 20.0],
                        TextEdit::singleline(&mut text.ramp).id_salt(("alloc_ramp", info.key)),
                    )
                    .labelled_by(name.id)
                    .labelled_by(ramp_head);
                }
                ui.horizontal(|ui| {
                    ui.checkbox(&mut text.locked, "")
                        .labelled_by(name.id)
                        .labelled_by(lock_head)
                        .on_hover_text(ctx.tr("alloc.lock_explain"));
                    ui.add_enabled_ui(text.locked, |ui| {
                        ui.add_sized(
                            [110.0, 20.0],
                            TextEdit::singleline(&mut text.lock_amount)
                                .id_salt(("alloc_lock", info.key)),
                        )
                        .labelled_by(name.id)
                        .labelled_by(lock_head);
                    });
                });
                match &checked {
                    Ok((parts, a)) => {
                        num(
                            ui,
                            &a.weights
                                .get(i)
                                .map(|w| w.format_percent_fixed(2))
                                .unwrap_or_default(),
                        )
                        .on_hover_ui(|ui| {
                            ui.label(share_explain(ctx, method, parts, a, i));
                        });
                        let amount = a.parts.get(i).map(|(_, m)| m.fen()).unwrap_or_default();
                        num_strong(ui, &ctx.money(amount))
                            .on_hover_text(result_explain(ctx, total, parts, a, i));
                    }
                    Err(_) => {
                        num(ui, "—");
                        num(ui, "—");
                    }
                }
                num(
                    ui,
                    &info
                        .current
                        .map(|v| ctx.money(v))
                        .unwrap_or_else(|| "—".into()),
                );
                ui.end_row();
            }
            // The total row: the parts always add up exactly to the unit's target.
            ui.label(RichText::new(ctx.tr("col.total")).strong());
            for _ in 0..(columns - 5 + 2) {
                ui.label("");
            }
            match &checked {
                Ok((_, a)) => {
                    let sum: i64 = a.parts.iter().map(|(_, m)| m.fen()).sum();
                    num_strong(ui, &ctx.money(sum)).on_hover_text(ctx.trf(
                        "alloc.total.explain",
                        &[
                            ("n", a.parts.len().to_string()),
                            ("sum", ctx.money_with_unit(sum)),
                            ("total", ctx.money_with_unit(total.fen())),
                        ],
                    ));
                }
                Err(_) => {
                    num(ui, "—");
                }
            }
            num(ui, &sum_text(ctx, infos.iter().map(|i| i.current)));
            ui.end_row();
        });
    ui.add_space(6.0);
    match checked {
        Err(message) => widgets::warning(ui, &message),
        Ok((parts, a)) => {
            if ui
                .add_enabled(editable, egui::Button::new(ctx.tr("alloc.apply")))
                .on_hover_text(ctx.tr("alloc.apply_explain"))
                .clicked()
            {
                let cells: Vec<CellChange> = a
                    .parts
                    .iter()
                    .map(|&(key, amount)| match dimension {
                        Dimension::Lines => CellChange {
                            node,
                            line: Some(LineId(key)),
                            period: Period::Year,
                            metric: Metric::ContractAmount,
                            value: Some(amount.fen()),
                        },
                        _ => CellChange {
                            node: NodeId(key),
                            line,
                            period: Period::Year,
                            metric: Metric::ContractAmount,
                            value: Some(amount.fen()),
                        },
                    })
                    .collect();
                let params = AllocationParams {
                    line: line.map(|l| l.0),
                    total,
                    parts: parts
                        .iter()
                        .map(|p| PartParams {
                            key: p.key,
                            weight: p.weight,
                            headcount: p.headcount,
                            ramp: p.ramp,
                            locked: p.locked,
                        })
                        .collect(),
                    percentages: Vec::new(),
                };
                actions.push(Action::ApplyAllocation {
                    rule: AllocationRule {
                        node,
                        dimension,
                        method: method.code().to_owned(),
                        params,
                    },
                    detail: ctx.node_name(node),
                    cells,
                });
            }
        }
    }
}

/// The sum of the current targets, or a dash when none is set.
fn sum_text(ctx: &ViewCtx, values: impl Iterator<Item = Option<i64>>) -> String {
    let set: Vec<i64> = values.flatten().collect();
    if set.is_empty() {
        "—".into()
    } else {
        ctx.money(set.iter().sum())
    }
}

/// Width of a number column: wide enough for 9,999,999.99 in 万元, so figures line up.
const NUM_WIDTH: f32 = 110.0;

/// A right-aligned number in a fixed-width cell (a right-to-left layout alone would stretch
/// the last column of a grid to the window's edge).
fn num_cell(ui: &mut Ui, text: RichText) -> egui::Response {
    let size = egui::vec2(NUM_WIDTH, ui.spacing().interact_size.y);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let builder = egui::UiBuilder::new()
        .max_rect(rect)
        .layout(Layout::right_to_left(Align::Center));
    // A child that does not allocate in the grid again: the cell is already taken.
    ui.new_child(builder).label(text)
}

fn num(ui: &mut Ui, text: &str) -> egui::Response {
    num_cell(ui, RichText::new(text).monospace())
}

fn num_strong(ui: &mut Ui, text: &str) -> egui::Response {
    num_cell(ui, RichText::new(text).monospace().strong())
}

/// How a part's share comes out of its method's weights, with the figures: even 1 ÷ n; a
/// weight, last year's sales or headcount × ramp over the sum of all parts'; or the mean of
/// the part's share of each trailing year with sales.
fn share_explain(
    ctx: &ViewCtx,
    method: AllocationMethod,
    parts: &[AllocationPart<i64>],
    a: &allocation::Allocation<i64>,
    i: usize,
) -> String {
    let share = a
        .weights
        .get(i)
        .map(|w| w.format_percent_fixed(2))
        .unwrap_or_default();
    let Some(part) = parts.get(i) else {
        return String::new();
    };
    let ratio_sum = |f: &dyn Fn(&AllocationPart<i64>) -> Option<Ratio>| {
        parts
            .iter()
            .try_fold(Ratio::ZERO, |s, p| s.checked_add(f(p)?))
    };
    let of_sum = |key: &str, own: String, sum: String| {
        ctx.trf(key, &[("own", own), ("sum", sum), ("share", share.clone())])
    };
    match method {
        AllocationMethod::Even => ctx.trf(
            "alloc.share.even",
            &[("n", parts.len().to_string()), ("share", share.clone())],
        ),
        AllocationMethod::ManualWeights | AllocationMethod::MarketPotential => {
            let sum = ratio_sum(&|p| Some(p.weight));
            of_sum(
                "alloc.share.weight",
                part.weight.format_decimal(4),
                sum.map(|s| s.format_decimal(4))
                    .unwrap_or_else(|| "—".into()),
            )
        }
        AllocationMethod::LastYearShare => {
            let sum = parts
                .iter()
                .fold(0i64, |s, p| s.saturating_add(p.last_year.fen()));
            of_sum(
                "alloc.share.last_year",
                ctx.money_with_unit(part.last_year.fen()),
                ctx.money_with_unit(sum),
            )
        }
        AllocationMethod::Capacity => {
            let capacity = |p: &AllocationPart<i64>| {
                Ratio::from_integer(i128::from(p.headcount)).checked_mul(p.ramp)
            };
            of_sum(
                "alloc.share.capacity",
                ctx.trf(
                    "alloc.share.capacity_own",
                    &[
                        ("headcount", part.headcount.to_string()),
                        ("ramp", part.ramp.format_decimal(4)),
                    ],
                ),
                ratio_sum(&capacity)
                    .map(|s| s.format_decimal(4))
                    .unwrap_or_else(|| "—".into()),
            )
        }
        AllocationMethod::TrailingAverageShare => {
            // Each year with sales: the part's sales ÷ that year's total.
            let years = part.trailing.len();
            let terms: Vec<String> = (0..years)
                .filter_map(|y| {
                    let total = parts.iter().fold(0i64, |s, p| {
                        s.saturating_add(p.trailing.get(y).map_or(0, |m| m.fen()))
                    });
                    (total > 0).then(|| {
                        format!(
                            "{} ÷ {}",
                            ctx.money(part.trailing[y].fen()),
                            ctx.money(total)
                        )
                    })
                })
                .collect();
            ctx.trf(
                "alloc.share.trailing",
                &[
                    ("terms", terms.join(" + ")),
                    ("n", terms.len().to_string()),
                    ("share", share.clone()),
                ],
            )
        }
    }
}

/// How a part's amount came out of the allocation: the typed amount when locked, else its
/// share of the total (of what the locked parts leave).
fn result_explain(
    ctx: &ViewCtx,
    total: Money,
    parts: &[AllocationPart<i64>],
    a: &allocation::Allocation<i64>,
    i: usize,
) -> String {
    let amount = a.parts.get(i).map(|(_, m)| m.fen()).unwrap_or_default();
    let share = a
        .weights
        .get(i)
        .map(|w| w.format_percent_fixed(2))
        .unwrap_or_default();
    let locked = parts
        .iter()
        .filter_map(|p| p.locked)
        .fold(0i64, |s, m| s.saturating_add(m.fen()));
    if parts.get(i).is_some_and(|p| p.locked.is_some()) {
        ctx.trf(
            "alloc.result.locked",
            &[("amount", ctx.money_with_unit(amount))],
        )
    } else if locked == 0 {
        ctx.trf(
            "alloc.result.explain",
            &[
                ("total", ctx.money_with_unit(total.fen())),
                ("share", share),
                ("amount", ctx.money_with_unit(amount)),
            ],
        )
    } else {
        ctx.trf(
            "alloc.result.explain_locked",
            &[
                ("total", ctx.money_with_unit(total.fen())),
                ("locked", ctx.money_with_unit(locked)),
                (
                    "remaining",
                    ctx.money_with_unit(total.fen().saturating_sub(locked)),
                ),
                ("amount", ctx.money_with_unit(amount)),
            ],
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn months_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    node: NodeId,
    line: Option<LineId>,
    total: Money,
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let fy = &ctx.snap.plan.fiscal_year;
    let weights = history::seasonality(&ctx.snap.history, fy);
    ui.horizontal(|ui| {
        ui.label(ctx.tr("alloc.method"));
        for m in MonthMethod::ALL {
            let enabled = m != MonthMethod::Seasonality || weights.is_some();
            ui.add_enabled_ui(enabled, |ui| {
                ui.selectable_value(&mut state.month_method, m, ctx.tr(m.label_key()))
                    .on_disabled_hover_text(ctx.tr("alloc.no_seasonality"));
            });
        }
    });
    if state.month_method == MonthMethod::Seasonality && weights.is_none() {
        state.month_method = MonthMethod::Even;
    }
    ui.add_space(6.0);

    let mut typed = Vec::with_capacity(12);
    let mut typed_error = None;
    for (i, text) in state.percentages.iter().enumerate() {
        match parse_percent(ctx, text) {
            Ok(r) => typed.push(r),
            Err(e) => {
                typed_error.get_or_insert(format!("{}: {e}", ctx.month_name(i as u8 + 1)));
                typed.push(Ratio::ZERO);
            }
        }
    }
    let result = match state.month_method {
        MonthMethod::Seasonality => weights
            .as_ref()
            .ok_or_else(|| ctx.tr("alloc.no_seasonality").into_owned())
            .and_then(|w| {
                allocation::monthly_by_weights(total, w).map_err(|e| e.localize(ctx.lang()))
            }),
        MonthMethod::Even => {
            allocation::monthly_by_weights(total, &[1; 12]).map_err(|e| e.localize(ctx.lang()))
        }
        MonthMethod::Percentages => match typed_error.clone() {
            Some(e) => Err(e),
            None => {
                let p: [Ratio; 12] = std::array::from_fn(|i| typed[i]);
                allocation::monthly_by_percentages(total, &p).map_err(|e| e.localize(ctx.lang()))
            }
        },
    };
    let typed_total = typed
        .iter()
        .try_fold(Ratio::ZERO, |acc, r| acc.checked_add(*r));

    egui::Grid::new("alloc_months")
        .num_columns(4)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new(ctx.tr("col.month")).weak());
            ui.label(RichText::new(ctx.tr("alloc.col.share")).weak());
            ui.label(RichText::new(ctx.with_unit("alloc.col.result")).weak());
            ui.label(RichText::new(ctx.with_unit("alloc.col.current")).weak());
            ui.end_row();
            let months = ctx.table.months(node, line, Metric::ContractAmount);
            for m in 0..12usize {
                let label = ui.label(ctx.month_name(m as u8 + 1));
                // The month's share as shown (typed, or from the method).
                let share = match state.month_method {
                    MonthMethod::Percentages => {
                        ui.add_sized(
                            [70.0, 20.0],
                            TextEdit::singleline(&mut state.percentages[m])
                                .id_salt(("alloc_month_pct", m)),
                        )
                        .labelled_by(label.id);
                        state.percentages[m].trim().to_owned()
                    }
                    MonthMethod::Seasonality => {
                        let share = weights
                            .as_ref()
                            .and_then(|w| seasonality::share(w, m))
                            .map(|s| s.format_percent_fixed(2))
                            .unwrap_or_default();
                        num(ui, &share);
                        share
                    }
                    MonthMethod::Even => {
                        let share = Ratio::new(1, 12)
                            .map(|s| s.format_percent_fixed(2))
                            .unwrap_or_default();
                        num(ui, &share);
                        share
                    }
                };
                match &result {
                    Ok(amounts) => {
                        num_strong(ui, &ctx.money(amounts[m].fen())).on_hover_text(ctx.trf(
                            "alloc.month.explain",
                            &[
                                ("total", ctx.money_with_unit(total.fen())),
                                ("share", share),
                                ("amount", ctx.money_with_unit(amounts[m].fen())),
                            ],
                        ));
                    }
                    Err(_) => {
                        num(ui, "—");
                    }
                }
                num(
                    ui,
                    &months[m]
                        .map(|v| ctx.money(v))
                        .unwrap_or_else(|| "—".into()),
                );
                ui.end_row();
            }
            ui.label(RichText::new(ctx.tr("col.total")).strong());
            if state.month_method == MonthMethod::Percentages {
                num_strong(
                    ui,
                    &typed_total
                        .map(|t| t.format_percent(4))
                        .unwrap_or_else(|| "—".into()),
                );
            } else {
                num(ui, "100%");
            }
            match &result {
                Ok(amounts) => {
                    let sum: i64 = amounts.iter().map(|m| m.fen()).sum();
                    num_strong(ui, &ctx.money(sum)).on_hover_text(ctx.trf(
                        "alloc.total.explain",
                        &[
                            ("n", amounts.len().to_string()),
                            ("sum", ctx.money_with_unit(sum)),
                            ("total", ctx.money_with_unit(total.fen())),
                        ],
                    ));
                }
                Err(_) => {
                    num(ui, "—");
                }
            }
            num(ui, &sum_text(ctx, months.iter().copied()));
            ui.end_row();
        });
    ui.add_space(6.0);
    match result {
        Err(message) => widgets::warning(ui, &message),
        Ok(amounts) => {
            if ui
                .add_enabled(editable, egui::Button::new(ctx.tr("alloc.apply")))
                .on_hover_text(ctx.tr("alloc.apply_explain"))
                .clicked()
            {
                let cells: Vec<CellChange> = amounts
                    .iter()
                    .enumerate()
                    .map(|(m, amount)| CellChange {
                        node,
                        line,
                        period: Period::Month(m as u8 + 1),
                        metric: Metric::ContractAmount,
                        value: Some(amount.fen()),
                    })
                    .collect();
                let params = AllocationParams {
                    line: line.map(|l| l.0),
                    total,
                    parts: Vec::new(),
                    percentages: if state.month_method == MonthMethod::Percentages {
                        typed
                    } else {
                        Vec::new()
                    },
                };
                actions.push(Action::ApplyAllocation {
                    rule: AllocationRule {
                        node,
                        dimension: Dimension::Months,
                        method: state.month_method.code().to_owned(),
                        params,
                    },
                    detail: ctx.node_name(node),
                    cells,
                });
            }
        }
    }
}
