//! The editable month grid of the Monthly plan view: people grouped by unit × 12 fiscal months
//! (with quarters and the year) for one metric.
//!
//! Click a cell (or move with the arrow keys, Tab and Enter) and type to edit; Enter or Tab
//! stores it, Esc cancels; Delete clears the selected cells; Shift + arrows select a block,
//! Ctrl+C copies it as tab-separated text, Ctrl+V pastes a block copied from Excel or WPS.
//! Every edit, paste or clearing is one undoable change that also sets each touched person's
//! year to the sum of their months, so rows always add up; unit rows are the sums of the people
//! below them. Locked cells (right-click) refuse edits. Cells that differ from the last
//! confirmed version are marked.

use egui::{Align2, Color32, FontId, Id, Key, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::domain::grid::{self, CellEdit, CellProblem, CellReason};
use crate::domain::model::{Metric, NodeId, TargetLock};
use crate::domain::period::Period;
use crate::domain::targets::TargetTable;
use crate::ui::theme;
use crate::ui::views::{Action, Memo, ViewCtx};
use crate::ui::widgets;

/// The metrics the grid edits.
pub const METRICS: [Metric; 6] = [
    Metric::ContractAmount,
    Metric::Collections,
    Metric::Deals,
    Metric::Leads,
    Metric::Visits,
    Metric::Bids,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub metric: Metric,
    /// The cursor: index among the people rows, fiscal month 1–12.
    pub cursor: Option<(usize, u8)>,
    /// The other corner of the selected block (Shift + arrows).
    pub anchor: Option<(usize, u8)>,
    /// The cursor cell's text while it is edited.
    pub editing: Option<String>,
    /// Set when the cursor moved: the cell takes keyboard focus and scrolls into view.
    pub moved: bool,
    /// What was wrong with the last edit or paste.
    pub problems: Vec<String>,
    /// Show the four quarter columns too.
    pub quarters: bool,
    /// The rows and their figures, for a generation and metric.
    figures: Memo<(u64, Metric), Figures>,
}

impl Default for State {
    fn default() -> Self {
        State {
            metric: Metric::ContractAmount,
            cursor: None,
            anchor: None,
            editing: None,
            moved: false,
            problems: Vec::new(),
            quarters: false,
            figures: Memo::default(),
        }
    }
}

/// What a row shows: its name, depth, 12 months, and for a person their index and id.
type RowData = (String, usize, [Option<i64>; 12], Option<(usize, NodeId)>);

/// What the grid shows of one metric: computed once per change of the plan (an organisation's
/// plan has thousands of rows; only those in view are drawn).
struct Figures {
    rows: Vec<Row>,
    /// The people in row order, and their months.
    people: Vec<NodeId>,
    values: Vec<[Option<i64>; 12]>,
    /// The latest confirmed version's targets, to mark the cells changed since.
    baseline: Option<TargetTable>,
}

impl Figures {
    fn new(ctx: &ViewCtx, metric: Metric) -> Figures {
        // The rows: units as headings, people under them.
        let mut rows: Vec<Row> = Vec::new();
        let mut people: Vec<NodeId> = Vec::new();
        for (id, depth) in ctx.tree.walk() {
            let Some(node) = ctx.tree.get(id) else {
                continue;
            };
            if node.kind.is_person() {
                rows.push(Row::Person {
                    id,
                    depth,
                    index: people.len(),
                });
                people.push(id);
            } else {
                rows.push(Row::Unit {
                    id,
                    depth,
                    sums: [None; 12],
                    people: 0,
                });
            }
        }
        let values: Vec<[Option<i64>; 12]> = people
            .iter()
            .map(|&p| ctx.table.months(p, None, metric))
            .collect();
        // Each unit sums the people below it (each person counted once per ancestor).
        let mut sums: std::collections::HashMap<NodeId, [Option<i64>; 12]> =
            std::collections::HashMap::new();
        let mut below: std::collections::HashMap<NodeId, usize> = std::collections::HashMap::new();
        for (&p, months) in people.iter().zip(&values) {
            for a in ctx.tree.ancestors(p) {
                *below.entry(a).or_default() += 1;
                let unit = sums.entry(a).or_insert([None; 12]);
                for (sum, v) in unit.iter_mut().zip(months) {
                    if let Some(v) = v {
                        *sum = Some(sum.unwrap_or(0).saturating_add(*v));
                    }
                }
            }
        }
        for row in rows.iter_mut() {
            if let Row::Unit {
                id,
                sums: s,
                people: n,
                ..
            } = row
            {
                *s = sums.remove(id).unwrap_or([None; 12]);
                *n = below.get(id).copied().unwrap_or(0);
            }
        }
        let baseline = ctx
            .snap
            .baseline
            .as_ref()
            .map(|(_, cells)| TargetTable::new(cells));
        Figures {
            rows,
            people,
            values,
            baseline,
        }
    }
}

/// A row of the grid: a unit heading (sums) or a person (editable).
enum Row {
    Unit {
        id: NodeId,
        depth: usize,
        /// The months of the people below it added up.
        sums: [Option<i64>; 12],
        /// How many people are below it.
        people: usize,
    },
    Person {
        id: NodeId,
        depth: usize,
        index: usize,
    },
}

fn focus_key() -> Id {
    Id::unique("salesplan.grid_focus")
}

/// Whether a grid cell (not its text editor) has the keyboard focus: then Ctrl+Z and Ctrl+Y
/// undo and redo the plan, as they do when nothing is focused.
pub fn cell_has_focus(ctx: &egui::Context) -> bool {
    let cell: Option<Id> = ctx
        .data(|d| d.get_temp::<Option<Id>>(focus_key()))
        .flatten();
    cell.is_some() && ctx.memory(|m| m.focused()) == cell
}

fn cell_id(person: NodeId, month: u8) -> Id {
    Id::unique(("salesplan.grid_cell", person.0, month))
}

fn problem_text(ctx: &ViewCtx, p: &CellProblem) -> String {
    let reason = match &p.reason {
        CellReason::NotAmount(why) => why.clone(),
        CellReason::Negative => ctx.tr("grid.err.negative").into_owned(),
        CellReason::NotWholeCount => ctx.tr("grid.err.count").into_owned(),
        CellReason::Locked => ctx.tr("grid.err.locked").into_owned(),
        CellReason::OutsideGrid => ctx.tr("grid.err.outside").into_owned(),
    };
    ctx.trf(
        "grid.problem",
        &[
            ("row", p.row.to_string()),
            ("column", p.column.to_string()),
            ("value", p.value.clone()),
            ("reason", reason),
        ],
    )
}

/// The cells to write for `edits` (months and the people's years) as one action.
/// The action writing `edits` (months) and each touched person's year as their sum, as one
/// change labelled `label_key`.
pub(crate) fn write_cells(
    ctx: &ViewCtx,
    metric: Metric,
    edits: &[CellEdit],
    label_key: &str,
    detail: String,
) -> Action {
    let table = ctx.table;
    let cells = grid::with_year_totals(edits, &|node, m| {
        table.get(node, None, Period::Month(m), metric)
    });
    Action::SetTargetCells {
        label_key: label_key.into(),
        detail,
        cells: cells
            .into_iter()
            .map(|(node, period, value)| crate::store::targets::CellChange {
                node,
                line: None,
                period,
                metric,
                value,
            })
            .collect(),
    }
}

fn selection(state: &State) -> Option<((usize, u8), (usize, u8))> {
    let c = state.cursor?;
    let a = state.anchor.unwrap_or(c);
    Some(((a.0.min(c.0), a.1.min(c.1)), (a.0.max(c.0), a.1.max(c.1))))
}

pub fn grid_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let metric = state.metric;
    let unit = ctx.unit();
    let editable = ctx.snap.current_version().is_some_and(|v| !v.locked);
    let figures = state
        .figures
        .get((ctx.generation, metric), |_| Figures::new(ctx, metric));
    let Figures {
        rows,
        people,
        values,
        baseline,
    } = &*figures;
    if people.is_empty() {
        widgets::note(ui, &ctx.tr("grid.no_people"));
        return;
    }
    let locked = |node: NodeId, month: u8| {
        ctx.snap.locks.contains(&TargetLock {
            node,
            line: None,
            period: Period::Month(month),
            metric,
        })
    };
    let fmt = |v: Option<i64>| match v {
        None => String::new(),
        Some(v) if metric.is_money() => ctx.money(v),
        Some(v) => v.to_string(),
    };

    // Keyboard, when a cell has focus and no text is being edited.
    if let Some((r, m)) = state.cursor
        && r < people.len()
        && state.editing.is_none()
        && ui.memory(|mem| mem.has_focus(cell_id(people[r], m)))
    {
        keyboard(ui, ctx, state, people, values, editable, actions, &locked);
    }
    // A paste arrives as an event.
    if state.cursor.is_some() && state.editing.is_none() {
        let pasted = ui.input(|i| {
            i.events.iter().find_map(|e| match e {
                egui::Event::Paste(text) => Some(text.clone()),
                _ => None,
            })
        });
        if let (Some(text), Some(((r0, m0), _))) = (pasted, selection(state)) {
            let focused = state.cursor.is_some_and(|(r, m)| {
                r < people.len() && ui.memory(|mem| mem.has_focus(cell_id(people[r], m)))
            });
            if focused && editable {
                let block = grid::parse_block(&text);
                match grid::paste(&block, people, r0, m0, metric, unit, &locked) {
                    Ok(edits) if !edits.is_empty() => {
                        state.problems.clear();
                        let n = edits.len().to_string();
                        actions.push(write_cells(
                            ctx,
                            metric,
                            &edits,
                            "change.grid",
                            ctx.trf("grid.pasted", &[("n", n)]),
                        ));
                    }
                    Ok(_) => {}
                    Err(problems) => {
                        state.problems = problems.iter().map(|p| problem_text(ctx, p)).collect();
                    }
                }
            }
        }
    }

    let dark = ui.visuals().dark_mode;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let sel = selection(state);
    let month_names: Vec<String> = (1..=12).map(|m| ctx.month_name(m)).collect();
    let mut clicked: Option<(usize, u8)> = None;
    let mut start_edit = false;
    let mut commit: Option<(usize, u8, String, Option<Key>)> = None;
    let mut cancel = false;
    let mut lock_toggle: Option<(NodeId, u8, bool)> = None;

    egui::ScrollArea::horizontal()
        .id_salt("grid_scroll")
        .show(ui, |ui| {
            let mut builder = TableBuilder::new(ui)
                .id_salt("month_grid")
                .striped(true)
                .vscroll(true)
                .max_scroll_height(520.0)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::exact(100.0));
            for _ in 0..12 {
                builder =
                    builder.column(Column::exact(if metric.is_money() { 66.0 } else { 52.0 }));
            }
            for _ in 0..(if state.quarters { 5 } else { 1 }) {
                builder =
                    builder.column(Column::exact(if metric.is_money() { 84.0 } else { 64.0 }));
            }
            if let Some((r, _)) = state.cursor
                && state.moved
                && let Some(index) = rows
                    .iter()
                    .position(|row| matches!(row, Row::Person { index, .. } if *index == r))
            {
                builder = builder.scroll_to_row(index, None);
            }
            builder
                .header(row_height, |mut header| {
                    header.col(|ui| {
                        ui.label(RichText::new(ctx.tr("col.unit")).strong());
                    });
                    let mut titles: Vec<String> = month_names.clone();
                    if state.quarters {
                        titles.extend(
                            (1..=4).map(|q| ctx.trf("monthly.quarter", &[("n", q.to_string())])),
                        );
                    }
                    titles.push(ctx.tr("col.year").into_owned());
                    for t in titles {
                        header.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.label(RichText::new(t).strong());
                                },
                            );
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, rows.len(), |mut row_ui| {
                        let row = &rows[row_ui.index()];
                        let (name, depth, months, person): RowData = match row {
                            Row::Unit {
                                id, depth, sums, ..
                            } => (ctx.node_name(*id), *depth, *sums, None),
                            Row::Person { id, depth, index } => (
                                ctx.node_name(*id),
                                *depth,
                                values[*index],
                                Some((*index, *id)),
                            ),
                        };
                        row_ui.col(|ui| {
                            ui.add_space(depth as f32 * 14.0);
                            let text = RichText::new(&name);
                            ui.label(if person.is_none() {
                                text.strong()
                            } else {
                                text
                            });
                        });
                        for m in 1..=12u8 {
                            let v = months[usize::from(m - 1)];
                            row_ui.col(|ui| {
                                let Some((r, node)) = person else {
                                    let below = match row {
                                        Row::Unit { people, .. } => *people,
                                        Row::Person { .. } => 0,
                                    };
                                    ui.with_layout(
                                        egui::Layout::right_to_left(egui::Align::Center),
                                        |ui| {
                                            let label = ui
                                                .label(RichText::new(fmt(v)).monospace().strong());
                                            if v.is_some() {
                                                // Built only while hovered: the grid is drawn
                                                // every frame.
                                                label.on_hover_ui(|ui| {
                                                    ui.label(
                                                        ctx.trf(
                                                            "grid.unit_sum_explain",
                                                            &[
                                                                ("unit", name.clone()),
                                                                (
                                                                    "month",
                                                                    month_names[usize::from(m - 1)]
                                                                        .clone(),
                                                                ),
                                                                ("n", below.to_string()),
                                                                ("value", fmt(v)),
                                                            ],
                                                        ),
                                                    );
                                                });
                                            }
                                        },
                                    );
                                    return;
                                };
                                let is_cursor = state.cursor == Some((r, m));
                                if is_cursor && let Some(text) = state.editing.as_mut() {
                                    let edit_id = Id::unique("salesplan.grid_editor");
                                    let resp = ui.add(
                                        egui::TextEdit::singleline(text)
                                            .id(edit_id)
                                            .align(Align2::RIGHT_CENTER)
                                            .desired_width(f32::INFINITY),
                                    );
                                    let label =
                                        format!("{} {}", name, month_names[usize::from(m - 1)]);
                                    resp.widget_info(|| {
                                        egui::WidgetInfo::labeled(
                                            egui::Role::TextInput,
                                            true,
                                            &label,
                                        )
                                    });
                                    if state.moved {
                                        resp.request_focus();
                                    }
                                    if resp.lost_focus() {
                                        let key = ui.input(|i| {
                                            if i.key_pressed(Key::Escape) {
                                                Some(Key::Escape)
                                            } else if i.key_pressed(Key::Tab) {
                                                Some(Key::Tab)
                                            } else if i.key_pressed(Key::Enter) {
                                                Some(Key::Enter)
                                            } else {
                                                None
                                            }
                                        });
                                        if key == Some(Key::Escape) {
                                            cancel = true;
                                        } else {
                                            commit = Some((r, m, text.clone(), key));
                                        }
                                    }
                                    return;
                                }
                                let rect = ui.max_rect();
                                let id = cell_id(node, m);
                                let resp = ui.interact(rect, id, Sense::click());
                                let label = format!("{} {}", name, month_names[usize::from(m - 1)]);
                                resp.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::Button, true, &label)
                                });
                                let in_sel = sel.is_some_and(|((r0, m0), (r1, m1))| {
                                    (r0..=r1).contains(&r) && (m0..=m1).contains(&m)
                                });
                                let is_locked = locked(node, m);
                                if in_sel {
                                    ui.painter().rect_filled(
                                        rect,
                                        0.0,
                                        ui.visuals()
                                            .selection
                                            .bg_fill
                                            .gamma_multiply(if is_cursor { 0.9 } else { 0.45 }),
                                    );
                                } else if is_locked {
                                    ui.painter().rect_filled(
                                        rect,
                                        0.0,
                                        ui.visuals().faint_bg_color.gamma_multiply(2.0),
                                    );
                                }
                                let old = baseline
                                    .as_ref()
                                    .map(|b| b.get(node, None, Period::Month(m), metric));
                                let changed = old.is_some_and(|o| o != v);
                                let color = if changed {
                                    theme::warn(dark)
                                } else {
                                    ui.visuals().text_color()
                                };
                                ui.painter().text(
                                    rect.right_center() - egui::vec2(4.0, 0.0),
                                    Align2::RIGHT_CENTER,
                                    fmt(v),
                                    FontId::monospace(12.0),
                                    color,
                                );
                                if is_locked {
                                    ui.painter().text(
                                        rect.left_center() + egui::vec2(2.0, 0.0),
                                        Align2::LEFT_CENTER,
                                        "•",
                                        FontId::proportional(12.0),
                                        Color32::GRAY,
                                    );
                                }
                                if state.moved && is_cursor {
                                    resp.request_focus();
                                }
                                let mut hover = Vec::new();
                                if let Some(o) = old.filter(|_| changed) {
                                    hover.push(ctx.trf(
                                        "grid.changed",
                                        &[("value", if o.is_some() { fmt(o) } else { "—".into() })],
                                    ));
                                }
                                if is_locked {
                                    hover.push(ctx.tr("grid.locked").into_owned());
                                }
                                let resp = if hover.is_empty() {
                                    resp
                                } else {
                                    resp.on_hover_text(hover.join("\n"))
                                };
                                if resp.clicked() {
                                    clicked = Some((r, m));
                                }
                                if resp.double_clicked() {
                                    clicked = Some((r, m));
                                    start_edit = true;
                                }
                                resp.context_menu(|ui| {
                                    let key = if is_locked {
                                        "grid.unlock"
                                    } else {
                                        "grid.lock"
                                    };
                                    if ui
                                        .add_enabled(editable, egui::Button::new(ctx.tr(key)))
                                        .clicked()
                                    {
                                        lock_toggle = Some((node, m, !is_locked));
                                        ui.close();
                                    }
                                });
                            });
                        }
                        // Quarters and the year: sums of the row's months.
                        let sum = |range: std::ops::RangeInclusive<usize>| {
                            let set: Vec<i64> = range.filter_map(|m| months[m]).collect();
                            (!set.is_empty())
                                .then(|| set.iter().fold(0i64, |a, &b| a.saturating_add(b)))
                        };
                        // A sum's terms, month by month, for its hover.
                        let terms = |range: std::ops::RangeInclusive<usize>| {
                            range
                                .map(|m| {
                                    format!(
                                        "{} {}",
                                        month_names[m],
                                        months[m].map(|v| fmt(Some(v))).unwrap_or("—".into())
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(" + ")
                        };
                        for q in 0..(if state.quarters { 4 } else { 0 }) {
                            let v = sum(q * 3..=q * 3 + 2);
                            row_ui.col(|ui| {
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Center),
                                    |ui| {
                                        let label =
                                            ui.label(RichText::new(fmt(v)).monospace().weak());
                                        if v.is_some() {
                                            label.on_hover_ui(|ui| {
                                                ui.label(ctx.trf(
                                                    "grid.quarter_explain",
                                                    &[
                                                        ("n", (q + 1).to_string()),
                                                        ("parts", terms(q * 3..=q * 3 + 2)),
                                                        ("value", fmt(v)),
                                                    ],
                                                ));
                                            });
                                        }
                                    },
                                );
                            });
                        }
                        let year = sum(0..=11);
                        row_ui.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    let stored = person.and_then(|(_, node)| {
                                        ctx.table.get(node, None, Period::Year, metric)
                                    });
                                    let text = RichText::new(fmt(year)).monospace().strong();
                                    match stored {
                                        Some(s) if Some(s) != year && year.is_some() => {
                                            ui.label(text.color(theme::warn(dark))).on_hover_text(
                                                ctx.trf(
                                                    "grid.year_differs",
                                                    &[("value", fmt(Some(s)))],
                                                ),
                                            );
                                        }
                                        _ if year.is_some() => {
                                            ui.label(text).on_hover_ui(|ui| {
                                                ui.label(ctx.trf(
                                                    "grid.year_explain",
                                                    &[
                                                        ("parts", terms(0..=11)),
                                                        ("value", fmt(year)),
                                                    ],
                                                ));
                                            });
                                        }
                                        _ => {
                                            ui.label(text);
                                        }
                                    }
                                },
                            );
                        });
                    });
                });
        });
    state.moved = false;
    let cursor_cell = state
        .cursor
        .filter(|_| state.editing.is_none())
        .and_then(|(r, m)| people.get(r).map(|&p| cell_id(p, m)));
    ui.ctx()
        .data_mut(|d| d.insert_temp(focus_key(), cursor_cell));

    if let Some((r, m)) = clicked {
        if ui.input(|i| i.modifiers.shift) && state.cursor.is_some() {
            if state.anchor.is_none() {
                state.anchor = state.cursor;
            }
        } else {
            state.anchor = None;
        }
        state.cursor = Some((r, m));
        state.editing = None;
        state.moved = true;
        if start_edit && editable && !locked(people[r], m) {
            state.editing = Some(grid::format_cell(
                values[r][usize::from(m - 1)],
                metric,
                unit,
            ));
        }
    }
    if cancel {
        state.editing = None;
        state.moved = true;
    }
    if let Some((r, m, text, key)) = commit {
        state.editing = None;
        let node = people[r];
        match grid::parse_cell(&text, metric, unit) {
            Ok(value) => {
                state.problems.clear();
                if value != values[r][usize::from(m - 1)] {
                    let edit = CellEdit {
                        node,
                        month: m,
                        value,
                    };
                    let detail = format!(
                        "{} {}",
                        ctx.node_name(node),
                        month_names[usize::from(m - 1)]
                    );
                    actions.push(write_cells(ctx, metric, &[edit], "change.grid", detail));
                }
                state.cursor = Some(match key {
                    Some(Key::Tab) => (r, (m % 12) + 1),
                    Some(Key::Enter) => ((r + 1).min(people.len() - 1), m),
                    _ => (r, m),
                });
            }
            Err(reason) => {
                state.problems = vec![problem_text(
                    ctx,
                    &CellProblem {
                        row: 1,
                        column: 1,
                        value: text,
                        reason,
                    },
                )];
            }
        }
        state.moved = true;
    }
    if let Some((node, month, lock)) = lock_toggle {
        actions.push(Action::SetLock {
            node,
            period: Period::Month(month),
            metric,
            locked: lock,
        });
    }
    for p in &state.problems {
        widgets::warning(ui, p);
    }
    ui.label(RichText::new(ctx.tr("grid.help")).weak().small());
}

/// Arrows, Tab, Enter, Delete, typing and copying on the focused cell.
#[allow(clippy::too_many_arguments)]
fn keyboard(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    people: &[NodeId],
    values: &[[Option<i64>; 12]],
    editable: bool,
    actions: &mut Vec<Action>,
    locked: &dyn Fn(NodeId, u8) -> bool,
) {
    let Some((r, m)) = state.cursor else { return };
    let metric = state.metric;
    let unit = ctx.unit();
    // Keep arrows and Tab for the grid instead of moving focus between widgets.
    ui.memory_mut(|mem| {
        mem.set_focus_lock_filter(
            cell_id(people[r], m),
            egui::EventFilter {
                tab: true,
                horizontal_arrows: true,
                vertical_arrows: true,
                escape: false,
            },
        )
    });
    let (shift, key, typed, copy) = ui.input(|i| {
        let key = [
            Key::ArrowUp,
            Key::ArrowDown,
            Key::ArrowLeft,
            Key::ArrowRight,
            Key::Tab,
            Key::Enter,
            Key::F2,
            Key::Delete,
            Key::Backspace,
        ]
        .into_iter()
        .find(|k| i.key_pressed(*k));
        let typed = i.events.iter().find_map(|e| match e {
            egui::Event::Text(t) if !i.modifiers.command => Some(t.clone()),
            _ => None,
        });
        let copy = i.events.iter().any(|e| matches!(e, egui::Event::Copy));
        (i.modifiers.shift, key, typed, copy)
    });
    let last = people.len() - 1;
    let mut go = |to: (usize, u8), extend: bool| {
        if extend {
            if state.anchor.is_none() {
                state.anchor = Some((r, m));
            }
        } else {
            state.anchor = None;
        }
        state.cursor = Some(to);
        state.moved = true;
    };
    match key {
        Some(Key::ArrowUp) => go((r.saturating_sub(1), m), shift),
        Some(Key::ArrowDown) => go(((r + 1).min(last), m), shift),
        Some(Key::ArrowLeft) => go((r, m.saturating_sub(1).max(1)), shift),
        Some(Key::ArrowRight) => go((r, (m + 1).min(12)), shift),
        Some(Key::Tab) if shift => go((r, m.saturating_sub(1).max(1)), false),
        Some(Key::Tab) => go((r, (m % 12) + 1), false),
        Some(Key::Enter) | Some(Key::F2) if editable && !locked(people[r], m) => {
            state.editing = Some(grid::format_cell(
                values[r][usize::from(m - 1)],
                metric,
                unit,
            ));
            state.moved = true;
        }
        Some(Key::Delete) | Some(Key::Backspace) if editable => {
            if let Some(((r0, m0), (r1, m1))) = selection(state) {
                let mut edits = Vec::new();
                let mut refused = false;
                for (row, &node) in people.iter().enumerate().take(r1 + 1).skip(r0) {
                    for month in m0..=m1 {
                        if locked(node, month) {
                            refused = true;
                        } else if values[row][usize::from(month - 1)].is_some() {
                            edits.push(CellEdit {
                                node,
                                month,
                                value: None,
                            });
                        }
                    }
                }
                if refused {
                    state.problems = vec![ctx.tr("grid.err.locked").into_owned()];
                } else if !edits.is_empty() {
                    let n = edits.len().to_string();
                    actions.push(write_cells(
                        ctx,
                        metric,
                        &edits,
                        "change.grid",
                        ctx.trf("grid.cleared", &[("n", n)]),
                    ));
                }
            }
        }
        _ => {
            if let Some(t) = typed
                && editable
                && !locked(people[r], m)
                && t.chars().all(|c| {
                    c.is_ascii_digit()
                        || matches!(c, '.' | '-' | ',' | '(' | '¥' | '￥')
                        || ('０'..='９').contains(&c)
                })
            {
                state.editing = Some(t);
                state.moved = true;
            }
        }
    }
    if copy && let Some(((r0, m0), (r1, m1))) = selection(state) {
        let rows: Vec<Vec<String>> = (r0..=r1)
            .map(|row| {
                (m0..=m1)
                    .map(|month| {
                        grid::format_cell(values[row][usize::from(month - 1)], metric, unit)
                    })
                    .collect()
            })
            .collect();
        ui.ctx().copy_text(grid::format_block(&rows));
    }
}
