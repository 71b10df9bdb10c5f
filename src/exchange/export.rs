//! Exports for colleagues: the plan as tables (targets, the monthly plan, funnels, the battle
//! plan's matrix, expenses, receivables, plan against actual), written as a formatted workbook
//! (numbers stay numbers, frozen headers, amounts in 元 or 万元) or as CSV (UTF-8 with a byte
//! order mark, so Excel and WPS read the Chinese; text that a spreadsheet would run as a formula
//! is neutralised). Every file is written to a temporary file first and renamed into place, so
//! a reader never sees half a file.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use jiff::civil::Date;

use crate::domain::model::{Metric, PlanSnapshot};
use crate::domain::money::{AmountUnit, Money};
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::targets::TargetTable;
use crate::domain::variance::{self, Window};
use crate::i18n::{self, Lang};

/// One cell of an exported table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    /// Fen, shown in the chosen unit.
    Money(i64),
    Count(i64),
    /// An exact rate, shown as a percentage.
    Rate(Ratio),
    Date(Date),
    Empty,
}

/// A table of the export: a sheet of the workbook, or one CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// `targets`, `monthly`, `funnels`, `accounts`, `expenses`, `receivables`, `variance`.
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The tables a plan is exported as, in order.
pub const TABLES: [&str; 7] = [
    "targets",
    "monthly",
    "funnels",
    "accounts",
    "expenses",
    "receivables",
    "variance",
];

fn tr(lang: Lang, key: &str) -> String {
    i18n::tr(lang, key).into_owned()
}

/// 万元 / 元 in the language.
pub fn unit_name(lang: Lang, unit: AmountUnit) -> String {
    tr(
        lang,
        match unit {
            AmountUnit::Yuan => "unit.yuan",
            AmountUnit::Wan => "unit.wan",
        },
    )
}

/// A column title with the amount unit: `目标（万元）`.
fn with_unit(lang: Lang, key: &str, unit: AmountUnit) -> String {
    i18n::trf(
        lang,
        "export.with_unit",
        &[("title", tr(lang, key)), ("unit", unit_name(lang, unit))],
    )
}

/// Every table of the plan; `day` is the day receivables and the months closed are for.
pub fn tables(snap: &PlanSnapshot, lang: Lang, unit: AmountUnit, day: Date) -> Vec<Table> {
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    vec![
        targets(snap, &tree, &table, lang, unit),
        monthly(snap, &tree, &table, lang, unit),
        funnels(snap, lang, unit),
        accounts(snap, lang, unit),
        expenses(snap, lang, unit),
        receivables(snap, lang, unit, day),
        variance_table(snap, &tree, &table, lang, unit, day),
    ]
}

fn targets(
    snap: &PlanSnapshot,
    tree: &OrgTree,
    table: &TargetTable,
    lang: Lang,
    unit: AmountUnit,
) -> Table {
    let mut columns = vec![
        tr(lang, "col.unit"),
        tr(lang, "col.kind"),
        tr(lang, "export.parent"),
    ];
    for m in Metric::ALL {
        columns.push(if m.is_money() {
            with_unit(lang, m.label_key(), unit)
        } else {
            tr(lang, m.label_key())
        });
    }
    let rows = tree
        .walk()
        .into_iter()
        .filter_map(|(id, _)| tree.get(id))
        .map(|n| {
            let mut row = vec![
                Value::Text(n.name.clone()),
                Value::Text(tr(lang, n.kind.label_key())),
                Value::Text(
                    n.parent
                        .and_then(|p| tree.get(p))
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                ),
            ];
            for m in Metric::ALL {
                row.push(match table.node_value(tree, n.id, None, Period::Year, m) {
                    Some(v) if m.is_money() => Value::Money(v),
                    Some(v) => Value::Count(v),
                    None => Value::Empty,
                });
            }
            row
        })
        .collect();
    let _ = snap;
    Table {
        key: "targets",
        title: tr(lang, "export.table.targets"),
        columns,
        rows,
    }
}

/// The monthly plan: person, metric, its code (so the sheet reads back in any language), the
/// unit of its amounts, the 12 months and the year (see [`crate::exchange::grid_file`]).
fn monthly(
    snap: &PlanSnapshot,
    tree: &OrgTree,
    table: &TargetTable,
    lang: Lang,
    unit: AmountUnit,
) -> Table {
    let fy = snap.plan.fiscal_year;
    let mut columns = vec![
        tr(lang, "col.person"),
        tr(lang, "export.metric"),
        tr(lang, "export.metric_code"),
        tr(lang, "export.unit"),
    ];
    columns.extend((1..=12).map(|m| fy.month_label(m)));
    columns.push(tr(lang, "col.year"));
    let mut rows = Vec::new();
    for (id, _) in tree.walk() {
        let Some(n) = tree.get(id).filter(|n| n.kind.is_person()) else {
            continue;
        };
        for m in Metric::ALL {
            let months = table.months(n.id, None, m);
            if months.iter().all(Option::is_none) {
                continue;
            }
            let cell = |v: i64| {
                if m.is_money() {
                    Value::Money(v)
                } else {
                    Value::Count(v)
                }
            };
            let mut row = vec![
                Value::Text(n.name.clone()),
                Value::Text(tr(lang, m.label_key())),
                Value::Text(m.code().to_owned()),
                Value::Text(if m.is_money() {
                    unit_name(lang, unit)
                } else {
                    String::new()
                }),
            ];
            row.extend(months.iter().map(|v| v.map(cell).unwrap_or(Value::Empty)));
            row.push(cell(months.iter().flatten().sum()));
            rows.push(row);
        }
    }
    Table {
        key: "monthly",
        title: tr(lang, "export.table.monthly"),
        columns,
        rows,
    }
}

fn funnels(snap: &PlanSnapshot, lang: Lang, unit: AmountUnit) -> Table {
    use crate::domain::plan_funnels::{self, Basis};
    let stats = crate::domain::stats::for_plan(snap);
    let plans = plan_funnels::person_plans(snap, &stats, Basis::Stretch, 1);
    let columns = vec![
        tr(lang, "col.person"),
        with_unit(lang, "export.committed", unit),
        with_unit(lang, "export.stretch", unit),
        with_unit(lang, "export.contracted", unit),
        with_unit(lang, "export.deal_size", unit),
        tr(lang, "export.win_rate"),
        tr(lang, "metric.deals"),
        tr(lang, "metric.leads"),
        tr(lang, "metric.visits"),
        tr(lang, "metric.bids"),
    ];
    let rows = plans
        .iter()
        .map(|p| match &p.funnel {
            Ok(f) => vec![
                Value::Text(p.name.clone()),
                Value::Money(p.committed.fen()),
                Value::Money(p.stretch.fen()),
                Value::Money(f.contracted.fen()),
                Value::Money(f.deal_size.fen()),
                Value::Rate(p.inputs.model.win_rate()),
                Value::Count(f.deals),
                Value::Count(f.leads),
                Value::Count(f.visits),
                f.bids.map(Value::Count).unwrap_or(Value::Empty),
            ],
            Err(_) => vec![
                Value::Text(p.name.clone()),
                Value::Money(p.committed.fen()),
                Value::Money(p.stretch.fen()),
            ],
        })
        .collect();
    Table {
        key: "funnels",
        title: tr(lang, "export.table.funnels"),
        columns,
        rows,
    }
}

/// A pipeline stage's name: the user's, else the built-in one of its position.
pub fn stage_name(snap: &PlanSnapshot, lang: Lang, position: u8) -> String {
    snap.stages
        .iter()
        .find(|s| s.position == position && !s.name.trim().is_empty())
        .map(|s| s.name.clone())
        .unwrap_or_else(|| {
            tr(
                lang,
                &crate::domain::model::PipelineStage::builtin_key(position),
            )
        })
}

fn accounts(snap: &PlanSnapshot, lang: Lang, unit: AmountUnit) -> Table {
    use crate::domain::battle;
    let columns = vec![
        tr(lang, "field.customer"),
        tr(lang, "field.owner"),
        tr(lang, "field.product"),
        tr(lang, "export.stage"),
        with_unit(lang, "export.potential", unit),
        tr(lang, "export.probability"),
        with_unit(lang, "export.weighted", unit),
        with_unit(lang, "export.planned", unit),
        tr(lang, "export.close_month"),
        tr(lang, "export.strategy"),
    ];
    let rows = snap
        .matrix
        .iter()
        .map(|cell| {
            let f = battle::cell_figures(snap, cell);
            let customer = snap.customer(cell.customer);
            vec![
                Value::Text(customer.map(|c| c.name.clone()).unwrap_or_default()),
                Value::Text(
                    customer
                        .and_then(|c| c.owner)
                        .and_then(|o| snap.node(o))
                        .map(|n| n.name.clone())
                        .unwrap_or_default(),
                ),
                Value::Text(
                    snap.products
                        .iter()
                        .find(|p| p.id == cell.product)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                ),
                Value::Text(stage_name(snap, lang, f.stage)),
                Value::Money(cell.fields.potential.fen()),
                Value::Rate(f.probability),
                Value::Money(f.weighted.fen()),
                Value::Money(f.planned.fen()),
                cell.fields
                    .close_month
                    .map(|d| Value::Text(format!("{:04}-{:02}", d.year(), d.month())))
                    .unwrap_or(Value::Empty),
                Value::Text(cell.fields.strategy.clone()),
            ]
        })
        .collect();
    Table {
        key: "accounts",
        title: tr(lang, "export.table.accounts"),
        columns,
        rows,
    }
}

/// An expense item's name: `Category · Item`.
pub fn item_name(lang: Lang, i: &crate::domain::expenses::ExpenseItem) -> String {
    let key = format!("expense.cat.{}", i.category);
    let category = i18n::tr(lang, &key);
    let category = if category == key.as_str() {
        i.category.clone()
    } else {
        category.into_owned()
    };
    let name = match &i.code {
        Some(code) => tr(lang, &format!("expense.item.{code}")),
        None => i.name.clone(),
    };
    format!("{category} · {name}")
}

fn expenses(snap: &PlanSnapshot, lang: Lang, unit: AmountUnit) -> Table {
    let e = &snap.expenses;
    let columns = vec![
        tr(lang, "col.person"),
        tr(lang, "export.expense_item"),
        tr(lang, "col.month"),
        with_unit(lang, "expenses.budget", unit),
        with_unit(lang, "expenses.actual", unit),
        with_unit(lang, "expenses.variance", unit),
    ];
    // Every (person, item, month) with a budget or spending, in person, item, month order.
    let mut keys: Vec<(crate::domain::model::NodeId, i64, u8)> = e
        .budget
        .iter()
        .map(|b| (b.node, b.item, b.month))
        .chain(e.actuals.iter().map(|a| (a.node, a.item, a.month)))
        .collect();
    keys.sort();
    keys.dedup();
    let fy = snap.plan.fiscal_year;
    let rows = keys
        .into_iter()
        .map(|(node, item, month)| {
            let budget: Money = e
                .budget
                .iter()
                .filter(|b| b.node == node && b.item == item && b.month == month)
                .map(|b| b.amount)
                .sum();
            let actual: Money = e
                .actuals
                .iter()
                .filter(|a| a.node == node && a.item == item && a.month == month)
                .map(|a| a.amount)
                .sum();
            vec![
                Value::Text(snap.node(node).map(|n| n.name.clone()).unwrap_or_default()),
                Value::Text(
                    e.items
                        .iter()
                        .find(|i| i.id == item)
                        .map(|i| item_name(lang, i))
                        .unwrap_or_default(),
                ),
                Value::Text(fy.month_label(month)),
                Value::Money(budget.fen()),
                Value::Money(actual.fen()),
                Value::Money((actual - budget).fen()),
            ]
        })
        .collect();
    Table {
        key: "expenses",
        title: tr(lang, "export.table.expenses"),
        columns,
        rows,
    }
}

fn receivables(snap: &PlanSnapshot, lang: Lang, unit: AmountUnit, day: Date) -> Table {
    use crate::domain::receivables;
    let r = &snap.receivables;
    let columns = vec![
        tr(lang, "field.contract_no"),
        tr(lang, "field.customer"),
        tr(lang, "col.person"),
        tr(lang, "field.installment"),
        tr(lang, "field.due_date"),
        with_unit(lang, "export.amount", unit),
        with_unit(lang, "export.paid", unit),
        with_unit(lang, "export.outstanding", unit),
        tr(lang, "export.days_overdue"),
    ];
    let rows = receivables::states(&r.installments, &r.receipts, day)
        .into_iter()
        .map(|s| {
            let c = r.contracts.iter().find(|c| c.id == s.installment.contract);
            let overdue = (s.outstanding.fen() > 0 && s.installment.due < day)
                .then(|| (day - s.installment.due).get_days());
            vec![
                Value::Text(c.map(|c| c.number.clone()).unwrap_or_default()),
                Value::Text(
                    c.and_then(|c| c.customer)
                        .and_then(|id| snap.customers.iter().find(|x| x.id == id))
                        .map(|x| x.name.clone())
                        .unwrap_or_default(),
                ),
                Value::Text(
                    c.and_then(|c| c.person)
                        .and_then(|p| snap.node(p))
                        .map(|n| n.name.clone())
                        .unwrap_or_default(),
                ),
                Value::Text(s.installment.label.clone()),
                Value::Date(s.installment.due),
                Value::Money(s.installment.amount.fen()),
                Value::Money(s.paid.fen()),
                Value::Money(s.outstanding.fen()),
                overdue
                    .map(|d| Value::Count(i64::from(d)))
                    .unwrap_or(Value::Empty),
            ]
        })
        .collect();
    Table {
        key: "receivables",
        title: tr(lang, "export.table.receivables"),
        columns,
        rows,
    }
}

fn variance_table(
    snap: &PlanSnapshot,
    tree: &OrgTree,
    table: &TargetTable,
    lang: Lang,
    unit: AmountUnit,
    day: Date,
) -> Table {
    let closed = variance::months_closed(&snap.plan.fiscal_year, day);
    let window = Window::ToDate(closed);
    let bands = snap.reviews.bands;
    let columns = vec![
        tr(lang, "col.person"),
        tr(lang, "export.metric"),
        i18n::trf(
            lang,
            "export.plan_to_date",
            &[
                ("months", closed.to_string()),
                ("unit", unit_name(lang, unit)),
            ],
        ),
        tr(lang, "variance.actual"),
        tr(lang, "variance.variance"),
        tr(lang, "variance.attainment"),
        tr(lang, "variance.status"),
    ];
    let mut rows = Vec::new();
    if let Some(root) = tree.root() {
        let inputs = variance::Inputs::new(snap, tree, table);
        for metric in variance::METRICS {
            let t = variance::table(&inputs, metric, variance::Dimension::Person, root.id);
            let value = |v: i64| {
                if metric.is_money() {
                    Value::Money(v)
                } else {
                    Value::Count(v)
                }
            };
            let all = t.rows.iter().map(|r| (Some(r.key), r.series));
            for (key, series) in all.chain(std::iter::once((None, t.total))) {
                let f = series.figures(window, &bands);
                if f.plan.is_none() && f.actual == 0 {
                    continue;
                }
                let name = match key {
                    Some(variance::RowKey::Node(n)) => {
                        snap.node(n).map(|n| n.name.clone()).unwrap_or_default()
                    }
                    Some(_) => tr(lang, "variance.unassigned"),
                    None => tr(lang, "col.total"),
                };
                rows.push(vec![
                    Value::Text(name),
                    Value::Text(tr(lang, metric.label_key())),
                    f.plan.map(value).unwrap_or(Value::Empty),
                    value(f.actual),
                    f.variance.map(value).unwrap_or(Value::Empty),
                    f.attainment.map(Value::Rate).unwrap_or(Value::Empty),
                    Value::Text(tr(lang, f.status.label_key())),
                ]);
            }
        }
    }
    Table {
        key: "variance",
        title: tr(lang, "export.table.variance"),
        columns,
        rows,
    }
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return
/// first) gets a leading apostrophe, so it stays text. Figures are written as numbers and never
/// pass through here.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A money figure as a plain number in the unit: `1234567.89` (元) or `123.456789` (万元).
pub fn amount_number(fen: i64, unit: AmountUnit) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    match unit {
        AmountUnit::Yuan => format!("{sign}{}.{:02}", abs / 100, abs % 100),
        AmountUnit::Wan => format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000),
    }
}

fn rate_number(r: Ratio) -> String {
    r.checked_mul(Ratio::from_integer(100))
        .map(|p| p.format_decimal(4))
        .map(|p| format!("{p}%"))
        .unwrap_or_default()
}

/// One table as CSV: UTF-8 with a byte order mark, the header first; figures as plain numbers.
pub fn csv_bytes(table: &Table, unit: AmountUnit) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(table.columns.iter().map(|c| neutralise(c).into_owned()))
        .map_err(|e| e.to_string())?;
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::Text(t) => neutralise(t).into_owned(),
                Value::Money(f) => amount_number(*f, unit),
                Value::Count(n) => n.to_string(),
                Value::Rate(r) => rate_number(*r),
                Value::Date(d) => d.to_string(),
                Value::Empty => String::new(),
            })
            .collect();
        w.write_record(&cells).map_err(|e| e.to_string())?;
    }
    let body = w.into_inner().map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(body.len() + 3);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    out.extend_from_slice(&body);
    Ok(out)
}

/// The tables as a workbook: one sheet each, the header bold and frozen, amounts as numbers in
/// the unit with two decimals (元) or four (万元), rates as percentages, dates as dates.
pub fn xlsx_bytes(tables: &[Table], unit: AmountUnit) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("DDE7F3");
    let money = Format::new().set_num_format(match unit {
        AmountUnit::Yuan => "#,##0.00",
        AmountUnit::Wan => "#,##0.0000",
    });
    let count = Format::new().set_num_format("#,##0");
    let rate = Format::new().set_num_format("0.00%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let scale = match unit {
        AmountUnit::Yuan => 100.0,
        AmountUnit::Wan => 1_000_000.0,
    };
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(&t.title).map_err(|e| e.to_string())?;
        for (c, title) in t.columns.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| e.to_string())?;
            sheet
                .write_string_with_format(0, col, title, &header)
                .map_err(|e| e.to_string())?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|e| e.to_string())?;
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|e| e.to_string())?;
                let done = match v {
                    // A workbook cell holds text as text: nothing to neutralise.
                    Value::Text(s) => sheet.write_string(r, c, s).map(|_| ()),
                    Value::Money(f) => sheet
                        .write_number_with_format(r, c, *f as f64 / scale, &money)
                        .map(|_| ()),
                    Value::Count(n) => sheet
                        .write_number_with_format(r, c, *n as f64, &count)
                        .map(|_| ()),
                    Value::Rate(x) => sheet
                        .write_number_with_format(r, c, x.to_f64(), &rate)
                        .map(|_| ()),
                    Value::Date(d) => {
                        let x = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            u8::try_from(d.month()).unwrap_or(1),
                            u8::try_from(d.day()).unwrap_or(1),
                        )
                        .map_err(|e| e.to_string())?;
                        sheet
                            .write_datetime_with_format(r, c, &x, &date)
                            .map(|_| ())
                    }
                    Value::Empty => Ok(()),
                };
                done.map_err(|e| e.to_string())?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        sheet.autofit();
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// Writes `bytes` to `path` all at once: to a temporary file beside it, flushed to disk, then
/// renamed over `path`. A crash or a full disk leaves the old file (or none), never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_text_is_not() {
        for t in ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(t), format!("'{t}"));
        }
        for t in ["张伟", "1,000", "a=b", ""] {
            assert_eq!(neutralise(t), t);
        }
    }

    #[test]
    fn amounts_are_exact_in_either_unit() {
        assert_eq!(amount_number(123_456_789, AmountUnit::Yuan), "1234567.89");
        assert_eq!(amount_number(-5, AmountUnit::Yuan), "-0.05");
        assert_eq!(amount_number(123_456_789, AmountUnit::Wan), "123.456789");
        assert_eq!(rate_number(Ratio::new(1, 3).unwrap()), "33.3333%");
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Into a folder that does not exist: an error, and nothing is left behind.
        assert!(write_atomic(&dir.path().join("no/such/out.csv"), b"x").is_err());
    }
}
