//! Design tokens: spacing, sizes and the few colours that carry meaning (on track, watch,
//! behind), for light and dark themes alike.

use egui::Color32;
use serde::{Deserialize, Serialize};

/// The user's theme choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [Self::System, Self::Light, Self::Dark];

    pub fn label_key(self) -> &'static str {
        match self {
            Self::System => "settings.theme.system",
            Self::Light => "settings.theme.light",
            Self::Dark => "settings.theme.dark",
        }
    }

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

pub const NAV_WIDTH: f32 = 168.0;
/// The getting-started path beside the views.
pub const GUIDE_WIDTH: f32 = 230.0;
pub const SECTION_GAP: f32 = 14.0;
pub const CARD_MIN_WIDTH: f32 = 180.0;
pub const HEADING_SIZE: f32 = 22.0;
pub const SUBHEADING_SIZE: f32 = 16.0;
pub const BIG_NUMBER_SIZE: f32 = 24.0;
/// Width of a money column in tables.
pub const AMOUNT_COLUMN: f32 = 130.0;

pub fn good(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(110, 200, 130)
    } else {
        Color32::from_rgb(30, 130, 60)
    }
}

pub fn warn(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(235, 190, 90)
    } else {
        Color32::from_rgb(170, 110, 0)
    }
}

pub fn bad(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(240, 120, 110)
    } else {
        Color32::from_rgb(190, 40, 30)
    }
}

/// The accent used for bars and selected items.
pub fn accent(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(90, 150, 230)
    } else {
        Color32::from_rgb(40, 100, 200)
    }
}

/// Colours for series (product lines, years) in charts.
pub fn series(i: usize) -> Color32 {
    const PALETTE: [Color32; 6] = [
        Color32::from_rgb(66, 133, 244),
        Color32::from_rgb(234, 134, 36),
        Color32::from_rgb(52, 168, 83),
        Color32::from_rgb(171, 71, 188),
        Color32::from_rgb(0, 172, 193),
        Color32::from_rgb(229, 57, 53),
    ];
    PALETTE[i % PALETTE.len()]
}
