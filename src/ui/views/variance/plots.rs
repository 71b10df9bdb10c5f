//! The variance plots: cumulative plan against actual with the forecast, monthly bars, variance
//! bars, the person × month heat map and the funnel's stages. Hovering shows the exact figures;
//! clicking a month looks at that month, clicking a heat-map cell at that person and month.
//! Plot coordinates are floating point; every figure shown in text stays exact.

use egui::{Align, Color32, Layout, Rect, RichText, Sense, Ui, UiBuilder, pos2, vec2};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use super::{Computed, State, value_text, window_label};
use crate::domain::forecast::GroupForecast;
use crate::domain::model::{Metric, NodeId};
use crate::domain::money::AmountUnit;
use crate::domain::variance::{RowKey, Series, Status, Window};
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets;

/// What a bar shows on hover.
type BarFormatter = Box<dyn Fn(&Bar, &BarChart) -> String>;

/// Plot units of a figure: the display unit for money, else the count.
fn scale(ctx: &ViewCtx, metric: Metric) -> f64 {
    if !metric.is_money() {
        return 1.0;
    }
    match ctx.unit() {
        AmountUnit::Yuan => 100.0,
        AmountUnit::Wan => 1_000_000.0,
    }
}

/// A plot that does not pan or zoom, so a click is a click.
pub(crate) fn still(id: &str) -> Plot<'static> {
    Plot::new(id.to_owned())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .legend(Legend::default())
}

/// The fiscal month under a click at plot x, if any.
fn month_at(x: f64) -> Option<u8> {
    let m = x.round();
    (1.0..=12.0).contains(&m).then_some(m as u8)
}

pub(super) fn plots_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    c: &Computed,
    heat: &[HeatRow],
    through: u8,
    window: Window,
) {
    let metric = c.table.metric;
    let total = &c.table.total;
    let s = scale(ctx, metric);
    let unit = if metric.is_money() {
        ctx.unit_label().into_owned()
    } else {
        ctx.tr(metric.label_key()).into_owned()
    };
    let months: Vec<String> = (1..=12).map(|m| ctx.month_name(m)).collect();
    let month_axis = {
        let months = months.clone();
        move |mark: egui_plot::GridMark, _: &std::ops::RangeInclusive<f64>| {
            let m = mark.value.round();
            if (mark.value - m).abs() < 1e-6 && (1.0..=12.0).contains(&m) {
                months[m as usize - 1].clone()
            } else {
                String::new()
            }
        }
    };
    let plan = total.plan.unwrap_or([0; 12]);
    let v = |x: i64| value_text(ctx, metric, x);

    // 1. Cumulative plan and actual, with the forecast to the year's end.
    widgets::subheading(ui, &ctx.tr("variance.plot.cumulative"));
    let mut cum_plan = Vec::new();
    let mut cum_actual = Vec::new();
    let (mut p, mut a) = (0i64, 0i64);
    for m in 1..=12u8 {
        p += plan[usize::from(m - 1)];
        cum_plan.push((m, p));
        if m <= through {
            a += total.actual[usize::from(m - 1)];
            cum_actual.push((m, a));
        }
    }
    let forecast = &c.forecast_line;
    let mut hover_lines: Vec<String> = Vec::new();
    for m in 1..=12u8 {
        let mut parts = vec![format!(
            "{}：{} {}",
            months[usize::from(m - 1)],
            ctx.tr("variance.plan"),
            v(cum_plan[usize::from(m - 1)].1)
        )];
        if let Some((_, x)) = cum_actual.iter().find(|(mm, _)| *mm == m) {
            parts.push(format!("{} {}", ctx.tr("variance.actual"), v(*x)));
        }
        if let Some((_, x)) = forecast.iter().find(|(mm, _)| *mm == m) {
            parts.push(format!("{} {}", ctx.tr("variance.forecast"), v(*x)));
        }
        hover_lines.push(parts.join(" · "));
    }
    let pts = |xs: &[(u8, i64)]| -> PlotPoints<'static> {
        xs.iter()
            .map(|(m, x)| [f64::from(*m), *x as f64 / s])
            .collect()
    };
    let hover = hover_lines.clone();
    let resp = still("variance_cumulative")
        .height(240.0)
        .x_axis_formatter(month_axis.clone())
        .y_axis_label(unit.clone())
        .include_y(0.0)
        .label_formatter(move |pos| {
            let x = match pos {
                egui_plot::HoverPosition::NearDataPoint { position, .. } => position.x,
                egui_plot::HoverPosition::Elsewhere { position } => position.x,
            };
            month_at(x).map(|m| hover[usize::from(m - 1)].clone())
        })
        .show(ui, |pl| {
            pl.line(
                Line::new(ctx.tr("variance.plan"), pts(&cum_plan))
                    .color(theme::series(0))
                    .width(2.0),
            );
            if !cum_actual.is_empty() {
                pl.line(
                    Line::new(ctx.tr("variance.actual"), pts(&cum_actual))
                        .color(theme::series(1))
                        .width(2.5),
                );
            }
            if forecast.len() > 1 {
                pl.line(
                    Line::new(ctx.tr("variance.forecast"), pts(forecast))
                        .color(theme::series(2))
                        .style(egui_plot::LineStyle::dashed_loose())
                        .width(2.0),
                );
            }
            pl.pointer_coordinate()
        });
    click_month(state, &resp);

    // 2. Monthly plan and actual; 3. the variance by month.
    widgets::subheading(ui, &ctx.tr("variance.plot.monthly"));
    let bar_text: Vec<String> = (1..=12u8)
        .map(|m| {
            let i = usize::from(m - 1);
            let f = Series {
                plan: total.plan,
                actual: total.actual,
            }
            .figures(Window::Month(m), &ctx.snap.reviews.bands);
            format!(
                "{}\n{} {}\n{} {}\n{} {}",
                months[i],
                ctx.tr("variance.plan"),
                f.plan.map(v).unwrap_or_else(|| "—".into()),
                ctx.tr("variance.actual"),
                v(f.actual),
                ctx.tr("variance.variance"),
                f.variance.map(v).unwrap_or_else(|| "—".into())
            )
        })
        .collect();
    let formatter = |texts: Vec<String>| -> BarFormatter {
        Box::new(move |bar: &Bar, _: &BarChart| {
            month_at(bar.argument)
                .map(|m| texts[usize::from(m - 1)].clone())
                .unwrap_or_default()
        })
    };
    let plan_bars: Vec<Bar> = (1..=12u8)
        .map(|m| Bar::new(f64::from(m) - 0.2, plan[usize::from(m - 1)] as f64 / s).width(0.38))
        .collect();
    let actual_bars: Vec<Bar> = (1..=through)
        .map(|m| {
            Bar::new(
                f64::from(m) + 0.2,
                total.actual[usize::from(m - 1)] as f64 / s,
            )
            .width(0.38)
        })
        .collect();
    let texts = bar_text.clone();
    let resp = still("variance_monthly")
        .height(200.0)
        .x_axis_formatter(month_axis.clone())
        .y_axis_label(unit.clone())
        .show(ui, |pl| {
            pl.bar_chart(
                BarChart::new(ctx.tr("variance.plan"), plan_bars)
                    .color(theme::series(0))
                    .element_formatter(formatter(texts.clone())),
            );
            pl.bar_chart(
                BarChart::new(ctx.tr("variance.actual"), actual_bars)
                    .color(theme::series(1))
                    .element_formatter(formatter(texts)),
            );
            pl.pointer_coordinate()
        });
    click_month(state, &resp);
    let dark = ui.visuals().dark_mode;
    let variance_bars: Vec<Bar> = (1..=through)
        .filter(|_| total.plan.is_some())
        .map(|m| {
            let i = usize::from(m - 1);
            let d = total.actual[i] - plan[i];
            Bar::new(f64::from(m), d as f64 / s)
                .width(0.6)
                .fill(if d < 0 {
                    theme::bad(dark)
                } else {
                    theme::good(dark)
                })
        })
        .collect();
    if !variance_bars.is_empty() {
        let resp = still("variance_bars")
            .height(160.0)
            .x_axis_formatter(month_axis)
            .y_axis_label(unit)
            .show(ui, |pl| {
                pl.bar_chart(
                    BarChart::new(ctx.tr("variance.variance"), variance_bars)
                        .element_formatter(formatter(bar_text)),
                );
                pl.pointer_coordinate()
            });
        click_month(state, &resp);
    }

    // 4. Person × month heat map.
    heat_map(ui, ctx, state, heat, through);
    // 5. The funnel's stages over the window.
    stages(ui, ctx, c, window);
}

fn click_month(state: &mut State, resp: &egui_plot::PlotResponse<Option<egui_plot::PlotPoint>>) {
    if resp.response.clicked()
        && let Some(m) = resp.inner.and_then(|p| month_at(p.x))
    {
        state.window = Some(Window::Month(m));
    }
}

/// The scope's forecast of contracts, cumulative from the months closed to the year's end:
/// what is left to the projected landing, spread like the remaining target. `group`: the
/// forecast of the scope's people (some).
pub(super) fn forecast_line(
    group: &GroupForecast,
    metric: Metric,
    through: u8,
    actual_to_date: i64,
) -> Vec<(u8, i64)> {
    if metric != Metric::ContractAmount || through >= 12 {
        return Vec::new();
    }
    let projected = group.projected.fen();
    let spread = group.spread.map(|m| m.fen());
    let rest: i64 = spread.iter().sum();
    let to_come = projected - actual_to_date;
    let mut out = vec![(through.max(1), actual_to_date)];
    if through == 0 {
        out.clear();
    }
    let mut cum = 0i128;
    for m in (through + 1)..=12 {
        cum += i128::from(spread[usize::from(m - 1)]);
        let share = if rest > 0 {
            i128::from(to_come) * cum / i128::from(rest)
        } else {
            i128::from(to_come) * i128::from(m - through) / i128::from(12 - through)
        };
        out.push((m, actual_to_date + i64::try_from(share).unwrap_or(0)));
    }
    if let Some(last) = out.last_mut() {
        last.1 = projected;
    }
    out
}

fn heat_color(status: Status, dark: bool) -> Color32 {
    let base = match status {
        Status::OnTrack => theme::good(dark),
        Status::Watch => theme::warn(dark),
        Status::Behind => theme::bad(dark),
        Status::NoPlan => Color32::GRAY,
    };
    base.gamma_multiply(0.55)
}

/// One person's row of the heat map as shown.
pub(super) struct HeatRow {
    person: NodeId,
    name: String,
    /// The fiscal months.
    cells: Vec<HeatCell>,
}

pub(super) struct HeatCell {
    status: Status,
    /// The attainment, or a dash.
    text: String,
    /// The exact figures.
    hover: String,
}

/// The heat map's rows: every person under the scope, formatted once.
pub(super) fn heat_texts(ctx: &ViewCtx, c: &Computed, through: u8) -> Vec<HeatRow> {
    let metric = c.table.metric;
    let bands = ctx.snap.reviews.bands;
    let months: Vec<String> = (1..=12).map(|m| ctx.month_name(m)).collect();
    let (plan, actual, attainment) = (
        ctx.tr("variance.plan"),
        ctx.tr("variance.actual"),
        ctx.tr("variance.attainment"),
    );
    c.people
        .rows
        .iter()
        .filter_map(|row| {
            let RowKey::Node(person) = row.key else {
                return None;
            };
            let name = ctx.node_name(person);
            let cells = (1..=12u8)
                .map(|m| {
                    let f = row.series.figures(Window::Month(m), &bands);
                    let text = match (m <= through, f.attainment) {
                        (true, Some(a)) => a.format_percent_fixed(0),
                        _ => "—".to_owned(),
                    };
                    let hover = format!(
                        "{} · {}\n{} {}\n{} {}\n{} {}",
                        name,
                        months[usize::from(m - 1)],
                        plan,
                        f.plan
                            .map(|x| value_text(ctx, metric, x))
                            .unwrap_or_else(|| "—".into()),
                        actual,
                        value_text(ctx, metric, f.actual),
                        attainment,
                        f.attainment
                            .map(|a| a.format_percent(2))
                            .unwrap_or_else(|| "—".into()),
                    );
                    HeatCell {
                        status: f.status,
                        text,
                        hover,
                    }
                })
                .collect();
            Some(HeatRow {
                person,
                name,
                cells,
            })
        })
        .collect()
}

fn heat_map(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, rows: &[HeatRow], through: u8) {
    if rows.is_empty() {
        return;
    }
    let dark = ui.visuals().dark_mode;
    widgets::subheading(ui, &ctx.tr("variance.plot.heat_map"));
    ui.label(RichText::new(ctx.tr("variance.heat_hint")).weak());
    let (name_w, cell_w, cell_h) = (90.0, 58.0, 24.0);
    let mut clicked: Option<(NodeId, u8)> = None;
    egui::ScrollArea::horizontal()
        .id_salt("heat_scroll")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.add_space(name_w);
                for m in 1..=12u8 {
                    ui.add_sized(
                        [cell_w, cell_h],
                        egui::Label::new(RichText::new(ctx.month_name(m)).strong()),
                    );
                }
            });
            // Room for every row, one row a line as a horizontal layout would place them;
            // only the rows on screen are laid out.
            let spacing = ui.spacing().item_spacing;
            let pitch = cell_h + spacing.y;
            let width = name_w + 12.0 * (cell_w + spacing.x);
            let (_, block) = ui.allocate_space(vec2(width, rows.len() as f32 * pitch - spacing.y));
            let clip = ui.clip_rect();
            let first = ((clip.top() - block.top()) / pitch).floor().max(0.0) as usize;
            let end =
                (((clip.bottom() - block.top()) / pitch).ceil().max(0.0) as usize).min(rows.len());
            for (i, row) in rows.iter().enumerate().take(end).skip(first) {
                let rect = Rect::from_min_size(
                    pos2(block.left(), block.top() + i as f32 * pitch),
                    vec2(width, cell_h),
                );
                let mut ui = ui.new_child(
                    UiBuilder::new()
                        .id_salt(("heat_row", i))
                        .max_rect(rect)
                        .layout(Layout::left_to_right(Align::Center)),
                );
                ui.add_sized([name_w, cell_h], egui::Label::new(&row.name).truncate());
                for (m, cell) in (1..=12u8).zip(&row.cells) {
                    let (rect, resp) =
                        ui.allocate_exact_size(egui::vec2(cell_w, cell_h), Sense::click());
                    let fill = if m <= through {
                        heat_color(cell.status, dark)
                    } else {
                        ui.visuals().faint_bg_color
                    };
                    ui.painter().rect_filled(rect.shrink(1.0), 3.0, fill);
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        &cell.text,
                        egui::TextStyle::Small.resolve(ui.style()),
                        ui.visuals().text_color(),
                    );
                    if resp.on_hover_text(&cell.hover).clicked() {
                        clicked = Some((row.person, m));
                    }
                }
            }
        });
    if let Some((person, m)) = clicked {
        super::drill_into(ctx, state, person);
        state.window = Some(Window::Month(m));
    }
}

fn stages(ui: &mut Ui, ctx: &ViewCtx, c: &Computed, window: Window) {
    let bands = ctx.snap.reviews.bands;
    widgets::subheading(
        ui,
        &ctx.trf(
            "variance.plot.stages",
            &[("window", window_label(ctx, window))],
        ),
    );
    let figs: Vec<(Metric, crate::domain::variance::Figures)> = c
        .stages
        .iter()
        .map(|(m, s)| (*m, s.figures(window, &bands)))
        .collect();
    let names: Vec<String> = figs
        .iter()
        .map(|(m, _)| ctx.tr(m.label_key()).into_owned())
        .collect();
    let texts: Vec<String> = figs
        .iter()
        .zip(&names)
        .map(|((_, f), n)| {
            format!(
                "{n}\n{} {}\n{} {}",
                ctx.tr("variance.plan"),
                f.plan
                    .map(crate::domain::money::group_digits)
                    .unwrap_or_else(|| "—".into()),
                ctx.tr("variance.actual"),
                crate::domain::money::group_digits(f.actual)
            )
        })
        .collect();
    let fmt = |texts: Vec<String>| -> BarFormatter {
        Box::new(move |bar: &Bar, _: &BarChart| {
            let i = bar.argument.round();
            if (0.0..4.0).contains(&i) {
                texts[i as usize].clone()
            } else {
                String::new()
            }
        })
    };
    let plan: Vec<Bar> = figs
        .iter()
        .enumerate()
        .map(|(i, (_, f))| Bar::new(i as f64 - 0.2, f.plan.unwrap_or(0) as f64).width(0.38))
        .collect();
    let actual: Vec<Bar> = figs
        .iter()
        .enumerate()
        .map(|(i, (_, f))| Bar::new(i as f64 + 0.2, f.actual as f64).width(0.38))
        .collect();
    let axis_names = names.clone();
    still("variance_stages")
        .height(180.0)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && (0.0..4.0).contains(&i) {
                axis_names[i as usize].clone()
            } else {
                String::new()
            }
        })
        .show(ui, |pl| {
            pl.bar_chart(
                BarChart::new(ctx.tr("variance.plan"), plan)
                    .color(theme::series(0))
                    .element_formatter(fmt(texts.clone())),
            );
            pl.bar_chart(
                BarChart::new(ctx.tr("variance.actual"), actual)
                    .color(theme::series(1))
                    .element_formatter(fmt(texts)),
            );
        });
}
