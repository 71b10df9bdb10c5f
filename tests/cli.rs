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

    // Each person's funnel is built for the stretch target: 1,000万 × 1.1 = 1,100万 → 11 deals
    // at 100万, 110 leads at 10%, (110 + 11) × 2 visits.
    let f = &json["funnels"];
    assert_eq!(f["basis"], "stretch");
    assert_eq!(f["month_weights"], "history");
    let li = &f["people"][1];
    assert_eq!(li["name"], "李娜");
    assert_eq!(li["stretch_fen"], 1_100_000_000i64);
    assert_eq!(li["funnel"]["deals"], 11);
    assert_eq!(li["funnel"]["leads"], 110);
    assert_eq!(li["funnel"]["visits"], 242);
    // 张伟's battle plan has four open cells closing in the year, valued at the stage
    // probabilities: 500万 × 70% + 400万 × 20% + 400万 × 10% + 1,000万 × 30% = 770万, so
    // 1,100万 − 770万 = 330万 remain → 4 deals, 40 leads.
    let zhang = &f["people"][0];
    assert_eq!(zhang["name"], "张伟");
    assert_eq!(zhang["funnel"]["pipeline_expected_fen"], 770_000_000i64);
    assert_eq!(zhang["funnel"]["remaining_fen"], 330_000_000i64);
    assert_eq!(zhang["funnel"]["deals"], 4);
    assert_eq!(zhang["funnel"]["leads"], 40);
    assert_eq!(f["total"]["deals"], 48);
    assert_eq!(f["total"]["leads"], 480);
    // Month by month the deals add up to the year; leads run three months ahead, so the
    // leads inside the year plus the shortfall before it make the 110.
    let ph = &li["phasing"];
    let months = ph["months"].as_array().unwrap();
    let sum = |key: &str| months.iter().map(|m| m[key].as_i64().unwrap()).sum::<i64>();
    assert_eq!(sum("deals"), 11);
    assert_eq!(sum("contract_target_fen"), 1_100_000_000);
    assert_eq!(sum("leads") + ph["lead_shortfall"].as_i64().unwrap(), 110);
    assert_eq!(ph["offsets"][0]["months"], 3);
    // Each month's leads and visits are split into weeks by working days and add up.
    for m in months {
        for key in ["leads", "visits"] {
            let weekly: i64 = m["weeks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w[key].as_i64().unwrap())
                .sum();
            assert_eq!(weekly, m[key].as_i64().unwrap());
        }
    }
    // The simulation: exact mean 1,100万; the chance of the committed 1,000万 and the leads for
    // 80% are near their binomial values (seeded, so the same every time).
    let c = &li["confidence"];
    assert_eq!(c["runs"], 10_000);
    assert_eq!(c["analytic_mean_fen"], 1_100_000_000i64);
    let leads_80 = c["leads_for_80"].as_i64().unwrap();
    assert!((118..=130).contains(&leads_80), "{leads_80}");
    // The monthly plan: the month grid's contract months add up to the person's 1,000万, the
    // article's January actions cover January, the other eleven months are uncovered.
    let amounts = zhang["monthly_targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "contract_amount")
        .unwrap();
    let sum: i64 = amounts["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(sum, 1_000_000_000);
    let kinds: Vec<&str> = zhang["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["negotiate", "sign", "demo", "survey"]);
    assert_eq!(zhang["actions"][1]["expected_fen"], 500_000_000i64);
    assert_eq!(zhang["support"][0]["kind"], "showroom");
    assert_eq!(
        zhang["uncovered_months"],
        serde_json::json!([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    );

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
    // A word that is neither a command nor a file is not opened as a new plan.
    let out = salesplan(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("there is no plan file at no-such-command"),
        "{}",
        text(&out.stderr)
    );
}

/// The file manager opens a plan file as `salesplan FILE` (the desktop entry's `%f`): the
/// first argument names the plan as --db does, for the app and for commands.
#[test]
fn the_plan_file_can_be_the_first_argument() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("opened.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());

    let out = salesplan(&[arg(&db), "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("is a sound plan file"));

    use clap::Parser;
    let cli = salesplan::cli::Cli::try_parse_from(["salesplan", arg(&db)]).unwrap();
    assert_eq!(cli.plan(), Some(&db));
    assert!(cli.command.is_none());
    assert_eq!(cli.start_error(), None);

    // Both at once is a mistake, not a choice between them.
    let out = salesplan(&[arg(&db), "--db", arg(&db), "check"]);
    assert_eq!(out.status.code(), Some(2));
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn new_plan(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("crm.salesplan");
    salesplan::store::Store::create(
        &db,
        &salesplan::store::NewPlan {
            name: "CRM".into(),
            organisation: String::new(),
            fiscal_year: 2017,
            fiscal_start_month: 1,
            company: "Company".into(),
            version_name: "Draft".into(),
            channels: ["Direct".into(), "Distribution".into(), "E-commerce".into()],
        },
    )
    .unwrap();
    db
}

#[test]
fn imports_the_crm_data_set_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_plan(dir.path());
    let steps = [
        (
            "people",
            "crm/sales_teams.csv",
            "imported: 35 new, 0 updated, 0 unchanged, 0 rows skipped; created 3 region, 6 team",
        ),
        (
            "products",
            "crm/products.csv",
            "imported: 7 new, 0 updated, 0 unchanged, 0 rows skipped; created 3 product_line",
        ),
        (
            "customers",
            "crm/accounts.csv",
            "imported: 85 new, 0 updated, 0 unchanged, 0 rows skipped",
        ),
        (
            "opportunities",
            "crm/sales_pipeline.csv",
            "imported: 8800 new, 0 updated, 0 unchanged, 0 rows skipped",
        ),
    ];
    for (kind, file, summary) in steps {
        let out = salesplan(&["import", "--db", arg(&db), kind, &fixture(file)]);
        assert!(out.status.success(), "{kind}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.lines().any(|l| l == summary), "{kind}: {stdout}");
    }
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "opportunities",
        &fixture("crm/sales_pipeline.csv"),
    ]);
    assert!(text(&out.stdout).contains("imported: 0 new, 0 updated, 8800 unchanged"));

    let out = salesplan(&["report", "--db", arg(&db), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let company = &json["statistics"]["pipeline"]["company"];
    assert_eq!(company["win_rate"]["fraction"], "4238/6711");
    assert_eq!(company["won"], 4238);
    assert_eq!(company["lost"], 2473);
    let anna = json["statistics"]["pipeline"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Anna Snelling")
        .unwrap();
    assert_eq!(
        (
            anna["won"].as_u64(),
            anna["lost"].as_u64(),
            anna["open"].as_u64()
        ),
        (Some(208), Some(128), Some(112))
    );
}

#[test]
fn a_dry_run_reports_problems_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_plan(dir.path());
    let csv = dir.path().join("history.csv");
    std::fs::write(
        &csv,
        "日期,金额\n2024-01-05,\"1,000.50\"\n2024-02-30,100\n2024-03-01,-5\n",
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "history",
        arg(&csv),
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("read 3 rows: 1 valid, 2 with problems"),
        "{stdout}"
    );
    // The problems themselves go to standard error.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Row 3, column \"日期\", value \"2024-02-30\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("Row 4, column \"金额\", value \"-5\""),
        "{stderr}"
    );
    assert!(stderr.contains("error: 2 problems in the file"), "{stderr}");
    assert!(stdout.contains("dry run: nothing written"));
    // Without --dry-run and without --skip-invalid: refused, nothing written.
    let out = salesplan(&["import", "--db", arg(&db), "history", arg(&csv)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("nothing imported"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // With --skip-invalid the valid row goes in.
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "history",
        arg(&csv),
        "--skip-invalid",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported: 1 new, 0 updated, 0 unchanged, 2 rows skipped"));
}

#[test]
fn columns_can_be_mapped_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_plan(dir.path());
    let csv = dir.path().join("odd.csv");
    std::fs::write(&csv, "when;how much;who\n2024-01-05;100;张伟\n").unwrap();
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "history",
        arg(&csv),
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("The file has no Date column"),
        "{}",
        text(&out.stderr)
    );
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "history",
        arg(&csv),
        "--map",
        "when=date",
        "--map",
        "how much=amount",
        "--map",
        "who=person",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("columns: when → date, how much → amount, who → person"));
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "history",
        arg(&csv),
        "--map",
        "nope=date",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("its columns are: when, how much, who"));
    let out = salesplan(&["import", "--db", arg(&db), "nonsense", arg(&csv)]);
    assert!(
        text(&out.stderr)
            .contains("use one of people, products, customers, opportunities, history, actuals")
    );
    assert!(salesplan(&["import", "--help"]).status.success());
}

#[test]
fn the_report_explains_the_derivation_and_records_rounds_and_confirmation() {
    use salesplan::domain::money::Money;
    use salesplan::domain::negotiation::{Party, RoundEvent};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    let mut store = salesplan::demo::create_demo(&db).unwrap();
    let units: Vec<_> = store.snapshot().unwrap().people().map(|p| p.id).collect();
    store.start_round(&units, "第 1 轮").unwrap();
    for &u in &units {
        let ask = Money::from_wan(1_000).unwrap();
        store
            .round_event(u, RoundEvent::Propose, Party::Leader, Some(ask), "")
            .unwrap();
        let offer = Money::from_wan(900).unwrap();
        store
            .round_event(u, RoundEvent::Counter, Party::Unit, Some(offer), "市场下滑")
            .unwrap();
        store
            .round_event(u, RoundEvent::Agree, Party::Leader, None, "")
            .unwrap();
    }
    store.confirm_round("2026 年度目标（确认）").unwrap();
    drop(store);

    let out = salesplan(&["report", "--db", arg(&db), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    // The demo's derivation for the company total, step by step (the article's numbers).
    let d = &json["targets"]["derivations"][0];
    assert_eq!(d["line_id"], serde_json::Value::Null);
    assert_eq!(json["product_lines"][0]["life_cycle"], "growth");
    assert_eq!(
        d["inputs"]["strategy"]["market_size_fen"],
        50_000_000_000i64
    );
    assert_eq!(d["inputs"]["alpha"]["percent"], "50%");
    let r = &d["result"];
    assert_eq!(r["strategy"]["target_fen"], 6_900_000_000i64);
    assert_eq!(r["history"]["cagr"]["percent"], "17.2604%");
    assert_eq!(r["history"]["target_fen"], 5_159_457_600i64);
    assert_eq!(r["cycle_factor"]["fraction"], "103/100");
    assert_eq!(r["competitors"]["adjustment"]["percent"], "-5%");
    assert_eq!(r["proposal_fen"], 5_900_089_631i64);
    assert_eq!(r["committed_fen"], 5_000_000_000i64);
    assert_eq!(r["stretch_fen"], 5_500_000_000i64);
    let steps: Vec<&str> = r["bridge"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            "strategy",
            "history",
            "blended",
            "after_cycle",
            "after_competitors",
            "override",
            "committed",
            "stretch"
        ]
    );

    // The round: every unit asked 1,000万 and countered 900万; the leader agreed to 900万.
    let round = &json["rounds"][0];
    assert_eq!(round["number"], 1);
    assert_eq!(round["state"], "superseded");
    let units = round["units"].as_array().unwrap();
    assert_eq!(units.len(), 5);
    for u in units {
        assert_eq!(u["status"], "agreed");
        assert_eq!(u["top_down_fen"], 900_000_000i64);
        assert_eq!(u["bottom_up_fen"], 900_000_000i64);
        assert_eq!(u["gap_fen"], 0);
        assert_eq!(u["unit_comment"], "市场下滑");
    }

    // The confirmed version is current, locked and hashed.
    let versions = json["versions"].as_array().unwrap();
    let confirmed = versions.last().unwrap();
    assert_eq!(confirmed["kind"], "confirmed");
    assert_eq!(confirmed["state"], "confirmed");
    assert_eq!(confirmed["locked"], true);
    assert_eq!(confirmed["id"], json["plan"]["current_version_id"]);
    assert_eq!(confirmed["content_hash"].as_str().unwrap().len(), 64);
    assert!(confirmed["confirmed_at"].is_string());
    assert_eq!(
        json["targets"]["company_contract_amount_fen"],
        4_500_000_000i64
    );
    // The derivation was carried into the confirmed version.
    assert_eq!(
        json["targets"]["version_id"],
        json["plan"]["current_version_id"]
    );
    assert_eq!(json["targets"]["derivations"].as_array().unwrap().len(), 1);
}

#[test]
fn the_funnel_calculator_reproduces_the_article() {
    let out = salesplan(&[
        "funnel",
        "--target",
        "5000万",
        "--people",
        "5",
        "--deal-size",
        "100万",
        "--win-rate",
        "10%",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("per person (5 people): 1,000.00万元 → 10 deals, 100 leads"),
        "{stdout}"
    );
    assert!(
        stdout.contains("total (5 people): 5,000.00万元 → 50 deals, 500 leads"),
        "{stdout}"
    );

    // 57 deals at 57% need exactly 100 leads (no float ceiling).
    let out = salesplan(&[
        "funnel",
        "--target",
        "5700",
        "--deal-size",
        "100",
        "--win-rate",
        "57%",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"]["deals"], 57);
    assert_eq!(json["total"]["leads"], 100);
}

#[test]
fn the_funnel_calculator_takes_stage_rates_and_sums_people() {
    let out = salesplan(&[
        "funnel",
        "--target",
        "5000万",
        "--people",
        "3",
        "--deal-size",
        "100万",
        "--stage-rates",
        "50%,60%,70%,60%,80%",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 16,666,666.67元 / 100万 → 17 deals each; stage 5 needs ceil(17 / 80%) = 22, stage 4
    // ceil(17 / 48%) = 36, stage 3 ceil(17 / 33.6%) = 51, stage 2 ceil(17 / 20.16%) = 85,
    // stage 1 ceil(17 / 10.08%) = 169.
    assert_eq!(json["win_rate"], "10.08%");
    let per: Vec<i64> = json["groups"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .collect();
    assert_eq!(per, vec![169, 85, 51, 36, 22, 17]);
    // Totals are sums of whole per-person numbers: 3 × 17 = 51 deals, not ceil(50) = 50.
    assert_eq!(json["total"]["deals"], 51);
    assert_eq!(json["total"]["leads"], 507);
    let targets: Vec<i64> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["target_fen"].as_i64().unwrap() * g["people"].as_i64().unwrap())
        .collect();
    assert_eq!(targets.iter().sum::<i64>(), 5_000_000_000);
}

#[test]
fn the_funnel_calculator_explains_bad_input() {
    for (args, expected) in [
        (
            vec![
                "--target",
                "5000万",
                "--deal-size",
                "0",
                "--win-rate",
                "10%",
            ],
            "--deal-size \"0\" must be above 0",
        ),
        (
            vec![
                "--target",
                "5000万",
                "--deal-size",
                "100万",
                "--win-rate",
                "0%",
            ],
            "--win-rate \"0%\" must be above 0%",
        ),
        (
            vec!["--target", "5000万", "--deal-size", "100万"],
            "give --win-rate",
        ),
        (
            vec![
                "--target",
                "five",
                "--deal-size",
                "100万",
                "--win-rate",
                "10%",
            ],
            "--target \"five\"",
        ),
        (
            vec![
                "--target",
                "5000万",
                "--deal-size",
                "100万",
                "--stage-rates",
                "50%,x",
            ],
            "--stage-rates (rate 2) \"x\"",
        ),
    ] {
        let mut all = vec!["funnel"];
        all.extend(args);
        let out = salesplan(&all);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains(expected),
            "{}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn signed_contracts_reduce_what_the_funnel_asks_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    let csv = dir.path().join("actuals.csv");
    std::fs::write(
        &csv,
        "日期,类型,销售员,金额\n2026-02-10,签约,李娜,300万\n2025-12-20,签约,李娜,50万\n",
    )
    .unwrap();
    let out = salesplan(&["import", "--db", arg(&db), "actuals", arg(&csv)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = salesplan(&["report", "--db", arg(&db), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let zhang = &json["funnels"]["people"][1];
    assert_eq!(zhang["name"], "李娜");
    // 1,100万 stretch − 300万 signed in the plan year (last December's does not count)
    // = 800万 → 8 deals, 80 leads.
    assert_eq!(zhang["funnel"]["remaining_fen"], 800_000_000i64);
    assert_eq!(zhang["funnel"]["deals"], 8);
    assert_eq!(zhang["funnel"]["leads"], 80);
    // February is covered by the signed contract.
    assert_eq!(zhang["phasing"]["months"][1]["covered_fen"], 300_000_000i64);
    assert_eq!(zhang["phasing"]["deals"], 8);
}

#[test]
fn the_report_gives_expense_alerts_and_receivables_for_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    let json = |day: &str| -> serde_json::Value {
        let out = salesplan(&["report", "--db", arg(&db), "--json", "--today", day]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // 31 March: 张伟's trade shows spent 13万 against 10万 — 30% over, an alert.
    let j = json("2026-03-31");
    let e = &j["expenses"];
    assert_eq!(e["month"], 3);
    assert_eq!(e["threshold"]["percent"], "20%");
    let zhang = &e["people"][0];
    assert_eq!(zhang["name"], "张伟");
    let shows = &zhang["items"][0];
    assert_eq!(shows["month"]["budget_fen"], 10_000_000);
    assert_eq!(shows["month"]["actual_fen"], 13_000_000);
    assert_eq!(shows["month"]["variance"]["fraction"], "3/10");
    assert_eq!(shows["month"]["status"], "alert");
    assert_eq!(shows["alert"], true);
    assert_eq!(zhang["year_budget_fen"], 105_000_000);
    // 1 June: 仁和医院's last 30万 (due 27 December 2025) is 156 days overdue, 汇通证券's
    // second 60万 (due 16 May) 16 days: the demand-letter tier.
    let j = json("2026-06-01");
    let r = &j["receivables"];
    assert_eq!(r["day"], "2026-06-01");
    let actions: Vec<(String, i64, i64)> = r["todays_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["tier"].as_str().unwrap().to_owned(),
                a["days_past_due"].as_i64().unwrap(),
                a["outstanding_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("overdue_31".to_owned(), 156, 30_000_000),
            ("overdue_16".to_owned(), 16, 60_000_000)
        ]
    );
    assert_eq!(r["outstanding_fen"], 90_000_000);
    assert_eq!(r["overdue_fen"], 90_000_000);
    // Due by 1 June: 80万 + 300万 + 120万 = 500万, of which 410万 paid.
    assert_eq!(r["collection_rate"]["fraction"], "41/50");
    assert_eq!(r["aging"][4]["bucket"], "61_90");
    // The plan year's collection plan: 60万 in February, 60万 in May.
    assert_eq!(r["collection_plan"][1]["due_fen"], 60_000_000);
    assert_eq!(r["collection_plan"][4]["due_fen"], 60_000_000);
    assert_eq!(r["collection_plan"][4]["paid_fen"], 0);
    // A bad day is refused with a clear message.
    let out = salesplan(&["report", "--db", arg(&db), "--json", "--today", "June"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--today \"June\" is not a date"));
}

#[test]
fn expenses_payment_schedules_and_receipts_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let import = |kind: &str, p: &Path| salesplan(&["import", "--db", arg(&db), kind, arg(p)]);
    let report = || -> serde_json::Value {
        let out = salesplan(&[
            "report",
            "--db",
            arg(&db),
            "--json",
            "--today",
            "2026-06-01",
        ]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // Expenses: items by their name in either language or as "category · item".
    let expenses = write(
        "expenses.csv",
        "日期,销售员,费用科目,金额,备注\n\
         2026-06-01,张伟,展会,3万,秋季展会定金\n\
         2026-06-01,张伟,Travel,0.5万,\n\
         2026-06-01,张伟,客户关系 · 礼品,2000,\n",
    );
    let out = import("expenses", &expenses);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let j = report();
    let items = &j["expenses"]["people"][0]["items"];
    assert_eq!(items[0]["month"]["actual_fen"], 3_000_000);
    assert_eq!(items[3]["month"]["actual_fen"], 200_000);
    assert_eq!(items[4]["month"]["actual_fen"], 500_000);
    // The same file again changes nothing.
    assert!(import("expenses", &expenses).status.success());
    assert_eq!(report()["expenses"], j["expenses"]);
    // Payment schedules: rows of a contract make its schedule and amount.
    let schedules = write(
        "schedules.csv",
        "合同编号,客户,销售员,签约日期,款项,应付日期,金额\n\
         HT-2026-020,安泰保险,王强,2026-04-01,签约款,2026-04-01,90万\n\
         HT-2026-020,安泰保险,王强,2026-04-01,交付款,2026-06-30,180万\n\
         HT-2026-020,安泰保险,王强,2026-04-01,验收款,2026-09-28,30万\n",
    );
    let out = import("payment-schedules", &schedules);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(import("payment-schedules", &schedules).status.success());
    let receipts = write(
        "receipts.csv",
        "合同编号,到账日期,金额,备注\nHT-2026-020,2026-04-03,90万,银行回单\n",
    );
    let out = import("receipts", &receipts);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let j = report();
    let c = j["receivables"]["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "HT-2026-020")
        .unwrap()
        .clone();
    assert_eq!(c["amount_fen"], 300_000_000);
    assert_eq!(c["signed"], "2026-04-01");
    let inst = c["installments"].as_array().unwrap();
    assert_eq!(inst.len(), 3);
    assert_eq!(inst[0]["paid_fen"], 90_000_000);
    assert_eq!(inst[1]["outstanding_fen"], 180_000_000);
    // A receipt for an unknown contract is refused with its row and nothing is written.
    let bad = write(
        "bad.csv",
        "合同编号,到账日期,金额\nHT-2026-020,2026-05-01,10万\nHT-9999,2026-05-01,10万\n",
    );
    let out = import("receipts", &bad);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr)
            .contains("The plan has no contract \"HT-9999\". Import its payment schedule first"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(report()["receivables"], j["receivables"]);
}

#[test]
fn a_changed_schedule_or_an_expense_outside_the_year_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    // HT-2026-004 is in the demo with 60万 + 60万; a different installment is refused.
    let schedules = write(
        "s.csv",
        "合同编号,应付日期,金额\nHT-2026-004,2026-08-01,50万\n",
    );
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "payment-schedules",
        arg(&schedules),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("Contract \"HT-2026-004\" is already in the plan"),
        "{}",
        text(&out.stderr)
    );
    let expenses = write(
        "e.csv",
        "日期,销售员,费用科目,金额\n2025-12-30,张伟,展会,1万\n",
    );
    let out = salesplan(&["import", "--db", arg(&db), "expenses", arg(&expenses)]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("The expense dated 2025-12-30 is outside the plan year"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_report_gives_variance_attribution_forecast_and_open_review_actions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.salesplan");
    assert!(salesplan(&["demo", "--db", arg(&db)]).status.success());
    let out = salesplan(&[
        "import",
        "--db",
        arg(&db),
        "actuals",
        &fixture("actuals_2026q1.csv"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = salesplan(&[
        "report",
        "--db",
        arg(&db),
        "--json",
        "--today",
        "2026-04-15",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &r["execution"];
    assert_eq!(e["months_closed"], 3);
    assert_eq!(e["bands"]["watch"]["percent"], "95%");
    let contracts = e["variance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "contract_amount")
        .unwrap();
    assert_eq!(contracts["source"], "actuals");
    // 700万 signed in the first quarter; 780万 in the year with 张伟's April contract.
    assert_eq!(contracts["to_date"]["actual"], 700_000_000);
    assert_eq!(contracts["year"]["actual"], 780_000_000);
    assert_eq!(contracts["months"][2]["actual"], 540_000_000);
    assert_eq!(contracts["to_date"]["status"], "behind");
    let li = contracts["by_person"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "李娜")
        .unwrap();
    assert_eq!(li["to_date"]["actual"], 250_000_000);
    assert_eq!(li["to_date"]["status"], "on_track");
    // Each person's effects add up to their gap.
    for p in e["attribution"]["people"].as_array().unwrap() {
        let f = &p["effects"];
        let sum = f["volume_fen"].as_i64().unwrap()
            + f["conversion_fen"].as_i64().unwrap()
            + f["deal_size_fen"].as_i64().unwrap();
        assert_eq!(sum, f["gap_fen"].as_i64().unwrap(), "{}", p["name"]);
    }
    // The re-forecast: the target stays, 780万 signed, the rest spread over April–December.
    let f = &e["forecast"];
    assert_eq!(f["target_fen"], 5_000_000_000i64);
    assert_eq!(f["actual_fen"], 780_000_000);
    assert_eq!(f["remaining_fen"], 4_220_000_000i64);
    let spread: i64 = f["spread_fen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(spread, 4_220_000_000);
    assert_eq!(f["spread_fen"][0], 0);
    assert_eq!(f["at_risk"], true);
    assert_eq!(e["open_review_actions"].as_array().unwrap().len(), 0);
    // The text report ends with the re-forecast.
    let out = salesplan(&["report", "--db", arg(&db), "--today", "2026-04-15"]);
    let t = text(&out.stdout);
    assert!(
        t.contains("re-forecast on 2026-04-15 (3 months closed"),
        "{t}"
    );
    assert!(
        t.contains("projected     3,440.00万元    68.8%  AT RISK"),
        "{t}"
    );
}
