//! Helpers shared by the headless UI tests: the app on a plan file, typing into a named field,
//! choosing from a combo box.
// Each test binary uses some of these.
#![allow(dead_code)]

use std::path::PathBuf;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use salesplan::i18n::Lang;
use salesplan::ui::SalesPlanApp;
use salesplan::ui::prefs::Prefs;

/// The app in Chinese on a plan file, with the CJK font installed.
pub fn app(path: PathBuf) -> Harness<'static, SalesPlanApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .with_context_setup(salesplan::ui::fonts::install)
        .build_eframe(move |cc| {
            let prefs = Prefs {
                lang: Lang::Zh,
                ..Prefs::default()
            };
            SalesPlanApp::with_prefs(&cc.egui_ctx, prefs, Some(path))
        })
}

/// A fresh demo plan in a temporary folder.
pub fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.salesplan");
    salesplan::demo::create_demo(&path).unwrap();
    (dir, path)
}

/// Replaces the text of the field with this accessible name.
pub fn type_into(h: &mut Harness<'_, SalesPlanApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// Opens a combo box and picks an option: the option nearest below the box (its popup), not
/// the same text elsewhere in the view.
pub fn choose(h: &mut Harness<'_, SalesPlanApp>, combo: &str, option: &str) {
    let below = h
        .get_by_role_and_label(Role::ComboBox, combo)
        .rect()
        .bottom();
    h.get_by_role_and_label(Role::ComboBox, combo).click();
    h.run();
    let item = h
        .get_all_by_label(option)
        .filter(|n| n.rect().top() >= below - 1.0)
        .min_by(|a, b| a.rect().top().total_cmp(&b.rect().top()))
        .expect("the option in the popup");
    item.click();
    h.run();
}

/// Steps the app until `done` holds (worker threads finish in their own time).
pub fn wait_for(
    h: &mut Harness<'_, SalesPlanApp>,
    what: &str,
    done: impl Fn(&Harness<'_, SalesPlanApp>) -> bool,
) {
    for _ in 0..600 {
        h.step();
        if done(h) {
            h.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

/// Runs the `salesplan` binary.
pub fn salesplan(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_salesplan"))
        .args(args)
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn arg(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// A file as the window system hands it over when dropped on the window.
#[derive(Debug)]
pub struct Dropped(pub PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops a file on the window.
pub fn drop_file(h: &mut Harness<'_, SalesPlanApp>, path: &std::path::Path) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.to_owned())));
    h.run();
}

/// Replaces the text of the password field with this accessible name.
pub fn type_password(h: &mut Harness<'_, SalesPlanApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::PasswordInput, label).focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(Role::PasswordInput, label)
        .type_text(text);
    h.run();
}

/// Some widget shows exactly this text (a figure can be in a card and in a table).
pub fn shows(h: &Harness<'_, SalesPlanApp>, text: &str) -> bool {
    h.query_all_by_label(text).next().is_some()
}

/// A file in tests/fixtures.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// From the Variance view's "导入实际数据…" button: the demo's first-quarter actuals
/// (tests/fixtures/actuals_2026q1.csv, 18 good lines) read, imported and the dialog closed.
pub fn import_q1_actuals(h: &mut Harness<'_, SalesPlanApp>) {
    h.get_by_label("导入实际数据…").click();
    h.run();
    type_into(h, "文件", &fixture("actuals_2026q1.csv"));
    h.get_by_label("读取").click();
    wait_for(h, "the check", |h| {
        h.query_by_label_contains("共 18 行：18 行有效，0 行有问题")
            .is_some()
    });
    h.get_by_label("导入").click();
    wait_for(h, "the import", |h| {
        h.query_by_label_contains("导入完成").is_some()
    });
    h.get_by_label("确定").click();
    h.run();
}
