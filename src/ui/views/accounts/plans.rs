//! The product sales plan and the customer sales plan, derived from the matrix: potential,
//! weighted value and planned amount per product (by line, against the line targets) and per
//! customer, against the person's target.

use egui::Ui;

use crate::domain::battle::{self, PlanRow};
use crate::domain::model::NodeId;
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

fn coverage(planned: Money, target: Option<Money>) -> String {
    target
        .filter(|t| t.fen() > 0)
        .and_then(|t| Ratio::new(i128::from(planned.fen()), i128::from(t.fen())))
        .map(|r| r.format_percent_fixed(1))
        .unwrap_or_else(|| "—".into())
}

/// Coverage = planned ÷ target, explained with the figures (nothing to explain without a
/// target).
fn coverage_cell(ctx: &ViewCtx, planned: Money, target: Option<Money>) -> Cell {
    let text = coverage(planned, target);
    let cell = Cell::num(text.clone());
    match target.filter(|t| t.fen() > 0) {
        Some(t) => cell.explain(ctx.trf(
            "plans.coverage.explain",
            &[
                ("planned", ctx.money_with_unit(planned.fen())),
                ("target", ctx.money_with_unit(t.fen())),
                ("p", text),
            ],
        )),
        None => cell,
    }
}

/// A row's cell count, potential, weighted and planned amounts, each a sum over its matrix
/// cells (said on hover).
fn amounts(ctx: &ViewCtx, row: &PlanRow) -> [Cell; 4] {
    let sum = |key: &str, v: Money| {
        ctx.trf(
            key,
            &[
                ("n", row.cells.to_string()),
                ("value", ctx.money_with_unit(v.fen())),
            ],
        )
    };
    [
        Cell::num(row.cells.to_string()),
        Cell::num(ctx.money(row.potential.fen()))
            .explain(sum("plans.potential.sum", row.potential)),
        Cell::num(ctx.money(row.weighted.fen())).explain(sum("plans.weighted.sum", row.weighted)),
        Cell::num(ctx.money(row.planned.fen())).explain(sum("plans.planned.sum", row.planned)),
    ]
}

pub fn plans_ui(ui: &mut Ui, ctx: &ViewCtx, person: Option<NodeId>) {
    let snap = ctx.snap;
    let plans = battle::sales_plans(snap, person);
    let dark = ui.visuals().dark_mode;
    ui.label(egui::RichText::new(ctx.tr("plans.intro")).weak());
    let who = person
        .map(|p| ctx.node_name(p))
        .unwrap_or_else(|| ctx.tr("accounts.everyone").into_owned());
    ui.horizontal_wrapped(|ui| {
        widgets::stat_card(
            ui,
            &ctx.with_unit("plans.target"),
            &plans
                .target
                .map(|t| ctx.money(t.fen()))
                .unwrap_or_else(|| "—".into()),
            &who,
            Some(&ctx.tr("plans.target.explain")),
        );
        widgets::stat_card(
            ui,
            &ctx.with_unit("matrix.planned"),
            &ctx.money(plans.total.planned.fen()),
            &ctx.trf(
                "plans.planned.detail",
                &[
                    ("potential", ctx.money(plans.total.potential.fen())),
                    ("weighted", ctx.money(plans.total.weighted.fen())),
                ],
            ),
            Some(&ctx.trf(
                "plans.planned.sum",
                &[
                    ("n", plans.total.cells.to_string()),
                    ("value", ctx.money_with_unit(plans.total.planned.fen())),
                ],
            )),
        );
        widgets::stat_card(
            ui,
            &ctx.with_unit("plans.gap"),
            &plans
                .gap
                .map(|g| ctx.money(g.fen()))
                .unwrap_or_else(|| "—".into()),
            &ctx.trf(
                "plans.coverage",
                &[("p", coverage(plans.total.planned, plans.target))],
            ),
            Some(&match (plans.target, plans.gap) {
                (Some(t), Some(g)) => ctx.trf(
                    "plans.gap.formula",
                    &[
                        ("target", ctx.money_with_unit(t.fen())),
                        ("planned", ctx.money_with_unit(plans.total.planned.fen())),
                        ("gap", ctx.money_with_unit(g.fen())),
                        ("p", coverage(plans.total.planned, plans.target)),
                    ],
                ),
                _ => ctx.tr("plans.gap.explain").into_owned(),
            }),
        );
    });
    if plans.total.cells == 0 {
        widgets::note(ui, &ctx.tr("plans.empty"));
        return;
    }
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("plans.by_product"));
    let mut rows = Vec::new();
    for (line, row, target) in &plans.by_line {
        let mut r = vec![Cell::text(ctx.line_name(*line)).strong()];
        r.extend(amounts(ctx, row).map(Cell::strong));
        r.push(Cell::num(
            target
                .map(|t| ctx.money(t.fen()))
                .unwrap_or_else(|| "—".into()),
        ));
        let mut cov = coverage_cell(ctx, row.planned, *target);
        if target.is_some_and(|t| row.planned < t) {
            cov = cov.color(theme::warn(dark));
        }
        r.push(cov);
        rows.push(r);
        for (product, prow) in &plans.by_product {
            if snap
                .products
                .iter()
                .any(|p| p.id == *product && p.line == *line)
            {
                let name = snap
                    .products
                    .iter()
                    .find(|p| p.id == *product)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                let mut r = vec![Cell::text(name).indent(1)];
                r.extend(amounts(ctx, prow));
                r.push(Cell::text(""));
                r.push(Cell::text(""));
                rows.push(r);
            }
        }
    }
    let mut total = vec![Cell::text(ctx.tr("plans.total")).strong()];
    total.extend(amounts(ctx, &plans.total).map(Cell::strong));
    total.push(Cell::num(
        plans
            .target
            .map(|t| ctx.money(t.fen()))
            .unwrap_or_else(|| "—".into()),
    ));
    total.push(coverage_cell(ctx, plans.total.planned, plans.target));
    rows.push(total);
    widgets::table(
        ui,
        "plans_products",
        &[
            Col::text(ctx.tr("col.product")).width(180.0),
            Col::num(ctx.tr("plans.cells")).width(60.0),
            Col::num(ctx.with_unit("matrix.potential")),
            Col::num(ctx.with_unit("plans.weighted")),
            Col::num(ctx.with_unit("matrix.planned")),
            Col::num(ctx.with_unit("plans.target")),
            Col::num(ctx.tr("plans.coverage_col")).width(90.0),
        ],
        &rows,
    );

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("plans.by_customer"));
    let mut rows: Vec<Vec<Cell>> = plans
        .by_customer
        .iter()
        .map(|(c, row)| {
            let customer = snap.customers.iter().find(|x| x.id == *c);
            let mut r = vec![
                Cell::text(customer.map(|x| x.name.clone()).unwrap_or_default()),
                Cell::text(customer.map(|x| x.industry.clone()).unwrap_or_default()),
            ];
            r.extend(amounts(ctx, row));
            r.push(Cell::num(row.people.to_string()));
            r.push(Cell::num(ctx.money(row.budget.fen())));
            r
        })
        .collect();
    let mut total = vec![Cell::text(ctx.tr("plans.total")).strong(), Cell::text("")];
    total.extend(amounts(ctx, &plans.total).map(Cell::strong));
    total.push(
        Cell::num(plans.total.people.to_string())
            .strong()
            .explain(ctx.trf(
                "plans.people.sum",
                &[
                    ("n", plans.total.cells.to_string()),
                    ("value", plans.total.people.to_string()),
                ],
            )),
    );
    total.push(
        Cell::num(ctx.money(plans.total.budget.fen()))
            .strong()
            .explain(ctx.trf(
                "plans.budget.sum",
                &[
                    ("n", plans.total.cells.to_string()),
                    ("value", ctx.money_with_unit(plans.total.budget.fen())),
                ],
            )),
    );
    rows.push(total);
    widgets::table(
        ui,
        "plans_customers",
        &[
            Col::text(ctx.tr("col.customer")).width(160.0),
            Col::text(ctx.tr("col.industry")).width(70.0),
            Col::num(ctx.tr("plans.cells")).width(60.0),
            Col::num(ctx.with_unit("matrix.potential")),
            Col::num(ctx.with_unit("plans.weighted")),
            Col::num(ctx.with_unit("matrix.planned")),
            Col::num(ctx.tr("matrix.people")).width(60.0),
            Col::num(ctx.with_unit("matrix.budget")),
        ],
        &rows,
    );
}
