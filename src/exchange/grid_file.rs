//! Reading the monthly plan back from an exported workbook or CSV (the "monthly" table): one
//! row per person and metric — person, metric name, metric code, unit, the 12 fiscal months, the
//! year. Everything is checked before anything is written; the year is recomputed from the
//! months, as in the month grid.

use crate::domain::grid::CellEdit;
use crate::domain::model::{Metric, NodeId, PlanSnapshot};
use crate::domain::money::{AmountUnit, Money};
use crate::exchange::source::Table;
use crate::i18n::{self, Lang};

/// Columns before the months: person, metric, metric code, unit.
pub const FIXED: usize = 4;

/// The unit a row's amounts are in, from its unit cell in either language.
fn unit_of(text: &str) -> Option<AmountUnit> {
    let t = text.trim();
    for lang in Lang::ALL {
        if t == i18n::tr(lang, "unit.wan") {
            return Some(AmountUnit::Wan);
        }
        if t == i18n::tr(lang, "unit.yuan") {
            return Some(AmountUnit::Yuan);
        }
    }
    None
}

/// The month edits in the table, per metric, or every problem found (each with its row,
/// column and value).
pub fn read_monthly(
    snap: &PlanSnapshot,
    table: &Table,
    lang: Lang,
) -> Result<Vec<(Metric, Vec<CellEdit>)>, Vec<String>> {
    let mut problems = Vec::new();
    if let Some(title) = crate::exchange::import::title_row(table) {
        return Err(vec![i18n::trf(
            lang,
            "grid_file.err.title",
            &[("title", title)],
        )]);
    }
    if table.headers.len() < FIXED + 12 {
        return Err(vec![i18n::trf(
            lang,
            "grid_file.err.layout",
            &[("found", table.headers.len().to_string())],
        )]);
    }
    let mut out: Vec<(Metric, Vec<CellEdit>)> = Vec::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i).map(|c| c.text.trim()).unwrap_or("");
        let problem = |col: usize, key: &str| {
            i18n::trf(
                lang,
                key,
                &[
                    ("row", row.line.to_string()),
                    (
                        "column",
                        table.headers.get(col).cloned().unwrap_or_default(),
                    ),
                    ("value", cell(col).to_owned()),
                ],
            )
        };
        let person: Option<NodeId> = snap.people().find(|p| p.name == cell(0)).map(|p| p.id);
        let Some(person) = person else {
            problems.push(problem(0, "grid_file.err.person"));
            continue;
        };
        let Some(metric) = Metric::from_code(cell(2)) else {
            problems.push(problem(2, "grid_file.err.metric"));
            continue;
        };
        let unit = if metric.is_money() {
            match unit_of(cell(3)) {
                Some(u) => Some(u),
                None => {
                    problems.push(problem(3, "grid_file.err.unit"));
                    continue;
                }
            }
        } else {
            None
        };
        let mut edits = Vec::new();
        for m in 1..=12u8 {
            let col = FIXED + usize::from(m - 1);
            let text = cell(col);
            let value = if text.is_empty() {
                None
            } else if crate::exchange::values::is_spreadsheet_error(text) {
                problems.push(problem(col, "grid_file.err.formula"));
                continue;
            } else if let Some(u) = unit {
                let parsed = match u {
                    AmountUnit::Yuan => Money::parse(text),
                    AmountUnit::Wan => Money::parse(&format!("{text}万")),
                };
                match parsed {
                    Ok(v) if !v.is_negative() => Some(v.fen()),
                    _ => {
                        problems.push(problem(col, "grid_file.err.amount"));
                        continue;
                    }
                }
            } else {
                match text.parse::<i64>() {
                    Ok(n) if n >= 0 => Some(n),
                    _ => {
                        problems.push(problem(col, "grid_file.err.count"));
                        continue;
                    }
                }
            };
            edits.push(CellEdit {
                node: person,
                month: m,
                value,
            });
        }
        match out.iter_mut().find(|(x, _)| *x == metric) {
            Some((_, list)) => list.extend(edits),
            None => out.push((metric, edits)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The target cells the edits write: each month, and each person's year as the sum of their
/// months. A locked cell may not change.
pub fn changes(
    snap: &PlanSnapshot,
    edits: &[(Metric, Vec<CellEdit>)],
    lang: Lang,
) -> Result<Vec<crate::store::targets::CellChange>, Vec<String>> {
    use crate::domain::period::Period;
    let table = crate::domain::targets::TargetTable::new(&snap.targets);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (metric, list) in edits {
        let current = |node: NodeId, m: u8| table.get(node, None, Period::Month(m), *metric);
        for e in list {
            let locked = snap.locks.iter().any(|l| {
                l.node == e.node
                    && l.line.is_none()
                    && l.metric == *metric
                    && (l.period == Period::Month(e.month) || l.period == Period::Year)
            });
            if locked && current(e.node, e.month) != e.value {
                problems.push(i18n::trf(
                    lang,
                    "grid_file.err.locked",
                    &[
                        (
                            "person",
                            snap.node(e.node)
                                .map(|n| n.name.clone())
                                .unwrap_or_default(),
                        ),
                        ("metric", i18n::tr(lang, metric.label_key()).into_owned()),
                        ("month", snap.plan.fiscal_year.month_label(e.month)),
                    ],
                ));
            }
        }
        for (node, period, value) in crate::domain::grid::with_year_totals(list, &current) {
            out.push(crate::store::targets::CellChange {
                node,
                line: None,
                period,
                metric: *metric,
                value,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The monthly plan read from a file — the monthly sheet of an exported workbook (in either
/// language), else the file's first sheet or its CSV text — checked whole: the number of rows
/// read and the cells that differ from the plan (reading the same file again changes nothing),
/// or every problem found.
pub fn read_file(
    snap: &PlanSnapshot,
    path: &std::path::Path,
    encoding: Option<crate::exchange::source::TextEncoding>,
    sheet: Option<String>,
    lang: Lang,
) -> Result<(usize, Vec<crate::store::targets::CellChange>), Vec<String>> {
    use crate::exchange::pipeline::SourceInput;
    use crate::exchange::source::ReadOptions;
    use crate::i18n::Localized;
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let input = SourceInput::File(path.to_owned());
    let read = |sheet: Option<String>| {
        input
            .read(
                &ReadOptions {
                    encoding,
                    delimiter: None,
                    sheet,
                },
                &|_| {},
                &cancel,
            )
            .map_err(|e| vec![e.localize(lang)])
    };
    let mut table = read(sheet.clone())?;
    if sheet.is_none()
        && let Some(name) = Lang::ALL
            .into_iter()
            .map(|l| i18n::tr(l, "export.table.monthly").into_owned())
            .find(|name| table.sheets.contains(name) && table.sheet.as_ref() != Some(name))
    {
        table = read(Some(name))?;
    }
    let edits = read_monthly(snap, &table, lang)?;
    let current = crate::domain::targets::TargetTable::new(&snap.targets);
    let cells = changes(snap, &edits, lang)?
        .into_iter()
        .filter(|c| current.get(c.node, c.line, c.period, c.metric) != c.value)
        .collect();
    Ok((table.rows.len(), cells))
}
