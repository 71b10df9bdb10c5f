//! The customer × product matrix: customers down, products across; each cell the stage (in its
//! colour), the strategy, the resources, the potential, the close month and the probability.
//! Click a cell to fill or edit it in place.

use std::collections::HashMap;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Out, amount_text, error_line, field, parse_amount, stage_color, stage_name};
use crate::domain::battle::{self, CellFields, MatrixCell, MatrixFilter};
use crate::domain::model::{CustomerId, DealStatus, NodeId, ProductId};
use crate::domain::ratio::Ratio;
use crate::store::accounts::AccountChange;
use crate::ui::views::{Memo, ViewCtx};

/// A cell being edited, with its typed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    customer: CustomerId,
    product: ProductId,
    exists: Option<i64>,
    stage: u8,
    strategy: String,
    people: String,
    budget: String,
    potential: String,
    close_month: String,
    probability: String,
    error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub industry: Option<String>,
    pub stage: Option<u8>,
    draft: Option<Draft>,
    /// The rows as last computed.
    rows: Memo<RowsKey, Vec<Row>>,
}

/// What the rows were computed for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RowsKey {
    generation: u64,
    person: Option<NodeId>,
    industry: Option<String>,
    stage: Option<u8>,
}

/// A customer's row (computed once per key, as a plan can hold tens of thousands of customers
/// and cells; only the rows in view are drawn): what its cells bring to the plan year, and per product (in the order of
/// the plan's products) its cell (an index into the snapshot's matrix) with the figures.
struct Row {
    customer: CustomerId,
    planned: crate::domain::money::Money,
    cells: Vec<Option<(usize, battle::CellFigures)>>,
}

impl Row {
    fn all(snap: &crate::domain::model::PlanSnapshot, key: &RowsKey) -> Vec<Row> {
        let filter = MatrixFilter {
            person: key.person,
            industry: key.industry.clone(),
            stage: None,
        };
        let mut by_customer: HashMap<CustomerId, Vec<usize>> = HashMap::new();
        for (i, m) in snap.matrix.iter().enumerate() {
            by_customer.entry(m.customer).or_default().push(i);
        }
        let column: HashMap<ProductId, usize> = snap
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let mut rows = Vec::new();
        for c in &snap.customers {
            if !filter.customer_matches(snap, c.id) {
                continue;
            }
            let mine = by_customer.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
            let figures: Vec<(usize, battle::CellFigures)> = mine
                .iter()
                .map(|&i| (i, battle::cell_figures(snap, &snap.matrix[i])))
                .collect();
            // With a stage chosen, only customers with a cell at that stage.
            if key
                .stage
                .is_some_and(|s| !figures.iter().any(|(_, f)| f.stage == s))
            {
                continue;
            }
            let planned = figures.iter().map(|(_, f)| f.planned).sum();
            let mut cells = vec![None; snap.products.len()];
            for (i, f) in figures {
                // The first cell of a customer and product, as the list is read.
                if let Some(&col) = column.get(&snap.matrix[i].product)
                    && cells[col].is_none()
                {
                    cells[col] = Some((i, f));
                }
            }
            rows.push(Row {
                customer: c.id,
                planned,
                cells,
            });
        }
        rows
    }
}

fn draft_of(ctx: &ViewCtx, customer: CustomerId, product: ProductId) -> Draft {
    let cell = ctx
        .snap
        .matrix
        .iter()
        .find(|c| c.customer == customer && c.product == product);
    match cell {
        None => Draft {
            customer,
            product,
            exists: None,
            stage: 1,
            strategy: String::new(),
            people: "0".into(),
            budget: String::new(),
            potential: String::new(),
            close_month: String::new(),
            probability: String::new(),
            error: None,
        },
        Some(c) => {
            let f = battle::cell_figures(ctx.snap, c);
            Draft {
                customer,
                product,
                exists: Some(c.id),
                stage: f.stage,
                strategy: c.fields.strategy.clone(),
                people: c.fields.people.to_string(),
                budget: amount_text(ctx, c.fields.budget),
                potential: amount_text(ctx, c.fields.potential),
                close_month: c
                    .fields
                    .close_month
                    .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
                    .unwrap_or_default(),
                probability: c
                    .fields
                    .probability
                    .map(|p| p.format_percent(4))
                    .unwrap_or_default(),
                error: None,
            }
        }
    }
}

/// Reads `2026-03`, `2026-3`, `2026/3` or `2026.3` as the first day of that month.
pub(super) fn parse_month(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    let (y, m) = t.split_once(['-', '/', '.'])?;
    let y: i16 = y.trim().parse().ok()?;
    let m: i8 = m.trim().parse().ok()?;
    jiff::civil::Date::new(y, m, 1).ok()
}

fn parse(ctx: &ViewCtx, d: &Draft) -> Result<CellFields, String> {
    let people = if d.people.trim().is_empty() {
        0
    } else {
        d.people.trim().parse::<u32>().map_err(|_| {
            ctx.trf(
                "matrix.err.people",
                &[("value", d.people.trim().to_owned())],
            )
        })?
    };
    let budget = parse_amount(ctx, &ctx.tr("matrix.budget"), &d.budget)?;
    let potential = parse_amount(ctx, &ctx.tr("matrix.potential"), &d.potential)?;
    let close_month = if d.close_month.trim().is_empty() {
        None
    } else {
        Some(parse_month(&d.close_month).ok_or_else(|| {
            ctx.trf(
                "matrix.err.month",
                &[("value", d.close_month.trim().to_owned())],
            )
        })?)
    };
    let probability = if d.probability.trim().is_empty() {
        None
    } else {
        match Ratio::parse(&d.probability) {
            Ok(p) if !p.is_negative() && p <= Ratio::ONE => Some(p),
            _ => {
                return Err(ctx.trf(
                    "matrix.err.probability",
                    &[("value", d.probability.trim().to_owned())],
                ));
            }
        }
    };
    Ok(CellFields {
        strategy: d.strategy.trim().to_owned(),
        people,
        budget,
        potential,
        close_month,
        probability,
    })
}

/// What a cell's hover says: every figure with where it comes from.
fn explain(ctx: &ViewCtx, cell: &MatrixCell, f: &battle::CellFigures) -> String {
    let source = match f.probability_source {
        battle::ProbabilitySource::Cell => ctx.tr("matrix.prob.cell"),
        battle::ProbabilitySource::Stage => ctx.tr("matrix.prob.stage"),
        battle::ProbabilitySource::Closed => ctx.tr("matrix.prob.closed"),
    };
    let mut lines = vec![
        format!(
            "{}: {} {}",
            ctx.tr("matrix.stage"),
            f.stage,
            stage_name(ctx, f.stage)
        ),
        format!(
            "{}: {} ({source})",
            ctx.tr("matrix.probability"),
            f.probability.format_percent(2)
        ),
        ctx.trf(
            "matrix.explain.weighted",
            &[
                (
                    "potential",
                    ctx.money_with_unit(cell.fields.potential.fen()),
                ),
                ("p", f.probability.format_percent(2)),
                ("weighted", ctx.money_with_unit(f.weighted.fen())),
            ],
        ),
        format!(
            "{}: {}",
            ctx.tr("matrix.planned"),
            ctx.money_with_unit(f.planned.fen())
        ),
    ];
    if let Some(m) = cell.fields.close_month {
        lines.push(format!(
            "{}: {:04}-{:02}",
            ctx.tr("matrix.close_month"),
            m.year(),
            m.month()
        ));
    }
    if cell.fields.people > 0 || cell.fields.budget.fen() > 0 {
        lines.push(ctx.trf(
            "matrix.explain.resources",
            &[
                ("people", cell.fields.people.to_string()),
                ("budget", ctx.money_with_unit(cell.fields.budget.fen())),
            ],
        ));
    }
    if !cell.fields.strategy.is_empty() {
        lines.push(format!(
            "{}: {}",
            ctx.tr("matrix.strategy"),
            cell.fields.strategy
        ));
    }
    lines.join("\n")
}

pub fn matrix_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    person: Option<NodeId>,
    date: jiff::civil::Date,
    state: &mut State,
    out: &mut Out,
) {
    let snap = ctx.snap;
    let dark = ui.visuals().dark_mode;
    let won_stage = crate::domain::person_funnel::won_stage(snap);
    ui.label(RichText::new(ctx.tr("matrix.intro")).weak());

    // Filters: industry and stage (the person is chosen above).
    let mut industries: Vec<String> = snap
        .customers
        .iter()
        .map(|c| c.industry.clone())
        .filter(|i| !i.is_empty())
        .collect();
    industries.sort();
    industries.dedup();
    ui.horizontal(|ui| {
        let all = ctx.tr("accounts.all").into_owned();
        let label = ui.label(ctx.tr("col.industry"));
        egui::ComboBox::from_id_salt("matrix_industry")
            .selected_text(state.industry.clone().unwrap_or(all.clone()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.industry, None, all.clone());
                for i in &industries {
                    ui.selectable_value(&mut state.industry, Some(i.clone()), i);
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(ctx.tr("matrix.stage"));
        egui::ComboBox::from_id_salt("matrix_stage")
            .selected_text(
                state
                    .stage
                    .map(|s| format!("{s} {}", stage_name(ctx, s)))
                    .unwrap_or(all.clone()),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.stage, None, all);
                for s in &snap.stages {
                    ui.selectable_value(
                        &mut state.stage,
                        Some(s.position),
                        format!("{} {}", s.position, stage_name(ctx, s.position)),
                    );
                }
            })
            .response
            .labelled_by(label.id);
    });
    // The colour legend.
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for s in &snap.stages {
            let text = RichText::new(format!(" {} {} ", s.position, stage_name(ctx, s.position)))
                .small()
                .background_color(stage_color(s.position, won_stage, dark));
            ui.label(text);
        }
    });
    ui.add_space(4.0);

    if let Some(draft) = state.draft.as_mut() {
        let mut close = false;
        editor(ui, ctx, draft, date, out, &mut close);
        if close {
            state.draft = None;
        }
        ui.add_space(6.0);
    }

    let key = RowsKey {
        generation: ctx.generation,
        person,
        industry: state.industry.clone(),
        stage: state.stage,
    };
    let rows = state.rows.get(key, |key| Row::all(snap, key));
    if snap.products.is_empty() || rows.is_empty() {
        widgets_note(ui, ctx, "matrix.empty");
        return;
    }
    let selected = state.draft.as_ref().map(|d| (d.customer, d.product));
    let mut open: Option<(CustomerId, ProductId)> = None;
    egui::ScrollArea::horizontal()
        .id_salt("matrix_scroll")
        .show(ui, |ui| {
            let mut builder = TableBuilder::new(ui)
                .id_salt("matrix_table")
                .vscroll(true)
                .max_scroll_height(MAX_HEIGHT)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::exact(120.0))
                .column(Column::exact(110.0));
            for _ in &snap.products {
                builder = builder.column(Column::exact(CELL_SIZE.x));
            }
            builder
                .header(24.0, |mut header| {
                    header.col(|ui| {
                        ui.label(RichText::new(ctx.tr("col.customer")).strong());
                    });
                    // The customer's planned amount comes right after the name, so it stays
                    // in view however many products there are.
                    header.col(|ui| {
                        ui.label(RichText::new(ctx.with_unit("matrix.planned")).strong())
                            .on_hover_text(ctx.tr("plans.planned.explain"));
                    });
                    for p in &snap.products {
                        header.col(|ui| {
                            ui.add(egui::Label::new(RichText::new(&p.name).strong()).truncate())
                                .on_hover_text(ctx.line_name(p.line));
                        });
                    }
                })
                .body(|body| {
                    body.rows(CELL_SIZE.y + 4.0, rows.len(), |mut row_ui| {
                        let row = &rows[row_ui.index()];
                        let Some(c) = snap.customer(row.customer) else {
                            return;
                        };
                        row_ui.col(|ui| {
                            ui.vertical(|ui| {
                                ui.add(egui::Label::new(&c.name).truncate());
                                ui.add(
                                    egui::Label::new(
                                        RichText::new(format!("{} · {}", c.industry, c.region))
                                            .small()
                                            .weak(),
                                    )
                                    .truncate(),
                                );
                            });
                        });
                        row_ui.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.label(
                                        RichText::new(ctx.money(row.planned.fen())).monospace(),
                                    );
                                },
                            );
                        });
                        for (p, cell) in snap.products.iter().zip(&row.cells) {
                            row_ui.col(|ui| {
                                let name = format!("{} · {}", c.name, p.name);
                                let is_selected = selected == Some((c.id, p.id));
                                // The accessible name: the cell, then what it shows.
                                let mut spoken = name.clone();
                                let response = match cell {
                                    Some((i, f)) => {
                                        let cell = &snap.matrix[*i];
                                        let dimmed = state.stage.is_some_and(|s| s != f.stage);
                                        let mut fill = stage_color(f.stage, won_stage, dark);
                                        if f.status == DealStatus::Lost || dimmed {
                                            fill = fill.gamma_multiply(0.35);
                                        }
                                        let status = match f.status {
                                            DealStatus::Lost => ctx.tr("matrix.lost").into_owned(),
                                            _ => {
                                                format!("{} {}", f.stage, stage_name(ctx, f.stage))
                                            }
                                        };
                                        let weighted = format!(
                                            "{} / {}",
                                            ctx.money(f.weighted.fen()),
                                            ctx.money(cell.fields.potential.fen())
                                        );
                                        spoken = format!("{name}: {status} {weighted}");
                                        cell_button(ui, fill, is_selected, &status, &weighted)
                                            .on_hover_text(format!(
                                                "{name}\n{}",
                                                explain(ctx, cell, f)
                                            ))
                                    }
                                    None => {
                                        let weak = ui.visuals().widgets.inactive.weak_bg_fill;
                                        cell_button(ui, weak, is_selected, "+", "").on_hover_text(
                                            ctx.trf("matrix.fill", &[("name", name.clone())]),
                                        )
                                    }
                                };
                                response.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::Button, true, &spoken)
                                });
                                if response.clicked() {
                                    open = Some((c.id, p.id));
                                }
                            });
                        }
                    });
                });
        });
    if let Some((c, p)) = open {
        state.draft = Some(draft_of(ctx, c, p));
    }
}

const CELL_SIZE: egui::Vec2 = egui::vec2(132.0, 40.0);
/// The most the matrix's rows take of the window's height before they scroll.
const MAX_HEIGHT: f32 = 560.0;

/// A matrix cell: its stage colour, the stage on the first line and weighted / potential on the
/// second, each cut to the cell's width.
fn cell_button(
    ui: &mut Ui,
    fill: egui::Color32,
    selected: bool,
    line1: &str,
    line2: &str,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(CELL_SIZE, egui::Sense::click());
    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact_selectable(&response, selected);
        let stroke = if selected {
            egui::Stroke::new(2.0, crate::ui::theme::accent(ui.visuals().dark_mode))
        } else {
            visuals.bg_stroke
        };
        let painter = ui.painter();
        painter.rect(rect, 4.0, fill, stroke, egui::StrokeKind::Inside);
        let text_color = if ui.visuals().dark_mode {
            egui::Color32::from_gray(235)
        } else {
            egui::Color32::from_gray(25)
        };
        let width = rect.width() - 10.0;
        let lines: Vec<(&str, egui::FontId)> = [
            (line1, egui::FontId::proportional(12.0)),
            (line2, egui::FontId::monospace(12.0)),
        ]
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .collect();
        let galleys: Vec<_> = lines
            .into_iter()
            .map(|(t, font)| {
                let mut job =
                    egui::text::LayoutJob::simple_singleline(t.to_owned(), font, text_color);
                job.wrap = egui::text::TextWrapping::truncate_at_width(width);
                painter.layout_job(job)
            })
            .collect();
        let total: f32 = galleys.iter().map(|g| g.size().y).sum();
        let mut y = rect.center().y - total / 2.0;
        for g in galleys {
            let x = rect.center().x - g.size().x / 2.0;
            let h = g.size().y;
            painter.galley(egui::pos2(x, y), g, text_color);
            y += h;
        }
    }
    response
}

fn widgets_note(ui: &mut Ui, ctx: &ViewCtx, key: &str) {
    crate::ui::widgets::note(ui, &ctx.tr(key));
}

fn editor(
    ui: &mut Ui,
    ctx: &ViewCtx,
    d: &mut Draft,
    date: jiff::civil::Date,
    out: &mut Out,
    close: &mut bool,
) {
    let snap = ctx.snap;
    let customer = snap
        .customers
        .iter()
        .find(|c| c.id == d.customer)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let product = snap
        .products
        .iter()
        .find(|p| p.id == d.product)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let mut entered: Vec<egui::Response> = Vec::new();
        ui.label(RichText::new(format!("{customer} × {product}")).strong());
        egui::Grid::new("matrix_editor")
            .num_columns(4)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                super::stage_combo(ui, ctx, "matrix_cell_stage", &mut d.stage);
                entered.push(field(
                    ui,
                    &ctx.with_unit("matrix.potential"),
                    &mut d.potential,
                    120.0,
                ));
                ui.end_row();
                entered.push(
                    field(ui, &ctx.tr("matrix.close_month"), &mut d.close_month, 180.0)
                        .on_hover_text(ctx.tr("matrix.close_month.hint")),
                );
                entered.push(
                    field(ui, &ctx.tr("matrix.probability"), &mut d.probability, 120.0)
                        .on_hover_text(ctx.tr("matrix.probability.hint")),
                );
                ui.end_row();
                entered.push(field(ui, &ctx.tr("matrix.people"), &mut d.people, 180.0));
                entered.push(field(
                    ui,
                    &ctx.with_unit("matrix.budget"),
                    &mut d.budget,
                    120.0,
                ));
                ui.end_row();
            });
        ui.horizontal(|ui| {
            entered.push(field(
                ui,
                &ctx.tr("matrix.strategy"),
                &mut d.strategy,
                520.0,
            ));
        });
        // A deal that would take the customer over its credit limit is flagged.
        if let Ok(potential) = parse_amount(ctx, "", &d.potential)
            && potential.fen() > 0
            && d.exists.is_none()
        {
            super::credit_flag(ui, ctx, d.customer, potential, date);
        }
        // Enter in a field saves; Escape cancels.
        let enter =
            ui.input(|i| i.key_pressed(egui::Key::Enter)) && entered.iter().any(|r| r.lost_focus());
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            *close = true;
        }
        ui.horizontal(|ui| {
            if ui.button(ctx.tr("matrix.save")).clicked() || enter {
                match parse(ctx, d) {
                    Ok(fields) => {
                        out.push(AccountChange::SetCell {
                            customer: d.customer,
                            product: d.product,
                            stage: d.stage,
                            fields,
                            date,
                        });
                        *close = true;
                    }
                    Err(e) => d.error = Some(e),
                }
            }
            if let Some(id) = d.exists
                && ui.button(ctx.tr("matrix.delete")).clicked()
            {
                out.push(AccountChange::DeleteCell(id));
                *close = true;
            }
            if ui.button(ctx.tr("dialog.cancel")).clicked() {
                *close = true;
            }
        });
        error_line(ui, &d.error);
    });
}
