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
    /// Not whole, valid JSON text: cut off, saved in another encoding, or edited by hand.
    Damaged {
        damage: Damage,
        line: usize,
        column: usize,
    },
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
    /// A password-protected file without the right password (see `exchange::protect`).
    Protection {
        error: crate::exchange::protect::ProtectError,
    },
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
            Conflict::Damaged {
                damage,
                line,
                column,
            } => trf(
                lang,
                match damage {
                    Damage::CutOff => "plan_file.cut_off",
                    Damage::NotUtf8 => "plan_file.not_utf8",
                    Damage::NotJson => "plan_file.not_json",
                },
                &[("line", line.to_string()), ("column", column.to_string())],
            ),
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
            Conflict::Negative { value } => trf(
                lang,
                "plan_file.negative",
                &[(
                    "value",
                    Money::from_fen(*value).format_with_unit(crate::domain::money::AmountUnit::Wan),
                )],
            ),
            Conflict::Protection { error } => {
                use crate::i18n::Localized;
                error.localize(lang)
            }
        }
    }
}

/// How a file's text is damaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    /// It ends before the JSON does (cut off in transfer).
    CutOff,
    /// It is not UTF-8 (saved again in another encoding).
    NotUtf8,
    /// It is not valid JSON (edited by hand).
    NotJson,
}

/// Why `bytes` could not be read as JSON: damage to the text itself, or (for JSON that reads)
/// fields and values this version does not know.
fn json_problem(bytes: &[u8], e: serde_json::Error) -> Conflict {
    use serde_json::error::Category;
    let damage = match e.classify() {
        Category::Eof => Some(Damage::CutOff),
        Category::Syntax if std::str::from_utf8(bytes).is_err() => Some(Damage::NotUtf8),
        Category::Syntax => Some(Damage::NotJson),
        Category::Data | Category::Io => None,
    };
    match damage {
        Some(damage) => Conflict::Damaged {
            damage,
            line: e.line(),
            column: e.column(),
        },
        None => Conflict::Unreadable {
            detail: e.to_string(),
        },
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
    stored: Option<&RoundOffer>,
) -> Result<Submission, String> {
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let node = tree
        .get(person)
        .filter(|n| n.kind.is_person())
        .ok_or("not a person of this plan")?;
    // The round of this file, or the one its package came in.
    let round = snap
        .current_round()
        .map(|r| r.number)
        .or(stored.map(|r| r.number))
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
        round: RoundRef { number: round },
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
    let bytes = without_bom(bytes);
    check_head(bytes, "submission")?;
    serde_json::from_slice(bytes).map_err(|e| json_problem(bytes, e))
}

/// A file's bytes as a plan file: decrypted with `password` when it is password-protected.
pub fn unseal(bytes: Vec<u8>, password: Option<&str>) -> Result<Vec<u8>, Conflict> {
    if !crate::exchange::protect::is_protected(&bytes) {
        return Ok(bytes);
    }
    crate::exchange::protect::unprotect(&bytes, password.unwrap_or(""))
        .map_err(|error| Conflict::Protection { error })
}

/// Reads a plan file from disk, decrypting it with `password` when it is protected.
pub fn read_file(path: &std::path::Path, password: Option<&str>) -> Result<Vec<u8>, Conflict> {
    std::fs::read(path)
        .map_err(|e| Conflict::Unreadable {
            detail: e.to_string(),
        })
        .and_then(|b| unseal(b, password))
}

/// Reads submission files (protected ones with `password`); a file that cannot be read is a
/// conflict of its own.
pub fn read_submissions(
    files: &[std::path::PathBuf],
    password: Option<&str>,
) -> Vec<Result<Submission, Conflict>> {
    files
        .iter()
        .map(|f| read_file(f, password).and_then(|b| parse(&b)))
        .collect()
}

/// The kind a plan file declares (`package`, `submission`), if it is one.
pub fn kind_of(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        kind: Option<String>,
    }
    let head: Head = serde_json::from_slice(without_bom(bytes)).ok()?;
    (head.format.as_deref() == Some(FORMAT))
        .then_some(head.kind)
        .flatten()
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

/// A unit above the person, as the package carries it to build their plan file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    pub name: String,
    /// The unit kind's code: company, region, …
    pub kind: String,
}

/// One target cell of the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    /// The product line's name, or null for all lines.
    pub line: Option<String>,
    /// The period's code: `Y`, `Q1`, `M03`.
    pub period: String,
    /// The metric's code: `contract_amount`, `leads`, …
    pub metric: String,
    /// Fen for money metrics, else a count.
    pub value: i64,
}

/// The round a package is sent in, with the leader's proposal to the person's unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundOffer {
    pub number: u32,
    /// The unit of the round the person answers for.
    pub unit: String,
    pub top_down_fen: Option<i64>,
    pub comment: String,
}

/// The funnel assumptions of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunnelEntry {
    pub deal_size_fen: i64,
    /// An exact fraction: `1/10`.
    pub win_rate: String,
    pub visits_per_week: u32,
}

/// What a leader sends one account manager: their targets and the current round, to open as
/// their own plan file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub format: String,
    pub format_version: u32,
    /// `package`.
    pub kind: String,
    pub generator: String,
    pub written_on: String,
    pub plan: PlanIdentity,
    pub round: Option<RoundOffer>,
    pub person: PersonRef,
    /// The units above the person, top first, with their kinds.
    pub units: Vec<UnitEntry>,
    pub title: String,
    pub email: String,
    pub visits_per_week: Option<u32>,
    /// The plan's product lines, by name.
    pub lines: Vec<String>,
    pub funnel: FunnelEntry,
    pub targets: Vec<TargetEntry>,
}

/// The package of `person`: their targets of the current version and, in a round, the
/// leader's proposal to their unit.
pub fn package(
    snap: &PlanSnapshot,
    person: NodeId,
    day: jiff::civil::Date,
) -> Result<Package, String> {
    let tree = OrgTree::new(&snap.nodes);
    let node = tree
        .get(person)
        .filter(|n| n.kind.is_person())
        .ok_or("not a person of this plan")?;
    let line_name = |l: crate::domain::model::LineId| snap.line(l).map(|l| l.name.clone());
    let round = snap.current_round().and_then(|r| {
        let row = std::iter::once(person)
            .chain(tree.ancestors(person))
            .find_map(|n| r.rows.iter().find(|x| x.unit == n))?;
        Some(RoundOffer {
            number: r.number,
            unit: tree
                .get(row.unit)
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            top_down_fen: row.top_down.map(Money::fen),
            comment: row.leader_comment.clone(),
        })
    });
    let mut ancestors = tree.ancestors(person);
    ancestors.reverse();
    Ok(Package {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        kind: "package".to_owned(),
        generator: format!("SalesPlan {}", env!("CARGO_PKG_VERSION")),
        written_on: day.to_string(),
        plan: identity(snap),
        round,
        person: PersonRef {
            name: node.name.clone(),
            units: units_above(&tree, person),
        },
        units: ancestors
            .iter()
            .filter_map(|a| tree.get(*a))
            .map(|n| UnitEntry {
                name: n.name.clone(),
                kind: n.kind.code().to_owned(),
            })
            .collect(),
        title: node.title.clone(),
        email: node.email.clone(),
        visits_per_week: node.visits_per_week,
        lines: snap.lines.iter().map(|l| l.name.clone()).collect(),
        funnel: FunnelEntry {
            deal_size_fen: snap.funnel.deal_size.fen(),
            win_rate: format!(
                "{}/{}",
                snap.funnel.win_rate.num(),
                snap.funnel.win_rate.den()
            ),
            visits_per_week: snap.funnel.visits_per_week,
        },
        targets: snap
            .targets
            .iter()
            .filter(|c| c.node == person)
            .map(|c| TargetEntry {
                line: c.line.and_then(line_name),
                period: c.period.code(),
                metric: c.metric.code().to_owned(),
                value: c.value,
            })
            .collect(),
    })
}

/// Reads a file's bytes as a package; anything else is a conflict.
pub fn parse_package(bytes: &[u8]) -> Result<Package, Conflict> {
    let bytes = without_bom(bytes);
    check_head(bytes, "package")?;
    serde_json::from_slice(bytes).map_err(|e| json_problem(bytes, e))
}

/// The bytes without a leading UTF-8 byte-order mark, which Notepad writes when it saves a
/// file: it is not part of the JSON.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The format, version and kind a file declares, checked before the rest is read.
fn check_head(bytes: &[u8], kind: &str) -> Result<(), Conflict> {
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        format_version: Option<u32>,
        kind: Option<String>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| json_problem(bytes, e))?;
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
    if head.kind.as_deref() != Some(kind) {
        return Err(Conflict::Unreadable {
            detail: format!(
                "it is a \"{}\", not a {kind}",
                head.kind.unwrap_or_default()
            ),
        });
    }
    Ok(())
}

/// The settings a plan file made from a package keeps about the round it answers.
pub const SETTING_ROUND: &str = "exchange.round";

/// Creates the account manager's own plan file from a package: the plan, the units above them,
/// the person, the product lines, the funnel assumptions, their targets, and the round to
/// answer. Every value is checked; the file appears only when complete.
pub fn create_from_package(
    path: &std::path::Path,
    p: &Package,
) -> Result<crate::store::Store, String> {
    use crate::domain::model::{FunnelDefaults, UnitKind};
    use crate::store::{NewPlan, PersonFields, ProductLineFields, StoreError};
    let bad = |what: &str, value: &str| format!("the package's {what} \"{value}\" is not valid");
    let (company, below) = p
        .units
        .split_first()
        .ok_or_else(|| "the package names no organisation above the person".to_owned())?;
    let mut kinds = Vec::new();
    for u in below {
        let k = UnitKind::from_code(&u.kind)
            .filter(|k| *k != UnitKind::Person)
            .ok_or_else(|| bad("unit kind", &u.kind))?;
        kinds.push((u.name.clone(), k));
    }
    let mut cells = Vec::new();
    for t in &p.targets {
        let metric = Metric::from_code(&t.metric).ok_or_else(|| bad("metric", &t.metric))?;
        let period = Period::parse_code(&t.period).map_err(|_| bad("period", &t.period))?;
        if t.value < 0 {
            return Err(bad("target", &t.value.to_string()));
        }
        if let Some(l) = &t.line
            && !p.lines.contains(l)
        {
            return Err(bad("product line", l));
        }
        cells.push((t.line.clone(), period, metric, t.value));
    }
    let win_rate = crate::domain::ratio::Ratio::parse(&p.funnel.win_rate)
        .map_err(|_| bad("win rate", &p.funnel.win_rate))?;
    let funnel = FunnelDefaults {
        deal_size: Money::from_fen(p.funnel.deal_size_fen),
        win_rate,
        visits_per_week: p.funnel.visits_per_week,
    };
    crate::domain::funnel::check_defaults(&funnel).map_err(|e| e.to_string())?;
    let plan = NewPlan {
        name: p.plan.name.clone(),
        organisation: p.plan.organisation.clone(),
        fiscal_year: p.plan.fiscal_year,
        fiscal_start_month: p.plan.fiscal_start_month,
        company: company.name.clone(),
        version_name: p.plan.name.clone(),
        channels: ["直销".to_owned(), "分销".to_owned(), "电商".to_owned()],
    };
    let round = p.round.clone();
    let fill = |b: &crate::store::Bulk| -> crate::store::Result<()> {
        let mut parent = b.root()?;
        for (name, kind) in &kinds {
            parent = b.add_node(parent, *kind, name)?;
        }
        let me = b.add_node(parent, UnitKind::Person, &p.person.name)?;
        b.update_person(
            me,
            &PersonFields {
                title: p.title.clone(),
                email: p.email.clone(),
                visits_per_week: p.visits_per_week,
            },
        )?;
        let mut lines = Vec::new();
        for name in &p.lines {
            let id = b.add_line(&ProductLineFields {
                name: name.clone(),
                code: String::new(),
                description: String::new(),
            })?;
            lines.push((name.clone(), id));
        }
        b.set_funnel_defaults(&funnel)?;
        for (line, period, metric, value) in &cells {
            let line = line
                .as_ref()
                .and_then(|l| lines.iter().find(|(n, _)| n == l).map(|(_, id)| *id));
            b.set_target(me, line, *period, *metric, *value)?;
        }
        if let Some(r) = &round {
            let text = serde_json::to_string(r).map_err(|e| StoreError::Sqlite {
                detail: e.to_string(),
            })?;
            b.set_setting(SETTING_ROUND, &text)?;
        }
        Ok(())
    };
    use crate::i18n::Localized;
    crate::store::Store::create_with(path, &plan, fill)
        .map_err(|e| e.localize(crate::i18n::Lang::En))
}

/// The round a plan file made from a package answers (None for other plan files).
pub fn stored_round(store: &crate::store::Store) -> Option<RoundOffer> {
    store
        .setting(SETTING_ROUND)
        .ok()
        .flatten()
        .and_then(|t| serde_json::from_str(&t).ok())
}
