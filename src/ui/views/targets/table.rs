//! The targets table: every unit's and person's yearly target by product line, each figure
//! marked as set directly or rolled up from below.

use egui::Ui;

use crate::domain::model::{LineId, Metric, NodeId};
use crate::domain::period::Period;
use crate::ui::theme;
use crate::ui::views::{Action, View, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

/// A yearly figure: set on the node, or (greyed) summed from the units below.
fn figure_cell(
    ctx: &ViewCtx,
    node: NodeId,
    line: Option<LineId>,
    metric: Metric,
    weak: egui::Color32,
    format: impl Fn(i64) -> String,
) -> Cell {
    let set = ctx.table.get(node, line, Period::Year, metric);
    let value = ctx
        .table
        .node_value(ctx.tree, node, line, Period::Year, metric);
    match (set, value) {
        (Some(v), _) => Cell::num(format(v)).explain(ctx.tr("targets.set_directly")),
        (None, Some(v)) => Cell::num(format(v))
            .color(weak)
            .explain(ctx.tr("targets.rolled_up")),
        (None, None) => Cell::num("—"),
    }
}

pub fn table_ui(ui: &mut Ui, ctx: &ViewCtx, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    let amount = Metric::ContractAmount;
    if ctx.table.is_empty() {
        widgets::note(ui, &ctx.tr("targets.empty"));
        return;
    }

    let line_ids: Vec<LineId> = snap.lines.iter().map(|l| l.id).collect();
    let mut cols = vec![
        Col::text(ctx.tr("col.unit")).width(160.0),
        Col::num(ctx.with_unit("col.total")),
    ];
    cols.extend(snap.lines.iter().map(|l| Col::num(l.name.clone())));
    cols.push(Col::num(ctx.tr("metric.deals")).width(70.0));
    cols.push(Col::num(ctx.tr("metric.leads")).width(70.0));

    let mut rows = Vec::new();
    for (id, depth) in ctx.tree.walk() {
        let Some(node) = ctx.tree.get(id) else {
            continue;
        };
        let mut row = Vec::new();
        let mut name = Cell::text(&node.name).indent(depth);
        if !node.kind.is_person() {
            name = name.strong();
        }
        row.push(name);
        let weak = ui.visuals().weak_text_color();
        for line in std::iter::once(None).chain(line_ids.iter().map(|&l| Some(l))) {
            let cell = figure_cell(ctx, id, line, amount, weak, |v| ctx.money(v));
            row.push(if line.is_none() { cell.strong() } else { cell });
        }
        for metric in [Metric::Deals, Metric::Leads] {
            row.push(figure_cell(ctx, id, None, metric, weak, |v| v.to_string()));
        }
        rows.push(row);
    }
    widgets::subheading(ui, &ctx.tr("targets.by_unit_and_line"));
    egui::ScrollArea::horizontal()
        .id_salt("targets_scroll")
        .show(ui, |ui| {
            widgets::table(ui, "targets_table", &cols, &rows);
        });
    ui.label(egui::RichText::new(ctx.tr("targets.legend")).small().weak());

    ui.add_space(theme::SECTION_GAP);
    ui.horizontal(|ui| {
        if ui.button(ctx.tr("view.monthly")).clicked() {
            actions.push(Action::Navigate(View::Monthly));
        }
        if ui.button(ctx.tr("view.funnel")).clicked() {
            actions.push(Action::Navigate(View::Funnel));
        }
    });
}
