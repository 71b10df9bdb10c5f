//! Build information: the git commit the binary was built from, for the About box (a source
//! package without git builds fine and says "unknown"); and, only when building for Windows,
//! the icon and version resource embedded in the executable.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=SALESPLAN_GIT_COMMIT={commit}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");

    // The target, not the host this script runs on: a Windows build made on Linux (with
    // mingw-w64's windres) gets its icon too; a Linux build never needs a resource compiler.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resource(&commit);
    }
}

fn windows_resource(commit: &str) {
    const ICON: &str = "packaging/icons/salesplan.ico";
    println!("cargo:rerun-if-changed={ICON}");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let mut res = winresource::WindowsResource::new();
    res.set_icon(ICON)
        .set("ProductName", "SalesPlan")
        .set("FileDescription", "SalesPlan (销售作战计划)")
        .set("InternalName", "salesplan")
        .set("OriginalFilename", "salesplan.exe")
        .set("LegalCopyright", "2026, The SalesPlan developers")
        .set("ProductVersion", &format!("{version} ({commit})"));
    if let Err(e) = res.compile() {
        // Without the Windows SDK's rc.exe or mingw-w64's windres the program still builds;
        // it only lacks its icon in Explorer.
        println!("cargo:warning=the Windows icon and version resource were not embedded: {e}");
    }
}
