//! Variance (domain §8): plan against actual for a metric over a month, a quarter, the months
//! closed or the year; by person, unit, product line or customer under a unit; plotted
//! (cumulative with the forecast, monthly bars, variance bars, a person × month heat map, the
//! funnel's stages); the funnel attribution of the contract gap as a bridge; the rolling
//! re-forecast with the at-risk flag. Clicking a row, a bar or a heat-map cell drills down.

mod analysis;
mod history;
mod plots;

pub(crate) use plots::still as plots_still;

use std::collections::{HashMap, HashSet};

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::domain::attribution::{self, PlanAttribution};
use crate::domain::forecast::{self, Forecast, GroupForecast};
use crate::domain::model::{CustomerId, Metric, NodeId};
use crate::domain::money::AmountUnit;
use crate::domain::ratio::Ratio;
use crate::domain::variance::{
    self, Dimension, Figures, RowKey, Series, Status, VarianceTable, Window,
};
use crate::i18n::Lang;
use crate::store::reviews::ReviewChange;
use crate::ui::theme;
use crate::ui::views::{Action, Memo, ViewCtx};
use crate::ui::widgets;

/// What the figures were computed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    generation: u64,
    metric: Metric,
    dimension: Dimension,
    scope: NodeId,
    through: u8,
    window: Window,
}

/// Everything the view shows, computed once per key.
pub(crate) struct Computed {
    table: VarianceTable,
    /// Every person under the scope, for the heat map.
    people: VarianceTable,
    /// The scope's leads, visits, bids and deals.
    stages: Vec<(Metric, Series)>,
    forecast: Forecast,
    /// The forecast's people under the scope (indices into `forecast.people`) and their sum.
    in_scope: Vec<usize>,
    group: GroupForecast,
    /// The cumulative plot's forecast to the year's end (empty: none is drawn).
    forecast_line: Vec<(u8, i64)>,
    attribution: PlanAttribution,
}

/// How the figures are shown: their text and colours depend on these as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Display {
    lang: Lang,
    unit: AmountUnit,
    dark: bool,
}

impl Display {
    fn of(ui: &Ui, ctx: &ViewCtx) -> Display {
        Display {
            lang: ctx.lang(),
            unit: ctx.unit(),
            dark: ui.visuals().dark_mode,
        }
    }
}

/// The rows of the view's long tables as shown, formatted once per key and display, so that a
/// frame only lays out the rows on screen.
pub(crate) struct Texts {
    /// The variance table's rows, then its total.
    table: Vec<RowText>,
    heat: Vec<plots::HeatRow>,
    attribution: analysis::AttributionTexts,
    forecast: analysis::ForecastTexts,
}

/// One row of the variance table as shown.
struct RowText {
    /// None: the total.
    key: Option<RowKey>,
    depth: usize,
    name: String,
    figures: Figures,
    /// Plan, actual, variance, variance rate, attainment.
    cells: [String; 5],
    /// The status with its dot.
    status: String,
    /// How the figures were computed.
    hover: String,
}

#[derive(Default)]
pub struct State {
    pub cumulative: bool,
    pub metric: Option<Metric>,
    pub dimension: Dimension,
    /// The unit or person looked at (None: the whole plan).
    pub scope: Option<NodeId>,
    /// Fiscal months closed (None: as of today).
    pub through: Option<u8>,
    /// None: the months closed.
    pub window: Option<Window>,
    /// The person whose bridge is drawn (None: the team).
    pub bridge: Option<NodeId>,
    revision_reason: String,
    revision_by: String,
    bands: Option<(u64, [String; 3])>,
    error: Option<String>,
    cache: Memo<Key, Computed>,
    /// The tables' rows formatted from `cache`.
    texts: Memo<(Key, Display), Texts>,
    /// The expenses by month and the past years, formatted once per generation.
    past: Memo<(u64, Display), history::Texts>,
}

fn status_color(status: Status, dark: bool) -> egui::Color32 {
    match status {
        Status::OnTrack => theme::good(dark),
        Status::Watch => theme::warn(dark),
        Status::Behind => theme::bad(dark),
        Status::NoPlan => egui::Color32::GRAY,
    }
}

/// A figure of `metric`: money in the display unit, else a count.
pub(crate) fn value_text(ctx: &ViewCtx, metric: Metric, v: i64) -> String {
    if metric.is_money() {
        ctx.money(v)
    } else {
        crate::domain::money::group_digits(v)
    }
}

fn rate_text(r: Option<Ratio>) -> String {
    r.map(|r| r.format_percent_fixed(2))
        .unwrap_or_else(|| "—".into())
}

pub(crate) fn window_label(ctx: &ViewCtx, w: Window) -> String {
    match w {
        Window::Month(m) => ctx.month_name(m),
        Window::Quarter(q) => ctx.trf("variance.window.quarter", &[("q", q.to_string())]),
        Window::ToDate(0) => ctx.tr("variance.window.none_closed").into_owned(),
        Window::ToDate(m) => ctx.trf("variance.window.to_date", &[("month", ctx.month_name(m))]),
        Window::Year => ctx.tr("variance.window.year").into_owned(),
    }
}

/// `customers`: their names by id (the first of an id, as a search would find it).
fn row_name(ctx: &ViewCtx, customers: &HashMap<CustomerId, &str>, key: RowKey) -> String {
    match key {
        RowKey::Node(n) => ctx.node_name(n),
        RowKey::Line(l) => ctx.line_name(l),
        RowKey::Customer(c) => customers
            .get(&c)
            .map(|name| (*name).to_owned())
            .unwrap_or_default(),
        RowKey::Unassigned => ctx.tr("variance.unassigned").into_owned(),
        RowKey::NoLine => ctx.tr("variance.no_line").into_owned(),
        RowKey::NoCustomer => ctx.tr("variance.no_customer").into_owned(),
    }
}

/// How a figure was computed, for its hover.
fn explain(ctx: &ViewCtx, metric: Metric, f: &Figures, window: Window) -> String {
    let v = |x: i64| value_text(ctx, metric, x);
    match (f.plan, f.attainment) {
        (Some(plan), Some(a)) => ctx.trf(
            "variance.explain",
            &[
                ("window", window_label(ctx, window)),
                ("actual", v(f.actual)),
                ("plan", v(plan)),
                ("variance", v(f.actual.saturating_sub(plan))),
                ("attainment", a.format_percent(4)),
            ],
        ),
        _ => ctx.trf(
            "variance.explain_no_plan",
            &[
                ("window", window_label(ctx, window)),
                ("actual", v(f.actual)),
            ],
        ),
    }
}

fn compute(ctx: &ViewCtx, key: Key) -> Computed {
    let inputs = variance::Inputs::new(ctx.snap, ctx.tree, ctx.table);
    let table = variance::table(&inputs, key.metric, key.dimension, key.scope);
    let people = if key.dimension == Dimension::Person {
        table.clone()
    } else {
        variance::table(&inputs, key.metric, Dimension::Person, key.scope)
    };
    let stages = [Metric::Leads, Metric::Visits, Metric::Bids, Metric::Deals]
        .into_iter()
        .map(|m| {
            (
                m,
                variance::table(&inputs, m, Dimension::Line, key.scope).total,
            )
        })
        .collect();
    let at_risk = ctx.snap.reviews.at_risk;
    // Every person's plan for the committed target, for the forecast and the attribution.
    let plans = crate::domain::plan_funnels::person_plans(
        ctx.snap,
        ctx.stats,
        crate::domain::plan_funnels::Basis::Committed,
        1,
    );
    let forecast = forecast::forecast_of(ctx.snap, &plans, key.through, at_risk);
    let under: HashSet<NodeId> = ctx.tree.people_under(key.scope).into_iter().collect();
    let in_group = |p: NodeId| under.contains(&p) || p == key.scope;
    let in_scope: Vec<usize> = (0..forecast.people.len())
        .filter(|i| in_group(forecast.people[*i].person))
        .collect();
    let (_, group) = forecast.group(in_group);
    let actual_to_date: i64 = table.total.actual[..usize::from(key.through)].iter().sum();
    let forecast_line = if in_scope.is_empty() {
        Vec::new()
    } else {
        plots::forecast_line(&group, key.metric, key.through, actual_to_date)
    };
    Computed {
        table,
        people,
        stages,
        forecast,
        in_scope,
        group,
        forecast_line,
        attribution: attribution::plan_attribution_with(
            ctx.snap, &plans, ctx.tree, ctx.table, key.window,
        ),
    }
}

/// The tables' rows as shown, from the figures computed for `key`.
fn texts(ctx: &ViewCtx, c: &Computed, key: Key, display: Display) -> Texts {
    let people: Vec<_> = c.in_scope.iter().map(|i| &c.forecast.people[*i]).collect();
    Texts {
        table: table_texts(ctx, c, key.window),
        heat: plots::heat_texts(ctx, c, key.through),
        attribution: analysis::attribution_texts(ctx, &c.attribution, display.dark),
        forecast: analysis::forecast_texts(ctx, &c.forecast, &people, &c.group, display.dark),
    }
}

fn table_texts(ctx: &ViewCtx, c: &Computed, window: Window) -> Vec<RowText> {
    let bands = ctx.snap.reviews.bands;
    let metric = c.table.metric;
    let v = |x: i64| value_text(ctx, metric, x);
    let mut customers: HashMap<CustomerId, &str> = HashMap::new();
    if c.table
        .rows
        .iter()
        .any(|r| matches!(r.key, RowKey::Customer(_)))
    {
        for x in &ctx.snap.customers {
            customers.entry(x.id).or_insert(&x.name);
        }
    }
    let rows = c
        .table
        .rows
        .iter()
        .map(|r| (Some(r.key), r.series, r.depth));
    let total = std::iter::once((None, c.table.total, 0));
    rows.chain(total)
        .map(|(key, series, depth)| {
            let f = series.figures(window, &bands);
            RowText {
                key,
                depth,
                name: match key {
                    Some(k) => row_name(ctx, &customers, k),
                    None => ctx.tr("col.total").into_owned(),
                },
                figures: f,
                cells: [
                    f.plan.map(v).unwrap_or_else(|| "—".into()),
                    v(f.actual),
                    f.variance.map(v).unwrap_or_else(|| "—".into()),
                    rate_text(f.variance_rate),
                    rate_text(f.attainment),
                ],
                status: format!("● {}", ctx.tr(f.status.label_key())),
                hover: explain(ctx, metric, &f, window),
            }
        })
        .collect()
}

pub fn variance_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::heading(ui, &ctx.tr("view.variance"));
    ui.label(RichText::new(ctx.tr("variance.intro")).weak());
    let Some(root) = ctx.tree.root().map(|r| r.id) else {
        widgets::note(ui, &ctx.tr("overview.no_org"));
        return;
    };
    let fy = ctx.snap.plan.fiscal_year;
    let scope = state
        .scope
        .filter(|s| ctx.tree.get(*s).is_some())
        .unwrap_or(root);
    let through = state
        .through
        .unwrap_or_else(|| variance::months_closed(&fy, crate::ui::views::accounts::today()))
        .min(12);
    let window = state.window.unwrap_or(Window::ToDate(through));
    let metric = state.metric.unwrap_or(Metric::ContractAmount);
    controls(ui, ctx, state, metric, through, window);
    breadcrumbs(ui, ctx, state, root, scope);

    let key = Key {
        generation: ctx.generation,
        metric,
        dimension: state.dimension,
        scope,
        through,
        window,
    };
    let computed = state.cache.get(key, |key| compute(ctx, *key));
    let c = &*computed;
    let display = Display::of(ui, ctx);
    let shown = state
        .texts
        .get((key, display), |_| texts(ctx, c, key, display));
    let t = &*shown;
    let past = state.past.get((ctx.generation, display), |_| {
        history::texts(ctx, display.dark)
    });
    let bands = ctx.snap.reviews.bands;
    ui.label(
        RichText::new(ctx.trf(
            "variance.source",
            &[
                ("metric", ctx.tr(metric.label_key()).into_owned()),
                ("source", ctx.tr(c.table.source.label_key()).into_owned()),
            ],
        ))
        .weak(),
    );
    if c.table.source == variance::ActualSource::Nothing
        && ui.button(ctx.tr("variance.import_actuals")).clicked()
    {
        actions.push(Action::ImportKind(
            crate::exchange::fields::ImportKind::Actuals,
        ));
    }
    summary(
        ui,
        ctx,
        metric,
        &c.table.total.figures(window, &bands),
        window,
    );
    ui.add_space(theme::SECTION_GAP);
    table_ui(ui, ctx, state, c, &t.table, window, actions);

    ui.add_space(theme::SECTION_GAP);
    plots::plots_ui(ui, ctx, state, c, &t.heat, through, window);
    ui.add_space(theme::SECTION_GAP);
    analysis::attribution_ui(ui, ctx, state, &c.attribution, &t.attribution);
    ui.add_space(theme::SECTION_GAP);
    analysis::forecast_ui(ui, ctx, state, c, &t.forecast, actions);
    ui.add_space(theme::SECTION_GAP);
    history::expenses_by_month(ui, ctx, &past);
    bands_ui(ui, ctx, state, actions);
    ui.add_space(theme::SECTION_GAP);
    egui::CollapsingHeader::new(ctx.tr("variance.past"))
        .id_salt("variance_past")
        .show(ui, |ui| {
            history::history_ui(ui, ctx, &past, &mut state.cumulative)
        });
}

fn controls(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    metric: Metric,
    through: u8,
    window: Window,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(ctx.tr("variance.metric"));
        let mut m = metric;
        egui::ComboBox::from_id_salt("variance_metric")
            .selected_text(ctx.tr(metric.label_key()))
            .show_ui(ui, |ui| {
                for x in variance::METRICS {
                    ui.selectable_value(&mut m, x, ctx.tr(x.label_key()));
                }
            })
            .response
            .labelled_by(label.id);
        if m != metric {
            state.metric = Some(m);
        }
        ui.separator();
        let label = ui.label(ctx.tr("variance.through"));
        let mut t = through;
        let closed_text = |t: u8| {
            if t == 0 {
                ctx.tr("variance.window.none_closed").into_owned()
            } else {
                ctx.month_name(t)
            }
        };
        egui::ComboBox::from_id_salt("variance_through")
            .selected_text(closed_text(through))
            .show_ui(ui, |ui| {
                for x in 0..=12u8 {
                    ui.selectable_value(&mut t, x, closed_text(x));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(ctx.tr("variance.through_hint"));
        if t != through {
            state.through = Some(t);
            if matches!(state.window, Some(Window::ToDate(_))) {
                state.window = None;
            }
        }
        ui.separator();
        let label = ui.label(ctx.tr("variance.window"));
        let mut w = window;
        egui::ComboBox::from_id_salt("variance_window")
            .selected_text(window_label(ctx, window))
            .show_ui(ui, |ui| {
                ui.selectable_value(
                    &mut w,
                    Window::ToDate(through),
                    window_label(ctx, Window::ToDate(through)),
                );
                ui.selectable_value(&mut w, Window::Year, window_label(ctx, Window::Year));
                for q in 1..=4 {
                    ui.selectable_value(
                        &mut w,
                        Window::Quarter(q),
                        window_label(ctx, Window::Quarter(q)),
                    );
                }
                for m in 1..=12 {
                    ui.selectable_value(
                        &mut w,
                        Window::Month(m),
                        window_label(ctx, Window::Month(m)),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        if w != window {
            state.window = if w == Window::ToDate(through) {
                None
            } else {
                Some(w)
            };
        }
        ui.separator();
        ui.label(ctx.tr("variance.by"));
        for d in Dimension::ALL {
            if ui
                .selectable_label(state.dimension == d, ctx.tr(d.label_key()))
                .clicked()
            {
                state.dimension = d;
            }
        }
    });
}

/// The scope and the units above it; clicking one goes back up.
fn breadcrumbs(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, root: NodeId, scope: NodeId) {
    ui.horizontal_wrapped(|ui| {
        ui.label(ctx.tr("variance.scope"));
        let mut path: Vec<NodeId> = ctx.tree.ancestors(scope);
        path.reverse();
        path.push(scope);
        for (i, n) in path.iter().enumerate() {
            if i > 0 {
                ui.label("›");
            }
            if *n == scope {
                ui.label(RichText::new(ctx.node_name(*n)).strong());
            } else if ui.link(ctx.node_name(*n)).clicked() {
                state.scope = (*n != root).then_some(*n);
                if ctx.tree.get(*n).is_some_and(|x| !x.kind.is_person())
                    && state.dimension == Dimension::Line
                {
                    state.dimension = Dimension::Person;
                }
            }
        }
    });
}

fn summary(ui: &mut Ui, ctx: &ViewCtx, metric: Metric, f: &Figures, window: Window) {
    let v = |x: i64| value_text(ctx, metric, x);
    let explain_text = explain(ctx, metric, f, window);
    ui.horizontal_wrapped(|ui| {
        let unit = if metric.is_money() {
            ctx.unit_label().into_owned()
        } else {
            String::new()
        };
        widgets::stat_card(
            ui,
            &ctx.tr("variance.plan"),
            &f.plan.map(v).unwrap_or_else(|| "—".into()),
            &unit,
            Some(&explain_text),
        );
        widgets::stat_card(
            ui,
            &ctx.tr("variance.actual"),
            &v(f.actual),
            &unit,
            Some(&explain_text),
        );
        widgets::stat_card(
            ui,
            &ctx.tr("variance.variance"),
            &f.variance.map(v).unwrap_or_else(|| "—".into()),
            &rate_text(f.variance_rate),
            Some(&explain_text),
        );
        let frame = egui::Frame::group(ui.style()).inner_margin(10.0);
        frame
            .show(ui, |ui| {
                ui.set_min_width(theme::CARD_MIN_WIDTH);
                ui.vertical(|ui| {
                    ui.label(RichText::new(ctx.tr("variance.attainment")).weak());
                    ui.label(
                        RichText::new(rate_text(f.attainment))
                            .size(theme::BIG_NUMBER_SIZE)
                            .strong()
                            .color(status_color(f.status, ui.visuals().dark_mode)),
                    );
                    ui.label(RichText::new(ctx.tr(f.status.label_key())).small());
                });
            })
            .response
            .on_hover_text(&explain_text);
    });
}

fn table_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    c: &Computed,
    rows: &[RowText],
    window: Window,
    actions: &mut Vec<Action>,
) {
    let metric = c.table.metric;
    let dark = ui.visuals().dark_mode;
    widgets::subheading(
        ui,
        &ctx.trf(
            "variance.table_title",
            &[
                ("by", ctx.tr(c.table.dimension.label_key()).into_owned()),
                ("window", window_label(ctx, window)),
            ],
        ),
    );
    if c.table.rows.is_empty() {
        widgets::note(ui, &ctx.tr("variance.no_rows"));
        return;
    }
    let reviews = &ctx.snap.reviews.reviews;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let unit = if metric.is_money() {
        format!(" ({})", ctx.unit_label())
    } else {
        String::new()
    };
    let titles = [
        ctx.tr("variance.plan").into_owned() + &unit,
        ctx.tr("variance.actual").into_owned() + &unit,
        ctx.tr("variance.variance").into_owned() + &unit,
        ctx.tr("variance.variance_rate").into_owned(),
        ctx.tr("variance.attainment").into_owned(),
    ];
    let mut drill: Option<RowKey> = None;
    egui::ScrollArea::horizontal()
        .id_salt("variance_table_scroll")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("variance_table")
                .striped(true)
                .vscroll(false)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(
                    Column::initial(170.0)
                        .at_least(110.0)
                        .clip(true)
                        .resizable(true),
                )
                .columns(
                    Column::initial(theme::AMOUNT_COLUMN)
                        .at_least(80.0)
                        .clip(true),
                    3,
                )
                .columns(Column::initial(90.0).at_least(70.0).clip(true), 2)
                .column(Column::initial(80.0).at_least(60.0))
                .column(Column::remainder().at_least(90.0))
                .header(row_height, |mut h| {
                    h.col(|ui| {
                        ui.strong(ctx.tr(c.table.dimension.label_key()));
                    });
                    for t in &titles {
                        h.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.strong(t);
                                },
                            );
                        });
                    }
                    h.col(|ui| {
                        ui.strong(ctx.tr("variance.status"));
                    });
                    h.col(|_| {});
                })
                .body(|body| {
                    // Only the rows on screen are laid out; their text is formatted already.
                    body.rows(row_height, rows.len(), |mut r| {
                        let row = &rows[r.index()];
                        let f = &row.figures;
                        r.col(|ui| {
                            ui.add_space(row.depth as f32 * 14.0);
                            match row.key {
                                Some(key @ RowKey::Node(_)) => {
                                    if ui
                                        .link(&row.name)
                                        .on_hover_text(ctx.tr("variance.drill_hint"))
                                        .clicked()
                                    {
                                        drill = Some(key);
                                    }
                                }
                                Some(_) => {
                                    ui.label(&row.name);
                                }
                                None => {
                                    ui.strong(&row.name);
                                }
                            }
                        });
                        let num = |ui: &mut Ui, text: &str, color: Option<egui::Color32>| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    let mut t = RichText::new(text);
                                    if row.key.is_none() {
                                        t = t.strong();
                                    }
                                    if let Some(c) = color {
                                        t = t.color(c);
                                    }
                                    ui.add(egui::Label::new(t).truncate())
                                        .on_hover_text(&row.hover);
                                },
                            );
                        };
                        let neg = f.variance.is_some_and(|x| x < 0).then(|| theme::bad(dark));
                        let status = status_color(f.status, dark);
                        r.col(|ui| num(ui, &row.cells[0], None));
                        r.col(|ui| num(ui, &row.cells[1], None));
                        r.col(|ui| num(ui, &row.cells[2], neg));
                        r.col(|ui| num(ui, &row.cells[3], neg));
                        r.col(|ui| num(ui, &row.cells[4], Some(status)));
                        r.col(|ui| {
                            ui.label(RichText::new(&row.status).color(status));
                        });
                        r.col(|ui| {
                            let node = match row.key {
                                Some(RowKey::Node(n)) => Some(n),
                                None => Some(c.table.scope),
                                _ => None,
                            };
                            let Some(node) = node else { return };
                            ui.menu_button(ctx.tr("variance.discuss"), |ui| {
                                if reviews.is_empty() {
                                    ui.label(ctx.tr("variance.discuss_none"));
                                }
                                for rv in reviews.iter().take(8) {
                                    let title = format!(
                                        "{} {}",
                                        rv.fields.held_on,
                                        if rv.fields.title.is_empty() {
                                            ctx.tr(rv.fields.kind.label_key()).into_owned()
                                        } else {
                                            rv.fields.title.clone()
                                        }
                                    );
                                    if ui.button(title).clicked() {
                                        actions.push(Action::Review(ReviewChange::AddVariance {
                                            review: rv.id,
                                            node: Some(node),
                                            metric,
                                            window,
                                            plan: f.plan,
                                            actual: f.actual,
                                            note: String::new(),
                                        }));
                                        ui.close();
                                    }
                                }
                            });
                        });
                    });
                });
        });
    if let Some(RowKey::Node(n)) = drill {
        drill_into(ctx, state, n);
    }
}

/// Looks at a unit (its people, or its units) or a person (their product lines).
pub(crate) fn drill_into(ctx: &ViewCtx, state: &mut State, node: NodeId) {
    let Some(n) = ctx.tree.get(node) else { return };
    state.scope = Some(node);
    if n.kind.is_person() {
        state.dimension = Dimension::Line;
    } else if ctx
        .tree
        .children(node)
        .iter()
        .all(|c| ctx.tree.get(*c).is_some_and(|c| c.kind.is_person()))
    {
        state.dimension = Dimension::Person;
    }
}

/// The status bands and the at-risk threshold.
fn bands_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let r = &ctx.snap.reviews;
    let current = [
        r.bands.on_track.format_percent(4),
        r.bands.watch.format_percent(4),
        r.at_risk.format_percent(4),
    ];
    if state
        .bands
        .as_ref()
        .is_none_or(|(g, _)| *g != ctx.generation)
    {
        state.bands = Some((ctx.generation, current.clone()));
    }
    egui::CollapsingHeader::new(ctx.tr("variance.bands"))
        .id_salt("variance_bands")
        .show(ui, |ui| {
            ui.label(RichText::new(ctx.tr("variance.bands_hint")).weak());
            let Some((_, texts)) = state.bands.as_mut() else {
                return;
            };
            ui.horizontal(|ui| {
                for (i, key) in [
                    "variance.band.on_track",
                    "variance.band.watch",
                    "variance.band.at_risk",
                ]
                .into_iter()
                .enumerate()
                {
                    let l = ui.label(ctx.tr(key));
                    ui.add_sized([70.0, 20.0], egui::TextEdit::singleline(&mut texts[i]))
                        .labelled_by(l.id);
                }
                if ui.button(ctx.tr("variance.bands_save")).clicked() {
                    let parsed: Vec<Option<Ratio>> = texts
                        .iter()
                        .map(|t| Ratio::parse(t.trim()).ok().filter(|r| r.is_positive()))
                        .collect();
                    match (parsed[0], parsed[1], parsed[2]) {
                        (Some(on), Some(watch), Some(risk)) => {
                            match variance::Bands::new(on, watch) {
                                Some(b) if risk <= Ratio::ONE => {
                                    state.error = None;
                                    if b != r.bands {
                                        actions.push(Action::Review(ReviewChange::SetBands(b)));
                                    }
                                    if risk != r.at_risk {
                                        actions.push(Action::Review(ReviewChange::SetAtRisk(risk)));
                                    }
                                }
                                _ => state.error = Some(ctx.tr("variance.err.bands").into_owned()),
                            }
                        }
                        _ => state.error = Some(ctx.tr("variance.err.bands").into_owned()),
                    }
                }
            });
            crate::ui::views::accounts::error_line(ui, &state.error);
        });
}
