//! The monthly actions of the Monthly plan view (domain §5): for a person and month, the
//! actions behind the numbers and the market support asked for, with every month whose actions
//! do not cover its contract target flagged.

use egui::{RichText, Ui};

use crate::domain::actions::{
    self, ActionFields, ActionKind, ActionStatus, MonthlyAction, SupportKind,
};
use crate::domain::model::{CustomerId, Metric, NodeId, ProductId};
use crate::domain::money::Money;
use crate::ui::theme;
use crate::ui::views::{Action, Memo, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

/// An action being added (`id` None) or edited, with its typed text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Draft {
    id: Option<i64>,
    customer: Option<CustomerId>,
    product: Option<ProductId>,
    kind: Option<ActionKind>,
    count: String,
    expected: String,
    status: Option<ActionStatus>,
    note: String,
    error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub person: Option<NodeId>,
    /// Fiscal month 1–12.
    pub month: Option<u8>,
    draft: Option<Draft>,
    support_kind: Option<SupportKind>,
    support_text: String,
    /// The people to choose from, for a generation.
    people: Memo<u64, Vec<(NodeId, String)>>,
    /// The chosen person's actions, for a generation and person.
    mine: Memo<(u64, NodeId), Mine>,
}

/// A person's actions: their months' coverage and, per fiscal month, the actions (indices into
/// the snapshot's list), picked out once per change of the plan.
struct Mine {
    cover: Vec<actions::Coverage>,
    by_month: [Vec<usize>; 12],
}

impl Mine {
    fn new(ctx: &ViewCtx, person: NodeId) -> Mine {
        let mut by_month: [Vec<usize>; 12] = Default::default();
        let mut theirs = Vec::new();
        for (i, a) in ctx.snap.actions.iter().enumerate() {
            if a.person == person {
                theirs.push(a.clone());
                if let Some(list) = by_month.get_mut(usize::from(a.month).wrapping_sub(1)) {
                    list.push(i);
                }
            }
        }
        let targets = ctx.table.months(person, None, Metric::ContractAmount);
        Mine {
            cover: actions::coverage(person, &targets, &theirs),
            by_month,
        }
    }
}

fn draft_of(ctx: &ViewCtx, a: &MonthlyAction) -> Draft {
    Draft {
        id: Some(a.id),
        customer: a.fields.customer,
        product: a.fields.product,
        kind: Some(a.fields.kind),
        count: a.fields.count.to_string(),
        expected: crate::domain::grid::format_cell(
            Some(a.fields.expected.fen()),
            Metric::ContractAmount,
            ctx.unit(),
        ),
        status: Some(a.fields.status),
        note: a.fields.note.clone(),
        error: None,
    }
}

/// The typed draft as fields, or the message saying what to fix.
fn parse(ctx: &ViewCtx, d: &Draft) -> Result<ActionFields, String> {
    let count: u32 = match d.count.trim().parse() {
        Ok(n) if n >= 1 => n,
        _ => {
            return Err(ctx.trf("actions.err.count", &[("value", d.count.clone())]));
        }
    };
    // The grid's reading of an amount: the display unit, or the amount's own unit.
    let expected =
        match crate::domain::grid::parse_cell(&d.expected, Metric::ContractAmount, ctx.unit()) {
            Ok(v) => Money::from_fen(v.unwrap_or(0)),
            Err(reason) => {
                let why = match reason {
                    crate::domain::grid::CellReason::NotAmount(why) => why,
                    _ => ctx.tr("grid.err.negative").into_owned(),
                };
                return Err(ctx.trf(
                    "actions.err.expected",
                    &[("value", d.expected.clone()), ("why", why)],
                ));
            }
        };
    Ok(ActionFields {
        customer: d.customer,
        product: d.product,
        kind: d.kind.unwrap_or(ActionKind::Visit),
        count,
        expected,
        status: d.status.unwrap_or(ActionStatus::Planned),
        note: d.note.trim().to_owned(),
    })
}

pub fn actions_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions_out: &mut Vec<Action>) {
    let snap = ctx.snap;
    widgets::subheading(ui, &ctx.tr("actions.title"));
    ui.label(RichText::new(ctx.tr("actions.intro")).weak());
    let people = state.people.get(ctx.generation, |_| {
        snap.people().map(|p| (p.id, p.name.clone())).collect()
    });
    if people.is_empty() {
        return;
    }
    let person = match state
        .person
        .filter(|p| people.iter().any(|(id, _)| id == p))
    {
        Some(p) => p,
        None => people[0].0,
    };
    state.person = Some(person);
    let month = state.month.unwrap_or(1).clamp(1, 12);
    state.month = Some(month);
    let editable = snap.current_version().is_some_and(|v| !v.locked);

    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("col.person"));
        let name = |id: NodeId| {
            people
                .iter()
                .find(|p| p.0 == id)
                .map(|p| p.1.clone())
                .unwrap_or_default()
        };
        let mut chosen = person;
        egui::ComboBox::from_id_salt("actions_person")
            .selected_text(name(person))
            .show_ui(ui, |ui| {
                for (id, n) in people.iter() {
                    ui.selectable_value(&mut chosen, *id, n);
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != person {
            state.person = Some(chosen);
            state.draft = None;
        }
    });

    // The year at a glance: each month's target against its actions.
    let theirs = state
        .mine
        .get((ctx.generation, person), |_| Mine::new(ctx, person));
    let cover = &theirs.cover;
    let dark = ui.visuals().dark_mode;
    let mut cols = vec![Col::text("").width(160.0)];
    cols.extend((1..=12).map(|m| Col::num(ctx.month_name(m)).width(62.0)));
    let mut target_row = vec![Cell::text(ctx.with_unit("actions.row.target"))];
    let mut expected_row = vec![Cell::text(ctx.with_unit("actions.row.expected"))];
    let mut count_row = vec![Cell::text(ctx.tr("actions.row.count"))];
    for c in cover {
        target_row.push(Cell::num(
            c.target
                .map(|t| ctx.money(t.fen()))
                .unwrap_or_else(|| "—".into()),
        ));
        let mut explain = ctx.trf(
            "actions.expected.explain",
            &[
                ("n", c.actions.to_string()),
                ("expected", ctx.money_with_unit(c.expected.fen())),
            ],
        );
        let mut e = Cell::num(ctx.money(c.expected.fen()));
        if let (Some(gap), Some(target)) = (c.shortfall, c.target) {
            explain = format!(
                "{explain}\n{}\n{}",
                ctx.trf(
                    "actions.shortfall.explain",
                    &[
                        ("target", ctx.money_with_unit(target.fen())),
                        ("expected", ctx.money_with_unit(c.expected.fen())),
                        ("gap", ctx.money_with_unit(gap.fen())),
                    ],
                ),
                ctx.trf(
                    "actions.uncovered",
                    &[("gap", ctx.money_with_unit(gap.fen()))],
                )
            );
            e = e.color(theme::bad(dark));
        }
        expected_row.push(e.explain(explain));
        count_row.push(Cell::num(c.actions.to_string()));
    }
    widgets::table(
        ui,
        "actions_coverage",
        &cols,
        &[target_row, expected_row, count_row],
    );
    let flagged = cover.iter().filter(|c| c.flagged()).count();
    if flagged > 0 {
        widgets::warning(
            ui,
            &ctx.trf("actions.flagged", &[("n", flagged.to_string())]),
        );
    }
    ui.add_space(8.0);

    // The month's actions.
    ui.horizontal(|ui| {
        for m in 1..=12u8 {
            let flag = cover[usize::from(m - 1)].flagged();
            let mut text = RichText::new(ctx.month_name(m));
            if flag {
                text = text.color(theme::bad(dark));
            }
            if ui.selectable_label(month == m, text).clicked() && month != m {
                state.month = Some(m);
                state.draft = None;
            }
        }
    });
    let mine: Vec<&MonthlyAction> = theirs.by_month[usize::from(month - 1)]
        .iter()
        .filter_map(|&i| snap.actions.get(i))
        .collect();
    let customer_name = |c: Option<CustomerId>| {
        c.and_then(|c| snap.customer(c))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let product_name = |p: Option<ProductId>| {
        p.and_then(|p| snap.products.iter().find(|x| x.id == p))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    egui::Grid::new("actions_list")
        .striped(true)
        .num_columns(8)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for key in [
                "actions.col.customer",
                "actions.col.product",
                "actions.col.kind",
                "actions.col.count",
                "actions.col.expected",
                "actions.col.status",
                "actions.col.note",
            ] {
                let title = if key == "actions.col.expected" {
                    ctx.with_unit(key)
                } else {
                    ctx.tr(key).into_owned()
                };
                ui.label(RichText::new(title).strong());
            }
            ui.label("");
            ui.end_row();
            for a in &mine {
                ui.label(customer_name(a.fields.customer));
                ui.label(product_name(a.fields.product));
                ui.label(ctx.tr(a.fields.kind.label_key()));
                ui.label(RichText::new(a.fields.count.to_string()).monospace());
                ui.label(RichText::new(ctx.money(a.fields.expected.fen())).monospace());
                ui.label(ctx.tr(a.fields.status.label_key()));
                ui.label(&a.fields.note);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(editable, egui::Button::new(ctx.tr("actions.edit")).small())
                        .clicked()
                    {
                        state.draft = Some(draft_of(ctx, a));
                    }
                    if ui
                        .add_enabled(
                            editable,
                            egui::Button::new(ctx.tr("actions.delete")).small(),
                        )
                        .clicked()
                    {
                        actions_out.push(Action::DeleteMonthlyAction(a.id));
                    }
                });
                ui.end_row();
            }
        });
    if mine.is_empty() {
        ui.label(RichText::new(ctx.tr("actions.none")).weak());
    }
    if state.draft.is_none()
        && ui
            .add_enabled(editable, egui::Button::new(ctx.tr("actions.add")))
            .clicked()
    {
        state.draft = Some(Draft {
            count: "1".into(),
            ..Draft::default()
        });
    }
    if let Some(draft) = state.draft.as_mut() {
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(
                RichText::new(ctx.tr(if draft.id.is_some() {
                    "actions.editing"
                } else {
                    "actions.adding"
                }))
                .strong(),
            );
            egui::Grid::new("action_editor")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    let label = ui.label(ctx.tr("actions.col.customer"));
                    egui::ComboBox::from_id_salt("action_customer")
                        .selected_text(customer_name(draft.customer))
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut draft.customer, None, "—");
                            for c in &snap.customers {
                                ui.selectable_value(&mut draft.customer, Some(c.id), &c.name);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(ctx.tr("actions.col.product"));
                    egui::ComboBox::from_id_salt("action_product")
                        .selected_text(product_name(draft.product))
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut draft.product, None, "—");
                            for p in &snap.products {
                                ui.selectable_value(&mut draft.product, Some(p.id), &p.name);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(ctx.tr("actions.col.kind"));
                    let kind = draft.kind.unwrap_or(ActionKind::Visit);
                    egui::ComboBox::from_id_salt("action_kind")
                        .selected_text(ctx.tr(kind.label_key()))
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            for k in ActionKind::ALL {
                                ui.selectable_value(
                                    &mut draft.kind,
                                    Some(k),
                                    ctx.tr(k.label_key()),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(ctx.tr("actions.col.count"));
                    ui.add_sized([80.0, 20.0], egui::TextEdit::singleline(&mut draft.count))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(ctx.with_unit("actions.col.expected"));
                    ui.add_sized(
                        [120.0, 20.0],
                        egui::TextEdit::singleline(&mut draft.expected),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(ctx.tr("actions.col.status"));
                    let status = draft.status.unwrap_or(ActionStatus::Planned);
                    egui::ComboBox::from_id_salt("action_status")
                        .selected_text(ctx.tr(status.label_key()))
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            for s in ActionStatus::ALL {
                                ui.selectable_value(
                                    &mut draft.status,
                                    Some(s),
                                    ctx.tr(s.label_key()),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(ctx.tr("actions.col.note"));
                    ui.add_sized([360.0, 20.0], egui::TextEdit::singleline(&mut draft.note))
                        .labelled_by(label.id);
                    ui.end_row();
                });
            if let Some(e) = &draft.error {
                widgets::warning(ui, e);
            }
            ui.horizontal(|ui| {
                if ui.button(ctx.tr("actions.save")).clicked() {
                    match parse(ctx, draft) {
                        Ok(fields) => {
                            actions_out.push(match draft.id {
                                Some(id) => Action::UpdateMonthlyAction { id, fields },
                                None => Action::AddMonthlyAction {
                                    person,
                                    month,
                                    fields,
                                },
                            });
                            close = true;
                        }
                        Err(e) => draft.error = Some(e),
                    }
                }
                if ui.button(ctx.tr("actions.cancel")).clicked() {
                    close = true;
                }
            });
        });
        if close {
            state.draft = None;
        }
    }

    // Market support asked for this month.
    ui.add_space(8.0);
    ui.label(RichText::new(ctx.tr("support.title")).strong());
    for s in snap
        .support
        .iter()
        .filter(|s| s.person == person && s.month == month)
    {
        ui.horizontal(|ui| {
            let colon = if ctx.lang() == crate::i18n::Lang::Zh {
                "："
            } else {
                ": "
            };
            ui.label(format!(
                "{}{colon}{}",
                ctx.tr(s.kind.label_key()),
                s.description
            ));
            if ui
                .add_enabled(
                    editable,
                    egui::Button::new(ctx.tr("actions.delete")).small(),
                )
                .clicked()
            {
                actions_out.push(Action::DeleteSupport(s.id));
            }
        });
    }
    ui.horizontal(|ui| {
        let kind = state.support_kind.unwrap_or(SupportKind::Showroom);
        let label = ui.label(ctx.tr("support.kind"));
        egui::ComboBox::from_id_salt("support_kind")
            .selected_text(ctx.tr(kind.label_key()))
            .show_ui(ui, |ui| {
                for k in SupportKind::ALL {
                    ui.selectable_value(&mut state.support_kind, Some(k), ctx.tr(k.label_key()));
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(ctx.tr("support.description"));
        ui.add_sized(
            [320.0, 20.0],
            egui::TextEdit::singleline(&mut state.support_text),
        )
        .labelled_by(label.id);
        if ui
            .add_enabled(
                editable && !state.support_text.trim().is_empty(),
                egui::Button::new(ctx.tr("support.add")),
            )
            .clicked()
        {
            actions_out.push(Action::AddSupport {
                person,
                month,
                kind,
                description: state.support_text.trim().to_owned(),
            });
            state.support_text.clear();
        }
    });
}
