//! Rows written in bulk by generated plans (the large demo): opportunities with their stage
//! history, actual lines and matrix cells, each kind through one prepared statement. Part of a
//! [`Bulk`] transaction, so a generated plan appears whole or not at all.

use jiff::civil::Date;
use rusqlite::params;

use super::{Bulk, Result, StoreError};
use crate::domain::battle::CellFields;
use crate::domain::model::{
    ActualKind, CustomerId, DealStatus, LineId, NodeId, OpportunityId, ProductId,
};
use crate::domain::money::Money;

/// An opportunity with the dates it entered each stage it went through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpportunityRow {
    pub source_id: String,
    pub name: String,
    pub person: NodeId,
    pub customer: CustomerId,
    pub product: ProductId,
    /// The stage it is at (won: the won stage; lost: the stage it was lost at).
    pub stage: u8,
    pub status: DealStatus,
    pub engaged: Date,
    /// Signed or lost on (won, lost), or expected to close (open).
    pub close: Option<Date>,
    pub value: Money,
    /// (stage, entered on), in order; the first is the stage it was engaged at.
    pub moves: Vec<(u8, Date)>,
}

/// One line of actuals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActualRow {
    pub source_key: String,
    pub date: Date,
    pub kind: ActualKind,
    pub person: NodeId,
    pub customer: Option<CustomerId>,
    pub product: Option<ProductId>,
    pub line: Option<LineId>,
    pub amount: Option<Money>,
    pub count: u32,
}

/// A cell of the customer × product matrix tracking an opportunity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixRow {
    pub customer: CustomerId,
    pub product: ProductId,
    pub opportunity: Option<OpportunityId>,
    pub fields: CellFields,
}

fn bad(field: &'static str, value: impl ToString) -> StoreError {
    StoreError::InvalidValue {
        field,
        value: value.to_string(),
    }
}

impl Bulk<'_> {
    /// Inserts opportunities with their stage history; returns their ids in order.
    pub fn add_opportunity_rows(&self, rows: &[OpportunityRow]) -> Result<Vec<OpportunityId>> {
        let stages: u8 = self
            .tx
            .query_row("SELECT COUNT(*) FROM pipeline_stages", [], |r| r.get(0))?;
        let mut opp = self.tx.prepare_cached(
            "INSERT INTO opportunities (source_id, name, node_id, customer_id, product_id, stage,
                 status, engage_date, close_date, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut event = self.tx.prepare_cached(
            "INSERT INTO opportunity_stages (opportunity_id, stage, entered_on)
             VALUES (?1, ?2, ?3)",
        )?;
        let mut ids = Vec::with_capacity(rows.len());
        for o in rows {
            if o.stage == 0 || o.stage > stages {
                return Err(bad("opportunities.stage", o.stage));
            }
            if o.value.is_negative() {
                return Err(bad("opportunities.value", o.value));
            }
            opp.execute(params![
                o.source_id,
                o.name,
                o.person.0,
                o.customer.0,
                o.product.0,
                o.stage,
                o.status.code(),
                o.engaged.to_string(),
                o.close.map(|d| d.to_string()),
                o.value.fen(),
            ])?;
            let id = self.tx.last_insert_rowid();
            for (stage, on) in &o.moves {
                event.execute(params![id, stage, on.to_string()])?;
            }
            ids.push(OpportunityId(id));
        }
        Ok(ids)
    }

    /// Inserts lines of actuals.
    pub fn add_actual_rows(&self, rows: &[ActualRow]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO actuals (source_key, date, kind, node_id, customer_id, product_id,
                 line_id, amount, count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for a in rows {
            stmt.execute(params![
                a.source_key,
                a.date.to_string(),
                a.kind.code(),
                a.person.0,
                a.customer.map(|c| c.0),
                a.product.map(|p| p.0),
                a.line.map(|l| l.0),
                a.amount.map(Money::fen),
                a.count,
            ])?;
        }
        Ok(())
    }

    /// Inserts matrix cells (one per customer and product).
    pub fn add_matrix_rows(&self, rows: &[MatrixRow]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO matrix_cells (customer_id, product_id, opportunity_id, strategy, people,
                 budget, potential, close_month, probability)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for m in rows {
            let f = &m.fields;
            if f.budget.is_negative() || f.potential.is_negative() {
                return Err(bad("matrix_cells.potential", f.potential));
            }
            stmt.execute(params![
                m.customer.0,
                m.product.0,
                m.opportunity.map(|o| o.0),
                f.strategy,
                f.people,
                f.budget.fen(),
                f.potential.fen(),
                f.close_month
                    .map(|d| format!("{:04}-{:02}", d.year(), d.month())),
                f.probability.map(|r| format!("{}/{}", r.num(), r.den())),
            ])?;
        }
        Ok(())
    }
}
