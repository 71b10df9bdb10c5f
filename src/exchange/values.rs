//! Imported cell values: the text of a spreadsheet or CSV cell turned into a date, an amount, a
//! count or a rate, or a reason the user can act on when that is not possible.
//!
//! The importer calls these functions per cell (and [`classify_date_column`] once per date
//! column) and adds file, row and column around the message. Nothing here panics, whatever the
//! cell holds: the files come from colleagues.
//!
//! Before parsing, a cell's text is cleaned like a name ([`normalize_name`]): invisible
//! characters removed, full-width characters made half-width, Unicode spaces made ordinary spaces
//! and trimmed. So `２０２４／１／５`, `１,０００．５０` and a date with a trailing
//! no-break space read like their plain forms.
//!
//! Number cells hold the shortest round-trip text of a binary floating-point number, which can
//! carry noise below what the spreadsheet shows (`0.30000000000000004` for 0.1 + 0.2). Their
//! text is first rounded, as decimal text, to the 15 significant digits spreadsheets show; no
//! floating-point arithmetic is involved.

use std::borrow::Cow;
use std::fmt;

use jiff::Span;
use jiff::civil::Date;

use crate::domain::money::{Money, MoneyParseError};
use crate::domain::period::{self, MAX_DATE_YEAR, MIN_DATE_YEAR, PeriodError};
use crate::domain::ratio::{MAX_RATE_DECIMALS, RateParseError, Ratio};
use crate::i18n::{Lang, Localized};

pub use crate::exchange::source::{Cell, CellKind};

/// How many characters of the offending text an error keeps.
pub const MAX_SHOWN_CHARS: usize = 60;

/// Significant digits a spreadsheet keeps of a number; digits beyond are floating-point noise.
const SPREADSHEET_DIGITS: usize = 15;

/// Day/month order of slash or dot dates with the year last (1/5/2024).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DayOrder {
    /// 1/5/2024 is January 5 (United States).
    MonthFirst,
    /// 1/5/2024 is 1 May (most of Europe).
    DayFirst,
}

/// What a whole column of dates says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateColumn {
    /// The order to read year-last dates with; `None` if the column has no year-last date whose
    /// reading depends on the order.
    Decided(Option<DayOrder>),
    /// Every year-last date fits both orders: ask the user. Up to three distinct examples, in
    /// line order.
    Ambiguous { examples: Vec<String> },
    /// One row proves month/day/year and another day/month/year (first line of each).
    Conflicting {
        month_first_line: usize,
        day_first_line: usize,
    },
}

/// The kind of value a column expects; chooses the wording of some messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Date,
    Amount,
    Count,
    Rate,
}

/// Why a cell's text was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueReason {
    /// The cell is empty or holds only spaces and invisible characters.
    Empty {
        expected: ValueKind,
    },
    /// A date-formatted cell where a number is needed.
    DateCell {
        expected: ValueKind,
    },
    /// A TRUE/FALSE cell.
    BoolCell {
        expected: ValueKind,
    },
    /// A spreadsheet error such as `#N/A` or `#REF!`: a formula that failed.
    FormulaError,
    /// Not a date in any accepted form.
    NotADate,
    /// Eight digits that would be a date as year, month, day (`20240105`): refused, but the
    /// message names the date.
    DigitsOnlyDate {
        date: Date,
    },
    /// A year of two digits (`1/5/24`, `24-1-5`, `24年1月5日`).
    TwoDigitYear,
    /// A year-last date that reads as two different days, and no order was given.
    AmbiguousDayOrder {
        month_first: Date,
        day_first: Date,
    },
    /// A year-last date that is impossible in the column's order (`month` does not exist) but
    /// would be `other` in the opposite order.
    ContradictsDayOrder {
        order: DayOrder,
        month: u32,
        other: Date,
    },
    /// A year outside `MIN_DATE_YEAR..=MAX_DATE_YEAR` of the period module.
    YearOutOfRange {
        year: u32,
    },
    /// A month outside 1..=12.
    NoSuchMonth {
        month: u32,
    },
    /// A day that its month does not have (`2024-02-30`, day 0).
    NoSuchDay {
        year: u32,
        month: u32,
        day: u32,
        days: u32,
    },
    /// A date serial number below the first or after the last date a spreadsheet has.
    SerialOutOfRange {
        date_1904: bool,
    },
    /// Serial 60 of the 1900 date system: 1900-02-29, which never existed.
    ExcelLeapDay,
    NotAnAmount(MoneyParseError),
    /// Not a whole number written with digits.
    NotACount,
    /// A number with a fraction where a count is needed (`3.5`).
    NotWhole,
    /// A count below zero.
    Negative,
    /// A count above `u64::MAX`.
    CountTooLarge,
    NotARate(RateParseError),
}

/// A cell that could not be read, with its text (trimmed, cut to [`MAX_SHOWN_CHARS`]
/// characters) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    pub text: String,
    pub reason: ValueReason,
}

impl ValueError {
    fn new(text: &str, reason: ValueReason) -> ValueError {
        ValueError {
            text: shown_text(text),
            reason,
        }
    }
}

/// The text as quoted in a message: trimmed, line breaks and control characters shown as
/// spaces, cut to [`MAX_SHOWN_CHARS`] characters with `…`.
fn shown_text(text: &str) -> String {
    let mut chars = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c });
    let mut shown: String = chars.by_ref().take(MAX_SHOWN_CHARS).collect();
    if chars.next().is_some() {
        shown.push('…');
    }
    shown
}

impl Localized for ValueError {
    fn message_key(&self) -> &'static str {
        match &self.reason {
            ValueReason::Empty { expected } => match expected {
                ValueKind::Date => "err.value.empty.date",
                ValueKind::Amount => "err.value.empty.amount",
                ValueKind::Count => "err.value.empty.count",
                ValueKind::Rate => "err.value.empty.rate",
            },
            ValueReason::DateCell { expected } => match expected {
                ValueKind::Date => "err.value.not_a_date",
                ValueKind::Amount => "err.value.date_cell.amount",
                ValueKind::Count => "err.value.date_cell.count",
                ValueKind::Rate => "err.value.date_cell.rate",
            },
            ValueReason::BoolCell { expected } => match expected {
                ValueKind::Date => "err.value.bool_cell.date",
                ValueKind::Amount => "err.value.bool_cell.amount",
                ValueKind::Count => "err.value.bool_cell.count",
                ValueKind::Rate => "err.value.bool_cell.rate",
            },
            ValueReason::FormulaError => "err.value.formula_error",
            ValueReason::NotADate => "err.value.not_a_date",
            ValueReason::DigitsOnlyDate { .. } => "err.value.digits_only_date",
            ValueReason::TwoDigitYear => "err.value.two_digit_year",
            ValueReason::AmbiguousDayOrder { .. } => "err.value.ambiguous_day_order",
            ValueReason::ContradictsDayOrder { order, .. } => match order {
                DayOrder::MonthFirst => "err.value.contradicts_day_order.month_first",
                DayOrder::DayFirst => "err.value.contradicts_day_order.day_first",
            },
            ValueReason::YearOutOfRange { .. } => "err.value.year_out_of_range",
            ValueReason::NoSuchMonth { .. } => "err.value.no_such_month",
            ValueReason::NoSuchDay { .. } => "err.value.no_such_day",
            ValueReason::SerialOutOfRange { .. } => "err.value.serial_out_of_range",
            ValueReason::ExcelLeapDay => "err.value.excel_leap_day",
            ValueReason::NotAnAmount(e) => e.message_key(),
            ValueReason::NotACount => "err.value.not_a_count",
            ValueReason::NotWhole => "err.value.not_whole",
            ValueReason::Negative => "err.value.negative_count",
            ValueReason::CountTooLarge => "err.value.count_too_large",
            ValueReason::NotARate(e) => e.message_key(),
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("input", self.text.clone())];
        match &self.reason {
            ValueReason::NotAnAmount(e) => return e.message_args(),
            ValueReason::NotARate(e) => return e.message_args(),
            ValueReason::DigitsOnlyDate { date } => args.push(("date", date.to_string())),
            ValueReason::AmbiguousDayOrder {
                month_first,
                day_first,
            } => {
                args.push(("month_first", month_first.to_string()));
                args.push(("day_first", day_first.to_string()));
            }
            ValueReason::ContradictsDayOrder { month, other, .. } => {
                args.push(("month", month.to_string()));
                args.push(("other", other.to_string()));
            }
            ValueReason::YearOutOfRange { year } => {
                args.push(("year", year.to_string()));
                args.push(("min", MIN_DATE_YEAR.to_string()));
                args.push(("max", MAX_DATE_YEAR.to_string()));
            }
            ValueReason::NoSuchMonth { month } => args.push(("month", month.to_string())),
            ValueReason::NoSuchDay {
                year,
                month,
                day,
                days,
            } => {
                args.push(("year", year.to_string()));
                args.push(("month", month.to_string()));
                args.push(("day", day.to_string()));
                args.push(("days", days.to_string()));
            }
            ValueReason::SerialOutOfRange { date_1904 } => {
                let system = SerialSystem::new(*date_1904);
                args.push(("min", system.min.to_string()));
                args.push(("max", system.max().to_string()));
                args.push(("first", system.first_date().to_string()));
                args.push(("last", Date::MAX.to_string()));
            }
            _ => {}
        }
        args
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for ValueError {}

// ---------------------------------------------------------------------------------------------
// Names and blanks
// ---------------------------------------------------------------------------------------------

/// Characters that take no room on screen: zero-width spaces and joiners, direction marks and
/// embeddings, word joiners, the byte order mark, the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    ) || (c.is_control() && !c.is_whitespace())
}

/// Full-width ASCII forms (U+FF01..U+FF5E) as ASCII; other characters unchanged.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Names as people type them: trimmed; every Unicode space (U+3000, U+00A0, U+2000..U+200A,
/// tabs, line breaks…) made an ordinary space and runs of them collapsed to one; full-width
/// ASCII letters, digits and punctuation (U+FF01..U+FF5E) made half-width; zero-width and other
/// invisible characters (U+200B..U+200F, U+2060.., BOM, soft hyphen, control characters)
/// removed. Chinese characters are untouched.
///
/// A space inside a Chinese name (`张　伟`) is kept as one ordinary space (`张 伟`): it is
/// usually a typo, but removing it would be a guess. [`match_key`] ignores spaces, so `张 伟`
/// and `张伟` still match.
///
/// Idempotent: `normalize_name(&normalize_name(x)) == normalize_name(x)`.
pub fn normalize_name(text: &str) -> String {
    normalized(text).into_owned()
}

/// [`normalize_name`], without copying a text that is already normal (most are: an import
/// reads millions of cells).
pub fn normalized(text: &str) -> Cow<'_, str> {
    if is_normal(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalize_slow(text))
    }
}

/// Whether [`normalize_name`] would leave the text as it is: no invisible or full-width
/// characters, and spaces only single ordinary ones between other characters.
fn is_normal(text: &str) -> bool {
    // Plain ASCII (dates, amounts, ids): only the spaces and control characters can change.
    if text.is_ascii() {
        let bytes = text.as_bytes();
        let mut after_space = true;
        for &b in bytes {
            if b == b' ' {
                if after_space {
                    return false;
                }
                after_space = true;
            } else if b.is_ascii_whitespace() || b.is_ascii_control() {
                return false;
            } else {
                after_space = false;
            }
        }
        return !after_space || bytes.is_empty();
    }
    let mut after_space = true;
    for c in text.chars() {
        if is_invisible(c) || half_width(c) != c {
            return false;
        }
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    !after_space
}

fn normalize_slow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        let c = half_width(c);
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Dashes people type or word processors substitute for a hyphen.
fn is_hyphen_like(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}')
}

/// Key for matching names loosely (aliases, product names): [`normalize_name`], then ASCII
/// letters lower-cased and all spaces, hyphens (also dashes such as `–`) and underscores
/// removed. `GTX Pro`, `GTXPro` and `gtx-pro` have the same key.
pub fn match_key(text: &str) -> String {
    // In one pass: what normalize_name keeps (its spaces are all dropped here), made half-width
    // and lower-cased, without underscores and hyphens.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        let c = half_width(c);
        if c.is_whitespace() || c == '_' || is_hyphen_like(c) {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Whether a cell holds nothing: an empty cell, or text of only spaces and invisible
/// characters.
pub fn is_blank(kind: CellKind, text: &str) -> bool {
    kind == CellKind::Empty || text.chars().all(|c| is_invisible(c) || c.is_whitespace())
}

// ---------------------------------------------------------------------------------------------
// Decimal text of Number cells
// ---------------------------------------------------------------------------------------------

/// An exact decimal number read from text: `digits × 10^scale`, no leading zeros in `digits`
/// (empty for zero).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    scale: i64,
}

impl Decimal {
    /// Reads `-12.5`, `+3`, `.5`, `1e-7`, `1.5E+20`. None for anything else, or for absurd
    /// lengths and exponents.
    fn parse(text: &str) -> Option<Decimal> {
        const MAX_LEN: usize = 400;
        const MAX_EXPONENT: i64 = 400;
        let text = text.trim();
        if text.len() > MAX_LEN {
            return None;
        }
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => {
                let exponent = rest.get(at + 1..)?;
                let digits = exponent
                    .strip_prefix('-')
                    .or_else(|| exponent.strip_prefix('+'))
                    .unwrap_or(exponent);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let value: i64 = exponent.parse().ok()?;
                if value.abs() > MAX_EXPONENT {
                    return None;
                }
                (rest.get(..at)?, value)
            }
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return None;
        }
        let digits: Vec<u8> = whole
            .bytes()
            .chain(fraction.bytes())
            .map(|b| b - b'0')
            .skip_while(|&d| d == 0)
            .collect();
        let fraction_len = i64::try_from(fraction.len()).ok()?;
        let mut decimal = Decimal {
            negative,
            digits,
            scale: exponent - fraction_len,
        };
        decimal.strip_trailing_zeros();
        Some(decimal)
    }

    fn strip_trailing_zeros(&mut self) {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
            self.scale += 1;
        }
        if self.digits.is_empty() {
            self.scale = 0;
        }
    }

    /// Drops the last `drop` digits, rounding half away from zero.
    fn round_off(&mut self, drop: usize) {
        if drop == 0 {
            return;
        }
        let keep = self.digits.len().saturating_sub(drop);
        // Digits past the end are zeros, so a drop beyond the length rounds to zero.
        let round_up = drop <= self.digits.len() && self.digits.get(keep).is_some_and(|&d| d >= 5);
        self.digits.truncate(keep);
        self.scale = self
            .scale
            .saturating_add(i64::try_from(drop).unwrap_or(i64::MAX));
        if round_up {
            let mut carry = true;
            for digit in self.digits.iter_mut().rev() {
                if *digit == 9 {
                    *digit = 0;
                } else {
                    *digit += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                self.digits.insert(0, 1);
            }
        }
        self.strip_trailing_zeros();
    }

    /// Rounds to `count` significant digits.
    fn round_significant(&mut self, count: usize) {
        self.round_off(self.digits.len().saturating_sub(count));
    }

    /// Rounds to at most `decimals` digits after the decimal point.
    fn round_decimals(&mut self, decimals: u32) {
        let excess = -i64::from(decimals) - self.scale;
        if excess > 0 {
            self.round_off(usize::try_from(excess).unwrap_or(usize::MAX));
        }
    }

    /// Plain decimal text without exponent: `-0.0000001`, `100000`, `12.5`.
    fn to_plain(&self) -> String {
        if self.digits.is_empty() {
            return "0".to_owned();
        }
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let digits: String = self.digits.iter().map(|&d| char::from(b'0' + d)).collect();
        let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);
        if self.scale >= 0 {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(self.scale).unwrap_or(0),
            ));
        } else if -self.scale < len {
            let point = usize::try_from(len + self.scale).unwrap_or(0);
            let (whole, fraction) = digits.split_at_checked(point).unwrap_or((&digits, ""));
            out.push_str(whole);
            out.push('.');
            out.push_str(fraction);
        } else {
            out.push_str("0.");
            let zeros = usize::try_from(-self.scale - len).unwrap_or(0);
            out.extend(std::iter::repeat_n('0', zeros));
            out.push_str(&digits);
        }
        out
    }

    /// The whole part of the magnitude, or None if it exceeds a u64.
    fn whole_magnitude(&self) -> Option<u64> {
        let len = i64::try_from(self.digits.len()).ok()?;
        let whole_len = usize::try_from((len + self.scale).clamp(0, len)).ok()?;
        let mut value: u64 = 0;
        for &digit in self.digits.iter().take(whole_len) {
            value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
        }
        for _ in 0..self.scale.max(0) {
            value = value.checked_mul(10)?;
        }
        Some(value)
    }

    fn has_fraction(&self) -> bool {
        self.scale < 0
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }
}

/// A Number cell's text as the spreadsheet shows it (15 significant digits), or None if it is
/// not a number.
fn number_cell_value(text: &str) -> Option<Decimal> {
    let mut decimal = Decimal::parse(&normalized(text))?;
    decimal.round_significant(SPREADSHEET_DIGITS);
    Some(decimal)
}

// ---------------------------------------------------------------------------------------------
// Amounts, counts, rates
// ---------------------------------------------------------------------------------------------

/// Whether a cell shows a spreadsheet error (a formula that failed), as workbooks hold them
/// and as Excel and WPS write them into CSV files.
pub fn is_spreadsheet_error(text: &str) -> bool {
    const ERRORS: [&str; 14] = [
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
    ];
    let text = text.trim();
    ERRORS.iter().any(|e| e.eq_ignore_ascii_case(text))
}

/// The error for a cell that cannot hold the expected number at all (empty, date, TRUE/FALSE,
/// a spreadsheet error).
fn wrong_cell(kind: CellKind, text: &str, expected: ValueKind) -> Option<ValueError> {
    let reason = if is_blank(kind, text) {
        ValueReason::Empty { expected }
    } else if is_spreadsheet_error(text) {
        ValueReason::FormulaError
    } else {
        match kind {
            CellKind::Date => ValueReason::DateCell { expected },
            CellKind::Bool => ValueReason::BoolCell { expected },
            _ => return None,
        }
    };
    Some(ValueError::new(text, reason))
}

/// An amount, as [`Money::parse`] reads it (`1,000.50`, `¥1,000`, `100万`, `(1,000)`, full-width
/// digits). A Number cell's value is taken as the spreadsheet shows it; one with more than two
/// decimals is refused as more precise than a fen, not rounded.
pub fn parse_amount(kind: CellKind, text: &str) -> Result<Money, ValueError> {
    if let Some(error) = wrong_cell(kind, text, ValueKind::Amount) {
        return Err(error);
    }
    let number = (kind == CellKind::Number)
        .then(|| number_cell_value(text))
        .flatten();
    let cleaned = match number {
        Some(value) => Cow::Owned(value.to_plain()),
        None => normalized(text),
    };
    Money::parse(&cleaned).map_err(|e| ValueError::new(text, ValueReason::NotAnAmount(e)))
}

/// An amount from a data file: like [`parse_amount`], but digits beyond the fen (amounts an
/// ERP computed with discounts, `957.5775`) are rounded half away from zero; the flag says
/// whether this value was rounded.
pub fn parse_amount_rounding(kind: CellKind, text: &str) -> Result<(Money, bool), ValueError> {
    if let Some(error) = wrong_cell(kind, text, ValueKind::Amount) {
        return Err(error);
    }
    let number = (kind == CellKind::Number)
        .then(|| number_cell_value(text))
        .flatten();
    let cleaned = match number {
        Some(value) => Cow::Owned(value.to_plain()),
        None => normalized(text),
    };
    Money::parse_rounding(&cleaned).map_err(|e| ValueError::new(text, ValueReason::NotAnAmount(e)))
}

/// A count: a whole number, zero or more. Text may group thousands with commas (`1,200`) and
/// carry a fraction of zeros (`3.0`, as some exports write whole numbers), but not `1.000`
/// (which means one thousand in some countries).
pub fn parse_count(kind: CellKind, text: &str) -> Result<u64, ValueError> {
    // Plain digits, as most files write counts.
    if kind == CellKind::Text
        && !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = text.parse::<u64>()
    {
        return Ok(n);
    }
    if let Some(error) = wrong_cell(kind, text, ValueKind::Count) {
        return Err(error);
    }
    let value = match kind {
        // A reader that groups thousands in a Number cell's text still gives a count.
        CellKind::Number => number_cell_value(text).or_else(|| count_text_value(&normalized(text))),
        _ => count_text_value(&normalized(text)),
    };
    let Some(value) = value else {
        return Err(ValueError::new(text, ValueReason::NotACount));
    };
    let reason = if value.negative && !value.is_zero() {
        ValueReason::Negative
    } else if value.has_fraction() {
        ValueReason::NotWhole
    } else {
        return value
            .whole_magnitude()
            .ok_or_else(|| ValueError::new(text, ValueReason::CountTooLarge));
    };
    Err(ValueError::new(text, reason))
}

/// The number written in a count cell's text, if it is written as a count may be.
fn count_text_value(text: &str) -> Option<Decimal> {
    let (negative, body) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit() || b == b',')
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut groups = whole.split(',');
    let first_len = groups.next().map_or(0, str::len);
    let grouped = whole.contains(',');
    if grouped && (!(1..=3).contains(&first_len) || groups.any(|g| g.len() != 3)) {
        return None;
    }
    let zero_fraction = fraction.bytes().all(|b| b == b'0');
    let looks_like_dotted_thousands =
        !grouped && fraction.len() == 3 && zero_fraction && !whole.starts_with('0');
    if looks_like_dotted_thousands {
        return None;
    }
    let plain: String = whole.chars().filter(|&c| c != ',').collect();
    let sign = if negative { "-" } else { "" };
    Decimal::parse(&format!("{sign}{plain}.{fraction}"))
}

/// A rate, as [`Ratio::parse`] reads it (`10%`, `12.5%`, `0.125`, `1/8`). A Number cell holds the
/// rate itself, so a cell formatted as 10% holds 0.1 and reads as 10%; its value is rounded to
/// 15 significant digits, then to the 12 decimals a rate may have (1/3 computed in the sheet
/// becomes 0.333333333333). The sign is kept: whether a rate may be negative or above 100% is
/// for the caller to check.
pub fn parse_rate(kind: CellKind, text: &str) -> Result<Ratio, ValueError> {
    if let Some(error) = wrong_cell(kind, text, ValueKind::Rate) {
        return Err(error);
    }
    let cleaned = match (kind, number_cell_value(text)) {
        (CellKind::Number, Some(mut value)) => {
            value.round_decimals(MAX_RATE_DECIMALS);
            value.to_plain()
        }
        _ => normalize_name(text),
    };
    Ratio::parse(&cleaned).map_err(|e| ValueError::new(text, ValueReason::NotARate(e)))
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// A date serial numbering: the first serial and the day it stands for.
struct SerialSystem {
    min: i64,
    /// The date serial 0 stands for, counting as if the numbering had no gap.
    day_zero: Date,
    /// Whether serial 60 is the fictitious 1900-02-29 (1900 system), putting every later serial
    /// one day ahead of the calendar.
    fictitious_leap_day: bool,
}

impl SerialSystem {
    fn new(date_1904: bool) -> SerialSystem {
        if date_1904 {
            SerialSystem {
                min: 0,
                day_zero: DAY_ZERO_1904,
                fictitious_leap_day: false,
            }
        } else {
            SerialSystem {
                min: 1,
                day_zero: DAY_ZERO_1900,
                fictitious_leap_day: true,
            }
        }
    }

    fn first_date(&self) -> Date {
        self.date(self.min).unwrap_or(self.day_zero)
    }

    /// The serial of 9999-12-31.
    fn max(&self) -> i64 {
        let days = Date::MAX.since(self.day_zero).map_or(0, |span| {
            i64::from(span.get_days()) + i64::from(self.fictitious_leap_day)
        });
        days.max(self.min)
    }

    /// The date of `serial` (the 1900 system's serial 60 is handled by the caller).
    fn date(&self, serial: i64) -> Option<Date> {
        let mut days = serial;
        if self.fictitious_leap_day && serial > 60 {
            days -= 1;
        }
        let span = Span::new().try_days(days).ok()?;
        self.day_zero.checked_add(span).ok()
    }
}

/// 1900 system: serial 1 is 1900-01-01.
const DAY_ZERO_1900: Date = Date::constant(1899, 12, 31);
/// 1904 system: serial 0 is 1904-01-01.
const DAY_ZERO_1904: Date = Date::constant(1904, 1, 1);

/// The date of a spreadsheet date serial, given as the text of a Number cell in a date column.
/// The fraction (time of day) is ignored. The 1900 system counts the fictitious 1900-02-29 as
/// serial 60 (refused with [`ValueReason::ExcelLeapDay`]): serial 1 is 1900-01-01, 61 is
/// 1900-03-01, 45292 is 2024-01-01. The 1904 system starts with serial 0 = 1904-01-01.
///
/// Refused: serials below 1 (1900) or 0 (1904) and beyond 9999-12-31
/// ([`ValueReason::SerialOutOfRange`]), and dates in years outside the ones typed dates may have
/// ([`ValueReason::YearOutOfRange`], years 1900 to 3000): a serial such as 1000000 is an
/// amount in the wrong column, not a date in the year 4637.
pub fn excel_serial_date(text: &str, date_1904: bool) -> Result<Date, ValueError> {
    let Some(value) = number_cell_value(text) else {
        return Err(ValueError::new(text, ValueReason::NotADate));
    };
    let out_of_range = || ValueError::new(text, ValueReason::SerialOutOfRange { date_1904 });
    let system = SerialSystem::new(date_1904);
    let magnitude = value.whole_magnitude().ok_or_else(out_of_range)?;
    let serial = i64::try_from(magnitude).map_err(|_| out_of_range())?;
    if (value.negative && !value.is_zero()) || serial < system.min || serial > system.max() {
        if let Some(date) = digits_only_date(&value.to_plain()) {
            return Err(ValueError::new(text, ValueReason::DigitsOnlyDate { date }));
        }
        return Err(out_of_range());
    }
    if !date_1904 && serial == 60 {
        return Err(ValueError::new(text, ValueReason::ExcelLeapDay));
    }
    let date = system.date(serial).ok_or_else(out_of_range)?;
    let year = u32::try_from(date.year()).unwrap_or(0);
    if !year_in_range(year) {
        return Err(ValueError::new(text, ValueReason::YearOutOfRange { year }));
    }
    Ok(date)
}

fn year_in_range(year: u32) -> bool {
    i32::try_from(year).is_ok_and(|y| (MIN_DATE_YEAR..=MAX_DATE_YEAR).contains(&y))
}

/// The date that eight digits would be as `yyyymmdd`, if it is a real date in range.
fn digits_only_date(text: &str) -> Option<Date> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    checked_date(number(0..4)?, number(4..6)?, number(6..8)?).ok()
}

/// The date of year, month and day numbers, or why there is none.
fn checked_date(year: u32, month: u32, day: u32) -> Result<Date, ValueReason> {
    if !year_in_range(year) {
        return Err(ValueReason::YearOutOfRange { year });
    }
    if !(1..=12).contains(&month) {
        return Err(ValueReason::NoSuchMonth { month });
    }
    let year_i16 = i16::try_from(year).map_err(|_| ValueReason::YearOutOfRange { year })?;
    let month_i8 = i8::try_from(month).map_err(|_| ValueReason::NoSuchMonth { month })?;
    let days = Date::new(year_i16, month_i8, 1)
        .map(|first| u32::try_from(first.days_in_month()).unwrap_or(0))
        .map_err(|_| ValueReason::YearOutOfRange { year })?;
    let no_such_day = ValueReason::NoSuchDay {
        year,
        month,
        day,
        days,
    };
    if !(1..=days).contains(&day) {
        return Err(no_such_day);
    }
    let day_i8 = i8::try_from(day).map_err(|_| no_such_day.clone())?;
    Date::new(year_i16, month_i8, day_i8).map_err(|_| no_such_day)
}

/// The date part of a cleaned date text, with a time of day after a space or `T` checked and
/// dropped. None if what follows the date is not a time.
fn strip_time(text: &str) -> Option<&str> {
    match text.find([' ', 'T']) {
        Some(at) => {
            let time = text.get(at + 1..)?.trim();
            is_time(time).then_some(text.get(..at)?)
        }
        None => Some(text),
    }
}

/// `9:05`, `10:30:00`, `10:30:00.250`, optionally followed by `AM` or `PM`.
fn is_time(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let (clock, twelve_hour) = match upper
        .strip_suffix("AM")
        .or_else(|| upper.strip_suffix("PM"))
    {
        Some(clock) => (clock.trim_end(), true),
        None => (upper.as_str(), false),
    };
    let mut parts = clock.split(':');
    let number = |part: Option<&str>, max: u32| -> Option<u32> {
        let part = part?;
        let ok = (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| part.parse().ok())
            .flatten()
            .filter(|&n| n <= max)
    };
    let Some(hour) = number(parts.next(), 23) else {
        return false;
    };
    if twelve_hour && !(1..=12).contains(&hour) {
        return false;
    }
    let minute_ok = parts
        .next()
        .is_some_and(|m| m.len() == 2 && number(Some(m), 59).is_some());
    let second_ok = match parts.next() {
        None => true,
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
            whole.len() == 2
                && number(Some(whole), 59).is_some()
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
    };
    minute_ok && second_ok && parts.next().is_none()
}

/// A date written day and month first, year last: the two leading numbers and the year.
struct YearLast {
    first: u32,
    second: u32,
    year: u32,
}

/// How the numbers of a cleaned date text (time already dropped) are arranged.
enum DateShape<'a> {
    /// Four-digit year first, for [`period::parse_date`].
    YearFirst(&'a str),
    YearLast(YearLast),
    TwoDigitYear,
    /// Eight digits in a row.
    Digits,
    Unknown,
}

fn date_shape(date: &str) -> DateShape<'_> {
    if let Some((year, _)) = date.split_once('年') {
        return match year.len() {
            2 if year.bytes().all(|b| b.is_ascii_digit()) => DateShape::TwoDigitYear,
            _ => DateShape::YearFirst(date),
        };
    }
    if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
        return DateShape::Digits;
    }
    let Some(separator) = date.chars().find(|c| !c.is_ascii_digit()) else {
        return DateShape::Unknown;
    };
    if !matches!(separator, '-' | '/' | '.') {
        return DateShape::Unknown;
    }
    let parts: Vec<&str> = date.split(separator).collect();
    let [a, b, c] = parts.as_slice() else {
        return DateShape::Unknown;
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| numeric(p)) {
        return DateShape::Unknown;
    }
    match (a.len(), b.len(), c.len()) {
        (4, _, _) => DateShape::YearFirst(date),
        (1..=2, 1..=2, 4) => match (a.parse(), b.parse(), c.parse()) {
            (Ok(first), Ok(second), Ok(year)) => DateShape::YearLast(YearLast {
                first,
                second,
                year,
            }),
            _ => DateShape::Unknown,
        },
        (1..=2, 1..=2, 1..=2) => DateShape::TwoDigitYear,
        _ => DateShape::Unknown,
    }
}

/// The year-last date part of a cell text, if it is one (for column classification).
fn year_last_of(text: &str) -> Option<YearLast> {
    let cleaned = normalized(text);
    match date_shape(strip_time(&cleaned)?) {
        DateShape::YearLast(parts) => Some(parts),
        _ => None,
    }
}

fn period_reason(error: PeriodError) -> ValueReason {
    match error {
        PeriodError::DateYearOutOfRange { year, .. } => ValueReason::YearOutOfRange { year },
        PeriodError::DateMonthOutOfRange { month, .. } => ValueReason::NoSuchMonth { month },
        PeriodError::DateDayOutOfRange {
            year,
            month,
            day,
            days,
            ..
        } => ValueReason::NoSuchDay {
            year,
            month,
            day,
            days,
        },
        _ => ValueReason::NotADate,
    }
}

/// Reads a year-last date in `order`, or, with no order, in whichever order gives a real date
/// (both orders must agree if both do).
fn year_last_date(parts: &YearLast, order: Option<DayOrder>) -> Result<Date, ValueReason> {
    if !year_in_range(parts.year) {
        return Err(ValueReason::YearOutOfRange { year: parts.year });
    }
    let month_first = checked_date(parts.year, parts.first, parts.second);
    let day_first = checked_date(parts.year, parts.second, parts.first);
    match order {
        Some(order) => {
            let (chosen, other, month) = match order {
                DayOrder::MonthFirst => (month_first, day_first, parts.first),
                DayOrder::DayFirst => (day_first, month_first, parts.second),
            };
            match (chosen, other) {
                (Ok(date), _) => Ok(date),
                (Err(ValueReason::NoSuchMonth { .. }), Ok(other)) => {
                    Err(ValueReason::ContradictsDayOrder {
                        order,
                        month,
                        other,
                    })
                }
                (Err(reason), _) => Err(reason),
            }
        }
        None => match (month_first, day_first) {
            (Ok(a), Ok(b)) if a == b => Ok(a),
            (Ok(month_first), Ok(day_first)) => Err(ValueReason::AmbiguousDayOrder {
                month_first,
                day_first,
            }),
            (Ok(date), Err(_)) | (Err(_), Ok(date)) => Ok(date),
            // Report the reading whose month exists, so the message is about the day.
            (Err(month_first), Err(day_first)) => match month_first {
                ValueReason::NoSuchMonth { .. } => Err(day_first),
                _ => Err(month_first),
            },
        },
    }
}

/// The date in a date column's cell.
///
/// - Number cells are spreadsheet serials ([`excel_serial_date`]).
/// - Date and Text cells: year first `2024-01-05`, `2024-1-5`, `2024/1/5`, `2024.1.5`,
///   `2024年1月5日` (via [`period::parse_date`]); year last `1/5/2024`, `01/05/2024`, `5.1.2024`,
///   `5-1-2024`, read in `order`. Any of them may be followed by a time after a space or `T`
///   (`2024-01-05 10:30`, `2024-01-05T10:30:00`, `2024/1/5 9:05:00`, `1/5/2024 9:05 PM`), which
///   is checked and ignored. Full-width digits and separators are accepted.
/// - With `order` None, a year-last date is read only if one order gives a real date or both
///   give the same day (`13/1/2024`, `5/5/2024`); otherwise it is
///   [`ValueReason::AmbiguousDayOrder`]. Use [`classify_date_column`] to find the order.
/// - Refused with their reason: two-digit years, impossible dates (`2024-02-30`,
///   `13/13/2024`), years outside 1900..=3000, a year-last date impossible in `order` but real
///   in the other ([`ValueReason::ContradictsDayOrder`]), eight digits (`20240105`), TRUE/FALSE.
pub fn parse_date_cell(
    kind: CellKind,
    text: &str,
    order: Option<DayOrder>,
    date_1904: bool,
) -> Result<Date, ValueError> {
    if is_blank(kind, text) {
        let reason = ValueReason::Empty {
            expected: ValueKind::Date,
        };
        return Err(ValueError::new(text, reason));
    }
    match kind {
        CellKind::Number => return excel_serial_date(text, date_1904),
        CellKind::Bool => {
            let reason = ValueReason::BoolCell {
                expected: ValueKind::Date,
            };
            return Err(ValueError::new(text, reason));
        }
        CellKind::Empty | CellKind::Text | CellKind::Date => {}
    }
    if is_spreadsheet_error(text) {
        return Err(ValueError::new(text, ValueReason::FormulaError));
    }
    let cleaned = normalized(text);
    let Some(date_part) = strip_time(&cleaned) else {
        return Err(ValueError::new(text, ValueReason::NotADate));
    };
    let result = match date_shape(date_part) {
        DateShape::YearFirst(date) => period::parse_date(date).map_err(period_reason),
        DateShape::YearLast(parts) => year_last_date(&parts, order),
        DateShape::TwoDigitYear => Err(ValueReason::TwoDigitYear),
        DateShape::Digits => Err(match digits_only_date(date_part) {
            Some(date) => ValueReason::DigitsOnlyDate { date },
            None => ValueReason::NotADate,
        }),
        DateShape::Unknown => Err(ValueReason::NotADate),
    };
    result.map_err(|reason| ValueError::new(text, reason))
}

/// What the year-last dates of a column (`(source line, cell text)`) say about their day/month
/// order. A date whose first number is above 12 and that is a real date as day/month/year
/// (`13/5/2024`) proves day/month/year; one whose second number is above 12 and that is a real
/// date as month/day/year (`5/13/2024`) proves month/day/year. Ignored: year-first dates,
/// serials, blanks, other text, two-digit years, dates impossible in both orders (`31/02/2024`)
/// and dates that read the same either way (`5/5/2024`). A time after the date is allowed.
///
/// - Proof of one order only: `Decided(Some(order))`.
/// - Proof of both: `Conflicting` with the first line proving each.
/// - No proof but some year-last dates that read differently in each order: `Ambiguous` with up
///   to three distinct examples (cleaned text), in the order given.
/// - Otherwise `Decided(None)`.
pub fn classify_date_column(values: &[(usize, &str)]) -> DateColumn {
    let proves = |n: u32| (13..=31).contains(&n);
    let fits = |n: u32| (1..=12).contains(&n);
    let mut month_first_line = None;
    let mut day_first_line = None;
    let mut examples: Vec<String> = Vec::new();
    for &(line, text) in values {
        let Some(parts) = year_last_of(text) else {
            continue;
        };
        let real = |month: u32, day: u32| checked_date(parts.year, month, day).is_ok();
        if proves(parts.first) && fits(parts.second) && real(parts.second, parts.first) {
            day_first_line.get_or_insert(line);
        } else if proves(parts.second) && fits(parts.first) && real(parts.first, parts.second) {
            month_first_line.get_or_insert(line);
        } else if fits(parts.first) && fits(parts.second) && parts.first != parts.second {
            let example = normalize_name(text);
            if examples.len() < 3 && !examples.contains(&example) {
                examples.push(example);
            }
        }
    }
    match (month_first_line, day_first_line) {
        (Some(month_first_line), Some(day_first_line)) => DateColumn::Conflicting {
            month_first_line,
            day_first_line,
        },
        (Some(_), None) => DateColumn::Decided(Some(DayOrder::MonthFirst)),
        (None, Some(_)) => DateColumn::Decided(Some(DayOrder::DayFirst)),
        (None, None) if examples.is_empty() => DateColumn::Decided(None),
        (None, None) => DateColumn::Ambiguous { examples },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, significant: usize) -> Option<String> {
        let mut d = Decimal::parse(text)?;
        d.round_significant(significant);
        Some(d.to_plain())
    }

    #[test]
    fn decimal_text_round_trips_and_rounds() {
        assert_eq!(plain("1234.56", 15).as_deref(), Some("1234.56"));
        assert_eq!(plain("0.30000000000000004", 15).as_deref(), Some("0.3"));
        assert_eq!(plain("-1e-7", 15).as_deref(), Some("-0.0000001"));
        assert_eq!(plain("1.5E+3", 15).as_deref(), Some("1500"));
        assert_eq!(plain("999.96", 4).as_deref(), Some("1000"));
        assert_eq!(plain("0.0049", 1).as_deref(), Some("0.005"));
        assert_eq!(plain("-0", 15).as_deref(), Some("0"));
        assert_eq!(plain(".5", 15).as_deref(), Some("0.5"));
        assert_eq!(plain("5.", 15).as_deref(), Some("5"));
        for bad in [
            "", ".", "-", "1e", "1e+", "e5", "1.2.3", "1,000", "NaN", "inf", "1e999",
        ] {
            assert_eq!(plain(bad, 15), None, "{bad:?}");
        }
    }

    #[test]
    fn rounding_to_decimals_can_reach_zero_or_carry() {
        let mut d = Decimal::parse("0.0000000000004").unwrap();
        d.round_decimals(12);
        assert_eq!(d.to_plain(), "0");
        let mut d = Decimal::parse("0.0000000000005").unwrap();
        d.round_decimals(12);
        assert_eq!(d.to_plain(), "0.000000000001");
        let mut d = Decimal::parse("0.00000000000000001").unwrap();
        d.round_decimals(12);
        assert_eq!(d.to_plain(), "0");
        let mut d = Decimal::parse("0.9999999999999").unwrap();
        d.round_decimals(12);
        assert_eq!(d.to_plain(), "1");
    }

    #[test]
    fn whole_magnitude_stops_at_u64() {
        assert_eq!(
            Decimal::parse("18446744073709551615")
                .unwrap()
                .whole_magnitude(),
            Some(u64::MAX)
        );
        assert_eq!(
            Decimal::parse("18446744073709551616")
                .unwrap()
                .whole_magnitude(),
            None
        );
        assert_eq!(Decimal::parse("1e300").unwrap().whole_magnitude(), None);
        assert_eq!(
            Decimal::parse("45292.75").unwrap().whole_magnitude(),
            Some(45292)
        );
        assert_eq!(Decimal::parse("0.75").unwrap().whole_magnitude(), Some(0));
    }

    #[test]
    fn serial_range_ends_on_the_last_day_of_9999() {
        assert_eq!(SerialSystem::new(false).max(), 2_958_465);
        assert_eq!(SerialSystem::new(true).max(), 2_957_003);
        assert_eq!(SerialSystem::new(false).date(2_958_465), Some(Date::MAX));
        assert_eq!(SerialSystem::new(true).date(2_957_003), Some(Date::MAX));
    }
}
