//! Expenses and receivables in the report (domain §7): each person's budget status with the
//! overrun alerts for the month of the report day, the budget moves, and the receivables on that
//! day — contracts with their installments, the day's actions, aging, the collection rate and
//! the collection plan by month.

use jiff::civil::Date;
use serde::Serialize;

use super::RateEntry;
use crate::domain::expenses::{self, BudgetMove, Line, Status};
use crate::domain::model::PlanSnapshot;
use crate::domain::receivables::{self, AgingBucket, CreditTerms, Tier};

#[derive(Serialize)]
pub struct LineEntry {
    pub budget_fen: i64,
    pub actual_fen: i64,
    pub variance_fen: i64,
    pub variance: Option<RateEntry>,
    pub status: Status,
}

fn line(l: &Line) -> LineEntry {
    LineEntry {
        budget_fen: l.budget.fen(),
        actual_fen: l.actual.fen(),
        variance_fen: l.variance.fen(),
        variance: l.variance_pct.map(RateEntry::of),
        status: l.status,
    }
}

#[derive(Serialize)]
pub struct ItemStatus {
    pub item_id: i64,
    pub month: LineEntry,
    pub to_date: LineEntry,
    pub alert: bool,
}

#[derive(Serialize)]
pub struct PersonExpenses {
    pub node_id: i64,
    pub name: String,
    pub items: Vec<ItemStatus>,
    pub total_month: LineEntry,
    pub total_to_date: LineEntry,
    pub year_budget_fen: i64,
}

#[derive(Serialize)]
pub struct ItemEntry {
    pub id: i64,
    pub category: String,
    /// Built-in item code, or null for the user's own item (see `name`).
    pub code: Option<String>,
    pub name: String,
}

#[derive(Serialize)]
pub struct ExpensesSection {
    /// The fiscal month the status is for (the report day's month, within the plan year).
    pub month: u8,
    pub threshold: RateEntry,
    pub items: Vec<ItemEntry>,
    /// People with a budget or spending.
    pub people: Vec<PersonExpenses>,
    pub moves: Vec<BudgetMove>,
}

#[derive(Serialize)]
pub struct InstallmentEntry {
    pub id: i64,
    pub label: String,
    pub due: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub outstanding_fen: i64,
    pub days_past_due: i64,
}

#[derive(Serialize)]
pub struct ContractEntry {
    pub id: i64,
    pub number: String,
    pub customer_id: Option<i64>,
    pub node_id: Option<i64>,
    pub signed: String,
    pub amount_fen: i64,
    pub installments: Vec<InstallmentEntry>,
}

#[derive(Serialize)]
pub struct ActionEntry {
    pub tier: Tier,
    pub days_past_due: i64,
    pub installment_id: i64,
    pub contract: String,
    pub customer_id: Option<i64>,
    pub node_id: Option<i64>,
    pub outstanding_fen: i64,
}

#[derive(Serialize)]
pub struct AgingEntry {
    pub bucket: AgingBucket,
    pub amount_fen: i64,
}

#[derive(Serialize)]
pub struct MonthCollections {
    pub month: u8,
    pub due_fen: i64,
    pub paid_fen: i64,
}

#[derive(Serialize)]
pub struct ReceivablesSection {
    pub day: String,
    pub outstanding_fen: i64,
    pub overdue_fen: i64,
    pub collection_rate: Option<RateEntry>,
    pub aging: Vec<AgingEntry>,
    pub todays_actions: Vec<ActionEntry>,
    pub contracts: Vec<ContractEntry>,
    /// The plan year's installments by fiscal month (the collection plan).
    pub collection_plan: Vec<MonthCollections>,
    pub credit_terms: Vec<CreditTerms>,
}

pub fn expenses(s: &PlanSnapshot, day: Date) -> ExpensesSection {
    let e = &s.expenses;
    let fy = &s.plan.fiscal_year;
    let month = match fy.fiscal_month_of(day) {
        Some(m) => m,
        None if day < fy.start_date() => 1,
        None => 12,
    };
    let people = s
        .people()
        .filter(|p| {
            e.budget.iter().any(|b| b.node == p.id) || e.actuals.iter().any(|a| a.node == p.id)
        })
        .map(|p| {
            let rows =
                expenses::monitor(&e.items, &e.budget, &e.actuals, &[p.id], month, e.threshold);
            let (m, y) = expenses::totals(&rows, e.threshold);
            PersonExpenses {
                node_id: p.id.0,
                name: p.name.clone(),
                items: rows
                    .iter()
                    .map(|r| ItemStatus {
                        item_id: r.item,
                        month: line(&r.month),
                        to_date: line(&r.to_date),
                        alert: r.alert(),
                    })
                    .collect(),
                total_month: line(&m),
                total_to_date: line(&y),
                year_budget_fen: expenses::year_budget(&e.budget, &[p.id]).fen(),
            }
        })
        .collect();
    ExpensesSection {
        month,
        threshold: RateEntry::of(e.threshold),
        items: e
            .items
            .iter()
            .map(|i| ItemEntry {
                id: i.id,
                category: i.category.clone(),
                code: i.code.clone(),
                name: i.name.clone(),
            })
            .collect(),
        people,
        moves: e.moves.clone(),
    }
}

pub fn receivables(s: &PlanSnapshot, day: Date) -> ReceivablesSection {
    let r = &s.receivables;
    let states = receivables::states(&r.installments, &r.receipts, day);
    let aging = receivables::aging(&r.installments, &r.receipts, day);
    let plan = receivables::collection_plan(r, &s.plan.fiscal_year, day);
    ReceivablesSection {
        day: day.to_string(),
        outstanding_fen: states.iter().map(|x| x.outstanding.fen()).sum(),
        overdue_fen: receivables::overdue(&aging).fen(),
        collection_rate: receivables::collection_rate(&r.installments, &r.receipts, day)
            .map(RateEntry::of),
        aging: AgingBucket::ALL
            .iter()
            .zip(aging)
            .map(|(b, m)| AgingEntry {
                bucket: *b,
                amount_fen: m.fen(),
            })
            .collect(),
        todays_actions: receivables::todays_actions(
            &r.contracts,
            &r.installments,
            &r.receipts,
            day,
        )
        .into_iter()
        .map(|a| ActionEntry {
            tier: a.tier,
            days_past_due: a.days,
            installment_id: a.installment.id,
            contract: a.contract_number,
            customer_id: a.customer.map(|c| c.0),
            node_id: a.person.map(|p| p.0),
            outstanding_fen: a.outstanding.fen(),
        })
        .collect(),
        contracts: r
            .contracts
            .iter()
            .map(|c| ContractEntry {
                id: c.id,
                number: c.number.clone(),
                customer_id: c.customer.map(|x| x.0),
                node_id: c.person.map(|x| x.0),
                signed: c.signed.to_string(),
                amount_fen: c.amount.fen(),
                installments: states
                    .iter()
                    .filter(|x| x.installment.contract == c.id)
                    .map(|x| InstallmentEntry {
                        id: x.installment.id,
                        label: x.installment.label.clone(),
                        due: x.installment.due.to_string(),
                        amount_fen: x.installment.amount.fen(),
                        paid_fen: x.paid.fen(),
                        outstanding_fen: x.outstanding.fen(),
                        days_past_due: receivables::days_past_due(x.installment.due, day),
                    })
                    .collect(),
            })
            .collect(),
        collection_plan: (1..=12u8)
            .map(|m| MonthCollections {
                month: m,
                due_fen: plan
                    .iter()
                    .filter(|p| p.month == m)
                    .map(|p| p.amount.fen())
                    .sum(),
                paid_fen: plan
                    .iter()
                    .filter(|p| p.month == m)
                    .map(|p| p.paid.fen())
                    .sum(),
            })
            .collect(),
        credit_terms: r.terms.clone(),
    }
}
