//! Variance: the actuals recorded so far — the sales history by year (growth, contracts,
//! average size) and by month as a plot — against which plan and actual are compared.

use egui::Ui;
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::domain::history;
use crate::domain::money::AmountUnit;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

#[derive(Default)]
pub struct State {
    pub cumulative: bool,
}

pub fn variance_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State) {
    let snap = ctx.snap;
    widgets::heading(ui, &ctx.tr("view.variance"));
    ui.label(ctx.tr("variance.intro"));
    if snap.history.is_empty() {
        widgets::note(ui, &ctx.tr("variance.no_history"));
        return;
    }
    widgets::subheading(ui, &ctx.tr("variance.history_by_year"));
    let rows: Vec<Vec<Cell>> = history::summaries(&snap.history)
        .into_iter()
        .map(|y| {
            vec![
                Cell::text(y.year.to_string()),
                Cell::num(ctx.money(y.total.fen())),
                Cell::num(y.contracts.to_string()),
                Cell::num(
                    y.average_contract
                        .map(|m| ctx.money(m.fen()))
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::num(
                    y.growth
                        .map(|g| g.format_percent_fixed(2))
                        .unwrap_or_else(|| "—".into()),
                ),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "history_years",
        &[
            Col::text(ctx.tr("col.year")).width(70.0),
            Col::num(ctx.with_unit("metric.contract_amount")),
            Col::num(ctx.tr("metric.deals")).width(70.0),
            Col::num(ctx.with_unit("variance.average_contract")),
            Col::num(ctx.tr("variance.growth")).width(80.0),
        ],
        &rows,
    );

    ui.add_space(theme::SECTION_GAP);
    ui.horizontal(|ui| {
        widgets::subheading(ui, &ctx.tr("variance.by_month"));
        ui.checkbox(&mut state.cumulative, ctx.tr("variance.cumulative"));
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
                        [m as f64 + 1.0, if state.cumulative { running } else { v }]
                    })
                    .collect();
                plot.line(
                    Line::new(h.year.to_string(), points)
                        .color(theme::series(i))
                        .width(2.0),
                );
            }
        });
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("variance.coming"));
}
