//! Split: dividing a whole (fen, deals, leads) into parts by weights, exactly, by largest remainder.
//!
//! Each unlocked part gets the floor of its exact quota; the units left over go one each to the
//! parts with the largest fractional remainders, ties to the earlier part. The parts always add
//! up to the total, so a yearly target split into months never gains or loses a fen.

use std::cmp::Ordering;
use std::fmt;

use crate::domain::money::{Money, format_fen_i128, group_thousands};
use crate::domain::ratio::{Ratio, mul_div_rem};
use crate::i18n::{Lang, Localized};

/// An amount quoted in a split error: a plain count, or fen shown as money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SplitAmount {
    Units(i128),
    Fen(i128),
}

impl SplitAmount {
    fn shown(self) -> String {
        match self {
            SplitAmount::Units(n) => {
                let sign = if n < 0 { "-" } else { "" };
                format!("{sign}{}", group_thousands(n.unsigned_abs()))
            }
            SplitAmount::Fen(fen) => format_fen_i128(fen),
        }
    }
}

/// Why a split could not be made. Indexes are 0-based; messages count parts from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    NegativeWeight {
        index: usize,
    },
    LengthMismatch {
        weights: usize,
        locked: usize,
    },
    /// The locked parts together are larger in size than the total.
    LockedExceedTotal {
        locked: SplitAmount,
        total: SplitAmount,
    },
    /// A locked part points the other way from the total (or the total is 0 and it is negative).
    LockedOppositeSign {
        index: usize,
        locked: SplitAmount,
        total: SplitAmount,
    },
    /// Something is left after the locked parts but no unlocked part has a positive weight.
    CannotPlace {
        remaining: SplitAmount,
    },
    /// The weights or amounts are too large to compute exactly.
    Overflow,
}

impl Localized for SplitError {
    fn message_key(&self) -> &'static str {
        match self {
            SplitError::NegativeWeight { .. } => "err.split.negative_weight",
            SplitError::LengthMismatch { .. } => "err.split.length_mismatch",
            SplitError::LockedExceedTotal { .. } => "err.split.locked_exceed_total",
            SplitError::LockedOppositeSign { .. } => "err.split.locked_opposite_sign",
            SplitError::CannotPlace { .. } => "err.split.cannot_place",
            SplitError::Overflow => "err.split.overflow",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            SplitError::NegativeWeight { index } => vec![("position", position(index))],
            SplitError::LengthMismatch { weights, locked } => vec![
                ("weights", weights.to_string()),
                ("locked", locked.to_string()),
            ],
            SplitError::LockedExceedTotal { locked, total } => {
                vec![("locked", locked.shown()), ("total", total.shown())]
            }
            SplitError::LockedOppositeSign {
                index,
                locked,
                total,
            } => vec![
                ("position", position(index)),
                ("locked", locked.shown()),
                ("total", total.shown()),
            ],
            SplitError::CannotPlace { remaining } => vec![("remaining", remaining.shown())],
            SplitError::Overflow => Vec::new(),
        }
    }
}

fn position(index: usize) -> String {
    index.saturating_add(1).to_string()
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for SplitError {}

/// Splits `total` into one part per weight, in proportion to the weights.
pub fn split_by_weights(total: i64, weights: &[Ratio]) -> Result<Vec<i64>, SplitError> {
    split_core(
        total,
        weights,
        &vec![None; weights.len()],
        SplitAmount::Units,
    )
}

/// [`split_by_weights`] for whole-number weights, without allocating: the same parts (largest
/// remainder, equal remainders to the earlier part; a negative total splits like its absolute
/// value, mirrored).
pub fn split_by_whole_weights<const N: usize>(
    total: i64,
    weights: &[i64; N],
) -> Result<[i64; N], SplitError> {
    if let Some(index) = weights.iter().position(|&w| w < 0) {
        return Err(SplitError::NegativeWeight { index });
    }
    let whole = u128::from(total.unsigned_abs());
    let mut parts = [0i64; N];
    if whole == 0 {
        return Ok(parts);
    }
    // Each weight is below 2⁶³, so N of them fit 128 bits for any N a slice can have.
    let sum: u128 = weights.iter().map(|&w| w.unsigned_abs() as u128).sum();
    if sum == 0 {
        return Err(SplitError::CannotPlace {
            remaining: SplitAmount::Units(i128::from(total)),
        });
    }
    let mut rests = [0u128; N];
    let mut given: u128 = 0;
    for ((part, rest), &w) in parts.iter_mut().zip(rests.iter_mut()).zip(weights) {
        let (floor, r) =
            mul_div_rem(whole, w.unsigned_abs() as u128, sum).ok_or(SplitError::Overflow)?;
        // floor ≤ whole, which came from an i64.
        *part = i64::try_from(floor).map_err(|_| SplitError::Overflow)?;
        *rest = r;
        given += floor;
    }
    // Fewer than N units are left; each goes to the largest remainder not yet given one.
    for _ in 0..whole - given {
        let mut best: Option<usize> = None;
        for (i, &r) in rests.iter().enumerate() {
            if r > 0 && best.is_none_or(|b| r > rests[b]) {
                best = Some(i);
            }
        }
        let b = best.ok_or(SplitError::Overflow)?;
        parts[b] += 1;
        rests[b] = 0;
    }
    if total < 0 {
        for p in &mut parts {
            *p = -*p;
        }
    }
    Ok(parts)
}

/// Like `split_by_weights`, but parts with `Some(amount)` in `locked` keep that amount and the
/// rest of the total is spread over the others.
pub fn split_with_locks(
    total: i64,
    weights: &[Ratio],
    locked: &[Option<i64>],
) -> Result<Vec<i64>, SplitError> {
    split_core(total, weights, locked, SplitAmount::Units)
}

/// Splits `total` into `n` parts differing by at most 1, the larger ones first (the same result
/// as `split_by_weights` with equal weights). For `n == 0` the result is empty and `total` is
/// dropped, so the caller must only ask that for a total of 0.
pub fn split_even(total: i64, n: usize) -> Vec<i64> {
    if n == 0 {
        return Vec::new();
    }
    // A Vec longer than i64::MAX cannot exist, so the fallback is never used.
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    let base = total / count;
    let extra = (total % count).unsigned_abs();
    let step = total.signum();
    (0..n)
        .map(|i| {
            if (i as u64) < extra {
                base + step
            } else {
                base
            }
        })
        .collect()
}

/// `split_with_locks` for money; error messages show amounts in 元.
pub fn split_money(
    total: Money,
    weights: &[Ratio],
    locked: &[Option<Money>],
) -> Result<Vec<Money>, SplitError> {
    let locked: Vec<Option<i64>> = locked.iter().map(|m| m.map(Money::fen)).collect();
    let parts = split_core(total.fen(), weights, &locked, SplitAmount::Fen)?;
    Ok(parts.into_iter().map(Money::from_fen).collect())
}

fn split_core(
    total: i64,
    weights: &[Ratio],
    locked: &[Option<i64>],
    amount: fn(i128) -> SplitAmount,
) -> Result<Vec<i64>, SplitError> {
    if weights.len() != locked.len() {
        return Err(SplitError::LengthMismatch {
            weights: weights.len(),
            locked: locked.len(),
        });
    }
    if let Some(index) = weights.iter().position(|w| w.is_negative()) {
        return Err(SplitError::NegativeWeight { index });
    }

    // Work on the magnitude and mirror back, so a negative total splits like its absolute value.
    let negative = total < 0;
    let mirror = |v: i128| if negative { -v } else { v };
    let whole = i128::from(total).abs();
    let mut parts = vec![0i128; weights.len()];
    let mut locked_sum: i128 = 0;
    for (index, lock) in locked.iter().enumerate() {
        if let Some(value) = *lock {
            let value = mirror(i128::from(value));
            if value < 0 {
                return Err(SplitError::LockedOppositeSign {
                    index,
                    locked: amount(mirror(value)),
                    total: amount(i128::from(total)),
                });
            }
            parts[index] = value;
            locked_sum += value;
        }
    }
    if locked_sum > whole {
        return Err(SplitError::LockedExceedTotal {
            locked: amount(mirror(locked_sum)),
            total: amount(i128::from(total)),
        });
    }

    let remaining = whole - locked_sum;
    if remaining > 0 {
        let unlocked: Vec<usize> = (0..weights.len())
            .filter(|&i| locked[i].is_none())
            .collect();
        let mut weight_sum = Ratio::ZERO;
        for &i in &unlocked {
            weight_sum = weight_sum
                .checked_add(weights[i])
                .ok_or(SplitError::Overflow)?;
        }
        if weight_sum.is_zero() {
            return Err(SplitError::CannotPlace {
                remaining: amount(mirror(remaining)),
            });
        }
        distribute(remaining, weights, &unlocked, weight_sum, &mut parts)?;
    }

    // Guards the arithmetic above; unreachable when it is right.
    if parts.iter().sum::<i128>() != whole {
        return Err(SplitError::Overflow);
    }
    parts
        .into_iter()
        .map(|p| i64::try_from(mirror(p)).map_err(|_| SplitError::Overflow))
        .collect()
}

/// The unlocked weights as whole numbers over one common denominator, and their sum; None when
/// that does not fit in 128 bits (or a weight is negative).
fn common_numerators(weights: &[Ratio], unlocked: &[usize]) -> Option<(Vec<u128>, u128)> {
    let mut den: u128 = 1;
    for &i in unlocked {
        let d = weights[i].den().unsigned_abs();
        den = (den / crate::domain::ratio::gcd(den, d)).checked_mul(d)?;
    }
    let mut nums = Vec::with_capacity(unlocked.len());
    let mut sum: u128 = 0;
    for &i in unlocked {
        let w = weights[i];
        let n = u128::try_from(w.num())
            .ok()?
            .checked_mul(den / w.den().unsigned_abs())?;
        sum = sum.checked_add(n)?;
        nums.push(n);
    }
    Some((nums, sum))
}

/// Adds `remaining` to the `unlocked` parts by largest remainder.
fn distribute(
    remaining: i128,
    weights: &[Ratio],
    unlocked: &[usize],
    weight_sum: Ratio,
    parts: &mut [i128],
) -> Result<(), SplitError> {
    let remaining_magnitude = remaining.unsigned_abs();
    // Over a common denominator N every quota is remaining·n/N: the remainders are whole
    // numbers over the same N, so they order as the fractions do (the same split as below,
    // without reducing a fraction per part).
    if let Some((nums, sum)) = common_numerators(weights, unlocked)
        && sum > 0
    {
        let mut rests: Vec<(usize, u128)> = Vec::with_capacity(unlocked.len());
        let mut given: i128 = 0;
        for (&i, &n) in unlocked.iter().zip(&nums) {
            let (floor, rest) =
                mul_div_rem(remaining_magnitude, n, sum).ok_or(SplitError::Overflow)?;
            let floor = i128::try_from(floor).map_err(|_| SplitError::Overflow)?;
            parts[i] = floor;
            given += floor;
            rests.push((i, rest));
        }
        let leftover = usize::try_from(remaining - given).map_err(|_| SplitError::Overflow)?;
        rests.sort_by(|(i, a), (j, b)| b.cmp(a).then(i.cmp(j)));
        for &(i, _) in rests.iter().take(leftover) {
            parts[i] += 1;
        }
        return Ok(());
    }
    distribute_reduced(remaining, weights, unlocked, weight_sum, parts)
}

/// `distribute` with each part's share reduced on its own (when the weights have no common
/// denominator within 128 bits).
fn distribute_reduced(
    remaining: i128,
    weights: &[Ratio],
    unlocked: &[usize],
    weight_sum: Ratio,
    parts: &mut [i128],
) -> Result<(), SplitError> {
    let remaining_magnitude = remaining.unsigned_abs();
    let mut fractions: Vec<(usize, Ratio)> = Vec::with_capacity(unlocked.len());
    let mut given: i128 = 0;
    for &i in unlocked {
        // share = p/q in [0, 1]; quota = remaining·p/q, computed in 256 bits so large totals
        // with fine-grained weights do not overflow.
        let share = weights[i]
            .checked_div(weight_sum)
            .ok_or(SplitError::Overflow)?;
        let (p, q) = (share.num().unsigned_abs(), share.den().unsigned_abs());
        let (floor, rest) = mul_div_rem(remaining_magnitude, p, q).ok_or(SplitError::Overflow)?;
        let floor = i128::try_from(floor).map_err(|_| SplitError::Overflow)?;
        let fraction = Ratio::new(
            i128::try_from(rest).map_err(|_| SplitError::Overflow)?,
            share.den(),
        )
        .ok_or(SplitError::Overflow)?;
        parts[i] = floor;
        given += floor;
        fractions.push((i, fraction));
    }
    // The fractions add up to the leftover, an integer, and each is below 1, so at least that
    // many parts have a non-zero fraction: zero-weight parts never get a unit.
    let leftover = usize::try_from(remaining - given).map_err(|_| SplitError::Overflow)?;
    fractions.sort_by(|(i, a), (j, b)| match b.cmp(a) {
        Ordering::Equal => i.cmp(j),
        other => other,
    });
    for &(i, _) in fractions.iter().take(leftover) {
        parts[i] += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_errors_show_plain_numbers_and_money_errors_show_yuan() {
        let count = SplitError::CannotPlace {
            remaining: SplitAmount::Units(-12_345),
        };
        assert!(count.to_string().contains("-12,345"));
        let money = SplitError::CannotPlace {
            remaining: SplitAmount::Fen(123_456),
        };
        assert!(money.to_string().contains("1,234.56元"));
    }

    proptest::proptest! {
        /// The common-denominator path gives exactly the split of the reduced one wherever
        /// that one succeeds.
        #[test]
        fn both_ways_of_distributing_agree(
            remaining in 1i128..=i128::from(i64::MAX),
            weights in proptest::collection::vec((0i128..1_000_000, 1i128..10_000), 1..14),
        ) {
            let weights: Vec<Ratio> = weights
                .into_iter()
                .map(|(n, d)| Ratio::new(n, d).unwrap())
                .collect();
            let unlocked: Vec<usize> = (0..weights.len()).collect();
            let sum = weights.iter().try_fold(Ratio::ZERO, |a, w| a.checked_add(*w));
            proptest::prop_assume!(sum.is_some_and(|s| !s.is_zero()));
            let sum = sum.unwrap_or(Ratio::ONE);
            let mut fast = vec![0i128; weights.len()];
            let mut reduced = vec![0i128; weights.len()];
            let a = distribute(remaining, &weights, &unlocked, sum, &mut fast);
            let b = distribute_reduced(remaining, &weights, &unlocked, sum, &mut reduced);
            // (The reduced path can overflow where the common one does not.)
            if b.is_ok() {
                proptest::prop_assert!(a.is_ok());
                proptest::prop_assert_eq!(fast, reduced);
            }
        }
    }

    proptest::proptest! {
        /// Whole-number weights split exactly as the same weights as ratios do.
        #[test]
        fn whole_weights_split_like_ratio_weights(
            total in proptest::prop_oneof![i64::MIN..=i64::MAX, -1_000i64..1_000],
            weights in proptest::array::uniform12(proptest::prop_oneof![
                0i64..=i64::MAX, 0i64..5, proptest::strategy::Just(0i64)
            ]),
        ) {
            let ratios: Vec<Ratio> = weights
                .iter()
                .map(|&w| Ratio::from_integer(i128::from(w)))
                .collect();
            let general = split_by_weights(total, &ratios);
            let whole = split_by_whole_weights(total, &weights);
            match general {
                Ok(parts) => proptest::prop_assert_eq!(whole.map(|w| w.to_vec()), Ok(parts)),
                Err(e) => proptest::prop_assert_eq!(whole.map(|w| w.to_vec()), Err(e)),
            }
        }
    }

    #[test]
    fn whole_weights_give_ties_to_the_earlier_part() {
        assert_eq!(split_by_whole_weights(5, &[1, 1, 1]), Ok([2, 2, 1]));
        assert_eq!(split_by_whole_weights(-5, &[1, 1, 1]), Ok([-2, -2, -1]));
        assert_eq!(split_by_whole_weights(7, &[0, 2, 1, 0]), Ok([0, 5, 2, 0]));
        assert_eq!(split_by_whole_weights(0, &[0, 0]), Ok([0, 0]));
        assert!(split_by_whole_weights(3, &[0, 0]).is_err());
        assert_eq!(
            split_by_whole_weights(3, &[1, -1]),
            Err(SplitError::NegativeWeight { index: 1 })
        );
    }

    #[test]
    fn mul_div_rem_agrees_below_and_above_128_bits() {
        use crate::domain::ratio::mul_div_rem;
        assert_eq!(mul_div_rem(10, 7, 3), Some((23, 1)));
        assert_eq!(mul_div_rem(u128::MAX, 2, 4), Some((u128::MAX / 2, 2)));
        assert_eq!(mul_div_rem(u128::MAX, 3, 3), Some((u128::MAX, 0)));
        assert_eq!(mul_div_rem(u128::MAX, 3, 2), None);
        assert_eq!(mul_div_rem(5, 5, 0), None);
    }

    #[test]
    fn i64_min_total_splits_without_overflow() {
        let parts = split_by_weights(i64::MIN, &[Ratio::ONE, Ratio::ONE]).unwrap();
        assert_eq!(parts, vec![i64::MIN / 2, i64::MIN / 2]);
        let parts = split_by_weights(i64::MIN, &[Ratio::ONE]).unwrap();
        assert_eq!(parts, vec![i64::MIN]);
    }
}
