//! Submissions between account managers and their leader, through the command line: each
//! person writes their bottom-up figure from their copy of the plan; the leader reads five at
//! once (a folder) into the round, and the bottom-up sums come out exactly; every conflict is
//! refused with nothing written; a submission never changes anyone else's numbers.

mod common;

use common::{arg, salesplan, text};
use std::path::{Path, PathBuf};

use salesplan::domain::model::{Metric, NodeId};
use salesplan::domain::money::Money;
use salesplan::domain::negotiation::{Party, RoundEvent, UnitStatus};
use salesplan::domain::period::Period;
use salesplan::store::Store;

const PEOPLE: [(&str, i64); 5] = [
    ("张伟", 950),
    ("李娜", 1_050),
    ("王强", 1_000),
    ("刘洋", 980),
    ("陈静", 1_020),
];

fn wan(n: i64) -> Money {
    Money::from_wan(n).unwrap()
}

fn id(store: &Store, name: &str) -> NodeId {
    store
        .snapshot()
        .unwrap()
        .nodes
        .iter()
        .find(|n| n.name == name)
        .unwrap()
        .id
}

/// The leader's plan in a round over `units`, each proposed 1,000万 per person below it.
fn leader(dir: &Path, units: &[&str]) -> PathBuf {
    let db = dir.join("leader.salesplan");
    salesplan::demo::create_demo(&db).unwrap();
    let mut store = Store::open(&db).unwrap();
    let ids: Vec<NodeId> = units.iter().map(|u| id(&store, u)).collect();
    store.start_round(&ids, "第 1 轮").unwrap();
    let tree = salesplan::domain::org::OrgTree::new(&store.snapshot().unwrap().nodes);
    for u in &ids {
        let people = tree.people_under(*u).len().max(1) as i64;
        store
            .round_event(
                *u,
                RoundEvent::Propose,
                Party::Leader,
                Some(wan(1_000 * people)),
                "",
            )
            .unwrap();
    }
    db
}

/// Each person's copy of the plan with their own yearly figure, and their submission.
fn submissions(dir: &Path, leader: &Path) -> PathBuf {
    let out = dir.join("submissions");
    std::fs::create_dir_all(&out).unwrap();
    for (name, figure) in PEOPLE {
        let copy = dir.join(format!("{name}.salesplan"));
        std::fs::copy(leader, &copy).unwrap();
        let mut store = Store::open(&copy).unwrap();
        let me = id(&store, name);
        // Their months cleared and their year set: what they believe they can sign.
        for m in 1..=12 {
            store
                .set_target(me, None, Period::Month(m), Metric::ContractAmount, None)
                .unwrap();
        }
        store
            .set_target(
                me,
                None,
                Period::Year,
                Metric::ContractAmount,
                Some(wan(figure).fen()),
            )
            .unwrap();
        drop(store);
        let file = out.join(format!("{name}.json"));
        let o = salesplan(&[
            "export",
            "--db",
            arg(&copy),
            "--format",
            "submission",
            "--person",
            name,
            "--comment",
            "按客户逐一测算",
            "--out",
            arg(&file),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    out
}

fn bottom_up(store: &Store, unit: &str) -> (Option<Money>, UnitStatus) {
    let u = id(store, unit);
    let snap = store.snapshot().unwrap();
    let row = snap
        .current_round()
        .unwrap()
        .rows
        .iter()
        .find(|r| r.unit == u)
        .unwrap()
        .clone();
    (row.bottom_up, row.status)
}

#[test]
fn five_submissions_give_each_person_their_figure_in_one_change() {
    let dir = tempfile::tempdir().unwrap();
    let units: Vec<&str> = PEOPLE.iter().map(|p| p.0).collect();
    let db = leader(dir.path(), &units);
    let folder = submissions(dir.path(), &db);
    let targets_before = Store::open(&db).unwrap().snapshot().unwrap().targets;
    // 李娜 opened hers in Notepad and saved it again: it now starts with a byte-order mark.
    let li = folder.join("李娜.json");
    let mut saved = b"\xEF\xBB\xBF".to_vec();
    saved.extend(std::fs::read(&li).unwrap());
    std::fs::write(&li, saved).unwrap();
    // A dry run shows what would happen and writes nothing.
    let o = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "plan",
        arg(&folder),
        "--dry-run",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("李娜 → 李娜: 1,050.00万元"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(bottom_up(&Store::open(&db).unwrap(), "李娜").0, None);
    let o = salesplan(&["import", "--db", arg(&db), "plan", arg(&folder)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut store = Store::open(&db).unwrap();
    let mut sum = Money::ZERO;
    for (name, figure) in PEOPLE {
        let (b, status) = bottom_up(&store, name);
        assert_eq!(b, Some(wan(figure)), "{name}");
        assert_eq!(status, UnitStatus::Countered);
        sum += b.unwrap();
    }
    assert_eq!(sum, wan(5_000));
    let snap = store.snapshot().unwrap();
    let li = snap
        .current_round()
        .unwrap()
        .rows
        .iter()
        .find(|r| r.unit == id(&store, "李娜"))
        .unwrap()
        .clone();
    assert_eq!(li.unit_comment, "李娜：按客户逐一测算");
    // Submissions carry figures for the round, never anyone's targets.
    assert_eq!(snap.targets, targets_before);
    // One change: one undo takes all five back.
    store.undo().unwrap();
    assert_eq!(bottom_up(&store, "王强"), (None, UnitStatus::Proposed));
}

#[test]
fn in_a_round_of_regions_the_submissions_add_up_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = leader(dir.path(), &["华东大区", "华北大区"]);
    let folder = submissions(dir.path(), &db);
    let files: Vec<PathBuf> = PEOPLE
        .iter()
        .map(|p| folder.join(format!("{}.json", p.0)))
        .collect();
    let mut args = vec!["import", "--db", arg(&db), "plan"];
    args.extend(files.iter().map(|f| arg(f)));
    let o = salesplan(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let store = Store::open(&db).unwrap();
    // 950 + 1,050 and 1,000 + 980 + 1,020.
    assert_eq!(bottom_up(&store, "华东大区").0, Some(wan(2_000)));
    assert_eq!(bottom_up(&store, "华北大区").0, Some(wan(3_000)));
}

#[test]
fn every_conflict_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // Only 华东大区 negotiates, and it has not been proposed to; 李娜 and 张伟 are in it.
    let db = dir.path().join("leader.salesplan");
    salesplan::demo::create_demo(&db).unwrap();
    let mut store = Store::open(&db).unwrap();
    let east = id(&store, "华东大区");
    store.start_round(&[east], "第 1 轮").unwrap();
    drop(store);
    let folder = submissions(dir.path(), &db);
    let read = |name: &str| std::fs::read_to_string(folder.join(format!("{name}.json"))).unwrap();
    let write = |name: &str, json: String| {
        let f = dir.path().join(name);
        std::fs::write(&f, json).unwrap();
        f
    };
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            folder.join("王强.json"),
            "neither \"王强\" nor a unit above them negotiates",
        ),
        (
            folder.join("李娜.json"),
            "no target has been proposed to \"华东大区\"",
        ),
        (
            write(
                "other.json",
                read("李娜").replace("2026 年度销售计划", "2027 年度销售计划"),
            ),
            "written for another plan",
        ),
        (
            write(
                "round.json",
                read("李娜").replace("\"number\": 1", "\"number\": 2"),
            ),
            "written in round 2, but the plan is in round 1",
        ),
        (
            write(
                "who.json",
                read("李娜").replace("\"name\": \"李娜\"", "\"name\": \"赵六\""),
            ),
            "\"赵六\" is not a person of this plan",
        ),
        (
            write(
                "extra.json",
                read("李娜").replace("\"comment\"", "\"macro\": \"x\", \"comment\""),
            ),
            "unknown field `macro`",
        ),
        (
            write(
                "v2.json",
                read("李娜").replace("\"format_version\": 1", "\"format_version\": 2"),
            ),
            "format version 2 is not read by this version",
        ),
        (
            write("garbage.json", "PK\u{3}\u{4}".to_owned()),
            "the file is not valid JSON at line 1, column 1",
        ),
        (
            write(
                "negative.json",
                read("张伟").replace("\"bottom_up_fen\": 950000000", "\"bottom_up_fen\": -1"),
            ),
            "below zero",
        ),
    ];
    let before = std::fs::read(&db).unwrap();
    for (file, expected) in &cases {
        let o = salesplan(&["import", "--db", arg(&db), "plan", arg(file)]);
        assert!(!o.status.success(), "{}", file.display());
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert!(all.contains(expected), "{}: {all}", file.display());
        assert!(all.contains("nothing was written"), "{all}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{}", file.display());
    }
    // Proposed, then agreed: a late figure is refused too; and two files of one person.
    let mut store = Store::open(&db).unwrap();
    store
        .round_event(
            east,
            RoundEvent::Propose,
            Party::Leader,
            Some(wan(2_000)),
            "",
        )
        .unwrap();
    drop(store);
    let li = folder.join("李娜.json");
    let o = salesplan(&["import", "--db", arg(&db), "plan", arg(&li), arg(&li)]);
    assert!(text(&o.stdout).contains("another file in this import is also from \"李娜\""));
    let mut store = Store::open(&db).unwrap();
    store
        .round_event(east, RoundEvent::Agree, Party::Unit, None, "")
        .unwrap();
    drop(store);
    let o = salesplan(&["import", "--db", arg(&db), "plan", arg(&li)]);
    assert!(text(&o.stdout).contains("\"华东大区\" has already agreed its target"));
    // Confirmed: the round is closed to figures.
    let mut store = Store::open(&db).unwrap();
    store.confirm_round("2026 年度目标（确认）").unwrap();
    drop(store);
    let o = salesplan(&["import", "--db", arg(&db), "plan", arg(&li)]);
    assert!(
        text(&o.stdout).contains("the plan is not in an open negotiation round"),
        "{}",
        text(&o.stdout)
    );
    // With --skip-invalid the valid files are read and the others listed.
    let o = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "plan",
        arg(&folder.join("王强.json")),
        "--skip-invalid",
    ]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("nothing written"));
}

#[test]
fn a_package_opens_as_the_persons_own_plan_and_their_submission_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let units: Vec<&str> = PEOPLE.iter().map(|p| p.0).collect();
    let db = leader(dir.path(), &units);
    // The leader sends 李娜 her package.
    let package = dir.path().join("李娜-package.json");
    let o = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "package",
        "--person",
        "李娜",
        "--out",
        arg(&package),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // She opens it as her own plan file: her targets exactly, and the round to answer.
    let mine = dir.path().join("李娜.salesplan");
    let o = salesplan(&["import", "--db", arg(&mine), "plan", arg(&package)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("(round 1, to answer for 李娜)"));
    let leader_snap = Store::open(&db).unwrap().snapshot().unwrap();
    let li = leader_snap
        .nodes
        .iter()
        .find(|n| n.name == "李娜")
        .unwrap()
        .id;
    let line_name = |s: &salesplan::domain::model::PlanSnapshot, l| {
        s.lines.iter().find(|x| x.id == l).unwrap().name.clone()
    };
    let mut theirs: Vec<_> = leader_snap
        .targets
        .iter()
        .filter(|c| c.node == li)
        .map(|c| {
            (
                c.line.map(|l| line_name(&leader_snap, l)),
                c.period.code(),
                c.metric,
                c.value,
            )
        })
        .collect();
    let mut store = Store::open(&mine).unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.people().count(), 1);
    assert_eq!(snap.plan.name, leader_snap.plan.name);
    let me = snap.people().next().unwrap().id;
    let mut ours: Vec<_> = snap
        .targets
        .iter()
        .map(|c| {
            (
                c.line.map(|l| line_name(&snap, l)),
                c.period.code(),
                c.metric,
                c.value,
            )
        })
        .collect();
    theirs.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    ours.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(ours, theirs);
    // She plans 1,080万 and sends her submission back.
    for m in 1..=12 {
        store
            .set_target(me, None, Period::Month(m), Metric::ContractAmount, None)
            .unwrap();
    }
    store
        .set_target(
            me,
            None,
            Period::Year,
            Metric::ContractAmount,
            Some(wan(1_080).fen()),
        )
        .unwrap();
    drop(store);
    let sub = dir.path().join("李娜.json");
    let o = salesplan(&[
        "export",
        "--db",
        arg(&mine),
        "--format",
        "submission",
        "--person",
        "李娜",
        "--out",
        arg(&sub),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = salesplan(&["import", "--db", arg(&db), "plan", arg(&sub)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let leader_store = Store::open(&db).unwrap();
    assert_eq!(
        bottom_up(&leader_store, "李娜"),
        (Some(wan(1_080)), UnitStatus::Countered)
    );
    // Nobody else's row moved.
    assert_eq!(
        bottom_up(&leader_store, "张伟"),
        (None, UnitStatus::Proposed)
    );
    // A package never overwrites a plan file.
    let o = salesplan(&["import", "--db", arg(&db), "plan", arg(&package)]);
    assert!(text(&o.stderr).contains("exists: a package opens as a new plan file"));
}
