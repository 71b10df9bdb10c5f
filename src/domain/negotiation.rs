//! Negotiation: targets are sent top-down by the leader, answered bottom-up by each unit, in
//! rounds, until every unit has agreed; the round is then confirmed in writing and becomes
//! immutable (a confirmed version carries a [`content_hash`] printed on the letter).
//!
//! # Transition table
//!
//! A unit's status changes only by these six events; every other (status, event, party) is
//! refused by [`next_status`] with an error that says who may do what:
//!
//! | from      | event   | by     | to        | figures ([`apply`])                                   |
//! |-----------|---------|--------|-----------|-------------------------------------------------------|
//! | Draft     | Propose | Leader | Proposed  | `top_down` := the value sent                          |
//! | Countered | Propose | Leader | Proposed  | `top_down` := the new value sent                      |
//! | Proposed  | Counter | Unit   | Countered | `bottom_up` := the value answered                     |
//! | Proposed  | Agree   | Unit   | Agreed    | unchanged: the unit accepts `top_down`                |
//! | Countered | Agree   | Leader | Agreed    | `top_down` := `bottom_up` (the leader accepts it)     |
//! | Agreed    | Reopen  | Leader | Proposed  | unchanged, or `top_down` := the value if one is given |
//!
//! The refused cells, by reason (each is its own message):
//! - Propose by Unit (any status): only the leader sends a top-down target.
//! - Propose by Leader on Proposed: wait for the unit's answer.
//! - Propose by Leader on Agreed: reopen first.
//! - Counter by Leader (any status): only the unit answers bottom-up.
//! - Counter by Unit on Draft: nothing to answer yet (Counter before Propose).
//! - Counter by Unit on Countered: wait for the leader.
//! - Counter by Unit on Agreed: already agreed; only the leader can reopen.
//! - Agree by either on Draft: nothing to agree to yet.
//! - Agree by Leader on Proposed: the leader cannot accept their own target.
//! - Agree by Unit on Countered: the unit cannot accept its own counter.
//! - Agree by either on Agreed: already agreed.
//! - Reopen by Unit (any status): only the leader reopens.
//! - Reopen by Leader on Draft, Proposed or Countered: only an agreed target can be reopened.
//!
//! So `Agreed` always means: `top_down` is the figure both sides accepted
//! ([`UnitRow::agreed_value`]). Rounds themselves are `Open`, then `Superseded` (a newer round
//! replaced it) or `Confirmed` (signed); only open rounds can change ([`check_editable`]).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::money::Money;
use crate::i18n::{Lang, Localized};

/// Where a unit stands in the current round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitStatus {
    Draft,
    Proposed,
    Countered,
    Agreed,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 4] = [
        UnitStatus::Draft,
        UnitStatus::Proposed,
        UnitStatus::Countered,
        UnitStatus::Agreed,
    ];
}

/// Who acts: the leader above, or the unit (its manager or the person) below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Party {
    Leader,
    Unit,
}

impl Party {
    pub const ALL: [Party; 2] = [Party::Leader, Party::Unit];
}

/// A step in a negotiation round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoundEvent {
    /// The leader sends a top-down target.
    Propose,
    /// The unit answers with a bottom-up figure.
    Counter,
    /// Either side accepts the other's number.
    Agree,
    /// The leader reopens an agreed unit before confirmation.
    Reopen,
}

impl RoundEvent {
    pub const ALL: [RoundEvent; 4] = [
        RoundEvent::Propose,
        RoundEvent::Counter,
        RoundEvent::Agree,
        RoundEvent::Reopen,
    ];
}

/// The state of a whole round (a plan version of kind "negotiation round").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoundState {
    Open,
    Superseded,
    Confirmed,
}

/// Why a negotiation step is not allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NegotiationError {
    /// The event is not allowed for this party in this status (see the transition table).
    NotAllowed {
        from: UnitStatus,
        event: RoundEvent,
        by: Party,
    },
    /// The round is superseded or confirmed and cannot change.
    RoundNotEditable { state: RoundState },
    /// Propose or Counter without a figure, or Agree with no figure on the table.
    MissingValue { event: RoundEvent },
    /// A proposed, countered or reopened figure below zero.
    NegativeValue { value: Money },
    /// Agree was given a figure that is not the one on the table (it changed meanwhile).
    AgreeMismatch { on_table: Money, given: Money },
}

impl Localized for NegotiationError {
    fn message_key(&self) -> &'static str {
        use RoundEvent as E;
        use UnitStatus as S;
        match *self {
            NegotiationError::NotAllowed { from, event, by } => match (event, by, from) {
                (E::Propose, Party::Unit, _) => "err.negotiation.propose_by_unit",
                (E::Propose, Party::Leader, S::Proposed) => "err.negotiation.propose_waiting",
                (E::Propose, Party::Leader, _) => "err.negotiation.propose_agreed",
                (E::Counter, Party::Leader, _) => "err.negotiation.counter_by_leader",
                (E::Counter, Party::Unit, S::Draft) => "err.negotiation.counter_before_propose",
                (E::Counter, Party::Unit, S::Countered) => "err.negotiation.counter_waiting",
                (E::Counter, Party::Unit, _) => "err.negotiation.counter_agreed",
                (E::Agree, _, S::Draft) => "err.negotiation.agree_before_propose",
                (E::Agree, _, S::Agreed) => "err.negotiation.already_agreed",
                (E::Agree, Party::Leader, _) => "err.negotiation.agree_own_proposal",
                (E::Agree, Party::Unit, _) => "err.negotiation.agree_own_counter",
                (E::Reopen, Party::Unit, _) => "err.negotiation.reopen_by_unit",
                (E::Reopen, Party::Leader, _) => "err.negotiation.reopen_not_agreed",
            },
            NegotiationError::RoundNotEditable { state } => match state {
                RoundState::Confirmed => "err.negotiation.round_confirmed",
                RoundState::Superseded | RoundState::Open => "err.negotiation.round_superseded",
            },
            NegotiationError::MissingValue { event } => match event {
                E::Propose | E::Reopen => "err.negotiation.missing_top_down",
                E::Counter => "err.negotiation.missing_bottom_up",
                E::Agree => "err.negotiation.nothing_to_agree",
            },
            NegotiationError::NegativeValue { .. } => "err.negotiation.negative_value",
            NegotiationError::AgreeMismatch { .. } => "err.negotiation.agree_mismatch",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            NegotiationError::NegativeValue { value } => vec![("value", value.to_string())],
            NegotiationError::AgreeMismatch { on_table, given } => vec![
                ("on_table", on_table.to_string()),
                ("given", given.to_string()),
            ],
            NegotiationError::NotAllowed { .. }
            | NegotiationError::RoundNotEditable { .. }
            | NegotiationError::MissingValue { .. } => Vec::new(),
        }
    }
}

impl fmt::Display for NegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for NegotiationError {}

/// The status after `event` by `by`, or why it is not allowed (see the transition table in the
/// module documentation). Whether the round may change at all is [`check_editable`].
pub fn next_status(
    current: UnitStatus,
    event: RoundEvent,
    by: Party,
) -> Result<UnitStatus, NegotiationError> {
    use RoundEvent as E;
    use UnitStatus as S;
    match (current, event, by) {
        (S::Draft | S::Countered, E::Propose, Party::Leader) => Ok(S::Proposed),
        (S::Proposed, E::Counter, Party::Unit) => Ok(S::Countered),
        (S::Proposed, E::Agree, Party::Unit) => Ok(S::Agreed),
        (S::Countered, E::Agree, Party::Leader) => Ok(S::Agreed),
        (S::Agreed, E::Reopen, Party::Leader) => Ok(S::Proposed),
        (from, event, by) => Err(NegotiationError::NotAllowed { from, event, by }),
    }
}

/// Superseded and confirmed rounds are immutable; only an open round can change.
pub fn check_editable(state: RoundState) -> Result<(), NegotiationError> {
    match state {
        RoundState::Open => Ok(()),
        RoundState::Superseded | RoundState::Confirmed => {
            Err(NegotiationError::RoundNotEditable { state })
        }
    }
}

/// One unit's line in a round: both figures, the status and each side's latest comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow<K> {
    pub unit: K,
    pub top_down: Option<Money>,
    pub bottom_up: Option<Money>,
    pub status: UnitStatus,
    pub leader_comment: String,
    pub unit_comment: String,
}

impl<K> UnitRow<K> {
    /// A unit not yet proposed to.
    pub fn draft(unit: K) -> UnitRow<K> {
        UnitRow {
            unit,
            top_down: None,
            bottom_up: None,
            status: UnitStatus::Draft,
            leader_comment: String::new(),
            unit_comment: String::new(),
        }
    }

    /// bottom-up − top-down: positive when the unit expects more than it was asked for. None
    /// while either figure is missing (or if the difference does not fit).
    pub fn gap(&self) -> Option<Money> {
        self.bottom_up?.checked_sub(self.top_down?)
    }

    /// The figure both sides accepted: `top_down` once the status is `Agreed` (an Agree on a
    /// counter copies the bottom-up into `top_down`, see [`apply`]); None before.
    pub fn agreed_value(&self) -> Option<Money> {
        match self.status {
            UnitStatus::Agreed => self.top_down,
            _ => None,
        }
    }
}

/// Applies an event to a row, returning the new row (the transition table in the module
/// documentation says what changes):
/// - `Propose` needs `value` (the top-down target), `Counter` needs `value` (the bottom-up
///   figure); neither may be negative.
/// - `Agree` takes no figure: the leader accepts `bottom_up`, the unit accepts `top_down`. If
///   `value` is given it must equal that figure, so an agreement never lands on a number that
///   changed after the user looked at it.
/// - `Reopen` keeps the figures, or sets a new `top_down` if `value` is given.
///
/// A non-empty `comment` replaces the acting party's comment (`leader_comment` or
/// `unit_comment`); an empty one leaves it as it was.
pub fn apply<K: Clone>(
    row: &UnitRow<K>,
    event: RoundEvent,
    by: Party,
    value: Option<Money>,
    comment: &str,
) -> Result<UnitRow<K>, NegotiationError> {
    let status = next_status(row.status, event, by)?;
    if let Some(value) = value
        && value.is_negative()
    {
        return Err(NegotiationError::NegativeValue { value });
    }
    let mut next = row.clone();
    next.status = status;
    match event {
        RoundEvent::Propose => {
            next.top_down = Some(value.ok_or(NegotiationError::MissingValue { event })?);
        }
        RoundEvent::Counter => {
            next.bottom_up = Some(value.ok_or(NegotiationError::MissingValue { event })?);
        }
        RoundEvent::Agree => {
            let on_table = match by {
                Party::Leader => row.bottom_up,
                Party::Unit => row.top_down,
            }
            .ok_or(NegotiationError::MissingValue { event })?;
            if let Some(given) = value
                && given != on_table
            {
                return Err(NegotiationError::AgreeMismatch { on_table, given });
            }
            next.top_down = Some(on_table);
        }
        RoundEvent::Reopen => {
            if value.is_some() {
                next.top_down = value;
            }
        }
    }
    if !comment.is_empty() {
        match by {
            Party::Leader => next.leader_comment = comment.to_owned(),
            Party::Unit => next.unit_comment = comment.to_owned(),
        }
    }
    Ok(next)
}

/// True when there is at least one row and every row is agreed: the round can be confirmed.
pub fn all_agreed<K>(rows: &[UnitRow<K>]) -> bool {
    !rows.is_empty() && rows.iter().all(|r| r.status == UnitStatus::Agreed)
}

/// The totals line of a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Sum of the top-down figures given (missing ones count as nothing).
    pub top_down: Money,
    /// Sum of the bottom-up figures received (missing ones count as nothing).
    pub bottom_up: Money,
    /// Sum of the gaps of the rows that have both figures, so units that have not answered yet
    /// do not show up as a shortfall.
    pub gap: Money,
    pub units: usize,
    pub agreed: usize,
}

/// Sums a round. Sums saturate at the limits of `Money` rather than fail.
pub fn totals<K>(rows: &[UnitRow<K>]) -> Totals {
    let top_down = rows.iter().filter_map(|r| r.top_down).sum();
    let bottom_up = rows.iter().filter_map(|r| r.bottom_up).sum();
    let gap = rows
        .iter()
        .filter_map(|r| Some(r.bottom_up? - r.top_down?))
        .sum();
    Totals {
        top_down,
        bottom_up,
        gap,
        units: rows.len(),
        agreed: rows
            .iter()
            .filter(|r| r.status == UnitStatus::Agreed)
            .count(),
    }
}

/// A unit's figures and status: (top-down, bottom-up, status).
pub type RowState = (Option<Money>, Option<Money>, UnitStatus);

/// How one unit differs between two rounds; `before` is None for an added unit, `after` for a
/// removed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitDiff<K> {
    pub unit: K,
    pub before: Option<RowState>,
    pub after: Option<RowState>,
}

fn state<K>(row: &UnitRow<K>) -> RowState {
    (row.top_down, row.bottom_up, row.status)
}

/// What changed between two rounds: units added, removed, or with a different top-down,
/// bottom-up or status (comments are not compared). Changed and added units come first in the
/// order of `after`, then removed units in the order of `before`. If a unit is listed twice in
/// a round, its first row counts.
pub fn diff<K: Clone + Eq + std::hash::Hash>(
    before: &[UnitRow<K>],
    after: &[UnitRow<K>],
) -> Vec<UnitDiff<K>> {
    let mut old: HashMap<&K, RowState> = HashMap::new();
    for row in before {
        old.entry(&row.unit).or_insert_with(|| state(row));
    }
    let mut seen: HashSet<&K> = HashSet::new();
    let mut out = Vec::new();
    for row in after {
        if !seen.insert(&row.unit) {
            continue;
        }
        let now = state(row);
        let was = old.get(&row.unit).copied();
        if was != Some(now) {
            out.push(UnitDiff {
                unit: row.unit.clone(),
                before: was,
                after: Some(now),
            });
        }
    }
    let mut removed: HashSet<&K> = HashSet::new();
    for row in before {
        if !seen.contains(&row.unit) && removed.insert(&row.unit) {
            out.push(UnitDiff {
                unit: row.unit.clone(),
                before: Some(state(row)),
                after: None,
            });
        }
    }
    out
}

/// The content hash of a confirmed version, printed on the target letter so the letter can be
/// checked against the plan file.
///
/// Each cell `(node, line, period, metric, value)` becomes one line of text
/// `node|line|period|metric|value`: `node` and `value` (fen, or a count) as decimal integers
/// with `-` for negatives, `line` as a decimal integer or empty when there is no product line,
/// `period` and `metric` as given except that `\` is written `\\`, `|` is written `\|` and a
/// line break is written `\n` (so no text can forge a separator). The lines are sorted by their
/// UTF-8 bytes (the same order as Python's `sorted` on strings), joined with `\n` (no newline
/// at the end) and hashed with SHA-256; the result is the lower-case hex digest. Identical
/// cells are kept, once each. To recompute in Python:
///
/// ```text
/// text = "\n".join(sorted(f"{n}|{'' if l is None else l}|{p}|{m}|{v}" for n, l, p, m, v in cells))
/// hashlib.sha256(text.encode("utf-8")).hexdigest()
/// ```
/// (with the escaping above applied to `p` and `m` if they contain `\`, `|` or line breaks).
pub fn content_hash(cells: &[(i64, Option<i64>, String, String, i64)]) -> String {
    let mut lines: Vec<String> = cells
        .iter()
        .map(|(node, line, period, metric, value)| {
            let line = line.map(|l| l.to_string()).unwrap_or_default();
            format!(
                "{node}|{line}|{}|{}|{value}",
                escape(period),
                escape(metric)
            )
        })
        .collect();
    lines.sort_unstable();
    let digest = Sha256::digest(lines.join("\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Bottom-up roll-up (store → region → headquarters): each node's figure is its own entry in
/// `own` if it has one, else the sum of its children's figures. A node with no entry and no
/// child with a figure has none (it is absent from the result, not 0: nothing was received).
///
/// `nodes` lists `(node, parent)`; a parent that is not listed makes the node a root. If a node
/// is listed twice its first parent counts. Nodes in a cycle, or below one, are under no root, so
/// they only get their own entry. Entries in `own` for unlisted keys are ignored. Sums saturate
/// at the limits of `Money`.
pub fn roll_up<K: Clone + Eq + std::hash::Hash>(
    nodes: &[(K, Option<K>)],
    own: &HashMap<K, Money>,
) -> HashMap<K, Money> {
    let mut parent_of: HashMap<&K, Option<&K>> = HashMap::new();
    let mut order: Vec<&K> = Vec::new();
    for (node, parent) in nodes {
        if !parent_of.contains_key(node) {
            parent_of.insert(node, parent.as_ref());
            order.push(node);
        }
    }
    let mut children: HashMap<&K, Vec<&K>> = HashMap::new();
    let mut roots: Vec<&K> = Vec::new();
    for &node in &order {
        match parent_of.get(node).copied().flatten() {
            Some(parent) if parent_of.contains_key(parent) && parent != node => {
                children.entry(parent).or_default().push(node);
            }
            _ => roots.push(node),
        }
    }

    let mut result: HashMap<K, Money> = HashMap::new();
    // Post-order without recursion: a node is finished after all its children.
    let mut visited: HashSet<&K> = HashSet::new();
    let mut stack: Vec<(&K, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
    while let Some((node, expanded)) = stack.pop() {
        if expanded {
            let value = match own.get(node) {
                Some(&value) => Some(value),
                None => {
                    let below: Vec<Money> = children
                        .get(node)
                        .into_iter()
                        .flatten()
                        .filter_map(|c| result.get(*c).copied())
                        .collect();
                    (!below.is_empty()).then(|| below.into_iter().sum())
                }
            };
            if let Some(value) = value {
                result.insert(node.clone(), value);
            }
            continue;
        }
        if !visited.insert(node) {
            continue;
        }
        stack.push((node, true));
        for &child in children.get(node).into_iter().flatten().rev() {
            stack.push((child, false));
        }
    }
    // Nodes in a cycle were never reached from a root.
    for &node in &order {
        if !visited.contains(node)
            && let Some(&value) = own.get(node)
        {
            result.insert(node.clone(), value);
        }
    }
    result
}
