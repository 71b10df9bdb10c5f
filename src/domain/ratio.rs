//! Ratio: exact rational rates and weights (conversion rates, shares), and rounding money by them.
//!
//! Rates are fractions of i128, never floats, so `57 deals / 57%` is exactly 100 leads and
//! `5.75亿 × 12%` is exactly 6,900万. Every operation that could overflow is checked.

use std::cmp::Ordering;
use std::fmt;

use crate::domain::money::{Money, shown_input};
use crate::i18n::{Lang, Localized};

/// An exact fraction, always reduced, with a positive denominator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawRatio", into = "RawRatio")]
pub struct Ratio {
    num: i128,
    den: i128,
}

/// The stored form; read back through `Ratio::new` so a hand-edited file cannot break the
/// invariants.
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
struct RawRatio {
    num: i128,
    den: i128,
}

impl From<Ratio> for RawRatio {
    fn from(r: Ratio) -> RawRatio {
        RawRatio {
            num: r.num,
            den: r.den,
        }
    }
}

impl TryFrom<RawRatio> for Ratio {
    type Error = &'static str;

    fn try_from(raw: RawRatio) -> Result<Ratio, &'static str> {
        Ratio::new(raw.num, raw.den).ok_or("a ratio needs a non-zero denominator that fits")
    }
}

/// How to round an exact result to whole units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Rounding {
    Floor,
    Ceil,
    HalfAwayFromZero,
    HalfEven,
}

/// Binary gcd of two unsigned integers of one type: shifts and subtractions, no division.
macro_rules! binary_gcd {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        if a == 0 || b == 0 {
            a | b
        } else {
            let shift = (a | b).trailing_zeros();
            let (mut a, mut b) = (a >> a.trailing_zeros(), b);
            loop {
                b >>= b.trailing_zeros();
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                b -= a;
                if b == 0 {
                    break a << shift;
                }
            }
        }
    }};
}

/// The greatest common divisor (on 64 bits when both fit, much the faster; gcd(0, b) = b).
pub(crate) fn gcd(a: u128, b: u128) -> u128 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(a), Ok(b)) => u128::from(binary_gcd!(a, b)),
        _ => binary_gcd!(a, b),
    }
}

/// gcd of two i128 as an i128; None only for gcd = 2^127 (both are i128::MIN or 0).
fn gcd_i128(a: i128, b: i128) -> Option<i128> {
    i128::try_from(gcd(a.unsigned_abs(), b.unsigned_abs())).ok()
}

/// `n / d` rounded as asked; `d` must be positive.
fn div_round(n: i128, d: i128, rounding: Rounding) -> i128 {
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    // q + 1 cannot overflow: r > 0 implies d >= 2, so |q| <= |n| / 2.
    let up = match rounding {
        Rounding::Floor => false,
        Rounding::Ceil => r > 0,
        Rounding::HalfAwayFromZero => match r.cmp(&(d - r)) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => n >= 0,
        },
        Rounding::HalfEven => match r.cmp(&(d - r)) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => q % 2 != 0,
        },
    };
    if up { q + 1 } else { q }
}

/// The full 256-bit product of two u128, as (high, low) halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_lo = a_hi * b_lo;
    let hi_hi = a_hi * b_hi;
    let mid = (lo_lo >> 64) + (lo_hi & MASK) + (hi_lo & MASK);
    let low = (lo_lo & MASK) | (mid << 64);
    let high = hi_hi + (lo_hi >> 64) + (hi_lo >> 64) + (mid >> 64);
    (high, low)
}

/// `a * b / d` as (quotient, remainder), exact through a 256-bit product; None if `d` is 0 or
/// the quotient does not fit in a u128.
pub(crate) fn mul_div_rem(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    let (high, low) = mul_wide(a, b);
    if d == 0 || high >= d {
        return None;
    }
    if high == 0 {
        // The product fits in 128 bits (the usual case): the machine's division.
        return Some((low / d, low % d));
    }
    // Binary long division of (high, low) by d; the running remainder starts below d.
    let mut rem = high;
    let mut quot = 0u128;
    for bit in (0..128).rev() {
        let carry = rem >> 127 == 1;
        rem = (rem << 1) | ((low >> bit) & 1);
        quot <<= 1;
        // The true value 2·rem + bit is below 2d; with the carry it is at least 2^128 > d.
        if carry || rem >= d {
            rem = rem.wrapping_sub(d);
            quot |= 1;
        }
    }
    Some((quot, rem))
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den`, reduced; None if `den` is 0 or the normalised sign does not fit.
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num.unsigned_abs(), den.unsigned_abs());
        // g divides den, so g <= |den|; only g = 2^127 (num and den both i128::MIN) fails here.
        let g = i128::try_from(g).ok();
        let (num, den) = match g {
            Some(g) => (num / g, den / g),
            None => (num.signum(), den.signum()),
        };
        if den < 0 {
            Some(Ratio {
                num: num.checked_neg()?,
                den: den.checked_neg()?,
            })
        } else {
            Some(Ratio { num, den })
        }
    }

    pub const fn from_integer(n: i128) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    /// `p` percent: `percent(57)` is 57/100.
    pub fn percent(p: i64) -> Ratio {
        let num = i128::from(p);
        // The gcd divides 100, so it fits and the division is exact.
        let g = gcd(num.unsigned_abs(), 100) as i128;
        Ratio {
            num: num / g,
            den: 100 / g,
        }
    }

    pub const fn num(self) -> i128 {
        self.num
    }

    pub const fn den(self) -> i128 {
        self.den
    }

    pub const fn is_zero(self) -> bool {
        self.num == 0
    }

    pub const fn is_negative(self) -> bool {
        self.num < 0
    }

    pub const fn is_positive(self) -> bool {
        self.num > 0
    }

    pub fn checked_neg(self) -> Option<Ratio> {
        Some(Ratio {
            num: self.num.checked_neg()?,
            den: self.den,
        })
    }

    pub fn checked_add(self, other: Ratio) -> Option<Ratio> {
        let g = gcd_i128(self.den, other.den)?;
        let (left, right) = (self.den / g, other.den / g);
        let num = self
            .num
            .checked_mul(right)?
            .checked_add(other.num.checked_mul(left)?)?;
        Ratio::new(num, left.checked_mul(other.den)?)
    }

    pub fn checked_sub(self, other: Ratio) -> Option<Ratio> {
        self.checked_add(other.checked_neg()?)
    }

    pub fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        // Cancel across before multiplying so reduced results do not overflow on the way.
        let g1 = gcd_i128(self.num, other.den)?;
        let g2 = gcd_i128(other.num, self.den)?;
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        if num == 0 {
            return Some(Ratio::ZERO);
        }
        // Both factors are reduced and what they share across is cancelled: the product is
        // reduced, its denominator positive.
        Some(Ratio { num, den })
    }

    /// None when dividing by zero or on overflow.
    pub fn checked_div(self, other: Ratio) -> Option<Ratio> {
        if other.num == 0 {
            return None;
        }
        let reciprocal = Ratio::new(other.den, other.num)?;
        self.checked_mul(reciprocal)
    }

    /// The largest integer not above the value.
    pub fn floor(self) -> i128 {
        div_round(self.num, self.den, Rounding::Floor)
    }

    /// The smallest integer not below the value.
    pub fn ceil(self) -> i128 {
        div_round(self.num, self.den, Rounding::Ceil)
    }

    /// The nearest integer, halves away from zero (2.5 → 3, -2.5 → -3).
    pub fn round_half_away(self) -> i128 {
        div_round(self.num, self.den, Rounding::HalfAwayFromZero)
    }

    /// The nearest integer with the given rounding.
    pub fn round(self, rounding: Rounding) -> i128 {
        div_round(self.num, self.den, rounding)
    }

    /// An approximation, for charts and simulations only; never for money.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Reads `10%`, `12.5%`, `10 %`, `0.57`, `０．５７`, `3/4`, `-5%`. Up to 12 decimals.
    pub fn parse(s: &str) -> Result<Ratio, RateParseError> {
        parse_ratio(s).map_err(|kind| RateParseError {
            input: s.to_owned(),
            kind,
        })
    }

    /// As a percentage rounded half away from zero to at most `max_decimals` decimals, trailing
    /// zeros trimmed: 1/10 → `10%`, 1/8 → `12.5%`, 1/3 with 2 → `33.33%`.
    pub fn format_percent(self, max_decimals: u32) -> String {
        format!("{}%", self.decimal_string(max_decimals, 2, true))
    }

    /// As a percentage with exactly `decimals` decimals (for columns of figures that must line
    /// up): 2/5 with 1 → `40.0%`, 1/3 with 1 → `33.3%`.
    pub fn format_percent_fixed(self, decimals: u32) -> String {
        format!("{}%", self.decimal_string(decimals, 2, false))
    }

    /// As a decimal number rounded half away from zero to at most `max_decimals` decimals,
    /// trailing zeros trimmed: 1/8 → `0.125`, 1/3 with 4 → `0.3333`.
    pub fn format_decimal(self, max_decimals: u32) -> String {
        self.decimal_string(max_decimals, 0, true)
    }

    /// The value times 10^`shift`, rounded to `max_decimals` decimals. Uses long division so
    /// no numerator or denominator can overflow.
    fn decimal_string(self, max_decimals: u32, shift: u32, trim: bool) -> String {
        // More decimals than this cannot be meant; it also bounds the work.
        const DECIMALS_CAP: u32 = 60;
        let decimals = max_decimals.min(DECIMALS_CAP);
        let den = self.den.unsigned_abs();
        let magnitude = self.num.unsigned_abs();
        let mut whole = magnitude / den;
        let mut rest = magnitude % den;

        let mut digits: Vec<u8> = Vec::new();
        for _ in 0..decimals + shift {
            // 10 * rest by repeated addition: rest < den <= i128::MAX, so no sum overflows.
            let mut acc = 0u128;
            let mut digit = 0u8;
            for _ in 0..10 {
                acc += rest;
                if acc >= den {
                    acc -= den;
                    digit += 1;
                }
            }
            digits.push(digit);
            rest = acc;
        }
        if rest >= den - rest {
            // Round the magnitude up: carry through trailing nines into the whole part.
            let mut carry = true;
            for digit in digits.iter_mut().rev() {
                if *digit == 9 {
                    *digit = 0;
                } else {
                    *digit += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                whole += 1;
            }
        }

        let shift_len = shift as usize;
        let mut whole_text = whole.to_string();
        for digit in digits.iter().take(shift_len) {
            whole_text.push(char::from(b'0' + digit));
        }
        let whole_text = whole_text.trim_start_matches('0');
        let whole_text = if whole_text.is_empty() {
            "0"
        } else {
            whole_text
        };
        let mut fraction: String = digits
            .iter()
            .skip(shift_len)
            .map(|d| char::from(b'0' + d))
            .collect();
        while trim && fraction.ends_with('0') {
            fraction.pop();
        }
        let is_zero = whole_text == "0" && fraction.is_empty();
        let sign = if self.num < 0 && !is_zero { "-" } else { "" };
        if fraction.is_empty() {
            format!("{sign}{whole_text}")
        } else {
            format!("{sign}{whole_text}.{fraction}")
        }
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> Ordering {
        let by_sign = self.num.signum().cmp(&other.num.signum());
        if by_sign != Ordering::Equal || self.num == 0 {
            return by_sign;
        }
        // Same sign, both non-zero: compare |a|·d with |c|·b exactly in 256 bits.
        let left = mul_wide(self.num.unsigned_abs(), other.den.unsigned_abs());
        let right = mul_wide(other.num.unsigned_abs(), self.den.unsigned_abs());
        if self.num > 0 {
            left.cmp(&right)
        } else {
            right.cmp(&left)
        }
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Money {
    /// This amount times `r`, rounded to whole fen as asked; None if it does not fit in an i64.
    pub fn mul_ratio(self, r: Ratio, rounding: Rounding) -> Option<Money> {
        let fen = i128::from(self.fen());
        let g = gcd_i128(fen, r.den)?;
        let product = (fen / g).checked_mul(r.num)?;
        let fen = div_round(product, r.den / g, rounding);
        i64::try_from(fen).ok().map(Money::from_fen)
    }
}

/// The smallest integer k with k ≥ n / r, e.g. leads needed for n deals at conversion rate r.
/// None if r is not positive or on overflow.
pub fn ceil_div(n: i128, r: Ratio) -> Option<i128> {
    if !r.is_positive() {
        return None;
    }
    // n / (p/q) = n·q / p; cancel n against p first so 57 / 57% stays small and exact.
    let g = gcd_i128(n, r.num)?;
    let product = (n / g).checked_mul(r.den)?;
    Some(div_round(product, r.num / g, Rounding::Ceil))
}

/// The most decimals a typed rate may have.
pub const MAX_RATE_DECIMALS: u32 = 12;

/// Why an input could not be read as a rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateErrorKind {
    Empty,
    /// Not a number, percentage or fraction.
    Invalid,
    MultipleDecimalPoints,
    /// More than `MAX_RATE_DECIMALS` decimals (trailing zeros do not count).
    TooManyDecimals,
    /// A fraction with 0 below the line.
    ZeroDenominator,
    /// Too many digits to compute with.
    TooLarge,
}

/// An input that is not a rate, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateParseError {
    pub input: String,
    pub kind: RateErrorKind,
}

impl Localized for RateParseError {
    fn message_key(&self) -> &'static str {
        match self.kind {
            RateErrorKind::Empty => "err.rate.empty",
            RateErrorKind::Invalid => "err.rate.invalid",
            RateErrorKind::MultipleDecimalPoints => "err.rate.multiple_decimal_points",
            RateErrorKind::TooManyDecimals => "err.rate.too_many_decimals",
            RateErrorKind::ZeroDenominator => "err.rate.zero_denominator",
            RateErrorKind::TooLarge => "err.rate.too_large",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("input", shown_input(&self.input))];
        if self.kind == RateErrorKind::TooManyDecimals {
            args.push(("max", MAX_RATE_DECIMALS.to_string()));
        }
        args
    }
}

impl fmt::Display for RateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for RateParseError {}

fn normalize_rate_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
        '．' => '.',
        '％' => '%',
        '／' => '/',
        '－' | '−' => '-',
        '＋' => '+',
        _ => c,
    }
}

fn parse_ratio(s: &str) -> Result<Ratio, RateErrorKind> {
    let text: String = s.trim().chars().map(normalize_rate_char).collect();
    if text.is_empty() {
        return Err(RateErrorKind::Empty);
    }
    let (body, percent) = match text.strip_suffix('%') {
        Some(body) => (body.trim_end(), true),
        None => (text.as_str(), false),
    };
    let value = match body.split_once('/') {
        Some((top, bottom)) => {
            let top = parse_decimal(top.trim())?;
            let bottom = parse_decimal(bottom.trim())?;
            // Fractions are of whole numbers; `1.5/2` is more likely a typo than meant.
            if top.den != 1 || bottom.den != 1 || body.contains('.') {
                return Err(RateErrorKind::Invalid);
            }
            if bottom.is_zero() {
                return Err(RateErrorKind::ZeroDenominator);
            }
            top.checked_div(bottom).ok_or(RateErrorKind::TooLarge)?
        }
        None => parse_decimal(body)?,
    };
    if percent {
        value
            .checked_div(Ratio::from_integer(100))
            .ok_or(RateErrorKind::TooLarge)
    } else {
        Ok(value)
    }
}

/// An optionally signed decimal number such as `-12.5`, `.5` or `3`.
fn parse_decimal(text: &str) -> Result<Ratio, RateErrorKind> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.chars().filter(|&c| c == '.').count() > 1 {
        return Err(RateErrorKind::MultipleDecimalPoints);
    }
    if !digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        || !digits.chars().any(|c| c.is_ascii_digit())
    {
        return Err(RateErrorKind::Invalid);
    }
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > MAX_RATE_DECIMALS as usize {
        return Err(RateErrorKind::TooManyDecimals);
    }
    let mut num: i128 = 0;
    for digit in whole
        .chars()
        .chain(fraction.chars())
        .filter_map(|c| c.to_digit(10))
    {
        num = num
            .checked_mul(10)
            .and_then(|n| n.checked_add(i128::from(digit)))
            .ok_or(RateErrorKind::TooLarge)?;
    }
    let den = 10i128.pow(fraction.len() as u32);
    let num = if negative { -num } else { num };
    Ratio::new(num, den).ok_or(RateErrorKind::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euclid(mut a: u128, mut b: u128) -> u128 {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }

    proptest::proptest! {
        #[test]
        fn binary_gcd_is_euclids(a: u128, b: u128, small_a: u64, small_b: u64, k in 0u32..64) {
            proptest::prop_assert_eq!(gcd(a, b), euclid(a, b));
            let (sa, sb) = (u128::from(small_a), u128::from(small_b));
            proptest::prop_assert_eq!(gcd(sa, sb), euclid(sa, sb));
            proptest::prop_assert_eq!(gcd(sa << k, sb << k), euclid(sa << k, sb << k));
            proptest::prop_assert_eq!(gcd(a, 0), a);
            proptest::prop_assert_eq!(gcd(0, b), b);
        }

        #[test]
        fn a_product_is_reduced(
            a in -1_000_000_000_000i128..1_000_000_000_000,
            b in 1i128..1_000_000_000_000,
            c in -1_000_000_000_000i128..1_000_000_000_000,
            d in 1i128..1_000_000_000_000,
        ) {
            let (x, y) = (Ratio::new(a, b).unwrap(), Ratio::new(c, d).unwrap());
            proptest::prop_assert_eq!(x.checked_mul(y), Ratio::new(a * c, b * d));
        }
    }

    #[test]
    fn wide_multiplication_matches_u128_when_it_fits() {
        assert_eq!(mul_wide(12345, 67890), (0, 12345 * 67890));
        assert_eq!(mul_wide(u128::MAX, 1), (0, u128::MAX));
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_wide(1 << 64, 1 << 64), (1, 0));
    }

    #[test]
    fn wide_division_is_exact() {
        assert_eq!(mul_div_rem(7, 5, 3), Some((11, 2)));
        assert_eq!(
            mul_div_rem(u128::MAX, u128::MAX, u128::MAX),
            Some((u128::MAX, 0))
        );
        assert_eq!(mul_div_rem(u128::MAX, 3, u128::MAX - 1), Some((3, 3)));
        assert_eq!(mul_div_rem(u128::MAX, 2, u128::MAX - 1), Some((2, 2)));
        assert_eq!(
            mul_div_rem(1 << 100, 1 << 100, 1 << 80),
            Some((1 << 120, 0))
        );
        assert_eq!(mul_div_rem(u128::MAX, u128::MAX, 1), None);
        assert_eq!(mul_div_rem(1, 1, 0), None);
    }

    #[test]
    fn half_even_rounds_ties_to_even() {
        assert_eq!(div_round(5, 2, Rounding::HalfEven), 2);
        assert_eq!(div_round(7, 2, Rounding::HalfEven), 4);
        assert_eq!(div_round(-5, 2, Rounding::HalfEven), -2);
        assert_eq!(div_round(-7, 2, Rounding::HalfEven), -4);
        assert_eq!(div_round(-5, 2, Rounding::HalfAwayFromZero), -3);
        assert_eq!(div_round(5, 2, Rounding::HalfAwayFromZero), 3);
    }

    #[test]
    fn extreme_values_do_not_panic() {
        let min = Ratio::from_integer(i128::MIN);
        assert_eq!(min.floor(), i128::MIN);
        assert_eq!(min.ceil(), i128::MIN);
        assert_eq!(min.round_half_away(), i128::MIN);
        assert!(min.checked_neg().is_none());
        assert!(Ratio::new(1, i128::MIN).is_none());
        assert_eq!(Ratio::new(i128::MIN, i128::MIN), Some(Ratio::ONE));
        assert!(min.format_percent(2).starts_with('-'));
        let max = Ratio::from_integer(i128::MAX);
        let just_above_one = Ratio::new(i128::MAX, i128::MAX - 1).unwrap();
        assert!(Ratio::ONE < just_above_one && just_above_one < max);
        let closer_to_one = Ratio::new(i128::MAX - 1, i128::MAX - 2).unwrap();
        assert!(just_above_one < closer_to_one);
        assert!(max.checked_add(Ratio::ONE).is_none());
        assert!(ceil_div(i128::MIN, Ratio::new(1, 2).unwrap()).is_none());
    }
}
