//! Peak memory with the large demo plan open (docs/performance.md; target: under 300 MB):
//! the app is created on the plan headless (egui_kittest), every view is shown once, and the
//! process's peak resident size (VmHWM in /proc/self/status, Linux) is printed.
//!
//! Run with `cargo bench --bench memory`.

mod common;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use salesplan::i18n::Lang;
use salesplan::ui::views::View;

/// A line of /proc/self/status, in MB.
fn status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    // `cargo bench` passes --bench; nothing else is understood.
    let path = common::large_plan();
    let before = status_mb("VmHWM:").unwrap_or(0.0);
    let mut h = common::app_harness(&path);
    // The large plan opens on a worker thread; wait until it is shown and the app is idle.
    while h.state().is_opening() || h.try_run_realtime().is_err() {
        std::thread::sleep(Duration::from_millis(50));
        h.step();
    }
    let opened = status_mb("VmHWM:").unwrap_or(0.0);
    for view in View::ALL {
        let label = salesplan::i18n::tr(Lang::Zh, view.label_key()).into_owned();
        h.get_all_by_label(&label)
            .next()
            .unwrap_or_else(|| panic!("no {label}"))
            .click();
        for _ in 0..1200 {
            if h.try_run_realtime().is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let now = status_mb("VmRSS:").unwrap_or(0.0);
        let peak = status_mb("VmHWM:").unwrap_or(0.0);
        println!("after {label}: resident {now:.0} MB, peak so far {peak:.0} MB");
    }
    let peak = status_mb("VmHWM:").unwrap_or(0.0);
    println!("peak memory before opening: {before:.0} MB");
    println!("peak memory after opening the large plan: {opened:.0} MB");
    println!("peak memory after showing every view: {peak:.0} MB (target: under 300 MB)");
    if peak >= 300.0 {
        println!("MISSES the 300 MB target");
    }
}
