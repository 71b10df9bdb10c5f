//! Writing a prepared import: names resolved to existing people, customers, products and
//! product lines (through the alias table and loose matching) or created; rows inserted, or
//! updated when their source id or content key is already there. One transaction, one undo
//! step; cancelled or failed, nothing is written.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{ChangeLabel, Result, Store, StoreError, read, write};
use crate::domain::model::{CustomerId, LineId, NodeId, ProductId, UnitKind};
use crate::domain::money::Money;
use crate::exchange::fields::{ImportKind, StageValue};
use crate::exchange::import::{ImportSettings, Prepared, Record};
use crate::exchange::values::match_key;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows of the file left out because they had problems (only when the user chose to
    /// import the valid rows).
    pub skipped: usize,
    /// How many people, customers, product lines, … were created, by kind.
    pub created: BTreeMap<&'static str, u64>,
}

/// Kinds of name the alias table covers.
pub const ALIAS_KINDS: [&str; 4] = ["person", "customer", "product", "product_line"];

pub use crate::domain::model::Alias;

enum Change {
    Inserted,
    Updated,
    Unchanged,
}

impl ImportOutcome {
    fn count(&mut self, change: Change) {
        match change {
            Change::Inserted => self.inserted += 1,
            Change::Updated => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }
}

/// Names already in the plan, by match key, and the aliases.
struct Resolver {
    root: NodeId,
    people: HashMap<String, NodeId>,
    /// Units by (parent, match key).
    units: HashMap<(NodeId, String), NodeId>,
    customers: HashMap<String, CustomerId>,
    products: HashMap<String, ProductId>,
    lines: HashMap<String, LineId>,
    aliases: HashMap<(String, String), String>,
    created: BTreeMap<&'static str, u64>,
    /// Contracts by match key of their number, and those this import created.
    contracts: HashMap<String, i64>,
    new_contracts: std::collections::HashSet<i64>,
    /// Expense items by every name they go by (read when first needed).
    expense_items: Option<HashMap<String, i64>>,
}

impl Resolver {
    fn load(conn: &Connection) -> Result<Resolver> {
        let nodes = read::nodes(conn)?;
        let tree = crate::domain::org::OrgTree::new(&nodes);
        let root = tree.root().map(|r| r.id).ok_or(StoreError::Missing {
            what: "org_root",
            id: 0,
        })?;
        let mut people = HashMap::new();
        let mut units = HashMap::new();
        for n in &nodes {
            if n.kind.is_person() {
                people.entry(match_key(&n.name)).or_insert(n.id);
            } else if let Some(p) = n.parent {
                units.insert((p, match_key(&n.name)), n.id);
            }
        }
        let customers = collect_ids(conn, "SELECT id, name FROM customers")?
            .into_iter()
            .map(|(id, name)| (match_key(&name), CustomerId(id)))
            .collect();
        let products = collect_ids(conn, "SELECT id, name FROM products")?
            .into_iter()
            .map(|(id, name)| (match_key(&name), ProductId(id)))
            .collect();
        let lines = collect_ids(conn, "SELECT id, name FROM product_lines")?
            .into_iter()
            .map(|(id, name)| (match_key(&name), LineId(id)))
            .collect();
        let aliases = aliases(conn)?
            .into_iter()
            .map(|a| ((a.kind, match_key(&a.alias)), a.canonical))
            .collect();
        Ok(Resolver {
            root,
            people,
            units,
            customers,
            products,
            lines,
            aliases,
            created: BTreeMap::new(),
            contracts: collect_ids(conn, "SELECT id, number FROM contracts")?
                .into_iter()
                .map(|(id, number)| (match_key(&number), id))
                .collect(),
            new_contracts: std::collections::HashSet::new(),
            expense_items: None,
        })
    }

    /// The match key of a name after the alias table.
    fn key(&self, kind: &str, name: &str) -> String {
        let key = match_key(name);
        if self.aliases.is_empty() {
            return key;
        }
        match self.aliases.get(&(kind.to_owned(), key.clone())) {
            Some(canonical) => match_key(canonical),
            None => key,
        }
    }

    fn created(&mut self, what: &'static str) {
        *self.created.entry(what).or_insert(0) += 1;
    }

    fn unit(
        &mut self,
        tx: &Connection,
        parent: NodeId,
        kind: UnitKind,
        name: &str,
    ) -> Result<NodeId> {
        let key = (parent, match_key(name));
        if let Some(&id) = self.units.get(&key) {
            return Ok(id);
        }
        let id = write::insert_node(tx, Some(parent), kind, name)?;
        self.units.insert(key, id);
        self.created(if kind == UnitKind::Region {
            "region"
        } else {
            "team"
        });
        Ok(id)
    }

    fn person(&mut self, tx: &Connection, name: &str) -> Result<NodeId> {
        let key = self.key("person", name);
        if let Some(&id) = self.people.get(&key) {
            return Ok(id);
        }
        let id = write::insert_node(tx, Some(self.root), UnitKind::Person, name)?;
        self.people.insert(key, id);
        self.created("person");
        Ok(id)
    }

    fn customer(&mut self, tx: &Connection, name: &str) -> Result<CustomerId> {
        let key = self.key("customer", name);
        if let Some(&id) = self.customers.get(&key) {
            return Ok(id);
        }
        let id = write::insert_customer(
            tx,
            &write::CustomerFields {
                name: name.to_owned(),
                industry: String::new(),
                region: String::new(),
                credit_rating: String::new(),
                owner: None,
            },
        )?;
        self.customers.insert(key, id);
        self.created("customer");
        Ok(id)
    }

    fn line(&mut self, tx: &Connection, name: &str) -> Result<LineId> {
        let key = self.key("product_line", name);
        if let Some(&id) = self.lines.get(&key) {
            return Ok(id);
        }
        let id = write::insert_line(
            tx,
            &write::ProductLineFields {
                name: name.to_owned(),
                code: String::new(),
                description: String::new(),
            },
        )?;
        self.lines.insert(key, id);
        self.created("product_line");
        Ok(id)
    }

    /// A product must exist (it needs a product line): an unknown one is refused.
    fn product(&self, name: &str) -> Result<ProductId> {
        self.products
            .get(&self.key("product", name))
            .copied()
            .ok_or_else(|| StoreError::UnknownName {
                what: "product",
                name: name.to_owned(),
            })
    }

    fn opt<T>(
        &mut self,
        tx: &Connection,
        name: &Option<String>,
        f: impl FnOnce(&mut Self, &Connection, &str) -> Result<T>,
    ) -> Result<Option<T>> {
        match name {
            Some(n) => f(self, tx, n).map(Some),
            None => Ok(None),
        }
    }
}

fn collect_ids(conn: &Connection, sql: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn aliases(conn: &Connection) -> Result<Vec<Alias>> {
    let mut stmt =
        conn.prepare("SELECT kind, alias, canonical FROM aliases ORDER BY kind, alias")?;
    let rows = stmt.query_map([], |r| {
        Ok(Alias {
            kind: r.get(0)?,
            alias: r.get(1)?,
            canonical: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn won_stage(conn: &Connection) -> Result<u8> {
    Ok(conn
        .query_row(
            "SELECT position FROM pipeline_stages WHERE is_won = 1 ORDER BY position LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(crate::domain::stats::DEFAULT_WON_STAGE))
}

fn person_record(
    tx: &Transaction,
    res: &mut Resolver,
    name: &str,
    manager: &Option<String>,
    region: &Option<String>,
    fields: (&Option<String>, &Option<String>, Option<u32>),
) -> Result<Change> {
    let mut parent = res.root;
    if let Some(r) = region {
        parent = res.unit(tx, parent, UnitKind::Region, r)?;
    }
    if let Some(m) = manager {
        parent = res.unit(tx, parent, UnitKind::Team, m)?;
    }
    let key = res.key("person", name);
    let existing = res.people.get(&key).copied();
    let Some(id) = existing else {
        let id = write::insert_node(tx, Some(parent), UnitKind::Person, name)?;
        res.people.insert(key, id);
        let (title, email, visits) = fields;
        tx.execute(
            "UPDATE org_nodes SET title = ?2, email = ?3, visits_per_week = ?4 WHERE id = ?1",
            params![
                id.0,
                title.clone().unwrap_or_default(),
                email.clone().unwrap_or_default(),
                visits
            ],
        )?;
        return Ok(Change::Inserted);
    };
    let (old_parent, old_title, old_email, old_visits): (Option<i64>, String, String, Option<u32>) =
        tx.query_row(
            "SELECT parent_id, title, email, visits_per_week FROM org_nodes WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    let (title, email, visits) = fields;
    let new_parent = if region.is_some() || manager.is_some() {
        parent
    } else {
        old_parent.map(NodeId).unwrap_or(parent)
    };
    let new_title = title.clone().unwrap_or(old_title.clone());
    let new_email = email.clone().unwrap_or(old_email.clone());
    let new_visits = visits.or(old_visits);
    if Some(new_parent.0) == old_parent
        && new_title == old_title
        && new_email == old_email
        && new_visits == old_visits
    {
        return Ok(Change::Unchanged);
    }
    if Some(new_parent.0) != old_parent {
        let tree = crate::domain::org::OrgTree::new(&read::nodes(tx)?);
        tree.check_move(id, new_parent)?;
    }
    tx.execute(
        "UPDATE org_nodes SET parent_id = ?2, title = ?3, email = ?4, visits_per_week = ?5
         WHERE id = ?1",
        params![id.0, new_parent.0, new_title, new_email, new_visits],
    )?;
    Ok(Change::Updated)
}

fn product_record(
    tx: &Transaction,
    res: &mut Resolver,
    name: &str,
    line: &str,
    price: Option<Money>,
) -> Result<Change> {
    let line = res.line(tx, line)?;
    let key = res.key("product", name);
    match res.products.get(&key).copied() {
        None => {
            let id = write::insert_product(
                tx,
                &write::ProductFields {
                    line,
                    name: name.to_owned(),
                    list_price: price.unwrap_or(Money::ZERO),
                },
            )?;
            res.products.insert(key, id);
            Ok(Change::Inserted)
        }
        Some(id) => {
            let (old_line, old_price): (i64, i64) = tx.query_row(
                "SELECT line_id, list_price FROM products WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let new_price = price.map(Money::fen).unwrap_or(old_price);
            if old_line == line.0 && old_price == new_price {
                return Ok(Change::Unchanged);
            }
            tx.execute(
                "UPDATE products SET line_id = ?2, list_price = ?3 WHERE id = ?1",
                params![id.0, line.0, new_price],
            )?;
            Ok(Change::Updated)
        }
    }
}

fn customer_record(
    tx: &Transaction,
    res: &mut Resolver,
    name: &str,
    fields: [&Option<String>; 3],
    owner: &Option<String>,
) -> Result<Change> {
    let owner = res.opt(tx, owner, |r, tx, n| r.person(tx, n))?;
    let key = res.key("customer", name);
    let [industry, region, rating] = fields;
    match res.customers.get(&key).copied() {
        None => {
            let id = write::insert_customer(
                tx,
                &write::CustomerFields {
                    name: name.to_owned(),
                    industry: industry.clone().unwrap_or_default(),
                    region: region.clone().unwrap_or_default(),
                    credit_rating: rating.clone().unwrap_or_default(),
                    owner,
                },
            )?;
            res.customers.insert(key, id);
            Ok(Change::Inserted)
        }
        Some(id) => {
            let old: (String, String, String, Option<i64>) = tx.query_row(
                "SELECT industry, region, credit_rating, owner_id FROM customers WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let new = (
                industry.clone().unwrap_or(old.0.clone()),
                region.clone().unwrap_or(old.1.clone()),
                rating.clone().unwrap_or(old.2.clone()),
                owner.map(|o| o.0).or(old.3),
            );
            if new == old {
                return Ok(Change::Unchanged);
            }
            tx.execute(
                "UPDATE customers SET industry = ?2, region = ?3, credit_rating = ?4, owner_id = ?5
                 WHERE id = ?1",
                params![id.0, new.0, new.1, new.2, new.3],
            )?;
            Ok(Change::Updated)
        }
    }
}

/// The stored form of a row key: a source id as it was, a content key as `h:…`.
fn stored_key(key: &str) -> &str {
    key.strip_prefix("id:").unwrap_or(key)
}

#[allow(clippy::too_many_arguments)]
fn opportunity_record(
    tx: &Transaction,
    res: &mut Resolver,
    won_stage: u8,
    key: &str,
    names: [&Option<String>; 3],
    stage: StageValue,
    dates: (Option<jiff::civil::Date>, Option<jiff::civil::Date>),
    value: Option<Money>,
) -> Result<Change> {
    let [person, customer, product] = names;
    let person = res.opt(tx, person, |r, tx, n| r.person(tx, n))?;
    let customer = res.opt(tx, customer, |r, tx, n| r.customer(tx, n))?;
    let product = match product {
        Some(p) => Some(res.product(p)?),
        None => None,
    };
    let (stage, status) = match stage {
        StageValue::Open(n) => (n, "open"),
        StageValue::Won => (won_stage, "won"),
        // Where a deal was lost is not in the file: it counts as lost at the first stage.
        StageValue::Lost => (1, "lost"),
    };
    let (engage, close) = dates;
    let row = (
        person.map(|p| p.0),
        customer.map(|c| c.0),
        product.map(|p| p.0),
        i64::from(stage),
        status.to_owned(),
        engage.map(|d| d.to_string()),
        close.map(|d| d.to_string()),
        value.map(Money::fen),
    );
    let source_id = stored_key(key);
    type Row = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let existing: Option<(i64, Row)> = tx
        .query_row(
            "SELECT id, node_id, customer_id, product_id, stage, status, engage_date, close_date,
                    value
             FROM opportunities WHERE source_id = ?1",
            [source_id],
            |r| {
                Ok((
                    r.get(0)?,
                    (
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ),
                ))
            },
        )
        .optional()?;
    let (id, change) = match existing {
        Some((_, old)) if old == row => return Ok(Change::Unchanged),
        Some((id, _)) => {
            tx.execute(
                "UPDATE opportunities SET node_id = ?2, customer_id = ?3, product_id = ?4,
                        stage = ?5, status = ?6, engage_date = ?7, close_date = ?8, value = ?9
                 WHERE id = ?1",
                params![id, row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7],
            )?;
            tx.execute(
                "DELETE FROM opportunity_stages WHERE opportunity_id = ?1",
                [id],
            )?;
            (id, Change::Updated)
        }
        None => {
            tx.execute(
                "INSERT INTO opportunities (source_id, node_id, customer_id, product_id, stage,
                        status, engage_date, close_date, value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    source_id, row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7
                ],
            )?;
            (tx.last_insert_rowid(), Change::Inserted)
        }
    };
    // Stage history: opened on the engage date; won on the close date.
    if let Some(d) = engage {
        tx.execute(
            "INSERT INTO opportunity_stages (opportunity_id, stage, entered_on) VALUES (?1, 1, ?2)",
            params![id, d.to_string()],
        )?;
    }
    if let (Some(d), "won") = (close, status) {
        tx.execute(
            "INSERT OR REPLACE INTO opportunity_stages (opportunity_id, stage, entered_on)
             VALUES (?1, ?2, ?3)",
            params![id, i64::from(won_stage), d.to_string()],
        )?;
    }
    Ok(change)
}

#[allow(clippy::too_many_arguments)]
fn history_record(
    tx: &Transaction,
    res: &mut Resolver,
    key: &str,
    date: jiff::civil::Date,
    amount: Money,
    line: &Option<String>,
    region: &str,
    names: [&Option<String>; 3],
) -> Result<Change> {
    let [person, customer, product] = names;
    let line = res.opt(tx, line, |r, tx, n| r.line(tx, n))?;
    let person = res.opt(tx, person, |r, tx, n| r.person(tx, n))?;
    let customer = res.opt(tx, customer, |r, tx, n| r.customer(tx, n))?;
    let product = match product {
        Some(p) => Some(res.product(p)?),
        None => None,
    };
    let row = (
        date.to_string(),
        amount.fen(),
        line.map(|l| l.0),
        product.map(|p| p.0),
        person.map(|p| p.0),
        customer.map(|c| c.0),
        region.to_owned(),
    );
    let source_key = stored_key(key);
    type Row = (
        String,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        String,
    );
    let existing: Option<(i64, Row)> = tx
        .query_row(
            "SELECT id, date, amount, line_id, product_id, node_id, customer_id, region
             FROM history_sales WHERE source_key = ?1",
            [source_key],
            |r| {
                Ok((
                    r.get(0)?,
                    (
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ),
                ))
            },
        )
        .optional()?;
    match existing {
        Some((_, old)) if old == row => Ok(Change::Unchanged),
        Some((id, _)) => {
            tx.execute(
                "UPDATE history_sales SET date = ?2, amount = ?3, line_id = ?4, product_id = ?5,
                        node_id = ?6, customer_id = ?7, region = ?8
                 WHERE id = ?1",
                params![id, row.0, row.1, row.2, row.3, row.4, row.5, row.6],
            )?;
            Ok(Change::Updated)
        }
        None => {
            tx.execute(
                "INSERT INTO history_sales (date, amount, line_id, product_id, node_id,
                        customer_id, region, source_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![row.0, row.1, row.2, row.3, row.4, row.5, row.6, source_key],
            )?;
            Ok(Change::Inserted)
        }
    }
}

/// A line of actuals with its names resolved, as stored.
struct ActualValues<'a> {
    source_key: &'a str,
    date: jiff::civil::Date,
    kind: &'static str,
    node: Option<i64>,
    customer: Option<i64>,
    product: Option<i64>,
    line: Option<i64>,
    amount: Option<i64>,
    count: i64,
}

/// The ids of the names an import's rows give, by the name as written in the file: a file of a
/// million lines names the same few thousand people and customers over and over.
#[derive(Default)]
struct NameIds {
    people: HashMap<String, NodeId>,
    customers: HashMap<String, CustomerId>,
    products: HashMap<String, ProductId>,
    lines: HashMap<String, LineId>,
}

fn memo<T: Copy>(
    ids: &mut HashMap<String, T>,
    name: &Option<String>,
    resolve: impl FnOnce(&str) -> Result<T>,
) -> Result<Option<T>> {
    let Some(name) = name else {
        return Ok(None);
    };
    if let Some(&id) = ids.get(name.as_str()) {
        return Ok(Some(id));
    }
    let id = resolve(name)?;
    ids.insert(name.clone(), id);
    Ok(Some(id))
}

/// Resolves the names of a line of actuals (creating people, customers and product lines that
/// are missing; a product must exist).
#[allow(clippy::too_many_arguments)]
fn actual_values<'a>(
    tx: &Transaction,
    res: &mut Resolver,
    ids: &mut NameIds,
    key: &'a str,
    date: jiff::civil::Date,
    kind: crate::domain::model::ActualKind,
    amount: Option<Money>,
    count: u64,
    names: [&Option<String>; 4],
) -> Result<ActualValues<'a>> {
    let [person, customer, product, line] = names;
    let person = memo(&mut ids.people, person, |n| res.person(tx, n))?;
    let customer = memo(&mut ids.customers, customer, |n| res.customer(tx, n))?;
    let line = memo(&mut ids.lines, line, |n| res.line(tx, n))?;
    let product = memo(&mut ids.products, product, |n| res.product(n))?;
    let count = i64::try_from(count).map_err(|_| StoreError::InvalidValue {
        field: "count",
        value: count.to_string(),
    })?;
    Ok(ActualValues {
        source_key: stored_key(key),
        date,
        kind: kind.code(),
        node: person.map(|p| p.0),
        customer: customer.map(|c| c.0),
        product: product.map(|p| p.0),
        line: line.map(|l| l.0),
        amount: amount.map(Money::fen),
        count,
    })
}

/// Writes a line of actuals: inserted when its key is new (recorded for undo by `inserted`),
/// else updated when it differs, else unchanged.
fn write_actual(
    tx: &Transaction,
    a: &ActualValues,
    date: &str,
    inserted: &mut super::undo::BulkInserts,
) -> Result<Change> {
    let added = tx
        .prepare_cached(
            "INSERT INTO actuals (date, kind, node_id, customer_id, product_id, line_id, amount,
                    count, source_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (source_key) DO NOTHING",
        )?
        .execute(params![
            date,
            a.kind,
            a.node,
            a.customer,
            a.product,
            a.line,
            a.amount,
            a.count,
            a.source_key
        ])?;
    if added == 1 {
        inserted.push(tx.last_insert_rowid());
        return Ok(Change::Inserted);
    }
    update_actual(tx, a, date)
}

/// A line of actuals whose key is already there: unchanged, or updated (recorded for undo by
/// the trigger) when it differs.
fn update_actual(tx: &Transaction, a: &ActualValues, date: &str) -> Result<Change> {
    type Row = (
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
    );
    let (id, old): (i64, Row) = tx
        .prepare_cached(
            "SELECT id, date, kind, node_id, customer_id, product_id, line_id, amount, count
             FROM actuals WHERE source_key = ?1",
        )?
        .query_row([a.source_key], |r| {
            Ok((
                r.get(0)?,
                (
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ),
            ))
        })?;
    let same = old.0 == date
        && old.1 == a.kind
        && (old.2, old.3, old.4, old.5, old.6, old.7)
            == (a.node, a.customer, a.product, a.line, a.amount, a.count);
    if same {
        return Ok(Change::Unchanged);
    }
    tx.prepare_cached(
        "UPDATE actuals SET date = ?2, kind = ?3, node_id = ?4, customer_id = ?5,
                product_id = ?6, line_id = ?7, amount = ?8, count = ?9
         WHERE id = ?1",
    )?
    .execute(params![
        id, date, a.kind, a.node, a.customer, a.product, a.line, a.amount, a.count
    ])?;
    Ok(Change::Updated)
}

/// How many lines of actuals one INSERT statement writes (a statement costs about as much
/// to start and finish as to insert a few lines).
const BATCH: usize = 100;

/// The statement inserting `rows` lines of actuals, leaving out those whose key is there.
fn insert_actuals_sql(rows: usize) -> String {
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows].join(", ");
    format!(
        "INSERT INTO actuals (date, kind, node_id, customer_id, product_id, line_id, amount,
                count, source_key)
         VALUES {values}
         ON CONFLICT (source_key) DO NOTHING"
    )
}

/// Writes a batch of lines of actuals with one statement, the lines already there compared
/// and updated one by one; `newest` is the largest rowid of the table (new rows get larger
/// ones). When the statement fails (it is undone as a whole), the lines are written one by
/// one to find the line at fault.
fn write_actual_batch(
    tx: &Transaction,
    batch: &[(usize, ActualValues)],
    dates: &[String],
    inserted: &mut super::undo::BulkInserts,
    newest: &mut i64,
    changes: &mut Vec<Change>,
) -> Result<()> {
    changes.clear();
    let attempt = (|| -> rusqlite::Result<usize> {
        let sql = insert_actuals_sql(batch.len());
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut i = 0;
        for ((_, a), date) in batch.iter().zip(dates) {
            stmt.raw_bind_parameter(i + 1, date.as_str())?;
            stmt.raw_bind_parameter(i + 2, a.kind)?;
            stmt.raw_bind_parameter(i + 3, a.node)?;
            stmt.raw_bind_parameter(i + 4, a.customer)?;
            stmt.raw_bind_parameter(i + 5, a.product)?;
            stmt.raw_bind_parameter(i + 6, a.line)?;
            stmt.raw_bind_parameter(i + 7, a.amount)?;
            stmt.raw_bind_parameter(i + 8, a.count)?;
            stmt.raw_bind_parameter(i + 9, a.source_key)?;
            i += 9;
        }
        stmt.raw_execute()
    })();
    let added = match attempt {
        Ok(added) => added,
        // A line breaks a rule of the table (the statement is undone as a whole): written one
        // by one, the line at fault is named.
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            return write_one_by_one(tx, batch, dates, inserted, newest, changes);
        }
        Err(e) => return Err(e.into()),
    };
    let last = tx.last_insert_rowid();
    if added == batch.len() && i64::try_from(added).ok() == last.checked_sub(*newest) {
        // All new: their rowids follow the table's largest, in order.
        inserted.push_run(*newest + 1, last);
        changes.extend(batch.iter().map(|_| Change::Inserted));
        *newest = last;
        return Ok(());
    }
    // Some are there already: the new ones are those above the largest rowid before.
    let mut new: HashMap<String, i64> = if added > 0 {
        let mut stmt =
            tx.prepare_cached("SELECT source_key, id FROM actuals WHERE id > ?1 ORDER BY id")?;
        let rows = stmt.query_map([*newest], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    } else {
        HashMap::new()
    };
    if new.len() != added {
        return Err(StoreError::Sqlite {
            detail: format!(
                "{added} lines of actuals inserted, {} found above rowid {newest}",
                new.len()
            ),
        });
    }
    for ((line, a), date) in batch.iter().zip(dates) {
        // (A key twice in one file: the second line updates the first, as one by one.)
        let change = match new.remove(a.source_key) {
            Some(id) => {
                inserted.push(id);
                *newest = (*newest).max(id);
                Change::Inserted
            }
            None => update_actual(tx, a, date).map_err(|e| StoreError::ImportRow {
                line: *line,
                detail: Box::new(e),
            })?,
        };
        changes.push(change);
    }
    Ok(())
}

/// Writes a batch of lines of actuals one by one.
fn write_one_by_one(
    tx: &Transaction,
    batch: &[(usize, ActualValues)],
    dates: &[String],
    inserted: &mut super::undo::BulkInserts,
    newest: &mut i64,
    changes: &mut Vec<Change>,
) -> Result<()> {
    for ((line, a), date) in batch.iter().zip(dates) {
        let change = write_actual(tx, a, date, inserted).map_err(|e| StoreError::ImportRow {
            line: *line,
            detail: Box::new(e),
        })?;
        if let Change::Inserted = change {
            *newest = (*newest).max(tx.last_insert_rowid());
        }
        changes.push(change);
    }
    Ok(())
}

/// Writes the records of an actuals import in two passes: first every row's names are resolved
/// (creating what is missing, recorded for undo row by row), then the lines are written, the
/// new ones recorded for undo as runs of rowids (see [`super::undo::BulkInserts`]).
fn write_actuals(
    tx: &Transaction,
    res: &mut Resolver,
    won: u8,
    records: &[(usize, Record)],
    outcome: &mut ImportOutcome,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<()> {
    let total = records.len().max(1) as f32;
    let mut ids = NameIds::default();
    let mut rows = Vec::with_capacity(records.len());
    for (n, (line, record)) in records.iter().enumerate() {
        if n % 8192 == 0 {
            if cancel.load(Ordering::Relaxed) {
                return Err(StoreError::Cancelled);
            }
            progress(0.1 * n as f32 / total);
        }
        let at_line = |e| StoreError::ImportRow {
            line: *line,
            detail: Box::new(e),
        };
        match record {
            Record::Actual {
                key,
                date,
                kind,
                person,
                amount,
                count,
                customer,
                product,
                line: product_line,
            } => {
                let values = actual_values(
                    tx,
                    res,
                    &mut ids,
                    key,
                    *date,
                    *kind,
                    *amount,
                    *count,
                    [person, customer, product, product_line],
                )
                .map_err(at_line)?;
                rows.push((*line, values));
            }
            // Not expected in an actuals import; written as any other record.
            other => {
                let change = write_record(tx, res, won, other).map_err(at_line)?;
                outcome.count(change);
            }
        }
    }
    let mut inserted = super::undo::BulkInserts::start(tx, "actuals")?;
    // Many new lines for the table's size: its read-only indexes are built again at the end.
    let existing: i64 = if rows.len() >= BULK_ROWS {
        tx.query_row("SELECT COUNT(*) FROM actuals", [], |r| r.get(0))?
    } else {
        i64::MAX
    };
    let mut set_aside: Option<IndexesSetAside> = None;
    let mut newest: i64 =
        tx.query_row("SELECT IFNULL(MAX(id), 0) FROM actuals", [], |r| r.get(0))?;
    let mut dates: Vec<String> = Vec::with_capacity(BATCH);
    let mut changes = Vec::with_capacity(BATCH);
    for (n, batch) in rows.chunks(BATCH).enumerate() {
        if n % 64 == 0 {
            if cancel.load(Ordering::Relaxed) {
                return Err(StoreError::Cancelled);
            }
            progress(0.1 + 0.85 * (n * BATCH) as f32 / total);
        }
        dates.clear();
        dates.extend(batch.iter().map(|(_, a)| a.date.to_string()));
        write_actual_batch(tx, batch, &dates, &mut inserted, &mut newest, &mut changes)?;
        let left = rows.len() - n * BATCH;
        if set_aside.is_none()
            && left >= BULK_ROWS
            && left as i64 >= existing
            && changes.iter().any(|c| matches!(c, Change::Inserted))
        {
            set_aside = Some(IndexesSetAside::drop(tx, "actuals")?);
        }
        for change in changes.drain(..) {
            outcome.count(change);
        }
    }
    progress(0.95);
    if let Some(indexes) = set_aside {
        indexes.build(tx)?;
    }
    inserted.finish(tx)?;
    Ok(())
}

/// From how many new rows a bulk insert sets a table's read-only indexes aside (when the
/// table has no more rows than that already).
const BULK_ROWS: usize = 50_000;

/// A table's indexes that only speed up reads (not those that keep values unique), dropped
/// while many rows are inserted and built again at the end: SQLite builds an index over a
/// million rows by sorting them several times faster than it updates it row by row. Both
/// happen inside the change's transaction: a failed change gets the indexes back with the rest.
struct IndexesSetAside {
    /// The statements that create them, as the schema holds them.
    create: Vec<String>,
}

impl IndexesSetAside {
    fn drop(tx: &Transaction, table: &str) -> Result<IndexesSetAside> {
        let indexes: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT m.name, m.sql FROM main.sqlite_master AS m
                 JOIN pragma_index_list(?1, 'main') AS l ON l.name = m.name
                 WHERE m.type = 'index' AND m.sql IS NOT NULL AND l.\"unique\" = 0
                 ORDER BY m.name",
            )?;
            let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (name, _) in &indexes {
            tx.execute_batch(&format!(
                "DROP INDEX main.\"{}\"",
                name.replace('"', "\"\"")
            ))?;
        }
        Ok(IndexesSetAside {
            create: indexes.into_iter().map(|(_, sql)| sql).collect(),
        })
    }

    fn build(self, tx: &Transaction) -> Result<()> {
        for sql in &self.create {
            tx.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// An existing person (an expense is not a reason to add someone to the organisation).
fn known_person(res: &Resolver, name: &str) -> Result<NodeId> {
    res.people
        .get(&res.key("person", name))
        .copied()
        .ok_or_else(|| StoreError::UnknownName {
            what: "person",
            name: name.to_owned(),
        })
}

/// Every name an expense item goes by, as match keys: its code, its name in either language
/// ("展会", "Trade shows"), its "category · item" name, or the user's own name. Read once per
/// import.
fn expense_item_names(tx: &Transaction) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for i in super::finance::expenses_data(tx)?.items {
        let mut names = vec![i.name.clone()];
        if let Some(code) = &i.code {
            names.push(code.clone());
            for lang in crate::i18n::Lang::ALL {
                let item = crate::i18n::tr(lang, &format!("expense.item.{code}")).into_owned();
                let cat =
                    crate::i18n::tr(lang, &format!("expense.cat.{}", i.category)).into_owned();
                names.push(format!("{cat} · {item}"));
                names.push(item);
            }
        }
        for n in names.iter().filter(|n| !n.is_empty()) {
            out.entry(match_key(n)).or_insert(i.id);
        }
    }
    Ok(out)
}

fn expense_item(tx: &Transaction, res: &mut Resolver, name: &str) -> Result<i64> {
    if res.expense_items.is_none() {
        res.expense_items = Some(expense_item_names(tx)?);
    }
    res.expense_items
        .as_ref()
        .and_then(|m| m.get(&match_key(name)).copied())
        .ok_or_else(|| StoreError::UnknownName {
            what: "expense_item",
            name: name.to_owned(),
        })
}

#[allow(clippy::too_many_arguments)]
fn expense_record(
    tx: &Transaction,
    res: &mut Resolver,
    key: &str,
    date: jiff::civil::Date,
    person: &str,
    item: &str,
    amount: Money,
    note: &str,
) -> Result<Change> {
    let node = known_person(res, person)?;
    let item = expense_item(tx, res, item)?;
    let fy = read::plan_info(tx)?.fiscal_year;
    let month = fy.fiscal_month_of(date).ok_or(StoreError::InvalidValue {
        field: "expense_actuals.date",
        value: date.to_string(),
    })?;
    let source_key = stored_key(key);
    let existing: Option<(i64, i64, i64, i64, i64, String)> = tx
        .query_row(
            "SELECT id, node_id, item_id, month, amount, note FROM expense_actuals
             WHERE source_key = ?1",
            [source_key],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let row = (
        node.0,
        item,
        i64::from(month),
        amount.fen(),
        note.trim().to_owned(),
    );
    match existing {
        Some((_, n, i, m, a, t)) if (n, i, m, a, t.clone()) == row => Ok(Change::Unchanged),
        Some((id, ..)) => {
            tx.execute(
                "UPDATE expense_actuals SET node_id = ?2, item_id = ?3, month = ?4, amount = ?5,
                 note = ?6 WHERE id = ?1",
                params![id, row.0, row.1, row.2, row.3, row.4],
            )?;
            Ok(Change::Updated)
        }
        None => {
            tx.execute(
                "INSERT INTO expense_actuals (node_id, item_id, month, amount, note, source_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![row.0, row.1, row.2, row.3, row.4, source_key],
            )?;
            Ok(Change::Inserted)
        }
    }
}

/// One installment: the contract is created by its first row in this import (amount = the sum
/// of its installments). A contract that was in the plan before keeps its schedule: the same
/// installment again changes nothing, another one is refused.
#[allow(clippy::too_many_arguments)]
fn installment_record(
    tx: &Transaction,
    res: &mut Resolver,
    contract: &str,
    due: jiff::civil::Date,
    amount: Money,
    label: &str,
    names: [&Option<String>; 2],
    signed: Option<jiff::civil::Date>,
) -> Result<Change> {
    let [customer, person] = names;
    let key = match_key(contract);
    let id = match res.contracts.get(&key).copied() {
        Some(id) if res.new_contracts.contains(&id) => id,
        Some(id) => {
            let same: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM installments
                 WHERE contract_id = ?1 AND due_on = ?2 AND amount = ?3)",
                params![id, due.to_string(), amount.fen()],
                |r| r.get(0),
            )?;
            return if same {
                Ok(Change::Unchanged)
            } else {
                Err(StoreError::InvalidValue {
                    field: "contracts.schedule",
                    value: contract.to_owned(),
                })
            };
        }
        None => {
            let customer = res.opt(tx, customer, |r, tx, n| r.customer(tx, n))?;
            let person = match person {
                Some(p) => Some(known_person(res, p)?),
                None => None,
            };
            let number = crate::domain::org::clean_name(contract)?;
            tx.execute(
                "INSERT INTO contracts (customer_id, node_id, number, signed_on, amount)
                 VALUES (?1, ?2, ?3, ?4, 0)",
                params![
                    customer.map(|c| c.0),
                    person.map(|p| p.0),
                    number,
                    signed.unwrap_or(due).to_string()
                ],
            )?;
            let id = tx.last_insert_rowid();
            res.contracts.insert(key, id);
            res.new_contracts.insert(id);
            res.created("contract");
            id
        }
    };
    tx.execute(
        "INSERT INTO installments (contract_id, label, due_on, amount) VALUES (?1, ?2, ?3, ?4)",
        params![id, label.trim(), due.to_string(), amount.fen()],
    )?;
    tx.execute(
        "UPDATE contracts SET amount = amount + ?2 WHERE id = ?1",
        params![id, amount.fen()],
    )?;
    Ok(Change::Inserted)
}

fn receipt_record(
    tx: &Transaction,
    res: &mut Resolver,
    key: &str,
    contract: &str,
    date: jiff::civil::Date,
    amount: Money,
    note: &str,
) -> Result<Change> {
    let id = res
        .contracts
        .get(&match_key(contract))
        .copied()
        .ok_or_else(|| StoreError::UnknownName {
            what: "contract",
            name: contract.to_owned(),
        })?;
    if amount.fen() <= 0 {
        return Err(StoreError::InvalidValue {
            field: "receipts.amount",
            value: amount.to_string(),
        });
    }
    let source_key = stored_key(key);
    let existing: Option<(i64, i64, String, i64, String)> = tx
        .query_row(
            "SELECT id, contract_id, received_on, amount, reference FROM receipts
             WHERE source_key = ?1",
            [source_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let row = (id, date.to_string(), amount.fen(), note.trim().to_owned());
    match existing {
        Some((_, c, d, a, n)) if (c, d.clone(), a, n.clone()) == row => Ok(Change::Unchanged),
        Some((rid, ..)) => {
            tx.execute(
                "UPDATE receipts SET contract_id = ?2, installment_id = NULL, received_on = ?3,
                 amount = ?4, reference = ?5 WHERE id = ?1",
                params![rid, row.0, row.1, row.2, row.3],
            )?;
            Ok(Change::Updated)
        }
        None => {
            tx.execute(
                "INSERT INTO receipts (contract_id, received_on, amount, reference, source_key)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![row.0, row.1, row.2, row.3, source_key],
            )?;
            Ok(Change::Inserted)
        }
    }
}

fn write_record(
    tx: &Transaction,
    res: &mut Resolver,
    won_stage: u8,
    record: &Record,
) -> Result<Change> {
    match record {
        Record::Person {
            name,
            manager,
            region,
            title,
            email,
            visits_per_week,
        } => person_record(
            tx,
            res,
            name,
            manager,
            region,
            (title, email, *visits_per_week),
        ),
        Record::Product { name, line, price } => product_record(tx, res, name, line, *price),
        Record::Customer {
            name,
            industry,
            region,
            credit_rating,
            owner,
        } => customer_record(tx, res, name, [industry, region, credit_rating], owner),
        Record::Opportunity {
            key,
            person,
            customer,
            product,
            stage,
            engage_date,
            close_date,
            value,
        } => opportunity_record(
            tx,
            res,
            won_stage,
            key,
            [person, customer, product],
            *stage,
            (*engage_date, *close_date),
            *value,
        ),
        Record::History {
            key,
            date,
            amount,
            line,
            region,
            person,
            customer,
            product,
        } => history_record(
            tx,
            res,
            key,
            *date,
            *amount,
            line,
            region,
            [person, customer, product],
        ),
        Record::Actual {
            key,
            date,
            kind,
            person,
            amount,
            count,
            customer,
            product,
            line,
        } => {
            let values = actual_values(
                tx,
                res,
                &mut NameIds::default(),
                key,
                *date,
                *kind,
                *amount,
                *count,
                [person, customer, product, line],
            )?;
            let mut inserted = super::undo::BulkInserts::start(tx, "actuals")?;
            let change = write_actual(tx, &values, &date.to_string(), &mut inserted)?;
            inserted.finish(tx)?;
            Ok(change)
        }
        Record::Expense {
            key,
            date,
            person,
            item,
            amount,
            note,
        } => expense_record(tx, res, key, *date, person, item, *amount, note),
        Record::Installment {
            contract,
            due,
            amount,
            label,
            customer,
            person,
            signed,
        } => installment_record(
            tx,
            res,
            contract,
            *due,
            *amount,
            label,
            [customer, person],
            *signed,
        ),
        Record::Receipt {
            key,
            contract,
            date,
            amount,
            note,
        } => receipt_record(tx, res, key, contract, *date, *amount, note),
    }
}

/// Writes the records of an import one by one.
fn write_records(
    tx: &Transaction,
    res: &mut Resolver,
    won: u8,
    records: &[(usize, Record)],
    outcome: &mut ImportOutcome,
    progress: &dyn Fn(f32),
    cancel: &AtomicBool,
) -> Result<()> {
    let total = records.len().max(1);
    for (n, (line, record)) in records.iter().enumerate() {
        if n % 2048 == 0 {
            if cancel.load(Ordering::Relaxed) {
                return Err(StoreError::Cancelled);
            }
            progress(n as f32 / total as f32);
        }
        let change = write_record(tx, res, won, record).map_err(|e| StoreError::ImportRow {
            line: *line,
            detail: Box::new(e),
        })?;
        outcome.count(change);
    }
    Ok(())
}

impl Store {
    /// Writes a prepared import as one undoable change. With problems in the file, nothing is
    /// written unless `skip_invalid` (the user chose to import the valid rows and skip the
    /// listed ones). `remember` stores the column mapping for the next file with this layout.
    pub fn apply_import(
        &mut self,
        prepared: &Prepared,
        skip_invalid: bool,
        remember: Option<(&str, &ImportSettings)>,
        progress: &dyn Fn(f32),
        cancel: &AtomicBool,
    ) -> Result<ImportOutcome> {
        if !prepared.problems.is_empty() && !skip_invalid {
            return Err(StoreError::ImportProblems {
                count: prepared.problems.len(),
            });
        }
        let detail = format!("{} × {}", prepared.kind.code(), prepared.records.len());
        self.change(ChangeLabel::new("change.import", detail), |tx| {
            let mut res = Resolver::load(tx)?;
            let won = won_stage(tx)?;
            let mut outcome = ImportOutcome {
                skipped: prepared.rows_refused,
                ..Default::default()
            };
            if prepared.kind == ImportKind::Actuals {
                write_actuals(
                    tx,
                    &mut res,
                    won,
                    &prepared.records,
                    &mut outcome,
                    progress,
                    cancel,
                )?;
            } else {
                write_records(
                    tx,
                    &mut res,
                    won,
                    &prepared.records,
                    &mut outcome,
                    progress,
                    cancel,
                )?;
            }
            if let Some((signature, settings)) = remember {
                let json = serde_json::to_string(settings).map_err(|e| StoreError::Sqlite {
                    detail: e.to_string(),
                })?;
                tx.execute(
                    "INSERT INTO import_mappings (kind, signature, mapping) VALUES (?1, ?2, ?3)
                     ON CONFLICT (kind, signature) DO UPDATE SET mapping = excluded.mapping
                     WHERE mapping IS NOT excluded.mapping",
                    params![prepared.kind.code(), signature, json],
                )?;
            }
            outcome.created = std::mem::take(&mut res.created);
            progress(1.0);
            Ok(outcome)
        })
    }

    /// The column mapping remembered for a file layout, if any.
    pub fn remembered_mapping(
        &self,
        kind: ImportKind,
        signature: &str,
    ) -> Result<Option<ImportSettings>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT mapping FROM import_mappings WHERE kind = ?1 AND signature = ?2",
                params![kind.code(), signature],
                |r| r.get(0),
            )
            .optional()?;
        // A mapping this version cannot read is ignored, not an error: it is only a convenience.
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    pub fn aliases(&self) -> Result<Vec<Alias>> {
        aliases(&self.conn)
    }

    /// Records that `alias` means `canonical` (e.g. product "GTXPro" is "GTX Pro").
    pub fn set_alias(&mut self, kind: &str, alias: &str, canonical: &str) -> Result<()> {
        if !ALIAS_KINDS.contains(&kind) {
            return Err(StoreError::InvalidValue {
                field: "alias.kind",
                value: kind.to_owned(),
            });
        }
        let alias = crate::domain::org::clean_name(alias)?;
        let canonical = crate::domain::org::clean_name(canonical)?;
        self.change(ChangeLabel::new("change.alias", alias.clone()), |tx| {
            tx.execute(
                "INSERT INTO aliases (kind, alias, canonical) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, alias) DO UPDATE SET canonical = excluded.canonical",
                params![kind, alias, canonical],
            )?;
            Ok(())
        })
    }

    pub fn remove_alias(&mut self, kind: &str, alias: &str) -> Result<()> {
        self.change(
            ChangeLabel::new("change.alias_remove", alias.trim()),
            |tx| {
                tx.execute(
                    "DELETE FROM aliases WHERE kind = ?1 AND alias = ?2",
                    params![kind, alias.trim()],
                )?;
                Ok(())
            },
        )
    }
}
