//! Execution in the report (domain §8): plan against actual for every metric (the months, the
//! months closed on the report day, the year; by person, unit, product line and customer), the
//! funnel attribution of the contract gap, the rolling re-forecast, and the open actions of the
//! review meetings.

use jiff::civil::Date;
use serde::Serialize;

use super::RateEntry;
use crate::domain::attribution::{self, Attribution, Method, Unattributable};
use crate::domain::forecast;
use crate::domain::model::{Metric, PlanSnapshot};
use crate::domain::org::OrgTree;
use crate::domain::targets::TargetTable;
use crate::domain::variance::{self, ActualSource, Dimension, Figures, RowKey, Status, Window};

#[derive(Serialize)]
pub struct ExecutionSection {
    /// Fiscal months ended by the report day: the window "to date" covers months 1 to this.
    pub months_closed: u8,
    pub bands: BandsEntry,
    pub variance: Vec<MetricVariance>,
    /// The contract gap to date split into volume, conversion and deal-size effects.
    pub attribution: AttributionSection,
    pub forecast: ForecastSection,
    /// Actions of the review meetings still open, by due date.
    pub open_review_actions: Vec<FollowUpEntry>,
}

#[derive(Serialize)]
pub struct BandsEntry {
    pub on_track: RateEntry,
    pub watch: RateEntry,
    pub at_risk: RateEntry,
}

/// Plan, actual and what follows over one window. Money metrics in fen, else counts.
#[derive(Serialize)]
pub struct FiguresEntry {
    pub plan: Option<i64>,
    pub actual: i64,
    pub variance: Option<i64>,
    pub variance_rate: Option<RateEntry>,
    pub attainment: Option<RateEntry>,
    pub status: Status,
}

fn figures(f: Figures) -> FiguresEntry {
    FiguresEntry {
        plan: f.plan,
        actual: f.actual,
        variance: f.variance,
        variance_rate: f.variance_rate.map(RateEntry::of),
        attainment: f.attainment.map(RateEntry::of),
        status: f.status,
    }
}

#[derive(Serialize)]
pub struct MetricVariance {
    pub metric: Metric,
    pub source: ActualSource,
    /// The whole plan, month by month (1–12).
    pub months: Vec<FiguresEntry>,
    pub quarters: Vec<FiguresEntry>,
    pub to_date: FiguresEntry,
    pub year: FiguresEntry,
    /// To date, by person, unit, product line and customer.
    pub by_person: Vec<RowEntry>,
    pub by_unit: Vec<RowEntry>,
    pub by_line: Vec<RowEntry>,
    pub by_customer: Vec<RowEntry>,
}

#[derive(Serialize)]
pub struct RowEntry {
    pub key: RowKey,
    pub name: String,
    pub to_date: FiguresEntry,
}

#[derive(Serialize)]
pub struct EffectsEntry {
    pub plan_leads: RateEntry,
    pub plan_deals: RateEntry,
    pub plan_revenue_fen: i64,
    pub actual_leads: RateEntry,
    pub actual_deals: RateEntry,
    pub actual_revenue_fen: i64,
    pub gap_fen: i64,
    pub volume_fen: i64,
    pub conversion_fen: i64,
    pub deal_size_fen: i64,
    pub method: Method,
}

fn effects(a: &Attribution) -> EffectsEntry {
    EffectsEntry {
        plan_leads: RateEntry::of(a.plan.leads),
        plan_deals: RateEntry::of(a.plan.deals),
        plan_revenue_fen: a.plan.revenue,
        actual_leads: RateEntry::of(a.actual.leads),
        actual_deals: RateEntry::of(a.actual.deals),
        actual_revenue_fen: a.actual.revenue,
        gap_fen: a.gap,
        volume_fen: a.volume,
        conversion_fen: a.conversion,
        deal_size_fen: a.deal_size,
        method: a.method,
    }
}

#[derive(Serialize)]
pub struct AttributionEntry {
    pub person_id: Option<i64>,
    pub name: String,
    pub effects: Option<EffectsEntry>,
    /// Why there are no effects.
    pub unattributable: Option<Unattributable>,
}

#[derive(Serialize)]
pub struct AttributionSection {
    pub months: u8,
    pub people: Vec<AttributionEntry>,
    pub total: AttributionEntry,
}

fn attribution_entry(
    id: Option<i64>,
    name: String,
    r: &Result<Attribution, Unattributable>,
) -> AttributionEntry {
    AttributionEntry {
        person_id: id,
        name,
        effects: r.as_ref().ok().map(effects),
        unattributable: r.as_ref().err().copied(),
    }
}

#[derive(Serialize)]
pub struct ForecastPerson {
    pub person_id: i64,
    pub name: String,
    pub target_fen: i64,
    pub actual_fen: i64,
    pub remaining_fen: i64,
    /// What is left of the target by fiscal month (0 for the months closed).
    pub spread_fen: Vec<i64>,
    pub pipeline_fen: i64,
    pub run_rate_fen: i64,
    pub run_rate_leads_per_month: RateEntry,
    pub run_rate_months: u8,
    pub projected_fen: i64,
    pub attainment: Option<RateEntry>,
    pub at_risk: bool,
    pub deals_needed: i64,
    pub leads_needed: i64,
    pub leads_overdue: i64,
    pub months: Vec<forecast::ForecastMonth>,
}

#[derive(Serialize)]
pub struct ForecastSection {
    pub months_closed: u8,
    pub threshold: RateEntry,
    pub target_fen: i64,
    pub actual_fen: i64,
    pub remaining_fen: i64,
    pub spread_fen: Vec<i64>,
    pub pipeline_fen: i64,
    pub run_rate_fen: i64,
    pub projected_fen: i64,
    pub attainment: Option<RateEntry>,
    pub at_risk: bool,
    pub people: Vec<ForecastPerson>,
}

#[derive(Serialize)]
pub struct FollowUpEntry {
    pub id: i64,
    pub review_id: i64,
    pub review_held_on: Option<String>,
    pub description: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub overdue: bool,
}

fn row_name(s: &PlanSnapshot, key: RowKey) -> String {
    match key {
        RowKey::Node(n) => s.node(n).map(|n| n.name.clone()).unwrap_or_default(),
        RowKey::Line(l) => s.line(l).map(|l| l.name.clone()).unwrap_or_default(),
        RowKey::Customer(c) => s
            .customers
            .iter()
            .find(|x| x.id == c)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        RowKey::Unassigned | RowKey::NoLine | RowKey::NoCustomer => String::new(),
    }
}

pub fn section(s: &PlanSnapshot, day: Date) -> ExecutionSection {
    let tree = OrgTree::new(&s.nodes);
    let table = TargetTable::new(&s.targets);
    let inputs = variance::Inputs::new(s, &tree, &table);
    let closed = variance::months_closed(&s.plan.fiscal_year, day);
    let bands = s.reviews.bands;
    let to_date = Window::ToDate(closed);
    let variance = match tree.root() {
        Some(root) => variance::METRICS
            .into_iter()
            .map(|metric| {
                let rows = |d: Dimension| {
                    let t = variance::table(&inputs, metric, d, root.id);
                    t.rows
                        .iter()
                        .map(|r| RowEntry {
                            key: r.key,
                            name: row_name(s, r.key),
                            to_date: figures(r.series.figures(to_date, &bands)),
                        })
                        .collect::<Vec<_>>()
                };
                let t = variance::table(&inputs, metric, Dimension::Person, root.id);
                MetricVariance {
                    metric,
                    source: t.source,
                    months: (1..=12)
                        .map(|m| figures(t.total.figures(Window::Month(m), &bands)))
                        .collect(),
                    quarters: (1..=4)
                        .map(|q| figures(t.total.figures(Window::Quarter(q), &bands)))
                        .collect(),
                    to_date: figures(t.total.figures(to_date, &bands)),
                    year: figures(t.total.figures(Window::Year, &bands)),
                    by_person: t
                        .rows
                        .iter()
                        .map(|r| RowEntry {
                            key: r.key,
                            name: row_name(s, r.key),
                            to_date: figures(r.series.figures(to_date, &bands)),
                        })
                        .collect(),
                    by_unit: rows(Dimension::Unit),
                    by_line: rows(Dimension::Line),
                    by_customer: rows(Dimension::Customer),
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let stats = crate::domain::stats::for_plan(s);
    let plans = crate::domain::plan_funnels::person_plans(
        s,
        &stats,
        crate::domain::plan_funnels::Basis::Committed,
        1,
    );
    let a = attribution::plan_attribution_with(s, &plans, &tree, &table, to_date);
    let f = forecast::forecast_of(s, &plans, closed, s.reviews.at_risk);
    let held: std::collections::HashMap<i64, Date> = s
        .reviews
        .reviews
        .iter()
        .map(|r| (r.id, r.fields.held_on))
        .collect();
    ExecutionSection {
        months_closed: closed,
        bands: BandsEntry {
            on_track: RateEntry::of(bands.on_track),
            watch: RateEntry::of(bands.watch),
            at_risk: RateEntry::of(s.reviews.at_risk),
        },
        variance,
        attribution: AttributionSection {
            months: closed,
            people: a
                .people
                .iter()
                .map(|p| attribution_entry(Some(p.person.0), p.name.clone(), &p.result))
                .collect(),
            total: attribution_entry(None, String::new(), &a.total),
        },
        forecast: ForecastSection {
            months_closed: f.through,
            threshold: RateEntry::of(f.threshold),
            target_fen: f.target.fen(),
            actual_fen: f.actual.fen(),
            remaining_fen: f.remaining.fen(),
            spread_fen: f.spread.iter().map(|m| m.fen()).collect(),
            pipeline_fen: f.pipeline.fen(),
            run_rate_fen: f.run_rate.fen(),
            projected_fen: f.projected.fen(),
            attainment: f.attainment.map(RateEntry::of),
            at_risk: f.at_risk,
            people: f
                .people
                .iter()
                .map(|p| ForecastPerson {
                    person_id: p.person.0,
                    name: p.name.clone(),
                    target_fen: p.target.fen(),
                    actual_fen: p.actual.fen(),
                    remaining_fen: p.remaining.fen(),
                    spread_fen: p.spread.iter().map(|m| m.fen()).collect(),
                    pipeline_fen: p.pipeline.fen(),
                    run_rate_fen: p.run_rate.value.fen(),
                    run_rate_leads_per_month: RateEntry::of(p.run_rate.leads_per_month),
                    run_rate_months: p.run_rate.months,
                    projected_fen: p.projected.fen(),
                    attainment: p.attainment.map(RateEntry::of),
                    at_risk: p.at_risk,
                    deals_needed: p.deals_needed,
                    leads_needed: p.leads_needed,
                    leads_overdue: p.leads_overdue,
                    months: p.months.clone(),
                })
                .collect(),
        },
        open_review_actions: s
            .reviews
            .open_follow_ups()
            .into_iter()
            .map(|f| FollowUpEntry {
                id: f.id,
                review_id: f.review,
                review_held_on: held.get(&f.review).map(|d| d.to_string()),
                description: f.fields.description.clone(),
                owner: f
                    .fields
                    .owner
                    .and_then(|o| s.node(o))
                    .map(|n| n.name.clone()),
                due: f.fields.due.map(|d| d.to_string()),
                overdue: f.overdue(day),
            })
            .collect(),
    }
}
