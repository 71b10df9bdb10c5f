//! Reading target cells: the value of a unit × product line × period × metric (set directly, or
//! summed from months and from the units below), the split of a target by product line and by
//! unit, and the places where children do not add up to their parent.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::model::{LineId, Metric, NodeId, TargetCell};
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;

type Key = (NodeId, Option<LineId>, Period, Metric);

/// The target cells of one version, indexed.
#[derive(Clone, Debug, Default)]
pub struct TargetTable {
    cells: HashMap<Key, i64>,
}

impl TargetTable {
    pub fn new(cells: &[TargetCell]) -> Self {
        TargetTable {
            cells: cells
                .iter()
                .map(|c| ((c.node, c.line, c.period, c.metric), c.value))
                .collect(),
        }
    }

    /// Only the cells of one metric and line (`None`: all lines together): enough for
    /// [`TargetTable::node_value`] and the other lookups of that metric and line, and much
    /// smaller than the whole table.
    pub fn of_metric(cells: &[TargetCell], line: Option<LineId>, metric: Metric) -> Self {
        TargetTable {
            cells: cells
                .iter()
                .filter(|c| c.metric == metric && c.line == line)
                .map(|c| ((c.node, c.line, c.period, c.metric), c.value))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The value stored in exactly this cell.
    pub fn get(
        &self,
        node: NodeId,
        line: Option<LineId>,
        period: Period,
        metric: Metric,
    ) -> Option<i64> {
        self.cells.get(&(node, line, period, metric)).copied()
    }

    /// The value for a year, half, quarter or month: the cell itself when set, else the sum of
    /// the fiscal months it spans (when any is set).
    pub fn period_value(
        &self,
        node: NodeId,
        line: Option<LineId>,
        period: Period,
        metric: Metric,
    ) -> Option<i64> {
        if let Some(v) = self.get(node, line, period, metric) {
            return Some(v);
        }
        let months = period.fiscal_months()?;
        let mut any = false;
        let mut sum = 0i64;
        for m in months {
            if let Some(v) = self.get(node, line, Period::Month(m), metric) {
                any = true;
                sum = sum.saturating_add(v);
            }
        }
        any.then_some(sum)
    }

    /// The 12 fiscal months of a node's target as stored.
    pub fn months(&self, node: NodeId, line: Option<LineId>, metric: Metric) -> [Option<i64>; 12] {
        std::array::from_fn(|i| self.get(node, line, Period::Month(i as u8 + 1), metric))
    }

    /// A node's target: its own figure when set, else the sum of the figures of the units
    /// directly below it that have one (bottom-up roll-up, domain §1).
    pub fn node_value(
        &self,
        tree: &OrgTree,
        node: NodeId,
        line: Option<LineId>,
        period: Period,
        metric: Metric,
    ) -> Option<i64> {
        self.node_value_guarded(tree, node, line, period, metric, 0)
    }

    fn node_value_guarded(
        &self,
        tree: &OrgTree,
        node: NodeId,
        line: Option<LineId>,
        period: Period,
        metric: Metric,
        depth: usize,
    ) -> Option<i64> {
        if let Some(v) = self.period_value(node, line, period, metric) {
            return Some(v);
        }
        // Deeper than any real organisation: a damaged tree; stop rather than recurse forever.
        if depth > 64 {
            return None;
        }
        let mut any = false;
        let mut sum = 0i64;
        for &child in tree.children(node) {
            if let Some(v) = self.node_value_guarded(tree, child, line, period, metric, depth + 1) {
                any = true;
                sum = sum.saturating_add(v);
            }
        }
        any.then_some(sum)
    }
}

/// One part of a split: who or what, its value, and its share of the whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part<K> {
    pub key: K,
    pub value: i64,
    /// value / whole; `None` when the whole is zero.
    pub share: Option<Ratio>,
}

fn share(value: i64, whole: i64) -> Option<Ratio> {
    if whole == 0 {
        None
    } else {
        Ratio::new(value as i128, whole as i128)
    }
}

/// A node's yearly target as a share of its parent's (both set or rolled up).
pub fn share_of_parent(
    table: &TargetTable,
    tree: &OrgTree,
    node: NodeId,
    metric: Metric,
) -> Option<Ratio> {
    let parent = tree.get(node)?.parent?;
    let value = table.node_value(tree, node, None, Period::Year, metric)?;
    let whole = table.node_value(tree, parent, None, Period::Year, metric)?;
    share(value, whole)
}

/// A node's yearly target split by product line (only lines with a figure).
pub fn split_by_line(
    table: &TargetTable,
    tree: &OrgTree,
    node: NodeId,
    lines: &[LineId],
    metric: Metric,
) -> Vec<Part<LineId>> {
    let whole = table
        .node_value(tree, node, None, Period::Year, metric)
        .unwrap_or(0);
    lines
        .iter()
        .filter_map(|&l| {
            table
                .node_value(tree, node, Some(l), Period::Year, metric)
                .map(|v| Part {
                    key: l,
                    value: v,
                    share: share(v, whole),
                })
        })
        .collect()
}

/// A node's yearly target split over the units and people directly below it.
pub fn split_by_child(
    table: &TargetTable,
    tree: &OrgTree,
    node: NodeId,
    metric: Metric,
) -> Vec<Part<NodeId>> {
    let whole = table
        .node_value(tree, node, None, Period::Year, metric)
        .unwrap_or(0);
    tree.children(node)
        .iter()
        .map(|&c| {
            let v = table
                .node_value(tree, c, None, Period::Year, metric)
                .unwrap_or(0);
            Part {
                key: c,
                value: v,
                share: share(v, whole),
            }
        })
        .collect()
}

/// Where a target does not equal the sum of its parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub node: NodeId,
    pub line: Option<LineId>,
    pub period: Period,
    pub metric: Metric,
    pub kind: GapKind,
    pub whole: i64,
    pub parts_sum: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// The units below do not add up to this unit's figure.
    Children,
    /// The product lines do not add up to the all-lines figure.
    Lines,
    /// The 12 months do not add up to the year.
    Months,
}

impl Gap {
    /// whole − parts: positive when the parts fall short.
    pub fn difference(&self) -> i64 {
        self.whole.saturating_sub(self.parts_sum)
    }
}

/// Every yearly figure set on a node whose children, product lines or months are also set but
/// do not add up to it exactly.
pub fn gaps(table: &TargetTable, tree: &OrgTree, lines: &[LineId], metric: Metric) -> Vec<Gap> {
    let mut out = Vec::new();
    let line_keys: Vec<Option<LineId>> = std::iter::once(None)
        .chain(lines.iter().map(|&l| Some(l)))
        .collect();
    for (node, _) in tree.walk() {
        for &line in &line_keys {
            let Some(whole) = table.get(node, line, Period::Year, metric) else {
                continue;
            };
            // Each kind of parts is checked only when some of those parts are set.
            let mut check = |kind: GapKind, parts: Vec<i64>| {
                if parts.is_empty() {
                    return;
                }
                let parts_sum = parts.iter().fold(0i64, |a, &b| a.saturating_add(b));
                if parts_sum != whole {
                    out.push(Gap {
                        node,
                        line,
                        period: Period::Year,
                        metric,
                        kind,
                        whole,
                        parts_sum,
                    });
                }
            };
            check(
                GapKind::Children,
                tree.children(node)
                    .iter()
                    .filter_map(|&c| table.node_value(tree, c, line, Period::Year, metric))
                    .collect(),
            );
            if line.is_none() {
                check(
                    GapKind::Lines,
                    lines
                        .iter()
                        .filter_map(|&l| table.get(node, Some(l), Period::Year, metric))
                        .collect(),
                );
            }
            check(
                GapKind::Months,
                table
                    .months(node, line, metric)
                    .into_iter()
                    .flatten()
                    .collect(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{OrgNode, UnitKind, VersionId};

    fn node(id: i64, parent: Option<i64>, kind: UnitKind) -> OrgNode {
        OrgNode {
            id: NodeId(id),
            parent: parent.map(NodeId),
            kind,
            name: format!("n{id}"),
            sort_order: id,
            title: String::new(),
            email: String::new(),
            visits_per_week: None,
        }
    }

    fn cell(node: i64, line: Option<i64>, period: Period, value: i64) -> TargetCell {
        TargetCell {
            version: VersionId(1),
            node: NodeId(node),
            line: line.map(LineId),
            period,
            metric: Metric::ContractAmount,
            value,
        }
    }

    fn tree() -> OrgTree {
        OrgTree::new(&[
            node(1, None, UnitKind::Company),
            node(2, Some(1), UnitKind::Region),
            node(3, Some(1), UnitKind::Region),
            node(4, Some(2), UnitKind::Person),
            node(5, Some(2), UnitKind::Person),
        ])
    }

    #[test]
    fn a_table_of_one_metric_and_line_answers_like_the_whole_table() {
        let t = tree();
        let mut cells = vec![
            cell(4, None, Period::Year, 600),
            cell(5, None, Period::Month(3), 40),
            cell(5, Some(1), Period::Year, 7),
            cell(3, None, Period::Year, 1500),
        ];
        cells.push(TargetCell {
            metric: Metric::Leads,
            ..cell(4, None, Period::Year, 99)
        });
        let whole = TargetTable::new(&cells);
        let part = TargetTable::of_metric(&cells, None, Metric::ContractAmount);
        for n in 1..=5 {
            for period in [Period::Year, Period::Month(3)] {
                let m = Metric::ContractAmount;
                assert_eq!(
                    part.node_value(&t, NodeId(n), None, period, m),
                    whole.node_value(&t, NodeId(n), None, period, m),
                    "{n} {period:?}"
                );
            }
        }
        assert_eq!(
            part.node_value(&t, NodeId(1), None, Period::Year, Metric::ContractAmount),
            Some(2140)
        );
        // What it left out.
        assert_eq!(part.get(NodeId(4), None, Period::Year, Metric::Leads), None);
        assert_eq!(
            part.get(
                NodeId(5),
                Some(LineId(1)),
                Period::Year,
                Metric::ContractAmount
            ),
            None
        );
    }

    #[test]
    fn rolls_up_people_into_regions_and_company_when_units_have_no_figure() {
        let t = tree();
        let table = TargetTable::new(&[
            cell(4, None, Period::Year, 600),
            cell(5, None, Period::Year, 400),
            cell(3, None, Period::Year, 1500),
        ]);
        let m = Metric::ContractAmount;
        assert_eq!(
            table.node_value(&t, NodeId(2), None, Period::Year, m),
            Some(1000)
        );
        assert_eq!(
            table.node_value(&t, NodeId(1), None, Period::Year, m),
            Some(2500)
        );
        assert_eq!(
            table.node_value(&t, NodeId(1), Some(LineId(1)), Period::Year, m),
            None
        );
    }

    #[test]
    fn quarter_is_the_sum_of_its_months_when_not_set() {
        let t = tree();
        let table = TargetTable::new(&[
            cell(4, None, Period::Month(4), 10),
            cell(4, None, Period::Month(5), 20),
            cell(4, None, Period::Month(6), 30),
            cell(4, None, Period::Month(7), 99),
        ]);
        let m = Metric::ContractAmount;
        assert_eq!(
            table.node_value(&t, NodeId(4), None, Period::Quarter(2), m),
            Some(60)
        );
        assert_eq!(
            table.node_value(&t, NodeId(4), None, Period::Quarter(1), m),
            None
        );
    }

    #[test]
    fn reports_children_lines_and_months_that_do_not_add_up() {
        let t = tree();
        let mut cells = vec![
            cell(1, None, Period::Year, 1000),
            cell(2, None, Period::Year, 700),
            cell(3, None, Period::Year, 299),
            cell(1, Some(1), Period::Year, 400),
            cell(1, Some(2), Period::Year, 600),
        ];
        for m in 1..=12 {
            cells.push(cell(3, None, Period::Month(m), 25));
        }
        let table = TargetTable::new(&cells);
        let gaps = gaps(&table, &t, &[LineId(1), LineId(2)], Metric::ContractAmount);
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].node, NodeId(1));
        assert_eq!(gaps[0].kind, GapKind::Children);
        assert_eq!(gaps[0].difference(), 1);
        assert_eq!(gaps[1].node, NodeId(3));
        assert_eq!(gaps[1].kind, GapKind::Months);
        assert_eq!((gaps[1].whole, gaps[1].parts_sum), (299, 300));
    }

    #[test]
    fn splits_report_exact_shares() {
        let t = tree();
        let table = TargetTable::new(&[
            cell(1, None, Period::Year, 5000),
            cell(1, Some(1), Period::Year, 2000),
            cell(1, Some(2), Period::Year, 1500),
            cell(1, Some(3), Period::Year, 1500),
        ]);
        let parts = split_by_line(
            &table,
            &t,
            NodeId(1),
            &[LineId(1), LineId(2), LineId(3)],
            Metric::ContractAmount,
        );
        let shares: Vec<Option<Ratio>> = parts.iter().map(|p| p.share).collect();
        assert_eq!(
            shares,
            vec![
                Some(Ratio::percent(40)),
                Some(Ratio::percent(30)),
                Some(Ratio::percent(30))
            ]
        );
    }
}
