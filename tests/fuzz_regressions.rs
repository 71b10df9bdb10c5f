//! Inputs the fuzz targets in `fuzz/` found (see fuzz/README.md): each is read here again, and
//! must give a clear error or the right value, never a panic.
//!
//! The fuzz runs of the money, dates and plan-file targets found nothing. The import target
//! found damaged XLS files on which the workbook parser (calamine 0.38.0) panics; the source
//! reader runs it under `catch_unwind` and refuses the file as a damaged workbook, by design.
//! These tests keep it so, whatever happens to the parser or to that guard.

use std::sync::atomic::AtomicBool;

use salesplan::exchange::source::{ReadOptions, SourceError, Table, read_bytes};
use salesplan::i18n::{Lang, Localized};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str, bytes: &[u8]) -> Result<Table, SourceError> {
    read_bytes(
        name,
        bytes,
        &ReadOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
}

/// The file is refused as a damaged workbook, with a message in both languages.
fn assert_damaged_workbook(file: &str) {
    let bytes = fixture(file);
    // The format is decided by the content: whatever the name says, it is read as XLS.
    for name in [file, "export.xlsx", "export.csv"] {
        match read(name, &bytes) {
            Err(e @ SourceError::Workbook { .. }) => {
                assert!(!e.localize(Lang::En).is_empty());
                assert!(!e.localize(Lang::Zh).is_empty());
            }
            other => panic!("{file} read as {name}: expected a damaged workbook, got {other:?}"),
        }
    }
}

#[test]
fn xls_whose_sector_is_cut_short_by_the_end_of_the_file_is_refused_not_a_panic() {
    // calamine 0.38.0 asserts that a FAT sector is whole 4-byte words (utils.rs:29).
    assert_damaged_workbook("xls_sector_cut_short.xls");
}

#[test]
fn xls_whose_sector_starts_past_the_end_of_the_file_is_refused_not_a_panic() {
    // calamine 0.38.0 slices from the sector's start to the end of the file (cfb.rs:320).
    assert_damaged_workbook("xls_sector_past_end.xls");
}
