//! Receivables: the collection rules every installment will be tracked by (domain §7), and the
//! customers' credit ratings that set their payment terms.

use egui::Ui;

use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

/// When, and what to do (translation keys), for an installment (domain §7).
const RULES: [(&str, &str); 6] = [
    ("receivables.when.before10", "receivables.do.before10"),
    ("receivables.when.before3", "receivables.do.before3"),
    ("receivables.when.due", "receivables.do.due"),
    ("receivables.when.overdue1", "receivables.do.overdue1"),
    ("receivables.when.overdue15", "receivables.do.overdue15"),
    ("receivables.when.overdue30", "receivables.do.overdue30"),
];

pub fn receivables_ui(ui: &mut Ui, ctx: &ViewCtx) {
    widgets::heading(ui, &ctx.tr("view.receivables"));
    ui.label(ctx.tr("receivables.intro"));
    widgets::subheading(ui, &ctx.tr("receivables.rules"));
    let rows: Vec<Vec<Cell>> = RULES
        .iter()
        .map(|(when, what)| vec![Cell::text(ctx.tr(when)).strong(), Cell::text(ctx.tr(what))])
        .collect();
    widgets::table(
        ui,
        "collection_rules",
        &[
            Col::text(ctx.tr("col.when")).width(150.0),
            Col::text(ctx.tr("col.action")).width(480.0),
        ],
        &rows,
    );

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("receivables.ratings"));
    let mut ratings: Vec<&str> = ctx
        .snap
        .customers
        .iter()
        .map(|c| c.credit_rating.as_str())
        .collect();
    ratings.sort_unstable();
    ratings.dedup();
    let rows: Vec<Vec<Cell>> = ratings
        .iter()
        .map(|r| {
            let names: Vec<&str> = ctx
                .snap
                .customers
                .iter()
                .filter(|c| c.credit_rating == *r)
                .map(|c| c.name.as_str())
                .collect();
            vec![
                Cell::text(if r.is_empty() { "—" } else { r }).strong(),
                Cell::num(names.len().to_string()),
                Cell::text(names.join("、")),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "credit_ratings",
        &[
            Col::text(ctx.tr("col.credit_rating")).width(80.0),
            Col::num(ctx.tr("col.customers")).width(70.0),
            Col::text(ctx.tr("col.customer")).width(480.0),
        ],
        &rows,
    );
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("receivables.coming"));
}
