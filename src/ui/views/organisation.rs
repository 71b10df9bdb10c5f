//! Organisation and products: the tree of units and people (add, rename, change kind, move,
//! reorder, delete) and the product lines with their products. Every edit is stored at once.

use egui::{RichText, Ui};

use crate::domain::model::{LineId, Metric, NodeId, ProductId, UnitKind};
use crate::domain::money::Money;
use crate::domain::org::unique_name;
use crate::domain::period::Period;
use crate::i18n::Localized;
use crate::store::{PersonFields, ProductFields, ProductLineFields};
use crate::ui::edit::EditBuffer;
use crate::ui::theme;
use crate::ui::views::{Action, ViewCtx};
use crate::ui::widgets;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Organisation,
    Products,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductSelection {
    Line(LineId),
    Product(ProductId),
}

#[derive(Default)]
pub struct State {
    pub tab: Tab,
    pub selected: Option<NodeId>,
    /// A node just added: selected as soon as it appears (parent, name).
    pending_node: Option<(NodeId, String)>,
    name: EditBuffer,
    title: EditBuffer,
    email: EditBuffer,
    visits: EditBuffer,
    move_target: Option<NodeId>,
    pub product_selected: Option<ProductSelection>,
    pending_line: Option<String>,
    pending_product: Option<String>,
    line_name: EditBuffer,
    line_code: EditBuffer,
    line_description: EditBuffer,
    product_name: EditBuffer,
    product_price: EditBuffer,
}

pub fn organisation_ui(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    widgets::heading(ui, &ctx.tr("view.organisation"));
    ui.horizontal(|ui| {
        ui.selectable_value(
            &mut state.tab,
            Tab::Organisation,
            ctx.tr("org.tab.organisation"),
        );
        ui.selectable_value(&mut state.tab, Tab::Products, ctx.tr("org.tab.products"));
    });
    ui.separator();
    match state.tab {
        Tab::Organisation => tree_tab(ui, ctx, state, actions),
        Tab::Products => products_tab(ui, ctx, state, actions),
    }
}

fn tree_tab(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    // Select a node added in the previous frame once it is loaded.
    if let Some((parent, name)) = &state.pending_node
        && let Some(&id) = ctx
            .tree
            .children(*parent)
            .iter()
            .find(|&&c| ctx.tree.get(c).is_some_and(|n| &n.name == name))
    {
        state.selected = Some(id);
        state.pending_node = None;
    }
    if state.selected.is_some_and(|id| ctx.tree.get(id).is_none()) {
        state.selected = None;
    }
    let selected = state.selected.or_else(|| ctx.tree.root().map(|r| r.id));

    ui.horizontal(|ui| {
        let parent_for_new = selected.and_then(|id| {
            let node = ctx.tree.get(id)?;
            if node.kind.is_person() {
                node.parent
            } else {
                Some(id)
            }
        });
        for (kind, base_key, label_key) in [
            (UnitKind::Team, "org.new_unit_name", "org.add_unit"),
            (UnitKind::Person, "org.new_person_name", "org.add_person"),
        ] {
            let enabled = parent_for_new.is_some();
            if ui
                .add_enabled(enabled, egui::Button::new(ctx.tr(label_key)))
                .on_hover_text(ctx.tr("org.add_hover"))
                .clicked()
                && let Some(parent) = parent_for_new
            {
                let siblings: Vec<String> = ctx
                    .tree
                    .children(parent)
                    .iter()
                    .filter_map(|&c| ctx.tree.get(c).map(|n| n.name.clone()))
                    .collect();
                let name = unique_name(&ctx.tr(base_key), |n| siblings.iter().any(|s| s == n));
                state.pending_node = Some((parent, name.clone()));
                actions.push(Action::AddNode { parent, kind, name });
            }
        }
        let movable =
            selected.is_some_and(|id| ctx.tree.get(id).is_some_and(|n| n.parent.is_some()));
        if ui
            .add_enabled(movable, egui::Button::new("↑"))
            .on_hover_text(ctx.tr("org.move_up"))
            .clicked()
            && let Some(id) = selected
        {
            actions.push(Action::ReorderNode { id, delta: -1 });
        }
        if ui
            .add_enabled(movable, egui::Button::new("↓"))
            .on_hover_text(ctx.tr("org.move_down"))
            .clicked()
            && let Some(id) = selected
        {
            actions.push(Action::ReorderNode { id, delta: 1 });
        }
        if ui
            .add_enabled(movable, egui::Button::new(ctx.tr("org.delete")))
            .clicked()
            && let Some(id) = selected
        {
            actions.push(Action::DeleteNode { id });
        }
    });
    ui.add_space(6.0);

    ui.columns(2, |cols| {
        tree_list(&mut cols[0], ctx, state, selected);
        if let Some(id) = selected {
            node_editor(&mut cols[1], ctx, state, id, actions);
        }
    });
}

fn tree_list(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, selected: Option<NodeId>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        for (id, depth) in ctx.tree.walk() {
            let Some(node) = ctx.tree.get(id) else {
                continue;
            };
            ui.horizontal(|ui| {
                ui.add_space(depth as f32 * 18.0);
                let icon = if node.kind.is_person() { "●" } else { "■" };
                let mut text = RichText::new(format!("{icon} {}", node.name));
                if !node.kind.is_person() {
                    text = text.strong();
                }
                let response = ui.add(egui::Button::selectable(selected == Some(id), text));
                if response.clicked() {
                    state.selected = Some(id);
                }
                ui.label(RichText::new(ctx.tr(node.kind.label_key())).small().weak());
            });
        }
    });
}

fn node_editor(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    id: NodeId,
    actions: &mut Vec<Action>,
) {
    let Some(node) = ctx.tree.get(id) else { return };
    let key = id.0.to_string();
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        widgets::subheading(ui, &node.name);
        egui::Grid::new("node_editor")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label(ctx.tr("org.field.name"));
                if let Some(name) =
                    state
                        .name
                        .field(ui, &label, "node_name", &key, &node.name, 220.0)
                {
                    actions.push(Action::RenameNode { id, name });
                }
                ui.end_row();

                let label = ui.label(ctx.tr("org.field.kind"));
                if node.kind.is_person() {
                    ui.label(ctx.tr(node.kind.label_key()));
                } else {
                    let mut kind = node.kind;
                    egui::ComboBox::from_id_salt("node_kind")
                        .selected_text(ctx.tr(kind.label_key()))
                        .show_ui(ui, |ui| {
                            for k in UnitKind::unit_kinds() {
                                ui.selectable_value(&mut kind, k, ctx.tr(k.label_key()));
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if kind != node.kind {
                        actions.push(Action::SetNodeKind { id, kind });
                    }
                }
                ui.end_row();

                if node.kind.is_person() {
                    let fields = PersonFields {
                        title: node.title.clone(),
                        email: node.email.clone(),
                        visits_per_week: node.visits_per_week,
                    };
                    let label = ui.label(ctx.tr("org.field.title"));
                    if let Some(title) =
                        state
                            .title
                            .field(ui, &label, "person_title", &key, &node.title, 220.0)
                    {
                        actions.push(Action::UpdatePerson {
                            id,
                            fields: PersonFields {
                                title,
                                ..fields.clone()
                            },
                        });
                    }
                    ui.end_row();
                    let label = ui.label(ctx.tr("org.field.email"));
                    if let Some(email) =
                        state
                            .email
                            .field(ui, &label, "person_email", &key, &node.email, 220.0)
                    {
                        actions.push(Action::UpdatePerson {
                            id,
                            fields: PersonFields {
                                email,
                                ..fields.clone()
                            },
                        });
                    }
                    ui.end_row();
                    let label = ui.label(ctx.tr("org.field.visits"));
                    let stored = node
                        .visits_per_week
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    if let Some(text) =
                        state
                            .visits
                            .field(ui, &label, "person_visits", &key, &stored, 80.0)
                    {
                        let text = text.trim();
                        if text.is_empty() {
                            actions.push(Action::UpdatePerson {
                                id,
                                fields: PersonFields {
                                    visits_per_week: None,
                                    ..fields
                                },
                            });
                        } else {
                            match text.parse::<u32>() {
                                Ok(v) if v <= 100 => actions.push(Action::UpdatePerson {
                                    id,
                                    fields: PersonFields {
                                        visits_per_week: Some(v),
                                        ..fields
                                    },
                                }),
                                _ => {
                                    state.visits.reset();
                                    actions.push(Action::InputError(
                                        ctx.trf("err.input.visits", &[("value", text.to_owned())]),
                                    ));
                                }
                            }
                        }
                    }
                    ui.end_row();
                }

                if node.parent.is_some() {
                    let label = ui.label(ctx.tr("org.field.move_to"));
                    ui.horizontal(|ui| {
                        let targets = ctx.tree.move_targets(id);
                        if state.move_target.is_some_and(|t| !targets.contains(&t)) {
                            state.move_target = None;
                        }
                        let chosen = state
                            .move_target
                            .map(|t| ctx.node_name(t))
                            .unwrap_or_else(|| ctx.tr("org.choose_unit").into_owned());
                        egui::ComboBox::from_id_salt("move_target")
                            .selected_text(chosen)
                            .show_ui(ui, |ui| {
                                for t in targets {
                                    let depth = ctx.tree.depth(t);
                                    let text =
                                        format!("{}{}", "  ".repeat(depth), ctx.node_name(t));
                                    ui.selectable_value(&mut state.move_target, Some(t), text);
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if ui
                            .add_enabled(
                                state.move_target.is_some(),
                                egui::Button::new(ctx.tr("org.move")),
                            )
                            .clicked()
                            && let Some(parent) = state.move_target.take()
                        {
                            actions.push(Action::MoveNode { id, parent });
                        }
                    });
                    ui.end_row();
                }
            });

        ui.add_space(theme::SECTION_GAP);
        let target = ctx
            .table
            .node_value(ctx.tree, id, None, Period::Year, Metric::ContractAmount);
        ui.label(format!(
            "{}：{}",
            ctx.tr("org.node_target"),
            target
                .map(|t| ctx.money_with_unit(t))
                .unwrap_or_else(|| "—".into())
        ));
        let people = ctx.tree.people_under(id).len();
        if !node.kind.is_person() {
            ui.label(ctx.trf("org.people_below", &[("n", people.to_string())]));
        }
        let customers = ctx
            .snap
            .customers
            .iter()
            .filter(|c| c.owner == Some(id))
            .count();
        if node.kind.is_person() {
            ui.label(ctx.trf("org.customers_owned", &[("n", customers.to_string())]));
        }
    });
}

fn products_tab(ui: &mut Ui, ctx: &ViewCtx, state: &mut State, actions: &mut Vec<Action>) {
    let snap = ctx.snap;
    if let Some(name) = &state.pending_line
        && let Some(l) = snap.lines.iter().find(|l| &l.name == name)
    {
        state.product_selected = Some(ProductSelection::Line(l.id));
        state.pending_line = None;
    }
    if let Some(name) = &state.pending_product
        && let Some(p) = snap.products.iter().find(|p| &p.name == name)
    {
        state.product_selected = Some(ProductSelection::Product(p.id));
        state.pending_product = None;
    }
    // Drop a selection whose item was deleted (or undone).
    state.product_selected = state.product_selected.filter(|s| match s {
        ProductSelection::Line(l) => snap.line(*l).is_some(),
        ProductSelection::Product(p) => snap.products.iter().any(|x| x.id == *p),
    });

    let selected_line = match state.product_selected {
        Some(ProductSelection::Line(l)) => Some(l),
        Some(ProductSelection::Product(p)) => {
            snap.products.iter().find(|x| x.id == p).map(|x| x.line)
        }
        None => None,
    };
    ui.horizontal(|ui| {
        if ui.button(ctx.tr("products.add_line")).clicked() {
            let name = unique_name(&ctx.tr("products.new_line_name"), |n| {
                snap.lines.iter().any(|l| l.name == n)
            });
            state.pending_line = Some(name.clone());
            actions.push(Action::AddLine(ProductLineFields {
                name,
                code: String::new(),
                description: String::new(),
            }));
        }
        if ui
            .add_enabled(
                selected_line.is_some(),
                egui::Button::new(ctx.tr("products.add_product")),
            )
            .clicked()
            && let Some(line) = selected_line
        {
            let name = unique_name(&ctx.tr("products.new_product_name"), |n| {
                snap.products.iter().any(|p| p.name == n)
            });
            state.pending_product = Some(name.clone());
            actions.push(Action::AddProduct(ProductFields {
                line,
                name,
                list_price: Money::ZERO,
            }));
        }
        if ui
            .add_enabled(
                state.product_selected.is_some(),
                egui::Button::new(ctx.tr("org.delete")),
            )
            .clicked()
        {
            match state.product_selected {
                Some(ProductSelection::Line(id)) => actions.push(Action::DeleteLine { id }),
                Some(ProductSelection::Product(id)) => actions.push(Action::DeleteProduct { id }),
                None => {}
            }
        }
    });
    ui.add_space(6.0);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            if snap.lines.is_empty() {
                ui.label(RichText::new(ctx.tr("products.none")).weak());
            }
            for line in &snap.lines {
                let text = RichText::new(format!("■ {}", line.name)).strong();
                let sel = state.product_selected == Some(ProductSelection::Line(line.id));
                if ui.add(egui::Button::selectable(sel, text)).clicked() {
                    state.product_selected = Some(ProductSelection::Line(line.id));
                }
                for p in snap.products.iter().filter(|p| p.line == line.id) {
                    ui.horizontal(|ui| {
                        ui.add_space(18.0);
                        let sel = state.product_selected == Some(ProductSelection::Product(p.id));
                        if ui.add(egui::Button::selectable(sel, &p.name)).clicked() {
                            state.product_selected = Some(ProductSelection::Product(p.id));
                        }
                        ui.label(
                            RichText::new(ctx.money_with_unit(p.list_price.fen()))
                                .small()
                                .weak(),
                        );
                    });
                }
            }
        });
        let ui = &mut cols[1];
        match state.product_selected {
            Some(ProductSelection::Line(id)) => line_editor(ui, ctx, state, id, actions),
            Some(ProductSelection::Product(id)) => product_editor(ui, ctx, state, id, actions),
            None => widgets::note(ui, &ctx.tr("products.select_hint")),
        }
    });
}

fn line_editor(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    id: LineId,
    actions: &mut Vec<Action>,
) {
    let Some(line) = ctx.snap.line(id) else {
        return;
    };
    let key = id.0.to_string();
    let fields = ProductLineFields {
        name: line.name.clone(),
        code: line.code.clone(),
        description: line.description.clone(),
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        widgets::subheading(ui, &line.name);
        egui::Grid::new("line_editor")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label(ctx.tr("org.field.name"));
                if let Some(name) =
                    state
                        .line_name
                        .field(ui, &label, "line_name", &key, &line.name, 220.0)
                {
                    actions.push(Action::UpdateLine {
                        id,
                        fields: ProductLineFields {
                            name,
                            ..fields.clone()
                        },
                    });
                }
                ui.end_row();
                let label = ui.label(ctx.tr("products.code"));
                if let Some(code) =
                    state
                        .line_code
                        .field(ui, &label, "line_code", &key, &line.code, 80.0)
                {
                    actions.push(Action::UpdateLine {
                        id,
                        fields: ProductLineFields {
                            code,
                            ..fields.clone()
                        },
                    });
                }
                ui.end_row();
                let label = ui.label(ctx.tr("products.description"));
                if let Some(description) = state.line_description.field(
                    ui,
                    &label,
                    "line_description",
                    &key,
                    &line.description,
                    300.0,
                ) {
                    actions.push(Action::UpdateLine {
                        id,
                        fields: ProductLineFields {
                            description,
                            ..fields.clone()
                        },
                    });
                }
                ui.end_row();
            });
        let count = ctx.snap.products.iter().filter(|p| p.line == id).count();
        ui.add_space(8.0);
        ui.label(ctx.trf("products.count", &[("n", count.to_string())]));
    });
}

fn product_editor(
    ui: &mut Ui,
    ctx: &ViewCtx,
    state: &mut State,
    id: ProductId,
    actions: &mut Vec<Action>,
) {
    let Some(product) = ctx.snap.products.iter().find(|p| p.id == id) else {
        return;
    };
    let key = id.0.to_string();
    let fields = ProductFields {
        line: product.line,
        name: product.name.clone(),
        list_price: product.list_price,
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        widgets::subheading(ui, &product.name);
        egui::Grid::new("product_editor")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label(ctx.tr("org.field.name"));
                if let Some(name) =
                    state
                        .product_name
                        .field(ui, &label, "product_name", &key, &product.name, 220.0)
                {
                    actions.push(Action::UpdateProduct {
                        id,
                        fields: ProductFields {
                            name,
                            ..fields.clone()
                        },
                    });
                }
                ui.end_row();
                let label = ui.label(ctx.tr("col.product_line"));
                let mut line = product.line;
                egui::ComboBox::from_id_salt("product_line")
                    .selected_text(ctx.line_name(line))
                    .show_ui(ui, |ui| {
                        for l in &ctx.snap.lines {
                            ui.selectable_value(&mut line, l.id, &l.name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if line != product.line {
                    actions.push(Action::UpdateProduct {
                        id,
                        fields: ProductFields {
                            line,
                            ..fields.clone()
                        },
                    });
                }
                ui.end_row();
                let label = ui.label(format!(
                    "{}（{}）",
                    ctx.tr("products.list_price"),
                    ctx.tr("unit.yuan")
                ));
                let stored = product
                    .list_price
                    .format(crate::domain::money::AmountUnit::Yuan);
                if let Some(text) =
                    state
                        .product_price
                        .field(ui, &label, "product_price", &key, &stored, 160.0)
                {
                    match Money::parse(&text) {
                        Ok(list_price) => actions.push(Action::UpdateProduct {
                            id,
                            fields: ProductFields {
                                list_price,
                                ..fields.clone()
                            },
                        }),
                        Err(e) => {
                            state.product_price.reset();
                            actions.push(Action::InputError(e.localize(ctx.lang())));
                        }
                    }
                }
                ui.end_row();
            });
        ui.label(RichText::new(ctx.tr("products.price_hint")).small().weak());
    });
}
