//! The sales expense budget (domain §7): items by category, a budget per person (or unit), item
//! and month, actual spending, the monitoring table with overrun alerts, reallocation that keeps
//! the total, and the expense ratio. Exact: money is fen, percentages are fractions.

use serde::Serialize;

use crate::domain::model::NodeId;
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;

/// The default categories and their items, as codes (translated as `expense.cat.{code}` and
/// `expense.item.{code}`).
pub const DEFAULT_ITEMS: [(&str, &str); 7] = [
    ("promotion", "trade_shows"),
    ("promotion", "online_ads"),
    ("relationship", "events"),
    ("relationship", "gifts"),
    ("team", "travel"),
    ("team", "training"),
    ("research", "market_research"),
];

/// The default overrun threshold: an item more than 20% over its budget raises an alert.
pub fn default_threshold() -> Ratio {
    Ratio::percent(20)
}

/// An expense item (sub-item of a category).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpenseItem {
    pub id: i64,
    /// A built-in category code (`promotion`, `relationship`, `team`, `research`) or the user's
    /// own category name.
    pub category: String,
    /// The built-in item code, or None for the user's own item.
    pub code: Option<String>,
    /// The user's name for the item (empty for built-in items).
    pub name: String,
}

/// A month's budget of an item for a person or unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetCell {
    pub node: NodeId,
    pub item: i64,
    /// Fiscal month 1–12.
    pub month: u8,
    pub amount: Money,
}

/// Money spent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpenseActual {
    pub id: i64,
    pub node: NodeId,
    pub item: i64,
    /// Fiscal month 1–12.
    pub month: u8,
    pub amount: Money,
    pub note: String,
}

/// Budget moved from one item to another in a month, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetMove {
    pub id: i64,
    pub node: NodeId,
    pub month: u8,
    pub from_item: i64,
    pub to_item: i64,
    pub amount: Money,
    pub reason: String,
    /// When it was recorded (ISO date).
    pub recorded_on: String,
}

/// How an item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// At or under budget.
    Ok,
    /// Over budget, within the threshold.
    Over,
    /// Over budget by more than the threshold (or spent with no budget): an overrun alert.
    Alert,
}

/// Budget against actual for an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub budget: Money,
    pub actual: Money,
    /// actual − budget (positive = over).
    pub variance: Money,
    /// variance / budget; None without a budget.
    pub variance_pct: Option<Ratio>,
    pub status: Status,
}

/// Budget against actual with the threshold (e.g. 20%): an alert when actual > budget × (1 +
/// threshold), i.e. the variance is more than the threshold of the budget.
pub fn line(budget: Money, actual: Money, threshold: Ratio) -> Line {
    let variance = actual - budget;
    let variance_pct = Ratio::new(i128::from(variance.fen()), i128::from(budget.fen()))
        .filter(|_| budget.fen() > 0);
    let status = if variance.fen() <= 0 {
        Status::Ok
    } else {
        match variance_pct {
            None => Status::Alert,
            Some(p) if p > threshold => Status::Alert,
            Some(_) => Status::Over,
        }
    };
    Line {
        budget,
        actual,
        variance,
        variance_pct,
        status,
    }
}

/// One row of the monitoring table: an item's month and its year to date (months 1..=month).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonitorRow {
    pub item: i64,
    pub month: Line,
    pub to_date: Line,
}

impl MonitorRow {
    /// An overrun alert for the month or for the year to date.
    pub fn alert(&self) -> bool {
        self.month.status == Status::Alert || self.to_date.status == Status::Alert
    }
}

/// The budget of `nodes` for an item over months `from..=to`.
fn budget_sum(cells: &[BudgetCell], nodes: &[NodeId], item: i64, from: u8, to: u8) -> Money {
    cells
        .iter()
        .filter(|c| c.item == item && nodes.contains(&c.node) && (from..=to).contains(&c.month))
        .map(|c| c.amount)
        .sum()
}

fn actual_sum(actuals: &[ExpenseActual], nodes: &[NodeId], item: i64, from: u8, to: u8) -> Money {
    actuals
        .iter()
        .filter(|a| a.item == item && nodes.contains(&a.node) && (from..=to).contains(&a.month))
        .map(|a| a.amount)
        .sum()
}

/// The monitoring table of `nodes` (a person, or the people of a unit) for a fiscal month.
pub fn monitor(
    items: &[ExpenseItem],
    budget: &[BudgetCell],
    actuals: &[ExpenseActual],
    nodes: &[NodeId],
    month: u8,
    threshold: Ratio,
) -> Vec<MonitorRow> {
    items
        .iter()
        .map(|i| MonitorRow {
            item: i.id,
            month: line(
                budget_sum(budget, nodes, i.id, month, month),
                actual_sum(actuals, nodes, i.id, month, month),
                threshold,
            ),
            to_date: line(
                budget_sum(budget, nodes, i.id, 1, month),
                actual_sum(actuals, nodes, i.id, 1, month),
                threshold,
            ),
        })
        .collect()
}

/// The totals of a monitoring table.
pub fn totals(rows: &[MonitorRow], threshold: Ratio) -> (Line, Line) {
    let sum = |f: fn(&MonitorRow) -> (Money, Money)| {
        rows.iter().fold((Money::ZERO, Money::ZERO), |(b, a), r| {
            let (rb, ra) = f(r);
            (b + rb, a + ra)
        })
    };
    let (mb, ma) = sum(|r| (r.month.budget, r.month.actual));
    let (tb, ta) = sum(|r| (r.to_date.budget, r.to_date.actual));
    (line(mb, ma, threshold), line(tb, ta, threshold))
}

/// What an item can give up in a month: its budget not yet spent.
pub fn unspent(
    budget: &[BudgetCell],
    actuals: &[ExpenseActual],
    node: NodeId,
    item: i64,
    month: u8,
) -> Money {
    let b = budget_sum(budget, &[node], item, month, month);
    let a = actual_sum(actuals, &[node], item, month, month);
    if b > a { b - a } else { Money::ZERO }
}

/// The year's budget of `nodes`.
pub fn year_budget(budget: &[BudgetCell], nodes: &[NodeId]) -> Money {
    budget
        .iter()
        .filter(|b| nodes.contains(&b.node))
        .map(|b| b.amount)
        .sum()
}

/// Contracts signed by `nodes` in fiscal months 1..=month (from the contract actuals per person
/// and month), the base of the expense ratio to date.
pub fn contracts_to_date(signed: &[(NodeId, [Money; 12])], nodes: &[NodeId], month: u8) -> Money {
    signed
        .iter()
        .filter(|(n, _)| nodes.contains(n))
        .flat_map(|(_, m)| m.iter().take(usize::from(month)).copied())
        .sum()
}

/// The expense ratio: expenses / contract amount (None without contracts).
pub fn expense_ratio(expenses: Money, contracts: Money) -> Option<Ratio> {
    Ratio::new(i128::from(expenses.fen()), i128::from(contracts.fen()))
        .filter(|_| contracts.fen() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wan(n: i64) -> Money {
        Money::from_fen(n * 1_000_000)
    }

    #[test]
    fn the_threshold_is_exclusive() {
        let t = default_threshold();
        assert_eq!(line(wan(10), wan(10), t).status, Status::Ok);
        assert_eq!(line(wan(10), wan(12), t).status, Status::Over);
        assert_eq!(
            line(wan(10), Money::from_fen(12_000_001), t).status,
            Status::Alert
        );
        assert_eq!(line(Money::ZERO, wan(1), t).status, Status::Alert);
        assert_eq!(line(Money::ZERO, Money::ZERO, t).status, Status::Ok);
        let l = line(wan(10), wan(15), t);
        assert_eq!((l.variance, l.variance_pct), (wan(5), Ratio::new(1, 2)));
    }

    #[test]
    fn expenses_add_up_by_month_for_the_people_asked() {
        let (a, b, c) = (NodeId(1), NodeId(2), NodeId(3));
        let cell = |node, month, fen| BudgetCell {
            node,
            item: 1,
            month,
            amount: Money::from_fen(fen),
        };
        let spent = |node, month, fen| ExpenseActual {
            id: 0,
            node,
            item: 1,
            month,
            amount: Money::from_fen(fen),
            note: String::new(),
        };
        let budget = [
            cell(a, 1, 100),
            cell(b, 1, 250),
            cell(c, 1, 7),
            cell(a, 12, 9),
            cell(b, 13, 5),
            cell(a, 0, 3),
        ];
        let actuals = [spent(a, 1, 90), spent(c, 2, 11), spent(b, 12, 40)];
        let people = [a, b].into_iter().collect();
        let mut expected = [(Money::ZERO, Money::ZERO); 12];
        // c's lines are left out; months outside 1–12 too.
        expected[0] = (Money::from_fen(350), Money::from_fen(90));
        expected[11] = (Money::from_fen(9), Money::from_fen(40));
        assert_eq!(by_month(&budget, &actuals, &people), expected);
    }
}

/// Everything of the expense budget in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpensesData {
    pub items: Vec<ExpenseItem>,
    pub budget: Vec<BudgetCell>,
    pub actuals: Vec<ExpenseActual>,
    pub moves: Vec<BudgetMove>,
    /// The overrun threshold (default 20%).
    pub threshold: Ratio,
}

impl Default for ExpensesData {
    fn default() -> Self {
        ExpensesData {
            items: Vec::new(),
            budget: Vec::new(),
            actuals: Vec::new(),
            moves: Vec::new(),
            threshold: default_threshold(),
        }
    }
}

/// Budget and actual of `nodes` by fiscal month, over every item.
pub fn by_month(
    budget: &[BudgetCell],
    actuals: &[ExpenseActual],
    nodes: &std::collections::HashSet<NodeId>,
) -> [(Money, Money); 12] {
    let mut out = [(Money::ZERO, Money::ZERO); 12];
    for b in budget.iter().filter(|b| nodes.contains(&b.node)) {
        if let Some(m) = out.get_mut(usize::from(b.month).wrapping_sub(1)) {
            m.0 += b.amount;
        }
    }
    for a in actuals.iter().filter(|a| nodes.contains(&a.node)) {
        if let Some(m) = out.get_mut(usize::from(a.month).wrapping_sub(1)) {
            m.1 += a.amount;
        }
    }
    out
}
