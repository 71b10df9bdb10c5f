//! Exports for colleagues through the command line: the workbook (every table, numbers as
//! numbers, frozen headers), the monthly plan read back from it and from CSV (round trip equal;
//! an edit applied as one change; bad files refused with nothing written), CSV that a
//! spreadsheet cannot run as formulas, and files written whole.

mod common;

use common::{arg, salesplan, text};
use std::io::Read;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::AtomicBool;

use salesplan::exchange::pipeline::SourceInput;
use salesplan::exchange::source::{CellKind, ReadOptions};
use salesplan::store::Store;

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    db
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn read_sheet(path: &Path, sheet: &str) -> salesplan::exchange::source::Table {
    let cancel = AtomicBool::new(false);
    SourceInput::File(path.to_owned())
        .read(
            &ReadOptions {
                sheet: Some(sheet.to_owned()),
                ..ReadOptions::default()
            },
            &|_| {},
            &cancel,
        )
        .unwrap()
}

#[test]
fn the_workbook_holds_every_table_with_numbers_as_numbers_and_frozen_headers() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let book = dir.path().join("plan.xlsx");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "xlsx",
        "--out",
        arg(&book),
        "--today",
        "2026-04-15",
    ]));
    let monthly = read_sheet(&book, "月度计划");
    assert_eq!(
        monthly.sheets,
        [
            "目标",
            "月度计划",
            "销售漏斗",
            "大客户",
            "费用",
            "回款",
            "计划与实际"
        ]
    );
    assert_eq!(
        &monthly.headers[..5],
        ["人员", "指标", "指标代码", "单位", "2026-01"]
    );
    // 张伟's January: 60.664377万 as a number, exact to the fen.
    let zhang = &monthly.rows[0];
    assert_eq!(zhang.cells[0].text, "张伟");
    assert_eq!(zhang.cells[4].kind, CellKind::Number);
    assert_eq!(zhang.cells[4].text, "60.664377");
    assert_eq!(zhang.cells[16].text, "1000");
    // The targets sheet: the company's 5,000万.
    let targets = read_sheet(&book, "目标");
    assert_eq!(targets.rows[0].cells[0].text, "云帆软件");
    assert_eq!(targets.rows[0].cells[3].text, "5000");
    // Every sheet's header row is frozen.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&book).unwrap()).unwrap();
    for i in 1..=7 {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{i}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains(r#"ySplit="1""#), "sheet {i}");
    }
    // In yuan, with English titles.
    let en = dir.path().join("plan-en.xlsx");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "xlsx",
        "--out",
        arg(&en),
        "--unit",
        "yuan",
        "--lang",
        "en",
    ]));
    let m = read_sheet(&en, "Monthly plan");
    assert_eq!(m.rows[0].cells[3].text, "yuan");
    assert_eq!(m.rows[0].cells[4].text, "606643.77");
}

#[test]
fn the_monthly_plan_round_trips_and_an_edit_is_one_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = Store::open(&db).unwrap().snapshot().unwrap().targets;
    // Through the workbook: nothing changes.
    let book = dir.path().join("plan.xlsx");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "xlsx",
        "--out",
        arg(&book),
    ]));
    ok(salesplan(&[
        "import",
        "--db",
        arg(&db),
        "monthly",
        arg(&book),
    ]));
    let store = Store::open(&db).unwrap();
    assert_eq!(store.snapshot().unwrap().targets, before);
    // Nothing changed, so nothing was recorded to undo.
    assert!(store.undo_label().unwrap().is_none());
    drop(store);
    // Through CSV in yuan, with 李娜's March raised to 100万 (1,000,000.00元).
    let csv = dir.path().join("monthly.csv");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "csv",
        "--table",
        "monthly",
        "--unit",
        "yuan",
        "--out",
        arg(&csv),
    ]));
    let content = std::fs::read_to_string(&csv).unwrap();
    assert!(content.starts_with('\u{feff}'));
    let edited: String = content
        .lines()
        .map(|l| {
            if l.starts_with("李娜,签约额") {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[6] = "1000000.00";
                cells.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&csv, edited).unwrap();
    ok(salesplan(&[
        "import",
        "--db",
        arg(&db),
        "monthly",
        arg(&csv),
    ]));
    let mut store = Store::open(&db).unwrap();
    let snap = store.snapshot().unwrap();
    let li = snap.nodes.iter().find(|n| n.name == "李娜").unwrap().id;
    let table = salesplan::domain::targets::TargetTable::new(&snap.targets);
    use salesplan::domain::model::Metric;
    use salesplan::domain::period::Period;
    assert_eq!(
        table.get(li, None, Period::Month(3), Metric::ContractAmount),
        Some(100_000_000)
    );
    // The year follows the months: 1,000万 − 92.204443万 + 100万.
    assert_eq!(
        table.get(li, None, Period::Year, Metric::ContractAmount),
        Some(1_000_000_000 - 92_204_443 + 100_000_000)
    );
    // One change, undone at once.
    store.undo().unwrap();
    assert_eq!(store.snapshot().unwrap().targets, before);
}

#[test]
fn a_bad_monthly_file_says_where_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let csv = dir.path().join("monthly.csv");
    std::fs::write(
        &csv,
        "人员,指标,指标代码,单位,1,2,3,4,5,6,7,8,9,10,11,12,全年\n\
         赵六,签约额,contract_amount,万元,1,1,1,1,1,1,1,1,1,1,1,1,12\n\
         李娜,签约额,contract_amount,万元,1,abc,1,1,1,1,1,1,1,1,1,1,12\n\
         李娜,线索量,leads,,1,2,3.5,1,1,1,1,1,1,1,1,1,12\n",
    )
    .unwrap();
    let plan_before = std::fs::read(&db).unwrap();
    let out = salesplan(&["import", "--db", arg(&db), "monthly", arg(&csv)]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains(r#"Row 2, column "人员": "赵六" is not a person in this plan"#),
        "{err}"
    );
    assert!(
        err.contains(r#"Row 3, column "2": "abc" is not an amount"#),
        "{err}"
    );
    assert!(
        err.contains(r#"Row 4, column "3": "3.5" is not a whole number"#),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), plan_before);
}

#[test]
fn csv_text_cannot_run_as_a_formula_and_figures_stay_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // A customer whose name a spreadsheet would run.
    {
        let mut store = Store::open(&db).unwrap();
        let snap = store.snapshot().unwrap();
        let zhang = snap.nodes.iter().find(|n| n.name == "张伟").unwrap().id;
        let product = snap.products[0].id;
        store
            .apply_account_change(&salesplan::store::accounts::AccountChange::AddCustomer(
                salesplan::store::CustomerFields {
                    name: "=HYPERLINK(\"http://x\")".into(),
                    industry: String::new(),
                    region: String::new(),
                    credit_rating: String::new(),
                    owner: Some(zhang),
                },
            ))
            .unwrap();
        let customer = store
            .snapshot()
            .unwrap()
            .customers
            .iter()
            .find(|c| c.name.starts_with('='))
            .unwrap()
            .id;
        store
            .apply_account_change(&salesplan::store::accounts::AccountChange::SetCell {
                customer,
                product,
                stage: 2,
                fields: salesplan::domain::battle::CellFields {
                    strategy: "-先做演示".into(),
                    potential: salesplan::domain::money::Money::from_fen(50_000_000),
                    ..Default::default()
                },
                date: salesplan::domain::period::parse_date("2026-02-01").unwrap(),
            })
            .unwrap();
    }
    let csv = dir.path().join("accounts.csv");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "csv",
        "--table",
        "accounts",
        "--out",
        arg(&csv),
    ]));
    let content = std::fs::read_to_string(&csv).unwrap();
    let line = content.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(line.starts_with(r#""'=HYPERLINK(""http://x"")""#), "{line}");
    assert!(line.contains(",'-先做演示"), "{line}");
    // The potential stays a number: 50万.
    assert!(line.contains(",50.000000,"), "{line}");
}

#[test]
fn an_export_replaces_the_file_whole_and_explains_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = dir.path().join("report.json");
    std::fs::write(&out, "old").unwrap();
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "json",
        "--out",
        arg(&out),
    ]));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "salesplan-report");
    // Only the file itself is left: no temporary beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let bad = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "pdf",
        "--out",
        arg(&out),
    ]);
    assert!(
        text(&bad.stderr)
            .contains("--format \"pdf\": use xlsx, csv, html, json, package or submission")
    );
    let bad = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "csv",
        "--table",
        "nope",
        "--out",
        arg(&out),
    ]);
    assert!(text(&bad.stderr).contains("--table \"nope\": use one of targets, monthly"));
    let missing = dir.path().join("no/such/dir/x.csv");
    let bad = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "csv",
        "--out",
        arg(&missing),
    ]);
    assert!(text(&bad.stderr).contains("could not write the file"));
}

#[test]
fn the_html_report_is_self_contained_escaped_and_can_be_one_persons() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    {
        let mut store = Store::open(&db).unwrap();
        let snap = store.snapshot().unwrap();
        let zhang = snap.nodes.iter().find(|n| n.name == "张伟").unwrap().id;
        store
            .apply_account_change(&salesplan::store::accounts::AccountChange::AddCustomer(
                salesplan::store::CustomerFields {
                    name: "<script>alert(1)</script>".into(),
                    industry: String::new(),
                    region: String::new(),
                    credit_rating: String::new(),
                    owner: Some(zhang),
                },
            ))
            .unwrap();
        let customer = store
            .snapshot()
            .unwrap()
            .customers
            .iter()
            .find(|c| c.name.starts_with('<'))
            .unwrap()
            .id;
        store
            .apply_account_change(&salesplan::store::accounts::AccountChange::SetCell {
                customer,
                product: snap.products[0].id,
                stage: 2,
                fields: salesplan::domain::battle::CellFields::default(),
                date: salesplan::domain::period::parse_date("2026-02-01").unwrap(),
            })
            .unwrap();
    }
    let whole = dir.path().join("plan.html");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "html",
        "--out",
        arg(&whole),
        "--today",
        "2026-04-15",
    ]));
    let html = std::fs::read_to_string(&whole).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>2026 年度销售计划</title>"));
    assert!(html.contains("@media print"));
    // Charts are inline SVG; nothing is fetched or run.
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Every person's attainment, and the company target.
    assert!(html.contains(">5,000.00万元<"));
    for name in ["张伟", "李娜", "王强", "刘洋", "陈静"] {
        assert!(html.contains(&format!("<title>{name}: ")), "{name}");
    }
    // One person's battle plan: their rows only.
    let mine = dir.path().join("zhang.html");
    ok(salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "html",
        "--person",
        "张伟",
        "--out",
        arg(&mine),
        "--today",
        "2026-04-15",
    ]));
    let html = std::fs::read_to_string(&mine).unwrap();
    assert!(html.contains("<h1>张伟的作战计划——2026 年度销售计划</h1>"));
    assert!(html.contains("精工汽车零部件"));
    assert!(!html.contains("李娜") && !html.contains("汇通证券"));
    let bad = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "html",
        "--person",
        "赵六",
        "--out",
        arg(&mine),
    ]);
    assert!(text(&bad.stderr).contains("--person \"赵六\": the plan has no such person"));
}
