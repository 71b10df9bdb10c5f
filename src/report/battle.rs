//! The battle plan in the report (domain §6): the customer × product matrix with each cell's
//! figures, the pipeline by stage, each person's product and customer sales plans against their
//! target, and the goal cards.

use serde::Serialize;

use super::RateEntry;
use crate::domain::battle::{self, ActualSource, GoalKind, GoalUnit, PlanRow, ProbabilitySource};
use crate::domain::model::{DealStatus, NodeId, PlanSnapshot};
use crate::domain::ratio::Ratio;

#[derive(Serialize)]
pub struct BattleSection {
    pub matrix: Vec<CellEntry>,
    /// The whole organisation's board, stage by stage.
    pub pipeline_by_stage: Vec<StageEntry>,
    /// Per person (organisation order): their board by stage, sales plans and goal card.
    pub people: Vec<PersonBattle>,
    pub contacts: Vec<ContactEntry>,
}

#[derive(Serialize)]
pub struct CellEntry {
    pub id: i64,
    pub customer_id: i64,
    pub customer: String,
    pub product_id: i64,
    pub product: String,
    pub owner_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub stage: u8,
    pub status: DealStatus,
    pub probability: RateEntry,
    pub probability_source: ProbabilitySource,
    pub potential_fen: i64,
    pub weighted_fen: i64,
    pub planned_fen: i64,
    /// `YYYY-MM`, or null.
    pub close_month: Option<String>,
    pub strategy: String,
    pub people: u32,
    pub budget_fen: i64,
}

#[derive(Serialize)]
pub struct StageEntry {
    pub stage: u8,
    pub name: String,
    pub probability: RateEntry,
    pub playbook: String,
    pub count: u32,
    pub value_fen: i64,
    pub weighted_fen: i64,
}

#[derive(Serialize)]
pub struct RowEntry {
    pub cells: u32,
    pub potential_fen: i64,
    pub weighted_fen: i64,
    pub planned_fen: i64,
    pub people: u64,
    pub budget_fen: i64,
}

impl RowEntry {
    fn of(r: &PlanRow) -> Self {
        RowEntry {
            cells: r.cells,
            potential_fen: r.potential.fen(),
            weighted_fen: r.weighted.fen(),
            planned_fen: r.planned.fen(),
            people: r.people,
            budget_fen: r.budget.fen(),
        }
    }
}

#[derive(Serialize)]
pub struct KeyedRow {
    pub id: i64,
    pub name: String,
    #[serde(flatten)]
    pub row: RowEntry,
    /// The line's yearly contract target (lines only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_fen: Option<i64>,
}

#[derive(Serialize)]
pub struct SalesPlansEntry {
    pub target_fen: Option<i64>,
    /// target − planned.
    pub gap_fen: Option<i64>,
    pub total: RowEntry,
    pub by_line: Vec<KeyedRow>,
    pub by_product: Vec<KeyedRow>,
    pub by_customer: Vec<KeyedRow>,
}

#[derive(Serialize)]
pub struct GoalEntry {
    pub id: Option<i64>,
    pub kind: GoalKind,
    /// The own goal's name (empty for the built-in goals).
    pub name: String,
    pub unit: GoalUnit,
    /// Counts as whole numbers, money in fen, percentages as rates.
    pub target: Option<FigureEntry>,
    /// True when the target is the person's yearly contract target (not set on the card).
    pub target_from_plan: bool,
    pub actual: Option<FigureEntry>,
    pub source: ActualSource,
    /// For the rates: (successes, finished).
    pub counts: Option<(u64, u64)>,
    pub attainment: Option<RateEntry>,
}

/// A goal figure: the exact fraction and its reading in the goal's unit.
#[derive(Serialize)]
pub struct FigureEntry {
    pub fraction: String,
    pub value: String,
}

fn figure(unit: GoalUnit, r: Ratio) -> FigureEntry {
    FigureEntry {
        fraction: format!("{}/{}", r.num(), r.den()),
        value: match unit {
            GoalUnit::Percent => r.format_percent(4),
            _ => r.format_decimal(0),
        },
    }
}

#[derive(Serialize)]
pub struct PersonBattle {
    pub node_id: i64,
    pub name: String,
    pub pipeline_by_stage: Vec<StageEntry>,
    pub sales_plans: SalesPlansEntry,
    pub goal_card: Vec<GoalEntry>,
}

#[derive(Serialize)]
pub struct ContactEntry {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub title: String,
    pub role: String,
    pub phone: String,
    pub email: String,
}

fn stages(s: &PlanSnapshot, person: Option<NodeId>) -> Vec<StageEntry> {
    battle::pipeline_by_stage(s, person)
        .into_iter()
        .filter_map(|c| {
            let st = s.stages.iter().find(|x| x.position == c.stage)?;
            Some(StageEntry {
                stage: c.stage,
                name: st.name.clone(),
                probability: RateEntry::of(st.probability),
                playbook: st.playbook.clone(),
                count: c.count,
                value_fen: c.value.fen(),
                weighted_fen: c.weighted.fen(),
            })
        })
        .collect()
}

fn plans(s: &PlanSnapshot, person: NodeId) -> SalesPlansEntry {
    let p = battle::sales_plans(s, Some(person));
    let product = |id| s.products.iter().find(|x| x.id == id);
    SalesPlansEntry {
        target_fen: p.target.map(|t| t.fen()),
        gap_fen: p.gap.map(|g| g.fen()),
        total: RowEntry::of(&p.total),
        by_line: p
            .by_line
            .iter()
            .map(|(l, row, t)| KeyedRow {
                id: l.0,
                name: s.line(*l).map(|x| x.name.clone()).unwrap_or_default(),
                row: RowEntry::of(row),
                target_fen: t.map(|t| t.fen()),
            })
            .collect(),
        by_product: p
            .by_product
            .iter()
            .map(|(id, row)| KeyedRow {
                id: id.0,
                name: product(*id).map(|x| x.name.clone()).unwrap_or_default(),
                row: RowEntry::of(row),
                target_fen: None,
            })
            .collect(),
        by_customer: p
            .by_customer
            .iter()
            .map(|(id, row)| KeyedRow {
                id: id.0,
                name: s
                    .customers
                    .iter()
                    .find(|c| c.id == *id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                row: RowEntry::of(row),
                target_fen: None,
            })
            .collect(),
    }
}

pub fn section(s: &PlanSnapshot, people: &[NodeId]) -> BattleSection {
    let matrix = s
        .matrix
        .iter()
        .map(|c| {
            let f = battle::cell_figures(s, c);
            CellEntry {
                id: c.id,
                customer_id: c.customer.0,
                customer: s
                    .customers
                    .iter()
                    .find(|x| x.id == c.customer)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                product_id: c.product.0,
                product: s
                    .products
                    .iter()
                    .find(|x| x.id == c.product)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                owner_id: battle::owner_of(s, c.customer).map(|n| n.0),
                opportunity_id: c.opportunity.map(|o| o.0),
                stage: f.stage,
                status: f.status,
                probability: RateEntry::of(f.probability),
                probability_source: f.probability_source,
                potential_fen: c.fields.potential.fen(),
                weighted_fen: f.weighted.fen(),
                planned_fen: f.planned.fen(),
                close_month: c
                    .fields
                    .close_month
                    .map(|d| format!("{:04}-{:02}", d.year(), d.month())),
                strategy: c.fields.strategy.clone(),
                people: c.fields.people,
                budget_fen: c.fields.budget.fen(),
            }
        })
        .collect();
    let people = people
        .iter()
        .filter_map(|&p| {
            let node = s.node(p)?;
            Some(PersonBattle {
                node_id: p.0,
                name: node.name.clone(),
                pipeline_by_stage: stages(s, Some(p)),
                sales_plans: plans(s, p),
                goal_card: battle::goal_card(s, p)
                    .into_iter()
                    .map(|g| GoalEntry {
                        id: g.id,
                        kind: g.kind,
                        name: g.name,
                        unit: g.unit,
                        target: g.target.map(|t| figure(g.unit, t)),
                        target_from_plan: g.target_from_plan,
                        actual: g.actual.map(|a| figure(g.unit, a)),
                        source: g.source,
                        counts: g.counts,
                        attainment: g.attainment.map(RateEntry::of),
                    })
                    .collect(),
            })
        })
        .collect();
    BattleSection {
        matrix,
        pipeline_by_stage: stages(s, None),
        people,
        contacts: s
            .contacts
            .iter()
            .map(|c| ContactEntry {
                id: c.id,
                customer_id: c.customer.0,
                name: c.fields.name.clone(),
                title: c.fields.title.clone(),
                role: c.fields.role.clone(),
                phone: c.fields.phone.clone(),
                email: c.fields.email.clone(),
            })
            .collect(),
    }
}
