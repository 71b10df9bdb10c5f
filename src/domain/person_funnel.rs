//! Each person's reverse funnel (目标倒推, domain §4) in its general form: the person's own
//! stage-to-stage conversion rates and deal size (else the company's, else the plan's), the
//! open pipeline netted by its stage probabilities, the opportunities needed at every stage,
//! the visits and bids they take, and the person's visit capacity.
//!
//! Every count is exact: `ceil` of an exact fraction, never of a float.

use serde::Serialize;

use crate::domain::funnel::{FunnelInputError, check_deal_size, check_win_rate};
use crate::domain::money::Money;
use crate::domain::ratio::{Ratio, ceil_div};
use crate::domain::stats::DealStats;

/// Visits an opportunity takes at each stage, unless the plan says otherwise.
pub const DEFAULT_VISITS_PER_OPPORTUNITY: u32 = 2;
/// The stage at which a proposal or bid is submitted (分析和响应客户需求).
pub const DEFAULT_BID_STAGE: u8 = 3;

/// Where a rate or a deal size comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person's own closed and advanced deals.
    Own,
    /// The whole company's deals.
    Company,
    /// The plan's funnel assumptions.
    Plan,
    /// Typed in for this calculation.
    Entered,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Own => "own",
            Source::Company => "company",
            Source::Plan => "plan",
            Source::Entered => "entered",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Source::Own => "funnel.source.own",
            Source::Company => "funnel.source.company",
            Source::Plan => "funnel.source.plan",
            Source::Entered => "funnel.source.entered",
        }
    }
}

/// A conversion rate is taken from the pipeline only when at least this many opportunities
/// have passed the stage (moved on or closed): three deals saying "100%" are not a rate.
pub const MIN_RESOLVED_FOR_RATE: u64 = 10;

/// The average won deal is taken from the pipeline only over at least this many won deals.
pub const MIN_WON_FOR_DEAL_SIZE: u64 = 5;

/// One step of the funnel: the share of the opportunities at stage `from` that reach `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub from: u8,
    pub to: u8,
    pub rate: Ratio,
    pub source: Source,
}

/// The stages an opportunity goes through until it is won, with the rate of each step.
///
/// With stage history the steps are the stages one by one (1→2, 2→3, …, →won). Without it there
/// is one step from the first stage to the won stage at the plan's win rate; opportunities
/// standing between them are then valued at the stage probabilities of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunnelModel {
    pub won_stage: u8,
    pub steps: Vec<Step>,
    /// The plan's probability of each stage (position, probability), used only for stages
    /// inside a step.
    pub stage_probabilities: Vec<(u8, Ratio)>,
}

impl FunnelModel {
    /// One step from stage 1 to the won stage.
    pub fn single(
        won_stage: u8,
        win_rate: Ratio,
        source: Source,
    ) -> Result<FunnelModel, FunnelInputError> {
        check_win_rate(win_rate)?;
        Ok(FunnelModel {
            won_stage: won_stage.max(2),
            steps: vec![Step {
                from: 1,
                to: won_stage.max(2),
                rate: win_rate,
                source,
            }],
            stage_probabilities: Vec::new(),
        })
    }

    /// Stage by stage from typed rates: `rates[0]` is stage 1 → 2, …; the stage after the
    /// last rate is the won stage.
    pub fn from_rates(rates: &[Ratio], source: Source) -> Result<FunnelModel, FunnelInputError> {
        if rates.is_empty() || rates.len() > 20 {
            return Err(FunnelInputError::WinRateOutOfRange);
        }
        let mut steps = Vec::with_capacity(rates.len());
        for (i, &rate) in rates.iter().enumerate() {
            check_win_rate(rate)?;
            let from = i as u8 + 1;
            steps.push(Step {
                from,
                to: from + 1,
                rate,
                source,
            });
        }
        Ok(FunnelModel {
            won_stage: rates.len() as u8 + 1,
            steps,
            stage_probabilities: Vec::new(),
        })
    }

    /// The model for a person: stage by stage with the person's own rate where they have one
    /// above zero, else the company's; when some step has neither, one step at the plan's win
    /// rate (`plan_win_rate`), with the plan's stage probabilities for the stages between.
    pub fn for_person(
        own: Option<&DealStats>,
        company: &DealStats,
        won_stage: u8,
        plan_win_rate: Ratio,
        stage_probabilities: &[(u8, Ratio)],
    ) -> Result<FunnelModel, FunnelInputError> {
        let usable = |stats: Option<&DealStats>, from: u8| {
            stats?
                .conversions
                .iter()
                .find(|c| c.from == from && c.resolved >= MIN_RESOLVED_FOR_RATE)
                .and_then(|c| c.rate)
                .filter(|r| !r.is_zero())
        };
        let mut steps = Vec::new();
        for from in 1..won_stage {
            let step = match (usable(own, from), usable(Some(company), from)) {
                (Some(rate), _) => Some((rate, Source::Own)),
                (None, Some(rate)) => Some((rate, Source::Company)),
                (None, None) => None,
            };
            match step {
                Some((rate, source)) => steps.push(Step {
                    from,
                    to: from + 1,
                    rate,
                    source,
                }),
                None => {
                    let mut m = FunnelModel::single(won_stage, plan_win_rate, Source::Plan)?;
                    m.stage_probabilities = stage_probabilities.to_vec();
                    return Ok(m);
                }
            }
        }
        if steps.is_empty() {
            let mut m = FunnelModel::single(won_stage, plan_win_rate, Source::Plan)?;
            m.stage_probabilities = stage_probabilities.to_vec();
            return Ok(m);
        }
        Ok(FunnelModel {
            won_stage,
            steps,
            stage_probabilities: stage_probabilities.to_vec(),
        })
    }

    /// The stages the model counts: the start of every step, and the won stage.
    pub fn counted_stages(&self) -> Vec<u8> {
        let mut stages: Vec<u8> = self.steps.iter().map(|s| s.from).collect();
        stages.push(self.won_stage);
        stages
    }

    /// The chance that an opportunity at `stage` is won: `Π c_k` over the steps from it on.
    /// At or past the won stage, 1. Inside a step, the plan's probability of the stage (or the
    /// step's own product when the plan has none).
    pub fn win_from(&self, stage: u8) -> Ratio {
        if stage >= self.won_stage {
            return Ratio::ONE;
        }
        let at_boundary = self.steps.iter().any(|s| s.from == stage);
        if !at_boundary
            && let Some(&(_, p)) = self.stage_probabilities.iter().find(|(s, _)| *s == stage)
        {
            return p;
        }
        self.steps
            .iter()
            .filter(|s| s.to > stage)
            .try_fold(Ratio::ONE, |acc, s| acc.checked_mul(s.rate))
            .unwrap_or(Ratio::ZERO)
    }

    /// The win rate of a new lead (from stage 1).
    pub fn win_rate(&self) -> Ratio {
        self.win_from(1)
    }
}

/// An open opportunity as the funnel sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OpenDeal {
    pub stage: u8,
    pub value: Money,
    /// The fiscal month (1–12) it is expected to close in; overdue or undated deals count in
    /// month 1. Deals expected after the plan year are left out by the caller.
    pub close_month: u8,
}

/// Everything one person's funnel is computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonInputs {
    /// The target the funnel is built for (the stretch target, or the committed one).
    pub target: Money,
    /// Already signed in the plan year.
    pub contracted: Money,
    pub deal_size: Money,
    pub deal_size_source: Source,
    pub model: FunnelModel,
    pub open: Vec<OpenDeal>,
    pub visits_per_week: u32,
    /// Working days in the plan year.
    pub working_days: u32,
    pub visits_per_opportunity: u32,
    pub bid_stage: u8,
}

/// The opportunities needed at one stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StageNeed {
    pub stage: u8,
    /// The chance that an opportunity at this stage is won.
    pub win_from: Ratio,
    pub count: i64,
}

/// What a person's target needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonFunnel {
    pub target: Money,
    pub contracted: Money,
    /// Σ value × chance of winning over the open deals, exact.
    pub pipeline_expected: Ratio,
    /// target − contracted − pipeline, exact, never below 0.
    pub remaining: Ratio,
    pub deal_size: Money,
    pub deal_size_source: Source,
    /// New deals needed: `ceil(remaining / deal size)`.
    pub deals: i64,
    /// From stage 1 to the won stage.
    pub stages: Vec<StageNeed>,
    pub leads: i64,
    /// Opportunities reaching the bid stage; None when the model does not count that stage.
    pub bids: Option<i64>,
    /// Σ over the counted stages of count × visits per opportunity.
    pub visits: i64,
    /// Visits a week × working weeks (working days / 5), rounded down.
    pub capacity: i64,
    pub overloaded: bool,
}

fn to_i64(v: i128) -> Result<i64, FunnelInputError> {
    i64::try_from(v).map_err(|_| FunnelInputError::TooLarge)
}

/// Σ value × win chance of the open deals, exact.
pub fn pipeline_expected(
    model: &FunnelModel,
    open: &[OpenDeal],
) -> Result<Ratio, FunnelInputError> {
    let mut total = Ratio::ZERO;
    for d in open {
        let v = Ratio::from_integer(i128::from(d.value.fen().max(0)))
            .checked_mul(model.win_from(d.stage))
            .ok_or(FunnelInputError::TooLarge)?;
        total = total.checked_add(v).ok_or(FunnelInputError::TooLarge)?;
    }
    Ok(total)
}

pub fn person_funnel(i: &PersonInputs) -> Result<PersonFunnel, FunnelInputError> {
    check_deal_size(i.deal_size)?;
    if i.target.is_negative() {
        return Err(FunnelInputError::NegativeTarget);
    }
    let expected = pipeline_expected(&i.model, &i.open)?;
    let remaining = Ratio::from_integer(i128::from(i.target.fen()))
        .checked_sub(Ratio::from_integer(i128::from(i.contracted.fen())))
        .and_then(|r| r.checked_sub(expected))
        .ok_or(FunnelInputError::TooLarge)?;
    let remaining = if remaining.is_negative() {
        Ratio::ZERO
    } else {
        remaining
    };
    let deals = remaining
        .checked_div(Ratio::from_integer(i128::from(i.deal_size.fen())))
        .ok_or(FunnelInputError::TooLarge)?
        .ceil();
    let mut stages = Vec::new();
    for stage in i.model.counted_stages() {
        let win_from = i.model.win_from(stage);
        check_win_rate(win_from)?;
        let count = ceil_div(deals, win_from).ok_or(FunnelInputError::TooLarge)?;
        stages.push(StageNeed {
            stage,
            win_from,
            count: to_i64(count)?,
        });
    }
    let leads = stages.first().map(|s| s.count).unwrap_or(0);
    let bids = stages
        .iter()
        .find(|s| s.stage == i.bid_stage)
        .map(|s| s.count);
    let visits = stages
        .iter()
        .try_fold(0i64, |acc, s| {
            s.count
                .checked_mul(i64::from(i.visits_per_opportunity))
                .and_then(|v| acc.checked_add(v))
        })
        .ok_or(FunnelInputError::TooLarge)?;
    let capacity = i64::from(i.visits_per_week) * i64::from(i.working_days) / 5;
    Ok(PersonFunnel {
        target: i.target,
        contracted: i.contracted,
        pipeline_expected: expected,
        remaining,
        deal_size: i.deal_size,
        deal_size_source: i.deal_size_source,
        deals: to_i64(deals)?,
        stages,
        leads,
        bids,
        visits,
        capacity,
        overloaded: visits > capacity,
    })
}

/// The deal size for a person: their own average won deal, else the company's, else the
/// plan's.
pub fn deal_size_for(own: Option<&DealStats>, company: &DealStats, plan: Money) -> (Money, Source) {
    let positive = |s: Option<&DealStats>| {
        let s = s?;
        if s.won < MIN_WON_FOR_DEAL_SIZE {
            return None;
        }
        s.average_won_money().filter(|m| m.fen() > 0)
    };
    match (positive(own), positive(Some(company))) {
        (Some(m), _) => (m, Source::Own),
        (None, Some(m)) => (m, Source::Company),
        (None, None) => (plan, Source::Plan),
    }
}

/// A team's funnels: each person's, and the totals as sums of the per-person whole numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamTotals {
    pub target: Money,
    pub deals: i64,
    pub leads: i64,
    pub bids: i64,
    pub visits: i64,
    /// Per counted stage position, the sum over the people who count it.
    pub stages: Vec<(u8, i64)>,
    pub overloaded: usize,
}

pub fn team_totals<'a>(people: impl IntoIterator<Item = &'a PersonFunnel>) -> TeamTotals {
    let mut t = TeamTotals {
        target: Money::ZERO,
        deals: 0,
        leads: 0,
        bids: 0,
        visits: 0,
        stages: Vec::new(),
        overloaded: 0,
    };
    for f in people {
        t.target = t.target.checked_add(f.target).unwrap_or(t.target);
        t.deals = t.deals.saturating_add(f.deals);
        t.leads = t.leads.saturating_add(f.leads);
        t.bids = t.bids.saturating_add(f.bids.unwrap_or(0));
        t.visits = t.visits.saturating_add(f.visits);
        t.overloaded += usize::from(f.overloaded);
        for s in &f.stages {
            match t.stages.iter_mut().find(|(p, _)| *p == s.stage) {
                Some((_, c)) => *c = c.saturating_add(s.count),
                None => t.stages.push((s.stage, s.count)),
            }
        }
    }
    t.stages.sort_by_key(|(p, _)| *p);
    t
}

/// The won stage of a plan: its stage marked as closed/signed, else the default.
pub fn won_stage(snap: &crate::domain::model::PlanSnapshot) -> u8 {
    snap.stages
        .iter()
        .find(|s| s.is_won)
        .map(|s| s.position)
        .unwrap_or(crate::domain::stats::DEFAULT_WON_STAGE)
}

/// A person's open opportunities as the funnel sees them: those expected to close by the end
/// of the plan year, in their fiscal month (overdue or undated ones in month 1), with a value.
pub fn open_deals(
    snap: &crate::domain::model::PlanSnapshot,
    person: crate::domain::model::NodeId,
) -> Vec<OpenDeal> {
    open_deals_in(
        &snap.plan.fiscal_year,
        snap.opportunities
            .iter()
            .filter(|o| o.person == Some(person)),
    )
}

/// The open deals among `opportunities` (one person's), with their close month in `fy`.
pub fn open_deals_in<'a>(
    fy: &crate::domain::period::FiscalYear,
    opportunities: impl Iterator<Item = &'a crate::domain::model::Opportunity>,
) -> Vec<OpenDeal> {
    use crate::domain::model::DealStatus;
    let start = fy.start_date();
    opportunities
        .filter(|o| o.status == DealStatus::Open)
        .filter_map(|o| {
            let value = o.value.filter(|v| v.fen() > 0)?;
            let close_month = match o.close_date {
                None => 1,
                Some(d) if d < start => 1,
                Some(d) => fy.fiscal_month_of(d)?,
            };
            Some(OpenDeal {
                stage: o.stage,
                value,
                close_month,
            })
        })
        .collect()
}

/// Everything a person's funnel in a plan is computed from: the person's own rates and deal
/// size where the pipeline has them (else the company's, else the plan's), their open deals,
/// their visit capacity over the plan year's working days.
pub fn plan_inputs(
    snap: &crate::domain::model::PlanSnapshot,
    stats: &crate::domain::stats::PipelineStats,
    person: crate::domain::model::NodeId,
    target: Money,
    contracted: Money,
) -> Result<PersonInputs, FunnelInputError> {
    plan_inputs_with(
        snap,
        stats,
        person,
        target,
        contracted,
        open_deals(snap, person),
    )
}

/// [`plan_inputs`] with the person's open deals already picked out (for all people at once,
/// see `plan_funnels::person_plans`).
pub fn plan_inputs_with(
    snap: &crate::domain::model::PlanSnapshot,
    stats: &crate::domain::stats::PipelineStats,
    person: crate::domain::model::NodeId,
    target: Money,
    contracted: Money,
    open: Vec<OpenDeal>,
) -> Result<PersonInputs, FunnelInputError> {
    let own = stats.by_person.get(&Some(person));
    let won = won_stage(snap);
    let probabilities: Vec<(u8, Ratio)> = snap
        .stages
        .iter()
        .map(|s| (s.position, s.probability))
        .collect();
    let model = FunnelModel::for_person(
        own,
        &stats.company,
        won,
        snap.funnel.win_rate,
        &probabilities,
    )?;
    let (deal_size, deal_size_source) = deal_size_for(own, &stats.company, snap.funnel.deal_size);
    let visits_per_week = snap
        .node(person)
        .and_then(|n| n.visits_per_week)
        .unwrap_or(snap.funnel.visits_per_week);
    let fy = &snap.plan.fiscal_year;
    let working_days = snap.calendar.working_days(fy.start_date(), fy.end_date());
    Ok(PersonInputs {
        target,
        contracted,
        deal_size,
        deal_size_source,
        model,
        open,
        visits_per_week,
        working_days,
        visits_per_opportunity: DEFAULT_VISITS_PER_OPPORTUNITY,
        bid_stage: DEFAULT_BID_STAGE,
    })
}
