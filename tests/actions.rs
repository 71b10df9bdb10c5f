//! Monthly actions and market support in the plan file (domain §5): the article's January in
//! the demo, months flagged when their actions do not cover the target, one undoable change
//! per edit, bad input refused without a trace.

use salesplan::domain::actions::{ActionFields, ActionKind, ActionStatus, SupportKind, coverage};
use salesplan::domain::model::{Metric, NodeId};
use salesplan::domain::money::Money;
use salesplan::domain::targets::TargetTable;
use salesplan::store::{Store, StoreError};

const WAN: i64 = 1_000_000;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    (dir, store)
}

fn person(store: &Store, name: &str) -> NodeId {
    store
        .snapshot()
        .unwrap()
        .nodes
        .iter()
        .find(|n| n.name == name)
        .unwrap()
        .id
}

#[test]
fn the_demo_carries_the_articles_january() {
    let (_dir, store) = demo();
    let snap = store.snapshot().unwrap();
    let zhang = person(&store, "张伟");
    let january: Vec<_> = snap
        .actions
        .iter()
        .filter(|a| a.person == zhang && a.month == 1)
        .collect();
    let kinds: Vec<(ActionKind, u32, i64)> = january
        .iter()
        .map(|a| (a.fields.kind, a.fields.count, a.fields.expected.fen()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (ActionKind::Negotiate, 3, 0),
            (ActionKind::Sign, 1, 500 * WAN),
            (ActionKind::Demo, 5, 0),
            (ActionKind::Survey, 1, 0),
        ]
    );
    assert_eq!(snap.support.len(), 1);
    assert_eq!(snap.support[0].kind, SupportKind::Showroom);

    // January's 500万 covers its target; the other months have targets and no actions.
    let table = TargetTable::new(&snap.targets);
    let targets = table.months(zhang, None, Metric::ContractAmount);
    let c = coverage(zhang, &targets, &snap.actions);
    assert!(!c[0].flagged());
    assert_eq!(c[0].expected, Money::from_fen(500 * WAN));
    assert_eq!(c[0].actions, 4);
    assert!(c[1].flagged());
    assert_eq!(c[1].shortfall, targets[1].map(Money::from_fen));
    assert_eq!(c.iter().filter(|m| m.flagged()).count(), 11);
}

#[test]
fn a_dropped_action_no_longer_covers_its_month() {
    let (_dir, mut store) = demo();
    let zhang = person(&store, "张伟");
    let sign = store
        .snapshot()
        .unwrap()
        .actions
        .iter()
        .find(|a| a.fields.kind == ActionKind::Sign)
        .unwrap()
        .clone();
    let mut fields = sign.fields.clone();
    fields.status = ActionStatus::Dropped;
    store.update_action(sign.id, &fields).unwrap();
    let snap = store.snapshot().unwrap();
    let targets = TargetTable::new(&snap.targets).months(zhang, None, Metric::ContractAmount);
    let c = coverage(zhang, &targets, &snap.actions);
    assert!(c[0].flagged());
    assert_eq!(c[0].expected, Money::ZERO);
    // Undo brings the signing back.
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    assert!(!coverage(zhang, &targets, &snap.actions)[0].flagged());
}

#[test]
fn actions_are_added_edited_and_deleted_one_change_at_a_time() {
    let (_dir, mut store) = demo();
    let li = person(&store, "李娜");
    let before = store.snapshot().unwrap();
    let fields = ActionFields {
        kind: ActionKind::Bid,
        count: 2,
        expected: Money::from_fen(120 * WAN),
        note: "两个标段".into(),
        ..ActionFields::default()
    };
    let id = store.add_action(li, 3, &fields).unwrap();
    let snap = store.snapshot().unwrap();
    let added = snap.actions.iter().find(|a| a.id == id).unwrap();
    assert_eq!((added.person, added.month), (li, 3));
    assert_eq!(added.fields, fields);
    store.delete_action(id).unwrap();
    assert!(store.snapshot().unwrap().actions.iter().all(|a| a.id != id));
    store.undo().unwrap();
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap().actions, before.actions);

    let sid = store
        .add_support(li, 3, SupportKind::Event, "行业峰会展位")
        .unwrap();
    assert!(
        store
            .snapshot()
            .unwrap()
            .support
            .iter()
            .any(|s| s.id == sid)
    );
    store.delete_support(sid).unwrap();
    assert_eq!(store.snapshot().unwrap().support, before.support);
}

#[test]
fn bad_actions_are_refused_without_a_trace() {
    let (_dir, mut store) = demo();
    let before = store.snapshot().unwrap();
    let region = before
        .nodes
        .iter()
        .find(|n| n.name == "华东大区")
        .unwrap()
        .id;
    let li = person(&store, "李娜");
    let undo_before = store.undo_label().unwrap();
    let ok = ActionFields::default();
    for (who, month, fields) in [
        (region, 1, ok.clone()),
        (li, 0, ok.clone()),
        (li, 13, ok.clone()),
        (
            li,
            1,
            ActionFields {
                count: 0,
                ..ok.clone()
            },
        ),
        (
            li,
            1,
            ActionFields {
                expected: Money::from_fen(-1),
                ..ok.clone()
            },
        ),
    ] {
        let refused = store.add_action(who, month, &fields);
        assert!(
            matches!(refused, Err(StoreError::InvalidValue { .. })),
            "{refused:?}"
        );
    }
    assert_eq!(store.snapshot().unwrap().actions, before.actions);
    assert_eq!(store.undo_label().unwrap(), undo_before);
}

#[test]
fn deleting_a_person_deletes_their_actions() {
    let (_dir, mut store) = demo();
    let zhang = person(&store, "张伟");
    store.delete_node(zhang).unwrap();
    let snap = store.snapshot().unwrap();
    assert!(snap.actions.is_empty());
    assert!(snap.support.is_empty());
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap().actions.len(), 4);
}
