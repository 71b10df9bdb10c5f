//! The key-account battle plan (domain §6): the customer × product matrix, the pipeline by
//! stage, the product and customer sales plans derived from the matrix, and each person's goal
//! card. Exact: every amount is whole fen computed once per matrix cell, so the product plan,
//! the customer plan and the matrix always have the same totals.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::domain::model::{
    CustomerId, DealStatus, LineId, Metric, NodeId, Opportunity, OpportunityId, PlanSnapshot,
    ProductId,
};
use crate::domain::money::Money;
use crate::domain::period::{FiscalYear, Period};
use crate::domain::ratio::{Ratio, Rounding};

/// A person to talk to at a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub customer: CustomerId,
    pub fields: ContactFields,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContactFields {
    pub name: String,
    pub title: String,
    /// Their part in the decision: decision maker, user, technical evaluator, …
    pub role: String,
    pub phone: String,
    pub email: String,
}

/// What a matrix cell plans for one customer and one product. Its stage is the stage of the
/// opportunity it tracks on the pipeline board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellFields {
    pub strategy: String,
    /// People needed (presales, delivery, …).
    pub people: u32,
    /// Budget needed.
    pub budget: Money,
    /// Potential size of the business.
    pub potential: Money,
    /// Expected close month (the first day of the month).
    pub close_month: Option<Date>,
    /// Probability entered for this cell; None = the stage's.
    pub probability: Option<Ratio>,
}

impl Default for CellFields {
    fn default() -> Self {
        CellFields {
            strategy: String::new(),
            people: 0,
            budget: Money::ZERO,
            potential: Money::ZERO,
            close_month: None,
            probability: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatrixCell {
    pub id: i64,
    pub customer: CustomerId,
    pub product: ProductId,
    pub opportunity: Option<OpportunityId>,
    pub fields: CellFields,
}

/// Where a cell's probability comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbabilitySource {
    /// Entered on the cell.
    Cell,
    /// The default of the cell's stage.
    Stage,
    /// Won (100%) or lost (0%).
    Closed,
}

/// A cell's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellFigures {
    pub stage: u8,
    pub status: DealStatus,
    pub probability: Ratio,
    pub probability_source: ProbabilitySource,
    /// potential × probability, to the fen (half away from zero).
    pub weighted: Money,
    /// What the cell brings to the plan year: the signed value for a deal won in the year, the
    /// weighted value for an open one expected to close in the year, else nothing.
    pub planned: Money,
}

/// Did this opportunity sign? A deal lost after the won stage (a failed delivery, a customer
/// that did not renew) was still signed.
pub fn signed(o: &Opportunity, won_stage: u8) -> bool {
    o.status == DealStatus::Won || (o.status == DealStatus::Lost && o.stage > won_stage)
}

fn opportunity_of<'a>(snap: &'a PlanSnapshot, cell: &MatrixCell) -> Option<&'a Opportunity> {
    snap.opportunity(cell.opportunity?)
}

/// The figures of one cell.
pub fn cell_figures(snap: &PlanSnapshot, cell: &MatrixCell) -> CellFigures {
    let won_stage = crate::domain::person_funnel::won_stage(snap);
    let fy = &snap.plan.fiscal_year;
    let opp = opportunity_of(snap, cell);
    let stage = opp.map(|o| o.stage).unwrap_or(1);
    let status = match opp {
        Some(o) if signed(o, won_stage) => DealStatus::Won,
        Some(o) => o.status,
        None => DealStatus::Open,
    };
    let (probability, probability_source) = match status {
        DealStatus::Won => (Ratio::ONE, ProbabilitySource::Closed),
        DealStatus::Lost => (Ratio::ZERO, ProbabilitySource::Closed),
        DealStatus::Open => match cell.fields.probability {
            Some(p) => (p, ProbabilitySource::Cell),
            None => (
                snap.stages
                    .iter()
                    .find(|s| s.position == stage)
                    .map(|s| s.probability)
                    .unwrap_or(Ratio::ZERO),
                ProbabilitySource::Stage,
            ),
        },
    };
    let weighted = cell
        .fields
        .potential
        .mul_ratio(probability, Rounding::HalfAwayFromZero)
        .unwrap_or(Money::ZERO);
    let planned = match status {
        DealStatus::Won => {
            let closed = opp.and_then(|o| o.close_date).or(cell.fields.close_month);
            if closed.is_some_and(|d| fy.contains(d)) {
                cell.fields.potential
            } else {
                Money::ZERO
            }
        }
        DealStatus::Open if cell.fields.close_month.is_some_and(|d| in_year(fy, d)) => weighted,
        _ => Money::ZERO,
    };
    CellFigures {
        stage,
        status,
        probability,
        probability_source,
        weighted,
        planned,
    }
}

/// Whether a close month falls in the plan year (any day of the month).
fn in_year(fy: &FiscalYear, month_first: Date) -> bool {
    fy.contains(month_first) || fy.contains(month_first.last_of_month())
}

/// Who a customer belongs to in the battle plan: its owner.
pub fn owner_of(snap: &PlanSnapshot, customer: CustomerId) -> Option<NodeId> {
    snap.customers
        .iter()
        .find(|c| c.id == customer)
        .and_then(|c| c.owner)
}

/// Which cells the matrix shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatrixFilter {
    pub person: Option<NodeId>,
    /// Exact industry; None = all.
    pub industry: Option<String>,
    pub stage: Option<u8>,
}

impl MatrixFilter {
    pub fn customer_matches(&self, snap: &PlanSnapshot, customer: CustomerId) -> bool {
        let Some(c) = snap.customer(customer) else {
            return false;
        };
        self.person.is_none_or(|p| c.owner == Some(p))
            && self.industry.as_ref().is_none_or(|i| &c.industry == i)
    }

    pub fn cell_matches(&self, snap: &PlanSnapshot, cell: &MatrixCell) -> bool {
        self.customer_matches(snap, cell.customer)
            && self
                .stage
                .is_none_or(|s| cell_figures(snap, cell).stage == s)
    }
}

/// One row of a sales plan: the matrix cells of one product (or customer) added up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub cells: u32,
    pub potential: Money,
    pub weighted: Money,
    pub planned: Money,
    /// Resources the cells need.
    pub people: u64,
    pub budget: Money,
}

impl PlanRow {
    fn add(&mut self, cell: &MatrixCell, f: &CellFigures) {
        self.cells += 1;
        self.potential += cell.fields.potential;
        self.weighted += f.weighted;
        self.planned += f.planned;
        self.people += u64::from(cell.fields.people);
        self.budget += cell.fields.budget;
    }
}

/// The product sales plan and the customer sales plan of a person (or everyone), against the
/// target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SalesPlans {
    pub by_product: Vec<(ProductId, PlanRow)>,
    /// Per product line, with the line's yearly contract target of the person (or company).
    pub by_line: Vec<(LineId, PlanRow, Option<Money>)>,
    pub by_customer: Vec<(CustomerId, PlanRow)>,
    pub total: PlanRow,
    /// The yearly contract-amount target of the person (of the organisation's root for all).
    pub target: Option<Money>,
    /// target − planned, when there is a target.
    pub gap: Option<Money>,
}

/// A node's yearly target of a metric, in the current version.
fn year_target(
    snap: &PlanSnapshot,
    node: NodeId,
    line: Option<LineId>,
    metric: Metric,
) -> Option<i64> {
    snap.targets
        .iter()
        .find(|t| {
            t.node == node && t.line == line && t.period == Period::Year && t.metric == metric
        })
        .map(|t| t.value)
}

fn root(snap: &PlanSnapshot) -> Option<NodeId> {
    snap.nodes.iter().find(|n| n.parent.is_none()).map(|n| n.id)
}

/// The product and customer sales plans from the matrix.
pub fn sales_plans(snap: &PlanSnapshot, person: Option<NodeId>) -> SalesPlans {
    let filter = MatrixFilter {
        person,
        ..MatrixFilter::default()
    };
    let mut by_product: BTreeMap<ProductId, PlanRow> = BTreeMap::new();
    let mut by_customer: BTreeMap<CustomerId, PlanRow> = BTreeMap::new();
    let mut by_line: BTreeMap<LineId, PlanRow> = BTreeMap::new();
    let mut total = PlanRow::default();
    let line_of: HashMap<ProductId, LineId> =
        snap.products.iter().map(|p| (p.id, p.line)).collect();
    for cell in &snap.matrix {
        if !filter.customer_matches(snap, cell.customer) {
            continue;
        }
        let f = cell_figures(snap, cell);
        by_product.entry(cell.product).or_default().add(cell, &f);
        by_customer.entry(cell.customer).or_default().add(cell, &f);
        if let Some(line) = line_of.get(&cell.product) {
            by_line.entry(*line).or_default().add(cell, &f);
        }
        total.add(cell, &f);
    }
    let node = person.or_else(|| root(snap));
    let target = node
        .and_then(|n| year_target(snap, n, None, Metric::ContractAmount))
        .map(Money::from_fen);
    let order_p: HashMap<ProductId, usize> = snap
        .products
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let order_c: HashMap<CustomerId, usize> = snap
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut by_product: Vec<_> = by_product.into_iter().collect();
    by_product.sort_by_key(|(p, _)| order_p.get(p).copied().unwrap_or(usize::MAX));
    let mut by_customer: Vec<_> = by_customer.into_iter().collect();
    by_customer.sort_by_key(|(c, _)| order_c.get(c).copied().unwrap_or(usize::MAX));
    let by_line = snap
        .lines
        .iter()
        .filter_map(|l| {
            let row = by_line.remove(&l.id)?;
            let t = node
                .and_then(|n| year_target(snap, n, Some(l.id), Metric::ContractAmount))
                .map(Money::from_fen);
            Some((l.id, row, t))
        })
        .collect();
    let gap = target.map(|t| t - total.planned);
    SalesPlans {
        by_product,
        by_line,
        by_customer,
        total,
        target,
        gap,
    }
}

/// One column of the pipeline board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StageColumn {
    pub stage: u8,
    pub count: u32,
    pub value: Money,
    /// value × the stage's probability, to the fen per opportunity.
    pub weighted: Money,
}

/// The opportunities on the board: open ones at their stage, signed ones in delivery and
/// retention; lost ones are off the board.
pub fn on_board(snap: &PlanSnapshot, person: Option<NodeId>) -> Vec<&Opportunity> {
    snap.opportunities
        .iter()
        .filter(|o| o.status != DealStatus::Lost)
        .filter(|o| person.is_none_or(|p| o.person == Some(p)))
        .collect()
}

/// The pipeline by stage: the opportunities on the board per stage.
pub fn pipeline_by_stage(snap: &PlanSnapshot, person: Option<NodeId>) -> Vec<StageColumn> {
    let mut cols: Vec<StageColumn> = snap
        .stages
        .iter()
        .map(|s| StageColumn {
            stage: s.position,
            ..StageColumn::default()
        })
        .collect();
    for o in on_board(snap, person) {
        let Some(i) = cols.iter().position(|c| c.stage == o.stage) else {
            continue;
        };
        let value = o.value.unwrap_or(Money::ZERO);
        let p = if o.status == DealStatus::Won {
            Ratio::ONE
        } else {
            snap.stages[i].probability
        };
        cols[i].count += 1;
        cols[i].value += value;
        cols[i].weighted += value
            .mul_ratio(p, Rounding::HalfAwayFromZero)
            .unwrap_or(Money::ZERO);
    }
    cols
}

/// When an opportunity entered its current stage, from its recorded moves.
pub fn entered_current_stage(snap: &PlanSnapshot, o: &Opportunity) -> Option<Date> {
    snap.stage_events_of(o.id)
        .iter()
        .filter(|e| e.stage == o.stage)
        .map(|e| e.date)
        .max()
        .or(o.engage_date)
}

/// The kinds of goal on a goal card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// New key accounts: the person's customers whose first business falls in the plan year.
    NewAccounts,
    /// Contract amount signed in the plan year.
    ContractAmount,
    /// Implementation success rate: deliveries completed / deliveries finished.
    Implementation,
    /// Renewal rate: renewals / after-sales periods finished.
    Renewal,
    /// A goal of the user's own, its actual entered by hand.
    Custom,
}

impl GoalKind {
    pub const BUILT_IN: [GoalKind; 4] = [
        GoalKind::NewAccounts,
        GoalKind::ContractAmount,
        GoalKind::Implementation,
        GoalKind::Renewal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GoalKind::NewAccounts => "new_accounts",
            GoalKind::ContractAmount => "contract_amount",
            GoalKind::Implementation => "implementation",
            GoalKind::Renewal => "renewal",
            GoalKind::Custom => "custom",
        }
    }

    pub fn from_code(s: &str) -> Option<GoalKind> {
        [GoalKind::Custom]
            .into_iter()
            .chain(GoalKind::BUILT_IN)
            .find(|k| k.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            GoalKind::NewAccounts => "goal.new_accounts",
            GoalKind::ContractAmount => "goal.contract_amount",
            GoalKind::Implementation => "goal.implementation",
            GoalKind::Renewal => "goal.renewal",
            GoalKind::Custom => "goal.custom",
        }
    }

    /// The unit of a built-in goal.
    pub fn unit(self) -> Option<GoalUnit> {
        match self {
            GoalKind::NewAccounts => Some(GoalUnit::Count),
            GoalKind::ContractAmount => Some(GoalUnit::Money),
            GoalKind::Implementation | GoalKind::Renewal => Some(GoalUnit::Percent),
            GoalKind::Custom => None,
        }
    }
}

/// How a goal's figures are measured. Counts are whole numbers, money is fen, percentages are
/// ratios (98% = 49/50).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalUnit {
    Count,
    Money,
    Percent,
}

impl GoalUnit {
    pub const ALL: [GoalUnit; 3] = [GoalUnit::Count, GoalUnit::Money, GoalUnit::Percent];

    pub fn code(self) -> &'static str {
        match self {
            GoalUnit::Count => "count",
            GoalUnit::Money => "money",
            GoalUnit::Percent => "percent",
        }
    }

    pub fn from_code(s: &str) -> Option<GoalUnit> {
        GoalUnit::ALL.into_iter().find(|u| u.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            GoalUnit::Count => "goal.unit.count",
            GoalUnit::Money => "goal.unit.money",
            GoalUnit::Percent => "goal.unit.percent",
        }
    }
}

/// A goal as stored: a built-in goal's target, or a custom goal with its target and actual.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalItem {
    pub id: i64,
    pub person: NodeId,
    pub kind: GoalKind,
    /// The custom goal's name (empty for built-in goals).
    pub name: String,
    pub unit: GoalUnit,
    pub target: Ratio,
    /// Entered actual (custom goals only).
    pub actual: Option<Ratio>,
}

/// Where a goal's actual comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActualSource {
    /// Contract actuals imported or entered for the plan year.
    ContractActuals,
    /// Opportunities won in the plan year (no contract actuals in the plan).
    WonOpportunities,
    /// The pipeline's recorded stage moves.
    StageMoves,
    /// Customers' first business (history, actuals, won deals).
    FirstBusiness,
    /// Entered by hand.
    Entered,
}

/// One line of a goal card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalLine {
    /// The stored goal, if any (built-in goals are shown without one).
    pub id: Option<i64>,
    pub kind: GoalKind,
    pub name: String,
    pub unit: GoalUnit,
    pub target: Option<Ratio>,
    /// Where the target comes from when it is not stored: the person's yearly target cell.
    pub target_from_plan: bool,
    pub actual: Option<Ratio>,
    pub source: ActualSource,
    /// For rates and counts: what the actual is made of (successes, finished).
    pub counts: Option<(u64, u64)>,
    /// actual / target.
    pub attainment: Option<Ratio>,
}

/// The outcome of the stage after `from` for the person's opportunities in the plan year:
/// (entered `from + 1` in the year, lost at `from` in the year).
fn stage_outcomes(snap: &PlanSnapshot, person: NodeId, from: u8) -> (u64, u64) {
    let fy = &snap.plan.fiscal_year;
    let mine: HashSet<OpportunityId> = snap
        .opportunities
        .iter()
        .filter(|o| o.person == Some(person))
        .map(|o| o.id)
        .collect();
    let advanced = snap
        .stage_events
        .iter()
        .filter(|e| e.stage == from + 1 && fy.contains(e.date) && mine.contains(&e.opportunity))
        .count() as u64;
    let failed = snap
        .opportunities
        .iter()
        .filter(|o| {
            o.person == Some(person)
                && o.status == DealStatus::Lost
                && o.stage == from
                && o.close_date.is_some_and(|d| fy.contains(d))
        })
        .count() as u64;
    (advanced, failed)
}

/// The contract amount a person signed in the plan year, and where it comes from.
pub fn contract_actual(snap: &PlanSnapshot, person: NodeId) -> (Money, ActualSource) {
    if !snap.signed.is_empty() {
        let sum = snap
            .signed
            .iter()
            .filter(|(n, _)| *n == person)
            .flat_map(|(_, m)| m.iter().copied())
            .sum();
        return (sum, ActualSource::ContractActuals);
    }
    let won_stage = crate::domain::person_funnel::won_stage(snap);
    let fy = &snap.plan.fiscal_year;
    let sum = snap
        .opportunities
        .iter()
        .filter(|o| o.person == Some(person) && signed(o, won_stage))
        .filter(|o| o.close_date.is_some_and(|d| fy.contains(d)))
        .filter_map(|o| o.value)
        .sum();
    (sum, ActualSource::WonOpportunities)
}

/// The person's customers whose first business falls in the plan year.
pub fn new_accounts(snap: &PlanSnapshot, person: NodeId) -> Vec<CustomerId> {
    let fy = &snap.plan.fiscal_year;
    let first: HashMap<CustomerId, Date> = snap.first_business.iter().copied().collect();
    snap.customers
        .iter()
        .filter(|c| c.owner == Some(person))
        .filter(|c| first.get(&c.id).is_some_and(|d| fy.contains(*d)))
        .map(|c| c.id)
        .collect()
}

fn attainment(actual: Option<Ratio>, target: Option<Ratio>) -> Option<Ratio> {
    let t = target.filter(|t| t.is_positive())?;
    actual?.checked_div(t)
}

/// A person's goal card: the four built-in goals, then their own.
pub fn goal_card(snap: &PlanSnapshot, person: NodeId) -> Vec<GoalLine> {
    let won_stage = crate::domain::person_funnel::won_stage(snap);
    let has_stage = |s: u8| snap.stages.iter().any(|st| st.position == s);
    let stored = |kind: GoalKind| {
        snap.goals
            .iter()
            .find(|g| g.person == person && g.kind == kind)
    };
    let mut out = Vec::new();
    for kind in GoalKind::BUILT_IN {
        let item = stored(kind);
        let (actual, source, counts) = match kind {
            GoalKind::NewAccounts => {
                let n = new_accounts(snap, person).len() as i128;
                (
                    Some(Ratio::from_integer(n)),
                    ActualSource::FirstBusiness,
                    None,
                )
            }
            GoalKind::ContractAmount => {
                let (m, src) = contract_actual(snap, person);
                (Some(Ratio::from_integer(i128::from(m.fen()))), src, None)
            }
            GoalKind::Implementation | GoalKind::Renewal => {
                // Delivery is the stage after the won stage; after-sales the one after that.
                let from = if kind == GoalKind::Implementation {
                    won_stage + 1
                } else {
                    won_stage + 2
                };
                if has_stage(from) && has_stage(from + 1) {
                    let (ok, failed) = stage_outcomes(snap, person, from);
                    (
                        Ratio::new(i128::from(ok), i128::from(ok + failed)),
                        ActualSource::StageMoves,
                        Some((ok, ok + failed)),
                    )
                } else {
                    (None, ActualSource::StageMoves, None)
                }
            }
            GoalKind::Custom => continue,
        };
        let (target, from_plan) = match item {
            Some(g) => (Some(g.target), false),
            None if kind == GoalKind::ContractAmount => (
                year_target(snap, person, None, Metric::ContractAmount)
                    .map(|v| Ratio::from_integer(i128::from(v))),
                true,
            ),
            None => (None, false),
        };
        out.push(GoalLine {
            id: item.map(|g| g.id),
            kind,
            name: String::new(),
            unit: kind.unit().unwrap_or(GoalUnit::Count),
            target,
            target_from_plan: from_plan && target.is_some(),
            actual,
            source,
            counts,
            attainment: attainment(actual, target),
        });
    }
    for g in snap
        .goals
        .iter()
        .filter(|g| g.person == person && g.kind == GoalKind::Custom)
    {
        out.push(GoalLine {
            id: Some(g.id),
            kind: GoalKind::Custom,
            name: g.name.clone(),
            unit: g.unit,
            target: Some(g.target),
            target_from_plan: false,
            actual: g.actual,
            source: ActualSource::Entered,
            counts: None,
            attainment: attainment(g.actual, Some(g.target)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goal_kind_codes_round_trip() {
        for k in [GoalKind::Custom].into_iter().chain(GoalKind::BUILT_IN) {
            assert_eq!(GoalKind::from_code(k.code()), Some(k));
        }
        for u in GoalUnit::ALL {
            assert_eq!(GoalUnit::from_code(u.code()), Some(u));
        }
        assert_eq!(GoalKind::from_code("x"), None);
    }
}
