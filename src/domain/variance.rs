//! Plan against actual (domain §8): variance = actual − plan, attainment = actual ÷ plan, and a
//! status band, by month, quarter, year to date or year; by person, unit, product line or
//! customer. Exact: plans and actuals are whole fen or counts, rates are exact fractions.
//!
//! Where the figures come from:
//! - **Plan**: the target cells of the current version. A person's months are their month
//!   cells; with none, their year target spread over the months by the plan's month weights
//!   (largest remainder, so the months add up to the year). A unit's plan is the sum of the
//!   plans below it; with none below, its own months or its spread year. A customer's plan is
//!   the battle plan's (contracts: what the matrix plans in the year, by close month;
//!   collections: the installments due, by due month).
//! - **Actual**: the actuals of the plan year. Contracts and deals come from imported contract
//!   actuals; with none in the year, from the opportunities won in the year. Collections come
//!   from collection actuals; with none, from the receipts recorded against contracts.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::battle;
use crate::domain::model::{
    ActualKind, CustomerId, LineId, Metric, NodeId, PlanSnapshot, ProductId,
};
use crate::domain::money::Money;
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::split;
use crate::domain::targets::TargetTable;

/// The metrics plan and actual are compared on.
pub const METRICS: [Metric; 6] = [
    Metric::ContractAmount,
    Metric::Collections,
    Metric::Deals,
    Metric::Leads,
    Metric::Visits,
    Metric::Bids,
];

/// The actuals of the plan year summed by person, customer, product line, fiscal month and
/// kind (as the plan file reads them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ActualCell {
    pub node: Option<NodeId>,
    pub customer: Option<CustomerId>,
    /// The actual's product line, else its product's.
    pub line: Option<LineId>,
    /// Fiscal month 1–12.
    pub month: u8,
    pub kind: ActualKind,
    pub amount: Money,
    pub count: i64,
}

/// One actual figure of one metric: fen for money metrics, else a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fact {
    pub node: Option<NodeId>,
    pub customer: Option<CustomerId>,
    pub line: Option<LineId>,
    pub month: u8,
    pub value: i64,
}

/// Where a metric's actuals come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActualSource {
    /// Imported or entered actuals.
    Actuals,
    /// No contract actuals in the year: the opportunities won in it.
    WonOpportunities,
    /// No collection actuals in the year: the receipts recorded against contracts.
    Receipts,
    /// Nothing recorded yet.
    Nothing,
}

impl ActualSource {
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Actuals => "variance.source.actuals",
            Self::WonOpportunities => "variance.source.won",
            Self::Receipts => "variance.source.receipts",
            Self::Nothing => "variance.source.nothing",
        }
    }
}

/// The actual kind a metric is measured by.
pub fn kind_of(metric: Metric) -> Option<ActualKind> {
    match metric {
        Metric::ContractAmount | Metric::Deals => Some(ActualKind::Contract),
        Metric::Collections => Some(ActualKind::Collection),
        Metric::Leads => Some(ActualKind::Lead),
        Metric::Visits => Some(ActualKind::Visit),
        Metric::Bids => Some(ActualKind::Bid),
        Metric::NewAccounts => None,
    }
}

/// A metric's actual figures in the plan year, and where they come from.
pub fn facts(snap: &PlanSnapshot, metric: Metric) -> (Vec<Fact>, ActualSource) {
    let Some(kind) = kind_of(metric) else {
        return (Vec::new(), ActualSource::Nothing);
    };
    let fact = |c: &ActualCell| Fact {
        node: c.node,
        customer: c.customer,
        line: c.line,
        month: c.month,
        value: if metric.is_money() {
            c.amount.fen()
        } else {
            c.count
        },
    };
    // Counted first so the list is allocated once at its size: on a large plan it is tens of
    // megabytes, and growing it by doubling would hold one and a half times that at once.
    let count = snap.actual_cells.iter().filter(|c| c.kind == kind).count();
    let mut own: Vec<Fact> = Vec::with_capacity(count);
    own.extend(
        snap.actual_cells
            .iter()
            .filter(|c| c.kind == kind)
            .map(fact),
    );
    if !own.is_empty() {
        return (own, ActualSource::Actuals);
    }
    let fy = &snap.plan.fiscal_year;
    match kind {
        ActualKind::Contract => {
            let won_stage = crate::domain::person_funnel::won_stage(snap);
            let line_of: HashMap<ProductId, LineId> =
                snap.products.iter().map(|p| (p.id, p.line)).collect();
            let won: Vec<Fact> = snap
                .opportunities
                .iter()
                .filter(|o| battle::signed(o, won_stage))
                .filter_map(|o| {
                    let month = fy.fiscal_month_of(o.close_date?)?;
                    Some(Fact {
                        node: o.person,
                        customer: o.customer,
                        line: o.product.and_then(|p| line_of.get(&p).copied()),
                        month,
                        value: if metric.is_money() {
                            o.value.unwrap_or(Money::ZERO).fen()
                        } else {
                            1
                        },
                    })
                })
                .collect();
            if won.is_empty() {
                (won, ActualSource::Nothing)
            } else {
                (won, ActualSource::WonOpportunities)
            }
        }
        ActualKind::Collection => {
            let r = &snap.receivables;
            let contract: HashMap<i64, _> = r.contracts.iter().map(|c| (c.id, c)).collect();
            let paid: Vec<Fact> = r
                .receipts
                .iter()
                .filter_map(|p| {
                    let month = fy.fiscal_month_of(p.date)?;
                    let c = contract.get(&p.contract)?;
                    Some(Fact {
                        node: c.person,
                        customer: c.customer,
                        line: None,
                        month,
                        value: p.amount.fen(),
                    })
                })
                .collect();
            if paid.is_empty() {
                (paid, ActualSource::Nothing)
            } else {
                (paid, ActualSource::Receipts)
            }
        }
        _ => (Vec::new(), ActualSource::Nothing),
    }
}

/// The attainment bands: on track at or above `on_track`, watch at or above `watch`, else
/// behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bands {
    pub on_track: Ratio,
    pub watch: Ratio,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            on_track: Ratio::ONE,
            watch: Ratio::percent(95),
        }
    }
}

impl Bands {
    /// Bands that make sense: both above 0, watch not above on track.
    pub fn new(on_track: Ratio, watch: Ratio) -> Option<Bands> {
        (on_track.is_positive() && watch.is_positive() && watch <= on_track)
            .then_some(Bands { on_track, watch })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    Watch,
    Behind,
    /// No plan (or a plan of 0) to measure against.
    NoPlan,
}

impl Status {
    pub fn label_key(self) -> &'static str {
        match self {
            Self::OnTrack => "variance.status.on_track",
            Self::Watch => "variance.status.watch",
            Self::Behind => "variance.status.behind",
            Self::NoPlan => "variance.status.no_plan",
        }
    }
}

/// The months a figure covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "n")]
pub enum Window {
    Month(u8),
    Quarter(u8),
    /// Fiscal months 1 up to and including this one.
    ToDate(u8),
    Year,
}

impl Window {
    /// First and last fiscal month (an empty range for year-to-date through month 0).
    pub fn months(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Window::Month(m) => m.clamp(1, 12)..=m.clamp(1, 12),
            Window::Quarter(q) => {
                let q = q.clamp(1, 4);
                (q * 3 - 2)..=(q * 3)
            }
            #[allow(clippy::reversed_empty_ranges)]
            Window::ToDate(0) => 1..=0,
            Window::ToDate(m) => 1..=m.min(12),
            Window::Year => 1..=12,
        }
    }
}

impl Window {
    /// `M07`, `Q2`, `T07` (to date), `Y`.
    pub fn code(self) -> String {
        match self {
            Window::Month(m) => format!("M{m:02}"),
            Window::Quarter(q) => format!("Q{q}"),
            Window::ToDate(m) => format!("T{m:02}"),
            Window::Year => "Y".to_owned(),
        }
    }

    pub fn parse(code: &str) -> Option<Window> {
        let num = |s: &str, max: u8| s.parse::<u8>().ok().filter(|n| (1..=max).contains(n));
        match code.get(..1)? {
            "M" => num(code.get(1..)?, 12).map(Window::Month),
            "Q" => num(code.get(1..)?, 4).map(Window::Quarter),
            "T" => code
                .get(1..)?
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 12)
                .map(Window::ToDate),
            "Y" if code == "Y" => Some(Window::Year),
            _ => None,
        }
    }
}

/// Plan, actual and what follows from them over one window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub plan: Option<i64>,
    pub actual: i64,
    /// actual − plan.
    pub variance: Option<i64>,
    /// variance ÷ plan, when the plan is above 0.
    pub variance_rate: Option<Ratio>,
    /// actual ÷ plan, when the plan is above 0.
    pub attainment: Option<Ratio>,
    pub status: Status,
}

impl Figures {
    pub fn new(plan: Option<i64>, actual: i64, bands: &Bands) -> Figures {
        let positive = plan.filter(|p| *p > 0);
        let attainment = positive.and_then(|p| Ratio::new(i128::from(actual), i128::from(p)));
        let variance = plan.map(|p| actual.saturating_sub(p));
        let variance_rate =
            positive.and_then(|p| Ratio::new(i128::from(actual) - i128::from(p), i128::from(p)));
        let status = match attainment {
            None => Status::NoPlan,
            Some(a) if a >= bands.on_track => Status::OnTrack,
            Some(a) if a >= bands.watch => Status::Watch,
            Some(_) => Status::Behind,
        };
        Figures {
            plan,
            actual,
            variance,
            variance_rate,
            attainment,
            status,
        }
    }
}

/// Twelve months of plan (None: no plan) and actual.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Series {
    pub plan: Option<[i64; 12]>,
    pub actual: [i64; 12],
}

impl Series {
    pub fn figures(&self, window: Window, bands: &Bands) -> Figures {
        let months = window.months();
        let sum = |a: &[i64; 12]| {
            months
                .clone()
                .map(|m| a[usize::from(m - 1)])
                .fold(0i64, i64::saturating_add)
        };
        Figures::new(self.plan.as_ref().map(sum), sum(&self.actual), bands)
    }

    fn add_actual(&mut self, month: u8, value: i64) {
        if (1..=12).contains(&month) {
            let cell = &mut self.actual[usize::from(month - 1)];
            *cell = cell.saturating_add(value);
        }
    }
}

fn add_months(a: &mut [i64; 12], b: &[i64; 12]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x = x.saturating_add(*y);
    }
}

/// The monthly plan of a unit or person for a metric and product line (see the module
/// documentation for the rule).
pub struct Planner<'a> {
    pub table: &'a TargetTable,
    pub tree: &'a OrgTree,
    pub weights: [Ratio; 12],
}

/// What a monthly plan was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanBasis {
    /// The month cells as set.
    Months,
    /// The year target spread by the month weights.
    SpreadYear,
    /// The sum of the plans of the units and people below.
    Below,
}

impl Planner<'_> {
    pub fn months(&self, node: NodeId, line: Option<LineId>, metric: Metric) -> Option<[i64; 12]> {
        self.months_with_basis(node, line, metric).map(|(m, _)| m)
    }

    pub fn months_with_basis(
        &self,
        node: NodeId,
        line: Option<LineId>,
        metric: Metric,
    ) -> Option<([i64; 12], PlanBasis)> {
        self.guarded(node, line, metric, 0)
    }

    fn guarded(
        &self,
        node: NodeId,
        line: Option<LineId>,
        metric: Metric,
        depth: usize,
    ) -> Option<([i64; 12], PlanBasis)> {
        let is_person = self.tree.get(node).is_some_and(|n| n.kind.is_person());
        if !is_person && depth < 64 {
            let mut any = false;
            let mut sum = [0i64; 12];
            for &child in self.tree.children(node) {
                if let Some((m, _)) = self.guarded(child, line, metric, depth + 1) {
                    any = true;
                    add_months(&mut sum, &m);
                }
            }
            if any {
                return Some((sum, PlanBasis::Below));
            }
        }
        self.own(node, line, metric)
    }

    fn own(
        &self,
        node: NodeId,
        line: Option<LineId>,
        metric: Metric,
    ) -> Option<([i64; 12], PlanBasis)> {
        let months = self.table.months(node, line, metric);
        if months.iter().any(Option::is_some) {
            return Some((months.map(|m| m.unwrap_or(0)), PlanBasis::Months));
        }
        let year = self.table.get(node, line, Period::Year, metric)?;
        let parts = split::split_by_weights(year, &self.weights)
            .ok()
            .or_else(|| Some(split::split_even(year, 12)))?;
        let mut out = [0i64; 12];
        for (o, p) in out.iter_mut().zip(parts) {
            *o = p;
        }
        Some((out, PlanBasis::SpreadYear))
    }
}

/// What the rows of a variance table are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    #[default]
    Person,
    Unit,
    Line,
    Customer,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [Self::Person, Self::Unit, Self::Line, Self::Customer];

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Person => "variance.by.person",
            Self::Unit => "variance.by.unit",
            Self::Line => "variance.by.line",
            Self::Customer => "variance.by.customer",
        }
    }
}

/// What a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum RowKey {
    Node(NodeId),
    /// Actuals with no person (or a person no longer in the organisation).
    Unassigned,
    Line(LineId),
    NoLine,
    Customer(CustomerId),
    NoCustomer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub key: RowKey,
    /// Depth below the scope (units), else 0.
    pub depth: usize,
    pub series: Series,
}

/// A metric's plan and actual broken down one way, under one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VarianceTable {
    pub metric: Metric,
    pub dimension: Dimension,
    pub scope: NodeId,
    pub rows: Vec<Row>,
    /// The scope itself.
    pub total: Series,
    pub source: ActualSource,
}

/// Everything a variance table is computed from, read once.
pub struct Inputs<'a> {
    pub snap: &'a PlanSnapshot,
    pub tree: &'a OrgTree,
    pub planner: Planner<'a>,
}

impl<'a> Inputs<'a> {
    pub fn new(snap: &'a PlanSnapshot, tree: &'a OrgTree, table: &'a TargetTable) -> Inputs<'a> {
        let (weights, _) = crate::domain::plan_funnels::month_weights(snap);
        Inputs {
            snap,
            tree,
            planner: Planner {
                table,
                tree,
                weights,
            },
        }
    }
}

/// The plan and actual of `metric` under `scope` (a unit or a person), broken down by
/// `dimension`.
pub fn table(
    inputs: &Inputs,
    metric: Metric,
    dimension: Dimension,
    scope: NodeId,
) -> VarianceTable {
    let tree = inputs.tree;
    let (facts, source) = facts(inputs.snap, metric);
    let is_root = tree.root().map(|r| r.id) == Some(scope);
    let under: std::collections::HashSet<NodeId> = tree
        .descendants(scope)
        .into_iter()
        .chain(std::iter::once(scope))
        .collect();
    // A fact belongs to the scope when its person is in it; at the top, every fact does.
    let in_scope = |f: &Fact| is_root || f.node.is_some_and(|n| under.contains(&n));
    let scoped: Vec<&Fact> = facts.iter().filter(|f| in_scope(f)).collect();
    let mut total = Series {
        plan: inputs.planner.months(scope, None, metric),
        actual: [0; 12],
    };
    for f in &scoped {
        total.add_actual(f.month, f.value);
    }
    let rows = match dimension {
        Dimension::Person | Dimension::Unit => node_rows(inputs, metric, dimension, scope, &scoped),
        Dimension::Line => line_rows(inputs, metric, scope, &scoped),
        Dimension::Customer => customer_rows(inputs, metric, &under, is_root, &scoped),
    };
    VarianceTable {
        metric,
        dimension,
        scope,
        rows,
        total,
        source,
    }
}

fn node_rows(
    inputs: &Inputs,
    metric: Metric,
    dimension: Dimension,
    scope: NodeId,
    facts: &[&Fact],
) -> Vec<Row> {
    let tree = inputs.tree;
    // Each fact counts for its node and every unit above it.
    let mut actual: HashMap<NodeId, [i64; 12]> = HashMap::new();
    let mut unassigned = Series::default();
    for f in facts {
        match f.node.filter(|n| tree.get(*n).is_some()) {
            Some(n) => {
                for id in std::iter::once(n).chain(tree.ancestors(n)) {
                    let a = actual.entry(id).or_insert([0; 12]);
                    if (1..=12).contains(&f.month) {
                        let c = &mut a[usize::from(f.month - 1)];
                        *c = c.saturating_add(f.value);
                    }
                }
            }
            None => unassigned.add_actual(f.month, f.value),
        }
    }
    let base = tree.depth(scope);
    let mut rows: Vec<Row> = tree
        .walk()
        .into_iter()
        .filter(|(id, _)| *id == scope || tree.ancestors(*id).contains(&scope))
        .filter_map(|(id, depth)| {
            let person = tree.get(id)?.kind.is_person();
            let wanted = match dimension {
                Dimension::Person => person,
                _ => !person,
            };
            wanted.then(|| Row {
                key: RowKey::Node(id),
                depth: if dimension == Dimension::Unit {
                    depth.saturating_sub(base)
                } else {
                    0
                },
                series: Series {
                    plan: inputs.planner.months(id, None, metric),
                    actual: actual.get(&id).copied().unwrap_or([0; 12]),
                },
            })
        })
        .collect();
    if unassigned.actual.iter().any(|v| *v != 0) {
        rows.push(Row {
            key: RowKey::Unassigned,
            depth: 0,
            series: unassigned,
        });
    }
    rows
}

fn line_rows(inputs: &Inputs, metric: Metric, scope: NodeId, facts: &[&Fact]) -> Vec<Row> {
    let mut rows: Vec<Row> = inputs
        .snap
        .lines
        .iter()
        .map(|l| Row {
            key: RowKey::Line(l.id),
            depth: 0,
            series: Series {
                plan: inputs.planner.months(scope, Some(l.id), metric),
                actual: [0; 12],
            },
        })
        .collect();
    let mut none = Series::default();
    for f in facts {
        let row = f
            .line
            .and_then(|l| rows.iter_mut().find(|r| r.key == RowKey::Line(l)));
        match row {
            Some(r) => r.series.add_actual(f.month, f.value),
            None => none.add_actual(f.month, f.value),
        }
    }
    if none.actual.iter().any(|v| *v != 0) {
        rows.push(Row {
            key: RowKey::NoLine,
            depth: 0,
            series: none,
        });
    }
    rows
}

/// A customer's monthly plan: contracts from the battle-plan matrix, collections from the
/// installments due; other metrics have none.
pub fn customer_plans(snap: &PlanSnapshot, metric: Metric) -> HashMap<CustomerId, [i64; 12]> {
    let fy = &snap.plan.fiscal_year;
    let mut out: HashMap<CustomerId, [i64; 12]> = HashMap::new();
    let mut put = |c: CustomerId, month: Option<u8>, v: i64| {
        if let Some(m) = month.filter(|m| (1..=12).contains(m)) {
            let cell = &mut out.entry(c).or_insert([0; 12])[usize::from(m - 1)];
            *cell = cell.saturating_add(v);
        }
    };
    match metric {
        Metric::ContractAmount => {
            let by_id: HashMap<_, _> = snap.opportunities.iter().map(|o| (o.id, o)).collect();
            for cell in &snap.matrix {
                let f = battle::cell_figures(snap, cell);
                if f.planned.is_zero() {
                    continue;
                }
                // A deal signed in the year counts in the month it closed; an open one in the
                // month it is expected to.
                let closed = cell
                    .opportunity
                    .and_then(|o| by_id.get(&o))
                    .filter(|o| o.status != crate::domain::model::DealStatus::Open)
                    .and_then(|o| o.close_date);
                let month = closed
                    .or(cell.fields.close_month)
                    .and_then(|d| fy.fiscal_month_of(d));
                put(cell.customer, month, f.planned.fen());
            }
        }
        Metric::Collections => {
            let r = &snap.receivables;
            let customer: HashMap<i64, Option<CustomerId>> =
                r.contracts.iter().map(|c| (c.id, c.customer)).collect();
            for i in &r.installments {
                if let Some(Some(c)) = customer.get(&i.contract) {
                    put(*c, fy.fiscal_month_of(i.due), i.amount.fen());
                }
            }
        }
        _ => {}
    }
    out
}

fn customer_rows(
    inputs: &Inputs,
    metric: Metric,
    under: &std::collections::HashSet<NodeId>,
    is_root: bool,
    facts: &[&Fact],
) -> Vec<Row> {
    let snap = inputs.snap;
    let plans = customer_plans(snap, metric);
    let owned =
        |c: &crate::domain::model::Customer| is_root || c.owner.is_some_and(|o| under.contains(&o));
    let mut rows: Vec<Row> = snap
        .customers
        .iter()
        .map(|c| Row {
            key: RowKey::Customer(c.id),
            depth: 0,
            series: Series {
                plan: plans.get(&c.id).copied().filter(|_| owned(c)),
                actual: [0; 12],
            },
        })
        .collect();
    let index: HashMap<CustomerId, usize> = snap
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut none = Series::default();
    for f in facts {
        match f.customer.and_then(|c| index.get(&c)) {
            Some(&i) => rows[i].series.add_actual(f.month, f.value),
            None => none.add_actual(f.month, f.value),
        }
    }
    rows.retain(|r| r.series.plan.is_some() || r.series.actual.iter().any(|v| *v != 0));
    if none.actual.iter().any(|v| *v != 0) {
        rows.push(Row {
            key: RowKey::NoCustomer,
            depth: 0,
            series: none,
        });
    }
    rows
}

/// The last fiscal month that has ended by `day` (0 before the year, 12 after it): the months
/// "to date" a review looks at.
pub fn months_closed(fy: &crate::domain::period::FiscalYear, day: jiff::civil::Date) -> u8 {
    (1..=12u8)
        .rev()
        .find(|&m| fy.month_last_day(m).is_ok_and(|last| last < day))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_inclusive_at_their_lower_edge() {
        let b = Bands::default();
        assert_eq!(Figures::new(Some(100), 100, &b).status, Status::OnTrack);
        assert_eq!(Figures::new(Some(10_000), 9_999, &b).status, Status::Watch);
        assert_eq!(Figures::new(Some(100), 95, &b).status, Status::Watch);
        assert_eq!(Figures::new(Some(10_000), 9_499, &b).status, Status::Behind);
        assert_eq!(Figures::new(None, 5, &b).status, Status::NoPlan);
        assert_eq!(Figures::new(Some(0), 5, &b).status, Status::NoPlan);
        let f = Figures::new(Some(400), 300, &b);
        assert_eq!(f.variance, Some(-100));
        assert_eq!(f.variance_rate, Ratio::new(-1, 4));
        assert_eq!(f.attainment, Ratio::new(3, 4));
        assert!(Bands::new(Ratio::percent(90), Ratio::percent(95)).is_none());
    }

    #[test]
    fn windows_cover_their_months() {
        assert_eq!(Window::Quarter(2).months(), 4..=6);
        assert_eq!(Window::ToDate(7).months(), 1..=7);
        assert_eq!(Window::ToDate(0).months().count(), 0);
        for w in [
            Window::Month(7),
            Window::Quarter(4),
            Window::ToDate(0),
            Window::Year,
        ] {
            assert_eq!(Window::parse(&w.code()), Some(w));
        }
        assert_eq!(Window::parse("M13"), None);
        let s = Series {
            plan: Some([10; 12]),
            actual: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        };
        let b = Bands::default();
        assert_eq!(s.figures(Window::Quarter(1), &b).actual, 6);
        assert_eq!(s.figures(Window::ToDate(0), &b).plan, Some(0));
        assert_eq!(s.figures(Window::Year, &b).variance, Some(78 - 120));
    }

    #[test]
    fn months_closed_counts_whole_months() {
        let fy = crate::domain::period::FiscalYear::new(2026, 1).unwrap();
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(months_closed(&fy, d("2025-12-31")), 0);
        assert_eq!(months_closed(&fy, d("2026-01-31")), 0);
        assert_eq!(months_closed(&fy, d("2026-02-01")), 1);
        assert_eq!(months_closed(&fy, d("2026-12-02")), 11);
        assert_eq!(months_closed(&fy, d("2027-01-01")), 12);
    }
}
