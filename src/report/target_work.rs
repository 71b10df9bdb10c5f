//! The report's record of target work: each scope's derivation (inputs and every computed
//! step), the remembered allocations, and the negotiation rounds.

use serde::Serialize;

use super::RateEntry;
use crate::domain::allocation::AllocationRule;
use crate::domain::derivation::{self, Derivation, DerivationInputs};
use crate::domain::model::{LineId, PlanSnapshot, Round};
use crate::domain::negotiation::UnitStatus;
use crate::domain::ratio::Ratio;

#[derive(Serialize)]
pub struct DerivationEntry {
    /// None: the company total; otherwise the product line.
    pub line_id: Option<i64>,
    pub line: Option<String>,
    pub inputs: InputsEntry,
    /// The computed steps; None when the inputs cannot be derived (see `error`).
    pub result: Option<ResultEntry>,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct InputsEntry {
    pub strategy: Option<StrategyInputsEntry>,
    pub history: Option<HistoryInputsEntry>,
    pub cycle: CycleInputsEntry,
    pub competitors: Vec<CompetitorEntry>,
    pub alpha: RateEntry,
    pub override_target: Option<OverrideEntry>,
    pub stretch_buffer: RateEntry,
}

#[derive(Serialize)]
pub struct StrategyInputsEntry {
    pub market_size_fen: i64,
    pub market_growth: RateEntry,
    pub current_share: RateEntry,
    pub share_goal: RateEntry,
    pub years: u32,
    pub path: &'static str,
}

#[derive(Serialize)]
pub struct HistoryInputsEntry {
    pub years: Vec<YearAmountEntry>,
    pub method: &'static str,
}

#[derive(Serialize)]
pub struct YearAmountEntry {
    pub year: i32,
    pub amount_fen: i64,
}

#[derive(Serialize)]
pub struct CycleInputsEntry {
    pub phase: &'static str,
    pub sensitivity: RateEntry,
    /// The effect of each phase: expansion, peak, contraction, trough.
    pub effects: Vec<RateEntry>,
}

#[derive(Serialize)]
pub struct CompetitorEntry {
    pub name: String,
    pub share: RateEntry,
    pub strengths: String,
    pub weaknesses: String,
    pub moves: String,
    pub adjustment: RateEntry,
    pub reason: String,
}

#[derive(Serialize)]
pub struct OverrideEntry {
    pub target_fen: i64,
    pub reason: String,
}

#[derive(Serialize)]
pub struct ResultEntry {
    pub strategy: Option<StrategyResultEntry>,
    pub history: Option<HistoryResultEntry>,
    pub cycle_factor: RateEntry,
    pub competitors: CompetitorChecksEntry,
    pub blended_fen: i64,
    pub after_cycle_fen: i64,
    pub proposal_fen: i64,
    pub committed_fen: i64,
    pub stretch_fen: i64,
    pub bridge: Vec<BridgeEntry>,
}

#[derive(Serialize)]
pub struct StrategyResultEntry {
    pub next_share: RateEntry,
    pub next_market_fen: i64,
    pub target_fen: i64,
}

#[derive(Serialize)]
pub struct HistoryResultEntry {
    pub growth: Vec<GrowthEntry>,
    pub cagr: Option<RateEntry>,
    /// Fen per year, as an exact fraction.
    pub trend_slope_fen: Option<String>,
    pub trend_next_fen: Option<i64>,
    pub target_fen: i64,
}

#[derive(Serialize)]
pub struct GrowthEntry {
    pub year: i32,
    pub growth: Option<RateEntry>,
}

#[derive(Serialize)]
pub struct CompetitorChecksEntry {
    pub total_share: Option<RateEntry>,
    pub exceeds_market: bool,
    pub relative_share: Option<RateEntry>,
    pub adjustment: RateEntry,
    pub largest: Option<String>,
}

#[derive(Serialize)]
pub struct BridgeEntry {
    /// `strategy`, `history`, `blended`, `after_cycle`, `after_competitors`, `override`,
    /// `committed`, `stretch`.
    pub step: &'static str,
    pub value_fen: i64,
    pub change_fen: i64,
}

#[derive(Serialize)]
pub struct AllocationEntry {
    pub node_id: i64,
    /// `children` · `lines` · `months`.
    pub dimension: &'static str,
    pub method: String,
    pub line_id: Option<i64>,
    pub total_fen: i64,
    pub parts: Vec<AllocationPartEntry>,
    /// For a monthly split by percentages: the 12 percentages in fiscal-month order.
    pub percentages: Vec<RateEntry>,
}

#[derive(Serialize)]
pub struct AllocationPartEntry {
    /// A node id (children), a product line id (lines) or a fiscal month 1–12 (months).
    pub key: i64,
    pub weight: RateEntry,
    pub headcount: u32,
    pub ramp: RateEntry,
    pub locked_fen: Option<i64>,
}

#[derive(Serialize)]
pub struct RoundEntry {
    pub version_id: i64,
    pub number: u32,
    pub state: &'static str,
    pub units: Vec<RoundUnitEntry>,
}

#[derive(Serialize)]
pub struct RoundUnitEntry {
    pub node_id: i64,
    pub name: String,
    pub top_down_fen: Option<i64>,
    pub bottom_up_fen: Option<i64>,
    /// bottom-up − top-down.
    pub gap_fen: Option<i64>,
    /// `draft` · `proposed` · `countered` · `agreed`.
    pub status: &'static str,
    pub leader_comment: String,
    pub unit_comment: String,
}

fn rate(r: Ratio) -> RateEntry {
    RateEntry::of(r)
}

fn inputs_entry(i: &DerivationInputs) -> InputsEntry {
    InputsEntry {
        strategy: i.strategy.as_ref().map(|s| StrategyInputsEntry {
            market_size_fen: s.market_size.fen(),
            market_growth: rate(s.market_growth),
            current_share: rate(s.current_share),
            share_goal: rate(s.share_goal),
            years: s.years,
            path: s.path.code(),
        }),
        history: i.history.as_ref().map(|h| HistoryInputsEntry {
            years: h
                .years
                .iter()
                .map(|&(year, amount)| YearAmountEntry {
                    year,
                    amount_fen: amount.fen(),
                })
                .collect(),
            method: h.method.code(),
        }),
        cycle: CycleInputsEntry {
            phase: i.cycle.phase.code(),
            sensitivity: rate(i.cycle.sensitivity),
            effects: i.cycle.effects.iter().map(|&e| rate(e)).collect(),
        },
        competitors: i
            .competitors
            .iter()
            .map(|c| CompetitorEntry {
                name: c.name.clone(),
                share: rate(c.share),
                strengths: c.strengths.clone(),
                weaknesses: c.weaknesses.clone(),
                moves: c.moves.clone(),
                adjustment: rate(c.adjustment),
                reason: c.reason.clone(),
            })
            .collect(),
        alpha: rate(i.alpha),
        override_target: i.override_target.as_ref().map(|o| OverrideEntry {
            target_fen: o.target.fen(),
            reason: o.reason.clone(),
        }),
        stretch_buffer: rate(i.stretch_buffer),
    }
}

/// The bridge step's short name: its translation key without the prefix.
fn step_name(key: &'static str) -> &'static str {
    key.strip_prefix("derivation.bridge.").unwrap_or(key)
}

fn result_entry(d: &Derivation) -> ResultEntry {
    ResultEntry {
        strategy: d.strategy.as_ref().map(|s| StrategyResultEntry {
            next_share: rate(s.next_share),
            next_market_fen: s.next_market.fen(),
            target_fen: s.target.fen(),
        }),
        history: d.history.as_ref().map(|h| HistoryResultEntry {
            growth: h
                .growth
                .iter()
                .map(|&(year, g)| GrowthEntry {
                    year,
                    growth: g.map(rate),
                })
                .collect(),
            cagr: h.cagr.map(rate),
            trend_slope_fen: h.trend_slope.map(|r| format!("{}/{}", r.num(), r.den())),
            trend_next_fen: h.trend_next.map(|m| m.fen()),
            target_fen: h.target.fen(),
        }),
        cycle_factor: rate(d.cycle_factor),
        competitors: CompetitorChecksEntry {
            total_share: d.competitors.total_share.map(rate),
            exceeds_market: d.competitors.exceeds_market,
            relative_share: d.competitors.relative_share.map(rate),
            adjustment: rate(d.competitors.adjustment),
            largest: d.competitors.largest.clone(),
        },
        blended_fen: d.blended.fen(),
        after_cycle_fen: d.after_cycle.fen(),
        proposal_fen: d.proposal.fen(),
        committed_fen: d.committed.fen(),
        stretch_fen: d.stretch.fen(),
        bridge: d
            .bridge
            .iter()
            .map(|b| BridgeEntry {
                step: step_name(b.key),
                value_fen: b.value.fen(),
                change_fen: b.change.fen(),
            })
            .collect(),
    }
}

pub fn derivations(s: &PlanSnapshot) -> Vec<DerivationEntry> {
    s.derivations
        .iter()
        .map(|(line, inputs)| {
            let derived = derivation::derive(inputs);
            DerivationEntry {
                line_id: line.map(|l: LineId| l.0),
                line: line.and_then(|l| s.line(l)).map(|l| l.name.clone()),
                inputs: inputs_entry(inputs),
                result: derived.as_ref().ok().map(result_entry),
                error: derived.err().map(|e| e.to_string()),
            }
        })
        .collect()
}

fn allocation_entry(r: &AllocationRule) -> AllocationEntry {
    AllocationEntry {
        node_id: r.node.0,
        dimension: r.dimension.code(),
        method: r.method.clone(),
        line_id: r.params.line,
        total_fen: r.params.total.fen(),
        parts: r
            .params
            .parts
            .iter()
            .map(|p| AllocationPartEntry {
                key: p.key,
                weight: rate(p.weight),
                headcount: p.headcount,
                ramp: rate(p.ramp),
                locked_fen: p.locked.map(|m| m.fen()),
            })
            .collect(),
        percentages: r.params.percentages.iter().map(|&p| rate(p)).collect(),
    }
}

pub fn allocations(s: &PlanSnapshot) -> Vec<AllocationEntry> {
    s.allocations.iter().map(allocation_entry).collect()
}

fn status_code(s: UnitStatus) -> &'static str {
    match s {
        UnitStatus::Draft => "draft",
        UnitStatus::Proposed => "proposed",
        UnitStatus::Countered => "countered",
        UnitStatus::Agreed => "agreed",
    }
}

fn round_entry(s: &PlanSnapshot, r: &Round) -> RoundEntry {
    RoundEntry {
        version_id: r.version.0,
        number: r.number,
        state: r.state.code(),
        units: r
            .rows
            .iter()
            .map(|row| RoundUnitEntry {
                node_id: row.unit.0,
                name: s
                    .nodes
                    .iter()
                    .find(|n| n.id == row.unit)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
                top_down_fen: row.top_down.map(|m| m.fen()),
                bottom_up_fen: row.bottom_up.map(|m| m.fen()),
                gap_fen: row.gap().map(|m| m.fen()),
                status: status_code(row.status),
                leader_comment: row.leader_comment.clone(),
                unit_comment: row.unit_comment.clone(),
            })
            .collect(),
    }
}

pub fn rounds(s: &PlanSnapshot) -> Vec<RoundEntry> {
    s.rounds.iter().map(|r| round_entry(s, r)).collect()
}

// ---------------------------------------------------------------------------------------------
// Funnels, phasing and confidence

use crate::domain::plan_funnels::{self, Basis, PersonPlan};

#[derive(Serialize)]
pub struct FunnelsSection {
    /// `stretch`: the funnels are built for committed × (1 + stretch buffer).
    pub basis: &'static str,
    pub stretch_buffer: RateEntry,
    /// `history` (seasonality of the imported history) or `working_days`.
    pub month_weights: &'static str,
    pub people: Vec<PersonFunnelEntry>,
    pub total: FunnelTotalEntry,
}

#[derive(Serialize)]
pub struct FunnelTotalEntry {
    pub target_fen: i64,
    pub deals: i64,
    pub leads: i64,
    pub bids: i64,
    pub visits: i64,
    pub overloaded_people: usize,
    /// Per fiscal month, the sums over the people.
    pub months: Vec<MonthTotalEntry>,
}

#[derive(Serialize)]
pub struct MonthTotalEntry {
    pub month: u8,
    pub contract_target_fen: i64,
    pub deals: i64,
    pub leads: i64,
    pub bids: i64,
    pub visits: i64,
}

#[derive(Serialize)]
pub struct PersonFunnelEntry {
    pub node_id: i64,
    pub name: String,
    pub committed_fen: i64,
    pub stretch_fen: i64,
    pub target_fen: i64,
    pub deal_size_fen: i64,
    /// `own` · `company` · `plan`.
    pub deal_size_source: &'static str,
    pub steps: Vec<StepEntry>,
    pub open_deals: usize,
    pub error: Option<String>,
    pub funnel: Option<FunnelEntry>,
    /// Average days from the first stage to the close.
    pub cycle_days: String,
    pub phasing: Option<PhasingEntry>,
    pub confidence: Option<ConfidenceEntry>,
    /// The person's month targets as stored (the month grid), per metric.
    pub monthly_targets: Vec<MonthlyTargetsEntry>,
    /// The person's monthly actions and support requests.
    pub actions: Vec<ActionEntry>,
    pub support: Vec<SupportEntry>,
    /// Fiscal months with a contract target that the actions do not cover.
    pub uncovered_months: Vec<u8>,
}

#[derive(Serialize)]
pub struct MonthlyTargetsEntry {
    pub metric: &'static str,
    /// 12 fiscal months (fen for amounts, counts otherwise; null when not set).
    pub months: Vec<Option<i64>>,
}

#[derive(Serialize)]
pub struct ActionEntry {
    pub id: i64,
    pub month: u8,
    pub customer_id: Option<i64>,
    pub product_id: Option<i64>,
    pub kind: &'static str,
    pub count: u32,
    pub expected_fen: i64,
    pub status: &'static str,
    pub note: String,
}

#[derive(Serialize)]
pub struct SupportEntry {
    pub id: i64,
    pub month: u8,
    pub kind: &'static str,
    pub description: String,
}

#[derive(Serialize)]
pub struct StepEntry {
    pub from: u8,
    pub to: u8,
    pub rate: RateEntry,
    pub source: &'static str,
}

#[derive(Serialize)]
pub struct FunnelEntry {
    pub pipeline_expected_fen: i64,
    pub remaining_fen: i64,
    pub deals: i64,
    pub stages: Vec<StageNeedEntry>,
    pub leads: i64,
    pub bids: Option<i64>,
    pub visits: i64,
    pub capacity: i64,
    pub overloaded: bool,
}

#[derive(Serialize)]
pub struct StageNeedEntry {
    pub stage: u8,
    pub win_from: RateEntry,
    pub count: i64,
}

#[derive(Serialize)]
pub struct PhasingEntry {
    pub deals: i64,
    /// Months ahead of the close at which each counted stage is entered.
    pub offsets: Vec<OffsetEntry>,
    pub shortfall: Vec<StageCountEntry>,
    pub lead_shortfall: i64,
    pub suggested_earliest_month: u8,
    pub months: Vec<MonthEntry>,
}

#[derive(Serialize)]
pub struct OffsetEntry {
    pub stage: u8,
    pub months: u32,
}

#[derive(Serialize)]
pub struct StageCountEntry {
    pub stage: u8,
    pub count: i64,
}

#[derive(Serialize)]
pub struct MonthEntry {
    pub month: u8,
    pub contract_target_fen: i64,
    pub covered_fen: i64,
    pub need_fen: i64,
    pub deals: i64,
    pub leads: i64,
    pub bids: i64,
    pub visits: i64,
    pub capacity: i64,
    pub overloaded: bool,
    pub entries: Vec<StageCountEntry>,
    /// The month's leads and visits by week, split by working days.
    pub weeks: Vec<WeekEntry>,
}

#[derive(Serialize)]
pub struct WeekEntry {
    pub week: u16,
    pub first: String,
    pub last: String,
    pub working_days: u32,
    pub leads: i64,
    pub visits: i64,
    /// The week's leads over its working days in the month, in date order.
    pub leads_by_day: Vec<i64>,
}

#[derive(Serialize)]
pub struct ConfidenceEntry {
    pub runs: u32,
    pub seed: u64,
    pub chance: RateEntry,
    pub p10_fen: i64,
    pub p50_fen: i64,
    pub p90_fen: i64,
    pub mean_fen: i64,
    pub analytic_mean_fen: i64,
    pub leads_for_80: Option<i64>,
}

fn person_entry(
    s: &PlanSnapshot,
    p: &PersonPlan,
    confidence: Option<&crate::domain::confidence::Confidence>,
) -> PersonFunnelEntry {
    let funnel = p.funnel.as_ref().ok().map(|f| FunnelEntry {
        pipeline_expected_fen: plan_funnels::fen(f.pipeline_expected).fen(),
        remaining_fen: plan_funnels::fen(f.remaining).fen(),
        deals: f.deals,
        stages: f
            .stages
            .iter()
            .map(|st| StageNeedEntry {
                stage: st.stage,
                win_from: rate(st.win_from),
                count: st.count,
            })
            .collect(),
        leads: f.leads,
        bids: f.bids,
        visits: f.visits,
        capacity: f.capacity,
        overloaded: f.overloaded,
    });
    let phasing = p.phasing.as_ref().ok().map(|ph| PhasingEntry {
        deals: ph.deals,
        offsets: ph
            .offsets
            .iter()
            .map(|&(stage, months)| OffsetEntry { stage, months })
            .collect(),
        shortfall: ph
            .shortfall
            .iter()
            .map(|&(stage, count)| StageCountEntry { stage, count })
            .collect(),
        lead_shortfall: ph.lead_shortfall,
        suggested_earliest_month: ph.suggested_earliest,
        months: ph
            .months
            .iter()
            .map(|m| MonthEntry {
                month: m.month,
                contract_target_fen: m.contract_target.fen(),
                covered_fen: plan_funnels::fen(m.covered).fen(),
                need_fen: plan_funnels::fen(m.need).fen(),
                deals: m.deals,
                leads: m.leads,
                bids: m.bids,
                visits: m.visits,
                capacity: m.capacity,
                overloaded: m.overloaded,
                entries: m
                    .entries
                    .iter()
                    .map(|&(stage, count)| StageCountEntry { stage, count })
                    .collect(),
                weeks: {
                    use crate::domain::phasing::weeks_of_month;
                    let fy = &s.plan.fiscal_year;
                    let leads = weeks_of_month(m.leads, fy, &s.calendar, m.month);
                    let visits = weeks_of_month(m.visits, fy, &s.calendar, m.month);
                    leads
                        .iter()
                        .zip(visits)
                        .map(|(l, v)| WeekEntry {
                            week: l.week,
                            first: l.first.to_string(),
                            last: l.last.to_string(),
                            working_days: l.working_days,
                            leads: l.count,
                            visits: v.count,
                            leads_by_day: l.days.clone(),
                        })
                        .collect()
                },
            })
            .collect(),
    });
    let confidence = confidence.map(|c| ConfidenceEntry {
        runs: c.runs,
        seed: c.seed,
        chance: rate(c.chance),
        p10_fen: c.p10.fen(),
        p50_fen: c.p50.fen(),
        p90_fen: c.p90.fen(),
        mean_fen: c.mean.fen(),
        analytic_mean_fen: c.analytic_mean.fen(),
        leads_for_80: c.leads_for_80,
    });
    PersonFunnelEntry {
        node_id: p.person.0,
        name: p.name.clone(),
        committed_fen: p.committed.fen(),
        stretch_fen: p.stretch.fen(),
        target_fen: p.inputs.target.fen(),
        deal_size_fen: p.inputs.deal_size.fen(),
        deal_size_source: p.inputs.deal_size_source.code(),
        steps: p
            .inputs
            .model
            .steps
            .iter()
            .map(|st| StepEntry {
                from: st.from,
                to: st.to,
                rate: rate(st.rate),
                source: st.source.code(),
            })
            .collect(),
        open_deals: p.inputs.open.len(),
        error: p.funnel.as_ref().err().map(|e| e.to_string()),
        funnel,
        cycle_days: format!("{}/{}", p.cycle_days.num(), p.cycle_days.den()),
        phasing,
        confidence,
        monthly_targets: monthly_targets(s, p.person),
        actions: s
            .actions
            .iter()
            .filter(|a| a.person == p.person)
            .map(|a| ActionEntry {
                id: a.id,
                month: a.month,
                customer_id: a.fields.customer.map(|c| c.0),
                product_id: a.fields.product.map(|c| c.0),
                kind: a.fields.kind.code(),
                count: a.fields.count,
                expected_fen: a.fields.expected.fen(),
                status: a.fields.status.code(),
                note: a.fields.note.clone(),
            })
            .collect(),
        support: s
            .support
            .iter()
            .filter(|r| r.person == p.person)
            .map(|r| SupportEntry {
                id: r.id,
                month: r.month,
                kind: r.kind.code(),
                description: r.description.clone(),
            })
            .collect(),
        uncovered_months: {
            let table = crate::domain::targets::TargetTable::new(&s.targets);
            let targets =
                table.months(p.person, None, crate::domain::model::Metric::ContractAmount);
            crate::domain::actions::coverage(p.person, &targets, &s.actions)
                .iter()
                .filter(|c| c.flagged())
                .map(|c| c.month)
                .collect()
        },
    }
}

fn monthly_targets(
    s: &PlanSnapshot,
    person: crate::domain::model::NodeId,
) -> Vec<MonthlyTargetsEntry> {
    let table = crate::domain::targets::TargetTable::new(&s.targets);
    crate::domain::model::Metric::ALL
        .into_iter()
        .filter_map(|metric| {
            let months = table.months(person, None, metric);
            months
                .iter()
                .any(|m| m.is_some())
                .then(|| MonthlyTargetsEntry {
                    metric: metric.code(),
                    months: months.to_vec(),
                })
        })
        .collect()
}

pub fn funnels(s: &PlanSnapshot, with_confidence: bool) -> FunnelsSection {
    let stats = crate::domain::stats::for_plan(s);
    let plans = plan_funnels::person_plans(s, &stats, Basis::Stretch, 1);
    // Every person's standard simulation, on every core (the won deal values picked out in one
    // pass for everyone).
    let simulated: std::collections::HashMap<
        crate::domain::model::NodeId,
        crate::domain::confidence::Confidence,
    > = if with_confidence {
        let sims = plan_funnels::all_sim_inputs(
            s,
            &plans,
            crate::domain::confidence::DEFAULT_RUNS,
            crate::domain::confidence::DEFAULT_SEED,
        );
        let never = std::sync::atomic::AtomicBool::new(false);
        crate::domain::confidence::simulate_all(&sims, &never, &|_| {})
            .unwrap_or_default()
            .into_iter()
            .collect()
    } else {
        std::collections::HashMap::new()
    };
    let people: Vec<PersonFunnelEntry> = plans
        .iter()
        .map(|p| person_entry(s, p, simulated.get(&p.person)))
        .collect();
    let ok: Vec<_> = plans
        .iter()
        .filter_map(|p| p.funnel.as_ref().ok())
        .collect();
    let t = crate::domain::person_funnel::team_totals(ok.iter().copied());
    let months = (1..=12u8)
        .map(|month| {
            let rows: Vec<_> = plans
                .iter()
                .filter_map(|p| p.phasing.as_ref().ok())
                .filter_map(|ph| ph.months.get(usize::from(month - 1)))
                .collect();
            MonthTotalEntry {
                month,
                contract_target_fen: rows.iter().map(|m| m.contract_target.fen()).sum(),
                deals: rows.iter().map(|m| m.deals).sum(),
                leads: rows.iter().map(|m| m.leads).sum(),
                bids: rows.iter().map(|m| m.bids).sum(),
                visits: rows.iter().map(|m| m.visits).sum(),
            }
        })
        .collect();
    FunnelsSection {
        basis: "stretch",
        stretch_buffer: rate(plan_funnels::stretch_buffer(s)),
        month_weights: match plan_funnels::month_weights(s).1 {
            plan_funnels::WeightsSource::History => "history",
            plan_funnels::WeightsSource::WorkingDays => "working_days",
        },
        people,
        total: FunnelTotalEntry {
            target_fen: t.target.fen(),
            deals: t.deals,
            leads: t.leads,
            bids: t.bids,
            visits: t.visits,
            overloaded_people: t.overloaded,
            months,
        },
    }
}
