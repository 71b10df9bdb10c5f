//! Money: exact amounts of Chinese yuan in integer fen, with parsing and formatting.
//!
//! An amount is never a float. Parsing accepts what people type into a sales plan
//! (`1,000.50`, `¥1,000`, `100万`, `1.5亿`, `1万亿`, full-width digits, `(1,000)` for negative) and
//! rejects anything whose value is not certain, saying why.
//!
//! Inputs rejected as ambiguous (`MoneyErrorKind::AmbiguousSeparator`), because in many
//! countries "," marks decimals and "." separates thousands, and guessing wrong would be off by
//! a factor of 100 or 1000:
//! - a comma after a decimal point: `1.000,50` (European style);
//! - two or more dots that all split off groups of three digits: `1.000.000`;
//! - a single comma followed by exactly one digit and nothing else: `1,5` (only makes sense as
//!   a decimal comma);
//! - an amount in 元 (no unit or `元`) written as 1–3 digits (not starting with 0), a dot and
//!   exactly three digits ending in 0, with no comma: `1.500`, `100.000` (European 1,500 and
//!   100,000). If the last digit is not 0 (`1.005`) it is reported as more precise than a fen.
//!
//! `1,000` is one thousand: Chinese amounts use "," between thousands. Other separators that
//! are not in groups of three (`1,00`, `10,00,000`, `1,0000`) are misplaced separators.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use crate::i18n::{Lang, Localized};

/// The largest magnitude `Money::parse` accepts: 1e16 fen = 100万亿元. Far above any sales
/// plan, and small enough that sums of hundreds of such amounts still fit in an i64.
pub const MAX_ABS_FEN: i64 = 10_000_000_000_000_000;

const FEN_PER_YUAN: i64 = 100;
const FEN_PER_WAN: i64 = 1_000_000;

/// An amount of money in fen (0.01元).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// The unit an amount is shown in.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default,
)]
pub enum AmountUnit {
    #[default]
    Yuan,
    Wan,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Whole yuan; None if the result does not fit in an i64 of fen.
    pub fn from_yuan(yuan: i64) -> Option<Money> {
        yuan.checked_mul(FEN_PER_YUAN).map(Money)
    }

    /// Whole 万 (10,000元); None if the result does not fit in an i64 of fen.
    pub fn from_wan(wan: i64) -> Option<Money> {
        wan.checked_mul(FEN_PER_WAN).map(Money)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn checked_mul_int(self, factor: i64) -> Option<Money> {
        self.0.checked_mul(factor).map(Money)
    }

    pub fn checked_neg(self) -> Option<Money> {
        self.0.checked_neg().map(Money)
    }

    /// The magnitude; `i64::MIN` fen saturates (it cannot come from parsing).
    pub const fn abs(self) -> Money {
        Money(self.0.saturating_abs())
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// -1, 0 or 1.
    pub const fn signum(self) -> i64 {
        self.0.signum()
    }

    /// Reads an amount as typed by a person; see the module documentation for what is accepted.
    pub fn parse(s: &str) -> Result<Money, MoneyParseError> {
        parse_fen(s, false)
            .map(|(fen, _)| Money(fen))
            .map_err(|kind| MoneyParseError {
                input: s.to_owned(),
                kind,
            })
    }

    /// Reads an amount from a data file (an ERP or CRM export), where amounts computed with
    /// discounts often carry more decimals than a fen (`957.5775`): the same rules as
    /// [`Money::parse`], but digits beyond the fen are rounded half away from zero instead of
    /// refused. Also says whether it rounded, so an import can report how many amounts it
    /// rounded.
    pub fn parse_rounding(s: &str) -> Result<(Money, bool), MoneyParseError> {
        parse_fen(s, true)
            .map(|(fen, rounded)| (Money(fen), rounded))
            .map_err(|kind| MoneyParseError {
                input: s.to_owned(),
                kind,
            })
    }

    /// The number without unit: `1,000.50` in 元 (exact), or `5,000.00` in 万 (rounded half
    /// away from zero to 0.01万).
    pub fn format(self, unit: AmountUnit) -> String {
        let negative = self.0 < 0;
        let magnitude = u128::from(self.0.unsigned_abs());
        match unit {
            AmountUnit::Yuan => format_hundredths(negative, magnitude),
            AmountUnit::Wan => {
                // Hundredths of a 万 are 10,000 fen; round the magnitude so the sign mirrors.
                let step = 10_000;
                let mut hundredths = magnitude / step;
                if magnitude % step * 2 >= step {
                    hundredths += 1;
                }
                format_hundredths(negative, hundredths)
            }
        }
    }

    /// The number with its unit: `1,000.50元` or `5,000.00万元`.
    pub fn format_with_unit(self, unit: AmountUnit) -> String {
        let suffix = match unit {
            AmountUnit::Yuan => "元",
            AmountUnit::Wan => "万元",
        };
        format!("{}{suffix}", self.format(unit))
    }

    /// The exact value in 万, without rounding: trailing zeros trimmed but at least two
    /// decimals (`416.666667`, `5,000.00`).
    pub fn format_exact_wan(self) -> String {
        let magnitude = self.0.unsigned_abs();
        let per_wan = FEN_PER_WAN.unsigned_abs();
        let whole = magnitude / per_wan;
        let mut fraction = format!("{:06}", magnitude % per_wan);
        while fraction.len() > 2 && fraction.ends_with('0') {
            fraction.pop();
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{fraction}", group_thousands(u128::from(whole)))
    }
}

/// `sign`, the whole part with thousands separators, and two decimals of `hundredths`.
fn format_hundredths(negative: bool, hundredths: u128) -> String {
    let sign = if negative && hundredths != 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        group_thousands(hundredths / 100),
        hundredths % 100
    )
}

/// An amount of fen that may exceed an i64 (a sum shown in an error message), as `1,000.50元`.
pub(crate) fn format_fen_i128(fen: i128) -> String {
    format!("{}元", format_hundredths(fen < 0, fen.unsigned_abs()))
}

/// A count with thousands separators: `-1234` → `-1,234`.
pub fn group_digits(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        group_thousands(u128::from(value.unsigned_abs()))
    )
}

/// `1234567` → `1,234,567`.
pub(crate) fn group_thousands(value: u128) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_with_unit(AmountUnit::Yuan))
    }
}

impl FromStr for Money {
    type Err = MoneyParseError;

    fn from_str(s: &str) -> Result<Money, MoneyParseError> {
        Money::parse(s)
    }
}

// Plain arithmetic saturates instead of panicking or wrapping: amounts from parsing are capped
// at MAX_ABS_FEN, so only absurd sums could reach the i64 limits. Use the checked_* methods
// where the inputs are not known to be bounded.
impl Add for Money {
    type Output = Money;

    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Money {
    type Output = Money;

    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Money {
    type Output = Money;

    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Sum<Money> for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |acc, m| acc + *m)
    }
}

/// Why an input could not be read as an amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoneyErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// No digit anywhere (`¥`, `万`, `abc`).
    NoDigits,
    /// A character that has no place in an amount.
    InvalidCharacter(char),
    /// Digits separated by a space (`1 000`).
    SpaceInsideNumber,
    /// A thousands separator not followed by a group of three digits (`1,00`, `10,00,000`).
    MisplacedSeparator,
    /// Could be a decimal comma or dots between thousands (`1,5`, `1.000,50`, `1.000.000`).
    AmbiguousSeparator,
    /// Several decimal points that do not look like thousands separators (`1.2.3`).
    MultipleDecimalPoints,
    /// A sign given twice, contradicting parentheses, or after the number (`--5`, `-(100)`).
    SignConflict,
    /// `(` without `)` or the other way round.
    UnbalancedParentheses,
    /// `¥` given twice or after the number.
    MisplacedCurrencySign,
    /// A unit before the number, given twice, or followed by more digits (`万100`, `100万5`).
    UnitNotAtEnd,
    /// A word after the number that is not 元, 万, 万元, 亿, 亿元, 万亿 or 万亿元.
    UnknownUnit(String),
    /// More decimals than whole fen allow for the unit (`1.005`, `1.234567万`).
    TooPrecise {
        unit: &'static str,
        max_decimals: u32,
    },
    /// More than `MAX_ABS_FEN` in magnitude.
    TooLarge,
}

/// An input that is not an amount, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyParseError {
    pub input: String,
    pub kind: MoneyErrorKind,
}

impl Localized for MoneyParseError {
    fn message_key(&self) -> &'static str {
        match self.kind {
            MoneyErrorKind::Empty => "err.money.empty",
            MoneyErrorKind::NoDigits => "err.money.no_digits",
            MoneyErrorKind::InvalidCharacter(_) => "err.money.invalid_character",
            MoneyErrorKind::SpaceInsideNumber => "err.money.space_inside_number",
            MoneyErrorKind::MisplacedSeparator => "err.money.misplaced_separator",
            MoneyErrorKind::AmbiguousSeparator => "err.money.ambiguous_separator",
            MoneyErrorKind::MultipleDecimalPoints => "err.money.multiple_decimal_points",
            MoneyErrorKind::SignConflict => "err.money.sign_conflict",
            MoneyErrorKind::UnbalancedParentheses => "err.money.unbalanced_parentheses",
            MoneyErrorKind::MisplacedCurrencySign => "err.money.misplaced_currency",
            MoneyErrorKind::UnitNotAtEnd => "err.money.unit_not_at_end",
            MoneyErrorKind::UnknownUnit(_) => "err.money.unknown_unit",
            MoneyErrorKind::TooPrecise { .. } => "err.money.too_precise",
            MoneyErrorKind::TooLarge => "err.money.too_large",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("input", shown_input(&self.input))];
        match &self.kind {
            MoneyErrorKind::InvalidCharacter(c) => {
                args.push(("char", c.to_string()));
                args.push(("code", format!("U+{:04X}", u32::from(*c))));
            }
            MoneyErrorKind::UnknownUnit(unit) => args.push(("unit", shown_input(unit))),
            MoneyErrorKind::TooPrecise { unit, max_decimals } => {
                args.push(("unit", (*unit).to_owned()));
                args.push(("max", max_decimals.to_string()));
            }
            _ => {}
        }
        args
    }
}

impl fmt::Display for MoneyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for MoneyParseError {}

/// The input as quoted in a message: trimmed, and cut short so a pasted page stays readable.
pub(crate) fn shown_input(input: &str) -> String {
    const MAX_CHARS: usize = 40;
    let trimmed = input.trim();
    if trimmed.chars().count() <= MAX_CHARS {
        trimmed.to_owned()
    } else {
        let mut shown: String = trimmed.chars().take(MAX_CHARS).collect();
        shown.push('…');
        shown
    }
}

/// Full-width digits and punctuation (typed with a Chinese input method) as their ASCII forms.
fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
        '，' => ',',
        '．' => '.',
        '（' => '(',
        '）' => ')',
        '－' | '−' => '-',
        '＋' => '+',
        '￥' => '¥',
        _ => c,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParsedUnit {
    Yuan,
    Wan,
    Yi,
    WanYi,
}

impl ParsedUnit {
    fn from_word(word: &str) -> Option<ParsedUnit> {
        match word {
            "元" => Some(ParsedUnit::Yuan),
            "万" | "万元" => Some(ParsedUnit::Wan),
            "亿" | "亿元" => Some(ParsedUnit::Yi),
            "万亿" | "万亿元" => Some(ParsedUnit::WanYi),
            _ => None,
        }
    }

    /// Decimals that still give whole fen; one unit is 10^decimals fen.
    fn decimals(self) -> u32 {
        match self {
            ParsedUnit::Yuan => 2,
            ParsedUnit::Wan => 6,
            ParsedUnit::Yi => 10,
            ParsedUnit::WanYi => 14,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            ParsedUnit::Yuan => "元",
            ParsedUnit::Wan => "万",
            ParsedUnit::Yi => "亿",
            ParsedUnit::WanYi => "万亿",
        }
    }
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == ',' || c == '.'
}

/// The end of the run of letters (including Chinese characters) starting at `start`.
fn word_end(chars: &[char], start: usize) -> usize {
    chars
        .iter()
        .skip(start)
        .position(|c| !c.is_alphabetic())
        .map_or(chars.len(), |offset| start + offset)
}

fn parse_fen(s: &str, round: bool) -> Result<(i64, bool), MoneyErrorKind> {
    let chars: Vec<char> = s.trim().chars().map(normalize_char).collect();
    if chars.is_empty() {
        return Err(MoneyErrorKind::Empty);
    }
    if !chars.iter().any(char::is_ascii_digit) {
        return Err(MoneyErrorKind::NoDigits);
    }

    // Before the number: parentheses, one sign, the currency sign, spaces.
    let mut i = 0;
    let mut open_paren = false;
    let mut negative_sign = None;
    let mut currency = false;
    while let Some(&c) = chars.get(i) {
        match c {
            c if is_number_char(c) => break,
            c if c.is_whitespace() => {}
            '(' | '+' | '-' if open_paren || negative_sign.is_some() => {
                return Err(MoneyErrorKind::SignConflict);
            }
            '(' => open_paren = true,
            '+' | '-' => negative_sign = Some(c == '-'),
            '¥' if currency => return Err(MoneyErrorKind::MisplacedCurrencySign),
            '¥' => currency = true,
            ')' => return Err(MoneyErrorKind::UnbalancedParentheses),
            c if c.is_alphabetic() => {
                let word: String = chars[i..word_end(&chars, i)].iter().collect();
                return Err(match ParsedUnit::from_word(&word) {
                    Some(_) => MoneyErrorKind::UnitNotAtEnd,
                    None => MoneyErrorKind::InvalidCharacter(c),
                });
            }
            c => return Err(MoneyErrorKind::InvalidCharacter(c)),
        }
        i += 1;
    }

    let number_start = i;
    while chars.get(i).is_some_and(|&c| is_number_char(c)) {
        i += 1;
    }
    let number = &chars[number_start..i];

    // After the number: a unit and the closing parenthesis, in either order, spaces between.
    let mut unit = None;
    let mut closed = false;
    loop {
        let space_start = i;
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let after_space = i > space_start;
        let Some(&c) = chars.get(i) else { break };
        match c {
            ')' if open_paren && !closed => {
                closed = true;
                i += 1;
            }
            c if c.is_alphabetic() && unit.is_none() => {
                let end = word_end(&chars, i);
                let word: String = chars[i..end].iter().collect();
                match ParsedUnit::from_word(&word) {
                    Some(found) => {
                        unit = Some(found);
                        i = end;
                    }
                    None => {
                        let only_closing_left =
                            chars[end..].iter().all(|c| c.is_whitespace() || *c == ')');
                        return Err(if only_closing_left {
                            MoneyErrorKind::UnknownUnit(word)
                        } else {
                            MoneyErrorKind::InvalidCharacter(c)
                        });
                    }
                }
            }
            c => return Err(trailing_error(c, unit.is_some(), after_space)),
        }
    }
    if open_paren && !closed {
        return Err(MoneyErrorKind::UnbalancedParentheses);
    }

    let unit = unit.unwrap_or(ParsedUnit::Yuan);
    let (magnitude, rounded) = parse_magnitude(number, unit, round)?;
    let negative = open_paren || negative_sign == Some(true);
    let signed = if negative { -magnitude } else { magnitude };
    // parse_magnitude caps the magnitude at MAX_ABS_FEN, so this always fits.
    i64::try_from(signed)
        .map(|fen| (fen, rounded))
        .map_err(|_| MoneyErrorKind::TooLarge)
}

/// The error for an unexpected character after the number (and its unit, if any).
fn trailing_error(c: char, unit_seen: bool, after_space: bool) -> MoneyErrorKind {
    match c {
        '+' | '-' => MoneyErrorKind::SignConflict,
        '(' | ')' => MoneyErrorKind::UnbalancedParentheses,
        '¥' => MoneyErrorKind::MisplacedCurrencySign,
        c if unit_seen && (is_number_char(c) || c.is_alphabetic()) => MoneyErrorKind::UnitNotAtEnd,
        c if after_space && is_number_char(c) => MoneyErrorKind::SpaceInsideNumber,
        c => MoneyErrorKind::InvalidCharacter(c),
    }
}

/// The magnitude in fen of a run of digits, commas and dots in `unit`; with `round`, digits
/// beyond the fen are rounded half up (the sign is applied after, so this is half away from
/// zero) and the flag says whether any were non-zero.
fn parse_magnitude(
    number: &[char],
    unit: ParsedUnit,
    round: bool,
) -> Result<(i128, bool), MoneyErrorKind> {
    let dots = number.iter().filter(|&&c| c == '.').count();
    let commas = number.iter().filter(|&&c| c == ',').count();
    let first_dot = number.iter().position(|&c| c == '.');
    let last_comma = number.iter().rposition(|&c| c == ',');

    if let (Some(dot), Some(comma)) = (first_dot, last_comma)
        && comma > dot
    {
        return Err(MoneyErrorKind::AmbiguousSeparator);
    }
    if dots >= 2 {
        let groups: Vec<&[char]> = number.split(|&c| c == '.').collect();
        let dotted_thousands = commas == 0
            && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        return Err(if dotted_thousands {
            MoneyErrorKind::AmbiguousSeparator
        } else {
            MoneyErrorKind::MultipleDecimalPoints
        });
    }

    let (whole, fraction) = match first_dot {
        Some(dot) => (&number[..dot], &number[dot + 1..]),
        None => (number, &number[number.len()..]),
    };
    if commas > 0 {
        let groups: Vec<&[char]> = whole.split(|&c| c == ',').collect();
        let first_len = groups.first().map_or(0, |g| g.len());
        if commas == 1 && dots == 0 && first_len > 0 && groups.get(1).is_some_and(|g| g.len() == 1)
        {
            return Err(MoneyErrorKind::AmbiguousSeparator);
        }
        if !(1..=3).contains(&first_len) || groups.iter().skip(1).any(|g| g.len() != 3) {
            return Err(MoneyErrorKind::MisplacedSeparator);
        }
    }

    let whole_digits: Vec<u32> = whole.iter().filter_map(|c| c.to_digit(10)).collect();
    let fraction_digits: Vec<u32> = fraction.iter().filter_map(|c| c.to_digit(10)).collect();
    if whole_digits.is_empty() && fraction_digits.is_empty() {
        return Err(MoneyErrorKind::NoDigits);
    }

    if unit == ParsedUnit::Yuan
        && commas == 0
        && (1..=3).contains(&whole_digits.len())
        && whole_digits.first() != Some(&0)
        && fraction_digits.len() == 3
        && fraction_digits.last() == Some(&0)
    {
        return Err(MoneyErrorKind::AmbiguousSeparator);
    }

    let decimals = unit.decimals();
    let decimals_len = usize::try_from(decimals).unwrap_or(usize::MAX);
    let too_precise = fraction_digits.iter().skip(decimals_len).any(|&d| d != 0);
    if too_precise && !round {
        return Err(MoneyErrorKind::TooPrecise {
            unit: unit.symbol(),
            max_decimals: decimals,
        });
    }
    let round_up = too_precise && fraction_digits.get(decimals_len).is_some_and(|&d| d >= 5);

    let mut fen: i128 = 0;
    let kept_fraction = fraction_digits
        .iter()
        .copied()
        .chain(std::iter::repeat(0))
        .take(decimals_len);
    for digit in whole_digits.iter().copied().chain(kept_fraction) {
        fen = fen
            .checked_mul(10)
            .and_then(|f| f.checked_add(i128::from(digit)))
            // Digits only ever increase the value, so stop as soon as it is too large.
            .filter(|&f| f <= i128::from(MAX_ABS_FEN))
            .ok_or(MoneyErrorKind::TooLarge)?;
    }
    if round_up {
        fen += 1;
        if fen > i128::from(MAX_ABS_FEN) {
            return Err(MoneyErrorKind::TooLarge);
        }
    }
    Ok((fen, too_precise))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> MoneyErrorKind {
        Money::parse(s).map(|m| m.fen()).unwrap_err().kind
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn rejects_space_between_digit_groups() {
        assert_eq!(kind("1 000"), MoneyErrorKind::SpaceInsideNumber);
    }

    #[test]
    fn rejects_exponent_notation_as_invalid_character() {
        assert_eq!(kind("1e5"), MoneyErrorKind::InvalidCharacter('e'));
    }

    #[test]
    fn i64_min_formats_without_overflow() {
        let m = Money::from_fen(i64::MIN);
        assert!(
            m.format(AmountUnit::Yuan)
                .starts_with("-92,233,720,368,547,758.08")
        );
        assert_eq!(m.abs(), Money::from_fen(i64::MAX));
        assert_eq!(-m, Money::from_fen(i64::MAX));
    }
}
