//! Negotiation in the plan file: a round with the five account managers, proposals, counters,
//! agreement, confirmation (locked, hashed), and a revision afterwards.

use salesplan::domain::model::{Metric, NodeId, VersionKind, VersionState};
use salesplan::domain::money::Money;
use salesplan::domain::negotiation::{Party, RoundEvent, UnitStatus};
use salesplan::domain::org::OrgTree;
use salesplan::domain::period::Period;
use salesplan::domain::targets::{self, TargetTable};
use salesplan::store::{Store, StoreError};

const WAN: i64 = 1_000_000;

fn people(store: &Store) -> Vec<(String, NodeId)> {
    store
        .snapshot()
        .unwrap()
        .people()
        .map(|p| (p.name.clone(), p.id))
        .collect()
}

fn wan(n: i64) -> Money {
    Money::from_fen(n * WAN)
}

#[test]
fn a_round_from_proposal_to_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let draft = store.snapshot().unwrap().plan.current_version;
    let units: Vec<NodeId> = people(&store).iter().map(|p| p.1).collect();
    let round = store.start_round(&units, "第 1 轮").unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.plan.current_version, round);
    let rounds = store.rounds().unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].number, 1);
    assert!(
        rounds[0]
            .rows
            .iter()
            .all(|r| r.top_down == Some(wan(1_000)) && r.status == UnitStatus::Draft)
    );

    // The leader proposes 1,000万 to everyone; 张伟 counters with 900万, the others agree.
    for &u in &units {
        store
            .round_event(u, RoundEvent::Propose, Party::Leader, Some(wan(1_000)), "")
            .unwrap();
    }
    let zhang = people(&store).iter().find(|p| p.0 == "张伟").unwrap().1;
    store
        .round_event(
            zhang,
            RoundEvent::Counter,
            Party::Unit,
            Some(wan(900)),
            "金融客户预算收紧",
        )
        .unwrap();
    for &u in units.iter().filter(|&&u| u != zhang) {
        store
            .round_event(u, RoundEvent::Agree, Party::Unit, None, "")
            .unwrap();
    }
    // Not everyone agreed yet.
    assert!(matches!(
        store.confirm_round("2026 年度目标（确认）"),
        Err(StoreError::NotAllAgreed { open: 1 })
    ));
    // A step out of order is refused with a reason.
    assert!(
        store
            .round_event(zhang, RoundEvent::Counter, Party::Leader, Some(wan(1)), "")
            .is_err()
    );
    // The leader accepts 张伟's 900万.
    store
        .round_event(zhang, RoundEvent::Agree, Party::Leader, None, "同意")
        .unwrap();

    let confirmed = store.confirm_round("2026 年度目标（确认）").unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.plan.current_version, confirmed);
    let v = snap.current_version().unwrap();
    assert_eq!(
        (v.kind, v.state, v.locked),
        (VersionKind::Confirmed, VersionState::Confirmed, true)
    );
    assert_eq!(v.content_hash.as_ref().map(String::len), Some(64));
    assert!(v.confirmed_at.is_some());
    assert!(store.verify_hash(confirmed).unwrap());

    // The agreed numbers, spread and summed exactly.
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let amount = Metric::ContractAmount;
    assert_eq!(
        table.get(zhang, None, Period::Year, amount),
        Some(900 * WAN)
    );
    let months: i64 = table
        .months(zhang, None, amount)
        .iter()
        .map(|m| m.unwrap())
        .sum();
    assert_eq!(months, 900 * WAN);
    let lines: Vec<i64> = snap
        .lines
        .iter()
        .map(|l| table.get(zhang, Some(l.id), Period::Year, amount).unwrap())
        .collect();
    assert_eq!(lines, vec![360 * WAN, 270 * WAN, 270 * WAN]);
    let root = tree.root().unwrap().id;
    assert_eq!(
        table.get(root, None, Period::Year, amount),
        Some(4_900 * WAN)
    );
    let east = snap.nodes.iter().find(|n| n.name == "华东大区").unwrap().id;
    assert_eq!(
        table.get(east, None, Period::Year, amount),
        Some(1_900 * WAN)
    );
    let line_ids: Vec<_> = snap.lines.iter().map(|l| l.id).collect();
    assert_eq!(targets::gaps(&table, &tree, &line_ids, amount), vec![]);

    // Confirmed targets are not edited; the round and the draft are kept unchanged.
    let err = store
        .set_target(zhang, None, Period::Year, amount, Some(1))
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionLocked { .. }), "{err}");
    let rounds = store.rounds().unwrap();
    assert_eq!(rounds[0].state, VersionState::Superseded);
    assert!(snap.versions.iter().any(|v| v.id == draft));

    // A revision: a new editable version with its reason and who asked.
    assert!(matches!(
        store.start_revision("修订 1", " ", "王总"),
        Err(StoreError::RevisionNeedsReason)
    ));
    let revision = store
        .start_revision("修订 1", "华北大区新签大客户", "王总")
        .unwrap();
    store
        .set_target(zhang, None, Period::Year, amount, Some(950 * WAN))
        .unwrap();
    let snap = store.snapshot().unwrap();
    let v = snap.current_version().unwrap();
    assert_eq!(
        (v.id, v.kind, v.reason.as_str(), v.requested_by.as_str()),
        (
            revision,
            VersionKind::Revision,
            "华北大区新签大客户",
            "王总"
        )
    );
    // The confirmed version still holds 900万.
    assert!(store.verify_hash(confirmed).unwrap());
    assert_eq!(snap.versions.len(), 4);
}

#[test]
fn a_new_round_supersedes_the_open_one_and_carries_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let units: Vec<NodeId> = people(&store).iter().map(|p| p.1).collect();
    store.start_round(&units, "第 1 轮").unwrap();
    store
        .round_event(
            units[0],
            RoundEvent::Propose,
            Party::Leader,
            Some(wan(1_100)),
            "",
        )
        .unwrap();
    store.start_round(&units, "第 2 轮").unwrap();
    let rounds = store.rounds().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0].state, VersionState::Superseded);
    assert_eq!(rounds[1].number, 2);
    assert_eq!(rounds[1].rows[0].top_down, Some(wan(1_100)));
    assert_eq!(rounds[1].rows[0].status, UnitStatus::Proposed);
    // Round 1 cannot change any more.
    let v1 = rounds[0].version;
    let snap = store.snapshot().unwrap();
    assert!(snap.versions.iter().any(|v| v.id == v1 && v.locked));
}

#[test]
fn undo_takes_back_a_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let units: Vec<NodeId> = people(&store).iter().map(|p| p.1).collect();
    let round = store.start_round(&units, "第 1 轮").unwrap();
    for &u in &units {
        store
            .round_event(u, RoundEvent::Propose, Party::Leader, Some(wan(1_000)), "")
            .unwrap();
        store
            .round_event(u, RoundEvent::Agree, Party::Unit, None, "")
            .unwrap();
    }
    store.confirm_round("确认").unwrap();
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.plan.current_version, round);
    assert_eq!(snap.current_version().unwrap().state, VersionState::Open);
}
