//! Reading the sales history: growth from year to year.

use crate::domain::model::HistoryYear;
use crate::domain::money::Money;
use crate::domain::period::FiscalYear;
use crate::domain::ratio::Ratio;
use crate::domain::seasonality;

/// Growth from `previous` to `current`: (current − previous) / previous; `None` when the
/// previous year had no sales.
pub fn growth(previous: Money, current: Money) -> Option<Ratio> {
    if previous.fen() <= 0 {
        return None;
    }
    Ratio::new(
        i128::from(current.fen()) - i128::from(previous.fen()),
        i128::from(previous.fen()),
    )
}

/// Each year with its growth over the year before (none for the first, or after a gap).
pub fn year_over_year(years: &[HistoryYear]) -> Vec<(i32, Money, Option<Ratio>)> {
    years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let g = i
                .checked_sub(1)
                .and_then(|p| years.get(p))
                .filter(|p| p.year + 1 == y.year)
                .and_then(|p| growth(p.total, y.total));
            (y.year, y.total, g)
        })
        .collect()
}

/// A history year's amounts (fen) in fiscal-month order: history is kept by calendar month,
/// plans run by fiscal month.
pub fn by_fiscal_month(h: &HistoryYear, fy: &FiscalYear) -> [i64; 12] {
    std::array::from_fn(|i| match fy.calendar_month(i as u8 + 1) {
        Ok((_, m)) => h.by_month[usize::from(m - 1)].fen(),
        Err(_) => 0,
    })
}

/// Monthly seasonality of the history, by fiscal month (see [`seasonality::from_history`]).
pub fn seasonality(years: &[HistoryYear], fy: &FiscalYear) -> Option<[i64; 12]> {
    let by_month: Vec<[i64; 12]> = years.iter().map(|h| by_fiscal_month(h, fy)).collect();
    seasonality::from_history(&by_month)
}

/// One year of history as the views show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearSummary {
    pub year: i32,
    pub total: Money,
    pub contracts: u64,
    /// total / contracts, rounded to the fen (half away from zero); `None` without contracts.
    pub average_contract: Option<Money>,
    /// Growth over the year before, when that year is present.
    pub growth: Option<Ratio>,
}

pub fn summaries(years: &[HistoryYear]) -> Vec<YearSummary> {
    year_over_year(years)
        .into_iter()
        .zip(years)
        .map(|((year, total, growth), h)| YearSummary {
            year,
            total,
            contracts: h.contracts,
            average_contract: (h.contracts > 0)
                .then(|| Ratio::new(i128::from(total.fen()), i128::from(h.contracts)))
                .flatten()
                .and_then(|r| i64::try_from(r.round_half_away()).ok())
                .map(Money::from_fen),
            growth,
        })
        .collect()
}

/// History as a pivot: one row per year × product line, one column per region (in name
/// order, the unnamed region last), each cell the amount sold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRegionPivot {
    pub regions: Vec<String>,
    pub rows: Vec<(i32, Option<crate::domain::model::LineId>, Vec<Money>)>,
}

pub fn line_region_pivot(years: &[HistoryYear]) -> LineRegionPivot {
    let mut regions: Vec<String> = years
        .iter()
        .flat_map(|y| y.by_line_region.iter().map(|(_, r, _)| r.clone()))
        .collect();
    regions.sort_by(|a, b| (a.is_empty(), a).cmp(&(b.is_empty(), b)));
    regions.dedup();
    let mut rows: Vec<(i32, Option<crate::domain::model::LineId>, Vec<Money>)> = Vec::new();
    for y in years {
        for (line, region, amount) in &y.by_line_region {
            let Some(col) = regions.iter().position(|r| r == region) else {
                continue;
            };
            let row = match rows
                .iter_mut()
                .find(|(yr, l, _)| *yr == y.year && l == line)
            {
                Some(row) => row,
                None => {
                    rows.push((y.year, *line, vec![Money::ZERO; regions.len()]));
                    let last = rows.len() - 1;
                    &mut rows[last]
                }
            };
            row.2[col] += *amount;
        }
    }
    rows.sort_by_key(|(y, l, _)| (*y, l.is_none(), *l));
    LineRegionPivot { regions, rows }
}

/// A node's sales in a year: its own recorded sales plus those of every node below it
/// (a region's history is its people's).
pub fn node_year_total(
    year: &HistoryYear,
    tree: &crate::domain::org::OrgTree,
    node: crate::domain::model::NodeId,
) -> Money {
    let mut nodes = tree.descendants(node);
    nodes.push(node);
    year.by_node
        .iter()
        .filter(|(n, _)| nodes.contains(n))
        .map(|(_, m)| *m)
        .sum()
}

/// Decimal places a compound growth rate is given to (as a fraction: 6 places = 0.0001%).
pub const CAGR_DECIMALS: u32 = 6;

/// Compound annual growth from the first to the last year with sales:
/// `(last / first)^(1 / (years − 1)) − 1`, where `years` counts calendar years from first to
/// last. A root is rarely a fraction, so the rate is rounded half away from zero to
/// [`CAGR_DECIMALS`] places and kept as that exact decimal (what later figures are computed
/// from). `None` with fewer than two years or a first year without sales.
pub fn cagr(years: &[HistoryYear]) -> Option<Ratio> {
    let first = years.iter().find(|y| y.total.fen() > 0)?;
    let last = years.iter().rev().find(|y| y.total.fen() > 0)?;
    let span = last.year - first.year;
    if span < 1 {
        return None;
    }
    // Growth of the ratio of two i64 amounts: f64 holds 15-16 significant digits, far more
    // than the 6 decimals kept.
    let ratio = last.total.fen() as f64 / first.total.fen() as f64;
    let rate = ratio.powf(1.0 / f64::from(span)) - 1.0;
    let scale = 10f64.powi(CAGR_DECIMALS as i32);
    let scaled = (rate * scale).round();
    if !scaled.is_finite() {
        return None;
    }
    Ratio::new(scaled as i128, 10i128.pow(CAGR_DECIMALS))
}

/// Average contract size over all the years: total / number of contracts.
pub fn average_contract(years: &[HistoryYear]) -> Option<Ratio> {
    let total: i128 = years.iter().map(|y| i128::from(y.total.fen())).sum();
    let count: i128 = years.iter().map(|y| i128::from(y.contracts)).sum();
    if count == 0 {
        return None;
    }
    Ratio::new(total, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(year: i32, wan: i64, contracts: u64) -> HistoryYear {
        HistoryYear {
            year,
            total: Money::from_fen(wan * 1_000_000),
            contracts,
            by_line: Vec::new(),
            by_month: [Money::ZERO; 12],
            by_line_region: Vec::new(),
            by_node: Vec::new(),
        }
    }

    #[test]
    fn growth_is_exact() {
        let ys = [
            year(2023, 3200, 32),
            year(2024, 3800, 38),
            year(2025, 4400, 44),
        ];
        let g = year_over_year(&ys);
        assert_eq!(g[0].2, None);
        assert_eq!(g[1].2, Ratio::new(600, 3200)); // 18.75%
        assert_eq!(g[2].2, Ratio::new(600, 3800)); // 15.789…%
        assert_eq!(
            average_contract(&ys),
            Some(Ratio::from_integer(100_000_000))
        );
        // (4400 / 3200)^(1/2) − 1 = 0.172604…
        assert_eq!(cagr(&ys), Ratio::new(172_604, 1_000_000));
        assert_eq!(cagr(&ys[..1]), None);
        let s = summaries(&ys);
        assert_eq!(s[2].average_contract, Some(Money::from_fen(100_000_000)));
        assert_eq!(
            s[2].growth.map(|g| g.format_percent(2)),
            Some("15.79%".into())
        );
    }

    #[test]
    fn history_is_reordered_into_fiscal_months() {
        let mut h = year(2025, 0, 0);
        h.by_month = std::array::from_fn(|i| Money::from_fen(i as i64 + 1));
        let april = FiscalYear::new(2025, 4).unwrap();
        let m = by_fiscal_month(&h, &april);
        assert_eq!(m, [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]);
        let w = seasonality(&[h], &april).unwrap();
        assert_eq!(w.iter().sum::<i64>(), seasonality::SHARE_SCALE);
        assert!(
            w[11] < w[8],
            "March (fiscal month 12) is smaller than December (9)"
        );
    }

    #[test]
    fn no_growth_after_a_missing_year_or_from_zero() {
        let ys = [year(2021, 100, 1), year(2023, 200, 2)];
        assert_eq!(year_over_year(&ys)[1].2, None);
        assert_eq!(growth(Money::ZERO, Money::from_fen(5)), None);
    }
}
