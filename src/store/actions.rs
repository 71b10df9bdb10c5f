//! Each person's monthly actions and market-support requests (domain §5): one undoable change
//! per addition, edit or deletion.

use rusqlite::{Connection, params};

use super::{ChangeLabel, Result, Store, StoreError};
use crate::domain::actions::{
    ActionFields, ActionKind, ActionStatus, MonthlyAction, SupportKind, SupportRequest,
};
use crate::domain::model::{CustomerId, NodeId, ProductId};
use crate::domain::money::Money;

fn check(person_is_person: bool, month: u8, fields: Option<&ActionFields>) -> Result<()> {
    if !person_is_person {
        return Err(StoreError::InvalidValue {
            field: "monthly_actions.node_id",
            value: "not a person".into(),
        });
    }
    if !(1..=12).contains(&month) {
        return Err(StoreError::InvalidValue {
            field: "monthly_actions.month",
            value: month.to_string(),
        });
    }
    if let Some(f) = fields {
        if f.count == 0 {
            return Err(StoreError::InvalidValue {
                field: "monthly_actions.count",
                value: "0".into(),
            });
        }
        if f.expected.is_negative() {
            return Err(StoreError::InvalidValue {
                field: "monthly_actions.expected",
                value: f.expected.to_string(),
            });
        }
    }
    Ok(())
}

fn is_person(conn: &Connection, node: NodeId) -> Result<bool> {
    let kind: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT kind FROM org_nodes WHERE id = ?1",
        [node.0],
        |r| r.get(0),
    ))?;
    Ok(kind.as_deref() == Some("person"))
}

impl Store {
    pub fn add_action(&mut self, person: NodeId, month: u8, fields: &ActionFields) -> Result<i64> {
        let detail = fields.kind.code().to_owned();
        self.change(ChangeLabel::new("change.add_action", detail), |tx| {
            insert_action(tx, person, month, fields)
        })
    }

    pub fn update_action(&mut self, id: i64, fields: &ActionFields) -> Result<()> {
        let detail = fields.kind.code().to_owned();
        self.change(ChangeLabel::new("change.update_action", detail), |tx| {
            check(true, 1, Some(fields))?;
            let n = tx.execute(
                "UPDATE monthly_actions SET customer_id = ?2, product_id = ?3, kind = ?4,
                 count = ?5, expected = ?6, status = ?7, note = ?8 WHERE id = ?1",
                params![
                    id,
                    fields.customer.map(|c| c.0),
                    fields.product.map(|p| p.0),
                    fields.kind.code(),
                    fields.count,
                    fields.expected.fen(),
                    fields.status.code(),
                    fields.note.trim()
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Missing {
                    what: "monthly_actions",
                    id,
                });
            }
            Ok(())
        })
    }

    pub fn delete_action(&mut self, id: i64) -> Result<()> {
        self.change(ChangeLabel::new("change.delete_action", ""), |tx| {
            tx.execute("DELETE FROM monthly_actions WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn add_support(
        &mut self,
        person: NodeId,
        month: u8,
        kind: SupportKind,
        description: &str,
    ) -> Result<i64> {
        self.change(ChangeLabel::new("change.add_support", kind.code()), |tx| {
            insert_support(tx, person, month, kind, description)
        })
    }

    pub fn delete_support(&mut self, id: i64) -> Result<()> {
        self.change(ChangeLabel::new("change.delete_support", ""), |tx| {
            tx.execute("DELETE FROM support_requests WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}

/// Checks and inserts an action; returns its id.
pub(super) fn insert_action(
    conn: &Connection,
    person: NodeId,
    month: u8,
    fields: &ActionFields,
) -> Result<i64> {
    check(is_person(conn, person)?, month, Some(fields))?;
    conn.execute(
        "INSERT INTO monthly_actions
         (node_id, month, customer_id, product_id, kind, count, expected, status, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            person.0,
            month,
            fields.customer.map(|c| c.0),
            fields.product.map(|p| p.0),
            fields.kind.code(),
            fields.count,
            fields.expected.fen(),
            fields.status.code(),
            fields.note.trim()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Checks and inserts a market-support request; returns its id.
pub(super) fn insert_support(
    conn: &Connection,
    person: NodeId,
    month: u8,
    kind: SupportKind,
    description: &str,
) -> Result<i64> {
    check(is_person(conn, person)?, month, None)?;
    conn.execute(
        "INSERT INTO support_requests (node_id, month, kind, description)
         VALUES (?1, ?2, ?3, ?4)",
        params![person.0, month, kind.code(), description.trim()],
    )?;
    Ok(conn.last_insert_rowid())
}

fn bad(field: &'static str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("{field}: {value}").into(),
    )
}

pub(super) fn actions(conn: &Connection) -> Result<Vec<MonthlyAction>> {
    let mut stmt = conn.prepare(
        "SELECT id, node_id, month, customer_id, product_id, kind, count, expected, status, note
         FROM monthly_actions ORDER BY node_id, month, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(5)?;
        let status: String = r.get(8)?;
        Ok(MonthlyAction {
            id: r.get(0)?,
            person: NodeId(r.get(1)?),
            month: r.get(2)?,
            fields: ActionFields {
                customer: r.get::<_, Option<i64>>(3)?.map(CustomerId),
                product: r.get::<_, Option<i64>>(4)?.map(ProductId),
                kind: ActionKind::from_code(&kind).ok_or_else(|| bad("kind", &kind))?,
                count: r.get(6)?,
                expected: Money::from_fen(r.get(7)?),
                status: ActionStatus::from_code(&status).ok_or_else(|| bad("status", &status))?,
                note: r.get(9)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(super) fn support_requests(conn: &Connection) -> Result<Vec<SupportRequest>> {
    let mut stmt = conn.prepare(
        "SELECT id, node_id, month, kind, description FROM support_requests
         ORDER BY node_id, month, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(3)?;
        Ok(SupportRequest {
            id: r.get(0)?,
            person: NodeId(r.get(1)?),
            month: r.get(2)?,
            kind: SupportKind::from_code(&kind).ok_or_else(|| bad("kind", &kind))?,
            description: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
