//! SalesPlan (销售作战计划): from an annual sales target to an executable, exact plan.
//!
//! Data flows one way: `ui` → `store` → `domain` → back to `ui` as plain data.

/// Command-line interface over the same core as the app.
pub mod cli;
/// The demo plan built from the article's numbers.
pub mod demo;
/// Pure planning logic: money, periods, organisation, targets, funnels. No I/O.
pub mod domain;
/// Files in and out: CSV and spreadsheet import.
pub mod exchange;
/// Translations (简体中文 / English) for every user-visible text.
pub mod i18n;
/// The JSON report of a plan (`salesplan report --json`).
pub mod report;
/// The plan file (SQLite): schema, migrations, reads, changes, undo. The only place SQL lives.
pub mod store;
/// The desktop app (egui/eframe).
pub mod ui;
