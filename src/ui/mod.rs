//! The desktop app (egui/eframe): the app shell, one file per view, shared widgets, fonts,
//! theme. Views draw from a snapshot of the plan and hand back actions; they never run SQL.

pub mod app;
pub mod commands;
pub mod dialogs;
pub mod edit;
pub mod fonts;
pub mod guide;
pub mod import;
pub mod prefs;
pub mod theme;
pub mod views;
pub mod widgets;

use std::path::PathBuf;

pub use app::{SalesPlanApp, default_plan_path};

/// Opens the app window on `db` (or the default plan file).
/// The window's icon: the packaged 256 px icon (made from `assets/icon/salesplan.svg`).
pub fn window_icon() -> egui::IconData {
    const PNG: &[u8] = include_bytes!("../../packaging/icons/hicolor/256x256/apps/salesplan.png");
    // The image is part of the program and checked by a test; should it ever fail to decode,
    // the window gets eframe's default icon rather than no window.
    eframe::icon_data::from_png_bytes(PNG).unwrap_or_default()
}

pub fn run(db: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("SalesPlan")
            .with_app_id("salesplan")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([900.0, 600.0])
            .with_icon(window_icon()),
        ..Default::default()
    };
    eframe::run_native(
        "SalesPlan",
        options,
        Box::new(move |cc| Ok(Box::new(SalesPlanApp::new(cc, db)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
