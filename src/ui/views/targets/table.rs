//! The targets table: every unit's and person's yearly target by product line, each figure
//! marked as set directly or rolled up from below.

use egui::Ui;

use crate::domain::model::{LineId, Metric, NodeId};
use crate::domain::period::Period;
use crate::ui::theme;
use crate::ui::views::{Action, Memo, View, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

/// The table's rows with their explanations, built once per change of the plan and display
/// (a rolled-up figure names the figures below it).
#[derive(Default)]
pub struct State {
    rows: Memo<RowsKey, Vec<Vec<Cell>>>,
}

type RowsKey = (
    u64,
    crate::i18n::Lang,
    crate::domain::money::AmountUnit,
    egui::Color32,
);

/// A yearly figure: set on the node, or (greyed) summed from the units below, which the hover
/// names with their figures.
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
        (None, Some(v)) => {
            let terms: Vec<String> = ctx
                .tree
                .children(node)
                .iter()
                .filter_map(|&c| {
                    let v = ctx
                        .table
                        .node_value(ctx.tree, c, line, Period::Year, metric)?;
                    Some(format!("{} {}", ctx.node_name(c), format(v)))
                })
                .collect();
            let explain = match widgets::sum_terms(&terms) {
                Some(parts) => ctx.trf(
                    "targets.rolled_up.explain",
                    &[("parts", parts), ("value", format(v))],
                ),
                None => ctx.trf(
                    "targets.rolled_up.explain_n",
                    &[("n", terms.len().to_string()), ("value", format(v))],
                ),
            };
            Cell::num(format(v)).color(weak).explain(explain)
        }
        (None, None) => Cell::num("—"),
    }
}

/// One row per unit and person: the yearly contract amount in total and per line, deals and
/// leads.
fn rows(ctx: &ViewCtx, weak: egui::Color32) -> Vec<Vec<Cell>> {
    let amount = Metric::ContractAmount;
    let line_ids: Vec<LineId> = ctx.snap.lines.iter().map(|l| l.id).collect();
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
        for line in std::iter::once(None).chain(line_ids.iter().map(|&l| Some(l))) {
            let cell = figure_cell(ctx, id, line, amount, weak, |v| ctx.money(v));
            row.push(if line.is_none() { cell.strong() } else { cell });
        }
        for metric in [Metric::Deals, Metric::Leads] {
            row.push(figure_cell(ctx, id, None, metric, weak, |v| v.to_string()));
        }
        rows.push(row);
    }
    rows
}

pub fn table_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    if ctx.table.is_empty() {
        widgets::note(ui, &ctx.tr("targets.empty"));
        return;
    }

    let mut cols = vec![
        Col::text(ctx.tr("col.unit")).width(160.0),
        Col::num(ctx.with_unit("col.total")),
    ];
    cols.extend(snap.lines.iter().map(|l| Col::num(l.name.clone())));
    cols.push(Col::num(ctx.tr("metric.deals")).width(70.0));
    cols.push(Col::num(ctx.tr("metric.leads")).width(70.0));

    let weak = ui.visuals().weak_text_color();
    let rows = state
        .rows
        .get((ctx.generation, ctx.lang(), ctx.unit(), weak), |_| {
            rows(ctx, weak)
        });
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
