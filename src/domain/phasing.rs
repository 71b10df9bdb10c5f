//! Time phasing of a person's funnel (domain §4) — not "divide by 12".
//!
//! The year's contract target is spread over the fiscal months by seasonality; what the open
//! pipeline (and what is already signed) is expected to close in a month is taken off, a
//! surplus carrying forward; the rest must come from new deals. A deal closing in month `t`
//! entered each earlier stage some months before, so the stage counts (leads, visits, bids)
//! run ahead of the contracts; what would have to happen before the year starts is a
//! shortfall. Whole counts are spread by largest remainder so the months add up to the year.

use serde::Serialize;

use crate::domain::funnel::FunnelInputError;
use crate::domain::money::Money;
use crate::domain::person_funnel::FunnelModel;
use crate::domain::ratio::{Ratio, ceil_div};
use crate::domain::split::{split_by_weights, split_by_whole_weights};

/// The sales cycle assumed when there is no history: about three months from lead to contract.
pub const DEFAULT_CYCLE_DAYS: i64 = 90;

/// Everything the phasing of one person is computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhasingInputs {
    /// The year's contract target.
    pub target: Money,
    /// Weights of the 12 fiscal months for the contract target (seasonality); all zero is
    /// refused.
    pub weights: [Ratio; 12],
    /// Already signed in each month.
    pub contracted: [Money; 12],
    /// What the open pipeline is expected to close in each month (value × chance), exact.
    pub pipeline: [Ratio; 12],
    pub deal_size: Money,
    pub model: FunnelModel,
    /// Average days from entering stage 1 to closing.
    pub cycle_days: Ratio,
    /// Average days spent in each stage before the won stage, from recorded stage moves; when
    /// every step of the model has one, the offsets come from them instead of sharing
    /// `cycle_days` evenly.
    pub stage_days: Vec<(u8, Ratio)>,
    pub visits_per_opportunity: u32,
    pub bid_stage: u8,
    /// New deals may close only from this fiscal month on (1 = any month). Re-phasing sets it
    /// past the months whose leads would be due before the year.
    pub earliest_new_close: u8,
    pub working_days: [u32; 12],
    pub visits_per_week: u32,
}

/// One fiscal month of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthPlan {
    /// 1–12.
    pub month: u8,
    /// The month's share of the year's contract target.
    pub contract_target: Money,
    /// Signed plus expected from the open pipeline in the month.
    pub covered: Ratio,
    /// Surplus (positive) or deficit (negative) carried in from the months before.
    pub carried_in: Ratio,
    /// What must come from new deals closing this month.
    pub need: Ratio,
    /// New deals to close this month.
    pub deals: i64,
    /// Opportunities that must enter each counted stage this month (position, count).
    pub entries: Vec<(u8, i64)>,
    pub leads: i64,
    pub bids: i64,
    pub visits: i64,
    /// Visits a week × working days / 5, rounded down.
    pub capacity: i64,
    pub overloaded: bool,
}

/// A person's year, month by month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Phasing {
    pub months: Vec<MonthPlan>,
    /// New deals over the year: `ceil(Σ need / deal size)`.
    pub deals: i64,
    /// Months ahead of the close at which an opportunity enters each counted stage.
    pub offsets: Vec<(u8, u32)>,
    /// Per counted stage, the entries that would fall before the year starts.
    pub shortfall: Vec<(u8, i64)>,
    /// Leads due before the year starts.
    pub lead_shortfall: i64,
    /// What a surplus is left at the end of the year.
    pub surplus_at_end: Ratio,
    /// The earliest month new deals can close with every lead inside the year (the re-phase
    /// suggestion); 1 when nothing falls before the year.
    pub suggested_earliest: u8,
}

/// Days in an average month (365.25 / 12).
fn days_per_month() -> Ratio {
    Ratio::new(36_525, 1_200).unwrap_or(Ratio::ONE)
}

/// Months ahead of the close for each counted stage: the cycle is shared evenly by the steps
/// from stage 1 to the won stage, rounded half away from zero to whole months.
pub fn stage_offsets(model: &FunnelModel, cycle_days: Ratio) -> Vec<(u8, u32)> {
    let won = i128::from(model.won_stage);
    let span = (won - 1).max(1);
    model
        .counted_stages()
        .into_iter()
        .map(|stage| {
            let ahead = (won - i128::from(stage)).max(0);
            let months = cycle_days
                .checked_mul(Ratio::new(ahead, span).unwrap_or(Ratio::ZERO))
                .and_then(|d| d.checked_div(days_per_month()))
                .map(|m| m.round_half_away())
                .unwrap_or(0);
            (stage, u32::try_from(months.clamp(0, 120)).unwrap_or(0))
        })
        .collect()
}

/// Months ahead of the close for each counted stage from the measured days in each stage:
/// the days from entering the stage to the close, rounded half away from zero to whole months.
/// None when a stage between 1 and the won stage has no measurement.
pub fn offsets_from_durations(
    model: &FunnelModel,
    stage_days: &[(u8, Ratio)],
) -> Option<Vec<(u8, u32)>> {
    let days_in = |stage: u8| {
        stage_days
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, d)| *d)
    };
    for stage in 1..model.won_stage {
        days_in(stage)?;
    }
    model
        .counted_stages()
        .into_iter()
        .map(|stage| {
            let total = (stage..model.won_stage)
                .try_fold(Ratio::ZERO, |acc, k| acc.checked_add(days_in(k)?))?;
            let months = total.checked_div(days_per_month())?.round_half_away();
            Some((stage, u32::try_from(months.clamp(0, 120)).unwrap_or(0)))
        })
        .collect()
}

fn to_i64(v: i128) -> Result<i64, FunnelInputError> {
    i64::try_from(v).map_err(|_| FunnelInputError::TooLarge)
}

/// Splits a whole count over 12 months in proportion to `weights` (largest remainder); all
/// zero weights give all zero (only for a zero count).
fn spread(count: i64, weights: &[i64; 12]) -> Result<[i64; 12], FunnelInputError> {
    if count == 0 || weights.iter().all(|&w| w == 0) {
        return Ok([0; 12]);
    }
    split_by_whole_weights(count, weights).map_err(|_| FunnelInputError::TooLarge)
}

pub fn phase(i: &PhasingInputs) -> Result<Phasing, FunnelInputError> {
    crate::domain::funnel::check_deal_size(i.deal_size)?;
    if i.target.is_negative() {
        return Err(FunnelInputError::NegativeTarget);
    }
    let earliest = i.earliest_new_close.clamp(1, 12);
    // 1. The contract target by seasonality (exact to the fen).
    let split =
        split_by_weights(i.target.fen(), &i.weights).map_err(|_| FunnelInputError::TooLarge)?;
    // 2. What new deals must bring each month, carrying surpluses (and, before the earliest
    //    month, deficits) forward.
    let mut carry = Ratio::ZERO;
    let mut rows = Vec::with_capacity(12);
    for (m, &amount) in split.iter().enumerate().take(12) {
        let target = Ratio::from_integer(i128::from(amount));
        let covered = Ratio::from_integer(i128::from(i.contracted[m].fen()))
            .checked_add(i.pipeline[m])
            .ok_or(FunnelInputError::TooLarge)?;
        let carried_in = carry;
        let net = target
            .checked_sub(covered)
            .and_then(|r| r.checked_sub(carried_in))
            .ok_or(FunnelInputError::TooLarge)?;
        let need = if (m as u8) + 1 < earliest || !net.is_positive() {
            carry = net.checked_neg().ok_or(FunnelInputError::TooLarge)?;
            Ratio::ZERO
        } else {
            carry = Ratio::ZERO;
            net
        };
        rows.push((amount, covered, carried_in, need));
    }
    let total_need = rows
        .iter()
        .try_fold(Ratio::ZERO, |acc, r| acc.checked_add(r.3))
        .ok_or(FunnelInputError::TooLarge)?;
    let deals = to_i64(
        total_need
            .checked_div(Ratio::from_integer(i128::from(i.deal_size.fen())))
            .ok_or(FunnelInputError::TooLarge)?
            .ceil(),
    )?;
    // 3. Whole deals by month in proportion to each month's need (in fen, rounded up so a
    //    month with any need can get a deal).
    let need_weights: [i64; 12] =
        std::array::from_fn(|m| i64::try_from(rows[m].3.ceil()).unwrap_or(i64::MAX / 16));
    let deals_by_month = spread(deals, &need_weights)?;
    // 4. Each counted stage: its yearly count spread like the deals, then moved earlier by the
    //    stage's offset.
    let offsets = offsets_from_durations(&i.model, &i.stage_days)
        .unwrap_or_else(|| stage_offsets(&i.model, i.cycle_days));
    let mut entries = vec![Vec::<(u8, i64)>::new(); 12];
    let mut shortfall = Vec::new();
    for &(stage, offset) in &offsets {
        let win_from = i.model.win_from(stage);
        crate::domain::funnel::check_win_rate(win_from)?;
        let count =
            to_i64(ceil_div(i128::from(deals), win_from).ok_or(FunnelInputError::TooLarge)?)?;
        let by_close = spread(count, &deals_by_month)?;
        let mut due = [0i64; 12];
        let mut before = 0i64;
        for (m, &c) in by_close.iter().enumerate() {
            match m.checked_sub(offset as usize) {
                Some(entry) => due[entry] += c,
                None => before += c,
            }
        }
        for (m, &c) in due.iter().enumerate() {
            entries[m].push((stage, c));
        }
        shortfall.push((stage, before));
    }
    let first_stage = offsets.first().map(|o| o.0).unwrap_or(1);
    let lead_shortfall = shortfall
        .iter()
        .find(|(s, _)| *s == first_stage)
        .map(|s| s.1)
        .unwrap_or(0);
    let lead_offset = offsets.first().map(|o| o.1).unwrap_or(0);
    let suggested_earliest = if lead_shortfall > 0 {
        u8::try_from((lead_offset + 1).min(12)).unwrap_or(12)
    } else {
        1
    };

    let months = rows
        .into_iter()
        .enumerate()
        .map(|(m, (target, covered, carried_in, need))| {
            let e = &entries[m];
            let count_at = |stage: u8| e.iter().find(|(s, _)| *s == stage).map_or(0, |x| x.1);
            let visits = e
                .iter()
                .map(|(_, c)| c.saturating_mul(i64::from(i.visits_per_opportunity)))
                .fold(0i64, i64::saturating_add);
            let capacity = i64::from(i.visits_per_week) * i64::from(i.working_days[m]) / 5;
            MonthPlan {
                month: m as u8 + 1,
                contract_target: Money::from_fen(target),
                covered,
                carried_in,
                need,
                deals: deals_by_month[m],
                entries: e.clone(),
                leads: count_at(first_stage),
                bids: count_at(i.bid_stage),
                visits,
                capacity,
                overloaded: visits > capacity,
            }
        })
        .collect();
    Ok(Phasing {
        months,
        deals,
        offsets,
        shortfall,
        lead_shortfall,
        surplus_at_end: if carry.is_positive() {
            carry
        } else {
            Ratio::ZERO
        },
        suggested_earliest,
    })
}

/// One week's share of a month's count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeekShare {
    /// The week of the fiscal year (1-based).
    pub week: u16,
    /// The part of the week inside the month.
    #[serde(with = "crate::domain::period::date_serde")]
    pub first: jiff::civil::Date,
    #[serde(with = "crate::domain::period::date_serde")]
    pub last: jiff::civil::Date,
    pub working_days: u32,
    pub count: i64,
    /// The week's count over its working days in the month, in date order (largest
    /// remainder, earlier days first); empty without working days.
    pub days: Vec<i64>,
}

/// Splits a month's whole count over the weeks touching the month in proportion to their
/// working days inside it (largest remainder, so the weeks add up to the month). A month with
/// no working day puts nothing in any week unless the count is positive, in which case the
/// days of the weeks count instead.
pub fn weeks_of_month(
    count: i64,
    fy: &crate::domain::period::FiscalYear,
    calendar: &crate::domain::period::WorkCalendar,
    fiscal_month: u8,
) -> Vec<WeekShare> {
    let weeks = crate::domain::period::weeks_overlapping_month(fy, fiscal_month);
    let days: Vec<u32> = weeks
        .iter()
        .map(|(_, first, last)| calendar.working_days(*first, *last))
        .collect();
    let weights: Vec<i64> = if days.iter().all(|&d| d == 0) {
        weeks
            .iter()
            .map(|(_, first, last)| {
                (last.since(*first).map(|s| s.get_days()).unwrap_or(0) + 1) as i64
            })
            .collect()
    } else {
        days.iter().map(|&d| i64::from(d)).collect()
    };
    let ratios: Vec<Ratio> = weights
        .iter()
        .map(|&w| Ratio::from_integer(i128::from(w)))
        .collect();
    let parts = if count == 0 || weights.iter().all(|&w| w == 0) {
        vec![0; weeks.len()]
    } else {
        split_by_weights(count, &ratios).unwrap_or_else(|_| vec![0; weeks.len()])
    };
    weeks
        .iter()
        .zip(days)
        .zip(parts)
        .map(|(((w, first, last), working_days), count)| WeekShare {
            week: w.index,
            first: *first,
            last: *last,
            working_days,
            count,
            days: if working_days == 0 {
                Vec::new()
            } else {
                crate::domain::split::split_even(count, working_days as usize)
            },
        })
        .collect()
}
