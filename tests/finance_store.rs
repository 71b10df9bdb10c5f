//! Expenses and receivables (domain §7) through the store, with fixed dates: the overrun alert,
//! reallocation keeping the total exactly, payment schedules that add up, receipts applied, the
//! reminder and escalation tier on every boundary day, aging and the collection rate.

use salesplan::domain::expenses::{self, Status};
use salesplan::domain::model::{NodeId, PlanSnapshot};
use salesplan::domain::money::Money;
use salesplan::domain::period::parse_date;
use salesplan::domain::ratio::Ratio;
use salesplan::domain::receivables::{self, AgingBucket, TEMPLATES, Tier};
use salesplan::store::finance::{FinanceChange, NewContract};
use salesplan::store::{Store, StoreError};

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    (dir, store)
}

fn wan(n: i64) -> Money {
    Money::from_wan(n).unwrap()
}

fn day(s: &str) -> jiff::civil::Date {
    parse_date(s).unwrap()
}

fn person(snap: &PlanSnapshot, name: &str) -> NodeId {
    snap.nodes.iter().find(|n| n.name == name).unwrap().id
}

fn item(snap: &PlanSnapshot, code: &str) -> i64 {
    snap.expenses
        .items
        .iter()
        .find(|i| i.code.as_deref() == Some(code))
        .unwrap()
        .id
}

#[test]
fn an_overspend_raises_the_alert_and_reallocation_keeps_the_total() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let li = person(&snap, "李娜");
    let (shows, events) = (item(&snap, "trade_shows"), item(&snap, "events"));
    let mut before_total = Money::ZERO;
    store
        .apply_finance_change(&FinanceChange::SetBudget(vec![
            (li, shows, 3, Some(wan(10))),
            (li, events, 3, Some(wan(5))),
        ]))
        .unwrap();
    for (it, amount, note) in [(shows, 13, "展位扩大"), (events, 1, "客户答谢会")] {
        store
            .apply_finance_change(&FinanceChange::AddExpense {
                node: li,
                item: it,
                month: 3,
                amount: wan(amount),
                note: note.into(),
            })
            .unwrap();
    }
    let snap = store.snapshot().unwrap();
    let e = &snap.expenses;
    let rows = expenses::monitor(&e.items, &e.budget, &e.actuals, &[li], 3, e.threshold);
    let row = |id: i64| rows.iter().find(|r| r.item == id).unwrap().clone();
    // 13万 against 10万: 30% over, more than the 20% threshold.
    assert_eq!(row(shows).month.variance, wan(3));
    assert_eq!(row(shows).month.variance_pct, Ratio::new(3, 10));
    assert_eq!(row(shows).month.status, Status::Alert);
    assert!(row(shows).alert());
    assert_eq!(row(events).month.status, Status::Ok);
    for r in &rows {
        before_total += r.month.budget;
    }
    assert_eq!(before_total, wan(15));

    // Events has 4万 unspent: 5万 cannot move, a move needs a reason.
    let mv = |amount: i64, reason: &str| FinanceChange::MoveBudget {
        node: li,
        month: 3,
        from_item: events,
        to_item: shows,
        amount: wan(amount),
        reason: reason.into(),
        date: day("2026-03-20"),
    };
    let undo = store.undo_label().unwrap();
    for bad in [mv(5, "展位扩大"), mv(3, "  ")] {
        assert!(matches!(
            store.apply_finance_change(&bad),
            Err(StoreError::InvalidValue { .. })
        ));
    }
    assert_eq!(store.undo_label().unwrap(), undo);
    store
        .apply_finance_change(&mv(3, "展位扩大，从活动调剂"))
        .unwrap();
    let snap = store.snapshot().unwrap();
    let e = &snap.expenses;
    let rows = expenses::monitor(&e.items, &e.budget, &e.actuals, &[li], 3, e.threshold);
    let total: Money = rows.iter().map(|r| r.month.budget).sum();
    assert_eq!(total, wan(15));
    let shows_row = rows.iter().find(|r| r.item == shows).unwrap();
    assert_eq!(shows_row.month.budget, wan(13));
    assert_eq!(shows_row.month.status, Status::Ok);
    assert_eq!(e.moves.len(), 1);
    assert_eq!(e.moves[0].reason, "展位扩大，从活动调剂");
    // The year to date carries the alert state too; undo restores the budgets.
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    assert!(snap.expenses.moves.is_empty());
    assert_eq!(
        snap.expenses
            .budget
            .iter()
            .find(|b| b.item == shows && b.month == 3)
            .unwrap()
            .amount,
        wan(10)
    );
    // The expense ratio: 14万 spent against 200万 of contracts is 7%.
    assert_eq!(
        expenses::expense_ratio(wan(14), wan(200)),
        Ratio::new(7, 100)
    );
}

#[test]
fn schedules_add_up_and_every_tier_boundary_holds() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let zhang = person(&snap, "张伟");
    // 安泰保险 has no contracts in the demo.
    let customer = snap
        .customers
        .iter()
        .find(|c| c.name == "安泰保险")
        .unwrap()
        .id;
    // 30 / 60 / 10 of an odd amount: exact to the fen.
    let amount = Money::from_fen(100_000_001);
    let parts = receivables::schedule(&TEMPLATES[0], amount, day("2026-01-10")).unwrap();
    let sum: Money = parts.iter().map(|p| p.2).sum();
    assert_eq!(sum, amount);
    assert_eq!(
        parts.iter().map(|p| p.1.to_string()).collect::<Vec<_>>(),
        vec!["2026-01-10", "2026-04-10", "2026-07-09"]
    );
    // A schedule that does not add up is refused.
    let bad = NewContract {
        customer: Some(customer),
        person: Some(zhang),
        number: "HT-2026-001".into(),
        signed: day("2026-01-10"),
        amount: wan(100),
        installments: vec![("签约".into(), day("2026-01-10"), wan(30))],
    };
    assert!(matches!(
        store.apply_finance_change(&FinanceChange::AddContract(bad.clone())),
        Err(StoreError::InvalidValue { .. })
    ));
    let parts = receivables::schedule(&TEMPLATES[0], wan(100), day("2026-01-10")).unwrap();
    store
        .apply_finance_change(&FinanceChange::AddContract(NewContract {
            installments: parts
                .iter()
                .map(|(l, d, m)| (l.to_string(), *d, *m))
                .collect(),
            ..bad
        }))
        .unwrap();
    let snap = store.snapshot().unwrap();
    let contract = snap
        .receivables
        .contracts
        .iter()
        .find(|c| c.number == "HT-2026-001")
        .unwrap()
        .id;
    // Only this contract's schedule and receipts (the demo has others).
    let only = |snap: &PlanSnapshot| {
        let mut r = snap.receivables.clone();
        r.contracts.retain(|c| c.id == contract);
        r.installments.retain(|i| i.contract == contract);
        r.receipts.retain(|x| x.contract == contract);
        r
    };
    store
        .apply_finance_change(&FinanceChange::AddReceipt {
            contract,
            installment: None,
            date: day("2026-01-15"),
            amount: wan(30),
            reference: "银行回单 0115".into(),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let r = &only(&snap);
    let actions = |on: &str| {
        receivables::todays_actions(&r.contracts, &r.installments, &r.receipts, day(on))
            .into_iter()
            .map(|a| (a.tier, a.days, a.outstanding))
            .collect::<Vec<_>>()
    };
    // The 60万 installment due 10 April, on each boundary day.
    for (on, expected) in [
        ("2026-03-30", None),
        ("2026-03-31", Some((Tier::Remind, -10))),
        ("2026-04-06", Some((Tier::Remind, -4))),
        ("2026-04-07", Some((Tier::Call, -3))),
        ("2026-04-10", Some((Tier::Due, 0))),
        ("2026-04-11", Some((Tier::Overdue1, 1))),
        ("2026-04-25", Some((Tier::Overdue1, 15))),
        ("2026-04-26", Some((Tier::Overdue16, 16))),
        ("2026-05-10", Some((Tier::Overdue16, 30))),
        ("2026-05-11", Some((Tier::Overdue31, 31))),
    ] {
        let got = actions(on);
        match expected {
            None => assert!(got.is_empty(), "{on}: {got:?}"),
            Some((tier, days)) => assert_eq!(got[0], (tier, days, wan(60)), "{on}"),
        }
    }
    // The signing installment is due on 10 January (the money came on the 15th); once paid,
    // nothing is left to do for it.
    assert_eq!(actions("2026-01-10"), vec![(Tier::Due, 0, wan(30))]);
    assert!(actions("2026-01-16").is_empty());
    // Aging on 11 May: 60万 at 31 days, 10万 not yet due; 30万 of 30万 due by 10 January
    // paid, and by 11 May 30万 of 90万 (1/3).
    let aging = receivables::aging(&r.installments, &r.receipts, day("2026-05-11"));
    assert_eq!(aging[0], wan(10));
    assert_eq!(aging[3], wan(60));
    assert_eq!(AgingBucket::ALL[3], AgingBucket::Days31To60);
    assert_eq!(
        receivables::collection_rate(&r.installments, &r.receipts, day("2026-05-11")),
        Ratio::new(1, 3)
    );
    // A partial payment of 50万 leaves 10万 outstanding and still overdue.
    store
        .apply_finance_change(&FinanceChange::AddReceipt {
            contract,
            installment: None,
            date: day("2026-05-12"),
            amount: wan(50),
            reference: String::new(),
        })
        .unwrap();
    let snap = store.snapshot().unwrap();
    let r = &only(&snap);
    let got = receivables::todays_actions(
        &r.contracts,
        &r.installments,
        &r.receipts,
        day("2026-05-12"),
    );
    assert_eq!(
        (got[0].tier, got[0].outstanding),
        (Tier::Overdue31, wan(10))
    );
    // Credit: rating A allows 5,000万; 20万 outstanding + 4,990万 more is over by 10万.
    let terms = r.terms.iter().find(|t| t.rating == "A").unwrap();
    let ex = receivables::exposure(
        customer,
        Some(terms),
        &r.contracts,
        &r.installments,
        &r.receipts,
        day("2026-05-12"),
        wan(4_990),
    );
    assert_eq!(ex.outstanding, wan(20));
    assert_eq!(ex.over_by, Some(wan(10)));
}

#[test]
fn a_demand_letter_states_the_overdue_installment() {
    let (_dir, store) = demo();
    let snap = store.snapshot().unwrap();
    let r = &snap.receivables;
    let c = r
        .contracts
        .iter()
        .find(|c| c.number == "HT-2026-004")
        .unwrap();
    let second = r
        .installments
        .iter()
        .filter(|i| i.contract == c.id)
        .max_by_key(|i| i.due)
        .unwrap();
    let lang = salesplan::i18n::Lang::Zh;
    let unit = salesplan::domain::money::AmountUnit::Wan;
    // Not overdue on its due date: no letter.
    assert!(
        salesplan::exchange::demand::demand_data(&snap, second.id, second.due, lang, unit)
            .is_none()
    );
    let d =
        salesplan::exchange::demand::demand_data(&snap, second.id, day("2026-06-01"), lang, unit)
            .unwrap();
    assert_eq!((d.days_overdue, d.outstanding), (16, wan(60)));
    assert_eq!(d.pay_by.to_string(), "2026-06-11");
    let html = salesplan::exchange::demand::demand_html(&d);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for text in [
        "催款函",
        "致 汇通证券：",
        "HT-2026-004",
        "60.00万元",
        "已逾期 16 天",
        "2026-06-11",
    ] {
        assert!(html.contains(text), "{text}");
    }
}
