//! Changing the plan file. Each public method is one user change: validated against the domain
//! rules, written in one transaction, undoable.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::read::{self, SETTING_DEAL_SIZE, SETTING_VISITS_PER_WEEK, SETTING_WIN_RATE};
use super::{ChangeLabel, Result, Store, StoreError};
use crate::domain::model::{
    ChannelKind, CustomerId, FunnelDefaults, LineId, Metric, NodeId, ProductId, UnitKind,
    VersionId, VersionKind,
};
use crate::domain::money::Money;
use crate::domain::org::{OrgTree, clean_name};
use crate::domain::period::{FiscalYear, Period};

/// What a new plan starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlan {
    pub name: String,
    pub organisation: String,
    pub fiscal_year: i32,
    pub fiscal_start_month: u8,
    /// Name of the root of the organisation tree.
    pub company: String,
    /// Name of the first (draft) version.
    pub version_name: String,
    /// Names of the default channels: direct, distribution, e-commerce.
    pub channels: [String; 3],
}

/// Editable fields of a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFields {
    pub title: String,
    pub email: String,
    pub visits_per_week: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductLineFields {
    pub name: String,
    pub code: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductFields {
    pub line: LineId,
    pub name: String,
    pub list_price: Money,
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Writes the plan row, its first version, the root unit and the default channels.
pub(super) fn init_plan(tx: &Transaction, plan: &NewPlan) -> Result<()> {
    let fy = FiscalYear::new(plan.fiscal_year, plan.fiscal_start_month)?;
    let name = clean_name(&plan.name)?;
    let company = clean_name(&plan.company)?;
    tx.execute(
        "INSERT INTO versions (name, kind, created_at) VALUES (?1, ?2, ?3)",
        params![plan.version_name, VersionKind::Draft.code(), now()],
    )?;
    let version = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO plan (id, name, organisation, fiscal_year, fiscal_start_month,
                           current_version_id, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            name,
            plan.organisation.trim(),
            fy.year(),
            fy.start_month(),
            version,
            now()
        ],
    )?;
    insert_node(tx, None, UnitKind::Company, &company)?;
    for (name, kind) in plan.channels.iter().zip([
        ChannelKind::Direct,
        ChannelKind::Distribution,
        ChannelKind::Ecommerce,
    ]) {
        tx.execute(
            "INSERT INTO channels (name, kind) VALUES (?1, ?2)",
            params![name, kind.code()],
        )?;
    }
    Ok(())
}

fn tree(conn: &Connection) -> Result<OrgTree> {
    Ok(OrgTree::new(&read::nodes(conn)?))
}

fn next_sort_order(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(
        &format!("SELECT IFNULL(MAX(sort_order), 0) + 1 FROM {table}"),
        [],
        |r| r.get(0),
    )?)
}

/// Adds a node after validating it against the tree; returns its id.
pub(crate) fn insert_node(
    tx: &Connection,
    parent: Option<NodeId>,
    kind: UnitKind,
    name: &str,
) -> Result<NodeId> {
    let name = tree(tx)?.check_add(parent, kind, name)?;
    let sort = next_sort_order(tx, "org_nodes")?;
    tx.execute(
        "INSERT INTO org_nodes (parent_id, kind, name, sort_order) VALUES (?1, ?2, ?3, ?4)",
        params![parent.map(|p| p.0), kind.code(), name, sort],
    )?;
    Ok(NodeId(tx.last_insert_rowid()))
}

pub(crate) fn update_person(tx: &Connection, id: NodeId, fields: &PersonFields) -> Result<()> {
    let t = tree(tx)?;
    let node = t.get(id).ok_or(StoreError::Missing {
        what: "org_node",
        id: id.0,
    })?;
    if !node.kind.is_person() {
        return Err(crate::domain::org::OrgError::NotAPerson {
            name: node.name.clone(),
        }
        .into());
    }
    if let Some(v) = fields.visits_per_week {
        crate::domain::funnel::check_visits_per_week(v)?;
    }
    tx.execute(
        "UPDATE org_nodes SET title = ?2, email = ?3, visits_per_week = ?4 WHERE id = ?1",
        params![
            id.0,
            fields.title.trim(),
            fields.email.trim(),
            fields.visits_per_week
        ],
    )?;
    Ok(())
}

fn check_line_name(conn: &Connection, name: &str, except: Option<LineId>) -> Result<String> {
    let name = clean_name(name)?;
    let clash: Option<i64> = conn
        .query_row(
            "SELECT id FROM product_lines WHERE name = ?1 AND id IS NOT ?2",
            params![name, except.map(|l| l.0)],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(StoreError::DuplicateName { name });
    }
    Ok(name)
}

fn check_product_name(conn: &Connection, name: &str, except: Option<ProductId>) -> Result<String> {
    let name = clean_name(name)?;
    let clash: Option<i64> = conn
        .query_row(
            "SELECT id FROM products WHERE name = ?1 AND id IS NOT ?2",
            params![name, except.map(|p| p.0)],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(StoreError::DuplicateName { name });
    }
    Ok(name)
}

fn check_price(price: Money) -> Result<()> {
    if price.is_negative() {
        return Err(StoreError::InvalidValue {
            field: "list_price",
            value: price.to_string(),
        });
    }
    Ok(())
}

pub(crate) fn insert_line(tx: &Connection, fields: &ProductLineFields) -> Result<LineId> {
    let name = check_line_name(tx, &fields.name, None)?;
    let sort = next_sort_order(tx, "product_lines")?;
    tx.execute(
        "INSERT INTO product_lines (name, code, description, sort_order) VALUES (?1, ?2, ?3, ?4)",
        params![name, fields.code.trim(), fields.description.trim(), sort],
    )?;
    Ok(LineId(tx.last_insert_rowid()))
}

fn line_exists(conn: &Connection, line: LineId) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM product_lines WHERE id = ?1)",
        [line.0],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::Missing {
            what: "product_line",
            id: line.0,
        });
    }
    Ok(())
}

pub(crate) fn insert_product(tx: &Connection, fields: &ProductFields) -> Result<ProductId> {
    line_exists(tx, fields.line)?;
    let name = check_product_name(tx, &fields.name, None)?;
    check_price(fields.list_price)?;
    let sort = next_sort_order(tx, "products")?;
    tx.execute(
        "INSERT INTO products (line_id, name, list_price, sort_order) VALUES (?1, ?2, ?3, ?4)",
        params![fields.line.0, name, fields.list_price.fen(), sort],
    )?;
    Ok(ProductId(tx.last_insert_rowid()))
}

fn version_name_if_locked(conn: &Connection, version: VersionId) -> Result<Option<String>> {
    let row: Option<(String, bool)> = conn
        .query_row(
            "SELECT name, locked FROM versions WHERE id = ?1",
            [version.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Err(StoreError::Missing {
            what: "version",
            id: version.0,
        }),
        Some((name, true)) => Ok(Some(name)),
        Some((_, false)) => Ok(None),
    }
}

/// Refuses changes to a locked version (confirmed, or a superseded round).
pub(crate) fn check_editable(tx: &Connection, version: VersionId) -> Result<()> {
    match version_name_if_locked(tx, version)? {
        Some(name) => Err(StoreError::VersionLocked { name }),
        None => Ok(()),
    }
}

/// Sets (or with `None` clears) one target cell.
pub(crate) fn put_target(
    tx: &Connection,
    version: VersionId,
    node: NodeId,
    line: Option<LineId>,
    period: Period,
    metric: Metric,
    value: Option<i64>,
) -> Result<()> {
    check_editable(tx, version)?;
    if let Some(v) = value
        && v < 0
    {
        return Err(StoreError::InvalidValue {
            field: metric.code(),
            value: v.to_string(),
        });
    }
    tx.execute(
        "DELETE FROM target_cells WHERE version_id = ?1 AND node_id = ?2 AND line_id IS ?3
           AND period = ?4 AND metric = ?5",
        params![
            version.0,
            node.0,
            line.map(|l| l.0),
            period.code(),
            metric.code()
        ],
    )?;
    if let Some(v) = value {
        tx.execute(
            "INSERT INTO target_cells (version_id, node_id, line_id, period, metric, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                version.0,
                node.0,
                line.map(|l| l.0),
                period.code(),
                metric.code(),
                v
            ],
        )?;
    }
    Ok(())
}

/// Fields of a customer to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerFields {
    pub name: String,
    pub industry: String,
    pub region: String,
    pub credit_rating: String,
    pub owner: Option<NodeId>,
}

pub(crate) fn insert_customer(tx: &Connection, c: &CustomerFields) -> Result<CustomerId> {
    let name = clean_name(&c.name)?;
    let clash: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE name = ?1)",
        [&name],
        |r| r.get(0),
    )?;
    if clash {
        return Err(StoreError::DuplicateName { name });
    }
    tx.execute(
        "INSERT INTO customers (name, industry, region, credit_rating, owner_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            name,
            c.industry.trim(),
            c.region.trim(),
            c.credit_rating.trim(),
            c.owner.map(|o| o.0)
        ],
    )?;
    Ok(CustomerId(tx.last_insert_rowid()))
}

/// One recorded sale of a past year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistorySale {
    pub date: jiff::civil::Date,
    pub amount: Money,
    pub line: Option<LineId>,
    pub product: Option<ProductId>,
    pub node: Option<NodeId>,
    pub customer: Option<CustomerId>,
    pub reference: String,
}

pub(crate) fn insert_history(tx: &Connection, sales: &[HistorySale]) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO history_sales (date, amount, line_id, product_id, node_id, customer_id, reference)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in sales {
        stmt.execute(params![
            s.date.to_string(),
            s.amount.fen(),
            s.line.map(|l| l.0),
            s.product.map(|p| p.0),
            s.node.map(|n| n.0),
            s.customer.map(|c| c.0),
            s.reference
        ])?;
    }
    Ok(())
}

pub(super) fn put_setting(tx: &Connection, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub(crate) fn put_funnel_defaults(tx: &Connection, d: &FunnelDefaults) -> Result<()> {
    crate::domain::funnel::check_defaults(d)?;
    put_setting(tx, SETTING_DEAL_SIZE, &d.deal_size.fen().to_string())?;
    let rate = d.win_rate;
    put_setting(
        tx,
        SETTING_WIN_RATE,
        &format!("{}/{}", rate.num(), rate.den()),
    )?;
    put_setting(tx, SETTING_VISITS_PER_WEEK, &d.visits_per_week.to_string())?;
    Ok(())
}

pub(crate) fn put_calendar_day(
    tx: &Connection,
    date: jiff::civil::Date,
    holiday: bool,
    name: &str,
) -> Result<()> {
    // Validate against the rest of the calendar (a make-up day must fall on a weekend).
    let mut cal = {
        let mut stmt = tx.prepare("SELECT date, kind FROM calendar_days WHERE date <> ?1")?;
        let rows = stmt.query_map([date.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut cal = crate::domain::period::WorkCalendar::new();
        for row in rows {
            let (d, kind) = row?;
            if let Ok(d) = d.parse::<jiff::civil::Date>() {
                let _ = if kind == "holiday" {
                    cal.add_holiday(d)
                } else {
                    cal.add_makeup_workday(d)
                };
            }
        }
        cal
    };
    if holiday {
        cal.add_holiday(date)?;
    } else {
        cal.add_makeup_workday(date)?;
    }
    tx.execute(
        "INSERT INTO calendar_days (date, kind, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        params![
            date.to_string(),
            if holiday { "holiday" } else { "workday" },
            name.trim()
        ],
    )?;
    Ok(())
}

/// The name of the row `id` of `table` (which has a `name` column), or Missing.
pub(super) fn name_of(
    conn: &Connection,
    table: &'static str,
    what: &'static str,
    id: i64,
) -> Result<String> {
    conn.query_row(
        &format!("SELECT name FROM {table} WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::Missing { what, id })
}

fn node_name(conn: &Connection, id: NodeId) -> Result<String> {
    name_of(conn, "org_nodes", "org_node", id.0)
}

fn line_name(conn: &Connection, id: LineId) -> Result<String> {
    name_of(conn, "product_lines", "product_line", id.0)
}

pub(super) fn product_name(conn: &Connection, id: ProductId) -> Result<String> {
    name_of(conn, "products", "product", id.0)
}

/// What deleting a node (with everything below it) would take with it, so the user can be
/// asked first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteImpact {
    pub nodes: i64,
    pub people: i64,
    pub target_cells: i64,
    pub customers: i64,
    pub history_rows: i64,
}

impl DeleteImpact {
    /// Whether deleting loses anything beyond one empty node.
    pub fn needs_confirmation(&self) -> bool {
        self.nodes > 1 || self.target_cells > 0 || self.customers > 0 || self.history_rows > 0
    }
}

fn id_list(ids: &[NodeId]) -> String {
    ids.iter()
        .map(|n| n.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Units, people and product lines.
impl Store {
    pub fn add_node(&mut self, parent: NodeId, kind: UnitKind, name: &str) -> Result<NodeId> {
        self.change(ChangeLabel::new("change.add_node", name.trim()), |tx| {
            insert_node(tx, Some(parent), kind, name)
        })
    }

    pub fn rename_node(&mut self, id: NodeId, name: &str) -> Result<()> {
        self.change(ChangeLabel::new("change.rename_node", name.trim()), |tx| {
            let name = tree(tx)?.check_rename(id, name)?;
            tx.execute(
                "UPDATE org_nodes SET name = ?2 WHERE id = ?1",
                params![id.0, name],
            )?;
            Ok(())
        })
    }

    pub fn set_node_kind(&mut self, id: NodeId, kind: UnitKind) -> Result<()> {
        let name = node_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.set_node_kind", name), |tx| {
            tree(tx)?.check_kind_change(id, kind)?;
            tx.execute(
                "UPDATE org_nodes SET kind = ?2 WHERE id = ?1",
                params![id.0, kind.code()],
            )?;
            Ok(())
        })
    }

    pub fn move_node(&mut self, id: NodeId, new_parent: NodeId) -> Result<()> {
        let name = node_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.move_node", name), |tx| {
            tree(tx)?.check_move(id, new_parent)?;
            tx.execute(
                "UPDATE org_nodes SET parent_id = ?2 WHERE id = ?1",
                params![id.0, new_parent.0],
            )?;
            Ok(())
        })
    }

    /// Moves a node one place up (`-1`) or down (`+1`) among its siblings.
    pub fn reorder_node(&mut self, id: NodeId, delta: i32) -> Result<()> {
        let name = node_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.reorder_node", name), |tx| {
            let t = tree(tx)?;
            let parent = t.get(id).and_then(|n| n.parent);
            let siblings: Vec<NodeId> = match parent {
                Some(p) => t.children(p).to_vec(),
                None => t.roots().to_vec(),
            };
            let Some(pos) = siblings.iter().position(|&s| s == id) else {
                return Ok(());
            };
            let target = pos as i64 + i64::from(delta);
            if target < 0 || target >= siblings.len() as i64 {
                return Ok(());
            }
            let mut order = siblings.clone();
            order.swap(pos, target as usize);
            for (i, n) in order.iter().enumerate() {
                tx.execute(
                    "UPDATE org_nodes SET sort_order = ?2 WHERE id = ?1 AND sort_order <> ?2",
                    params![n.0, i as i64],
                )?;
            }
            Ok(())
        })
    }

    pub fn update_person(&mut self, id: NodeId, fields: &PersonFields) -> Result<()> {
        let name = node_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.update_person", name), |tx| {
            update_person(tx, id, fields)
        })
    }

    /// What deleting `id` would remove.
    pub fn delete_node_impact(&self, id: NodeId) -> Result<DeleteImpact> {
        let all = tree(&self.conn)?.check_delete(id)?;
        let list = id_list(&all);
        let count =
            |sql: String| -> Result<i64> { Ok(self.conn.query_row(&sql, [], |r| r.get(0))?) };
        Ok(DeleteImpact {
            nodes: all.len() as i64,
            people: count(format!(
                "SELECT COUNT(*) FROM org_nodes WHERE kind = 'person' AND id IN ({list})"
            ))?,
            target_cells: count(format!(
                "SELECT COUNT(*) FROM target_cells WHERE node_id IN ({list})"
            ))?,
            customers: count(format!(
                "SELECT COUNT(*) FROM customers WHERE owner_id IN ({list})"
            ))?,
            history_rows: count(format!(
                "SELECT COUNT(*) FROM history_sales WHERE node_id IN ({list})"
            ))?,
        })
    }

    /// Deletes a unit or person with everything below it and their targets. Customers they
    /// owned lose their owner; sales history is kept but no longer attributed to them.
    pub fn delete_node(&mut self, id: NodeId) -> Result<()> {
        let name = node_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.delete_node", name), |tx| {
            let all = tree(tx)?.check_delete(id)?;
            let list = id_list(&all);
            tx.execute_batch(&format!(
                "DELETE FROM target_cells WHERE node_id IN ({list});
                 DELETE FROM round_units WHERE node_id IN ({list});
                 DELETE FROM allocation_rules WHERE node_id IN ({list});
                 DELETE FROM target_locks WHERE node_id IN ({list});
                 DELETE FROM monthly_actions WHERE node_id IN ({list});
                 DELETE FROM support_requests WHERE node_id IN ({list});
                 DELETE FROM goal_items WHERE node_id IN ({list});
                 DELETE FROM expense_budget WHERE node_id IN ({list});
                 DELETE FROM expense_actuals WHERE node_id IN ({list});
                 DELETE FROM budget_moves WHERE node_id IN ({list});
                 UPDATE review_variances SET node_id = NULL WHERE node_id IN ({list});
                 UPDATE review_actions SET owner_id = NULL WHERE owner_id IN ({list});
                 UPDATE contracts SET node_id = NULL WHERE node_id IN ({list});
                 UPDATE opportunities SET node_id = NULL WHERE node_id IN ({list});
                 UPDATE actuals SET node_id = NULL WHERE node_id IN ({list});
                 UPDATE customers SET owner_id = NULL WHERE owner_id IN ({list});
                 UPDATE history_sales SET node_id = NULL WHERE node_id IN ({list});"
            ))?;
            // Deepest first, so no row is left pointing at a deleted parent.
            for n in all.iter().rev() {
                tx.execute("DELETE FROM org_nodes WHERE id = ?1", [n.0])?;
            }
            Ok(())
        })
    }

    pub fn add_product_line(&mut self, fields: &ProductLineFields) -> Result<LineId> {
        self.change(
            ChangeLabel::new("change.add_line", fields.name.trim()),
            |tx| insert_line(tx, fields),
        )
    }

    pub fn update_product_line(&mut self, id: LineId, fields: &ProductLineFields) -> Result<()> {
        self.change(
            ChangeLabel::new("change.update_line", fields.name.trim()),
            |tx| {
                line_exists(tx, id)?;
                let name = check_line_name(tx, &fields.name, Some(id))?;
                tx.execute(
                    "UPDATE product_lines SET name = ?2, code = ?3, description = ?4 WHERE id = ?1",
                    params![id.0, name, fields.code.trim(), fields.description.trim()],
                )?;
                Ok(())
            },
        )
    }

    /// How many products and target cells deleting a product line would remove.
    pub fn delete_line_impact(&self, id: LineId) -> Result<(i64, i64)> {
        let products: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM products WHERE line_id = ?1",
            [id.0],
            |r| r.get(0),
        )?;
        let cells: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM target_cells WHERE line_id = ?1",
            [id.0],
            |r| r.get(0),
        )?;
        Ok((products, cells))
    }

    /// Deletes a product line with its products and its targets; history keeps its amounts
    /// but is no longer attributed to the line or its products.
    pub fn delete_product_line(&mut self, id: LineId) -> Result<()> {
        let name = line_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.delete_line", name), |tx| {
            tx.execute(
                "UPDATE history_sales SET product_id = NULL
                 WHERE product_id IN (SELECT id FROM products WHERE line_id = ?1)",
                [id.0],
            )?;
            tx.execute(
                "UPDATE history_sales SET line_id = NULL WHERE line_id = ?1",
                [id.0],
            )?;
            tx.execute("DELETE FROM target_cells WHERE line_id = ?1", [id.0])?;
            tx.execute("DELETE FROM derivations WHERE line_id = ?1", [id.0])?;
            tx.execute("DELETE FROM target_locks WHERE line_id = ?1", [id.0])?;
            tx.execute(
                "UPDATE actuals SET line_id = NULL WHERE line_id = ?1",
                [id.0],
            )?;
            for table in ["opportunities", "actuals", "monthly_actions"] {
                tx.execute(
                    &format!(
                        "UPDATE {table} SET product_id = NULL
                         WHERE product_id IN (SELECT id FROM products WHERE line_id = ?1)"
                    ),
                    [id.0],
                )?;
            }
            tx.execute("DELETE FROM products WHERE line_id = ?1", [id.0])?;
            tx.execute("DELETE FROM product_lines WHERE id = ?1", [id.0])?;
            Ok(())
        })
    }

    pub fn add_product(&mut self, fields: &ProductFields) -> Result<ProductId> {
        self.change(
            ChangeLabel::new("change.add_product", fields.name.trim()),
            |tx| insert_product(tx, fields),
        )
    }

    pub fn update_product(&mut self, id: ProductId, fields: &ProductFields) -> Result<()> {
        self.change(
            ChangeLabel::new("change.update_product", fields.name.trim()),
            |tx| {
                line_exists(tx, fields.line)?;
                product_name(tx, id)?;
                let name = check_product_name(tx, &fields.name, Some(id))?;
                check_price(fields.list_price)?;
                tx.execute(
                    "UPDATE products SET line_id = ?2, name = ?3, list_price = ?4 WHERE id = ?1",
                    params![id.0, fields.line.0, name, fields.list_price.fen()],
                )?;
                // History follows its product into the new line.
                tx.execute(
                    "UPDATE history_sales SET line_id = ?2 WHERE product_id = ?1",
                    params![id.0, fields.line.0],
                )?;
                Ok(())
            },
        )
    }

    pub fn delete_product(&mut self, id: ProductId) -> Result<()> {
        let name = product_name(&self.conn, id)?;
        self.change(ChangeLabel::new("change.delete_product", name), |tx| {
            for table in [
                "history_sales",
                "opportunities",
                "actuals",
                "monthly_actions",
            ] {
                tx.execute(
                    &format!("UPDATE {table} SET product_id = NULL WHERE product_id = ?1"),
                    [id.0],
                )?;
            }
            tx.execute("DELETE FROM products WHERE id = ?1", [id.0])?;
            Ok(())
        })
    }
}

/// The plan's own settings, calendar and targets.
impl Store {
    pub fn rename_plan(&mut self, name: &str, organisation: &str) -> Result<()> {
        self.change(ChangeLabel::new("change.rename_plan", name.trim()), |tx| {
            let name = clean_name(name)?;
            tx.execute(
                "UPDATE plan SET name = ?1, organisation = ?2 WHERE id = 1",
                params![name, organisation.trim()],
            )?;
            Ok(())
        })
    }

    pub fn set_fiscal_year(&mut self, year: i32, start_month: u8) -> Result<()> {
        let fy = FiscalYear::new(year, start_month)?;
        self.change(ChangeLabel::new("change.fiscal_year", fy.label()), |tx| {
            tx.execute(
                "UPDATE plan SET fiscal_year = ?1, fiscal_start_month = ?2 WHERE id = 1",
                params![fy.year(), fy.start_month()],
            )?;
            Ok(())
        })
    }

    pub fn set_funnel_defaults(&mut self, d: &FunnelDefaults) -> Result<()> {
        self.change(ChangeLabel::new("change.funnel_defaults", ""), |tx| {
            put_funnel_defaults(tx, d)
        })
    }

    /// Marks a date as a public holiday (`holiday`) or a make-up working day (调休).
    pub fn set_calendar_day(
        &mut self,
        date: jiff::civil::Date,
        holiday: bool,
        name: &str,
    ) -> Result<()> {
        self.change(
            ChangeLabel::new("change.calendar_day", date.to_string()),
            |tx| put_calendar_day(tx, date, holiday, name),
        )
    }

    pub fn remove_calendar_day(&mut self, date: jiff::civil::Date) -> Result<()> {
        self.change(
            ChangeLabel::new("change.calendar_day_remove", date.to_string()),
            |tx| {
                tx.execute(
                    "DELETE FROM calendar_days WHERE date = ?1",
                    [date.to_string()],
                )?;
                Ok(())
            },
        )
    }

    /// Sets (or with `None` clears) one target cell of the current version.
    pub fn set_target(
        &mut self,
        node: NodeId,
        line: Option<LineId>,
        period: Period,
        metric: Metric,
        value: Option<i64>,
    ) -> Result<()> {
        let name = node_name(&self.conn, node)?;
        self.change(ChangeLabel::new("change.set_target", name), |tx| {
            let version = read::plan_info(tx)?.current_version;
            put_target(tx, version, node, line, period, metric, value)
        })
    }
}

/// Writes done in bulk, as one transaction that is not an undo step: creating a plan and
/// loading the demo.
pub struct Bulk<'a> {
    pub(super) tx: &'a Transaction<'a>,
}

impl Bulk<'_> {
    pub fn current_version(&self) -> Result<VersionId> {
        Ok(read::plan_info(self.tx)?.current_version)
    }

    /// Sets a setting of the plan file.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        put_setting(self.tx, key, value)
    }

    pub fn root(&self) -> Result<NodeId> {
        tree(self.tx)?
            .root()
            .map(|n| n.id)
            .ok_or(StoreError::Missing {
                what: "org_root",
                id: 0,
            })
    }

    pub fn add_node(&self, parent: NodeId, kind: UnitKind, name: &str) -> Result<NodeId> {
        insert_node(self.tx, Some(parent), kind, name)
    }

    pub fn update_person(&self, id: NodeId, fields: &PersonFields) -> Result<()> {
        update_person(self.tx, id, fields)
    }

    pub fn add_line(&self, fields: &ProductLineFields) -> Result<LineId> {
        insert_line(self.tx, fields)
    }

    pub fn add_product(&self, fields: &ProductFields) -> Result<ProductId> {
        insert_product(self.tx, fields)
    }

    pub fn add_customer(&self, fields: &CustomerFields) -> Result<CustomerId> {
        insert_customer(self.tx, fields)
    }

    /// The id of the contract added last.
    pub fn last_contract(&self) -> Result<i64> {
        Ok(self
            .tx
            .query_row("SELECT IFNULL(MAX(id), 0) FROM contracts", [], |r| r.get(0))?)
    }

    /// A change to expenses or receivables (see [`super::finance::FinanceChange`]).
    pub fn finance(&self, change: &super::finance::FinanceChange) -> Result<()> {
        super::finance::apply(self.tx, change)
    }

    /// A change to the battle plan (see [`super::accounts::AccountChange`]).
    pub fn account(&self, change: &super::accounts::AccountChange) -> Result<()> {
        super::accounts::apply(self.tx, change)
    }

    pub fn set_target(
        &self,
        node: NodeId,
        line: Option<LineId>,
        period: Period,
        metric: Metric,
        value: i64,
    ) -> Result<()> {
        let version = self.current_version()?;
        put_target(self.tx, version, node, line, period, metric, Some(value))
    }

    /// Saves a scope's derivation inputs in the current version.
    pub fn set_derivation_inputs(
        &self,
        line: Option<LineId>,
        inputs: &crate::domain::derivation::DerivationInputs,
    ) -> Result<()> {
        let json = serde_json::to_string(inputs).map_err(|e| StoreError::Sqlite {
            detail: e.to_string(),
        })?;
        super::targets::save_inputs(self.tx, self.current_version()?, line, &json)
    }

    pub fn set_life_cycle(
        &self,
        line: LineId,
        stage: Option<crate::domain::derivation::LifeCycle>,
    ) -> Result<()> {
        self.tx.execute(
            "UPDATE product_lines SET life_cycle = ?2 WHERE id = ?1",
            rusqlite::params![line.0, stage.map(|s| s.code()).unwrap_or("")],
        )?;
        Ok(())
    }

    pub fn add_action(
        &self,
        person: NodeId,
        month: u8,
        fields: &crate::domain::actions::ActionFields,
    ) -> Result<i64> {
        super::actions::insert_action(self.tx, person, month, fields)
    }

    pub fn add_support(
        &self,
        person: NodeId,
        month: u8,
        kind: crate::domain::actions::SupportKind,
        description: &str,
    ) -> Result<i64> {
        super::actions::insert_support(self.tx, person, month, kind, description)
    }

    pub fn add_history(&self, sales: &[HistorySale]) -> Result<()> {
        insert_history(self.tx, sales)
    }

    pub fn set_funnel_defaults(&self, d: &FunnelDefaults) -> Result<()> {
        put_funnel_defaults(self.tx, d)
    }

    pub fn set_calendar_day(
        &self,
        date: jiff::civil::Date,
        holiday: bool,
        name: &str,
    ) -> Result<()> {
        put_calendar_day(self.tx, date, holiday, name)
    }
}

impl Store {
    /// Creates a plan file and fills it in one transaction; the file appears only when complete
    /// (it is written under a temporary name and renamed).
    pub fn create_with(
        path: &std::path::Path,
        plan: &NewPlan,
        fill: impl FnOnce(&Bulk) -> Result<()>,
    ) -> Result<Store> {
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".partial");
        let tmp = std::path::PathBuf::from(tmp);
        for leftover in [tmp.clone(), wal_of(&tmp, "-wal"), wal_of(&tmp, "-shm")] {
            if leftover.exists() {
                std::fs::remove_file(&leftover).map_err(|e| StoreError::Io {
                    path: leftover.clone(),
                    detail: e.to_string(),
                })?;
            }
        }
        {
            let mut store = Store::create_schema(&tmp)?;
            store.bulk(|tx| {
                init_plan(tx, plan)?;
                fill(&Bulk { tx })
            })?;
            // Fold the write-ahead log into the file so the rename moves one complete file.
            store
                .conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
        std::fs::rename(&tmp, path).map_err(|e| StoreError::Io {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
        for leftover in [wal_of(&tmp, "-wal"), wal_of(&tmp, "-shm")] {
            let _ = std::fs::remove_file(leftover);
        }
        Store::open(path)
    }
}

fn wal_of(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    std::path::PathBuf::from(s)
}
