//! The packaging files agree with each other and with the program: icons of the sizes their
//! folders claim, a desktop entry that opens plan files, the plan file type's extension, and
//! every file the .deb installs present.

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A PNG's width and height, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

const SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];

#[test]
fn every_icon_has_the_size_its_folder_names() {
    for size in SIZES {
        let path = format!("packaging/icons/hicolor/{size}x{size}/apps/salesplan.png");
        let bytes = std::fs::read(Path::new(ROOT).join(&path)).unwrap();
        assert_eq!(png_size(&bytes), (size, size), "{path}");
    }
    // The scalable icon is the source image itself.
    assert_eq!(
        read("packaging/icons/hicolor/scalable/apps/salesplan.svg"),
        read("assets/icon/salesplan.svg")
    );

    // The Windows icon holds 16 to 256 px images (a width of 0 means 256).
    let ico = std::fs::read(Path::new(ROOT).join("packaging/icons/salesplan.ico")).unwrap();
    assert_eq!(&ico[..4], &[0, 0, 1, 0], "an icon file");
    let count = u16::from_le_bytes([ico[4], ico[5]]) as usize;
    let mut widths: Vec<u32> = (0..count)
        .map(|i| match ico[6 + 16 * i] {
            0 => 256,
            w => u32::from(w),
        })
        .collect();
    widths.sort_unstable();
    assert_eq!(widths, [16, 24, 32, 48, 64, 128, 256]);

    let icns = std::fs::read(Path::new(ROOT).join("packaging/icons/salesplan.icns")).unwrap();
    assert_eq!(&icns[..4], b"icns");
    assert_eq!(
        u32::from_be_bytes([icns[4], icns[5], icns[6], icns[7]]) as usize,
        icns.len()
    );
}

#[test]
fn the_window_icon_decodes() {
    let icon = salesplan::ui::window_icon();
    assert_eq!((icon.width, icon.height), (256, 256));
    assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    // Not blank: the blue background and the white funnel are both there.
    assert!(
        icon.rgba
            .chunks(4)
            .any(|p| p[3] == 255 && p[2] > 150 && p[0] < 80)
    );
    assert!(icon.rgba.chunks(4).any(|p| p == [255, 255, 255, 255]));
}

/// The value of `key=` in the desktop entry.
fn desktop_value<'a>(entry: &'a str, key: &str) -> &'a str {
    entry
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("the desktop entry has no {key}"))
}

#[test]
fn plan_files_open_in_salesplan_from_the_file_manager() {
    let entry = read("packaging/linux/salesplan.desktop");
    // The file manager passes the file as the first argument, which the app opens.
    assert_eq!(desktop_value(&entry, "Exec"), "salesplan %f");
    assert_eq!(desktop_value(&entry, "Icon"), "salesplan");
    assert_eq!(
        desktop_value(&entry, "MimeType"),
        "application/x-salesplan;"
    );
    // The window's app id (Wayland) / class (X11), so the window gets the entry's icon.
    assert_eq!(desktop_value(&entry, "StartupWMClass"), "salesplan");

    let mime = read("packaging/linux/salesplan-mime.xml");
    assert!(mime.contains(r#"<mime-type type="application/x-salesplan">"#));
    let glob = format!(r#"<glob pattern="*.{}""#, salesplan::store::FILE_EXTENSION);
    assert!(
        mime.contains(&glob),
        "the type is the plan files' extension"
    );

    let metainfo = read("packaging/linux/com.salesplan.SalesPlan.metainfo.xml");
    assert!(metainfo.contains(r#"<launchable type="desktop-id">salesplan.desktop</launchable>"#));
    assert!(metainfo.contains("<mediatype>application/x-salesplan</mediatype>"));
    let version = format!(r#"<release version="{}""#, env!("CARGO_PKG_VERSION"));
    assert!(
        metainfo.contains(&version),
        "the metainfo names this version"
    );

    let wxs = read("packaging/windows/main.wxs");
    assert!(wxs.contains(r#"<Extension Id="salesplan""#));
    let plist = read("packaging/macos/document-types.plist");
    assert!(plist.contains("<string>salesplan</string>"));
}

#[test]
fn every_file_the_packages_install_is_there() {
    let manifest = read("Cargo.toml");
    let deb = manifest
        .split("[package.metadata.deb]")
        .nth(1)
        .expect("cargo deb metadata")
        .split("\n[")
        .next()
        .unwrap();
    let mut sources = 0;
    for line in deb.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("[\"") else {
            continue;
        };
        let source = rest.split('"').next().unwrap();
        if source.starts_with("target/") {
            continue; // built by cargo deb
        }
        assert!(
            Path::new(ROOT).join(source).is_file(),
            "{source} is missing"
        );
        sources += 1;
    }
    assert!(
        sources >= 14,
        "the desktop entry, metainfo, mime type, icons and docs"
    );
    for lib in [
        "libx11-6",
        "libwayland-client0",
        "libxkbcommon0",
        "libegl1",
        "libfontconfig1",
    ] {
        assert!(deb.contains(lib), "the .deb depends on {lib}");
    }
    // The Windows icon: embedded by build.rs and shown by the installer.
    assert!(read("build.rs").contains(r#""packaging/icons/salesplan.ico""#));
    assert!(read("packaging/windows/main.wxs").contains(r"packaging\icons\salesplan.ico"));
    // The macOS bundle's icons.
    let bundle = manifest.split("[package.metadata.bundle]").nth(1).unwrap();
    for size in [32, 128, 256, 512] {
        let path = format!("packaging/icons/hicolor/{size}x{size}/apps/salesplan.png");
        assert!(bundle.contains(&path), "{path}");
    }
}

/// docs/guide.md shows every view in Chinese and English, and every picture it names is there,
/// at the app's default window size.
#[test]
fn the_user_guide_shows_every_view_in_both_languages() {
    use salesplan::ui::views::View;
    let guide = read("docs/guide.md");
    let images: Vec<&str> = guide
        .split("](guide/")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap())
        .collect();
    for image in &images {
        let bytes = std::fs::read(Path::new(ROOT).join("docs/guide").join(image))
            .unwrap_or_else(|e| panic!("docs/guide/{image}: {e}"));
        assert_eq!(png_size(&bytes), (1280, 820), "{image}");
    }
    for lang in ["zh", "en"] {
        for name in ["00-welcome", "00-guide", "00-explain"] {
            assert!(images.contains(&format!("{lang}-{name}.png").as_str()));
        }
        for (i, _) in View::ALL.iter().enumerate() {
            let prefix = format!("{lang}-{:02}-", i + 1);
            assert!(
                images.iter().any(|im| im.starts_with(&prefix)),
                "no {lang} screenshot of view {}",
                i + 1
            );
        }
    }
    assert_eq!(images.len(), 2 * (3 + View::ALL.len()));
}
