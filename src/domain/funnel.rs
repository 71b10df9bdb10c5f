//! The reverse funnel (目标倒推, domain §4) in its basic form: from a target to the deals and
//! leads it needs, with exact whole counts.

use serde::Serialize;

use crate::domain::money::Money;
use crate::domain::ratio::{Ratio, ceil_div};
use crate::i18n::{Lang, Localized};

/// What a target needs: `deals = ceil(target / deal size)`, `leads = ceil(deals / win rate)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReverseFunnel {
    pub target: Money,
    pub deal_size: Money,
    pub win_rate: Ratio,
    pub deals: i64,
    pub leads: i64,
}

/// Why a funnel cannot be computed from its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelInputError {
    DealSizeNotPositive,
    WinRateOutOfRange,
    NegativeTarget,
    TooLarge,
    VisitsOutOfRange,
}

/// Most customer visits a week a person can be planned for.
pub const MAX_VISITS_PER_WEEK: u32 = 100;

/// An average deal size must be positive.
pub fn check_deal_size(deal_size: Money) -> Result<(), FunnelInputError> {
    if deal_size.fen() <= 0 {
        return Err(FunnelInputError::DealSizeNotPositive);
    }
    Ok(())
}

/// A win (or conversion) rate must be above 0 and at most 100%.
pub fn check_win_rate(win_rate: Ratio) -> Result<(), FunnelInputError> {
    if win_rate.is_negative() || win_rate.is_zero() || win_rate > Ratio::ONE {
        return Err(FunnelInputError::WinRateOutOfRange);
    }
    Ok(())
}

pub fn check_visits_per_week(visits: u32) -> Result<(), FunnelInputError> {
    if visits > MAX_VISITS_PER_WEEK {
        return Err(FunnelInputError::VisitsOutOfRange);
    }
    Ok(())
}

/// The plan's funnel assumptions are usable.
pub fn check_defaults(d: &crate::domain::model::FunnelDefaults) -> Result<(), FunnelInputError> {
    check_deal_size(d.deal_size)?;
    check_win_rate(d.win_rate)?;
    check_visits_per_week(d.visits_per_week)
}

impl Localized for FunnelInputError {
    fn message_key(&self) -> &'static str {
        match self {
            Self::DealSizeNotPositive => "err.funnel.deal_size",
            Self::WinRateOutOfRange => "err.funnel.win_rate",
            Self::NegativeTarget => "err.funnel.negative_target",
            Self::TooLarge => "err.funnel.too_large",
            Self::VisitsOutOfRange => "err.funnel.visits",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::VisitsOutOfRange => vec![("max", MAX_VISITS_PER_WEEK.to_string())],
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for FunnelInputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for FunnelInputError {}

/// The article's decomposition for one person: e.g. 1,000万 at 100万 a deal and a 10% win rate
/// needs 10 deals and 100 leads.
pub fn reverse_funnel(
    target: Money,
    deal_size: Money,
    win_rate: Ratio,
) -> Result<ReverseFunnel, FunnelInputError> {
    check_deal_size(deal_size)?;
    check_win_rate(win_rate)?;
    if target.is_negative() {
        return Err(FunnelInputError::NegativeTarget);
    }
    let per_deal = Ratio::new(i128::from(target.fen()), i128::from(deal_size.fen()))
        .ok_or(FunnelInputError::DealSizeNotPositive)?;
    let deals = per_deal.ceil();
    let leads = ceil_div(deals, win_rate).ok_or(FunnelInputError::TooLarge)?;
    Ok(ReverseFunnel {
        target,
        deal_size,
        win_rate,
        deals: i64::try_from(deals).map_err(|_| FunnelInputError::TooLarge)?,
        leads: i64::try_from(leads).map_err(|_| FunnelInputError::TooLarge)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_articles_per_person_funnel() {
        let f = reverse_funnel(
            Money::from_fen(1_000_000_000),
            Money::from_fen(100_000_000),
            Ratio::percent(10),
        )
        .unwrap();
        assert_eq!((f.deals, f.leads), (10, 100));
    }

    #[test]
    fn counts_are_exact_not_float_ceilings() {
        // 57 deals at a 57% win rate need exactly 100 leads.
        let f = reverse_funnel(
            Money::from_fen(57 * 100),
            Money::from_fen(100),
            Ratio::percent(57),
        )
        .unwrap();
        assert_eq!((f.deals, f.leads), (57, 100));
        // A part of a deal is still a whole deal.
        let f = reverse_funnel(Money::from_fen(101), Money::from_fen(100), Ratio::ONE).unwrap();
        assert_eq!((f.deals, f.leads), (2, 2));
    }

    #[test]
    fn refuses_impossible_inputs() {
        let t = Money::from_fen(100);
        assert_eq!(
            reverse_funnel(t, Money::ZERO, Ratio::percent(10)),
            Err(FunnelInputError::DealSizeNotPositive)
        );
        assert_eq!(
            reverse_funnel(t, t, Ratio::ZERO),
            Err(FunnelInputError::WinRateOutOfRange)
        );
        assert_eq!(
            reverse_funnel(t, t, Ratio::percent(101)),
            Err(FunnelInputError::WinRateOutOfRange)
        );
    }
}

/// A team's funnels: one per person, and the team totals as sums of the per-person whole
/// numbers (each person must close whole deals, so totals are never derived from the total).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamFunnel<K> {
    pub people: Vec<(K, Result<ReverseFunnel, FunnelInputError>)>,
    pub target: Money,
    pub deals: i64,
    pub leads: i64,
}

pub fn team_funnel<K: Copy>(
    targets: &[(K, Money)],
    deal_size: Money,
    win_rate: Ratio,
) -> TeamFunnel<K> {
    let people: Vec<(K, Result<ReverseFunnel, FunnelInputError>)> = targets
        .iter()
        .map(|&(k, t)| (k, reverse_funnel(t, deal_size, win_rate)))
        .collect();
    let ok = || people.iter().filter_map(|(_, f)| f.as_ref().ok());
    TeamFunnel {
        target: ok().map(|f| f.target).sum(),
        deals: ok().map(|f| f.deals).sum(),
        leads: ok().map(|f| f.leads).sum(),
        people,
    }
}

#[cfg(test)]
mod team_tests {
    use super::*;

    #[test]
    fn the_articles_company_funnel_is_the_sum_of_five_people() {
        let wan = 1_000_000;
        let people: Vec<(u8, Money)> = (0..5).map(|i| (i, Money::from_fen(1_000 * wan))).collect();
        let t = team_funnel(&people, Money::from_fen(100 * wan), Ratio::percent(10));
        assert_eq!(t.target, Money::from_fen(5_000 * wan));
        assert_eq!((t.deals, t.leads), (50, 500));
    }

    #[test]
    fn totals_sum_whole_numbers_per_person() {
        // Two people with 150万 each at 100万 a deal need 2 deals each: 4, not ceil(300/100) = 3.
        let wan = 1_000_000;
        let people = [
            (1, Money::from_fen(150 * wan)),
            (2, Money::from_fen(150 * wan)),
        ];
        let t = team_funnel(&people, Money::from_fen(100 * wan), Ratio::percent(50));
        assert_eq!((t.deals, t.leads), (4, 8));
    }
}
