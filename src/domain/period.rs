//! Calendar time for a plan: fiscal years and their periods (year, half, quarter, month, week,
//! day), working days (Monday–Friday, minus public holidays, plus make-up working days), and
//! the parsing of dates and period codes typed by users.
//!
//! Nothing here panics on any input: out-of-range values are reported as a [`PeriodError`]
//! (which users see, translated) or, where a signature has no room for an error, give an empty or
//! zero result that is documented on the function.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use jiff::SignedDuration;
use jiff::civil::Date;

use crate::i18n::{Lang, Localized};

/// The first fiscal year a plan can cover.
pub const MIN_YEAR: i32 = 1900;
/// The last fiscal year a plan can cover.
pub const MAX_YEAR: i32 = 2999;
/// The fiscal year start month used unless the user picks another.
pub const DEFAULT_START_MONTH: u8 = 1;
/// Dates typed by users must fall in these years: every day of every supported fiscal year does
/// (FY 2999 starting in December ends in 3000), and a year outside is almost surely a typo.
pub const MIN_DATE_YEAR: i32 = MIN_YEAR;
/// See [`MIN_DATE_YEAR`].
pub const MAX_DATE_YEAR: i32 = MAX_YEAR + 1;
/// The most weeks a fiscal year can have: a leap year starting on a Sunday has a one-day first
/// week, 52 whole weeks and a one-day last week.
pub const MAX_WEEKS: u16 = 54;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a fiscal year, period, calendar entry or typed date was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// A fiscal year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    YearOutOfRange { year: i32 },
    /// A fiscal year start month outside 1..=12.
    StartMonthOutOfRange { month: u8 },
    /// A fiscal month outside 1..=12.
    FiscalMonthOutOfRange { month: u8 },
    /// A week number the fiscal year does not have.
    WeekOutOfRange {
        week: u16,
        count: u16,
        fiscal_year: String,
    },
    /// A day asked for in a fiscal year that does not contain it.
    DateOutsideFiscalYear {
        date: Date,
        fiscal_year: String,
        start: Date,
        end: Date,
    },
    /// A period that no fiscal year has (such as `Month(13)`).
    InvalidPeriod { period: String },
    /// Text that is not a period code.
    InvalidCode { code: String },
    /// A holiday requested on a day already marked as a make-up working day.
    HolidayIsMakeupDay { date: Date },
    /// A make-up working day requested on Monday–Friday.
    MakeupDayIsWeekday { date: Date },
    /// A make-up working day requested on a day already marked as a holiday.
    MakeupDayIsHoliday { date: Date },
    /// A date range whose end is before its start.
    RangeReversed { start: Date, end: Date },
    /// Text that is not a date in any accepted form.
    InvalidDate { input: String },
    /// A typed date whose year is outside [`MIN_DATE_YEAR`]..=[`MAX_DATE_YEAR`].
    DateYearOutOfRange { input: String, year: u32 },
    /// A typed date whose month is outside 1..=12.
    DateMonthOutOfRange { input: String, month: u32 },
    /// A typed date whose day is not in its month (such as 2026-02-30).
    DateDayOutOfRange {
        input: String,
        year: u32,
        month: u32,
        day: u32,
        days: u32,
    },
}

impl Localized for PeriodError {
    fn message_key(&self) -> &'static str {
        match self {
            PeriodError::YearOutOfRange { .. } => "err.period.year_out_of_range",
            PeriodError::StartMonthOutOfRange { .. } => "err.period.start_month_out_of_range",
            PeriodError::FiscalMonthOutOfRange { .. } => "err.period.fiscal_month_out_of_range",
            PeriodError::WeekOutOfRange { .. } => "err.period.week_out_of_range",
            PeriodError::DateOutsideFiscalYear { .. } => "err.period.date_outside_fiscal_year",
            PeriodError::InvalidPeriod { .. } => "err.period.invalid_period",
            PeriodError::InvalidCode { .. } => "err.period.invalid_code",
            PeriodError::HolidayIsMakeupDay { .. } => "err.period.holiday_is_makeup_day",
            PeriodError::MakeupDayIsWeekday { .. } => "err.period.makeup_day_is_weekday",
            PeriodError::MakeupDayIsHoliday { .. } => "err.period.makeup_day_is_holiday",
            PeriodError::RangeReversed { .. } => "err.period.range_reversed",
            PeriodError::InvalidDate { .. } => "err.period.invalid_date",
            PeriodError::DateYearOutOfRange { .. } => "err.period.date_year_out_of_range",
            PeriodError::DateMonthOutOfRange { .. } => "err.period.date_month_out_of_range",
            PeriodError::DateDayOutOfRange { .. } => "err.period.date_day_out_of_range",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            PeriodError::YearOutOfRange { year } => vec![
                ("year", year.to_string()),
                ("min", MIN_YEAR.to_string()),
                ("max", MAX_YEAR.to_string()),
            ],
            PeriodError::StartMonthOutOfRange { month }
            | PeriodError::FiscalMonthOutOfRange { month } => {
                vec![("month", month.to_string())]
            }
            PeriodError::WeekOutOfRange {
                week,
                count,
                fiscal_year,
            } => vec![
                ("week", week.to_string()),
                ("count", count.to_string()),
                ("fiscal_year", fiscal_year.clone()),
            ],
            PeriodError::DateOutsideFiscalYear {
                date,
                fiscal_year,
                start,
                end,
            } => vec![
                ("date", date.to_string()),
                ("fiscal_year", fiscal_year.clone()),
                ("start", start.to_string()),
                ("end", end.to_string()),
            ],
            PeriodError::InvalidPeriod { period } => vec![("period", period.clone())],
            PeriodError::InvalidCode { code } => vec![("code", code.clone())],
            PeriodError::HolidayIsMakeupDay { date }
            | PeriodError::MakeupDayIsWeekday { date }
            | PeriodError::MakeupDayIsHoliday { date } => vec![("date", date.to_string())],
            PeriodError::RangeReversed { start, end } => {
                vec![("start", start.to_string()), ("end", end.to_string())]
            }
            PeriodError::InvalidDate { input } => vec![("input", input.clone())],
            PeriodError::DateYearOutOfRange { input, year } => vec![
                ("input", input.clone()),
                ("year", year.to_string()),
                ("min", MIN_DATE_YEAR.to_string()),
                ("max", MAX_DATE_YEAR.to_string()),
            ],
            PeriodError::DateMonthOutOfRange { input, month } => {
                vec![("input", input.clone()), ("month", month.to_string())]
            }
            PeriodError::DateDayOutOfRange {
                input,
                year,
                month,
                day,
                days,
            } => vec![
                ("input", input.clone()),
                ("year", year.to_string()),
                ("month", month.to_string()),
                ("day", day.to_string()),
                ("days", days.to_string()),
            ],
        }
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for PeriodError {}

/// Shortens user input quoted back in a message, so a pasted paragraph does not flood the UI.
fn quote_input(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    if s.chars().count() <= MAX_CHARS {
        s.to_owned()
    } else {
        let mut short: String = s.chars().take(MAX_CHARS).collect();
        short.push('…');
        short
    }
}

// ---------------------------------------------------------------------------------------------
// Date helpers
// ---------------------------------------------------------------------------------------------

/// The first day of a calendar month. Inputs are clamped into jiff's range first, so building
/// the date cannot fail; callers only pass validated years and months anyway.
fn first_of_month(year: i32, month: u8) -> Date {
    let year = year.clamp(-9999, 9999) as i16;
    let month = month.clamp(1, 12) as i8;
    Date::new(year, month, 1).unwrap_or(Date::ZERO)
}

/// `d` moved by `days`, saturating at jiff's limits.
fn add_days(d: Date, days: i64) -> Date {
    match SignedDuration::try_from_hours(days.saturating_mul(24)) {
        Some(duration) => d.saturating_add(duration),
        None if days < 0 => Date::MIN,
        None => Date::MAX,
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
fn days_between(from: Date, to: Date) -> i64 {
    to.duration_since(from).as_secs() / 86_400
}

/// Monday = 0 … Sunday = 6.
fn weekday_index(d: Date) -> i64 {
    i64::from(d.weekday().to_monday_zero_offset())
}

/// The terms of a count of working days: Monday–Friday, less the holidays falling on them,
/// plus the make-up working days (on weekends or holidays).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkingDayParts {
    pub weekdays: i64,
    pub holidays: i64,
    pub makeups: i64,
}

impl WorkingDayParts {
    /// weekdays − holidays + make-up days (never below 0).
    pub fn total(&self) -> u32 {
        u32::try_from(
            self.weekdays
                .saturating_sub(self.holidays)
                .saturating_add(self.makeups),
        )
        .unwrap_or(0)
    }
}

fn is_weekend(d: Date) -> bool {
    weekday_index(d) >= 5
}

/// Monday–Friday days in `start..=end`, counted arithmetically so long ranges stay cheap.
fn weekdays_between(start: Date, end: Date) -> i64 {
    if end < start {
        return 0;
    }
    let days = days_between(start, end) + 1;
    let first = weekday_index(start);
    let tail = (0..days % 7).filter(|k| (first + k) % 7 < 5).count() as i64;
    days / 7 * 5 + tail
}

/// Serde form of a date: its ISO text `2026-03-04`. Written here because the crate does not
/// enable jiff's `serde` feature; the text is the same as that feature's.
pub(crate) mod date_serde {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}

/// Serde form of a set of dates: a list of ISO texts.
mod date_set_serde {
    use std::collections::BTreeSet;

    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(
        dates: &BTreeSet<Date>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(dates.iter().map(|d| d.to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeSet<Date>, D::Error> {
        let texts = Vec::<String>::deserialize(deserializer)?;
        texts
            .iter()
            .map(|t| t.parse().map_err(D::Error::custom))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Fiscal years and weeks
// ---------------------------------------------------------------------------------------------

/// One fiscal year: twelve months from the first day of `start_month` in calendar year `year`.
///
/// `year` is the calendar year in which the fiscal year *starts*, so with an April start FY2026
/// runs 2026-04-01..=2027-03-31. Fields are private and checked on construction and when
/// deserialized, so every method can rely on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "FiscalYearFields")]
pub struct FiscalYear {
    year: i32,
    start_month: u8,
}

/// Unchecked serde shape of [`FiscalYear`].
#[derive(serde::Deserialize)]
struct FiscalYearFields {
    year: i32,
    start_month: u8,
}

impl TryFrom<FiscalYearFields> for FiscalYear {
    type Error = PeriodError;
    fn try_from(fields: FiscalYearFields) -> Result<Self, Self::Error> {
        FiscalYear::new(fields.year, fields.start_month)
    }
}

/// One week of a fiscal year.
///
/// Week numbering: week 1 is the Monday–Sunday week containing the fiscal year's first day,
/// clipped to start on that day; every following week is a whole Monday–Sunday week, except the
/// last, which is clipped to end on the fiscal year's last day. So a week never crosses the
/// fiscal year boundary, the first and last weeks may be shorter than seven days, and a fiscal
/// year has 53 or (a leap year starting on a Sunday) 54 weeks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Week {
    /// 1-based.
    pub index: u16,
    #[serde(with = "date_serde")]
    pub start: Date,
    /// Inclusive.
    #[serde(with = "date_serde")]
    pub end: Date,
}

impl Week {
    /// Whether `d` falls in this week.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    /// Number of calendar days in the week (1..=7).
    pub fn len_days(&self) -> u32 {
        u32::try_from(days_between(self.start, self.end) + 1).unwrap_or(0)
    }
}

impl FiscalYear {
    /// A fiscal year starting on the first day of `start_month` (1..=12) of calendar year
    /// `year` ([`MIN_YEAR`]..=[`MAX_YEAR`]).
    pub fn new(year: i32, start_month: u8) -> Result<FiscalYear, PeriodError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodError::YearOutOfRange { year });
        }
        if !(1..=12).contains(&start_month) {
            return Err(PeriodError::StartMonthOutOfRange { month: start_month });
        }
        Ok(FiscalYear { year, start_month })
    }

    /// The calendar year in which the fiscal year starts.
    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn start_month(&self) -> u8 {
        self.start_month
    }

    pub fn start_date(&self) -> Date {
        first_of_month(self.year, self.start_month)
    }

    /// The last day of the fiscal year (inclusive).
    pub fn end_date(&self) -> Date {
        let (year, month) = self.calendar_month_unchecked(12);
        first_of_month(year, month).last_of_month()
    }

    pub fn contains(&self, d: Date) -> bool {
        self.start_date() <= d && d <= self.end_date()
    }

    /// The calendar (year, month) of fiscal month 1..=12.
    pub fn calendar_month(&self, fiscal_month: u8) -> Result<(i32, u8), PeriodError> {
        check_fiscal_month(fiscal_month)?;
        Ok(self.calendar_month_unchecked(fiscal_month))
    }

    /// Caller guarantees `fiscal_month` is 1..=12.
    fn calendar_month_unchecked(&self, fiscal_month: u8) -> (i32, u8) {
        let offset = i32::from(self.start_month - 1) + i32::from(fiscal_month.clamp(1, 12) - 1);
        (self.year + offset / 12, (offset % 12) as u8 + 1)
    }

    /// The fiscal month (1..=12) containing `d`, or `None` if `d` is outside the fiscal year.
    pub fn fiscal_month_of(&self, d: Date) -> Option<u8> {
        // Months counted from year 0: the year spans the 12 from its first (the same as
        // `contains`, without building the first and last dates; this runs for every fact).
        let ordinal = |year: i32, month: u8| i64::from(year) * 12 + i64::from(month) - 1;
        let offset =
            ordinal(i32::from(d.year()), d.month() as u8) - ordinal(self.year, self.start_month);
        u8::try_from(offset).ok().filter(|&m| m < 12).map(|m| m + 1)
    }

    pub fn month_first_day(&self, fiscal_month: u8) -> Result<Date, PeriodError> {
        let (year, month) = self.calendar_month(fiscal_month)?;
        Ok(first_of_month(year, month))
    }

    pub fn month_last_day(&self, fiscal_month: u8) -> Result<Date, PeriodError> {
        Ok(self.month_first_day(fiscal_month)?.last_of_month())
    }

    /// `2026` for a calendar-year plan, else `FY2026 (2026-04–2027-03)`.
    pub fn label(&self) -> String {
        if self.start_month == 1 {
            return self.year.to_string();
        }
        let (end_year, end_month) = self.calendar_month_unchecked(12);
        format!(
            "FY{} ({}-{:02}–{}-{:02})",
            self.year, self.year, self.start_month, end_year, end_month
        )
    }

    /// The calendar month of a fiscal month, as `2026-04`; `?` for a month outside 1..=12
    /// (visible but harmless, like an unknown translation key).
    pub fn month_label(&self, fiscal_month: u8) -> String {
        match self.calendar_month(fiscal_month) {
            Ok((year, month)) => format!("{year}-{month:02}"),
            Err(_) => "?".to_owned(),
        }
    }

    /// The Monday on or before the fiscal year's first day: weeks are counted from it.
    fn week_anchor(&self) -> Date {
        let start = self.start_date();
        add_days(start, -weekday_index(start))
    }

    /// Number of weeks (53 or 54), see [`Week`].
    pub fn week_count(&self) -> u16 {
        self.week_index_unchecked(self.end_date())
    }

    /// Caller guarantees `d` is inside the fiscal year.
    fn week_index_unchecked(&self, d: Date) -> u16 {
        u16::try_from(days_between(self.week_anchor(), d) / 7 + 1).unwrap_or(0)
    }

    /// Week `index` (1-based), see [`Week`] for the numbering.
    pub fn week(&self, index: u16) -> Result<Week, PeriodError> {
        let count = self.week_count();
        if index == 0 || index > count {
            return Err(PeriodError::WeekOutOfRange {
                week: index,
                count,
                fiscal_year: self.label(),
            });
        }
        let monday = add_days(self.week_anchor(), 7 * (i64::from(index) - 1));
        Ok(Week {
            index,
            start: monday.max(self.start_date()),
            end: add_days(monday, 6).min(self.end_date()),
        })
    }

    /// The week containing `d`, or `None` if `d` is outside the fiscal year.
    pub fn week_of(&self, d: Date) -> Option<Week> {
        if !self.contains(d) {
            return None;
        }
        self.week(self.week_index_unchecked(d)).ok()
    }

    /// All weeks in order, numbered as described on [`Week`]; they cover the fiscal year exactly,
    /// without overlap.
    pub fn weeks(&self) -> Vec<Week> {
        (1..=self.week_count())
            .filter_map(|i| self.week(i).ok())
            .collect()
    }

    /// First and last day (inclusive) of `period` in this fiscal year.
    pub fn period_range(&self, period: &Period) -> Result<(Date, Date), PeriodError> {
        match *period {
            Period::Week(index) => {
                let week = self.week(index)?;
                Ok((week.start, week.end))
            }
            Period::Day(date) if self.contains(date) => Ok((date, date)),
            Period::Day(date) => Err(PeriodError::DateOutsideFiscalYear {
                date,
                fiscal_year: self.label(),
                start: self.start_date(),
                end: self.end_date(),
            }),
            _ => match period.fiscal_months() {
                Some(months) => Ok((
                    self.month_first_day(*months.start())?,
                    self.month_last_day(*months.end())?,
                )),
                None => Err(PeriodError::InvalidPeriod {
                    period: period.code(),
                }),
            },
        }
    }

    /// The fiscal year before this one; an error before [`MIN_YEAR`].
    pub fn previous(&self) -> Result<FiscalYear, PeriodError> {
        FiscalYear::new(self.year - 1, self.start_month)
    }

    /// The fiscal year after this one; an error after [`MAX_YEAR`].
    pub fn next(&self) -> Result<FiscalYear, PeriodError> {
        FiscalYear::new(self.year + 1, self.start_month)
    }
}

fn check_fiscal_month(fiscal_month: u8) -> Result<(), PeriodError> {
    if (1..=12).contains(&fiscal_month) {
        Ok(())
    } else {
        Err(PeriodError::FiscalMonthOutOfRange {
            month: fiscal_month,
        })
    }
}

/// For each week touching fiscal month `fiscal_month`, the week and the part of it inside the
/// month (first day, last day). Used to split a month's target into weeks by working days.
/// Empty for a month outside 1..=12.
pub fn weeks_overlapping_month(fy: &FiscalYear, fiscal_month: u8) -> Vec<(Week, Date, Date)> {
    let (Ok(first), Ok(last)) = (
        fy.month_first_day(fiscal_month),
        fy.month_last_day(fiscal_month),
    ) else {
        return Vec::new();
    };
    (fy.week_index_unchecked(first)..=fy.week_index_unchecked(last))
        .filter_map(|i| fy.week(i).ok())
        .map(|w| (w, w.start.max(first), w.end.min(last)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

/// A period of a fiscal year. Half, quarter and month numbers are *fiscal* (month 1 is the
/// fiscal year's start month); weeks are numbered as described on [`Week`].
///
/// Serialized as its code (`"Q3"`, `"M07"`, …), so it can be a JSON map key; deserializing
/// checks the code like [`Period::parse_code`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "String", try_from = "String")]
pub enum Period {
    Year,
    Half(u8),
    Quarter(u8),
    Month(u8),
    Week(u16),
    Day(Date),
}

impl Period {
    /// The period's code: `Y`, `H1`, `Q3`, `M07`, `W05`, `D2026-03-04`. Months and weeks always
    /// have two digits, halves and quarters one, so every period has exactly one code.
    pub fn code(&self) -> String {
        match self {
            Period::Year => "Y".to_owned(),
            Period::Half(h) => format!("H{h}"),
            Period::Quarter(q) => format!("Q{q}"),
            Period::Month(m) => format!("M{m:02}"),
            Period::Week(w) => format!("W{w:02}"),
            Period::Day(d) => format!("D{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        }
    }

    /// The strict inverse of [`Period::code`]: no spaces, upper-case letters, exact digit counts
    /// (`M1` and `W5` are refused), numbers in range (H1–H2, Q1–Q4, M01–M12, W01–W54) and real
    /// dates with a four-digit year.
    pub fn parse_code(s: &str) -> Result<Period, PeriodError> {
        parse_code_inner(s).ok_or_else(|| PeriodError::InvalidCode {
            code: quote_input(s),
        })
    }

    /// Whether some fiscal year can have this period (numbers in range).
    pub fn is_valid(&self) -> bool {
        match *self {
            Period::Year | Period::Day(_) => true,
            Period::Half(h) => (1..=2).contains(&h),
            Period::Quarter(q) => (1..=4).contains(&q),
            Period::Month(m) => (1..=12).contains(&m),
            Period::Week(w) => (1..=MAX_WEEKS).contains(&w),
        }
    }

    /// The fiscal months the period spans: Y → 1..=12, H2 → 7..=12, Q2 → 4..=6, M5 → 5..=5.
    /// `None` for weeks, days and out-of-range numbers.
    pub fn fiscal_months(&self) -> Option<RangeInclusive<u8>> {
        if !self.is_valid() {
            return None;
        }
        match *self {
            Period::Year => Some(1..=12),
            Period::Half(h) => Some(h * 6 - 5..=h * 6),
            Period::Quarter(q) => Some(q * 3 - 2..=q * 3),
            Period::Month(m) => Some(m..=m),
            Period::Week(_) | Period::Day(_) => None,
        }
    }

    /// The fiscal quarter (1..=4) of a fiscal month; 0 for a month outside 1..=12, which no
    /// quarter contains.
    pub fn quarter_of_month(fiscal_month: u8) -> u8 {
        if (1..=12).contains(&fiscal_month) {
            (fiscal_month - 1) / 3 + 1
        } else {
            0
        }
    }

    /// The fiscal half (1..=2) of a fiscal month; 0 for a month outside 1..=12.
    pub fn half_of_month(fiscal_month: u8) -> u8 {
        if (1..=12).contains(&fiscal_month) {
            (fiscal_month - 1) / 6 + 1
        } else {
            0
        }
    }

    /// Whether `other` lies within this period. Year ⊇ half ⊇ quarter ⊇ month, by fiscal month;
    /// a period contains itself. Weeks and days are contained only by the year and themselves
    /// (which month a week or day falls in depends on the fiscal year; use
    /// [`FiscalYear::period_range`]). Invalid periods contain and are contained by nothing.
    pub fn contains(&self, other: &Period) -> bool {
        if !self.is_valid() || !other.is_valid() {
            return false;
        }
        if self == other || *self == Period::Year {
            return true;
        }
        match (self.fiscal_months(), other.fiscal_months()) {
            (Some(outer), Some(inner)) => {
                outer.start() <= inner.start() && inner.end() <= outer.end()
            }
            _ => false,
        }
    }

    pub fn all_halves() -> [Period; 2] {
        [Period::Half(1), Period::Half(2)]
    }

    pub fn all_quarters() -> [Period; 4] {
        [1, 2, 3, 4].map(Period::Quarter)
    }

    pub fn all_months() -> [Period; 12] {
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(Period::Month)
    }
}

/// `Some(n)` if `s` is exactly `len` ASCII digits (`u16::from_str` alone would accept `+1`).
fn exact_digits(s: &str, len: usize) -> Option<u16> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn parse_code_inner(s: &str) -> Option<Period> {
    let in_range = |n: u16, max: u16| (1..=max).contains(&n).then_some(n);
    if s == "Y" {
        Some(Period::Year)
    } else if let Some(rest) = s.strip_prefix('H') {
        Some(Period::Half(in_range(exact_digits(rest, 1)?, 2)? as u8))
    } else if let Some(rest) = s.strip_prefix('Q') {
        Some(Period::Quarter(in_range(exact_digits(rest, 1)?, 4)? as u8))
    } else if let Some(rest) = s.strip_prefix('M') {
        Some(Period::Month(in_range(exact_digits(rest, 2)?, 12)? as u8))
    } else if let Some(rest) = s.strip_prefix('W') {
        Some(Period::Week(in_range(exact_digits(rest, 2)?, MAX_WEEKS)?))
    } else if let Some(rest) = s.strip_prefix('D') {
        let mut parts = rest.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let (y, m, d) = (
            exact_digits(y, 4)?,
            exact_digits(m, 2)?,
            exact_digits(d, 2)?,
        );
        // All three fit: a four-digit year is at most 9999.
        Date::new(y as i16, m as i8, d as i8).ok().map(Period::Day)
    } else {
        None
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse_code(s)
    }
}

impl From<Period> for String {
    fn from(period: Period) -> String {
        period.code()
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Period::parse_code(&code)
    }
}

// ---------------------------------------------------------------------------------------------
// Working days
// ---------------------------------------------------------------------------------------------

/// Which days are working days: Monday–Friday, minus the user's public holidays, plus the user's
/// make-up working days (调休: a Saturday or Sunday officially worked in exchange for a
/// holiday).
///
/// Invariants, kept by the methods and checked when deserialized: no date is both a holiday and a
/// make-up day, and every make-up day is a Saturday or Sunday. A holiday may fall on a weekend
/// (users enter whole festival ranges); it changes nothing there.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "WorkCalendarFields")]
pub struct WorkCalendar {
    #[serde(with = "date_set_serde")]
    holidays: BTreeSet<Date>,
    #[serde(with = "date_set_serde")]
    makeup_workdays: BTreeSet<Date>,
}

/// Unchecked serde shape of [`WorkCalendar`].
#[derive(serde::Deserialize)]
struct WorkCalendarFields {
    #[serde(with = "date_set_serde")]
    holidays: BTreeSet<Date>,
    #[serde(with = "date_set_serde")]
    makeup_workdays: BTreeSet<Date>,
}

impl TryFrom<WorkCalendarFields> for WorkCalendar {
    type Error = PeriodError;
    fn try_from(fields: WorkCalendarFields) -> Result<Self, Self::Error> {
        let mut calendar = WorkCalendar::new();
        for d in fields.holidays {
            calendar.add_holiday(d)?;
        }
        for d in fields.makeup_workdays {
            calendar.add_makeup_workday(d)?;
        }
        Ok(calendar)
    }
}

impl WorkCalendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `d` as a public holiday (no-op if it already is). Refused if `d` is a make-up day.
    pub fn add_holiday(&mut self, d: Date) -> Result<(), PeriodError> {
        if self.makeup_workdays.contains(&d) {
            return Err(PeriodError::HolidayIsMakeupDay { date: d });
        }
        self.holidays.insert(d);
        Ok(())
    }

    /// Marks every day of `start..=end` as a holiday, all or nothing; returns how many days were
    /// newly marked.
    pub fn add_holiday_range(&mut self, start: Date, end: Date) -> Result<u32, PeriodError> {
        if end < start {
            return Err(PeriodError::RangeReversed { start, end });
        }
        if let Some(&d) = self.makeup_workdays.range(start..=end).next() {
            return Err(PeriodError::HolidayIsMakeupDay { date: d });
        }
        let mut added = 0;
        for d in dates(start, end) {
            if self.holidays.insert(d) {
                added += 1;
            }
        }
        Ok(added)
    }

    /// Marks the Saturday or Sunday `d` as a make-up working day (no-op if it already is).
    /// Refused on Monday–Friday (already working days) and on holidays.
    pub fn add_makeup_workday(&mut self, d: Date) -> Result<(), PeriodError> {
        if !is_weekend(d) {
            return Err(PeriodError::MakeupDayIsWeekday { date: d });
        }
        if self.holidays.contains(&d) {
            return Err(PeriodError::MakeupDayIsHoliday { date: d });
        }
        self.makeup_workdays.insert(d);
        Ok(())
    }

    /// Removes `d` from the holidays or make-up days; `true` if it was in either.
    pub fn remove(&mut self, d: Date) -> bool {
        let holiday = self.holidays.remove(&d);
        let makeup = self.makeup_workdays.remove(&d);
        holiday || makeup
    }

    /// Holidays in date order.
    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    /// Make-up working days in date order.
    pub fn makeup_workdays(&self) -> impl Iterator<Item = Date> + '_ {
        self.makeup_workdays.iter().copied()
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        self.holidays.contains(&d)
    }

    pub fn is_makeup_workday(&self, d: Date) -> bool {
        self.makeup_workdays.contains(&d)
    }

    /// (Monday–Friday and not a holiday) or a make-up working day.
    pub fn is_working_day(&self, d: Date) -> bool {
        (!is_weekend(d) && !self.holidays.contains(&d)) || self.makeup_workdays.contains(&d)
    }

    /// Working days in `start..=end`; 0 if `end < start`. Cost grows with the number of
    /// holidays and make-up days in the range, not with its length.
    pub fn working_days(&self, start: Date, end: Date) -> u32 {
        self.working_days_parts(start, end).total()
    }

    /// How [`WorkCalendar::working_days`] counts `start..=end`: the weekdays, less the holidays
    /// on weekdays, plus the make-up days not already counted (all 0 if `end < start`).
    pub fn working_days_parts(&self, start: Date, end: Date) -> WorkingDayParts {
        if end < start {
            // Also guards BTreeSet::range, which panics on a reversed range.
            return WorkingDayParts::default();
        }
        // Working = (weekday ∧ ¬holiday) ∪ make-up; counted as |weekdays| − |weekday holidays|
        // + |make-up days not already counted|, so it stays right even without the invariants.
        let holidays = self
            .holidays
            .range(start..=end)
            .filter(|&&d| !is_weekend(d))
            .count() as i64;
        let makeups = self
            .makeup_workdays
            .range(start..=end)
            .filter(|&&d| is_weekend(d) || self.holidays.contains(&d))
            .count() as i64;
        WorkingDayParts {
            weekdays: weekdays_between(start, end),
            holidays,
            makeups,
        }
    }

    /// [`WorkCalendar::working_days_parts`] of fiscal month `fiscal_month` (all 0 for a month
    /// outside 1..=12).
    pub fn working_days_parts_in_month(
        &self,
        fy: &FiscalYear,
        fiscal_month: u8,
    ) -> WorkingDayParts {
        match (
            fy.month_first_day(fiscal_month),
            fy.month_last_day(fiscal_month),
        ) {
            (Ok(first), Ok(last)) => self.working_days_parts(first, last),
            _ => WorkingDayParts::default(),
        }
    }

    /// Working days in fiscal month `fiscal_month`; 0 for a month outside 1..=12.
    pub fn working_days_in_month(&self, fy: &FiscalYear, fiscal_month: u8) -> u32 {
        self.working_days_parts_in_month(fy, fiscal_month).total()
    }

    pub fn working_days_in_week(&self, w: &Week) -> u32 {
        self.working_days(w.start, w.end)
    }

    /// Working days in `period` of `fy`.
    pub fn working_days_in_period(
        &self,
        fy: &FiscalYear,
        period: &Period,
    ) -> Result<u32, PeriodError> {
        let (start, end) = fy.period_range(period)?;
        Ok(self.working_days(start, end))
    }

    /// The working days in `start..=end`, in order; empty if `end < start`.
    pub fn working_dates(&self, start: Date, end: Date) -> Vec<Date> {
        dates(start, end)
            .filter(|&d| self.is_working_day(d))
            .collect()
    }
}

/// Every date in `start..=end` (empty if reversed), stopping cleanly at jiff's last date.
fn dates(start: Date, end: Date) -> impl Iterator<Item = Date> {
    let first = (start <= end).then_some(start);
    std::iter::successors(first, move |d| {
        d.tomorrow().ok().filter(|next| *next <= end)
    })
}

// ---------------------------------------------------------------------------------------------
// Typed dates
// ---------------------------------------------------------------------------------------------

/// Parses a date typed by a user, year first: `2026-03-04`, `2026/3/4`, `2026.3.4`,
/// `2026年3月4日` (also `…4号`, or without the final `日`). Full-width digits and separators
/// (`２０２６／３／４`) are accepted, as is surrounding whitespace; the year has four digits, the
/// month and day one or two, and both separators must be the same. Day-first or month-first
/// forms such as `3/4/2026` are refused: they are ambiguous and belong to the importer.
/// The year must be within [`MIN_DATE_YEAR`]..=[`MAX_DATE_YEAR`].
pub fn parse_date(s: &str) -> Result<Date, PeriodError> {
    let trimmed = s.trim();
    let input = quote_input(trimmed);
    let normalized: String = trimmed.chars().map(to_half_width).collect();
    let Some((year, month, day)) = split_date(&normalized) else {
        return Err(PeriodError::InvalidDate { input });
    };
    if !(MIN_DATE_YEAR..=MAX_DATE_YEAR).contains(&(year as i32)) {
        return Err(PeriodError::DateYearOutOfRange { input, year });
    }
    if !(1..=12).contains(&month) {
        return Err(PeriodError::DateMonthOutOfRange { input, month });
    }
    // Year and month are in range, so these casts are lossless.
    let first = first_of_month(year as i32, month as u8);
    let days = first.days_in_month() as u32;
    if !(1..=days).contains(&day) {
        return Err(PeriodError::DateDayOutOfRange {
            input,
            year,
            month,
            day,
            days,
        });
    }
    Ok(add_days(first, i64::from(day) - 1))
}

/// Full-width digits and date separators to their ASCII forms (Chinese input methods type them).
fn to_half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '－' => '-',
        '／' => '/',
        '．' => '.',
        _ => c,
    }
}

/// Splits off a leading run of 1..=`max` ASCII digits.
fn take_number(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len < min || len > max {
        return None;
    }
    // At most four digits, so it fits.
    Some((s[..len].parse().ok()?, &s[len..]))
}

/// (year, month, day) numbers of a normalized date text, unchecked beyond their digit counts.
fn split_date(s: &str) -> Option<(u32, u32, u32)> {
    let (year, rest) = take_number(s, 4, 4)?;
    if let Some(rest) = rest.strip_prefix('年') {
        let (month, rest) = take_number(rest, 1, 2)?;
        let rest = rest.strip_prefix('月')?;
        let (day, rest) = take_number(rest, 1, 2)?;
        return matches!(rest, "" | "日" | "号").then_some((year, month, day));
    }
    let separator = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '/' | '.'))?;
    let (month, rest) = take_number(&rest[separator.len_utf8()..], 1, 2)?;
    let rest = rest.strip_prefix(separator)?;
    let (day, rest) = take_number(rest, 1, 2)?;
    rest.is_empty().then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_parts_add_up_to_the_count() {
        // October 2026: 22 weekdays; 1–2 and 5–7 October holidays on weekdays (5), 3 October a
        // Saturday holiday (not counted), 10 October a Saturday make-up day.
        let mut cal = WorkCalendar::new();
        for day in [1, 2, 3, 5, 6, 7] {
            cal.add_holiday(jiff::civil::date(2026, 10, day)).unwrap();
        }
        cal.add_makeup_workday(jiff::civil::date(2026, 10, 10))
            .unwrap();
        let (start, end) = (
            jiff::civil::date(2026, 10, 1),
            jiff::civil::date(2026, 10, 31),
        );
        let parts = cal.working_days_parts(start, end);
        assert_eq!(
            parts,
            WorkingDayParts {
                weekdays: 22,
                holidays: 5,
                makeups: 1
            }
        );
        assert_eq!(parts.total(), 18);
        assert_eq!(cal.working_days(start, end), 18);
        assert_eq!(
            cal.working_days_parts(end, start),
            WorkingDayParts::default()
        );
    }

    fn naive_weekdays(start: Date, end: Date) -> i64 {
        dates(start, end).filter(|&d| !is_weekend(d)).count() as i64
    }

    #[test]
    fn arithmetic_weekday_count_matches_day_by_day_count_for_every_short_range() {
        let base = Date::new(2026, 1, 1).unwrap();
        for offset in 0..14 {
            let start = add_days(base, offset);
            for len in 0..30 {
                let end = add_days(start, len);
                assert_eq!(weekdays_between(start, end), naive_weekdays(start, end));
            }
        }
    }

    #[test]
    fn date_iteration_stops_at_the_last_representable_date() {
        let start = add_days(Date::MAX, -2);
        assert_eq!(dates(start, Date::MAX).count(), 3);
        assert_eq!(add_days(Date::MAX, 5), Date::MAX);
        assert_eq!(add_days(Date::MIN, i64::MIN), Date::MIN);
    }

    #[test]
    fn half_width_mapping_covers_all_full_width_digits() {
        let mapped: String = "０１２３４５６７８９".chars().map(to_half_width).collect();
        assert_eq!(mapped, "0123456789");
    }
}
