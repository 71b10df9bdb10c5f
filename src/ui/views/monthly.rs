//! Monthly plan: the editable month grid (people grouped by unit × 12 months, quarters and the
//! year, for each metric), filled from the funnel phasing or by hand, and the seasonality from
//! history the contract months are spread by.

use egui::Ui;

use crate::domain::model::Metric;
use crate::domain::plan_funnels::{self, Basis};
use crate::domain::{history, seasonality};
use crate::ui::theme;
use crate::ui::views::{Action, ViewCtx, grid};
use crate::ui::widgets::{self, Cell, Col};

fn month_name(ctx: &ViewCtx, fiscal_month: u8) -> String {
    ctx.month_name(fiscal_month)
}

/// The hover texts of the 12 seasonality shares: each the average of the month's share of its
/// year over the history years that count (those with any sales), each year's share named.
pub(crate) fn seasonality_explains(ctx: &ViewCtx, weights: &[i64; 12]) -> Vec<String> {
    let fy = &ctx.snap.plan.fiscal_year;
    // Each counted year: its months (negative ones as zero) and their total.
    let years: Vec<(i32, [i64; 12], i64)> = ctx
        .snap
        .history
        .iter()
        .map(|h| {
            let months = history::by_fiscal_month(h, fy).map(|m| m.max(0));
            let total = months.iter().fold(0i64, |a, &m| a.saturating_add(m));
            (h.year, months, total)
        })
        .filter(|(_, _, total)| *total > 0)
        .collect();
    (0..12)
        .map(|i| {
            let terms: Vec<String> = years
                .iter()
                .map(|(year, months, total)| {
                    let share =
                        crate::domain::ratio::Ratio::new(i128::from(months[i]), i128::from(*total))
                            .map(|r| r.format_percent_fixed(1))
                            .unwrap_or_default();
                    ctx.trf(
                        "monthly.share_term",
                        &[("year", year.to_string()), ("share", share)],
                    )
                })
                .collect();
            ctx.trf(
                "monthly.share_formula",
                &[
                    ("month", ctx.month_name(i as u8 + 1)),
                    ("parts", terms.join(" + ")),
                    ("n", years.len().to_string()),
                    (
                        "share",
                        seasonality::share(weights, i)
                            .map(|s| s.format_percent_fixed(1))
                            .unwrap_or_default(),
                    ),
                ],
            )
        })
        .collect()
}

#[derive(Default)]
pub struct State {
    pub grid: grid::State,
    pub actions: crate::ui::views::actions::State,
    /// The seasonality shares' hover texts, once per change of the plan and language.
    season: crate::ui::views::Memo<(u64, crate::i18n::Lang), Vec<String>>,
}

/// Every person's months of a count metric from their funnel phasing (the stretch target),
/// with the years as sums, as one change.
fn fill_from_funnel(ctx: &ViewCtx, metric: Metric, rephase: bool) -> Option<Action> {
    let plans = plan_funnels::person_plans(ctx.snap, ctx.stats, Basis::Stretch, 1);
    let mut edits = Vec::new();
    for p in &plans {
        let Ok(ph) = &p.phasing else { continue };
        // Re-phased as the Funnel view shows it when its re-phase box is ticked.
        let rephased = if rephase && ph.suggested_earliest > 1 {
            let mut inputs = p.phasing_inputs.clone();
            inputs.earliest_new_close = ph.suggested_earliest;
            crate::domain::phasing::phase(&inputs).ok()
        } else {
            None
        };
        let ph = rephased.as_ref().unwrap_or(ph);
        for m in &ph.months {
            let value = match metric {
                Metric::Deals => m.deals,
                Metric::Leads => m.leads,
                Metric::Visits => m.visits,
                Metric::Bids => m.bids,
                _ => return None,
            };
            edits.push(crate::domain::grid::CellEdit {
                node: p.person,
                month: m.month,
                value: Some(value),
            });
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(grid::write_cells(
        ctx,
        metric,
        &edits,
        "change.fill_from_funnel",
        ctx.tr(metric.label_key()).into_owned(),
    ))
}

/// Every person's collection months from their contracts' payment schedules (the amounts
/// falling due in each month of the plan year), with the years as sums, as one change. People
/// without installments in the year keep what they have.
fn fill_from_schedules(ctx: &ViewCtx) -> Option<Action> {
    let r = &ctx.snap.receivables;
    let plan = crate::domain::receivables::collection_plan(
        r,
        &ctx.snap.plan.fiscal_year,
        crate::ui::views::accounts::today(),
    );
    let mut edits = Vec::new();
    for p in ctx.snap.people() {
        if !plan.iter().any(|l| l.person == Some(p.id)) {
            continue;
        }
        let months = crate::domain::receivables::monthly_collections(&plan, p.id);
        for (i, m) in months.iter().enumerate() {
            edits.push(crate::domain::grid::CellEdit {
                node: p.id,
                month: i as u8 + 1,
                value: Some(m.fen()),
            });
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(grid::write_cells(
        ctx,
        Metric::Collections,
        &edits,
        "change.fill_from_schedules",
        ctx.tr(Metric::Collections.label_key()).into_owned(),
    ))
}

/// `rephase`: the Funnel view's re-phase box, which "fill from the funnel" follows.
pub fn monthly_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    rephase: bool,
    actions: &mut Vec<Action>,
) {
    widgets::heading(ui, &ctx.tr("view.monthly"));
    ui.label(ctx.tr("grid.intro"));
    ui.horizontal(|ui| {
        for metric in grid::METRICS {
            let title = if metric.is_money() {
                ctx.with_unit(metric.label_key())
            } else {
                ctx.tr(metric.label_key()).into_owned()
            };
            if ui
                .selectable_label(state.grid.metric == metric, title)
                .clicked()
            {
                state.grid.metric = metric;
                state.grid.editing = None;
                state.grid.problems.clear();
            }
        }
        ui.checkbox(&mut state.grid.quarters, ctx.tr("grid.quarters"));
        let metric = state.grid.metric;
        if !metric.is_money()
            && ui
                .button(ctx.tr("grid.fill_from_funnel"))
                .on_hover_text(ctx.tr("grid.fill_from_funnel_explain"))
                .clicked()
            && let Some(action) = fill_from_funnel(ctx, metric, rephase)
        {
            actions.push(action);
        }
        if metric == Metric::Collections
            && ui
                .button(ctx.tr("grid.fill_from_schedules"))
                .on_hover_text(ctx.tr("grid.fill_from_schedules_explain"))
                .clicked()
        {
            match fill_from_schedules(ctx) {
                Some(action) => actions.push(action),
                None => actions.push(Action::InputError(ctx.tr("grid.no_schedules").into_owned())),
            }
        }
        ui.separator();
        if ui
            .button(ctx.tr("grid.import_file"))
            .on_hover_text(ctx.tr("grid.import_file_explain"))
            .clicked()
        {
            actions.push(Action::PickMonthlyFile);
        }
        if ui.button(ctx.tr("grid.export_file")).clicked() {
            actions.push(Action::Command(crate::ui::commands::Command::Export));
        }
    });
    ui.add_space(theme::SECTION_GAP / 2.0);
    grid::grid_ui(ui, ctx, &mut state.grid, actions);
    ui.add_space(theme::SECTION_GAP);
    crate::ui::views::actions::actions_ui(ui, ctx, &mut state.actions, actions);
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("monthly.seasonality"));
    match history::seasonality(&ctx.snap.history, &ctx.snap.plan.fiscal_year) {
        Some(weights) => {
            let mut cols = vec![Col::text("").width(120.0)];
            cols.extend((1..=12).map(|m| Col::num(month_name(ctx, m)).width(66.0)));
            let mut row = vec![Cell::text(ctx.trf(
                "monthly.share_row",
                &[("n", ctx.snap.history.len().to_string())],
            ))];
            let explains = state.season.get((ctx.generation, ctx.lang()), |_| {
                let formula = ctx.tr("monthly.share_explain");
                seasonality_explains(ctx, &weights)
                    .into_iter()
                    .map(|e| format!("{e}\n{formula}"))
                    .collect()
            });
            row.extend(explains.iter().enumerate().map(|(i, explain)| {
                Cell::num(
                    seasonality::share(&weights, i)
                        .map(|s| s.format_percent_fixed(1))
                        .unwrap_or_default(),
                )
                .explain(explain.clone())
            }));
            widgets::table(ui, "seasonality", &cols, &[row]);
        }
        None => widgets::note(ui, &ctx.tr("monthly.no_history")),
    }
}
