//! Negotiation: the plan's versions (draft, rounds, confirmed, revisions) and, per unit, the
//! top-down figure of the current version beside the bottom-up figure once people submit theirs.

use egui::Ui;

use crate::domain::model::Metric;
use crate::domain::period::Period;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

pub fn negotiation_ui(ui: &mut Ui, ctx: &ViewCtx) {
    let snap = ctx.snap;
    widgets::heading(ui, &ctx.tr("view.negotiation"));
    ui.label(ctx.tr("negotiation.intro"));

    widgets::subheading(ui, &ctx.tr("negotiation.versions"));
    let rows: Vec<Vec<Cell>> = snap
        .versions
        .iter()
        .map(|v| {
            let current = v.id == snap.plan.current_version;
            let mut name = Cell::text(&v.name);
            if current {
                name = name.strong();
            }
            vec![
                name,
                Cell::text(ctx.tr(v.kind.label_key())),
                Cell::text(v.created_at.get(..10).unwrap_or(&v.created_at)),
                Cell::text(if v.locked {
                    ctx.tr("negotiation.locked")
                } else {
                    ctx.tr("negotiation.editable")
                }),
                Cell::text(if current {
                    ctx.tr("negotiation.current")
                } else {
                    "".into()
                }),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "versions",
        &[
            Col::text(ctx.tr("col.version")).width(220.0),
            Col::text(ctx.tr("col.kind")).width(80.0),
            Col::text(ctx.tr("col.created")).width(100.0),
            Col::text(ctx.tr("col.status")).width(80.0),
            Col::text("").width(60.0),
        ],
        &rows,
    );

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("negotiation.top_down"));
    let mut rows = Vec::new();
    for (id, depth) in ctx.tree.walk() {
        let Some(node) = ctx.tree.get(id) else {
            continue;
        };
        let top_down =
            ctx.table
                .node_value(ctx.tree, id, None, Period::Year, Metric::ContractAmount);
        rows.push(vec![
            Cell::text(&node.name).indent(depth),
            Cell::num(top_down.map(|v| ctx.money(v)).unwrap_or_else(|| "—".into())),
            Cell::num("—").explain(ctx.tr("negotiation.bottom_up_pending")),
        ]);
    }
    widgets::table(
        ui,
        "negotiation_units",
        &[
            Col::text(ctx.tr("col.unit")).width(180.0),
            Col::num(ctx.with_unit("negotiation.col.top_down")),
            Col::num(ctx.with_unit("negotiation.col.bottom_up")),
        ],
        &rows,
    );
    ui.add_space(6.0);
    widgets::note(ui, &ctx.tr("negotiation.coming"));
}
