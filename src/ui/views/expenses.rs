//! Expenses: the sales expense budget's categories (domain §7 defaults) and, per person, the
//! contract target the expense ratio will be measured against.

use egui::Ui;

use crate::domain::model::Metric;
use crate::domain::period::Period;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

/// The default categories and sub-items of a sales expense budget (translation keys).
pub const DEFAULT_CATEGORIES: [(&str, &[&str]); 4] = [
    (
        "expense.cat.promotion",
        &["expense.item.trade_shows", "expense.item.online_ads"],
    ),
    (
        "expense.cat.relationship",
        &["expense.item.events", "expense.item.gifts"],
    ),
    (
        "expense.cat.team",
        &["expense.item.travel", "expense.item.training"],
    ),
    ("expense.cat.research", &["expense.item.market_research"]),
];

pub fn expenses_ui(ui: &mut Ui, ctx: &ViewCtx) {
    widgets::heading(ui, &ctx.tr("view.expenses"));
    ui.label(ctx.tr("expenses.intro"));
    widgets::subheading(ui, &ctx.tr("expenses.categories"));
    let rows: Vec<Vec<Cell>> = DEFAULT_CATEGORIES
        .iter()
        .map(|(cat, items)| {
            vec![
                Cell::text(ctx.tr(cat)).strong(),
                Cell::text(
                    items
                        .iter()
                        .map(|i| ctx.tr(i).into_owned())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "expense_categories",
        &[
            Col::text(ctx.tr("col.category")).width(140.0),
            Col::text(ctx.tr("col.items")).width(260.0),
        ],
        &rows,
    );

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("expenses.basis"));
    let rows: Vec<Vec<Cell>> = ctx
        .snap
        .people()
        .map(|p| {
            let t =
                ctx.table
                    .node_value(ctx.tree, p.id, None, Period::Year, Metric::ContractAmount);
            vec![
                Cell::text(&p.name),
                Cell::num(t.map(|v| ctx.money(v)).unwrap_or_else(|| "—".into())),
                Cell::num("—").explain(ctx.tr("expenses.no_budget_yet")),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "expense_basis",
        &[
            Col::text(ctx.tr("col.person")).width(120.0),
            Col::num(ctx.with_unit("metric.contract_amount")),
            Col::num(ctx.with_unit("expenses.budget")),
        ],
        &rows,
    );
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("expenses.coming"));
}
