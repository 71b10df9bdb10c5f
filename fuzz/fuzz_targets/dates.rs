//! Dates as cells hold them and people type them, period codes, variance windows, and the
//! fiscal-year and work-calendar shapes read from JSON: no input may panic, and what parses
//! must read back the way the documentation promises.
//!
//! Input: one byte of options (cell kind, day order, 1904 date system), then text; each line of
//! the text is also a cell of one date column.

#![no_main]

use libfuzzer_sys::fuzz_target;
use salesplan::domain::period::{
    self, FiscalYear, MAX_DATE_YEAR, MIN_DATE_YEAR, Period, WorkCalendar,
};
use salesplan::domain::variance::Window;
use salesplan::exchange::values::{
    CellKind, DayOrder, classify_date_column, excel_serial_date, parse_date_cell,
};

const KINDS: [CellKind; 5] = [
    CellKind::Text,
    CellKind::Number,
    CellKind::Date,
    CellKind::Empty,
    CellKind::Bool,
];

fuzz_target!(|data: &[u8]| {
    let Some((&options, rest)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(options & 0x7) % KINDS.len()];
    let order = match (options >> 3) & 0x3 {
        1 => Some(DayOrder::MonthFirst),
        2 => Some(DayOrder::DayFirst),
        _ => None,
    };
    let date_1904 = options & 0x20 != 0;
    let text = String::from_utf8_lossy(rest);
    let text = text.as_ref();

    let lines: Vec<(usize, &str)> = text.lines().enumerate().take(64).collect();
    for (_, line) in std::iter::once(&(0, text)).chain(&lines) {
        cell(kind, line, order, date_1904);
        codes(line);
    }
    let _ = classify_date_column(&lines);

    // The JSON shapes plan files and settings hold.
    if let Ok(fy) = serde_json::from_str::<FiscalYear>(text) {
        fiscal_year(fy, &lines);
    }
    if let Ok(calendar) = serde_json::from_str::<WorkCalendar>(text) {
        let fy = FiscalYear::new(2026, 1).expect("a valid fiscal year");
        let _ = calendar.working_days(fy.start_date(), fy.end_date());
        let _ = calendar.working_days_in_month(&fy, 2);
        let json = serde_json::to_string(&calendar).expect("a calendar serializes");
        assert_eq!(
            serde_json::from_str::<WorkCalendar>(&json).ok(),
            Some(calendar)
        );
    }
    if let Ok(p) = serde_json::from_str::<Period>(text) {
        assert_eq!(Period::parse_code(&p.code()), Ok(p));
    }
    // A fiscal year from the first bytes, checked like any other.
    if let [a, b, c, ..] = rest
        && let Ok(fy) = FiscalYear::new(1800 + i32::from(u16::from_le_bytes([*a, *b]) % 1400), *c)
    {
        fiscal_year(fy, &lines);
    }
});

/// One cell of a date column: a read date is a real date in the years dates may have, and its
/// ISO text reads back to it.
fn cell(kind: CellKind, text: &str, order: Option<DayOrder>, date_1904: bool) {
    if let Ok(d) = parse_date_cell(kind, text, order, date_1904) {
        in_range(d);
        let iso = d.to_string();
        assert_eq!(
            parse_date_cell(CellKind::Text, &iso, None, false).ok(),
            Some(d)
        );
    }
    if let Ok(d) = excel_serial_date(text, date_1904) {
        in_range(d);
    }
    if let Ok(d) = period::parse_date(text) {
        in_range(d);
        assert_eq!(period::parse_date(&d.to_string()), Ok(d));
    }
}

fn in_range(d: jiff::civil::Date) {
    let year = i32::from(d.year());
    assert!(
        (MIN_DATE_YEAR..=MAX_DATE_YEAR).contains(&year),
        "{d} is outside the years a date may have"
    );
}

/// Period codes are the strict inverse of `Period::code`; window codes read back.
fn codes(text: &str) {
    if let Ok(p) = Period::parse_code(text) {
        assert_eq!(p.code(), text);
        assert!(p.is_valid());
        let _ = p.fiscal_months();
        let _ = Period::Year.contains(&p);
    }
    if let Ok(p) = text.parse::<Period>() {
        assert_eq!(Period::parse_code(&p.code()), Ok(p));
    }
    if let Some(w) = Window::parse(text) {
        assert_eq!(Window::parse(&w.code()), Some(w));
        let _ = w.months();
    }
}

/// Everything a fiscal year answers about the periods and dates in the lines.
fn fiscal_year(fy: FiscalYear, lines: &[(usize, &str)]) {
    let _ = fy.label();
    let _ = fy.week_count();
    let _ = fy.previous();
    let _ = fy.next();
    for m in 0..=13 {
        let _ = fy.month_label(m);
        let _ = fy.month_first_day(m);
        let _ = period::weeks_overlapping_month(&fy, m);
    }
    for (_, line) in lines {
        if let Ok(p) = Period::parse_code(line)
            && let Ok((first, last)) = fy.period_range(&p)
        {
            assert!(first <= last, "{p:?} in {fy:?}");
            assert!(fy.contains(first) && fy.contains(last), "{p:?} in {fy:?}");
        }
        if let Ok(d) = period::parse_date(line) {
            let _ = fy.fiscal_month_of(d);
            let _ = fy.week_of(d);
        }
    }
}
