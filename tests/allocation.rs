//! Allocation: the worked examples, every error, and properties (exact sums, locks kept, no
//! negative parts, trees that add up level by level).

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use salesplan::domain::allocation::{
    AllocationError, AllocationMethod, AllocationPart, allocate, allocate_tree, check_percentages,
    monthly_by_percentages, monthly_by_weights,
};
use salesplan::domain::money::Money;
use salesplan::domain::ratio::Ratio;
use salesplan::domain::seasonality;
use salesplan::i18n::{Lang, Localized, tables};

fn wan(n: i64) -> Money {
    Money::from_wan(n).unwrap()
}

fn fen(n: i64) -> Money {
    Money::from_fen(n)
}

fn pct(text: &str) -> Ratio {
    Ratio::parse(text).unwrap()
}

fn ratio(n: i128, d: i128) -> Ratio {
    Ratio::new(n, d).unwrap()
}

fn part(key: &'static str) -> AllocationPart<&'static str> {
    AllocationPart::new(key)
}

fn weighted(key: &'static str, weight: Ratio) -> AllocationPart<&'static str> {
    AllocationPart {
        weight,
        ..part(key)
    }
}

fn amounts<K>(parts: &[(K, Money)]) -> Vec<Money> {
    parts.iter().map(|(_, m)| *m).collect()
}

// ---- The worked examples ----

#[test]
fn product_lines_40_30_30_of_50_million() {
    let parts = [
        weighted("A", pct("40%")),
        weighted("B", pct("30%")),
        weighted("C", pct("30%")),
    ];
    let a = allocate(wan(5_000), AllocationMethod::ManualWeights, &parts).unwrap();
    assert_eq!(
        a.parts,
        vec![("A", wan(2_000)), ("B", wan(1_500)), ("C", wan(1_500))]
    );
    assert_eq!(a.weights, vec![pct("40%"), pct("30%"), pct("30%")]);
    check_percentages(&a.weights).unwrap();
}

#[test]
fn even_over_five_people() {
    let parts: Vec<_> = ["张", "王", "李", "赵", "刘"].map(part).to_vec();
    let a = allocate(wan(5_000), AllocationMethod::Even, &parts).unwrap();
    assert_eq!(amounts(&a.parts), vec![wan(1_000); 5]);
    assert_eq!(a.weights, vec![ratio(1, 5); 5]);
}

#[test]
fn twelve_equal_months_give_eight_larger_then_four_smaller() {
    let months = monthly_by_weights(wan(5_000), &[1; 12]).unwrap();
    let mut expected = vec![fen(416_666_667); 8];
    expected.extend([fen(416_666_666); 4]);
    assert_eq!(months.to_vec(), expected);
    assert_eq!(months[0].to_string(), "4,166,666.67元");
    assert_eq!(months[11].to_string(), "4,166,666.66元");
    assert_eq!(months.iter().sum::<Money>(), wan(5_000));

    // The same through typed percentages (1/12 each) and through the Even method.
    let by_pct = monthly_by_percentages(wan(5_000), &[ratio(1, 12); 12]).unwrap();
    assert_eq!(by_pct, months);
    let parts: Vec<_> = (0..12).map(|_| part("m")).collect();
    let even = allocate(wan(5_000), AllocationMethod::Even, &parts).unwrap();
    assert_eq!(amounts(&even.parts), expected);
}

#[test]
fn last_year_share_3000_to_2000() {
    let parts = [
        AllocationPart {
            last_year: wan(3_000),
            ..part("East")
        },
        AllocationPart {
            last_year: wan(2_000),
            ..part("West")
        },
    ];
    let a = allocate(wan(5_000), AllocationMethod::LastYearShare, &parts).unwrap();
    assert_eq!(amounts(&a.parts), vec![wan(3_000), wan(2_000)]);
    assert_eq!(a.weights, vec![ratio(3, 5), ratio(2, 5)]);
}

#[test]
fn trailing_average_share_of_50_then_30_percent_is_40_percent() {
    // Year 1: A 500 of 1,000 (50%); year 2: A 600 of 2,000 (30%) → A 40%, B 60%.
    let parts = [
        AllocationPart {
            trailing: vec![wan(500), wan(600)],
            ..part("A")
        },
        AllocationPart {
            trailing: vec![wan(500), wan(1_400)],
            ..part("B")
        },
    ];
    let a = allocate(wan(5_000), AllocationMethod::TrailingAverageShare, &parts).unwrap();
    assert_eq!(a.weights, vec![pct("40%"), pct("60%")]);
    assert_eq!(amounts(&a.parts), vec![wan(2_000), wan(3_000)]);
}

#[test]
fn trailing_average_skips_empty_years_and_counts_missing_years_as_zero() {
    // Year 1 has no sales at all and is skipped; in year 2 only A sold; in year 3 B is new.
    let parts = [
        AllocationPart {
            trailing: vec![Money::ZERO, wan(100), wan(300)],
            ..part("A")
        },
        AllocationPart {
            trailing: vec![Money::ZERO, Money::ZERO, wan(100)],
            ..part("B")
        },
    ];
    let a = allocate(wan(800), AllocationMethod::TrailingAverageShare, &parts).unwrap();
    // A: (100% + 75%) / 2 = 87.5%; B: (0% + 25%) / 2 = 12.5%.
    assert_eq!(a.weights, vec![ratio(7, 8), ratio(1, 8)]);
    assert_eq!(amounts(&a.parts), vec![wan(700), wan(100)]);
}

#[test]
fn trailing_average_three_years_of_large_prime_totals_compute_exactly() {
    // The documented bound: three years with totals up to 10^12 fen each.
    let primes = [999_999_999_989i64, 999_999_999_961, 999_999_999_959];
    let parts = [
        AllocationPart {
            trailing: primes.iter().map(|p| fen(p / 3)).collect(),
            ..part("A")
        },
        AllocationPart {
            trailing: primes.iter().map(|p| fen(p - p / 3)).collect(),
            ..part("B")
        },
    ];
    let a = allocate(wan(5_000), AllocationMethod::TrailingAverageShare, &parts).unwrap();
    assert_eq!(a.parts.iter().map(|(_, m)| *m).sum::<Money>(), wan(5_000));
    assert_eq!(a.weights[0].checked_add(a.weights[1]), Some(Ratio::ONE));
}

#[test]
fn capacity_three_full_vs_two_half_is_three_to_one() {
    let parts = [
        AllocationPart {
            headcount: 3,
            ramp: pct("100%"),
            ..part("veterans")
        },
        AllocationPart {
            headcount: 2,
            ramp: pct("50%"),
            ..part("new hires")
        },
    ];
    let a = allocate(wan(5_000), AllocationMethod::Capacity, &parts).unwrap();
    assert_eq!(a.weights, vec![ratio(3, 4), ratio(1, 4)]);
    assert_eq!(amounts(&a.parts), vec![wan(3_750), wan(1_250)]);
}

#[test]
fn market_potential_uses_the_weight() {
    let parts = [
        weighted("A", Ratio::from_integer(7)),
        weighted("B", Ratio::from_integer(3)),
    ];
    let a = allocate(wan(1_000), AllocationMethod::MarketPotential, &parts).unwrap();
    assert_eq!(amounts(&a.parts), vec![wan(700), wan(300)]);
    assert_eq!(a.weights, vec![ratio(7, 10), ratio(3, 10)]);
}

#[test]
fn locked_12_million_then_three_even_parts_of_the_rest() {
    let mut parts: Vec<_> = ["A", "B", "C", "D"].map(part).to_vec();
    parts[0].locked = Some(wan(1_200));
    let a = allocate(wan(5_000), AllocationMethod::Even, &parts).unwrap();
    // 3,800万 / 3 = 1,266.6666…万 = 1,266,666,666.67 fen each: every part gets the floor,
    // 1,266,666,666 fen, and the two leftover fen go to the first two (equal remainders, ties
    // to the earlier part).
    assert_eq!(
        amounts(&a.parts),
        vec![
            fen(1_200_000_000),
            fen(1_266_666_667),
            fen(1_266_666_667),
            fen(1_266_666_666),
        ]
    );
    assert_eq!(amounts(&a.parts).iter().sum::<Money>(), wan(5_000));
    // The reported weights are the method's, before locks.
    assert_eq!(a.weights, vec![ratio(1, 4); 4]);
}

#[test]
fn locked_part_with_zero_weight_and_everything_locked_exactly() {
    let mut parts = [weighted("A", Ratio::ZERO), weighted("B", Ratio::ZERO)];
    parts[0].locked = Some(wan(3));
    parts[1].locked = Some(wan(2));
    let a = allocate(wan(5), AllocationMethod::ManualWeights, &parts).unwrap();
    assert_eq!(amounts(&a.parts), vec![wan(3), wan(2)]);
    assert_eq!(a.weights, vec![Ratio::ZERO, Ratio::ZERO]);
}

#[test]
fn zero_total_gives_zero_parts_even_without_weights() {
    let parts = [part("A"), part("B")];
    let a = allocate(Money::ZERO, AllocationMethod::LastYearShare, &parts).unwrap();
    assert_eq!(amounts(&a.parts), vec![Money::ZERO; 2]);
    assert_eq!(
        monthly_by_weights(Money::ZERO, &[0; 12]).unwrap(),
        [Money::ZERO; 12]
    );
}

#[test]
fn zero_weight_parts_get_nothing() {
    let parts = [
        weighted("A", Ratio::ONE),
        weighted("B", Ratio::ZERO),
        weighted("C", Ratio::ONE),
    ];
    let a = allocate(fen(101), AllocationMethod::ManualWeights, &parts).unwrap();
    assert_eq!(amounts(&a.parts), vec![fen(51), fen(0), fen(50)]);
}

// ---- Percentages and months ----

#[test]
fn percentages_40_30_29_9_are_refused_naming_99_9_percent() {
    let err = check_percentages(&[pct("40%"), pct("30%"), pct("29.9%")]).unwrap_err();
    assert_eq!(
        err,
        AllocationError::PercentagesNotHundred {
            total: ratio(999, 1000)
        }
    );
    let text = err.to_string();
    assert!(text.contains("99.9%"), "{text}");
    assert!(text.contains("0.1% short"), "{text}");
    assert!(err.localize(Lang::Zh).contains("99.9%"));
    assert!(err.localize(Lang::Zh).contains("还差 0.1%"));
}

#[test]
fn percentages_over_and_almost_100_are_shown_precisely() {
    let err = check_percentages(&[pct("60%"), pct("50%")]).unwrap_err();
    assert!(err.to_string().contains("110%"), "{err}");
    assert!(err.to_string().contains("10% too much"), "{err}");
    // 33.33% × 3 is 99.99%, never rounded to "100%" in the message.
    let err = check_percentages(&[pct("33.33%"); 3]).unwrap_err();
    assert!(err.to_string().contains("99.99%"), "{err}");
    let err = check_percentages(&[pct("50%"), pct("49.999999999%")]).unwrap_err();
    assert!(err.to_string().contains("99.999999999%"), "{err}");
    assert!(err.to_string().contains("0.000000001% short"), "{err}");
}

#[test]
fn percentages_exactly_100_pass_and_negatives_or_none_fail() {
    check_percentages(&[pct("40%"), pct("30%"), pct("30%")]).unwrap();
    check_percentages(&[ratio(1, 3); 3]).unwrap();
    assert_eq!(
        check_percentages(&[pct("110%"), pct("-10%")]),
        Err(AllocationError::NegativePercentage { index: 1 })
    );
    assert_eq!(
        check_percentages(&[]),
        Err(AllocationError::PercentagesNotHundred { total: Ratio::ZERO })
    );
}

#[test]
fn monthly_by_percentages_needs_exactly_100() {
    // 10 × 8% + 12% + 4% = 96%.
    let mut p = [pct("8%"); 12];
    p[0] = pct("4%");
    p[11] = pct("12%");
    let err = monthly_by_percentages(wan(100), &p).unwrap_err();
    assert_eq!(
        err,
        AllocationError::PercentagesNotHundred { total: pct("96%") }
    );
    assert!(err.to_string().contains("96%"), "{err}");
    // 12% + 11 × 8% = 100%.
    let mut good = [pct("8%"); 12];
    good[0] = pct("12%");
    let months = monthly_by_percentages(wan(100), &good).unwrap();
    assert_eq!(months[0], wan(12));
    assert_eq!(months[1], wan(8));
    assert_eq!(months.iter().sum::<Money>(), wan(100));
    assert_eq!(
        monthly_by_percentages(fen(-1), &good),
        Err(AllocationError::NegativeTotal { total: fen(-1) })
    );
}

#[test]
fn monthly_by_seasonality_from_history_sums_exactly() {
    let history = [
        [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120],
        [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 100],
    ];
    let w = seasonality::from_history(&history).unwrap();
    let months = monthly_by_weights(fen(123_456_789), &w).unwrap();
    assert_eq!(months.iter().sum::<Money>(), fen(123_456_789));
    assert!(months[11] > months[0]);
}

#[test]
fn monthly_by_weights_refuses_bad_weights() {
    let mut w = [1; 12];
    w[4] = -1;
    let err = monthly_by_weights(wan(1), &w).unwrap_err();
    assert_eq!(err, AllocationError::NegativeMonthWeight { month: 4 });
    assert!(err.to_string().contains("month 5"), "{err}");
    assert_eq!(
        monthly_by_weights(wan(1), &[0; 12]),
        Err(AllocationError::NoMonthWeight { total: wan(1) })
    );
    assert_eq!(
        monthly_by_weights(fen(-5), &[1; 12]),
        Err(AllocationError::NegativeTotal { total: fen(-5) })
    );
    // Extreme weights do not overflow.
    let months = monthly_by_weights(fen(i64::MAX), &[i64::MAX; 12]).unwrap();
    assert_eq!(
        months.iter().map(|m| i128::from(m.fen())).sum::<i128>(),
        i128::from(i64::MAX)
    );
}

// ---- Errors ----

#[test]
fn no_parts_and_negative_total() {
    let none: [AllocationPart<u8>; 0] = [];
    assert_eq!(
        allocate(wan(1), AllocationMethod::Even, &none),
        Err(AllocationError::NoParts)
    );
    let err = allocate(wan(-1), AllocationMethod::Even, &[part("A")]).unwrap_err();
    assert_eq!(err, AllocationError::NegativeTotal { total: wan(-1) });
    assert!(err.to_string().contains("-10,000.00元"), "{err}");
}

#[test]
fn zero_weights_say_which_method_and_what_to_enter() {
    let cases = [
        (AllocationMethod::ManualWeights, "weight"),
        (AllocationMethod::LastYearShare, "last year's sales"),
        (AllocationMethod::TrailingAverageShare, "history"),
        (AllocationMethod::MarketPotential, "market potential"),
        (AllocationMethod::Capacity, "headcount"),
    ];
    for (method, hint) in cases {
        let parts = [part("A"), part("B")];
        let err = allocate(wan(10), method, &parts).unwrap_err();
        assert_eq!(
            err,
            AllocationError::NoWeight {
                method,
                remaining: wan(10)
            }
        );
        let text = err.to_string();
        assert!(text.contains(hint), "{method:?}: {text}");
        assert!(text.contains("100,000.00元"), "{method:?}: {text}");
    }
}

#[test]
fn zero_weights_of_unlocked_parts_with_something_left() {
    let mut parts = [weighted("A", Ratio::ONE), weighted("B", Ratio::ZERO)];
    parts[0].locked = Some(wan(4));
    assert_eq!(
        allocate(wan(10), AllocationMethod::ManualWeights, &parts),
        Err(AllocationError::NoWeight {
            method: AllocationMethod::ManualWeights,
            remaining: wan(6)
        })
    );
}

#[test]
fn negative_inputs_name_the_part() {
    let cases = [
        (
            AllocationMethod::ManualWeights,
            weighted("B", pct("-5%")),
            "weight of part 2",
        ),
        (
            AllocationMethod::MarketPotential,
            weighted("B", Ratio::from_integer(-1)),
            "market potential of part 2",
        ),
        (
            AllocationMethod::LastYearShare,
            AllocationPart {
                last_year: fen(-1),
                ..part("B")
            },
            "sales of part 2",
        ),
        (
            AllocationMethod::Capacity,
            AllocationPart {
                headcount: 1,
                ramp: pct("-50%"),
                ..part("B")
            },
            "ramp of part 2",
        ),
    ];
    for (method, bad, phrase) in cases {
        let good = AllocationPart {
            weight: Ratio::ONE,
            last_year: wan(1),
            headcount: 1,
            ..part("A")
        };
        let err = allocate(wan(10), method, &[good, bad]).unwrap_err();
        assert_eq!(err, AllocationError::NegativeWeight { index: 1, method });
        assert!(err.to_string().contains(phrase), "{method:?}: {err}");
    }
}

#[test]
fn trailing_history_errors_name_the_part() {
    let a = AllocationPart {
        trailing: vec![wan(1), wan(2)],
        ..part("A")
    };
    let short = AllocationPart {
        trailing: vec![wan(1)],
        ..part("B")
    };
    let err = allocate(
        wan(10),
        AllocationMethod::TrailingAverageShare,
        &[a.clone(), short],
    )
    .unwrap_err();
    assert_eq!(
        err,
        AllocationError::TrailingYearsMismatch {
            index: 1,
            expected: 2,
            found: 1
        }
    );
    assert!(err.to_string().contains("part 2 has 1 years"), "{err}");

    let negative = AllocationPart {
        trailing: vec![wan(1), fen(-1)],
        ..part("B")
    };
    let err = allocate(
        wan(10),
        AllocationMethod::TrailingAverageShare,
        &[a, negative],
    )
    .unwrap_err();
    assert_eq!(err, AllocationError::NegativeHistory { index: 1, year: 1 });
    assert!(err.to_string().contains("part 2 in year 2"), "{err}");
}

#[test]
fn lock_errors() {
    let mut parts = [part("A"), part("B"), part("C")];
    parts[0].locked = Some(wan(3_000));
    parts[2].locked = Some(wan(2_500));
    let err = allocate(wan(5_000), AllocationMethod::Even, &parts).unwrap_err();
    assert_eq!(
        err,
        AllocationError::LocksExceedTotal {
            locked: 5_500_000_000,
            total: wan(5_000)
        }
    );
    assert!(err.to_string().contains("55,000,000.00元"), "{err}");

    parts[2].locked = Some(fen(-1));
    assert_eq!(
        allocate(wan(5_000), AllocationMethod::Even, &parts),
        Err(AllocationError::NegativeLock {
            index: 2,
            locked: fen(-1)
        })
    );

    let all = [
        AllocationPart {
            locked: Some(wan(1)),
            ..part("A")
        },
        AllocationPart {
            locked: Some(wan(2)),
            ..part("B")
        },
    ];
    let err = allocate(wan(5), AllocationMethod::Even, &all).unwrap_err();
    assert_eq!(
        err,
        AllocationError::AllLocked {
            locked: wan(3),
            total: wan(5)
        }
    );
    // Huge locks add up in i128 and are reported, not overflowed.
    let huge = [
        AllocationPart {
            locked: Some(fen(i64::MAX)),
            ..part("A")
        },
        AllocationPart {
            locked: Some(fen(i64::MAX)),
            ..part("B")
        },
    ];
    assert!(matches!(
        allocate(fen(i64::MAX), AllocationMethod::Even, &huge),
        Err(AllocationError::LocksExceedTotal { .. })
    ));
}

#[test]
fn weights_too_fine_to_compute_are_refused_not_panicked() {
    let big = Ratio::new(1, i128::MAX).unwrap();
    let other = Ratio::new(1, i128::MAX - 1).unwrap();
    let parts = [weighted("A", big), weighted("B", other)];
    assert_eq!(
        allocate(wan(1), AllocationMethod::ManualWeights, &parts),
        Err(AllocationError::Overflow)
    );
    let parts = [
        AllocationPart {
            headcount: u32::MAX,
            ramp: Ratio::from_integer(i128::MAX),
            ..part("A")
        },
        part("B"),
    ];
    assert_eq!(
        allocate(wan(1), AllocationMethod::Capacity, &parts),
        Err(AllocationError::Overflow)
    );
}

/// One of every error, for the message checks.
fn every_error() -> Vec<AllocationError> {
    let mut all = vec![
        AllocationError::NoParts,
        AllocationError::NegativeTotal { total: wan(-1) },
        AllocationError::NegativeHistory { index: 0, year: 0 },
        AllocationError::TrailingYearsMismatch {
            index: 1,
            expected: 3,
            found: 2,
        },
        AllocationError::AllLocked {
            locked: wan(1),
            total: wan(2),
        },
        AllocationError::NegativeLock {
            index: 0,
            locked: wan(-1),
        },
        AllocationError::LocksExceedTotal {
            locked: i128::MAX,
            total: wan(1),
        },
        AllocationError::PercentagesNotHundred {
            total: ratio(999, 1000),
        },
        AllocationError::PercentagesNotHundred {
            total: ratio(1001, 1000),
        },
        AllocationError::PercentagesNotHundred {
            total: Ratio::new(i128::MAX, i128::MAX - 1).unwrap(),
        },
        AllocationError::NegativePercentage { index: 0 },
        AllocationError::NegativeMonthWeight { month: 11 },
        AllocationError::NoMonthWeight { total: wan(1) },
        AllocationError::DuplicateNode { level: 0, index: 0 },
        AllocationError::Overflow,
    ];
    for method in AllocationMethod::ALL {
        all.push(AllocationError::NegativeWeight { index: 0, method });
        all.push(AllocationError::NoWeight {
            method,
            remaining: wan(1),
        });
    }
    all
}

#[test]
fn every_error_has_a_complete_message_in_both_languages() {
    for err in every_error() {
        let key = err.message_key();
        assert!(key.starts_with("err.allocation."), "{key}");
        for (lang, table) in tables() {
            assert!(table.contains_key(key), "{key} missing in {lang:?}");
            let text = err.localize(lang);
            assert!(!text.contains('{'), "unfilled placeholder in {key}: {text}");
        }
        assert_eq!(err.to_string(), err.localize(Lang::En));
        let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
        assert!(!boxed.to_string().is_empty());
    }
}

#[test]
fn serde_round_trip_of_parts_and_methods() {
    let p = AllocationPart {
        weight: pct("40%"),
        last_year: wan(3),
        trailing: vec![wan(1), wan(2)],
        headcount: 3,
        ramp: pct("50%"),
        locked: Some(wan(1)),
        ..AllocationPart::new(7u32)
    };
    let json = serde_json::to_string(&p).unwrap();
    let back: AllocationPart<u32> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    for m in AllocationMethod::ALL {
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<AllocationMethod>(&json).unwrap(), m);
    }
    let a = allocate(wan(1), AllocationMethod::Even, &[p]).unwrap();
    assert!(serde_json::to_string(&a).is_ok());
}

// ---- Trees ----

type Children = HashMap<&'static str, (AllocationMethod, Vec<AllocationPart<&'static str>>)>;

#[test]
fn tree_headquarters_regions_people() {
    let mut map: Children = HashMap::new();
    map.insert(
        "HQ",
        (
            AllocationMethod::ManualWeights,
            vec![weighted("North", pct("60%")), weighted("South", pct("40%"))],
        ),
    );
    map.insert(
        "North",
        (
            AllocationMethod::Even,
            vec![part("n1"), part("n2"), part("n3")],
        ),
    );
    map.insert(
        "South",
        (
            AllocationMethod::Capacity,
            vec![
                AllocationPart {
                    headcount: 1,
                    ..part("s1")
                },
                AllocationPart {
                    headcount: 1,
                    ramp: pct("50%"),
                    ..part("s2")
                },
            ],
        ),
    );
    let children = |k: &&'static str| map.get(k).cloned();
    let values = allocate_tree("HQ", wan(5_000), &children).unwrap();
    assert_eq!(
        values,
        vec![
            ("HQ", wan(5_000)),
            ("North", wan(3_000)),
            ("n1", wan(1_000)),
            ("n2", wan(1_000)),
            ("n3", wan(1_000)),
            ("South", wan(2_000)),
            // 2,000万 by 1 × 100% : 1 × 50% = 2/3 : 1/3; the leftover fen goes to the larger
            // remainder (s2's 0.67 fen).
            ("s1", fen(1_333_333_333)),
            ("s2", fen(666_666_667)),
        ]
    );
}

#[test]
fn tree_refuses_cycles_and_repeats_and_passes_errors_on() {
    let cyclic = |k: &u32| {
        Some((
            AllocationMethod::Even,
            vec![AllocationPart::new((k + 1) % 3)],
        ))
    };
    assert_eq!(
        allocate_tree(0u32, wan(1), &cyclic),
        Err(AllocationError::DuplicateNode { level: 2, index: 0 })
    );
    let repeated = |k: &u32| {
        (*k == 0).then(|| {
            (
                AllocationMethod::Even,
                vec![AllocationPart::new(1), AllocationPart::new(1)],
            )
        })
    };
    assert_eq!(
        allocate_tree(0u32, wan(1), &repeated),
        Err(AllocationError::DuplicateNode { level: 0, index: 1 })
    );
    let empty = |_: &u32| Some((AllocationMethod::Even, Vec::new()));
    assert_eq!(
        allocate_tree(0u32, wan(1), &empty),
        Err(AllocationError::NoParts)
    );
    let leaf = |_: &u32| None;
    assert_eq!(
        allocate_tree(0u32, wan(-1), &leaf),
        Err(AllocationError::NegativeTotal { total: wan(-1) })
    );
    assert_eq!(allocate_tree(0u32, wan(1), &leaf), Ok(vec![(0, wan(1))]));
}

#[test]
fn deep_tree_does_not_overflow_the_stack() {
    let chain = |k: &u32| {
        (*k < 100_000).then(|| (AllocationMethod::Even, vec![AllocationPart::new(k + 1)]))
    };
    let values = allocate_tree(0u32, fen(7), &chain).unwrap();
    assert_eq!(values.len(), 100_001);
    assert!(values.iter().all(|(_, m)| *m == fen(7)));
}

// ---- Properties ----

fn method_strategy() -> impl Strategy<Value = AllocationMethod> {
    proptest::sample::select(AllocationMethod::ALL.to_vec())
}

prop_compose! {
    /// Parts with non-negative inputs; every part has `years` trailing years.
    fn parts_strategy(years: usize)(
        raw in proptest::collection::vec(
            (
                0i64..=1000, 1i64..=100,            // weight num/den
                0i64..=10_000_000_000,              // last year
                proptest::collection::vec(0i64..=10_000_000_000, years),
                0u32..=50, 0i64..=100,              // headcount, ramp %
                proptest::option::weighted(0.3, 0u32..=1000), // lock, in ‰ of total / n
            ),
            1..8,
        )
    ) -> Vec<(AllocationPart<usize>, Option<u32>)> {
        raw.into_iter()
            .enumerate()
            .map(|(i, (wn, wd, last, trailing, headcount, ramp, lock))| {
                (
                    AllocationPart {
                        key: i,
                        weight: Ratio::new(i128::from(wn), i128::from(wd)).unwrap(),
                        last_year: Money::from_fen(last),
                        trailing: trailing.into_iter().map(Money::from_fen).collect(),
                        headcount,
                        ramp: Ratio::percent(ramp),
                        locked: None,
                    },
                    lock,
                )
            })
            .collect()
    }
}

fn with_locks(
    total: Money,
    raw: Vec<(AllocationPart<usize>, Option<u32>)>,
) -> Vec<AllocationPart<usize>> {
    let n = raw.len() as i64;
    raw.into_iter()
        .map(|(mut p, lock)| {
            // Each lock is at most total / n, so they always fit together.
            p.locked = lock
                .map(|per_mille| Money::from_fen(total.fen() / n * i64::from(per_mille) / 1000));
            p
        })
        .collect()
}

fn method_weight(method: AllocationMethod, p: &AllocationPart<usize>) -> Ratio {
    match method {
        AllocationMethod::Even => Ratio::ONE,
        AllocationMethod::ManualWeights | AllocationMethod::MarketPotential => p.weight,
        AllocationMethod::LastYearShare => Ratio::from_integer(i128::from(p.last_year.fen())),
        AllocationMethod::Capacity => Ratio::from_integer(i128::from(p.headcount))
            .checked_mul(p.ramp)
            .unwrap(),
        AllocationMethod::TrailingAverageShare => {
            Ratio::from_integer(p.trailing.iter().map(|m| i128::from(m.fen())).sum())
        }
    }
}

/// A total, a method and parts with locks that fit (up to 3 trailing years, the documented
/// exact range for the trailing average).
fn case_strategy() -> impl Strategy<Value = (Money, AllocationMethod, Vec<AllocationPart<usize>>)> {
    (0i64..=1_000_000_000_000, method_strategy(), 0usize..=3)
        .prop_flat_map(|(total, method, years)| (Just(total), Just(method), parts_strategy(years)))
        .prop_map(|(total, method, raw)| {
            let total = Money::from_fen(total);
            (total, method, with_locks(total, raw))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parts_sum_exactly_locks_kept_none_negative((total, method, parts) in case_strategy()) {
        match allocate(total, method, &parts) {
            Ok(a) => {
                prop_assert_eq!(a.parts.len(), parts.len());
                prop_assert_eq!(a.weights.len(), parts.len());
                let sum: i128 = a.parts.iter().map(|(_, m)| i128::from(m.fen())).sum();
                prop_assert_eq!(sum, i128::from(total.fen()));
                for ((key, amount), p) in a.parts.iter().zip(&parts) {
                    prop_assert_eq!(*key, p.key);
                    prop_assert!(!amount.is_negative());
                    if let Some(locked) = p.locked {
                        prop_assert_eq!(*amount, locked);
                    }
                }
                let weight_sum = a.weights.iter().try_fold(Ratio::ZERO, |s, w| s.checked_add(*w)).unwrap();
                prop_assert!(weight_sum == Ratio::ONE || weight_sum.is_zero());
            }
            Err(AllocationError::NoWeight { method: m, remaining }) => {
                prop_assert_eq!(m, method);
                prop_assert!(remaining.fen() > 0);
                // Legitimate only when no unlocked part has a positive weight.
                prop_assert!(parts.iter().filter(|p| p.locked.is_none()).all(|p| method_weight(method, p).is_zero()));
            }
            Err(AllocationError::AllLocked { .. }) => {
                prop_assert!(parts.iter().all(|p| p.locked.is_some()));
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn even_parts_differ_by_at_most_one_fen(total in 0i64..=i64::MAX, n in 1usize..=40) {
        let parts: Vec<_> = (0..n).map(AllocationPart::new).collect();
        let a = allocate(Money::from_fen(total), AllocationMethod::Even, &parts).unwrap();
        let values: Vec<i64> = a.parts.iter().map(|(_, m)| m.fen()).collect();
        let (min, max) = (values.iter().min().unwrap(), values.iter().max().unwrap());
        prop_assert!(max - min <= 1);
        prop_assert_eq!(values.iter().map(|&v| i128::from(v)).sum::<i128>(), i128::from(total));
    }

    #[test]
    fn monthly_splits_sum_exactly(total in 0i64..=1_000_000_000_000_000, w in proptest::array::uniform12(0i64..=1_000_000)) {
        let total = Money::from_fen(total);
        match monthly_by_weights(total, &w) {
            Ok(months) => {
                prop_assert_eq!(months.iter().map(|m| i128::from(m.fen())).sum::<i128>(), i128::from(total.fen()));
                prop_assert!(months.iter().all(|m| !m.is_negative()));
                for (m, weight) in months.iter().zip(w) {
                    if weight == 0 { prop_assert!(m.is_zero()); }
                }
            }
            Err(e) => {
                prop_assert_eq!(e, AllocationError::NoMonthWeight { total });
                prop_assert!(w.iter().all(|&x| x == 0));
            }
        }
    }

    #[test]
    fn arbitrary_inputs_never_panic(
        total in any::<i64>(),
        method in method_strategy(),
        raw in proptest::collection::vec(
            (any::<i64>(), any::<i64>(), any::<i64>(), proptest::collection::vec(any::<i64>(), 0..3), any::<u32>(), proptest::option::of(any::<i64>())),
            0..5,
        ),
    ) {
        let parts: Vec<AllocationPart<usize>> = raw
            .into_iter()
            .enumerate()
            .map(|(i, (wn, wd, last, trailing, headcount, lock))| AllocationPart {
                key: i,
                weight: Ratio::new(i128::from(wn), i128::from(wd)).unwrap_or(Ratio::ONE),
                last_year: Money::from_fen(last),
                trailing: trailing.into_iter().map(Money::from_fen).collect(),
                headcount,
                ramp: Ratio::new(i128::from(wd), i128::from(wn)).unwrap_or(Ratio::ZERO),
                locked: lock.map(Money::from_fen),
            })
            .collect();
        if let Ok(a) = allocate(Money::from_fen(total), method, &parts) {
            let sum: i128 = a.parts.iter().map(|(_, m)| i128::from(m.fen())).sum();
            prop_assert_eq!(sum, i128::from(total));
        }
    }

    #[test]
    fn tree_children_sum_to_their_parent(
        total in 0i64..=100_000_000_000,
        // parent of node i+1 is some node in 0..=i, so this is always a tree rooted at 0.
        parents in proptest::collection::vec(any::<proptest::sample::Index>(), 0..30),
        methods in proptest::collection::vec(method_strategy(), 31),
        weights in proptest::collection::vec((1i64..=100, 0i64..=1_000_000, 1u32..=5), 31),
    ) {
        let mut kids: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, index) in parents.iter().enumerate() {
            kids.entry(index.index(i + 1)).or_default().push(i + 1);
        }
        let children = |k: &usize| {
            kids.get(k).map(|list| {
                let parts = list
                    .iter()
                    .map(|&c| {
                        let (w, last, head) = weights[c];
                        AllocationPart {
                            weight: Ratio::percent(w),
                            last_year: Money::from_fen(last + 1),
                            trailing: vec![Money::from_fen(last + 1), Money::from_fen(w)],
                            headcount: head,
                            ..AllocationPart::new(c)
                        }
                    })
                    .collect();
                (methods[*k], parts)
            })
        };
        let values = allocate_tree(0usize, Money::from_fen(total), &children).unwrap();
        prop_assert_eq!(values.len(), parents.len() + 1);
        prop_assert_eq!(values[0], (0usize, Money::from_fen(total)));
        let value: HashMap<usize, Money> = values.iter().copied().collect();
        prop_assert_eq!(value.len(), values.len());
        let keys: HashSet<usize> = values.iter().map(|(k, _)| *k).collect();
        prop_assert_eq!(keys.len(), values.len());
        for (parent, list) in &kids {
            let sum: i128 = list.iter().map(|c| i128::from(value[c].fen())).sum();
            prop_assert_eq!(sum, i128::from(value[parent].fen()));
            prop_assert!(list.iter().all(|c| !value[c].is_negative()));
        }
    }
}
