//! The actuals of past years — the sales history by year (growth, contracts, average size) and
//! by month as a plot — and the expense budget against actual spending by month.

use std::collections::HashSet;

use egui::Ui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::domain::history;
use crate::domain::model::NodeId;
use crate::domain::money::{AmountUnit, Money};
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

/// The past years' and the expenses' tables as shown, formatted once per generation.
pub(super) struct Texts {
    /// The budget, actual and variance rows (None: no expenses at all).
    expenses: Option<Vec<Vec<Cell>>>,
    /// One row a year.
    years: Vec<Vec<Cell>>,
    /// The compound growth line and its explanation.
    cagr: Option<(String, String)>,
    /// The line × region pivot: its region columns and rows (None: not shown).
    pivot: Option<(Vec<String>, Vec<Vec<Cell>>)>,
}

pub(super) fn texts(ctx: &ViewCtx, dark: bool) -> Texts {
    let snap = ctx.snap;
    let years = history::summaries(&snap.history)
        .into_iter()
        .map(|y| {
            let mut average = Cell::num(
                y.average_contract
                    .map(|m| ctx.money(m.fen()))
                    .unwrap_or_else(|| "—".into()),
            );
            if let Some(m) = y.average_contract {
                average = average.explain(ctx.trf(
                    "variance.average_contract.explain",
                    &[
                        ("total", ctx.money_with_unit(y.total.fen())),
                        ("n", y.contracts.to_string()),
                        ("average", ctx.money_with_unit(m.fen())),
                    ],
                ));
            }
            let growth_text = y
                .growth
                .map(|g| g.format_percent_fixed(2))
                .unwrap_or_else(|| "—".into());
            let mut growth = Cell::num(growth_text.clone());
            // Growth is over the calendar year before, when the history holds it.
            let before = snap
                .history
                .iter()
                .find(|h| i64::from(h.year) == i64::from(y.year) - 1);
            if let (Some(_), Some(before)) = (y.growth, before) {
                growth = growth.explain(ctx.trf(
                    "variance.growth.explain",
                    &[
                        ("year", y.year.to_string()),
                        ("total", ctx.money_with_unit(y.total.fen())),
                        ("before_year", before.year.to_string()),
                        ("before", ctx.money_with_unit(before.total.fen())),
                        ("growth", growth_text),
                    ],
                ));
            }
            vec![
                Cell::text(y.year.to_string()),
                Cell::num(ctx.money(y.total.fen())),
                Cell::num(y.contracts.to_string()),
                average,
                growth,
            ]
        })
        .collect();
    let cagr = history::cagr(&snap.history).map(|cagr| {
        let line = ctx.trf(
            "variance.cagr",
            &[
                (
                    "first",
                    snap.history
                        .first()
                        .map(|h| h.year)
                        .unwrap_or_default()
                        .to_string(),
                ),
                (
                    "last",
                    snap.history
                        .last()
                        .map(|h| h.year)
                        .unwrap_or_default()
                        .to_string(),
                ),
                ("rate", cagr.format_percent(2)),
            ],
        );
        // The years the rate is taken between: the first and last with any sales.
        let first = snap.history.iter().find(|y| y.total.fen() > 0);
        let last = snap.history.iter().rev().find(|y| y.total.fen() > 0);
        let explain = match (first, last) {
            (Some(first), Some(last)) => ctx.trf(
                "variance.cagr.formula",
                &[
                    ("last", ctx.money_with_unit(last.total.fen())),
                    ("last_year", last.year.to_string()),
                    ("first", ctx.money_with_unit(first.total.fen())),
                    ("first_year", first.year.to_string()),
                    (
                        "span",
                        (i64::from(last.year) - i64::from(first.year)).to_string(),
                    ),
                    ("rate", cagr.format_percent(2)),
                ],
            ),
            _ => ctx.tr("variance.cagr_explain").into_owned(),
        };
        (line, explain)
    });
    let pivot = history::line_region_pivot(&snap.history);
    let pivot = (pivot.regions.iter().any(|r| !r.is_empty()) || snap.lines.len() > 1).then(|| {
        let regions = pivot
            .regions
            .iter()
            .map(|r| {
                if r.is_empty() {
                    ctx.tr("variance.no_region").into_owned()
                } else {
                    r.clone()
                }
            })
            .collect();
        let rows = pivot
            .rows
            .iter()
            .map(|(year, line, amounts)| {
                let mut row = vec![
                    Cell::text(year.to_string()),
                    Cell::text(
                        line.map(|l| ctx.line_name(l))
                            .unwrap_or_else(|| ctx.tr("variance.no_line").into_owned()),
                    ),
                ];
                row.extend(amounts.iter().map(|m| Cell::num(ctx.money(m.fen()))));
                row
            })
            .collect();
        (regions, rows)
    });
    Texts {
        expenses: expense_rows(ctx, dark),
        years,
        cagr,
        pivot,
    }
}

pub fn history_ui(ui: &mut Ui, ctx: &ViewCtx, t: &Texts, cumulative: &mut bool) {
    let snap = ctx.snap;
    if snap.history.is_empty() {
        widgets::note(ui, &ctx.tr("variance.no_history"));
        return;
    }
    widgets::subheading(ui, &ctx.tr("variance.history_by_year"));
    widgets::table(
        ui,
        "history_years",
        &[
            Col::text(ctx.tr("col.calendar_year")).width(70.0),
            Col::num(ctx.with_unit("metric.contract_amount")),
            Col::num(ctx.tr("metric.deals")).width(70.0),
            Col::num(ctx.with_unit("variance.average_contract")),
            Col::num(ctx.tr("variance.growth")).width(80.0),
        ],
        &t.years,
    );

    if let Some((cagr, explain)) = &t.cagr {
        ui.label(cagr).on_hover_text(explain);
    }
    if let Some((regions, rows)) = &t.pivot {
        ui.add_space(theme::SECTION_GAP);
        widgets::subheading(
            ui,
            &ctx.trf(
                "variance.by_line_region",
                &[("unit", ctx.unit_label().into_owned())],
            ),
        );
        let mut cols = vec![
            Col::text(ctx.tr("col.calendar_year")).width(60.0),
            Col::text(ctx.tr("col.product_line")).width(120.0),
        ];
        cols.extend(regions.iter().map(|r| Col::num(r.clone()).width(100.0)));
        egui::ScrollArea::horizontal()
            .id_salt("line_region_scroll")
            .show(ui, |ui| widgets::table(ui, "line_region", &cols, rows));
    }

    ui.add_space(theme::SECTION_GAP);
    ui.horizontal(|ui| {
        widgets::subheading(ui, &ctx.tr("variance.by_month"));
        ui.checkbox(cumulative, ctx.tr("variance.cumulative"));
    });
    let scale = match ctx.unit() {
        AmountUnit::Yuan => 100.0,
        AmountUnit::Wan => 1_000_000.0,
    };
    let unit = ctx.unit_label().into_owned();
    Plot::new("history_by_month")
        .legend(Legend::default())
        .height(280.0)
        .allow_scroll(false)
        .x_axis_label(ctx.tr("col.month"))
        .y_axis_label(unit)
        .show(ui, |plot| {
            for (i, h) in snap.history.iter().enumerate() {
                let mut running = 0.0;
                let points: PlotPoints = h
                    .by_month
                    .iter()
                    .enumerate()
                    .map(|(m, v)| {
                        // Plot coordinates only: the figures themselves stay exact.
                        let v = v.fen() as f64 / scale;
                        running += v;
                        [m as f64 + 1.0, if *cumulative { running } else { v }]
                    })
                    .collect();
                plot.line(
                    Line::new(h.year.to_string(), points)
                        .color(theme::series(i))
                        .width(2.0),
                );
            }
        });
}

/// The expense table's budget, actual and variance rows, for everyone.
fn expense_rows(ctx: &ViewCtx, dark: bool) -> Option<Vec<Vec<Cell>>> {
    let e = &ctx.snap.expenses;
    if e.budget.is_empty() && e.actuals.is_empty() {
        return None;
    }
    let people: HashSet<NodeId> = ctx.snap.people().map(|p| p.id).collect();
    let months = crate::domain::expenses::by_month(&e.budget, &e.actuals, &people);
    let sum =
        |f: fn(&(Money, Money)) -> i64| months.iter().map(f).fold(0i64, |a, b| a.saturating_add(b));
    let mut budget = vec![Cell::text(ctx.with_unit("expenses.budget"))];
    let mut actual = vec![Cell::text(ctx.with_unit("expenses.actual"))];
    let mut variance = vec![Cell::text(ctx.with_unit("expenses.variance"))];
    for (b, a) in &months {
        budget.push(Cell::num(ctx.money(b.fen())));
        actual.push(Cell::num(ctx.money(a.fen())));
        let line = crate::domain::expenses::line(*b, *a, e.threshold);
        let mut cell = Cell::num(ctx.money(line.variance.fen())).explain(ctx.trf(
            "expenses.variance.explain",
            &[
                ("actual", ctx.money_with_unit(line.actual.fen())),
                ("budget", ctx.money_with_unit(line.budget.fen())),
                ("variance", ctx.money_with_unit(line.variance.fen())),
            ],
        ));
        if line.status == crate::domain::expenses::Status::Alert {
            cell = cell.color(theme::bad(dark));
        }
        variance.push(cell);
    }
    // The year: the sum of the 12 months.
    let year = |f: fn(&(Money, Money)) -> Money, total: i64| {
        let terms: Vec<String> = months.iter().map(|m| ctx.money(f(m).fen())).collect();
        ctx.trf(
            "variance.expenses.year_explain",
            &[
                ("parts", widgets::sum_terms(&terms).unwrap_or_default()),
                ("total", ctx.money_with_unit(total)),
            ],
        )
    };
    let (budget_total, actual_total) = (sum(|m| m.0.fen()), sum(|m| m.1.fen()));
    let variance_total = actual_total.saturating_sub(budget_total);
    budget.push(
        Cell::num(ctx.money(budget_total))
            .strong()
            .explain(year(|m| m.0, budget_total)),
    );
    actual.push(
        Cell::num(ctx.money(actual_total))
            .strong()
            .explain(year(|m| m.1, actual_total)),
    );
    variance.push(
        Cell::num(ctx.money(variance_total))
            .strong()
            .explain(ctx.trf(
                "expenses.variance.explain",
                &[
                    ("actual", ctx.money_with_unit(actual_total)),
                    ("budget", ctx.money_with_unit(budget_total)),
                    ("variance", ctx.money_with_unit(variance_total)),
                ],
            )),
    );
    Some(vec![budget, actual, variance])
}

/// The expense budget against actual spending by month, for everyone (domain §7 feeding the
/// variance analysis).
pub fn expenses_by_month(ui: &mut Ui, ctx: &ViewCtx, t: &Texts) {
    let Some(rows) = &t.expenses else {
        return;
    };
    widgets::subheading(ui, &ctx.tr("variance.expenses"));
    let mut cols = vec![Col::text("").width(110.0)];
    cols.extend((1..=12).map(|m| Col::num(ctx.month_name(m)).width(62.0)));
    cols.push(Col::num(ctx.tr("col.year")).width(80.0));
    widgets::table(ui, "expense_variance", &cols, rows);
    ui.add_space(theme::SECTION_GAP);
}
