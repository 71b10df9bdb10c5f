//! Organisation and products: the tree of units and people (add, rename, change kind, move,
//! reorder, delete) and the product lines with their products. Every edit is stored at once.

use egui::{RichText, Ui};

use crate::domain::model::{LineId, Metric, NodeId, OrgNode, ProductId, UnitKind};
use crate::domain::money::Money;
use crate::domain::org::unique_name;
use crate::domain::period::Period;
use crate::i18n::Localized;
use crate::store::{PersonFields, ProductFields, ProductLineFields};
use crate::ui::edit::{Commit, EditBuffer};
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

/// The editable text fields of a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PersonField {
    Title,
    Email,
    Visits,
}

impl State {
    fn person_buffer(&mut self, field: PersonField) -> &mut EditBuffer {
        match field {
            PersonField::Title => &mut self.title,
            PersonField::Email => &mut self.email,
            PersonField::Visits => &mut self.visits,
        }
    }
}

/// The node a finished edit was typed for (it may no longer be the selected one).
fn committed_node<'a>(ctx: &'a ViewCtx, c: &Commit) -> Option<&'a OrgNode> {
    c.key.parse().ok().and_then(|id| ctx.tree.get(NodeId(id)))
}

/// A person's fields with one of them changed to `text`, or why `text` is not accepted.
fn person_change(
    ctx: &ViewCtx,
    person: &OrgNode,
    field: PersonField,
    text: &str,
) -> Result<PersonFields, String> {
    let mut fields = PersonFields {
        title: person.title.clone(),
        email: person.email.clone(),
        visits_per_week: person.visits_per_week,
    };
    match field {
        PersonField::Title => fields.title = text.to_owned(),
        PersonField::Email => fields.email = text.to_owned(),
        PersonField::Visits => {
            let text = text.trim();
            fields.visits_per_week = if text.is_empty() {
                None
            } else {
                match text.parse::<u32>() {
                    Ok(v) if crate::domain::funnel::check_visits_per_week(v).is_ok() => Some(v),
                    _ => return Err(ctx.trf("err.input.visits", &[("value", text.to_owned())])),
                }
            };
        }
    }
    Ok(fields)
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
                let commit = state
                    .name
                    .field(ui, &label, "node_name", &key, &node.name, 220.0);
                if let Some(c) = commit
                    && let Some(n) = committed_node(ctx, &c)
                {
                    actions.push(Action::RenameNode {
                        id: n.id,
                        name: c.text,
                    });
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

                let mut commits: Vec<(PersonField, Commit)> = Vec::new();
                if node.kind.is_person() {
                    let stored_visits = node
                        .visits_per_week
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    for (field, label_key, id_salt, stored, width) in [
                        (
                            PersonField::Title,
                            "org.field.title",
                            "person_title",
                            node.title.as_str(),
                            220.0,
                        ),
                        (
                            PersonField::Email,
                            "org.field.email",
                            "person_email",
                            node.email.as_str(),
                            220.0,
                        ),
                        (
                            PersonField::Visits,
                            "org.field.visits",
                            "person_visits",
                            stored_visits.as_str(),
                            80.0,
                        ),
                    ] {
                        let label = ui.label(ctx.tr(label_key));
                        let buffer = state.person_buffer(field);
                        if let Some(c) = buffer.field(ui, &label, id_salt, &key, stored, width) {
                            commits.push((field, c));
                        }
                        ui.end_row();
                    }
                } else {
                    // A person's unfinished edit still lands when a unit is selected next.
                    for field in [PersonField::Title, PersonField::Email, PersonField::Visits] {
                        if let Some(c) = state.person_buffer(field).sync(&key, "", false) {
                            commits.push((field, c));
                        }
                    }
                }
                for (field, c) in commits {
                    if let Some(n) = committed_node(ctx, &c) {
                        match person_change(ctx, n, field, &c.text) {
                            Ok(fields) => actions.push(Action::UpdatePerson { id: n.id, fields }),
                            Err(message) => {
                                state.person_buffer(field).reset();
                                actions.push(Action::InputError(message));
                            }
                        }
                    }
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
        let target_label = ui.label(format!(
            "{}：{}",
            ctx.tr("org.node_target"),
            target
                .map(|t| ctx.money_with_unit(t))
                .unwrap_or_else(|| "—".into())
        ));
        // Set on the unit, or the sum of the units below.
        let own = ctx
            .table
            .period_value(id, None, Period::Year, Metric::ContractAmount)
            .is_some();
        match target {
            Some(t) if !own => {
                target_label.on_hover_text(ctx.trf(
                    "overview.unit_rollup_explain",
                    &[
                        ("name", node.name.clone()),
                        ("value", ctx.money_with_unit(t)),
                    ],
                ));
            }
            Some(_) => {
                target_label.on_hover_text(ctx.tr("targets.set_directly"));
            }
            None => {}
        }
        let people = ctx.tree.people_under(id).len();
        if !node.kind.is_person() {
            ui.label(ctx.trf("org.people_below", &[("n", people.to_string())]))
                .on_hover_text(ctx.trf(
                    "org.people_below.explain",
                    &[("name", node.name.clone()), ("n", people.to_string())],
                ));
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
            Some(ProductSelection::Line(id)) => {
                flush_hidden_editor(ctx, state, &ProductField::PRODUCT, actions);
                line_editor(ui, ctx, state, id, actions);
            }
            Some(ProductSelection::Product(id)) => {
                flush_hidden_editor(ctx, state, &ProductField::LINE, actions);
                product_editor(ui, ctx, state, id, actions);
            }
            None => {
                flush_hidden_editor(ctx, state, &ProductField::LINE, actions);
                flush_hidden_editor(ctx, state, &ProductField::PRODUCT, actions);
                widgets::note(ui, &ctx.tr("products.select_hint"));
            }
        }
    });
}

/// The editable text fields of a product line and of a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProductField {
    LineName,
    LineCode,
    LineDescription,
    ProductName,
    ProductPrice,
}

impl ProductField {
    const LINE: [ProductField; 3] = [Self::LineName, Self::LineCode, Self::LineDescription];
    const PRODUCT: [ProductField; 2] = [Self::ProductName, Self::ProductPrice];
}

impl State {
    fn product_buffer(&mut self, field: ProductField) -> &mut EditBuffer {
        match field {
            ProductField::LineName => &mut self.line_name,
            ProductField::LineCode => &mut self.line_code,
            ProductField::LineDescription => &mut self.line_description,
            ProductField::ProductName => &mut self.product_name,
            ProductField::ProductPrice => &mut self.product_price,
        }
    }
}

/// The change a finished edit makes to the line or product it was typed for.
fn product_change(
    ctx: &ViewCtx,
    field: ProductField,
    c: &Commit,
) -> Result<Option<Action>, String> {
    let Ok(id) = c.key.parse::<i64>() else {
        return Ok(None);
    };
    let text = c.text.clone();
    if ProductField::LINE.contains(&field) {
        let Some(line) = ctx.snap.line(LineId(id)) else {
            return Ok(None);
        };
        let mut fields = ProductLineFields {
            name: line.name.clone(),
            code: line.code.clone(),
            description: line.description.clone(),
        };
        match field {
            ProductField::LineName => fields.name = text,
            ProductField::LineCode => fields.code = text,
            _ => fields.description = text,
        }
        return Ok(Some(Action::UpdateLine {
            id: line.id,
            fields,
        }));
    }
    let Some(product) = ctx.snap.products.iter().find(|p| p.id == ProductId(id)) else {
        return Ok(None);
    };
    let mut fields = ProductFields {
        line: product.line,
        name: product.name.clone(),
        list_price: product.list_price,
    };
    match field {
        ProductField::ProductName => fields.name = text,
        _ => fields.list_price = Money::parse(&text).map_err(|e| e.localize(ctx.lang()))?,
    }
    Ok(Some(Action::UpdateProduct {
        id: product.id,
        fields,
    }))
}

fn push_product_change(
    ctx: &ViewCtx,
    state: &mut State,
    field: ProductField,
    commit: Option<Commit>,
    actions: &mut Vec<Action>,
) {
    let Some(c) = commit else { return };
    match product_change(ctx, field, &c) {
        Ok(action) => actions.extend(action),
        Err(message) => {
            state.product_buffer(field).reset();
            actions.push(Action::InputError(message));
        }
    }
}

/// Lands the unfinished edits of the editor that is not shown (the user selected a product
/// while typing in a line's field, or the other way round).
fn flush_hidden_editor(
    ctx: &ViewCtx,
    state: &mut State,
    hidden: &[ProductField],
    actions: &mut Vec<Action>,
) {
    for &field in hidden {
        let commit = state.product_buffer(field).sync("", "", false);
        push_product_change(ctx, state, field, commit, actions);
    }
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
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        widgets::subheading(ui, &line.name);
        egui::Grid::new("line_editor")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                for (field, label_key, id_salt, stored, width) in [
                    (
                        ProductField::LineName,
                        "org.field.name",
                        "line_name",
                        &line.name,
                        220.0,
                    ),
                    (
                        ProductField::LineCode,
                        "products.code",
                        "line_code",
                        &line.code,
                        80.0,
                    ),
                    (
                        ProductField::LineDescription,
                        "products.description",
                        "line_description",
                        &line.description,
                        300.0,
                    ),
                ] {
                    let label = ui.label(ctx.tr(label_key));
                    let commit = state
                        .product_buffer(field)
                        .field(ui, &label, id_salt, &key, stored, width);
                    push_product_change(ctx, state, field, commit, actions);
                    ui.end_row();
                }
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
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        widgets::subheading(ui, &product.name);
        egui::Grid::new("product_editor")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label(ctx.tr("org.field.name"));
                let commit = state.product_name.field(
                    ui,
                    &label,
                    "product_name",
                    &key,
                    &product.name,
                    220.0,
                );
                push_product_change(ctx, state, ProductField::ProductName, commit, actions);
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
                            name: product.name.clone(),
                            list_price: product.list_price,
                        },
                    });
                }
                ui.end_row();
                let label = ui.label(ctx.with_yuan("products.list_price"));
                let stored = product
                    .list_price
                    .format(crate::domain::money::AmountUnit::Yuan);
                let commit =
                    state
                        .product_price
                        .field(ui, &label, "product_price", &key, &stored, 160.0);
                push_product_change(ctx, state, ProductField::ProductPrice, commit, actions);
                ui.end_row();
            });
        ui.label(RichText::new(ctx.tr("products.price_hint")).small().weak());
    });
}
