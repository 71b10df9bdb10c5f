//! The pipeline by hand (domain §6): opportunities added and moved stage by stage, each move
//! dated; the moves give the conversion rates and stage durations exactly; every change undoes.

use salesplan::domain::model::{DealStatus, NodeId, OpportunityId};
use salesplan::domain::money::Money;
use salesplan::domain::period::parse_date;
use salesplan::domain::ratio::Ratio;
use salesplan::domain::stats::{self, stage_durations};
use salesplan::store::pipeline::NewOpportunity;
use salesplan::store::{Store, StoreError};

fn demo() -> (tempfile::TempDir, Store, NodeId) {
    let dir = tempfile::tempdir().unwrap();
    let store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let who = store
        .snapshot()
        .unwrap()
        .nodes
        .iter()
        .find(|n| n.name == "李娜")
        .unwrap()
        .id;
    (dir, store, who)
}

fn add(store: &mut Store, person: NodeId, name: &str, engaged: &str) -> OpportunityId {
    store
        .add_opportunity(&NewOpportunity {
            name: name.into(),
            person: Some(person),
            customer: None,
            product: None,
            stage: 1,
            value: Some(Money::from_wan(100).unwrap()),
            engaged: parse_date(engaged).unwrap(),
            expected_close: None,
        })
        .unwrap()
}

/// Durations over one person's opportunities (the demo's own pipeline is 张伟's).
fn durations(store: &Store, person: NodeId) -> Vec<(u8, u64, Option<Ratio>)> {
    let snap = store.snapshot().unwrap();
    let mut events = std::collections::HashMap::new();
    for e in &snap.stage_events {
        events.entry(e.opportunity).or_insert_with(Vec::new).push(e);
    }
    let all: Vec<_> = snap
        .opportunities
        .iter()
        .filter(|o| o.person == Some(person))
        .collect();
    stage_durations(&all, &events, 6)
        .into_iter()
        .map(|d| (d.stage, d.samples, d.mean_days))
        .collect()
}

#[test]
fn dated_moves_give_exact_rates_and_durations() {
    let (_dir, mut store, who) = demo();
    let a = add(&mut store, who, "瑞丰银行 CRM", "2026-01-05");
    for (stage, date) in [
        (2, "2026-01-15"),
        (3, "2026-02-04"),
        (4, "2026-02-10"),
        (5, "2026-02-20"),
        (6, "2026-03-06"),
    ] {
        store
            .move_opportunity(a, stage, parse_date(date).unwrap())
            .unwrap();
    }
    let b = add(&mut store, who, "汇通证券 ERP", "2026-01-10");
    store
        .move_opportunity(b, 2, parse_date("2026-01-23").unwrap())
        .unwrap();
    store
        .lose_opportunity(b, parse_date("2026-02-01").unwrap())
        .unwrap();

    let snap = store.snapshot().unwrap();
    let won = snap.opportunities.iter().find(|o| o.id == a).unwrap();
    assert_eq!(won.status, DealStatus::Won);
    assert_eq!(won.close_date, Some(parse_date("2026-03-06").unwrap()));
    let s = stats::for_plan(&snap);
    let rate = |from: u8| {
        s.by_person[&Some(who)]
            .conversions
            .iter()
            .find(|c| c.from == from)
            .unwrap()
            .rate
    };
    // Both reached stage 2; of the two that left stage 2 only one went on.
    assert_eq!(rate(1), Some(Ratio::ONE));
    assert_eq!(rate(2), Ratio::new(1, 2));
    assert_eq!(rate(3), Some(Ratio::ONE));
    assert_eq!(s.by_person[&Some(who)].win_rate, Ratio::new(1, 2));
    // Days in each stage: stage 1 took 10 and 13 days; stage 2 took 20 (the lost one has no
    // next stage); then 6, 10 and 14 days.
    assert_eq!(
        durations(&store, who),
        vec![
            (1, 2, Ratio::new(23, 2)),
            (2, 1, Some(Ratio::from_integer(20))),
            (3, 1, Some(Ratio::from_integer(6))),
            (4, 1, Some(Ratio::from_integer(10))),
            (5, 1, Some(Ratio::from_integer(14))),
        ]
    );

    // Two deals are too few to be the person's own rates or durations: the funnel keeps the
    // plan's single step until at least ten opportunities have passed a stage, and the
    // phasing the default 90-day cycle (3 months) until ten have gone through each stage.
    let single = |store: &Store| {
        let snap = store.snapshot().unwrap();
        let s = stats::for_plan(&snap);
        let plans = salesplan::domain::plan_funnels::person_plans(
            &snap,
            &s,
            salesplan::domain::plan_funnels::Basis::Stretch,
            1,
        );
        let p = plans.iter().find(|p| p.person == who).unwrap();
        p.phasing.as_ref().unwrap().offsets.clone()
    };
    assert_eq!(single(&store), vec![(1, 3), (6, 0)]);

    // A move undoes: b is open at stage 2 again, then back at stage 1 with no stage-2 entry.
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    let again = snap.opportunities.iter().find(|o| o.id == b).unwrap();
    assert_eq!((again.stage, again.status), (2, DealStatus::Open));
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(
        snap.opportunities.iter().find(|o| o.id == b).unwrap().stage,
        1
    );
    assert!(
        !snap
            .stage_events
            .iter()
            .any(|e| e.opportunity == b && e.stage == 2)
    );
    store.redo().unwrap();
    store.redo().unwrap();

    // Nine more deals like the first: now every step has at least ten behind it, and the
    // phasing runs each stage ahead of the close by the measured days. Stage 1 took ten deals
    // 10 days and one 13 (113/11 days), stage 2 20 days, then 6, 10 and 14: stage 1 leads
    // the close by ≈ 60.3 days → 2 months, stage 2 by 50 → 2, stage 3 by 30 → 1, stage 4 by
    // 24 → 1, stage 5 by 14 → 0.
    for n in 0..9 {
        let id = add(&mut store, who, &format!("deal {n}"), "2026-01-05");
        for (stage, date) in [
            (2, "2026-01-15"),
            (3, "2026-02-04"),
            (4, "2026-02-10"),
            (5, "2026-02-20"),
            (6, "2026-03-06"),
        ] {
            store
                .move_opportunity(id, stage, parse_date(date).unwrap())
                .unwrap();
        }
    }
    let snap = store.snapshot().unwrap();
    let s = stats::for_plan(&snap);
    let rate = |from: u8| {
        s.by_person[&Some(who)]
            .conversions
            .iter()
            .find(|c| c.from == from)
            .unwrap()
            .rate
    };
    assert_eq!(rate(2), Ratio::new(10, 11));
    assert_eq!(s.by_person[&Some(who)].win_rate, Ratio::new(10, 11));
    assert_eq!(durations(&store, who)[0], (1, 11, Ratio::new(113, 11)));
    // The plan's statistics carry the same durations, measured once for every funnel.
    let measured: Vec<_> = s.durations.by_person[&Some(who)]
        .iter()
        .map(|d| (d.stage, d.samples, d.mean_days))
        .collect();
    assert_eq!(measured, durations(&store, who));
    let mut events = std::collections::HashMap::new();
    for e in &snap.stage_events {
        events.entry(e.opportunity).or_insert_with(Vec::new).push(e);
    }
    let all: Vec<_> = snap.opportunities.iter().collect();
    assert_eq!(s.durations.company, stage_durations(&all, &events, 6));
    assert_eq!(
        s.durations.company[0].samples, 16,
        "the demo's other deals too"
    );
    assert_eq!(
        single(&store),
        vec![(1, 2), (2, 2), (3, 1), (4, 1), (5, 0), (6, 0)]
    );
}

#[test]
fn bad_moves_and_stages_are_refused() {
    let (_dir, mut store, who) = demo();
    let a = add(&mut store, who, "A", "2026-01-05");
    let day = parse_date("2026-01-06").unwrap();
    assert!(matches!(
        store.move_opportunity(a, 0, day),
        Err(StoreError::InvalidValue { .. })
    ));
    assert!(matches!(
        store.move_opportunity(a, 10, day),
        Err(StoreError::InvalidValue { .. })
    ));
    assert!(matches!(
        store.move_opportunity(OpportunityId(9_999), 2, day),
        Err(StoreError::Missing { .. })
    ));
    store.lose_opportunity(a, day).unwrap();
    assert!(store.move_opportunity(a, 2, day).is_err());

    // Stages are editable: name, probability (0–100%), playbook.
    store
        .set_stage(
            1,
            "发现线索",
            Ratio::percent(5),
            "邀请客户参观成功案例展厅并演示产品",
        )
        .unwrap();
    let stage = store.snapshot().unwrap().stages[0].clone();
    assert_eq!(
        (
            stage.name.as_str(),
            stage.probability,
            stage.playbook.as_str()
        ),
        (
            "发现线索",
            Ratio::percent(5),
            "邀请客户参观成功案例展厅并演示产品"
        )
    );
    assert!(store.set_stage(1, "", Ratio::percent(120), "").is_err());
    assert!(store.set_stage(12, "", Ratio::percent(10), "").is_err());
}
