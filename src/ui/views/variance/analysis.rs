//! The funnel attribution of the contract gap (a table and a bridge chart) and the rolling
//! re-forecast (projected landing, the at-risk flag with its escalation note, what the months
//! to come need, and the formal revision).

use std::collections::HashMap;

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart};

use super::{Computed, State, window_label};
use crate::domain::attribution::{Attribution, Method, PlanAttribution};
use crate::domain::forecast::{Forecast, GroupForecast, PersonForecast};
use crate::domain::model::NodeId;
use crate::domain::money::{AmountUnit, Money};
use crate::domain::ratio::Ratio;
use crate::ui::theme;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets::long_table;
use crate::ui::widgets::{self, Cell, Col};

fn rate(r: Option<Ratio>) -> String {
    r.map(|r| r.format_percent_fixed(2))
        .unwrap_or_else(|| "—".into())
}

fn count(r: Ratio) -> String {
    r.format_decimal(2)
}

fn money_of_ratio(ctx: &ViewCtx, r: Option<Ratio>) -> String {
    r.map(|r| {
        ctx.money(
            i64::try_from(r.round(crate::domain::ratio::Rounding::HalfAwayFromZero))
                .unwrap_or(i64::MAX),
        )
    })
    .unwrap_or_else(|| "—".into())
}

fn effects_explain(ctx: &ViewCtx, a: &Attribution) -> String {
    let key = match a.method {
        Method::Lmdi => "attribution.explain_lmdi",
        Method::Sequential => "attribution.explain_sequential",
    };
    ctx.trf(
        key,
        &[
            ("gap", ctx.money_with_unit(a.gap)),
            ("volume", ctx.money_with_unit(a.volume)),
            ("conversion", ctx.money_with_unit(a.conversion)),
            ("size", ctx.money_with_unit(a.deal_size)),
        ],
    )
}

/// The attribution table as shown, formatted once.
pub(super) struct AttributionTexts {
    /// Everyone's row, then the total.
    rows: Vec<Vec<Cell>>,
    /// Nobody's gap can be attributed.
    none: bool,
    /// Where each person is in the attribution's people.
    index: HashMap<NodeId, usize>,
}

pub(super) fn attribution_texts(
    ctx: &ViewCtx,
    a: &PlanAttribution,
    dark: bool,
) -> AttributionTexts {
    let signed = |fen: i64| {
        let c = Cell::num(ctx.money(fen));
        if fen < 0 {
            c.color(theme::bad(dark))
        } else {
            c
        }
    };
    let row =
        |name: String, r: &Result<Attribution, crate::domain::attribution::Unattributable>| match r
        {
            Ok(e) => {
                let why = effects_explain(ctx, e);
                vec![
                    Cell::text(name),
                    Cell::num(format!(
                        "{} / {}",
                        count(e.plan.leads),
                        count(e.actual.leads)
                    )),
                    Cell::num(format!(
                        "{} / {}",
                        rate(e.plan.win_rate()),
                        rate(e.actual.win_rate())
                    )),
                    Cell::num(format!(
                        "{} / {}",
                        money_of_ratio(ctx, e.plan.deal_size()),
                        money_of_ratio(ctx, e.actual.deal_size())
                    )),
                    signed(e.gap).explain(why.clone()),
                    signed(e.volume).explain(why.clone()),
                    signed(e.conversion).explain(why.clone()),
                    signed(e.deal_size).explain(why),
                ]
            }
            Err(why) => vec![
                Cell::text(name),
                Cell::text(ctx.tr(why.label_key())).explain(ctx.tr(why.label_key())),
            ],
        };
    let mut rows: Vec<Vec<Cell>> = a
        .people
        .iter()
        .map(|p| row(p.name.clone(), &p.result))
        .collect();
    let mut total = row(ctx.tr("col.total").into_owned(), &a.total);
    for c in &mut total {
        c.strong = true;
    }
    rows.push(total);
    let mut index = HashMap::new();
    for (i, p) in a.people.iter().enumerate() {
        index.entry(p.person).or_insert(i);
    }
    AttributionTexts {
        rows,
        none: a.people.iter().all(|p| p.result.is_err()),
        index,
    }
}

pub(super) fn attribution_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    a: &PlanAttribution,
    t: &AttributionTexts,
) {
    widgets::subheading(
        ui,
        &ctx.trf(
            "attribution.title",
            &[("window", window_label(ctx, a.window))],
        ),
    );
    ui.label(RichText::new(ctx.tr("attribution.intro")).weak());
    if let Err(why) = &a.total {
        widgets::note(ui, &ctx.tr(why.label_key()));
        if t.none {
            return;
        }
    }
    egui::ScrollArea::horizontal()
        .id_salt("attribution_scroll")
        .show(ui, |ui| {
            long_table(
                ui,
                "attribution",
                &[
                    Col::text(ctx.tr("col.person")).width(90.0),
                    Col::num(ctx.tr("attribution.leads")).width(110.0),
                    Col::num(ctx.tr("attribution.win_rate")).width(130.0),
                    Col::num(ctx.with_unit("attribution.deal_size")).width(170.0),
                    Col::num(ctx.with_unit("attribution.gap")),
                    Col::num(ctx.with_unit("attribution.volume")),
                    Col::num(ctx.with_unit("attribution.conversion")),
                    Col::num(ctx.with_unit("attribution.size")),
                ],
                &t.rows,
            )
        });

    // The bridge of one person or the team.
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("attribution.bridge_of"));
        let team = ctx.tr("attribution.team").into_owned();
        egui::ComboBox::from_id_salt("bridge_person")
            .selected_text(
                state
                    .bridge
                    .map(|p| ctx.node_name(p))
                    .unwrap_or(team.clone()),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.bridge, None, team);
                // Only the names in view are laid out.
                let spacing = ui.spacing();
                let h = (ui.text_style_height(&egui::TextStyle::Button)
                    + 2.0 * spacing.button_padding.y)
                    .max(spacing.interact_size.y);
                egui::ScrollArea::vertical()
                    .id_salt("bridge_people")
                    .max_height(160.0)
                    .show_rows(ui, h, a.people.len(), |ui, range| {
                        for p in &a.people[range] {
                            ui.selectable_value(&mut state.bridge, Some(p.person), &p.name);
                        }
                    });
            })
            .response
            .labelled_by(label.id);
    });
    let chosen = match state.bridge {
        Some(p) => t.index.get(&p).map(|i| &a.people[*i].result),
        None => Some(&a.total),
    };
    match chosen {
        Some(Ok(e)) => bridge(ui, ctx, e),
        Some(Err(why)) => widgets::note(ui, &ctx.tr(why.label_key())),
        None => {}
    }
}

/// Plan → volume → conversion → deal size → actual, as a waterfall.
fn bridge(ui: &mut Ui, ctx: &ViewCtx, a: &Attribution) {
    let s = match ctx.unit() {
        AmountUnit::Yuan => 100.0,
        AmountUnit::Wan => 1_000_000.0,
    };
    let dark = ui.visuals().dark_mode;
    let labels = [
        ctx.tr("attribution.plan").into_owned(),
        ctx.tr("attribution.volume").into_owned(),
        ctx.tr("attribution.conversion").into_owned(),
        ctx.tr("attribution.size").into_owned(),
        ctx.tr("attribution.actual").into_owned(),
    ];
    let steps = [a.volume, a.conversion, a.deal_size];
    let mut base = a.plan.revenue;
    let mut bars = vec![
        Bar::new(0.0, a.plan.revenue as f64 / s)
            .width(0.6)
            .fill(theme::series(0))
            .name(format!(
                "{} {}",
                labels[0],
                ctx.money_with_unit(a.plan.revenue)
            )),
    ];
    for (i, d) in steps.iter().enumerate() {
        bars.push(
            Bar::new(i as f64 + 1.0, *d as f64 / s)
                .base_offset(base as f64 / s)
                .width(0.6)
                .fill(if *d < 0 {
                    theme::bad(dark)
                } else {
                    theme::good(dark)
                })
                .name(format!("{} {}", labels[i + 1], ctx.money_with_unit(*d))),
        );
        base += d;
    }
    bars.push(
        Bar::new(4.0, a.actual.revenue as f64 / s)
            .width(0.6)
            .fill(theme::series(1))
            .name(format!(
                "{} {}",
                labels[4],
                ctx.money_with_unit(a.actual.revenue)
            )),
    );
    let axis = labels.clone();
    super::plots_still("attribution_bridge")
        .height(220.0)
        .y_axis_label(ctx.unit_label().into_owned())
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && (0.0..5.0).contains(&i) {
                axis[i as usize].clone()
            } else {
                String::new()
            }
        })
        .show(ui, |pl| {
            pl.bar_chart(
                BarChart::new(ctx.tr("attribution.bridge"), bars)
                    .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone())),
            );
        });
    ui.label(RichText::new(effects_explain(ctx, a)).weak());
}

fn forecast_explain(ctx: &ViewCtx, p: &PersonForecast) -> String {
    ctx.trf(
        "forecast.explain",
        &[
            ("actual", ctx.money_with_unit(p.actual.fen())),
            ("pipeline", ctx.money_with_unit(p.pipeline.fen())),
            ("run", ctx.money_with_unit(p.run_rate.value.fen())),
            ("projected", ctx.money_with_unit(p.projected.fen())),
            ("leads", p.run_rate.leads_to_date.to_string()),
            ("per_month", p.run_rate.leads_per_month.format_decimal(2)),
            ("months", p.run_rate.months.to_string()),
            ("cycle", p.run_rate.cycle_days.format_decimal(1)),
            ("win", p.run_rate.win_rate.format_percent(2)),
            ("size", ctx.money_with_unit(p.run_rate.deal_size.fen())),
        ],
    )
}

/// The escalation note of someone at risk: the figures, the gap and what the rest of the year
/// needs, addressed to the unit above.
pub(crate) fn escalation_note(ctx: &ViewCtx, p: &PersonForecast, threshold: Ratio) -> String {
    let manager = ctx
        .tree
        .get(p.person)
        .and_then(|n| n.parent)
        .map(|u| ctx.node_name(u))
        .unwrap_or_default();
    ctx.trf(
        "forecast.escalation",
        &[
            ("name", p.name.clone()),
            ("projected", ctx.money_with_unit(p.projected.fen())),
            ("attainment", rate(p.attainment)),
            ("target", ctx.money_with_unit(p.target.fen())),
            ("threshold", threshold.format_percent(2)),
            ("gap", ctx.money_with_unit((p.target - p.projected).fen())),
            ("deals", p.deals_needed.to_string()),
            ("leads", p.leads_needed.to_string()),
            ("manager", manager),
        ],
    )
}

/// The forecast's tables as shown, formatted once.
pub(super) struct ForecastTexts {
    headline: String,
    /// One row a person of the scope.
    rows: Vec<Vec<Cell>>,
    /// The escalation notes of those at risk.
    notes: Vec<String>,
    /// What is left of the target by month: one row a person, then the total.
    spread: Vec<Vec<Cell>>,
}

/// Escalation notes up to this many are shown in full; more are listed a line each.
const NOTES_IN_FULL: usize = 12;

pub(super) fn forecast_texts(
    ctx: &ViewCtx,
    f: &Forecast,
    people: &[&PersonForecast],
    group: &GroupForecast,
    dark: bool,
) -> ForecastTexts {
    let headline = ctx.trf(
        "forecast.headline",
        &[
            ("projected", ctx.money_with_unit(group.projected.fen())),
            ("attainment", rate(group.attainment)),
            ("target", ctx.money_with_unit(group.target.fen())),
        ],
    );
    let rows: Vec<Vec<Cell>> = people
        .iter()
        .map(|p| {
            let why = forecast_explain(ctx, p);
            let flag = if p.at_risk {
                Cell::text(format!("▲ {}", ctx.tr("forecast.at_risk")))
                    .color(theme::bad(dark))
                    .explain(escalation_note(ctx, p, f.threshold))
            } else {
                Cell::text(ctx.tr("forecast.ok")).color(theme::good(dark))
            };
            vec![
                Cell::text(&p.name),
                Cell::num(ctx.money(p.target.fen())),
                Cell::num(ctx.money(p.actual.fen())),
                Cell::num(ctx.money(p.remaining.fen())),
                Cell::num(ctx.money(p.pipeline.fen())).explain(why.clone()),
                Cell::num(ctx.money(p.run_rate.value.fen())).explain(why.clone()),
                Cell::num(ctx.money(p.projected.fen()))
                    .strong()
                    .explain(why),
                Cell::num(rate(p.attainment)),
                flag,
                Cell::num(p.deals_needed.to_string()),
                Cell::num(p.leads_needed.to_string()).explain(ctx.trf(
                    "forecast.leads_explain",
                    &[("overdue", p.leads_overdue.to_string())],
                )),
            ]
        })
        .collect();
    let notes = people
        .iter()
        .filter(|p| p.at_risk)
        .map(|p| escalation_note(ctx, p, f.threshold))
        .collect();
    let mut spread = Vec::new();
    if f.through < 12 {
        let months: Vec<u8> = ((f.through + 1)..=12).collect();
        spread = people
            .iter()
            .map(|p| {
                let mut r = vec![Cell::text(&p.name)];
                r.extend(months.iter().map(|m| {
                    let x = p.months.iter().find(|x| x.month == *m);
                    let mut c = Cell::num(ctx.money(p.spread[usize::from(m - 1)].fen()));
                    if let Some(x) = x {
                        c = c.explain(ctx.trf(
                            "forecast.month_explain",
                            &[
                                ("deals", x.deals.to_string()),
                                ("leads", x.leads.to_string()),
                                ("visits", x.visits.to_string()),
                                ("bids", x.bids.to_string()),
                            ],
                        ));
                    }
                    c
                }));
                r.push(
                    Cell::num(ctx.money(p.spread.iter().copied().sum::<Money>().fen())).strong(),
                );
                r
            })
            .collect();
        let mut total = vec![Cell::text(ctx.tr("col.total")).strong()];
        let mut all = Money::ZERO;
        for m in &months {
            let v: Money = people.iter().map(|p| p.spread[usize::from(m - 1)]).sum();
            all += v;
            total.push(Cell::num(ctx.money(v.fen())).strong());
        }
        total.push(Cell::num(ctx.money(all.fen())).strong());
        spread.push(total);
    }
    ForecastTexts {
        headline,
        rows,
        notes,
        spread,
    }
}

pub(super) fn forecast_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    c: &Computed,
    t: &ForecastTexts,
    actions: &mut Vec<Action>,
) {
    let f = &c.forecast;
    let through_text = if f.through == 0 {
        ctx.tr("variance.window.none_closed").into_owned()
    } else {
        ctx.month_name(f.through)
    };
    widgets::subheading(ui, &ctx.trf("forecast.title", &[("through", through_text)]));
    ui.label(RichText::new(ctx.tr("forecast.intro")).weak());
    if t.rows.is_empty() {
        widgets::note(ui, &ctx.tr("forecast.nobody"));
        return;
    }
    let at_risk = c.group.at_risk;
    let dark = ui.visuals().dark_mode;
    let headline = &t.headline;
    if at_risk {
        ui.label(
            RichText::new(format!("▲ {} {}", ctx.tr("forecast.at_risk"), headline))
                .strong()
                .color(theme::bad(dark)),
        );
    } else {
        ui.label(RichText::new(headline).strong().color(theme::good(dark)));
    }
    egui::ScrollArea::horizontal()
        .id_salt("forecast_scroll")
        .show(ui, |ui| {
            long_table(
                ui,
                "forecast",
                &[
                    Col::text(ctx.tr("col.person")).width(80.0),
                    Col::num(ctx.with_unit("forecast.target")).width(110.0),
                    Col::num(ctx.with_unit("forecast.actual")).width(110.0),
                    Col::num(ctx.with_unit("forecast.remaining")).width(110.0),
                    Col::num(ctx.with_unit("forecast.pipeline")).width(110.0),
                    Col::num(ctx.with_unit("forecast.run_rate")).width(110.0),
                    Col::num(ctx.with_unit("forecast.projected")).width(120.0),
                    Col::num(ctx.tr("forecast.attainment")).width(80.0),
                    Col::text(ctx.tr("forecast.flag")).width(90.0),
                    Col::num(ctx.tr("forecast.deals")).width(70.0),
                    Col::num(ctx.tr("forecast.leads")).width(70.0),
                ],
                &t.rows,
            )
        });
    // Escalation notes of those at risk: a few in full, many a line each (the full note on
    // hover), only those in view laid out.
    let bad = theme::bad(dark);
    if t.notes.len() <= NOTES_IN_FULL {
        for note in &t.notes {
            ui.label(RichText::new(note).color(bad));
        }
    } else {
        let h = ui.text_style_height(&egui::TextStyle::Body);
        egui::ScrollArea::vertical()
            .id_salt("escalation_notes")
            .max_height(NOTES_IN_FULL as f32 * (h + ui.spacing().item_spacing.y))
            .show_rows(ui, h, t.notes.len(), |ui, range| {
                for note in &t.notes[range] {
                    ui.add(egui::Label::new(RichText::new(note).color(bad)).truncate())
                        .on_hover_text(note);
                }
            });
    }

    // What is left of the target, by month.
    if f.through < 12 {
        ui.add_space(6.0);
        ui.label(RichText::new(ctx.tr("forecast.spread_title")).strong());
        let mut cols = vec![Col::text(ctx.tr("col.person")).width(80.0)];
        cols.extend(((f.through + 1)..=12).map(|m| Col::num(ctx.month_name(m)).width(86.0)));
        cols.push(Col::num(ctx.tr("col.total")).width(100.0));
        egui::ScrollArea::horizontal()
            .id_salt("forecast_spread_scroll")
            .show(ui, |ui| long_table(ui, "forecast_spread", &cols, &t.spread));
        ui.label(RichText::new(ctx.tr("forecast.spread_hint")).weak());
    }

    // The formal revision, when the target truly cannot be met.
    if at_risk {
        ui.add_space(6.0);
        egui::CollapsingHeader::new(ctx.tr("forecast.revision"))
            .id_salt("forecast_revision")
            .show(ui, |ui| {
                ui.label(RichText::new(ctx.tr("forecast.revision_hint")).weak());
                if state.revision_reason.is_empty() {
                    state.revision_reason = headline.clone();
                }
                let l = ui.label(ctx.tr("negotiation.revision_reason"));
                ui.add(
                    egui::TextEdit::multiline(&mut state.revision_reason)
                        .desired_width(520.0)
                        .desired_rows(2),
                )
                .labelled_by(l.id);
                let l = ui.label(ctx.tr("negotiation.revision_by"));
                ui.add(egui::TextEdit::singleline(&mut state.revision_by).desired_width(200.0))
                    .labelled_by(l.id);
                if ui.button(ctx.tr("negotiation.start_revision")).clicked() {
                    actions.push(crate::ui::views::negotiation::start_revision(
                        ctx,
                        &state.revision_reason,
                        &state.revision_by,
                    ));
                }
            });
    }
}
