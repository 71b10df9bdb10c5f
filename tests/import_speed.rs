//! What the fast actuals import (issue 11, docs/performance.md) must keep: one transaction,
//! all or nothing, one undo step that restores the plan exactly and a redo that brings the
//! import back exactly, a second import of the same file changing nothing — for imports large
//! enough to take the bulk path (new lines recorded for undo as runs of rowids, the table's
//! read-only indexes built again at the end) and for files that are partly in the plan. And the
//! faster value readers give what the plain ones gave.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;
use salesplan::exchange::fields::{Field, ImportKind};
use salesplan::exchange::pipeline::{self, SourceInput};
use salesplan::exchange::source::{
    CellKind, MAX_CELLS, MAX_TEXT_CELLS, ReadOptions, SourceError, read_bytes,
};
use salesplan::exchange::values::{
    ValueReason, is_blank, match_key, normalize_name, normalized, parse_count,
};
use salesplan::store::import::ImportOutcome;
use salesplan::store::{Store, StoreError};

/// Lines of an import big enough for the bulk path (at least 50,000 new lines, and at least as
/// many as the table had).
const LARGE: usize = 60_000;

const HEADERS: &str = "date,type,person,customer,product,product line,amount,count,row id";

/// The demo plan in a temporary folder.
fn demo() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.salesplan");
    let store = salesplan::demo::create_demo(&path).unwrap();
    (dir, path, store)
}

/// A CSV of `lines` lines of actuals naming the demo's people, customers and products.
/// `amount_of` may change the amount of a line (by its number).
fn actuals_csv(store: &Store, lines: usize, amount_of: &dyn Fn(usize) -> u64) -> String {
    let snap = store.snapshot().unwrap();
    let people: Vec<&str> = snap.people().map(|p| p.name.as_str()).collect();
    let customers: Vec<&str> = snap.customers.iter().map(|c| c.name.as_str()).collect();
    let products: Vec<(&str, &str)> = snap
        .products
        .iter()
        .map(|p| {
            let line = snap.lines.iter().find(|l| l.id == p.line).unwrap();
            (p.name.as_str(), line.name.as_str())
        })
        .collect();
    let kinds = ["签约", "回款", "线索", "拜访", "投标"];
    let mut csv = format!("{HEADERS}\n");
    for i in 0..lines {
        let kind = kinds[i % kinds.len()];
        let (product, line) = products[i % products.len()];
        let amount = if i % kinds.len() < 2 {
            format!("{}.{:02}", amount_of(i), i % 100)
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "2026-{:02}-{:02},{kind},{},{},{product},{line},{amount},1,T-{i:06}\n",
            i % 11 + 1,
            i % 28 + 1,
            people[i % people.len()],
            customers[(i / 3) % customers.len()],
        ));
    }
    csv
}

fn plain_amount(i: usize) -> u64 {
    10_000 + (i as u64 % 500) * 100
}

/// Imports a CSV file as the command line does; `cancel_after` cancels once the write has
/// reported that much progress.
fn import(
    store: &mut Store,
    file: &Path,
    cancel_after: Option<f32>,
) -> Result<ImportOutcome, StoreError> {
    let cancel = AtomicBool::new(false);
    let table = SourceInput::File(file.to_owned())
        .read(&ReadOptions::default(), &|_| {}, &cancel)
        .unwrap();
    let settings = pipeline::initial_settings(store, ImportKind::Actuals, &table);
    let prepared = pipeline::prepare(
        store,
        &table,
        &settings,
        ImportKind::Actuals,
        &|_| {},
        &cancel,
    )
    .unwrap();
    assert!(prepared.is_clean(), "{:?}", prepared.problems.first());
    let progress = |p: f32| {
        if cancel_after.is_some_and(|at| p >= at) {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    pipeline::write(
        store, &table, &settings, &prepared, false, &progress, &cancel,
    )
}

fn write_csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

type ActualRow = (
    i64,
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    String,
);

/// Every line of actuals in the file, as stored, by id.
fn actuals(path: &Path) -> Vec<ActualRow> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id, source_key, date, kind, node_id, customer_id, product_id, line_id, amount,
                    count, reference
             FROM actuals ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// The indexes of the actuals table, as the schema holds them.
fn indexes(path: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'actuals'
             ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The statements recorded to undo the newest step.
fn newest_undo_statements(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT sql FROM undo_log WHERE step = (SELECT MAX(step) FROM undo_steps
                                                     WHERE kind = 'undo')
             ORDER BY seq",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_large_import_is_one_step_that_undoes_and_redoes_exactly() {
    let (dir, path, mut store) = demo();
    let file = write_csv(
        dir.path(),
        "actuals.csv",
        &actuals_csv(&store, LARGE, &plain_amount),
    );
    let before = actuals(&path);
    let indexes_before = indexes(&path);
    assert_eq!(
        indexes_before
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        vec!["actuals_date", "actuals_node", "sqlite_autoindex_actuals_1"]
    );
    let largest = before.last().map_or(0, |r| r.0);

    let outcome = import(&mut store, &file, None).unwrap();
    assert_eq!(
        (outcome.inserted, outcome.updated, outcome.unchanged),
        (LARGE as u64, 0, 0)
    );
    assert!(outcome.created.is_empty(), "{:?}", outcome.created);
    let after = actuals(&path);
    assert_eq!(after.len(), before.len() + LARGE);
    assert_eq!(after[..before.len()], before[..]);
    // The new lines follow the largest id, in the file's order.
    let new = &after[before.len()..];
    assert_eq!(new[0].0, largest + 1);
    assert_eq!(new[LARGE - 1].0, largest + LARGE as i64);
    assert_eq!(new[0].1.as_deref(), Some("T-000000"));
    assert_eq!(new[LARGE - 1].1.as_deref(), Some("T-059999"));
    assert_eq!(
        (new[0].2.as_str(), new[0].3.as_str(), new[0].8, new[0].9),
        ("2026-01-01", "contract", Some(1_000_000), 1)
    );
    assert_eq!(
        (
            new[2].3.as_str(),
            new[2].8,
            new[3].3.as_str(),
            new[4].3.as_str()
        ),
        ("lead", None, "visit", "bid")
    );
    // The indexes are back, as they were.
    assert_eq!(indexes(&path), indexes_before);
    // One step, recorded as one range of ids (and the remembered column mapping).
    let label = store.undo_label().unwrap().unwrap();
    assert_eq!(
        (label.key.as_str(), label.detail.as_str()),
        ("change.import", "actuals × 60000")
    );
    let statements = newest_undo_statements(&path);
    assert_eq!(
        statements,
        vec![
            format!(
                "DELETE FROM main.\"actuals\" WHERE rowid BETWEEN {} AND {}",
                largest + 1,
                largest + LARGE as i64
            ),
            "DELETE FROM main.\"import_mappings\" WHERE rowid = 1".to_owned(),
        ]
    );

    // Undo restores the plan exactly, redo brings the import back exactly (the same ids).
    assert_eq!(store.undo().unwrap().unwrap().key, "change.import");
    assert_eq!(actuals(&path), before);
    assert_eq!(store.redo().unwrap().unwrap().key, "change.import");
    assert_eq!(actuals(&path), after);
    assert_eq!(store.undo().unwrap().unwrap().key, "change.import");
    assert_eq!(actuals(&path), before);
    assert_eq!(indexes(&path), indexes_before);
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let (dir, path, mut store) = demo();
    let file = write_csv(
        dir.path(),
        "actuals.csv",
        &actuals_csv(&store, 2_000, &plain_amount),
    );
    let first = import(&mut store, &file, None).unwrap();
    assert_eq!(
        (first.inserted, first.updated, first.unchanged),
        (2_000, 0, 0)
    );
    let after = actuals(&path);
    let steps = newest_undo_statements(&path);

    let again = import(&mut store, &file, None).unwrap();
    assert_eq!(
        (again.inserted, again.updated, again.unchanged),
        (0, 0, 2_000)
    );
    assert_eq!(actuals(&path), after);
    // No new step: undo still reverses the first import.
    assert_eq!(newest_undo_statements(&path), steps);
    assert_eq!(store.redo_label().unwrap(), None);
    store.undo().unwrap();
    assert_eq!(actuals(&path).len(), after.len() - 2_000);
}

#[test]
fn a_partly_known_file_inserts_the_new_lines_and_updates_the_changed_one() {
    let (dir, path, mut store) = demo();
    let start = actuals(&path);
    let first = write_csv(
        dir.path(),
        "first.csv",
        &actuals_csv(&store, 150, &plain_amount),
    );
    import(&mut store, &first, None).unwrap();
    let after_first = actuals(&path);
    // All 250 lines, line 10 (a contract) with another amount: the first batch of lines is all
    // in the plan, the second half in and half new, the third all new.
    let changed = |i: usize| if i == 10 { 99_999 } else { plain_amount(i) };
    let all = write_csv(dir.path(), "all.csv", &actuals_csv(&store, 250, &changed));
    let outcome = import(&mut store, &all, None).unwrap();
    assert_eq!(
        (outcome.inserted, outcome.updated, outcome.unchanged),
        (100, 1, 149)
    );
    let after_all = actuals(&path);
    assert_eq!(after_all.len(), after_first.len() + 100);
    let line_10 = after_all
        .iter()
        .find(|r| r.1.as_deref() == Some("T-000010"))
        .unwrap();
    assert_eq!(line_10.8, Some(9_999_910));
    // The new lines got the ids after the largest, in order.
    let largest = after_first.last().unwrap().0;
    let new: Vec<(i64, &str)> = after_all[after_first.len()..]
        .iter()
        .map(|r| (r.0, r.1.as_deref().unwrap()))
        .collect();
    assert_eq!(new[0], (largest + 1, "T-000150"));
    assert_eq!(new[99], (largest + 100, "T-000249"));

    store.undo().unwrap();
    assert_eq!(actuals(&path), after_first);
    store.redo().unwrap();
    assert_eq!(actuals(&path), after_all);
    store.undo().unwrap();
    store.undo().unwrap();
    assert_eq!(actuals(&path), start);
}

#[test]
fn a_cancelled_large_import_leaves_the_plan_and_its_undo_as_they_were() {
    let (dir, path, mut store) = demo();
    let start = actuals(&path);
    let small = write_csv(
        dir.path(),
        "small.csv",
        &actuals_csv(&store, 10, &plain_amount),
    );
    import(&mut store, &small, None).unwrap();
    let after_small = actuals(&path);
    let indexes_before = indexes(&path);
    // Other lines (other ids), cancelled when half are written: the table's indexes are set
    // aside by then, and its insert trigger.
    let large = actuals_csv(&store, LARGE, &plain_amount).replace(",T-", ",U-");
    let large = write_csv(dir.path(), "large.csv", &large);
    assert!(matches!(
        import(&mut store, &large, Some(0.5)),
        Err(StoreError::Cancelled)
    ));
    assert_eq!(actuals(&path), after_small);
    assert_eq!(indexes(&path), indexes_before);
    // The undo history still works, both ways (the insert trigger is back: redo's inserts are
    // recorded, so the next undo removes them).
    assert_eq!(store.undo_label().unwrap().unwrap().detail, "actuals × 10");
    store.undo().unwrap();
    assert_eq!(actuals(&path), start);
    store.redo().unwrap();
    assert_eq!(actuals(&path), after_small);
    store.undo().unwrap();
    assert_eq!(actuals(&path), start);
}

#[test]
fn a_line_the_plan_cannot_hold_stops_the_import_with_its_line() {
    let (dir, path, mut store) = demo();
    let start = actuals(&path);
    let steps = newest_undo_statements(&path);
    // A count above the largest the plan file holds (2^63 - 1), on the file's line 4.
    let mut csv = actuals_csv(&store, 3, &plain_amount);
    csv = csv.replacen(",1,T-000002", ",10000000000000000000,T-000002", 1);
    let file = write_csv(dir.path(), "big-count.csv", &csv);
    match import(&mut store, &file, None) {
        Err(StoreError::ImportRow { line, detail }) => {
            assert_eq!(line, 4);
            assert!(
                matches!(*detail, StoreError::InvalidValue { field: "count", .. }),
                "{detail:?}"
            );
        }
        other => panic!("expected the line's error, got {other:?}"),
    }
    assert_eq!(actuals(&path), start);
    assert_eq!(newest_undo_statements(&path), steps);
}

#[test]
fn a_csv_may_have_more_cells_than_a_sheet() {
    // One row of MAX_CELLS + 1 cells: over a workbook sheet's limit, under a text file's.
    let mut csv = "1,".repeat(MAX_CELLS as usize);
    csv.push_str("1\n");
    let table = read_bytes(
        "wide.csv",
        csv.as_bytes(),
        &ReadOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(table.headers.len(), MAX_CELLS as usize + 1);
    assert_eq!(MAX_TEXT_CELLS, 12_000_000);
    let mut csv = "1,".repeat(MAX_TEXT_CELLS as usize);
    csv.push_str("1\n");
    assert_eq!(
        read_bytes(
            "wider.csv",
            csv.as_bytes(),
            &ReadOptions::default(),
            &|_| {},
            &AtomicBool::new(false)
        ),
        Err(SourceError::TooManyCells {
            cells: MAX_TEXT_CELLS + 1,
            max: MAX_TEXT_CELLS
        })
    );
}

#[test]
fn fields_are_numbered_in_their_list_order() {
    // The importer finds a field's column by the field's number.
    for (i, f) in Field::ALL.iter().enumerate() {
        assert_eq!(*f as usize, i, "{f:?}");
    }
}

#[test]
fn plain_counts_read_as_before() {
    assert_eq!(parse_count(CellKind::Text, "1"), Ok(1));
    assert_eq!(parse_count(CellKind::Text, "007"), Ok(7));
    assert_eq!(
        parse_count(CellKind::Text, "18446744073709551615"),
        Ok(u64::MAX)
    );
    assert_eq!(
        parse_count(CellKind::Text, "18446744073709551616")
            .unwrap_err()
            .reason,
        ValueReason::CountTooLarge
    );
    assert_eq!(parse_count(CellKind::Text, "1,200"), Ok(1_200));
    assert_eq!(parse_count(CellKind::Text, " 12 "), Ok(12));
    assert_eq!(
        parse_count(CellKind::Text, "１２"),
        Ok(12),
        "full-width digits"
    );
}

/// Text with the characters the name rules treat specially.
fn name_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "Z", "张", "伟", " ", "  ", "\u{3000}", "\u{a0}", "\t", "\n", "\u{200b}", "\u{feff}",
        "\u{ad}", "\u{1}", "\u{7f}", "Ａ", "１", "＿", "－", "_", "-", "–", "\u{2212}", "GTX Pro",
        "1,000", "2024/1/5", "\u{b}", "\u{c}", "\r",
    ]);
    prop::collection::vec(pieces, 0..8).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn normalized_names_are_the_normalised_names(text in name_text()) {
        prop_assert_eq!(normalized(&text).into_owned(), normalize_name(&text));
    }

    #[test]
    fn match_keys_are_the_normalised_names_without_spaces_and_dashes(text in name_text()) {
        let reference: String = normalize_name(&text)
            .chars()
            .filter(|&c| c != ' ' && c != '_' && !matches!(
                c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}'
            ))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        prop_assert_eq!(match_key(&text), reference);
    }

    #[test]
    fn blank_is_nothing_left_once_normalised(text in name_text()) {
        prop_assert_eq!(is_blank(CellKind::Text, &text), normalize_name(&text).is_empty());
    }

    #[test]
    fn normalized_names_of_any_text_are_the_normalised_names(text in ".{0,12}") {
        prop_assert_eq!(normalized(&text).into_owned(), normalize_name(&text));
    }
}
