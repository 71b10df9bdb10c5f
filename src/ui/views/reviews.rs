//! Reviews (domain §8): monthly, quarterly and special meetings — when, who attended, the
//! variances discussed (linked with their figures of the day), causes, decisions, and actions
//! with an owner, a due date and a status; the open actions across all meetings; and the
//! year's review calendar (the last working day of each month).

use egui::{RichText, Ui};

use crate::domain::model::{Metric, NodeId};
use crate::domain::reviews::{
    FollowUp, FollowUpFields, FollowUpStatus, MeetingKind, Review, ReviewFields, review_schedule,
};
use crate::domain::variance::{self, Dimension, RowKey, Status, Window};
use crate::store::reviews::ReviewChange;
use crate::ui::theme;
use crate::ui::views::accounts::{error_line, today};
use crate::ui::views::variance::{value_text, window_label};
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets::{self, Cell, Col};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Draft {
    kind: MeetingKind,
    date: String,
    title: String,
    attendees: String,
    causes: String,
    decisions: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ActionDraft {
    description: String,
    owner: Option<NodeId>,
    due: String,
}

#[derive(Default)]
pub struct State {
    /// The meeting shown (None: the newest).
    selected: Option<i64>,
    /// Writing a new meeting.
    new: bool,
    /// The meeting's fields as typed, for the meeting (None: new) and generation read.
    draft: Option<(Option<i64>, u64, Draft)>,
    action: ActionDraft,
    /// The variance picked to link.
    link: Option<usize>,
    link_note: String,
    /// The variances worth linking, computed once per generation.
    candidates: Option<(u64, std::sync::Arc<Vec<Candidate>>)>,
    error: Option<String>,
}

fn draft_of(r: &Review) -> Draft {
    let f = &r.fields;
    Draft {
        kind: f.kind,
        date: f.held_on.to_string(),
        title: f.title.clone(),
        attendees: f.attendees.clone(),
        causes: f.causes.clone(),
        decisions: f.decisions.clone(),
    }
}

fn owner_picker(ui: &mut Ui, ctx: &ViewCtx, salt: &str, owner: &mut Option<NodeId>) {
    let label = ui.label(ctx.tr("reviews.owner"));
    let nobody = ctx.tr("reviews.no_owner").into_owned();
    egui::ComboBox::from_id_salt(salt)
        .selected_text(owner.map(|p| ctx.node_name(p)).unwrap_or(nobody.clone()))
        .width(120.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(owner, None, nobody);
            for p in ctx.snap.people() {
                ui.selectable_value(owner, Some(p.id), &p.name);
            }
        })
        .response
        .labelled_by(label.id);
}

fn parse_day(text: &str) -> Option<jiff::civil::Date> {
    crate::domain::period::parse_date(text.trim()).ok()
}

pub fn reviews_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::heading(ui, &ctx.tr("view.reviews"));
    ui.label(RichText::new(ctx.tr("reviews.intro")).weak());
    let mut out: Vec<ReviewChange> = Vec::new();
    open_actions(ui, ctx, &mut out);
    ui.add_space(theme::SECTION_GAP);

    let reviews = &ctx.snap.reviews.reviews;
    widgets::subheading(ui, &ctx.tr("reviews.meetings"));
    ui.horizontal_wrapped(|ui| {
        if ui.button(ctx.tr("reviews.new")).clicked() {
            state.new = true;
            state.draft = None;
            state.error = None;
        }
        for r in reviews {
            let chosen = !state.new && state.selected.unwrap_or(reviews[0].id) == r.id;
            let name = format!(
                "{} {}",
                r.fields.held_on,
                if r.fields.title.is_empty() {
                    ctx.tr(r.fields.kind.label_key()).into_owned()
                } else {
                    r.fields.title.clone()
                }
            );
            if ui.selectable_label(chosen, name).clicked() {
                state.selected = Some(r.id);
                state.new = false;
                state.error = None;
            }
        }
    });
    if reviews.is_empty() && !state.new {
        widgets::note(ui, &ctx.tr("reviews.none"));
    }
    let current: Option<&Review> = if state.new {
        None
    } else {
        state
            .selected
            .and_then(|id| reviews.iter().find(|r| r.id == id))
            .or(reviews.first())
    };
    if state.new || current.is_some() {
        ui.add_space(6.0);
        meeting_form(ui, ctx, state, current, &mut out);
    }
    if let Some(r) = current {
        ui.add_space(theme::SECTION_GAP);
        variances_ui(ui, ctx, state, r, &mut out, actions);
        ui.add_space(theme::SECTION_GAP);
        follow_ups_ui(ui, ctx, state, r, &mut out);
    }
    ui.add_space(theme::SECTION_GAP);
    egui::CollapsingHeader::new(ctx.tr("reviews.calendar"))
        .id_salt("review_calendar")
        .show(ui, |ui| calendar(ui, ctx));
    if !out.is_empty() {
        actions.extend(out.into_iter().map(Action::Review));
    }
}

/// Every open action of every meeting, by due date, with buttons to close them.
fn open_actions(ui: &mut Ui, ctx: &ViewCtx, out: &mut Vec<ReviewChange>) {
    let r = &ctx.snap.reviews;
    let open = r.open_follow_ups();
    widgets::subheading(
        ui,
        &ctx.trf("reviews.open_actions", &[("n", open.len().to_string())]),
    );
    if open.is_empty() {
        widgets::note(ui, &ctx.tr("reviews.no_open_actions"));
        return;
    }
    let day = today();
    let dark = ui.visuals().dark_mode;
    egui::Grid::new("open_follow_ups")
        .striped(true)
        .num_columns(5)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for h in [
                "reviews.due",
                "reviews.action",
                "reviews.owner",
                "reviews.meeting",
                "",
            ] {
                ui.strong(if h.is_empty() {
                    String::new()
                } else {
                    ctx.tr(h).into_owned()
                });
            }
            ui.end_row();
            for f in open {
                let due = f
                    .fields
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into());
                if f.overdue(day) {
                    ui.label(
                        RichText::new(format!("{due} · {}", ctx.tr("reviews.overdue")))
                            .color(theme::bad(dark)),
                    );
                } else {
                    ui.label(due);
                }
                ui.label(&f.fields.description);
                ui.label(f.fields.owner.map(|o| ctx.node_name(o)).unwrap_or_default());
                let meeting = r
                    .reviews
                    .iter()
                    .find(|x| x.id == f.review)
                    .map(|x| x.fields.held_on.to_string())
                    .unwrap_or_default();
                ui.label(meeting);
                ui.horizontal(|ui| status_buttons(ui, ctx, f, out));
                ui.end_row();
            }
        });
}

fn status_buttons(ui: &mut Ui, ctx: &ViewCtx, f: &FollowUp, out: &mut Vec<ReviewChange>) {
    for (status, key) in [
        (FollowUpStatus::Done, "reviews.mark_done"),
        (FollowUpStatus::Dropped, "reviews.mark_dropped"),
        (FollowUpStatus::Open, "reviews.reopen"),
    ] {
        if status == f.fields.status {
            continue;
        }
        if status == FollowUpStatus::Open && f.fields.status == FollowUpStatus::Open {
            continue;
        }
        if ui.small_button(ctx.tr(key)).clicked() {
            out.push(ReviewChange::UpdateFollowUp {
                id: f.id,
                fields: FollowUpFields {
                    status,
                    ..f.fields.clone()
                },
                day: today(),
            });
        }
    }
}

fn meeting_form(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    current: Option<&Review>,
    out: &mut Vec<ReviewChange>,
) {
    let id = current.map(|r| r.id);
    let stale = state
        .draft
        .as_ref()
        .is_none_or(|(d, g, _)| *d != id || *g != ctx.generation);
    if stale {
        let draft = match current {
            Some(r) => draft_of(r),
            None => {
                let day = today();
                let fy = ctx.snap.plan.fiscal_year;
                let quarterly = fy.fiscal_month_of(day).is_some_and(|m| m % 3 == 0);
                Draft {
                    kind: if quarterly {
                        MeetingKind::Quarterly
                    } else {
                        MeetingKind::Monthly
                    },
                    date: day.to_string(),
                    ..Draft::default()
                }
            }
        };
        state.draft = Some((id, ctx.generation, draft));
    }
    let Some((_, _, d)) = state.draft.as_mut() else {
        return;
    };
    egui::Grid::new("review_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label(ctx.tr("reviews.kind"));
            egui::ComboBox::from_id_salt("review_kind")
                .selected_text(ctx.tr(d.kind.label_key()))
                .show_ui(ui, |ui| {
                    for k in MeetingKind::ALL {
                        ui.selectable_value(&mut d.kind, k, ctx.tr(k.label_key()));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            for (key, text, multi) in [
                ("reviews.date", &mut d.date, false),
                ("reviews.title", &mut d.title, false),
                ("reviews.attendees", &mut d.attendees, false),
                ("reviews.causes", &mut d.causes, true),
                ("reviews.decisions", &mut d.decisions, true),
            ] {
                let label = ui.label(ctx.tr(key));
                let edit = if multi {
                    egui::TextEdit::multiline(text).desired_rows(2)
                } else {
                    egui::TextEdit::singleline(text)
                };
                ui.add_sized([480.0, if multi { 44.0 } else { 20.0 }], edit)
                    .labelled_by(label.id);
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        if ui.button(ctx.tr("reviews.save")).clicked() {
            match parse_day(&d.date) {
                Some(held_on) => {
                    let fields = ReviewFields {
                        kind: d.kind,
                        held_on,
                        title: d.title.clone(),
                        attendees: d.attendees.clone(),
                        causes: d.causes.clone(),
                        decisions: d.decisions.clone(),
                    };
                    state.error = None;
                    match id {
                        Some(id) => out.push(ReviewChange::UpdateReview { id, fields }),
                        None => {
                            out.push(ReviewChange::AddReview(fields));
                            state.new = false;
                            state.selected = None;
                        }
                    }
                }
                None => {
                    state.error =
                        Some(ctx.trf("reviews.err.date", &[("value", d.date.trim().to_owned())]))
                }
            }
        }
        if let Some(id) = id {
            if ui.button(ctx.tr("reviews.delete")).clicked() {
                out.push(ReviewChange::DeleteReview(id));
                state.selected = None;
            }
        } else if ui.button(ctx.tr("reviews.cancel")).clicked() {
            state.new = false;
        }
    });
    error_line(ui, &state.error);
}

/// A variance worth discussing: a person behind or on watch, contracts to date.
struct Candidate {
    node: NodeId,
    metric: Metric,
    window: Window,
    plan: Option<i64>,
    actual: i64,
    label: String,
}

fn candidates(ctx: &ViewCtx) -> Vec<Candidate> {
    let Some(root) = ctx.tree.root().map(|r| r.id) else {
        return Vec::new();
    };
    let inputs = variance::Inputs::new(ctx.snap, ctx.tree, ctx.table);
    let through = variance::months_closed(&ctx.snap.plan.fiscal_year, today());
    let window = Window::ToDate(through);
    let bands = ctx.snap.reviews.bands;
    let mut out = Vec::new();
    for metric in [Metric::ContractAmount, Metric::Collections, Metric::Leads] {
        let t = variance::table(&inputs, metric, Dimension::Person, root);
        for r in &t.rows {
            let RowKey::Node(node) = r.key else { continue };
            let f = r.series.figures(window, &bands);
            if matches!(f.status, Status::Behind | Status::Watch) {
                out.push(Candidate {
                    node,
                    metric,
                    window,
                    plan: f.plan,
                    actual: f.actual,
                    label: format!(
                        "{} · {} · {} · {} {} / {} {}",
                        ctx.node_name(node),
                        ctx.tr(metric.label_key()),
                        window_label(ctx, window),
                        ctx.tr("variance.actual"),
                        value_text(ctx, metric, f.actual),
                        ctx.tr("variance.plan"),
                        f.plan
                            .map(|p| value_text(ctx, metric, p))
                            .unwrap_or_default()
                    ),
                });
            }
        }
    }
    out
}

fn variances_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    r: &Review,
    out: &mut Vec<ReviewChange>,
    nav: &mut Vec<Action>,
) {
    widgets::subheading(ui, &ctx.tr("reviews.variances"));
    let bands = ctx.snap.reviews.bands;
    let dark = ui.visuals().dark_mode;
    let linked: Vec<_> = ctx
        .snap
        .reviews
        .variances
        .iter()
        .filter(|v| v.review == r.id)
        .collect();
    if linked.is_empty() {
        widgets::note(ui, &ctx.tr("reviews.no_variances"));
    } else {
        let mut shown: Option<Action> = None;
        egui::Grid::new("review_variances")
            .striped(true)
            .num_columns(7)
            .spacing([14.0, 6.0])
            .show(ui, |ui| {
                for h in [
                    "col.person",
                    "variance.metric",
                    "variance.window",
                    "variance.plan",
                    "variance.actual",
                    "variance.attainment",
                    "reviews.note",
                ] {
                    ui.strong(ctx.tr(h));
                }
                ui.end_row();
                for v in linked {
                    let f = variance::Figures::new(v.plan, v.actual, &bands);
                    let who = v
                        .node
                        .map(|n| ctx.node_name(n))
                        .unwrap_or_else(|| ctx.tr("col.total").into_owned());
                    if ui
                        .link(who)
                        .on_hover_text(ctx.tr("reviews.show_variance"))
                        .clicked()
                    {
                        shown = Some(Action::ShowVariance {
                            node: v.node,
                            metric: v.metric,
                            window: v.window,
                        });
                    }
                    ui.label(ctx.tr(v.metric.label_key()));
                    ui.label(window_label(ctx, v.window));
                    ui.label(
                        v.plan
                            .map(|p| value_text(ctx, v.metric, p))
                            .unwrap_or_else(|| "—".into()),
                    );
                    ui.label(value_text(ctx, v.metric, v.actual));
                    let color = match f.status {
                        Status::OnTrack => theme::good(dark),
                        Status::Watch => theme::warn(dark),
                        Status::Behind => theme::bad(dark),
                        Status::NoPlan => egui::Color32::GRAY,
                    };
                    let attainment = f
                        .attainment
                        .map(|a| a.format_percent_fixed(2))
                        .unwrap_or_else(|| "—".into());
                    // How the attainment was computed, with the figures as shown.
                    let value = |x: i64| value_text(ctx, v.metric, x);
                    let explain = match (f.plan, f.variance, f.attainment) {
                        (Some(plan), Some(diff), Some(_)) => ctx.trf(
                            "variance.explain",
                            &[
                                ("window", window_label(ctx, v.window)),
                                ("actual", value(f.actual)),
                                ("plan", value(plan)),
                                ("variance", value(diff)),
                                ("attainment", attainment.clone()),
                            ],
                        ),
                        _ => ctx.trf(
                            "variance.explain_no_plan",
                            &[
                                ("window", window_label(ctx, v.window)),
                                ("actual", value(f.actual)),
                            ],
                        ),
                    };
                    ui.label(RichText::new(attainment).color(color))
                        .on_hover_text(explain);
                    ui.horizontal(|ui| {
                        ui.label(&v.note);
                        if ui.small_button(ctx.tr("reviews.unlink")).clicked() {
                            out.push(ReviewChange::DeleteVariance(v.id));
                        }
                    });
                    ui.end_row();
                }
            });
        nav.extend(shown);
    }
    let list = match &state.candidates {
        Some((g, list)) if *g == ctx.generation => list.clone(),
        _ => {
            let list = std::sync::Arc::new(candidates(ctx));
            state.candidates = Some((ctx.generation, list.clone()));
            list
        }
    };
    if list.is_empty() {
        return;
    }
    ui.horizontal(|ui| {
        let label = ui.label(ctx.tr("reviews.link"));
        let chosen = state.link.filter(|i| *i < list.len());
        egui::ComboBox::from_id_salt("review_link")
            .width(420.0)
            .selected_text(
                chosen
                    .map(|i| list[i].label.clone())
                    .unwrap_or_else(|| ctx.tr("reviews.link_choose").into_owned()),
            )
            .show_ui(ui, |ui| {
                for (i, c) in list.iter().enumerate() {
                    ui.selectable_value(&mut state.link, Some(i), &c.label);
                }
            })
            .response
            .labelled_by(label.id);
        let l = ui.label(ctx.tr("reviews.note"));
        ui.add_sized(
            [180.0, 20.0],
            egui::TextEdit::singleline(&mut state.link_note),
        )
        .labelled_by(l.id);
        if ui
            .add_enabled(
                chosen.is_some(),
                egui::Button::new(ctx.tr("reviews.link_add")),
            )
            .clicked()
            && let Some(c) = chosen.map(|i| &list[i])
        {
            out.push(ReviewChange::AddVariance {
                review: r.id,
                node: Some(c.node),
                metric: c.metric,
                window: c.window,
                plan: c.plan,
                actual: c.actual,
                note: std::mem::take(&mut state.link_note),
            });
            state.link = None;
        }
    });
}

fn follow_ups_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    r: &Review,
    out: &mut Vec<ReviewChange>,
) {
    widgets::subheading(ui, &ctx.tr("reviews.actions"));
    let mine: Vec<&FollowUp> = ctx
        .snap
        .reviews
        .follow_ups
        .iter()
        .filter(|f| f.review == r.id)
        .collect();
    if !mine.is_empty() {
        let rows: Vec<Vec<Cell>> = mine
            .iter()
            .map(|f| {
                vec![
                    Cell::text(&f.fields.description),
                    Cell::text(f.fields.owner.map(|o| ctx.node_name(o)).unwrap_or_default()),
                    Cell::text(f.fields.due.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::text(ctx.tr(f.fields.status.label_key())),
                    Cell::text(f.closed_on.map(|d| d.to_string()).unwrap_or_default()),
                ]
            })
            .collect();
        widgets::table(
            ui,
            "review_actions",
            &[
                Col::text(ctx.tr("reviews.action")).width(260.0),
                Col::text(ctx.tr("reviews.owner")).width(90.0),
                Col::text(ctx.tr("reviews.due")).width(100.0),
                Col::text(ctx.tr("reviews.status")).width(80.0),
                Col::text(ctx.tr("reviews.closed_on")).width(100.0),
            ],
            &rows,
        );
        ui.horizontal_wrapped(|ui| {
            for f in &mine {
                if ui
                    .small_button(ctx.trf(
                        "reviews.delete_action",
                        &[("action", f.fields.description.clone())],
                    ))
                    .clicked()
                {
                    out.push(ReviewChange::DeleteFollowUp(f.id));
                }
            }
        });
    }
    let a = &mut state.action;
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(ctx.tr("reviews.action"));
        ui.add_sized(
            [260.0, 20.0],
            egui::TextEdit::singleline(&mut a.description),
        )
        .labelled_by(l.id);
        owner_picker(ui, ctx, "follow_up_owner", &mut a.owner);
        let l = ui.label(ctx.tr("reviews.due"));
        ui.add_sized([100.0, 20.0], egui::TextEdit::singleline(&mut a.due))
            .labelled_by(l.id)
            .on_hover_text(ctx.tr("reviews.due_hint"));
        if ui.button(ctx.tr("reviews.add_action")).clicked() {
            let due = if a.due.trim().is_empty() {
                Ok(None)
            } else {
                parse_day(&a.due).map(Some).ok_or(())
            };
            match (a.description.trim().is_empty(), due) {
                (true, _) => state.error = Some(ctx.tr("reviews.err.action").into_owned()),
                (_, Err(())) => {
                    state.error =
                        Some(ctx.trf("reviews.err.date", &[("value", a.due.trim().to_owned())]))
                }
                (false, Ok(due)) => {
                    out.push(ReviewChange::AddFollowUp {
                        review: r.id,
                        fields: FollowUpFields {
                            description: a.description.trim().to_owned(),
                            owner: a.owner,
                            due,
                            status: FollowUpStatus::Open,
                        },
                    });
                    *a = ActionDraft::default();
                    state.error = None;
                }
            }
        }
    });
}

fn calendar(ui: &mut Ui, ctx: &ViewCtx) {
    let fy = ctx.snap.plan.fiscal_year;
    let rows: Vec<Vec<Cell>> = review_schedule(&fy, &ctx.snap.calendar)
        .into_iter()
        .map(|slot| {
            let kind = if slot.quarterly {
                ctx.tr("reviews.quarterly")
            } else {
                ctx.tr("reviews.monthly")
            };
            vec![
                Cell::text(fy.month_label(slot.fiscal_month)),
                Cell::text(
                    slot.date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                )
                .explain(ctx.tr("reviews.date_explain")),
                if slot.quarterly {
                    Cell::text(kind).strong()
                } else {
                    Cell::text(kind)
                },
            ]
        })
        .collect();
    widgets::table(
        ui,
        "review_calendar",
        &[
            Col::text(ctx.tr("col.month")).width(100.0),
            Col::text(ctx.tr("col.date")).width(120.0),
            Col::text(ctx.tr("col.kind")).width(120.0),
        ],
        &rows,
    );
}
