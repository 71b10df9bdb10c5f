//! Monthly plan: people grouped by unit × the 12 fiscal months, with quarter and year totals,
//! for the contract amount; and the seasonality from history the months were spread by.

use egui::Ui;

use crate::domain::model::{LineId, Metric, NodeId};
use crate::domain::period::Period;
use crate::domain::seasonality;
use crate::domain::targets::{self, Gap, GapKind};
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

fn month_name(ctx: &ViewCtx, fiscal_month: u8) -> String {
    match ctx.snap.plan.fiscal_year.calendar_month(fiscal_month) {
        Ok((_, m)) => ctx.tr(&format!("month.{m}")).into_owned(),
        Err(_) => "?".into(),
    }
}

fn row_for(
    ctx: &ViewCtx,
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
    for m in 1..=12 {
        row.push(fmt(value(Period::Month(m))));
    }
    for q in 1..=4 {
        row.push(fmt(value(Period::Quarter(q))).strong());
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

pub fn monthly_ui(ui: &mut Ui, ctx: &ViewCtx) {
    widgets::heading(ui, &ctx.tr("view.monthly"));
    ui.label(ctx.trf(
        "monthly.intro",
        &[
            ("metric", ctx.tr("metric.contract_amount").into_owned()),
            ("unit", ctx.unit_label().into_owned()),
        ],
    ));
    ui.add_space(theme::SECTION_GAP / 2.0);

    let mut cols = vec![Col::text(ctx.tr("col.unit")).width(120.0)];
    cols.extend((1..=12).map(|m| Col::num(month_name(ctx, m)).width(66.0)));
    cols.extend((1..=4).map(|q| Col::num(format!("Q{q}")).width(72.0)));
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
            id,
            depth,
            !node.kind.is_person(),
            ui.visuals().dark_mode,
            month_gaps.iter().find(|g| g.node == id),
        ));
    }
    egui::ScrollArea::horizontal()
        .id_salt("monthly_scroll")
        .show(ui, |ui| {
            widgets::table(ui, "monthly_grid", &cols, &rows);
        });

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("monthly.seasonality"));
    let years: Vec<[i64; 12]> = ctx
        .snap
        .history
        .iter()
        .map(|h| {
            // History is kept by calendar month; reorder to fiscal months.
            std::array::from_fn(|i| {
                let fm = i as u8 + 1;
                match ctx.snap.plan.fiscal_year.calendar_month(fm) {
                    Ok((_, m)) => h.by_month[(m - 1) as usize].fen(),
                    Err(_) => 0,
                }
            })
        })
        .collect();
    match seasonality::from_history(&years) {
        Some(weights) => {
            let mut cols = vec![Col::text("").width(120.0)];
            cols.extend((1..=12).map(|m| Col::num(month_name(ctx, m)).width(66.0)));
            let mut row = vec![Cell::text(
                ctx.trf("monthly.share_row", &[("n", years.len().to_string())]),
            )];
            row.extend((0..12).map(|i| {
                Cell::num(
                    seasonality::share(&weights, i)
                        .map(|s| s.format_percent(1))
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
