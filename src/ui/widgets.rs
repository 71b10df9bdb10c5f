//! Widgets the views share: headings, figure cards, share bars, notes, and a plain table whose
//! number columns are right-aligned so figures line up.

use egui::{Align, Color32, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::ui::theme;

pub fn heading(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).size(theme::HEADING_SIZE).strong());
}

pub fn subheading(ui: &mut Ui, text: &str) {
    ui.add_space(theme::SECTION_GAP / 2.0);
    ui.label(RichText::new(text).size(theme::SUBHEADING_SIZE).strong());
    ui.add_space(2.0);
}

/// A framed figure: title, big value, and a line of detail; hovering shows how it is computed.
pub fn stat_card(ui: &mut Ui, title: &str, value: &str, detail: &str, explain: Option<&str>) {
    let frame = egui::Frame::group(ui.style()).inner_margin(10.0);
    let response = frame
        .show(ui, |ui| {
            ui.set_min_width(theme::CARD_MIN_WIDTH);
            ui.vertical(|ui| {
                ui.label(RichText::new(title).weak());
                ui.label(RichText::new(value).size(theme::BIG_NUMBER_SIZE).strong());
                if !detail.is_empty() {
                    ui.label(RichText::new(detail).small().weak());
                }
            });
        })
        .response;
    if let Some(text) = explain {
        response.on_hover_text(text);
    }
}

/// A horizontal bar showing `fraction` (0..=1) of `width`.
pub fn share_bar(ui: &mut Ui, fraction: f32, width: f32, color: Color32) {
    let height = ui.text_style_height(&egui::TextStyle::Body) * 0.7;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
    let mut filled = rect;
    filled.set_width(width * fraction.clamp(0.0, 1.0));
    painter.rect_filled(filled, 2.0, color);
}

/// A framed note: what a view will hold, or why something is empty.
pub fn note(ui: &mut Ui, text: &str) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .corner_radius(4.0)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(text).weak());
        });
}

/// A line of text in the warning colour.
pub fn warning(ui: &mut Ui, text: &str) {
    let color = theme::warn(ui.visuals().dark_mode);
    ui.label(RichText::new(format!("▲ {text}")).color(color));
}

/// The most terms [`sum_terms`] writes out: a longer sum is more than anyone reads on hover.
pub const MAX_SUM_TERMS: usize = 12;

/// The terms of a sum for a hover explanation, `a + b + c`; `None` when there are none or more
/// than [`MAX_SUM_TERMS`] (the explanation then says how many were added instead).
pub fn sum_terms<S: AsRef<str>>(terms: &[S]) -> Option<String> {
    if terms.is_empty() || terms.len() > MAX_SUM_TERMS {
        return None;
    }
    Some(
        terms
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(" + "),
    )
}

/// One cell of a [`table`].
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub text: String,
    pub numeric: bool,
    pub strong: bool,
    pub color: Option<Color32>,
    pub hover: Option<String>,
    /// Indentation steps (for trees).
    pub indent: usize,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            ..Default::default()
        }
    }

    /// A right-aligned figure.
    pub fn num(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: true,
            ..Default::default()
        }
    }

    pub fn strong(mut self) -> Self {
        self.strong = true;
        self
    }

    pub fn color(mut self, color: Color32) -> Self {
        self.color = Some(color);
        self
    }

    /// Text shown on hover: how the figure was computed.
    pub fn explain(mut self, text: impl Into<String>) -> Self {
        self.hover = Some(text.into());
        self
    }

    pub fn indent(mut self, steps: usize) -> Self {
        self.indent = steps;
        self
    }

    fn show(&self, ui: &mut Ui) {
        let mut text = RichText::new(&self.text);
        if self.strong {
            text = text.strong();
        }
        if let Some(c) = self.color {
            text = text.color(c);
        }
        let layout = if self.numeric {
            Layout::right_to_left(Align::Center)
        } else {
            Layout::left_to_right(Align::Center)
        };
        ui.with_layout(layout, |ui| {
            if self.indent > 0 {
                ui.add_space(self.indent as f32 * 16.0);
            }
            let response = ui.add(egui::Label::new(text).truncate());
            if let Some(h) = &self.hover {
                response.on_hover_text(h);
            }
        });
    }
}

/// A column of a [`table`]: its title and whether it holds figures.
pub struct Col {
    pub title: String,
    pub numeric: bool,
    pub width: Option<f32>,
}

impl Col {
    pub fn text(title: impl Into<String>) -> Self {
        Col {
            title: title.into(),
            numeric: false,
            width: None,
        }
    }

    pub fn num(title: impl Into<String>) -> Self {
        Col {
            title: title.into(),
            numeric: true,
            width: Some(theme::AMOUNT_COLUMN),
        }
    }

    pub fn width(mut self, width: f32) -> Self {
        self.width = Some(width);
        self
    }
}

/// Above this many rows a [`table`] lays out only the rows in view (a row per person or
/// contract of a large organisation: laying them all out every frame costs milliseconds and
/// memory for every text).
const LONG_TABLE_ROWS: usize = 100;

/// A striped table with a header row; rows are lists of cells in column order.
pub fn table(ui: &mut Ui, id: &str, cols: &[Col], rows: &[Vec<Cell>]) {
    if rows.len() > LONG_TABLE_ROWS {
        return long_table(ui, id, cols, rows);
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    table_builder(ui, id, cols, row_height).body(|mut body| {
        for row in rows {
            body.row(row_height, |mut r| {
                for cell in row {
                    r.col(|ui| cell.show(ui));
                }
            });
        }
    });
}

/// A [`table`] that lays out only the rows in view: for tables of hundreds or thousands of
/// rows (one per person or customer).
pub fn long_table(ui: &mut Ui, id: &str, cols: &[Col], rows: &[Vec<Cell>]) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    table_builder(ui, id, cols, row_height).body(|body| {
        body.rows(row_height, rows.len(), |mut r| {
            for cell in &rows[r.index()] {
                r.col(|ui| cell.show(ui));
            }
        });
    });
}

/// A table's columns and header row.
fn table_builder<'a>(
    ui: &'a mut Ui,
    id: &str,
    cols: &[Col],
    row_height: f32,
) -> egui_extras::Table<'a> {
    let mut builder = TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .vscroll(false)
        .cell_layout(Layout::left_to_right(Align::Center));
    for (i, col) in cols.iter().enumerate() {
        // A last text column takes the rest of the width, so long text is not cut off.
        let last_text = i + 1 == cols.len() && !col.numeric;
        let column = match col.width {
            _ if last_text => Column::remainder().at_least(col.width.unwrap_or(80.0)),
            Some(w) => Column::initial(w).at_least(w * 0.6),
            None => Column::auto().at_least(80.0),
        };
        builder = builder.column(column.clip(true).resizable(!last_text));
    }
    builder.header(row_height, |mut header| {
        for col in cols {
            header.col(|ui| {
                let text = RichText::new(&col.title).strong();
                if col.numeric {
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        ui.label(text);
                    });
                } else {
                    ui.label(text);
                }
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{MAX_SUM_TERMS, sum_terms};

    #[test]
    fn sums_are_written_out_up_to_a_dozen_terms() {
        assert_eq!(
            sum_terms(&["1.00", "2.00", "3.00"]).as_deref(),
            Some("1.00 + 2.00 + 3.00")
        );
        assert_eq!(sum_terms(&["5.00"]).as_deref(), Some("5.00"));
        assert_eq!(sum_terms::<&str>(&[]), None);
        let many: Vec<String> = (0..=MAX_SUM_TERMS).map(|i| i.to_string()).collect();
        assert_eq!(sum_terms(&many), None);
        assert!(sum_terms(&many[..MAX_SUM_TERMS]).is_some());
    }
}
