//! Peak memory with the large demo plan open (docs/performance.md; target: under 300 MB):
//! the app is created on the plan headless (egui_kittest), every view is shown once, and the
//! process's peak resident size (VmHWM in /proc/self/status, Linux) is printed, with the heap
//! in use after each view and the most in use while it was shown (a counting allocator: the
//! resident size also holds memory freed but not returned to the system).
//!
//! Run with `cargo bench --bench memory`.

mod common;

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use salesplan::i18n::Lang;
use salesplan::ui::views::View;

/// The heap in use, counted by a global allocator wrapping the system's (to tell what each
/// view keeps; the resident size also counts freed memory the allocator has not returned).
struct Counting;

static HEAP_IN_USE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// The most in use since it was last reset.
static HEAP_PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only a counter is kept.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let now = HEAP_IN_USE.fetch_add(layout.size(), std::sync::atomic::Ordering::Relaxed);
        HEAP_PEAK.fetch_max(now + layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on as it came.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        HEAP_IN_USE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` or `realloc` above with this layout.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let now = HEAP_IN_USE.fetch_add(new_size, std::sync::atomic::Ordering::Relaxed);
        HEAP_PEAK.fetch_max(now + new_size, std::sync::atomic::Ordering::Relaxed);
        HEAP_IN_USE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn heap_mb() -> f64 {
    HEAP_IN_USE.load(std::sync::atomic::Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

/// The most heap in use since the last call (then starts again from what is in use now).
fn heap_peak_mb() -> f64 {
    let now = HEAP_IN_USE.load(std::sync::atomic::Ordering::Relaxed);
    HEAP_PEAK.swap(now, std::sync::atomic::Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

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
    println!(
        "opened: heap in use {:.0} MB (at most {:.0} MB while opening)",
        heap_mb(),
        heap_peak_mb()
    );
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
        println!(
            "after {label}: resident {now:.0} MB, peak so far {peak:.0} MB, heap in use {:.0} MB \
             (at most {:.0} MB while showing it)",
            heap_mb(),
            heap_peak_mb()
        );
    }
    let peak = status_mb("VmHWM:").unwrap_or(0.0);
    println!("peak memory before opening: {before:.0} MB");
    println!("peak memory after opening the large plan: {opened:.0} MB");
    println!("peak memory after showing every view: {peak:.0} MB (target: under 300 MB)");
    if peak >= 300.0 {
        println!("MISSES the 300 MB target");
    }
}
