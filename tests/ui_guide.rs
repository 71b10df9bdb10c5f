//! The newcomer's first hour: the welcome screen on the first run, and the getting-started
//! path that follows what the plan holds and what the user has done.

mod common;

use common::{app, demo, shows};
use egui_kittest::kittest::Queryable;
use salesplan::domain::model::{Metric, UnitKind};
use salesplan::domain::org::OrgTree;
use salesplan::domain::period::Period;
use salesplan::domain::targets::TargetTable;
use salesplan::store::{NewPlan, Store};
use salesplan::ui::guide::{self, Seen, Step};

fn progress(store: &Store, seen: Seen) -> [bool; 5] {
    let snap = store.snapshot().unwrap();
    let tree = OrgTree::new(&snap.nodes);
    let table = TargetTable::new(&snap.targets);
    guide::progress(&snap, &tree, &table, seen)
}

#[test]
fn the_steps_follow_the_plan_from_empty_to_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(
        &dir.path().join("new.salesplan"),
        &NewPlan {
            name: "2027".into(),
            organisation: String::new(),
            fiscal_year: 2027,
            fiscal_start_month: 1,
            company: "公司".into(),
            version_name: "草稿".into(),
            channels: ["直销".into(), "分销".into(), "电商".into()],
        },
    )
    .unwrap();
    let all_seen = Seen::default()
        .with(Step::Funnels)
        .with(Step::Monthly)
        .with(Step::Export);
    assert_eq!(progress(&store, Seen::default()), [false; 5]);
    // Looking at funnels before there are targets is not the step done; exporting is.
    assert_eq!(
        progress(&store, all_seen),
        [false, false, false, false, true]
    );

    let root = store.snapshot().unwrap().nodes[0].id;
    let year = |s: &mut Store, node, fen| {
        s.set_target(node, None, Period::Year, Metric::ContractAmount, Some(fen))
            .unwrap()
    };
    year(&mut store, root, 100_000_000);
    assert_eq!(
        progress(&store, Seen::default()),
        [true, false, false, false, false]
    );

    // Two people, one with a share: not allocated until both have one and they add up.
    let a = store.add_node(root, UnitKind::Person, "甲").unwrap();
    let b = store.add_node(root, UnitKind::Person, "乙").unwrap();
    year(&mut store, a, 60_000_000);
    assert_eq!(progress(&store, all_seen)[..2], [true, false]);
    year(&mut store, b, 30_000_000);
    assert_eq!(
        progress(&store, all_seen)[..2],
        [true, false],
        "short by 10 million"
    );
    year(&mut store, b, 40_000_000);
    assert_eq!(
        progress(&store, Seen::default()),
        [true, true, false, false, false]
    );
    assert_eq!(progress(&store, all_seen), [true; 5]);
}

/// Chooses an item of the Help menu.
fn help_menu(h: &mut egui_kittest::Harness<'_, salesplan::ui::SalesPlanApp>, item: &str) {
    h.get_by_label("帮助").click();
    h.run();
    h.get_by_label_contains(item).click();
    h.run();
}

/// Steps the app until it stops repainting (worker threads finish in their own time).
fn settle(h: &mut egui_kittest::Harness<'_, salesplan::ui::SalesPlanApp>) {
    for _ in 0..600 {
        if h.try_run().is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the app kept repainting");
}

#[test]
fn the_first_run_welcomes_and_the_guide_leads_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("first.salesplan");
    let mut h = app(path.clone());
    h.run();
    assert!(path.is_file(), "the demo plan was written");
    assert!(shows(&h, "欢迎使用销售作战计划"));
    assert!(!shows(&h, "已完成 2 / 5 步"), "the path waits for a choice");

    h.get_by_label("浏览示例计划").click();
    h.run();
    assert!(!shows(&h, "欢迎使用销售作战计划"));
    // The demo has its company target shared out to everyone already.
    assert!(shows(&h, "已完成 2 / 5 步"));
    assert!(shows(&h, "检查每个人的漏斗"));
    assert!(h.state().prefs.guide_open);

    // The third step's button shows the funnels, which is that step done.
    assert_eq!(
        h.get_all_by_label("前往").count(),
        4,
        "a button per step, and Export… for the last"
    );
    let row = h.get_by_label("检查每个人的漏斗").rect().top();
    let go = h
        .get_all_by_label("前往")
        .min_by(|a, b| {
            let da = (a.rect().top() - row).abs();
            let db = (b.rect().top() - row).abs();
            da.total_cmp(&db)
        })
        .unwrap();
    go.click();
    // The funnel view simulates on worker threads and repaints until they finish.
    settle(&mut h);
    assert!(shows(&h, "已完成 3 / 5 步"));
    assert!(shows(
        &h,
        "“月度计划”把每个人的线索、拜访、投标、签约和回款分配到 12 个月。"
    ));
    let canonical = path.canonicalize().unwrap();
    assert_eq!(
        h.state().prefs.guide_seen.get(&canonical),
        Some(&Seen::default().with(Step::Funnels).0),
        "kept per plan file, by its full path"
    );

    // Hidden, it stays hidden (the preference), and Help → Getting started brings it back.
    h.get_by_label("×").click();
    h.run();
    assert!(!shows(&h, "已完成 3 / 5 步"));
    assert!(!h.state().prefs.guide_open);
    help_menu(&mut h, "入门步骤");
    assert!(shows(&h, "已完成 3 / 5 步"));
}

#[test]
fn the_welcome_offers_a_new_empty_plan_and_is_not_shown_for_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app(dir.path().join("first.salesplan"));
    h.run();
    h.get_by_label("新建空白计划…").click();
    h.run();
    assert!(!shows(&h, "欢迎使用销售作战计划"));
    assert!(shows(&h, "新建计划"), "the new plan dialog is open");
    assert!(h.state().prefs.guide_open);

    // A plan that already exists opens without the welcome.
    let (_dir, existing) = demo();
    let mut h = app(existing);
    h.run();
    assert!(!shows(&h, "欢迎使用销售作战计划"));
    // Help → Welcome shows it again.
    help_menu(&mut h, "欢迎页…");
    assert!(shows(&h, "欢迎使用销售作战计划"));
}

/// Help → About names the version and the git commit the program was built from (build.rs).
#[test]
fn the_about_box_names_the_version_and_commit() {
    let commit = env!("SALESPLAN_GIT_COMMIT");
    // A checkout builds with its commit; only a source tree without git says "unknown".
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.git")).exists() {
        assert_ne!(commit, "unknown");
        assert!(commit.chars().all(|c| c.is_ascii_hexdigit()), "{commit}");
    }
    let (_dir, path) = demo();
    let mut h = app(path);
    h.run();
    help_menu(&mut h, "关于 SalesPlan");
    let line = format!("版本 {} ({commit})", env!("CARGO_PKG_VERSION"));
    assert!(shows(&h, &line), "{line}");
}
