//! Reading the plan file into domain types.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Result, Store, StoreError};
use crate::domain::model::TargetLock;
use crate::domain::model::{
    ActualKind, ActualsYear, CalendarDay, Channel, ChannelId, ChannelKind, Customer, CustomerId,
    DealStatus, FunnelDefaults, HistoryYear, LineId, Metric, NodeId, Opportunity, OpportunityId,
    OrgNode, PipelineStage, PlanInfo, PlanSnapshot, Product, ProductId, ProductLine, StageEvent,
    TargetCell, UnitKind, Version, VersionId, VersionKind, VersionState,
};
use crate::domain::money::Money;
use crate::domain::period::{FiscalYear, Period, WorkCalendar};
use crate::domain::ratio::Ratio;

/// A value in the file that this version cannot read: the file was damaged or edited by hand.
pub(super) fn bad(field: &'static str, value: impl ToString) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(StoreError::InvalidValue {
            field,
            value: value.to_string(),
        }),
    )
}

fn collect<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

pub(super) fn plan_info(conn: &Connection) -> Result<PlanInfo> {
    Ok(conn.query_row(
        "SELECT name, organisation, fiscal_year, fiscal_start_month, current_version_id, created_at
         FROM plan WHERE id = 1",
        [],
        |r| {
            let year: i32 = r.get(2)?;
            let start: u8 = r.get(3)?;
            let fiscal_year = FiscalYear::new(year, start).map_err(|_| bad("fiscal_year", year))?;
            Ok(PlanInfo {
                name: r.get(0)?,
                organisation: r.get(1)?,
                fiscal_year,
                current_version: VersionId(r.get(4)?),
                created_at: r.get(5)?,
            })
        },
    )?)
}

pub(super) fn nodes(conn: &Connection) -> Result<Vec<OrgNode>> {
    collect(
        conn,
        "SELECT id, parent_id, kind, name, sort_order, title, email, visits_per_week
         FROM org_nodes ORDER BY sort_order, id",
        |r| {
            let kind: String = r.get(2)?;
            Ok(OrgNode {
                id: NodeId(r.get(0)?),
                parent: r.get::<_, Option<i64>>(1)?.map(NodeId),
                kind: UnitKind::from_code(&kind).ok_or_else(|| bad("org_nodes.kind", &kind))?,
                name: r.get(3)?,
                sort_order: r.get(4)?,
                title: r.get(5)?,
                email: r.get(6)?,
                visits_per_week: r.get(7)?,
            })
        },
    )
}

pub(super) fn lines(conn: &Connection) -> Result<Vec<ProductLine>> {
    collect(
        conn,
        "SELECT id, name, code, description, sort_order, life_cycle
         FROM product_lines ORDER BY sort_order, id",
        |r| {
            let life_cycle: String = r.get(5)?;
            Ok(ProductLine {
                id: LineId(r.get(0)?),
                name: r.get(1)?,
                code: r.get(2)?,
                description: r.get(3)?,
                sort_order: r.get(4)?,
                life_cycle: crate::domain::derivation::LifeCycle::from_code(&life_cycle),
            })
        },
    )
}

pub(super) fn products(conn: &Connection) -> Result<Vec<Product>> {
    collect(
        conn,
        "SELECT id, line_id, name, list_price, sort_order FROM products ORDER BY sort_order, id",
        |r| {
            Ok(Product {
                id: ProductId(r.get(0)?),
                line: LineId(r.get(1)?),
                name: r.get(2)?,
                list_price: Money::from_fen(r.get(3)?),
                sort_order: r.get(4)?,
            })
        },
    )
}

fn versions(conn: &Connection) -> Result<Vec<Version>> {
    collect(
        conn,
        "SELECT id, name, kind, parent_id, created_at, note, locked, state, round_number,
                confirmed_at, content_hash, reason, requested_by
         FROM versions ORDER BY id",
        |r| {
            let kind: String = r.get(2)?;
            let state: String = r.get(7)?;
            Ok(Version {
                id: VersionId(r.get(0)?),
                name: r.get(1)?,
                kind: VersionKind::from_code(&kind).ok_or_else(|| bad("versions.kind", &kind))?,
                parent: r.get::<_, Option<i64>>(3)?.map(VersionId),
                created_at: r.get(4)?,
                note: r.get(5)?,
                locked: r.get(6)?,
                state: VersionState::from_code(&state)
                    .ok_or_else(|| bad("versions.state", &state))?,
                round_number: r.get(8)?,
                confirmed_at: r.get(9)?,
                content_hash: r.get(10)?,
                reason: r.get(11)?,
                requested_by: r.get(12)?,
            })
        },
    )
}

fn channels(conn: &Connection) -> Result<Vec<Channel>> {
    collect(
        conn,
        "SELECT id, name, kind FROM channels ORDER BY id",
        |r| {
            let kind: String = r.get(2)?;
            Ok(Channel {
                id: ChannelId(r.get(0)?),
                name: r.get(1)?,
                kind: ChannelKind::from_code(&kind).ok_or_else(|| bad("channels.kind", &kind))?,
            })
        },
    )
}

fn customers(conn: &Connection) -> Result<Vec<Customer>> {
    collect(
        conn,
        "SELECT id, name, industry, region, credit_rating, owner_id FROM customers ORDER BY id",
        |r| {
            Ok(Customer {
                id: CustomerId(r.get(0)?),
                name: r.get(1)?,
                industry: r.get(2)?,
                region: r.get(3)?,
                credit_rating: r.get(4)?,
                owner: r.get::<_, Option<i64>>(5)?.map(NodeId),
            })
        },
    )
}

pub(super) fn snapshot_targets(conn: &Connection, version: VersionId) -> Result<Vec<TargetCell>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, line_id, period, metric, value FROM target_cells
         WHERE version_id = ?1 ORDER BY node_id, line_id, period, metric",
    )?;
    let rows = stmt.query_map([version.0], |r| {
        let period: String = r.get(2)?;
        let metric: String = r.get(3)?;
        Ok(TargetCell {
            version,
            node: NodeId(r.get(0)?),
            line: r.get::<_, Option<i64>>(1)?.map(LineId),
            period: Period::parse_code(&period).map_err(|_| bad("target_cells.period", &period))?,
            metric: Metric::from_code(&metric)
                .ok_or_else(|| bad("target_cells.metric", &metric))?,
            value: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The locked cells of a version.
fn target_locks(conn: &Connection, version: VersionId) -> Result<Vec<TargetLock>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, line_id, period, metric FROM target_locks
         WHERE version_id = ?1 ORDER BY node_id, line_id, period, metric",
    )?;
    let rows = stmt.query_map([version.0], |r| {
        let period: String = r.get(2)?;
        let metric: String = r.get(3)?;
        Ok(TargetLock {
            node: NodeId(r.get(0)?),
            line: r.get::<_, Option<i64>>(1)?.map(LineId),
            period: Period::parse_code(&period).map_err(|_| bad("target_locks.period", &period))?,
            metric: Metric::from_code(&metric)
                .ok_or_else(|| bad("target_locks.metric", &metric))?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The latest confirmed version other than the current one, with its targets: what the
/// monthly grid compares the current figures with.
fn baseline(conn: &Connection, current: VersionId) -> Result<Option<(VersionId, Vec<TargetCell>)>> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM versions WHERE state = 'confirmed' AND id <> ?1
             ORDER BY confirmed_at DESC, id DESC LIMIT 1",
            [current.0],
            |r| r.get(0),
        )
        .optional()?;
    match id {
        None => Ok(None),
        Some(id) => Ok(Some((
            VersionId(id),
            snapshot_targets(conn, VersionId(id))?,
        ))),
    }
}

fn calendar(conn: &Connection) -> Result<(WorkCalendar, Vec<CalendarDay>)> {
    let days = collect(
        conn,
        "SELECT date, kind, name FROM calendar_days ORDER BY date",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    let mut cal = WorkCalendar::new();
    let mut named = Vec::with_capacity(days.len());
    for (date, kind, name) in days {
        let d: jiff::civil::Date = date.parse().map_err(|_| StoreError::InvalidValue {
            field: "calendar_days.date",
            value: date.clone(),
        })?;
        let holiday = kind == "holiday";
        if holiday {
            cal.add_holiday(d)?;
        } else {
            cal.add_makeup_workday(d)?;
        }
        named.push(CalendarDay {
            date: d,
            holiday,
            name,
        });
    }
    Ok((cal, named))
}

pub(super) fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(super) const SETTING_DEAL_SIZE: &str = "funnel.deal_size_fen";
pub(super) const SETTING_WIN_RATE: &str = "funnel.win_rate";
pub(super) const SETTING_VISITS_PER_WEEK: &str = "funnel.visits_per_week";

fn funnel_defaults(conn: &Connection) -> Result<FunnelDefaults> {
    let mut d = FunnelDefaults::default();
    if let Some(v) = setting(conn, SETTING_DEAL_SIZE)? {
        d.deal_size = Money::from_fen(v.parse().map_err(|_| StoreError::InvalidValue {
            field: SETTING_DEAL_SIZE,
            value: v.clone(),
        })?);
    }
    if let Some(v) = setting(conn, SETTING_WIN_RATE)? {
        d.win_rate = Ratio::parse(&v).map_err(|_| StoreError::InvalidValue {
            field: SETTING_WIN_RATE,
            value: v.clone(),
        })?;
    }
    if let Some(v) = setting(conn, SETTING_VISITS_PER_WEEK)? {
        d.visits_per_week = v.parse().map_err(|_| StoreError::InvalidValue {
            field: SETTING_VISITS_PER_WEEK,
            value: v.clone(),
        })?;
    }
    Ok(d)
}

fn history(conn: &Connection) -> Result<Vec<HistoryYear>> {
    let rows = collect(
        conn,
        "SELECT CAST(substr(date, 1, 4) AS INTEGER), CAST(substr(date, 6, 2) AS INTEGER),
                line_id, SUM(amount), COUNT(*)
         FROM history_sales GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        |r| {
            Ok((
                r.get::<_, i32>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        },
    )?;
    let mut years: Vec<HistoryYear> = Vec::new();
    for (year, month, line, amount, count) in rows {
        if !(1..=12).contains(&month) {
            return Err(StoreError::InvalidValue {
                field: "history_sales.date",
                value: format!("{year}-{month}"),
            });
        }
        if years.last().map(|y| y.year) != Some(year) {
            years.push(HistoryYear {
                year,
                total: Money::ZERO,
                contracts: 0,
                by_line: Vec::new(),
                by_month: [Money::ZERO; 12],
                by_line_region: Vec::new(),
                by_node: Vec::new(),
            });
        }
        let Some(y) = years.last_mut() else { continue };
        let amount = Money::from_fen(amount);
        y.total += amount;
        y.contracts += count.max(0) as u64;
        y.by_month[(month - 1) as usize] += amount;
        if let Some(line) = line {
            match y.by_line.iter_mut().find(|(l, _)| l.0 == line) {
                Some((_, m)) => *m += amount,
                None => y.by_line.push((LineId(line), amount)),
            }
        }
    }
    for y in &mut years {
        y.by_line.sort_by_key(|(l, _)| *l);
    }
    let by_line_region = collect(
        conn,
        "SELECT CAST(substr(date, 1, 4) AS INTEGER), line_id, region, SUM(amount)
         FROM history_sales GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        |r| {
            Ok((
                r.get::<_, i32>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        },
    )?;
    let by_node = collect(
        conn,
        "SELECT CAST(substr(date, 1, 4) AS INTEGER), node_id, SUM(amount)
         FROM history_sales WHERE node_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
        |r| {
            Ok((
                r.get::<_, i32>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    for (year, node, amount) in by_node {
        if let Some(y) = years.iter_mut().find(|y| y.year == year) {
            y.by_node.push((NodeId(node), Money::from_fen(amount)));
        }
    }
    for (year, line, region, amount) in by_line_region {
        if let Some(y) = years.iter_mut().find(|y| y.year == year) {
            y.by_line_region
                .push((line.map(LineId), region, Money::from_fen(amount)));
        }
    }
    Ok(years)
}

fn date_or_bad(
    field: &'static str,
    text: Option<String>,
) -> rusqlite::Result<Option<jiff::civil::Date>> {
    match text {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| bad(field, t)),
    }
}

pub(super) fn stages(conn: &Connection) -> Result<Vec<PipelineStage>> {
    collect(
        conn,
        "SELECT position, name, probability, playbook, is_won FROM pipeline_stages ORDER BY position",
        |r| {
            let probability: String = r.get(2)?;
            Ok(PipelineStage {
                position: r.get(0)?,
                name: r.get(1)?,
                probability: Ratio::parse(&probability)
                    .map_err(|_| bad("pipeline_stages.probability", &probability))?,
                playbook: r.get(3)?,
                is_won: r.get(4)?,
            })
        },
    )
}

pub(super) fn opportunities(conn: &Connection) -> Result<Vec<Opportunity>> {
    collect(
        conn,
        "SELECT id, source_id, node_id, customer_id, product_id, stage, status, engage_date,
                close_date, value
         FROM opportunities ORDER BY id",
        |r| {
            let status: String = r.get(6)?;
            Ok(Opportunity {
                id: OpportunityId(r.get(0)?),
                source_id: r.get(1)?,
                person: r.get::<_, Option<i64>>(2)?.map(NodeId),
                customer: r.get::<_, Option<i64>>(3)?.map(CustomerId),
                product: r.get::<_, Option<i64>>(4)?.map(ProductId),
                stage: r.get(5)?,
                status: DealStatus::from_code(&status)
                    .ok_or_else(|| bad("opportunities.status", &status))?,
                engage_date: date_or_bad("opportunities.engage_date", r.get(7)?)?,
                close_date: date_or_bad("opportunities.close_date", r.get(8)?)?,
                value: r.get::<_, Option<i64>>(9)?.map(Money::from_fen),
            })
        },
    )
}

pub(super) fn stage_events(conn: &Connection) -> Result<Vec<StageEvent>> {
    collect(
        conn,
        "SELECT opportunity_id, stage, entered_on FROM opportunity_stages
         ORDER BY opportunity_id, stage",
        |r| {
            let date: String = r.get(2)?;
            Ok(StageEvent {
                opportunity: OpportunityId(r.get(0)?),
                stage: r.get(1)?,
                date: date
                    .parse()
                    .map_err(|_| bad("opportunity_stages.entered_on", &date))?,
            })
        },
    )
}

/// Contracts signed in the plan year (actuals of kind contract), per person and fiscal month.
/// (The query `actuals_summary` must agree with; kept for the test that checks it.)
#[cfg(test)]
fn signed_by_person(conn: &Connection, fy: &FiscalYear) -> Result<Vec<(NodeId, [Money; 12])>> {
    let mut stmt = conn.prepare(
        "SELECT node_id, substr(date, 1, 7), IFNULL(SUM(amount), 0) FROM actuals
         WHERE kind = 'contract' AND node_id IS NOT NULL AND date >= ?1 AND date <= ?2
         GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map(
        [fy.start_date().to_string(), fy.end_date().to_string()],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    let mut out: Vec<(NodeId, [Money; 12])> = Vec::new();
    for row in rows {
        let (node, month, amount) = row?;
        let Ok(first) = crate::domain::period::parse_date(&format!("{month}-01")) else {
            continue;
        };
        let Some(m) = fy.fiscal_month_of(first) else {
            continue;
        };
        let node = NodeId(node);
        let i = match out.iter().position(|(n, _)| *n == node) {
            Some(i) => i,
            None => {
                out.push((node, [Money::ZERO; 12]));
                out.len() - 1
            }
        };
        let cell = &mut out[i].1[usize::from(m - 1)];
        *cell = cell.checked_add(Money::from_fen(amount)).unwrap_or(*cell);
    }
    Ok(out)
}

/// The actuals of the plan year summed by person, customer, product line, month and kind.
/// (The query `actuals_summary` must agree with; kept for the test that checks it.)
#[cfg(test)]
fn actual_cells(
    conn: &Connection,
    fy: &FiscalYear,
) -> Result<Vec<crate::domain::variance::ActualCell>> {
    let mut stmt = conn.prepare(
        "SELECT a.node_id, a.customer_id, IFNULL(a.line_id, p.line_id), substr(a.date, 1, 7),
                a.kind, IFNULL(SUM(a.amount), 0), IFNULL(SUM(a.count), 0)
         FROM actuals a LEFT JOIN products p ON p.id = a.product_id
         WHERE a.date >= ?1 AND a.date <= ?2
         GROUP BY 1, 2, 3, 4, 5 ORDER BY 4, 1, 2, 3, 5",
    )?;
    let rows = stmt.query_map(
        [fy.start_date().to_string(), fy.end_date().to_string()],
        |r| {
            Ok((
                r.get::<_, Option<i64>>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (node, customer, line, month, kind, amount, count) = row?;
        let Ok(first) = crate::domain::period::parse_date(&format!("{month}-01")) else {
            continue;
        };
        let Some(month) = fy.fiscal_month_of(first) else {
            continue;
        };
        out.push(crate::domain::variance::ActualCell {
            node: node.map(NodeId),
            customer: customer.map(crate::domain::model::CustomerId),
            line: line.map(LineId),
            month,
            kind: ActualKind::from_code(&kind).ok_or_else(|| bad("actuals.kind", &kind))?,
            amount: Money::from_fen(amount),
            count,
        });
    }
    Ok(out)
}

/// The totals of every year by kind (the query `actuals_summary` must agree with).
#[cfg(test)]
fn actuals_by_year(conn: &Connection) -> Result<Vec<ActualsYear>> {
    collect(
        conn,
        "SELECT CAST(substr(date, 1, 4) AS INTEGER), kind, COUNT(*), IFNULL(SUM(amount), 0),
                IFNULL(SUM(count), 0)
         FROM actuals GROUP BY 1, 2 ORDER BY 1, 2",
        |r| {
            let kind: String = r.get(1)?;
            Ok(ActualsYear {
                year: r.get(0)?,
                kind: ActualKind::from_code(&kind).ok_or_else(|| bad("actuals.kind", &kind))?,
                rows: r.get::<_, i64>(2)?.max(0) as u64,
                amount: Money::from_fen(r.get(3)?),
                count: r.get::<_, i64>(4)?.max(0) as u64,
            })
        },
    )
}

/// The actuals as the views use them, from one pass over the table (it can hold millions of
/// lines): the totals of every year by kind, the plan year's sums by person, customer,
/// product line, month and kind, and the plan year's contracts by person and month.
struct ActualsSummary {
    by_year: Vec<ActualsYear>,
    cells: Vec<crate::domain::variance::ActualCell>,
    signed: Vec<(NodeId, [Money; 12])>,
}

fn actuals_summary(
    conn: &Connection,
    fy: &FiscalYear,
    products: &[Product],
) -> Result<ActualsSummary> {
    use std::collections::{BTreeMap, HashMap};
    let line_of: HashMap<i64, i64> = products.iter().map(|p| (p.id.0, p.line.0)).collect();
    let (start, end) = (fy.start_date().to_string(), fy.end_date().to_string());
    // The fiscal month of each calendar month ("YYYY-MM") met, worked out once.
    let mut months: HashMap<[u8; 7], Option<u8>> = HashMap::new();
    let mut by_year: BTreeMap<(i64, &'static str), (u64, i64, i64)> = BTreeMap::new();
    type CellKey = ([u8; 7], Option<i64>, Option<i64>, Option<i64>, &'static str);
    let mut cells: HashMap<CellKey, (i64, i64)> = HashMap::new();
    let mut signed: BTreeMap<i64, [Money; 12]> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT node_id, customer_id, line_id, product_id, date, kind, amount, count FROM actuals",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let node: Option<i64> = r.get(0)?;
        let customer: Option<i64> = r.get(1)?;
        let line: Option<i64> = r.get(2)?;
        let product: Option<i64> = r.get(3)?;
        let date = r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        let kind_text = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
        let kind =
            ActualKind::from_code(kind_text).ok_or_else(|| bad("actuals.kind", kind_text))?;
        let code = kind.code();
        let amount: Option<i64> = r.get(6)?;
        let count: i64 = r.get(7)?;
        // Like SQLite's CAST(substr(date, 1, 4) AS INTEGER).
        let year = date
            .get(..4)
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(0);
        let e = by_year.entry((year, code)).or_insert((0, 0, 0));
        e.0 += 1;
        e.1 = e.1.saturating_add(amount.unwrap_or(0));
        e.2 = e.2.saturating_add(count);
        if date < start.as_str() || date > end.as_str() {
            continue;
        }
        let Some(month_text) = date
            .as_bytes()
            .get(..7)
            .and_then(|m| <[u8; 7]>::try_from(m).ok())
        else {
            continue;
        };
        let month = *months.entry(month_text).or_insert_with(|| {
            let text = std::str::from_utf8(&month_text).unwrap_or("");
            crate::domain::period::parse_date(&format!("{text}-01"))
                .ok()
                .and_then(|first| fy.fiscal_month_of(first))
        });
        let line = line.or_else(|| product.and_then(|p| line_of.get(&p).copied()));
        let c = cells
            .entry((month_text, node, customer, line, code))
            .or_insert((0, 0));
        c.0 = c.0.saturating_add(amount.unwrap_or(0));
        c.1 = c.1.saturating_add(count);
        if let (Some(m), Some(n), ActualKind::Contract) = (month, node, kind) {
            let cell = &mut signed.entry(n).or_insert([Money::ZERO; 12])[usize::from(m - 1)];
            *cell = cell
                .checked_add(Money::from_fen(amount.unwrap_or(0)))
                .unwrap_or(*cell);
        }
    }
    let mut cells: Vec<_> = cells.into_iter().collect();
    cells.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(ActualsSummary {
        by_year: by_year
            .into_iter()
            .filter_map(|((year, code), (rows, amount, count))| {
                Some(ActualsYear {
                    year: i32::try_from(year).ok()?,
                    kind: ActualKind::from_code(code)?,
                    rows,
                    amount: Money::from_fen(amount),
                    count: count.max(0) as u64,
                })
            })
            .collect(),
        cells: cells
            .into_iter()
            .filter_map(
                |((month_text, node, customer, line, code), (amount, count))| {
                    Some(crate::domain::variance::ActualCell {
                        node: node.map(NodeId),
                        customer: customer.map(crate::domain::model::CustomerId),
                        line: line.map(LineId),
                        month: (*months.get(&month_text)?)?,
                        kind: ActualKind::from_code(code)?,
                        amount: Money::from_fen(amount),
                        count,
                    })
                },
            )
            .collect(),
        signed: signed.into_iter().map(|(n, m)| (NodeId(n), m)).collect(),
    })
}

fn derivations(
    conn: &Connection,
    version: VersionId,
) -> Result<Vec<(Option<LineId>, crate::domain::derivation::DerivationInputs)>> {
    let mut stmt = conn.prepare(
        "SELECT line_id, inputs FROM derivations WHERE version_id = ?1 ORDER BY IFNULL(line_id, 0)",
    )?;
    let rows = stmt.query_map([version.0], |r| {
        Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (line, json) = row?;
        // Inputs this version cannot read are left out rather than failing the whole plan.
        if let Ok(inputs) = serde_json::from_str(&json) {
            out.push((line.map(LineId), inputs));
        }
    }
    Ok(out)
}

fn allocations(
    conn: &Connection,
    version: VersionId,
) -> Result<Vec<crate::domain::allocation::AllocationRule>> {
    use crate::domain::allocation::{AllocationRule, Dimension};
    let mut stmt = conn.prepare(
        "SELECT node_id, dimension, method, params FROM allocation_rules
         WHERE version_id = ?1 ORDER BY node_id, dimension",
    )?;
    let rows = stmt.query_map([version.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (node, dimension, method, json) = row?;
        // Rules this version cannot read are left out rather than failing the whole plan.
        if let (Some(dimension), Ok(params)) = (
            Dimension::from_code(&dimension),
            serde_json::from_str(&json),
        ) {
            out.push(AllocationRule {
                node: NodeId(node),
                dimension,
                method,
                params,
            });
        }
    }
    Ok(out)
}

/// The named things of a plan (see [`Store::named`]), as a snapshot has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub nodes: Vec<OrgNode>,
    pub customers: Vec<Customer>,
    pub products: Vec<Product>,
    pub lines: Vec<ProductLine>,
}

impl Store {
    pub fn plan_info(&self) -> Result<PlanInfo> {
        plan_info(&self.conn)
    }

    /// The plan year's actual lines added up by person, customer, product line, fiscal month and
    /// kind, in one pass over the lines: the actual side of every plan-against-actual table (the
    /// snapshot's `actual_cells`).
    pub fn actual_cells(&self) -> Result<Vec<crate::domain::variance::ActualCell>> {
        let tx = self.conn.unchecked_transaction()?;
        let plan = plan_info(&tx)?;
        let cells = actuals_summary(&tx, &plan.fiscal_year, &products(&tx)?)?.cells;
        tx.finish()?;
        Ok(cells)
    }

    /// The plan's named things — units and people, customers, products, product lines — read
    /// in one transaction: what an import checks names against, without the rest of a
    /// snapshot (on a large plan a snapshot reads millions of rows).
    pub fn named(&self) -> Result<Named> {
        let tx = self.conn.unchecked_transaction()?;
        let named = Named {
            nodes: nodes(&tx)?,
            customers: customers(&tx)?,
            products: products(&tx)?,
            lines: lines(&tx)?,
        };
        tx.finish()?;
        Ok(named)
    }

    /// Everything the views show, in one consistent read.
    pub fn snapshot(&self) -> Result<PlanSnapshot> {
        // One read transaction, so the parts come from the same state of the file.
        let tx = self.conn.unchecked_transaction()?;
        let plan = plan_info(&tx)?;
        let (calendar, calendar_days) = calendar(&tx)?;
        let products = products(&tx)?;
        let actuals = actuals_summary(&tx, &plan.fiscal_year, &products)?;
        let snapshot = PlanSnapshot {
            versions: versions(&tx)?,
            nodes: nodes(&tx)?,
            lines: lines(&tx)?,
            products,
            channels: channels(&tx)?,
            customers: customers(&tx)?,
            targets: snapshot_targets(&tx, plan.current_version)?,
            calendar,
            calendar_days,
            funnel: funnel_defaults(&tx)?,
            history: history(&tx)?,
            stages: stages(&tx)?,
            opportunities: opportunities(&tx)?,
            stage_events: stage_events(&tx)?,
            actuals: actuals.by_year,
            actual_cells: actuals.cells,
            signed: actuals.signed,
            aliases: super::import::aliases(&tx)?,
            rounds: super::negotiation::rounds(&tx)?,
            derivations: derivations(&tx, plan.current_version)?,
            allocations: allocations(&tx, plan.current_version)?,
            locks: target_locks(&tx, plan.current_version)?,
            baseline: baseline(&tx, plan.current_version)?,
            actions: super::actions::actions(&tx)?,
            support: super::actions::support_requests(&tx)?,
            contacts: super::accounts::contacts(&tx)?,
            matrix: super::accounts::matrix(&tx)?,
            goals: super::accounts::goals(&tx)?,
            first_business: super::accounts::first_business(&tx)?,
            expenses: super::finance::expenses_data(&tx)?,
            receivables: super::finance::receivables_data(&tx)?,
            reviews: super::reviews::reviews_data(&tx)?,
            plan,
        };
        tx.finish()?;
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass summary of the actuals gives exactly what the GROUP BY queries give.
    #[test]
    fn actuals_summary_agrees_with_the_queries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.salesplan");
        let shape = crate::demo::large::Shape {
            regions: 1,
            branches: 2,
            per_branch: 2,
        };
        let store = crate::demo::large::create_large(&path, shape, &|_| {}).unwrap();
        // Lines of other years, without a person or line, with a product only, of an odd kind
        // of date: all must come out the same both ways.
        store
            .conn
            .execute_batch(
                "INSERT INTO actuals (date, kind, node_id, customer_id, product_id, line_id, amount, count)
                 VALUES ('2025-12-31', 'contract', 5, NULL, 1, NULL, 100, 1),
                        ('2026-03-05', 'contract', NULL, NULL, 2, NULL, 7, 2),
                        ('2026-03-05', 'visit', 5, NULL, NULL, NULL, NULL, 3),
                        ('2027-01-01', 'collection', 5, NULL, NULL, 1, 9, 1);",
            )
            .unwrap();
        let fy = plan_info(&store.conn).unwrap().fiscal_year;
        let summary = actuals_summary(&store.conn, &fy, &products(&store.conn).unwrap()).unwrap();
        assert_eq!(summary.by_year, actuals_by_year(&store.conn).unwrap());
        assert_eq!(summary.cells, actual_cells(&store.conn, &fy).unwrap());
        assert_eq!(summary.signed, signed_by_person(&store.conn, &fy).unwrap());
        assert!(summary.cells.len() > 100);
        assert_eq!(summary.by_year.len(), 5 + 1 + 1);
    }
}
