//! The key-account battle plan in the plan file (domain §6): customers and their contacts, the
//! customer × product matrix, and goal cards. Every change is one transaction and one undo step.
//!
//! A matrix cell tracks an opportunity: filling a cell puts a card on the pipeline board, and
//! changing the cell's stage moves that card (recording the move, which feeds the conversion
//! rates and stage durations).

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

use super::pipeline::{NewOpportunity, insert_opportunity, move_in};
use super::write::{CustomerFields, insert_customer, product_name};
use super::{ChangeLabel, Result, Store, StoreError};
use crate::domain::battle::{
    CellFields, Contact, ContactFields, GoalItem, GoalKind, GoalUnit, MatrixCell,
};
use crate::domain::model::{CustomerId, NodeId, OpportunityId, ProductId};
use crate::domain::money::Money;
use crate::domain::org::clean_name;
use crate::domain::ratio::Ratio;

/// One change to the battle plan, as the views ask for it.
#[derive(Clone, Debug, PartialEq)]
pub enum AccountChange {
    AddCustomer(CustomerFields),
    UpdateCustomer {
        id: CustomerId,
        fields: CustomerFields,
    },
    DeleteCustomer(CustomerId),
    AddContact {
        customer: CustomerId,
        fields: ContactFields,
    },
    UpdateContact {
        id: i64,
        fields: ContactFields,
    },
    DeleteContact(i64),
    /// Creates or updates the cell of a customer and a product, with its stage, on `date`.
    SetCell {
        customer: CustomerId,
        product: ProductId,
        stage: u8,
        fields: CellFields,
        date: Date,
    },
    DeleteCell(i64),
    AddOpportunity(NewOpportunity),
    MoveOpportunity {
        id: OpportunityId,
        stage: u8,
        date: Date,
    },
    LoseOpportunity {
        id: OpportunityId,
        date: Date,
    },
    SetStage {
        position: u8,
        name: String,
        probability: Ratio,
        playbook: String,
    },
    /// Sets (Some) or clears (None) a built-in goal's target.
    SetGoal {
        person: NodeId,
        kind: GoalKind,
        target: Option<Ratio>,
    },
    AddCustomGoal {
        person: NodeId,
        name: String,
        unit: GoalUnit,
        target: Ratio,
        actual: Option<Ratio>,
    },
    UpdateCustomGoal {
        id: i64,
        name: String,
        unit: GoalUnit,
        target: Ratio,
        actual: Option<Ratio>,
    },
    DeleteGoal(i64),
}

fn ratio_text(r: Ratio) -> String {
    format!("{}/{}", r.num(), r.den())
}

fn invalid(field: &'static str, value: impl ToString) -> StoreError {
    StoreError::InvalidValue {
        field,
        value: value.to_string(),
    }
}

fn customer_name(conn: &Connection, id: CustomerId) -> Result<String> {
    super::write::name_of(conn, "customers", "customers", id.0)
}

fn check_contact(f: &ContactFields) -> Result<String> {
    Ok(clean_name(&f.name)?)
}

fn check_cell(f: &CellFields) -> Result<()> {
    for (field, m) in [
        ("matrix_cells.budget", f.budget),
        ("matrix_cells.potential", f.potential),
    ] {
        if m.is_negative() {
            return Err(invalid(field, m));
        }
    }
    if let Some(p) = f.probability
        && (p.is_negative() || p > Ratio::ONE)
    {
        return Err(invalid("matrix_cells.probability", p.format_percent(4)));
    }
    Ok(())
}

fn check_goal(unit: GoalUnit, target: Ratio, actual: Option<Ratio>) -> Result<()> {
    for r in std::iter::once(target).chain(actual) {
        if r.is_negative() {
            return Err(invalid("goal_items.target", r.format_decimal(4)));
        }
        // Counts and money are whole (fen); percentages may be fractions.
        if unit != GoalUnit::Percent && r.den() != 1 {
            return Err(invalid("goal_items.target", r.format_decimal(4)));
        }
    }
    Ok(())
}

fn month_text(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn set_cell(
    tx: &Connection,
    customer: CustomerId,
    product: ProductId,
    stage: u8,
    f: &CellFields,
    date: Date,
) -> Result<i64> {
    check_cell(f)?;
    let c_name = customer_name(tx, customer)?;
    let p_name = product_name(tx, product)?;
    let existing: Option<(i64, Option<i64>)> = tx
        .query_row(
            "SELECT id, opportunity_id FROM matrix_cells WHERE customer_id = ?1 AND product_id = ?2",
            [customer.0, product.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let close = f.close_month.map(|d| d.first_of_month());
    let expected_close = close.map(|d| d.last_of_month());
    let owner: Option<i64> = tx.query_row(
        "SELECT owner_id FROM customers WHERE id = ?1",
        [customer.0],
        |r| r.get(0),
    )?;
    // The cell's opportunity: the one it tracks, else a new one at the cell's stage.
    let (cell_id, opportunity) = match existing {
        Some((id, Some(opp))) => {
            let current: Option<(u8, String)> = tx
                .query_row(
                    "SELECT stage, status FROM opportunities WHERE id = ?1",
                    [opp],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match current {
                Some((s, status)) if s != stage && status != "lost" => {
                    move_in(tx, OpportunityId(opp), stage, date)?
                }
                Some((s, _)) if s != stage => {
                    return Err(invalid("opportunities.status", "lost"));
                }
                _ => {}
            }
            (Some(id), opp)
        }
        other => {
            let opp = insert_opportunity(
                tx,
                &NewOpportunity {
                    name: format!("{c_name} · {p_name}"),
                    person: owner.map(NodeId),
                    customer: Some(customer),
                    product: Some(product),
                    stage,
                    value: Some(f.potential),
                    engaged: date,
                    expected_close,
                },
            )?;
            (other.map(|(id, _)| id), opp.0)
        }
    };
    // The opportunity's value and expected close follow the cell (a signed deal keeps the date
    // it was signed).
    tx.execute(
        "UPDATE opportunities SET value = ?2,
         close_date = CASE WHEN status = 'open' THEN ?3 ELSE close_date END
         WHERE id = ?1",
        params![
            opportunity,
            f.potential.fen(),
            expected_close.map(|d| d.to_string())
        ],
    )?;
    let values = params![
        customer.0,
        product.0,
        opportunity,
        f.strategy.trim(),
        f.people,
        f.budget.fen(),
        f.potential.fen(),
        close.map(month_text),
        f.probability.map(ratio_text),
    ];
    match cell_id {
        Some(id) => {
            tx.execute(
                "UPDATE matrix_cells SET customer_id = ?1, product_id = ?2, opportunity_id = ?3,
                 strategy = ?4, people = ?5, budget = ?6, potential = ?7, close_month = ?8,
                 probability = ?9 WHERE id = ?10",
                rusqlite::params_from_iter(values.iter().copied().chain([&id as _])),
            )?;
            Ok(id)
        }
        None => {
            tx.execute(
                "INSERT INTO matrix_cells (customer_id, product_id, opportunity_id, strategy,
                 people, budget, potential, close_month, probability)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                values,
            )?;
            Ok(tx.last_insert_rowid())
        }
    }
}

fn delete_cell(tx: &Connection, id: i64) -> Result<()> {
    let opp: Option<Option<i64>> = tx
        .query_row(
            "SELECT opportunity_id FROM matrix_cells WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(opp) = opp else {
        return Err(StoreError::Missing {
            what: "matrix_cells",
            id,
        });
    };
    tx.execute("DELETE FROM matrix_cells WHERE id = ?1", [id])?;
    // The card the cell put on the board goes with it while it is still open and was never
    // imported; anything signed, lost or from a CRM stays as history.
    if let Some(opp) = opp {
        let removable: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM opportunities
             WHERE id = ?1 AND status = 'open' AND source_id IS NULL)",
            [opp],
            |r| r.get(0),
        )?;
        if removable {
            tx.execute(
                "DELETE FROM opportunity_stages WHERE opportunity_id = ?1",
                [opp],
            )?;
            tx.execute("DELETE FROM opportunities WHERE id = ?1", [opp])?;
        }
    }
    Ok(())
}

fn update_customer(tx: &Connection, id: CustomerId, c: &CustomerFields) -> Result<()> {
    customer_name(tx, id)?;
    let name = clean_name(&c.name)?;
    let clash: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE name = ?1 AND id <> ?2)",
        params![name, id.0],
        |r| r.get(0),
    )?;
    if clash {
        return Err(StoreError::DuplicateName { name });
    }
    tx.execute(
        "UPDATE customers SET name = ?2, industry = ?3, region = ?4, credit_rating = ?5,
         owner_id = ?6 WHERE id = ?1",
        params![
            id.0,
            name,
            c.industry.trim(),
            c.region.trim(),
            c.credit_rating.trim(),
            c.owner.map(|o| o.0)
        ],
    )?;
    Ok(())
}

fn delete_customer(tx: &Connection, id: CustomerId) -> Result<()> {
    customer_name(tx, id)?;
    let cells: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id FROM matrix_cells WHERE customer_id = ?1")?;
        let rows = stmt.query_map([id.0], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for cell in cells {
        delete_cell(tx, cell)?;
    }
    tx.execute(
        "DELETE FROM customer_contacts WHERE customer_id = ?1",
        [id.0],
    )?;
    // History and actuals keep their amounts without the customer.
    for table in [
        "history_sales",
        "opportunities",
        "actuals",
        "monthly_actions",
        "contracts",
    ] {
        tx.execute(
            &format!("UPDATE {table} SET customer_id = NULL WHERE customer_id = ?1"),
            [id.0],
        )?;
    }
    tx.execute("DELETE FROM customers WHERE id = ?1", [id.0])?;
    Ok(())
}

fn one_row(n: usize, what: &'static str, id: i64) -> Result<()> {
    if n == 0 {
        Err(StoreError::Missing { what, id })
    } else {
        Ok(())
    }
}

/// Applies one change inside the transaction `tx`.
pub(super) fn apply(tx: &Connection, change: &AccountChange) -> Result<()> {
    match change {
        AccountChange::AddCustomer(f) => {
            insert_customer(tx, f)?;
        }
        AccountChange::UpdateCustomer { id, fields } => update_customer(tx, *id, fields)?,
        AccountChange::DeleteCustomer(id) => delete_customer(tx, *id)?,
        AccountChange::AddContact { customer, fields } => {
            customer_name(tx, *customer)?;
            let name = check_contact(fields)?;
            tx.execute(
                "INSERT INTO customer_contacts (customer_id, name, title, role, phone, email)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    customer.0,
                    name,
                    fields.title.trim(),
                    fields.role.trim(),
                    fields.phone.trim(),
                    fields.email.trim()
                ],
            )?;
        }
        AccountChange::UpdateContact { id, fields } => {
            let name = check_contact(fields)?;
            let n = tx.execute(
                "UPDATE customer_contacts SET name = ?2, title = ?3, role = ?4, phone = ?5,
                 email = ?6 WHERE id = ?1",
                params![
                    id,
                    name,
                    fields.title.trim(),
                    fields.role.trim(),
                    fields.phone.trim(),
                    fields.email.trim()
                ],
            )?;
            one_row(n, "customer_contacts", *id)?;
        }
        AccountChange::DeleteContact(id) => {
            let n = tx.execute("DELETE FROM customer_contacts WHERE id = ?1", [id])?;
            one_row(n, "customer_contacts", *id)?;
        }
        AccountChange::SetCell {
            customer,
            product,
            stage,
            fields,
            date,
        } => {
            set_cell(tx, *customer, *product, *stage, fields, *date)?;
        }
        AccountChange::DeleteCell(id) => delete_cell(tx, *id)?,
        AccountChange::AddOpportunity(o) => {
            insert_opportunity(tx, o)?;
        }
        AccountChange::MoveOpportunity { id, stage, date } => move_in(tx, *id, *stage, *date)?,
        AccountChange::LoseOpportunity { id, date } => {
            let n = tx.execute(
                "UPDATE opportunities SET status = 'lost',
                 close_date = CASE WHEN status = 'won' THEN close_date ELSE ?2 END
                 WHERE id = ?1 AND status <> 'lost'",
                params![id.0, date.to_string()],
            )?;
            one_row(n, "opportunities", id.0)?;
        }
        AccountChange::SetStage {
            position,
            name,
            probability,
            playbook,
        } => super::pipeline::update_stage(tx, *position, name, *probability, playbook)?,
        AccountChange::SetGoal {
            person,
            kind,
            target,
        } => {
            let Some(unit) = kind.unit() else {
                return Err(invalid("goal_items.kind", kind.code()));
            };
            match target {
                Some(t) => {
                    check_goal(unit, *t, None)?;
                    tx.execute(
                        "INSERT INTO goal_items (node_id, kind, unit, target)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (node_id, kind) WHERE kind <> 'custom'
                         DO UPDATE SET target = excluded.target",
                        params![person.0, kind.code(), unit.code(), ratio_text(*t)],
                    )?;
                }
                None => {
                    tx.execute(
                        "DELETE FROM goal_items WHERE node_id = ?1 AND kind = ?2",
                        params![person.0, kind.code()],
                    )?;
                }
            }
        }
        AccountChange::AddCustomGoal {
            person,
            name,
            unit,
            target,
            actual,
        } => {
            let name = clean_name(name)?;
            check_goal(*unit, *target, *actual)?;
            tx.execute(
                "INSERT INTO goal_items (node_id, kind, name, unit, target, actual)
                 VALUES (?1, 'custom', ?2, ?3, ?4, ?5)",
                params![
                    person.0,
                    name,
                    unit.code(),
                    ratio_text(*target),
                    actual.map(ratio_text)
                ],
            )?;
        }
        AccountChange::UpdateCustomGoal {
            id,
            name,
            unit,
            target,
            actual,
        } => {
            let name = clean_name(name)?;
            check_goal(*unit, *target, *actual)?;
            let n = tx.execute(
                "UPDATE goal_items SET name = ?2, unit = ?3, target = ?4, actual = ?5
                 WHERE id = ?1 AND kind = 'custom'",
                params![
                    id,
                    name,
                    unit.code(),
                    ratio_text(*target),
                    actual.map(ratio_text)
                ],
            )?;
            one_row(n, "goal_items", *id)?;
        }
        AccountChange::DeleteGoal(id) => {
            let n = tx.execute("DELETE FROM goal_items WHERE id = ?1", [id])?;
            one_row(n, "goal_items", *id)?;
        }
    }
    Ok(())
}

impl AccountChange {
    /// The Edit menu's label for the change.
    pub fn label(&self) -> ChangeLabel {
        let (key, detail) = match self {
            AccountChange::AddCustomer(f) => ("change.add_customer", f.name.trim().to_owned()),
            AccountChange::UpdateCustomer { fields, .. } => {
                ("change.update_customer", fields.name.trim().to_owned())
            }
            AccountChange::DeleteCustomer(_) => ("change.delete_customer", String::new()),
            AccountChange::AddContact { fields, .. } => {
                ("change.add_contact", fields.name.trim().to_owned())
            }
            AccountChange::UpdateContact { fields, .. } => {
                ("change.update_contact", fields.name.trim().to_owned())
            }
            AccountChange::DeleteContact(_) => ("change.delete_contact", String::new()),
            AccountChange::SetCell { stage, .. } => ("change.matrix_cell", stage.to_string()),
            AccountChange::DeleteCell(_) => ("change.delete_matrix_cell", String::new()),
            AccountChange::AddOpportunity(o) => {
                ("change.add_opportunity", o.name.trim().to_owned())
            }
            AccountChange::MoveOpportunity { stage, .. } => {
                ("change.move_opportunity", stage.to_string())
            }
            AccountChange::LoseOpportunity { .. } => ("change.lose_opportunity", String::new()),
            AccountChange::SetStage { position, .. } => ("change.stage", position.to_string()),
            AccountChange::SetGoal { .. }
            | AccountChange::AddCustomGoal { .. }
            | AccountChange::UpdateCustomGoal { .. }
            | AccountChange::DeleteGoal(_) => ("change.goal", String::new()),
        };
        ChangeLabel::new(key, detail)
    }
}

impl Store {
    /// Applies one change to the battle plan as one undoable step.
    pub fn apply_account_change(&mut self, change: &AccountChange) -> Result<()> {
        self.change(change.label(), |tx| apply(tx, change))
    }
}

fn ratio_or_bad(field: &'static str, text: &str) -> rusqlite::Result<Ratio> {
    Ratio::parse(text).map_err(|_| super::read::bad(field, text))
}

pub(super) fn contacts(conn: &Connection) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare(
        "SELECT id, customer_id, name, title, role, phone, email FROM customer_contacts
         ORDER BY customer_id, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Contact {
            id: r.get(0)?,
            customer: CustomerId(r.get(1)?),
            fields: ContactFields {
                name: r.get(2)?,
                title: r.get(3)?,
                role: r.get(4)?,
                phone: r.get(5)?,
                email: r.get(6)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(super) fn matrix(conn: &Connection) -> Result<Vec<MatrixCell>> {
    let mut stmt = conn.prepare(
        "SELECT id, customer_id, product_id, opportunity_id, strategy, people, budget, potential,
                close_month, probability
         FROM matrix_cells ORDER BY customer_id, product_id",
    )?;
    let rows = stmt.query_map([], |r| {
        let close: Option<String> = r.get(8)?;
        let close_month = match close {
            None => None,
            Some(t) => Some(
                format!("{t}-01")
                    .parse::<Date>()
                    .map_err(|_| super::read::bad("matrix_cells.close_month", &t))?,
            ),
        };
        let probability: Option<String> = r.get(9)?;
        Ok(MatrixCell {
            id: r.get(0)?,
            customer: CustomerId(r.get(1)?),
            product: ProductId(r.get(2)?),
            opportunity: r.get::<_, Option<i64>>(3)?.map(OpportunityId),
            fields: CellFields {
                strategy: r.get(4)?,
                people: r.get(5)?,
                budget: Money::from_fen(r.get(6)?),
                potential: Money::from_fen(r.get(7)?),
                close_month,
                probability: probability
                    .map(|p| ratio_or_bad("matrix_cells.probability", &p))
                    .transpose()?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(super) fn goals(conn: &Connection) -> Result<Vec<GoalItem>> {
    let mut stmt = conn.prepare(
        "SELECT id, node_id, kind, name, unit, target, actual FROM goal_items ORDER BY node_id, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(2)?;
        let unit: String = r.get(4)?;
        let target: String = r.get(5)?;
        let actual: Option<String> = r.get(6)?;
        Ok(GoalItem {
            id: r.get(0)?,
            person: NodeId(r.get(1)?),
            kind: GoalKind::from_code(&kind)
                .ok_or_else(|| super::read::bad("goal_items.kind", &kind))?,
            name: r.get(3)?,
            unit: GoalUnit::from_code(&unit)
                .ok_or_else(|| super::read::bad("goal_items.unit", &unit))?,
            target: ratio_or_bad("goal_items.target", &target)?,
            actual: actual
                .map(|a| ratio_or_bad("goal_items.actual", &a))
                .transpose()?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Each customer's first business: the earliest history sale, contract actual or signed deal.
pub(super) fn first_business(conn: &Connection) -> Result<Vec<(CustomerId, Date)>> {
    let mut stmt = conn.prepare(
        "SELECT customer_id, MIN(d) FROM (
             SELECT customer_id, date AS d FROM history_sales WHERE customer_id IS NOT NULL
             UNION ALL
             SELECT customer_id, date FROM actuals
              WHERE kind = 'contract' AND customer_id IS NOT NULL
             UNION ALL
             SELECT customer_id, close_date FROM opportunities
              WHERE customer_id IS NOT NULL AND close_date IS NOT NULL
                AND (status = 'won' OR (status = 'lost' AND stage > (
                     SELECT IFNULL(MIN(position), 6) FROM pipeline_stages WHERE is_won = 1))))
         GROUP BY customer_id ORDER BY customer_id",
    )?;
    let rows = stmt.query_map([], |r| {
        let d: String = r.get(1)?;
        Ok((
            CustomerId(r.get(0)?),
            d.parse::<Date>()
                .map_err(|_| super::read::bad("first_business", &d))?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
