//! The large demo plan the benchmarks run on, written once into Cargo's temporary folder for
//! benchmarks (`target/tmp`) and reused by later runs; written again when the generator
//! changes (the file name carries its version).

#![allow(dead_code)]

use std::path::PathBuf;

use salesplan::demo::large::{Shape, create_large};

/// Bump when the large demo's content changes, so stale copies are not measured.
const GENERATION: u32 = 2;

/// The large plan (2,000 people, 1,000,000 lines of actuals); writes it on first use, which
/// takes a minute or two.
pub fn large_plan() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("large-{GENERATION}.salesplan"));
    if !path.exists() {
        eprintln!(
            "writing the large demo plan to {} (once; a minute or two)…",
            path.display()
        );
        let _ = std::fs::create_dir_all(&dir);
        create_large(&path, Shape::FULL, &|_| {}).expect("the large demo plan is written");
    }
    path
}

/// A copy of the large plan in `dir`, for benchmarks that change it.
pub fn large_plan_copy(dir: &std::path::Path) -> PathBuf {
    let to = dir.join("large-copy.salesplan");
    std::fs::copy(large_plan(), &to).expect("the large plan is copied");
    to
}

/// The app on `path` in Chinese, headless (egui_kittest), at the window size the tests use.
pub fn app_harness(
    path: &std::path::Path,
) -> egui_kittest::Harness<'static, salesplan::ui::SalesPlanApp> {
    let path = path.to_owned();
    egui_kittest::Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(salesplan::ui::fonts::install)
        .build_eframe(move |cc| {
            let prefs = salesplan::ui::prefs::Prefs {
                lang: salesplan::i18n::Lang::Zh,
                ..salesplan::ui::prefs::Prefs::default()
            };
            salesplan::ui::SalesPlanApp::with_prefs(&cc.egui_ctx, prefs, Some(path.clone()))
        })
}
