//! The derivation form: the year's target for the total or one product line, step by step —
//! strategy, history, cycles, competitors, blend, override, stretch — each step with its inputs
//! and its result, and a bridge chart from the first figure to the stretch target.
//!
//! What the user types is kept per scope while they switch scopes. It is saved (one undoable
//! change) as soon as the user leaves a field with everything valid; a field that is not valid
//! says why beside it and nothing is saved until it is fixed. Undo brings the stored inputs back
//! into the form.

use std::collections::HashMap;

use egui::{Align, Layout, Response, RichText, TextEdit, Ui};
use egui_plot::{Bar, BarChart, GridMark, Plot};

use super::{amount_text, parse_amount, parse_percent, percent_text};
use crate::domain::derivation::{
    self, Competitor, CycleInputs, Derivation, DerivationInputs, EconomicPhase, HistoryInputs,
    HistoryMethod, LifeCycle, Override, SharePath, StrategyInputs,
};
use crate::domain::history;
use crate::domain::model::{LineId, Metric};
use crate::domain::money::{AmountUnit, Money};
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::seasonality;
use crate::i18n::Localized;
use crate::ui::theme;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

#[derive(Clone, Default)]
struct CompetitorText {
    name: String,
    share: String,
    strengths: String,
    weaknesses: String,
    moves: String,
    adjustment: String,
    reason: String,
}

/// The form's text for one scope.
#[derive(Clone)]
struct Draft {
    /// The stored inputs the draft was loaded from or last saved as.
    loaded: Option<DerivationInputs>,
    /// The amount unit the amounts were written in.
    unit: AmountUnit,
    /// Changed by the user since it was loaded or saved.
    touched: bool,
    use_strategy: bool,
    market_size: String,
    market_growth: String,
    current_share: String,
    share_goal: String,
    years: String,
    path: SharePath,
    use_history: bool,
    /// (year, amount) as typed.
    history: Vec<(String, String)>,
    method: HistoryMethod,
    phase: EconomicPhase,
    sensitivity: String,
    effects: [String; 4],
    competitors: Vec<CompetitorText>,
    alpha: String,
    use_override: bool,
    override_amount: String,
    override_reason: String,
    buffer: String,
}

impl Draft {
    fn load(ctx: &ViewCtx, stored: Option<&DerivationInputs>) -> Draft {
        let d = stored.cloned().unwrap_or_default();
        let s = d.strategy.as_ref();
        let mut history: Vec<(i32, Money)> = d
            .history
            .as_ref()
            .map(|h| h.years.clone())
            .unwrap_or_default();
        history.sort_by_key(|&(y, _)| y);
        Draft {
            loaded: stored.cloned(),
            unit: ctx.unit(),
            touched: false,
            use_strategy: s.is_some(),
            market_size: s
                .map(|s| amount_text(ctx, s.market_size))
                .unwrap_or_default(),
            market_growth: s.map(|s| percent_text(s.market_growth)).unwrap_or_default(),
            current_share: s.map(|s| percent_text(s.current_share)).unwrap_or_default(),
            share_goal: s.map(|s| percent_text(s.share_goal)).unwrap_or_default(),
            years: s.map_or_else(|| "5".to_owned(), |s| s.years.to_string()),
            path: s.map_or(SharePath::Linear, |s| s.path),
            use_history: d.history.is_some(),
            history: history
                .into_iter()
                .map(|(y, m)| (y.to_string(), amount_text(ctx, m)))
                .collect(),
            method: d.history.as_ref().map_or(HistoryMethod::Cagr, |h| h.method),
            phase: d.cycle.phase,
            sensitivity: percent_text(d.cycle.sensitivity),
            effects: d.cycle.effects.map(percent_text),
            competitors: d
                .competitors
                .iter()
                .map(|c| CompetitorText {
                    name: c.name.clone(),
                    share: percent_text(c.share),
                    strengths: c.strengths.clone(),
                    weaknesses: c.weaknesses.clone(),
                    moves: c.moves.clone(),
                    adjustment: percent_text(c.adjustment),
                    reason: c.reason.clone(),
                })
                .collect(),
            alpha: percent_text(d.alpha),
            use_override: d.override_target.is_some(),
            override_amount: d
                .override_target
                .as_ref()
                .map(|o| amount_text(ctx, o.target))
                .unwrap_or_default(),
            override_reason: d
                .override_target
                .as_ref()
                .map(|o| o.reason.clone())
                .unwrap_or_default(),
            buffer: percent_text(d.stretch_buffer),
        }
    }

    /// The inputs the text says, or what is wrong with it, by field.
    fn parse(&self, ctx: &ViewCtx) -> Result<DerivationInputs, Errors> {
        let mut e = Errors::default();
        let strategy = if self.use_strategy {
            let market_size = e.amount(ctx, "market_size", &self.market_size);
            let market_growth = e.percent(ctx, "market_growth", &self.market_growth);
            let current_share = e.percent(ctx, "current_share", &self.current_share);
            let share_goal = e.percent(ctx, "share_goal", &self.share_goal);
            let years = match self.years.trim().parse::<u32>() {
                Ok(y) if y >= 1 => Some(y),
                _ => {
                    e.add(
                        "years",
                        ctx.trf("derive.err.years", &[("value", self.years.clone())]),
                    );
                    None
                }
            };
            match (market_size, market_growth, current_share, share_goal, years) {
                (
                    Some(market_size),
                    Some(market_growth),
                    Some(current_share),
                    Some(share_goal),
                    Some(years),
                ) => Some(StrategyInputs {
                    market_size,
                    market_growth,
                    current_share,
                    share_goal,
                    years,
                    path: self.path,
                }),
                _ => None,
            }
        } else {
            None
        };
        let history = if self.use_history {
            let mut years = Vec::new();
            for (i, (year, amount)) in self.history.iter().enumerate() {
                if year.trim().is_empty() && amount.trim().is_empty() {
                    continue;
                }
                let y = match year.trim().parse::<i32>() {
                    Ok(y) if (1900..=2200).contains(&y) => Some(y),
                    _ => {
                        e.add(
                            &format!("hist_year_{i}"),
                            ctx.trf("err.input.year", &[("value", year.clone())]),
                        );
                        None
                    }
                };
                let m = e.amount(ctx, &format!("hist_amount_{i}"), amount);
                if let (Some(y), Some(m)) = (y, m) {
                    years.push((y, m));
                }
            }
            Some(HistoryInputs {
                years,
                method: self.method,
            })
        } else {
            None
        };
        let sensitivity = e.percent(ctx, "sensitivity", &self.sensitivity);
        let mut effects = derivation::default_effects();
        for (i, text) in self.effects.iter().enumerate() {
            if let Some(r) = e.percent(ctx, &format!("effect_{i}"), text) {
                effects[i] = r;
            }
        }
        let mut competitors = Vec::new();
        for (i, c) in self.competitors.iter().enumerate() {
            let share = e.percent_or_zero(ctx, &format!("comp_share_{i}"), &c.share);
            let adjustment = e.percent_or_zero(ctx, &format!("comp_adj_{i}"), &c.adjustment);
            competitors.push(Competitor {
                name: c.name.trim().to_owned(),
                share: share.unwrap_or(Ratio::ZERO),
                strengths: c.strengths.trim().to_owned(),
                weaknesses: c.weaknesses.trim().to_owned(),
                moves: c.moves.trim().to_owned(),
                adjustment: adjustment.unwrap_or(Ratio::ZERO),
                reason: c.reason.trim().to_owned(),
            });
        }
        let alpha = e.percent(ctx, "alpha", &self.alpha);
        let buffer = e.percent(ctx, "buffer", &self.buffer);
        let override_target = if self.use_override {
            e.amount(ctx, "override_amount", &self.override_amount)
                .map(|target| Override {
                    target,
                    reason: self.override_reason.trim().to_owned(),
                })
        } else {
            None
        };
        if !e.0.is_empty() {
            return Err(e);
        }
        Ok(DerivationInputs {
            strategy,
            history,
            cycle: CycleInputs {
                phase: self.phase,
                sensitivity: sensitivity.unwrap_or(Ratio::ZERO),
                effects,
            },
            competitors,
            alpha: alpha.unwrap_or(Ratio::ZERO),
            override_target,
            stretch_buffer: buffer.unwrap_or(Ratio::ZERO),
        })
    }
}

/// What is wrong with the form, by field key.
#[derive(Default, Debug)]
struct Errors(HashMap<String, String>);

impl Errors {
    fn add(&mut self, key: &str, message: String) {
        self.0.insert(key.to_owned(), message);
    }

    fn amount(&mut self, ctx: &ViewCtx, key: &str, text: &str) -> Option<Money> {
        parse_amount(ctx, text).map_err(|m| self.add(key, m)).ok()
    }

    fn percent(&mut self, ctx: &ViewCtx, key: &str, text: &str) -> Option<Ratio> {
        parse_percent(ctx, text).map_err(|m| self.add(key, m)).ok()
    }

    fn percent_or_zero(&mut self, ctx: &ViewCtx, key: &str, text: &str) -> Option<Ratio> {
        if text.trim().is_empty() {
            Some(Ratio::ZERO)
        } else {
            self.percent(ctx, key, text)
        }
    }

    fn get(&self, key: &str) -> Option<&String> {
        self.0.get(key)
    }
}

#[derive(Default)]
pub struct State {
    /// The scope shown: None = the total, or one product line.
    scope: Option<LineId>,
    drafts: HashMap<Option<LineId>, Draft>,
}

/// What the widgets of one frame did.
#[derive(Default)]
struct Tracker {
    /// A text field has the keyboard focus: the user is still typing.
    editing: bool,
    /// Something was changed.
    changed: bool,
}

impl Tracker {
    fn track(&mut self, r: &Response) {
        self.editing |= r.has_focus();
        self.changed |= r.changed();
    }
}

/// A labelled text field in a grid row, with the field's error (or a hint) beside it.
#[allow(clippy::too_many_arguments)]
fn text_row(
    ui: &mut Ui,
    t: &mut Tracker,
    errors: &Errors,
    label: &str,
    key: &str,
    text: &mut String,
    width: f32,
    hint: &str,
) {
    let l = ui.label(label);
    let r = ui
        .add_sized([width, 20.0], TextEdit::singleline(text).id_salt(key))
        .labelled_by(l.id);
    t.track(&r);
    error_or_hint(ui, errors, key, hint);
    ui.end_row();
}

fn error_or_hint(ui: &mut Ui, errors: &Errors, key: &str, hint: &str) {
    if let Some(message) = errors.get(key) {
        let color = ui.visuals().error_fg_color;
        ui.add(egui::Label::new(RichText::new(message).small().color(color)).wrap());
    } else {
        ui.label(RichText::new(hint).small().weak());
    }
}

/// A small grid of results: label, figure (right-aligned so the figures line up).
fn results(ui: &mut Ui, id: &str, rows: &[(String, String, bool)]) {
    let rows: Vec<_> = rows
        .iter()
        .map(|(label, value, strong)| (label.clone(), value.clone(), *strong, None))
        .collect();
    explained_results(ui, id, &rows);
}

/// [`results`] whose figures may say on hover how they were computed.
fn explained_results(ui: &mut Ui, id: &str, rows: &[(String, String, bool, Option<String>)]) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for (label, value, strong, explain) in rows {
                ui.label(RichText::new(label).weak());
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    let text = RichText::new(value).monospace();
                    let shown = ui.label(if *strong { text.strong() } else { text });
                    if let Some(e) = explain {
                        shown.on_hover_text(e);
                    }
                });
                ui.end_row();
            }
        });
}

fn section(ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
    ui.add_space(theme::SECTION_GAP / 2.0);
}

fn combo<T: Copy + PartialEq>(
    ui: &mut Ui,
    t: &mut Tracker,
    id: &str,
    label: &Response,
    value: &mut T,
    options: &[T],
    text: impl Fn(T) -> String,
) {
    let before = *value;
    egui::ComboBox::from_id_salt(id)
        .selected_text(text(*value))
        .width(260.0)
        .show_ui(ui, |ui| {
            for &o in options {
                ui.selectable_value(value, o, text(o));
            }
        })
        .response
        .labelled_by(label.id);
    if *value != before {
        t.changed = true;
    }
}

pub fn derive_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let snap = ctx.snap;
    if state
        .scope
        .is_some_and(|l| !snap.lines.iter().any(|x| x.id == l))
    {
        state.scope = None;
    }
    ui.label(ctx.tr("derive.intro"));
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("derive.scope"));
        let scope_text = |s: Option<LineId>| match s {
            None => ctx.tr("derive.scope.total").into_owned(),
            Some(l) => ctx.line_name(l),
        };
        let mut options = vec![None];
        options.extend(snap.lines.iter().map(|l| Some(l.id)));
        egui::ComboBox::from_id_salt("derive_scope")
            .selected_text(scope_text(state.scope))
            .width(220.0)
            .show_ui(ui, |ui| {
                for o in options {
                    ui.selectable_value(&mut state.scope, o, scope_text(o));
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.add_space(6.0);

    let scope = state.scope;
    let stored = snap
        .derivations
        .iter()
        .find(|(l, _)| *l == scope)
        .map(|(_, i)| i);
    let draft = state
        .drafts
        .entry(scope)
        .or_insert_with(|| Draft::load(ctx, stored));
    // Changed elsewhere (undo, another scope's apply) or shown in another unit: start again
    // from what is stored, unless the user has typed something not yet saved.
    if (!draft.touched && draft.loaded.as_ref() != stored) || draft.unit != ctx.unit() {
        *draft = Draft::load(ctx, stored);
    }

    let parsed = draft.parse(ctx);
    let derived = parsed.as_ref().ok().map(derivation::derive);
    let no_errors = Errors::default();
    let errors = parsed.as_ref().err().unwrap_or(&no_errors);
    let result = match &derived {
        Some(Ok(d)) => Some(d),
        _ => None,
    };

    summary_ui(ui, ctx, scope, draft, &parsed, &derived, editable, actions);
    ui.add_space(theme::SECTION_GAP / 2.0);

    let mut t = Tracker::default();
    ui.add_enabled_ui(editable, |ui| {
        let typed = parsed.as_ref().ok().and_then(|i| i.strategy.as_ref());
        strategy_ui(ui, ctx, &mut t, draft, errors, result, typed);
        let typed_history = parsed.as_ref().ok().and_then(|i| i.history.as_ref());
        history_ui(ui, ctx, &mut t, scope, draft, errors, result, typed_history);
        let typed_cycle = parsed.as_ref().ok().map(|i| &i.cycle);
        cycle_ui(
            ui,
            ctx,
            &mut t,
            scope,
            draft,
            errors,
            result,
            typed_cycle,
            actions,
        );
        competitors_ui(ui, ctx, &mut t, draft, errors, result);
        let alpha = parsed.as_ref().ok().map(|i| i.alpha);
        commit_ui(ui, ctx, &mut t, draft, errors, result, alpha);
    });

    if t.changed {
        draft.touched = true;
    }
    // Save when the user has finished typing and everything is valid.
    if editable
        && draft.touched
        && !t.editing
        && let Ok(inputs) = draft.parse(ctx)
    {
        if draft.loaded.as_ref() != Some(&inputs) {
            actions.push(Action::SetDerivationInputs {
                line: scope,
                inputs: inputs.clone(),
            });
        }
        draft.loaded = Some(inputs);
        draft.touched = false;
    }
}

/// The outcome at the top: the proposal, the committed and the stretch targets, the bridge,
/// and the button that makes the committed target the company's target for the scope.
#[allow(clippy::too_many_arguments)]
fn summary_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    scope: Option<LineId>,
    draft: &mut Draft,
    parsed: &Result<DerivationInputs, Errors>,
    derived: &Option<Result<Derivation, derivation::DerivationError>>,
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let root = ctx.tree.root().map(|n| n.id);
    let current = root.and_then(|r| {
        ctx.table
            .node_value(ctx.tree, r, scope, Period::Year, Metric::ContractAmount)
    });
    match (parsed, derived) {
        (Err(_), _) => widgets::warning(ui, &ctx.tr("derive.fix_fields")),
        (Ok(_), Some(Err(e))) => widgets::warning(ui, &e.localize(ctx.lang())),
        _ => {}
    }
    let Some(Ok(d)) = derived else {
        if let Some(v) = current {
            ui.label(ctx.trf(
                "derive.current_target",
                &[("value", ctx.money_with_unit(v))],
            ));
        }
        return;
    };
    let inputs = parsed.as_ref().ok();
    // The proposal and stretch with the figures they come from (the blend's weight and the
    // buffer are the inputs the derivation was made from).
    let proposal_explain = match (&d.strategy, &d.history, inputs) {
        (Some(st), Some(hi), Some(i)) => ctx.trf(
            "derive.proposal.formula",
            &[
                ("alpha", i.alpha.format_percent(4)),
                ("strategy", ctx.money_with_unit(st.target.fen())),
                ("history", ctx.money_with_unit(hi.target.fen())),
                ("cycle", d.cycle_factor.format_decimal(6)),
                ("adjustment", d.competitors.adjustment.format_percent(4)),
                ("proposal", ctx.money_with_unit(d.proposal.fen())),
            ],
        ),
        (Some(_), None, _) | (None, Some(_), _) => ctx.trf(
            "derive.proposal.formula_one",
            &[
                (
                    "base",
                    ctx.money_with_unit(
                        d.strategy
                            .as_ref()
                            .map(|s| s.target)
                            .or(d.history.as_ref().map(|h| h.target))
                            .unwrap_or_default()
                            .fen(),
                    ),
                ),
                ("cycle", d.cycle_factor.format_decimal(6)),
                ("adjustment", d.competitors.adjustment.format_percent(4)),
                ("proposal", ctx.money_with_unit(d.proposal.fen())),
            ],
        ),
        _ => ctx.tr("derive.proposal_explain").into_owned(),
    };
    let stretch_explain = match inputs {
        Some(i) => ctx.trf(
            "derive.stretch.formula",
            &[
                ("committed", ctx.money_with_unit(d.committed.fen())),
                ("buffer", i.stretch_buffer.format_percent(4)),
                ("stretch", ctx.money_with_unit(d.stretch.fen())),
            ],
        ),
        None => ctx.tr("derive.stretch_explain").into_owned(),
    };
    ui.horizontal_wrapped(|ui| {
        widgets::stat_card(
            ui,
            &ctx.tr("derive.proposal"),
            &ctx.money_with_unit(d.proposal.fen()),
            &ctx.tr("derive.proposal_detail"),
            Some(&proposal_explain),
        );
        widgets::stat_card(
            ui,
            &ctx.tr("derive.committed"),
            &ctx.money_with_unit(d.committed.fen()),
            &if d.committed == d.proposal {
                ctx.tr("derive.committed_is_proposal").into_owned()
            } else {
                ctx.tr("derive.committed_overridden").into_owned()
            },
            None,
        );
        widgets::stat_card(
            ui,
            &ctx.tr("derive.stretch"),
            &ctx.money_with_unit(d.stretch.fen()),
            &ctx.tr("derive.stretch_detail"),
            Some(&stretch_explain),
        );
    });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let applied = current == Some(d.committed.fen());
        let button = ui.add_enabled(
            editable && root.is_some() && !applied,
            egui::Button::new(ctx.tr(if scope.is_none() {
                "derive.apply_total"
            } else {
                "derive.apply_line"
            })),
        );
        if button.clicked()
            && let (Some(node), Ok(inputs)) = (root, parsed)
        {
            actions.push(Action::CommitDerivation {
                node,
                line: scope,
                inputs: inputs.clone(),
                committed: d.committed,
            });
            draft.loaded = Some(inputs.clone());
            draft.touched = false;
        }
        let text = match current {
            Some(v) if applied => ctx.trf("derive.applied", &[("value", ctx.money_with_unit(v))]),
            Some(v) => ctx.trf(
                "derive.current_target",
                &[("value", ctx.money_with_unit(v))],
            ),
            None => ctx.tr("derive.no_target").into_owned(),
        };
        ui.label(RichText::new(text).weak());
    });
    ui.add_space(6.0);
    bridge_chart(ui, ctx, d);
}

/// The bridge: the figures as bars from zero, the steps between them (cycle, competitors,
/// override) as floating bars from the figure before, green up and red down.
fn bridge_chart(ui: &mut Ui, ctx: &ViewCtx, d: &Derivation) {
    let scale = match ctx.unit() {
        AmountUnit::Yuan => 100.0,
        AmountUnit::Wan => 1_000_000.0,
    };
    let dark = ui.visuals().dark_mode;
    let labels: Vec<String> = d
        .bridge
        .iter()
        .map(|b| ctx.tr(b.key).into_owned())
        .collect();
    let bars: Vec<Bar> = d
        .bridge
        .iter()
        .enumerate()
        .map(|(i, step)| {
            // Plot coordinates only: the figures themselves stay exact.
            let value = step.value.fen() as f64 / scale;
            let change = step.change.fen() as f64 / scale;
            let floating = matches!(
                step.key,
                derivation::BRIDGE_AFTER_CYCLE
                    | derivation::BRIDGE_AFTER_COMPETITORS
                    | derivation::BRIDGE_OVERRIDE
            );
            let name = format!("{}: {}", labels[i], ctx.money_with_unit(step.value.fen()));
            if floating {
                let color = if step.change.is_negative() {
                    theme::bad(dark)
                } else {
                    theme::good(dark)
                };
                Bar::new(i as f64, change)
                    .base_offset(value - change)
                    .fill(color)
                    .name(name)
            } else {
                Bar::new(i as f64, value)
                    .fill(theme::accent(dark))
                    .name(name)
            }
        })
        .collect();
    // The figure above each bar: the amount, or the change for a step.
    let captions: Vec<(f64, f64, String)> = d
        .bridge
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let value = step.value.fen() as f64 / scale;
            let change = step.change.fen() as f64 / scale;
            let top = value.max(value - change);
            let floating = matches!(
                step.key,
                derivation::BRIDGE_AFTER_CYCLE
                    | derivation::BRIDGE_AFTER_COMPETITORS
                    | derivation::BRIDGE_OVERRIDE
            );
            let text = if floating {
                let sign = if step.change.is_negative() { "" } else { "+" };
                format!("{sign}{}", ctx.money(step.change.fen()))
            } else {
                ctx.money(step.value.fen())
            };
            (i as f64, top, text)
        })
        .collect();
    let count = labels.len();
    // Room above the tallest bar for its figure.
    let highest = captions.iter().map(|c| c.1).fold(0.0, f64::max);
    ui.label(RichText::new(ctx.tr("derive.bridge")).strong());
    Plot::new("derive_bridge")
        .height(220.0)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_boxed_zoom(false)
        .show_grid([false, true])
        .include_y(0.0)
        .include_y(highest * 1.12)
        .y_axis_label(ctx.unit_label())
        .x_grid_spacer(move |_| {
            (0..count)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("bridge", bars).width(0.6));
            for (x, y, text) in captions {
                plot.text(
                    egui_plot::Text::new("", egui_plot::PlotPoint::new(x, y), text)
                        .anchor(egui::Align2::CENTER_BOTTOM),
                );
            }
        });
}

fn strategy_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    t: &mut Tracker,
    draft: &mut Draft,
    errors: &Errors,
    d: Option<&Derivation>,
    inputs: Option<&derivation::StrategyInputs>,
) {
    section(ui, |ui| {
        let r = ui.checkbox(
            &mut draft.use_strategy,
            RichText::new(ctx.tr("derive.strategy")).strong(),
        );
        t.track(&r);
        ui.label(RichText::new(ctx.tr("derive.strategy_help")).weak());
        if !draft.use_strategy {
            return;
        }
        ui.horizontal_top(|ui| {
            egui::Grid::new("strategy_grid")
                .num_columns(3)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    text_row(
                        ui,
                        t,
                        errors,
                        &ctx.with_unit("derive.market_size"),
                        "market_size",
                        &mut draft.market_size,
                        140.0,
                        &ctx.tr("derive.market_size_hint"),
                    );
                    text_row(
                        ui,
                        t,
                        errors,
                        &ctx.tr("derive.market_growth"),
                        "market_growth",
                        &mut draft.market_growth,
                        80.0,
                        &ctx.tr("derive.percent_hint"),
                    );
                    text_row(
                        ui,
                        t,
                        errors,
                        &ctx.tr("derive.current_share"),
                        "current_share",
                        &mut draft.current_share,
                        80.0,
                        "",
                    );
                    text_row(
                        ui,
                        t,
                        errors,
                        &ctx.tr("derive.share_goal"),
                        "share_goal",
                        &mut draft.share_goal,
                        80.0,
                        "",
                    );
                    text_row(
                        ui,
                        t,
                        errors,
                        &ctx.tr("derive.years"),
                        "years",
                        &mut draft.years,
                        80.0,
                        &ctx.tr("derive.years_hint"),
                    );
                    let label = ui.label(ctx.tr("derive.path"));
                    combo(
                        ui,
                        t,
                        "share_path",
                        &label,
                        &mut draft.path,
                        &SharePath::ALL,
                        |p| ctx.tr(p.label_key()).into_owned(),
                    );
                    ui.label("");
                    ui.end_row();
                });
            ui.add_space(24.0);
            if let Some(s) = d.and_then(|d| d.strategy.as_ref()) {
                let market = inputs.map(|i| {
                    ctx.trf(
                        "derive.next_market.explain",
                        &[
                            ("market", ctx.money_with_unit(i.market_size.fen())),
                            ("growth", i.market_growth.format_percent(4)),
                            ("next", ctx.money_with_unit(s.next_market.fen())),
                        ],
                    )
                });
                let target = inputs.map(|i| {
                    ctx.trf(
                        "derive.strategy_target.explain",
                        &[
                            ("market", ctx.money_with_unit(i.market_size.fen())),
                            ("growth", i.market_growth.format_percent(4)),
                            ("share", s.next_share.format_percent(4)),
                            ("target", ctx.money_with_unit(s.target.fen())),
                        ],
                    )
                });
                explained_results(
                    ui,
                    "strategy_results",
                    &[
                        (
                            ctx.tr("derive.next_share").into_owned(),
                            s.next_share.format_percent(4),
                            false,
                            None,
                        ),
                        (
                            ctx.tr("derive.next_market").into_owned(),
                            ctx.money_with_unit(s.next_market.fen()),
                            false,
                            market,
                        ),
                        (
                            ctx.tr("derive.strategy_target").into_owned(),
                            ctx.money_with_unit(s.target.fen()),
                            true,
                            target,
                        ),
                    ],
                );
            }
        });
    });
}

#[allow(clippy::too_many_arguments)]
fn history_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    t: &mut Tracker,
    scope: Option<LineId>,
    draft: &mut Draft,
    errors: &Errors,
    d: Option<&Derivation>,
    typed: Option<&derivation::HistoryInputs>,
) {
    let snap = ctx.snap;
    section(ui, |ui| {
        let r = ui.checkbox(
            &mut draft.use_history,
            RichText::new(ctx.tr("derive.history")).strong(),
        );
        t.track(&r);
        ui.label(RichText::new(ctx.tr("derive.history_help")).weak());
        if !draft.use_history {
            return;
        }
        let step = d.and_then(|d| d.history.as_ref());
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                egui::Grid::new("history_grid")
                    .num_columns(4)
                    .spacing([12.0, 4.0])
                    .striped(true)
                    .show(ui, |ui| {
                        let year_head = ui
                            .label(RichText::new(ctx.tr("col.calendar_year")).weak())
                            .id;
                        let amount_head = ui
                            .label(RichText::new(ctx.with_unit("derive.actual_sales")).weak())
                            .id;
                        ui.label(RichText::new(ctx.tr("derive.growth")).weak());
                        ui.label("");
                        ui.end_row();
                        let mut remove = None;
                        for (i, (year, amount)) in draft.history.iter_mut().enumerate() {
                            let yk = format!("hist_year_{i}");
                            let ak = format!("hist_amount_{i}");
                            let r =
                                ui.add_sized([56.0, 20.0], TextEdit::singleline(year).id_salt(&yk));
                            let r = r.labelled_by(year_head);
                            t.track(&r);
                            let r = ui
                                .add_sized([130.0, 20.0], TextEdit::singleline(amount).id_salt(&ak))
                                .labelled_by(amount_head);
                            t.track(&r);
                            let growth = year
                                .trim()
                                .parse::<i32>()
                                .ok()
                                .and_then(|y| step?.growth.iter().find(|(gy, _)| *gy == y))
                                .and_then(|(_, g)| *g)
                                .map(|g| g.format_percent_fixed(2))
                                .unwrap_or_else(|| "—".into());
                            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                ui.label(RichText::new(growth).monospace());
                            });
                            if ui
                                .small_button("×")
                                .on_hover_text(ctx.tr("derive.remove_year"))
                                .clicked()
                            {
                                remove = Some(i);
                            }
                            ui.end_row();
                            for key in [&yk, &ak] {
                                if let Some(message) = errors.get(key) {
                                    ui.label("");
                                    let color = ui.visuals().error_fg_color;
                                    ui.label(RichText::new(message).small().color(color));
                                    ui.end_row();
                                }
                            }
                        }
                        if let Some(i) = remove {
                            draft.history.remove(i);
                            t.changed = true;
                        }
                    });
                ui.horizontal(|ui| {
                    if ui.button(ctx.tr("derive.add_year")).clicked() {
                        let next = draft
                            .history
                            .iter()
                            .filter_map(|(y, _)| y.trim().parse::<i32>().ok())
                            .max()
                            .map_or_else(
                                || (snap.plan.fiscal_year.year() - 1).to_string(),
                                |y| (y + 1).to_string(),
                            );
                        draft.history.push((next, String::new()));
                        t.changed = true;
                    }
                    let imported = imported_history(ctx, scope);
                    let fill = ui
                        .add_enabled(
                            !imported.is_empty(),
                            egui::Button::new(ctx.tr("derive.fill_history")),
                        )
                        .on_hover_text(ctx.tr("derive.fill_history_explain"))
                        .on_disabled_hover_text(ctx.tr("derive.no_history"));
                    if fill.clicked() {
                        draft.history = imported
                            .into_iter()
                            .map(|(y, m)| (y.to_string(), amount_text(ctx, m)))
                            .collect();
                        t.changed = true;
                    }
                });
                ui.horizontal(|ui| {
                    let label = ui.label(ctx.tr("derive.method"));
                    combo(
                        ui,
                        t,
                        "history_method",
                        &label,
                        &mut draft.method,
                        &HistoryMethod::ALL,
                        |m| ctx.tr(m.label_key()).into_owned(),
                    );
                });
            });
            ui.add_space(24.0);
            if let Some(h) = step {
                let why = HistoryExplained::new(ctx, h, typed);
                let mut rows = vec![(
                    ctx.tr("derive.cagr").into_owned(),
                    h.cagr
                        .map(|c| c.format_percent(4))
                        .unwrap_or_else(|| "—".into()),
                    false,
                    why.cagr,
                )];
                if let Some(slope) = h.trend_slope
                    && let Ok(per_year) = i64::try_from(slope.round_half_away())
                {
                    rows.push((
                        ctx.tr("derive.trend_slope").into_owned(),
                        ctx.money_with_unit(per_year),
                        false,
                        why.trend.clone(),
                    ));
                }
                if let Some(next) = h.trend_next {
                    rows.push((
                        ctx.tr("derive.trend_next").into_owned(),
                        ctx.money_with_unit(next.fen()),
                        false,
                        why.trend,
                    ));
                }
                rows.push((
                    ctx.tr("derive.history_target").into_owned(),
                    ctx.money_with_unit(h.target.fen()),
                    true,
                    why.target,
                ));
                ui.vertical(|ui| {
                    explained_results(ui, "history_results", &rows);
                    if let Some(last) = h.growth.last().map(|(y, _)| *y)
                        && last + 1 != snap.plan.fiscal_year.year()
                    {
                        widgets::warning(
                            ui,
                            &ctx.trf(
                                "derive.history_year_gap",
                                &[
                                    ("last", last.to_string()),
                                    ("next", (last + 1).to_string()),
                                    ("plan", snap.plan.fiscal_year.year().to_string()),
                                ],
                            ),
                        );
                    }
                });
            }
        });
        seasonality_ui(ui, ctx);
    });
}

/// The history step's figures with the actual years and amounts they come from.
struct HistoryExplained {
    cagr: Option<String>,
    trend: Option<String>,
    target: Option<String>,
}

impl HistoryExplained {
    fn new(
        ctx: &ViewCtx,
        h: &derivation::HistoryStep,
        typed: Option<&derivation::HistoryInputs>,
    ) -> Self {
        let none = HistoryExplained {
            cagr: None,
            trend: None,
            target: None,
        };
        let Some(typed) = typed else { return none };
        let mut years = typed.years.clone();
        years.sort_by_key(|&(y, _)| y);
        let (Some(&(first_year, first)), Some(&(last_year, last))) = (years.first(), years.last())
        else {
            return none;
        };
        let cagr = h.cagr.map(|c| {
            ctx.trf(
                "derive.cagr.explain",
                &[
                    ("first_year", first_year.to_string()),
                    ("first", ctx.money_with_unit(first.fen())),
                    ("last_year", last_year.to_string()),
                    ("last", ctx.money_with_unit(last.fen())),
                    (
                        "span",
                        (i64::from(last_year) - i64::from(first_year)).to_string(),
                    ),
                    ("cagr", c.format_percent(4)),
                ],
            )
        });
        let trend = h.trend_next.map(|next| {
            ctx.trf(
                "derive.trend.explain",
                &[
                    ("count", years.len().to_string()),
                    ("first_year", first_year.to_string()),
                    ("last_year", last_year.to_string()),
                    ("next_year", (i64::from(last_year) + 1).to_string()),
                    ("next", ctx.money_with_unit(next.fen())),
                ],
            )
        });
        let last_args = [
            ("last_year", last_year.to_string()),
            ("last", ctx.money_with_unit(last.fen())),
            ("target", ctx.money_with_unit(h.target.fen())),
        ];
        let target = match typed.method {
            derivation::HistoryMethod::Cagr => h.cagr.map(|c| {
                let mut args = last_args.to_vec();
                args.push(("cagr", c.format_percent(4)));
                ctx.trf("derive.history_target.cagr", &args)
            }),
            derivation::HistoryMethod::Trend => Some(ctx.trf(
                "derive.history_target.trend",
                &[
                    ("next_year", (i64::from(last_year) + 1).to_string()),
                    ("target", ctx.money_with_unit(h.target.fen())),
                ],
            )),
            derivation::HistoryMethod::LastGrowth => {
                h.growth.last().and_then(|&(_, g)| g).map(|g| {
                    let mut args = last_args.to_vec();
                    args.push(("growth", g.format_percent_fixed(2)));
                    ctx.trf("derive.history_target.last_growth", &args)
                })
            }
        };
        HistoryExplained {
            cagr,
            trend,
            target,
        }
    }
}

/// The imported history of a scope: (year, sales) for every year with sales.
fn imported_history(ctx: &ViewCtx, scope: Option<LineId>) -> Vec<(i32, Money)> {
    ctx.snap
        .history
        .iter()
        .filter_map(|h| {
            let amount = match scope {
                None => h.total,
                Some(line) => h
                    .by_line
                    .iter()
                    .find(|(l, _)| *l == line)
                    .map(|(_, m)| *m)?,
            };
            (amount.fen() > 0).then_some((h.year, amount))
        })
        .collect()
}

/// The monthly seasonality of the imported history (all lines together).
fn seasonality_ui(ui: &mut Ui, ctx: &ViewCtx) {
    let fy = &ctx.snap.plan.fiscal_year;
    let Some(weights) = history::seasonality(&ctx.snap.history, fy) else {
        return;
    };
    ui.add_space(8.0);
    ui.label(RichText::new(ctx.tr("derive.seasonality")).strong());
    let mut cols = Vec::new();
    let mut row = Vec::new();
    for m in 1..=12u8 {
        cols.push(Col::num(ctx.month_name(m)).width(58.0));
        row.push(Cell::num(
            seasonality::share(&weights, usize::from(m - 1))
                .map(|s| s.format_percent_fixed(1))
                .unwrap_or_else(|| "—".into()),
        ));
    }
    widgets::table(ui, "derive_seasonality", &cols, &[row]);
}

#[allow(clippy::too_many_arguments)]
fn cycle_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    t: &mut Tracker,
    scope: Option<LineId>,
    draft: &mut Draft,
    errors: &Errors,
    d: Option<&Derivation>,
    typed: Option<&derivation::CycleInputs>,
    actions: &mut Vec<Action>,
) {
    section(ui, |ui| {
        ui.label(RichText::new(ctx.tr("derive.cycle")).strong());
        ui.label(RichText::new(ctx.tr("derive.cycle_help")).weak());
        ui.horizontal_top(|ui| {
            egui::Grid::new("cycle_grid")
                .num_columns(3)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    let label = ui.label(ctx.tr("derive.phase"));
                    combo(
                        ui,
                        t,
                        "phase",
                        &label,
                        &mut draft.phase,
                        &EconomicPhase::ALL,
                        |p| ctx.tr(p.label_key()).into_owned(),
                    );
                    ui.label("");
                    ui.end_row();
                    text_row(
                        ui,
                        t,
                        errors,
                        &ctx.tr("derive.sensitivity"),
                        "sensitivity",
                        &mut draft.sensitivity,
                        80.0,
                        &ctx.tr("derive.sensitivity_hint"),
                    );
                    for phase in EconomicPhase::ALL {
                        let i = phase.index();
                        let label = ctx.trf(
                            "derive.effect",
                            &[("phase", ctx.tr(phase.label_key()).into_owned())],
                        );
                        text_row(
                            ui,
                            t,
                            errors,
                            &label,
                            &format!("effect_{i}"),
                            &mut draft.effects[i],
                            80.0,
                            "",
                        );
                    }
                });
            ui.add_space(24.0);
            if let Some(d) = d {
                // 1 + sensitivity × the phase's effect, with the figures typed.
                let explain = typed.map(|c| {
                    ctx.trf(
                        "derive.cycle_factor.explain",
                        &[
                            ("sensitivity", c.sensitivity.format_decimal(4)),
                            ("phase", ctx.tr(c.phase.label_key()).into_owned()),
                            ("effect", c.effects[c.phase.index()].format_percent(4)),
                            ("factor", d.cycle_factor.format_decimal(6)),
                        ],
                    )
                });
                explained_results(
                    ui,
                    "cycle_results",
                    &[(
                        ctx.tr("derive.cycle_factor").into_owned(),
                        d.cycle_factor.format_decimal(6),
                        true,
                        explain,
                    )],
                );
            }
        });
        ui.add_space(8.0);
        life_cycle_ui(ui, ctx, scope, actions);
    });
}

/// Each product line's life-cycle stage and what its target is judged on.
fn life_cycle_ui(ui: &mut Ui, ctx: &ViewCtx, scope: Option<LineId>, actions: &mut Vec<Action>) {
    let lines: Vec<_> = ctx
        .snap
        .lines
        .iter()
        .filter(|l| scope.is_none_or(|s| s == l.id))
        .collect();
    if lines.is_empty() {
        return;
    }
    ui.label(RichText::new(ctx.tr("derive.life_cycle")).strong());
    egui::Grid::new("life_cycle_grid")
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for line in lines {
                let label = ui.label(&line.name);
                let mut stage = line.life_cycle;
                let text = |s: Option<LifeCycle>| match s {
                    None => ctx.tr("derive.life_cycle.unset").into_owned(),
                    Some(s) => ctx.tr(s.label_key()).into_owned(),
                };
                egui::ComboBox::from_id_salt(("life_cycle", line.id.0))
                    .selected_text(text(stage))
                    .width(140.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut stage, None, text(None));
                        for s in LifeCycle::ALL {
                            ui.selectable_value(&mut stage, Some(s), text(Some(s)));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if stage != line.life_cycle {
                    actions.push(Action::SetLifeCycle {
                        line: line.id,
                        stage,
                    });
                }
                ui.label(
                    RichText::new(
                        stage
                            .map(|s| ctx.tr(s.emphasis_key()).into_owned())
                            .unwrap_or_default(),
                    )
                    .small()
                    .weak(),
                );
                ui.end_row();
            }
        });
}

fn competitors_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    t: &mut Tracker,
    draft: &mut Draft,
    errors: &Errors,
    d: Option<&Derivation>,
) {
    section(ui, |ui| {
        ui.label(RichText::new(ctx.tr("derive.competitors")).strong());
        ui.label(RichText::new(ctx.tr("derive.competitors_help")).weak());
        if !draft.competitors.is_empty() {
            egui::ScrollArea::horizontal()
                .id_salt("competitors_scroll")
                .show(ui, |ui| {
                    egui::Grid::new("competitors_grid")
                        .num_columns(8)
                        .spacing([8.0, 4.0])
                        .show(ui, |ui| {
                            let heads = [
                                "derive.comp.name",
                                "derive.comp.share",
                                "derive.comp.strengths",
                                "derive.comp.weaknesses",
                                "derive.comp.moves",
                                "derive.comp.adjustment",
                                "derive.comp.reason",
                            ]
                            .map(|key| ui.label(RichText::new(ctx.tr(key)).weak()).id);
                            ui.label("");
                            ui.end_row();
                            let mut remove = None;
                            for (i, c) in draft.competitors.iter_mut().enumerate() {
                                let fields: [(&mut String, f32, String); 7] = [
                                    (&mut c.name, 110.0, format!("comp_name_{i}")),
                                    (&mut c.share, 60.0, format!("comp_share_{i}")),
                                    (&mut c.strengths, 130.0, format!("comp_str_{i}")),
                                    (&mut c.weaknesses, 130.0, format!("comp_weak_{i}")),
                                    (&mut c.moves, 130.0, format!("comp_moves_{i}")),
                                    (&mut c.adjustment, 60.0, format!("comp_adj_{i}")),
                                    (&mut c.reason, 130.0, format!("comp_reason_{i}")),
                                ];
                                for ((text, width, key), head) in fields.into_iter().zip(heads) {
                                    let r = ui
                                        .add_sized(
                                            [width, 20.0],
                                            TextEdit::singleline(text).id_salt(&key),
                                        )
                                        .labelled_by(head);
                                    t.track(&r);
                                }
                                if ui
                                    .small_button("×")
                                    .on_hover_text(ctx.tr("derive.comp.remove"))
                                    .clicked()
                                {
                                    remove = Some(i);
                                }
                                ui.end_row();
                                for key in [format!("comp_share_{i}"), format!("comp_adj_{i}")] {
                                    if let Some(message) = errors.get(&key) {
                                        let color = ui.visuals().error_fg_color;
                                        ui.label("");
                                        ui.label(RichText::new(message).small().color(color));
                                        ui.end_row();
                                    }
                                }
                            }
                            if let Some(i) = remove {
                                draft.competitors.remove(i);
                                t.changed = true;
                            }
                        });
                });
        }
        if ui.button(ctx.tr("derive.comp.add")).clicked() {
            draft.competitors.push(CompetitorText {
                share: "0%".into(),
                adjustment: "0%".into(),
                ..CompetitorText::default()
            });
            t.changed = true;
        }
        if let Some(d) = d
            && !draft.competitors.is_empty()
        {
            let c = &d.competitors;
            let mut rows = Vec::new();
            if let Some(total) = c.total_share {
                rows.push((
                    ctx.tr("derive.comp.total_share").into_owned(),
                    total.format_percent(2),
                    false,
                ));
            }
            if let (Some(rel), Some(largest)) = (c.relative_share, &c.largest) {
                rows.push((
                    ctx.trf("derive.comp.relative_share", &[("name", largest.clone())]),
                    rel.format_decimal(2),
                    false,
                ));
            }
            rows.push((
                ctx.tr("derive.comp.total_adjustment").into_owned(),
                c.adjustment.format_percent(4),
                true,
            ));
            ui.add_space(6.0);
            results(ui, "competitor_results", &rows);
            if c.exceeds_market {
                widgets::warning(ui, &ctx.tr("derive.comp.exceeds"));
            }
        }
    });
}

fn commit_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    t: &mut Tracker,
    draft: &mut Draft,
    errors: &Errors,
    d: Option<&Derivation>,
    alpha: Option<Ratio>,
) {
    section(ui, |ui| {
        ui.label(RichText::new(ctx.tr("derive.blend")).strong());
        ui.label(RichText::new(ctx.tr("derive.blend_help")).weak());
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                egui::Grid::new("blend_grid")
                    .num_columns(3)
                    .min_col_width(120.0)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        text_row(
                            ui,
                            t,
                            errors,
                            &ctx.tr("derive.alpha"),
                            "alpha",
                            &mut draft.alpha,
                            80.0,
                            &ctx.tr("derive.alpha_hint"),
                        );
                        text_row(
                            ui,
                            t,
                            errors,
                            &ctx.tr("derive.buffer"),
                            "buffer",
                            &mut draft.buffer,
                            80.0,
                            &ctx.tr("derive.buffer_hint"),
                        );
                    });
                let r = ui.checkbox(&mut draft.use_override, ctx.tr("derive.override"));
                t.track(&r);
                if draft.use_override {
                    egui::Grid::new("override_grid")
                        .num_columns(3)
                        .spacing([12.0, 6.0])
                        .show(ui, |ui| {
                            text_row(
                                ui,
                                t,
                                errors,
                                &ctx.with_unit("derive.override_amount"),
                                "override_amount",
                                &mut draft.override_amount,
                                140.0,
                                "",
                            );
                            text_row(
                                ui,
                                t,
                                errors,
                                &ctx.tr("derive.override_reason"),
                                "override_reason",
                                &mut draft.override_reason,
                                320.0,
                                &ctx.tr("derive.override_reason_hint"),
                            );
                        });
                }
            });
            ui.add_space(24.0);
            if let Some(d) = d {
                let mut rows = Vec::new();
                if let (Some(st), Some(hi)) = (&d.strategy, &d.history) {
                    rows.push((
                        ctx.tr(derivation::BRIDGE_BLENDED).into_owned(),
                        ctx.money_with_unit(d.blended.fen()),
                        false,
                        alpha.map(|a| {
                            ctx.trf(
                                "derive.blended.explain",
                                &[
                                    ("alpha", a.format_percent(4)),
                                    ("strategy", ctx.money_with_unit(st.target.fen())),
                                    ("history", ctx.money_with_unit(hi.target.fen())),
                                    ("blended", ctx.money_with_unit(d.blended.fen())),
                                ],
                            )
                        }),
                    ));
                }
                rows.push((
                    ctx.tr(derivation::BRIDGE_AFTER_CYCLE).into_owned(),
                    ctx.money_with_unit(d.after_cycle.fen()),
                    false,
                    Some(ctx.trf(
                        "derive.after_cycle.explain",
                        &[
                            ("blended", ctx.money_with_unit(d.blended.fen())),
                            ("cycle", d.cycle_factor.format_decimal(6)),
                            ("after", ctx.money_with_unit(d.after_cycle.fen())),
                        ],
                    )),
                ));
                rows.push((
                    ctx.tr(derivation::BRIDGE_AFTER_COMPETITORS).into_owned(),
                    ctx.money_with_unit(d.proposal.fen()),
                    false,
                    Some(ctx.trf(
                        "derive.after_competitors.explain",
                        &[
                            ("after", ctx.money_with_unit(d.after_cycle.fen())),
                            ("adjustment", d.competitors.adjustment.format_percent(4)),
                            ("proposal", ctx.money_with_unit(d.proposal.fen())),
                        ],
                    )),
                ));
                rows.push((
                    ctx.tr(derivation::BRIDGE_COMMITTED).into_owned(),
                    ctx.money_with_unit(d.committed.fen()),
                    true,
                    None,
                ));
                rows.push((
                    ctx.tr(derivation::BRIDGE_STRETCH).into_owned(),
                    ctx.money_with_unit(d.stretch.fen()),
                    true,
                    None,
                ));
                explained_results(ui, "blend_results", &rows);
            }
        });
    });
}
