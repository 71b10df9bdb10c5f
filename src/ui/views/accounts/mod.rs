//! Accounts: the key-account battle plan (domain §6) — the customer × product matrix, the
//! nine-stage pipeline board, the product and customer sales plans derived from the matrix,
//! each person's goal card, and the customers with their contacts.

mod board;
mod customers;
mod goals;
mod matrix;
mod plans;

use egui::{Color32, Response, RichText, Ui};

use crate::domain::model::{Metric, NodeId};
use crate::domain::money::Money;
use crate::store::accounts::AccountChange;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Matrix,
    Board,
    Plans,
    Goals,
    Customers,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Matrix,
        Tab::Board,
        Tab::Plans,
        Tab::Goals,
        Tab::Customers,
    ];

    fn label_key(self) -> &'static str {
        match self {
            Tab::Matrix => "accounts.tab.matrix",
            Tab::Board => "accounts.tab.board",
            Tab::Plans => "accounts.tab.plans",
            Tab::Goals => "accounts.tab.goals",
            Tab::Customers => "accounts.tab.customers",
        }
    }
}

/// What the Accounts view keeps between frames.
#[derive(Debug, Default)]
pub struct State {
    pub tab: Tab,
    /// Whose battle plan (None = everyone).
    pub person: Option<NodeId>,
    pub matrix: matrix::State,
    pub board: board::State,
    pub goals: goals::State,
    pub customers: customers::State,
    /// The date stage changes are recorded with (empty = today).
    pub date: String,
}

pub fn accounts_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::heading(ui, &ctx.tr("view.accounts"));
    if state
        .person
        .is_some_and(|p| !ctx.snap.people().any(|n| n.id == p))
    {
        state.person = None;
    }
    ui.horizontal(|ui| {
        for tab in Tab::ALL {
            if ui
                .selectable_label(state.tab == tab, ctx.tr(tab.label_key()))
                .clicked()
            {
                state.tab = tab;
            }
        }
        ui.separator();
        person_picker(
            ui,
            ctx,
            "accounts_person",
            "col.person",
            &mut state.person,
            true,
        );
        if matches!(state.tab, Tab::Matrix | Tab::Board) {
            ui.separator();
            if state.date.is_empty() {
                state.date = today().to_string();
            }
            field(ui, &ctx.tr("accounts.date"), &mut state.date, 100.0)
                .on_hover_text(ctx.tr("accounts.date.hint"));
        }
    });
    let date = crate::domain::period::parse_date(state.date.trim()).ok();
    if matches!(state.tab, Tab::Matrix | Tab::Board) && date.is_none() {
        widgets::warning(
            ui,
            &ctx.trf(
                "accounts.err.date",
                &[("value", state.date.trim().to_owned())],
            ),
        );
    }
    let date = date.unwrap_or_else(today);
    ui.add_space(6.0);
    let mut out = Vec::new();
    match state.tab {
        Tab::Matrix => matrix::matrix_ui(ui, ctx, state.person, date, &mut state.matrix, &mut out),
        Tab::Board => board::board_ui(ui, ctx, state.person, date, &mut state.board, &mut out),
        Tab::Plans => plans::plans_ui(ui, ctx, state.person),
        Tab::Goals => goals::goals_ui(ui, ctx, &mut state.person, &mut state.goals, &mut out),
        Tab::Customers => {
            customers::customers_ui(ui, ctx, state.person, &mut state.customers, &mut out)
        }
    }
    // The battle plan is worked all year: a confirmed target version does not freeze it.
    actions.extend(out.into_iter().map(Action::Account));
}

/// A person picker; with `all`, "everyone" is a choice (None).
pub(super) fn person_picker(
    ui: &mut Ui,
    ctx: &ViewCtx,
    salt: &str,
    label_key: &str,
    person: &mut Option<NodeId>,
    all: bool,
) {
    let label = ui.label(ctx.tr(label_key));
    let everyone = ctx.tr("accounts.everyone").into_owned();
    let shown = person.map(|p| ctx.node_name(p)).unwrap_or(everyone.clone());
    egui::ComboBox::from_id_salt(salt)
        .selected_text(shown)
        .width(140.0)
        .show_ui(ui, |ui| {
            if all {
                ui.selectable_value(person, None, everyone);
            }
            for p in ctx.snap.people() {
                ui.selectable_value(person, Some(p.id), &p.name);
            }
        })
        .response
        .labelled_by(label.id);
}

/// Warns when `amount` more for the customer would exceed the credit limit of its rating.
pub(super) fn credit_flag(
    ui: &mut Ui,
    ctx: &ViewCtx,
    customer: crate::domain::model::CustomerId,
    amount: Money,
    day: jiff::civil::Date,
) {
    use crate::domain::receivables;
    let snap = ctx.snap;
    let r = &snap.receivables;
    let Some(terms) = receivables::terms_of(&snap.customers, &r.terms, customer) else {
        return;
    };
    let ex = receivables::exposure(
        customer,
        Some(terms),
        &r.contracts,
        &r.installments,
        &r.receipts,
        day,
        amount,
    );
    if let (Some(over), Some(limit)) = (ex.over_by, ex.limit) {
        widgets::warning(
            ui,
            &ctx.trf(
                "receivables.over_limit",
                &[
                    ("rating", terms.rating.clone()),
                    ("limit", ctx.money_with_unit(limit.fen())),
                    ("outstanding", ctx.money_with_unit(ex.outstanding.fen())),
                    ("over", ctx.money_with_unit(over.fen())),
                ],
            ),
        );
    }
}

/// A stage picker showing "position name".
pub(super) fn stage_combo(ui: &mut Ui, ctx: &ViewCtx, salt: &str, stage: &mut u8) {
    let label = ui.label(ctx.tr("matrix.stage"));
    egui::ComboBox::from_id_salt(salt)
        .selected_text(format!("{} {}", stage, stage_name(ctx, *stage)))
        .width(180.0)
        .show_ui(ui, |ui| {
            for s in &ctx.snap.stages {
                ui.selectable_value(
                    stage,
                    s.position,
                    format!("{} {}", s.position, stage_name(ctx, s.position)),
                );
            }
        })
        .response
        .labelled_by(label.id);
}

/// A customer's name, or "—".
pub(super) fn customer_name(ctx: &ViewCtx, id: Option<crate::domain::model::CustomerId>) -> String {
    id.and_then(|c| ctx.snap.customers.iter().find(|x| x.id == c))
        .map(|x| x.name.clone())
        .unwrap_or_else(|| "—".into())
}

/// A product's name, or "—".
pub(super) fn product_name(ctx: &ViewCtx, id: Option<crate::domain::model::ProductId>) -> String {
    id.and_then(|p| ctx.snap.products.iter().find(|x| x.id == p))
        .map(|x| x.name.clone())
        .unwrap_or_else(|| "—".into())
}

/// A stage's name: the user's, else the built-in one.
pub(super) fn stage_name(ctx: &ViewCtx, position: u8) -> String {
    crate::exchange::export::stage_name(ctx.snap, ctx.lang(), position)
}

/// A stage's playbook: the user's, else the article's for the nine built-in stages.
pub(super) fn stage_playbook(ctx: &ViewCtx, position: u8) -> String {
    ctx.snap
        .stages
        .iter()
        .find(|s| s.position == position && !s.playbook.trim().is_empty())
        .map(|s| s.playbook.clone())
        .unwrap_or_else(|| {
            if (1..=9).contains(&position) {
                ctx.tr(&format!("stage.playbook.{position}")).into_owned()
            } else {
                String::new()
            }
        })
}

/// The colour of a stage: cool for finding and qualifying, warm for winning, green once signed,
/// teal for delivery and retention.
pub(super) fn stage_color(position: u8, won_stage: u8, dark: bool) -> Color32 {
    let light = [
        Color32::from_rgb(226, 232, 240),
        Color32::from_rgb(207, 224, 250),
        Color32::from_rgb(186, 212, 250),
        Color32::from_rgb(253, 236, 200),
        Color32::from_rgb(252, 215, 170),
        Color32::from_rgb(198, 239, 206),
        Color32::from_rgb(190, 235, 235),
        Color32::from_rgb(205, 228, 240),
        Color32::from_rgb(225, 215, 245),
    ];
    let dark_p = [
        Color32::from_rgb(60, 66, 76),
        Color32::from_rgb(40, 62, 98),
        Color32::from_rgb(34, 72, 120),
        Color32::from_rgb(98, 80, 36),
        Color32::from_rgb(112, 70, 30),
        Color32::from_rgb(36, 96, 52),
        Color32::from_rgb(30, 90, 92),
        Color32::from_rgb(40, 76, 96),
        Color32::from_rgb(78, 60, 110),
    ];
    // Stages map onto the palette around the won stage, whatever their number.
    let i = if position < won_stage {
        usize::from(position.saturating_sub(1)).min(4)
    } else {
        (5 + usize::from(position - won_stage)).min(8)
    };
    if dark { dark_p[i] } else { light[i] }
}

/// Today, for dating moves.
pub(super) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// Reads an amount typed in the display unit (or with its own unit); empty is zero.
pub(super) fn parse_amount(ctx: &ViewCtx, field: &str, text: &str) -> Result<Money, String> {
    match crate::domain::grid::parse_cell(text, Metric::ContractAmount, ctx.unit()) {
        Ok(v) => Ok(Money::from_fen(v.unwrap_or(0))),
        Err(reason) => {
            let why = match reason {
                crate::domain::grid::CellReason::NotAmount(why) => why,
                _ => ctx.tr("grid.err.negative").into_owned(),
            };
            Err(ctx.trf(
                "accounts.err.amount",
                &[
                    ("field", field.to_owned()),
                    ("value", text.to_owned()),
                    ("why", why),
                ],
            ))
        }
    }
}

/// An amount as typed into a field, in the display unit.
pub(super) fn amount_text(ctx: &ViewCtx, m: Money) -> String {
    crate::domain::grid::format_cell(Some(m.fen()), Metric::ContractAmount, ctx.unit())
}

/// A labelled single-line field of a fixed width, named for screen readers and tests.
pub(super) fn field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> Response {
    let l = ui.label(label);
    ui.add_sized([width, 20.0], egui::TextEdit::singleline(text))
        .labelled_by(l.id)
}

/// An error line under a form.
pub(super) fn error_line(ui: &mut Ui, error: &Option<String>) {
    if let Some(e) = error {
        let color = crate::ui::theme::bad(ui.visuals().dark_mode);
        ui.label(RichText::new(e).color(color));
    }
}

pub(super) type Out = Vec<AccountChange>;
