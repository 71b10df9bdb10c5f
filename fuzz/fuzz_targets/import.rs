//! A colleague's CSV or workbook, from the bytes to the prepared import: the source reader, then
//! the preparation of every import kind against the demo plan's names, and the monthly plan read
//! back from a file. Nothing is written: the demo plan is only read, once.
//!
//! Input: one byte of options, then the file's bytes.
//! - bits 0–1: the name hint (`.csv`, `.xlsx`, `.tsv`), or 3 = cells pasted from a spreadsheet;
//! - bits 2–3: the encoding chosen in the dialog (none = detect, UTF-8, GB18030, UTF-16 LE);
//! - bits 4–5: the day order chosen for ambiguous dates (none, month first, day first);
//! - bit 6: columns mapped by position instead of by header;
//! - bit 7: `;` chosen as the delimiter.

#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use libfuzzer_sys::fuzz_target;
use salesplan::domain::model::PlanSnapshot;
use salesplan::exchange::fields::{ImportKind, auto_map};
use salesplan::exchange::grid_file;
use salesplan::exchange::import::ImportSettings;
use salesplan::exchange::pipeline::{KnownNames, prepare_with};
use salesplan::exchange::source::{self, ReadOptions, Table, TextEncoding};
use salesplan::exchange::values::DayOrder;
use salesplan::i18n::{Lang, Localized};

/// The demo plan's names and snapshot, read once from a demo plan written to a temporary folder.
fn plan() -> &'static (KnownNames, PlanSnapshot) {
    static PLAN: OnceLock<(KnownNames, PlanSnapshot)> = OnceLock::new();
    PLAN.get_or_init(|| {
        // The source reader runs the workbook parser under `catch_unwind` and turns its panics
        // into an error, by design. libfuzzer-sys's hook would abort on those; this one only
        // reports them, and a panic that escapes the reader still aborts the run.
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic (the source reader turns it into an error if it is its own): {info}");
        }));
        let dir =
            std::env::temp_dir().join(format!("salesplan-fuzz-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("demo.salesplan");
        let _ = std::fs::remove_file(&path);
        let store = salesplan::demo::create_demo(&path).expect("the demo plan");
        let known = KnownNames::load(&store).expect("the demo plan's names");
        let snap = store.snapshot().expect("the demo plan's snapshot");
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
        (known, snap)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&options, bytes)) = data.split_first() else {
        return;
    };
    let (known, snap) = plan();
    let read_options = ReadOptions {
        encoding: match (options >> 2) & 0x3 {
            1 => Some(TextEncoding::Utf8),
            2 => Some(TextEncoding::Gb18030),
            3 => Some(TextEncoding::Utf16Le),
            _ => None,
        },
        delimiter: (options & 0x80 != 0).then_some(b';'),
        sheet: None,
    };
    let cancel = AtomicBool::new(false);
    let read = match options & 0x3 {
        0 => source::read_bytes("fuzz.csv", bytes, &read_options, &|_| {}, &cancel),
        1 => source::read_bytes("fuzz.xlsx", bytes, &read_options, &|_| {}, &cancel),
        2 => source::read_bytes("fuzz.tsv", bytes, &read_options, &|_| {}, &cancel),
        _ => source::read_pasted(&String::from_utf8_lossy(bytes)),
    };
    let table = match read {
        Ok(table) => table,
        Err(e) => {
            let _ = e.localize(Lang::En);
            let _ = e.localize(Lang::Zh);
            return;
        }
    };
    let day_order = match (options >> 4) & 0x3 {
        1 => Some(DayOrder::MonthFirst),
        2 => Some(DayOrder::DayFirst),
        _ => None,
    };
    let by_position = options & 0x40 != 0;
    for kind in ImportKind::ALL {
        prepare(known, &table, kind, day_order, by_position, &cancel);
    }
    for lang in Lang::ALL {
        if let Ok(edits) = grid_file::read_monthly(snap, &table, lang) {
            let _ = grid_file::changes(snap, &edits, lang);
        }
    }
});

/// The preparation of one import kind, as the import dialog starts it (the demo plan remembers
/// no mapping, so the headers are matched to fields), or with the kind's fields by position.
fn prepare(
    known: &KnownNames,
    table: &Table,
    kind: ImportKind,
    day_order: Option<DayOrder>,
    by_position: bool,
    cancel: &AtomicBool,
) {
    let mut columns = if by_position {
        kind.fields().iter().map(|(f, _, _)| Some(*f)).collect()
    } else {
        auto_map(kind, &table.headers)
    };
    columns.resize(table.headers.len(), None);
    let settings = ImportSettings {
        kind: Some(kind),
        columns,
        day_order,
        ..Default::default()
    };
    let prepared = prepare_with(known, table, &settings, kind, &|_| {}, cancel)
        .expect("an import that is not cancelled is prepared");
    for problem in prepared.problems.iter().take(20) {
        let _ = problem.describe(Lang::En);
        let _ = problem.describe(Lang::Zh);
    }
    let _ = known.new_names(&prepared);
}
