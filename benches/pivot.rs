//! The plan-against-actual pivot over the large demo plan's 1,000,000 actual lines
//! (docs/performance.md): the plan year's actuals by person × month × product line × kind, as
//! the variance view and the reports read them (`Store::actual_cells`, then added up over
//! customers), against the sqlite3 program running the equivalent GROUP BY on the same file
//! (target: within 1.2× of sqlite3). Both are measured in the same run, side by side.
//!
//! Also measured: the same GROUP BY run by SQLite in this process (no program start, no
//! printing), the stricter comparison.
//!
//! Run with `cargo bench --bench pivot` (the sqlite3 program's side is skipped when it is not
//! installed).

mod common;

use std::collections::HashMap;
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};
use salesplan::domain::model::{ActualKind, LineId, NodeId};
use salesplan::store::Store;

type Group = (Option<NodeId>, u8, Option<LineId>, ActualKind);

/// Our pivot: the actual cells, added up over customers.
fn ours(store: &Store) -> HashMap<Group, (i64, i64)> {
    let mut groups: HashMap<Group, (i64, i64)> = HashMap::new();
    for c in store.actual_cells().expect("the actuals are read") {
        let g = groups.entry((c.node, c.month, c.line, c.kind)).or_default();
        g.0 = g.0.saturating_add(c.amount.fen());
        g.1 = g.1.saturating_add(c.count);
    }
    groups
}

fn query(start: &str, end: &str) -> String {
    format!(
        "SELECT a.node_id, substr(a.date, 1, 7), COALESCE(a.line_id, p.line_id), a.kind, \
         SUM(a.amount), SUM(a.count) FROM actuals a LEFT JOIN products p ON p.id = a.product_id \
         WHERE a.date BETWEEN '{start}' AND '{end}' GROUP BY 1, 2, 3, 4"
    )
}

fn sqlite3(path: &std::path::Path, sql: &str, out: Stdio) -> Option<std::process::Output> {
    Command::new("sqlite3")
        .arg("-readonly")
        .arg(path)
        .arg(sql)
        .stdout(out)
        .output()
        .ok()
        .filter(|o| o.status.success())
}

fn bench(c: &mut Criterion) {
    let path = common::large_plan();
    let store = Store::open_read_only(&path).expect("the large plan opens");
    let fy = store.plan_info().expect("the plan").fiscal_year;
    let sql = query(&fy.start_date().to_string(), &fy.end_date().to_string());

    // Both sides find the same groups with the same totals.
    let groups = ours(&store);
    let total: i64 = groups.values().map(|g| g.0).sum();
    let have_sqlite3 = match sqlite3(&path, &sql, Stdio::piped()) {
        Some(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            let rows: Vec<&str> = text.lines().collect();
            let sqlite_total: i64 = rows
                .iter()
                .filter_map(|r| r.split('|').nth(4)?.parse::<i64>().ok())
                .sum();
            assert_eq!(rows.len(), groups.len(), "the same groups");
            assert_eq!(sqlite_total, total, "the same total amount");
            true
        }
        None => {
            eprintln!("no sqlite3 program: only our side is measured");
            false
        }
    };
    assert!(groups.len() > 100_000, "{} groups", groups.len());

    c.bench_function(
        "pivot: salesplan (actual cells by person × month × line)",
        |b| b.iter(|| ours(&store)),
    );
    // The same GROUP BY run by SQLite inside this process (rows stepped through, not printed):
    // SQLite's own aggregation without the sqlite3 program's start and output.
    let conn =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the plan opens in SQLite");
    let in_process = || {
        let mut stmt = conn.prepare_cached(&sql).expect("the query");
        let mut rows = stmt.query([]).expect("the query runs");
        let mut n = 0usize;
        while let Some(r) = rows.next().expect("a row") {
            n += usize::from(r.get_ref(4).is_ok());
        }
        n
    };
    assert_eq!(in_process(), groups.len(), "the same groups in process");
    c.bench_function(
        "pivot: SQLite GROUP BY in process (rows not printed)",
        |b| b.iter(in_process),
    );
    if have_sqlite3 {
        c.bench_function("pivot: sqlite3 GROUP BY on the same file", |b| {
            b.iter(|| sqlite3(&path, &sql, Stdio::null()).expect("sqlite3 runs"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
