//! Imported cell values: every accepted and refused form with its exact result, column
//! classification, names and match keys, messages in both languages, and properties over random
//! inputs.

use jiff::civil::Date;
use proptest::prelude::*;
use salesplan::domain::money::{Money, MoneyErrorKind};
use salesplan::domain::ratio::{RateErrorKind, Ratio};
use salesplan::exchange::values::{
    CellKind, DateColumn, DayOrder, ValueError, ValueKind, ValueReason, classify_date_column,
    excel_serial_date, is_blank, is_spreadsheet_error, match_key, normalize_name, parse_amount,
    parse_count, parse_date_cell, parse_rate,
};
use salesplan::i18n::{Lang, Localized, tables};

use CellKind::{Bool, Number, Text};
use DayOrder::{DayFirst, MonthFirst};

fn day(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn date(kind: CellKind, text: &str, order: Option<DayOrder>) -> Date {
    match parse_date_cell(kind, text, order, false) {
        Ok(d) => d,
        Err(e) => panic!("{text:?} ({kind:?}, {order:?}) should be a date, got {e}"),
    }
}

fn date_error(kind: CellKind, text: &str, order: Option<DayOrder>) -> ValueError {
    match parse_date_cell(kind, text, order, false) {
        Ok(d) => panic!("{text:?} ({kind:?}, {order:?}) should be refused, got {d}"),
        Err(e) => e,
    }
}

fn date_reason(kind: CellKind, text: &str, order: Option<DayOrder>) -> ValueReason {
    date_error(kind, text, order).reason
}

fn serial(text: &str, date_1904: bool) -> Result<Date, ValueReason> {
    excel_serial_date(text, date_1904).map_err(|e| e.reason)
}

fn fen(kind: CellKind, text: &str) -> i64 {
    match parse_amount(kind, text) {
        Ok(m) => m.fen(),
        Err(e) => panic!("{text:?} ({kind:?}) should be an amount, got {e}"),
    }
}

fn amount_reason(kind: CellKind, text: &str) -> ValueReason {
    match parse_amount(kind, text) {
        Ok(m) => panic!("{text:?} ({kind:?}) should be refused, got {m}"),
        Err(e) => e.reason,
    }
}

fn money_kind(kind: CellKind, text: &str) -> MoneyErrorKind {
    match amount_reason(kind, text) {
        ValueReason::NotAnAmount(e) => e.kind,
        other => panic!("{text:?} should not be an amount, got {other:?}"),
    }
}

fn count(kind: CellKind, text: &str) -> Result<u64, ValueReason> {
    parse_count(kind, text).map_err(|e| e.reason)
}

fn rate(kind: CellKind, text: &str) -> Result<Ratio, ValueReason> {
    parse_rate(kind, text).map_err(|e| e.reason)
}

fn ratio(num: i128, den: i128) -> Ratio {
    Ratio::new(num, den).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

#[test]
fn year_first_dates_are_read_in_every_accepted_form() {
    for text in [
        "2024-01-05",
        "2024-1-5",
        "2024/1/5",
        "2024/01/05",
        "2024.1.5",
        "2024年1月5日",
        "2024年1月5号",
        "２０２４－０１－０５",
        "２０２４／１／５",
        "２０２４年１月５日",
        "  2024-01-05\u{00A0}",
        "\u{FEFF}2024-01-05",
        "2024-01-05\u{200B}",
        "\u{3000}2024/1/5\u{3000}",
    ] {
        for order in [None, Some(MonthFirst), Some(DayFirst)] {
            assert_eq!(date(Text, text, order), day(2024, 1, 5), "{text:?}");
        }
    }
}

#[test]
fn date_cells_hold_iso_dates_with_or_without_a_time() {
    assert_eq!(date(CellKind::Date, "2024-01-05", None), day(2024, 1, 5));
    assert_eq!(
        date(CellKind::Date, "2024-01-05T10:30:00", None),
        day(2024, 1, 5)
    );
}

#[test]
fn a_time_after_the_date_is_checked_and_ignored() {
    for text in [
        "2024-01-05 10:30",
        "2024-01-05T10:30:00",
        "2024-01-05T10:30:00.250",
        "2024/1/5 9:05:00",
        "2024/1/5  9:05",
        "2024年1月5日 23:59:59",
        "2024-01-05 12:00 AM",
        "2024-01-05 9:05 pm",
        "２０２４／１／５　９：０５",
    ] {
        assert_eq!(date(Text, text, None), day(2024, 1, 5), "{text:?}");
    }
    assert_eq!(
        date(Text, "1/5/2024 9:05:00", Some(MonthFirst)),
        day(2024, 1, 5)
    );
    assert_eq!(
        date(Text, "5.1.2024 17:45", Some(DayFirst)),
        day(2024, 1, 5)
    );
}

#[test]
fn text_after_a_date_that_is_not_a_time_is_refused() {
    for text in [
        "2024-01-05 24:00",
        "2024-01-05 10:60",
        "2024-01-05 10:3",
        "2024-01-05 10",
        "2024-01-05 10:30:00:00",
        "2024-01-05 13:00 PM",
        "2024-01-05 noon",
        "2024-01-05T",
        "2024-01-05 10:30:00.",
    ] {
        assert_eq!(
            date_reason(Text, text, None),
            ValueReason::NotADate,
            "{text:?}"
        );
    }
}

#[test]
fn year_last_dates_follow_the_column_order() {
    assert_eq!(date(Text, "1/5/2024", Some(MonthFirst)), day(2024, 1, 5));
    assert_eq!(date(Text, "1/5/2024", Some(DayFirst)), day(2024, 5, 1));
    assert_eq!(date(Text, "01/05/2024", Some(MonthFirst)), day(2024, 1, 5));
    assert_eq!(date(Text, "01/05/2024", Some(DayFirst)), day(2024, 5, 1));
    assert_eq!(date(Text, "5.1.2024", Some(DayFirst)), day(2024, 1, 5));
    assert_eq!(date(Text, "5-1-2024", Some(DayFirst)), day(2024, 1, 5));
    assert_eq!(
        date(Text, "１／５／２０２４", Some(MonthFirst)),
        day(2024, 1, 5)
    );
    assert_eq!(
        date(Text, "12/31/2024", Some(MonthFirst)),
        day(2024, 12, 31)
    );
    assert_eq!(date(Text, "31.12.2024", Some(DayFirst)), day(2024, 12, 31));
}

#[test]
fn year_last_dates_without_an_order_are_read_only_when_they_cannot_be_misread() {
    assert_eq!(date(Text, "13/1/2024", None), day(2024, 1, 13));
    assert_eq!(date(Text, "1/13/2024", None), day(2024, 1, 13));
    assert_eq!(date(Text, "5/5/2024", None), day(2024, 5, 5));
    assert_eq!(
        date_reason(Text, "1/5/2024", None),
        ValueReason::AmbiguousDayOrder {
            month_first: day(2024, 1, 5),
            day_first: day(2024, 5, 1),
        }
    );
}

#[test]
fn a_date_impossible_in_the_column_order_but_real_in_the_other_is_refused_with_both() {
    assert_eq!(
        date_reason(Text, "13/1/2024", Some(MonthFirst)),
        ValueReason::ContradictsDayOrder {
            order: MonthFirst,
            month: 13,
            other: day(2024, 1, 13),
        }
    );
    assert_eq!(
        date_reason(Text, "1/13/2024", Some(DayFirst)),
        ValueReason::ContradictsDayOrder {
            order: DayFirst,
            month: 13,
            other: day(2024, 1, 13),
        }
    );
}

#[test]
fn two_digit_years_are_refused() {
    for text in [
        "1/5/24",
        "01/05/24",
        "24-1-5",
        "24/01/05",
        "5.1.24",
        "24年1月5日",
    ] {
        for order in [None, Some(MonthFirst), Some(DayFirst)] {
            assert_eq!(
                date_reason(Text, text, order),
                ValueReason::TwoDigitYear,
                "{text:?}"
            );
        }
    }
}

#[test]
fn impossible_dates_are_refused_with_the_reason() {
    let no_such_day = |year, month, day, days| ValueReason::NoSuchDay {
        year,
        month,
        day,
        days,
    };
    assert_eq!(
        date_reason(Text, "2024-02-30", None),
        no_such_day(2024, 2, 30, 29)
    );
    assert_eq!(
        date_reason(Text, "2023-02-29", None),
        no_such_day(2023, 2, 29, 28)
    );
    assert_eq!(
        date_reason(Text, "2024年4月31日", None),
        no_such_day(2024, 4, 31, 30)
    );
    assert_eq!(
        date_reason(Text, "2024-01-00", None),
        no_such_day(2024, 1, 0, 31)
    );
    assert_eq!(
        date_reason(Text, "2024-13-01", None),
        ValueReason::NoSuchMonth { month: 13 }
    );
    for order in [None, Some(MonthFirst), Some(DayFirst)] {
        assert_eq!(
            date_reason(Text, "13/13/2024", order),
            ValueReason::NoSuchMonth { month: 13 }
        );
    }
    assert_eq!(
        date_reason(Text, "31/02/2024", Some(DayFirst)),
        no_such_day(2024, 2, 31, 29)
    );
    assert_eq!(
        date_reason(Text, "31/02/2024", None),
        no_such_day(2024, 2, 31, 29)
    );
    assert_eq!(
        date_reason(Text, "02/30/2023", Some(MonthFirst)),
        no_such_day(2023, 2, 30, 28)
    );
    assert_eq!(
        date_reason(Text, "31/02/2024", Some(MonthFirst)),
        ValueReason::NoSuchMonth { month: 31 }
    );
}

#[test]
fn impossible_date_message_says_why_and_what_to_check() {
    let error = date_error(Text, "31/02/2024", Some(DayFirst));
    assert_eq!(
        error.to_string(),
        "\"31/02/2024\" is not a real date: month 2 of 2024 has 29 days. Check the day."
    );
    assert_eq!(
        error.localize(Lang::Zh),
        "“31/02/2024”不是真实的日期：2024 年 2 月共 29 天。请检查日期。"
    );
}

#[test]
fn years_outside_the_plan_range_are_refused() {
    assert_eq!(
        date_reason(Text, "1899-12-31", None),
        ValueReason::YearOutOfRange { year: 1899 }
    );
    assert_eq!(
        date_reason(Text, "1/5/3001", Some(MonthFirst)),
        ValueReason::YearOutOfRange { year: 3001 }
    );
    assert_eq!(date(Text, "3000-12-31", None), day(3000, 12, 31));
    assert_eq!(date(Text, "1/1/1900", Some(DayFirst)), day(1900, 1, 1));
}

#[test]
fn text_that_is_no_date_is_refused() {
    for text in [
        "hello",
        "2024",
        "2024-01",
        "2024-01-05-06",
        "2024/01-05",
        "Jan 5, 2024",
        "5 Jan 2024",
        "45292",
        "2024-001-05",
        "1/5/202",
        "1/5/20245",
        "2024年1月",
        "1/-5/2024",
        "20241305",
    ] {
        assert_eq!(
            date_reason(Text, text, None),
            ValueReason::NotADate,
            "{text:?}"
        );
    }
}

#[test]
fn eight_digits_are_refused_but_named_as_the_date_they_would_be() {
    let expected = ValueReason::DigitsOnlyDate {
        date: day(2024, 1, 5),
    };
    assert_eq!(date_reason(Text, "20240105", None), expected);
    assert_eq!(date_reason(Number, "20240105", None), expected);
    assert_eq!(
        date_error(Text, "20240105", None).to_string(),
        "\"20240105\" is written as digits only, so it is not clear that it is a date. \
         If it means 2024-01-05, write it as 2024-01-05."
    );
}

#[test]
fn empty_and_yes_no_cells_are_not_dates() {
    let empty = ValueReason::Empty {
        expected: ValueKind::Date,
    };
    assert_eq!(date_reason(CellKind::Empty, "", None), empty);
    assert_eq!(date_reason(Text, "   ", None), empty);
    assert_eq!(date_reason(Text, "\u{3000}\u{200B}", None), empty);
    assert_eq!(date_reason(Number, "", None), empty);
    assert_eq!(
        date_reason(Bool, "TRUE", None),
        ValueReason::BoolCell {
            expected: ValueKind::Date
        }
    );
}

#[test]
fn number_cells_in_a_date_column_are_serials() {
    assert_eq!(date(Number, "45292", None), day(2024, 1, 1));
    assert_eq!(date(Number, "45292.75", Some(DayFirst)), day(2024, 1, 1));
    assert_eq!(
        parse_date_cell(Number, "43830", None, true),
        Ok(day(2024, 1, 1))
    );
}

#[test]
fn serials_of_the_1900_system_count_the_fictitious_leap_day() {
    assert_eq!(serial("1", false), Ok(day(1900, 1, 1)));
    assert_eq!(serial("59", false), Ok(day(1900, 2, 28)));
    assert_eq!(serial("60", false), Err(ValueReason::ExcelLeapDay));
    assert_eq!(serial("61", false), Ok(day(1900, 3, 1)));
    assert_eq!(serial("45292", false), Ok(day(2024, 1, 1)));
    assert_eq!(serial("45292.999", false), Ok(day(2024, 1, 1)));
    assert_eq!(serial("4.5292E4", false), Ok(day(2024, 1, 1)));
    assert_eq!(serial("402133", false), Ok(day(3000, 12, 31)));
}

#[test]
fn serials_of_the_1904_system_start_at_zero() {
    assert_eq!(serial("0", true), Ok(day(1904, 1, 1)));
    assert_eq!(serial("0.5", true), Ok(day(1904, 1, 1)));
    assert_eq!(serial("1", true), Ok(day(1904, 1, 2)));
    assert_eq!(serial("43830", true), Ok(day(2024, 1, 1)));
    assert_eq!(serial("60", true), Ok(day(1904, 3, 1)));
}

#[test]
fn serial_noise_just_below_midnight_is_read_as_the_spreadsheet_shows_it() {
    // 15 significant digits, as spreadsheets show numbers: 45292.9999999999|96 rounds up.
    assert_eq!(serial("45292.999999999996", false), Ok(day(2024, 1, 2)));
    // A real time of 23:59:59.999 stays on its day.
    assert_eq!(serial("45292.99999998843", false), Ok(day(2024, 1, 1)));
}

#[test]
fn serials_outside_the_spreadsheet_range_are_refused() {
    let out_1900 = Err(ValueReason::SerialOutOfRange { date_1904: false });
    let out_1904 = Err(ValueReason::SerialOutOfRange { date_1904: true });
    assert_eq!(serial("0", false), out_1900);
    assert_eq!(serial("0.5", false), out_1900);
    assert_eq!(serial("-1", false), out_1900);
    assert_eq!(serial("-1", true), out_1904);
    assert_eq!(serial("-0.5", true), out_1904);
    assert_eq!(serial("2958466", false), out_1900);
    assert_eq!(serial("2957004", true), out_1904);
    assert_eq!(serial("1e300", false), out_1900);
    assert_eq!(serial("99999999999999999999999", false), out_1900);
    // Inside the spreadsheet range but after the years a plan can use.
    assert_eq!(
        serial("2958465", false),
        Err(ValueReason::YearOutOfRange { year: 9999 })
    );
    assert_eq!(
        serial("1000000", false),
        Err(ValueReason::YearOutOfRange { year: 4637 })
    );
    assert_eq!(
        serial("402134", false),
        Err(ValueReason::YearOutOfRange { year: 3001 })
    );
    assert_eq!(serial("abc", false), Err(ValueReason::NotADate));
    assert_eq!(serial("", false), Err(ValueReason::NotADate));
}

#[test]
fn serial_messages_give_the_range_of_the_date_system() {
    assert_eq!(
        excel_serial_date("0", false).unwrap_err().to_string(),
        "\"0\" is not a spreadsheet date: date numbers run from 1 (1900-01-01) to 2958465 \
         (9999-12-31). Check the cell: it may hold an amount or a count rather than a date."
    );
    assert_eq!(
        excel_serial_date("-3", true).unwrap_err().to_string(),
        "\"-3\" is not a spreadsheet date: date numbers run from 0 (1904-01-01) to 2957003 \
         (9999-12-31). Check the cell: it may hold an amount or a count rather than a date."
    );
}

// ---------------------------------------------------------------------------------------------
// Date columns
// ---------------------------------------------------------------------------------------------

#[test]
fn a_column_without_year_last_dates_needs_no_order() {
    let values = [
        (2, "2024-01-05"),
        (3, ""),
        (4, "2024年1月5日"),
        (5, "5/5/2024"),
        (6, "45292"),
        (7, "1/5/24"),
        (8, "n/a"),
    ];
    assert_eq!(classify_date_column(&values), DateColumn::Decided(None));
    assert_eq!(classify_date_column(&[]), DateColumn::Decided(None));
}

#[test]
fn a_first_number_above_12_proves_day_first() {
    let values = [(2, "1/5/2024"), (3, "2024-03-04"), (4, "13/5/2024")];
    assert_eq!(
        classify_date_column(&values),
        DateColumn::Decided(Some(DayFirst))
    );
    let dotted = [(10, "5.1.2024"), (11, "25.12.2024 08:00")];
    assert_eq!(
        classify_date_column(&dotted),
        DateColumn::Decided(Some(DayFirst))
    );
}

#[test]
fn a_second_number_above_12_proves_month_first() {
    let values = [
        (2, "1/5/2024"),
        (3, "1/13/2024 10:30"),
        (4, "２／１４／２０２４"),
    ];
    assert_eq!(
        classify_date_column(&values),
        DateColumn::Decided(Some(MonthFirst))
    );
}

#[test]
fn a_column_where_every_year_last_date_fits_both_orders_is_ambiguous() {
    let values = [
        (2, "1/5/2024"),
        (3, " 2/5/2024 "),
        (4, "1/5/2024"),
        (5, "2024-07-01"),
        (6, "3/4/2024 9:00"),
        (7, "6/7/2024"),
    ];
    assert_eq!(
        classify_date_column(&values),
        DateColumn::Ambiguous {
            examples: vec![
                "1/5/2024".to_owned(),
                "2/5/2024".to_owned(),
                "3/4/2024 9:00".to_owned()
            ],
        }
    );
}

#[test]
fn a_column_proving_both_orders_is_conflicting_with_the_first_line_of_each() {
    let values = [
        (2, "1/5/2024"),
        (7, "13/5/2024"),
        (9, "5/13/2024"),
        (11, "14/5/2024"),
        (12, "5/14/2024"),
    ];
    assert_eq!(
        classify_date_column(&values),
        DateColumn::Conflicting {
            month_first_line: 9,
            day_first_line: 7,
        }
    );
}

#[test]
fn dates_impossible_in_both_orders_prove_nothing() {
    // Feb 31 is no day either way, and 13/13 has no month.
    let values = [(2, "31/02/2024"), (3, "13/13/2024"), (4, "1/5/2024")];
    assert_eq!(
        classify_date_column(&values),
        DateColumn::Ambiguous {
            examples: vec!["1/5/2024".to_owned()],
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------------

#[test]
fn amounts_are_read_as_money_parse_reads_them() {
    assert_eq!(fen(Text, "1,000.50"), 100_050);
    assert_eq!(fen(Text, "100万"), 100_000_000);
    assert_eq!(fen(Text, "(1,000)"), -100_000);
    assert_eq!(fen(Text, "¥1,000"), 100_000);
    assert_eq!(fen(Text, "１，０００．５０"), 100_050);
    assert_eq!(fen(Text, " 1.5亿\u{00A0}"), 15_000_000_000);
    assert_eq!(fen(Text, "\u{FEFF}1000\u{200B}"), 100_000);
}

#[test]
fn number_cells_are_amounts_in_yuan_as_the_spreadsheet_shows_them() {
    assert_eq!(fen(Number, "1054"), 105_400);
    assert_eq!(fen(Number, "1234.56"), 123_456);
    assert_eq!(fen(Number, "-12.5"), -1_250);
    assert_eq!(fen(Number, "0.30000000000000004"), 30);
    assert_eq!(fen(Number, "1234.5600000000001"), 123_456);
    assert_eq!(fen(Number, "1.5E+3"), 150_000);
    assert_eq!(fen(Number, "0"), 0);
}

#[test]
fn refused_amounts_carry_the_money_reason() {
    assert_eq!(money_kind(Text, "abc"), MoneyErrorKind::NoDigits);
    assert_eq!(
        money_kind(Text, "1.000,50"),
        MoneyErrorKind::AmbiguousSeparator
    );
    assert_eq!(money_kind(Text, "1 000"), MoneyErrorKind::SpaceInsideNumber);
    assert_eq!(
        money_kind(Number, "333.333333333333"),
        MoneyErrorKind::TooPrecise {
            unit: "元",
            max_decimals: 2
        }
    );
    assert_eq!(money_kind(Number, "1e30"), MoneyErrorKind::TooLarge);
    assert_eq!(
        amount_reason(CellKind::Date, "2024-01-05"),
        ValueReason::DateCell {
            expected: ValueKind::Amount
        }
    );
    assert_eq!(
        amount_reason(Bool, "FALSE"),
        ValueReason::BoolCell {
            expected: ValueKind::Amount
        }
    );
    let empty = ValueReason::Empty {
        expected: ValueKind::Amount,
    };
    assert_eq!(amount_reason(CellKind::Empty, ""), empty);
    assert_eq!(amount_reason(Text, " \u{3000} "), empty);
}

#[test]
fn refused_amounts_show_the_money_message() {
    let error = parse_amount(Text, "1.000,50").unwrap_err();
    let money_error = Money::parse("1.000,50").unwrap_err();
    for lang in Lang::ALL {
        assert_eq!(error.localize(lang), money_error.localize(lang));
    }
    assert_eq!(error.text, "1.000,50");
}

// ---------------------------------------------------------------------------------------------
// Counts
// ---------------------------------------------------------------------------------------------

#[test]
fn counts_are_whole_numbers_from_zero() {
    assert_eq!(count(Text, "3"), Ok(3));
    assert_eq!(count(Number, "3"), Ok(3));
    assert_eq!(count(Text, "0"), Ok(0));
    assert_eq!(count(Text, "１２"), Ok(12));
    assert_eq!(count(Text, "1,200"), Ok(1_200));
    assert_eq!(count(Text, "1,234,567"), Ok(1_234_567));
    assert_eq!(count(Text, "+7"), Ok(7));
    assert_eq!(count(Text, "-0"), Ok(0));
    assert_eq!(count(Text, "3.0"), Ok(3));
    assert_eq!(count(Text, "3.00"), Ok(3));
    assert_eq!(count(Text, " 42 "), Ok(42));
    assert_eq!(count(Number, "3.0000000000000004"), Ok(3));
    assert_eq!(count(Number, "1.2E+3"), Ok(1_200));
    assert_eq!(count(Number, "1,200"), Ok(1_200));
    assert_eq!(count(Text, "18446744073709551615"), Ok(u64::MAX));
}

#[test]
fn counts_with_a_fraction_a_sign_or_other_text_are_refused() {
    assert_eq!(count(Text, "3.5"), Err(ValueReason::NotWhole));
    assert_eq!(count(Number, "3.5"), Err(ValueReason::NotWhole));
    assert_eq!(count(Text, "-1"), Err(ValueReason::Negative));
    assert_eq!(count(Number, "-1"), Err(ValueReason::Negative));
    assert_eq!(count(Text, "-3.5"), Err(ValueReason::Negative));
    assert_eq!(count(Text, "1.000"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, "1,00"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, "1,0000"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, ",100"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, "1 200"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, "3个"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, "abc"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, ".5"), Err(ValueReason::NotACount));
    assert_eq!(count(Text, "1e3"), Err(ValueReason::NotACount));
    assert_eq!(count(Number, "NaN"), Err(ValueReason::NotACount));
    assert_eq!(
        count(Text, "18446744073709551616"),
        Err(ValueReason::CountTooLarge)
    );
    assert_eq!(count(Number, "1e20"), Err(ValueReason::CountTooLarge));
    assert_eq!(
        count(Text, ""),
        Err(ValueReason::Empty {
            expected: ValueKind::Count
        })
    );
    assert_eq!(
        count(CellKind::Date, "2024-01-05"),
        Err(ValueReason::DateCell {
            expected: ValueKind::Count
        })
    );
    assert_eq!(
        count(Bool, "TRUE"),
        Err(ValueReason::BoolCell {
            expected: ValueKind::Count
        })
    );
}

#[test]
fn count_messages_say_what_to_write() {
    assert_eq!(
        parse_count(Text, "3.5").unwrap_err().to_string(),
        "\"3.5\" is not a whole number, but a count cannot have a fraction. \
         Enter a whole number such as 12."
    );
    assert_eq!(
        parse_count(Text, "-1").unwrap_err().localize(Lang::Zh),
        "“-1”小于零，而数量不能为负数。请填写 0 或更大的数。"
    );
}

// ---------------------------------------------------------------------------------------------
// Rates
// ---------------------------------------------------------------------------------------------

#[test]
fn rates_are_read_as_ratio_parse_reads_them() {
    assert_eq!(rate(Text, "10%"), Ok(ratio(1, 10)));
    assert_eq!(rate(Text, "12.5%"), Ok(ratio(1, 8)));
    assert_eq!(rate(Text, "０．５７"), Ok(ratio(57, 100)));
    assert_eq!(rate(Text, "１２％"), Ok(ratio(3, 25)));
    assert_eq!(rate(Text, "1/8"), Ok(ratio(1, 8)));
    assert_eq!(rate(Text, "-5%"), Ok(ratio(-1, 20)));
}

#[test]
fn number_cells_hold_the_rate_itself() {
    assert_eq!(rate(Number, "0.1"), Ok(ratio(1, 10)));
    assert_eq!(rate(Number, "1"), Ok(Ratio::ONE));
    assert_eq!(rate(Number, "0.30000000000000004"), Ok(ratio(3, 10)));
    assert_eq!(
        rate(Number, "0.3333333333333333"),
        Ok(ratio(333_333_333_333, 1_000_000_000_000))
    );
    assert_eq!(
        rate(Number, "0.6666666666666666"),
        Ok(ratio(666_666_666_667, 1_000_000_000_000))
    );
    assert_eq!(rate(Number, "1e-20"), Ok(Ratio::ZERO));
}

#[test]
fn refused_rates_carry_the_rate_reason_and_message() {
    let error = parse_rate(Text, "abc").unwrap_err();
    match &error.reason {
        ValueReason::NotARate(e) => {
            assert_eq!(e.kind, RateErrorKind::Invalid);
            assert_eq!(error.localize(Lang::En), e.localize(Lang::En));
        }
        other => panic!("expected a rate error, got {other:?}"),
    }
    assert_eq!(
        rate(CellKind::Date, "2024-01-05"),
        Err(ValueReason::DateCell {
            expected: ValueKind::Rate
        })
    );
    assert_eq!(
        rate(CellKind::Empty, ""),
        Err(ValueReason::Empty {
            expected: ValueKind::Rate
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

#[test]
fn names_are_trimmed_with_one_ordinary_space_between_words() {
    // A full-width space inside a Chinese name is kept as one ordinary space, not guessed away.
    assert_eq!(normalize_name(" 张　伟 "), "张 伟");
    assert_eq!(normalize_name("张伟"), "张伟");
    assert_eq!(normalize_name("ＡＢＣ　Ｃｏ．"), "ABC Co.");
    assert_eq!(normalize_name("a \u{00A0}\t b"), "a b");
    assert_eq!(normalize_name("a\u{2002}b\u{200A}c"), "a b c");
    assert_eq!(normalize_name("GTX\r\nPro"), "GTX Pro");
    assert_eq!(normalize_name("   "), "");
    assert_eq!(normalize_name("华东区（一组）"), "华东区(一组)");
}

#[test]
fn invisible_characters_are_removed_from_names() {
    assert_eq!(normalize_name("\u{FEFF}Acme"), "Acme");
    assert_eq!(normalize_name("GTX\u{200B}Pro"), "GTXPro");
    assert_eq!(normalize_name("a \u{200B} b"), "a b");
    assert_eq!(normalize_name("\u{200E}王芳\u{2060}"), "王芳");
    assert_eq!(normalize_name("x\u{0007}y"), "xy");
}

#[test]
fn match_keys_ignore_case_spaces_hyphens_and_underscores() {
    for text in [
        "GTX Pro",
        "GTXPro",
        "gtx-pro",
        "GTX_PRO",
        " gtx  pro ",
        "ＧＴＸ－Ｐｒｏ",
        "GTX–Pro",
        "GTX\u{200B}Pro",
    ] {
        assert_eq!(match_key(text), "gtxpro", "{text:?}");
    }
    assert_eq!(match_key("张 伟"), match_key("张伟"));
    assert_eq!(match_key("张　伟"), "张伟");
    assert_ne!(match_key("GTX Pro"), match_key("GTX Pro 2"));
    assert_eq!(match_key("CAFÉ"), "cafÉ");
}

#[test]
fn blank_cells_hold_nothing_visible() {
    assert!(is_blank(CellKind::Empty, ""));
    assert!(is_blank(CellKind::Empty, "ignored"));
    assert!(is_blank(Text, ""));
    assert!(is_blank(Text, " \u{3000}\t\n"));
    assert!(is_blank(Text, "\u{FEFF}\u{200B}"));
    assert!(is_blank(Number, ""));
    assert!(!is_blank(Text, "0"));
    assert!(!is_blank(Text, "-"));
    assert!(!is_blank(Bool, "FALSE"));
}

// ---------------------------------------------------------------------------------------------
// Errors and messages
// ---------------------------------------------------------------------------------------------

#[test]
fn the_offending_text_is_trimmed_and_cut_to_60_characters() {
    let long = format!("  {}  ", "日".repeat(100));
    let error = date_error(Text, &long, None);
    assert_eq!(error.text, format!("{}…", "日".repeat(60)));
    let exact = "x".repeat(60);
    assert_eq!(date_error(Text, &exact, None).text, exact);
    assert_eq!(date_error(Text, " a\nb ", None).text, "a b");
}

#[test]
fn a_failed_formula_is_named_as_such_wherever_a_value_is_needed() {
    for text in ["#N/A", "#REF!", " #div/0! ", "#VALUE!", "#NAME?"] {
        assert!(is_spreadsheet_error(text), "{text}");
        for kind in [Text, Number] {
            let errors = [
                parse_amount(kind, text).unwrap_err(),
                parse_count(kind, text).unwrap_err(),
                parse_rate(kind, text).unwrap_err(),
            ];
            for e in errors {
                assert_eq!(e.reason, ValueReason::FormulaError, "{text}");
            }
        }
        assert_eq!(
            date_error(Text, text, None).reason,
            ValueReason::FormulaError
        );
    }
    assert!(!is_spreadsheet_error("#1"));
    assert!(!is_spreadsheet_error("N/A"));
    assert!(
        parse_amount(Text, "#N/A")
            .unwrap_err()
            .to_string()
            .contains("spreadsheet error #N/A")
    );
}

fn every_kind_of_error() -> Vec<ValueError> {
    let mut errors = Vec::new();
    for order in [None, Some(MonthFirst), Some(DayFirst)] {
        for text in [
            "",
            "x",
            "20240105",
            "1/5/24",
            "1/5/2024",
            "13/1/2024",
            "1/13/2024",
            "1/5/3001",
            "2024-13-01",
            "2024-02-30",
        ] {
            errors.extend(parse_date_cell(Text, text, order, false).err());
        }
    }
    errors.extend(parse_date_cell(Bool, "TRUE", None, false).err());
    for (text, date_1904) in [("0", false), ("-1", true), ("60", false), ("abc", false)] {
        errors.extend(excel_serial_date(text, date_1904).err());
    }
    for kind in [CellKind::Empty, Text, Number, CellKind::Date, Bool] {
        for text in ["", "abc", "-1", "3.5", "1e30", "2024-01-05", "#N/A"] {
            errors.extend(parse_amount(kind, text).err());
            errors.extend(parse_count(kind, text).err());
            errors.extend(parse_rate(kind, text).err());
        }
    }
    errors
}

#[test]
fn every_message_is_translated_and_filled_in_both_languages() {
    let [(_, zh), (_, en)] = tables();
    let mut keys = std::collections::BTreeSet::new();
    for error in every_kind_of_error() {
        let key = error.message_key();
        keys.insert(key);
        assert!(zh.contains_key(key), "{key} missing in zh-CN");
        assert!(en.contains_key(key), "{key} missing in en");
        for lang in Lang::ALL {
            let message = error.localize(lang);
            assert!(
                !message.contains('{') && !message.contains('}'),
                "{key} in {lang:?} left a placeholder: {message}"
            );
        }
        assert_eq!(error.to_string(), error.localize(Lang::En));
    }
    // Every value key is reached by some error above.
    let value_keys: Vec<_> = en
        .keys()
        .filter(|k| k.starts_with("err.value."))
        .filter(|k| !keys.contains(**k))
        .collect();
    assert!(value_keys.is_empty(), "never produced: {value_keys:?}");
}

#[test]
fn messages_name_both_readings_of_an_ambiguous_date() {
    assert_eq!(
        date_error(Text, "1/5/2024", None).to_string(),
        "\"1/5/2024\" could be 2024-01-05 (month/day/year) or 2024-05-01 (day/month/year). \
         Write it year first, as 2024-01-05 or 2024-05-01, or choose which order this column \
         uses."
    );
    assert_eq!(
        date_error(Text, "13/1/2024", Some(MonthFirst)).localize(Lang::Zh),
        "按本列采用的“月/日/年”顺序，“13/1/2024”不是真实的日期：没有 13 月。请核对该日期；\
         如果它表示 2024-01-13，请按年在前写成 2024-01-13。"
    );
    assert_eq!(
        date_error(Text, "1/5/24", None).to_string(),
        "\"1/5/24\" has a two-digit year, which does not say the century. Write the year with \
         four digits, such as 2024-01-05."
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn any_kind() -> impl Strategy<Value = CellKind> {
    prop_oneof![
        Just(CellKind::Empty),
        Just(Text),
        Just(Number),
        Just(CellKind::Date),
        Just(Bool),
    ]
}

fn any_order() -> impl Strategy<Value = Option<DayOrder>> {
    prop_oneof![Just(None), Just(Some(MonthFirst)), Just(Some(DayFirst))]
}

/// Text made of what dates, times and numbers are made of, so parsing gets deep.
fn date_like() -> impl Strategy<Value = String> {
    "[0-9０-９/.\\-年月日号 :TAPMe+０\u{3000}\u{200B}]{0,24}"
}

proptest! {
    #[test]
    fn parse_date_cell_never_panics(
        kind in any_kind(),
        text in prop_oneof![date_like(), any::<String>()],
        order in any_order(),
        date_1904 in any::<bool>(),
    ) {
        let _ = parse_date_cell(kind, &text, order, date_1904);
        let _ = excel_serial_date(&text, date_1904);
    }

    #[test]
    fn other_parsers_never_panic(kind in any_kind(), text in prop_oneof![date_like(), any::<String>()]) {
        let _ = parse_amount(kind, &text);
        let _ = parse_count(kind, &text);
        let _ = parse_rate(kind, &text);
        let _ = is_blank(kind, &text);
        if let Err(e) = parse_count(kind, &text) {
            prop_assert!(e.text.chars().count() <= 61);
        }
    }

    #[test]
    fn classify_never_panics(texts in prop::collection::vec(date_like(), 0..8)) {
        let values: Vec<(usize, &str)> = texts.iter().map(String::as_str).enumerate().collect();
        if let DateColumn::Ambiguous { examples } = classify_date_column(&values) {
            prop_assert!(!examples.is_empty() && examples.len() <= 3);
        }
    }

    #[test]
    fn normalize_name_is_idempotent(text in any::<String>()) {
        let once = normalize_name(&text);
        prop_assert_eq!(normalize_name(&once), once.clone());
        prop_assert_eq!(once.trim(), once.as_str());
        prop_assert!(!once.contains("  "));
    }

    #[test]
    fn normalize_name_is_idempotent_on_name_like_text(
        text in "[ 　\u{00A0}\u{2002}\u{200B}\u{FEFF}\tａ-ｚＡ-Ｚ０-９！-～a-zA-Z张伟华东区_-]{0,20}"
    ) {
        let once = normalize_name(&text);
        prop_assert_eq!(normalize_name(&once), once);
    }

    #[test]
    fn match_key_of_a_normalized_name_is_the_same(text in any::<String>()) {
        prop_assert_eq!(match_key(&normalize_name(&text)), match_key(&text));
    }

    #[test]
    fn year_last_dates_read_back_in_their_order(
        year in 1900i16..=3000,
        month in 1i8..=12,
        day_of_month in 1i8..=31,
        order in prop_oneof![Just(MonthFirst), Just(DayFirst)],
        separator in prop_oneof![Just('/'), Just('.'), Just('-')],
        padded in any::<bool>(),
    ) {
        let Ok(d) = Date::new(year, month, day_of_month) else { return Ok(()) };
        let (a, b) = match order {
            MonthFirst => (month, day_of_month),
            DayFirst => (day_of_month, month),
        };
        let text = if padded {
            format!("{a:02}{separator}{b:02}{separator}{year}")
        } else {
            format!("{a}{separator}{b}{separator}{year}")
        };
        prop_assert_eq!(parse_date_cell(Text, &text, Some(order), false), Ok(d));
        let iso = d.to_string();
        prop_assert_eq!(parse_date_cell(Text, &iso, Some(order), false), Ok(d));
        let column = classify_date_column(&[(1, text.as_str())]);
        if a > 12 || b > 12 {
            prop_assert_eq!(column, DateColumn::Decided(Some(order)));
        } else if a == b {
            prop_assert_eq!(column, DateColumn::Decided(None));
        } else {
            prop_assert_eq!(column, DateColumn::Ambiguous { examples: vec![text.clone()] });
        }
    }

    #[test]
    fn the_two_serial_systems_are_1462_days_apart(serial_1904 in 0u32..401_768 - 1462) {
        let in_1904 = excel_serial_date(&serial_1904.to_string(), true);
        let in_1900 = excel_serial_date(&(serial_1904 + 1462).to_string(), false);
        prop_assert_eq!(in_1904, in_1900);
    }

    #[test]
    fn consecutive_serials_are_consecutive_days(serial in 61u32..401_768) {
        let today = excel_serial_date(&serial.to_string(), false);
        let tomorrow = excel_serial_date(&(serial + 1).to_string(), false);
        prop_assert_eq!(today.map(|d| d.tomorrow().ok()), tomorrow.map(Some));
    }

    #[test]
    fn number_cell_amounts_with_two_decimals_are_exact(fen in -100_000_000_000_000i64..100_000_000_000_000) {
        let text = format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.unsigned_abs() / 100, fen.unsigned_abs() % 100);
        prop_assert_eq!(parse_amount(Number, &text).map(Money::fen), Ok(fen));
    }

    #[test]
    fn text_counts_read_back_with_and_without_grouping(n in any::<u64>()) {
        prop_assert_eq!(parse_count(Text, &n.to_string()), Ok(n));
        let digits = n.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        prop_assert_eq!(parse_count(Text, &grouped), Ok(n));
    }
}

#[test]
fn amounts_from_data_files_are_rounded_to_the_fen_and_say_so() {
    use salesplan::exchange::values::parse_amount_rounding;
    let r = |t: &str| parse_amount_rounding(CellKind::Text, t).unwrap();
    assert_eq!(r("957.5775"), (Money::from_fen(95758), true));
    assert_eq!(r("22.368"), (Money::from_fen(2237), true));
    assert_eq!(r("2.544"), (Money::from_fen(254), true));
    assert_eq!(r("0.005"), (Money::from_fen(1), true));
    assert_eq!(r("-0.005"), (Money::from_fen(-1), true));
    assert_eq!(r("1,000.50"), (Money::from_fen(100050), false));
    assert_eq!(r("261.96"), (Money::from_fen(26196), false));
    assert_eq!(
        parse_amount_rounding(CellKind::Number, "1706.184").unwrap(),
        (Money::from_fen(170618), true)
    );
    // Still refused: ambiguous separators and garbage.
    assert!(parse_amount_rounding(CellKind::Text, "1.500").is_err());
    assert!(parse_amount_rounding(CellKind::Text, "12abc").is_err());
}
