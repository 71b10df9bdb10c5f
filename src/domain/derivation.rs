//! Target derivation (目标推导): next year's annual sales target from strategy, history, the
//! economic cycle and competitors, each a visible step, blended into one proposal.
//!
//! 1. **Strategy**: market `M0` growing by `g`, our share moving from `s0` to the goal `sN` in
//!    `N` years. Next year's share on the linear path is `s1 = s0 + (sN − s0) / N` (exact); on
//!    the geometric path `s1 = s0 · (sN / s0)^(1/N)`. A root is rarely a fraction, so the
//!    geometric share is computed in f64 and rounded half away from zero to
//!    [`ROOT_DECIMALS`] places of the fraction (0.0001%), then kept as that exact decimal;
//!    when the root is plainly rational (`N = 1`, or `sN = s0`) the exact share is kept.
//!    `M1 = M0 · (1 + g)`, `T_strategy = M0 · (1 + g) · s1` as one exact product rounded once to
//!    the fen (`next_market` is `M1` rounded for display).
//! 2. **History**: the years sorted by year number; growth over the year before (exact, none
//!    when that year is missing or had no sales), CAGR `(hn / h1)^(1 / (yn − y1)) − 1` (f64,
//!    rounded like the geometric share), the least-squares line through (year, fen) with exact
//!    slope and intercept, and the target by the chosen method.
//! 3. **Cycle**: factor `1 + sensitivity · effect(phase)`, exact.
//! 4. **Competitors**: share checks and the sum of their adjustments.
//! 5. **Blend**: `(α · T_strategy + (1 − α) · T_history) × cycle × (1 + adjustment)` as one exact
//!    fraction rounded once, half away from zero, to the fen. `blended` and `after_cycle` are the
//!    chain's intermediate values rounded for display only, so `after_cycle × (1 + adjustment)`
//!    rounded may differ from the proposal by a fen. An override with a reason replaces the
//!    proposal as the committed target; the stretch target is `committed × (1 + buffer)`.
//! 6. **Bridge**: the steps above as bars, each with its change from the bar before.
//!
//! Every input may be typed by a user: nothing here panics; bad inputs and overflow are
//! [`DerivationError`]s.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::money::{Money, shown_input};
use crate::domain::ratio::{Ratio, Rounding};
use crate::i18n::{Lang, Localized};

/// Decimal places of the fraction an irrational rate (geometric share, CAGR) is rounded to:
/// 6 places = 0.0001%.
pub const ROOT_DECIMALS: u32 = 6;

const ROOT_SCALE: i128 = 1_000_000;

/// Rounds an f64 rate half away from zero to [`ROOT_DECIMALS`] places, as an exact Ratio.
/// None for NaN or infinity.
fn round_root(x: f64) -> Option<Ratio> {
    // f64::round rounds half away from zero. `as` saturates, and any value that large is
    // reported as overflow by the checks downstream.
    let scaled = (x * ROOT_SCALE as f64).round();
    if !scaled.is_finite() {
        return None;
    }
    Ratio::new(scaled as i128, ROOT_SCALE)
}

fn money_ratio(m: Money) -> Ratio {
    Ratio::from_integer(i128::from(m.fen()))
}

/// An exact amount of fen rounded half away from zero; None if it does not fit.
fn round_fen(r: Ratio) -> Option<Money> {
    i64::try_from(r.round_half_away()).ok().map(Money::from_fen)
}

fn within_unit(r: Ratio) -> bool {
    !r.is_negative() && r <= Ratio::ONE
}

fn one_plus(r: Ratio) -> Result<Ratio, DerivationError> {
    Ratio::ONE.checked_add(r).ok_or(DerivationError::Overflow)
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Which market share is out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShareField {
    /// Our current share `s0`.
    Current,
    /// Our share goal `sN`.
    Goal,
    /// Our next year's share `s1` given to the competitor checks.
    Next,
}

/// Why a target cannot be derived from the inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DerivationError {
    NegativeMarketSize {
        value: Money,
    },
    /// The market growth is below −100%.
    GrowthBelowMinus100 {
        value: Ratio,
    },
    /// A share of ours is outside [0, 100%].
    ShareOutOfRange {
        which: ShareField,
        value: Ratio,
    },
    /// The share goal is to be reached in 0 years.
    ZeroYears,
    /// A geometric path cannot start from a 0 share.
    GeometricFromZeroShare,
    TooFewHistoryYears {
        count: usize,
    },
    DuplicateHistoryYear {
        year: i32,
    },
    NegativeHistoryAmount {
        year: i32,
        value: Money,
    },
    /// CAGR was chosen but the first year has no sales.
    NoCagr {
        first_year: i32,
    },
    /// Last-year growth was chosen but the year before the last is missing or had no sales.
    NoLastGrowth {
        last_year: i32,
    },
    /// The trend was chosen but it falls below zero next year.
    TrendBelowZero {
        value: Money,
    },
    /// The industry's sensitivity is outside [0, 100%].
    SensitivityOutOfRange {
        value: Ratio,
    },
    /// A phase's effect is below −100% (it would make the factor negative).
    EffectBelowMinus100 {
        phase: EconomicPhase,
        value: Ratio,
    },
    /// A competitor's share is outside [0, 100%]; `index` is 0-based.
    CompetitorShareOutOfRange {
        index: usize,
        name: String,
        value: Ratio,
    },
    /// The competitors' adjustments add up to less than −100%.
    AdjustmentBelowMinus100 {
        total: Ratio,
    },
    /// The weight α of the strategy target is outside [0, 100%].
    AlphaOutOfRange {
        value: Ratio,
    },
    NegativeBuffer {
        value: Ratio,
    },
    /// A stretch target was asked for a negative committed target.
    NegativeCommitted {
        value: Money,
    },
    OverrideReasonBlank,
    NegativeOverride {
        value: Money,
    },
    /// Neither strategy nor history inputs were given.
    NoSource,
    /// The amounts or rates are too large to compute exactly.
    Overflow,
}

fn shown_rate(r: Ratio) -> String {
    r.format_percent(4)
}

/// A competitor as named in a message: the name (trimmed, cut short), or `#n` without one.
fn competitor_label(index: usize, name: &str) -> String {
    if name.trim().is_empty() {
        format!("#{}", index.saturating_add(1))
    } else {
        shown_input(name)
    }
}

impl Localized for DerivationError {
    fn message_key(&self) -> &'static str {
        use DerivationError as E;
        match self {
            E::NegativeMarketSize { .. } => "err.derivation.negative_market_size",
            E::GrowthBelowMinus100 { .. } => "err.derivation.growth_below_minus_100",
            E::ShareOutOfRange { which, .. } => match which {
                ShareField::Current => "err.derivation.current_share_out_of_range",
                ShareField::Goal => "err.derivation.share_goal_out_of_range",
                ShareField::Next => "err.derivation.next_share_out_of_range",
            },
            E::ZeroYears => "err.derivation.zero_years",
            E::GeometricFromZeroShare => "err.derivation.geometric_from_zero",
            E::TooFewHistoryYears { .. } => "err.derivation.too_few_history_years",
            E::DuplicateHistoryYear { .. } => "err.derivation.duplicate_history_year",
            E::NegativeHistoryAmount { .. } => "err.derivation.negative_history_amount",
            E::NoCagr { .. } => "err.derivation.no_cagr",
            E::NoLastGrowth { .. } => "err.derivation.no_last_growth",
            E::TrendBelowZero { .. } => "err.derivation.trend_below_zero",
            E::SensitivityOutOfRange { .. } => "err.derivation.sensitivity_out_of_range",
            E::EffectBelowMinus100 { phase, .. } => match phase {
                EconomicPhase::Expansion => "err.derivation.effect_below_minus_100.expansion",
                EconomicPhase::Peak => "err.derivation.effect_below_minus_100.peak",
                EconomicPhase::Contraction => "err.derivation.effect_below_minus_100.contraction",
                EconomicPhase::Trough => "err.derivation.effect_below_minus_100.trough",
            },
            E::CompetitorShareOutOfRange { .. } => "err.derivation.competitor_share_out_of_range",
            E::AdjustmentBelowMinus100 { .. } => "err.derivation.adjustment_below_minus_100",
            E::AlphaOutOfRange { .. } => "err.derivation.alpha_out_of_range",
            E::NegativeBuffer { .. } => "err.derivation.negative_buffer",
            E::NegativeCommitted { .. } => "err.derivation.negative_committed",
            E::OverrideReasonBlank => "err.derivation.override_reason_blank",
            E::NegativeOverride { .. } => "err.derivation.negative_override",
            E::NoSource => "err.derivation.no_source",
            E::Overflow => "err.derivation.overflow",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        use DerivationError as E;
        match self {
            E::NegativeMarketSize { value }
            | E::TrendBelowZero { value }
            | E::NegativeCommitted { value }
            | E::NegativeOverride { value } => vec![("value", value.to_string())],
            E::GrowthBelowMinus100 { value }
            | E::ShareOutOfRange { value, .. }
            | E::SensitivityOutOfRange { value }
            | E::EffectBelowMinus100 { value, .. }
            | E::AlphaOutOfRange { value }
            | E::NegativeBuffer { value } => vec![("value", shown_rate(*value))],
            E::TooFewHistoryYears { count } => vec![("count", count.to_string())],
            E::DuplicateHistoryYear { year } => vec![("year", year.to_string())],
            E::NegativeHistoryAmount { year, value } => {
                vec![("year", year.to_string()), ("value", value.to_string())]
            }
            E::NoCagr { first_year } => vec![("year", first_year.to_string())],
            E::NoLastGrowth { last_year } => vec![("year", last_year.to_string())],
            E::CompetitorShareOutOfRange { index, name, value } => vec![
                ("name", competitor_label(*index, name)),
                ("value", shown_rate(*value)),
            ],
            E::AdjustmentBelowMinus100 { total } => vec![("value", shown_rate(*total))],
            E::ZeroYears
            | E::GeometricFromZeroShare
            | E::OverrideReasonBlank
            | E::NoSource
            | E::Overflow => Vec::new(),
        }
    }
}

impl fmt::Display for DerivationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for DerivationError {}

// ---------------------------------------------------------------------------------------------
// 1. Strategy

/// How the share moves from today's share to the goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SharePath {
    /// The same number of points every year.
    Linear,
    /// The same relative growth every year.
    Geometric,
}

impl SharePath {
    pub const ALL: [SharePath; 2] = [SharePath::Linear, SharePath::Geometric];

    /// A stable code for storage (plan files, exports).
    pub fn code(self) -> &'static str {
        match self {
            SharePath::Linear => "linear",
            SharePath::Geometric => "geometric",
        }
    }

    /// The value with this [`code`](SharePath::code); None for anything else (e.g. `""`).
    pub fn from_code(code: &str) -> Option<SharePath> {
        SharePath::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            SharePath::Linear => "derivation.path.linear",
            SharePath::Geometric => "derivation.path.geometric",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyInputs {
    /// The market size now, `M0`.
    pub market_size: Money,
    /// Expected market growth next year, `g`.
    pub market_growth: Ratio,
    /// Our share now, `s0`.
    pub current_share: Ratio,
    /// Our share goal, `sN`, reached in `years` years.
    pub share_goal: Ratio,
    pub years: u32,
    pub path: SharePath,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrategyStep {
    /// `s1`.
    pub next_share: Ratio,
    /// `M1 = M0 · (1 + g)`, rounded to the fen.
    pub next_market: Money,
    /// `T_strategy = M0 · (1 + g) · s1`, rounded once to the fen.
    pub target: Money,
}

/// Next year's share on the chosen path (inputs already checked).
fn next_share(i: &StrategyInputs) -> Result<Ratio, DerivationError> {
    let (s0, sn) = (i.current_share, i.share_goal);
    let years = Ratio::from_integer(i128::from(i.years));
    match i.path {
        SharePath::Linear => sn
            .checked_sub(s0)
            .and_then(|d| d.checked_div(years))
            .and_then(|step| s0.checked_add(step))
            .ok_or(DerivationError::Overflow),
        SharePath::Geometric => {
            if i.years == 1 || s0 == sn {
                return Ok(if i.years == 1 { sn } else { s0 });
            }
            let growth = sn.checked_div(s0).ok_or(DerivationError::Overflow)?;
            let root = growth.to_f64().powf(1.0 / f64::from(i.years));
            let share = round_root(s0.to_f64() * root).ok_or(DerivationError::Overflow)?;
            // Rounding cannot leave [0, 1] by more than half a unit of the last place; keep it
            // a valid share.
            Ok(share.clamp(Ratio::ZERO, Ratio::ONE))
        }
    }
}

/// Step 1: the target that follows from the market and the share goal.
pub fn strategy_step(i: &StrategyInputs) -> Result<StrategyStep, DerivationError> {
    if i.market_size.is_negative() {
        return Err(DerivationError::NegativeMarketSize {
            value: i.market_size,
        });
    }
    if i.market_growth < Ratio::from_integer(-1) {
        return Err(DerivationError::GrowthBelowMinus100 {
            value: i.market_growth,
        });
    }
    for (which, value) in [
        (ShareField::Current, i.current_share),
        (ShareField::Goal, i.share_goal),
    ] {
        if !within_unit(value) {
            return Err(DerivationError::ShareOutOfRange { which, value });
        }
    }
    if i.years == 0 {
        return Err(DerivationError::ZeroYears);
    }
    if i.path == SharePath::Geometric && i.current_share.is_zero() {
        return Err(DerivationError::GeometricFromZeroShare);
    }
    let next_share = next_share(i)?;
    let growth = one_plus(i.market_growth)?;
    let next_market = i
        .market_size
        .mul_ratio(growth, Rounding::HalfAwayFromZero)
        .ok_or(DerivationError::Overflow)?;
    let target = growth
        .checked_mul(next_share)
        .and_then(|r| i.market_size.mul_ratio(r, Rounding::HalfAwayFromZero))
        .ok_or(DerivationError::Overflow)?;
    Ok(StrategyStep {
        next_share,
        next_market,
        target,
    })
}

// ---------------------------------------------------------------------------------------------
// 2. History

/// How the history target is projected from the actual sales.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HistoryMethod {
    /// `hn · (1 + CAGR)`.
    Cagr,
    /// The least-squares line at the year after the last.
    Trend,
    /// `hn · (1 + growth of the last year)`.
    LastGrowth,
}

impl HistoryMethod {
    pub const ALL: [HistoryMethod; 3] = [
        HistoryMethod::Cagr,
        HistoryMethod::Trend,
        HistoryMethod::LastGrowth,
    ];

    /// A stable code for storage (plan files, exports).
    pub fn code(self) -> &'static str {
        match self {
            HistoryMethod::Cagr => "cagr",
            HistoryMethod::Trend => "trend",
            HistoryMethod::LastGrowth => "last_growth",
        }
    }

    /// The value with this [`code`](HistoryMethod::code); None for anything else (e.g. `""`).
    pub fn from_code(code: &str) -> Option<HistoryMethod> {
        HistoryMethod::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            HistoryMethod::Cagr => "derivation.method.cagr",
            HistoryMethod::Trend => "derivation.method.trend",
            HistoryMethod::LastGrowth => "derivation.method.last_growth",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryInputs {
    /// (year, actual sales), in any order; years need not be consecutive.
    pub years: Vec<(i32, Money)>,
    pub method: HistoryMethod,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    /// Each year (sorted) with its growth over the year before: None for the first year, after
    /// a missing year, or when the year before had no sales.
    pub growth: Vec<(i32, Option<Ratio>)>,
    /// Rounded to [`ROOT_DECIMALS`] places; None when the first year has no sales.
    pub cagr: Option<Ratio>,
    /// Fen per year, exact. The trend values are None only if they are too large to compute.
    pub trend_slope: Option<Ratio>,
    /// Fen at year 0, exact: the fitted value at year `y` is `intercept + slope · y`.
    pub trend_intercept: Option<Ratio>,
    /// The fitted value at the year after the last, rounded to the fen.
    pub trend_next: Option<Money>,
    pub target: Money,
}

struct Trend {
    slope: Ratio,
    intercept: Ratio,
    next: Option<Money>,
}

/// The least-squares line through (year, fen); `years` sorted, distinct, at least two. Years
/// are measured from the first year so the sums stay small; the result is exact.
fn trend(years: &[(i32, Money)]) -> Option<Trend> {
    let (first, _) = *years.first()?;
    let (last, _) = *years.last()?;
    let first = i128::from(first);
    let n = i128::try_from(years.len()).ok()?;
    let (mut su, mut sy, mut suu, mut suy) = (0i128, 0i128, 0i128, 0i128);
    for &(year, amount) in years {
        let u = i128::from(year) - first;
        let y = i128::from(amount.fen());
        su = su.checked_add(u)?;
        sy = sy.checked_add(y)?;
        suu = suu.checked_add(u.checked_mul(u)?)?;
        suy = suy.checked_add(u.checked_mul(y)?)?;
    }
    let den = n.checked_mul(suu)?.checked_sub(su.checked_mul(su)?)?;
    let num = n.checked_mul(suy)?.checked_sub(su.checked_mul(sy)?)?;
    let slope = Ratio::new(num, den)?;
    // The line passes through the means: value at u = 0 is mean(y) − slope · mean(u).
    let nr = Ratio::from_integer(n);
    let at_first = Ratio::from_integer(sy)
        .checked_div(nr)?
        .checked_sub(slope.checked_mul(Ratio::from_integer(su).checked_div(nr)?)?)?;
    let intercept = at_first.checked_sub(slope.checked_mul(Ratio::from_integer(first))?)?;
    let ahead = Ratio::from_integer(i128::from(last) + 1 - first);
    let next = slope
        .checked_mul(ahead)
        .and_then(|r| at_first.checked_add(r))
        .and_then(round_fen);
    Some(Trend {
        slope,
        intercept,
        next,
    })
}

/// `(last / first)^(1 / span) − 1`, rounded to [`ROOT_DECIMALS`] places; None if first ≤ 0.
fn cagr(first: Money, last: Money, span: i64) -> Option<Ratio> {
    if first.fen() <= 0 || span < 1 {
        return None;
    }
    if first == last {
        return Some(Ratio::ZERO);
    }
    // The ratio of two i64 amounts: f64 holds 15-16 significant digits, far more than kept.
    let ratio = last.fen() as f64 / first.fen() as f64;
    round_root(ratio.powf(1.0 / span as f64) - 1.0)
}

/// Step 2: the target that follows from actual sales.
pub fn history_step(i: &HistoryInputs) -> Result<HistoryStep, DerivationError> {
    let mut years = i.years.clone();
    years.sort_by_key(|&(year, _)| year);
    if years.len() < 2 {
        return Err(DerivationError::TooFewHistoryYears { count: years.len() });
    }
    if let Some(w) = years.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(DerivationError::DuplicateHistoryYear { year: w[0].0 });
    }
    if let Some(&(year, value)) = years.iter().find(|(_, m)| m.is_negative()) {
        return Err(DerivationError::NegativeHistoryAmount { year, value });
    }

    let mut growth = Vec::with_capacity(years.len());
    let mut previous: Option<(i32, Money)> = None;
    for &(year, amount) in &years {
        let g = previous
            .filter(|&(p, m)| i64::from(p) + 1 == i64::from(year) && m.fen() > 0)
            .and_then(|(_, m)| {
                Ratio::new(
                    i128::from(amount.fen()) - i128::from(m.fen()),
                    i128::from(m.fen()),
                )
            });
        growth.push((year, g));
        previous = Some((year, amount));
    }

    // At least two entries, checked above.
    let (first_year, first) = years[0];
    let (last_year, last) = years[years.len() - 1];
    let cagr = cagr(first, last, i64::from(last_year) - i64::from(first_year));
    let trend = trend(&years);

    let target = match i.method {
        HistoryMethod::Cagr => {
            let rate = cagr.ok_or(DerivationError::NoCagr { first_year })?;
            let factor = one_plus(rate)?;
            last.mul_ratio(factor, Rounding::HalfAwayFromZero)
                .ok_or(DerivationError::Overflow)?
        }
        HistoryMethod::Trend => {
            let next = trend
                .as_ref()
                .and_then(|t| t.next)
                .ok_or(DerivationError::Overflow)?;
            if next.is_negative() {
                return Err(DerivationError::TrendBelowZero { value: next });
            }
            next
        }
        HistoryMethod::LastGrowth => {
            let rate = growth
                .last()
                .and_then(|&(_, g)| g)
                .ok_or(DerivationError::NoLastGrowth { last_year })?;
            let factor = one_plus(rate)?;
            last.mul_ratio(factor, Rounding::HalfAwayFromZero)
                .ok_or(DerivationError::Overflow)?
        }
    };

    Ok(HistoryStep {
        growth,
        cagr,
        trend_slope: trend.as_ref().map(|t| t.slope),
        trend_intercept: trend.as_ref().map(|t| t.intercept),
        trend_next: trend.and_then(|t| t.next),
        target,
    })
}

// ---------------------------------------------------------------------------------------------
// 3. Cycles

/// The phase of the economic cycle next year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EconomicPhase {
    Expansion,
    Peak,
    Contraction,
    Trough,
}

impl EconomicPhase {
    /// In the order of [`CycleInputs::effects`].
    pub const ALL: [EconomicPhase; 4] = [
        EconomicPhase::Expansion,
        EconomicPhase::Peak,
        EconomicPhase::Contraction,
        EconomicPhase::Trough,
    ];

    /// A stable code for storage (plan files, exports).
    pub fn code(self) -> &'static str {
        match self {
            EconomicPhase::Expansion => "expansion",
            EconomicPhase::Peak => "peak",
            EconomicPhase::Contraction => "contraction",
            EconomicPhase::Trough => "trough",
        }
    }

    /// The value with this [`code`](EconomicPhase::code); None for anything else (e.g. `""`).
    pub fn from_code(code: &str) -> Option<EconomicPhase> {
        EconomicPhase::ALL.into_iter().find(|v| v.code() == code)
    }

    /// The position of this phase's effect in [`CycleInputs::effects`].
    pub const fn index(self) -> usize {
        match self {
            EconomicPhase::Expansion => 0,
            EconomicPhase::Peak => 1,
            EconomicPhase::Contraction => 2,
            EconomicPhase::Trough => 3,
        }
    }

    /// The default effect on sales for a fully sensitive industry: +10%, 0%, −20%, −10%.
    pub fn default_effect(self) -> Ratio {
        match self {
            EconomicPhase::Expansion => Ratio::percent(10),
            EconomicPhase::Peak => Ratio::ZERO,
            EconomicPhase::Contraction => Ratio::percent(-20),
            EconomicPhase::Trough => Ratio::percent(-10),
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            EconomicPhase::Expansion => "derivation.phase.expansion",
            EconomicPhase::Peak => "derivation.phase.peak",
            EconomicPhase::Contraction => "derivation.phase.contraction",
            EconomicPhase::Trough => "derivation.phase.trough",
        }
    }
}

/// The default effects, in the order of [`EconomicPhase::ALL`].
pub fn default_effects() -> [Ratio; 4] {
    EconomicPhase::ALL.map(EconomicPhase::default_effect)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleInputs {
    pub phase: EconomicPhase,
    /// How strongly the industry follows the cycle, in [0, 1].
    pub sensitivity: Ratio,
    /// Each phase's effect, in the order of [`EconomicPhase::ALL`]; each at least −100%.
    pub effects: [Ratio; 4],
}

impl Default for CycleInputs {
    /// Neutral: Peak with sensitivity 0, so the factor is exactly 1; the default effects.
    fn default() -> CycleInputs {
        CycleInputs {
            phase: EconomicPhase::Peak,
            sensitivity: Ratio::ZERO,
            effects: default_effects(),
        }
    }
}

/// Step 3: `1 + sensitivity · effect(phase)`, exact; never negative.
pub fn cycle_factor(i: &CycleInputs) -> Result<Ratio, DerivationError> {
    if !within_unit(i.sensitivity) {
        return Err(DerivationError::SensitivityOutOfRange {
            value: i.sensitivity,
        });
    }
    for phase in EconomicPhase::ALL {
        let value = i.effects[phase.index()];
        if value < Ratio::from_integer(-1) {
            return Err(DerivationError::EffectBelowMinus100 { phase, value });
        }
    }
    i.sensitivity
        .checked_mul(i.effects[i.phase.index()])
        .ok_or(DerivationError::Overflow)
        .and_then(one_plus)
}

/// A product line's life-cycle stage: it labels the line with what its target is judged on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LifeCycle {
    Introduction,
    Growth,
    Maturity,
    Decline,
}

impl LifeCycle {
    pub const ALL: [LifeCycle; 4] = [
        LifeCycle::Introduction,
        LifeCycle::Growth,
        LifeCycle::Maturity,
        LifeCycle::Decline,
    ];

    /// A stable code for storage (plan files, exports).
    pub fn code(self) -> &'static str {
        match self {
            LifeCycle::Introduction => "introduction",
            LifeCycle::Growth => "growth",
            LifeCycle::Maturity => "maturity",
            LifeCycle::Decline => "decline",
        }
    }

    /// The value with this [`code`](LifeCycle::code); None for anything else (e.g. `""`).
    pub fn from_code(code: &str) -> Option<LifeCycle> {
        LifeCycle::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            LifeCycle::Introduction => "derivation.lifecycle.introduction",
            LifeCycle::Growth => "derivation.lifecycle.growth",
            LifeCycle::Maturity => "derivation.lifecycle.maturity",
            LifeCycle::Decline => "derivation.lifecycle.decline",
        }
    }

    /// What the line is judged on: share and brand (new customers, awareness) while it is
    /// introduced and growing; revenue and profit growth once mature or declining.
    pub fn emphasis_key(self) -> &'static str {
        match self {
            LifeCycle::Introduction => "derivation.emphasis.introduction",
            LifeCycle::Growth => "derivation.emphasis.growth",
            LifeCycle::Maturity => "derivation.emphasis.maturity",
            LifeCycle::Decline => "derivation.emphasis.decline",
        }
    }

    /// True for the stages judged on share and brand rather than revenue and profit.
    pub fn judged_on_share(self) -> bool {
        matches!(self, LifeCycle::Introduction | LifeCycle::Growth)
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Competitors

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Competitor {
    pub name: String,
    /// Their market share, in [0, 1].
    pub share: Ratio,
    pub strengths: String,
    pub weaknesses: String,
    /// What they are expected to do next year.
    pub moves: String,
    /// The effect on our target, e.g. −3% for a price war.
    pub adjustment: Ratio,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompetitorChecks {
    /// Our next share (if known) plus the competitors' shares; None when there is neither.
    pub total_share: Option<Ratio>,
    /// The total is above 100%: the shares cannot all be right.
    pub exceeds_market: bool,
    /// Our next share / the largest competitor's share; None without our share, without
    /// competitors, or when the largest share is 0.
    pub relative_share: Option<Ratio>,
    /// The sum of the competitors' adjustments.
    pub adjustment: Ratio,
    /// The name of the competitor with the largest share (the first of equals).
    pub largest: Option<String>,
}

/// Step 4: checks of the shares and the total adjustment. Shares outside [0, 1] and a total
/// adjustment below −100% are errors.
pub fn competitor_checks(
    our_next_share: Option<Ratio>,
    competitors: &[Competitor],
) -> Result<CompetitorChecks, DerivationError> {
    if let Some(value) = our_next_share.filter(|&s| !within_unit(s)) {
        return Err(DerivationError::ShareOutOfRange {
            which: ShareField::Next,
            value,
        });
    }
    let mut total = our_next_share;
    let mut adjustment = Ratio::ZERO;
    let mut largest: Option<&Competitor> = None;
    for (index, c) in competitors.iter().enumerate() {
        if !within_unit(c.share) {
            return Err(DerivationError::CompetitorShareOutOfRange {
                index,
                name: c.name.clone(),
                value: c.share,
            });
        }
        total = Some(
            total
                .unwrap_or(Ratio::ZERO)
                .checked_add(c.share)
                .ok_or(DerivationError::Overflow)?,
        );
        adjustment = adjustment
            .checked_add(c.adjustment)
            .ok_or(DerivationError::Overflow)?;
        if largest.is_none_or(|l| c.share > l.share) {
            largest = Some(c);
        }
    }
    if adjustment < Ratio::from_integer(-1) {
        return Err(DerivationError::AdjustmentBelowMinus100 { total: adjustment });
    }
    let relative_share = match (our_next_share, largest) {
        (Some(ours), Some(l)) if l.share.is_positive() => {
            Some(ours.checked_div(l.share).ok_or(DerivationError::Overflow)?)
        }
        _ => None,
    };
    Ok(CompetitorChecks {
        total_share: total,
        exceeds_market: total.is_some_and(|t| t > Ratio::ONE),
        relative_share,
        adjustment,
        largest: largest.map(|l| l.name.clone()),
    })
}

// ---------------------------------------------------------------------------------------------
// 5. Blend, override, stretch

/// A target set by hand instead of the proposal, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub target: Money,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivationInputs {
    pub strategy: Option<StrategyInputs>,
    pub history: Option<HistoryInputs>,
    pub cycle: CycleInputs,
    pub competitors: Vec<Competitor>,
    /// The weight of the strategy target, in [0, 1]; the history target gets `1 − α`. Checked
    /// even when only one of them is given (and then not used).
    pub alpha: Ratio,
    pub override_target: Option<Override>,
    pub stretch_buffer: Ratio,
}

/// The default stretch buffer: 10%.
pub fn default_stretch_buffer() -> Ratio {
    Ratio::percent(10)
}

impl Default for DerivationInputs {
    /// No inputs yet, a neutral cycle, α = 1/2, buffer 10%.
    fn default() -> DerivationInputs {
        DerivationInputs {
            strategy: None,
            history: None,
            cycle: CycleInputs::default(),
            competitors: Vec::new(),
            alpha: Ratio::percent(50),
            override_target: None,
            stretch_buffer: default_stretch_buffer(),
        }
    }
}

/// One bar of the bridge chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BridgeStep {
    /// Translation key of the bar's label.
    pub key: &'static str,
    pub value: Money,
    /// The change from the bar before; the first bar's change is its value (from zero).
    pub change: Money,
}

pub const BRIDGE_STRATEGY: &str = "derivation.bridge.strategy";
pub const BRIDGE_HISTORY: &str = "derivation.bridge.history";
pub const BRIDGE_BLENDED: &str = "derivation.bridge.blended";
pub const BRIDGE_AFTER_CYCLE: &str = "derivation.bridge.after_cycle";
pub const BRIDGE_AFTER_COMPETITORS: &str = "derivation.bridge.after_competitors";
pub const BRIDGE_OVERRIDE: &str = "derivation.bridge.override";
pub const BRIDGE_COMMITTED: &str = "derivation.bridge.committed";
pub const BRIDGE_STRETCH: &str = "derivation.bridge.stretch";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Derivation {
    pub strategy: Option<StrategyStep>,
    pub history: Option<HistoryStep>,
    pub cycle_factor: Ratio,
    pub competitors: CompetitorChecks,
    /// The blend of the two targets, rounded for display.
    pub blended: Money,
    /// The blend times the cycle factor, rounded for display.
    pub after_cycle: Money,
    /// The whole exact chain rounded once: the proposed target.
    pub proposal: Money,
    /// The override if there is one, else the proposal.
    pub committed: Money,
    /// `committed × (1 + buffer)`: what funnels are built on.
    pub stretch: Money,
    pub bridge: Vec<BridgeStep>,
}

/// Stretch from a committed target: `committed × (1 + buffer)`, rounded half away from zero to
/// the fen. The buffer and the committed target must not be negative.
pub fn stretch(committed: Money, buffer: Ratio) -> Result<Money, DerivationError> {
    if buffer.is_negative() {
        return Err(DerivationError::NegativeBuffer { value: buffer });
    }
    if committed.is_negative() {
        return Err(DerivationError::NegativeCommitted { value: committed });
    }
    committed
        .mul_ratio(one_plus(buffer)?, Rounding::HalfAwayFromZero)
        .ok_or(DerivationError::Overflow)
}

fn check_override(o: &Override) -> Result<(), DerivationError> {
    if o.reason.trim().is_empty() {
        return Err(DerivationError::OverrideReasonBlank);
    }
    if o.target.is_negative() {
        return Err(DerivationError::NegativeOverride { value: o.target });
    }
    Ok(())
}

fn bridge(bars: &[(&'static str, Money)]) -> Result<Vec<BridgeStep>, DerivationError> {
    let mut previous = Money::ZERO;
    bars.iter()
        .map(|&(key, value)| {
            let change = value
                .checked_sub(previous)
                .ok_or(DerivationError::Overflow)?;
            previous = value;
            Ok(BridgeStep { key, value, change })
        })
        .collect()
}

/// Steps 1–6: the whole derivation.
///
/// The bridge holds the strategy and history targets that were given, the blend (only when
/// both were given: otherwise it equals the single target), after the cycle, after the
/// competitors (the proposal), the override (if any), the committed target and the stretch.
pub fn derive(i: &DerivationInputs) -> Result<Derivation, DerivationError> {
    let strategy = i.strategy.as_ref().map(strategy_step).transpose()?;
    let history = i.history.as_ref().map(history_step).transpose()?;
    let cycle_factor = cycle_factor(&i.cycle)?;
    let competitors = competitor_checks(strategy.as_ref().map(|s| s.next_share), &i.competitors)?;
    if !within_unit(i.alpha) {
        return Err(DerivationError::AlphaOutOfRange { value: i.alpha });
    }
    if i.stretch_buffer.is_negative() {
        return Err(DerivationError::NegativeBuffer {
            value: i.stretch_buffer,
        });
    }
    if let Some(o) = &i.override_target {
        check_override(o)?;
    }

    let overflow = DerivationError::Overflow;
    let blend_exact = match (&strategy, &history) {
        (Some(s), Some(h)) => {
            let beta = Ratio::ONE.checked_sub(i.alpha).ok_or(overflow.clone())?;
            let from_strategy = money_ratio(s.target).checked_mul(i.alpha);
            let from_history = money_ratio(h.target).checked_mul(beta);
            from_strategy
                .zip(from_history)
                .and_then(|(a, b)| a.checked_add(b))
                .ok_or(overflow.clone())?
        }
        (Some(s), None) => money_ratio(s.target),
        (None, Some(h)) => money_ratio(h.target),
        (None, None) => return Err(DerivationError::NoSource),
    };
    let after_cycle_exact = blend_exact
        .checked_mul(cycle_factor)
        .ok_or(overflow.clone())?;
    let proposal_exact = after_cycle_exact
        .checked_mul(one_plus(competitors.adjustment)?)
        .ok_or(overflow.clone())?;
    let blended = round_fen(blend_exact).ok_or(overflow.clone())?;
    let after_cycle = round_fen(after_cycle_exact).ok_or(overflow.clone())?;
    let proposal = round_fen(proposal_exact).ok_or(overflow)?;
    let committed = i.override_target.as_ref().map_or(proposal, |o| o.target);
    let stretch = stretch(committed, i.stretch_buffer)?;

    let mut bars = Vec::with_capacity(8);
    if let Some(s) = &strategy {
        bars.push((BRIDGE_STRATEGY, s.target));
    }
    if let Some(h) = &history {
        bars.push((BRIDGE_HISTORY, h.target));
    }
    if strategy.is_some() && history.is_some() {
        bars.push((BRIDGE_BLENDED, blended));
    }
    bars.push((BRIDGE_AFTER_CYCLE, after_cycle));
    bars.push((BRIDGE_AFTER_COMPETITORS, proposal));
    if let Some(o) = &i.override_target {
        bars.push((BRIDGE_OVERRIDE, o.target));
    }
    bars.push((BRIDGE_COMMITTED, committed));
    bars.push((BRIDGE_STRETCH, stretch));
    let bridge = bridge(&bars)?;

    Ok(Derivation {
        strategy,
        history,
        cycle_factor,
        competitors,
        blended,
        after_cycle,
        proposal,
        committed,
        stretch,
        bridge,
    })
}

/// Every translation key this module uses, for the translation checks.
pub fn translation_keys() -> Vec<&'static str> {
    let mut keys = vec![
        BRIDGE_STRATEGY,
        BRIDGE_HISTORY,
        BRIDGE_BLENDED,
        BRIDGE_AFTER_CYCLE,
        BRIDGE_AFTER_COMPETITORS,
        BRIDGE_OVERRIDE,
        BRIDGE_COMMITTED,
        BRIDGE_STRETCH,
    ];
    keys.extend(SharePath::ALL.map(SharePath::label_key));
    keys.extend(HistoryMethod::ALL.map(HistoryMethod::label_key));
    keys.extend(EconomicPhase::ALL.map(EconomicPhase::label_key));
    keys.extend(LifeCycle::ALL.map(LifeCycle::label_key));
    keys.extend(LifeCycle::ALL.map(LifeCycle::emphasis_key));
    keys
}
