//! Accounts: the customers (industry, region, credit rating, owner) and the products by line —
//! the two axes of the customer × product battle plan.

use egui::Ui;

use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

pub fn accounts_ui(ui: &mut Ui, ctx: &ViewCtx) {
    let snap = ctx.snap;
    widgets::heading(ui, &ctx.tr("view.accounts"));
    widgets::subheading(
        ui,
        &ctx.trf(
            "accounts.customers",
            &[("n", snap.customers.len().to_string())],
        ),
    );
    if snap.customers.is_empty() {
        widgets::note(ui, &ctx.tr("accounts.no_customers"));
    } else {
        let rows: Vec<Vec<Cell>> = snap
            .customers
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.name),
                    Cell::text(&c.industry),
                    Cell::text(&c.region),
                    Cell::text(&c.credit_rating),
                    Cell::text(
                        c.owner
                            .map(|o| ctx.node_name(o))
                            .unwrap_or_else(|| "—".into()),
                    ),
                ]
            })
            .collect();
        widgets::table(
            ui,
            "customers",
            &[
                Col::text(ctx.tr("col.customer")).width(160.0),
                Col::text(ctx.tr("col.industry")).width(80.0),
                Col::text(ctx.tr("col.region")).width(80.0),
                Col::text(ctx.tr("col.credit_rating")).width(80.0),
                Col::text(ctx.tr("col.owner")).width(100.0),
            ],
            &rows,
        );
    }

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("accounts.products"));
    let rows: Vec<Vec<Cell>> = snap
        .products
        .iter()
        .map(|p| {
            vec![
                Cell::text(ctx.line_name(p.line)),
                Cell::text(&p.name),
                Cell::num(ctx.money(p.list_price.fen())),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "products",
        &[
            Col::text(ctx.tr("col.product_line")).width(120.0),
            Col::text(ctx.tr("col.product")).width(160.0),
            Col::num(ctx.with_unit("products.list_price")),
        ],
        &rows,
    );
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("accounts.coming"));
}
