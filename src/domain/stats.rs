//! Statistics derived from the pipeline (domain §4, §6): won, lost and open deals, the win rate,
//! the average won deal, how long a won deal takes, and stage-to-stage conversion rates — per
//! person and for the company. Exact: rates are fractions, amounts fen.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::domain::model::{DealStatus, NodeId, Opportunity, OpportunityId, StageEvent};
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;

/// Conversion from one stage to the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageConversion {
    pub from: u8,
    pub to: u8,
    /// Deals that reached `from` and have since moved on or closed.
    pub resolved: u64,
    /// Of those, the deals that reached `to`.
    pub advanced: u64,
    /// advanced / resolved.
    pub rate: Option<Ratio>,
}

/// What a set of opportunities says about how a person (or the company) sells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DealStats {
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    /// won / (won + lost).
    pub win_rate: Option<Ratio>,
    /// Sum of the values of won deals.
    pub won_value: Money,
    /// won_value / won deals with a value, exact.
    pub average_won: Option<Ratio>,
    /// Won deals with both a start and a close date.
    pub cycles: u64,
    /// Mean days from the first stage date to the close date, over won deals.
    pub cycle_days_mean: Option<Ratio>,
    /// Median of the same days (the mean of the two middle values for an even count).
    pub cycle_days_median: Option<Ratio>,
    pub conversions: Vec<StageConversion>,
}

impl DealStats {
    /// The average won deal rounded to the fen (half away from zero).
    pub fn average_won_money(&self) -> Option<Money> {
        self.average_won
            .and_then(|r| i64::try_from(r.round_half_away()).ok())
            .map(Money::from_fen)
    }
}

/// The furthest stage each opportunity reached: its current stage, the stages in its history,
/// and for a won deal the won stage.
fn furthest_stage(
    opportunities: &[&Opportunity],
    events: &HashMap<OpportunityId, Vec<&StageEvent>>,
    won_stage: u8,
) -> Vec<u8> {
    opportunities
        .iter()
        .map(|o| {
            let from_history = events
                .get(&o.id)
                .and_then(|e| e.iter().map(|e| e.stage).max())
                .unwrap_or(0);
            let won = if o.status == DealStatus::Won {
                won_stage
            } else {
                0
            };
            o.stage.max(from_history).max(won)
        })
        .collect()
}

/// Whole days from `from` to `to` (negative when `to` is earlier): civil dates are whole days
/// apart, and this is much cheaper than a calendar span (it runs for every stage move).
fn days_between(from: jiff::civil::Date, to: jiff::civil::Date) -> i64 {
    to.duration_since(from).as_secs() / 86_400
}

fn cycle_days(o: &Opportunity, events: &HashMap<OpportunityId, Vec<&StageEvent>>) -> Option<i64> {
    let close = o.close_date?;
    let first_event = events
        .get(&o.id)
        .and_then(|e| e.iter().map(|e| e.date).min());
    let start = match (o.engage_date, first_event) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    let days = days_between(start, close);
    (days >= 0).then_some(days)
}

fn median(sorted: &[i64]) -> Option<Ratio> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        Some(Ratio::from_integer(i128::from(sorted[n / 2])))
    } else {
        Ratio::new(i128::from(sorted[n / 2 - 1]) + i128::from(sorted[n / 2]), 2)
    }
}

/// Statistics over the given opportunities. `won_stage` is the position of the closed/signed
/// stage; conversions are computed for stages 1..won_stage.
///
/// A conversion from stage s counts only deals that are past s (moved on or closed): a deal
/// still sitting at s has not yet had its chance, and counting it would understate the rate.
/// A deal that reached a later stage passed every stage before it, recorded or not.
pub fn deal_stats(
    opportunities: &[&Opportunity],
    events: &HashMap<OpportunityId, Vec<&StageEvent>>,
    won_stage: u8,
) -> DealStats {
    // A deal lost after the won stage (a failed delivery, no renewal) was still signed.
    let signed = |o: &&&Opportunity| crate::domain::battle::signed(o, won_stage);
    let won = opportunities.iter().filter(signed).count() as u64;
    let open = opportunities
        .iter()
        .filter(|o| o.status == DealStatus::Open)
        .count() as u64;
    let lost = opportunities.len() as u64 - won - open;
    let win_rate = Ratio::new(i128::from(won), i128::from(won + lost));
    let won_values: Vec<Money> = opportunities
        .iter()
        .filter(signed)
        .filter_map(|o| o.value)
        .collect();
    let won_value: Money = won_values.iter().sum();
    let average_won = Ratio::new(i128::from(won_value.fen()), won_values.len() as i128);

    let mut days: Vec<i64> = opportunities
        .iter()
        .filter(signed)
        .filter_map(|o| cycle_days(o, events))
        .collect();
    days.sort_unstable();
    let cycle_days_mean = Ratio::new(
        days.iter().map(|&d| i128::from(d)).sum(),
        days.len() as i128,
    );

    let furthest = furthest_stage(opportunities, events, won_stage);
    let conversions = (1..won_stage)
        .map(|from| {
            let past = |i: usize, o: &&Opportunity| {
                furthest[i] > from || (o.status != DealStatus::Open && furthest[i] >= from)
            };
            let resolved = opportunities
                .iter()
                .enumerate()
                .filter(|(i, o)| past(*i, o))
                .count() as u64;
            let advanced = furthest.iter().filter(|&&f| f > from).count() as u64;
            StageConversion {
                from,
                to: from + 1,
                resolved,
                advanced,
                rate: Ratio::new(i128::from(advanced), i128::from(resolved)),
            }
        })
        .collect();

    DealStats {
        won,
        lost,
        open,
        win_rate,
        won_value,
        average_won,
        cycles: days.len() as u64,
        cycle_days_mean,
        cycle_days_median: median(&days),
        conversions,
    }
}

/// How long opportunities stay in one stage: from entering `stage` to entering the next stage
/// they reached (recorded moves, or the close date for the last), over the opportunities with
/// both dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageDuration {
    pub stage: u8,
    /// Opportunities measured.
    pub samples: u64,
    /// Mean days, exact.
    pub mean_days: Option<Ratio>,
}

/// Mean days spent in each stage 1..won_stage, from the recorded stage moves.
pub fn stage_durations(
    opportunities: &[&Opportunity],
    events: &HashMap<OpportunityId, Vec<&StageEvent>>,
    won_stage: u8,
) -> Vec<StageDuration> {
    let mut sums: BTreeMap<u8, (i128, u64)> = BTreeMap::new();
    for o in opportunities {
        let Some(list) = events.get(&o.id) else {
            continue;
        };
        let mut dated: Vec<(u8, jiff::civil::Date)> =
            list.iter().map(|e| (e.stage, e.date)).collect();
        // A won deal's close date is its entry into the won stage when no move records it.
        if o.status == DealStatus::Won
            && let Some(close) = o.close_date
            && !dated.iter().any(|(s, _)| *s >= won_stage)
        {
            dated.push((won_stage, close));
        }
        dated.sort();
        for pair in dated.windows(2) {
            let ((stage, entered), (_, left)) = (pair[0], pair[1]);
            if stage >= won_stage {
                continue;
            }
            let days = i128::from(days_between(entered, left));
            if days < 0 {
                continue;
            }
            let e = sums.entry(stage).or_insert((0, 0));
            e.0 += days;
            e.1 += 1;
        }
    }
    (1..won_stage)
        .map(|stage| {
            let (total, n) = sums.get(&stage).copied().unwrap_or((0, 0));
            StageDuration {
                stage,
                samples: n,
                mean_days: Ratio::new(total, i128::from(n)),
            }
        })
        .collect()
}

/// Statistics for the company and for each person (`None`: deals with no person).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipelineStats {
    pub company: DealStats,
    pub by_person: BTreeMap<Option<NodeId>, DealStats>,
    /// Days spent in each stage, measured once for the plan (the phasing of every person's
    /// funnel reads them).
    #[serde(skip)]
    pub durations: Durations,
}

/// Mean days in each stage before the won stage: over every opportunity, and over each
/// person's (`None`: deals with no person). Empty when no stage move is recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    pub company: Vec<StageDuration>,
    pub by_person: BTreeMap<Option<NodeId>, Vec<StageDuration>>,
}

pub fn pipeline_stats(
    opportunities: &[Opportunity],
    events: &[StageEvent],
    won_stage: u8,
) -> PipelineStats {
    let mut by_opportunity: HashMap<OpportunityId, Vec<&StageEvent>> = HashMap::new();
    for e in events {
        by_opportunity.entry(e.opportunity).or_default().push(e);
    }
    let all: Vec<&Opportunity> = opportunities.iter().collect();
    let mut groups: BTreeMap<Option<NodeId>, Vec<&Opportunity>> = BTreeMap::new();
    for o in opportunities {
        groups.entry(o.person).or_default().push(o);
    }
    let durations = if events.is_empty() {
        Durations::default()
    } else {
        Durations {
            company: stage_durations(&all, &by_opportunity, won_stage),
            by_person: groups
                .iter()
                .map(|(p, list)| (*p, stage_durations(list, &by_opportunity, won_stage)))
                .collect(),
        }
    };
    PipelineStats {
        company: deal_stats(&all, &by_opportunity, won_stage),
        by_person: groups
            .into_iter()
            .map(|(p, list)| (p, deal_stats(&list, &by_opportunity, won_stage)))
            .collect(),
        durations,
    }
}

/// The statistics of a plan's whole pipeline, with the plan's own won stage.
pub fn for_plan(snap: &crate::domain::model::PlanSnapshot) -> PipelineStats {
    let won_stage = snap
        .stages
        .iter()
        .find(|s| s.is_won)
        .map(|s| s.position)
        .unwrap_or(DEFAULT_WON_STAGE);
    pipeline_stats(&snap.opportunities, &snap.stage_events, won_stage)
}

/// The article's sixth stage, 成交 (closed / signed).
pub const DEFAULT_WON_STAGE: u8 = 6;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn opp(id: i64, person: i64, stage: u8, status: DealStatus, fen: Option<i64>) -> Opportunity {
        Opportunity {
            id: OpportunityId(id),
            source_id: None,
            person: Some(NodeId(person)),
            customer: None,
            product: None,
            stage,
            status,
            engage_date: None,
            close_date: None,
            value: fen.map(Money::from_fen),
        }
    }

    #[test]
    fn days_between_counts_whole_days_across_years_and_leap_days() {
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
        assert_eq!(days_between(date(2023, 12, 31), date(2026, 1, 1)), 732);
        assert_eq!(days_between(date(2026, 1, 1), date(2025, 12, 31)), -1);
    }

    #[test]
    fn win_rate_counts_closed_deals_only() {
        let opps = vec![
            opp(1, 1, 6, DealStatus::Won, Some(300)),
            opp(2, 1, 6, DealStatus::Won, Some(100)),
            opp(3, 1, 3, DealStatus::Lost, None),
            opp(4, 1, 3, DealStatus::Open, Some(999)),
            opp(5, 2, 6, DealStatus::Won, Some(50)),
        ];
        let s = pipeline_stats(&opps, &[], 6);
        assert_eq!((s.company.won, s.company.lost, s.company.open), (3, 1, 1));
        assert_eq!(s.company.win_rate, Ratio::new(3, 4));
        assert_eq!(s.company.won_value, Money::from_fen(450));
        assert_eq!(s.company.average_won, Some(Ratio::from_integer(150)));
        let p1 = &s.by_person[&Some(NodeId(1))];
        assert_eq!(p1.win_rate, Ratio::new(2, 3));
        assert_eq!(p1.average_won_money(), Some(Money::from_fen(200)));
        assert_eq!(s.by_person[&Some(NodeId(2))].win_rate, Some(Ratio::ONE));
    }

    #[test]
    fn cycle_days_run_from_the_first_stage_date_to_the_close() {
        let mut a = opp(1, 1, 6, DealStatus::Won, Some(1));
        a.engage_date = Some(date(2024, 1, 10));
        a.close_date = Some(date(2024, 1, 20));
        let mut b = opp(2, 1, 6, DealStatus::Won, Some(1));
        b.engage_date = Some(date(2024, 2, 1));
        b.close_date = Some(date(2024, 3, 2));
        let mut c = opp(3, 1, 6, DealStatus::Won, Some(1));
        c.close_date = Some(date(2024, 5, 1));
        // Its history starts earlier than its engage date would say.
        let events = vec![StageEvent {
            opportunity: OpportunityId(3),
            stage: 1,
            date: date(2024, 4, 1),
        }];
        let s = pipeline_stats(&[a, b, c], &events, 6).company;
        // 10, 30 and 30 days.
        assert_eq!(s.cycles, 3);
        assert_eq!(
            s.cycle_days_mean,
            Some(
                Ratio::from_integer(70)
                    .checked_div(Ratio::from_integer(3))
                    .unwrap()
            )
        );
        assert_eq!(s.cycle_days_median, Some(Ratio::from_integer(30)));
    }

    #[test]
    fn conversions_skip_deals_still_sitting_at_the_stage() {
        // Ten deals reached stage 3: 4 won, 4 lost at 3, 2 still open at 3.
        let mut opps = Vec::new();
        for i in 0..4 {
            opps.push(opp(i, 1, 6, DealStatus::Won, Some(1)));
        }
        for i in 4..8 {
            opps.push(opp(i, 1, 3, DealStatus::Lost, None));
        }
        for i in 8..10 {
            opps.push(opp(i, 1, 3, DealStatus::Open, None));
        }
        // And five leads still at stage 1.
        for i in 10..15 {
            opps.push(opp(i, 1, 1, DealStatus::Open, None));
        }
        let s = pipeline_stats(&opps, &[], 6).company;
        let c: Vec<(u8, u64, u64)> = s
            .conversions
            .iter()
            .map(|c| (c.from, c.resolved, c.advanced))
            .collect();
        assert_eq!(
            c,
            vec![(1, 10, 10), (2, 10, 10), (3, 8, 4), (4, 4, 4), (5, 4, 4)]
        );
        assert_eq!(s.conversions[2].rate, Ratio::new(1, 2));
    }
}
