//! Money, ratio and split: the documented examples exactly, and properties over random inputs.

use proptest::prelude::*;
use salesplan::domain::money::{AmountUnit, MAX_ABS_FEN, Money, MoneyErrorKind, MoneyParseError};
use salesplan::domain::ratio::{RateErrorKind, RateParseError, Ratio, Rounding, ceil_div};
use salesplan::domain::split::{
    SplitAmount, SplitError, split_by_weights, split_even, split_money, split_with_locks,
};
use salesplan::i18n::{Lang, Localized, tables};

const FEN_PER_WAN: i64 = 1_000_000;

fn fen(s: &str) -> i64 {
    match Money::parse(s) {
        Ok(m) => m.fen(),
        Err(e) => panic!("{s:?} should parse, got {e}"),
    }
}

fn kind(s: &str) -> MoneyErrorKind {
    match Money::parse(s) {
        Ok(m) => panic!("{s:?} should be rejected, got {} fen", m.fen()),
        Err(e) => e.kind,
    }
}

fn ratio(num: i128, den: i128) -> Ratio {
    Ratio::new(num, den).unwrap()
}

fn rate(s: &str) -> Ratio {
    Ratio::parse(s).unwrap()
}

fn rate_kind(s: &str) -> RateErrorKind {
    Ratio::parse(s).unwrap_err().kind
}

fn equal(n: usize) -> Vec<Ratio> {
    vec![Ratio::ONE; n]
}

// ---------------------------------------------------------------- parsing: accepted

#[test]
fn parses_plain_and_grouped_yuan() {
    assert_eq!(fen("1000"), 100_000);
    assert_eq!(fen("1,000"), 100_000);
    assert_eq!(fen("1,000.50"), 100_050);
    assert_eq!(fen("1,234,567.89"), 123_456_789);
    assert_eq!(fen("0.01"), 1);
    assert_eq!(fen("0"), 0);
}

#[test]
fn parses_currency_signs_half_and_full_width() {
    assert_eq!(fen("¥1,000"), 100_000);
    assert_eq!(fen("￥1000"), 100_000);
    assert_eq!(fen("¥ 1000"), 100_000);
}

#[test]
fn parses_wan_and_yi_units_exactly() {
    assert_eq!(fen("100万"), 100 * FEN_PER_WAN);
    assert_eq!(fen("1.5亿"), 15_000_000_000); // 150,000,000.00元
    assert_eq!(fen("1.5亿元"), 15_000_000_000);
    assert_eq!(fen("5000万元"), 5_000_000_000);
    assert_eq!(fen("5,000万"), 5_000_000_000);
    assert_eq!(fen("1.5 万"), 1_500_000);
    assert_eq!(fen("1.23456万"), 1_234_560); // 12,345.60元
    // Six decimals of a 万 are whole fen: 12,345.67元.
    assert_eq!(fen("1.234567万"), 1_234_567);
    assert_eq!(fen("0.0000000001亿"), 1);
    assert_eq!(fen("5.75亿"), 57_500_000_000);
}

#[test]
fn parses_yuan_unit_suffix() {
    assert_eq!(fen("100元"), 10_000);
    assert_eq!(fen("1,000.50 元"), 100_050);
}

#[test]
fn parses_full_width_digits_and_punctuation() {
    assert_eq!(fen("１，０００．５０"), 100_050);
    assert_eq!(fen("（１，０００）"), -100_000);
    assert_eq!(fen("－５"), -500);
    assert_eq!(fen("＋５"), 500);
    assert_eq!(fen("１００万"), 100 * FEN_PER_WAN);
}

#[test]
fn parses_signs_before_or_after_the_currency_sign() {
    assert_eq!(fen("-5"), -500);
    assert_eq!(fen("+5"), 500);
    assert_eq!(fen("¥-5"), -500);
    assert_eq!(fen("-¥5"), -500);
    assert_eq!(fen("-1.5万"), -1_500_000);
    assert_eq!(fen("-0"), 0);
}

#[test]
fn parses_parentheses_as_negative() {
    assert_eq!(fen("(1,000)"), -100_000);
    assert_eq!(fen("（1,000）"), -100_000);
    assert_eq!(fen("( 1,000 )"), -100_000);
    assert_eq!(fen("¥(1,000)"), -100_000);
    assert_eq!(fen("(¥1,000)"), -100_000);
    assert_eq!(fen("(100万)"), -100 * FEN_PER_WAN);
    assert_eq!(fen("(100)万"), -100 * FEN_PER_WAN);
}

#[test]
fn ignores_surrounding_whitespace_including_ideographic_space() {
    assert_eq!(fen("  1000\t"), 100_000);
    assert_eq!(fen("\u{3000}1000\u{3000}"), 100_000);
}

#[test]
fn accepts_leading_dot_and_redundant_trailing_zeros() {
    assert_eq!(fen(".5"), 50);
    assert_eq!(fen("0.500"), 50);
    assert_eq!(fen("1.0000"), 100);
    assert_eq!(fen("1,000.500"), 100_050);
    assert_eq!(fen("1.500000万"), 1_500_000);
}

#[test]
fn accepts_exactly_the_largest_amount() {
    assert_eq!(fen("100万亿"), MAX_ABS_FEN);
    assert_eq!(fen("-100,000,000,000,000"), -MAX_ABS_FEN);
    assert_eq!(fen("1000000亿"), MAX_ABS_FEN);
    assert_eq!(fen("100万亿元"), MAX_ABS_FEN);
    assert_eq!(fen("0.00000000000001万亿"), 1);
}

#[test]
fn from_str_matches_parse() {
    let m: Money = "1,000.50".parse().unwrap();
    assert_eq!(m, Money::from_fen(100_050));
}

// ---------------------------------------------------------------- parsing: rejected

#[test]
fn rejects_empty_and_blank_input() {
    assert_eq!(kind(""), MoneyErrorKind::Empty);
    assert_eq!(kind("   "), MoneyErrorKind::Empty);
    assert_eq!(kind("\u{3000}"), MoneyErrorKind::Empty);
}

#[test]
fn rejects_input_without_digits() {
    for s in ["¥", "-", "万", "abc", "()", ".", ","] {
        assert_eq!(kind(s), MoneyErrorKind::NoDigits, "{s}");
    }
}

#[test]
fn rejects_invalid_characters_naming_the_character() {
    assert_eq!(kind("$100"), MoneyErrorKind::InvalidCharacter('$'));
    assert_eq!(kind("1#00"), MoneyErrorKind::InvalidCharacter('#'));
    assert_eq!(kind("1a00"), MoneyErrorKind::InvalidCharacter('a'));
    assert_eq!(kind("USD 100"), MoneyErrorKind::InvalidCharacter('U'));
    assert_eq!(kind("1_000"), MoneyErrorKind::InvalidCharacter('_'));
}

#[test]
fn rejects_space_inside_the_number() {
    assert_eq!(kind("1 000"), MoneyErrorKind::SpaceInsideNumber);
}

#[test]
fn rejects_thousands_separators_not_in_groups_of_three() {
    for s in [
        "1,00",
        "10,00,000",
        "1,0000",
        ",100",
        "100,",
        "1,,000",
        "1234,567",
        "1,00.50",
    ] {
        assert_eq!(kind(s), MoneyErrorKind::MisplacedSeparator, "{s}");
    }
}

#[test]
fn rejects_possible_decimal_comma_or_dotted_thousands_as_ambiguous() {
    for s in [
        "1,5",
        "12,5",
        "1,5万",
        "1.000,50",
        "1.000.000",
        "12.345.678",
        "1.000.000,50",
        "1.500",
        "100.000",
        "1.500元",
    ] {
        assert_eq!(kind(s), MoneyErrorKind::AmbiguousSeparator, "{s}");
    }
}

#[test]
fn rejects_several_decimal_points() {
    for s in ["1.2.3", "1..5", "1.0000.000"] {
        assert_eq!(kind(s), MoneyErrorKind::MultipleDecimalPoints, "{s}");
    }
}

#[test]
fn rejects_conflicting_or_misplaced_signs() {
    for s in ["-(100)", "(-100)", "--5", "+-5", "-¥-5", "100-", "(+5)"] {
        assert_eq!(kind(s), MoneyErrorKind::SignConflict, "{s}");
    }
}

#[test]
fn rejects_unbalanced_parentheses() {
    for s in ["(100", "100)", ")100", "(100))"] {
        assert_eq!(kind(s), MoneyErrorKind::UnbalancedParentheses, "{s}");
    }
}

#[test]
fn rejects_currency_sign_twice_or_after_the_number() {
    assert_eq!(kind("¥¥5"), MoneyErrorKind::MisplacedCurrencySign);
    assert_eq!(kind("5¥"), MoneyErrorKind::MisplacedCurrencySign);
}

#[test]
fn rejects_unit_that_is_not_at_the_end() {
    for s in ["万100", "元100", "100万5", "(100万)元", "100万 元"] {
        assert_eq!(kind(s), MoneyErrorKind::UnitNotAtEnd, "{s}");
    }
}

#[test]
fn rejects_unknown_units_naming_them() {
    assert_eq!(kind("100千"), MoneyErrorKind::UnknownUnit("千".into()));
    assert_eq!(kind("100 USD"), MoneyErrorKind::UnknownUnit("USD".into()));
    assert_eq!(kind("100元整"), MoneyErrorKind::UnknownUnit("元整".into()));
}

#[test]
fn rejects_amounts_more_precise_than_a_fen() {
    assert_eq!(
        kind("1.005"),
        MoneyErrorKind::TooPrecise {
            unit: "元",
            max_decimals: 2
        }
    );
    assert_eq!(
        kind("1.2345678万"),
        MoneyErrorKind::TooPrecise {
            unit: "万",
            max_decimals: 6
        }
    );
    assert_eq!(
        kind("1.00000000001亿"),
        MoneyErrorKind::TooPrecise {
            unit: "亿",
            max_decimals: 10
        }
    );
    assert_eq!(
        kind("0.001"),
        MoneyErrorKind::TooPrecise {
            unit: "元",
            max_decimals: 2
        }
    );
}

#[test]
fn rejects_amounts_above_the_largest_magnitude() {
    for s in [
        "100,000,000,000,000.01",
        "-100,000,000,000,000.01",
        "1000万亿",
        "100000000000000000000000000000000000000000000000",
    ] {
        assert_eq!(kind(s), MoneyErrorKind::TooLarge, "{s}");
    }
}

#[test]
fn parse_error_keeps_the_input_as_given() {
    let err = Money::parse(" 1,00 ").unwrap_err();
    assert_eq!(
        err,
        MoneyParseError {
            input: " 1,00 ".into(),
            kind: MoneyErrorKind::MisplacedSeparator
        }
    );
}

// ---------------------------------------------------------------- messages

#[test]
fn misplaced_separator_message_says_what_is_wrong_and_what_to_do() {
    let err = Money::parse("1,00").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cannot read \"1,00\" as an amount: a thousands separator must be followed by exactly \
         three digits. Write 1,000 or 1000."
    );
    assert_eq!(
        err.localize(Lang::Zh),
        "无法把“1,00”识别为金额：千位分隔符后必须正好是三位数字。请写成 1,000 或 1000。"
    );
}

#[test]
fn invalid_character_message_names_the_character_and_its_code() {
    let message = Money::parse("1#00").unwrap_err().to_string();
    assert!(message.contains("\"#\" (U+0023)"), "{message}");
}

#[test]
fn long_input_is_shortened_in_messages() {
    let input = format!("{}x", "1".repeat(200));
    let message = Money::parse(&input).unwrap_err().to_string();
    assert!(message.contains('…'));
    assert!(message.len() < 400);
}

fn every_error() -> Vec<Box<dyn Localized>> {
    let money_kinds = [
        MoneyErrorKind::Empty,
        MoneyErrorKind::NoDigits,
        MoneyErrorKind::InvalidCharacter('#'),
        MoneyErrorKind::SpaceInsideNumber,
        MoneyErrorKind::MisplacedSeparator,
        MoneyErrorKind::AmbiguousSeparator,
        MoneyErrorKind::MultipleDecimalPoints,
        MoneyErrorKind::SignConflict,
        MoneyErrorKind::UnbalancedParentheses,
        MoneyErrorKind::MisplacedCurrencySign,
        MoneyErrorKind::UnitNotAtEnd,
        MoneyErrorKind::UnknownUnit("千".into()),
        MoneyErrorKind::TooPrecise {
            unit: "万",
            max_decimals: 6,
        },
        MoneyErrorKind::TooLarge,
    ];
    let rate_kinds = [
        RateErrorKind::Empty,
        RateErrorKind::Invalid,
        RateErrorKind::MultipleDecimalPoints,
        RateErrorKind::TooManyDecimals,
        RateErrorKind::ZeroDenominator,
        RateErrorKind::TooLarge,
    ];
    let split_errors = [
        SplitError::NegativeWeight { index: 2 },
        SplitError::LengthMismatch {
            weights: 12,
            locked: 11,
        },
        SplitError::LockedExceedTotal {
            locked: SplitAmount::Fen(600),
            total: SplitAmount::Fen(500),
        },
        SplitError::LockedOppositeSign {
            index: 0,
            locked: SplitAmount::Units(-5),
            total: SplitAmount::Units(10),
        },
        SplitError::CannotPlace {
            remaining: SplitAmount::Units(7),
        },
        SplitError::Overflow,
    ];
    let mut all: Vec<Box<dyn Localized>> = Vec::new();
    for kind in money_kinds {
        all.push(Box::new(MoneyParseError {
            input: "x".into(),
            kind,
        }));
    }
    for kind in rate_kinds {
        all.push(Box::new(RateParseError {
            input: "x".into(),
            kind,
        }));
    }
    for err in split_errors {
        all.push(Box::new(err));
    }
    all
}

#[test]
fn every_error_has_a_complete_message_in_both_languages() {
    for err in every_error() {
        for (lang, table) in tables() {
            let key = err.message_key();
            assert!(table.contains_key(key), "{key} missing in {lang:?}");
            let text = err.localize(lang);
            assert!(
                !text.contains('{'),
                "unfilled placeholder in {key} ({lang:?}): {text}"
            );
        }
    }
}

#[test]
fn errors_display_in_english() {
    let err = Money::parse("100千").unwrap_err();
    assert_eq!(err.to_string(), err.localize(Lang::En));
    let err = Ratio::parse("1/0").unwrap_err();
    assert_eq!(err.to_string(), err.localize(Lang::En));
    let err = split_by_weights(5, &[Ratio::ZERO]).unwrap_err();
    assert_eq!(err.to_string(), err.localize(Lang::En));
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().starts_with("Cannot split"));
}

#[test]
fn split_error_counts_parts_from_one() {
    let err = split_by_weights(10, &[Ratio::ONE, ratio(-1, 2)]).unwrap_err();
    assert_eq!(err, SplitError::NegativeWeight { index: 1 });
    assert!(err.to_string().contains("part 2"), "{err}");
}

// ---------------------------------------------------------------- formatting

#[test]
fn formats_yuan_with_separators_and_two_decimals() {
    assert_eq!(
        Money::from_fen(5_000_000_000).format(AmountUnit::Yuan),
        "50,000,000.00"
    );
    assert_eq!(
        Money::from_fen(-100_050).format(AmountUnit::Yuan),
        "-1,000.50"
    );
    assert_eq!(Money::from_fen(5).format(AmountUnit::Yuan), "0.05");
    assert_eq!(Money::ZERO.format(AmountUnit::Yuan), "0.00");
    assert_eq!(Money::from_fen(-1).format(AmountUnit::Yuan), "-0.01");
}

#[test]
fn formats_wan_rounded_half_away_from_zero() {
    assert_eq!(
        Money::from_fen(5_000_000_000).format(AmountUnit::Wan),
        "5,000.00"
    );
    assert_eq!(
        Money::from_fen(416_666_667).format(AmountUnit::Wan),
        "416.67"
    );
    assert_eq!(Money::from_fen(5_000).format(AmountUnit::Wan), "0.01");
    assert_eq!(Money::from_fen(-5_000).format(AmountUnit::Wan), "-0.01");
    assert_eq!(Money::from_fen(4_999).format(AmountUnit::Wan), "0.00");
    assert_eq!(Money::from_fen(-4_999).format(AmountUnit::Wan), "0.00");
}

#[test]
fn formats_with_unit_suffix() {
    assert_eq!(
        Money::from_fen(5_000_000_000).format_with_unit(AmountUnit::Wan),
        "5,000.00万元"
    );
    assert_eq!(
        Money::from_fen(100_050).format_with_unit(AmountUnit::Yuan),
        "1,000.50元"
    );
    assert_eq!(Money::from_fen(100_050).to_string(), "1,000.50元");
}

#[test]
fn formats_exact_wan_without_rounding() {
    assert_eq!(
        Money::from_fen(416_666_667).format_exact_wan(),
        "416.666667"
    );
    assert_eq!(
        Money::from_fen(5_000_000_000).format_exact_wan(),
        "5,000.00"
    );
    assert_eq!(Money::from_fen(1_234_560).format_exact_wan(), "1.23456");
    assert_eq!(Money::from_fen(1_500_000).format_exact_wan(), "1.50");
    assert_eq!(Money::from_fen(-1).format_exact_wan(), "-0.000001");
    assert_eq!(Money::ZERO.format_exact_wan(), "0.00");
}

// ---------------------------------------------------------------- money arithmetic

#[test]
fn constructs_from_yuan_and_wan_with_overflow_checks() {
    assert_eq!(Money::from_yuan(1_000), Some(Money::from_fen(100_000)));
    assert_eq!(Money::from_wan(5_000), Some(Money::from_fen(5_000_000_000)));
    assert_eq!(Money::from_yuan(i64::MAX), None);
    assert_eq!(Money::from_wan(i64::MAX / 100), None);
}

#[test]
fn checked_arithmetic_reports_overflow() {
    let a = Money::from_fen(150);
    let b = Money::from_fen(50);
    assert_eq!(a.checked_add(b), Some(Money::from_fen(200)));
    assert_eq!(a.checked_sub(b), Some(Money::from_fen(100)));
    assert_eq!(a.checked_mul_int(3), Some(Money::from_fen(450)));
    assert_eq!(a.checked_neg(), Some(Money::from_fen(-150)));
    assert_eq!(Money::from_fen(i64::MAX).checked_add(b), None);
    assert_eq!(Money::from_fen(i64::MIN).checked_sub(b), None);
    assert_eq!(Money::from_fen(i64::MAX).checked_mul_int(2), None);
    assert_eq!(Money::from_fen(i64::MIN).checked_neg(), None);
}

#[test]
fn plain_arithmetic_and_sums() {
    let mut m = Money::from_fen(100);
    m += Money::from_fen(50);
    m -= Money::from_fen(30);
    assert_eq!(m, Money::from_fen(120));
    assert_eq!(-m, Money::from_fen(-120));
    assert_eq!(m + m - Money::from_fen(40), Money::from_fen(200));
    let list = [Money::from_fen(1), Money::from_fen(2), Money::from_fen(3)];
    assert_eq!(list.iter().sum::<Money>(), Money::from_fen(6));
    assert_eq!(list.into_iter().sum::<Money>(), Money::from_fen(6));
}

#[test]
fn sign_queries() {
    assert!(Money::ZERO.is_zero());
    assert!(Money::from_fen(-3).is_negative());
    assert_eq!(Money::from_fen(-3).abs(), Money::from_fen(3));
    assert_eq!(Money::from_fen(-3).signum(), -1);
    assert_eq!(Money::ZERO.signum(), 0);
    assert_eq!(Money::from_fen(8).signum(), 1);
    assert_eq!(Money::default(), Money::ZERO);
    assert_eq!(AmountUnit::default(), AmountUnit::Yuan);
}

#[test]
fn money_serializes_as_plain_fen() {
    let json = serde_json::to_string(&Money::from_fen(100_050)).unwrap();
    assert_eq!(json, "100050");
    let back: Money = serde_json::from_str(&json).unwrap();
    assert_eq!(back, Money::from_fen(100_050));
}

// ---------------------------------------------------------------- ratio

#[test]
fn ratio_is_reduced_with_positive_denominator() {
    let r = ratio(6, -8);
    assert_eq!((r.num(), r.den()), (-3, 4));
    assert_eq!(ratio(0, -5), Ratio::ZERO);
    assert_eq!(ratio(4, 4), Ratio::ONE);
    assert_eq!(Ratio::new(1, 0), None);
    assert_eq!(Ratio::percent(57), ratio(57, 100));
    assert_eq!(Ratio::percent(50), ratio(1, 2));
    assert_eq!(Ratio::from_integer(3), ratio(6, 2));
}

#[test]
fn ratio_arithmetic_is_exact() {
    let half = ratio(1, 2);
    let third = ratio(1, 3);
    assert_eq!(half.checked_add(third), Some(ratio(5, 6)));
    assert_eq!(half.checked_sub(third), Some(ratio(1, 6)));
    assert_eq!(ratio(2, 3).checked_mul(ratio(3, 4)), Some(half));
    assert_eq!(half.checked_div(ratio(1, 4)), Some(Ratio::from_integer(2)));
    assert_eq!(half.checked_div(Ratio::ZERO), None);
    assert!(third.checked_sub(half).unwrap().is_negative());
    assert!(Ratio::ZERO.is_zero());
}

#[test]
fn ratio_arithmetic_reports_overflow_instead_of_panicking() {
    let big = Ratio::from_integer(i128::MAX);
    assert_eq!(big.checked_add(Ratio::ONE), None);
    assert_eq!(big.checked_mul(Ratio::from_integer(2)), None);
    assert_eq!(
        ratio(1, i128::MAX).checked_add(ratio(1, i128::MAX - 1)),
        None
    );
    // Cancelling before multiplying keeps large but reducible products exact.
    assert_eq!(
        ratio(i128::MAX, 3).checked_mul(ratio(3, i128::MAX)),
        Some(Ratio::ONE)
    );
}

#[test]
fn ratio_rounds_to_integers() {
    let r = ratio(7, 2);
    assert_eq!((r.floor(), r.ceil(), r.round_half_away()), (3, 4, 4));
    let r = ratio(-7, 2);
    assert_eq!((r.floor(), r.ceil(), r.round_half_away()), (-4, -3, -4));
    let r = ratio(10, 3);
    assert_eq!((r.floor(), r.ceil(), r.round_half_away()), (3, 4, 3));
    assert_eq!(Ratio::from_integer(5).floor(), 5);
    assert_eq!(Ratio::from_integer(5).ceil(), 5);
}

#[test]
fn ratio_orders_exactly_even_near_the_limits() {
    assert!(ratio(1, 3) < ratio(1, 2));
    assert!(ratio(-1, 2) < ratio(-1, 3));
    assert!(ratio(-1, 3) < Ratio::ZERO);
    let a = ratio(i128::MAX - 1, i128::MAX);
    let b = ratio(i128::MAX - 2, i128::MAX - 1);
    assert!(b < a);
    assert!(a < Ratio::ONE);
    assert!(Ratio::from_integer(i128::MIN) < Ratio::from_integer(i128::MAX));
}

#[test]
fn ratio_to_f64_approximates() {
    assert!((ratio(1, 8).to_f64() - 0.125).abs() < 1e-12);
}

#[test]
fn parses_rates_as_percent_decimal_or_fraction() {
    assert_eq!(rate("10%"), ratio(1, 10));
    assert_eq!(rate("57%"), ratio(57, 100));
    assert_eq!(rate("12.5%"), ratio(1, 8));
    assert_eq!(rate("０．５７"), ratio(57, 100));
    assert_eq!(rate("0.57"), ratio(57, 100));
    assert_eq!(rate("10 %"), ratio(1, 10));
    assert_eq!(rate("100%"), Ratio::ONE);
    assert_eq!(rate("3/4"), ratio(3, 4));
    assert_eq!(rate(" 3 / 4 "), ratio(3, 4));
    assert_eq!(rate("１２．５％"), ratio(1, 8));
    assert_eq!(rate("-5%"), ratio(-1, 20));
    assert_eq!(rate(".5"), ratio(1, 2));
    assert_eq!(rate("0.000000000001"), ratio(1, 1_000_000_000_000));
    assert_eq!(rate("0.5000000000000000"), ratio(1, 2));
}

#[test]
fn rejects_malformed_rates() {
    assert_eq!(rate_kind(""), RateErrorKind::Empty);
    assert_eq!(rate_kind("  "), RateErrorKind::Empty);
    for s in ["abc", "%", "1,5", "5%%", "1.5/2", "1/2/3", "--5", "1e3"] {
        assert_eq!(rate_kind(s), RateErrorKind::Invalid, "{s}");
    }
    assert_eq!(rate_kind("1.2.3%"), RateErrorKind::MultipleDecimalPoints);
    assert_eq!(rate_kind("0.1234567890123"), RateErrorKind::TooManyDecimals);
    assert_eq!(rate_kind("1/0"), RateErrorKind::ZeroDenominator);
    assert_eq!(rate_kind(&"9".repeat(60)), RateErrorKind::TooLarge);
}

#[test]
fn formats_rates_as_percent() {
    assert_eq!(ratio(1, 10).format_percent(2), "10%");
    assert_eq!(ratio(1, 8).format_percent(2), "12.5%");
    assert_eq!(ratio(1, 3).format_percent(2), "33.33%");
    assert_eq!(ratio(2, 3).format_percent(2), "66.67%");
    assert_eq!(ratio(-1, 3).format_percent(2), "-33.33%");
    assert_eq!(ratio(1, 8).format_percent(0), "13%");
    assert_eq!(ratio(1, 200_000).format_percent(2), "0%");
    assert_eq!(ratio(-1, 200_000).format_percent(2), "0%");
    assert_eq!(ratio(9_999, 10_000).format_percent(1), "100%");
    assert_eq!(Ratio::from_integer(12).format_percent(2), "1200%");
}

#[test]
fn formats_rates_as_decimal() {
    assert_eq!(ratio(1, 8).format_decimal(3), "0.125");
    assert_eq!(ratio(1, 8).format_decimal(2), "0.13");
    assert_eq!(ratio(-1, 8).format_decimal(2), "-0.13");
    assert_eq!(ratio(1, 3).format_decimal(4), "0.3333");
    assert_eq!(ratio(5, 2).format_decimal(0), "3");
    assert_eq!(Ratio::ZERO.format_decimal(2), "0");
}

#[test]
fn multiplies_money_by_rate_exactly() {
    let revenue = Money::parse("5.75亿").unwrap();
    let share = revenue.mul_ratio(Ratio::percent(12), Rounding::HalfAwayFromZero);
    assert_eq!(share, Some(Money::parse("6,900万").unwrap()));
}

#[test]
fn multiplies_money_by_rate_with_each_rounding() {
    let one = Money::from_fen(1);
    let half = ratio(1, 2);
    assert_eq!(one.mul_ratio(half, Rounding::Floor), Some(Money::ZERO));
    assert_eq!(one.mul_ratio(half, Rounding::Ceil), Some(one));
    assert_eq!(one.mul_ratio(half, Rounding::HalfAwayFromZero), Some(one));
    assert_eq!(one.mul_ratio(half, Rounding::HalfEven), Some(Money::ZERO));
    let three = Money::from_fen(3);
    assert_eq!(
        three.mul_ratio(half, Rounding::HalfEven),
        Some(Money::from_fen(2))
    );
    let minus_one = Money::from_fen(-1);
    assert_eq!(
        minus_one.mul_ratio(half, Rounding::HalfAwayFromZero),
        Some(minus_one)
    );
    assert_eq!(minus_one.mul_ratio(half, Rounding::Floor), Some(minus_one));
    assert_eq!(minus_one.mul_ratio(half, Rounding::Ceil), Some(Money::ZERO));
    assert_eq!(
        Money::from_fen(i64::MAX).mul_ratio(Ratio::from_integer(2), Rounding::Floor),
        None
    );
}

#[test]
fn ceil_div_gives_leads_needed_for_deals() {
    assert_eq!(ceil_div(57, Ratio::percent(57)), Some(100));
    assert_eq!(ceil_div(50, Ratio::percent(10)), Some(500));
    assert_eq!(ceil_div(10, Ratio::percent(10)), Some(100));
    assert_eq!(ceil_div(1, Ratio::percent(30)), Some(4));
    assert_eq!(ceil_div(0, Ratio::percent(30)), Some(0));
    assert_eq!(ceil_div(7, Ratio::ONE), Some(7));
}

#[test]
fn ceil_div_refuses_non_positive_rates_and_overflow() {
    assert_eq!(ceil_div(5, Ratio::ZERO), None);
    assert_eq!(ceil_div(5, Ratio::percent(-10)), None);
    assert_eq!(ceil_div(i128::MAX, ratio(1, 2)), None);
}

#[test]
fn ratio_round_trips_through_serde_and_rejects_broken_files() {
    let r = ratio(-3, 8);
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<Ratio>(&json).unwrap(), r);
    assert!(serde_json::from_str::<Ratio>(r#"{"num":1,"den":0}"#).is_err());
    let reduced: Ratio = serde_json::from_str(r#"{"num":2,"den":-4}"#).unwrap();
    assert_eq!(reduced, ratio(-1, 2));
}

// ---------------------------------------------------------------- split

#[test]
fn splits_5000_wan_over_12_months_into_8_high_and_4_low() {
    let total = Money::parse("5,000万").unwrap();
    assert_eq!(total.fen(), 5_000_000_000);
    let parts = split_money(total, &equal(12), &[None; 12]).unwrap();
    let expected: Vec<Money> = [416_666_667; 8]
        .into_iter()
        .chain([416_666_666; 4])
        .map(Money::from_fen)
        .collect();
    assert_eq!(parts, expected);
    assert_eq!(parts[0].format(AmountUnit::Yuan), "4,166,666.67");
    assert_eq!(parts[11].format(AmountUnit::Yuan), "4,166,666.66");
    assert_eq!(parts.iter().sum::<Money>(), total);
}

#[test]
fn splits_negative_total_as_mirror_of_its_magnitude() {
    let parts = split_by_weights(-5_000_000_000, &equal(12)).unwrap();
    let positive = split_by_weights(5_000_000_000, &equal(12)).unwrap();
    assert_eq!(parts, positive.iter().map(|p| -p).collect::<Vec<_>>());
}

#[test]
fn splits_5000_wan_by_40_30_30_percent_exactly() {
    let weights = [Ratio::percent(40), Ratio::percent(30), Ratio::percent(30)];
    let parts = split_by_weights(5_000_000_000, &weights).unwrap();
    assert_eq!(parts, vec![2_000_000_000, 1_500_000_000, 1_500_000_000]);
}

#[test]
fn splits_100_fen_over_three_equal_weights_as_34_33_33() {
    assert_eq!(split_by_weights(100, &equal(3)).unwrap(), vec![34, 33, 33]);
}

#[test]
fn gives_leftover_units_to_largest_remainders_then_earlier_parts() {
    // 10 by 1:2 = 3.33 / 6.67: the second part has the larger remainder.
    assert_eq!(
        split_by_weights(10, &[Ratio::ONE, Ratio::from_integer(2)]).unwrap(),
        vec![3, 7]
    );
    assert_eq!(split_by_weights(2, &equal(3)).unwrap(), vec![1, 1, 0]);
}

#[test]
fn keeps_locked_parts_and_spreads_the_rest() {
    let parts = split_with_locks(1_000, &equal(4), &[Some(400), None, None, None]).unwrap();
    assert_eq!(parts, vec![400, 200, 200, 200]);
}

#[test]
fn locked_money_parts_are_kept() {
    let total = Money::from_fen(1_000);
    let locked = [None, Some(Money::from_fen(100)), None];
    let parts = split_money(total, &equal(3), &locked).unwrap();
    assert_eq!(
        parts,
        vec![
            Money::from_fen(450),
            Money::from_fen(100),
            Money::from_fen(450)
        ]
    );
}

#[test]
fn zero_weight_parts_get_nothing() {
    let weights = [Ratio::ONE, Ratio::ZERO, Ratio::ONE];
    assert_eq!(split_by_weights(11, &weights).unwrap(), vec![6, 0, 5]);
}

#[test]
fn splits_zero_and_empty_inputs() {
    assert_eq!(split_by_weights(0, &equal(3)).unwrap(), vec![0, 0, 0]);
    assert_eq!(split_by_weights(0, &[Ratio::ZERO]).unwrap(), vec![0]);
    assert_eq!(split_by_weights(0, &[]).unwrap(), Vec::<i64>::new());
    assert_eq!(
        split_with_locks(10, &equal(2), &[Some(4), Some(6)]).unwrap(),
        vec![4, 6]
    );
}

#[test]
fn rejects_negative_weight_naming_the_part() {
    let weights = [Ratio::ONE, Ratio::ONE, Ratio::percent(-1)];
    assert_eq!(
        split_by_weights(10, &weights),
        Err(SplitError::NegativeWeight { index: 2 })
    );
}

#[test]
fn rejects_locks_of_the_wrong_length() {
    assert_eq!(
        split_with_locks(10, &equal(3), &[None, None]),
        Err(SplitError::LengthMismatch {
            weights: 3,
            locked: 2
        })
    );
}

#[test]
fn rejects_locked_parts_exceeding_the_total() {
    assert_eq!(
        split_with_locks(1_000, &equal(3), &[Some(600), Some(500), None]),
        Err(SplitError::LockedExceedTotal {
            locked: SplitAmount::Units(1_100),
            total: SplitAmount::Units(1_000)
        })
    );
    let err = split_money(
        Money::from_fen(-1_000),
        &equal(2),
        &[Some(Money::from_fen(-1_500)), None],
    )
    .unwrap_err();
    assert_eq!(
        err,
        SplitError::LockedExceedTotal {
            locked: SplitAmount::Fen(-1_500),
            total: SplitAmount::Fen(-1_000)
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("-15.00元") && message.contains("-10.00元"),
        "{message}"
    );
}

#[test]
fn rejects_locked_part_against_the_sign_of_the_total() {
    assert_eq!(
        split_with_locks(1_000, &equal(2), &[None, Some(-5)]),
        Err(SplitError::LockedOppositeSign {
            index: 1,
            locked: SplitAmount::Units(-5),
            total: SplitAmount::Units(1_000)
        })
    );
    assert_eq!(
        split_with_locks(-1_000, &equal(2), &[Some(5), None]),
        Err(SplitError::LockedOppositeSign {
            index: 0,
            locked: SplitAmount::Units(5),
            total: SplitAmount::Units(-1_000)
        })
    );
}

#[test]
fn rejects_remainder_that_no_unlocked_part_can_take() {
    assert_eq!(
        split_by_weights(10, &[Ratio::ZERO, Ratio::ZERO]),
        Err(SplitError::CannotPlace {
            remaining: SplitAmount::Units(10)
        })
    );
    assert_eq!(
        split_with_locks(10, &equal(2), &[Some(3), Some(3)]),
        Err(SplitError::CannotPlace {
            remaining: SplitAmount::Units(4)
        })
    );
    assert_eq!(
        split_by_weights(-10, &[]),
        Err(SplitError::CannotPlace {
            remaining: SplitAmount::Units(-10)
        })
    );
}

#[test]
fn rejects_weights_too_large_to_compute_exactly() {
    let weights = [
        Ratio::from_integer(i128::MAX),
        Ratio::from_integer(i128::MAX),
    ];
    assert_eq!(split_by_weights(10, &weights), Err(SplitError::Overflow));
}

#[test]
fn splits_evenly_with_larger_parts_first() {
    assert_eq!(split_even(10, 3), vec![4, 3, 3]);
    assert_eq!(split_even(-10, 3), vec![-4, -3, -3]);
    assert_eq!(split_even(9, 3), vec![3, 3, 3]);
    assert_eq!(split_even(2, 4), vec![1, 1, 0, 0]);
    assert_eq!(split_even(0, 0), Vec::<i64>::new());
    assert_eq!(split_even(i64::MIN, 1), vec![i64::MIN]);
}

// ---------------------------------------------------------------- properties

/// Weights as people set them: whole numbers, percentages, decimals, simple fractions.
fn weight() -> impl Strategy<Value = Ratio> {
    let den = prop::sample::select(vec![
        1i128,
        2,
        3,
        4,
        6,
        7,
        12,
        100,
        10_000,
        100_000_000_000_000,
    ]);
    (0i128..1_000_000, den).prop_map(|(n, d)| ratio(n, d))
}

fn weights() -> impl Strategy<Value = Vec<Ratio>> {
    prop::collection::vec(weight(), 1..24).prop_filter("some weight must be positive", |w| {
        w.iter().any(|r| !r.is_zero())
    })
}

/// Weights, locks (on parts the filter leaves with positive-weight unlocked company), total.
fn locked_case() -> impl Strategy<Value = (i64, Vec<Ratio>, Vec<Option<i64>>)> {
    (weights(), 0i64..=MAX_ABS_FEN).prop_flat_map(|(weights, total)| {
        let n = weights.len();
        let locks = prop::collection::vec(prop::option::of(0u32..=1_000), n);
        (Just(weights), Just(total), locks).prop_map(|(weights, total, locks)| {
            // Each lock takes a share of total / n, so locks never exceed the total.
            let n = i128::try_from(weights.len()).unwrap();
            let mut locked: Vec<Option<i64>> = locks
                .iter()
                .map(|l| {
                    l.map(|permille| {
                        i64::try_from(i128::from(total) * i128::from(permille) / 1_000 / n).unwrap()
                    })
                })
                .collect();
            // Keep one positive-weight part unlocked so the remainder has somewhere to go.
            if let Some(i) = weights.iter().position(|w| !w.is_zero()) {
                locked[i] = None;
            }
            (total, weights, locked)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parts_sum_exactly_to_the_total(total in -MAX_ABS_FEN..=MAX_ABS_FEN, w in weights()) {
        let parts = split_by_weights(total, &w).unwrap();
        prop_assert_eq!(parts.len(), w.len());
        prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), i128::from(total));
    }

    #[test]
    fn split_with_arbitrary_fractions_is_exact_or_reports_overflow(
        total in any::<i64>(),
        w in prop::collection::vec((0i128..1_000, 1i128..100).prop_map(|(n, d)| ratio(n, d)), 1..30)
    ) {
        match split_by_weights(total, &w) {
            Ok(parts) => prop_assert_eq!(
                parts.iter().map(|&p| i128::from(p)).sum::<i128>(),
                i128::from(total)
            ),
            Err(e) => {
                let expected = matches!(e, SplitError::Overflow | SplitError::CannotPlace { .. });
                prop_assert!(expected, "unexpected error {:?}", e);
            }
        }
    }

    #[test]
    fn parts_with_locks_sum_exactly_and_keep_locks((total, w, locked) in locked_case()) {
        let parts = split_with_locks(total, &w, &locked).unwrap();
        prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), i128::from(total));
        for (part, lock) in parts.iter().zip(&locked) {
            if let Some(value) = lock {
                prop_assert_eq!(part, value);
            }
        }
    }

    #[test]
    fn no_negative_part_from_non_negative_total_and_weights(
        (total, w, locked) in locked_case()
    ) {
        let parts = split_with_locks(total, &w, &locked).unwrap();
        prop_assert!(parts.iter().all(|&p| p >= 0));
    }

    #[test]
    fn zero_weight_unlocked_parts_stay_zero(total in 0i64..=MAX_ABS_FEN, w in weights()) {
        let parts = split_by_weights(total, &w).unwrap();
        for (part, weight) in parts.iter().zip(&w) {
            if weight.is_zero() {
                prop_assert_eq!(*part, 0);
            }
        }
    }

    #[test]
    fn parts_stay_within_one_unit_of_their_exact_quota(total in 0i64..=MAX_ABS_FEN, w in weights()) {
        let parts = split_by_weights(total, &w).unwrap();
        let sum = w.iter().try_fold(Ratio::ZERO, |acc, r| acc.checked_add(*r)).unwrap();
        for (part, weight) in parts.iter().zip(&w) {
            let quota = weight.checked_div(sum).unwrap()
                .checked_mul(Ratio::from_integer(i128::from(total))).unwrap();
            prop_assert!(i128::from(*part) == quota.floor() || i128::from(*part) == quota.ceil());
        }
    }

    #[test]
    fn equal_weights_give_parts_differing_by_at_most_one(
        total in -MAX_ABS_FEN..=MAX_ABS_FEN, n in 1usize..40
    ) {
        let parts = split_by_weights(total, &equal(n)).unwrap();
        let max = parts.iter().max().unwrap();
        let min = parts.iter().min().unwrap();
        prop_assert!(max - min <= 1);
        prop_assert_eq!(parts, split_even(total, n));
    }

    #[test]
    fn split_is_deterministic((total, w, locked) in locked_case()) {
        prop_assert_eq!(
            split_with_locks(total, &w, &locked),
            split_with_locks(total, &w, &locked)
        );
    }

    #[test]
    fn negative_total_splits_as_the_mirror_image(total in 0i64..=MAX_ABS_FEN, w in weights()) {
        let positive = split_by_weights(total, &w).unwrap();
        let negative = split_by_weights(-total, &w).unwrap();
        prop_assert_eq!(negative, positive.iter().map(|p| -p).collect::<Vec<_>>());
    }

    #[test]
    fn parse_reads_back_formatted_yuan(x in -MAX_ABS_FEN..=MAX_ABS_FEN) {
        let m = Money::from_fen(x);
        prop_assert_eq!(Money::parse(&m.format(AmountUnit::Yuan)), Ok(m));
        prop_assert_eq!(Money::parse(&m.format_with_unit(AmountUnit::Yuan)), Ok(m));
        prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
    }

    #[test]
    fn parse_reads_back_exact_wan(x in -MAX_ABS_FEN..=MAX_ABS_FEN) {
        let m = Money::from_fen(x);
        prop_assert_eq!(Money::parse(&format!("{}万", m.format_exact_wan())), Ok(m));
    }

    #[test]
    fn rounded_wan_is_within_half_a_hundredth(x in -MAX_ABS_FEN..=MAX_ABS_FEN) {
        let m = Money::from_fen(x);
        let shown = Money::parse(&format!("{}万", m.format(AmountUnit::Wan))).unwrap();
        prop_assert!((shown.fen() - x).abs() <= 5_000);
    }

    #[test]
    fn parse_never_panics_on_any_text(s in "\\PC{0,30}") {
        let _ = Money::parse(&s);
        let _ = Ratio::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_amount_like_text(s in "[-+(（)）¥￥0-9０-９,，.．万亿元 ]{0,20}") {
        if let Ok(m) = Money::parse(&s) {
            prop_assert!(m.fen().abs() <= MAX_ABS_FEN);
        }
    }

    #[test]
    fn ratio_order_agrees_with_cross_multiplication(
        a in any::<i64>(), b in 1i64..=i64::MAX, c in any::<i64>(), d in 1i64..=i64::MAX
    ) {
        let left = ratio(a.into(), b.into());
        let right = ratio(c.into(), d.into());
        let expected = (i128::from(a) * i128::from(d)).cmp(&(i128::from(c) * i128::from(b)));
        prop_assert_eq!(left.cmp(&right), expected);
        prop_assert_eq!(left == right, expected == std::cmp::Ordering::Equal);
    }

    #[test]
    fn ceil_div_is_the_smallest_sufficient_integer(
        n in -1_000_000_000_000i128..=1_000_000_000_000, num in 1i128..1_000_000, den in 1i128..1_000_000
    ) {
        let r = ratio(num, den);
        let k = ceil_div(n, r).unwrap();
        let target = Ratio::from_integer(n);
        prop_assert!(Ratio::from_integer(k).checked_mul(r).unwrap() >= target);
        prop_assert!(Ratio::from_integer(k - 1).checked_mul(r).unwrap() < target);
    }

    #[test]
    fn floor_and_ceil_bracket_the_value(num in any::<i64>(), den in 1i64..=i64::MAX) {
        let r = ratio(num.into(), den.into());
        let floor = Ratio::from_integer(r.floor());
        let ceil = Ratio::from_integer(r.ceil());
        prop_assert!(floor <= r && r <= ceil);
        prop_assert!(r.ceil() - r.floor() <= 1);
        let rounded = r.round_half_away();
        prop_assert!(rounded == r.floor() || rounded == r.ceil());
    }

    #[test]
    fn mul_ratio_brackets_the_exact_product(
        x in -MAX_ABS_FEN..=MAX_ABS_FEN, num in -1_000_000i128..1_000_000, den in 1i128..1_000_000
    ) {
        let r = ratio(num, den);
        let exact = Ratio::from_integer(x.into()).checked_mul(r).unwrap();
        if exact.floor() < i128::from(i64::MIN) || exact.ceil() > i128::from(i64::MAX) {
            prop_assert_eq!(Money::from_fen(x).mul_ratio(r, Rounding::Ceil), None);
            return Ok(());
        }
        let floor = Money::from_fen(x).mul_ratio(r, Rounding::Floor).unwrap();
        let ceil = Money::from_fen(x).mul_ratio(r, Rounding::Ceil).unwrap();
        prop_assert_eq!(i128::from(floor.fen()), exact.floor());
        prop_assert_eq!(i128::from(ceil.fen()), exact.ceil());
        for rounding in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            let fen = Money::from_fen(x).mul_ratio(r, rounding).unwrap().fen();
            prop_assert!(fen == floor.fen() || fen == ceil.fen());
        }
    }

    #[test]
    fn ratio_parses_its_own_percent_format(num in -1_000_000i128..1_000_000, den in 1i128..1_000) {
        let r = ratio(num, den);
        // 12 decimals of a percent may need up to 14 decimals of the ratio; 10 is always safe.
        let shown = r.format_percent(10);
        let back = Ratio::parse(&shown).unwrap();
        let diff = back.checked_sub(r).unwrap();
        prop_assert!(diff.checked_mul(Ratio::from_integer(10i128.pow(12))).unwrap().round_half_away().abs() <= 1);
    }
}

#[test]
fn fixed_percentages_keep_their_decimals_for_columns() {
    use salesplan::domain::ratio::Ratio;
    assert_eq!(Ratio::percent(40).format_percent_fixed(1), "40.0%");
    assert_eq!(Ratio::new(1, 3).unwrap().format_percent_fixed(1), "33.3%");
    assert_eq!(Ratio::new(2, 3).unwrap().format_percent_fixed(1), "66.7%");
    assert_eq!(Ratio::new(9, 100).unwrap().format_percent_fixed(1), "9.0%");
    assert_eq!(Ratio::ZERO.format_percent_fixed(2), "0.00%");
}
