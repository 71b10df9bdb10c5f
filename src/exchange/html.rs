//! The HTML report: one self-contained page (styles and charts inline, nothing fetched) for the
//! whole plan or for one person's battle plan, that opens in any browser and prints cleanly on
//! A4. The charts are inline SVG drawn from the exact figures; every table is the export's.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::domain::model::{Metric, NodeId, PlanSnapshot};
use crate::domain::money::{AmountUnit, Money};
use crate::domain::org::OrgTree;
use crate::domain::targets::TargetTable;
use crate::domain::variance::{self, Window};
use crate::exchange::export::{self, Table, Value, unit_name};
use crate::exchange::letter::escape;
use crate::i18n::{self, Lang};

const STYLE: &str = "
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Source Han Sans SC', sans-serif;
       color: #1a1a1a; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; font-size: 13px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #2f6fb3; padding-bottom: 3px; }
.sub { color: #555; margin-bottom: 18px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid #ccd; border-radius: 6px; padding: 10px 14px; min-width: 180px; }
.card .k { color: #666; font-size: 12px; }
.card .v { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.bad { color: #b3261e; } .good { color: #1e7b34; } .warn { color: #a15c00; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { border: 1px solid #c8c8d0; padding: 4px 7px; }
th { background: #eef3fa; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nw { white-space: nowrap; }
td { overflow-wrap: anywhere; }
table.wide { font-size: 11px; }
table.wide th, table.wide td { padding: 3px 4px; }
tr:nth-child(even) td { background: #fafbfd; }
svg { display: block; margin: 6px 0 12px; max-width: 100%; }
svg text { font-family: inherit; font-size: 11px; fill: #333; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
.foot { color: #777; font-size: 11px; margin-top: 24px; }
@media print {
  body { padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  table, svg, .cards { break-inside: avoid; }
  thead { display: table-header-group; }
}
";

const COLORS: [&str; 3] = ["#2f6fb3", "#e0832f", "#3aa057"];

fn tr(lang: Lang, key: &str) -> String {
    i18n::tr(lang, key).into_owned()
}

fn value_html(v: &Value, unit: AmountUnit) -> (String, bool) {
    match v {
        Value::Text(t) => (escape(t), false),
        Value::Money(f) => (Money::from_fen(*f).format(unit), true),
        Value::Count(n) => (crate::domain::money::group_digits(*n), true),
        Value::Rate(r) => (r.format_percent_fixed(2), true),
        Value::Date(d) => (d.to_string(), true),
        Value::Empty => (String::new(), false),
    }
}

fn table_html(out: &mut String, t: &Table, unit: AmountUnit) {
    if t.rows.is_empty() {
        return;
    }
    let wide = if t.columns.len() > 12 {
        " class=\"wide\""
    } else {
        ""
    };
    let _ = write!(out, "<h2>{}</h2><table{wide}><thead><tr>", escape(&t.title));
    // A column holding figures is right-aligned, its header too.
    let numeric: Vec<bool> = (0..t.columns.len())
        .map(|c| {
            t.rows.iter().any(|r| {
                matches!(
                    r.get(c),
                    Some(Value::Money(_) | Value::Count(_) | Value::Rate(_))
                )
            })
        })
        .collect();
    for (c, title) in t.columns.iter().enumerate() {
        let class = if numeric[c] { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(title));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (c, figures) in numeric.iter().enumerate() {
            let (text, num) = row.get(c).map(|v| value_html(v, unit)).unwrap_or_default();
            // Short text (names, stages) stays on one line; long text (strategies) wraps.
            let class = if num || *figures {
                " class=\"num\""
            } else if text.chars().count() <= 10 {
                " class=\"nw\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{text}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// A grouped bar chart over the 12 months: one bar per series and month, with the exact figure
/// in each bar's tooltip.
fn month_bars(
    labels: &[String],
    series: &[(String, Vec<Option<i64>>)],
    unit: AmountUnit,
) -> String {
    let (w, h, left, bottom, top) = (1000.0, 260.0, 70.0, 28.0, 14.0);
    let scale = match unit {
        AmountUnit::Yuan => 100.0,
        AmountUnit::Wan => 1_000_000.0,
    };
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .map(|v| *v as f64 / scale)
        .fold(0.0f64, f64::max)
        .max(1.0);
    let nice = nice_ceiling(max);
    let plot_h = h - bottom - top;
    let band = (w - left - 10.0) / labels.len().max(1) as f64;
    let bar = band * 0.8 / series.len().max(1) as f64;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for i in 0..=4 {
        let v = nice * f64::from(i) / 4.0;
        let y = top + plot_h - plot_h * v / nice;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - 10.0,
            left - 6.0,
            y + 4.0,
            format_tick(v)
        );
    }
    for (m, label) in labels.iter().enumerate() {
        let x0 = left + band * m as f64 + band * 0.1;
        for (k, (name, values)) in series.iter().enumerate() {
            let Some(v) = values.get(m).copied().flatten() else {
                continue;
            };
            let hgt = (v as f64 / scale).max(0.0) / nice * plot_h;
            let x = x0 + bar * k as f64;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hgt:.1}\" fill=\"{}\"><title>{} {}: {}</title></rect>",
                top + plot_h - hgt,
                bar * 0.92,
                COLORS[k % COLORS.len()],
                escape(label),
                escape(name),
                Money::from_fen(v).format_with_unit(unit)
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            left + band * (m as f64 + 0.5),
            h - 8.0,
            escape(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars of attainment by person, with a line at 100%.
fn attainment_bars(rows: &[(String, Option<crate::domain::ratio::Ratio>)]) -> String {
    let (w, row_h, left) = (1000.0, 24.0, 110.0);
    let h = row_h * rows.len() as f64 + 24.0;
    let max = rows
        .iter()
        .filter_map(|(_, a)| a.map(|a| a.to_f64()))
        .fold(1.0f64, f64::max)
        .min(3.0);
    let plot_w = w - left - 80.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (i, (name, a)) in rows.iter().enumerate() {
        let y = 8.0 + row_h * i as f64;
        let frac = a.map(|a| a.to_f64().clamp(0.0, max)).unwrap_or(0.0);
        let color = match a.map(|a| a.to_f64()) {
            Some(x) if x >= 1.0 => "#3aa057",
            Some(x) if x >= 0.95 => "#e0a02f",
            _ => "#d0473b",
        };
        let text = a
            .map(|a| a.format_percent_fixed(2))
            .unwrap_or_else(|| "—".into());
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{}: {text}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{text}</text>",
            left - 8.0,
            y + 14.0,
            escape(name),
            plot_w * frac / max,
            row_h - 8.0,
            escape(name),
            left + plot_w * frac / max + 6.0,
            y + 14.0
        );
    }
    let x100 = left + plot_w / max;
    let _ = write!(
        s,
        "<line x1=\"{x100:.1}\" x2=\"{x100:.1}\" y1=\"4\" y2=\"{:.1}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/><text x=\"{x100:.1}\" y=\"{:.1}\" text-anchor=\"middle\">100%</text>",
        h - 16.0,
        h - 4.0
    );
    s.push_str("</svg>");
    s
}

fn nice_ceiling(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}

fn format_tick(v: f64) -> String {
    if v >= 100.0 || v == v.trunc() {
        crate::domain::money::group_digits(v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Keeps the rows of the tables that are about `name`: their person (or owner) column.
fn only_person(tables: Vec<Table>, name: &str) -> Vec<Table> {
    tables
        .into_iter()
        .map(|mut t| {
            let col = match t.key {
                "accounts" => 1,
                "receivables" => 2,
                _ => 0,
            };
            t.rows
                .retain(|r| matches!(r.get(col), Some(Value::Text(x)) if x == name));
            t
        })
        .collect()
}

/// The report of the whole plan (`person` None) or of one person's battle plan.
pub fn report(
    snap: &PlanSnapshot,
    person: Option<NodeId>,
    lang: Lang,
    unit: AmountUnit,
    day: Date,
) -> String {
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let fy = snap.plan.fiscal_year;
    let name = person.and_then(|p| snap.node(p)).map(|n| n.name.clone());
    let scope = person.or_else(|| tree.root().map(|r| r.id));
    let mut html = String::with_capacity(64 * 1024);
    let title = match &name {
        Some(n) => i18n::trf(
            lang,
            "html.title_person",
            &[("name", n.clone()), ("plan", snap.plan.name.clone())],
        ),
        None => snap.plan.name.clone(),
    };
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{STYLE}</style></head><body>",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        escape(&title)
    );
    let _ = write!(
        html,
        "<h1>{}</h1><div class=\"sub\">{} · {} · {}</div>",
        escape(&title),
        escape(&snap.plan.organisation),
        escape(&fy.label()),
        escape(&i18n::trf(lang, "html.as_of", &[("day", day.to_string())]))
    );
    // The headline: target, signed to date, projected landing.
    let closed = variance::months_closed(&fy, day);
    let stats = crate::domain::stats::for_plan(snap);
    let f = crate::domain::forecast::forecast(snap, &stats, closed, snap.reviews.at_risk);
    let (_, group) = f.group(|p| person.is_none_or(|x| x == p));
    let (target, actual, projected) = (group.target, group.actual, group.projected);
    let (attainment, at_risk) = (group.attainment, group.at_risk);
    let card = |html: &mut String, k: &str, v: String, class: &str| {
        let _ = write!(
            html,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v {class}\">{}</div></div>",
            escape(k),
            escape(&v)
        );
    };
    html.push_str("<div class=\"cards\">");
    card(
        &mut html,
        &tr(lang, "forecast.target"),
        target.format_with_unit(unit),
        "",
    );
    card(
        &mut html,
        &tr(lang, "forecast.actual"),
        actual.format_with_unit(unit),
        "",
    );
    card(
        &mut html,
        &tr(lang, "forecast.projected"),
        projected.format_with_unit(unit),
        if at_risk { "bad" } else { "good" },
    );
    card(
        &mut html,
        &tr(lang, "forecast.attainment"),
        format!(
            "{}{}",
            attainment
                .map(|a| a.format_percent_fixed(2))
                .unwrap_or_else(|| "—".into()),
            if at_risk {
                format!(" · {}", tr(lang, "forecast.at_risk"))
            } else {
                String::new()
            }
        ),
        if at_risk { "bad" } else { "good" },
    );
    html.push_str("</div>");

    // Charts: the months of plan and actual; attainment by person.
    if let Some(scope) = scope {
        let inputs = variance::Inputs::new(snap, &tree, &table);
        let t = variance::table(
            &inputs,
            Metric::ContractAmount,
            variance::Dimension::Person,
            scope,
        );
        let labels: Vec<String> = (1..=12).map(|m| fy.month_label(m)).collect();
        let plan: Vec<Option<i64>> = (0..12).map(|m| t.total.plan.map(|p| p[m])).collect();
        let act: Vec<Option<i64>> = (0..12)
            .map(|m| (m < usize::from(closed)).then_some(t.total.actual[m]))
            .collect();
        let _ = write!(
            html,
            "<h2>{}</h2><div class=\"legend\"><span><i style=\"background:{}\"></i>{}</span><span><i style=\"background:{}\"></i>{}</span></div>{}",
            escape(&i18n::trf(
                lang,
                "html.monthly_chart",
                &[("unit", unit_name(lang, unit))]
            )),
            COLORS[0],
            escape(&tr(lang, "variance.plan")),
            COLORS[1],
            escape(&tr(lang, "variance.actual")),
            month_bars(
                &labels,
                &[
                    (tr(lang, "variance.plan"), plan),
                    (tr(lang, "variance.actual"), act)
                ],
                unit
            )
        );
        if person.is_none() {
            let bands = snap.reviews.bands;
            let rows: Vec<(String, Option<crate::domain::ratio::Ratio>)> = t
                .rows
                .iter()
                .filter_map(|r| match r.key {
                    variance::RowKey::Node(n) => Some((
                        snap.node(n).map(|n| n.name.clone()).unwrap_or_default(),
                        r.series.figures(Window::ToDate(closed), &bands).attainment,
                    )),
                    _ => None,
                })
                .collect();
            if !rows.is_empty() {
                let _ = write!(
                    html,
                    "<h2>{}</h2>{}",
                    escape(&i18n::trf(
                        lang,
                        "html.attainment_chart",
                        &[("months", closed.to_string())]
                    )),
                    attainment_bars(&rows)
                );
            }
        }
    }

    // Every table (one person's rows for a battle plan).
    let mut tables = export::tables(snap, lang, unit, day);
    if let Some(n) = &name {
        tables = only_person(tables, n);
    }
    for t in &mut tables {
        // The metric code is there for reading a workbook back, not for people.
        if t.key == "monthly" {
            t.columns.remove(2);
            for r in &mut t.rows {
                if r.len() > 2 {
                    r.remove(2);
                }
            }
        }
        table_html(&mut html, t, unit);
    }
    let _ = write!(
        html,
        "<div class=\"foot\">{}</div></body></html>",
        escape(&i18n::trf(
            lang,
            "html.footer",
            &[("version", env!("CARGO_PKG_VERSION").to_owned())]
        ))
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ceiling(0.7), 1.0);
        assert_eq!(nice_ceiling(187.2), 200.0);
        assert_eq!(nice_ceiling(2_100.0), 2_500.0);
    }
}
