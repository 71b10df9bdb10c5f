//! Negotiation and confirmation in the plan file (domain §3): rounds are versions of the
//! targets with one row per negotiating unit; a superseded round is locked; when every unit
//! agrees, the agreed numbers become a confirmed version — locked, time-stamped, hashed.
//! After that, targets change only through a revision (a new version, with a reason and who
//! asked).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{ChangeLabel, Result, Store, StoreError, read, write};
use crate::domain::model::{Metric, NodeId, TargetCell, VersionId, VersionKind, VersionState};
use crate::domain::money::Money;
use crate::domain::negotiation::{self, Party, RoundEvent, UnitRow, UnitStatus};
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::targets::TargetTable;

pub use crate::domain::model::Round;

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn status_code(s: UnitStatus) -> &'static str {
    match s {
        UnitStatus::Draft => "draft",
        UnitStatus::Proposed => "proposed",
        UnitStatus::Countered => "countered",
        UnitStatus::Agreed => "agreed",
    }
}

fn status_from(code: &str) -> Option<UnitStatus> {
    Some(match code {
        "draft" => UnitStatus::Draft,
        "proposed" => UnitStatus::Proposed,
        "countered" => UnitStatus::Countered,
        "agreed" => UnitStatus::Agreed,
        _ => return None,
    })
}

pub(super) fn round_rows(conn: &Connection, version: VersionId) -> Result<Vec<UnitRow<NodeId>>> {
    let mut stmt = conn.prepare(
        "SELECT r.node_id, r.top_down, r.bottom_up, r.status, r.leader_comment, r.unit_comment
         FROM round_units r JOIN org_nodes n ON n.id = r.node_id
         WHERE r.version_id = ?1 ORDER BY n.sort_order, n.id",
    )?;
    let rows = stmt.query_map([version.0], |r| {
        let status: String = r.get(3)?;
        Ok(UnitRow {
            unit: NodeId(r.get(0)?),
            top_down: r.get::<_, Option<i64>>(1)?.map(Money::from_fen),
            bottom_up: r.get::<_, Option<i64>>(2)?.map(Money::from_fen),
            status: status_from(&status).unwrap_or(UnitStatus::Draft),
            leader_comment: r.get(4)?,
            unit_comment: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn rounds(conn: &Connection) -> Result<Vec<Round>> {
    let ids: Vec<(i64, Option<u32>, String)> = {
        let mut stmt = conn.prepare(
            "SELECT id, round_number, state FROM versions WHERE kind = 'round' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    ids.into_iter()
        .map(|(id, number, state)| {
            Ok(Round {
                version: VersionId(id),
                number: number.unwrap_or(0),
                state: VersionState::from_code(&state).unwrap_or(VersionState::Open),
                rows: round_rows(conn, VersionId(id))?,
            })
        })
        .collect()
}

fn version_row(
    conn: &Connection,
    id: VersionId,
) -> Result<(VersionKind, VersionState, bool, String)> {
    conn.query_row(
        "SELECT kind, state, locked, name FROM versions WHERE id = ?1",
        [id.0],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        },
    )
    .optional()?
    .and_then(|(k, s, l, n)| {
        Some((
            VersionKind::from_code(&k)?,
            VersionState::from_code(&s)?,
            l,
            n,
        ))
    })
    .ok_or(StoreError::Missing {
        what: "version",
        id: id.0,
    })
}

/// Copies a version's target cells, derivations, allocation rules and locks into another.
fn copy_version_content(tx: &Transaction, from: VersionId, to: VersionId) -> Result<()> {
    tx.execute(
        "INSERT INTO target_cells (version_id, node_id, line_id, period, metric, value)
         SELECT ?2, node_id, line_id, period, metric, value FROM target_cells WHERE version_id = ?1",
        params![from.0, to.0],
    )?;
    tx.execute(
        "INSERT INTO derivations (version_id, line_id, inputs)
         SELECT ?2, line_id, inputs FROM derivations WHERE version_id = ?1",
        params![from.0, to.0],
    )?;
    tx.execute(
        "INSERT INTO allocation_rules (version_id, node_id, dimension, method, params)
         SELECT ?2, node_id, dimension, method, params FROM allocation_rules WHERE version_id = ?1",
        params![from.0, to.0],
    )?;
    tx.execute(
        "INSERT INTO target_locks (version_id, node_id, line_id, period, metric)
         SELECT ?2, node_id, line_id, period, metric FROM target_locks WHERE version_id = ?1",
        params![from.0, to.0],
    )?;
    Ok(())
}

fn new_version(
    tx: &Transaction,
    name: &str,
    kind: VersionKind,
    parent: VersionId,
    round_number: Option<u32>,
    reason: &str,
    requested_by: &str,
) -> Result<VersionId> {
    tx.execute(
        "INSERT INTO versions (name, kind, parent_id, created_at, round_number, reason, requested_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![name, kind.code(), parent.0, now(), round_number, reason, requested_by],
    )?;
    let id = VersionId(tx.last_insert_rowid());
    copy_version_content(tx, parent, id)?;
    tx.execute(
        "UPDATE plan SET current_version_id = ?1 WHERE id = 1",
        [id.0],
    )?;
    Ok(id)
}

fn lock(tx: &Transaction, id: VersionId, state: VersionState) -> Result<()> {
    tx.execute(
        "UPDATE versions SET locked = 1, state = ?2 WHERE id = ?1",
        params![id.0, state.code()],
    )?;
    Ok(())
}

fn cells(tx: &Connection, version: VersionId) -> Result<Vec<TargetCell>> {
    read::snapshot_targets(tx, version)
}

/// The hash printed on the letters: over every target cell of the version.
fn hash_of(tx: &Connection, version: VersionId) -> Result<String> {
    let rows: Vec<(i64, Option<i64>, String, String, i64)> = cells(tx, version)?
        .into_iter()
        .map(|c| {
            (
                c.node.0,
                c.line.map(|l| l.0),
                c.period.code(),
                c.metric.code().to_owned(),
                c.value,
            )
        })
        .collect();
    Ok(negotiation::content_hash(&rows))
}

fn confirm(tx: &Transaction, version: VersionId) -> Result<()> {
    let hash = hash_of(tx, version)?;
    tx.execute(
        "UPDATE versions SET locked = 1, state = 'confirmed', confirmed_at = ?2, content_hash = ?3
         WHERE id = ?1",
        params![version.0, now(), hash],
    )?;
    Ok(())
}

/// Rewrites a unit's yearly contract target to `value`, spreading the change over its months
/// and product lines in proportion to their current figures (exactly, by largest remainder),
/// then sets every unit above it that has a figure to the sum of the units below.
fn set_unit_target(tx: &Transaction, version: VersionId, unit: NodeId, value: Money) -> Result<()> {
    let amount = Metric::ContractAmount;
    let table = TargetTable::new(&cells(tx, version)?);
    let tree = OrgTree::new(&read::nodes(tx)?);
    write::put_target(
        tx,
        version,
        unit,
        None,
        Period::Year,
        amount,
        Some(value.fen()),
    )?;
    let months = table.months(unit, None, amount);
    if months.iter().all(Option::is_some) {
        let weights: Vec<crate::domain::ratio::Ratio> = months
            .iter()
            .map(|m| crate::domain::ratio::Ratio::from_integer(i128::from(m.unwrap_or(0).max(0))))
            .collect();
        if let Ok(parts) = crate::domain::split::split_money(value, &weights, &[None; 12]) {
            for (i, p) in parts.into_iter().enumerate() {
                write::put_target(
                    tx,
                    version,
                    unit,
                    None,
                    Period::Month(i as u8 + 1),
                    amount,
                    Some(p.fen()),
                )?;
            }
        }
    }
    let lines: Vec<(crate::domain::model::LineId, i64)> = read::lines(tx)?
        .into_iter()
        .filter_map(|l| {
            table
                .get(unit, Some(l.id), Period::Year, amount)
                .map(|v| (l.id, v))
        })
        .collect();
    if !lines.is_empty() {
        let weights: Vec<crate::domain::ratio::Ratio> = lines
            .iter()
            .map(|(_, v)| crate::domain::ratio::Ratio::from_integer(i128::from((*v).max(0))))
            .collect();
        let locks = vec![None; lines.len()];
        if let Ok(parts) = crate::domain::split::split_money(value, &weights, &locks) {
            for ((line, _), p) in lines.iter().zip(parts) {
                write::put_target(
                    tx,
                    version,
                    unit,
                    Some(*line),
                    Period::Year,
                    amount,
                    Some(p.fen()),
                )?;
            }
        }
    }
    // Roll up: every ancestor with its own yearly figure becomes the sum of its children.
    for ancestor in tree.ancestors(unit) {
        let table = TargetTable::new(&cells(tx, version)?);
        if table.get(ancestor, None, Period::Year, amount).is_some() {
            let sum: i64 = tree
                .children(ancestor)
                .iter()
                .filter_map(|&c| table.node_value(&tree, c, None, Period::Year, amount))
                .sum();
            write::put_target(tx, version, ancestor, None, Period::Year, amount, Some(sum))?;
        }
        for l in read::lines(tx)? {
            if table
                .get(ancestor, Some(l.id), Period::Year, amount)
                .is_some()
            {
                let sum: i64 = tree
                    .children(ancestor)
                    .iter()
                    .filter_map(|&c| table.node_value(&tree, c, Some(l.id), Period::Year, amount))
                    .sum();
                write::put_target(
                    tx,
                    version,
                    ancestor,
                    Some(l.id),
                    Period::Year,
                    amount,
                    Some(sum),
                )?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// All negotiation rounds, oldest first.
    pub fn rounds(&self) -> Result<Vec<Round>> {
        rounds(&self.conn)
    }

    /// Starts a negotiation round from the current version, with one row per unit holding its
    /// current yearly contract target as the top-down number. A round that was open is
    /// superseded (locked); its rows carry over.
    pub fn start_round(&mut self, units: &[NodeId], name: &str) -> Result<VersionId> {
        self.change(ChangeLabel::new("change.start_round", name), |tx| {
            let current = read::plan_info(tx)?.current_version;
            let (kind, state, _, _) = version_row(tx, current)?;
            if state == VersionState::Confirmed {
                return Err(StoreError::VersionLocked {
                    name: version_row(tx, current)?.3,
                });
            }
            let number: u32 = tx.query_row(
                "SELECT IFNULL(MAX(round_number), 0) + 1 FROM versions WHERE kind = 'round'",
                [],
                |r| r.get(0),
            )?;
            let previous = if kind == VersionKind::Round {
                Some(round_rows(tx, current)?)
            } else {
                None
            };
            let id = new_version(tx, name, VersionKind::Round, current, Some(number), "", "")?;
            if kind == VersionKind::Round {
                lock(tx, current, VersionState::Superseded)?;
            }
            let table = TargetTable::new(&cells(tx, id)?);
            let tree = OrgTree::new(&read::nodes(tx)?);
            let carried: HashMap<NodeId, UnitRow<NodeId>> = previous
                .unwrap_or_default()
                .into_iter()
                .map(|r| (r.unit, r))
                .collect();
            for &unit in units {
                let top_down = table
                    .node_value(&tree, unit, None, Period::Year, Metric::ContractAmount)
                    .map(Money::from_fen);
                let row = carried.get(&unit).cloned().unwrap_or(UnitRow {
                    unit,
                    top_down,
                    bottom_up: None,
                    status: UnitStatus::Draft,
                    leader_comment: String::new(),
                    unit_comment: String::new(),
                });
                tx.execute(
                    "INSERT INTO round_units (version_id, node_id, top_down, bottom_up, status,
                            leader_comment, unit_comment, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        id.0,
                        unit.0,
                        row.top_down.map(Money::fen),
                        row.bottom_up.map(Money::fen),
                        status_code(row.status),
                        row.leader_comment,
                        row.unit_comment,
                        now()
                    ],
                )?;
            }
            Ok(id)
        })
    }

    /// One step of the negotiation for one unit of the open round: the leader proposes a
    /// top-down number, the unit counters with its bottom-up number, either side agrees, the
    /// leader reopens.
    pub fn round_event(
        &mut self,
        unit: NodeId,
        event: RoundEvent,
        by: Party,
        value: Option<Money>,
        comment: &str,
    ) -> Result<()> {
        let name = self
            .conn
            .query_row("SELECT name FROM org_nodes WHERE id = ?1", [unit.0], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .unwrap_or_default();
        self.change(ChangeLabel::new("change.round_event", name), |tx| {
            event_in(tx, unit, event, by, value, comment)
        })
    }

    /// Reads account managers' bottom-up figures into the current round as one change: each
    /// unit's figure countered by the unit, with the comments (see `exchange::plan_file`).
    pub fn apply_submissions(
        &mut self,
        figures: &[(NodeId, Money, String)],
        detail: &str,
    ) -> Result<()> {
        self.change(ChangeLabel::new("change.submissions", detail), |tx| {
            for (unit, value, comment) in figures {
                event_in(
                    tx,
                    *unit,
                    RoundEvent::Counter,
                    Party::Unit,
                    Some(*value),
                    comment,
                )?;
            }
            Ok(())
        })
    }

    /// Confirms the open round once every unit agreed: a new confirmed version holds the
    /// agreed targets (months and product lines re-spread in proportion, units above summed),
    /// locked, time-stamped, with its content hash; it becomes the current version.
    pub fn confirm_round(&mut self, name: &str) -> Result<VersionId> {
        self.change(ChangeLabel::new("change.confirm", name), |tx| {
            let current = read::plan_info(tx)?.current_version;
            let (kind, state, _, _) = version_row(tx, current)?;
            if kind != VersionKind::Round {
                return Err(StoreError::NotARound);
            }
            negotiation::check_editable(round_state(state))?;
            let rows = round_rows(tx, current)?;
            if !negotiation::all_agreed(&rows) {
                let open = rows
                    .iter()
                    .filter(|r| r.status != UnitStatus::Agreed)
                    .count();
                return Err(StoreError::NotAllAgreed { open });
            }
            let id = new_version(tx, name, VersionKind::Confirmed, current, None, "", "")?;
            lock(tx, current, VersionState::Superseded)?;
            for row in &rows {
                if let Some(value) = row.top_down {
                    set_unit_target(tx, id, row.unit, value)?;
                }
            }
            confirm(tx, id)?;
            Ok(id)
        })
    }

    /// Confirms the current draft or revision directly (without rounds).
    pub fn confirm_current(&mut self) -> Result<()> {
        self.change(ChangeLabel::new("change.confirm", ""), |tx| {
            let current = read::plan_info(tx)?.current_version;
            let (kind, state, _, name) = version_row(tx, current)?;
            if state != VersionState::Open || kind == VersionKind::Round {
                return Err(StoreError::VersionLocked { name });
            }
            confirm(tx, current)?;
            tx.execute(
                "UPDATE versions SET kind = 'confirmed' WHERE id = ?1 AND kind = 'draft'",
                [current.0],
            )?;
            Ok(())
        })
    }

    /// Starts a formal revision of the confirmed targets: a new, editable version that records
    /// why and who asked. The confirmed version stays as it was.
    pub fn start_revision(
        &mut self,
        name: &str,
        reason: &str,
        requested_by: &str,
    ) -> Result<VersionId> {
        let reason = reason.trim();
        let requested_by = requested_by.trim();
        if reason.is_empty() {
            return Err(StoreError::RevisionNeedsReason);
        }
        if requested_by.is_empty() {
            return Err(StoreError::RevisionNeedsRequester);
        }
        self.change(ChangeLabel::new("change.revision", name), |tx| {
            let current = read::plan_info(tx)?.current_version;
            new_version(
                tx,
                name,
                VersionKind::Revision,
                current,
                None,
                reason,
                requested_by,
            )
        })
    }

    /// Recomputes a version's content hash, to check a printed letter against the file.
    pub fn verify_hash(&self, version: VersionId) -> Result<bool> {
        let stored: Option<String> = self.conn.query_row(
            "SELECT content_hash FROM versions WHERE id = ?1",
            [version.0],
            |r| r.get(0),
        )?;
        Ok(stored.is_some_and(|h| hash_of(&self.conn, version).is_ok_and(|now| now == h)))
    }
}

/// One step of the current round for one unit, inside the transaction `tx`.
fn event_in(
    tx: &Connection,
    unit: NodeId,
    event: RoundEvent,
    by: Party,
    value: Option<Money>,
    comment: &str,
) -> Result<()> {
    let current = read::plan_info(tx)?.current_version;
    let (kind, state, _, _) = version_row(tx, current)?;
    if kind != VersionKind::Round {
        return Err(StoreError::NotARound);
    }
    negotiation::check_editable(round_state(state))?;
    let rows = round_rows(tx, current)?;
    let row = rows
        .iter()
        .find(|r| r.unit == unit)
        .ok_or(StoreError::Missing {
            what: "round_unit",
            id: unit.0,
        })?;
    let next = negotiation::apply(row, event, by, value, comment)?;
    tx.execute(
        "UPDATE round_units SET top_down = ?3, bottom_up = ?4, status = ?5,
                leader_comment = ?6, unit_comment = ?7, updated_at = ?8
         WHERE version_id = ?1 AND node_id = ?2",
        params![
            current.0,
            unit.0,
            next.top_down.map(Money::fen),
            next.bottom_up.map(Money::fen),
            status_code(next.status),
            next.leader_comment,
            next.unit_comment,
            now()
        ],
    )?;
    Ok(())
}

fn round_state(state: VersionState) -> negotiation::RoundState {
    match state {
        VersionState::Open => negotiation::RoundState::Open,
        VersionState::Superseded => negotiation::RoundState::Superseded,
        VersionState::Confirmed => negotiation::RoundState::Confirmed,
    }
}
