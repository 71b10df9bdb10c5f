//! Target derivation: the article's worked examples with exact values, every error, the
//! translations of its texts, and properties over arbitrary inputs.

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use salesplan::domain::derivation::*;
use salesplan::domain::money::Money;
use salesplan::domain::ratio::Ratio;
use salesplan::i18n::{self, Lang, Localized};

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn pct(p: i64) -> Ratio {
    Ratio::percent(p)
}

fn ratio(num: i128, den: i128) -> Ratio {
    Ratio::new(num, den).unwrap()
}

/// The article: a 5亿 market growing 15%, our share from 10% to 20% in 5 years.
fn article_strategy() -> StrategyInputs {
    StrategyInputs {
        market_size: money("5亿"),
        market_growth: pct(15),
        current_share: pct(10),
        share_goal: pct(20),
        years: 5,
        path: SharePath::Linear,
    }
}

/// 3,200万, 3,800万, 4,400万 in 2023–2025.
fn article_history(method: HistoryMethod) -> HistoryInputs {
    HistoryInputs {
        years: vec![
            (2023, money("3200万")),
            (2024, money("3800万")),
            (2025, money("4400万")),
        ],
        method,
    }
}

fn competitor(name: &str, share: Ratio, adjustment: Ratio) -> Competitor {
    Competitor {
        name: name.to_owned(),
        share,
        strengths: "brand".to_owned(),
        weaknesses: "service".to_owned(),
        moves: "price cuts".to_owned(),
        adjustment,
        reason: "price war".to_owned(),
    }
}

fn cycle(phase: EconomicPhase, sensitivity: Ratio) -> CycleInputs {
    CycleInputs {
        phase,
        sensitivity,
        ..CycleInputs::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Strategy

#[test]
fn article_strategy_gives_6900_wan_exactly() {
    let s = strategy_step(&article_strategy()).unwrap();
    assert_eq!(s.next_share, pct(12));
    assert_eq!(s.next_market, money("5.75亿"));
    assert_eq!(s.target, money("6900万"));
    assert_eq!(s.target, Money::from_fen(6_900_000_000));
}

#[test]
fn geometric_share_is_rounded_to_a_millionth() {
    let mut i = article_strategy();
    i.path = SharePath::Geometric;
    let s = strategy_step(&i).unwrap();
    // 10% · 2^(1/5) = 0.11486983… → 0.114870.
    assert_eq!(s.next_share, ratio(114_870, 1_000_000));
    assert_eq!(s.next_share.format_percent(4), "11.487%");
    // 5.75亿 × 0.11487 = 6,605.025万, exact.
    assert_eq!(s.target, money("6605.025万"));
}

#[test]
fn geometric_share_is_exact_when_the_root_is_rational() {
    let mut i = article_strategy();
    i.path = SharePath::Geometric;
    i.years = 1;
    i.share_goal = ratio(1, 3);
    assert_eq!(strategy_step(&i).unwrap().next_share, ratio(1, 3));
    i.years = 4;
    i.current_share = ratio(1, 3);
    assert_eq!(strategy_step(&i).unwrap().next_share, ratio(1, 3));
}

#[test]
fn shrinking_share_goal_and_market_are_allowed() {
    let i = StrategyInputs {
        market_size: money("1亿"),
        market_growth: pct(-100),
        current_share: pct(30),
        share_goal: pct(10),
        years: 4,
        path: SharePath::Linear,
    };
    let s = strategy_step(&i).unwrap();
    assert_eq!(s.next_share, pct(25));
    assert_eq!(s.next_market, Money::ZERO);
    assert_eq!(s.target, Money::ZERO);
}

// ---------------------------------------------------------------------------------------------
// History

#[test]
fn article_history_growth_cagr_and_trend_are_exact() {
    let h = history_step(&article_history(HistoryMethod::Trend)).unwrap();
    assert_eq!(
        h.growth,
        vec![
            (2023, None),
            (2024, Some(ratio(3, 16))),
            (2025, Some(ratio(3, 19)))
        ]
    );
    assert_eq!(h.growth[1].1.unwrap().format_percent(2), "18.75%");
    // (4400 / 3200)^(1/2) − 1 = 0.17260393… → 0.172604.
    assert_eq!(h.cagr, Some(ratio(172_604, 1_000_000)));
    // 600万 a year, in fen.
    assert_eq!(h.trend_slope, Some(Ratio::from_integer(600_000_000)));
    // The line passes through (2024, 3,800万): 3,800万 − 2024 × 600万 = −121,060万.
    assert_eq!(
        h.trend_intercept,
        Some(Ratio::from_integer(-1_210_600_000_000))
    );
    let at_2026 = h
        .trend_intercept
        .unwrap()
        .checked_add(
            h.trend_slope
                .unwrap()
                .checked_mul(Ratio::from_integer(2026))
                .unwrap(),
        )
        .unwrap();
    assert_eq!(at_2026, Ratio::from_integer(5_000_000_000));
    assert_eq!(h.trend_next, Some(money("5000万")));
    assert_eq!(h.target, money("5000万"));
}

#[test]
fn cagr_target_is_last_year_times_one_plus_cagr() {
    let h = history_step(&article_history(HistoryMethod::Cagr)).unwrap();
    // 4,400万 × 1.172604 = 5,159.4576万 = 5,159,457,600 fen, exact.
    assert_eq!(h.target, Money::from_fen(5_159_457_600));
    assert_eq!(h.target, money("5159.4576万"));
}

#[test]
fn last_growth_target_is_rounded_to_the_fen() {
    let h = history_step(&article_history(HistoryMethod::LastGrowth)).unwrap();
    // 4,400万 × (1 + 3/19) = 4,400,000,000 × 22 / 19 fen = 5,094,736,842.105… → …842.
    assert_eq!(h.target, Money::from_fen(5_094_736_842));
}

#[test]
fn history_in_any_order_with_a_gap_uses_the_year_numbers() {
    let h = history_step(&HistoryInputs {
        years: vec![(2025, money("300万")), (2021, money("100万"))],
        method: HistoryMethod::Cagr,
    })
    .unwrap();
    assert_eq!(h.growth, vec![(2021, None), (2025, None)]);
    // 3^(1/4) − 1 = 0.31607401… → 0.316074.
    assert_eq!(h.cagr, Some(ratio(316_074, 1_000_000)));
    // 50万 a year; 2026 is 350万.
    assert_eq!(h.trend_slope, Some(Ratio::from_integer(50_000_000)));
    assert_eq!(h.trend_next, Some(money("350万")));
    // 300万 × 1.316074 = 394.8222万.
    assert_eq!(h.target, money("394.8222万"));
}

#[test]
fn cagr_of_a_decline_is_negative_and_reaches_minus_100_percent() {
    let h = history_step(&HistoryInputs {
        years: vec![(2023, money("100万")), (2025, money("81万"))],
        method: HistoryMethod::Cagr,
    })
    .unwrap();
    // 0.81^(1/2) − 1 = −10%.
    assert_eq!(h.cagr, Some(pct(-10)));
    assert_eq!(h.target, money("72.9万"));
    let h = history_step(&HistoryInputs {
        years: vec![(2024, money("100万")), (2025, Money::ZERO)],
        method: HistoryMethod::Cagr,
    })
    .unwrap();
    assert_eq!(h.cagr, Some(pct(-100)));
    assert_eq!(h.target, Money::ZERO);
}

#[test]
fn growth_from_a_year_without_sales_is_none() {
    let h = history_step(&HistoryInputs {
        years: vec![
            (2023, Money::ZERO),
            (2024, money("100万")),
            (2025, money("150万")),
        ],
        method: HistoryMethod::LastGrowth,
    })
    .unwrap();
    assert_eq!(
        h.growth,
        vec![(2023, None), (2024, None), (2025, Some(pct(50)))]
    );
    assert_eq!(h.cagr, None);
    assert_eq!(h.target, money("225万"));
}

#[test]
fn trend_with_an_uneven_fit_is_exact_and_rounded_once() {
    // Fen 0, 1, 3: slope 3/2, value at the middle year 4/3, next = 4/3 + 2 · 3/2 = 13/3 → 4.
    let h = history_step(&HistoryInputs {
        years: vec![
            (2023, Money::from_fen(0)),
            (2024, Money::from_fen(1)),
            (2025, Money::from_fen(3)),
        ],
        method: HistoryMethod::Trend,
    })
    .unwrap();
    assert_eq!(h.trend_slope, Some(ratio(3, 2)));
    // 4/3 − 2024 · 3/2 = 4/3 − 3036 = −9104/3.
    assert_eq!(h.trend_intercept, Some(ratio(-9104, 3)));
    assert_eq!(h.trend_next, Some(Money::from_fen(4)));
}

// ---------------------------------------------------------------------------------------------
// Cycles and life cycle

#[test]
fn cycle_factors_are_exact() {
    assert_eq!(
        cycle_factor(&cycle(EconomicPhase::Expansion, pct(50))).unwrap(),
        ratio(105, 100)
    );
    assert_eq!(
        cycle_factor(&cycle(EconomicPhase::Contraction, pct(50))).unwrap(),
        ratio(90, 100)
    );
    assert_eq!(
        cycle_factor(&cycle(EconomicPhase::Trough, Ratio::ONE)).unwrap(),
        pct(90)
    );
    assert_eq!(
        cycle_factor(&cycle(EconomicPhase::Peak, Ratio::ONE)).unwrap(),
        Ratio::ONE
    );
    assert_eq!(cycle_factor(&CycleInputs::default()).unwrap(), Ratio::ONE);
}

#[test]
fn cycle_effects_are_editable() {
    let mut c = cycle(EconomicPhase::Expansion, pct(50));
    c.effects[EconomicPhase::Expansion.index()] = pct(30);
    assert_eq!(cycle_factor(&c).unwrap(), pct(115));
    c.effects[EconomicPhase::Expansion.index()] = pct(-100);
    c.sensitivity = Ratio::ONE;
    assert_eq!(cycle_factor(&c).unwrap(), Ratio::ZERO);
}

#[test]
fn default_effects_are_the_documented_ones() {
    assert_eq!(
        default_effects(),
        [pct(10), Ratio::ZERO, pct(-20), pct(-10)]
    );
    let c = CycleInputs::default();
    assert_eq!(c.phase, EconomicPhase::Peak);
    assert_eq!(c.sensitivity, Ratio::ZERO);
    for (i, phase) in EconomicPhase::ALL.into_iter().enumerate() {
        assert_eq!(phase.index(), i);
    }
}

#[test]
fn life_cycle_stages_carry_their_emphasis() {
    let labels: BTreeSet<_> = LifeCycle::ALL.iter().map(|l| l.label_key()).collect();
    let emphases: BTreeSet<_> = LifeCycle::ALL.iter().map(|l| l.emphasis_key()).collect();
    assert_eq!(labels.len(), 4);
    assert_eq!(emphases.len(), 4);
    assert!(LifeCycle::Introduction.judged_on_share());
    assert!(LifeCycle::Growth.judged_on_share());
    assert!(!LifeCycle::Maturity.judged_on_share());
    assert!(!LifeCycle::Decline.judged_on_share());
}

#[test]
fn enum_codes_round_trip() {
    for v in SharePath::ALL {
        assert_eq!(SharePath::from_code(v.code()), Some(v));
    }
    for v in HistoryMethod::ALL {
        assert_eq!(HistoryMethod::from_code(v.code()), Some(v));
    }
    for v in EconomicPhase::ALL {
        assert_eq!(EconomicPhase::from_code(v.code()), Some(v));
    }
    for v in LifeCycle::ALL {
        assert_eq!(LifeCycle::from_code(v.code()), Some(v));
    }
    assert_eq!(LifeCycle::Maturity.code(), "maturity");
    assert_eq!(HistoryMethod::LastGrowth.code(), "last_growth");
    assert_eq!(LifeCycle::from_code(""), None);
    assert_eq!(EconomicPhase::from_code("Peak"), None);
}

// ---------------------------------------------------------------------------------------------
// Competitors

#[test]
fn competitor_checks_total_relative_share_and_adjustment() {
    let cs = [
        competitor("Alpha", pct(30), pct(-3)),
        competitor("Beta", pct(25), pct(1)),
    ];
    let c = competitor_checks(Some(pct(12)), &cs).unwrap();
    assert_eq!(c.total_share, Some(pct(67)));
    assert!(!c.exceeds_market);
    assert_eq!(c.relative_share, Some(ratio(2, 5)));
    assert_eq!(c.adjustment, pct(-2));
    assert_eq!(c.largest.as_deref(), Some("Alpha"));
}

#[test]
fn competitor_shares_over_the_whole_market_are_flagged() {
    let cs = [
        competitor("Alpha", pct(50), Ratio::ZERO),
        competitor("Beta", pct(45), Ratio::ZERO),
    ];
    let c = competitor_checks(Some(pct(12)), &cs).unwrap();
    assert_eq!(c.total_share, Some(pct(107)));
    assert!(c.exceeds_market);
    // Exactly 100% is not over.
    let c = competitor_checks(Some(pct(5)), &cs).unwrap();
    assert_eq!(c.total_share, Some(Ratio::ONE));
    assert!(!c.exceeds_market);
}

#[test]
fn competitor_checks_without_our_share_or_competitors() {
    let c = competitor_checks(None, &[]).unwrap();
    assert_eq!(c.total_share, None);
    assert!(!c.exceeds_market);
    assert_eq!(c.relative_share, None);
    assert_eq!(c.adjustment, Ratio::ZERO);
    assert_eq!(c.largest, None);

    let c = competitor_checks(Some(pct(12)), &[]).unwrap();
    assert_eq!(c.total_share, Some(pct(12)));
    assert_eq!(c.relative_share, None);

    let cs = [competitor("Zero", Ratio::ZERO, Ratio::ZERO)];
    let c = competitor_checks(Some(pct(12)), &cs).unwrap();
    assert_eq!(c.relative_share, None);
    assert_eq!(c.largest.as_deref(), Some("Zero"));

    let cs = [
        competitor("A", pct(20), Ratio::ZERO),
        competitor("B", pct(20), Ratio::ZERO),
    ];
    let c = competitor_checks(None, &cs).unwrap();
    assert_eq!(c.total_share, Some(pct(40)));
    assert_eq!(c.relative_share, None);
    assert_eq!(c.largest.as_deref(), Some("A"), "the first of equals");
}

// ---------------------------------------------------------------------------------------------
// Blend, override, stretch, bridge

fn both(alpha: Ratio) -> DerivationInputs {
    DerivationInputs {
        strategy: Some(article_strategy()),
        history: Some(article_history(HistoryMethod::Trend)),
        alpha,
        ..DerivationInputs::default()
    }
}

#[test]
fn defaults_are_neutral() {
    let d = DerivationInputs::default();
    assert_eq!(d.alpha, ratio(1, 2));
    assert_eq!(d.stretch_buffer, pct(10));
    assert_eq!(default_stretch_buffer(), pct(10));
    assert_eq!(d.cycle, CycleInputs::default());
    assert!(d.competitors.is_empty() && d.override_target.is_none());
}

#[test]
fn alpha_one_with_a_neutral_cycle_gives_the_strategy_target() {
    let d = derive(&both(Ratio::ONE)).unwrap();
    assert_eq!(d.cycle_factor, Ratio::ONE);
    assert_eq!(d.blended, money("6900万"));
    assert_eq!(d.proposal, money("6900万"));
    assert_eq!(d.committed, money("6900万"));
    assert_eq!(d.stretch, money("7590万"));
    // α = 0 gives the history target.
    assert_eq!(
        derive(&both(Ratio::ZERO)).unwrap().proposal,
        money("5000万")
    );
}

#[test]
fn blend_of_strategy_and_trend_with_cycle_and_price_war() {
    let mut i = both(ratio(1, 2));
    i.cycle = cycle(EconomicPhase::Expansion, pct(50));
    i.competitors = vec![competitor("Alpha", pct(30), pct(-3))];
    let d = derive(&i).unwrap();
    // (1/2 · 6,900万 + 1/2 · 5,000万) = 5,950万; × 1.05 = 6,247.5万; × 0.97 = 6,060.075万
    // = 6,060,075,000 fen, exact.
    assert_eq!(d.blended, money("5950万"));
    assert_eq!(d.after_cycle, money("6247.5万"));
    assert_eq!(d.cycle_factor, ratio(21, 20));
    assert_eq!(d.competitors.adjustment, pct(-3));
    assert_eq!(d.competitors.relative_share, Some(ratio(2, 5)));
    assert_eq!(d.proposal, Money::from_fen(6_060_075_000));
    assert_eq!(d.committed, d.proposal);
    // × 1.1 = 6,666.0825万.
    assert_eq!(d.stretch, Money::from_fen(6_666_082_500));

    let keys: Vec<_> = d.bridge.iter().map(|b| b.key).collect();
    assert_eq!(
        keys,
        [
            BRIDGE_STRATEGY,
            BRIDGE_HISTORY,
            BRIDGE_BLENDED,
            BRIDGE_AFTER_CYCLE,
            BRIDGE_AFTER_COMPETITORS,
            BRIDGE_COMMITTED,
            BRIDGE_STRETCH
        ]
    );
    let values: Vec<_> = d.bridge.iter().map(|b| b.value.fen()).collect();
    assert_eq!(
        values,
        [
            6_900_000_000,
            5_000_000_000,
            5_950_000_000,
            6_247_500_000,
            6_060_075_000,
            6_060_075_000,
            6_666_082_500
        ]
    );
    let changes: Vec<_> = d.bridge.iter().map(|b| b.change.fen()).collect();
    assert_eq!(
        changes,
        [
            6_900_000_000,
            -1_900_000_000,
            950_000_000,
            297_500_000,
            -187_425_000,
            0,
            606_007_500
        ]
    );
}

#[test]
fn proposal_is_rounded_once_from_the_exact_chain() {
    // A 1-fen history target, × 1.05, × 1.45: the chain is 1.5225 fen → 2, while the rounded
    // after-cycle value (1 fen) × 1.45 would round to 1.
    let i = DerivationInputs {
        history: Some(HistoryInputs {
            years: vec![(2024, Money::from_fen(1)), (2025, Money::from_fen(1))],
            method: HistoryMethod::LastGrowth,
        }),
        cycle: cycle(EconomicPhase::Expansion, pct(50)),
        competitors: vec![competitor("Up", pct(10), pct(45))],
        ..DerivationInputs::default()
    };
    let d = derive(&i).unwrap();
    assert_eq!(d.blended, Money::from_fen(1));
    assert_eq!(d.after_cycle, Money::from_fen(1));
    assert_eq!(d.proposal, Money::from_fen(2));
}

#[test]
fn a_single_source_is_used_alone() {
    let i = DerivationInputs {
        history: Some(article_history(HistoryMethod::Cagr)),
        alpha: pct(90),
        ..DerivationInputs::default()
    };
    let d = derive(&i).unwrap();
    assert_eq!(d.strategy, None);
    assert_eq!(d.proposal, money("5159.4576万"));
    let keys: Vec<_> = d.bridge.iter().map(|b| b.key).collect();
    assert_eq!(
        keys,
        [
            BRIDGE_HISTORY,
            BRIDGE_AFTER_CYCLE,
            BRIDGE_AFTER_COMPETITORS,
            BRIDGE_COMMITTED,
            BRIDGE_STRETCH
        ]
    );

    let i = DerivationInputs {
        strategy: Some(article_strategy()),
        alpha: Ratio::ZERO,
        ..DerivationInputs::default()
    };
    let d = derive(&i).unwrap();
    assert_eq!(d.history, None);
    assert_eq!(d.proposal, money("6900万"));
    assert_eq!(d.competitors.total_share, Some(pct(12)));
}

#[test]
fn override_with_a_reason_becomes_the_committed_target() {
    let mut i = both(ratio(1, 2));
    i.override_target = Some(Override {
        target: money("6000万"),
        reason: "Board decision".to_owned(),
    });
    let d = derive(&i).unwrap();
    assert_eq!(d.proposal, money("5950万"));
    assert_eq!(d.committed, money("6000万"));
    assert_eq!(d.stretch, money("6600万"));
    let bars: Vec<_> = d
        .bridge
        .iter()
        .map(|b| (b.key, b.value, b.change))
        .collect();
    assert_eq!(
        &bars[4..],
        [
            (BRIDGE_AFTER_COMPETITORS, money("5950万"), Money::ZERO),
            (BRIDGE_OVERRIDE, money("6000万"), money("50万")),
            (BRIDGE_COMMITTED, money("6000万"), Money::ZERO),
            (BRIDGE_STRETCH, money("6600万"), money("600万")),
        ]
    );
}

#[test]
fn stretch_adds_the_buffer() {
    assert_eq!(stretch(money("5000万"), pct(10)).unwrap(), money("5500万"));
    assert_eq!(
        stretch(money("5000万"), Ratio::ZERO).unwrap(),
        money("5000万")
    );
    // 0.05元 × 1.1 = 5.5 fen → 6 (half away from zero).
    assert_eq!(
        stretch(Money::from_fen(5), pct(10)).unwrap(),
        Money::from_fen(6)
    );
}

// ---------------------------------------------------------------------------------------------
// Errors

fn strategy_err(edit: impl FnOnce(&mut StrategyInputs)) -> DerivationError {
    let mut i = article_strategy();
    edit(&mut i);
    strategy_step(&i).unwrap_err()
}

fn history_err(years: &[(i32, i64)], method: HistoryMethod) -> DerivationError {
    history_step(&HistoryInputs {
        years: years
            .iter()
            .map(|&(y, f)| (y, Money::from_fen(f)))
            .collect(),
        method,
    })
    .unwrap_err()
}

fn derive_err(edit: impl FnOnce(&mut DerivationInputs)) -> DerivationError {
    let mut i = both(ratio(1, 2));
    edit(&mut i);
    derive(&i).unwrap_err()
}

/// One of every error, with the inputs that cause it.
fn every_error() -> Vec<DerivationError> {
    use DerivationError as E;
    let mut out = Vec::new();

    let e = strategy_err(|i| i.market_size = Money::from_fen(-1));
    assert_eq!(
        e,
        E::NegativeMarketSize {
            value: Money::from_fen(-1)
        }
    );
    out.push(e);

    let e = strategy_err(|i| i.market_growth = pct(-101));
    assert_eq!(e, E::GrowthBelowMinus100 { value: pct(-101) });
    out.push(e);

    let e = strategy_err(|i| i.current_share = pct(101));
    assert_eq!(
        e,
        E::ShareOutOfRange {
            which: ShareField::Current,
            value: pct(101)
        }
    );
    out.push(e);

    let e = strategy_err(|i| i.share_goal = pct(-1));
    assert_eq!(
        e,
        E::ShareOutOfRange {
            which: ShareField::Goal,
            value: pct(-1)
        }
    );
    out.push(e);

    let e = competitor_checks(Some(pct(150)), &[]).unwrap_err();
    assert_eq!(
        e,
        E::ShareOutOfRange {
            which: ShareField::Next,
            value: pct(150)
        }
    );
    out.push(e);

    let e = strategy_err(|i| i.years = 0);
    assert_eq!(e, E::ZeroYears);
    out.push(e);

    let e = strategy_err(|i| {
        i.path = SharePath::Geometric;
        i.current_share = Ratio::ZERO;
    });
    assert_eq!(e, E::GeometricFromZeroShare);
    out.push(e);

    assert_eq!(
        history_err(&[], HistoryMethod::Trend),
        E::TooFewHistoryYears { count: 0 }
    );
    let e = history_err(&[(2025, 100)], HistoryMethod::Trend);
    assert_eq!(e, E::TooFewHistoryYears { count: 1 });
    out.push(e);

    let e = history_err(
        &[(2025, 100), (2024, 100), (2025, 200)],
        HistoryMethod::Trend,
    );
    assert_eq!(e, E::DuplicateHistoryYear { year: 2025 });
    out.push(e);

    let e = history_err(&[(2024, 100), (2025, -5)], HistoryMethod::Trend);
    assert_eq!(
        e,
        E::NegativeHistoryAmount {
            year: 2025,
            value: Money::from_fen(-5)
        }
    );
    out.push(e);

    let e = history_err(&[(2024, 0), (2025, 100)], HistoryMethod::Cagr);
    assert_eq!(e, E::NoCagr { first_year: 2024 });
    out.push(e);

    let e = history_err(&[(2021, 100), (2023, 200)], HistoryMethod::LastGrowth);
    assert_eq!(e, E::NoLastGrowth { last_year: 2023 });
    out.push(e);
    assert_eq!(
        history_err(
            &[(2022, 100), (2023, 0), (2024, 200)],
            HistoryMethod::LastGrowth
        ),
        E::NoLastGrowth { last_year: 2024 }
    );

    // 100万 then 10万: the line falls 90万 a year, to −80万 in 2026.
    let e = history_err(
        &[(2024, 100_000_000), (2025, 10_000_000)],
        HistoryMethod::Trend,
    );
    assert_eq!(
        e,
        E::TrendBelowZero {
            value: money("-80万")
        }
    );
    out.push(e);

    let e = cycle_factor(&cycle(EconomicPhase::Peak, pct(101))).unwrap_err();
    assert_eq!(e, E::SensitivityOutOfRange { value: pct(101) });
    out.push(e);
    assert_eq!(
        cycle_factor(&cycle(EconomicPhase::Peak, pct(-1))).unwrap_err(),
        E::SensitivityOutOfRange { value: pct(-1) }
    );

    for phase in EconomicPhase::ALL {
        let mut c = CycleInputs::default();
        c.effects[phase.index()] = pct(-150);
        let e = cycle_factor(&c).unwrap_err();
        assert_eq!(
            e,
            E::EffectBelowMinus100 {
                phase,
                value: pct(-150)
            }
        );
        out.push(e);
    }

    let cs = [
        competitor("Alpha", pct(30), Ratio::ZERO),
        competitor("Beta", pct(120), Ratio::ZERO),
    ];
    let e = competitor_checks(Some(pct(12)), &cs).unwrap_err();
    assert_eq!(
        e,
        E::CompetitorShareOutOfRange {
            index: 1,
            name: "Beta".to_owned(),
            value: pct(120)
        }
    );
    out.push(e);
    let blank = [competitor(" ", pct(-1), Ratio::ZERO)];
    let e = competitor_checks(None, &blank).unwrap_err();
    assert!(e.message_args().contains(&("name", "#1".to_owned())));

    let cs = [
        competitor("Alpha", pct(30), pct(-60)),
        competitor("Beta", pct(20), pct(-50)),
    ];
    let e = competitor_checks(None, &cs).unwrap_err();
    assert_eq!(e, E::AdjustmentBelowMinus100 { total: pct(-110) });
    out.push(e);

    let e = derive_err(|i| i.alpha = pct(101));
    assert_eq!(e, E::AlphaOutOfRange { value: pct(101) });
    out.push(e);
    assert_eq!(
        derive_err(|i| i.alpha = pct(-1)),
        E::AlphaOutOfRange { value: pct(-1) }
    );

    let e = derive_err(|i| i.stretch_buffer = pct(-1));
    assert_eq!(e, E::NegativeBuffer { value: pct(-1) });
    assert_eq!(stretch(money("100万"), pct(-1)).unwrap_err(), e);
    out.push(e);

    let e = stretch(Money::from_fen(-1), pct(10)).unwrap_err();
    assert_eq!(
        e,
        E::NegativeCommitted {
            value: Money::from_fen(-1)
        }
    );
    out.push(e);

    let e = derive_err(|i| {
        i.override_target = Some(Override {
            target: money("6000万"),
            reason: " \t".to_owned(),
        })
    });
    assert_eq!(e, E::OverrideReasonBlank);
    out.push(e);

    let e = derive_err(|i| {
        i.override_target = Some(Override {
            target: money("-1万"),
            reason: "why".to_owned(),
        })
    });
    assert_eq!(
        e,
        E::NegativeOverride {
            value: money("-1万")
        }
    );
    out.push(e);

    let e = derive(&DerivationInputs::default()).unwrap_err();
    assert_eq!(e, E::NoSource);
    out.push(e);

    let e = strategy_err(|i| {
        i.market_size = Money::from_fen(i64::MAX);
        i.market_growth = Ratio::ONE;
    });
    assert_eq!(e, E::Overflow);
    out.push(e);
    assert_eq!(
        history_err(&[(2024, 1), (2025, i64::MAX)], HistoryMethod::LastGrowth),
        E::Overflow
    );
    assert_eq!(
        stretch(Money::from_fen(i64::MAX), pct(10)).unwrap_err(),
        E::Overflow
    );

    out
}

const VARIANTS: usize = 22;

/// The variant's number; the match has no wildcard, so a new variant must be added here (and to
/// `every_error`).
fn variant(e: &DerivationError) -> usize {
    use DerivationError as E;
    match e {
        E::NegativeMarketSize { .. } => 0,
        E::GrowthBelowMinus100 { .. } => 1,
        E::ShareOutOfRange { .. } => 2,
        E::ZeroYears => 3,
        E::GeometricFromZeroShare => 4,
        E::TooFewHistoryYears { .. } => 5,
        E::DuplicateHistoryYear { .. } => 6,
        E::NegativeHistoryAmount { .. } => 7,
        E::NoCagr { .. } => 8,
        E::NoLastGrowth { .. } => 9,
        E::TrendBelowZero { .. } => 10,
        E::SensitivityOutOfRange { .. } => 11,
        E::EffectBelowMinus100 { .. } => 12,
        E::CompetitorShareOutOfRange { .. } => 13,
        E::AdjustmentBelowMinus100 { .. } => 14,
        E::AlphaOutOfRange { .. } => 15,
        E::NegativeBuffer { .. } => 16,
        E::NegativeCommitted { .. } => 17,
        E::OverrideReasonBlank => 18,
        E::NegativeOverride { .. } => 19,
        E::NoSource => 20,
        E::Overflow => 21,
    }
}

#[test]
fn every_error_variant_is_reported() {
    let errors = every_error();
    // Each variant at least once (the effect error once per phase).
    let variants: BTreeSet<_> = errors.iter().map(variant).collect();
    assert_eq!(variants, (0..VARIANTS).collect());
    let keys: BTreeSet<_> = errors.iter().map(|e| e.message_key()).collect();
    assert_eq!(keys.len(), errors.len(), "each case has its own message");
}

#[test]
fn derive_reports_errors_of_each_step() {
    assert_eq!(
        derive_err(|i| i.strategy.as_mut().unwrap().years = 0),
        DerivationError::ZeroYears
    );
    assert_eq!(
        derive_err(|i| i.history.as_mut().unwrap().years.truncate(1)),
        DerivationError::TooFewHistoryYears { count: 1 }
    );
    assert_eq!(
        derive_err(|i| i.cycle.sensitivity = pct(200)),
        DerivationError::SensitivityOutOfRange { value: pct(200) }
    );
    assert_eq!(
        derive_err(|i| i.competitors = vec![competitor("Big", pct(101), Ratio::ZERO)]),
        DerivationError::CompetitorShareOutOfRange {
            index: 0,
            name: "Big".to_owned(),
            value: pct(101)
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Texts

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    out
}

fn tables() -> [(Lang, HashMap<&'static str, String>); 2] {
    // The app's own tables, as the module's texts live there.
    let [(_, zh), (_, en)] = i18n::tables();
    [(Lang::En, en.clone()), (Lang::Zh, zh.clone())]
}

#[test]
fn translations_hold_the_same_keys_and_every_key_used() {
    let [(_, en), (_, zh)] = tables();
    let mut used: BTreeSet<&str> = translation_keys().into_iter().collect();
    used.extend(every_error().iter().map(|e| e.message_key()));
    for key in used {
        assert!(
            en.contains_key(key) && zh.contains_key(key),
            "{key} is not translated"
        );
        assert_eq!(placeholders(&en[key]), placeholders(&zh[key]), "{key}");
        assert!(!en[key].is_empty() && !zh[key].is_empty(), "{key}");
        assert!(
            zh[key]
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{key} is not Chinese"
        );
    }
}

#[test]
fn error_messages_fill_every_placeholder() {
    for (lang, table) in tables() {
        for e in every_error() {
            let text = &table[e.message_key()];
            let args = e.message_args();
            let names: BTreeSet<String> = args.iter().map(|(n, _)| (*n).to_owned()).collect();
            assert_eq!(placeholders(text), names, "{:?} {lang:?}", e.message_key());
            let filled = i18n::fill(text, &args);
            assert!(!filled.contains('{'), "{filled}");
        }
    }
    let e = DerivationError::GrowthBelowMinus100 { value: pct(-120) };
    assert_eq!(e.message_args(), vec![("value", "-120%".to_owned())]);
    let e = DerivationError::NegativeHistoryAmount {
        year: 2024,
        value: Money::from_fen(-500),
    };
    assert_eq!(
        e.message_args(),
        vec![("year", "2024".to_owned()), ("value", "-5.00元".to_owned())]
    );
}

#[test]
fn errors_display_in_english_and_are_std_errors() {
    for e in every_error() {
        assert_eq!(e.to_string(), e.localize(Lang::En));
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(!boxed.to_string().is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn any_money() -> impl Strategy<Value = Money> {
    prop_oneof![
        (-1_000i64..1_000_000_000_000).prop_map(Money::from_fen),
        any::<i64>().prop_map(Money::from_fen),
    ]
}

fn any_ratio() -> impl Strategy<Value = Ratio> {
    prop_oneof![
        (-300i64..300).prop_map(Ratio::percent),
        (0i128..=1_000_000).prop_map(|n| Ratio::new(n, 1_000_000).unwrap()),
        (
            any::<i64>(),
            any::<i64>().prop_filter("non-zero", |d| *d != 0)
        )
            .prop_map(|(n, d)| Ratio::new(i128::from(n), i128::from(d)).unwrap()),
        (any::<i128>(), 1i128..i128::MAX).prop_filter_map("fits", |(n, d)| Ratio::new(n, d)),
    ]
}

/// A share in [0, 1].
fn unit_ratio() -> impl Strategy<Value = Ratio> {
    (1i128..=1_000_000_000_000)
        .prop_flat_map(|d| (0..=d, Just(d)))
        .prop_map(|(n, d)| Ratio::new(n, d).unwrap())
}

fn any_share() -> impl Strategy<Value = Ratio> {
    prop_oneof![3 => unit_ratio(), 1 => any_ratio()]
}

fn any_strategy() -> impl Strategy<Value = StrategyInputs> {
    (
        any_money(),
        any_ratio(),
        any_share(),
        any_share(),
        prop_oneof![0u32..30, any::<u32>()],
        prop_oneof![Just(SharePath::Linear), Just(SharePath::Geometric)],
    )
        .prop_map(
            |(market_size, market_growth, current_share, share_goal, years, path)| StrategyInputs {
                market_size,
                market_growth,
                current_share,
                share_goal,
                years,
                path,
            },
        )
}

fn any_history() -> impl Strategy<Value = HistoryInputs> {
    (
        prop::collection::vec(
            (prop_oneof![2015i32..2030, any::<i32>()], any_money()),
            0..7,
        ),
        prop_oneof![
            Just(HistoryMethod::Cagr),
            Just(HistoryMethod::Trend),
            Just(HistoryMethod::LastGrowth)
        ],
    )
        .prop_map(|(years, method)| HistoryInputs { years, method })
}

fn any_phase() -> impl Strategy<Value = EconomicPhase> {
    prop::sample::select(EconomicPhase::ALL.to_vec())
}

fn any_competitor() -> impl Strategy<Value = Competitor> {
    ("[a-zA-Z ]{0,8}", any_share(), any_ratio())
        .prop_map(|(name, share, adjustment)| competitor(&name, share, adjustment))
}

fn any_inputs() -> impl Strategy<Value = DerivationInputs> {
    (
        prop::option::of(any_strategy()),
        prop::option::of(any_history()),
        (any_phase(), any_share(), prop::array::uniform4(any_ratio())),
        prop::collection::vec(any_competitor(), 0..4),
        any_share(),
        prop::option::of((any_money(), "[a-z ]{0,5}")),
        prop_oneof![Just(pct(10)), any_ratio()],
    )
        .prop_map(
            |(strategy, history, (phase, sensitivity, effects), competitors, alpha, o, buffer)| {
                DerivationInputs {
                    strategy,
                    history,
                    cycle: CycleInputs {
                        phase,
                        sensitivity,
                        effects,
                    },
                    competitors,
                    alpha,
                    override_target: o.map(|(target, reason)| Override { target, reason }),
                    stretch_buffer: buffer,
                }
            },
        )
}

/// A share as typed: a decimal in [0, 1] with up to 6 decimals (0.0001%).
fn typed_share() -> impl Strategy<Value = Ratio> {
    (0u32..=6)
        .prop_flat_map(|k| {
            let den = 10i128.pow(k);
            (0..=den, Just(den))
        })
        .prop_map(|(n, d)| Ratio::new(n, d).unwrap())
}

/// Inputs a user could plausibly type: mostly valid, so the whole chain is exercised.
fn plausible_inputs() -> impl Strategy<Value = DerivationInputs> {
    let strategy = (
        0i64..10_000_000_000_000,
        -100i64..300,
        typed_share(),
        typed_share(),
        1u32..30,
        prop_oneof![Just(SharePath::Linear), Just(SharePath::Geometric)],
    )
        .prop_map(|(m, g, s0, sn, years, path)| StrategyInputs {
            market_size: Money::from_fen(m),
            market_growth: pct(g),
            current_share: if path == SharePath::Geometric && s0.is_zero() {
                pct(1)
            } else {
                s0
            },
            share_goal: sn,
            years,
            path,
        });
    let history = (
        prop::collection::btree_map(2000i32..2030, 0i64..1_000_000_000_000, 2..8),
        prop_oneof![
            Just(HistoryMethod::Cagr),
            Just(HistoryMethod::Trend),
            Just(HistoryMethod::LastGrowth)
        ],
    )
        .prop_map(|(years, method)| HistoryInputs {
            years: years
                .into_iter()
                .map(|(y, f)| (y, Money::from_fen(f)))
                .collect(),
            method,
        });
    let competitor = (0i64..40, -10i64..10).prop_map(|(s, a)| competitor("C", pct(s), pct(a)));
    (
        prop::option::of(strategy),
        prop::option::of(history),
        (
            any_phase(),
            typed_share(),
            prop::array::uniform4((-100i64..100).prop_map(pct)),
        ),
        prop::collection::vec(competitor, 0..4),
        typed_share(),
        prop::option::of((0i64..1_000_000_000_000, "[a-z]{1,5}")),
        (0i64..50).prop_map(pct),
    )
        .prop_map(
            |(strategy, history, (phase, sensitivity, effects), competitors, alpha, o, buffer)| {
                DerivationInputs {
                    strategy,
                    history,
                    cycle: CycleInputs {
                        phase,
                        sensitivity,
                        effects,
                    },
                    competitors,
                    alpha,
                    override_target: o.map(|(fen, reason)| Override {
                        target: Money::from_fen(fen),
                        reason,
                    }),
                    stretch_buffer: buffer,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn derive_never_panics(i in prop_oneof![any_inputs(), plausible_inputs()]) {
        if let Ok(d) = derive(&i) {
            prop_assert!(!d.proposal.is_negative());
            prop_assert!(d.stretch >= d.committed);
            let last = d.bridge.last().unwrap();
            prop_assert_eq!(last.key, BRIDGE_STRETCH);
            prop_assert_eq!(last.value, d.stretch);
            let total = d.bridge.iter().try_fold(Money::ZERO, |acc, b| acc.checked_add(b.change));
            prop_assert_eq!(total, Some(d.stretch));
            if i.override_target.is_none() {
                prop_assert_eq!(d.committed, d.proposal);
            }
        }
    }

    #[test]
    fn plausible_inputs_derive_a_target(i in plausible_inputs()) {
        match derive(&i) {
            Ok(d) => {
                prop_assert!(d.stretch >= d.committed);
                prop_assert!(!d.proposal.is_negative());
            }
            // A falling trend, or no growth to project from, is the only way these fail.
            Err(e) => prop_assert!(matches!(
                e,
                DerivationError::NoSource
                    | DerivationError::TrendBelowZero { .. }
                    | DerivationError::NoCagr { .. }
                    | DerivationError::NoLastGrowth { .. }
            ), "{e:?}"),
        }
    }

    #[test]
    fn steps_never_panic(s in any_strategy(), h in any_history(), our in prop::option::of(any_share()),
                         cs in prop::collection::vec(any_competitor(), 0..4),
                         committed in any_money(), buffer in any_ratio()) {
        let _ = strategy_step(&s);
        let _ = history_step(&h);
        let _ = competitor_checks(our, &cs);
        let _ = stretch(committed, buffer);
    }

    #[test]
    fn linear_next_share_lies_between_now_and_the_goal(
        s0 in unit_ratio(), sn in unit_ratio(), years in 1u32..100,
    ) {
        let i = StrategyInputs {
            market_size: money("5亿"),
            market_growth: pct(15),
            current_share: s0,
            share_goal: sn,
            years,
            path: SharePath::Linear,
        };
        let s1 = strategy_step(&i).unwrap().next_share;
        prop_assert!(s0.min(sn) <= s1 && s1 <= s0.max(sn));
        if years == 1 {
            prop_assert_eq!(s1, sn);
        }
    }

    #[test]
    fn geometric_next_share_lies_between_now_and_the_goal_to_a_millionth(
        s0 in unit_ratio(), sn in unit_ratio(), years in 1u32..100,
    ) {
        prop_assume!(s0.is_positive());
        let i = StrategyInputs {
            market_size: money("5亿"),
            market_growth: pct(15),
            current_share: s0,
            share_goal: sn,
            years,
            path: SharePath::Geometric,
        };
        let s1 = strategy_step(&i).unwrap().next_share;
        let half = ratio(1, 2_000_000);
        let low = s0.min(sn).checked_sub(half).unwrap();
        let high = s0.max(sn).checked_add(half).unwrap();
        prop_assert!(low <= s1 && s1 <= high, "{s0:?} {sn:?} {s1:?}");
    }

    #[test]
    fn stretch_is_at_least_committed(committed in any_money(), buffer in any_ratio()) {
        match stretch(committed, buffer) {
            Ok(s) => prop_assert!(s >= committed),
            Err(e) => prop_assert!(
                buffer.is_negative() || committed.is_negative() || e == DerivationError::Overflow
            ),
        }
    }

    #[test]
    fn stretch_never_fails_for_sensible_inputs(fen in 0i64..1_000_000_000_000_000, p in 0i64..1000) {
        let s = stretch(Money::from_fen(fen), pct(p)).unwrap();
        prop_assert!(s >= Money::from_fen(fen));
    }
}
