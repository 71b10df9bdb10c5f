//! The rolling re-forecast (domain §8). The annual target stays; what is left of it after the
//! contracts signed so far is spread over the months still to come by seasonality (largest
//! remainder: the months add up to it exactly), and the funnel is worked out again for those
//! months with today's pipeline. The projected landing is what is signed, plus the expected
//! value of the open pipeline, plus a run rate of new business: leads at this year's pace that
//! still have time to close before the year ends, at the plan's win rate and deal size. Below
//! the at-risk threshold (90% of the target by default) the plan is marked at risk, to be
//! escalated; a formal revision (a new target version with a reason) is the answer when the
//! target truly cannot be met.

use serde::Serialize;

use crate::domain::model::{Metric, NodeId, PlanSnapshot};
use crate::domain::money::Money;
use crate::domain::phasing;
use crate::domain::plan_funnels::{self, Basis, PersonPlan};
use crate::domain::ratio::{Ratio, Rounding};
use crate::domain::split;
use crate::domain::stats::PipelineStats;
use crate::domain::variance;

/// The default at-risk threshold: a projected landing below 90% of the target.
pub fn default_at_risk() -> Ratio {
    Ratio::percent(90)
}

/// The run rate: new leads at this year's pace, in the months a new lead can still close in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RunRate {
    /// Leads recorded in the closed months.
    pub leads_to_date: i64,
    /// Leads a month so far (leads to date ÷ closed months).
    pub leads_per_month: Ratio,
    /// Months still to come whose new leads close before the year ends (a lead entering on a
    /// month's first day needs the sales cycle).
    pub months: u8,
    pub cycle_days: Ratio,
    pub win_rate: Ratio,
    pub deal_size: Money,
    /// leads a month × months × win rate × deal size, to the fen.
    pub value: Money,
}

/// One month still to come.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForecastMonth {
    pub month: u8,
    /// Its share of what is left of the target.
    pub target: Money,
    pub deals: i64,
    pub leads: i64,
    pub visits: i64,
    pub bids: i64,
}

/// One person's re-forecast.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonForecast {
    pub person: NodeId,
    pub name: String,
    /// The annual (committed) target.
    pub target: Money,
    /// Fiscal months closed.
    pub through: u8,
    /// Contracts signed in the year so far.
    pub actual: Money,
    /// target − actual (negative: ahead of the target).
    pub remaining: Money,
    /// What is left, over the months after `through`; zero before.
    pub spread: [Money; 12],
    /// Σ open value × chance of winning, for deals expected to close in the year.
    pub pipeline: Money,
    pub run_rate: RunRate,
    /// actual + pipeline + run rate.
    pub projected: Money,
    /// projected ÷ target.
    pub attainment: Option<Ratio>,
    pub at_risk: bool,
    /// New deals the rest of the year needs beyond the pipeline, and the leads they need.
    pub deals_needed: i64,
    pub leads_needed: i64,
    /// Leads whose time has already passed (they should have entered in a closed month):
    /// due now.
    pub leads_overdue: i64,
    pub months: Vec<ForecastMonth>,
}

/// The re-forecast of everyone, and their sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub through: u8,
    pub threshold: Ratio,
    pub people: Vec<PersonForecast>,
    pub target: Money,
    pub actual: Money,
    pub remaining: Money,
    pub spread: [Money; 12],
    pub pipeline: Money,
    pub run_rate: Money,
    pub projected: Money,
    pub attainment: Option<Ratio>,
    pub at_risk: bool,
}

/// The re-forecast of a group of people (a unit, or one person), added up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupForecast {
    pub target: Money,
    pub actual: Money,
    pub pipeline: Money,
    pub run_rate: Money,
    pub projected: Money,
    pub spread: [Money; 12],
    pub attainment: Option<Ratio>,
    pub at_risk: bool,
}

impl Forecast {
    /// The people of the group and their sum; `in_group` says who belongs to it.
    pub fn group(
        &self,
        in_group: impl Fn(NodeId) -> bool,
    ) -> (Vec<&PersonForecast>, GroupForecast) {
        let people: Vec<&PersonForecast> =
            self.people.iter().filter(|p| in_group(p.person)).collect();
        let sum = |f: fn(&PersonForecast) -> Money| people.iter().map(|p| f(p)).sum::<Money>();
        let target = sum(|p| p.target);
        let projected = sum(|p| p.projected);
        let mut spread = [Money::ZERO; 12];
        for p in &people {
            for (s, v) in spread.iter_mut().zip(p.spread) {
                *s += v;
            }
        }
        let group = GroupForecast {
            target,
            actual: sum(|p| p.actual),
            pipeline: sum(|p| p.pipeline),
            run_rate: sum(|p| p.run_rate.value),
            projected,
            spread,
            attainment: attainment(projected, target),
            at_risk: at_risk(projected, target, self.threshold),
        };
        (people, group)
    }
}

fn fen(r: Ratio) -> Money {
    Money::from_fen(i64::try_from(r.round(Rounding::HalfAwayFromZero)).unwrap_or(i64::MAX))
}

fn attainment(projected: Money, target: Money) -> Option<Ratio> {
    (target.fen() > 0)
        .then(|| Ratio::new(i128::from(projected.fen()), i128::from(target.fen())))
        .flatten()
}

fn at_risk(projected: Money, target: Money, threshold: Ratio) -> bool {
    attainment(projected, target).is_some_and(|a| a < threshold)
}

/// The re-forecast with `through` fiscal months closed.
pub fn forecast(
    snap: &PlanSnapshot,
    stats: &PipelineStats,
    through: u8,
    threshold: Ratio,
) -> Forecast {
    let plans = plan_funnels::person_plans(snap, stats, Basis::Committed, 1);
    forecast_of(snap, &plans, through, threshold)
}

/// [`forecast`] from every person's plan for the committed target
/// (`plan_funnels::person_plans` with `Basis::Committed`), when the caller has them.
pub fn forecast_of(
    snap: &PlanSnapshot,
    plans: &[PersonPlan],
    through: u8,
    threshold: Ratio,
) -> Forecast {
    let through = through.min(12);
    // Each person's facts together, found by binary search rather than copied out: on a large
    // plan each list is tens of megabytes. (Only sums are taken of them, so their order within
    // a person does not matter, and an unstable sort needs no second buffer.)
    let by_person = |metric: Metric| {
        let (mut facts, _) = variance::facts(snap, metric);
        facts.sort_unstable_by_key(|f| f.node);
        facts
    };
    let (contracts, leads) = (by_person(Metric::ContractAmount), by_person(Metric::Leads));
    let of = |facts: &'_ [variance::Fact], person: NodeId| -> std::ops::Range<usize> {
        let start = facts.partition_point(|f| f.node < Some(person));
        let end = facts.partition_point(|f| f.node <= Some(person));
        start..end
    };
    let people: Vec<PersonForecast> = plans
        .iter()
        .map(|p| {
            let c = &contracts[of(&contracts, p.person)];
            let l = &leads[of(&leads, p.person)];
            person(snap, p, through, threshold, c, l)
        })
        .collect();
    let mut out = Forecast {
        through,
        threshold,
        people,
        target: Money::ZERO,
        actual: Money::ZERO,
        remaining: Money::ZERO,
        spread: [Money::ZERO; 12],
        pipeline: Money::ZERO,
        run_rate: Money::ZERO,
        projected: Money::ZERO,
        attainment: None,
        at_risk: false,
    };
    let (_, all) = out.group(|_| true);
    out.target = all.target;
    out.actual = all.actual;
    out.remaining = all.target - all.actual;
    out.spread = all.spread;
    out.pipeline = all.pipeline;
    out.run_rate = all.run_rate;
    out.projected = all.projected;
    out.attainment = all.attainment;
    out.at_risk = all.at_risk;
    out
}

fn person(
    snap: &PlanSnapshot,
    plan: &PersonPlan,
    through: u8,
    threshold: Ratio,
    contracts: &[variance::Fact],
    leads: &[variance::Fact],
) -> PersonForecast {
    let fy = &snap.plan.fiscal_year;
    // `contracts` and `leads` are this person's.
    let mut signed = [Money::ZERO; 12];
    for f in contracts {
        if (1..=12).contains(&f.month) {
            signed[usize::from(f.month - 1)] += Money::from_fen(f.value);
        }
    }
    let actual: Money = signed.iter().copied().sum();
    let target = plan.committed;
    let remaining = target - actual;
    // What is left, over the months to come by seasonality (or evenly when the season gives
    // them nothing).
    let weights = &plan.phasing_inputs.weights;
    let rest: Vec<Ratio> = (1..=12u8)
        .map(|m| {
            if m > through {
                weights[usize::from(m - 1)]
            } else {
                Ratio::ZERO
            }
        })
        .collect();
    let left = Money::from_fen(remaining.fen().max(0));
    let mut spread = [Money::ZERO; 12];
    if through < 12 {
        let parts = split::split_money(left, &rest, &[None; 12]).unwrap_or_else(|_| {
            let even: Vec<Ratio> = (1..=12u8)
                .map(|m| Ratio::from_integer(i128::from(m > through)))
                .collect();
            split::split_money(left, &even, &[None; 12]).unwrap_or_default()
        });
        for (s, p) in spread.iter_mut().zip(parts) {
            *s = p;
        }
    }
    // Today's pipeline: the open deals expected in the year (overdue ones count as coming now).
    let inputs = &plan.inputs;
    let model = &inputs.model;
    let mut pipeline_by_month = [Ratio::ZERO; 12];
    let mut pipeline = Ratio::ZERO;
    for d in &inputs.open {
        let v = Ratio::from_integer(i128::from(d.value.fen().max(0)))
            .checked_mul(model.win_from(d.stage))
            .unwrap_or(Ratio::ZERO);
        let m = usize::from(d.close_month.clamp(through.saturating_add(1).min(12), 12) - 1);
        pipeline_by_month[m] = pipeline_by_month[m]
            .checked_add(v)
            .unwrap_or(pipeline_by_month[m]);
        pipeline = pipeline.checked_add(v).unwrap_or(pipeline);
    }
    let pipeline = if through >= 12 {
        Money::ZERO
    } else {
        fen(pipeline)
    };
    // The run rate of new business.
    let leads_to_date: i64 = leads
        .iter()
        .filter(|f| f.month <= through)
        .map(|f| f.value)
        .sum();
    let leads_per_month = if through == 0 {
        Ratio::ZERO
    } else {
        Ratio::new(i128::from(leads_to_date), i128::from(through)).unwrap_or(Ratio::ZERO)
    };
    let year_end = fy.end_date();
    let cycle = i64::try_from(plan.cycle_days.ceil()).unwrap_or(i64::MAX / 2);
    let new_lead_months = (through.saturating_add(1)..=12)
        .filter(|&m| {
            fy.month_first_day(m).is_ok_and(|first| {
                first
                    .checked_add(jiff::Span::new().days(cycle))
                    .is_ok_and(|close| close <= year_end)
            })
        })
        .count() as u8;
    let win_rate = model.win_rate();
    let run_value = leads_per_month
        .checked_mul(Ratio::from_integer(new_lead_months.into()))
        .and_then(|r| r.checked_mul(win_rate))
        .and_then(|r| r.checked_mul(Ratio::from_integer(i128::from(inputs.deal_size.fen()))))
        .map(fen)
        .unwrap_or(Money::ZERO);
    let run_rate = RunRate {
        leads_to_date,
        leads_per_month,
        months: new_lead_months,
        cycle_days: plan.cycle_days,
        win_rate,
        deal_size: inputs.deal_size,
        value: run_value,
    };
    let projected = actual + pipeline + run_value;
    // The funnel for the months to come: what is left, less the pipeline, in new deals.
    let mut ph = plan.phasing_inputs.clone();
    ph.target = left;
    ph.weights = std::array::from_fn(|m| rest[m]);
    if rest.iter().all(|w| w.is_zero()) {
        ph.weights = std::array::from_fn(|m| Ratio::from_integer(i128::from(m as u8 >= through)));
    }
    ph.contracted = [Money::ZERO; 12];
    ph.pipeline = pipeline_by_month;
    ph.earliest_new_close = through.saturating_add(1).clamp(1, 12);
    let (mut deals_needed, mut leads_needed, mut leads_overdue) = (0, 0, 0);
    let mut months = Vec::new();
    if through < 12
        && let Ok(out) = phasing::phase(&ph)
    {
        deals_needed = out.deals;
        for m in &out.months {
            if m.month <= through {
                leads_overdue += m.leads;
                continue;
            }
            leads_needed += m.leads;
            months.push(ForecastMonth {
                month: m.month,
                target: spread[usize::from(m.month - 1)],
                deals: m.deals,
                leads: m.leads,
                visits: m.visits,
                bids: m.bids,
            });
        }
        leads_overdue += out.lead_shortfall;
        leads_needed += leads_overdue;
    }
    PersonForecast {
        person: plan.person,
        name: plan.name.clone(),
        target,
        through,
        actual,
        remaining,
        spread,
        pipeline,
        run_rate,
        projected,
        attainment: attainment(projected, target),
        at_risk: at_risk(projected, target, threshold),
        deals_needed,
        leads_needed,
        leads_overdue,
        months,
    }
}
