//! Monthly plan: people grouped by unit × the 12 fiscal months, with quarter and year totals,
//! for the contract amount; and the seasonality from history the months were spread by.

use egui::Ui;

use crate::domain::model::{LineId, Metric, NodeId};
use crate::domain::period::Period;
use crate::domain::targets::{self, Gap, GapKind};
use crate::domain::{history, seasonality};
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

fn month_name(ctx: &ViewCtx, fiscal_month: u8) -> String {
    ctx.month_name(fiscal_month)
}

/// Months, or quarters and halves: the grid shows one at a time so it fits the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Columns {
    #[default]
    Months,
    Quarters,
}

#[derive(Default)]
pub struct State {
    pub columns: Columns,
}

impl Columns {
    fn periods(self) -> Vec<Period> {
        match self {
            Columns::Months => (1..=12).map(Period::Month).collect(),
            Columns::Quarters => (1..=4)
                .map(Period::Quarter)
                .chain((1..=2).map(Period::Half))
                .collect(),
        }
    }
}

fn period_title(ctx: &ViewCtx, p: Period) -> String {
    match p {
        Period::Month(m) => month_name(ctx, m),
        Period::Quarter(q) => ctx.trf("monthly.quarter", &[("n", q.to_string())]),
        Period::Half(h) => ctx.tr(&format!("monthly.half{h}")).into_owned(),
        _ => ctx.tr("col.year").into_owned(),
    }
}

fn row_for(
    ctx: &ViewCtx,
    periods: &[Period],
    id: NodeId,
    depth: usize,
    strong: bool,
    dark: bool,
    mismatch: Option<&Gap>,
) -> Vec<Cell> {
    let amount = Metric::ContractAmount;
    let value = |p: Period| ctx.table.node_value(ctx.tree, id, None, p, amount);
    let fmt = |v: Option<i64>| Cell::num(v.map(|v| ctx.money(v)).unwrap_or_else(|| "—".into()));
    let mut name = Cell::text(ctx.node_name(id)).indent(depth);
    if strong {
        name = name.strong();
    }
    let mut row = vec![name];
    for &p in periods {
        row.push(fmt(value(p)));
    }
    let mut year_cell = fmt(value(Period::Year)).strong();
    if let Some(gap) = mismatch {
        year_cell = year_cell.color(theme::warn(dark)).explain(ctx.trf(
            "monthly.year_mismatch",
            &[
                ("year", ctx.money_with_unit(gap.whole)),
                ("months", ctx.money_with_unit(gap.parts_sum)),
            ],
        ));
    }
    row.push(year_cell);
    row
}

pub fn monthly_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State) {
    widgets::heading(ui, &ctx.tr("view.monthly"));
    ui.label(ctx.trf(
        "monthly.intro",
        &[
            ("metric", ctx.tr("metric.contract_amount").into_owned()),
            ("unit", ctx.unit_label().into_owned()),
        ],
    ));
    ui.horizontal(|ui| {
        ui.selectable_value(
            &mut state.columns,
            Columns::Months,
            ctx.tr("monthly.by_month"),
        );
        ui.selectable_value(
            &mut state.columns,
            Columns::Quarters,
            ctx.tr("monthly.by_quarter"),
        );
    });
    ui.add_space(theme::SECTION_GAP / 2.0);

    let periods = state.columns.periods();
    let mut cols = vec![Col::text(ctx.tr("col.unit")).width(110.0)];
    cols.extend(
        periods
            .iter()
            .map(|&p| Col::num(period_title(ctx, p)).width(66.0)),
    );
    cols.push(Col::num(ctx.tr("col.year")).width(80.0));

    let line_ids: Vec<LineId> = ctx.snap.lines.iter().map(|l| l.id).collect();
    let month_gaps: Vec<Gap> =
        targets::gaps(ctx.table, ctx.tree, &line_ids, Metric::ContractAmount)
            .into_iter()
            .filter(|g| g.kind == GapKind::Months && g.line.is_none())
            .collect();
    let mut rows = Vec::new();
    for (id, depth) in ctx.tree.walk() {
        let Some(node) = ctx.tree.get(id) else {
            continue;
        };
        rows.push(row_for(
            ctx,
            &periods,
            id,
            depth,
            !node.kind.is_person(),
            ui.visuals().dark_mode,
            month_gaps.iter().find(|g| g.node == id),
        ));
    }
    egui::ScrollArea::horizontal()
        .id_salt("monthly_scroll")
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::VisibleWhenNeeded)
        .show(ui, |ui| {
            widgets::table(ui, "monthly_grid", &cols, &rows);
        });

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
            row.extend((0..12).map(|i| {
                Cell::num(
                    seasonality::share(&weights, i)
                        .map(|s| s.format_percent_fixed(1))
                        .unwrap_or_default(),
                )
                .explain(ctx.tr("monthly.share_explain"))
            }));
            widgets::table(ui, "seasonality", &cols, &[row]);
        }
        None => widgets::note(ui, &ctx.tr("monthly.no_history")),
    }
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("monthly.coming"));
}
