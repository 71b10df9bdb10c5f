//! The plan's data model (domain §1): plan, versions, organisation nodes, product lines and
//! products, channels, customers, target cells and the plan-wide settings, as plain data.

use serde::{Deserialize, Serialize};

use crate::domain::money::Money;
use crate::domain::period::{FiscalYear, Period, WorkCalendar};
use crate::domain::ratio::Ratio;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
    };
}

id_type!(
    /// A node of the organisation tree (a unit or a person).
    NodeId
);
id_type!(
    /// A product line.
    LineId
);
id_type!(
    /// A product.
    ProductId
);
id_type!(
    /// A sales channel.
    ChannelId
);
id_type!(
    /// A customer.
    CustomerId
);
id_type!(
    /// A plan version (draft, negotiation round, confirmed version, revision).
    VersionId
);
id_type!(
    /// An opportunity (商机) in the pipeline.
    OpportunityId
);

/// The plan's identity: one fiscal year of one organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInfo {
    pub name: String,
    pub organisation: String,
    pub fiscal_year: FiscalYear,
    pub current_version: VersionId,
    pub created_at: String,
}

/// What a version is in the plan's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionKind {
    Draft,
    Round,
    Confirmed,
    Revision,
}

impl VersionKind {
    pub const ALL: [VersionKind; 4] = [Self::Draft, Self::Round, Self::Confirmed, Self::Revision];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Round => "round",
            Self::Confirmed => "confirmed",
            Self::Revision => "revision",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Translation key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Draft => "version.kind.draft",
            Self::Round => "version.kind.round",
            Self::Confirmed => "version.kind.confirmed",
            Self::Revision => "version.kind.revision",
        }
    }
}

/// Where a version stands: open for work, superseded by a later round, or confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Open,
    Superseded,
    Confirmed,
}

impl VersionState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Superseded => "superseded",
            Self::Confirmed => "confirmed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Superseded, Self::Confirmed]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Open => "version.state.open",
            Self::Superseded => "version.state.superseded",
            Self::Confirmed => "version.state.confirmed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub id: VersionId,
    pub name: String,
    pub kind: VersionKind,
    pub parent: Option<VersionId>,
    pub created_at: String,
    pub note: String,
    /// A locked version (confirmed, or superseded round) is never edited.
    pub locked: bool,
    pub state: VersionState,
    /// The round's number, for negotiation rounds.
    pub round_number: Option<u32>,
    pub confirmed_at: Option<String>,
    /// SHA-256 of the version's target cells when confirmed (printed on the letters).
    pub content_hash: Option<String>,
    /// Why a revision was made, and who asked for it.
    pub reason: String,
    pub requested_by: String,
}

/// The kinds of node in the organisation tree, from the company down to the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Company,
    BusinessUnit,
    Region,
    Province,
    City,
    County,
    Town,
    Store,
    Team,
    Department,
    Person,
}

impl UnitKind {
    pub const ALL: [UnitKind; 11] = [
        Self::Company,
        Self::BusinessUnit,
        Self::Region,
        Self::Province,
        Self::City,
        Self::County,
        Self::Town,
        Self::Store,
        Self::Team,
        Self::Department,
        Self::Person,
    ];

    /// Kinds a user can give to a unit (everything but a person).
    pub fn unit_kinds() -> impl Iterator<Item = UnitKind> {
        Self::ALL.into_iter().filter(|k| *k != Self::Person)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Company => "company",
            Self::BusinessUnit => "business_unit",
            Self::Region => "region",
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Town => "town",
            Self::Store => "store",
            Self::Team => "team",
            Self::Department => "department",
            Self::Person => "person",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Company => "unit.kind.company",
            Self::BusinessUnit => "unit.kind.business_unit",
            Self::Region => "unit.kind.region",
            Self::Province => "unit.kind.province",
            Self::City => "unit.kind.city",
            Self::County => "unit.kind.county",
            Self::Town => "unit.kind.town",
            Self::Store => "unit.kind.store",
            Self::Team => "unit.kind.team",
            Self::Department => "unit.kind.department",
            Self::Person => "unit.kind.person",
        }
    }

    pub fn is_person(self) -> bool {
        self == Self::Person
    }
}

/// A unit or a person in the organisation tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNode {
    pub id: NodeId,
    pub parent: Option<NodeId>,
    pub kind: UnitKind,
    pub name: String,
    pub sort_order: i64,
    /// People only: job title, e.g. 大客户经理.
    pub title: String,
    pub email: String,
    /// People only: most customer visits a week (domain §4 capacity); `None` = the default.
    pub visits_per_week: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductLine {
    pub id: LineId,
    pub name: String,
    pub code: String,
    pub description: String,
    pub sort_order: i64,
    /// Where the line is in its life cycle (domain §2), when the user said.
    pub life_cycle: Option<crate::domain::derivation::LifeCycle>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub line: LineId,
    pub name: String,
    pub list_price: Money,
    pub sort_order: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Direct,
    Distribution,
    Ecommerce,
    Other,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        Self::Direct,
        Self::Distribution,
        Self::Ecommerce,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Distribution => "distribution",
            Self::Ecommerce => "ecommerce",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Direct => "channel.kind.direct",
            Self::Distribution => "channel.kind.distribution",
            Self::Ecommerce => "channel.kind.ecommerce",
            Self::Other => "channel.kind.other",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    pub kind: ChannelKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub industry: String,
    pub region: String,
    pub credit_rating: String,
    pub owner: Option<NodeId>,
}

/// What a target cell measures (domain §1 metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// 签约额, the main revenue target (money).
    ContractAmount,
    /// 回款额 (money).
    Collections,
    /// 签约量: number of deals.
    Deals,
    /// 信息获取量: leads.
    Leads,
    /// 拜访量: customer visits.
    Visits,
    /// 投标量: bids.
    Bids,
    /// New key accounts won.
    NewAccounts,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Self::ContractAmount,
        Self::Collections,
        Self::Deals,
        Self::Leads,
        Self::Visits,
        Self::Bids,
        Self::NewAccounts,
    ];

    /// Money metrics hold fen; the others hold whole counts.
    pub fn is_money(self) -> bool {
        matches!(self, Self::ContractAmount | Self::Collections)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::ContractAmount => "contract_amount",
            Self::Collections => "collections",
            Self::Deals => "deals",
            Self::Leads => "leads",
            Self::Visits => "visits",
            Self::Bids => "bids",
            Self::NewAccounts => "new_accounts",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::ContractAmount => "metric.contract_amount",
            Self::Collections => "metric.collections",
            Self::Deals => "metric.deals",
            Self::Leads => "metric.leads",
            Self::Visits => "metric.visits",
            Self::Bids => "metric.bids",
            Self::NewAccounts => "metric.new_accounts",
        }
    }
}

/// One planned figure: unit × product line × period × metric, in one version.
/// `line == None` is the figure over all product lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetCell {
    pub version: VersionId,
    pub node: NodeId,
    pub line: Option<LineId>,
    pub period: Period,
    pub metric: Metric,
    /// Fen for money metrics, a count otherwise.
    pub value: i64,
}

/// Which way amounts are shown.
pub use crate::domain::money::AmountUnit;

/// Funnel figures the plan assumes until history says otherwise (domain §4: the article's
/// average contract of 100万 and win rate of 10%).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelDefaults {
    pub deal_size: Money,
    pub win_rate: Ratio,
    pub visits_per_week: u32,
}

impl Default for FunnelDefaults {
    fn default() -> Self {
        FunnelDefaults {
            deal_size: Money::from_fen(100_000_000),
            win_rate: Ratio::percent(10),
            visits_per_week: 10,
        }
    }
}

/// One year of recorded sales, summed (from the history table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryYear {
    pub year: i32,
    pub total: Money,
    pub contracts: u64,
    /// Amount per product line (lines with no sales are absent).
    pub by_line: Vec<(LineId, Money)>,
    /// Amount per calendar month 1..=12.
    pub by_month: [Money; 12],
    /// Amount per product line and region (region as recorded; lines may be absent).
    pub by_line_region: Vec<(Option<LineId>, String, Money)>,
    /// Amount per organisation node the sales were recorded on (usually people).
    pub by_node: Vec<(NodeId, Money)>,
}

/// One stage of the sales pipeline (domain §6); positions run 1..=N in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStage {
    pub position: u8,
    /// The user's name for the stage; empty = the built-in name of this position.
    pub name: String,
    pub probability: Ratio,
    pub playbook: String,
    /// The closed / signed stage (成交): reaching it wins the deal.
    pub is_won: bool,
}

impl PipelineStage {
    /// Translation key of the built-in name of a position (the article's nine stages).
    pub fn builtin_key(position: u8) -> String {
        format!("stage.{position}")
    }
}

/// Where an opportunity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

impl DealStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Won => "won",
            Self::Lost => "lost",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Won, Self::Lost]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// An opportunity (商机): who works it, for which customer and product, where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: OpportunityId,
    /// Its id in the system it was imported from (CRM), if any.
    pub source_id: Option<String>,
    pub person: Option<NodeId>,
    pub customer: Option<CustomerId>,
    pub product: Option<ProductId>,
    /// Current stage position; for a won deal the won stage, for a lost one the stage it was
    /// lost at.
    pub stage: u8,
    pub status: DealStatus,
    pub engage_date: Option<jiff::civil::Date>,
    pub close_date: Option<jiff::civil::Date>,
    /// Signed value (won) or expected value (open).
    pub value: Option<Money>,
}

/// An opportunity entered a stage on a date (its stage history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEvent {
    pub opportunity: OpportunityId,
    pub stage: u8,
    pub date: jiff::civil::Date,
}

/// What an actual (实际) records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActualKind {
    Contract,
    Collection,
    Lead,
    Visit,
    Bid,
    Other,
}

impl ActualKind {
    pub const ALL: [ActualKind; 6] = [
        Self::Contract,
        Self::Collection,
        Self::Lead,
        Self::Visit,
        Self::Bid,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Contract => "contract",
            Self::Collection => "collection",
            Self::Lead => "lead",
            Self::Visit => "visit",
            Self::Bid => "bid",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Contract => "actual.contract",
            Self::Collection => "actual.collection",
            Self::Lead => "actual.lead",
            Self::Visit => "actual.visit",
            Self::Bid => "actual.bid",
            Self::Other => "actual.other",
        }
    }

    /// Contracts and collections carry an amount; activities a count.
    pub fn is_money(self) -> bool {
        matches!(self, Self::Contract | Self::Collection)
    }
}

/// Actuals summed by year and kind (the table itself can be large).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActualsYear {
    pub year: i32,
    pub kind: ActualKind,
    pub rows: u64,
    pub amount: Money,
    pub count: u64,
}

/// A negotiation round: its version and one row per negotiating unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Round {
    pub version: VersionId,
    pub number: u32,
    pub state: VersionState,
    pub rows: Vec<crate::domain::negotiation::UnitRow<NodeId>>,
}

/// A name in data files that means another: product "GTXPro" is "GTX Pro".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// What the name names: person, customer, product, product_line.
    pub kind: String,
    pub alias: String,
    pub canonical: String,
}

/// A holiday or make-up working day as the user entered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: jiff::civil::Date,
    /// `true`: a public holiday; `false`: a make-up working day (调休).
    pub holiday: bool,
    pub name: String,
}

/// Everything the views show, loaded in one go from the plan file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanSnapshot {
    pub plan: PlanInfo,
    pub versions: Vec<Version>,
    pub nodes: Vec<OrgNode>,
    pub lines: Vec<ProductLine>,
    pub products: Vec<Product>,
    pub channels: Vec<Channel>,
    pub customers: Vec<Customer>,
    /// Target cells of the current version.
    pub targets: Vec<TargetCell>,
    pub calendar: WorkCalendar,
    /// The calendar's days with their names, in date order.
    pub calendar_days: Vec<CalendarDay>,
    pub funnel: FunnelDefaults,
    pub history: Vec<HistoryYear>,
    pub stages: Vec<PipelineStage>,
    pub opportunities: Vec<Opportunity>,
    /// Every recorded stage move, in the order the store reads them: by opportunity, then
    /// stage (see [`PlanSnapshot::stage_events_of`]).
    pub stage_events: Vec<StageEvent>,
    pub actuals: Vec<ActualsYear>,
    /// The actuals of the plan year by person, customer, line, month and kind.
    pub actual_cells: Vec<crate::domain::variance::ActualCell>,
    /// Contracts signed in the plan year (contract actuals), per person and fiscal month.
    pub signed: Vec<(NodeId, [Money; 12])>,
    pub aliases: Vec<Alias>,
    /// Every negotiation round, oldest first.
    pub rounds: Vec<Round>,
    /// The saved derivation inputs of the current version, by scope (`None` = the total).
    pub derivations: Vec<(Option<LineId>, crate::domain::derivation::DerivationInputs)>,
    /// The remembered allocations of the current version, by unit and dimension.
    pub allocations: Vec<crate::domain::allocation::AllocationRule>,
    /// Cells of the current version locked against editing in the monthly grid.
    pub locks: Vec<TargetLock>,
    /// The latest confirmed version other than the current one, with its targets.
    pub baseline: Option<(VersionId, Vec<TargetCell>)>,
    /// Every person's monthly actions and market-support requests.
    pub actions: Vec<crate::domain::actions::MonthlyAction>,
    pub support: Vec<crate::domain::actions::SupportRequest>,
    /// The battle plan: customers' contacts, the customer × product matrix, goal cards.
    pub contacts: Vec<crate::domain::battle::Contact>,
    pub matrix: Vec<crate::domain::battle::MatrixCell>,
    pub goals: Vec<crate::domain::battle::GoalItem>,
    /// Each customer's first business: the earliest sale in the history, contract actual or
    /// signed opportunity.
    pub first_business: Vec<(CustomerId, jiff::civil::Date)>,
    pub expenses: crate::domain::expenses::ExpensesData,
    pub receivables: crate::domain::receivables::ReceivablesData,
    /// Review meetings, and the settings of the variance analysis.
    pub reviews: crate::domain::reviews::ReviewsData,
}

/// A target cell locked against editing and pasting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TargetLock {
    pub node: NodeId,
    pub line: Option<LineId>,
    pub period: crate::domain::period::Period,
    pub metric: Metric,
}

/// The item with `id` in a list usually sorted by id.
fn by_id<T, K: Ord + Copy>(items: &[T], id: K, key: impl Fn(&T) -> K) -> Option<&T> {
    match items.binary_search_by_key(&id, &key) {
        Ok(i) => items.get(i),
        Err(_) => items.iter().find(|t| key(t) == id),
    }
}

impl PlanSnapshot {
    pub fn current_version(&self) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.id == self.plan.current_version)
    }

    pub fn node(&self, id: NodeId) -> Option<&OrgNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn line(&self, id: LineId) -> Option<&ProductLine> {
        self.lines.iter().find(|l| l.id == id)
    }

    /// A customer by id: a binary search, as the store lists customers by id (a linear search
    /// when the list is in another order).
    pub fn customer(&self, id: CustomerId) -> Option<&Customer> {
        by_id(&self.customers, id, |c| c.id)
    }

    /// An opportunity by id (see [`PlanSnapshot::customer`]).
    pub fn opportunity(&self, id: OpportunityId) -> Option<&Opportunity> {
        by_id(&self.opportunities, id, |o| o.id)
    }

    /// The stage moves of one opportunity: a binary search, as `stage_events` is ordered by
    /// opportunity.
    pub fn stage_events_of(&self, id: OpportunityId) -> &[StageEvent] {
        let start = self.stage_events.partition_point(|e| e.opportunity < id);
        let len = self.stage_events[start..].partition_point(|e| e.opportunity == id);
        &self.stage_events[start..start + len]
    }

    /// The round the plan is in, when its current version is a negotiation round.
    pub fn current_round(&self) -> Option<&Round> {
        self.rounds
            .iter()
            .find(|r| r.version == self.plan.current_version)
    }

    pub fn people(&self) -> impl Iterator<Item = &OrgNode> {
        self.nodes.iter().filter(|n| n.kind.is_person())
    }
}
