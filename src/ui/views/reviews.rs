//! Reviews: the year's review calendar — a monthly review on the last working day of each
//! month, the quarter-end ones being quarterly reviews (domain §8).

use egui::Ui;

use crate::domain::reviews::review_schedule;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

pub fn reviews_ui(ui: &mut Ui, ctx: &ViewCtx) {
    let fy = ctx.snap.plan.fiscal_year;
    widgets::heading(ui, &ctx.tr("view.reviews"));
    ui.label(ctx.tr("reviews.intro"));
    widgets::subheading(ui, &ctx.tr("reviews.calendar"));
    let rows: Vec<Vec<Cell>> = review_schedule(&fy, &ctx.snap.calendar)
        .into_iter()
        .map(|slot| {
            let kind = if slot.quarterly {
                ctx.tr("reviews.quarterly")
            } else {
                ctx.tr("reviews.monthly")
            };
            vec![
                Cell::text(fy.month_label(slot.fiscal_month)),
                Cell::text(
                    slot.date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                )
                .explain(ctx.tr("reviews.date_explain")),
                if slot.quarterly {
                    Cell::text(kind).strong()
                } else {
                    Cell::text(kind)
                },
            ]
        })
        .collect();
    widgets::table(
        ui,
        "review_calendar",
        &[
            Col::text(ctx.tr("col.month")).width(100.0),
            Col::text(ctx.tr("col.date")).width(120.0),
            Col::text(ctx.tr("col.kind")).width(120.0),
        ],
        &rows,
    );
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("reviews.coming"));
}
