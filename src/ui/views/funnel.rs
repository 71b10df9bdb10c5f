//! Funnel: each person's target reverse-derived into the deals and leads it needs (目标倒推,
//! domain §4), with the company figures as sums of the per-person whole numbers.

use egui::{Color32, Pos2, RichText, Ui};

use crate::domain::funnel::team_funnel;
use crate::domain::model::Metric;
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::stats::DealStats;
use crate::i18n::Localized;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

pub fn funnel_ui(ui: &mut Ui, ctx: &ViewCtx) {
    let snap = ctx.snap;
    let d = &snap.funnel;
    widgets::heading(ui, &ctx.tr("view.funnel"));
    ui.label(ctx.trf(
        "funnel.assumptions",
        &[
            ("deal_size", ctx.money_with_unit(d.deal_size.fen())),
            ("win_rate", d.win_rate.format_percent(2)),
        ],
    ));
    ui.add_space(theme::SECTION_GAP / 2.0);

    let targets: Vec<(&str, Money)> = snap
        .people()
        .filter_map(|p| {
            ctx.table
                .node_value(ctx.tree, p.id, None, Period::Year, Metric::ContractAmount)
                .map(|t| (p.name.as_str(), Money::from_fen(t)))
        })
        .collect();
    let team = team_funnel(&targets, d.deal_size, d.win_rate);
    let mut rows = Vec::new();
    for (name, result) in &team.people {
        match result {
            Ok(f) => {
                let explain_deals = ctx.trf(
                    "funnel.explain_deals",
                    &[
                        ("target", ctx.money_with_unit(f.target.fen())),
                        ("deal_size", ctx.money_with_unit(d.deal_size.fen())),
                        ("deals", f.deals.to_string()),
                    ],
                );
                let explain_leads = ctx.trf(
                    "funnel.explain_leads",
                    &[
                        ("deals", f.deals.to_string()),
                        ("win_rate", d.win_rate.format_percent(2)),
                        ("leads", f.leads.to_string()),
                    ],
                );
                rows.push(vec![
                    Cell::text(*name),
                    Cell::num(ctx.money(f.target.fen())),
                    Cell::num(f.deals.to_string()).explain(explain_deals),
                    Cell::num(f.leads.to_string()).explain(explain_leads),
                ]);
            }
            Err(e) => rows.push(vec![
                Cell::text(*name),
                Cell::num("—"),
                Cell::num("—").explain(e.localize(ctx.lang())),
                Cell::num("—").explain(e.localize(ctx.lang())),
            ]),
        }
    }
    if rows.is_empty() {
        widgets::note(ui, &ctx.tr("funnel.no_people_targets"));
        return;
    }
    rows.push(vec![
        Cell::text(
            ctx.trf(
                "funnel.total_row",
                &[(
                    "n",
                    team.people
                        .iter()
                        .filter(|(_, f)| f.is_ok())
                        .count()
                        .to_string(),
                )],
            ),
        )
        .strong(),
        Cell::num(ctx.money(team.target.fen())).strong(),
        Cell::num(team.deals.to_string())
            .strong()
            .explain(ctx.tr("funnel.explain_sum")),
        Cell::num(team.leads.to_string())
            .strong()
            .explain(ctx.tr("funnel.explain_sum")),
    ]);

    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            widgets::table(
                ui,
                "funnel_people",
                &[
                    Col::text(ctx.tr("col.person")).width(120.0),
                    Col::num(ctx.with_unit("col.target")),
                    Col::num(ctx.tr("metric.deals")).width(80.0),
                    Col::num(ctx.tr("metric.leads")).width(80.0),
                ],
                &rows,
            );
        });
        ui.add_space(24.0);
        funnel_chart(
            ui,
            &[
                (ctx.tr("metric.leads").into_owned(), team.leads.to_string()),
                (ctx.tr("metric.deals").into_owned(), team.deals.to_string()),
                (
                    ctx.tr("metric.contract_amount").into_owned(),
                    ctx.money_with_unit(team.target.fen()),
                ),
            ],
        );
    });
    ui.add_space(theme::SECTION_GAP);
    pipeline_stats_ui(ui, ctx);
    ui.add_space(theme::SECTION_GAP);
    widgets::note(ui, &ctx.tr("funnel.coming"));
}

fn stats_row(ctx: &ViewCtx, name: Cell, s: &DealStats) -> Vec<Cell> {
    let rate = |r: Option<crate::domain::ratio::Ratio>| {
        r.map(|r| r.format_percent_fixed(1))
            .unwrap_or_else(|| "—".into())
    };
    vec![
        name,
        Cell::num(s.won.to_string()),
        Cell::num(s.lost.to_string()),
        Cell::num(s.open.to_string()),
        Cell::num(rate(s.win_rate)).explain(ctx.trf(
            "funnel.stats.win_rate_explain",
            &[("won", s.won.to_string()), ("lost", s.lost.to_string())],
        )),
        Cell::num(
            s.average_won_money()
                .map(|m| ctx.money(m.fen()))
                .unwrap_or_else(|| "—".into()),
        ),
        Cell::num(
            s.cycle_days_median
                .map(|d| d.format_decimal(1))
                .unwrap_or_else(|| "—".into()),
        )
        .explain(ctx.tr("funnel.stats.cycle_explain")),
    ]
}

/// What the imported pipeline says: win rates, deal sizes and cycle lengths, per person.
fn pipeline_stats_ui(ui: &mut Ui, ctx: &ViewCtx) {
    widgets::subheading(ui, &ctx.tr("funnel.stats.title"));
    if ctx.snap.opportunities.is_empty() {
        widgets::note(ui, &ctx.tr("funnel.stats.none"));
        return;
    }
    let mut rows = vec![stats_row(
        ctx,
        Cell::text(ctx.tr("funnel.stats.company")).strong(),
        &ctx.stats.company,
    )];
    for (id, _) in ctx.tree.walk() {
        if let Some(s) = ctx.stats.by_person.get(&Some(id)) {
            rows.push(stats_row(ctx, Cell::text(ctx.node_name(id)), s));
        }
    }
    if let Some(s) = ctx.stats.by_person.get(&None) {
        rows.push(stats_row(
            ctx,
            Cell::text(ctx.tr("funnel.stats.no_person")),
            s,
        ));
    }
    widgets::table(
        ui,
        "pipeline_stats",
        &[
            Col::text(ctx.tr("col.person")).width(150.0),
            Col::num(ctx.tr("funnel.stats.won")).width(60.0),
            Col::num(ctx.tr("funnel.stats.lost")).width(60.0),
            Col::num(ctx.tr("funnel.stats.open")).width(60.0),
            Col::num(ctx.tr("settings.win_rate")).width(70.0),
            Col::num(ctx.with_unit("funnel.stats.average_won")),
            Col::num(ctx.tr("funnel.stats.cycle_median")).width(150.0),
        ],
        &rows,
    );
    let conversions: Vec<String> = ctx
        .stats
        .company
        .conversions
        .iter()
        .filter_map(|c| {
            c.rate
                .map(|r| format!("{}→{} {}", c.from, c.to, r.format_percent_fixed(1)))
        })
        .collect();
    if !conversions.is_empty() {
        ui.label(
            egui::RichText::new(ctx.trf(
                "funnel.stats.conversions",
                &[("list", conversions.join("  "))],
            ))
            .weak(),
        )
        .on_hover_text(ctx.tr("funnel.stats.conversions_explain"));
    }
}

/// A simple funnel: one band per stage, each narrower than the one above.
fn funnel_chart(ui: &mut Ui, stages: &[(String, String)]) {
    let width = 300.0;
    let band = 46.0;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(width, band * stages.len() as f32),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let dark = ui.visuals().dark_mode;
    let n = stages.len().max(1) as f32;
    for (i, (label, value)) in stages.iter().enumerate() {
        let top_w = width * (1.0 - 0.55 * i as f32 / n);
        let bottom_w = width * (1.0 - 0.55 * (i + 1) as f32 / n);
        let y0 = rect.top() + band * i as f32;
        let y1 = y0 + band - 4.0;
        let cx = rect.center().x;
        let points = vec![
            Pos2::new(cx - top_w / 2.0, y0),
            Pos2::new(cx + top_w / 2.0, y0),
            Pos2::new(cx + bottom_w / 2.0, y1),
            Pos2::new(cx - bottom_w / 2.0, y1),
        ];
        let color = theme::series(i).gamma_multiply(if dark { 0.8 } else { 0.9 });
        painter.add(egui::Shape::convex_polygon(
            points,
            color,
            egui::Stroke::NONE,
        ));
        painter.text(
            Pos2::new(cx, (y0 + y1) / 2.0),
            egui::Align2::CENTER_CENTER,
            format!("{label}  {value}"),
            egui::FontId::proportional(14.0),
            Color32::WHITE,
        );
    }
    ui.label(RichText::new("").small());
}
