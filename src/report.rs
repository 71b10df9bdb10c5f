//! The plan report as JSON (`salesplan report --json`): the plan's structure and targets, for
//! automation. Documented field by field in `docs/report-json.md`; later features add sections.
//! Amounts are integers in fen (`*_fen`); rates are exact fractions ("1/10") with a percent
//! string beside them for reading.

use serde::Serialize;

mod battle;
mod execution;
mod finance;
mod target_work;
pub use target_work::{AllocationEntry, DerivationEntry, FunnelsSection, RoundEntry};

use crate::domain::model::{
    LineId, Metric, NodeId, PlanSnapshot, TargetCell, UnitKind, VersionKind,
};
use crate::domain::org::OrgTree;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::domain::targets::{self, GapKind, TargetTable};

pub const FORMAT: &str = "salesplan-report";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Report {
    pub format: &'static str,
    pub format_version: u32,
    pub generator: String,
    pub plan: PlanSection,
    pub versions: Vec<VersionEntry>,
    /// The negotiation rounds, oldest first.
    pub rounds: Vec<RoundEntry>,
    pub organisation: Vec<OrgEntry>,
    pub product_lines: Vec<LineEntry>,
    pub channels: Vec<ChannelEntry>,
    pub customers: Vec<CustomerEntry>,
    pub calendar: CalendarSection,
    pub funnel_defaults: FunnelSection,
    pub history: Vec<HistoryEntry>,
    pub targets: TargetsSection,
    pub statistics: StatisticsSection,
    /// Each person's funnel, month-by-month phasing and confidence.
    pub funnels: FunnelsSection,
    /// The key-account battle plan: matrix, pipeline by stage, sales plans, goal cards.
    pub battle_plan: battle::BattleSection,
    /// The expense budget's status on the report day.
    pub expenses: finance::ExpensesSection,
    /// The receivables on the report day.
    pub receivables: finance::ReceivablesSection,
    /// Plan against actual, attribution, the re-forecast and open review actions on the
    /// report day.
    pub execution: execution::ExecutionSection,
}

/// Figures derived from the imported pipeline and history.
#[derive(Serialize)]
pub struct StatisticsSection {
    pub pipeline: PipelineSection,
    pub history: HistoryStatsSection,
    pub actuals: Vec<ActualsEntry>,
}

#[derive(Serialize)]
pub struct PipelineSection {
    pub opportunities: usize,
    pub company: DealStatsEntry,
    /// Per person, in organisation order; `node_id` null for deals without a person.
    pub people: Vec<PersonStatsEntry>,
}

#[derive(Serialize)]
pub struct PersonStatsEntry {
    pub node_id: Option<i64>,
    pub name: String,
    #[serde(flatten)]
    pub stats: DealStatsEntry,
}

#[derive(Serialize)]
pub struct DealStatsEntry {
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    /// won / (won + lost)
    pub win_rate: Option<RateEntry>,
    pub won_value_fen: i64,
    /// Rounded to the fen, half away from zero.
    pub average_won_fen: Option<i64>,
    pub cycles: u64,
    /// Days, as an exact fraction and as a decimal with 2 places.
    pub cycle_days_mean: Option<QuantityEntry>,
    pub cycle_days_median: Option<QuantityEntry>,
    pub conversions: Vec<ConversionEntry>,
}

#[derive(Serialize)]
pub struct ConversionEntry {
    pub from_stage: u8,
    pub to_stage: u8,
    pub resolved: u64,
    pub advanced: u64,
    pub rate: Option<RateEntry>,
}

#[derive(Serialize)]
pub struct HistoryStatsSection {
    pub years: Vec<YearStatsEntry>,
    /// Compound annual growth, first to last year, rounded to 6 decimals.
    pub cagr: Option<RateEntry>,
    /// 12 integer weights by fiscal month (sum = 10^8 × years), see domain §2.
    pub seasonality_weights: Option<Vec<i64>>,
    /// Totals by year × product line × region.
    pub by_year_line_region: Vec<YearLineRegionEntry>,
}

#[derive(Serialize)]
pub struct YearStatsEntry {
    pub year: i32,
    pub total_fen: i64,
    pub growth: Option<RateEntry>,
}

#[derive(Serialize)]
pub struct YearLineRegionEntry {
    pub year: i32,
    pub line_id: Option<i64>,
    pub line: Option<String>,
    pub region: String,
    pub amount_fen: i64,
}

#[derive(Serialize)]
pub struct ActualsEntry {
    pub year: i32,
    pub kind: crate::domain::model::ActualKind,
    pub rows: u64,
    pub amount_fen: i64,
    pub count: u64,
}

#[derive(Serialize)]
pub struct PlanSection {
    pub name: String,
    pub organisation: String,
    pub fiscal_year: i32,
    pub fiscal_start_month: u8,
    pub start_date: String,
    pub end_date: String,
    pub current_version_id: i64,
}

#[derive(Serialize)]
pub struct VersionEntry {
    pub id: i64,
    pub name: String,
    pub kind: VersionKind,
    pub parent_id: Option<i64>,
    pub created_at: String,
    pub locked: bool,
    /// `open` · `superseded` · `confirmed`.
    pub state: &'static str,
    pub round_number: Option<u32>,
    pub confirmed_at: Option<String>,
    pub content_hash: Option<String>,
    pub reason: String,
    pub requested_by: String,
}

#[derive(Serialize)]
pub struct OrgEntry {
    pub id: i64,
    pub kind: UnitKind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonEntry>,
    pub children: Vec<OrgEntry>,
}

#[derive(Serialize)]
pub struct PersonEntry {
    pub title: String,
    pub email: String,
    pub visits_per_week: Option<u32>,
}

#[derive(Serialize)]
pub struct LineEntry {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub description: String,
    /// `introduction` · `growth` · `maturity` · `decline`, or null when not set.
    pub life_cycle: Option<&'static str>,
    pub products: Vec<ProductEntry>,
}

#[derive(Serialize)]
pub struct ProductEntry {
    pub id: i64,
    pub name: String,
    pub list_price_fen: i64,
}

#[derive(Serialize)]
pub struct ChannelEntry {
    pub id: i64,
    pub name: String,
    pub kind: crate::domain::model::ChannelKind,
}

#[derive(Serialize)]
pub struct CustomerEntry {
    pub id: i64,
    pub name: String,
    pub industry: String,
    pub region: String,
    pub credit_rating: String,
    pub owner_id: Option<i64>,
}

#[derive(Serialize)]
pub struct CalendarSection {
    pub holidays: Vec<String>,
    pub makeup_workdays: Vec<String>,
    /// Working days in each fiscal month of the plan year.
    pub working_days_by_month: Vec<u32>,
}

#[derive(Serialize)]
pub struct RateEntry {
    pub fraction: String,
    pub percent: String,
}

impl RateEntry {
    fn of(r: Ratio) -> Self {
        RateEntry {
            fraction: format!("{}/{}", r.num(), r.den()),
            percent: r.format_percent(4),
        }
    }
}

/// A quantity that is not a rate (days): the exact fraction and a 2-decimal reading.
#[derive(Serialize)]
pub struct QuantityEntry {
    pub fraction: String,
    pub decimal: String,
}

fn deal_stats_entry(d: &crate::domain::stats::DealStats) -> DealStatsEntry {
    let days = |r: Option<Ratio>| {
        r.map(|r| QuantityEntry {
            fraction: format!("{}/{}", r.num(), r.den()),
            decimal: r.format_decimal(2),
        })
    };
    DealStatsEntry {
        won: d.won,
        lost: d.lost,
        open: d.open,
        win_rate: d.win_rate.map(RateEntry::of),
        won_value_fen: d.won_value.fen(),
        average_won_fen: d.average_won_money().map(|m| m.fen()),
        cycles: d.cycles,
        cycle_days_mean: days(d.cycle_days_mean),
        cycle_days_median: days(d.cycle_days_median),
        conversions: d
            .conversions
            .iter()
            .map(|c| ConversionEntry {
                from_stage: c.from,
                to_stage: c.to,
                resolved: c.resolved,
                advanced: c.advanced,
                rate: c.rate.map(RateEntry::of),
            })
            .collect(),
    }
}

fn statistics(s: &PlanSnapshot, tree: &OrgTree) -> StatisticsSection {
    let stats = crate::domain::stats::for_plan(s);
    let mut people: Vec<PersonStatsEntry> = tree
        .walk()
        .into_iter()
        .filter_map(|(id, _)| {
            let d = stats.by_person.get(&Some(id))?;
            Some(PersonStatsEntry {
                node_id: Some(id.0),
                name: tree.get(id).map(|n| n.name.clone()).unwrap_or_default(),
                stats: deal_stats_entry(d),
            })
        })
        .collect();
    if let Some(d) = stats.by_person.get(&None) {
        people.push(PersonStatsEntry {
            node_id: None,
            name: String::new(),
            stats: deal_stats_entry(d),
        });
    }
    let fy = s.plan.fiscal_year;
    StatisticsSection {
        pipeline: PipelineSection {
            opportunities: s.opportunities.len(),
            company: deal_stats_entry(&stats.company),
            people,
        },
        history: HistoryStatsSection {
            years: crate::domain::history::year_over_year(&s.history)
                .into_iter()
                .map(|(year, total, growth)| YearStatsEntry {
                    year,
                    total_fen: total.fen(),
                    growth: growth.map(RateEntry::of),
                })
                .collect(),
            cagr: crate::domain::history::cagr(&s.history).map(RateEntry::of),
            seasonality_weights: crate::domain::history::seasonality(&s.history, &fy)
                .map(|w| w.to_vec()),
            by_year_line_region: s
                .history
                .iter()
                .flat_map(|h| {
                    h.by_line_region
                        .iter()
                        .map(move |(line, region, amount)| YearLineRegionEntry {
                            year: h.year,
                            line_id: line.map(|l| l.0),
                            line: line.and_then(|l| s.line(l)).map(|l| l.name.clone()),
                            region: region.clone(),
                            amount_fen: amount.fen(),
                        })
                })
                .collect(),
        },
        actuals: s
            .actuals
            .iter()
            .map(|a| ActualsEntry {
                year: a.year,
                kind: a.kind,
                rows: a.rows,
                amount_fen: a.amount.fen(),
                count: a.count,
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct FunnelSection {
    pub deal_size_fen: i64,
    pub win_rate: RateEntry,
    pub visits_per_week: u32,
}

#[derive(Serialize)]
pub struct HistoryEntry {
    pub year: i32,
    pub total_fen: i64,
    pub contracts: u64,
    pub by_line: Vec<LineAmount>,
    pub by_month_fen: Vec<i64>,
}

#[derive(Serialize)]
pub struct LineAmount {
    pub line_id: i64,
    pub amount_fen: i64,
}

#[derive(Serialize)]
pub struct TargetsSection {
    pub version_id: i64,
    /// The company's (root's) yearly contract amount.
    pub company_contract_amount_fen: Option<i64>,
    /// The company's yearly contract amount by product line, with exact shares.
    pub by_line: Vec<ShareEntry>,
    /// Every node's yearly figures (set directly or rolled up from below).
    pub by_unit: Vec<UnitTargets>,
    /// The cells as stored.
    pub cells: Vec<CellEntry>,
    /// Targets whose parts (units below, product lines, months) do not add up to them.
    pub gaps: Vec<GapEntry>,
    /// Each scope's target derivation: the inputs and every computed step.
    pub derivations: Vec<DerivationEntry>,
    /// The remembered allocation of each unit and dimension.
    pub allocations: Vec<AllocationEntry>,
}

#[derive(Serialize)]
pub struct ShareEntry {
    pub id: i64,
    pub name: String,
    pub value_fen: i64,
    pub share: Option<RateEntry>,
}

#[derive(Serialize)]
pub struct UnitTargets {
    pub node_id: i64,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    /// Metric code → yearly value (fen for money metrics, else a count).
    pub year: std::collections::BTreeMap<&'static str, i64>,
    /// The 12 fiscal months of the contract amount, where set.
    pub contract_amount_months_fen: Option<Vec<i64>>,
}

#[derive(Serialize)]
pub struct CellEntry {
    pub node_id: i64,
    pub line_id: Option<i64>,
    pub period: String,
    pub metric: Metric,
    pub value: i64,
}

#[derive(Serialize)]
pub struct GapEntry {
    pub node_id: i64,
    pub line_id: Option<i64>,
    pub kind: GapKind,
    pub metric: Metric,
    pub whole: i64,
    pub parts_sum: i64,
}

fn org_entries(tree: &OrgTree, ids: &[NodeId], depth: usize) -> Vec<OrgEntry> {
    if depth > 64 {
        return Vec::new();
    }
    ids.iter()
        .filter_map(|&id| tree.get(id))
        .map(|n| OrgEntry {
            id: n.id.0,
            kind: n.kind,
            name: n.name.clone(),
            person: n.kind.is_person().then(|| PersonEntry {
                title: n.title.clone(),
                email: n.email.clone(),
                visits_per_week: n.visits_per_week,
            }),
            children: org_entries(tree, tree.children(n.id), depth + 1),
        })
        .collect()
}

fn cell_entry(c: &TargetCell) -> CellEntry {
    CellEntry {
        node_id: c.node.0,
        line_id: c.line.map(|l| l.0),
        period: c.period.code(),
        metric: c.metric,
        value: c.value,
    }
}

/// Builds the report from a snapshot of the plan.
/// The report of a plan; `day` is the day the expense status and the receivables are for.
pub fn build(s: &PlanSnapshot, day: jiff::civil::Date) -> Report {
    let tree = OrgTree::new(&s.nodes);
    let table = TargetTable::new(&s.targets);
    let fy = s.plan.fiscal_year;
    let line_ids: Vec<LineId> = s.lines.iter().map(|l| l.id).collect();
    let amount = Metric::ContractAmount;
    let root = tree.root().map(|r| r.id);

    let by_line = root
        .map(|root| {
            targets::split_by_line(&table, &tree, root, &line_ids, amount)
                .into_iter()
                .map(|p| ShareEntry {
                    id: p.key.0,
                    name: s.line(p.key).map(|l| l.name.clone()).unwrap_or_default(),
                    value_fen: p.value,
                    share: p.share.map(RateEntry::of),
                })
                .collect()
        })
        .unwrap_or_default();

    let by_unit = tree
        .walk()
        .into_iter()
        .filter_map(|(id, _)| tree.get(id))
        .map(|n| {
            let year = Metric::ALL
                .into_iter()
                .filter_map(|m| {
                    table
                        .node_value(&tree, n.id, None, Period::Year, m)
                        .map(|v| (m.code(), v))
                })
                .collect();
            let months = table.months(n.id, None, amount);
            UnitTargets {
                node_id: n.id.0,
                name: n.name.clone(),
                kind: n.kind,
                parent_id: n.parent.map(|p| p.0),
                year,
                contract_amount_months_fen: months
                    .iter()
                    .all(Option::is_some)
                    .then(|| months.iter().map(|m| m.unwrap_or(0)).collect()),
            }
        })
        .collect();

    let gaps = Metric::ALL
        .into_iter()
        .flat_map(|m| targets::gaps(&table, &tree, &line_ids, m))
        .map(|g| GapEntry {
            node_id: g.node.0,
            line_id: g.line.map(|l| l.0),
            kind: g.kind,
            metric: g.metric,
            whole: g.whole,
            parts_sum: g.parts_sum,
        })
        .collect();

    Report {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        generator: format!("salesplan {}", env!("CARGO_PKG_VERSION")),
        plan: PlanSection {
            name: s.plan.name.clone(),
            organisation: s.plan.organisation.clone(),
            fiscal_year: fy.year(),
            fiscal_start_month: fy.start_month(),
            start_date: fy.start_date().to_string(),
            end_date: fy.end_date().to_string(),
            current_version_id: s.plan.current_version.0,
        },
        versions: s
            .versions
            .iter()
            .map(|v| VersionEntry {
                id: v.id.0,
                name: v.name.clone(),
                kind: v.kind,
                parent_id: v.parent.map(|p| p.0),
                created_at: v.created_at.clone(),
                locked: v.locked,
                state: v.state.code(),
                round_number: v.round_number,
                confirmed_at: v.confirmed_at.clone(),
                content_hash: v.content_hash.clone(),
                reason: v.reason.clone(),
                requested_by: v.requested_by.clone(),
            })
            .collect(),
        rounds: target_work::rounds(s),
        organisation: org_entries(&tree, tree.roots(), 0),
        product_lines: s
            .lines
            .iter()
            .map(|l| LineEntry {
                id: l.id.0,
                name: l.name.clone(),
                code: l.code.clone(),
                description: l.description.clone(),
                life_cycle: l.life_cycle.map(|c| c.code()),
                products: s
                    .products
                    .iter()
                    .filter(|p| p.line == l.id)
                    .map(|p| ProductEntry {
                        id: p.id.0,
                        name: p.name.clone(),
                        list_price_fen: p.list_price.fen(),
                    })
                    .collect(),
            })
            .collect(),
        channels: s
            .channels
            .iter()
            .map(|c| ChannelEntry {
                id: c.id.0,
                name: c.name.clone(),
                kind: c.kind,
            })
            .collect(),
        customers: s
            .customers
            .iter()
            .map(|c| CustomerEntry {
                id: c.id.0,
                name: c.name.clone(),
                industry: c.industry.clone(),
                region: c.region.clone(),
                credit_rating: c.credit_rating.clone(),
                owner_id: c.owner.map(|o| o.0),
            })
            .collect(),
        calendar: CalendarSection {
            holidays: s.calendar.holidays().map(|d| d.to_string()).collect(),
            makeup_workdays: s
                .calendar
                .makeup_workdays()
                .map(|d| d.to_string())
                .collect(),
            working_days_by_month: (1..=12)
                .map(|m| s.calendar.working_days_in_month(&fy, m))
                .collect(),
        },
        funnel_defaults: FunnelSection {
            deal_size_fen: s.funnel.deal_size.fen(),
            win_rate: RateEntry::of(s.funnel.win_rate),
            visits_per_week: s.funnel.visits_per_week,
        },
        history: s
            .history
            .iter()
            .map(|h| HistoryEntry {
                year: h.year,
                total_fen: h.total.fen(),
                contracts: h.contracts,
                by_line: h
                    .by_line
                    .iter()
                    .map(|(l, m)| LineAmount {
                        line_id: l.0,
                        amount_fen: m.fen(),
                    })
                    .collect(),
                by_month_fen: h.by_month.iter().map(|m| m.fen()).collect(),
            })
            .collect(),
        targets: TargetsSection {
            version_id: s.plan.current_version.0,
            company_contract_amount_fen: root
                .and_then(|r| table.node_value(&tree, r, None, Period::Year, amount)),
            by_line,
            by_unit,
            cells: s.targets.iter().map(cell_entry).collect(),
            gaps,
            derivations: target_work::derivations(s),
            allocations: target_work::allocations(s),
        },
        statistics: statistics(s, &tree),
        funnels: target_work::funnels(s, true),
        battle_plan: battle::section(s, &s.people().map(|p| p.id).collect::<Vec<_>>()),
        expenses: finance::expenses(s, day),
        receivables: finance::receivables(s, day),
        execution: execution::section(s, day),
    }
}
