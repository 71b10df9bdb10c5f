//! The monthly plan grid (domain §4–5): people × 12 fiscal months for one metric. Typed and
//! pasted values are checked before anything is written; a pasted block is all or nothing;
//! copied blocks are tab-separated text that Excel and WPS read as cells.
//!
//! Amounts are typed in the display unit (元 or 万元) or with their own unit (`100万`);
//! counts are whole numbers. A person's year is always the sum of their months.

use serde::Serialize;

use crate::domain::model::{Metric, NodeId};
use crate::domain::money::{AmountUnit, Money};
use crate::domain::period::Period;

/// One edited cell: a person's month of a metric (fen or a count; None clears it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CellEdit {
    pub node: NodeId,
    pub month: u8,
    pub value: Option<i64>,
}

/// Why a typed or pasted value cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellProblem {
    /// 1-based row and column within the pasted block (1, 1 for a typed cell).
    pub row: usize,
    pub column: usize,
    pub value: String,
    pub reason: CellReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellReason {
    /// Not an amount (the parser's message).
    NotAmount(String),
    Negative,
    NotWholeCount,
    /// The cell is locked.
    Locked,
    /// The block reaches past the last row or month.
    OutsideGrid,
}

/// Reads one cell's text for a metric. Empty text clears the cell.
pub fn parse_cell(text: &str, metric: Metric, unit: AmountUnit) -> Result<Option<i64>, CellReason> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if metric.is_money() {
        // A bare number is in the display unit; a number with its own unit keeps it.
        let has_unit = t
            .chars()
            .any(|c| matches!(c, '万' | '亿' | '元' | '¥' | '￥'));
        let money = if has_unit || unit == AmountUnit::Yuan {
            Money::parse(t)
        } else {
            Money::parse(&format!("{t}万"))
        }
        .map_err(|e| CellReason::NotAmount(e.to_string()))?;
        if money.is_negative() {
            return Err(CellReason::Negative);
        }
        Ok(Some(money.fen()))
    } else {
        let cleaned: String = t.chars().filter(|c| *c != ',' && *c != '，').collect();
        let cleaned = cleaned
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                c => c,
            })
            .collect::<String>();
        match cleaned.parse::<i64>() {
            Ok(v) if v < 0 => Err(CellReason::Negative),
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(CellReason::NotWholeCount),
        }
    }
}

/// A cell's value as text for copying: amounts as plain numbers in the display unit (so a
/// spreadsheet reads them as numbers), counts as integers, empty cells empty.
pub fn format_cell(value: Option<i64>, metric: Metric, unit: AmountUnit) -> String {
    match value {
        None => String::new(),
        Some(v) if metric.is_money() => {
            let m = Money::from_fen(v);
            match unit {
                AmountUnit::Yuan => m.format(AmountUnit::Yuan).replace(',', ""),
                AmountUnit::Wan => m.format_exact_wan().replace(',', ""),
            }
        }
        Some(v) => v.to_string(),
    }
}

/// Splits tab-separated text (as spreadsheets copy it) into rows of cells. A final line
/// break is not an empty row; `\r\n` and `\r` work like `\n`. Quoted cells (`"a\tb"`) keep
/// their tabs and line breaks.
pub fn parse_block(text: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_cell_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if at_cell_start => {
                quoted = true;
                at_cell_start = false;
            }
            '\t' => {
                row.push(std::mem::take(&mut cell));
                at_cell_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                at_cell_start = true;
            }
            c => {
                cell.push(c);
                at_cell_start = false;
            }
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Joins rows of cells as tab-separated text, one line per row.
pub fn format_block(rows: &[Vec<String>]) -> String {
    let quote = |c: &String| {
        if c.contains(['\t', '\n', '\r', '"']) {
            format!("\"{}\"", c.replace('"', "\"\""))
        } else {
            c.clone()
        }
    };
    let mut out = String::new();
    for r in rows {
        out.push_str(&r.iter().map(quote).collect::<Vec<_>>().join("\t"));
        out.push('\n');
    }
    out
}

/// Turns a pasted block at (`first_row`, `first_month`) into cell edits: `people` are the
/// grid's rows in order, months 1–12 its columns. Every problem is reported; with any
/// problem there are no edits.
pub fn paste(
    block: &[Vec<String>],
    people: &[NodeId],
    first_row: usize,
    first_month: u8,
    metric: Metric,
    unit: AmountUnit,
    locked: &dyn Fn(NodeId, u8) -> bool,
) -> Result<Vec<CellEdit>, Vec<CellProblem>> {
    let mut edits = Vec::new();
    let mut problems = Vec::new();
    for (r, cells) in block.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            let problem = |reason| CellProblem {
                row: r + 1,
                column: c + 1,
                value: text.clone(),
                reason,
            };
            let month = usize::from(first_month) + c;
            let (Some(&node), true) = (people.get(first_row + r), month <= 12) else {
                problems.push(problem(CellReason::OutsideGrid));
                continue;
            };
            let month = month as u8;
            if locked(node, month) {
                problems.push(problem(CellReason::Locked));
                continue;
            }
            match parse_cell(text, metric, unit) {
                Ok(value) => edits.push(CellEdit { node, month, value }),
                Err(reason) => problems.push(problem(reason)),
            }
        }
    }
    if problems.is_empty() {
        Ok(edits)
    } else {
        Err(problems)
    }
}

/// The target cells an edit writes: the months, and each touched person's year as the sum of
/// their 12 months (cleared when no month is set), so rows always add up.
pub fn with_year_totals(
    edits: &[CellEdit],
    current: &dyn Fn(NodeId, u8) -> Option<i64>,
) -> Vec<(NodeId, Period, Option<i64>)> {
    let mut out: Vec<(NodeId, Period, Option<i64>)> = edits
        .iter()
        .map(|e| (e.node, Period::Month(e.month), e.value))
        .collect();
    let mut people: Vec<NodeId> = edits.iter().map(|e| e.node).collect();
    people.dedup();
    people.sort_by_key(|n| n.0);
    people.dedup();
    for node in people {
        let months: Vec<Option<i64>> = (1..=12u8)
            .map(|m| {
                edits
                    .iter()
                    .rev()
                    .find(|e| e.node == node && e.month == m)
                    .map(|e| e.value)
                    .unwrap_or_else(|| current(node, m))
            })
            .collect();
        let set: Vec<i64> = months.iter().flatten().copied().collect();
        let year = if set.is_empty() {
            None
        } else {
            Some(set.iter().fold(0i64, |a, &b| a.saturating_add(b)))
        };
        out.push((node, Period::Year, year));
    }
    out
}
