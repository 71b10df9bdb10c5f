//! Target work in the plan file: the demo's derivation (the article's five steps) with exact
//! figures, applying a derived target and an allocation as one undoable change each, and a
//! confirmed version refusing both without leaving a trace.

use salesplan::domain::allocation::{
    AllocationMethod, AllocationParams, AllocationPart, AllocationRule, Dimension, PartParams,
    allocate,
};
use salesplan::domain::derivation::{self, LifeCycle};
use salesplan::domain::model::{LineId, Metric, NodeId, PlanSnapshot};
use salesplan::domain::money::Money;
use salesplan::domain::period::Period;
use salesplan::domain::ratio::Ratio;
use salesplan::store::targets::CellChange;
use salesplan::store::{Store, StoreError};

fn fen(n: i64) -> Money {
    Money::from_fen(n)
}

fn wan(n: i64) -> Money {
    Money::from_wan(n).unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    (dir, store)
}

fn company(snap: &PlanSnapshot) -> NodeId {
    snap.nodes.iter().find(|n| n.parent.is_none()).unwrap().id
}

fn year_target(snap: &PlanSnapshot, node: NodeId, line: Option<LineId>) -> Option<Money> {
    snap.targets
        .iter()
        .find(|t| {
            t.node == node
                && t.line == line
                && t.period == Period::Year
                && t.metric == Metric::ContractAmount
        })
        .map(|t| Money::from_fen(t.value))
}

#[test]
fn the_demo_derivation_follows_the_article_to_the_fen() {
    let (_dir, store) = demo();
    let inputs = store.derivation_inputs(None).unwrap().unwrap();
    assert_eq!(inputs, salesplan::demo::demo_derivation());
    let d = derivation::derive(&inputs).unwrap();
    // Strategy: 5亿 × 1.15 × (10% + (20% − 10%) / 5) = 6,900万.
    assert_eq!(d.strategy.as_ref().unwrap().target, wan(6_900));
    // History 3,200 / 3,800 / 4,400万: CAGR √(4400/3200) − 1 = 17.2604% (to a millionth),
    // so 4,400万 × 1.172604 = 51,594,576.00元.
    let h = d.history.as_ref().unwrap();
    assert_eq!(h.cagr, Some(Ratio::new(172_604, 1_000_000).unwrap()));
    assert_eq!(h.target, fen(5_159_457_600));
    // α = 50%: (69,000,000 + 51,594,576) / 2 = 60,297,288.00元.
    assert_eq!(d.blended, fen(6_029_728_800));
    // Expansion with 30% sensitivity: × 1.03.
    assert_eq!(d.cycle_factor, Ratio::new(103, 100).unwrap());
    assert_eq!(d.after_cycle, fen(6_210_620_664));
    // Competitors −3% and −2%: 60,297,288 × 1.03 × 0.95 = 59,000,896.308 → 59,000,896.31元.
    assert_eq!(d.competitors.adjustment, Ratio::new(-5, 100).unwrap());
    assert_eq!(d.proposal, fen(5_900_089_631));
    // The leader's override to 5,000万, and 10% stretch on top.
    assert_eq!(d.committed, wan(5_000));
    assert_eq!(d.stretch, wan(5_500));
    // The demo's product lines carry their life-cycle stages.
    let snap = store.snapshot().unwrap();
    let stages: Vec<Option<LifeCycle>> = snap.lines.iter().map(|l| l.life_cycle).collect();
    assert_eq!(
        stages,
        vec![
            Some(LifeCycle::Growth),
            Some(LifeCycle::Maturity),
            Some(LifeCycle::Introduction)
        ]
    );
}

#[test]
fn applying_a_derivation_sets_the_company_target_as_one_undoable_change() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let top = company(&snap);
    let before = year_target(&snap, top, None);
    assert_eq!(before, Some(wan(5_000)));
    let mut inputs = salesplan::demo::demo_derivation();
    inputs.override_target = None;
    let d = derivation::derive(&inputs).unwrap();
    assert_eq!(d.committed, fen(5_900_089_631));
    store
        .commit_derivation(top, None, &inputs, d.committed)
        .unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(year_target(&snap, top, None), Some(fen(5_900_089_631)));
    assert_eq!(store.derivation_inputs(None).unwrap(), Some(inputs.clone()));
    assert_eq!(
        store.undo_label().unwrap().unwrap().key,
        "change.apply_derivation"
    );

    // One undo takes back both the target and the inputs.
    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(year_target(&snap, top, None), before);
    assert_eq!(
        store.derivation_inputs(None).unwrap(),
        Some(salesplan::demo::demo_derivation())
    );
    store.redo().unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(year_target(&snap, top, None), Some(fen(5_900_089_631)));
}

/// The article's product-line split: A 40%, B 30%, C 30% of 5,000万.
fn line_split(snap: &PlanSnapshot) -> (AllocationRule, Vec<CellChange>) {
    let top = company(snap);
    let total = wan(5_000);
    let weights = [40, 30, 30].map(Ratio::percent);
    let parts: Vec<AllocationPart<LineId>> = snap
        .lines
        .iter()
        .zip(weights)
        .map(|(l, w)| AllocationPart {
            weight: w,
            ..AllocationPart::new(l.id)
        })
        .collect();
    let result = allocate(total, AllocationMethod::ManualWeights, &parts).unwrap();
    let cells = result
        .parts
        .iter()
        .map(|(line, amount)| CellChange {
            node: top,
            line: Some(*line),
            period: Period::Year,
            metric: Metric::ContractAmount,
            value: Some(amount.fen()),
        })
        .collect();
    let rule = AllocationRule {
        node: top,
        dimension: Dimension::Lines,
        method: AllocationMethod::ManualWeights.code().to_owned(),
        params: AllocationParams {
            line: None,
            total,
            parts: parts
                .iter()
                .map(|p| PartParams {
                    key: p.key.0,
                    weight: p.weight,
                    headcount: 0,
                    ramp: Ratio::percent(100),
                    locked: None,
                })
                .collect(),
            percentages: Vec::new(),
        },
    };
    (rule, cells)
}

#[test]
fn an_allocation_is_remembered_with_its_cells_and_undone_together() {
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let top = company(&snap);
    let lines: Vec<LineId> = snap.lines.iter().map(|l| l.id).collect();
    let before: Vec<Option<Money>> = lines
        .iter()
        .map(|l| year_target(&snap, top, Some(*l)))
        .collect();
    let (rule, cells) = line_split(&snap);
    store.apply_allocation(&rule, "40/30/30", &cells).unwrap();

    let snap = store.snapshot().unwrap();
    let after: Vec<Option<Money>> = lines
        .iter()
        .map(|l| year_target(&snap, top, Some(*l)))
        .collect();
    assert_eq!(
        after,
        vec![Some(wan(2_000)), Some(wan(1_500)), Some(wan(1_500))]
    );
    assert_eq!(
        store.allocation_rule(top, Dimension::Lines).unwrap(),
        Some(rule.clone())
    );
    assert!(snap.allocations.contains(&rule));
    assert_eq!(store.allocation_rule(top, Dimension::Months).unwrap(), None);

    store.undo().unwrap();
    let snap = store.snapshot().unwrap();
    let undone: Vec<Option<Money>> = lines
        .iter()
        .map(|l| year_target(&snap, top, Some(*l)))
        .collect();
    assert_eq!(undone, before);
    assert!(!snap.allocations.iter().any(|r| r == &rule));
}

#[test]
fn a_confirmed_version_refuses_target_work_and_keeps_the_file_unchanged() {
    let (_dir, mut store) = demo();
    store.confirm_current().unwrap();
    let snap = store.snapshot().unwrap();
    let top = company(&snap);
    let undo_before = store.undo_label().unwrap();
    let (rule, cells) = line_split(&snap);

    let refused = store.apply_allocation(&rule, "", &cells);
    assert!(
        matches!(refused, Err(StoreError::VersionLocked { .. })),
        "{refused:?}"
    );
    let mut inputs = salesplan::demo::demo_derivation();
    inputs.override_target = None;
    let refused = store.commit_derivation(top, None, &inputs, wan(6_000));
    assert!(matches!(refused, Err(StoreError::VersionLocked { .. })));
    let refused = store.set_derivation_inputs(None, &inputs);
    assert!(matches!(refused, Err(StoreError::VersionLocked { .. })));

    let after = store.snapshot().unwrap();
    assert_eq!(after.targets, snap.targets);
    assert_eq!(after.allocations, snap.allocations);
    assert_eq!(
        store.derivation_inputs(None).unwrap(),
        Some(salesplan::demo::demo_derivation())
    );
    assert_eq!(store.undo_label().unwrap(), undo_before);
}

#[test]
fn locks_are_undoable_carried_into_revisions_and_the_confirmed_version_is_the_baseline() {
    use salesplan::domain::model::TargetLock;
    let (_dir, mut store) = demo();
    let snap = store.snapshot().unwrap();
    let zhang = snap.nodes.iter().find(|n| n.name == "张伟").unwrap().id;
    assert!(snap.baseline.is_none(), "no confirmed version yet");
    store
        .set_lock(zhang, Period::Month(3), Metric::Leads, true)
        .unwrap();
    let lock = TargetLock {
        node: zhang,
        line: None,
        period: Period::Month(3),
        metric: Metric::Leads,
    };
    assert_eq!(store.snapshot().unwrap().locks, vec![lock]);
    store.undo().unwrap();
    assert!(store.snapshot().unwrap().locks.is_empty());
    store.redo().unwrap();

    // Confirm, then revise: the revision keeps the lock, and the confirmed version is what its
    // cells are compared with.
    store.confirm_current().unwrap();
    let confirmed = store.snapshot().unwrap().plan.current_version;
    let refused = store.set_lock(zhang, Period::Month(4), Metric::Leads, true);
    assert!(matches!(refused, Err(StoreError::VersionLocked { .. })));
    store
        .start_revision("2026 年度目标（修订）", "市场变化", "销售总监")
        .unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.locks, vec![lock]);
    let (baseline, cells) = snap.baseline.as_ref().unwrap();
    assert_eq!(*baseline, confirmed);
    assert_eq!(cells.len(), snap.targets.len());
    // A month changed in the revision differs from the baseline; the others do not.
    let cell = CellChange {
        node: zhang,
        line: None,
        period: Period::Month(1),
        metric: Metric::ContractAmount,
        value: Some(wan(100).fen()),
    };
    store.set_targets("change.grid", "", &[cell]).unwrap();
    let snap = store.snapshot().unwrap();
    let (_, cells) = snap.baseline.as_ref().unwrap();
    let old = salesplan::domain::targets::TargetTable::new(cells);
    let new = salesplan::domain::targets::TargetTable::new(&snap.targets);
    let differs = |m: u8| {
        old.get(zhang, None, Period::Month(m), Metric::ContractAmount)
            != new.get(zhang, None, Period::Month(m), Metric::ContractAmount)
    };
    assert!(differs(1));
    assert!(!differs(2));
}
