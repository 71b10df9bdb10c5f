//! Password-protected plan files: a package or submission exported with a password is
//! encrypted (nothing of it readable), opens only with the right password, and says what to do
//! otherwise — on the command line and in the app.

mod common;

use common::{app, arg, drop_file, salesplan, text, type_into, type_password};
use egui_kittest::kittest::Queryable;
use salesplan::exchange::protect;
use salesplan::store::Store;

#[test]
fn a_protected_package_opens_only_with_its_password_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("leader.salesplan");
    salesplan::demo::create_demo(&db).unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "云帆-2026 春\n").unwrap();
    let package = dir.path().join("李娜-package.json");
    let o = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "package",
        "--person",
        "李娜",
        "--out",
        arg(&package),
        "--password-file",
        arg(&pw),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let bytes = std::fs::read(&package).unwrap();
    assert!(protect::is_protected(&bytes));
    let shown = String::from_utf8_lossy(&bytes);
    assert!(!shown.contains("李娜") && !shown.contains("targets"));

    // Without the password: refused, saying how to give it; nothing is created.
    let mine = dir.path().join("李娜.salesplan");
    let o = salesplan(&["import", "--db", arg(&mine), "plan", arg(&package)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("give the password with --password-file FILE"),
        "{}",
        text(&o.stderr)
    );
    assert!(!mine.exists());
    // A wrong one: refused.
    let wrong = dir.path().join("wrong.txt");
    std::fs::write(&wrong, "云帆-2025 春\n").unwrap();
    let o = salesplan(&[
        "import",
        "--db",
        arg(&mine),
        "plan",
        arg(&package),
        "--password-file",
        arg(&wrong),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("The password does not open this file"),
        "{}",
        text(&o.stderr)
    );
    assert!(!mine.exists());
    // The right one: her own plan file.
    let o = salesplan(&[
        "import",
        "--db",
        arg(&mine),
        "plan",
        arg(&package),
        "--password-file",
        arg(&pw),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let snap = Store::open(&mine).unwrap().snapshot().unwrap();
    assert_eq!(
        snap.people().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["李娜"]
    );

    // Only exchange files are protected; an empty password file is refused.
    let o = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "xlsx",
        "--out",
        arg(&dir.path().join("x.xlsx")),
        "--password-file",
        arg(&pw),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("protects packages and submissions only"));
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    let o = salesplan(&[
        "export",
        "--db",
        arg(&db),
        "--format",
        "package",
        "--person",
        "李娜",
        "--out",
        arg(&package),
        "--password-file",
        arg(&empty),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("its first line is empty"));
}

#[test]
fn the_app_exports_a_protected_package_and_asks_for_the_password_when_one_is_dropped() {
    let (dir, path) = common::demo();
    let mut h = app(path.clone());
    h.run();
    let ctx = h.ctx.clone();
    h.state_mut()
        .run_command(salesplan::ui::commands::Command::Export, &ctx);
    h.run();
    h.get_by_label("发给个人的计划包（.json）").click();
    h.run();
    common::choose(&mut h, "报告范围", "李娜");
    let file = dir.path().join("李娜-加密.json");
    type_into(&mut h, "保存位置", file.to_str().unwrap());
    type_password(&mut h, "密码（可选）", "春季-2026");
    type_password(&mut h, "再次输入密码", "春季-2025");
    assert!(h.query_by_label_contains("两次输入的密码不一致").is_some());
    type_password(&mut h, "再次输入密码", "春季-2026");
    assert!(h.query_by_label_contains("文件将被加密").is_some());
    h.get_by_label("导出").click();
    h.run();
    let bytes = std::fs::read(&file).expect("the protected package");
    assert!(protect::is_protected(&bytes));
    assert!(
        protect::unprotect(&bytes, "春季-2026")
            .map(|b| String::from_utf8_lossy(&b).contains("李娜"))
            .unwrap()
    );

    // Dropped back on the window: the password is asked for; a wrong one says so.
    drop_file(&mut h, &file);
    assert!(h.query_by_label_contains("受密码保护").is_some());
    type_password(&mut h, "密码", "春季");
    h.get_by_label("打开").click();
    h.run();
    assert!(h.query_by_label_contains("密码无法打开此文件").is_some());
    type_password(&mut h, "密码", "春季-2026");
    h.get_by_label("打开").click();
    h.run();
    let doc = h.state().doc.as_ref().unwrap();
    assert_ne!(doc.store.path(), path.as_path());
    assert_eq!(
        doc.snap
            .people()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>(),
        ["李娜"]
    );
}
