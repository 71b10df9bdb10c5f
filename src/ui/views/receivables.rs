//! Receivables (domain §7): the day's actions from the reminder and escalation rules (for any
//! date), aging and the collection rate, the month's collection plan per customer and contract,
//! contracts with payment schedules from templates (checked against the customer's credit
//! limit), receipts, the credit terms per rating, and demand letters for overdue installments.

use egui::{RichText, Ui};

use crate::domain::model::{CustomerId, NodeId};
use crate::domain::money::Money;
use crate::domain::ratio::Ratio;
use crate::domain::receivables::{self, AgingBucket, CreditTerms, TEMPLATES, Tier};
use crate::store::finance::{FinanceChange, NewContract};
use crate::ui::theme;
use crate::ui::views::accounts::{
    credit_flag, customer_name, error_line, field, parse_amount, person_picker, today,
};
use crate::ui::views::{Action, Memo, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ContractDraft {
    customer: Option<CustomerId>,
    person: Option<NodeId>,
    number: String,
    signed: String,
    amount: String,
    template: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ReceiptDraft {
    contract: Option<i64>,
    date: String,
    amount: String,
    reference: String,
}

/// A rating's terms as typed: rating, prepayment, credit days, credit limit.
type TermsText = (String, String, String, String);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The day looked at (empty = today).
    pub day: String,
    /// Fiscal month of the collection plan.
    pub month: Option<u8>,
    contract: Option<ContractDraft>,
    receipt: ReceiptDraft,
    /// Typed credit terms (prepayment, days, limit) per rating, with the generation read.
    terms: Option<(u64, Vec<TermsText>)>,
    error: Option<String>,
    /// The contracts table's rows, for a generation, day and display language and unit.
    contract_rows: Memo<ContractRowsKey, Vec<Vec<Cell>>>,
}

type ContractRowsKey = (
    u64,
    jiff::civil::Date,
    crate::i18n::Lang,
    crate::domain::money::AmountUnit,
);

/// The most the day's actions take of the window's height before they scroll.
const ACTIONS_HEIGHT: f32 = 360.0;

fn tier_color(t: Tier, dark: bool) -> egui::Color32 {
    match t {
        Tier::Remind | Tier::Call => theme::accent(dark),
        Tier::Due | Tier::Overdue1 => theme::warn(dark),
        Tier::Overdue16 | Tier::Overdue31 => theme::bad(dark),
    }
}

fn parse_day(text: &str) -> Option<jiff::civil::Date> {
    crate::domain::period::parse_date(text.trim()).ok()
}

pub fn receivables_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    let r = &snap.receivables;
    let dark = ui.visuals().dark_mode;
    widgets::heading(ui, &ctx.tr("view.receivables"));
    ui.label(RichText::new(ctx.tr("receivables.intro")).weak());
    let mut out: Vec<FinanceChange> = Vec::new();
    if state.day.is_empty() {
        state.day = today().to_string();
    }
    ui.horizontal(|ui| {
        field(ui, &ctx.tr("receivables.day"), &mut state.day, 100.0)
            .on_hover_text(ctx.tr("receivables.day.hint"));
    });
    let Some(day) = parse_day(&state.day) else {
        widgets::warning(
            ui,
            &ctx.trf(
                "accounts.err.date",
                &[("value", state.day.trim().to_owned())],
            ),
        );
        return;
    };

    // Summary: outstanding, overdue, collection rate.
    let states = receivables::states(&r.installments, &r.receipts, day);
    let outstanding: Money = states.iter().map(|s| s.outstanding).sum();
    let billed: Money = states.iter().map(|s| s.installment.amount).sum();
    let received: Money = states.iter().map(|s| s.paid).sum();
    // What fell due up to the day and what of it was paid: the collection rate's inputs.
    let (fell_due, paid_of_due) = states
        .iter()
        .filter(|s| s.installment.due <= day)
        .fold((Money::ZERO, Money::ZERO), |(d, p), s| {
            (d + s.installment.amount, p + s.paid)
        });
    let aging = receivables::aging(&r.installments, &r.receipts, day);
    let overdue = receivables::overdue(&aging);
    let rate = receivables::collection_rate(&r.installments, &r.receipts, day);
    let rate_text = rate
        .map(|r| r.format_percent_fixed(1))
        .unwrap_or_else(|| "—".into());
    // The aging buckets as the terms of a sum: "1–15 天 2.00 + 16–30 天 0.00 + …".
    let bucket_terms: Vec<String> = AgingBucket::ALL
        .iter()
        .zip(aging)
        .map(|(b, m)| format!("{} {}", ctx.tr(b.label_key()), ctx.money(m.fen())))
        .collect();
    ui.horizontal_wrapped(|ui| {
        widgets::stat_card(
            ui,
            &ctx.with_unit("receivables.outstanding"),
            &ctx.money(outstanding.fen()),
            &ctx.trf(
                "receivables.contracts_n",
                &[("n", r.contracts.len().to_string())],
            ),
            Some(&ctx.trf(
                "receivables.outstanding.explain",
                &[
                    ("n", states.len().to_string()),
                    ("billed", ctx.money_with_unit(billed.fen())),
                    ("paid", ctx.money_with_unit(received.fen())),
                    ("outstanding", ctx.money_with_unit(outstanding.fen())),
                ],
            )),
        );
        widgets::stat_card(
            ui,
            &ctx.with_unit("receivables.overdue"),
            &ctx.money(overdue.fen()),
            "",
            Some(&ctx.trf(
                "receivables.overdue.formula",
                &[
                    ("parts", bucket_terms[1..].join(" + ")),
                    ("overdue", ctx.money_with_unit(overdue.fen())),
                ],
            )),
        );
        let rate_explain = match rate {
            Some(_) => ctx.trf(
                "receivables.rate.formula",
                &[
                    ("day", day.to_string()),
                    ("paid", ctx.money_with_unit(paid_of_due.fen())),
                    ("due", ctx.money_with_unit(fell_due.fen())),
                    ("rate", rate_text.clone()),
                ],
            ),
            None => ctx.trf("receivables.rate.nothing_due", &[("day", day.to_string())]),
        };
        widgets::stat_card(
            ui,
            &ctx.tr("receivables.rate"),
            &rate_text,
            "",
            Some(&rate_explain),
        );
    });

    // The day's actions.
    widgets::subheading(
        ui,
        &ctx.trf("receivables.today", &[("day", day.to_string())]),
    );
    let list = receivables::todays_actions(&r.contracts, &r.installments, &r.receipts, day);
    if list.is_empty() {
        ui.label(RichText::new(ctx.tr("receivables.nothing")).weak());
    }
    // One entry per installment: the facts on one line, what to do under them (cut to the
    // width; hover for all of it). A large organisation has thousands: they scroll, and only
    // those in view are drawn.
    let entry_height = 2.0 * ui.text_style_height(&egui::TextStyle::Body) + 12.0;
    egui::ScrollArea::vertical()
        .id_salt("todays_actions")
        .max_height(ACTIONS_HEIGHT)
        .auto_shrink([false, true])
        .show_rows(ui, entry_height, list.len(), |ui, range| {
            for a in &list[range] {
                let (when, what) = a.tier.keys();
                egui::Frame::new()
                    .inner_margin(egui::Margin::symmetric(6, 3))
                    .show(ui, |ui| {
                        ui.set_min_height(entry_height - 10.0);
                        ui.horizontal(|ui| {
                            ui.label(
                                RichText::new(ctx.tr(when))
                                    .color(tier_color(a.tier, dark))
                                    .strong(),
                            );
                            ui.label(if a.days < 0 {
                                ctx.trf("receivables.due_in", &[("n", (-a.days).to_string())])
                            } else if a.days == 0 {
                                ctx.tr("receivables.due_today").into_owned()
                            } else {
                                ctx.trf("receivables.overdue_by", &[("n", a.days.to_string())])
                            });
                            ui.label(RichText::new(customer_name(ctx, a.customer)).strong());
                            ui.label(format!("{} · {}", a.contract_number, a.installment.label));
                            ui.label(
                                RichText::new(ctx.money_with_unit(a.outstanding.fen())).monospace(),
                            );
                            ui.label(a.person.map(|p| ctx.node_name(p)).unwrap_or_default());
                            if a.days >= 1 {
                                let b = ui.small_button(ctx.tr("receivables.letter"));
                                let label = format!(
                                    "{} {} {}",
                                    ctx.tr("receivables.letter"),
                                    a.contract_number,
                                    a.installment.label
                                );
                                b.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::Button, true, &label)
                                });
                                if b.clicked() {
                                    actions.push(Action::WriteDemandLetter {
                                        installment: a.installment.id,
                                        day,
                                    });
                                }
                            }
                        });
                        let advice = ctx.tr(what);
                        ui.add(egui::Label::new(RichText::new(advice.as_ref()).weak()).truncate())
                            .on_hover_text(advice.as_ref());
                    });
            }
        });

    // Aging.
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("receivables.aging"));
    let mut cols = Vec::new();
    let mut row = Vec::new();
    // Each bucket is the sum of the installments still owed that are that far past due.
    let mut owed: [Vec<String>; 6] = Default::default();
    for st in states.iter().filter(|st| st.outstanding.fen() > 0) {
        let bucket = AgingBucket::of(receivables::days_past_due(st.installment.due, day));
        let i = AgingBucket::ALL
            .iter()
            .position(|b| *b == bucket)
            .unwrap_or(0);
        let number = r
            .contracts
            .iter()
            .find(|c| c.id == st.installment.contract)
            .map(|c| c.number.as_str())
            .unwrap_or("?");
        owed[i].push(ctx.trf(
            "receivables.aging.term",
            &[
                ("contract", number.to_owned()),
                ("label", st.installment.label.clone()),
                ("due", st.installment.due.to_string()),
                ("amount", ctx.money(st.outstanding.fen())),
            ],
        ));
    }
    for ((b, m), terms) in AgingBucket::ALL.iter().zip(aging).zip(&owed) {
        cols.push(Col::num(ctx.tr(b.label_key())).width(100.0));
        let bucket = ctx.tr(b.label_key()).into_owned();
        let explain = if terms.is_empty() {
            ctx.trf("receivables.aging.bucket_none", &[("bucket", bucket)])
        } else {
            let parts = widgets::sum_terms(terms).unwrap_or_else(|| {
                ctx.trf(
                    "receivables.aging.n_installments",
                    &[("n", terms.len().to_string())],
                )
            });
            ctx.trf(
                "receivables.aging.bucket_explain",
                &[
                    ("bucket", bucket),
                    ("parts", parts),
                    ("total", ctx.money_with_unit(m.fen())),
                ],
            )
        };
        row.push(Cell::num(ctx.money(m.fen())).explain(explain));
    }
    cols.push(Col::num(ctx.with_unit("plans.total")).width(120.0));
    row.push(
        Cell::num(ctx.money(outstanding.fen()))
            .strong()
            .explain(ctx.trf(
                "receivables.aging.total_explain",
                &[
                    ("parts", bucket_terms.join(" + ")),
                    ("total", ctx.money_with_unit(outstanding.fen())),
                ],
            )),
    );
    widgets::table(ui, "aging", &cols, &[row]);

    // The month's collection plan per customer and contract.
    ui.add_space(theme::SECTION_GAP);
    let fy = &snap.plan.fiscal_year;
    let month = state
        .month
        .or_else(|| fy.fiscal_month_of(day))
        .unwrap_or(1)
        .clamp(1, 12);
    ui.horizontal(|ui| {
        widgets::subheading(ui, &ctx.tr("receivables.plan"));
        for m in 1..=12u8 {
            if ui.selectable_label(month == m, ctx.month_name(m)).clicked() {
                state.month = Some(m);
            }
        }
    });
    let plan = receivables::collection_plan(r, fy, day);
    let rows: Vec<Vec<Cell>> = plan
        .iter()
        .filter(|p| p.month == month)
        .map(|p| {
            vec![
                Cell::text(customer_name(ctx, p.customer)),
                Cell::text(format!("{} · {}", p.contract_number, p.label)),
                Cell::text(p.due.to_string()),
                Cell::num(ctx.money(p.amount.fen())),
                Cell::num(ctx.money(p.paid.fen())),
                Cell::num(ctx.money(p.outstanding.fen())).explain(ctx.trf(
                    "receivables.left.explain",
                    &[
                        ("amount", ctx.money_with_unit(p.amount.fen())),
                        ("paid", ctx.money_with_unit(p.paid.fen())),
                        ("left", ctx.money_with_unit(p.outstanding.fen())),
                    ],
                )),
            ]
        })
        .collect();
    let month_amounts: Vec<Money> = plan
        .iter()
        .filter(|p| p.month == month)
        .map(|p| p.amount)
        .collect();
    let month_total: Money = month_amounts.iter().copied().sum();
    let month_terms: Vec<String> = if month_amounts.len() <= widgets::MAX_SUM_TERMS {
        month_amounts.iter().map(|m| ctx.money(m.fen())).collect()
    } else {
        Vec::new()
    };
    let month_total_explain = match widgets::sum_terms(&month_terms) {
        Some(parts) => ctx.trf(
            "receivables.plan.total_explain",
            &[
                ("month", ctx.month_name(month)),
                ("parts", parts),
                ("total", ctx.money_with_unit(month_total.fen())),
            ],
        ),
        None => ctx.trf(
            "receivables.plan.total_explain_n",
            &[
                ("month", ctx.month_name(month)),
                ("n", month_amounts.len().to_string()),
                ("total", ctx.money_with_unit(month_total.fen())),
            ],
        ),
    };
    let mut rows = rows;
    rows.push(vec![
        Cell::text(ctx.tr("plans.total")).strong(),
        Cell::text(""),
        Cell::text(""),
        Cell::num(ctx.money(month_total.fen()))
            .strong()
            .explain(month_total_explain),
        Cell::text(""),
        Cell::text(""),
    ]);
    widgets::table(
        ui,
        "collection_plan",
        &[
            Col::text(ctx.tr("col.customer")).width(140.0),
            Col::text(ctx.tr("receivables.contract")).width(200.0),
            Col::text(ctx.tr("receivables.due")).width(100.0),
            Col::num(ctx.with_unit("receivables.amount")),
            Col::num(ctx.with_unit("receivables.paid")),
            Col::num(ctx.with_unit("receivables.outstanding")).width(160.0),
        ],
        &rows,
    );
    contracts_ui(ui, ctx, state, day, &mut out);
    receipts_ui(ui, ctx, state, day, &mut out);
    terms_ui(ui, ctx, state, &mut out);
    error_line(ui, &state.error);
    actions.extend(out.into_iter().map(Action::Finance));
}

fn contracts_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    day: jiff::civil::Date,
    out: &mut Vec<FinanceChange>,
) {
    let snap = ctx.snap;
    let r = &snap.receivables;
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("receivables.contracts"));
    let key = (ctx.generation, day, ctx.lang(), ctx.unit());
    let rows = state.contract_rows.get(key, |_| contract_rows(ctx, day));
    widgets::table(
        ui,
        "contracts",
        &[
            Col::text(ctx.tr("receivables.contract")).width(120.0),
            Col::text(ctx.tr("col.customer")).width(140.0),
            Col::text(ctx.tr("col.person")).width(70.0),
            Col::text(ctx.tr("receivables.signed")).width(100.0),
            Col::num(ctx.with_unit("receivables.amount")),
            Col::num(ctx.with_unit("receivables.paid")),
            Col::num(ctx.with_unit("receivables.outstanding")).width(160.0),
        ],
        &rows,
    );
    if state.contract.is_none() {
        if ui.button(ctx.tr("receivables.add_contract")).clicked() {
            state.contract = Some(ContractDraft {
                signed: day.to_string(),
                ..ContractDraft::default()
            });
        }
        return;
    }
    let Some(d) = state.contract.as_mut() else {
        return;
    };
    let mut close = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(ctx.tr("receivables.add_contract")).strong());
        ui.horizontal(|ui| {
            let label = ui.label(ctx.tr("col.customer"));
            egui::ComboBox::from_id_salt("contract_customer")
                .selected_text(customer_name(ctx, d.customer))
                .width(160.0)
                .show_ui(ui, |ui| {
                    for c in &snap.customers {
                        if ui
                            .selectable_value(&mut d.customer, Some(c.id), &c.name)
                            .clicked()
                        {
                            d.person = c.owner;
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            person_picker(
                ui,
                ctx,
                "contract_person",
                "col.person",
                &mut d.person,
                true,
            );
            field(ui, &ctx.tr("receivables.contract"), &mut d.number, 120.0);
        });
        ui.horizontal(|ui| {
            field(ui, &ctx.tr("receivables.signed"), &mut d.signed, 100.0);
            field(
                ui,
                &ctx.with_unit("receivables.amount"),
                &mut d.amount,
                100.0,
            );
            let label = ui.label(ctx.tr("receivables.template"));
            // The templates, then the customer's credit terms (the last choice).
            let by_terms = TEMPLATES.len();
            let shown = TEMPLATES
                .get(d.template)
                .map(|t| ctx.tr(t.key))
                .unwrap_or_else(|| ctx.tr("template.by_terms"));
            egui::ComboBox::from_id_salt("contract_template")
                .selected_text(shown)
                .width(280.0)
                .show_ui(ui, |ui| {
                    for (i, t) in TEMPLATES.iter().enumerate() {
                        ui.selectable_value(&mut d.template, i, ctx.tr(t.key));
                    }
                    ui.selectable_value(&mut d.template, by_terms, ctx.tr("template.by_terms"));
                })
                .response
                .labelled_by(label.id);
        });
        let amount = parse_amount(ctx, &ctx.tr("receivables.amount"), &d.amount);
        let signed = parse_day(&d.signed);
        let terms = d
            .customer
            .and_then(|c| receivables::terms_of(&snap.customers, &r.terms, c));
        let parts = match (&amount, signed, TEMPLATES.get(d.template)) {
            (Ok(a), Some(s), Some(t)) if a.fen() > 0 => receivables::schedule(t, *a, s),
            (Ok(a), Some(s), None) if a.fen() > 0 => {
                terms.and_then(|t| receivables::schedule_from_terms(t, *a, s))
            }
            _ => None,
        };
        if TEMPLATES.get(d.template).is_none() && terms.is_none() {
            widgets::note(ui, &ctx.tr("receivables.no_terms"));
        }
        // The schedule it will get, and the credit check.
        if let Some(parts) = &parts {
            for (label, due, m) in parts {
                ui.label(
                    RichText::new(format!(
                        "{} · {} · {}",
                        ctx.tr(label),
                        due,
                        ctx.money_with_unit(m.fen())
                    ))
                    .monospace(),
                );
            }
            if let (Some(c), Ok(a)) = (d.customer, &amount) {
                credit_flag(ui, ctx, c, *a, day);
            }
        }
        ui.horizontal(|ui| {
            if ui.button(ctx.tr("receivables.save_contract")).clicked() {
                match (amount, signed, parts) {
                    (Err(e), _, _) => state.error = Some(e),
                    (_, None, _) => {
                        state.error = Some(ctx.trf(
                            "accounts.err.date",
                            &[("value", d.signed.trim().to_owned())],
                        ))
                    }
                    (_, _, _) if d.number.trim().is_empty() => {
                        state.error = Some(ctx.tr("receivables.err.number").into_owned())
                    }
                    (Ok(amount), Some(signed), Some(parts)) => {
                        out.push(FinanceChange::AddContract(NewContract {
                            customer: d.customer,
                            person: d.person,
                            number: d.number.trim().to_owned(),
                            signed,
                            amount,
                            installments: parts
                                .into_iter()
                                .map(|(l, due, m)| (ctx.tr(l).into_owned(), due, m))
                                .collect(),
                        }));
                        state.error = None;
                        close = true;
                    }
                    _ => state.error = Some(ctx.tr("receivables.err.amount").into_owned()),
                }
            }
            if ui.button(ctx.tr("dialog.cancel")).clicked() {
                close = true;
            }
        });
    });
    if close {
        state.contract = None;
    }
}

/// Each contract's row: number (hover: its schedule), customer, person, signed, amount, paid
/// and outstanding on `day`, the installments grouped by contract once.
fn contract_rows(ctx: &ViewCtx, day: jiff::civil::Date) -> Vec<Vec<Cell>> {
    let r = &ctx.snap.receivables;
    let states = receivables::states(&r.installments, &r.receipts, day);
    let mut by_contract: std::collections::HashMap<i64, Vec<&receivables::InstallmentState>> =
        std::collections::HashMap::new();
    for s in &states {
        by_contract
            .entry(s.installment.contract)
            .or_default()
            .push(s);
    }
    r.contracts
        .iter()
        .map(|c| {
            let mine = by_contract.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
            let paid: Money = mine.iter().map(|s| s.paid).sum();
            let left: Money = mine.iter().map(|s| s.outstanding).sum();
            // Paid and outstanding, each the sum over the contract's installments.
            let by_installment =
                |key: &str, total: Money, f: fn(&receivables::InstallmentState) -> Money| {
                    let terms: Vec<String> = mine
                        .iter()
                        .map(|s| format!("{} {}", s.installment.label, ctx.money(f(s).fen())))
                        .collect();
                    let total = ctx.money_with_unit(total.fen());
                    match widgets::sum_terms(&terms) {
                        Some(parts) => ctx.trf(key, &[("parts", parts), ("total", total)]),
                        None => ctx.trf(
                            "receivables.by_installment_n",
                            &[("n", terms.len().to_string()), ("total", total)],
                        ),
                    }
                };
            let paid_explain = by_installment("receivables.paid.explain", paid, |s| s.paid);
            let left_explain = by_installment("receivables.outstanding.sum_explain", left, |s| {
                s.outstanding
            });
            let schedule = mine
                .iter()
                .map(|s| {
                    format!(
                        "{} {} {}",
                        s.installment.label,
                        s.installment.due,
                        ctx.money_with_unit(s.installment.amount.fen())
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            vec![
                Cell::text(&c.number).explain(schedule),
                Cell::text(customer_name(ctx, c.customer)),
                Cell::text(c.person.map(|p| ctx.node_name(p)).unwrap_or_default()),
                Cell::text(c.signed.to_string()),
                Cell::num(ctx.money(c.amount.fen())),
                Cell::num(ctx.money(paid.fen())).explain(paid_explain),
                Cell::num(ctx.money(left.fen())).explain(left_explain),
            ]
        })
        .collect()
}

fn receipts_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    day: jiff::civil::Date,
    out: &mut Vec<FinanceChange>,
) {
    let r = &ctx.snap.receivables;
    if r.contracts.is_empty() {
        return;
    }
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("receivables.record"));
    let d = &mut state.receipt;
    if d.date.is_empty() {
        d.date = day.to_string();
    }
    let number = |id: Option<i64>| {
        id.and_then(|id| r.contracts.iter().find(|c| c.id == id))
            .map(|c| format!("{} · {}", c.number, customer_name(ctx, c.customer)))
            .unwrap_or_else(|| "—".into())
    };
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("receivables.contract"));
        egui::ComboBox::from_id_salt("receipt_contract")
            .selected_text(number(d.contract))
            .width(220.0)
            .show_ui(ui, |ui| {
                for c in &r.contracts {
                    ui.selectable_value(&mut d.contract, Some(c.id), number(Some(c.id)));
                }
            })
            .response
            .labelled_by(label.id);
        field(ui, &ctx.tr("receivables.received_on"), &mut d.date, 100.0);
        field(
            ui,
            &ctx.with_unit("receivables.amount"),
            &mut d.amount,
            90.0,
        );
        field(
            ui,
            &ctx.tr("receivables.reference"),
            &mut d.reference,
            140.0,
        );
        if ui.button(ctx.tr("receivables.add_receipt")).clicked() {
            let amount = parse_amount(ctx, &ctx.tr("receivables.amount"), &d.amount);
            match (d.contract, parse_day(&d.date), amount) {
                (None, _, _) => state.error = Some(ctx.tr("receivables.err.contract").into_owned()),
                (_, None, _) => {
                    state.error =
                        Some(ctx.trf("accounts.err.date", &[("value", d.date.trim().to_owned())]))
                }
                (_, _, Err(e)) => state.error = Some(e),
                (_, _, Ok(a)) if a.fen() <= 0 => {
                    state.error = Some(ctx.tr("receivables.err.amount").into_owned())
                }
                (Some(contract), Some(date), Ok(amount)) => {
                    out.push(FinanceChange::AddReceipt {
                        contract,
                        installment: None,
                        date,
                        amount,
                        reference: d.reference.trim().to_owned(),
                    });
                    d.amount.clear();
                    d.reference.clear();
                    state.error = None;
                }
            }
        }
    });
    ui.label(RichText::new(ctx.tr("receivables.record.hint")).weak());
}

fn terms_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, out: &mut Vec<FinanceChange>) {
    let terms = &ctx.snap.receivables.terms;
    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("receivables.ratings"));
    ui.label(RichText::new(ctx.tr("receivables.terms.intro")).weak());
    if state
        .terms
        .as_ref()
        .is_none_or(|(g, _)| *g != ctx.generation)
    {
        let rows = terms
            .iter()
            .map(|t| {
                (
                    t.rating.clone(),
                    t.prepayment.format_percent(4),
                    t.credit_days.to_string(),
                    super::accounts::amount_text(ctx, t.credit_limit),
                )
            })
            .collect();
        state.terms = Some((ctx.generation, rows));
    }
    let Some((_, rows)) = state.terms.as_mut() else {
        return;
    };
    let mut save: Option<usize> = None;
    egui::Grid::new("credit_terms")
        .striped(true)
        .num_columns(6)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for key in [
                "col.credit_rating",
                "receivables.prepayment",
                "receivables.credit_days",
            ] {
                ui.label(RichText::new(ctx.tr(key)).strong());
            }
            ui.label(RichText::new(ctx.with_unit("receivables.credit_limit")).strong());
            ui.label(RichText::new(ctx.tr("col.customers")).strong());
            ui.label("");
            ui.end_row();
            for (i, (rating, p, days, limit)) in rows.iter_mut().enumerate() {
                ui.label(RichText::new(rating.as_str()).strong());
                for (text, key, w) in [
                    (p, "receivables.prepayment", 70.0),
                    (days, "receivables.credit_days", 60.0),
                    (limit, "receivables.credit_limit", 100.0),
                ] {
                    let label = format!("{} {rating}", ctx.tr(key));
                    ui.add_sized([w, 20.0], egui::TextEdit::singleline(text))
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::TextInput, true, &label)
                        });
                }
                let n = ctx
                    .snap
                    .customers
                    .iter()
                    .filter(|c| c.credit_rating == *rating)
                    .count();
                ui.label(RichText::new(n.to_string()).monospace());
                if ui.small_button(ctx.tr("board.stage.save")).clicked() {
                    save = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = save
        && let Some((rating, p, days, limit)) = rows.get(i)
    {
        let prepayment = Ratio::parse(p)
            .ok()
            .filter(|r| !r.is_negative() && *r <= Ratio::ONE);
        let credit_days = days.trim().parse::<u32>().ok();
        let credit_limit = parse_amount(ctx, &ctx.tr("receivables.credit_limit"), limit);
        match (prepayment, credit_days, credit_limit) {
            (Some(prepayment), Some(credit_days), Ok(credit_limit)) => {
                out.push(FinanceChange::SetTerms(CreditTerms {
                    rating: rating.clone(),
                    prepayment,
                    credit_days,
                    credit_limit,
                }));
                state.error = None;
            }
            (_, _, Err(e)) => state.error = Some(e),
            _ => {
                state.error = Some(ctx.trf("receivables.err.terms", &[("rating", rating.clone())]))
            }
        }
    }
}
