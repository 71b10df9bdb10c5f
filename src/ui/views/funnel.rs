//! Funnel: each person's target reverse-derived (目标倒推, domain §4) with their own rates and
//! deal size, the open pipeline netted, visits against capacity; the funnel drawn stage by
//! stage against the current pipeline; the activities month by month, run ahead of the
//! contracts; and the chance of reaching the committed target from a seeded simulation.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::{Color32, Pos2, RichText, Ui};
use egui_plot::{Bar, BarChart, GridMark, Legend, Plot};

use crate::domain::confidence::{self, Confidence, SimInputs};
use crate::domain::model::NodeId;
use crate::domain::person_funnel::{PersonFunnel, team_totals};
use crate::domain::plan_funnels::{self, Basis, PersonPlan, WeightsSource};
use crate::domain::stats::DealStats;
use crate::i18n::Localized;
use crate::ui::theme;
use crate::ui::views::{Memo, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

#[derive(Default)]
pub struct State {
    pub basis: Basis,
    /// The person the charts show; None = the whole team.
    pub selected: Option<NodeId>,
    /// Re-phase: new deals only from the month whose leads fall inside the year.
    pub rephase: bool,
    job: ConfidenceJob,
    /// The people's plans, computed once per document generation and basis.
    plans: Memo<(u64, Basis), Vec<PersonPlan>>,
    /// The people table's rows as shown (a large plan has thousands of people; only those on
    /// screen are laid out, but building every row's texts each frame would still cost).
    rows: Memo<RowsKey, PeopleRows>,
}

/// The people table's rows with the total, and how many people have more visits to make than
/// their capacity.
struct PeopleRows {
    rows: Vec<Vec<Cell>>,
    overloaded: usize,
}

/// What the people table's rows depend on: the plans (generation and basis), whether the
/// simulations have finished, and how figures are shown.
#[derive(Clone, Copy, PartialEq, Eq)]
struct RowsKey {
    generation: u64,
    basis: Basis,
    ready: bool,
    lang: crate::i18n::Lang,
    unit: crate::domain::money::AmountUnit,
    dark: bool,
}

/// A batch of simulations running on a worker thread.
struct Running {
    key: u64,
    rx: Receiver<Vec<(NodeId, Confidence)>>,
    cancel: Arc<AtomicBool>,
    /// People finished so far.
    done: Arc<AtomicUsize>,
    total: usize,
}

/// The simulations, run off the UI thread and kept until their inputs change. Work for
/// inputs that changed (or a closed view state) is cancelled.
#[derive(Default)]
struct ConfidenceJob {
    key: Option<u64>,
    results: HashMap<NodeId, Confidence>,
    running: Option<Running>,
}

impl Drop for ConfidenceJob {
    fn drop(&mut self) {
        if let Some(r) = &self.running {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl ConfidenceJob {
    /// Starts (or keeps) the simulations for these inputs. Returns None when the results are
    /// ready, else the progress (people done, people in all).
    /// `key` names the inputs (the document generation and basis); `sims` builds them, only
    /// when a new batch has to start.
    fn update(
        &mut self,
        ui: &Ui,
        key: u64,
        sims: impl FnOnce() -> Vec<(NodeId, SimInputs)>,
    ) -> Option<(usize, usize)> {
        if let Some(r) = &self.running {
            if let Ok(results) = r.rx.try_recv() {
                if r.key == key {
                    self.results = results.into_iter().collect();
                    self.key = Some(key);
                }
                self.running = None;
            } else if r.key != key {
                r.cancel.store(true, Ordering::Relaxed);
                self.running = None;
            }
        }
        if self.key == Some(key) {
            return None;
        }
        if self.running.is_none() {
            let sims = sims();
            let (tx, rx) = channel();
            let repaint = ui.ctx().clone();
            let cancel = Arc::new(AtomicBool::new(false));
            let done = Arc::new(AtomicUsize::new(0));
            let total = sims.len();
            let (worker_cancel, worker_done) = (cancel.clone(), done.clone());
            std::thread::spawn(move || {
                let progress = |n: usize| {
                    worker_done.fetch_max(n, Ordering::Relaxed);
                };
                let Some(results) = confidence::simulate_all(&sims, &worker_cancel, &progress)
                else {
                    return;
                };
                let _ = tx.send(results);
                repaint.request_repaint();
            });
            self.running = Some(Running {
                key,
                rx,
                cancel,
                done,
                total,
            });
        }
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(200));
        self.running
            .as_ref()
            .map(|r| (r.done.load(Ordering::Relaxed), r.total))
    }
}

fn rate_text(r: crate::domain::ratio::Ratio) -> String {
    r.format_percent(2)
}

/// The people table's total (the team's target and counts), and how many are overloaded.
fn total_row(ctx: &ViewCtx, plans: &[PersonPlan]) -> (Vec<Cell>, usize) {
    let ok: Vec<&PersonFunnel> = plans
        .iter()
        .filter_map(|p| p.funnel.as_ref().ok())
        .collect();
    let t = team_totals(ok.iter().copied());
    let sum_explain = ctx.tr("funnel.explain_sum").into_owned();
    let mut total = vec![
        Cell::text(ctx.trf("funnel.total_row", &[("n", ok.len().to_string())])).strong(),
        Cell::num(ctx.money(t.target.fen())).strong(),
        Cell::num(""),
        Cell::num(""),
        Cell::num(""),
        Cell::num(t.deals.to_string())
            .strong()
            .explain(sum_explain.clone()),
        Cell::num(t.leads.to_string())
            .strong()
            .explain(sum_explain.clone()),
        Cell::num(t.bids.to_string()).strong(),
        Cell::num(t.visits.to_string()).strong(),
    ];
    total.extend([Cell::num(""), Cell::num(""), Cell::num("")]);
    (total, t.overloaded)
}

fn person_row(
    ctx: &ViewCtx,
    p: &PersonPlan,
    conf: Option<&Confidence>,
    ready: bool,
    dark: bool,
) -> Vec<Cell> {
    let i = &p.inputs;
    let source = |s: crate::domain::person_funnel::Source| ctx.tr(s.label_key()).into_owned();
    let win = i.model.win_rate();
    let steps: Vec<String> = i
        .model
        .steps
        .iter()
        .map(|s| {
            format!(
                "{}→{} {} ({})",
                s.from,
                s.to,
                rate_text(s.rate),
                source(s.source)
            )
        })
        .collect();
    let mut row = vec![
        Cell::text(&p.name),
        Cell::num(ctx.money(i.target.fen())).explain(ctx.trf(
            "funnel.explain_target",
            &[
                ("committed", ctx.money_with_unit(p.committed.fen())),
                ("stretch", ctx.money_with_unit(p.stretch.fen())),
            ],
        )),
        Cell::num(ctx.money(i.deal_size.fen())).explain(source(i.deal_size_source)),
        Cell::num(rate_text(win)).explain(steps.join("\n")),
    ];
    match &p.funnel {
        Ok(f) => {
            row.push(
                Cell::num(ctx.money(plan_funnels::fen(f.pipeline_expected).fen())).explain(
                    ctx.trf(
                        "funnel.explain_pipeline",
                        &[("n", i.open.len().to_string())],
                    ),
                ),
            );
            row.push(Cell::num(f.deals.to_string()).explain(ctx.trf(
                "funnel.explain_deals2",
                &[
                    (
                        "remaining",
                        ctx.money_with_unit(plan_funnels::fen(f.remaining).fen()),
                    ),
                    ("deal_size", ctx.money_with_unit(i.deal_size.fen())),
                    ("deals", f.deals.to_string()),
                ],
            )));
            row.push(Cell::num(f.leads.to_string()).explain(ctx.trf(
                "funnel.explain_leads",
                &[
                    ("deals", f.deals.to_string()),
                    ("win_rate", rate_text(win)),
                    ("leads", f.leads.to_string()),
                ],
            )));
            row.push(Cell::num(
                f.bids.map(|b| b.to_string()).unwrap_or_else(|| "—".into()),
            ));
            let visits = Cell::num(format!("{} / {}", f.visits, f.capacity)).explain(ctx.trf(
                "funnel.explain_visits",
                &[
                    ("visits", f.visits.to_string()),
                    ("capacity", f.capacity.to_string()),
                    ("per_week", i.visits_per_week.to_string()),
                ],
            ));
            row.push(if f.overloaded {
                visits.color(theme::bad(dark))
            } else {
                visits
            });
        }
        Err(e) => {
            let why = e.localize(ctx.lang());
            for _ in 0..5 {
                row.push(Cell::num("—").explain(why.clone()));
            }
        }
    }
    match conf {
        Some(c) => {
            row.push(Cell::num(c.chance.format_percent_fixed(1)).explain(ctx.trf(
                "funnel.explain_chance",
                &[
                    ("runs", c.runs.to_string()),
                    ("committed", ctx.money_with_unit(p.committed.fen())),
                ],
            )));
            row.push(Cell::num(ctx.money(c.p50.fen())).explain(ctx.trf(
                "funnel.explain_percentiles",
                &[
                    ("p10", ctx.money_with_unit(c.p10.fen())),
                    ("p50", ctx.money_with_unit(c.p50.fen())),
                    ("p90", ctx.money_with_unit(c.p90.fen())),
                    ("mean", ctx.money_with_unit(c.analytic_mean.fen())),
                ],
            )));
            row.push(Cell::num(
                c.leads_for_80
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| "—".into()),
            ));
        }
        None => {
            let text = if ready { "—" } else { "…" };
            for _ in 0..3 {
                row.push(Cell::num(text));
            }
        }
    }
    row
}

pub fn funnel_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State) {
    let snap = ctx.snap;
    widgets::heading(ui, &ctx.tr("view.funnel"));
    let buffer = plan_funnels::stretch_buffer(snap);
    ui.horizontal(|ui| {
        ui.label(ctx.tr("funnel.basis"));
        ui.selectable_value(
            &mut state.basis,
            Basis::Stretch,
            ctx.tr("funnel.basis.stretch"),
        )
        .on_hover_text(ctx.trf(
            "funnel.basis.stretch_explain",
            &[("buffer", buffer.format_percent(2))],
        ));
        ui.selectable_value(
            &mut state.basis,
            Basis::Committed,
            ctx.tr("funnel.basis.committed"),
        );
    });
    let weights = match plan_funnels::month_weights(snap).1 {
        WeightsSource::History => ctx.tr("funnel.weights.history"),
        WeightsSource::WorkingDays => ctx.tr("funnel.weights.working_days"),
    };
    ui.label(
        RichText::new(ctx.trf(
            "funnel.assumptions2",
            &[
                (
                    "deal_size",
                    ctx.money_with_unit(snap.funnel.deal_size.fen()),
                ),
                ("win_rate", snap.funnel.win_rate.format_percent(2)),
                ("weights", weights.into_owned()),
            ],
        ))
        .weak(),
    );
    ui.label(
        RichText::new(ctx.trf(
            "funnel.amounts_in",
            &[("unit", ctx.unit_label().into_owned())],
        ))
        .weak(),
    );
    ui.add_space(theme::SECTION_GAP / 2.0);

    let plans = state
        .plans
        .get((ctx.generation, state.basis), |(_, basis)| {
            plan_funnels::person_plans(snap, ctx.stats, *basis, 1)
        });
    if plans.is_empty() {
        widgets::note(ui, &ctx.tr("funnel.no_people_targets"));
        return;
    }
    let key = ctx.generation.wrapping_mul(2) + u64::from(state.basis == Basis::Committed);
    let progress = state.job.update(ui, key, || {
        plan_funnels::all_sim_inputs(
            snap,
            &plans,
            confidence::DEFAULT_RUNS,
            confidence::DEFAULT_SEED,
        )
    });
    let ready = progress.is_none();

    let dark = ui.visuals().dark_mode;
    let rows_key = RowsKey {
        generation: ctx.generation,
        basis: state.basis,
        ready,
        lang: ctx.lang(),
        unit: ctx.unit(),
        dark,
    };
    let job = &state.job;
    let rows = state.rows.get(rows_key, |_| {
        let mut rows: Vec<Vec<Cell>> = plans
            .iter()
            .map(|p| {
                let conf = if ready {
                    job.results.get(&p.person)
                } else {
                    None
                };
                person_row(ctx, p, conf, ready, dark)
            })
            .collect();
        let (total, overloaded) = total_row(ctx, &plans);
        rows.push(total);
        PeopleRows { rows, overloaded }
    });
    widgets::table(
        ui,
        "funnel_people",
        &[
            Col::text(ctx.tr("col.person")).width(90.0),
            Col::num(ctx.tr("col.target")).width(100.0),
            Col::num(ctx.tr("funnel.col.deal_size")).width(90.0),
            Col::num(ctx.tr("settings.win_rate")).width(60.0),
            Col::num(ctx.tr("funnel.col.pipeline")).width(115.0),
            Col::num(ctx.tr("metric.deals")).width(55.0),
            Col::num(ctx.tr("metric.leads")).width(55.0),
            Col::num(ctx.tr("metric.bids")).width(55.0),
            Col::num(ctx.tr("funnel.col.visits")).width(90.0),
            Col::num(ctx.tr("funnel.col.chance")).width(70.0),
            Col::num(ctx.tr("funnel.col.p50")).width(110.0),
            Col::num(ctx.tr("funnel.col.leads80")).width(85.0),
        ],
        &rows.rows,
    );
    if let Some((done, total)) = progress {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(
                RichText::new(ctx.trf(
                    "funnel.confidence.running",
                    &[("done", done.to_string()), ("total", total.to_string())],
                ))
                .weak(),
            );
        });
    } else {
        ui.label(
            RichText::new(ctx.tr("funnel.confidence.explain"))
                .weak()
                .small(),
        );
    }
    if rows.overloaded > 0 {
        widgets::warning(
            ui,
            &ctx.trf("funnel.overloaded", &[("n", rows.overloaded.to_string())]),
        );
    }
    ui.add_space(theme::SECTION_GAP);

    // The charts, for one person or the team.
    let name_of = |id: Option<NodeId>| match id {
        None => ctx.tr("funnel.team").into_owned(),
        Some(id) => ctx.node_name(id),
    };
    if state
        .selected
        .is_some_and(|s| !plans.iter().any(|p| p.person == s))
    {
        state.selected = None;
    }
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("funnel.show"));
        egui::ComboBox::from_id_salt("funnel_show")
            .selected_text(name_of(state.selected))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.selected, None, name_of(None));
                for p in plans.iter() {
                    ui.selectable_value(&mut state.selected, Some(p.person), &p.name);
                }
            })
            .response
            .labelled_by(label.id);
    });
    let chosen: Vec<&PersonPlan> = plans
        .iter()
        .filter(|p| state.selected.is_none_or(|s| s == p.person))
        .collect();
    funnel_chart_ui(ui, ctx, &chosen);
    ui.add_space(theme::SECTION_GAP);
    monthly_ui(ui, ctx, state, &chosen);
    ui.add_space(theme::SECTION_GAP);
    pipeline_stats_ui(ui, ctx);
}

/// Stage by stage: what the target needs (the outer band) and what the pipeline holds now
/// (the inner band), centred like a funnel.
fn funnel_chart_ui(ui: &mut Ui, ctx: &ViewCtx, plans: &[&PersonPlan]) {
    widgets::subheading(ui, &ctx.tr("funnel.chart.title"));
    // Required per counted stage, summed over the people; the pipeline at the stages from
    // each counted stage up to the next.
    let mut required: Vec<(u8, i64)> = Vec::new();
    let mut current: Vec<(u8, i64)> = Vec::new();
    for p in plans {
        let Ok(f) = &p.funnel else { continue };
        let stages: Vec<u8> = f.stages.iter().map(|s| s.stage).collect();
        for (k, s) in f.stages.iter().enumerate() {
            match required.iter_mut().find(|(x, _)| *x == s.stage) {
                Some((_, c)) => *c += s.count,
                None => required.push((s.stage, s.count)),
            }
            let upto = stages.get(k + 1).copied().unwrap_or(u8::MAX);
            let now: i64 = p
                .open_by_stage
                .iter()
                .filter(|(st, _)| *st >= s.stage && *st < upto)
                .map(|(_, c)| c)
                .sum();
            match current.iter_mut().find(|(x, _)| *x == s.stage) {
                Some((_, c)) => *c += now,
                None => current.push((s.stage, now)),
            }
        }
    }
    required.sort_by_key(|r| r.0);
    if required.is_empty() {
        return;
    }
    let stage_name = |position: u8| {
        ctx.snap
            .stages
            .iter()
            .find(|s| s.position == position && !s.name.is_empty())
            .map(|s| s.name.clone())
            .unwrap_or_else(|| {
                ctx.tr(&crate::domain::model::PipelineStage::builtin_key(position))
                    .into_owned()
            })
    };
    let widest = required.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f32;
    let band = 34.0;
    let width = 520.0;
    let label_w = 260.0;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(width + label_w, band * required.len() as f32),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let cx = rect.left() + width / 2.0;
    for (i, &(stage, need)) in required.iter().enumerate() {
        let now = current.iter().find(|c| c.0 == stage).map_or(0, |c| c.1);
        let y0 = rect.top() + band * i as f32;
        let y1 = y0 + band - 6.0;
        // Widths on a square-root scale so 1,000 leads and 10 deals both stay visible.
        let w = |n: i64| (width * ((n.max(0) as f32) / widest).sqrt()).max(4.0);
        let outer = egui::Rect::from_x_y_ranges(cx - w(need) / 2.0..=cx + w(need) / 2.0, y0..=y1);
        painter.rect_filled(
            outer,
            3.0,
            theme::series(0).gamma_multiply(if dark { 0.55 } else { 0.4 }),
        );
        if now > 0 {
            let inner_w = w(now).min(width);
            let inner = egui::Rect::from_x_y_ranges(
                cx - inner_w / 2.0..=cx + inner_w / 2.0,
                y0 + 6.0..=y1 - 6.0,
            );
            painter.rect_filled(inner, 2.0, theme::good(dark));
        }
        painter.text(
            Pos2::new(cx, (y0 + y1) / 2.0),
            egui::Align2::CENTER_CENTER,
            need.to_string(),
            egui::FontId::monospace(13.0),
            Color32::WHITE,
        );
        painter.text(
            Pos2::new(rect.left() + width + 12.0, (y0 + y1) / 2.0),
            egui::Align2::LEFT_CENTER,
            ctx.trf(
                "funnel.chart.row",
                &[
                    ("stage", format!("{stage} {}", stage_name(stage))),
                    ("need", need.to_string()),
                    ("now", now.to_string()),
                ],
            ),
            egui::FontId::proportional(13.0),
            text_color,
        );
    }
    ui.label(RichText::new(ctx.tr("funnel.chart.legend")).weak().small());
}

/// Activities month by month (leads, visits, bids, deals), summed over the chosen people,
/// with the shortfall before the year and the re-phase switch.
fn monthly_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, plans: &[&PersonPlan]) {
    widgets::subheading(ui, &ctx.tr("funnel.monthly.title"));
    // Re-phasing recomputes the chosen people's phasing with the latest suggested month.
    let suggested = plans
        .iter()
        .filter_map(|p| p.phasing.as_ref().ok())
        .map(|ph| ph.suggested_earliest)
        .max()
        .unwrap_or(1);
    let rephased: Vec<crate::domain::phasing::Phasing>;
    let phasings: Vec<&crate::domain::phasing::Phasing> = if state.rephase && suggested > 1 {
        rephased = plans.iter().filter_map(|p| rephase(p, suggested)).collect();
        rephased.iter().collect()
    } else {
        plans
            .iter()
            .filter_map(|p| p.phasing.as_ref().ok())
            .collect()
    };
    let shortfall: i64 = plans
        .iter()
        .filter_map(|p| p.phasing.as_ref().ok())
        .map(|ph| ph.lead_shortfall)
        .sum();
    if shortfall > 0 || state.rephase {
        ui.horizontal_wrapped(|ui| {
            if shortfall > 0 {
                widgets::warning(
                    ui,
                    &ctx.trf(
                        "funnel.shortfall",
                        &[
                            ("leads", shortfall.to_string()),
                            ("month", ctx.month_name(suggested)),
                        ],
                    ),
                );
            }
            ui.checkbox(
                &mut state.rephase,
                ctx.trf("funnel.rephase", &[("month", ctx.month_name(suggested))]),
            )
            .on_hover_text(ctx.tr("funnel.rephase_explain"));
        });
    }
    let sum = |f: &dyn Fn(&crate::domain::phasing::MonthPlan) -> i64| -> [i64; 12] {
        std::array::from_fn(|m| {
            phasings
                .iter()
                .filter_map(|ph| ph.months.get(m))
                .map(f)
                .sum()
        })
    };
    let leads = sum(&|m| m.leads);
    let visits = sum(&|m| m.visits);
    let bids = sum(&|m| m.bids);
    let deals = sum(&|m| m.deals);
    let targets = sum(&|m| m.contract_target.fen());
    let capacity = sum(&|m| m.capacity);
    let dark = ui.visuals().dark_mode;
    let series: [(&str, [i64; 12], Color32); 4] = [
        ("metric.leads", leads, theme::series(0)),
        ("metric.visits", visits, theme::series(1)),
        ("metric.bids", bids, theme::series(2)),
        ("metric.deals", deals, theme::series(3)),
    ];
    let months: Vec<String> = (1..=12).map(|m| ctx.month_name(m)).collect();
    let labels = months.clone();
    Plot::new("funnel_monthly")
        .legend(Legend::default())
        .height(240.0)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .x_grid_spacer(|_| {
            (1..=12)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && (1.0..=12.0).contains(&i) {
                labels[i as usize - 1].clone()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            for (k, (key, values, color)) in series.iter().enumerate() {
                let name = ctx.tr(key).into_owned();
                let bars: Vec<Bar> = values
                    .iter()
                    .enumerate()
                    .map(|(m, &v)| {
                        // Plot coordinates only.
                        Bar::new(m as f64 + 1.0 + (k as f64 - 1.5) * 0.2, v as f64)
                            .width(0.18)
                            .name(format!("{} {name}: {v}", months[m]))
                    })
                    .collect();
                plot.bar_chart(BarChart::new(name, bars).color(*color));
            }
        });
    // The same figures as a table, with the contract target and capacity.
    let mut rows = Vec::new();
    let row = |title: String, values: [i64; 12], money: bool| {
        let mut r = vec![Cell::text(title)];
        r.extend(
            values
                .iter()
                .map(|&v| Cell::num(if money { ctx.money(v) } else { v.to_string() })),
        );
        let total: i64 = values.iter().sum();
        r.push(
            Cell::num(if money {
                ctx.money(total)
            } else {
                total.to_string()
            })
            .strong(),
        );
        r
    };
    rows.push(row(ctx.with_unit("metric.contract_amount"), targets, true));
    rows.push(row(ctx.tr("metric.deals").into_owned(), deals, false));
    // Hovering a month shows its weeks, split by working days.
    let weekly = |values: &[i64; 12], cells: &mut Vec<Cell>| {
        for (m, cell) in cells.iter_mut().skip(1).take(12).enumerate() {
            let weeks = crate::domain::phasing::weeks_of_month(
                values[m],
                &ctx.snap.plan.fiscal_year,
                &ctx.snap.calendar,
                m as u8 + 1,
            );
            let text = weeks
                .iter()
                .map(|w| {
                    ctx.trf(
                        "funnel.week_share",
                        &[
                            ("week", w.week.to_string()),
                            ("from", w.first.to_string()),
                            ("to", w.last.to_string()),
                            ("days", w.working_days.to_string()),
                            ("count", w.count.to_string()),
                            (
                                "per_day",
                                w.days
                                    .iter()
                                    .map(|d| d.to_string())
                                    .collect::<Vec<_>>()
                                    .join(" / "),
                            ),
                        ],
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let c = std::mem::take(cell);
            *cell = c.explain(text);
        }
    };
    let mut lead_row = row(ctx.tr("metric.leads").into_owned(), leads, false);
    weekly(&leads, &mut lead_row);
    rows.push(lead_row);
    rows.push(row(ctx.tr("metric.bids").into_owned(), bids, false));
    let mut visit_row = row(ctx.tr("metric.visits").into_owned(), visits, false);
    weekly(&visits, &mut visit_row);
    for (m, cell) in visit_row.iter_mut().skip(1).take(12).enumerate() {
        if visits[m] > capacity[m] {
            let c = std::mem::take(cell);
            let weeks = c.hover.clone().unwrap_or_default();
            *cell = c.color(theme::bad(dark)).explain(format!(
                "{}\n{weeks}",
                ctx.trf(
                    "funnel.month_overloaded",
                    &[
                        ("visits", visits[m].to_string()),
                        ("capacity", capacity[m].to_string()),
                    ],
                )
            ));
        }
    }
    rows.push(visit_row);
    rows.push(row(
        ctx.tr("funnel.col.capacity").into_owned(),
        capacity,
        false,
    ));
    let mut cols = vec![Col::text("").width(110.0)];
    cols.extend(months.iter().map(|m| Col::num(m.clone()).width(64.0)));
    cols.push(Col::num(ctx.tr("col.year")).width(90.0));
    egui::ScrollArea::horizontal()
        .id_salt("funnel_months_scroll")
        .show(ui, |ui| widgets::table(ui, "funnel_months", &cols, &rows));
}

/// A person's phasing with new deals from `earliest` on.
fn rephase(p: &PersonPlan, earliest: u8) -> Option<crate::domain::phasing::Phasing> {
    let mut inputs = p.phasing_inputs.clone();
    inputs.earliest_new_close = earliest;
    crate::domain::phasing::phase(&inputs).ok()
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
