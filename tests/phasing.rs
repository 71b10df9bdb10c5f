//! Time phasing (domain §4): the article's person month by month, thin and thick carried-over
//! pipelines, surpluses carried forward, shortfalls before the year and re-phasing.

use salesplan::domain::money::Money;
use salesplan::domain::person_funnel::{FunnelModel, Source};
use salesplan::domain::phasing::{PhasingInputs, offsets_from_durations, phase, stage_offsets};
use salesplan::domain::ratio::Ratio;

const WAN: i64 = 1_000_000;

fn wan(n: i64) -> Money {
    Money::from_fen(n * WAN)
}

/// The article's account manager: 1,000万 at 100万 a deal and a 10% win rate, an even year,
/// a three-month cycle, 21 working days a month.
fn article() -> PhasingInputs {
    PhasingInputs {
        target: wan(1_000),
        weights: [Ratio::ONE; 12],
        contracted: [Money::ZERO; 12],
        pipeline: [Ratio::ZERO; 12],
        deal_size: wan(100),
        model: FunnelModel::single(6, Ratio::percent(10), Source::Plan).unwrap(),
        cycle_days: Ratio::from_integer(90),
        stage_days: Vec::new(),
        visits_per_opportunity: 2,
        bid_stage: 3,
        earliest_new_close: 1,
        working_days: [21; 12],
        visits_per_week: 10,
    }
}

fn col<T: Copy>(
    p: &salesplan::domain::phasing::Phasing,
    f: impl Fn(&salesplan::domain::phasing::MonthPlan) -> T,
) -> Vec<T> {
    p.months.iter().map(f).collect()
}

#[test]
fn offsets_share_the_cycle_over_the_steps() {
    let single = FunnelModel::single(6, Ratio::percent(10), Source::Plan).unwrap();
    // 90 days ≈ 2.96 months → 3 months ahead for a lead; the contract itself in its month.
    assert_eq!(
        stage_offsets(&single, Ratio::from_integer(90)),
        vec![(1, 3), (6, 0)]
    );
    let staged = FunnelModel::from_rates(&[Ratio::percent(50); 5], Source::Entered).unwrap();
    // 150 days over 5 steps: 30 days (≈ 0.99 months) each.
    assert_eq!(
        stage_offsets(&staged, Ratio::from_integer(150)),
        vec![(1, 5), (2, 4), (3, 3), (4, 2), (5, 1), (6, 0)]
    );
}

#[test]
fn the_articles_person_month_by_month() {
    let p = phase(&article()).unwrap();
    // 1,000万 = 1,000,000,000 fen over 12 even months: 83,333,333.33… each, so four months
    // get 83,333,334 fen and eight 83,333,333; they add up exactly.
    let targets = col(&p, |m| m.contract_target.fen());
    assert_eq!(targets.iter().sum::<i64>(), 1_000 * WAN);
    assert_eq!(
        &targets[..5],
        &[83_333_334, 83_333_334, 83_333_334, 83_333_334, 83_333_333]
    );
    // 10 deals, one a month in the months with the largest need (ties by month order).
    assert_eq!(p.deals, 10);
    assert_eq!(
        col(&p, |m| m.deals),
        vec![1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
    );
    // 100 leads, 10 for each deal, three months ahead: the first three months' leads would be
    // due before the year starts.
    assert_eq!(
        col(&p, |m| m.leads),
        vec![10, 10, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0]
    );
    assert_eq!(p.lead_shortfall, 30);
    assert_eq!(p.shortfall, vec![(1, 30), (6, 0)]);
    assert_eq!(p.suggested_earliest, 4);
    // Visits: 2 per lead in its month and 2 per contract in its month.
    assert_eq!(col(&p, |m| m.visits)[..4], [22, 22, 22, 22]);
    assert_eq!(p.months[0].capacity, 42);
    assert!(p.months.iter().all(|m| !m.overloaded));
}

#[test]
fn re_phasing_moves_new_deals_after_the_lead_time() {
    let mut i = article();
    i.earliest_new_close = 4;
    let p = phase(&i).unwrap();
    // Months 1–3 get no new deals; their target is carried as a deficit into month 4.
    assert_eq!(col(&p, |m| m.need.is_zero())[..3], [true, true, true]);
    assert_eq!(p.months[3].need, Ratio::from_integer(4 * 83_333_334));
    assert_eq!(p.deals, 10);
    // Month 4 needs 3⅓ deals' worth: 3, and the largest remainders (⅚ each) go to 5–11.
    assert_eq!(
        col(&p, |m| m.deals),
        vec![0, 0, 0, 3, 1, 1, 1, 1, 1, 1, 1, 0]
    );
    // Heavy prospecting at the start, nothing before the year.
    assert_eq!(
        col(&p, |m| m.leads),
        vec![30, 10, 10, 10, 10, 10, 10, 10, 0, 0, 0, 0]
    );
    assert_eq!(p.lead_shortfall, 0);
    assert_eq!(p.suggested_earliest, 1);
}

#[test]
fn a_thick_pipeline_gives_an_even_plan_and_a_thin_one_heavy_early_prospecting() {
    // Thick: the carried-over pipeline covers the first quarter (3 × 83,333,334 fen expected).
    let mut thick = article();
    for m in 0..3 {
        thick.pipeline[m] = Ratio::from_integer(83_333_334);
    }
    let p = phase(&thick).unwrap();
    assert_eq!(p.deals, 8);
    assert_eq!(
        col(&p, |m| m.deals),
        vec![0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    );
    assert_eq!(
        col(&p, |m| m.leads),
        vec![10, 10, 10, 10, 10, 10, 10, 10, 0, 0, 0, 0]
    );
    assert_eq!(p.lead_shortfall, 0);

    // Thin: nothing carried over; re-phased, the first month's prospecting is three times as
    // heavy as any other.
    let mut thin = article();
    thin.earliest_new_close = 4;
    let p = phase(&thin).unwrap();
    let leads = col(&p, |m| m.leads);
    assert_eq!(leads[0], 30);
    assert!(leads[1..].iter().all(|&l| l <= 10));
}

#[test]
fn a_surplus_carries_forward_and_signed_deals_count() {
    let mut i = article();
    // A 300万 contract already signed in month 1 covers months 1–3 and some of month 4.
    i.contracted[0] = wan(300);
    let p = phase(&i).unwrap();
    assert!(p.months[0].need.is_zero());
    assert_eq!(
        p.months[1].carried_in,
        Ratio::from_integer(i128::from(300 * WAN - 83_333_334))
    );
    assert!(p.months[2].need.is_zero());
    // Month 4 needs 83,333,334 × 4 − 300万 = 33,336 fen more.
    assert_eq!(
        p.months[3].need,
        Ratio::from_integer(i128::from(4 * 83_333_334 - 300 * WAN))
    );
    // 700万 remain: 7 deals.
    assert_eq!(p.deals, 7);
    assert_eq!(p.months.iter().map(|m| m.deals).sum::<i64>(), 7);
}

#[test]
fn seasonality_weights_the_contract_months() {
    let mut i = article();
    i.weights = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 14].map(Ratio::from_integer);
    let p = phase(&i).unwrap();
    // December carries 14/25 of the year: 560万, 5.6 deals' worth → 6 deals (largest
    // remainder); the other months 40万 each.
    assert_eq!(p.months[11].contract_target, wan(560));
    assert_eq!(p.months[0].contract_target, wan(40));
    assert_eq!(col(&p, |m| m.deals)[11], 6);
    assert_eq!(p.deals, 10);
}

#[test]
fn stage_by_stage_counts_run_ahead_and_add_up() {
    let mut i = article();
    i.model = FunnelModel::from_rates(&[Ratio::percent(50); 5], Source::Entered).unwrap();
    i.cycle_days = Ratio::from_integer(150);
    let p = phase(&i).unwrap();
    assert_eq!(p.deals, 10);
    // Stage 1 needs ceil(10 / 1/32) = 320 over the year, five months ahead.
    let stage1: i64 = p
        .months
        .iter()
        .map(|m| m.entries.iter().find(|e| e.0 == 1).unwrap().1)
        .sum();
    assert_eq!(stage1 + p.shortfall[0].1, 320);
    // Bids (stage 3, ceil(10 / 1/8) = 80) three months ahead.
    let bids: i64 = p.months.iter().map(|m| m.bids).sum();
    assert_eq!(bids + p.shortfall[2].1, 80);
}

#[test]
fn overload_is_flagged_by_month() {
    let mut i = article();
    i.visits_per_week = 1;
    let p = phase(&i).unwrap();
    // 1 visit a week × 21 days / 5 = 4 visits; 22 are needed.
    assert_eq!(p.months[0].capacity, 4);
    assert!(p.months[0].overloaded);
}

#[test]
fn a_months_count_is_split_into_weeks_by_working_days() {
    use salesplan::domain::period::{FiscalYear, WorkCalendar};
    use salesplan::domain::phasing::weeks_of_month;
    let fy = FiscalYear::new(2026, 1).unwrap();
    let calendar = WorkCalendar::new();
    // January 2026 starts on a Thursday: 2 working days in the first week, then four weeks of
    // 5 (the 31st is a Saturday). 10 leads by largest remainder: 10 × 2/22 = 0.91 → 1 and
    // 10 × 5/22 = 2.27 → 2, the last lead to the first full week (ties in order).
    let weeks = weeks_of_month(10, &fy, &calendar, 1);
    let days: Vec<u32> = weeks.iter().map(|w| w.working_days).collect();
    assert_eq!(days, vec![2, 5, 5, 5, 5]);
    let counts: Vec<i64> = weeks.iter().map(|w| w.count).collect();
    assert_eq!(counts, vec![1, 3, 2, 2, 2]);
    // Within a week, over its working days, earlier days first.
    assert_eq!(weeks[0].days, vec![1, 0]);
    assert_eq!(weeks[1].days, vec![1, 1, 1, 0, 0]);
    assert_eq!(counts.iter().sum::<i64>(), 10);
    // A holiday week gets less.
    let mut calendar = WorkCalendar::new();
    calendar
        .add_holiday_range(
            salesplan::domain::period::parse_date("2026-01-05").unwrap(),
            salesplan::domain::period::parse_date("2026-01-09").unwrap(),
        )
        .unwrap();
    let weeks = weeks_of_month(17, &fy, &calendar, 1);
    assert_eq!(weeks[1].working_days, 0);
    assert_eq!(weeks[1].count, 0);
    assert_eq!(weeks.iter().map(|w| w.count).sum::<i64>(), 17);
    assert!(
        weeks_of_month(0, &fy, &calendar, 1)
            .iter()
            .all(|w| w.count == 0)
    );
}

#[test]
fn measured_stage_durations_set_the_offsets() {
    let model = FunnelModel::from_rates(&[Ratio::percent(50); 5], Source::Entered).unwrap();
    let days = |d: &[i128]| -> Vec<(u8, Ratio)> {
        d.iter()
            .enumerate()
            .map(|(i, &x)| (i as u8 + 1, Ratio::from_integer(x)))
            .collect()
    };
    // 30 + 30 + 61 + 30 + 0 days from stage 1 to the close: 151 days ≈ 4.96 months → 5.
    let measured = days(&[30, 30, 61, 30, 0]);
    assert_eq!(
        offsets_from_durations(&model, &measured),
        Some(vec![(1, 5), (2, 4), (3, 3), (4, 1), (5, 0), (6, 0)])
    );
    // A stage without a measurement: no offsets from durations (the cycle is shared instead).
    assert_eq!(
        offsets_from_durations(&model, &days(&[30, 30, 61, 30])),
        None
    );
    let mut i = article();
    i.model = model;
    i.cycle_days = Ratio::from_integer(150);
    i.stage_days = measured;
    let p = phase(&i).unwrap();
    assert_eq!(p.offsets[0], (1, 5));
    assert_eq!(p.offsets[3], (4, 1));
}
