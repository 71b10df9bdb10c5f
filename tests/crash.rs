//! Crash safety: a writer is killed (`kill -9`) at random moments while it edits the monthly
//! grid, imports, confirms negotiation rounds or upgrades an old file. After every kill the
//! plan file passes SQLite's integrity check and the foreign-key check, opens without manual
//! clean-up, every change is all-or-nothing, and every change the writer reported saved is
//! there.
//!
//! `cargo test --test crash` starts 8 writers per scenario (32 in all). The full run, 80 per
//! scenario (320 writers, of which over 250 are killed mid-write; each scenario prints its
//! count), is:
//!
//! ```text
//! SALESPLAN_CRASH_RUNS=80 cargo test --test crash -- --nocapture
//! ```

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use salesplan::domain::model::{Metric, NodeId, VersionState};
use salesplan::domain::money::Money;
use salesplan::domain::negotiation::{Party, RoundEvent};
use salesplan::domain::period::Period;
use salesplan::domain::targets::TargetTable;
use salesplan::store::Store;

const CHILD: &str = "SALESPLAN_CRASH_CHILD";

fn runs() -> u64 {
    std::env::var("SALESPLAN_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

/// A small deterministic generator (so a failing run can be repeated by its seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A running writer and the lines it has printed so far.
struct Writer {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    reader: std::thread::JoinHandle<()>,
}

impl Writer {
    fn spawn(mut command: Command) -> Writer {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the writer");
        let out = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Writer {
            child,
            lines,
            reader,
        }
    }

    /// Kills the writer (SIGKILL on Unix) after `delay`, or lets it finish first; returns what
    /// it printed and whether it was killed before it ended.
    fn kill_after(mut self, delay: Duration) -> (Vec<String>, bool) {
        let start = Instant::now();
        let mut finished = false;
        while start.elapsed() < delay {
            if self.child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if !finished {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        self.reader.join().unwrap();
        let lines = self.lines.lock().unwrap().clone();
        (lines, !finished)
    }
}

/// The test binary itself, running `crash_child` in `mode` on `db`.
fn child(mode: &str, db: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "crash_child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, format!("{mode}\n{}", db.display()));
    c
}

fn salesplan(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_salesplan"));
    c.args(args);
    c
}

/// What every kill must leave: a sound file that opens (no manual clean-up) and passes the
/// integrity and foreign-key checks.
fn sound(db: &Path) -> Store {
    Store::check(db).unwrap_or_else(|e| panic!("after a kill: {e}"));
    Store::open(db).unwrap_or_else(|e| panic!("after a kill: {e}"))
}

fn people(store: &Store) -> Vec<NodeId> {
    store.snapshot().unwrap().people().map(|p| p.id).collect()
}

/// The writers. Each prints `saved N` only after change N is committed.
#[test]
#[ignore = "started by the crash tests, not on its own"]
fn crash_child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (mode, db) = spec.split_once('\n').unwrap();
    let mut store = Store::open(Path::new(db)).unwrap();
    let people = people(&store);
    let (mode, first) = mode.split_once(' ').unwrap_or((mode, "1"));
    let first: u64 = first.parse().unwrap();
    match mode {
        "grid" => {
            for i in first.. {
                // One change: a person's twelve months, all tagged with the change number.
                let person = people[(i % people.len() as u64) as usize];
                let cells: Vec<_> = (1..=12u8)
                    .map(|m| salesplan::store::targets::CellChange {
                        node: person,
                        line: None,
                        period: Period::Month(m),
                        metric: Metric::Visits,
                        value: Some((i * 100 + u64::from(m)) as i64),
                    })
                    .collect();
                store
                    .set_targets("change.set_target", "crash", &cells)
                    .unwrap();
                println!("saved {i}");
            }
        }
        "negotiation" => {
            for i in 1u64.. {
                store
                    .start_revision(&format!("修订 {i}"), "崩溃测试", "王总")
                    .unwrap();
                store.start_round(&people, &format!("第 {i} 轮")).unwrap();
                for &p in &people {
                    let value = Money::from_fen(1_000_000 * (900 + i as i64));
                    store
                        .round_event(p, RoundEvent::Propose, Party::Leader, Some(value), "")
                        .unwrap();
                    store
                        .round_event(p, RoundEvent::Agree, Party::Unit, None, "")
                        .unwrap();
                }
                store.confirm_round(&format!("确认 {i}")).unwrap();
                println!("saved {i}");
            }
        }
        other => panic!("unknown mode {other}"),
    }
}

fn numbers(lines: &[String]) -> Vec<u64> {
    lines
        .iter()
        // libtest prints the test's name on the first line before it.
        .filter_map(|l| l.split("saved ").nth(1)?.trim().parse().ok())
        .collect()
}

/// How long a writer runs uninterrupted until it has reported `n` changes: the window the kills
/// are spread over.
fn calibrate(command: Command, n: usize) -> Duration {
    let start = Instant::now();
    let writer = Writer::spawn(command);
    while numbers(&writer.lines.lock().unwrap()).len() < n
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    let took = start.elapsed();
    writer.kill_after(Duration::ZERO);
    took
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("plan.salesplan");
    salesplan::demo::create_demo(&db).unwrap();
    db
}

#[test]
fn grid_edits_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let window = calibrate(child("grid 1", &db), 40);
    let mut rng = Rng(0x5EED_0001);
    let mut reported: Vec<u64> = Vec::new();
    let mut kills = 0;
    // Numbers go on from the highest change stored, so every change has its own.
    let mut next = 1_000_000;
    for _ in 0..runs() {
        let delay = Duration::from_micros(rng.below(window.as_micros() as u64));
        let (lines, killed) = child(&format!("grid {next}"), &db)
            .pipe(Writer::spawn)
            .kill_after(delay);
        kills += u64::from(killed);
        let store = sound(&db);
        let snap = store.snapshot().unwrap();
        let table = TargetTable::new(&snap.targets);
        let everyone = people(&store);
        // All or nothing: a person's twelve months carry one change number.
        let mut stored = Vec::new();
        for &p in &everyone {
            let months: Vec<Option<i64>> = table.months(p, None, Metric::Visits).to_vec();
            let tags: Vec<Option<i64>> = months.iter().map(|v| v.map(|v| v / 100)).collect();
            assert!(
                tags.windows(2).all(|w| w[0] == w[1]),
                "half a change for {p:?}: {months:?}"
            );
            if let Some(Some(tag)) = tags.first() {
                for (m, v) in months.iter().enumerate() {
                    assert_eq!(*v, Some(tag * 100 + m as i64 + 1));
                }
            }
            stored.push(tags[0].unwrap_or(0) as u64);
        }
        // Every change reported saved is there (a later one may be too).
        reported.extend(numbers(&lines));
        for &n in &reported {
            let person = (n % everyone.len() as u64) as usize;
            assert!(
                stored[person] >= n,
                "change {n} was reported saved but is lost"
            );
        }
        next = stored.iter().max().copied().unwrap_or(0).max(next) + 1;
    }
    eprintln!("grid: {} writers, {kills} killed mid-run", runs());
    assert!(kills > 0, "no writer was killed: widen the window");
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}

impl<T> Pipe for T {}

#[test]
fn negotiation_confirmations_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // The demo's draft is confirmed first, so each writer starts with a revision.
    Store::open(&db).unwrap().confirm_current().unwrap();
    let window = calibrate(child("negotiation", &db), 2);
    let mut rng = Rng(0x5EED_0002);
    let mut kills = 0;
    let mut confirmed_before = 1;
    for _ in 0..runs() {
        let delay = Duration::from_micros(rng.below(window.as_micros() as u64));
        let (lines, killed) = child("negotiation", &db)
            .pipe(Writer::spawn)
            .kill_after(delay);
        kills += u64::from(killed);
        let store = sound(&db);
        let snap = store.snapshot().unwrap();
        let confirmed: Vec<_> = snap
            .versions
            .iter()
            .filter(|v| v.state == VersionState::Confirmed)
            .collect();
        // A confirmation is whole: locked, hashed, and its hash matches its targets.
        for v in &confirmed {
            assert!(v.locked && v.content_hash.is_some(), "{}", v.name);
            assert!(store.verify_hash(v.id).unwrap(), "{}", v.name);
        }
        let saved = numbers(&lines).len();
        assert!(
            confirmed.len() >= confirmed_before + saved,
            "{saved} confirmations were reported but only {} are stored",
            confirmed.len() - confirmed_before
        );
        confirmed_before = confirmed.len();
        // A killed writer may leave a revision or a round open: close it so the next writer
        // can start from a confirmed version.
        drop(store);
        settle(&db);
    }
    eprintln!("negotiation: {} writers, {kills} killed mid-run", runs());
    assert!(kills > 0, "no writer was killed: widen the window");
}

/// Brings the plan back to a confirmed current version after a kill mid-round.
fn settle(db: &Path) {
    let mut store = Store::open(db).unwrap();
    let snap = store.snapshot().unwrap();
    let current = snap.current_version().unwrap().clone();
    if current.state == VersionState::Confirmed {
        return;
    }
    let people = people(&store);
    if store.confirm_current().is_ok() {
        return;
    }
    // An open round: agree every unit, then confirm.
    let round = snap.current_round().unwrap().clone();
    for row in &round.rows {
        let value = Money::from_fen(1_000_000 * 1000);
        let _ = store.round_event(
            row.unit,
            RoundEvent::Propose,
            Party::Leader,
            Some(value),
            "",
        );
        let _ = store.round_event(row.unit, RoundEvent::Agree, Party::Unit, None, "");
    }
    let _ = people;
    store.confirm_round("收尾").unwrap();
}

#[test]
fn imports_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    const ROWS: usize = 300;
    let file = |i: u64| {
        let path = dir.path().join(format!("customers-{i}.csv"));
        let mut text = String::from("customer,industry,region\n");
        for k in 0..ROWS {
            // Names differ in their match key too (which ignores hyphens and spaces).
            text.push_str(&format!("崩溃测试客户{i}批{k}号,制造,华东\n"));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    let import = |i: u64| {
        let path = file(i);
        salesplan(&[
            "import",
            "--db",
            db.to_str().unwrap(),
            "customers",
            path.to_str().unwrap(),
        ])
    };
    let window = {
        let start = Instant::now();
        let status = import(0).status().unwrap();
        assert!(status.success());
        start.elapsed()
    };
    let mut rng = Rng(0x5EED_0003);
    let mut kills = 0;
    for i in 1..=runs() {
        let delay = Duration::from_micros(rng.below(window.as_micros() as u64 * 6 / 5));
        let (lines, killed) = import(i).pipe(Writer::spawn).kill_after(delay);
        kills += u64::from(killed);
        let store = sound(&db);
        let snap = store.snapshot().unwrap();
        let count = |i: u64| {
            let prefix = format!("崩溃测试客户{i}批");
            snap.customers
                .iter()
                .filter(|c| c.name.starts_with(&prefix))
                .count()
        };
        assert!(
            count(i) == 0 || count(i) == ROWS,
            "half an import: {} of {ROWS} rows",
            count(i)
        );
        let reported = lines.iter().any(|l| l.contains("imported"));
        if reported {
            assert_eq!(count(i), ROWS, "an import reported saved is lost");
        }
        assert_eq!(count(0), ROWS);
    }
    eprintln!("imports: {} writers, {kills} killed mid-run", runs());
    assert!(kills > 0, "no writer was killed: widen the window");
}

#[test]
fn upgrades_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let targets = Store::open(&original).unwrap().snapshot().unwrap().targets;
    // What a file written before the monthly plan looked like (schema version 3).
    {
        let conn = rusqlite::Connection::open(&original).unwrap();
        conn.execute_batch(
            "DROP TABLE target_locks; DROP TABLE monthly_actions; \
             DROP TABLE support_requests; DROP TABLE customer_contacts; \
             DROP TABLE matrix_cells; DROP TABLE goal_items; DROP TABLE expense_budget; \
             DROP TABLE expense_actuals; DROP TABLE budget_moves; DROP TABLE expense_items; \
             DROP TABLE receipts; DROP TABLE installments; DROP TABLE contracts; \
             DROP TABLE credit_terms; DROP TABLE review_actions; \
             DROP TABLE review_variances; DROP TABLE reviews; PRAGMA user_version = 3; \
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
    }
    let old = std::fs::read(&original).unwrap();
    let db = dir.path().join("old.salesplan");
    let window = {
        std::fs::write(&db, &old).unwrap();
        let start = Instant::now();
        let status = salesplan(&["report", "--db", db.to_str().unwrap()])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        start.elapsed()
    };
    let mut rng = Rng(0x5EED_0004);
    let mut kills = 0;
    for _ in 0..runs() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let _ = std::fs::remove_dir_all(salesplan::store::backup::folder(&db));
        std::fs::write(&db, &old).unwrap();
        let delay = Duration::from_micros(rng.below(window.as_micros() as u64));
        let (_, killed) = salesplan(&["report", "--db", db.to_str().unwrap()])
            .pipe(Writer::spawn)
            .kill_after(delay);
        kills += u64::from(killed);
        // Whatever version the kill left, the file is whole and the next open finishes.
        let version = Store::check(&db).unwrap().schema_version;
        assert!((3..=7).contains(&version), "version {version}");
        let store = sound(&db);
        assert_eq!(store.schema_version().unwrap(), 7);
        assert_eq!(store.snapshot().unwrap().targets, targets);
    }
    eprintln!("upgrades: {} writers, {kills} killed mid-run", runs());
    assert!(kills > 0, "no writer was killed: widen the window");
}
