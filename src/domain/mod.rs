//! Pure planning logic: plain data in, plain data out. No I/O, no SQL, no egui.

/// Allocating a target exactly down the organisation, across lines and months.
pub mod actions;
pub mod allocation;
/// Funnel attribution: the revenue gap split into volume, conversion and deal-size effects.
pub mod attribution;
/// The key-account battle plan: matrix, pipeline by stage, sales plans, goal cards.
pub mod battle;
pub mod confidence;

/// Deriving the annual target: strategy, history, cycles, competitors, blend.
pub mod derivation;
/// The sales expense budget: monitoring, overrun alerts, reallocation.
pub mod expenses;
/// The reverse funnel: from a target to deals and leads.
/// The rolling re-forecast: remaining target, projected landing, at-risk flag.
pub mod forecast;
pub mod funnel;
pub mod grid;
/// Sales history: growth, average contract.
pub mod history;
/// The plan's data model (plan, versions, organisation, products, targets).
pub mod model;
/// Money as integer fen: parsing, formatting.
pub mod money;
/// Negotiation rounds, statuses, confirmation hashes.
pub mod negotiation;
/// The organisation tree and the rules its changes keep.
pub mod org;
/// Work over many people shared among the cores.
pub mod parallel;
/// Fiscal years, periods, working days.
pub mod period;
pub mod person_funnel;
pub mod phasing;
pub mod plan_funnels;
/// Exact rational rates and weights.
pub mod ratio;
/// Receivables: payment schedules, reminders and escalation, aging, credit terms.
pub mod receivables;
/// The review calendar.
pub mod reviews;
/// Monthly seasonality from history.
pub mod seasonality;
/// Largest-remainder splits that always add up.
pub mod split;
/// Statistics derived from the pipeline: win rates, deal sizes, cycles, conversions.
pub mod stats;
/// Reading target cells: values, roll-ups, splits, gaps.
pub mod targets;
/// Plan against actual: variance, attainment and status bands.
pub mod variance;
