//! Monthly seasonality (domain §2): each month's average share of its year over the history
//! years, as 12 integer weights that add up exactly, so a target spread by them sums exactly.

use crate::domain::ratio::Ratio;
use crate::domain::split::split_by_weights;

/// One year's share of a month is counted in millionths of a percent (parts per 10^8): fine
/// enough that no realistic month is rounded away, small enough that the sums never overflow.
pub const SHARE_SCALE: i64 = 100_000_000;

/// Seasonality from history: for every complete year (all 12 months given, positive total),
/// the year's 12 shares are split exactly out of [`SHARE_SCALE`] by largest remainder; the
/// weights are the sums of these shares over the years. `None` when no year qualifies.
///
/// `years` holds each year's amounts per fiscal month (fen or counts; negative months, e.g.
/// net of refunds, count as zero).
pub fn from_history(years: &[[i64; 12]]) -> Option<[i64; 12]> {
    let mut weights = [0i64; 12];
    let mut used = 0;
    for year in years {
        let clipped: Vec<Ratio> = year
            .iter()
            .map(|&m| Ratio::from_integer(i128::from(m.max(0))))
            .collect();
        if clipped.iter().all(|r| r.is_zero()) {
            continue;
        }
        let shares = split_by_weights(SHARE_SCALE, &clipped).ok()?;
        for (w, s) in weights.iter_mut().zip(shares) {
            *w += s;
        }
        used += 1;
    }
    (used > 0).then_some(weights)
}

/// Weights as exact ratios for splitting (a month's weight over the total).
pub fn as_ratios(weights: &[i64; 12]) -> [Ratio; 12] {
    weights.map(|w| Ratio::from_integer(i128::from(w)))
}

/// A month's share in percent, for display.
pub fn share(weights: &[i64; 12], month_index: usize) -> Option<Ratio> {
    let total: i64 = weights.iter().sum();
    let w = *weights.get(month_index)?;
    if total == 0 {
        return None;
    }
    Ratio::new(i128::from(w), i128::from(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_shares_not_amounts() {
        // A small year and a big year weigh the same: the shares are averaged.
        let small = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        let mut big = [0; 12];
        big[11] = 1_000_000;
        let w = from_history(&[small, big]).unwrap();
        assert_eq!(w.iter().sum::<i64>(), 2 * SHARE_SCALE);
        // December: 1/12 of one year plus all of the other.
        assert_eq!(w[11], 8_333_333 + SHARE_SCALE);
        assert_eq!(w[0], 8_333_334);
        assert_eq!(share(&w, 11), Ratio::new(108_333_333, 200_000_000));
    }

    #[test]
    fn skips_empty_years_and_needs_one() {
        assert_eq!(from_history(&[[0; 12]]), None);
        assert_eq!(from_history(&[]), None);
        let w = from_history(&[[0; 12], [5; 12]]).unwrap();
        assert_eq!(w.iter().sum::<i64>(), SHARE_SCALE);
    }
}
