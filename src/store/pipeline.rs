//! The pipeline by hand (domain §6): opportunities added and moved between stages, each move
//! recorded with its date (which feeds the conversion rates and stage durations), and the
//! stages themselves edited. One undoable change each.

use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

use super::{ChangeLabel, Result, Store, StoreError};
use crate::domain::model::{CustomerId, NodeId, OpportunityId, ProductId};
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;

/// A new opportunity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOpportunity {
    pub name: String,
    pub person: Option<NodeId>,
    pub customer: Option<CustomerId>,
    pub product: Option<ProductId>,
    pub stage: u8,
    /// Expected value.
    pub value: Option<Money>,
    /// When it entered its first stage.
    pub engaged: Date,
    /// When it is expected to close.
    pub expected_close: Option<Date>,
}

fn won_stage(conn: &rusqlite::Connection) -> Result<u8> {
    let won: Option<u8> = conn
        .query_row(
            "SELECT position FROM pipeline_stages WHERE is_won = 1 ORDER BY position LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(won.unwrap_or(crate::domain::stats::DEFAULT_WON_STAGE))
}

fn stage_count(conn: &rusqlite::Connection) -> Result<u8> {
    Ok(conn.query_row("SELECT COUNT(*) FROM pipeline_stages", [], |r| r.get(0))?)
}

fn bad_stage(stage: u8) -> StoreError {
    StoreError::InvalidValue {
        field: "opportunities.stage",
        value: stage.to_string(),
    }
}

/// Checks and inserts an opportunity with its first stage event.
pub(super) fn insert_opportunity(
    tx: &rusqlite::Connection,
    o: &NewOpportunity,
) -> Result<OpportunityId> {
    if o.stage == 0 || o.stage > stage_count(tx)? {
        return Err(bad_stage(o.stage));
    }
    if let Some(v) = o.value
        && v.is_negative()
    {
        return Err(StoreError::InvalidValue {
            field: "opportunities.value",
            value: v.to_string(),
        });
    }
    let won = o.stage >= won_stage(tx)?;
    tx.execute(
        "INSERT INTO opportunities
         (name, node_id, customer_id, product_id, stage, status, engage_date, close_date, value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            o.name.trim(),
            o.person.map(|p| p.0),
            o.customer.map(|c| c.0),
            o.product.map(|p| p.0),
            o.stage,
            if won { "won" } else { "open" },
            o.engaged.to_string(),
            if won {
                Some(o.engaged.to_string())
            } else {
                o.expected_close.map(|d| d.to_string())
            },
            o.value.map(|v| v.fen())
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO opportunity_stages (opportunity_id, stage, entered_on) VALUES (?1, ?2, ?3)",
        params![id, o.stage, o.engaged.to_string()],
    )?;
    Ok(OpportunityId(id))
}

/// Moves an opportunity to `stage` on `date` and records the move (see
/// [`Store::move_opportunity`]).
pub(super) fn move_in(
    tx: &rusqlite::Connection,
    id: OpportunityId,
    stage: u8,
    date: Date,
) -> Result<()> {
    if stage == 0 || stage > stage_count(tx)? {
        return Err(bad_stage(stage));
    }
    let status: Option<String> = tx
        .query_row(
            "SELECT status FROM opportunities WHERE id = ?1",
            [id.0],
            |r| r.get(0),
        )
        .optional()?;
    let Some(status) = status else {
        return Err(StoreError::Missing {
            what: "opportunities",
            id: id.0,
        });
    };
    if status == "lost" {
        return Err(StoreError::InvalidValue {
            field: "opportunities.status",
            value: status,
        });
    }
    let won = stage >= won_stage(tx)?;
    // A deal keeps the date it was signed when it moves on into delivery.
    tx.execute(
        "UPDATE opportunities SET stage = ?2,
         close_date = CASE WHEN ?3 AND status = 'won' THEN close_date
                           WHEN ?3 THEN ?4 ELSE close_date END,
         status = CASE WHEN ?3 THEN 'won' ELSE 'open' END
         WHERE id = ?1",
        params![id.0, stage, won, date.to_string()],
    )?;
    // A stage entered again (after moving back) keeps its latest date.
    tx.execute(
        "INSERT INTO opportunity_stages (opportunity_id, stage, entered_on)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (opportunity_id, stage) DO UPDATE SET entered_on = excluded.entered_on",
        params![id.0, stage, date.to_string()],
    )?;
    Ok(())
}

impl Store {
    pub fn add_opportunity(&mut self, o: &NewOpportunity) -> Result<OpportunityId> {
        self.change(
            ChangeLabel::new("change.add_opportunity", o.name.trim()),
            |tx| insert_opportunity(tx, o),
        )
    }

    /// Moves an opportunity to `stage` on `date`, recording the move. Reaching the won stage
    /// wins it (closed on that date); `lost` closes it as lost at its current stage instead.
    pub fn move_opportunity(&mut self, id: OpportunityId, stage: u8, date: Date) -> Result<()> {
        self.change(
            ChangeLabel::new("change.move_opportunity", stage.to_string()),
            |tx| move_in(tx, id, stage, date),
        )
    }

    /// Closes an opportunity as lost on `date`, at the stage it stands.
    pub fn lose_opportunity(&mut self, id: OpportunityId, date: Date) -> Result<()> {
        self.change(ChangeLabel::new("change.lose_opportunity", ""), |tx| {
            let n = tx.execute(
                "UPDATE opportunities SET status = 'lost', close_date = ?2 WHERE id = ?1",
                params![id.0, date.to_string()],
            )?;
            if n == 0 {
                return Err(StoreError::Missing {
                    what: "opportunities",
                    id: id.0,
                });
            }
            Ok(())
        })
    }

    /// Edits a pipeline stage: its name (empty = the built-in name), default probability and
    /// playbook (empty = the built-in playbook).
    pub fn set_stage(
        &mut self,
        position: u8,
        name: &str,
        probability: Ratio,
        playbook: &str,
    ) -> Result<()> {
        self.change(ChangeLabel::new("change.stage", name.trim()), |tx| {
            update_stage(tx, position, name, probability, playbook)
        })
    }
}

pub(super) fn update_stage(
    tx: &rusqlite::Connection,
    position: u8,
    name: &str,
    probability: Ratio,
    playbook: &str,
) -> Result<()> {
    if probability.is_negative() || probability > Ratio::ONE {
        return Err(StoreError::InvalidValue {
            field: "pipeline_stages.probability",
            value: probability.format_percent(4),
        });
    }
    let n = tx.execute(
        "UPDATE pipeline_stages SET name = ?2, probability = ?3, playbook = ?4
         WHERE position = ?1",
        params![
            position,
            name.trim(),
            format!("{}/{}", probability.num(), probability.den()),
            playbook.trim()
        ],
    )?;
    if n == 0 {
        return Err(bad_stage(position));
    }
    Ok(())
}
