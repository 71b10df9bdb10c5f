//! Monthly actions (月度作战计划, domain §5): a month's target is never only a number. For each
//! person and month, the actions that produce it — customer, product, what is done, how many
//! times, the amount expected, where it stands — and the market support asked for. A month
//! whose actions do not cover its contract target is "numbers without a plan".

use serde::{Deserialize, Serialize};

use crate::domain::model::{CustomerId, NodeId, ProductId};
use crate::domain::money::Money;

/// What an action is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Visit,
    Demo,
    Survey,
    Bid,
    Negotiate,
    Sign,
    Deliver,
    Renew,
}

impl ActionKind {
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Visit,
        ActionKind::Demo,
        ActionKind::Survey,
        ActionKind::Bid,
        ActionKind::Negotiate,
        ActionKind::Sign,
        ActionKind::Deliver,
        ActionKind::Renew,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Visit => "visit",
            ActionKind::Demo => "demo",
            ActionKind::Survey => "survey",
            ActionKind::Bid => "bid",
            ActionKind::Negotiate => "negotiate",
            ActionKind::Sign => "sign",
            ActionKind::Deliver => "deliver",
            ActionKind::Renew => "renew",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ActionKind::Visit => "action.kind.visit",
            ActionKind::Demo => "action.kind.demo",
            ActionKind::Survey => "action.kind.survey",
            ActionKind::Bid => "action.kind.bid",
            ActionKind::Negotiate => "action.kind.negotiate",
            ActionKind::Sign => "action.kind.sign",
            ActionKind::Deliver => "action.kind.deliver",
            ActionKind::Renew => "action.kind.renew",
        }
    }
}

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Planned,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Dropped,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ActionStatus::Planned => "action.status.planned",
            ActionStatus::InProgress => "action.status.in_progress",
            ActionStatus::Done => "action.status.done",
            ActionStatus::Dropped => "action.status.dropped",
        }
    }
}

/// The fields of an action as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFields {
    pub customer: Option<CustomerId>,
    pub product: Option<ProductId>,
    pub kind: ActionKind,
    /// How many times (visits, demos…); at least 1.
    pub count: u32,
    /// The contract amount this action is expected to bring (0 when none).
    pub expected: Money,
    pub status: ActionStatus,
    pub note: String,
}

impl Default for ActionFields {
    fn default() -> Self {
        ActionFields {
            customer: None,
            product: None,
            kind: ActionKind::Visit,
            count: 1,
            expected: Money::ZERO,
            status: ActionStatus::Planned,
            note: String::new(),
        }
    }
}

/// A stored action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyAction {
    pub id: i64,
    pub person: NodeId,
    /// Fiscal month 1–12.
    pub month: u8,
    pub fields: ActionFields,
}

/// What kind of market support is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    Showroom,
    Demo,
    Event,
    Ads,
    Other,
}

impl SupportKind {
    pub const ALL: [SupportKind; 5] = [
        SupportKind::Showroom,
        SupportKind::Demo,
        SupportKind::Event,
        SupportKind::Ads,
        SupportKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SupportKind::Showroom => "showroom",
            SupportKind::Demo => "demo",
            SupportKind::Event => "event",
            SupportKind::Ads => "ads",
            SupportKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<SupportKind> {
        SupportKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            SupportKind::Showroom => "support.kind.showroom",
            SupportKind::Demo => "support.kind.demo",
            SupportKind::Event => "support.kind.event",
            SupportKind::Ads => "support.kind.ads",
            SupportKind::Other => "support.kind.other",
        }
    }
}

/// A market-support request of a person for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportRequest {
    pub id: i64,
    pub person: NodeId,
    pub month: u8,
    pub kind: SupportKind,
    pub description: String,
}

/// How far a month's actions cover its contract target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub month: u8,
    /// The month's contract target, if set.
    pub target: Option<Money>,
    /// Σ expected amounts of the month's actions that are not dropped.
    pub expected: Money,
    pub actions: usize,
    /// Target − expected when the actions fall short; None when covered or no target.
    pub shortfall: Option<Money>,
}

impl Coverage {
    /// A target with actions short of it: "numbers without a plan".
    pub fn flagged(&self) -> bool {
        self.shortfall.is_some()
    }
}

/// A person's 12 months: targets against the expected amounts of their actions.
pub fn coverage(
    person: NodeId,
    targets: &[Option<i64>; 12],
    actions: &[MonthlyAction],
) -> Vec<Coverage> {
    (1..=12u8)
        .map(|month| {
            let mine: Vec<&MonthlyAction> = actions
                .iter()
                .filter(|a| a.person == person && a.month == month)
                .filter(|a| a.fields.status != ActionStatus::Dropped)
                .collect();
            let expected = mine
                .iter()
                .map(|a| a.fields.expected)
                .fold(Money::ZERO, |acc, m| acc.checked_add(m).unwrap_or(acc));
            let target = targets[usize::from(month - 1)].map(Money::from_fen);
            let shortfall = target
                .and_then(|t| t.checked_sub(expected))
                .filter(|gap| gap.fen() > 0);
            Coverage {
                month,
                target,
                expected,
                actions: mine.len(),
                shortfall,
            }
        })
        .collect()
}
