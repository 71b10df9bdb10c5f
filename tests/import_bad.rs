//! The bad-file corpus (`tests/fixtures/bad/`): every file gives its own clear message — what
//! is wrong, where, what to do — and leaves the plan file byte-for-byte unchanged.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use salesplan::exchange::fields::ImportKind;
use salesplan::exchange::pipeline::{self, SourceInput};
use salesplan::exchange::source::{ReadOptions, TextEncoding};
use salesplan::i18n::{Lang, Localized};
use salesplan::store::Store;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Imports `file` as `kind` into the demo plan the way the app does (all or nothing) and
/// returns the messages: the read error, or every problem, or the write error.
fn messages(
    store: &mut Store,
    kind: ImportKind,
    file: &Path,
    options: &ReadOptions,
) -> Vec<String> {
    let cancel = AtomicBool::new(false);
    let table = match SourceInput::File(file.to_owned()).read(options, &|_| {}, &cancel) {
        Ok(t) => t,
        Err(e) => return vec![e.localize(Lang::En)],
    };
    let settings = pipeline::initial_settings(store, kind, &table);
    let prepared = pipeline::prepare(store, &table, &settings, kind, &|_| {}, &cancel).unwrap();
    let mut out: Vec<String> = prepared
        .problems
        .iter()
        .map(|p| p.describe(Lang::En))
        .collect();
    // The app refuses to write a file with problems; so must the store.
    if let Err(e) = pipeline::write(store, &table, &settings, &prepared, false, &|_| {}, &cancel) {
        out.push(e.localize(Lang::En));
    }
    out
}

const CASES: &[(&str, ImportKind, &str)] = &[
    ("empty.csv", ImportKind::History, "every row is blank"),
    (
        "header_only.csv",
        ImportKind::History,
        "no data below its header row",
    ),
    (
        "wrong_delimiter.csv",
        ImportKind::History,
        "The file has no Date column",
    ),
    (
        "negative_amounts.csv",
        ImportKind::History,
        "Row 3, column \"金额\", value \"-250.00\": The amount cannot be negative",
    ),
    (
        "overflowing_amounts.csv",
        ImportKind::History,
        "Row 2, column \"金额\", value \"100000000000000000000\"",
    ),
    (
        "impossible_dates.csv",
        ImportKind::History,
        "Row 2, column \"日期\", value \"2024-02-30\"",
    ),
    (
        "duplicate_ids.csv",
        ImportKind::Opportunities,
        "Row 4, column \"opportunity_id\", value \"A1\": The id repeats the one on row 2",
    ),
    (
        "missing_required_column.csv",
        ImportKind::History,
        "The file has no Amount column",
    ),
    (
        "unknown_stage.csv",
        ImportKind::Opportunities,
        "The stage \"Maybe\" is not known",
    ),
    (
        "ambiguous_dates.csv",
        ImportKind::History,
        "read as month/day/year and as day/month/year alike",
    ),
    (
        "conflicting_dates.csv",
        ImportKind::History,
        "row 3 can only be month/day/year and row 2 only day/month/year",
    ),
    (
        "two_digit_years.csv",
        ImportKind::History,
        "Row 3, column \"date\", value \"1/5/24\"",
    ),
    (
        "unknown_product.csv",
        ImportKind::Opportunities,
        "The plan has no product \"Nope 3000\"",
    ),
    (
        "unclosed_quote.csv",
        ImportKind::History,
        "opens a cell on line 2 is never closed",
    ),
    (
        "text_amounts.csv",
        ImportKind::History,
        "Row 2, column \"amount\", value \"abc\"",
    ),
    (
        "unit_before_number.csv",
        ImportKind::History,
        "Row 2, column \"amount\", value \"万100\"",
    ),
    (
        "european_amounts.csv",
        ImportKind::History,
        "Row 2, column \"amount\", value \"1.000,50\"",
    ),
    (
        "negative_counts.csv",
        ImportKind::Actuals,
        "Row 2, column \"count\", value \"-1\"",
    ),
    (
        "unknown_actual_kind.csv",
        ImportKind::Actuals,
        "The type \"golf\" is not known",
    ),
    (
        "missing_person_names.csv",
        ImportKind::People,
        "Row 3, column \"sales_agent\", value \"\": The required Person is empty",
    ),
    (
        "products_without_line.csv",
        ImportKind::Products,
        "The required Product line is empty",
    ),
    (
        "negative_price.csv",
        ImportKind::Products,
        "The amount cannot be negative",
    ),
    (
        "customers_without_name.csv",
        ImportKind::Customers,
        "The required Customer is empty",
    ),
    (
        "visits_out_of_range.csv",
        ImportKind::People,
        "Visits a week can be at most 100",
    ),
    (
        "binary_garbage.csv",
        ImportKind::History,
        "neither text nor a spreadsheet",
    ),
    ("picture_named.xlsx", ImportKind::History, "PNG"),
    ("plain_zip.xlsx", ImportKind::History, "ZIP"),
    (
        "truncated.xlsx",
        ImportKind::History,
        "damaged or incomplete",
    ),
    (
        "mixed_encodings.csv",
        ImportKind::History,
        "mixes encodings: line 3 is not UTF-8 like the lines before it",
    ),
];

#[test]
fn every_bad_file_gives_its_message_and_leaves_the_plan_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.salesplan");
    let mut store = salesplan::demo::create_demo(&path).unwrap();
    // Settle the write-ahead log so the file's bytes say everything.
    drop(store);
    store = Store::open(&path).unwrap();
    let before = store.snapshot().unwrap();
    let bytes_before = std::fs::read(&path).unwrap();
    let mut failures = Vec::new();
    for &(file, kind, expected) in CASES {
        let got = messages(
            &mut store,
            kind,
            &fixture(&format!("bad/{file}")),
            &ReadOptions::default(),
        );
        if !got.iter().any(|m| m.contains(expected)) {
            failures.push(format!("{file}: expected {expected:?}, got {got:#?}"));
        }
        assert!(!got.is_empty(), "{file} gave no message");
    }
    assert_eq!(
        store.snapshot().unwrap(),
        before,
        "a bad file changed the plan"
    );
    assert!(
        store.undo_label().unwrap().is_none(),
        "a bad file left an undo step"
    );
    drop(store);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes_before,
        "the plan file's bytes changed"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_bad_file_in_the_folder_is_covered() {
    let listed: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.0).collect();
    for entry in std::fs::read_dir(fixture("bad")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            listed.contains(name.as_str()),
            "{name} has no expected message"
        );
    }
}

#[test]
fn mixed_encodings_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let file = fixture("bad/mixed_encodings.csv");
    // Read as UTF-8 (detected: most of it is), the GBK line is reported where it is.
    let forced = ReadOptions {
        encoding: Some(TextEncoding::Utf8),
        ..Default::default()
    };
    let got = messages(&mut store, ImportKind::History, &file, &forced);
    assert!(
        got.iter()
            .any(|m| m.contains("Line 3 is not valid UTF-8 text")),
        "{got:#?}"
    );
}

#[test]
fn a_csv_named_xlsx_is_read_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = salesplan::demo::create_demo(&dir.path().join("demo.salesplan")).unwrap();
    let got = messages(
        &mut store,
        ImportKind::History,
        &fixture("csv_named.xlsx"),
        &ReadOptions::default(),
    );
    assert!(got.is_empty(), "{got:#?}");
}
