//! The app on the large demo plan (docs/performance.md), headless (egui_kittest, no GPU):
//! - the time of one frame of the heaviest views: the month grid with 2,000 rows, the
//!   nine-stage board, the variance plots (target: median under 4 ms);
//! - cold start: from creating the app on the large plan to its first frame (target: under
//!   1 s);
//! - that nothing repaints while the app is idle (checked before measuring).
//!
//! Run with `cargo bench --bench views`.

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use salesplan::ui::SalesPlanApp;

fn harness(path: &std::path::Path) -> Harness<'static, SalesPlanApp> {
    common::app_harness(path)
}

fn click(h: &mut Harness<'_, SalesPlanApp>, label: &str) {
    h.get_all_by_label(label)
        .next()
        .unwrap_or_else(|| panic!("no {label}"))
        .click();
}

/// Runs frames until the app stops asking for repaints (background work such as the backup
/// taken on opening finishing); panics if it never does.
fn settle(h: &mut Harness<'_, SalesPlanApp>) {
    for _ in 0..1200 {
        if h.try_run_realtime().is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the app kept repainting for two minutes while idle");
}

fn bench(c: &mut Criterion) {
    let path = common::large_plan();

    // The large plan opens on a worker thread: the first frame shows the window saying which
    // file it is opening; the plan appears when it is read.
    c.bench_function("cold start to the first frame, large plan", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let mut h = harness(&path);
                h.step();
                total += start.elapsed();
                settle(&mut h);
                assert!(h.state().doc.is_some(), "the plan is open");
            }
            total
        })
    });
    c.bench_function("cold start until the large plan is shown", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let mut h = harness(&path);
                h.step();
                while h.state().is_opening() {
                    std::thread::sleep(Duration::from_millis(5));
                    h.step();
                }
                total += start.elapsed();
                assert!(h.state().doc.is_some(), "the plan is open");
                settle(&mut h);
            }
            total
        })
    });

    let mut h = harness(&path);
    settle(&mut h);
    for (name, steps) in [
        ("frame: monthly plan, 2,000 rows", &["月度计划"][..]),
        ("frame: nine-stage board", &["大客户", "九阶段看板"][..]),
        ("frame: variance plots", &["差异分析"][..]),
    ] {
        for label in steps {
            click(&mut h, label);
            settle(&mut h);
        }
        c.bench_function(name, |b| b.iter(|| h.step()));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20));
    targets = bench
}
criterion_main!(benches);
