//! The bad-file corpus (`tests/fixtures/bad/`, listed in its README.md): every file — of each
//! import kind, plan exchange files (submissions, packages) and monthly-plan workbooks — gives
//! its own clear message in English and in Chinese (what is wrong, where, what to do), through
//! the same path the app takes, and leaves the plan file byte-for-byte unchanged. A few go
//! through the real command line too.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use common::{arg, salesplan, text};
use salesplan::domain::money::Money;
use salesplan::domain::negotiation::{Party, RoundEvent};
use salesplan::exchange::fields::ImportKind;
use salesplan::exchange::pipeline::{self, SourceInput};
use salesplan::exchange::source::{ReadOptions, TextEncoding};
use salesplan::exchange::{grid_file, plan_file};
use salesplan::i18n::{Lang, Localized};
use salesplan::store::Store;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn bad(name: &str) -> PathBuf {
    fixture(&format!("bad/{name}"))
}

/// How a file is read, as the app reads it.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// File → Import data… (and `salesplan import KIND`).
    Import(ImportKind),
    /// The Negotiation view's *Read submissions…* (and `salesplan import plan`).
    Submission,
    /// A package dropped on the window: opened as the person's own new plan file.
    Package,
    /// A monthly-plan workbook dropped on the window (and `salesplan import monthly`).
    Monthly,
}

use ImportKind::*;
use Via::{Import, Monthly, Package, Submission};

/// Every file with how it is read and what its English message must say (each text must
/// appear in one of the messages).
const CASES: &[(&str, Via, &[&str])] = &[
    // History.
    (
        "empty.csv",
        Import(History),
        &["The file has no data: every row is blank"],
    ),
    (
        "header_only.csv",
        Import(History),
        &["The file has no data below its header row"],
    ),
    (
        "wrong_delimiter.csv",
        Import(History),
        &["The file has no Date column"],
    ),
    (
        "negative_amounts.csv",
        Import(History),
        &["Row 3, column \"金额\", value \"-250.00\": The amount cannot be negative"],
    ),
    (
        "overflowing_amounts.csv",
        Import(History),
        &["Row 2, column \"金额\", value \"100000000000000000000\""],
    ),
    (
        "impossible_dates.csv",
        Import(History),
        &["Row 2, column \"日期\", value \"2024-02-30\""],
    ),
    (
        "missing_required_column.csv",
        Import(History),
        &["The file has no Amount column"],
    ),
    (
        "ambiguous_dates.csv",
        Import(History),
        &[
            "Column \"date\": The dates in this column (e.g. 1/5/2024, 2/3/2024) read as month/day/year and as day/month/year alike",
        ],
    ),
    (
        "conflicting_dates.csv",
        Import(History),
        &[
            "Column \"date\": The dates in this column contradict each other: row 3 can only be month/day/year and row 2 only day/month/year",
        ],
    ),
    (
        "two_digit_years.csv",
        Import(History),
        &["Row 3, column \"date\", value \"1/5/24\""],
    ),
    (
        "unclosed_quote.csv",
        Import(History),
        &["opens a cell on line 2 is never closed"],
    ),
    (
        "text_amounts.csv",
        Import(History),
        &["Row 2, column \"amount\", value \"abc\""],
    ),
    (
        "unit_before_number.csv",
        Import(History),
        &["Row 2, column \"amount\", value \"万100\""],
    ),
    (
        "european_amounts.csv",
        Import(History),
        &["Row 2, column \"amount\", value \"1.000,50\""],
    ),
    (
        "binary_garbage.csv",
        Import(History),
        &["neither text nor a spreadsheet"],
    ),
    ("picture_named.xlsx", Import(History), &["PNG"]),
    ("plain_zip.xlsx", Import(History), &["ZIP"]),
    (
        "truncated.xlsx",
        Import(History),
        &["damaged or incomplete"],
    ),
    (
        "mixed_encodings.csv",
        Import(History),
        &["mixes encodings: line 3 is not UTF-8 like the lines before it"],
    ),
    (
        "history_password.xlsx",
        Import(History),
        &["The workbook is protected with a password. Open it in Excel, remove the password"],
    ),
    (
        "history_xml_spreadsheet_2003.xls",
        Import(History),
        &[
            "The file is an Excel \"XML Spreadsheet 2003\"",
            "save it as an Excel workbook (.xlsx) or as CSV",
        ],
    ),
    // Opportunities.
    (
        "duplicate_ids.csv",
        Import(Opportunities),
        &["Row 4, column \"opportunity_id\", value \"A1\": The id repeats the one on row 2"],
    ),
    (
        "unknown_stage.csv",
        Import(Opportunities),
        &["The stage \"Maybe\" is not known"],
    ),
    (
        "unknown_product.csv",
        Import(Opportunities),
        &["The plan has no product \"Nope 3000\""],
    ),
    (
        "opportunities_feb_30.csv",
        Import(Opportunities),
        &[
            "Row 3, column \"签约日期\", value \"2026-02-30\": \"2026-02-30\" is not a real date: month 2 of 2026 has 28 days",
            "Row 4: The row has 9 cells, but the header row names only 8 columns: a value was probably split at a comma",
        ],
    ),
    // Actuals.
    (
        "negative_counts.csv",
        Import(Actuals),
        &["Row 2, column \"count\", value \"-1\""],
    ),
    (
        "unknown_actual_kind.csv",
        Import(Actuals),
        &["The type \"golf\" is not known"],
    ),
    (
        "actuals_decimal_comma_wan.csv",
        Import(Actuals),
        &[
            "Row 3, column \"金额\", value \"1,2万\": Cannot read \"1,2万\" as an amount: it looks like \",\" marks decimals",
        ],
    ),
    // People.
    (
        "missing_person_names.csv",
        Import(People),
        &["Row 3, column \"sales_agent\", value \"\": The required Person is empty"],
    ),
    (
        "visits_out_of_range.csv",
        Import(People),
        &["Visits a week can be at most 100"],
    ),
    (
        "people_two_exports_joined.csv",
        Import(People),
        &[
            "Line 4 holds a byte-order mark",
            "looks like two files joined into one",
        ],
    ),
    (
        "people_whitespace_only.csv",
        Import(People),
        &["The file has no data: every row is blank"],
    ),
    // Products.
    (
        "products_without_line.csv",
        Import(Products),
        &["The required Product line is empty"],
    ),
    (
        "negative_price.csv",
        Import(Products),
        &["The amount cannot be negative"],
    ),
    (
        "products_web_page.xls",
        Import(Products),
        &["The file is a web page (HTML) with a spreadsheet's name"],
    ),
    // Customers.
    (
        "customers_without_name.csv",
        Import(Customers),
        &["The required Customer is empty"],
    ),
    (
        "customers_gbk_behind_utf8_bom.csv",
        Import(Customers),
        &[
            "starts with a UTF-8 byte-order mark, but its text is GB18030 (GBK)",
            "Choose the text encoding GB18030 (GBK)",
        ],
    ),
    (
        "customers_title_row.xlsx",
        Import(Customers),
        &["The first row, \"华东大区重点客户名单（2026 年）\", is a title, not the column headers"],
    ),
    // Expenses.
    (
        "expenses_unknown_item.csv",
        Import(Expenses),
        &["Row 4 could not be written: The plan has no expense item \"业务招待费(餐饮)\""],
    ),
    (
        "expenses_feb_30.csv",
        Import(Expenses),
        &["Row 3, column \"日期\", value \"2026-02-30\": \"2026-02-30\" is not a real date"],
    ),
    (
        "expenses_unknown_person.csv",
        Import(Expenses),
        &["Row 3 could not be written: The plan has no \"赵磊\". Check the name against the plan"],
    ),
    // Payment schedules.
    (
        "payment_schedules_changed.csv",
        Import(PaymentSchedules),
        &[
            "Row 2 could not be written: Contract \"HT-2026-004\" is already in the plan with another payment schedule",
        ],
    ),
    (
        "payment_schedules_due_feb_30.csv",
        Import(PaymentSchedules),
        &["Row 3, column \"应付日期\", value \"2026-02-30\": \"2026-02-30\" is not a real date"],
    ),
    (
        "payment_schedules_merged_cells.xlsx",
        Import(PaymentSchedules),
        &[
            "Row 3, column \"合同编号\", value \"\": The required Contract number is empty",
            "Row 4, column \"合同编号\", value \"\"",
            "unmerge them and fill every row",
        ],
    ),
    // Receipts.
    (
        "receipts_unknown_contract.csv",
        Import(Receipts),
        &["Row 3 could not be written: The plan has no contract \"HT-2026-0O4\""],
    ),
    (
        "receipts_na_formula.xlsx",
        Import(Receipts),
        &[
            "Row 3, column \"金额\", value \"#N/A\": The cell shows the spreadsheet error #N/A, not a value: its formula failed",
        ],
    ),
    (
        "receipts_capital_numerals.csv",
        Import(Receipts),
        &[
            "Row 2, column \"金额\", value \"陆拾万元整\": Cannot read \"陆拾万元整\" as an amount: it contains no digits",
            "Chinese capital numerals",
        ],
    ),
    // Submissions.
    (
        "submission_truncated.json",
        Submission,
        &["the file ends before it is complete (line 23): it was cut off"],
    ),
    (
        "submission_hand_edited.json",
        Submission,
        &["the file is not valid JSON at line 23, column 22: it was probably edited by hand"],
    ),
    (
        "submission_report_json.json",
        Submission,
        &["its \"format\" is not \"salesplan-plan-file\""],
    ),
    (
        "submission_format_v2.json",
        Submission,
        &["format version 2 is not read by this version (it reads 1)"],
    ),
    (
        "submission_unknown_field.json",
        Submission,
        &["unknown field `bottom_up_wan`"],
    ),
    (
        "submission_is_a_package.json",
        Submission,
        &["it is a \"package\", not a submission"],
    ),
    (
        "submission_negative_figure.json",
        Submission,
        &["the bottom-up figure -80.00万元 is below zero"],
    ),
    (
        "submission_other_plan.json",
        Submission,
        &["it was written for another plan (2025 年度销售计划 2025)"],
    ),
    (
        "submission_unknown_person.json",
        Submission,
        &["\"赵磊\" is not a person of this plan under the same units"],
    ),
    (
        "submission_old_round.json",
        Submission,
        &["it was written in round 1, but the plan is in round 2"],
    ),
    (
        "submission_saved_as_gbk.json",
        Submission,
        &["the file is not UTF-8 text (line 8): it was saved again in another encoding"],
    ),
    // Packages.
    (
        "package_negative_target.json",
        Package,
        &["the package's target \"-3000000\" is not valid"],
    ),
    (
        "package_unknown_metric.json",
        Package,
        &["the package's metric \"gross_margin\" is not valid"],
    ),
    // Monthly-plan workbooks.
    (
        "monthly_title_row.xlsx",
        Monthly,
        &[
            "The first row, \"华东大区 2026 年月度签约计划（第二稿）\", is a title, not the monthly plan's column headers",
        ],
    ),
    (
        "monthly_negative_month.xlsx",
        Monthly,
        &[
            "Row 4, column \"2026-05\": \"-15.5\" is not an amount of 0 or more in the row's unit. Enter a number",
        ],
    ),
    (
        "monthly_na_formula.xlsx",
        Monthly,
        &[
            "Row 5, column \"2026-07\": the cell shows the spreadsheet error #N/A",
            "Row 5, column \"2026-12\"",
        ],
    ),
    (
        "monthly_unknown_person.xlsx",
        Monthly,
        &["Row 6, column \"人员\": \"陈静（调岗）\" is not a person in this plan"],
    ),
    (
        "monthly_columns_deleted.xlsx",
        Monthly,
        &[
            "This is not a monthly plan exported by SalesPlan",
            "(found 15 columns)",
        ],
    ),
];

/// The messages a file gives, in English and in Chinese.
struct Messages {
    en: Vec<String>,
    zh: Vec<String>,
}

impl Messages {
    fn of<T>(items: &[T], localize: impl Fn(&T, Lang) -> String) -> Messages {
        Messages {
            en: items.iter().map(|i| localize(i, Lang::En)).collect(),
            zh: items.iter().map(|i| localize(i, Lang::Zh)).collect(),
        }
    }
}

/// Imports `file` as `kind` the way the app does (all or nothing): the read error, or every
/// problem, or the write error.
fn import(store: &mut Store, kind: ImportKind, file: &Path, options: &ReadOptions) -> Messages {
    let cancel = AtomicBool::new(false);
    let table = match SourceInput::File(file.to_owned()).read(options, &|_| {}, &cancel) {
        Ok(t) => t,
        Err(e) => return Messages::of(&[e], |e, l| e.localize(l)),
    };
    let settings = pipeline::initial_settings(store, kind, &table);
    let prepared = pipeline::prepare(store, &table, &settings, kind, &|_| {}, &cancel).unwrap();
    let mut out = Messages::of(&prepared.problems, |p, l| p.describe(l));
    // The app refuses to write a file with problems; so must the store.
    if let Err(e) = pipeline::write(store, &table, &settings, &prepared, false, &|_| {}, &cancel) {
        out.en.push(e.localize(Lang::En));
        out.zh.push(e.localize(Lang::Zh));
    }
    out
}

/// Reads submission files into the round as the Negotiation view does: the preview's conflicts,
/// and what would be read in is read in (a bad file must have nothing to read).
fn submissions(store: &mut Store, file: &Path) -> Messages {
    let snap = store.snapshot().unwrap();
    let parsed = plan_file::read_submissions(&[file.to_owned()], None);
    let checked = plan_file::check(&snap, &parsed);
    let conflicts: Vec<_> = checked.iter().filter_map(|c| c.as_ref().err()).collect();
    let accepted: Vec<_> = checked.iter().filter_map(|c| c.clone().ok()).collect();
    if !accepted.is_empty() {
        let tree = salesplan::domain::org::OrgTree::new(&snap.nodes);
        let figures = plan_file::bottom_up_by_unit(&accepted, &tree);
        store.apply_submissions(&figures, "1").unwrap();
    }
    Messages::of(&conflicts, |c, l| c.localize(l))
}

/// Opens a package as the app does when one is dropped on the window: a new plan file beside
/// the plan, which must not appear when the package is refused.
fn package(file: &Path, beside: &Path) -> Messages {
    let target = beside.join("package.salesplan");
    let result = plan_file::read_file(file, None)
        .and_then(|b| plan_file::parse_package(&b))
        .map_err(|c| c.message())
        .and_then(|p| plan_file::create_from_package(&target, &p).map(|_| ()));
    assert!(
        !target.exists(),
        "{}: a refused package left a plan file",
        file.display()
    );
    // `create_from_package` words its own checks in English only (see the README), so there
    // is no Chinese message to compare yet.
    Messages {
        en: result.err().into_iter().collect(),
        zh: Vec::new(),
    }
}

/// Reads a monthly-plan workbook as the app does when one is dropped on the window, and
/// writes what it would write.
fn monthly(store: &mut Store, file: &Path) -> Messages {
    let snap = store.snapshot().unwrap();
    let read = |lang| grid_file::read_file(&snap, file, None, None, lang);
    match (read(Lang::En), read(Lang::Zh)) {
        (Err(en), Err(zh)) => Messages { en, zh },
        (Ok((_, cells)), _) => {
            if !cells.is_empty() {
                store
                    .set_targets("change.import_monthly", "bad", &cells)
                    .unwrap();
            }
            Messages {
                en: Vec::new(),
                zh: Vec::new(),
            }
        }
        (Err(en), Ok(_)) => panic!("{}: refused in English only: {en:?}", file.display()),
    }
}

/// A plan file settled on disk (no write-ahead log left), so its bytes say everything.
fn settled(path: &Path) -> Vec<u8> {
    drop(Store::open(path).unwrap());
    std::fs::read(path).unwrap()
}

/// Puts back a plan file's bytes, without a write-ahead log beside it.
fn restore(path: &Path, bytes: &[u8]) {
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::write(path, bytes).unwrap();
}

/// The demo plan, for the import kinds.
fn demo(dir: &Path) -> PathBuf {
    let path = dir.join("demo.salesplan");
    drop(salesplan::demo::create_demo(&path).unwrap());
    path
}

/// The leader's plan for submissions and monthly plans: the demo in its second negotiation
/// round (the first closed), each person proposed 1,000万 in it.
fn leader(dir: &Path) -> PathBuf {
    let path = dir.join("leader.salesplan");
    let mut store = salesplan::demo::create_demo(&path).unwrap();
    let people: Vec<_> = store.snapshot().unwrap().people().map(|p| p.id).collect();
    store.start_round(&people, "第 1 轮").unwrap();
    store.start_round(&people, "第 2 轮").unwrap();
    for p in &people {
        store
            .round_event(
                *p,
                RoundEvent::Propose,
                Party::Leader,
                Some(Money::from_wan(1_000).unwrap()),
                "",
            )
            .unwrap();
    }
    drop(store);
    path
}

/// Whether a message reads as a finished sentence: no translation key shown instead of its
/// text, no `{placeholder}` left unfilled.
fn finished(message: &str) -> bool {
    let key_like = message.split_whitespace().count() == 1 && message.contains('.');
    let placeholder = message.split('{').skip(1).any(|rest| {
        rest.split_once('}').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
    });
    !message.trim().is_empty() && !key_like && !placeholder
}

#[test]
fn every_bad_file_gives_its_message_and_leaves_the_plan_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(dir.path());
    let leader = leader(dir.path());
    let demo_bytes = settled(&demo);
    let leader_bytes = settled(&leader);
    let print = std::env::var_os("PRINT_MESSAGES").is_some();
    let mut failures = Vec::new();
    for &(file, via, expected) in CASES {
        let path = bad(file);
        let (plan, bytes) = match via {
            Import(_) | Package => (&demo, &demo_bytes),
            Submission | Monthly => (&leader, &leader_bytes),
        };
        // Each file starts from the plan as it was, whatever an earlier one did.
        restore(plan, bytes);
        let mut store = Store::open(plan).unwrap();
        let before = store.snapshot().unwrap();
        let undo_before = store.undo_label().unwrap();
        let got = match via {
            Import(kind) => import(&mut store, kind, &path, &ReadOptions::default()),
            Submission => submissions(&mut store, &path),
            Package => package(&path, dir.path()),
            Monthly => monthly(&mut store, &path),
        };
        if print {
            println!("{file}:\n  en: {:#?}\n  zh: {:#?}", got.en, got.zh);
        }
        if got.en.is_empty() {
            failures.push(format!("{file}: no message: it was accepted"));
        }
        for e in expected {
            if !got.en.iter().any(|m| m.contains(e)) {
                failures.push(format!("{file}: expected {e:?}, got {:#?}", got.en));
            }
        }
        for (en, zh) in got.en.iter().zip(&got.zh) {
            if !finished(en) || !finished(zh) || en == zh {
                failures.push(format!("{file}: not localized: {en:?} / {zh:?}"));
            }
        }
        if got.zh.len() != got.en.len() && !matches!(via, Package) {
            failures.push(format!(
                "{file}: {} English messages, {} Chinese",
                got.en.len(),
                got.zh.len()
            ));
        }
        if store.snapshot().unwrap() != before {
            failures.push(format!("{file}: changed the plan"));
        }
        if store.undo_label().unwrap() != undo_before {
            failures.push(format!("{file}: left an undo step"));
        }
        drop(store);
        if std::fs::read(plan).unwrap() != *bytes {
            failures.push(format!("{file}: the plan file's bytes changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_bad_file_in_the_folder_is_covered_and_described() {
    let listed: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.0).collect();
    assert_eq!(listed.len(), CASES.len(), "a file is listed twice");
    let readme = std::fs::read_to_string(bad("README.md")).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(fixture("bad")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        files += 1;
        assert!(
            listed.contains(name.as_str()),
            "{name} has no expected message"
        );
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is not in the README"
        );
    }
    assert_eq!(files, CASES.len(), "a listed file is missing");
    // At least two bad files of every import kind, six exchange files, three monthly plans.
    for kind in ImportKind::ALL {
        let n = CASES
            .iter()
            .filter(|c| matches!(c.1, Import(k) if k == kind))
            .count();
        assert!(n >= 2, "{} has {n} bad files", kind.code());
    }
    let exchange = CASES
        .iter()
        .filter(|c| matches!(c.1, Submission | Package))
        .count();
    assert!(exchange >= 6, "{exchange} exchange files");
    let monthly = CASES.iter().filter(|c| matches!(c.1, Monthly)).count();
    assert!(monthly >= 3, "{monthly} monthly plans");
    assert!(CASES.len() >= 45, "{} files", CASES.len());
}

/// The same files through the command line: a non-zero exit, the message, and the plan file's
/// bytes unchanged.
#[test]
fn the_command_line_refuses_them_too() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(dir.path());
    let leader = leader(dir.path());
    let demo_bytes = settled(&demo);
    let leader_bytes = settled(&leader);
    let cases: &[(&str, &str, &str)] = &[
        (
            "customers",
            "customers_gbk_behind_utf8_bom.csv",
            "but its text is GB18030 (GBK)",
        ),
        (
            "people",
            "people_two_exports_joined.csv",
            "Line 4 holds a byte-order mark",
        ),
        (
            "history",
            "history_password.xlsx",
            "The workbook is protected with a password",
        ),
        (
            "expenses",
            "expenses_unknown_item.csv",
            "Row 4 could not be written: The plan has no expense item",
        ),
        (
            "receipts",
            "receipts_na_formula.xlsx",
            "Row 3, column \"金额\", value \"#N/A\": The cell shows the spreadsheet error #N/A",
        ),
        (
            "payment-schedules",
            "payment_schedules_changed.csv",
            "Contract \"HT-2026-004\" is already in the plan",
        ),
        (
            "monthly",
            "monthly_negative_month.xlsx",
            "Row 4, column \"2026-05\": \"-15.5\" is not an amount",
        ),
        (
            "plan",
            "submission_old_round.json",
            "it was written in round 1, but the plan is in round 2",
        ),
    ];
    let mut failures = Vec::new();
    for &(kind, file, expected) in cases {
        let (plan, bytes) = match kind {
            "plan" | "monthly" => (&leader, &leader_bytes),
            _ => (&demo, &demo_bytes),
        };
        restore(plan, bytes);
        let o = salesplan(&["import", "--db", arg(plan), kind, arg(&bad(file))]);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        if std::env::var_os("PRINT_MESSAGES").is_some() {
            println!("{kind} {file}:\n--- stdout\n{out}--- stderr\n{err}");
        }
        if o.status.success() {
            failures.push(format!("{file}: exit code 0"));
        }
        // Standard error ends with the command's own error line (an import's problems go there
        // too; `import plan` previews every file on standard output).
        if !err.lines().any(|l| l.starts_with("error: "))
            || !format!("{out}{err}").contains(expected)
        {
            failures.push(format!("{file}: expected {expected:?}:\n{out}{err}"));
        }
        if std::fs::read(plan).unwrap() != *bytes {
            failures.push(format!("{file}: the plan file's bytes changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mixed_encodings_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&demo(dir.path())).unwrap();
    // Read as UTF-8 (detected: most of it is), the GBK line is reported where it is.
    let forced = ReadOptions {
        encoding: Some(TextEncoding::Utf8),
        ..Default::default()
    };
    let got = import(&mut store, History, &bad("mixed_encodings.csv"), &forced);
    assert!(
        got.en
            .iter()
            .any(|m| m.contains("Line 3 is not valid UTF-8 text")),
        "{:#?}",
        got.en
    );
}

#[test]
fn a_csv_named_xlsx_is_read_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&demo(dir.path())).unwrap();
    let got = import(
        &mut store,
        History,
        &fixture("csv_named.xlsx"),
        &ReadOptions::default(),
    );
    assert!(got.en.is_empty(), "{:#?}", got.en);
}
