//! Amounts, counts and rates as people type them and as cells hold them: no input may panic,
//! and what parses must read back the way the parsers' documentation promises.

#![no_main]

use libfuzzer_sys::fuzz_target;
use salesplan::domain::money::{AmountUnit, MAX_ABS_FEN, Money};
use salesplan::exchange::values::{
    CellKind, parse_amount, parse_amount_rounding, parse_count, parse_rate,
};

const KINDS: [CellKind; 5] = [
    CellKind::Empty,
    CellKind::Text,
    CellKind::Number,
    CellKind::Date,
    CellKind::Bool,
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    let exact = Money::parse(text);
    let rounding = Money::parse_rounding(text);
    let _ = text.parse::<Money>();
    if let Ok(m) = &exact {
        check_money(*m);
        // The same rules, so an exact amount is read the same and not rounded.
        assert_eq!(rounding.as_ref().ok(), Some(&(*m, false)), "{text:?}");
    }
    if let Ok((m, was_rounded)) = &rounding {
        check_money(*m);
        if !was_rounded {
            assert_eq!(exact.as_ref().ok(), Some(m), "{text:?}");
        }
    }

    for kind in KINDS {
        if let Ok(m) = parse_amount(kind, text) {
            check_money(m);
            assert_eq!(parse_amount_rounding(kind, text).ok(), Some((m, false)));
        }
        if let Ok((m, _)) = parse_amount_rounding(kind, text) {
            check_money(m);
        }
        if let Ok(n) = parse_count(kind, text) {
            // A count is a whole number, zero or more: its plain text reads back.
            assert_eq!(parse_count(CellKind::Text, &n.to_string()).ok(), Some(n));
        }
        if let Ok(r) = parse_rate(kind, text) {
            let _ = r.format_percent(2);
            let _ = r.format_decimal(12);
        }
    }
});

/// An amount from parsing is within the bounds and its exact texts read back to it.
fn check_money(m: Money) {
    assert!(
        m.fen().abs() <= MAX_ABS_FEN,
        "{m:?} beyond the largest amount"
    );
    // `format` in 元 is exact; `format_exact_wan` is the exact value in 万.
    let yuan = m.format(AmountUnit::Yuan);
    assert_eq!(Money::parse(&yuan).ok(), Some(m), "{yuan:?}");
    let with_unit = m.format_with_unit(AmountUnit::Yuan);
    assert_eq!(Money::parse(&with_unit).ok(), Some(m), "{with_unit:?}");
    let wan = format!("{}万", m.format_exact_wan());
    assert_eq!(Money::parse(&wan).ok(), Some(m), "{wan:?}");
    for kind in [CellKind::Text, CellKind::Number] {
        if kind == CellKind::Text || !yuan.contains(',') {
            assert_eq!(parse_amount(kind, &yuan).ok(), Some(m), "{kind:?} {yuan:?}");
        }
    }
    let _ = m.format(AmountUnit::Wan);
    let _ = m.to_string();
}
