//! Import rules beyond the data sets: aliases, remembered mappings, updates by source id.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use salesplan::domain::money::Money;
use salesplan::exchange::fields::{Field, ImportKind};
use salesplan::exchange::pipeline::{self, SourceInput};
use salesplan::exchange::source::ReadOptions;
use salesplan::store::Store;

fn read(file: &Path) -> salesplan::exchange::source::Table {
    SourceInput::File(file.to_owned())
        .read(&ReadOptions::default(), &|_| {}, &AtomicBool::new(false))
        .unwrap()
}

#[test]
fn an_unknown_product_is_resolved_through_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let csv = dir.path().join("opps.csv");
    std::fs::write(&csv, "opportunity_id,sales_agent,product,deal_stage,close_value\nX1,张伟,ERP Std,Won,\"80,000\"\n").unwrap();
    let table = read(&csv);
    let cancel = AtomicBool::new(false);
    let settings = pipeline::initial_settings(&store, ImportKind::Opportunities, &table);
    let p = pipeline::prepare(
        &store,
        &table,
        &settings,
        ImportKind::Opportunities,
        &|_| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(p.problems.len(), 1);
    store.set_alias("product", "ERP Std", "ERP 标准版").unwrap();
    let p = pipeline::prepare(
        &store,
        &table,
        &settings,
        ImportKind::Opportunities,
        &|_| {},
        &cancel,
    )
    .unwrap();
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    pipeline::write(&mut store, &table, &settings, &p, false, &|_| {}, &cancel).unwrap();
    let snap = store.snapshot().unwrap();
    let erp = snap
        .products
        .iter()
        .find(|p| p.name == "ERP 标准版")
        .unwrap()
        .id;
    let o = snap
        .opportunities
        .iter()
        .find(|o| o.source_id.as_deref() == Some("X1"))
        .unwrap();
    assert_eq!(o.product, Some(erp));
    assert_eq!(o.value, Some(Money::parse("80,000").unwrap()));
    let zhang = snap.nodes.iter().find(|n| n.name == "张伟").unwrap().id;
    assert_eq!(o.person, Some(zhang));
}

#[test]
fn a_mapping_chosen_by_hand_is_remembered_for_the_same_layout() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let first = dir.path().join("jan.csv");
    std::fs::write(&first, "when;how much\n2026-01-05;100\n").unwrap();
    let table = read(&first);
    let mut settings = pipeline::initial_settings(&store, ImportKind::History, &table);
    assert_eq!(settings.columns, vec![None, None]);
    settings.columns = vec![Some(Field::Date), Some(Field::Amount)];
    let cancel = AtomicBool::new(false);
    let p = pipeline::prepare(
        &store,
        &table,
        &settings,
        ImportKind::History,
        &|_| {},
        &cancel,
    )
    .unwrap();
    pipeline::write(&mut store, &table, &settings, &p, false, &|_| {}, &cancel).unwrap();

    let second = dir.path().join("feb.csv");
    std::fs::write(&second, "When;How Much\n2026-02-05;200\n").unwrap();
    let remembered = pipeline::initial_settings(&store, ImportKind::History, &read(&second));
    assert_eq!(
        remembered.columns,
        vec![Some(Field::Date), Some(Field::Amount)]
    );
    // Another layout is matched by its headers as usual.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "日期,金额\n2026-02-05,200\n").unwrap();
    let auto = pipeline::initial_settings(&store, ImportKind::History, &read(&other));
    assert_eq!(auto.columns, vec![Some(Field::Date), Some(Field::Amount)]);
}

#[test]
fn a_changed_row_is_updated_by_its_source_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut store: Store =
        salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let csv = dir.path().join("opps.csv");
    let cancel = AtomicBool::new(false);
    let mut run = |content: &str| {
        std::fs::write(&csv, content).unwrap();
        let table = read(&csv);
        let settings = pipeline::initial_settings(&store, ImportKind::Opportunities, &table);
        let p = pipeline::prepare(
            &store,
            &table,
            &settings,
            ImportKind::Opportunities,
            &|_| {},
            &cancel,
        )
        .unwrap();
        pipeline::write(&mut store, &table, &settings, &p, false, &|_| {}, &cancel).unwrap()
    };
    let first = run("opportunity_id,deal_stage,close_value\nY1,Engaging,100\nY2,Prospecting,\n");
    assert_eq!((first.inserted, first.updated), (2, 0));
    let second = run("opportunity_id,deal_stage,close_value\nY1,Won,120\nY2,Prospecting,\n");
    assert_eq!(
        (second.inserted, second.updated, second.unchanged),
        (0, 1, 1)
    );
    let snap = store.snapshot().unwrap();
    let y1 = snap
        .opportunities
        .iter()
        .find(|o| o.source_id.as_deref() == Some("Y1"))
        .unwrap();
    assert_eq!(y1.status, salesplan::domain::model::DealStatus::Won);
    assert_eq!(y1.value, Some(Money::from_fen(12_000)));
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let before = store.snapshot().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/superstore/orders.csv");
    let table = read(&file);
    let settings = pipeline::initial_settings(&store, ImportKind::History, &table);
    let go = AtomicBool::new(false);
    let p =
        pipeline::prepare(&store, &table, &settings, ImportKind::History, &|_| {}, &go).unwrap();
    let stop = AtomicBool::new(true);
    let err =
        pipeline::write(&mut store, &table, &settings, &p, false, &|_| {}, &stop).unwrap_err();
    assert!(
        matches!(err, salesplan::store::StoreError::Cancelled),
        "{err}"
    );
    assert_eq!(store.snapshot().unwrap(), before);
    assert!(store.undo_label().unwrap().is_none());
    // Checking can be cancelled too.
    assert!(
        pipeline::prepare(
            &store,
            &table,
            &settings,
            ImportKind::History,
            &|_| {},
            &stop
        )
        .is_err()
    );
}
