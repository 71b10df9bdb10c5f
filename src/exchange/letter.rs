//! The target responsibility letter (目标责任书): one printable page per person with their
//! confirmed targets — by product line and by month — their other KPIs, the version and its
//! content hash, and lines to sign. A self-contained HTML file that opens in any browser and
//! prints cleanly on A4.

use crate::domain::model::{Metric, NodeId, PlanSnapshot, VersionState};
use crate::domain::money::{AmountUnit, Money};
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::targets::TargetTable;
use crate::i18n::{self, Lang};

/// Everything the letter shows, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterData {
    pub lang: Lang,
    pub unit: AmountUnit,
    pub organisation: String,
    pub plan_name: String,
    pub period: String,
    pub person: String,
    pub title: String,
    /// The units above the person, top first (公司 › 华东大区).
    pub unit_path: Vec<String>,
    pub version_name: String,
    pub confirmed_at: Option<String>,
    pub content_hash: Option<String>,
    pub annual: Option<Money>,
    pub by_line: Vec<(String, Money)>,
    /// Month label and amount, in fiscal order.
    pub by_month: Vec<(String, Money)>,
    /// Other targets: label and value as shown.
    pub kpis: Vec<(String, String)>,
}

/// Why a letter cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LetterError {
    NoSuchPerson { name: String },
    NoTargets { name: String },
}

impl i18n::Localized for LetterError {
    fn message_key(&self) -> &'static str {
        match self {
            Self::NoSuchPerson { .. } => "err.letter.no_person",
            Self::NoTargets { .. } => "err.letter.no_targets",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::NoSuchPerson { name } | Self::NoTargets { name } => vec![("name", name.clone())],
        }
    }
}

impl std::fmt::Display for LetterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&i18n::Localized::localize(self, Lang::En))
    }
}

impl std::error::Error for LetterError {}

/// Finds a person by name (exactly, else ignoring case and spaces).
pub fn find_person(snap: &PlanSnapshot, name: &str) -> Option<NodeId> {
    let people: Vec<_> = snap.people().collect();
    people
        .iter()
        .find(|p| p.name == name.trim())
        .or_else(|| {
            let key = crate::exchange::values::match_key(name);
            people
                .iter()
                .find(|p| crate::exchange::values::match_key(&p.name) == key)
        })
        .map(|p| p.id)
}

/// The letter of `person` for the plan's current version.
pub fn letter_data(
    snap: &PlanSnapshot,
    person: NodeId,
    lang: Lang,
    unit: AmountUnit,
) -> Result<LetterData, LetterError> {
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let node = tree.get(person).ok_or_else(|| LetterError::NoSuchPerson {
        name: person.0.to_string(),
    })?;
    let amount = Metric::ContractAmount;
    let annual = table.node_value(&tree, person, None, Period::Year, amount);
    if annual.is_none() {
        return Err(LetterError::NoTargets {
            name: node.name.clone(),
        });
    }
    let by_line = snap
        .lines
        .iter()
        .filter_map(|l| {
            table
                .node_value(&tree, person, Some(l.id), Period::Year, amount)
                .map(|v| (l.name.clone(), Money::from_fen(v)))
        })
        .collect();
    let fy = snap.plan.fiscal_year;
    let by_month = (1..=12u8)
        .filter_map(|m| {
            table
                .node_value(&tree, person, None, Period::Month(m), amount)
                .map(|v| (fy.month_label(m), Money::from_fen(v)))
        })
        .collect();
    let mut kpis = Vec::new();
    for metric in Metric::ALL.into_iter().filter(|&m| m != amount) {
        if let Some(v) = table.node_value(&tree, person, None, Period::Year, metric) {
            let shown = if metric.is_money() {
                Money::from_fen(v).format_with_unit(unit)
            } else {
                v.to_string()
            };
            kpis.push((i18n::tr(lang, metric.label_key()).into_owned(), shown));
        }
    }
    let mut unit_path: Vec<String> = tree
        .ancestors(person)
        .into_iter()
        .filter_map(|a| tree.get(a).map(|n| n.name.clone()))
        .collect();
    unit_path.reverse();
    let version = snap.current_version();
    Ok(LetterData {
        lang,
        unit,
        organisation: snap.plan.organisation.clone(),
        plan_name: snap.plan.name.clone(),
        period: format!("{} – {}", fy.start_date(), fy.end_date()),
        person: node.name.clone(),
        title: node.title.clone(),
        unit_path,
        version_name: version.map(|v| v.name.clone()).unwrap_or_default(),
        confirmed_at: version
            .filter(|v| v.state == VersionState::Confirmed)
            .and_then(|v| v.confirmed_at.clone()),
        content_hash: version.and_then(|v| v.content_hash.clone()),
        annual: annual.map(Money::from_fen),
        by_line,
        by_month,
        kpis,
    })
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
@page { size: A4; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Source Han Sans SC', sans-serif;
       color: #111; margin: 0 auto; max-width: 180mm; padding: 12mm 0; line-height: 1.5; }
h1 { text-align: center; font-size: 22pt; letter-spacing: 0.2em; margin: 0 0 4mm; }
.sub { text-align: center; color: #444; margin-bottom: 8mm; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0 6mm; }
th, td { border: 1px solid #999; padding: 1.6mm 2.4mm; }
th { background: #f0f0f0; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
h2 { font-size: 12pt; margin: 5mm 0 1mm; }
.facts td:first-child { width: 32%; color: #333; }
.sign { display: flex; justify-content: space-between; margin-top: 14mm; gap: 10mm; }
.sign div { flex: 1; border-top: 1px solid #111; padding-top: 2mm; }
.hash { font-family: monospace; font-size: 8pt; color: #555; word-break: break-all; margin-top: 8mm; }
@media print { body { padding: 0; } }
";

/// The start of a printable page: doctype, language, title and the shared print style, up to
/// the opening `<body>`.
pub(crate) fn page_start(lang: Lang, title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        escape(title)
    )
}

/// The letter as a complete HTML page.
pub fn letter_html(d: &LetterData) -> String {
    let tr = |k: &str| escape(&i18n::tr(d.lang, k));
    let money = |m: Money| escape(&m.format_with_unit(d.unit));
    let mut h = page_start(
        d.lang,
        &format!("{} — {}", i18n::tr(d.lang, "letter.title"), d.person),
    );
    h.push_str(&format!("<h1>{}</h1>\n", tr("letter.title")));
    h.push_str(&format!(
        "<div class=\"sub\">{} · {}</div>\n",
        escape(&d.organisation),
        escape(&d.plan_name)
    ));

    h.push_str("<table class=\"facts\">\n");
    let mut fact = |label: &str, value: &str| {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            tr(label),
            escape(value)
        ));
    };
    fact("letter.person", &d.person);
    if !d.title.is_empty() {
        fact("letter.job_title", &d.title);
    }
    fact("letter.unit", &d.unit_path.join(" › "));
    fact("letter.period", &d.period);
    fact("letter.version", &d.version_name);
    if let Some(at) = &d.confirmed_at {
        fact("letter.confirmed_at", at);
    }
    if let Some(annual) = d.annual {
        fact("letter.annual", &annual.format_with_unit(d.unit));
    }
    h.push_str("</table>\n");

    h.push_str(&format!("<p>{}</p>\n", tr("letter.intro")));

    if !d.by_line.is_empty() {
        h.push_str(&format!("<h2>{}</h2>\n<table>\n", tr("letter.by_line")));
        h.push_str(&format!(
            "<tr><th>{}</th><th class=\"num\">{}</th></tr>\n",
            tr("col.product_line"),
            tr("metric.contract_amount")
        ));
        for (line, m) in &d.by_line {
            h.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
                escape(line),
                money(*m)
            ));
        }
        h.push_str("</table>\n");
    }
    if !d.by_month.is_empty() {
        h.push_str(&format!("<h2>{}</h2>\n<table>\n", tr("letter.by_month")));
        // Two columns of six months keep the page to one sheet.
        let half = d.by_month.len().div_ceil(2);
        h.push_str(&format!(
            "<tr><th>{m}</th><th class=\"num\">{a}</th><th>{m}</th><th class=\"num\">{a}</th></tr>\n",
            m = tr("col.month"),
            a = tr("metric.contract_amount")
        ));
        for i in 0..half {
            h.push_str("<tr>");
            for j in [i, i + half] {
                match d.by_month.get(j) {
                    Some((label, m)) => h.push_str(&format!(
                        "<td>{}</td><td class=\"num\">{}</td>",
                        escape(label),
                        money(*m)
                    )),
                    None => h.push_str("<td></td><td></td>"),
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    if !d.kpis.is_empty() {
        h.push_str(&format!("<h2>{}</h2>\n<table>\n", tr("letter.kpis")));
        for (label, value) in &d.kpis {
            h.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
                escape(label),
                escape(value)
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str(&format!(
        "<div class=\"sign\"><div>{}</div><div>{}</div><div>{}</div></div>\n",
        tr("letter.sign_person"),
        tr("letter.sign_manager"),
        tr("letter.sign_date")
    ));
    if let Some(hash) = &d.content_hash {
        h.push_str(&format!(
            "<div class=\"hash\">{}: {}</div>\n",
            tr("letter.hash"),
            escape(hash)
        ));
    }
    h.push_str("</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_html_would_read() {
        assert_eq!(
            escape("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
    }
}
