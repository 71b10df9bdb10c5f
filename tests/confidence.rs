//! The confidence simulation: reproducible by seed, close to its exact mean, and, for the
//! article's person, close to the binomial answers worked out exactly.

use salesplan::domain::confidence::{Rng, SimInputs, analytic_mean, simulate};
use salesplan::domain::money::Money;
use salesplan::domain::person_funnel::{FunnelModel, OpenDeal, Source};
use salesplan::domain::ratio::Ratio;

const WAN: i64 = 1_000_000;

fn wan(n: i64) -> Money {
    Money::from_fen(n * WAN)
}

/// The article's person: 1,000万 committed, 100 leads at a 10% win rate, 100万 a deal.
fn article() -> SimInputs {
    SimInputs {
        committed: wan(1_000),
        contracted: Money::ZERO,
        leads: 100,
        model: FunnelModel::single(6, Ratio::percent(10), Source::Plan).unwrap(),
        deal_size: wan(100),
        history: Vec::new(),
        open: Vec::new(),
        runs: 10_000,
        seed: 7,
    }
}

#[test]
fn the_same_seed_gives_the_same_result() {
    let a = simulate(&article());
    let b = simulate(&article());
    assert_eq!(a, b);
    let other = simulate(&SimInputs {
        seed: 8,
        ..article()
    });
    assert_ne!(a.chance, other.chance);
}

#[test]
fn the_articles_person_matches_the_binomial_distribution() {
    let c = simulate(&article());
    // Wins ~ Binomial(100, 10%): P(≥ 10 wins) = 0.54871 exactly (to 5 places).
    let chance = c.chance.to_f64();
    assert!((chance - 0.548_71).abs() < 0.015, "{chance}");
    // The exact mean is 10 deals × 100万.
    assert_eq!(c.analytic_mean, wan(1_000));
    let mean = c.mean.fen() as f64;
    assert!((mean / (1_000 * WAN) as f64 - 1.0).abs() < 0.01, "{mean}");
    // Binomial quantiles: P10 = 6, P50 = 10, P90 = 14 deals.
    assert_eq!((c.p10, c.p50, c.p90), (wan(600), wan(1_000), wan(1_400)));
    // Exactly, 124 leads give 80.48% and 123 give 79.68%: the search lands next to it.
    let needed = c.leads_for_80.unwrap();
    assert!((120..=128).contains(&needed), "{needed}");
    assert_eq!(c.runs, 10_000);
}

#[test]
fn open_deals_close_with_their_stage_chance_and_history_spreads_the_values() {
    let mut i = article();
    i.leads = 50;
    // Stage rates 50% each: a deal at stage 4 of 6 wins with 25%.
    i.model = FunnelModel::from_rates(&[Ratio::percent(50); 5], Source::Entered).unwrap();
    i.open = vec![
        OpenDeal {
            stage: 4,
            value: wan(400),
            close_month: 3,
        },
        OpenDeal {
            stage: 5,
            value: wan(200),
            close_month: 5,
        },
    ];
    i.contracted = wan(100);
    i.history = vec![wan(50), wan(150), wan(100)];
    // 100万 + 400万 × 25% + 200万 × 50% + 50 × 1/32 × 100万 = 456.25万.
    assert_eq!(analytic_mean(&i), Money::from_fen(456_250_000));
    let c = simulate(&i);
    let mean = c.mean.fen() as f64;
    assert!((mean / 456_250_000.0 - 1.0).abs() < 0.02, "{mean}");
    // Never below what is signed.
    assert!(c.p10 >= wan(100));
}

#[test]
fn chances_are_exact_fractions() {
    let mut rng = Rng::new(1);
    let third = Ratio::new(1, 3).unwrap();
    let n = 300_000;
    let hits = (0..n).filter(|_| rng.chance(third)).count();
    assert!((hits as f64 / n as f64 - 1.0 / 3.0).abs() < 0.005, "{hits}");
    assert!((0..1000).all(|_| rng.chance(Ratio::ONE)));
    assert!((0..1000).all(|_| !rng.chance(Ratio::ZERO)));
    // Uniform draws stay in range.
    assert!((0..1000).all(|_| rng.below(7) < 7));
}

#[test]
fn a_target_already_signed_is_certain() {
    let mut i = article();
    i.contracted = wan(1_000);
    let c = simulate(&i);
    assert_eq!(c.chance, Ratio::ONE);
    assert_eq!(c.leads_for_80, Some(0));
}

#[test]
fn many_people_at_once_give_what_one_by_one_gives_in_order() {
    use salesplan::domain::confidence::simulate_all;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let sims: Vec<(u32, SimInputs)> = (0..6u32)
        .map(|k| {
            (
                k,
                SimInputs {
                    seed: u64::from(k) + 1,
                    leads: 60 + i64::from(k) * 10,
                    runs: 2_000,
                    ..article()
                },
            )
        })
        .collect();
    let done = AtomicUsize::new(0);
    let all = simulate_all(&sims, &AtomicBool::new(false), &|n| {
        done.fetch_max(n, Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(done.load(Ordering::Relaxed), 6);
    assert_eq!(all.len(), 6);
    for ((id, c), (k, inputs)) in all.iter().zip(&sims) {
        assert_eq!(id, k);
        assert_eq!(c, &simulate(inputs));
    }
    // Cancelled before it starts: nothing.
    assert!(simulate_all(&sims, &AtomicBool::new(true), &|_| {}).is_none());
}

/// The lead count for 80% is the fewest leads whose own simulation reaches 80% (each run draws
/// the same leads however many are simulated, so one pass finds it).
fn assert_fewest_reaching_80(i: &SimInputs) -> i64 {
    let needed = simulate(i).leads_for_80.expect("reachable");
    let at = |leads: i64| simulate(&SimInputs { leads, ..i.clone() }).chance;
    let eighty = Ratio::percent(80);
    assert!(at(needed) >= eighty, "{needed} leads: {:?}", at(needed));
    if needed > 0 {
        assert!(
            at(needed - 1) < eighty,
            "{} leads reach 80% too",
            needed - 1
        );
    }
    needed
}

#[test]
fn the_leads_for_80_percent_are_the_fewest_that_reach_it() {
    assert_fewest_reaching_80(&article());
    // Far more leads than planned: found in rounds beyond the planned count.
    let far = SimInputs {
        committed: wan(100),
        leads: 10,
        model: FunnelModel::single(6, Ratio::percent(1), Source::Plan).unwrap(),
        deal_size: wan(1),
        history: vec![
            wan(1),
            Money::from_fen(WAN / 2),
            Money::from_fen(WAN * 3 / 2),
        ],
        runs: 1_000,
        ..article()
    };
    let needed = assert_fewest_reaching_80(&far);
    // About 100 wins at 1%: roughly 10,000 leads.
    assert!((9_000..=12_000).contains(&needed), "{needed}");
}

#[test]
fn beyond_a_million_leads_there_is_no_lead_count() {
    let hopeless = SimInputs {
        // A million wins of 100万 at 10%: ten million leads.
        committed: wan(100_000_000),
        leads: 10,
        runs: 10,
        ..article()
    };
    assert_eq!(simulate(&hopeless).leads_for_80, None);
}
