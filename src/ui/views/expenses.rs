//! Expenses (domain §7): the sales expense budget by item and month for a person, actual
//! spending, the monitoring table with overrun alerts (month and year to date), reallocation
//! from under-spent items with a reason, and the expense ratio.

use egui::{RichText, Ui};

use crate::domain::expenses::{self, ExpenseItem, MonitorRow, Status};
use crate::domain::model::{Metric, NodeId};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::ratio::Ratio;
use crate::store::finance::FinanceChange;
use crate::ui::theme;
use crate::ui::views::accounts::{amount_text, field, parse_amount};
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MoveDraft {
    from: Option<i64>,
    to: Option<i64>,
    amount: String,
    reason: String,
}

/// The budget grid's text: the person and generation it was read for, and per item the 12
/// months.
type BudgetTexts = (NodeId, u64, Vec<(i64, [String; 12])>);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub person: Option<NodeId>,
    /// Fiscal month 1–12 (None = the first).
    pub month: Option<u8>,
    /// The budget grid's typed text per (item, month), with the person and generation it was
    /// read for.
    budget: Option<BudgetTexts>,
    item: Option<i64>,
    amount: String,
    note: String,
    threshold: Option<(u64, String)>,
    mv: MoveDraft,
    new_category: String,
    new_item: String,
    error: Option<String>,
}

/// An item's name: `Category · Item`.
pub fn item_name(ctx: &ViewCtx, i: &ExpenseItem) -> String {
    crate::exchange::export::item_name(ctx.lang(), i)
}

fn status_cell(ctx: &ViewCtx, status: Status, dark: bool) -> Cell {
    match status {
        Status::Ok => Cell::text(ctx.tr("expenses.status.ok")).color(theme::good(dark)),
        Status::Over => Cell::text(ctx.tr("expenses.status.over")).color(theme::warn(dark)),
        Status::Alert => Cell::text(ctx.tr("expenses.status.alert"))
            .color(theme::bad(dark))
            .strong(),
    }
}

fn pct(r: Option<Ratio>) -> String {
    r.map(|r| r.format_percent_fixed(1))
        .unwrap_or_else(|| "—".into())
}

/// The hover texts of a monitoring line (a month or the year to date): the variance, the
/// variance rate and the status, each with the line's figures.
fn line_explains(ctx: &ViewCtx, l: &expenses::Line, threshold: Ratio) -> [String; 3] {
    let variance = ctx.trf(
        "expenses.variance.explain",
        &[
            ("actual", ctx.money_with_unit(l.actual.fen())),
            ("budget", ctx.money_with_unit(l.budget.fen())),
            ("variance", ctx.money_with_unit(l.variance.fen())),
        ],
    );
    let rate = match l.variance_pct {
        Some(_) => ctx.trf(
            "expenses.variance_pct.explain",
            &[
                ("variance", ctx.money_with_unit(l.variance.fen())),
                ("budget", ctx.money_with_unit(l.budget.fen())),
                ("pct", pct(l.variance_pct)),
            ],
        ),
        None => ctx.tr("expenses.variance_pct.no_budget").into_owned(),
    };
    let args = [
        ("pct", pct(l.variance_pct)),
        ("threshold", threshold.format_percent_fixed(1)),
    ];
    let status = match l.status {
        Status::Ok => ctx.tr("expenses.status.ok.explain").into_owned(),
        Status::Over => ctx.trf("expenses.status.over.explain", &args),
        Status::Alert if l.variance_pct.is_none() => {
            ctx.tr("expenses.status.alert.no_budget").into_owned()
        }
        Status::Alert => ctx.trf("expenses.status.alert.explain", &args),
    };
    [variance, rate, status]
}

pub fn expenses_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    let e = &snap.expenses;
    let dark = ui.visuals().dark_mode;
    widgets::heading(ui, &ctx.tr("view.expenses"));
    ui.label(RichText::new(ctx.tr("expenses.intro")).weak());
    let mut out: Vec<FinanceChange> = Vec::new();
    let month = state.month.unwrap_or(1).clamp(1, 12);
    ui.horizontal(|ui| {
        // A person, or a unit (its people's figures added up), or everyone.
        let label = ui.label(ctx.tr("expenses.who"));
        let everyone = ctx.tr("accounts.everyone").into_owned();
        egui::ComboBox::from_id_salt("expenses_person")
            .selected_text(
                state
                    .person
                    .map(|p| ctx.node_name(p))
                    .unwrap_or(everyone.clone()),
            )
            .width(160.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.person, None, everyone);
                for (id, depth) in ctx.tree.walk() {
                    ui.horizontal(|ui| {
                        ui.add_space(12.0 * depth as f32);
                        ui.selectable_value(&mut state.person, Some(id), ctx.node_name(id));
                    });
                }
            })
            .response
            .labelled_by(label.id);
        ui.separator();
        for m in 1..=12u8 {
            if ui.selectable_label(month == m, ctx.month_name(m)).clicked() {
                state.month = Some(m);
            }
        }
        ui.separator();
        if state
            .threshold
            .as_ref()
            .is_none_or(|(g, _)| *g != ctx.generation)
        {
            state.threshold = Some((ctx.generation, e.threshold.format_percent(4)));
        }
        if let Some((_, text)) = state.threshold.as_mut() {
            let r = field(ui, &ctx.tr("expenses.threshold"), text, 60.0)
                .on_hover_text(ctx.tr("expenses.threshold.hint"));
            if r.lost_focus() && *text != e.threshold.format_percent(4) {
                match Ratio::parse(text) {
                    Ok(t) if t.is_positive() => out.push(FinanceChange::SetThreshold(t)),
                    _ => {
                        state.error = Some(ctx.trf(
                            "expenses.err.threshold",
                            &[("value", text.trim().to_owned())],
                        ))
                    }
                }
            }
        }
    });
    let month = state.month.unwrap_or(1).clamp(1, 12);
    let people: Vec<NodeId> = match state.person {
        Some(p) => ctx.tree.people_under(p),
        None => snap.people().map(|p| p.id).collect(),
    };
    let rows = expenses::monitor(&e.items, &e.budget, &e.actuals, &people, month, e.threshold);
    let (month_total, ytd_total) = expenses::totals(&rows, e.threshold);

    // Alerts first.
    let alerts: Vec<&MonitorRow> = rows.iter().filter(|r| r.alert()).collect();
    for r in &alerts {
        if let Some(i) = e.items.iter().find(|i| i.id == r.item) {
            let (line, key) = if r.month.status == Status::Alert {
                (&r.month, "expenses.alert.month")
            } else {
                (&r.to_date, "expenses.alert.ytd")
            };
            widgets::warning(
                ui,
                &ctx.trf(
                    key,
                    &[
                        ("item", item_name(ctx, i)),
                        ("actual", ctx.money_with_unit(line.actual.fen())),
                        ("budget", ctx.money_with_unit(line.budget.fen())),
                        ("pct", pct(line.variance_pct)),
                    ],
                ),
            );
        }
    }

    // The monitoring table.
    // The unit is said once, in the title, so the columns stay narrow.
    widgets::subheading(
        ui,
        &ctx.trf(
            "expenses.monitor",
            &[
                ("month", ctx.month_name(month)),
                ("unit", ctx.unit_label().into_owned()),
            ],
        ),
    );
    let mut table: Vec<Vec<Cell>> = Vec::new();
    // The year to date: the fiscal months from the first to the month shown.
    let span = ctx.trf(
        "expenses.span",
        &[
            ("first", ctx.month_name(1)),
            ("month", ctx.month_name(month)),
        ],
    );
    let mut push = |name: String,
                    m: &expenses::Line,
                    y: &expenses::Line,
                    sums: Option<[String; 4]>,
                    strong: bool| {
        let [m_variance, m_rate, m_status] = line_explains(ctx, m, e.threshold);
        let [_, y_rate, y_status] = line_explains(ctx, y, e.threshold);
        let to_date = |key: &str, v: Money| {
            ctx.trf(
                key,
                &[
                    ("span", span.clone()),
                    ("value", ctx.money_with_unit(v.fen())),
                ],
            )
        };
        let [m_budget, m_actual, y_budget, y_actual] = sums.unwrap_or_else(|| {
            [
                ctx.trf(
                    "expenses.budget.explain",
                    &[
                        ("month", ctx.month_name(month)),
                        ("value", ctx.money_with_unit(m.budget.fen())),
                    ],
                ),
                ctx.trf(
                    "expenses.actual.explain",
                    &[
                        ("month", ctx.month_name(month)),
                        ("value", ctx.money_with_unit(m.actual.fen())),
                    ],
                ),
                to_date("expenses.ytd_budget.explain", y.budget),
                to_date("expenses.ytd_actual.explain", y.actual),
            ]
        });
        let mut row = vec![
            Cell::text(name),
            Cell::num(ctx.money(m.budget.fen())).explain(m_budget),
            Cell::num(ctx.money(m.actual.fen())).explain(m_actual),
            Cell::num(ctx.money(m.variance.fen())).explain(m_variance),
            Cell::num(pct(m.variance_pct)).explain(m_rate),
            status_cell(ctx, m.status, dark).explain(m_status),
            Cell::num(ctx.money(y.budget.fen())).explain(y_budget),
            Cell::num(ctx.money(y.actual.fen())).explain(y_actual),
            Cell::num(pct(y.variance_pct)).explain(y_rate),
            status_cell(ctx, y.status, dark).explain(y_status),
        ];
        if strong {
            row = row.into_iter().map(Cell::strong).collect();
        }
        table.push(row);
    };
    for r in &rows {
        if let Some(i) = e.items.iter().find(|i| i.id == r.item) {
            push(item_name(ctx, i), &r.month, &r.to_date, None, false);
        }
    }
    // The total row: each column the sum of the items' figures.
    let sum = |f: fn(&MonitorRow) -> Money, total: Money| {
        let parts: Vec<String> = rows.iter().map(|r| ctx.money(f(r).fen())).collect();
        let total = ctx.money_with_unit(total.fen());
        match widgets::sum_terms(&parts) {
            Some(parts) => ctx.trf(
                "expenses.total.explain",
                &[("parts", parts), ("total", total)],
            ),
            None => ctx.trf(
                "expenses.total.explain_n",
                &[("n", parts.len().to_string()), ("total", total)],
            ),
        }
    };
    let sums = [
        sum(|r| r.month.budget, month_total.budget),
        sum(|r| r.month.actual, month_total.actual),
        sum(|r| r.to_date.budget, ytd_total.budget),
        sum(|r| r.to_date.actual, ytd_total.actual),
    ];
    push(
        ctx.tr("plans.total").into_owned(),
        &month_total,
        &ytd_total,
        Some(sums),
        true,
    );
    widgets::table(
        ui,
        "expense_monitor",
        &[
            Col::text(ctx.tr("expenses.item")).width(220.0),
            Col::num(ctx.tr("expenses.budget")).width(115.0),
            Col::num(ctx.tr("expenses.actual")).width(90.0),
            Col::num(ctx.tr("expenses.variance")).width(90.0),
            Col::num(ctx.tr("expenses.variance_pct")).width(80.0),
            Col::text(ctx.tr("expenses.status")).width(70.0),
            Col::num(ctx.tr("expenses.ytd_budget")).width(110.0),
            Col::num(ctx.tr("expenses.ytd_actual")).width(110.0),
            Col::num(ctx.tr("expenses.variance_pct")).width(80.0),
            Col::text(ctx.tr("expenses.status")).width(70.0),
        ],
        &table,
    );

    // The expense ratio: year-to-date expenses against contracts signed, and the plan's.
    let signed = expenses::contracts_to_date(&snap.signed, &people, month);
    let year_budget = expenses::year_budget(&e.budget, &people);
    let year_target: i64 = people
        .iter()
        .filter_map(|p| {
            ctx.table
                .node_value(ctx.tree, *p, None, Period::Year, Metric::ContractAmount)
        })
        .fold(0i64, i64::saturating_add);
    let ratio = pct(expenses::expense_ratio(ytd_total.actual, signed));
    let planned_ratio = pct(expenses::expense_ratio(
        year_budget,
        Money::from_fen(year_target),
    ));
    ui.horizontal_wrapped(|ui| {
        widgets::stat_card(
            ui,
            &ctx.tr("expenses.ratio"),
            &ratio,
            &ctx.trf(
                "expenses.ratio.detail",
                &[
                    ("expenses", ctx.money_with_unit(ytd_total.actual.fen())),
                    ("contracts", ctx.money_with_unit(signed.fen())),
                ],
            ),
            Some(&ctx.trf(
                "expenses.ratio.formula",
                &[
                    ("span", span.clone()),
                    ("expenses", ctx.money_with_unit(ytd_total.actual.fen())),
                    ("contracts", ctx.money_with_unit(signed.fen())),
                    ("ratio", ratio.clone()),
                ],
            )),
        );
        widgets::stat_card(
            ui,
            &ctx.tr("expenses.planned_ratio"),
            &planned_ratio,
            &ctx.trf(
                "expenses.ratio.detail",
                &[
                    ("expenses", ctx.money_with_unit(year_budget.fen())),
                    ("contracts", ctx.money_with_unit(year_target)),
                ],
            ),
            Some(&ctx.trf(
                "expenses.planned_ratio.formula",
                &[
                    ("budget", ctx.money_with_unit(year_budget.fen())),
                    ("target", ctx.money_with_unit(year_target)),
                    ("ratio", planned_ratio.clone()),
                ],
            )),
        );
    });

    // Budgets and spending are kept per person; a unit shows its people's sum.
    let Some(person) = state
        .person
        .filter(|p| ctx.tree.get(*p).is_some_and(|n| n.kind.is_person()))
    else {
        widgets::note(ui, &ctx.tr("expenses.choose_person"));
        actions.extend(out.into_iter().map(Action::Finance));
        return;
    };

    // Record an expense, and the month's list.
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("expenses.record"));
    let item_label = |id: Option<i64>| {
        id.and_then(|id| e.items.iter().find(|i| i.id == id))
            .map(|i| item_name(ctx, i))
            .unwrap_or_else(|| "—".into())
    };
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("expenses.item"));
        egui::ComboBox::from_id_salt("expense_item")
            .selected_text(item_label(state.item))
            .width(200.0)
            .show_ui(ui, |ui| {
                for i in &e.items {
                    ui.selectable_value(&mut state.item, Some(i.id), item_name(ctx, i));
                }
            })
            .response
            .labelled_by(label.id);
        field(
            ui,
            &ctx.with_unit("expenses.amount"),
            &mut state.amount,
            90.0,
        );
        field(ui, &ctx.tr("expenses.note"), &mut state.note, 200.0);
        if ui.button(ctx.tr("expenses.add")).clicked() {
            match (
                state.item,
                parse_amount(ctx, &ctx.tr("expenses.amount"), &state.amount),
            ) {
                (None, _) => state.error = Some(ctx.tr("expenses.err.item").into_owned()),
                (_, Err(err)) => state.error = Some(err),
                (Some(_), Ok(m)) if m.fen() <= 0 => {
                    state.error = Some(ctx.trf(
                        "expenses.err.amount",
                        &[("value", state.amount.trim().to_owned())],
                    ))
                }
                (Some(item), Ok(amount)) => {
                    out.push(FinanceChange::AddExpense {
                        node: person,
                        item,
                        month,
                        amount,
                        note: state.note.trim().to_owned(),
                    });
                    state.amount.clear();
                    state.note.clear();
                    state.error = None;
                }
            }
        }
    });
    let spent: Vec<_> = e
        .actuals
        .iter()
        .filter(|a| a.node == person && a.month == month)
        .collect();
    egui::Grid::new("expense_list")
        .striped(true)
        .num_columns(4)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for a in &spent {
                ui.label(item_label(Some(a.item)));
                ui.label(RichText::new(ctx.money_with_unit(a.amount.fen())).monospace());
                ui.label(&a.note);
                if ui.small_button(ctx.tr("actions.delete")).clicked() {
                    out.push(FinanceChange::DeleteExpense(a.id));
                }
                ui.end_row();
            }
        });

    // Reallocation: from an under-spent item to one that is over.
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("expenses.reallocate"));
    ui.label(RichText::new(ctx.tr("expenses.reallocate.intro")).weak());
    if state.mv.to.is_none() {
        state.mv.to = alerts.first().map(|r| r.item);
    }
    let unspent = |item: i64| expenses::unspent(&e.budget, &e.actuals, person, item, month);
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("expenses.from"));
        egui::ComboBox::from_id_salt("move_from")
            .selected_text(item_label(state.mv.from))
            .width(220.0)
            .show_ui(ui, |ui| {
                for i in e.items.iter().filter(|i| unspent(i.id).fen() > 0) {
                    ui.selectable_value(
                        &mut state.mv.from,
                        Some(i.id),
                        ctx.trf(
                            "expenses.unspent",
                            &[
                                ("item", item_name(ctx, i)),
                                ("amount", ctx.money_with_unit(unspent(i.id).fen())),
                            ],
                        ),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(ctx.tr("expenses.to"));
        egui::ComboBox::from_id_salt("move_to")
            .selected_text(item_label(state.mv.to))
            .width(200.0)
            .show_ui(ui, |ui| {
                for i in &e.items {
                    ui.selectable_value(&mut state.mv.to, Some(i.id), item_name(ctx, i));
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        field(
            ui,
            &ctx.with_unit("expenses.move_amount"),
            &mut state.mv.amount,
            90.0,
        );
        field(ui, &ctx.tr("expenses.reason"), &mut state.mv.reason, 300.0);
        if ui.button(ctx.tr("expenses.move")).clicked() {
            let amount = parse_amount(ctx, &ctx.tr("expenses.move_amount"), &state.mv.amount);
            match (state.mv.from, state.mv.to, amount) {
                (_, _, Err(err)) => state.error = Some(err),
                (Some(from), Some(to), Ok(amount)) => {
                    let error = if from == to {
                        Some(ctx.tr("expenses.err.same").into_owned())
                    } else if amount.fen() <= 0 || amount > unspent(from) {
                        Some(ctx.trf(
                            "expenses.err.move",
                            &[
                                ("amount", ctx.money_with_unit(amount.fen())),
                                ("unspent", ctx.money_with_unit(unspent(from).fen())),
                            ],
                        ))
                    } else if state.mv.reason.trim().is_empty() {
                        Some(ctx.tr("expenses.err.reason").into_owned())
                    } else {
                        None
                    };
                    match error {
                        Some(err) => state.error = Some(err),
                        None => {
                            out.push(FinanceChange::MoveBudget {
                                node: person,
                                month,
                                from_item: from,
                                to_item: to,
                                amount,
                                reason: state.mv.reason.trim().to_owned(),
                                date: crate::ui::views::accounts::today(),
                            });
                            state.mv = MoveDraft::default();
                            state.error = None;
                        }
                    }
                }
                _ => state.error = Some(ctx.tr("expenses.err.items").into_owned()),
            }
        }
    });
    crate::ui::views::accounts::error_line(ui, &state.error);
    let moves: Vec<_> = e.moves.iter().filter(|m| m.node == person).collect();
    if !moves.is_empty() {
        egui::Grid::new("budget_moves")
            .striped(true)
            .num_columns(5)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for m in &moves {
                    ui.label(&m.recorded_on);
                    ui.label(ctx.month_name(m.month));
                    ui.label(format!(
                        "{} → {}",
                        item_label(Some(m.from_item)),
                        item_label(Some(m.to_item))
                    ));
                    ui.label(RichText::new(ctx.money_with_unit(m.amount.fen())).monospace());
                    ui.label(&m.reason);
                    ui.end_row();
                }
            });
    }

    // The user's own items, under a built-in category or one of their own.
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("expenses.new_item"));
    ui.horizontal(|ui| {
        field(
            ui,
            &ctx.tr("expenses.category"),
            &mut state.new_category,
            140.0,
        )
        .on_hover_text(ctx.tr("expenses.new_item.hint"));
        field(ui, &ctx.tr("expenses.item"), &mut state.new_item, 160.0);
        if ui.button(ctx.tr("expenses.add_item")).clicked() {
            if state.new_category.trim().is_empty() || state.new_item.trim().is_empty() {
                state.error = Some(ctx.tr("expenses.err.new_item").into_owned());
            } else {
                // A built-in category typed by its name keeps its code (and translation).
                let typed = state.new_category.trim().to_owned();
                let category = ["promotion", "relationship", "team", "research"]
                    .into_iter()
                    .find(|c| {
                        crate::i18n::Lang::ALL.iter().any(|l| {
                            crate::i18n::tr(*l, &format!("expense.cat.{c}")) == typed.as_str()
                        })
                    })
                    .map(str::to_owned)
                    .unwrap_or(typed);
                out.push(FinanceChange::AddItem {
                    category,
                    name: state.new_item.trim().to_owned(),
                });
                state.new_category.clear();
                state.new_item.clear();
                state.error = None;
            }
        }
    });

    // The budget: item × month for the person.
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.with_unit("expenses.budget_grid"));
    if state
        .budget
        .as_ref()
        .is_none_or(|(p, g, _)| *p != person || *g != ctx.generation)
    {
        let rows = e
            .items
            .iter()
            .map(|i| {
                let texts: [String; 12] = std::array::from_fn(|m| {
                    e.budget
                        .iter()
                        .find(|b| b.node == person && b.item == i.id && b.month == m as u8 + 1)
                        .map(|b| amount_text(ctx, b.amount))
                        .unwrap_or_default()
                });
                (i.id, texts)
            })
            .collect();
        state.budget = Some((person, ctx.generation, rows));
    }
    let mut save = false;
    if let Some((_, _, rows)) = state.budget.as_mut() {
        egui::ScrollArea::horizontal()
            .id_salt("budget_grid_scroll")
            .show(ui, |ui| {
                egui::Grid::new("budget_grid")
                    .striped(true)
                    .spacing([4.0, 4.0])
                    .show(ui, |ui| {
                        ui.label("");
                        for m in 1..=12u8 {
                            ui.label(RichText::new(ctx.month_name(m)).strong());
                        }
                        ui.end_row();
                        for (id, texts) in rows.iter_mut() {
                            let name = e
                                .items
                                .iter()
                                .find(|i| i.id == *id)
                                .map(|i| item_name(ctx, i))
                                .unwrap_or_default();
                            ui.label(&name);
                            for (m, t) in texts.iter_mut().enumerate() {
                                let label = format!("{name} {}", ctx.month_name(m as u8 + 1));
                                ui.add_sized([62.0, 20.0], egui::TextEdit::singleline(t))
                                    .widget_info(|| {
                                        egui::WidgetInfo::labeled(
                                            egui::Role::TextInput,
                                            true,
                                            &label,
                                        )
                                    });
                            }
                            ui.end_row();
                        }
                    });
            });
        save = ui.button(ctx.tr("expenses.save_budget")).clicked();
    }
    if save && let Some((_, _, rows)) = state.budget.as_ref() {
        let mut cells = Vec::new();
        let mut bad = None;
        for (id, texts) in rows {
            for (m, t) in texts.iter().enumerate() {
                let month = m as u8 + 1;
                let current = e
                    .budget
                    .iter()
                    .find(|b| b.node == person && b.item == *id && b.month == month)
                    .map(|b| b.amount);
                let typed = if t.trim().is_empty() {
                    None
                } else {
                    match parse_amount(ctx, &ctx.month_name(month), t) {
                        Ok(m) => Some(m),
                        Err(err) => {
                            bad.get_or_insert(err);
                            continue;
                        }
                    }
                };
                if typed != current {
                    cells.push((person, *id, month, typed));
                }
            }
        }
        match bad {
            Some(err) => state.error = Some(err),
            None if !cells.is_empty() => out.push(FinanceChange::SetBudget(cells)),
            None => {}
        }
    }
    actions.extend(out.into_iter().map(Action::Finance));
}
