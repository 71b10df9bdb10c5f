//! Allocation: dividing a target (of a unit, or of a unit × product line) over its parts —
//! child units, people, product lines or months — so that the parts add up EXACTLY to it.
//!
//! Every split goes through [`split::split_money`](crate::domain::split::split_money): exact
//! quotas by rational weights, largest remainder for the fen left over, locked parts kept as
//! they are. A method only decides the weights:
//!
//! | method | weight of a part |
//! |---|---|
//! | `Even` | 1 |
//! | `ManualWeights` | `weight` (any non-negative ratio; 40% works) |
//! | `LastYearShare` | `last_year` |
//! | `TrailingAverageShare` | its average share over the trailing years (see below) |
//! | `MarketPotential` | `weight` |
//! | `Capacity` | `headcount × ramp` |
//!
//! The weights reported in [`Allocation::weights`] are each part's share of the method's total
//! weight over ALL parts (they add up to 1, or are all 0 when every weight is 0), so they can be
//! shown as "A: 40%". Locked parts keep their amount; what is left of the total goes to the
//! unlocked parts in proportion to their weights.
//!
//! Trailing average share: for every trailing year whose total over all parts is positive, a
//! part's share is its amount / that total; the weight is the mean of these shares over those
//! years (years with a total of 0 are skipped). All parts must list the same number of years,
//! oldest first; a part that did not exist in a year enters 0 for it. The shares are exact
//! ratios, so their common denominator is the product of the yearly totals: up to three years
//! with totals up to 10^12 fen (100亿元) each always compute; more years, or larger totals, may
//! be refused as too large to compute exactly ([`AllocationError::Overflow`]).
//!
//! Negative inputs are refused, never clipped: a negative total, weight, last-year amount,
//! trailing amount, ramp or lock is an error naming the part (counted from 1).

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::money::{Money, format_fen_i128};
use crate::domain::ratio::Ratio;
use crate::domain::seasonality;
use crate::domain::split::{SplitAmount, SplitError, split_money};
use crate::i18n::{Lang, Localized};

/// How a target is divided over its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AllocationMethod {
    Even,
    ManualWeights,
    LastYearShare,
    TrailingAverageShare,
    MarketPotential,
    Capacity,
}

impl AllocationMethod {
    pub const ALL: [AllocationMethod; 6] = [
        AllocationMethod::Even,
        AllocationMethod::ManualWeights,
        AllocationMethod::LastYearShare,
        AllocationMethod::TrailingAverageShare,
        AllocationMethod::MarketPotential,
        AllocationMethod::Capacity,
    ];

    /// A stable code for storage (plan files, exports).
    pub fn code(self) -> &'static str {
        match self {
            AllocationMethod::Even => "even",
            AllocationMethod::ManualWeights => "manual",
            AllocationMethod::LastYearShare => "last_year",
            AllocationMethod::TrailingAverageShare => "trailing",
            AllocationMethod::MarketPotential => "potential",
            AllocationMethod::Capacity => "capacity",
        }
    }

    /// The method with this [`code`](AllocationMethod::code); None for anything else.
    pub fn from_code(code: &str) -> Option<AllocationMethod> {
        AllocationMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AllocationMethod::Even => "alloc.method.even",
            AllocationMethod::ManualWeights => "alloc.method.manual",
            AllocationMethod::LastYearShare => "alloc.method.last_year",
            AllocationMethod::TrailingAverageShare => "alloc.method.trailing",
            AllocationMethod::MarketPotential => "alloc.method.potential",
            AllocationMethod::Capacity => "alloc.method.capacity",
        }
    }

    /// What the method divides by, in a sentence.
    pub fn explain_key(self) -> &'static str {
        match self {
            AllocationMethod::Even => "alloc.explain.even",
            AllocationMethod::ManualWeights => "alloc.explain.manual",
            AllocationMethod::LastYearShare => "alloc.explain.last_year",
            AllocationMethod::TrailingAverageShare => "alloc.explain.trailing",
            AllocationMethod::MarketPotential => "alloc.explain.potential",
            AllocationMethod::Capacity => "alloc.explain.capacity",
        }
    }
}

/// Which way a unit's target is allocated: over the units and people below it, over the
/// product lines, or over the months of the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Dimension {
    #[default]
    Children,
    Lines,
    Months,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Children, Dimension::Lines, Dimension::Months];

    /// A stable code for storage.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Children => "children",
            Dimension::Lines => "lines",
            Dimension::Months => "months",
        }
    }

    pub fn from_code(code: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Dimension::Children => "alloc.dimension.children",
            Dimension::Lines => "alloc.dimension.lines",
            Dimension::Months => "alloc.dimension.months",
        }
    }
}

/// How the months of a year are weighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum MonthMethod {
    /// By the seasonality of the history.
    #[default]
    Seasonality,
    /// By 12 typed percentages that total exactly 100%.
    Percentages,
    /// The same for every month.
    Even,
}

impl MonthMethod {
    pub const ALL: [MonthMethod; 3] = [
        MonthMethod::Seasonality,
        MonthMethod::Percentages,
        MonthMethod::Even,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MonthMethod::Seasonality => "seasonality",
            MonthMethod::Percentages => "percentages",
            MonthMethod::Even => "even",
        }
    }

    pub fn from_code(code: &str) -> Option<MonthMethod> {
        MonthMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            MonthMethod::Seasonality => "alloc.month.seasonality",
            MonthMethod::Percentages => "alloc.month.percentages",
            MonthMethod::Even => "alloc.month.even",
        }
    }
}

/// The inputs typed for one part of an allocation, as remembered with the rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartParams {
    /// The node or product line id.
    pub key: i64,
    pub weight: Ratio,
    pub headcount: u32,
    pub ramp: Ratio,
    pub locked: Option<Money>,
}

/// Everything an allocation was made from, remembered with its rule so it can be explained
/// and repeated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationParams {
    /// The product line allocated (children and months); None = the unit's total.
    pub line: Option<i64>,
    /// The amount that was allocated.
    pub total: Money,
    pub parts: Vec<PartParams>,
    /// The 12 percentages of a monthly split by percentages, in fiscal-month order.
    #[serde(default)]
    pub percentages: Vec<Ratio>,
}

/// A remembered allocation of one unit in one dimension: the method's code
/// ([`AllocationMethod::code`], or [`MonthMethod::code`] for months) and its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllocationRule {
    pub node: crate::domain::model::NodeId,
    pub dimension: Dimension,
    pub method: String,
    pub params: AllocationParams,
}

/// Every translation key of the methods and dimensions, for the translation checks.
pub fn translation_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    keys.extend(AllocationMethod::ALL.map(AllocationMethod::label_key));
    keys.extend(AllocationMethod::ALL.map(AllocationMethod::explain_key));
    keys.extend(Dimension::ALL.map(Dimension::label_key));
    keys.extend(MonthMethod::ALL.map(MonthMethod::label_key));
    keys
}

/// One part a target is allocated to, with everything any method may need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationPart<K> {
    pub key: K,
    /// Manual weight or market potential (any non-negative Ratio; percentages like 40% work).
    pub weight: Ratio,
    /// Sales of the last complete year, and of the trailing years (oldest first) for the averages.
    pub last_year: Money,
    pub trailing: Vec<Money>,
    /// Capacity: headcount and the average ramp (100% = fully productive; new hires e.g. 50%).
    pub headcount: u32,
    pub ramp: Ratio,
    /// A part the user fixed; the rest is spread over the others.
    pub locked: Option<Money>,
}

impl<K> AllocationPart<K> {
    /// A part with no weight, history, capacity or lock: set the fields the method needs.
    pub fn new(key: K) -> AllocationPart<K> {
        AllocationPart {
            key,
            weight: Ratio::ZERO,
            last_year: Money::ZERO,
            trailing: Vec::new(),
            headcount: 0,
            ramp: Ratio::ONE,
            locked: None,
        }
    }
}

/// The result of an allocation: each part's amount (in the order given; they add up exactly to
/// the total) and the effective weights used, as shares of the method's total weight over all
/// parts (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Allocation<K> {
    pub parts: Vec<(K, Money)>,
    pub weights: Vec<Ratio>,
}

/// Why an allocation could not be made. Indexes are 0-based; messages count from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocationError {
    /// There is nothing to allocate to.
    NoParts,
    /// The total to allocate is below zero.
    NegativeTotal { total: Money },
    /// A part's weight (manual weight, last-year sales, market potential or ramp) is negative.
    NegativeWeight {
        index: usize,
        method: AllocationMethod,
    },
    /// A part's amount in a trailing year (0-based, oldest first) is negative.
    NegativeHistory { index: usize, year: usize },
    /// A part lists a different number of trailing years than the first part.
    TrailingYearsMismatch {
        index: usize,
        expected: usize,
        found: usize,
    },
    /// Something is left to spread but every unlocked part has weight 0 under the method.
    NoWeight {
        method: AllocationMethod,
        remaining: Money,
    },
    /// Every part is locked, and the locks do not add up to the total.
    AllLocked { locked: Money, total: Money },
    /// A part is locked at a negative amount.
    NegativeLock { index: usize, locked: Money },
    /// The locked parts add up to more than the total (fen; may exceed an i64).
    LocksExceedTotal { locked: i128, total: Money },
    /// Typed percentages that do not add up to exactly 100%.
    PercentagesNotHundred { total: Ratio },
    /// A typed percentage is negative.
    NegativePercentage { index: usize },
    /// A monthly weight is negative (index 0 = first month).
    NegativeMonthWeight { month: usize },
    /// The monthly weights are all 0 but the total is not.
    NoMonthWeight { total: Money },
    /// The same key appears twice in a tree (a cycle, or a part listed under two parents);
    /// `level` is the depth of the parent (root = 0), `index` the part's position under it.
    DuplicateNode { level: usize, index: usize },
    /// The amounts or weights are too large to compute exactly.
    Overflow,
}

impl Localized for AllocationError {
    fn message_key(&self) -> &'static str {
        use AllocationMethod as M;
        match self {
            AllocationError::NoParts => "err.allocation.no_parts",
            AllocationError::NegativeTotal { .. } => "err.allocation.negative_total",
            AllocationError::NegativeWeight { method, .. } => match method {
                M::LastYearShare => "err.allocation.negative_last_year",
                M::MarketPotential => "err.allocation.negative_potential",
                M::Capacity => "err.allocation.negative_ramp",
                M::Even | M::ManualWeights | M::TrailingAverageShare => {
                    "err.allocation.negative_weight"
                }
            },
            AllocationError::NegativeHistory { .. } => "err.allocation.negative_history",
            AllocationError::TrailingYearsMismatch { .. } => "err.allocation.trailing_mismatch",
            AllocationError::NoWeight { method, .. } => match method {
                M::Even | M::ManualWeights => "err.allocation.no_weight.manual",
                M::LastYearShare => "err.allocation.no_weight.last_year",
                M::TrailingAverageShare => "err.allocation.no_weight.trailing",
                M::MarketPotential => "err.allocation.no_weight.potential",
                M::Capacity => "err.allocation.no_weight.capacity",
            },
            AllocationError::AllLocked { .. } => "err.allocation.all_locked",
            AllocationError::NegativeLock { .. } => "err.allocation.negative_lock",
            AllocationError::LocksExceedTotal { .. } => "err.allocation.locks_exceed_total",
            AllocationError::PercentagesNotHundred { total } => {
                if *total < Ratio::ONE {
                    "err.allocation.percentages_under"
                } else {
                    "err.allocation.percentages_over"
                }
            }
            AllocationError::NegativePercentage { .. } => "err.allocation.negative_percentage",
            AllocationError::NegativeMonthWeight { .. } => "err.allocation.negative_month_weight",
            AllocationError::NoMonthWeight { .. } => "err.allocation.no_month_weight",
            AllocationError::DuplicateNode { .. } => "err.allocation.duplicate_node",
            AllocationError::Overflow => "err.allocation.overflow",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            AllocationError::NoParts | AllocationError::Overflow => Vec::new(),
            AllocationError::NegativeTotal { total } => vec![("total", total.to_string())],
            AllocationError::NegativeWeight { index, .. }
            | AllocationError::NegativePercentage { index } => {
                vec![("position", position(index))]
            }
            AllocationError::NegativeHistory { index, year } => {
                vec![("position", position(index)), ("year", position(year))]
            }
            AllocationError::TrailingYearsMismatch {
                index,
                expected,
                found,
            } => vec![
                ("position", position(index)),
                ("expected", expected.to_string()),
                ("found", found.to_string()),
            ],
            AllocationError::NoWeight { remaining, .. } => {
                vec![("remaining", remaining.to_string())]
            }
            AllocationError::AllLocked { locked, total } => {
                vec![("locked", locked.to_string()), ("total", total.to_string())]
            }
            AllocationError::NegativeLock { index, locked } => {
                vec![
                    ("position", position(index)),
                    ("locked", locked.to_string()),
                ]
            }
            AllocationError::LocksExceedTotal { locked, total } => vec![
                ("locked", format_fen_i128(locked)),
                ("total", total.to_string()),
            ],
            AllocationError::PercentagesNotHundred { total } => {
                let difference = Ratio::ONE
                    .checked_sub(total)
                    .and_then(|d| {
                        if d.is_negative() {
                            d.checked_neg()
                        } else {
                            Some(d)
                        }
                    })
                    .map(|d| percent_text(d, "0%"))
                    .unwrap_or_else(|| "?".to_owned());
                vec![
                    ("total", percent_text(total, "100%")),
                    ("difference", difference),
                ]
            }
            AllocationError::NegativeMonthWeight { month } => vec![("month", position(month))],
            AllocationError::NoMonthWeight { total } => vec![("total", total.to_string())],
            AllocationError::DuplicateNode { level, index } => {
                vec![("level", level.to_string()), ("position", position(index))]
            }
        }
    }
}

impl fmt::Display for AllocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for AllocationError {}

fn position(index: usize) -> String {
    index.saturating_add(1).to_string()
}

/// `r` as a percentage with as few decimals as show it is not `avoid` (so 99.99% is never
/// shown rounded to 100%): at least 2 decimals (trailing zeros trimmed), at most 40.
fn percent_text(r: Ratio, avoid: &str) -> String {
    let mut text = r.format_percent(2);
    let mut decimals = 2;
    while text == avoid && decimals < 40 {
        decimals += 1;
        text = r.format_percent(decimals);
    }
    text
}

/// Allocates `total` over `parts` by `method`; the amounts add up exactly to `total`, locked
/// parts keep their amount. See the module documentation for the weights and the errors.
pub fn allocate<K: Clone>(
    total: Money,
    method: AllocationMethod,
    parts: &[AllocationPart<K>],
) -> Result<Allocation<K>, AllocationError> {
    if parts.is_empty() {
        return Err(AllocationError::NoParts);
    }
    if total.is_negative() {
        return Err(AllocationError::NegativeTotal { total });
    }
    let raw = raw_weights(method, parts)?;

    let mut locked_sum: i128 = 0;
    for (index, part) in parts.iter().enumerate() {
        if let Some(locked) = part.locked {
            if locked.is_negative() {
                return Err(AllocationError::NegativeLock { index, locked });
            }
            locked_sum += i128::from(locked.fen());
        }
    }
    let whole = i128::from(total.fen());
    if locked_sum > whole {
        return Err(AllocationError::LocksExceedTotal {
            locked: locked_sum,
            total,
        });
    }
    // locked_sum <= total, so both the lock sum and the remainder fit in an i64.
    let remaining = Money::from_fen(i64::try_from(whole - locked_sum).unwrap_or(0));
    if !remaining.is_zero() {
        if parts.iter().all(|p| p.locked.is_some()) {
            return Err(AllocationError::AllLocked {
                locked: Money::from_fen(i64::try_from(locked_sum).unwrap_or(0)),
                total,
            });
        }
        let unlocked_weight = parts
            .iter()
            .zip(&raw)
            .any(|(p, w)| p.locked.is_none() && w.is_positive());
        if !unlocked_weight {
            return Err(AllocationError::NoWeight { method, remaining });
        }
    }

    let weights = shares(&raw)?;
    let locks: Vec<Option<Money>> = parts.iter().map(|p| p.locked).collect();
    let amounts = split_money(total, &weights, &locks).map_err(|e| from_split(e, method))?;
    Ok(Allocation {
        parts: parts
            .iter()
            .zip(amounts)
            .map(|(p, m)| (p.key.clone(), m))
            .collect(),
        weights,
    })
}

/// The weights of a method before normalising, checked for sign.
fn raw_weights<K>(
    method: AllocationMethod,
    parts: &[AllocationPart<K>],
) -> Result<Vec<Ratio>, AllocationError> {
    let negative = |index| AllocationError::NegativeWeight { index, method };
    let check = |(index, w): (usize, Ratio)| {
        if w.is_negative() {
            Err(negative(index))
        } else {
            Ok(w)
        }
    };
    match method {
        AllocationMethod::Even => Ok(vec![Ratio::ONE; parts.len()]),
        AllocationMethod::ManualWeights | AllocationMethod::MarketPotential => parts
            .iter()
            .map(|p| p.weight)
            .enumerate()
            .map(check)
            .collect(),
        AllocationMethod::LastYearShare => parts
            .iter()
            .map(|p| Ratio::from_integer(i128::from(p.last_year.fen())))
            .enumerate()
            .map(check)
            .collect(),
        AllocationMethod::Capacity => parts
            .iter()
            .enumerate()
            .map(|(index, p)| {
                if p.ramp.is_negative() {
                    return Err(negative(index));
                }
                Ratio::from_integer(i128::from(p.headcount))
                    .checked_mul(p.ramp)
                    .ok_or(AllocationError::Overflow)
            })
            .collect(),
        AllocationMethod::TrailingAverageShare => trailing_average_shares(parts),
    }
}

/// Each part's mean share of the yearly totals, over the years with a positive total.
fn trailing_average_shares<K>(parts: &[AllocationPart<K>]) -> Result<Vec<Ratio>, AllocationError> {
    let years = parts.first().map_or(0, |p| p.trailing.len());
    for (index, part) in parts.iter().enumerate() {
        if part.trailing.len() != years {
            return Err(AllocationError::TrailingYearsMismatch {
                index,
                expected: years,
                found: part.trailing.len(),
            });
        }
        if let Some(year) = part.trailing.iter().position(|m| m.is_negative()) {
            return Err(AllocationError::NegativeHistory { index, year });
        }
    }
    // Amounts are non-negative i64, so no sum of them over a slice can overflow an i128.
    let totals: Vec<i128> = (0..years)
        .map(|y| parts.iter().map(|p| i128::from(p.trailing[y].fen())).sum())
        .collect();
    let counted: Vec<usize> = (0..years).filter(|&y| totals[y] > 0).collect();
    if counted.is_empty() {
        return Ok(vec![Ratio::ZERO; parts.len()]);
    }
    let count = i128::try_from(counted.len()).map_err(|_| AllocationError::Overflow)?;
    parts
        .iter()
        .map(|part| {
            let mut sum = Ratio::ZERO;
            for &y in &counted {
                let share = Ratio::new(i128::from(part.trailing[y].fen()), totals[y])
                    .ok_or(AllocationError::Overflow)?;
                sum = sum.checked_add(share).ok_or(AllocationError::Overflow)?;
            }
            sum.checked_div(Ratio::from_integer(count))
                .ok_or(AllocationError::Overflow)
        })
        .collect()
}

/// The weights as shares of their sum (all 0 if the sum is 0).
fn shares(raw: &[Ratio]) -> Result<Vec<Ratio>, AllocationError> {
    let mut sum = Ratio::ZERO;
    for w in raw {
        sum = sum.checked_add(*w).ok_or(AllocationError::Overflow)?;
    }
    if sum.is_zero() {
        return Ok(vec![Ratio::ZERO; raw.len()]);
    }
    raw.iter()
        .map(|w| w.checked_div(sum).ok_or(AllocationError::Overflow))
        .collect()
}

/// A split error after the checks in `allocate`: only overflow is expected, the rest are
/// mapped for completeness.
fn from_split(e: SplitError, method: AllocationMethod) -> AllocationError {
    match e {
        SplitError::NegativeWeight { index } => AllocationError::NegativeWeight { index, method },
        SplitError::CannotPlace {
            remaining: SplitAmount::Fen(fen) | SplitAmount::Units(fen),
        } => AllocationError::NoWeight {
            method,
            remaining: Money::from_fen(i64::try_from(fen).unwrap_or(i64::MAX)),
        },
        SplitError::LengthMismatch { .. }
        | SplitError::LockedExceedTotal { .. }
        | SplitError::LockedOppositeSign { .. }
        | SplitError::Overflow => AllocationError::Overflow,
    }
}

/// Product-line weights such as A 40% / B 30% / C 30% must sum to exactly 100% when they are
/// percentages the user typed. The error says the actual total, e.g. "99.9%".
pub fn check_percentages(weights: &[Ratio]) -> Result<(), AllocationError> {
    if let Some(index) = weights.iter().position(|w| w.is_negative()) {
        return Err(AllocationError::NegativePercentage { index });
    }
    let mut total = Ratio::ZERO;
    for w in weights {
        total = total.checked_add(*w).ok_or(AllocationError::Overflow)?;
    }
    if total == Ratio::ONE {
        Ok(())
    } else {
        Err(AllocationError::PercentagesNotHundred { total })
    }
}

/// Monthly split by integer seasonality weights (from [`seasonality::from_history`]): the 12
/// amounts add up exactly to `total`. All-zero weights are allowed only for a total of 0.
pub fn monthly_by_weights(
    total: Money,
    weights: &[i64; 12],
) -> Result<[Money; 12], AllocationError> {
    if total.is_negative() {
        return Err(AllocationError::NegativeTotal { total });
    }
    if let Some(month) = weights.iter().position(|&w| w < 0) {
        return Err(AllocationError::NegativeMonthWeight { month });
    }
    if !total.is_zero() && weights.iter().all(|&w| w == 0) {
        return Err(AllocationError::NoMonthWeight { total });
    }
    monthly(total, &seasonality::as_ratios(weights))
}

/// Monthly split by 12 typed percentages, which must total exactly 100%.
pub fn monthly_by_percentages(
    total: Money,
    percentages: &[Ratio; 12],
) -> Result<[Money; 12], AllocationError> {
    if total.is_negative() {
        return Err(AllocationError::NegativeTotal { total });
    }
    check_percentages(percentages)?;
    monthly(total, percentages)
}

fn monthly(total: Money, weights: &[Ratio; 12]) -> Result<[Money; 12], AllocationError> {
    let parts = split_money(total, weights, &[None; 12])
        .map_err(|e| from_split(e, AllocationMethod::ManualWeights))?;
    <[Money; 12]>::try_from(parts).map_err(|_| AllocationError::Overflow)
}

/// How a node of a tree is divided: the method and the parts (its children).
pub type ChildParts<K> = (AllocationMethod, Vec<AllocationPart<K>>);

/// Allocates a whole tree top-down: given a total at the root and, for every non-leaf node, the
/// method and parts of its children (`None` for a leaf), returns every node's value, root
/// first, then depth-first in the order the children are given (each node before its
/// children). Each level sums exactly to its parent.
///
/// A key met twice (a cycle, or a node listed under two parents) is an error, so a wrong
/// `children` cannot loop forever; `children` must describe a finite tree. An error in one
/// node's allocation stops the whole tree and is returned as is.
pub fn allocate_tree<K: Clone + Eq + std::hash::Hash>(
    root: K,
    total: Money,
    children: &dyn Fn(&K) -> Option<ChildParts<K>>,
) -> Result<Vec<(K, Money)>, AllocationError> {
    if total.is_negative() {
        return Err(AllocationError::NegativeTotal { total });
    }
    let mut seen: HashSet<K> = HashSet::new();
    seen.insert(root.clone());
    let mut out = Vec::new();
    // (node, value, depth); pushed in reverse so the first child is visited first.
    let mut stack = vec![(root, total, 0usize)];
    while let Some((node, value, level)) = stack.pop() {
        let below = children(&node);
        out.push((node, value));
        let Some((method, parts)) = below else {
            continue;
        };
        let allocation = allocate(value, method, &parts)?;
        for (index, (key, _)) in allocation.parts.iter().enumerate() {
            if !seen.insert(key.clone()) {
                return Err(AllocationError::DuplicateNode { level, index });
            }
        }
        for (key, amount) in allocation.parts.into_iter().rev() {
            stack.push((key, amount, level.saturating_add(1)));
        }
    }
    Ok(out)
}
