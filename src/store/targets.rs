//! Target work on the current version: the derivation inputs of each scope, product life-cycle
//! stages, allocation rules, and writing many target cells as one change.

use rusqlite::{OptionalExtension, params};

use super::{ChangeLabel, Result, Store, StoreError, read, write};
use crate::domain::allocation::{AllocationParams, AllocationRule, Dimension};
use crate::domain::derivation::{DerivationInputs, LifeCycle};
use crate::domain::model::{LineId, Metric, NodeId, VersionId};
use crate::domain::period::Period;

/// One target cell to set (`Some`) or clear (`None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellChange {
    pub node: NodeId,
    pub line: Option<LineId>,
    pub period: Period,
    pub metric: Metric,
    pub value: Option<i64>,
}

fn json_error(e: serde_json::Error) -> StoreError {
    StoreError::Sqlite {
        detail: e.to_string(),
    }
}

impl Store {
    fn current_version(&self) -> Result<VersionId> {
        Ok(read::plan_info(&self.conn)?.current_version)
    }

    /// Sets many target cells of the current version as one undoable change (an allocation,
    /// a derived target applied).
    pub fn set_targets(
        &mut self,
        label_key: &str,
        detail: &str,
        cells: &[CellChange],
    ) -> Result<()> {
        self.change(ChangeLabel::new(label_key, detail), |tx| {
            let version = read::plan_info(tx)?.current_version;
            for c in cells {
                write::put_target(tx, version, c.node, c.line, c.period, c.metric, c.value)?;
            }
            Ok(())
        })
    }

    /// Locks (or unlocks) a target cell of the current version against editing and pasting
    /// in the monthly grid.
    pub fn set_lock(
        &mut self,
        node: NodeId,
        period: Period,
        metric: Metric,
        locked: bool,
    ) -> Result<()> {
        let key = if locked {
            "change.lock"
        } else {
            "change.unlock"
        };
        self.change(ChangeLabel::new(key, period.code()), |tx| {
            let version = read::plan_info(tx)?.current_version;
            write::check_editable(tx, version)?;
            tx.execute(
                "DELETE FROM target_locks WHERE version_id = ?1 AND node_id = ?2
                 AND line_id IS NULL AND period = ?3 AND metric = ?4",
                params![version.0, node.0, period.code(), metric.code()],
            )?;
            if locked {
                tx.execute(
                    "INSERT INTO target_locks (version_id, node_id, line_id, period, metric)
                     VALUES (?1, ?2, NULL, ?3, ?4)",
                    params![version.0, node.0, period.code(), metric.code()],
                )?;
            }
            Ok(())
        })
    }

    /// The derivation inputs saved for a scope (`None` line = the total) of the current version.
    pub fn derivation_inputs(&self, line: Option<LineId>) -> Result<Option<DerivationInputs>> {
        let version = self.current_version()?;
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT inputs FROM derivations WHERE version_id = ?1 AND line_id IS ?2",
                params![version.0, line.map(|l| l.0)],
                |r| r.get(0),
            )
            .optional()?;
        match json {
            None => Ok(None),
            Some(j) => serde_json::from_str(&j)
                .map(Some)
                .map_err(|e| StoreError::InvalidValue {
                    field: "derivations.inputs",
                    value: e.to_string(),
                }),
        }
    }

    pub fn set_derivation_inputs(
        &mut self,
        line: Option<LineId>,
        inputs: &DerivationInputs,
    ) -> Result<()> {
        let json = serde_json::to_string(inputs).map_err(json_error)?;
        self.change(ChangeLabel::new("change.derivation", ""), |tx| {
            let version = read::plan_info(tx)?.current_version;
            write::check_editable(tx, version)?;
            save_inputs(tx, version, line, &json)
        })
    }

    pub fn set_life_cycle(&mut self, line: LineId, stage: Option<LifeCycle>) -> Result<()> {
        let code = stage.map(|s| s.code()).unwrap_or("");
        self.change(ChangeLabel::new("change.life_cycle", code), |tx| {
            tx.execute(
                "UPDATE product_lines SET life_cycle = ?2 WHERE id = ?1",
                params![line.0, code],
            )?;
            Ok(())
        })
    }

    /// The remembered allocation of a unit in a dimension, if any (rules this version cannot
    /// read are treated as absent).
    pub fn allocation_rule(
        &self,
        node: NodeId,
        dimension: Dimension,
    ) -> Result<Option<AllocationRule>> {
        let version = self.current_version()?;
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT method, params FROM allocation_rules
                 WHERE version_id = ?1 AND node_id = ?2 AND dimension = ?3",
                params![version.0, node.0, dimension.code()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(method, json)| {
            serde_json::from_str::<AllocationParams>(&json)
                .ok()
                .map(|params| AllocationRule {
                    node,
                    dimension,
                    method,
                    params,
                })
        }))
    }

    /// Applies an allocation: its rule is remembered and its cells written, as one change.
    pub fn apply_allocation(
        &mut self,
        rule: &AllocationRule,
        detail: &str,
        cells: &[CellChange],
    ) -> Result<()> {
        let json = serde_json::to_string(&rule.params).map_err(json_error)?;
        self.change(ChangeLabel::new("change.allocation", detail), |tx| {
            let version = read::plan_info(tx)?.current_version;
            write::check_editable(tx, version)?;
            tx.execute(
                "INSERT INTO allocation_rules (version_id, node_id, dimension, method, params)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (version_id, node_id, dimension)
                 DO UPDATE SET method = excluded.method, params = excluded.params",
                params![
                    version.0,
                    rule.node.0,
                    rule.dimension.code(),
                    rule.method,
                    json
                ],
            )?;
            for c in cells {
                write::put_target(tx, version, c.node, c.line, c.period, c.metric, c.value)?;
            }
            Ok(())
        })
    }

    /// Saves a scope's derivation inputs and sets its committed target as the yearly contract
    /// target of `node` (the company) for that scope, as one change.
    pub fn commit_derivation(
        &mut self,
        node: NodeId,
        line: Option<LineId>,
        inputs: &DerivationInputs,
        committed: crate::domain::money::Money,
    ) -> Result<()> {
        let json = serde_json::to_string(inputs).map_err(json_error)?;
        let detail = committed.to_string();
        self.change(ChangeLabel::new("change.apply_derivation", &detail), |tx| {
            let version = read::plan_info(tx)?.current_version;
            write::check_editable(tx, version)?;
            save_inputs(tx, version, line, &json)?;
            write::put_target(
                tx,
                version,
                node,
                line,
                Period::Year,
                Metric::ContractAmount,
                Some(committed.fen()),
            )
        })
    }
}

pub(super) fn save_inputs(
    tx: &rusqlite::Connection,
    version: VersionId,
    line: Option<LineId>,
    json: &str,
) -> Result<()> {
    tx.execute(
        "DELETE FROM derivations WHERE version_id = ?1 AND line_id IS ?2",
        params![version.0, line.map(|l| l.0)],
    )?;
    tx.execute(
        "INSERT INTO derivations (version_id, line_id, inputs) VALUES (?1, ?2, ?3)",
        params![version.0, line.map(|l| l.0), json],
    )?;
    Ok(())
}
