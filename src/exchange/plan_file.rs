//! Plan exchange files between a leader and the account managers (docs/plan-file.md). This part
//! is the **submission**: an account manager's bottom-up figure for the current negotiation
//! round, with a comment, written from their copy of the plan; the leader reads many at once
//! into the round. Everything is checked before anything is written, and a submission can only
//! touch the round row of the unit its person belongs to.

use serde::{Deserialize, Serialize};

use crate::domain::model::{Metric, NodeId, PlanSnapshot, VersionState};
use crate::domain::money::Money;
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::targets::TargetTable;

/// What the file says it is.
pub const FORMAT: &str = "salesplan-plan-file";
/// The version this build writes; files of other versions are refused.
pub const FORMAT_VERSION: u32 = 1;

/// The plan a file belongs to: a leader's plan and its copies share these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanIdentity {
    pub name: String,
    pub organisation: String,
    pub fiscal_year: i32,
    pub fiscal_start_month: u8,
}

/// The negotiation round a file was written in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRef {
    pub number: u32,
}

/// Who a file is about: the person's name and the units above them, top first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRef {
    pub name: String,
    pub units: Vec<String>,
}

/// An account manager's bottom-up figure for a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub format: String,
    pub format_version: u32,
    /// `submission`.
    pub kind: String,
    pub generator: String,
    pub written_on: String,
    pub plan: PlanIdentity,
    pub round: RoundRef,
    pub person: PersonRef,
    /// The person's yearly contract amount as they plan it (fen).
    pub bottom_up_fen: i64,
    pub comment: String,
}

/// Why a file cannot be read into the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Conflict {
    /// Not JSON, or not a plan file, or with fields this version does not know.
    Unreadable { detail: String },
    /// A format version this build does not read.
    Version { found: u32 },
    /// Written for another plan (name, organisation or fiscal year differ).
    OtherPlan { found: String },
    /// The plan is not in a negotiation round, or the round is closed.
    NoOpenRound,
    /// Written in another round than the plan's current one.
    WrongRound { found: u32, current: u32 },
    /// No such person in the plan, or under other units.
    UnknownPerson { name: String },
    /// The person's units are not in the round: the figure has nowhere to go.
    NotInRound { name: String },
    /// The round's unit of this person is already agreed (edits after agreement).
    AlreadyAgreed { unit: String },
    /// The unit is not waiting for a figure: nothing proposed to it yet, or it has answered
    /// already (the leader proposes again to take a new one).
    NotAwaitingFigure { unit: String, answered: bool },
    /// Two files for the same person.
    Duplicate { name: String },
    /// A bottom-up figure below zero.
    Negative { value: i64 },
}

impl Conflict {
    /// The message, in English (the command line's language).
    pub fn message(&self) -> String {
        self.localize(crate::i18n::Lang::En)
    }

    /// The message in a language: what is wrong and what to do.
    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::trf;
        match self {
            Conflict::Unreadable { detail } => {
                trf(lang, "plan_file.unreadable", &[("detail", detail.clone())])
            }
            Conflict::Version { found } => trf(
                lang,
                "plan_file.version",
                &[
                    ("found", found.to_string()),
                    ("reads", FORMAT_VERSION.to_string()),
                ],
            ),
            Conflict::OtherPlan { found } => {
                trf(lang, "plan_file.other_plan", &[("found", found.clone())])
            }
            Conflict::NoOpenRound => trf(lang, "plan_file.no_round", &[]),
            Conflict::WrongRound { found, current } => trf(
                lang,
                "plan_file.wrong_round",
                &[
                    ("found", found.to_string()),
                    ("current", current.to_string()),
                ],
            ),
            Conflict::UnknownPerson { name } => {
                trf(lang, "plan_file.unknown_person", &[("name", name.clone())])
            }
            Conflict::NotInRound { name } => {
                trf(lang, "plan_file.not_in_round", &[("name", name.clone())])
            }
            Conflict::AlreadyAgreed { unit } => {
                trf(lang, "plan_file.agreed", &[("unit", unit.clone())])
            }
            Conflict::NotAwaitingFigure {
                unit,
                answered: false,
            } => trf(lang, "plan_file.not_proposed", &[("unit", unit.clone())]),
            Conflict::NotAwaitingFigure {
                unit,
                answered: true,
            } => trf(lang, "plan_file.answered", &[("unit", unit.clone())]),
            Conflict::Duplicate { name } => {
                trf(lang, "plan_file.duplicate", &[("name", name.clone())])
            }
            Conflict::Negative { value } => {
                trf(lang, "plan_file.negative", &[("value", value.to_string())])
            }
        }
    }
}

fn identity(snap: &PlanSnapshot) -> PlanIdentity {
    PlanIdentity {
        name: snap.plan.name.clone(),
        organisation: snap.plan.organisation.clone(),
        fiscal_year: snap.plan.fiscal_year.year(),
        fiscal_start_month: snap.plan.fiscal_year.start_month(),
    }
}

fn units_above(tree: &OrgTree, person: NodeId) -> Vec<String> {
    let mut path: Vec<String> = tree
        .ancestors(person)
        .into_iter()
        .filter_map(|a| tree.get(a).map(|n| n.name.clone()))
        .collect();
    path.reverse();
    path
}

/// The submission of `person` from this copy of the plan: their yearly contract amount as
/// their plan holds it (their own target, else the sum of their months), in the current round.
pub fn submission(
    snap: &PlanSnapshot,
    person: NodeId,
    comment: &str,
    day: jiff::civil::Date,
) -> Result<Submission, String> {
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let node = tree
        .get(person)
        .filter(|n| n.kind.is_person())
        .ok_or("not a person of this plan")?;
    let round = snap
        .current_round()
        .ok_or("the plan is not in a negotiation round: submissions belong to a round")?;
    let value = table
        .node_value(&tree, person, None, Period::Year, Metric::ContractAmount)
        .ok_or_else(|| {
            format!(
                "{} has no contract amount for the year to submit",
                node.name
            )
        })?;
    Ok(Submission {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        kind: "submission".to_owned(),
        generator: format!("SalesPlan {}", env!("CARGO_PKG_VERSION")),
        written_on: day.to_string(),
        plan: identity(snap),
        round: RoundRef {
            number: round.number,
        },
        person: PersonRef {
            name: node.name.clone(),
            units: units_above(&tree, person),
        },
        bottom_up_fen: value,
        comment: comment.trim().to_owned(),
    })
}

/// Reads a file's bytes as a submission; anything else is a conflict.
pub fn parse(bytes: &[u8]) -> Result<Submission, Conflict> {
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        format_version: Option<u32>,
        kind: Option<String>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| Conflict::Unreadable {
        detail: e.to_string(),
    })?;
    if head.format.as_deref() != Some(FORMAT) {
        return Err(Conflict::Unreadable {
            detail: format!("its \"format\" is not \"{FORMAT}\""),
        });
    }
    match head.format_version {
        Some(FORMAT_VERSION) => {}
        Some(found) => return Err(Conflict::Version { found }),
        None => {
            return Err(Conflict::Unreadable {
                detail: "it has no \"format_version\"".to_owned(),
            });
        }
    }
    if head.kind.as_deref() != Some("submission") {
        return Err(Conflict::Unreadable {
            detail: format!(
                "it is a \"{}\", not a submission",
                head.kind.unwrap_or_default()
            ),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| Conflict::Unreadable {
        detail: e.to_string(),
    })
}

/// A submission that fits the plan: the person and the round unit it counts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub person: NodeId,
    pub unit: NodeId,
    pub value: Money,
    pub comment: String,
}

/// What each file would do, or why it cannot: the preview before anything is written.
pub fn check(
    snap: &PlanSnapshot,
    files: &[Result<Submission, Conflict>],
) -> Vec<Result<Accepted, Conflict>> {
    let tree = OrgTree::new(&snap.nodes);
    let mine = identity(snap);
    let round = snap
        .current_round()
        .filter(|r| r.state == VersionState::Open);
    let mut seen: Vec<NodeId> = Vec::new();
    files
        .iter()
        .map(|f| {
            let s = f.as_ref().map_err(Clone::clone)?;
            if s.plan != mine {
                return Err(Conflict::OtherPlan {
                    found: format!("{} {}", s.plan.name, s.plan.fiscal_year),
                });
            }
            let round = round.ok_or(Conflict::NoOpenRound)?;
            if s.round.number != round.number {
                return Err(Conflict::WrongRound {
                    found: s.round.number,
                    current: round.number,
                });
            }
            let person = snap
                .people()
                .find(|p| p.name == s.person.name && units_above(&tree, p.id) == s.person.units)
                .map(|p| p.id)
                .ok_or_else(|| Conflict::UnknownPerson {
                    name: s.person.name.clone(),
                })?;
            if s.bottom_up_fen < 0 {
                return Err(Conflict::Negative {
                    value: s.bottom_up_fen,
                });
            }
            // The round unit the person belongs to: themselves, else the nearest unit above.
            let row = std::iter::once(person)
                .chain(tree.ancestors(person))
                .find_map(|n| round.rows.iter().find(|r| r.unit == n))
                .ok_or_else(|| Conflict::NotInRound {
                    name: s.person.name.clone(),
                })?;
            if row.status == crate::domain::negotiation::UnitStatus::Agreed {
                return Err(Conflict::AlreadyAgreed {
                    unit: tree
                        .get(row.unit)
                        .map(|n| n.name.clone())
                        .unwrap_or_default(),
                });
            }
            let unit_name = || {
                tree.get(row.unit)
                    .map(|n| n.name.clone())
                    .unwrap_or_default()
            };
            if row.status != crate::domain::negotiation::UnitStatus::Proposed {
                return Err(Conflict::NotAwaitingFigure {
                    unit: unit_name(),
                    answered: row.status == crate::domain::negotiation::UnitStatus::Countered,
                });
            }
            if seen.contains(&person) {
                return Err(Conflict::Duplicate {
                    name: s.person.name.clone(),
                });
            }
            seen.push(person);
            Ok(Accepted {
                person,
                unit: row.unit,
                value: Money::from_fen(s.bottom_up_fen),
                comment: s.comment.clone(),
            })
        })
        .collect()
}

/// The round units' bottom-up figures the accepted submissions add up to, with their comments.
pub fn bottom_up_by_unit(accepted: &[Accepted], tree: &OrgTree) -> Vec<(NodeId, Money, String)> {
    let mut out: Vec<(NodeId, Money, String)> = Vec::new();
    for a in accepted {
        let who = tree
            .get(a.person)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        let note = if a.comment.is_empty() {
            String::new()
        } else {
            format!("{who}：{}", a.comment)
        };
        match out.iter_mut().find(|(u, _, _)| *u == a.unit) {
            Some((_, v, c)) => {
                *v += a.value;
                if !note.is_empty() {
                    if !c.is_empty() {
                        c.push('；');
                    }
                    c.push_str(&note);
                }
            }
            None => out.push((a.unit, a.value, note)),
        }
    }
    out
}
