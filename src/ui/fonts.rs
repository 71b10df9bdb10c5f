//! Fonts: the embedded Simplified Chinese font (Noto Sans SC, GB2312 subset, SIL OFL 1.1 — see
//! `assets/fonts/OFL.txt`) as a fallback after egui's own Latin fonts. Rarer characters outside
//! GB2312 come from the system's fonts (eframe's system font fallback).

use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};

const NOTO_SANS_SC: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-GB2312-subset.otf");

/// Adds the Chinese font to both font families of `ctx`.
pub fn install(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "NotoSansSC",
        FontData::from_static(NOTO_SANS_SC),
        vec![
            InsertFontFamily {
                family: egui::FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: egui::FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}
