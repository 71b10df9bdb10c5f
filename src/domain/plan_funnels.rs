//! Every person's funnel, phasing and (on request) confidence in a plan: the glue between the
//! plan snapshot and the funnel, phasing and simulation modules, shared by the app and the
//! report so both show the same figures.

use serde::Serialize;

use crate::domain::confidence::SimInputs;
use crate::domain::derivation;
use crate::domain::funnel::FunnelInputError;
use crate::domain::model::{DealStatus, Metric, NodeId, PlanSnapshot};
use crate::domain::money::Money;
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::person_funnel::{self, PersonFunnel, PersonInputs};
use crate::domain::phasing::{self, DEFAULT_CYCLE_DAYS, Phasing, PhasingInputs};
use crate::domain::ratio::{Ratio, Rounding};
use crate::domain::stats::PipelineStats;
use crate::domain::targets::TargetTable;
use crate::domain::{history, seasonality};

/// Which target the funnels are built for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Committed × (1 + stretch buffer): the plan of action has room for what slips.
    #[default]
    Stretch,
    Committed,
}

/// Where the months' weights come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightsSource {
    /// The seasonality of the imported history.
    History,
    /// No history: the working days of each month.
    WorkingDays,
}

/// One person's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonPlan {
    pub person: NodeId,
    pub name: String,
    pub committed: Money,
    pub stretch: Money,
    pub inputs: PersonInputs,
    pub funnel: Result<PersonFunnel, FunnelInputError>,
    pub cycle_days: Ratio,
    /// What the phasing was computed from (to re-phase with another earliest month).
    pub phasing_inputs: PhasingInputs,
    pub phasing: Result<Phasing, FunnelInputError>,
    /// Open deals at each stage now (position, count), for the chart.
    pub open_by_stage: Vec<(u8, i64)>,
}

/// The stretch buffer of the plan: the company-total derivation's, else the default.
pub fn stretch_buffer(snap: &PlanSnapshot) -> Ratio {
    snap.derivations
        .iter()
        .find(|(line, _)| line.is_none())
        .map(|(_, d)| d.stretch_buffer)
        .unwrap_or_else(derivation::default_stretch_buffer)
}

/// The weights of the 12 fiscal months: history seasonality, else working days.
pub fn month_weights(snap: &PlanSnapshot) -> ([Ratio; 12], WeightsSource) {
    let fy = &snap.plan.fiscal_year;
    if let Some(w) = history::seasonality(&snap.history, fy)
        && w.iter().any(|&x| x > 0)
    {
        return (seasonality::as_ratios(&w), WeightsSource::History);
    }
    let days: [Ratio; 12] = std::array::from_fn(|m| {
        Ratio::from_integer(i128::from(
            snap.calendar.working_days_in_month(fy, m as u8 + 1).max(1),
        ))
    });
    (days, WeightsSource::WorkingDays)
}

/// The plan's funnels for every person with a yearly contract target.
///
/// `stats` are the snapshot's own (`stats::for_plan`): its conversion rates and stage durations.
/// `earliest_new_close` re-phases: new deals close only from that fiscal month on (1 = as
/// the seasonality says).
pub fn person_plans(
    snap: &PlanSnapshot,
    stats: &PipelineStats,
    basis: Basis,
    earliest_new_close: u8,
) -> Vec<PersonPlan> {
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::of_metric(&snap.targets, None, Metric::ContractAmount);
    let buffer = stretch_buffer(snap);
    let (weights, _) = month_weights(snap);
    let fy = &snap.plan.fiscal_year;
    let working_days: [u32; 12] =
        std::array::from_fn(|m| snap.calendar.working_days_in_month(fy, m as u8 + 1));
    let stage_days = StageDays::new(snap, stats, person_funnel::won_stage(snap));
    // Each person's opportunities and contracts, picked out once for everyone.
    let signed_by: std::collections::HashMap<NodeId, [Money; 12]> =
        snap.signed.iter().map(|(n, m)| (*n, *m)).collect();
    let people: Vec<&crate::domain::model::OrgNode> = snap.people().collect();
    crate::domain::parallel::filter_map(&people, |p| {
        let committed =
            table.node_value(&tree, p.id, None, Period::Year, Metric::ContractAmount)?;
        let committed = Money::from_fen(committed);
        let stretch = derivation::stretch(committed, buffer).unwrap_or(committed);
        let target = match basis {
            Basis::Stretch => stretch,
            Basis::Committed => committed,
        };
        let signed: [Money; 12] = signed_by.get(&p.id).copied().unwrap_or([Money::ZERO; 12]);
        let own_opportunities = stage_days.by_person.get(&p.id).map_or(&[][..], |v| v);
        let contracted = signed
            .iter()
            .fold(Money::ZERO, |a, &m| a.checked_add(m).unwrap_or(a));
        let open = person_funnel::open_deals_in(fy, own_opportunities.iter().copied());
        let inputs =
            person_funnel::plan_inputs_with(snap, stats, p.id, target, contracted, open).ok()?;
        let funnel = person_funnel::person_funnel(&inputs);
        let own = stats.by_person.get(&Some(p.id));
        // Like the stage durations, a cycle is measured over enough won deals or not at all.
        let cycle = |s: &crate::domain::stats::DealStats| {
            s.cycle_days_mean
                .filter(|_| s.cycles >= MIN_DURATION_SAMPLES)
        };
        let cycle_days = own
            .and_then(cycle)
            .or(cycle(&stats.company))
            .unwrap_or(Ratio::from_integer(i128::from(DEFAULT_CYCLE_DAYS)));
        let mut pipeline = [Ratio::ZERO; 12];
        for d in &inputs.open {
            let v = Ratio::from_integer(i128::from(d.value.fen()))
                .checked_mul(inputs.model.win_from(d.stage))
                .unwrap_or(Ratio::ZERO);
            let m = usize::from(d.close_month.clamp(1, 12) - 1);
            pipeline[m] = pipeline[m].checked_add(v).unwrap_or(pipeline[m]);
        }
        let phasing_inputs = PhasingInputs {
            target,
            weights,
            contracted: signed,
            pipeline,
            deal_size: inputs.deal_size,
            model: inputs.model.clone(),
            cycle_days,
            stage_days: stage_days.of(p.id),
            visits_per_opportunity: inputs.visits_per_opportunity,
            bid_stage: inputs.bid_stage,
            earliest_new_close,
            working_days,
            visits_per_week: inputs.visits_per_week,
        };
        let phasing = phasing::phase(&phasing_inputs);
        let mut open_by_stage: Vec<(u8, i64)> = Vec::new();
        for o in own_opportunities
            .iter()
            .filter(|o| o.status == DealStatus::Open)
        {
            match open_by_stage.iter_mut().find(|(s, _)| *s == o.stage) {
                Some((_, c)) => *c += 1,
                None => open_by_stage.push((o.stage, 1)),
            }
        }
        open_by_stage.sort_by_key(|(s, _)| *s);
        Some(PersonPlan {
            person: p.id,
            name: p.name.clone(),
            committed,
            stretch,
            inputs,
            funnel,
            cycle_days,
            phasing_inputs,
            phasing,
            open_by_stage,
        })
    })
}

/// A stage's measured duration is used only over at least this many opportunities that went
/// through it; fewer say more about the deals than about the stage.
pub const MIN_DURATION_SAMPLES: u64 = 10;

/// Measured days in each stage (from the plan's statistics), and each person's opportunities.
struct StageDays<'a> {
    durations: &'a crate::domain::stats::Durations,
    by_person: std::collections::HashMap<NodeId, Vec<&'a crate::domain::model::Opportunity>>,
    company: Vec<(u8, Ratio)>,
    won_stage: u8,
}

/// The stages measured over enough opportunities, with their mean days.
fn measured(list: &[crate::domain::stats::StageDuration]) -> Vec<(u8, Ratio)> {
    list.iter()
        .filter(|d| d.samples >= MIN_DURATION_SAMPLES)
        .filter_map(|d| d.mean_days.map(|m| (d.stage, m)))
        .collect()
}

impl<'a> StageDays<'a> {
    fn new(snap: &'a PlanSnapshot, stats: &'a PipelineStats, won_stage: u8) -> StageDays<'a> {
        let mut by_person: std::collections::HashMap<NodeId, Vec<_>> =
            std::collections::HashMap::new();
        for o in &snap.opportunities {
            if let Some(p) = o.person {
                by_person.entry(p).or_default().push(o);
            }
        }
        StageDays {
            durations: &stats.durations,
            by_person,
            company: measured(&stats.durations.company),
            won_stage,
        }
    }

    /// The person's own when every stage before the won stage has a measurement, else the
    /// company's (possibly incomplete: the phasing then shares the cycle).
    fn of(&self, person: NodeId) -> Vec<(u8, Ratio)> {
        if self.durations.company.is_empty() {
            return Vec::new();
        }
        let own = self
            .durations
            .by_person
            .get(&Some(person))
            .map(|list| measured(list))
            .unwrap_or_default();
        if own.len() + 1 >= usize::from(self.won_stage) {
            own
        } else {
            self.company.clone()
        }
    }
}

/// The simulation inputs of a person's plan: the leads their funnel needs, tested against
/// the committed target.
pub fn sim_inputs(
    snap: &PlanSnapshot,
    plan: &PersonPlan,
    runs: u32,
    seed: u64,
) -> Option<SimInputs> {
    let won = WonValues::new(snap);
    sim_inputs_with(plan, won.of(plan.person), runs, seed)
}

/// [`sim_inputs`] for every plan (in their order, skipping those without a funnel), the won
/// deal values picked out in one pass over the opportunities rather than one per person.
pub fn all_sim_inputs(
    snap: &PlanSnapshot,
    plans: &[PersonPlan],
    runs: u32,
    seed: u64,
) -> Vec<(NodeId, SimInputs)> {
    let won = WonValues::new(snap);
    plans
        .iter()
        .filter_map(|p| sim_inputs_with(p, won.of(p.person), runs, seed).map(|i| (p.person, i)))
        .collect()
}

/// The values of the signed deals, by person and for the company, in the opportunities' order.
struct WonValues {
    by_person: std::collections::HashMap<NodeId, Vec<Money>>,
    company: Vec<Money>,
}

impl WonValues {
    fn new(snap: &PlanSnapshot) -> WonValues {
        let won_stage = person_funnel::won_stage(snap);
        let mut by_person: std::collections::HashMap<NodeId, Vec<Money>> =
            std::collections::HashMap::new();
        let mut company = Vec::new();
        for o in &snap.opportunities {
            if !crate::domain::battle::signed(o, won_stage) {
                continue;
            }
            if let Some(v) = o.value {
                company.push(v);
                if let Some(p) = o.person {
                    by_person.entry(p).or_default().push(v);
                }
            }
        }
        WonValues { by_person, company }
    }

    /// The spread of won deal values a person's simulation draws from: their own, else the
    /// company's, over enough deals to be a spread (the same minimum as the average deal size);
    /// else none (every deal is the average).
    fn of(&self, person: NodeId) -> Vec<Money> {
        let enough = |v: &Vec<Money>| v.len() as u64 >= person_funnel::MIN_WON_FOR_DEAL_SIZE;
        match self.by_person.get(&person).filter(|v| enough(v)) {
            Some(own) => own.clone(),
            None if enough(&self.company) => self.company.clone(),
            None => Vec::new(),
        }
    }
}

fn sim_inputs_with(
    plan: &PersonPlan,
    history: Vec<Money>,
    runs: u32,
    seed: u64,
) -> Option<SimInputs> {
    let funnel = plan.funnel.as_ref().ok()?;
    Some(SimInputs {
        committed: plan.committed,
        contracted: plan.inputs.contracted,
        leads: funnel.leads,
        model: plan.inputs.model.clone(),
        deal_size: plan.inputs.deal_size,
        history,
        open: plan.inputs.open.clone(),
        runs,
        seed,
    })
}

/// Rounds an exact amount to the fen for display.
pub fn fen(r: Ratio) -> Money {
    Money::from_fen(i64::try_from(r.round(Rounding::HalfAwayFromZero)).unwrap_or(i64::MAX))
}
