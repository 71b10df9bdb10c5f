//! The plan file: creating, reopening, refusing files it must not touch, undo and redo, and the
//! demo plan's exact figures.

use std::path::{Path, PathBuf};

use salesplan::demo::{self, DEMO_TARGET};
use salesplan::domain::model::{Metric, NodeId, UnitKind};
use salesplan::domain::money::Money;
use salesplan::domain::org::OrgTree;
use salesplan::domain::period::Period;
use salesplan::domain::targets::{self, TargetTable};
use salesplan::store::{NewPlan, ProductFields, ProductLineFields, Store, StoreError, schema};

const WAN: i64 = 1_000_000;

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.salesplan");
    (dir, path)
}

fn new_plan() -> NewPlan {
    NewPlan {
        name: "测试计划".into(),
        organisation: "测试公司".into(),
        fiscal_year: 2027,
        fiscal_start_month: 4,
        company: "总部".into(),
        version_name: "草案".into(),
        channels: ["直销".into(), "分销".into(), "电商".into()],
    }
}

fn node_by_name(store: &Store, name: &str) -> NodeId {
    store
        .snapshot()
        .unwrap()
        .nodes
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no node {name}"))
        .id
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn creates_a_plan_and_reads_back_what_was_written() {
    let (_dir, path) = temp();
    let root;
    {
        let mut store = Store::create(&path, &new_plan()).unwrap();
        let snap = store.snapshot().unwrap();
        assert_eq!(snap.plan.name, "测试计划");
        assert_eq!(snap.plan.fiscal_year.year(), 2027);
        assert_eq!(snap.plan.fiscal_year.start_month(), 4);
        assert_eq!(snap.channels.len(), 3);
        root = OrgTree::new(&snap.nodes).root().unwrap().id;
        let region = store.add_node(root, UnitKind::Region, "华南大区").unwrap();
        store.add_node(region, UnitKind::Person, "赵敏").unwrap();
        let line = store
            .add_product_line(&ProductLineFields {
                name: "ERP".into(),
                code: "B".into(),
                description: String::new(),
            })
            .unwrap();
        store
            .add_product(&ProductFields {
                line,
                name: "ERP 标准版".into(),
                list_price: Money::parse("80万").unwrap(),
            })
            .unwrap();
        store
            .set_target(
                root,
                Some(line),
                Period::Year,
                Metric::ContractAmount,
                Some(12 * WAN),
            )
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);
    let names: Vec<(&str, usize)> = tree
        .walk()
        .into_iter()
        .map(|(id, d)| (tree.get(id).unwrap().name.as_str(), d))
        .collect();
    assert_eq!(names, vec![("总部", 0), ("华南大区", 1), ("赵敏", 2)]);
    assert_eq!(snap.products[0].list_price, Money::from_fen(80 * WAN));
    assert_eq!(snap.targets.len(), 1);
    assert_eq!(snap.targets[0].value, 12 * WAN);
    assert_eq!(store.schema_version().unwrap(), schema::LATEST_VERSION);
    let report = Store::check(&path).unwrap();
    assert_eq!(report.integrity, "ok");
    assert_eq!(report.plan_name, "测试计划");
}

#[test]
fn refuses_to_overwrite_an_existing_file() {
    let (_dir, path) = temp();
    std::fs::write(&path, b"keep me").unwrap();
    let err = Store::create(&path, &new_plan()).err().unwrap();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
    assert_eq!(bytes(&path), b"keep me");
}

#[test]
fn refuses_a_file_from_a_newer_version_and_leaves_it_byte_for_byte_unchanged() {
    let (_dir, path) = temp();
    drop(Store::create(&path, &new_plan()).unwrap());
    {
        // A later SalesPlan would have migrated the file further.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = {}; CREATE TABLE from_the_future (x);",
            schema::LATEST_VERSION + 7
        ))
        .unwrap();
    }
    let before = bytes(&path);
    let err = Store::open(&path).err().unwrap();
    match &err {
        StoreError::TooNew {
            file_version,
            supported,
            ..
        } => {
            assert_eq!(*file_version, schema::LATEST_VERSION + 7);
            assert_eq!(*supported, schema::LATEST_VERSION);
        }
        other => panic!("expected TooNew, got {other}"),
    }
    assert!(err.to_string().contains("newer SalesPlan"), "{err}");
    assert_eq!(bytes(&path), before);
    assert!(matches!(
        Store::check(&path),
        Err(StoreError::TooNew { .. })
    ));
    assert_eq!(bytes(&path), before);
}

#[test]
fn refuses_another_programs_sqlite_database_unchanged() {
    let (_dir, path) = temp();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
            .unwrap();
    }
    let before = bytes(&path);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::ForeignDatabase { .. }), "{err}");
    assert!(err.to_string().contains("not a SalesPlan plan file"));
    assert_eq!(bytes(&path), before);
}

#[test]
fn refuses_files_that_are_not_sqlite_with_a_clear_message() {
    let (dir, path) = temp();
    std::fs::write(&path, "name,amount\n张伟,100万\n").unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err}");
    assert_eq!(bytes(&path), "name,amount\n张伟,100万\n".as_bytes());

    let empty = dir.path().join("empty.salesplan");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        Store::open(&empty),
        Err(StoreError::EmptyFile { .. })
    ));
    assert_eq!(bytes(&empty), b"");

    let missing = dir.path().join("missing.salesplan");
    assert!(matches!(
        Store::open(&missing),
        Err(StoreError::NotFound { .. })
    ));
    assert!(!missing.exists());
}

#[test]
fn refuses_a_damaged_plan_file() {
    let (_dir, path) = temp();
    drop(demo::create_demo(&path).unwrap());
    let mut data = bytes(&path);
    // Wreck the schema page after the 100-byte header.
    for b in &mut data[100..4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &data).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(
            err,
            StoreError::Corrupt { .. } | StoreError::NotSqlite { .. }
        ),
        "{err}"
    );
    assert!(Store::check(&path).is_err());
}

#[test]
fn undo_and_redo_reverse_changes_one_step_at_a_time() {
    let (_dir, path) = temp();
    let mut store = demo::create_demo(&path).unwrap();
    assert_eq!(
        store.undo_label().unwrap(),
        None,
        "creating the demo is not an undo step"
    );
    let zhang = node_by_name(&store, "张伟");
    store.rename_node(zhang, "张伟明").unwrap();
    let li = node_by_name(&store, "李娜");
    store.rename_node(li, "李娜娜").unwrap();
    assert_eq!(store.undo_label().unwrap().unwrap().detail, "李娜娜");

    assert_eq!(store.undo().unwrap().unwrap().key, "change.rename_node");
    let names: Vec<String> = store
        .snapshot()
        .unwrap()
        .nodes
        .iter()
        .map(|n| n.name.clone())
        .collect();
    assert!(names.contains(&"李娜".to_owned()) && names.contains(&"张伟明".to_owned()));
    store.undo().unwrap();
    assert_eq!(node_by_name(&store, "张伟"), zhang);
    assert_eq!(store.undo().unwrap(), None, "nothing left to undo");

    store.redo().unwrap();
    assert_eq!(node_by_name(&store, "张伟明"), zhang);
    // A new change drops what could still be redone.
    let wang = node_by_name(&store, "王强");
    store.rename_node(wang, "王强强").unwrap();
    assert_eq!(store.redo_label().unwrap(), None);
    assert_eq!(store.redo().unwrap(), None);
}

#[test]
fn undoing_a_delete_brings_back_everything_it_took() {
    let (_dir, path) = temp();
    let mut store = demo::create_demo(&path).unwrap();
    let before = store.snapshot().unwrap();
    let east = node_by_name(&store, "华东大区");
    let impact = store.delete_node_impact(east).unwrap();
    assert_eq!(impact.nodes, 3);
    assert_eq!(impact.people, 2);
    // The region's year figure, and per person: the year, 3 lines, 12 months, deals and leads.
    assert_eq!(impact.target_cells, 1 + 2 * (1 + 3 + 12 + 2));
    assert!(impact.needs_confirmation());
    store.delete_node(east).unwrap();
    let after = store.snapshot().unwrap();
    assert_eq!(after.nodes.len(), before.nodes.len() - 3);
    assert!(after.customers.iter().filter(|c| c.owner.is_none()).count() > 0);
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap(), before);
    store.redo().unwrap();
    assert_eq!(
        store.snapshot().unwrap().nodes.len(),
        before.nodes.len() - 3
    );
}

#[test]
fn a_refused_change_leaves_no_trace() {
    let (_dir, path) = temp();
    let mut store = demo::create_demo(&path).unwrap();
    let before = store.snapshot().unwrap();
    let zhang = node_by_name(&store, "张伟");
    let li = node_by_name(&store, "李娜");
    // Same parent: the name is taken.
    let err = store.rename_node(li, "张伟").err().unwrap();
    assert!(err.to_string().contains("already has"), "{err}");
    // A person cannot hold a unit; a region cannot go under its own person.
    assert!(store.add_node(zhang, UnitKind::Team, "小组").is_err());
    let east = node_by_name(&store, "华东大区");
    assert!(store.move_node(east, zhang).is_err());
    assert_eq!(store.snapshot().unwrap(), before);
    assert_eq!(store.undo_label().unwrap(), None);
}

#[test]
fn undo_history_survives_closing_the_file() {
    let (_dir, path) = temp();
    {
        let mut store = demo::create_demo(&path).unwrap();
        let zhang = node_by_name(&store, "张伟");
        store.rename_node(zhang, "张伟明").unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.undo_label().unwrap().unwrap().detail, "张伟明");
    store.undo().unwrap();
    node_by_name(&store, "张伟");
}

#[test]
fn moving_and_reordering_keep_the_tree_valid() {
    let (_dir, path) = temp();
    let mut store = demo::create_demo(&path).unwrap();
    let chen = node_by_name(&store, "陈静");
    let east = node_by_name(&store, "华东大区");
    store.move_node(chen, east).unwrap();
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);
    assert_eq!(tree.get(chen).unwrap().parent, Some(east));
    let kids: Vec<&str> = tree
        .children(east)
        .iter()
        .map(|&c| tree.get(c).unwrap().name.as_str())
        .collect();
    assert_eq!(kids, vec!["张伟", "李娜", "陈静"]);
    store.reorder_node(chen, -1).unwrap();
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);
    let kids: Vec<&str> = tree
        .children(east)
        .iter()
        .map(|&c| tree.get(c).unwrap().name.as_str())
        .collect();
    assert_eq!(kids, vec!["张伟", "陈静", "李娜"]);
}

#[test]
fn save_copy_writes_a_complete_plan_elsewhere() {
    let (dir, path) = temp();
    let store = demo::create_demo(&path).unwrap();
    let copy = dir.path().join("copy.salesplan");
    store.save_copy(&copy).unwrap();
    let other = Store::open(&copy).unwrap();
    assert_eq!(other.snapshot().unwrap(), store.snapshot().unwrap());
}

#[test]
fn the_demo_plan_carries_the_articles_numbers_exactly() {
    let (_dir, path) = temp();
    let store = demo::create_demo(&path).unwrap();
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    let root = tree.root().unwrap().id;
    let amount = Metric::ContractAmount;

    assert_eq!(snap.plan.fiscal_year.year(), 2026);
    assert_eq!(
        table.node_value(&tree, root, None, Period::Year, amount),
        Some(DEMO_TARGET.fen())
    );
    assert_eq!(DEMO_TARGET, Money::parse("5,000万").unwrap());
    let by_line: Vec<i64> = snap
        .lines
        .iter()
        .map(|l| table.get(root, Some(l.id), Period::Year, amount).unwrap())
        .collect();
    assert_eq!(by_line, vec![2_000 * WAN, 1_500 * WAN, 1_500 * WAN]);

    let people: Vec<_> = snap.people().collect();
    assert_eq!(people.len(), 5);
    for p in &people {
        assert_eq!(
            table.get(p.id, None, Period::Year, amount),
            Some(1_000 * WAN)
        );
        assert_eq!(table.get(p.id, None, Period::Year, Metric::Deals), Some(10));
        assert_eq!(
            table.get(p.id, None, Period::Year, Metric::Leads),
            Some(100)
        );
        let months: i64 = table
            .months(p.id, None, amount)
            .iter()
            .map(|m| m.unwrap())
            .sum();
        assert_eq!(months, 1_000 * WAN);
    }
    let regions: Vec<(String, i64)> = tree
        .children(root)
        .iter()
        .map(|&r| {
            (
                tree.get(r).unwrap().name.clone(),
                table.get(r, None, Period::Year, amount).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        vec![
            ("华东大区".into(), 2_000 * WAN),
            ("华北大区".into(), 3_000 * WAN)
        ]
    );
    let line_ids: Vec<_> = snap.lines.iter().map(|l| l.id).collect();
    for m in Metric::ALL {
        assert_eq!(targets::gaps(&table, &tree, &line_ids, m), vec![], "{m:?}");
    }

    // Three years of history averaging exactly 100万 a contract.
    let years: Vec<(i32, i64, u64)> = snap
        .history
        .iter()
        .map(|h| (h.year, h.total.fen(), h.contracts))
        .collect();
    assert_eq!(
        years,
        vec![
            (2023, 3_200 * WAN, 32),
            (2024, 3_800 * WAN, 38),
            (2025, 4_400 * WAN, 44)
        ]
    );
    assert_eq!(snap.funnel.deal_size, Money::from_fen(100 * WAN));
    assert_eq!(snap.funnel.win_rate.format_percent(2), "10%");

    let industries: std::collections::BTreeSet<&str> =
        snap.customers.iter().map(|c| c.industry.as_str()).collect();
    assert_eq!(industries, ["制造", "医疗", "金融"].into_iter().collect());
    // The 2026 calendar: 21 working days in January, 16 in February.
    let fy = snap.plan.fiscal_year;
    assert_eq!(snap.calendar.working_days_in_month(&fy, 1), 21);
    assert_eq!(snap.calendar.working_days_in_month(&fy, 2), 16);
}

#[test]
fn the_demo_is_the_same_every_time() {
    let (_d1, a) = temp();
    let (_d2, b) = temp();
    let sa = demo::create_demo(&a).unwrap().snapshot().unwrap();
    let sb = demo::create_demo(&b).unwrap().snapshot().unwrap();
    // Creation times differ; everything else is identical.
    assert_eq!(sa.nodes, sb.nodes);
    assert_eq!(sa.targets, sb.targets);
    assert_eq!(sa.history, sb.history);
    assert_eq!(sa.customers, sb.customers);
}

#[test]
fn the_named_things_are_those_of_a_snapshot() {
    let (_dir, path) = temp();
    let store = demo::create_demo(&path).unwrap();
    let snap = store.snapshot().unwrap();
    let named = store.named().unwrap();
    assert!(!named.nodes.is_empty() && !named.customers.is_empty());
    assert_eq!(named.nodes, snap.nodes);
    assert_eq!(named.customers, snap.customers);
    assert_eq!(named.products, snap.products);
    assert_eq!(named.lines, snap.lines);
}

#[test]
fn opening_with_the_check_alongside_refuses_a_damaged_file_whatever_was_read() {
    let (_dir, path) = temp();
    drop(demo::create_demo(&path).unwrap());
    // A good file: what the work gave.
    let read = Store::open_checked_alongside(&path, |s| Ok(s.plan_info()?.name)).unwrap();
    assert!(!read.is_empty());
    // Wreck a page in the middle of the file: the work below reads nothing, only the check
    // can find it.
    let mut data = bytes(&path);
    let pages = data.len() / 4096;
    assert!(pages > 8, "{pages}");
    let page = pages / 2;
    for b in &mut data[page * 4096..(page + 1) * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &data).unwrap();
    let err = Store::open_checked_alongside(&path, |_| Ok(42))
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    // As `open` refuses it.
    assert!(matches!(
        Store::open(&path).err().unwrap(),
        StoreError::Corrupt { .. }
    ));
}
