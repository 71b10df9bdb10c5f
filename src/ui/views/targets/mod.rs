//! Targets: the leader's screen. Derive the year's target step by step (strategy, history,
//! cycles, competitors, blend, override, stretch), allocate it exactly down the organisation,
//! across product lines and over the months, and see every unit's target in one table.

mod allocate;
mod derive;
mod table;

use egui::Ui;

use crate::domain::model::VersionState;
use crate::domain::money::{AmountUnit, Money};
use crate::domain::ratio::Ratio;
use crate::i18n::Localized;
use crate::ui::theme;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets;

/// The parts of the Targets view, one at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Derivation,
    Allocation,
    Table,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Derivation, Tab::Allocation, Tab::Table];

    fn label_key(self) -> &'static str {
        match self {
            Tab::Derivation => "targets.tab.derivation",
            Tab::Allocation => "targets.tab.allocation",
            Tab::Table => "targets.tab.table",
        }
    }
}

#[derive(Default)]
pub struct State {
    pub tab: Tab,
    derive: derive::State,
    allocate: allocate::State,
    table: table::State,
}

pub fn targets_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::heading(ui, &ctx.tr("view.targets"));
    let version = ctx.snap.current_version();
    if let Some(v) = version {
        ui.label(ctx.trf("targets.version", &[("name", ctx.version_label(v))]));
    }
    ui.add_space(theme::SECTION_GAP / 2.0);
    ui.horizontal(|ui| {
        for tab in Tab::ALL {
            ui.selectable_value(&mut state.tab, tab, ctx.tr(tab.label_key()));
        }
    });
    ui.separator();
    let editable = version.is_some_and(|v| v.state == VersionState::Open);
    if !editable {
        widgets::note(ui, &ctx.tr("targets.locked"));
    }
    match state.tab {
        Tab::Derivation => derive::derive_ui(ui, ctx, &mut state.derive, editable, actions),
        Tab::Allocation => allocate::allocate_ui(ui, ctx, &mut state.allocate, editable, actions),
        Tab::Table => table::table_ui(ui, ctx, &mut state.table, actions),
    }
}

/// Reads an amount typed in a form: a plain number is in the unit the user chose (万 or 元);
/// `5亿`, `6,900万`, `1000元` say their unit.
pub(crate) fn parse_amount(ctx: &ViewCtx, text: &str) -> Result<Money, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ctx.tr("targets.required").into_owned());
    }
    let plain = trimmed
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let with_unit = if plain && ctx.unit() == AmountUnit::Wan {
        format!("{trimmed}万")
    } else {
        trimmed.to_owned()
    };
    Money::parse(&with_unit).map_err(|e| {
        // Say the text as typed, not with the unit added.
        let mut e = e;
        e.input = trimmed.to_owned();
        e.localize(ctx.lang())
    })
}

/// An amount as it is shown in a form field, in the chosen unit without the unit.
pub(crate) fn amount_text(ctx: &ViewCtx, m: Money) -> String {
    match ctx.unit() {
        AmountUnit::Yuan => m.format(AmountUnit::Yuan),
        // Exact, so that a value read back is the value stored.
        AmountUnit::Wan => m.format_exact_wan(),
    }
}

/// Reads a percentage typed in a form: `15`, `15%`, `12.5 %`, `-3`; a fraction `3/4` is taken
/// as it is.
pub(crate) fn parse_percent(ctx: &ViewCtx, text: &str) -> Result<Ratio, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ctx.tr("targets.required").into_owned());
    }
    let with_sign = if trimmed.contains('%') || trimmed.contains('％') || trimmed.contains('/') {
        trimmed.to_owned()
    } else {
        format!("{trimmed}%")
    };
    Ratio::parse(&with_sign).map_err(|e| {
        let mut e = e;
        e.input = trimmed.to_owned();
        e.localize(ctx.lang())
    })
}

/// A percentage as it is shown in a form field.
pub(crate) fn percent_text(r: Ratio) -> String {
    r.format_percent(8)
}
