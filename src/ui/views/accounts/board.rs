//! The nine-stage pipeline board: a column per stage with its playbook, the opportunities as
//! cards. Drag a card to another column (or use its arrows) to move it; each move is recorded
//! with its date and feeds the conversion rates and stage durations. The stages themselves are
//! edited below the board.

use egui::{RichText, Ui};

use super::{Out, error_line, field, parse_amount, stage_color, stage_name, stage_playbook};
use crate::domain::battle;
use crate::domain::model::{CustomerId, DealStatus, NodeId, Opportunity, OpportunityId, ProductId};
use crate::domain::ratio::Ratio;
use crate::store::accounts::AccountChange;
use crate::store::pipeline::NewOpportunity;
use crate::ui::views::{Memo, ViewCtx};

const COLUMN_WIDTH: f32 = 180.0;
/// Cards shown in one column.
const MAX_CARDS: usize = 30;
/// A card's height with its margins.
const CARD_HEIGHT: f32 = 120.0;
/// The most a column's cards take of the window's height before they scroll.
const COLUMN_HEIGHT: f32 = 520.0;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct StageDraft {
    name: String,
    probability: String,
    playbook: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct NewDraft {
    name: String,
    customer: Option<CustomerId>,
    product: Option<ProductId>,
    stage: u8,
    value: String,
    close_month: String,
    error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The stage editor's rows (None until opened), and the generation they were read at.
    stages: Option<(u64, Vec<StageDraft>)>,
    stage_error: Option<String>,
    new: Option<NewDraft>,
    /// The board as last computed, for a generation and person.
    board: Memo<(u64, Option<NodeId>), Board>,
}

/// A card on the board: the opportunity and the day it entered its stage.
type Card = (OpportunityId, Option<jiff::civil::Date>);

/// What the board shows for one person (or everyone): computed once per change of the plan, as
/// a plan can hold hundreds of thousands of opportunities and moves.
struct Board {
    columns: Vec<battle::StageColumn>,
    /// Per column: the cards it shows (the biggest deals first) with the day each entered
    /// its stage, and how many more the column holds.
    cards: Vec<(Vec<Card>, usize)>,
}

impl Board {
    fn new(snap: &crate::domain::model::PlanSnapshot, person: Option<NodeId>) -> Board {
        let columns = battle::pipeline_by_stage(snap, person);
        let mut here: Vec<Vec<&Opportunity>> = vec![Vec::new(); columns.len()];
        for o in battle::on_board(snap, person) {
            if let Some(i) = columns.iter().position(|c| c.stage == o.stage) {
                here[i].push(o);
            }
        }
        let cards = here
            .into_iter()
            .map(|mut list| {
                // A column shows at most MAX_CARDS (a CRM import can put thousands in a
                // stage).
                list.sort_by_key(|o| std::cmp::Reverse(o.value.map(|v| v.fen()).unwrap_or(0)));
                let more = list.len().saturating_sub(MAX_CARDS);
                let shown = list
                    .iter()
                    .take(MAX_CARDS)
                    .map(|o| (o.id, battle::entered_current_stage(snap, o)))
                    .collect();
                (shown, more)
            })
            .collect();
        Board { columns, cards }
    }
}

fn card(
    ui: &mut Ui,
    ctx: &ViewCtx,
    o: &Opportunity,
    entered: Option<jiff::civil::Date>,
    date: jiff::civil::Date,
    last_stage: u8,
    out: &mut Out,
) {
    let snap = ctx.snap;
    let dark = ui.visuals().dark_mode;
    let won_stage = crate::domain::person_funnel::won_stage(snap);
    let customer = super::customer_name(ctx, o.customer);
    let product = super::product_name(ctx, o.product);
    let title = if o.source_id.is_none() {
        format!("{customer} · {product}")
    } else {
        format!(
            "{customer} · {product} ({})",
            o.source_id.as_deref().unwrap_or("")
        )
    };
    let days = entered
        .and_then(|d| date.since(d).ok())
        .map(|s| s.get_days());
    egui::Frame::new()
        .fill(stage_color(o.stage, won_stage, dark))
        .corner_radius(4.0)
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.set_width(COLUMN_WIDTH - 24.0);
            // Every card as tall, so a column draws only the cards in view.
            ui.set_min_height(CARD_HEIGHT - 12.0);
            let drag =
                ui.dnd_drag_source(egui::Id::unique(("salesplan.card", o.id.0)), o.id, |ui| {
                    ui.add(egui::Label::new(RichText::new(&title).strong()).truncate());
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(
                                ctx.money_with_unit(o.value.map(|v| v.fen()).unwrap_or(0)),
                            )
                            .monospace(),
                        );
                        if let Some(p) = o.person {
                            ui.label(RichText::new(ctx.node_name(p)).weak());
                        }
                    });
                    if let Some(d) = days {
                        ui.label(
                            RichText::new(ctx.trf("board.days", &[("n", d.max(0).to_string())]))
                                .small()
                                .weak(),
                        );
                    }
                    let playbook = stage_playbook(ctx, o.stage);
                    if !playbook.is_empty() {
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!("» {playbook}")).small().italics(),
                            )
                            .truncate(),
                        )
                        .on_hover_text(playbook);
                    }
                });
            // The card takes the pointer (to be dragged): its hover says how to move it and how
            // its days in the stage are counted.
            let hint = match (days, entered) {
                (Some(d), Some(entered)) => format!(
                    "{}\n{}",
                    ctx.tr("board.drag_hint"),
                    ctx.trf(
                        "board.days.explain",
                        &[
                            ("date", date.to_string()),
                            ("entered", entered.to_string()),
                            ("n", d.max(0).to_string()),
                        ],
                    )
                ),
                _ => ctx.tr("board.drag_hint").into_owned(),
            };
            drag.response
                .on_hover_text(hint)
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ListItem, true, &title));
            ui.horizontal(|ui| {
                let back = ui
                    .add_enabled(o.stage > 1, egui::Button::new("←").small())
                    .on_hover_text(ctx.tr("board.back"));
                back.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Button,
                        o.stage > 1,
                        format!("{} {title}", ctx.tr("board.back")),
                    )
                });
                if back.clicked() {
                    out.push(AccountChange::MoveOpportunity {
                        id: o.id,
                        stage: o.stage - 1,
                        date,
                    });
                }
                let forward = ui
                    .add_enabled(o.stage < last_stage, egui::Button::new("→").small())
                    .on_hover_text(ctx.tr("board.forward"));
                forward.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Button,
                        o.stage < last_stage,
                        format!("{} {title}", ctx.tr("board.forward")),
                    )
                });
                if forward.clicked() {
                    out.push(AccountChange::MoveOpportunity {
                        id: o.id,
                        stage: o.stage + 1,
                        date,
                    });
                }
                let lost_key = if o.status == DealStatus::Won {
                    "board.failed"
                } else {
                    "board.lost"
                };
                if ui
                    .add(egui::Button::new(ctx.tr(lost_key)).small())
                    .on_hover_text(ctx.tr(&format!("{lost_key}.hint")))
                    .clicked()
                {
                    out.push(AccountChange::LoseOpportunity { id: o.id, date });
                }
            });
        });
}

pub fn board_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    person: Option<NodeId>,
    date: jiff::civil::Date,
    state: &mut State,
    out: &mut Out,
) {
    let snap = ctx.snap;
    ui.label(RichText::new(ctx.tr("board.intro")).weak());
    let board = state
        .board
        .get((ctx.generation, person), |_| Board::new(snap, person));
    let last_stage = snap.stages.last().map(|s| s.position).unwrap_or(1);
    let mut moved: Option<(OpportunityId, u8)> = None;
    egui::ScrollArea::horizontal()
        .id_salt("board_scroll")
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                for (col, (cards, more)) in board.columns.iter().zip(&board.cards) {
                    let frame = egui::Frame::group(ui.style()).inner_margin(6.0);
                    let (_, dropped) = ui.dnd_drop_zone::<OpportunityId, ()>(frame, |ui| {
                        // A column: its texts wrap at the column's width.
                        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                            ui.set_width(COLUMN_WIDTH - 12.0);
                            ui.set_min_height(320.0);
                            ui.add(
                                egui::Label::new(
                                    RichText::new(format!(
                                        "{} {}",
                                        col.stage,
                                        stage_name(ctx, col.stage)
                                    ))
                                    .strong(),
                                )
                                .truncate(),
                            );
                            ui.label(
                                RichText::new(ctx.trf(
                                    "board.column",
                                    &[
                                        ("n", col.count.to_string()),
                                        ("value", ctx.money(col.value.fen())),
                                        ("weighted", ctx.money(col.weighted.fen())),
                                    ],
                                ))
                                .small(),
                            )
                            .on_hover_text(
                                ctx.trf(
                                    "board.column.explain",
                                    &[
                                        ("n", col.count.to_string()),
                                        ("value", ctx.money_with_unit(col.value.fen())),
                                        (
                                            "p",
                                            snap.stages
                                                .iter()
                                                .find(|s| s.position == col.stage)
                                                .map(|s| s.probability.format_percent(2))
                                                .unwrap_or_default(),
                                        ),
                                        ("weighted", ctx.money_with_unit(col.weighted.fen())),
                                    ],
                                ),
                            );
                            let playbook = stage_playbook(ctx, col.stage);
                            if !playbook.is_empty() {
                                ui.label(RichText::new(playbook).small().weak());
                            }
                            ui.separator();
                            // The cards scroll within the column; only those in view are
                            // drawn.
                            let rows = cards.len() + usize::from(*more > 0);
                            egui::ScrollArea::vertical()
                                .id_salt(("board_column", col.stage))
                                .max_height(COLUMN_HEIGHT)
                                .show_rows(ui, CARD_HEIGHT, rows, |ui, range| {
                                    for i in range {
                                        if let Some((id, entered)) = cards.get(i) {
                                            if let Some(o) = snap.opportunity(*id) {
                                                card(ui, ctx, o, *entered, date, last_stage, out);
                                            }
                                        } else {
                                            ui.label(
                                                RichText::new(
                                                    ctx.trf(
                                                        "board.more",
                                                        &[("n", more.to_string())],
                                                    ),
                                                )
                                                .small()
                                                .weak(),
                                            );
                                        }
                                    }
                                });
                        });
                    });
                    if let Some(id) = dropped {
                        moved = Some((*id, col.stage));
                    }
                }
            });
        });
    if let Some((id, stage)) = moved
        && snap.opportunity(id).is_some_and(|o| o.stage != stage)
    {
        out.push(AccountChange::MoveOpportunity { id, stage, date });
    }

    ui.add_space(8.0);
    new_opportunity(ui, ctx, person, date, state, out);
    ui.add_space(8.0);
    stage_editor(ui, ctx, state, out);
}

fn new_opportunity(
    ui: &mut Ui,
    ctx: &ViewCtx,
    person: Option<NodeId>,
    date: jiff::civil::Date,
    state: &mut State,
    out: &mut Out,
) {
    let snap = ctx.snap;
    if state.new.is_none() {
        if ui.button(ctx.tr("board.add")).clicked() {
            state.new = Some(NewDraft {
                stage: 1,
                ..NewDraft::default()
            });
        }
        return;
    }
    let Some(d) = state.new.as_mut() else { return };
    let mut close = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(ctx.tr("board.add")).strong());
        let name_of_c = |c| super::customer_name(ctx, c);
        let name_of_p = |p| super::product_name(ctx, p);
        egui::Grid::new("board_new")
            .num_columns(4)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                field(ui, &ctx.tr("board.name"), &mut d.name, 200.0);
                let label = ui.label(ctx.tr("col.customer"));
                egui::ComboBox::from_id_salt("board_new_customer")
                    .selected_text(name_of_c(d.customer))
                    .width(180.0)
                    .show_ui(ui, |ui| {
                        for c in snap
                            .customers
                            .iter()
                            .filter(|c| person.is_none_or(|p| c.owner == Some(p)))
                        {
                            ui.selectable_value(&mut d.customer, Some(c.id), &c.name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(ctx.tr("col.product"));
                egui::ComboBox::from_id_salt("board_new_product")
                    .selected_text(name_of_p(d.product))
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        for p in &snap.products {
                            ui.selectable_value(&mut d.product, Some(p.id), &p.name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                super::stage_combo(ui, ctx, "board_new_stage", &mut d.stage);
                ui.end_row();
                field(ui, &ctx.with_unit("board.value"), &mut d.value, 200.0);
                field(ui, &ctx.tr("matrix.close_month"), &mut d.close_month, 180.0);
                ui.end_row();
            });
        // A deal that would take the customer over its credit limit is flagged.
        if let (Some(c), Ok(v)) = (d.customer, parse_amount(ctx, "", &d.value))
            && v.fen() > 0
        {
            super::credit_flag(ui, ctx, c, v, date);
        }
        ui.horizontal(|ui| {
            if ui.button(ctx.tr("board.create")).clicked() {
                let value = parse_amount(ctx, &ctx.tr("board.value"), &d.value);
                let close_month = if d.close_month.trim().is_empty() {
                    Ok(None)
                } else {
                    super::matrix::parse_month(&d.close_month)
                        .map(|m| Some(m.last_of_month()))
                        .ok_or_else(|| {
                            ctx.trf(
                                "matrix.err.month",
                                &[("value", d.close_month.trim().to_owned())],
                            )
                        })
                };
                match (value, close_month) {
                    (Err(e), _) | (_, Err(e)) => d.error = Some(e),
                    (Ok(value), Ok(expected_close)) => {
                        let owner = d.customer.and_then(|c| battle::owner_of(snap, c));
                        let name = if d.name.trim().is_empty() {
                            format!("{} · {}", name_of_c(d.customer), name_of_p(d.product))
                        } else {
                            d.name.trim().to_owned()
                        };
                        out.push(AccountChange::AddOpportunity(NewOpportunity {
                            name,
                            person: person.or(owner),
                            customer: d.customer,
                            product: d.product,
                            stage: d.stage,
                            value: Some(value),
                            engaged: date,
                            expected_close,
                        }));
                        close = true;
                    }
                }
            }
            if ui.button(ctx.tr("dialog.cancel")).clicked() {
                close = true;
            }
        });
        error_line(ui, &d.error);
    });
    if close {
        state.new = None;
    }
}

fn stage_editor(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, out: &mut Out) {
    let snap = ctx.snap;
    egui::CollapsingHeader::new(ctx.tr("board.stages"))
        .id_salt("board_stages")
        .show(ui, |ui| {
            // The rows are read again whenever the plan changed (undo, another edit).
            if state
                .stages
                .as_ref()
                .is_none_or(|(g, _)| *g != ctx.generation)
            {
                let rows = snap
                    .stages
                    .iter()
                    .map(|s| StageDraft {
                        name: stage_name(ctx, s.position),
                        probability: s.probability.format_percent(4),
                        playbook: stage_playbook(ctx, s.position),
                    })
                    .collect();
                state.stages = Some((ctx.generation, rows));
            }
            let Some((_, rows)) = state.stages.as_mut() else {
                return;
            };
            let mut save: Option<usize> = None;
            egui::Grid::new("board_stage_grid")
                .num_columns(5)
                .spacing([8.0, 4.0])
                .striped(true)
                .show(ui, |ui| {
                    for key in ["board.stage.no", "board.stage.name", "matrix.probability"] {
                        ui.label(RichText::new(ctx.tr(key)).strong());
                    }
                    ui.label(RichText::new(ctx.tr("board.stage.playbook")).strong());
                    ui.label("");
                    ui.end_row();
                    for (i, (s, row)) in snap.stages.iter().zip(rows.iter_mut()).enumerate() {
                        ui.label(s.position.to_string());
                        let label = format!("{} {}", ctx.tr("board.stage.name"), s.position);
                        ui.add_sized([150.0, 20.0], egui::TextEdit::singleline(&mut row.name))
                            .widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::TextInput, true, &label)
                            });
                        let label = format!("{} {}", ctx.tr("matrix.probability"), s.position);
                        ui.add_sized(
                            [70.0, 20.0],
                            egui::TextEdit::singleline(&mut row.probability),
                        )
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::TextInput, true, &label)
                        });
                        let label = format!("{} {}", ctx.tr("board.stage.playbook"), s.position);
                        ui.add_sized([520.0, 20.0], egui::TextEdit::singleline(&mut row.playbook))
                            .widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::TextInput, true, &label)
                            });
                        let changed = row.name != stage_name(ctx, s.position)
                            || row.probability != s.probability.format_percent(4)
                            || row.playbook != stage_playbook(ctx, s.position);
                        let button =
                            ui.add_enabled(changed, egui::Button::new(ctx.tr("board.stage.save")));
                        let label = format!("{} {}", ctx.tr("board.stage.save"), s.position);
                        button.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, changed, &label)
                        });
                        if button.clicked() {
                            save = Some(i);
                        }
                        ui.end_row();
                    }
                });
            if let Some(i) = save
                && let (Some(s), Some(row)) = (snap.stages.get(i), rows.get(i))
            {
                match Ratio::parse(&row.probability) {
                    Ok(p) if !p.is_negative() && p <= Ratio::ONE => {
                        // The built-in name and playbook stay translatable: typed text equal
                        // to them is stored as "use the built-in".
                        let builtin_name = ctx
                            .tr(&crate::domain::model::PipelineStage::builtin_key(
                                s.position,
                            ))
                            .into_owned();
                        let builtin_playbook = if (1..=9).contains(&s.position) {
                            ctx.tr(&format!("stage.playbook.{}", s.position))
                                .into_owned()
                        } else {
                            String::new()
                        };
                        let keep = |typed: &str, builtin: &str| {
                            if typed.trim() == builtin {
                                String::new()
                            } else {
                                typed.trim().to_owned()
                            }
                        };
                        out.push(AccountChange::SetStage {
                            position: s.position,
                            name: keep(&row.name, &builtin_name),
                            probability: p,
                            playbook: keep(&row.playbook, &builtin_playbook),
                        });
                        state.stage_error = None;
                    }
                    _ => {
                        state.stage_error = Some(ctx.trf(
                            "matrix.err.probability",
                            &[("value", row.probability.trim().to_owned())],
                        ));
                    }
                }
            }
            error_line(ui, &state.stage_error);
        });
}
