//! The command-line interface, run as the real binary.

use std::path::Path;
use std::process::{Command, Output};

fn salesplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesplan"))
        .args(args)
        .output()
        .expect("run salesplan")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn demo_then_check_then_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");

    let out = salesplan(&["demo", "--db", arg(&db)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("5 people, 3 product lines, 18 customers"));

    let out = salesplan(&["check", "--db", arg(&db)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ok: "));

    let out = salesplan(&["report", "--db", arg(&db), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format"], "salesplan-report");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["plan"]["fiscal_year"], 2026);
    assert_eq!(
        json["targets"]["company_contract_amount_fen"],
        5_000_000_000i64
    );
    let shares: Vec<&str> = json["targets"]["by_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["share"]["percent"].as_str().unwrap())
        .collect();
    assert_eq!(shares, vec!["40%", "30%", "30%"]);
    let people: Vec<i64> = json["targets"]["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["kind"] == "person")
        .map(|u| u["year"]["contract_amount"].as_i64().unwrap())
        .collect();
    assert_eq!(people, vec![1_000_000_000; 5]);
    assert_eq!(json["targets"]["gaps"].as_array().unwrap().len(), 0);
    assert_eq!(json["organisation"][0]["name"], "云帆软件");
    assert_eq!(json["funnel_defaults"]["win_rate"]["fraction"], "1/10");
    assert_eq!(json["history"][2]["total_fen"], 4_400_000_000i64);

    let out = salesplan(&["report", "--db", arg(&db)]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("5,000.00万元"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn demo_does_not_overwrite_without_force_and_never_overwrites_a_non_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    let out = salesplan(&["demo", "--db", arg(&db)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        salesplan(&["demo", "--db", arg(&db), "--force"])
            .status
            .success()
    );

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "不要覆盖我").unwrap();
    let out = salesplan(&["demo", "--db", arg(&notes), "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "不要覆盖我");
}

#[test]
fn check_fails_clearly_on_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let out = salesplan(&["check", "--db", arg(&csv)]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("not a SalesPlan plan file"), "{err}");
    assert!(err.contains("export.csv"), "{err}");

    let out = salesplan(&["check", "--db", arg(&dir.path().join("nope.salesplan"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("File not found"));

    let out = salesplan(&["report", "--db", arg(&csv), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn commands_need_the_plan_file_and_explain_themselves() {
    let out = salesplan(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--db FILE"));

    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["check", "--help"],
        vec!["report", "--help"],
    ] {
        let out = salesplan(&args);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
    let out = salesplan(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}
