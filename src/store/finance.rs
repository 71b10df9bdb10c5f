//! Expenses and receivables in the plan file (domain §7): the expense budget with actuals and
//! budget moves, contracts with payment schedules and receipts, and credit terms. Every change
//! is one transaction and one undo step.

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

use super::{ChangeLabel, Result, Store, StoreError};
use crate::domain::expenses::{
    self, BudgetCell, BudgetMove, ExpenseActual, ExpenseItem, ExpensesData,
};
use crate::domain::model::{CustomerId, NodeId};
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;
use crate::domain::receivables::{Contract, CreditTerms, Installment, Receipt, ReceivablesData};

/// The setting holding the overrun threshold.
const SETTING_THRESHOLD: &str = "expense_overrun.threshold";

/// A new contract with its payment schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewContract {
    pub customer: Option<CustomerId>,
    pub person: Option<NodeId>,
    pub number: String,
    pub signed: Date,
    pub amount: Money,
    /// (label, due date, amount); they must add up to the contract amount exactly.
    pub installments: Vec<(String, Date, Money)>,
}

/// One change to expenses or receivables.
#[derive(Clone, Debug, PartialEq)]
pub enum FinanceChange {
    /// Sets (Some) or clears (None) budget cells: (person or unit, item, fiscal month).
    SetBudget(Vec<(NodeId, i64, u8, Option<Money>)>),
    AddItem {
        category: String,
        name: String,
    },
    AddExpense {
        node: NodeId,
        item: i64,
        month: u8,
        amount: Money,
        note: String,
    },
    DeleteExpense(i64),
    /// Moves budget from an under-spent item to another in the same month; the total stays.
    MoveBudget {
        node: NodeId,
        month: u8,
        from_item: i64,
        to_item: i64,
        amount: Money,
        reason: String,
        date: Date,
    },
    SetThreshold(Ratio),
    AddContract(NewContract),
    DeleteContract(i64),
    AddReceipt {
        contract: i64,
        installment: Option<i64>,
        date: Date,
        amount: Money,
        reference: String,
    },
    DeleteReceipt(i64),
    SetTerms(CreditTerms),
}

pub(super) fn invalid(field: &'static str, value: impl ToString) -> StoreError {
    StoreError::InvalidValue {
        field,
        value: value.to_string(),
    }
}

fn check_month(month: u8) -> Result<()> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(invalid("month", month))
    }
}

pub(super) fn exists(conn: &Connection, table: &'static str, id: i64) -> Result<()> {
    let found: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
        [id],
        |r| r.get(0),
    )?;
    if found {
        Ok(())
    } else {
        Err(StoreError::Missing { what: table, id })
    }
}

pub(super) fn ratio_text(r: Ratio) -> String {
    format!("{}/{}", r.num(), r.den())
}

fn budget_of(conn: &Connection, node: NodeId, item: i64, month: u8) -> Result<Money> {
    let v: Option<i64> = conn
        .query_row(
            "SELECT amount FROM expense_budget WHERE node_id = ?1 AND item_id = ?2 AND month = ?3",
            params![node.0, item, month],
            |r| r.get(0),
        )
        .optional()?;
    Ok(Money::from_fen(v.unwrap_or(0)))
}

fn put_budget(
    conn: &Connection,
    node: NodeId,
    item: i64,
    month: u8,
    amount: Option<Money>,
) -> Result<()> {
    match amount {
        Some(m) if m.is_negative() => Err(invalid("expense_budget.amount", m)),
        Some(m) => {
            conn.execute(
                "INSERT INTO expense_budget (node_id, item_id, month, amount) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (node_id, item_id, month) DO UPDATE SET amount = excluded.amount",
                params![node.0, item, month, m.fen()],
            )?;
            Ok(())
        }
        None => {
            conn.execute(
                "DELETE FROM expense_budget WHERE node_id = ?1 AND item_id = ?2 AND month = ?3",
                params![node.0, item, month],
            )?;
            Ok(())
        }
    }
}

/// Applies one change inside the transaction `tx`.
pub(super) fn apply(tx: &Connection, change: &FinanceChange) -> Result<()> {
    match change {
        FinanceChange::SetBudget(cells) => {
            for (node, item, month, amount) in cells {
                check_month(*month)?;
                exists(tx, "org_nodes", node.0)?;
                exists(tx, "expense_items", *item)?;
                put_budget(tx, *node, *item, *month, *amount)?;
            }
        }
        FinanceChange::AddItem { category, name } => {
            let category = crate::domain::org::clean_name(category)?;
            let name = crate::domain::org::clean_name(name)?;
            tx.execute(
                "INSERT INTO expense_items (category, name) VALUES (?1, ?2)",
                params![category, name],
            )?;
        }
        FinanceChange::AddExpense {
            node,
            item,
            month,
            amount,
            note,
        } => {
            check_month(*month)?;
            exists(tx, "org_nodes", node.0)?;
            exists(tx, "expense_items", *item)?;
            if amount.is_negative() || amount.fen() == 0 {
                return Err(invalid("expense_actuals.amount", amount));
            }
            tx.execute(
                "INSERT INTO expense_actuals (node_id, item_id, month, amount, note)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![node.0, item, month, amount.fen(), note.trim()],
            )?;
        }
        FinanceChange::DeleteExpense(id) => {
            exists(tx, "expense_actuals", *id)?;
            tx.execute("DELETE FROM expense_actuals WHERE id = ?1", [id])?;
        }
        FinanceChange::MoveBudget {
            node,
            month,
            from_item,
            to_item,
            amount,
            reason,
            date,
        } => {
            check_month(*month)?;
            exists(tx, "expense_items", *from_item)?;
            exists(tx, "expense_items", *to_item)?;
            if from_item == to_item {
                return Err(invalid("budget_moves.to_item", to_item));
            }
            if reason.trim().is_empty() {
                return Err(invalid("budget_moves.reason", ""));
            }
            if amount.fen() <= 0 {
                return Err(invalid("budget_moves.amount", amount));
            }
            // Only what the item has not spent can move.
            let spent: i64 = tx.query_row(
                "SELECT IFNULL(SUM(amount), 0) FROM expense_actuals
                 WHERE node_id = ?1 AND item_id = ?2 AND month = ?3",
                params![node.0, from_item, month],
                |r| r.get(0),
            )?;
            let from_budget = budget_of(tx, *node, *from_item, *month)?;
            let unspent = from_budget - Money::from_fen(spent);
            if *amount > unspent {
                return Err(invalid("budget_moves.amount", amount));
            }
            let to_budget = budget_of(tx, *node, *to_item, *month)?;
            put_budget(tx, *node, *from_item, *month, Some(from_budget - *amount))?;
            put_budget(tx, *node, *to_item, *month, Some(to_budget + *amount))?;
            tx.execute(
                "INSERT INTO budget_moves (node_id, month, from_item, to_item, amount, reason,
                 recorded_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    node.0,
                    month,
                    from_item,
                    to_item,
                    amount.fen(),
                    reason.trim(),
                    date.to_string()
                ],
            )?;
        }
        FinanceChange::SetThreshold(r) => {
            if !r.is_positive() {
                return Err(invalid("expense_overrun.threshold", r.format_percent(4)));
            }
            super::write::put_setting(tx, SETTING_THRESHOLD, &ratio_text(*r))?;
        }
        FinanceChange::AddContract(c) => {
            let number = crate::domain::org::clean_name(&c.number)?;
            if c.amount.is_negative() {
                return Err(invalid("contracts.amount", c.amount));
            }
            if c.installments.iter().any(|(_, _, m)| m.is_negative()) {
                return Err(invalid("installments.amount", "< 0"));
            }
            let sum: Money = c.installments.iter().map(|(_, _, m)| *m).sum();
            if sum != c.amount {
                return Err(invalid("installments.amount", sum));
            }
            let clash: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM contracts WHERE number = ?1)",
                [&number],
                |r| r.get(0),
            )?;
            if clash {
                return Err(StoreError::DuplicateName { name: number });
            }
            tx.execute(
                "INSERT INTO contracts (customer_id, node_id, number, signed_on, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    c.customer.map(|x| x.0),
                    c.person.map(|x| x.0),
                    number,
                    c.signed.to_string(),
                    c.amount.fen()
                ],
            )?;
            let id = tx.last_insert_rowid();
            for (label, due, amount) in &c.installments {
                tx.execute(
                    "INSERT INTO installments (contract_id, label, due_on, amount)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![id, label.trim(), due.to_string(), amount.fen()],
                )?;
            }
        }
        FinanceChange::DeleteContract(id) => {
            exists(tx, "contracts", *id)?;
            tx.execute("DELETE FROM receipts WHERE contract_id = ?1", [id])?;
            tx.execute("DELETE FROM installments WHERE contract_id = ?1", [id])?;
            tx.execute("DELETE FROM contracts WHERE id = ?1", [id])?;
        }
        FinanceChange::AddReceipt {
            contract,
            installment,
            date,
            amount,
            reference,
        } => {
            exists(tx, "contracts", *contract)?;
            if let Some(i) = installment {
                let ok: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM installments WHERE id = ?1 AND contract_id = ?2)",
                    params![i, contract],
                    |r| r.get(0),
                )?;
                if !ok {
                    return Err(StoreError::Missing {
                        what: "installments",
                        id: *i,
                    });
                }
            }
            if amount.fen() <= 0 {
                return Err(invalid("receipts.amount", amount));
            }
            tx.execute(
                "INSERT INTO receipts (contract_id, installment_id, received_on, amount, reference)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    contract,
                    installment,
                    date.to_string(),
                    amount.fen(),
                    reference.trim()
                ],
            )?;
        }
        FinanceChange::DeleteReceipt(id) => {
            exists(tx, "receipts", *id)?;
            tx.execute("DELETE FROM receipts WHERE id = ?1", [id])?;
        }
        FinanceChange::SetTerms(t) => {
            let rating = crate::domain::org::clean_name(&t.rating)?;
            if t.prepayment.is_negative() || t.prepayment > Ratio::ONE {
                return Err(invalid(
                    "credit_terms.prepayment",
                    t.prepayment.format_percent(4),
                ));
            }
            if t.credit_limit.is_negative() {
                return Err(invalid("credit_terms.credit_limit", t.credit_limit));
            }
            tx.execute(
                "INSERT INTO credit_terms (rating, prepayment, credit_days, credit_limit)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (rating) DO UPDATE SET prepayment = excluded.prepayment,
                 credit_days = excluded.credit_days, credit_limit = excluded.credit_limit",
                params![
                    rating,
                    ratio_text(t.prepayment),
                    t.credit_days,
                    t.credit_limit.fen()
                ],
            )?;
        }
    }
    Ok(())
}

impl FinanceChange {
    pub fn label(&self) -> ChangeLabel {
        let key = match self {
            FinanceChange::SetBudget(_) => "change.expense_budget",
            FinanceChange::AddItem { .. } => "change.expense_item",
            FinanceChange::AddExpense { .. } => "change.add_expense",
            FinanceChange::DeleteExpense(_) => "change.delete_expense",
            FinanceChange::MoveBudget { .. } => "change.move_budget",
            FinanceChange::SetThreshold(_) => "change.expense_threshold",
            FinanceChange::AddContract(_) => "change.add_contract",
            FinanceChange::DeleteContract(_) => "change.delete_contract",
            FinanceChange::AddReceipt { .. } => "change.add_receipt",
            FinanceChange::DeleteReceipt(_) => "change.delete_receipt",
            FinanceChange::SetTerms(_) => "change.credit_terms",
        };
        let detail = match self {
            FinanceChange::AddContract(c) => c.number.trim().to_owned(),
            FinanceChange::SetTerms(t) => t.rating.trim().to_owned(),
            _ => String::new(),
        };
        ChangeLabel::new(key, detail)
    }
}

impl Store {
    /// Applies one change to expenses or receivables as one undoable step.
    pub fn apply_finance_change(&mut self, change: &FinanceChange) -> Result<()> {
        self.change(change.label(), |tx| apply(tx, change))
    }
}

pub(super) fn date_of(field: &'static str, t: String) -> rusqlite::Result<Date> {
    t.parse().map_err(|_| super::read::bad(field, &t))
}

pub(super) fn collect<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(super) fn expenses_data(conn: &Connection) -> Result<ExpensesData> {
    let threshold = super::read::setting(conn, SETTING_THRESHOLD)?
        .and_then(|t| Ratio::parse(&t).ok())
        .unwrap_or_else(expenses::default_threshold);
    Ok(ExpensesData {
        items: collect(
            conn,
            "SELECT id, category, code, name FROM expense_items ORDER BY id",
            |r| {
                Ok(ExpenseItem {
                    id: r.get(0)?,
                    category: r.get(1)?,
                    code: r.get(2)?,
                    name: r.get(3)?,
                })
            },
        )?,
        budget: collect(
            conn,
            "SELECT node_id, item_id, month, amount FROM expense_budget
             ORDER BY node_id, item_id, month",
            |r| {
                Ok(BudgetCell {
                    node: NodeId(r.get(0)?),
                    item: r.get(1)?,
                    month: r.get(2)?,
                    amount: Money::from_fen(r.get(3)?),
                })
            },
        )?,
        actuals: collect(
            conn,
            "SELECT id, node_id, item_id, month, amount, note FROM expense_actuals ORDER BY id",
            |r| {
                Ok(ExpenseActual {
                    id: r.get(0)?,
                    node: NodeId(r.get(1)?),
                    item: r.get(2)?,
                    month: r.get(3)?,
                    amount: Money::from_fen(r.get(4)?),
                    note: r.get(5)?,
                })
            },
        )?,
        moves: collect(
            conn,
            "SELECT id, node_id, month, from_item, to_item, amount, reason, recorded_on
             FROM budget_moves ORDER BY id",
            |r| {
                Ok(BudgetMove {
                    id: r.get(0)?,
                    node: NodeId(r.get(1)?),
                    month: r.get(2)?,
                    from_item: r.get(3)?,
                    to_item: r.get(4)?,
                    amount: Money::from_fen(r.get(5)?),
                    reason: r.get(6)?,
                    recorded_on: r.get(7)?,
                })
            },
        )?,
        threshold,
    })
}

pub(super) fn receivables_data(conn: &Connection) -> Result<ReceivablesData> {
    Ok(ReceivablesData {
        contracts: collect(
            conn,
            "SELECT id, customer_id, node_id, number, signed_on, amount FROM contracts
             ORDER BY signed_on, id",
            |r| {
                Ok(Contract {
                    id: r.get(0)?,
                    customer: r.get::<_, Option<i64>>(1)?.map(CustomerId),
                    person: r.get::<_, Option<i64>>(2)?.map(NodeId),
                    number: r.get(3)?,
                    signed: date_of("contracts.signed_on", r.get(4)?)?,
                    amount: Money::from_fen(r.get(5)?),
                })
            },
        )?,
        installments: collect(
            conn,
            "SELECT id, contract_id, label, due_on, amount FROM installments
             ORDER BY contract_id, due_on, id",
            |r| {
                Ok(Installment {
                    id: r.get(0)?,
                    contract: r.get(1)?,
                    label: r.get(2)?,
                    due: date_of("installments.due_on", r.get(3)?)?,
                    amount: Money::from_fen(r.get(4)?),
                })
            },
        )?,
        receipts: collect(
            conn,
            "SELECT id, contract_id, installment_id, received_on, amount, reference FROM receipts
             ORDER BY received_on, id",
            |r| {
                Ok(Receipt {
                    id: r.get(0)?,
                    contract: r.get(1)?,
                    installment: r.get(2)?,
                    date: date_of("receipts.received_on", r.get(3)?)?,
                    amount: Money::from_fen(r.get(4)?),
                    reference: r.get(5)?,
                })
            },
        )?,
        terms: collect(
            conn,
            "SELECT rating, prepayment, credit_days, credit_limit FROM credit_terms ORDER BY rating",
            |r| {
                let p: String = r.get(1)?;
                Ok(CreditTerms {
                    rating: r.get(0)?,
                    prepayment: Ratio::parse(&p)
                        .map_err(|_| super::read::bad("credit_terms.prepayment", &p))?,
                    credit_days: r.get(2)?,
                    credit_limit: Money::from_fen(r.get(3)?),
                })
            },
        )?,
    })
}
