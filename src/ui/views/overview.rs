//! Overview: the plan at a glance — the company target, its split by product line and by unit,
//! the size of the organisation, and where figures do not add up.

use egui::Ui;

use crate::domain::model::{LineId, Metric};
use crate::domain::period::Period;
use crate::domain::targets::{self, GapKind};
use crate::ui::theme;
use crate::ui::views::{Action, View, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

/// The re-forecast shown on the overview, computed once per change of the plan.
#[derive(Default)]
pub struct State {
    forecast: Option<(u64, u8, std::sync::Arc<crate::domain::forecast::Forecast>)>,
    /// The "by unit" table's rows with their explanations, built once per change of the plan,
    /// language or amount unit.
    units: crate::ui::views::Memo<UnitsKey, Vec<Vec<Cell>>>,
}

type UnitsKey = (u64, crate::i18n::Lang, crate::domain::money::AmountUnit);

/// The "by unit" table: each unit's yearly target (its own figure, or the sum of the units
/// below it when it has none) and its share of its parent's, each explained on hover.
fn unit_rows(ctx: &ViewCtx) -> Vec<Vec<Cell>> {
    let amount = Metric::ContractAmount;
    let mut rows = Vec::new();
    for (id, depth) in ctx.tree.walk() {
        let Some(node) = ctx.tree.get(id) else {
            continue;
        };
        let value = ctx
            .table
            .node_value(ctx.tree, id, None, Period::Year, amount);
        let own = ctx
            .table
            .period_value(id, None, Period::Year, amount)
            .is_some();
        let mut value_cell = Cell::num(value.map(|v| ctx.money(v)).unwrap_or_else(|| "—".into()));
        if let (Some(v), false) = (value, own) {
            value_cell = value_cell.explain(ctx.trf(
                "overview.unit_rollup_explain",
                &[
                    ("name", node.name.clone()),
                    ("value", ctx.money_with_unit(v)),
                ],
            ));
        }
        let share = targets::share_of_parent(ctx.table, ctx.tree, id, amount);
        let share_text = share
            .as_ref()
            .map(|r| r.format_percent_fixed(1))
            .unwrap_or_default();
        let mut share_cell = Cell::num(share_text.clone());
        if let (Some(_), Some(v), Some(parent)) = (&share, value, node.parent) {
            let whole = ctx
                .table
                .node_value(ctx.tree, parent, None, Period::Year, amount)
                .unwrap_or(0);
            share_cell = share_cell.explain(ctx.trf(
                "overview.unit_share_explain",
                &[
                    ("name", node.name.clone()),
                    ("value", ctx.money_with_unit(v)),
                    ("parent", ctx.node_name(parent)),
                    ("whole", ctx.money_with_unit(whole)),
                    ("share", share_text),
                ],
            ));
        }
        let mut name = Cell::text(&node.name).indent(depth);
        if !node.kind.is_person() {
            name = name.strong();
        }
        rows.push(vec![
            name,
            Cell::text(ctx.tr(node.kind.label_key())),
            value_cell,
            share_cell,
        ]);
    }
    rows
}

/// The projected landing of the year, once contracts are being signed: a card that opens the
/// Variance view.
fn forecast_card(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    use crate::domain::variance;
    let snap = ctx.snap;
    if variance::facts(snap, Metric::ContractAmount).1 == variance::ActualSource::Nothing {
        return;
    }
    let through =
        variance::months_closed(&snap.plan.fiscal_year, crate::ui::views::accounts::today());
    let f = match &state.forecast {
        Some((g, t, f)) if *g == ctx.generation && *t == through => f.clone(),
        _ => {
            let f = std::sync::Arc::new(crate::domain::forecast::forecast(
                snap,
                ctx.stats,
                through,
                snap.reviews.at_risk,
            ));
            state.forecast = Some((ctx.generation, through, f.clone()));
            f
        }
    };
    if f.people.is_empty() {
        return;
    }
    let dark = ui.visuals().dark_mode;
    let color = if f.at_risk {
        theme::bad(dark)
    } else {
        theme::good(dark)
    };
    let detail = format!(
        "{} · {}",
        ctx.trf(
            "overview.of_target",
            &[(
                "share",
                f.attainment
                    .map(|a| a.format_percent_fixed(2))
                    .unwrap_or_else(|| "—".into())
            )]
        ),
        if f.at_risk {
            ctx.tr("forecast.at_risk")
        } else {
            ctx.tr("forecast.ok")
        }
    );
    let response = egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_min_width(theme::CARD_MIN_WIDTH);
            ui.vertical(|ui| {
                ui.label(egui::RichText::new(ctx.tr("overview.projected")).weak());
                ui.label(
                    egui::RichText::new(ctx.money_with_unit(f.projected.fen()))
                        .size(theme::BIG_NUMBER_SIZE)
                        .strong()
                        .color(color),
                );
                ui.label(egui::RichText::new(detail).small().color(color));
            });
        })
        .response
        .interact(egui::Sense::click());
    let explain = ctx.trf(
        "overview.projected_explain",
        &[
            ("actual", ctx.money_with_unit(f.actual.fen())),
            ("pipeline", ctx.money_with_unit(f.pipeline.fen())),
            ("run", ctx.money_with_unit(f.run_rate.fen())),
            ("projected", ctx.money_with_unit(f.projected.fen())),
        ],
    );
    if response.on_hover_text(explain).clicked() {
        actions.push(Action::Navigate(View::Variance));
    }
}

pub fn overview_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    let amount = Metric::ContractAmount;
    let root = ctx.tree.root().map(|r| r.id);
    let total = root.and_then(|r| {
        ctx.table
            .node_value(ctx.tree, r, None, Period::Year, amount)
    });
    let version = snap.current_version();

    widgets::heading(ui, &snap.plan.name);
    ui.label(format!(
        "{} · {} {} · {}",
        snap.plan.organisation,
        ctx.tr("overview.fiscal_year"),
        snap.plan.fiscal_year.label(),
        version.map(|v| ctx.version_label(v)).unwrap_or_default()
    ));
    ui.add_space(theme::SECTION_GAP);

    ui.horizontal_wrapped(|ui| {
        let total_text = total
            .map(|t| ctx.money_with_unit(t))
            .unwrap_or_else(|| ctx.tr("overview.no_target").into_owned());
        widgets::stat_card(
            ui,
            &ctx.tr("overview.company_target"),
            &total_text,
            &ctx.tr("metric.contract_amount"),
            Some(&ctx.tr("overview.company_target_explain")),
        );
        let people = snap.people().count();
        let units = snap.nodes.len().saturating_sub(people);
        widgets::stat_card(
            ui,
            &ctx.tr("overview.people"),
            &people.to_string(),
            &ctx.trf("overview.units_detail", &[("units", units.to_string())]),
            Some(&ctx.trf(
                "overview.people_explain",
                &[
                    ("people", people.to_string()),
                    ("nodes", snap.nodes.len().to_string()),
                    ("units", units.to_string()),
                ],
            )),
        );
        widgets::stat_card(
            ui,
            &ctx.tr("overview.customers"),
            &snap.customers.len().to_string(),
            &ctx.trf(
                "overview.products_detail",
                &[
                    ("lines", snap.lines.len().to_string()),
                    ("products", snap.products.len().to_string()),
                ],
            ),
            None,
        );
        forecast_card(ui, ctx, state, actions);
        if let Some(last) = snap.history.last() {
            widgets::stat_card(
                ui,
                &ctx.trf("overview.last_year", &[("year", last.year.to_string())]),
                &ctx.money_with_unit(last.total.fen()),
                &ctx.trf("overview.contracts", &[("n", last.contracts.to_string())]),
                Some(&ctx.trf(
                    "overview.last_year_explain",
                    &[
                        ("year", last.year.to_string()),
                        ("n", last.contracts.to_string()),
                        ("total", ctx.money_with_unit(last.total.fen())),
                    ],
                )),
            );
        }
    });

    let Some(root) = root else {
        widgets::note(ui, &ctx.tr("overview.no_org"));
        return;
    };

    ui.add_space(theme::SECTION_GAP);
    // Side by side when both tables fit; one under the other in a narrow window (or beside
    // the getting-started steps), so neither is cut off.
    if ui.available_width() >= TWO_COLUMNS_WIDTH {
        ui.columns(2, |cols| {
            lines_section(&mut cols[0], ctx, root, total);
            units_section(&mut cols[1], ctx, state);
        });
    } else {
        lines_section(ui, ctx, root, total);
        ui.add_space(theme::SECTION_GAP);
        units_section(ui, ctx, state);
    }

    let line_ids: Vec<LineId> = snap.lines.iter().map(|l| l.id).collect();
    let gaps = targets::gaps(ctx.table, ctx.tree, &line_ids, amount);
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("overview.checks"));
    if gaps.is_empty() {
        ui.label(
            egui::RichText::new(format!("● {}", ctx.tr("overview.all_add_up")))
                .color(theme::good(ui.visuals().dark_mode)),
        );
    }
    for g in &gaps {
        let key = match g.kind {
            GapKind::Children => "overview.gap.children",
            GapKind::Lines => "overview.gap.lines",
            GapKind::Months => "overview.gap.months",
        };
        let name = match g.line {
            Some(l) => format!("{} · {}", ctx.node_name(g.node), ctx.line_name(l)),
            None => ctx.node_name(g.node),
        };
        widgets::warning(
            ui,
            &ctx.trf(
                key,
                &[
                    ("name", name),
                    ("whole", ctx.money_with_unit(g.whole)),
                    ("parts", ctx.money_with_unit(g.parts_sum)),
                ],
            ),
        );
    }
    ui.add_space(theme::SECTION_GAP);
    ui.horizontal(|ui| {
        if ui.button(ctx.tr("overview.edit_org")).clicked() {
            actions.push(Action::Navigate(View::Organisation));
        }
        if ui.button(ctx.tr("overview.see_targets")).clicked() {
            actions.push(Action::Navigate(View::Targets));
        }
    });
}

/// The overview's two tables side by side need this much width.
const TWO_COLUMNS_WIDTH: f32 = 960.0;

/// The company target split by product line, with its share bars.
fn lines_section(
    ui: &mut Ui,
    ctx: &ViewCtx,
    root: crate::domain::model::NodeId,
    total: Option<i64>,
) {
    let snap = ctx.snap;
    let amount = Metric::ContractAmount;
    widgets::subheading(ui, &ctx.tr("overview.by_line"));
    let line_ids: Vec<LineId> = snap.lines.iter().map(|l| l.id).collect();
    let parts = targets::split_by_line(ctx.table, ctx.tree, root, &line_ids, amount);
    if parts.is_empty() {
        widgets::note(ui, &ctx.tr("overview.no_line_split"));
    } else {
        let whole = total.unwrap_or(0);
        let rows: Vec<Vec<Cell>> = parts
            .iter()
            .map(|p| {
                let share = p
                    .share
                    .map(|s| s.format_percent_fixed(1))
                    .unwrap_or_default();
                let mut share_cell = Cell::num(share.clone());
                if p.share.is_some() {
                    share_cell = share_cell.explain(ctx.trf(
                        "overview.line_share_explain",
                        &[
                            ("line", ctx.line_name(p.key)),
                            ("value", ctx.money_with_unit(p.value)),
                            ("whole", ctx.money_with_unit(whole)),
                            ("share", share),
                        ],
                    ));
                }
                vec![
                    Cell::text(ctx.line_name(p.key)),
                    Cell::num(ctx.money(p.value)),
                    share_cell,
                ]
            })
            .collect();
        widgets::table(
            ui,
            "overview_lines",
            &[
                Col::text(ctx.tr("col.product_line")),
                Col::num(ctx.with_unit("col.target")),
                Col::num(ctx.tr("col.share")).width(70.0),
            ],
            &rows,
        );
        ui.add_space(6.0);
        for (i, p) in parts.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.add_sized(
                    [90.0, 16.0],
                    egui::Label::new(ctx.line_name(p.key)).truncate(),
                );
                let f = p.share.map(|s| s.to_f64() as f32).unwrap_or(0.0);
                widgets::share_bar(ui, f, 220.0, theme::series(i));
            });
        }
    }
}

/// The target of every unit and person with its share of the unit above.
fn units_section(ui: &mut Ui, ctx: &ViewCtx, state: &mut State) {
    widgets::subheading(ui, &ctx.tr("overview.by_unit"));
    let rows = state
        .units
        .get((ctx.generation, ctx.lang(), ctx.unit()), |_| unit_rows(ctx));
    widgets::table(
        ui,
        "overview_units",
        &[
            Col::text(ctx.tr("col.unit")).width(150.0),
            Col::text(ctx.tr("col.kind")).width(70.0),
            Col::num(ctx.with_unit("col.target")),
            Col::num(ctx.tr("col.share_of_parent")).width(80.0),
        ],
        &rows,
    );
}
