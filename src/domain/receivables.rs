//! Receivables (domain §7): contracts with payment schedules, receipts applied to installments,
//! the reminder and escalation rules as a day's action list, aging, the collection rate, and
//! the credit terms a customer's rating sets. Exact: money is fen, splits add up.
//!
//! The rules, as days between the installment's due date and the day looked at, for an
//! installment with something still outstanding:
//!
//! | days | tier | what to do |
//! |---|---|---|
//! | due in 11 days or more | — | nothing yet |
//! | due in 4–10 days | `remind` | e-mail and SMS reminder |
//! | due in 1–3 days | `call` | phone call |
//! | due today (day 0) | `due` | contact the customer for a payment commitment |
//! | 1–15 days overdue | `overdue_1` | negotiate with the collections specialist (discount for paying, or an extension); report upward |
//! | 16–30 days overdue | `overdue_16` | formal demand letter (催款函) stating the contractual liability |
//! | 31 days or more overdue | `overdue_31` | suspend support and service; hand to a collection agency or legal process; gather contract, invoices, correspondence |
//!
//! The article gives the middle tier as "15–30 days"; day 15 belongs to the first tier here so
//! that every day has exactly one tier.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::domain::model::{CustomerId, NodeId};
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;
use crate::domain::split;

/// A signed contract with a payment schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub id: i64,
    pub customer: Option<CustomerId>,
    pub person: Option<NodeId>,
    /// The contract or order number.
    pub number: String,
    pub signed: Date,
    pub amount: Money,
}

/// One installment of a contract's payment schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub id: i64,
    pub contract: i64,
    /// What the payment is for: "签约", "交付", "验收后".
    pub label: String,
    pub due: Date,
    pub amount: Money,
}

/// Money received against a contract (optionally for one installment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub id: i64,
    pub contract: i64,
    pub installment: Option<i64>,
    pub date: Date,
    pub amount: Money,
    pub reference: String,
}

/// A payment template: installments as (label key, percentage, days after signing).
pub struct Template {
    pub key: &'static str,
    pub parts: &'static [(&'static str, i64, i32)],
}

/// The article's 30% on signing / 60% on delivery / 10% after acceptance, and two others.
pub const TEMPLATES: [Template; 3] = [
    Template {
        key: "template.30_60_10",
        parts: &[
            ("installment.signing", 30, 0),
            ("installment.delivery", 60, 90),
            ("installment.acceptance", 10, 180),
        ],
    },
    Template {
        key: "template.50_50",
        parts: &[
            ("installment.signing", 50, 0),
            ("installment.acceptance", 50, 90),
        ],
    },
    Template {
        key: "template.100",
        parts: &[("installment.delivery", 100, 30)],
    },
];

/// The installments of a template for a contract: amounts split by largest remainder (they
/// always add up to the contract amount), due dates the given days after signing.
pub fn schedule(
    template: &Template,
    amount: Money,
    signed: Date,
) -> Option<Vec<(&'static str, Date, Money)>> {
    let weights: Vec<Ratio> = template
        .parts
        .iter()
        .map(|(_, p, _)| Ratio::percent(*p))
        .collect();
    let locks = vec![None; weights.len()];
    let parts = split::split_money(amount, &weights, &locks).ok()?;
    template
        .parts
        .iter()
        .zip(parts)
        .map(|((label, _, days), m)| {
            let due = signed
                .checked_add(jiff::Span::new().days(i64::from(*days)))
                .ok()?;
            Some((*label, due, m))
        })
        .collect()
}

/// The schedule a credit rating's terms give: the prepayment share on signing and the rest
/// after the credit days (one installment when either part is nothing). Split by largest
/// remainder, so the parts add up to the amount.
pub fn schedule_from_terms(
    terms: &CreditTerms,
    amount: Money,
    signed: Date,
) -> Option<Vec<(&'static str, Date, Money)>> {
    let rest = Ratio::ONE.checked_sub(terms.prepayment)?;
    let later = signed
        .checked_add(jiff::Span::new().days(i64::from(terms.credit_days)))
        .ok()?;
    let parts = split::split_money(amount, &[terms.prepayment, rest], &[None, None]).ok()?;
    let out: Vec<(&'static str, Date, Money)> = [
        ("installment.prepayment", signed, parts[0]),
        ("installment.on_credit", later, parts[1]),
    ]
    .into_iter()
    .filter(|(_, _, m)| m.fen() > 0)
    .collect();
    if out.is_empty() {
        Some(vec![("installment.on_credit", later, amount)])
    } else {
        Some(out)
    }
}

/// Where an installment stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Remind,
    Call,
    Due,
    #[serde(rename = "overdue_1")]
    Overdue1,
    #[serde(rename = "overdue_16")]
    Overdue16,
    #[serde(rename = "overdue_31")]
    Overdue31,
}

impl Tier {
    pub const ALL: [Tier; 6] = [
        Tier::Remind,
        Tier::Call,
        Tier::Due,
        Tier::Overdue1,
        Tier::Overdue16,
        Tier::Overdue31,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Tier::Remind => "remind",
            Tier::Call => "call",
            Tier::Due => "due",
            Tier::Overdue1 => "overdue_1",
            Tier::Overdue16 => "overdue_16",
            Tier::Overdue31 => "overdue_31",
        }
    }

    /// Translation keys of when the tier applies and what to do.
    pub fn keys(self) -> (&'static str, &'static str) {
        match self {
            Tier::Remind => ("receivables.when.before10", "receivables.do.before10"),
            Tier::Call => ("receivables.when.before3", "receivables.do.before3"),
            Tier::Due => ("receivables.when.due", "receivables.do.due"),
            Tier::Overdue1 => ("receivables.when.overdue1", "receivables.do.overdue1"),
            Tier::Overdue16 => ("receivables.when.overdue15", "receivables.do.overdue15"),
            Tier::Overdue31 => ("receivables.when.overdue30", "receivables.do.overdue30"),
        }
    }
}

/// Days from `due` to `day`: negative before the due date, 0 on it, positive when overdue.
pub fn days_past_due(due: Date, day: Date) -> i64 {
    i64::from((day - due).get_days())
}

/// The tier of an unpaid installment on `day` (see the module's table); None when it is more
/// than ten days away.
pub fn tier(due: Date, day: Date) -> Option<Tier> {
    match days_past_due(due, day) {
        d if d < -10 => None,
        -10..=-4 => Some(Tier::Remind),
        -3..=-1 => Some(Tier::Call),
        0 => Some(Tier::Due),
        1..=15 => Some(Tier::Overdue1),
        16..=30 => Some(Tier::Overdue16),
        _ => Some(Tier::Overdue31),
    }
}

/// An installment with what has been paid on it by a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstallmentState {
    pub installment: Installment,
    pub paid: Money,
    pub outstanding: Money,
    /// The day it was paid in full, if it was.
    pub paid_on: Option<Date>,
}

/// Applies the receipts up to `day` to the installments: a receipt for an installment goes to
/// it, the rest to the contract's installments in due-date order (oldest first). Any surplus
/// beyond the schedule is left unapplied.
pub fn states(
    installments: &[Installment],
    receipts: &[Receipt],
    day: Date,
) -> Vec<InstallmentState> {
    let mut out: Vec<InstallmentState> = installments
        .iter()
        .map(|i| InstallmentState {
            installment: i.clone(),
            paid: Money::ZERO,
            outstanding: i.amount,
            paid_on: None,
        })
        .collect();
    out.sort_by_key(|s| (s.installment.contract, s.installment.due, s.installment.id));
    let mut receipts: Vec<&Receipt> = receipts.iter().filter(|r| r.date <= day).collect();
    // Receipts for a named installment first, then the others, each in date order.
    receipts.sort_by_key(|r| (r.installment.is_none(), r.date, r.id));
    for r in receipts {
        let mut left = r.amount;
        let targets: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, s)| s.installment.contract == r.contract)
            .filter(|(_, s)| r.installment.is_none_or(|i| s.installment.id == i))
            .map(|(i, _)| i)
            .collect();
        for i in targets {
            if left.fen() <= 0 {
                break;
            }
            let s = &mut out[i];
            let pay = if left < s.outstanding {
                left
            } else {
                s.outstanding
            };
            if pay.fen() > 0 {
                s.paid += pay;
                s.outstanding -= pay;
                left -= pay;
                if s.outstanding.fen() == 0 {
                    s.paid_on = Some(r.date);
                }
            }
        }
    }
    out
}

/// One line of the day's action list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionLine {
    pub tier: Tier,
    /// Days past due (negative: days before).
    pub days: i64,
    pub installment: Installment,
    pub outstanding: Money,
    pub customer: Option<CustomerId>,
    pub person: Option<NodeId>,
    pub contract_number: String,
}

/// The day's actions: every installment with something outstanding that a rule applies to,
/// the most overdue first.
pub fn todays_actions(
    contracts: &[Contract],
    installments: &[Installment],
    receipts: &[Receipt],
    day: Date,
) -> Vec<ActionLine> {
    let by_id: HashMap<i64, &Contract> = contracts.iter().map(|c| (c.id, c)).collect();
    let mut out: Vec<ActionLine> = states(installments, receipts, day)
        .into_iter()
        .filter(|s| s.outstanding.fen() > 0)
        .filter_map(|s| {
            let t = tier(s.installment.due, day)?;
            let c = by_id.get(&s.installment.contract)?;
            Some(ActionLine {
                tier: t,
                days: days_past_due(s.installment.due, day),
                outstanding: s.outstanding,
                customer: c.customer,
                person: c.person,
                contract_number: c.number.clone(),
                installment: s.installment,
            })
        })
        .collect();
    out.sort_by_key(|a| (std::cmp::Reverse(a.days), a.installment.id));
    out
}

/// Aging buckets of what is outstanding on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingBucket {
    /// Not yet overdue (due today or later).
    Current,
    #[serde(rename = "1_15")]
    Days1To15,
    #[serde(rename = "16_30")]
    Days16To30,
    #[serde(rename = "31_60")]
    Days31To60,
    #[serde(rename = "61_90")]
    Days61To90,
    #[serde(rename = "over_90")]
    Over90,
}

impl AgingBucket {
    pub const ALL: [AgingBucket; 6] = [
        AgingBucket::Current,
        AgingBucket::Days1To15,
        AgingBucket::Days16To30,
        AgingBucket::Days31To60,
        AgingBucket::Days61To90,
        AgingBucket::Over90,
    ];

    pub fn of(days_past_due: i64) -> AgingBucket {
        match days_past_due {
            d if d <= 0 => AgingBucket::Current,
            1..=15 => AgingBucket::Days1To15,
            16..=30 => AgingBucket::Days16To30,
            31..=60 => AgingBucket::Days31To60,
            61..=90 => AgingBucket::Days61To90,
            _ => AgingBucket::Over90,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            AgingBucket::Current => "aging.current",
            AgingBucket::Days1To15 => "aging.1_15",
            AgingBucket::Days16To30 => "aging.16_30",
            AgingBucket::Days31To60 => "aging.31_60",
            AgingBucket::Days61To90 => "aging.61_90",
            AgingBucket::Over90 => "aging.over_90",
        }
    }
}

/// Outstanding amounts by aging bucket on a day, in [`AgingBucket::ALL`] order.
pub fn aging(installments: &[Installment], receipts: &[Receipt], day: Date) -> [Money; 6] {
    let mut out = [Money::ZERO; 6];
    for s in states(installments, receipts, day) {
        if s.outstanding.fen() > 0 {
            let b = AgingBucket::of(days_past_due(s.installment.due, day));
            let i = AgingBucket::ALL.iter().position(|x| *x == b).unwrap_or(0);
            out[i] += s.outstanding;
        }
    }
    out
}

/// What is overdue: every aging bucket but the current one.
pub fn overdue(aging: &[Money; 6]) -> Money {
    aging.iter().skip(1).copied().sum()
}

/// The collection rate on a day: of the installments due up to and including that day, the
/// share paid. None when nothing has fallen due.
pub fn collection_rate(
    installments: &[Installment],
    receipts: &[Receipt],
    day: Date,
) -> Option<Ratio> {
    let (mut due, mut paid) = (0i128, 0i128);
    for s in states(installments, receipts, day) {
        if s.installment.due <= day {
            due += i128::from(s.installment.amount.fen());
            paid += i128::from(s.paid.fen());
        }
    }
    Ratio::new(paid, due)
}

/// The payment terms a credit rating sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreditTerms {
    pub rating: String,
    /// Share paid in advance.
    pub prepayment: Ratio,
    pub credit_days: u32,
    pub credit_limit: Money,
}

/// Defaults for ratings A–D.
pub fn default_terms() -> Vec<CreditTerms> {
    [
        ("A", 0, 90, 5_000_000_000i64),
        ("B", 20, 60, 2_000_000_000),
        ("C", 50, 30, 500_000_000),
        ("D", 100, 0, 0),
    ]
    .into_iter()
    .map(|(r, p, d, l)| CreditTerms {
        rating: r.to_owned(),
        prepayment: Ratio::percent(p),
        credit_days: d,
        credit_limit: Money::from_fen(l),
    })
    .collect()
}

/// The terms a customer's credit rating sets, if its rating has terms.
pub fn terms_of<'a>(
    customers: &[crate::domain::model::Customer],
    terms: &'a [CreditTerms],
    customer: CustomerId,
) -> Option<&'a CreditTerms> {
    let rating = &customers.iter().find(|c| c.id == customer)?.credit_rating;
    terms.iter().find(|t| &t.rating == rating)
}

/// A customer's exposure: what it owes (outstanding on every installment, due or not) against
/// its credit limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub outstanding: Money,
    pub limit: Option<Money>,
    /// outstanding + the new amount − limit, when that is above zero.
    pub over_by: Option<Money>,
}

/// Whether `new_amount` more for a customer would exceed its credit limit.
pub fn exposure(
    customer: CustomerId,
    terms: Option<&CreditTerms>,
    contracts: &[Contract],
    installments: &[Installment],
    receipts: &[Receipt],
    day: Date,
    new_amount: Money,
) -> Exposure {
    let mine: Vec<i64> = contracts
        .iter()
        .filter(|c| c.customer == Some(customer))
        .map(|c| c.id)
        .collect();
    let outstanding: Money = states(installments, receipts, day)
        .iter()
        .filter(|s| mine.contains(&s.installment.contract))
        .map(|s| s.outstanding)
        .sum();
    let limit = terms.map(|t| t.credit_limit);
    let over_by = limit
        .map(|l| outstanding + new_amount - l)
        .filter(|m| m.fen() > 0);
    Exposure {
        outstanding,
        limit,
        over_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn every_day_around_the_due_date_has_exactly_one_tier() {
        let due = d("2026-03-31");
        let at = |days: i64| {
            let day = due.checked_add(jiff::Span::new().days(days)).unwrap();
            tier(due, day)
        };
        assert_eq!(at(-11), None);
        assert_eq!(at(-10), Some(Tier::Remind));
        assert_eq!(at(-4), Some(Tier::Remind));
        assert_eq!(at(-3), Some(Tier::Call));
        assert_eq!(at(-1), Some(Tier::Call));
        assert_eq!(at(0), Some(Tier::Due));
        assert_eq!(at(1), Some(Tier::Overdue1));
        assert_eq!(at(15), Some(Tier::Overdue1));
        assert_eq!(at(16), Some(Tier::Overdue16));
        assert_eq!(at(30), Some(Tier::Overdue16));
        assert_eq!(at(31), Some(Tier::Overdue31));
        assert_eq!(at(400), Some(Tier::Overdue31));
    }

    #[test]
    fn credit_terms_make_a_schedule_that_adds_up() {
        let b = &default_terms()[1];
        let amount = Money::from_fen(100_000_001);
        let parts = schedule_from_terms(b, amount, d("2026-03-01")).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].2 + parts[1].2, amount);
        assert_eq!(parts[0].2, Money::from_fen(20_000_000));
        assert_eq!(parts[1].1, d("2026-04-30"));
        // Rating A: nothing in advance, everything after 90 days.
        let a = schedule_from_terms(&default_terms()[0], amount, d("2026-03-01")).unwrap();
        assert_eq!(a, vec![("installment.on_credit", d("2026-05-30"), amount)]);
    }

    #[test]
    fn aging_buckets_have_exact_boundaries() {
        for (days, b) in [
            (-5, AgingBucket::Current),
            (0, AgingBucket::Current),
            (1, AgingBucket::Days1To15),
            (15, AgingBucket::Days1To15),
            (16, AgingBucket::Days16To30),
            (30, AgingBucket::Days16To30),
            (31, AgingBucket::Days31To60),
            (60, AgingBucket::Days31To60),
            (61, AgingBucket::Days61To90),
            (90, AgingBucket::Days61To90),
            (91, AgingBucket::Over90),
        ] {
            assert_eq!(AgingBucket::of(days), b, "{days}");
        }
    }
}

/// One installment in the collection plan: the month it falls due in, for whom, and how much
/// is paid of it by the day looked at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanLine {
    /// Fiscal month 1–12 of the plan year.
    pub month: u8,
    pub customer: Option<CustomerId>,
    pub person: Option<NodeId>,
    pub contract_number: String,
    pub installment: i64,
    pub label: String,
    pub due: Date,
    pub amount: Money,
    pub paid: Money,
    pub outstanding: Money,
}

/// The collection plan of the plan year: every installment due in the year, in due-date order,
/// with its fiscal month (the month's collection target broken down per customer and order).
pub fn collection_plan(
    r: &ReceivablesData,
    fy: &crate::domain::period::FiscalYear,
    day: Date,
) -> Vec<PlanLine> {
    let by_id: HashMap<i64, &Contract> = r.contracts.iter().map(|c| (c.id, c)).collect();
    let mut out: Vec<PlanLine> = states(&r.installments, &r.receipts, day)
        .into_iter()
        .filter_map(|s| {
            let month = fy.fiscal_month_of(s.installment.due)?;
            let c = by_id.get(&s.installment.contract)?;
            Some(PlanLine {
                month,
                customer: c.customer,
                person: c.person,
                contract_number: c.number.clone(),
                installment: s.installment.id,
                label: s.installment.label.clone(),
                due: s.installment.due,
                amount: s.installment.amount,
                paid: s.paid,
                outstanding: s.outstanding,
            })
        })
        .collect();
    out.sort_by_key(|p| (p.due, p.installment));
    out
}

/// The collection targets the schedule gives a person: the amount due in each fiscal month.
pub fn monthly_collections(plan: &[PlanLine], person: NodeId) -> [Money; 12] {
    let mut out = [Money::ZERO; 12];
    for p in plan.iter().filter(|p| p.person == Some(person)) {
        out[usize::from(p.month - 1)] += p.amount;
    }
    out
}

/// Everything of the receivables in a plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReceivablesData {
    pub contracts: Vec<Contract>,
    pub installments: Vec<Installment>,
    pub receipts: Vec<Receipt>,
    pub terms: Vec<CreditTerms>,
}
