//! The customers (industry, region, credit rating, owner) with their contacts, and the products
//! by line: the two axes of the matrix.

use egui::{RichText, Ui};

use super::{Out, error_line, field};
use crate::domain::battle::ContactFields;
use crate::domain::model::{CustomerId, NodeId};
use crate::store::CustomerFields;
use crate::store::accounts::AccountChange;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::ui::widgets::{self, Cell, Col};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CustomerDraft {
    /// None = a new customer.
    id: Option<CustomerId>,
    name: String,
    industry: String,
    region: String,
    credit_rating: String,
    owner: Option<NodeId>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    selected: Option<CustomerId>,
    draft: Option<CustomerDraft>,
    contact: ContactFields,
    error: Option<String>,
}

pub fn customers_ui(
    ui: &mut Ui,
    ctx: &ViewCtx,
    person: Option<NodeId>,
    state: &mut State,
    out: &mut Out,
) {
    let snap = ctx.snap;
    // The chosen person's customers (everyone's when nobody is chosen).
    let shown: Vec<_> = snap
        .customers
        .iter()
        .filter(|c| person.is_none_or(|p| c.owner == Some(p)))
        .collect();
    widgets::subheading(
        ui,
        &ctx.trf("accounts.customers", &[("n", shown.len().to_string())]),
    );
    if state.draft.is_none() && ui.button(ctx.tr("customers.add")).clicked() {
        state.draft = Some(CustomerDraft {
            owner: person,
            ..CustomerDraft::default()
        });
    }
    if let Some(d) = state.draft.as_mut() {
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(
                RichText::new(ctx.tr(if d.id.is_some() {
                    "customers.editing"
                } else {
                    "customers.add"
                }))
                .strong(),
            );
            egui::Grid::new("customer_editor")
                .num_columns(4)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    field(ui, &ctx.tr("col.customer"), &mut d.name, 200.0);
                    field(ui, &ctx.tr("col.industry"), &mut d.industry, 120.0);
                    ui.end_row();
                    field(ui, &ctx.tr("col.region"), &mut d.region, 200.0);
                    field(
                        ui,
                        &ctx.tr("col.credit_rating"),
                        &mut d.credit_rating,
                        120.0,
                    );
                    ui.end_row();
                    super::person_picker(
                        ui,
                        ctx,
                        "customer_owner",
                        "col.owner",
                        &mut d.owner,
                        true,
                    );
                    ui.end_row();
                });
            ui.horizontal(|ui| {
                if ui.button(ctx.tr("customers.save")).clicked() {
                    if d.name.trim().is_empty() {
                        state.error = Some(ctx.tr("customers.err.name").into_owned());
                    } else {
                        let fields = CustomerFields {
                            name: d.name.trim().to_owned(),
                            industry: d.industry.trim().to_owned(),
                            region: d.region.trim().to_owned(),
                            credit_rating: d.credit_rating.trim().to_owned(),
                            owner: d.owner,
                        };
                        out.push(match d.id {
                            Some(id) => AccountChange::UpdateCustomer { id, fields },
                            None => AccountChange::AddCustomer(fields),
                        });
                        state.error = None;
                        close = true;
                    }
                }
                if ui.button(ctx.tr("dialog.cancel")).clicked() {
                    close = true;
                }
            });
        });
        if close {
            state.draft = None;
        }
    }
    error_line(ui, &state.error);

    if shown.is_empty() {
        widgets::note(ui, &ctx.tr("accounts.no_customers"));
    } else {
        egui::Grid::new("customers_list")
            .num_columns(7)
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for key in [
                    "col.customer",
                    "col.industry",
                    "col.region",
                    "col.credit_rating",
                    "col.owner",
                    "customers.contacts",
                ] {
                    ui.label(RichText::new(ctx.tr(key)).strong());
                }
                ui.label("");
                ui.end_row();
                for c in &shown {
                    let chosen = state.selected == Some(c.id);
                    if ui.selectable_label(chosen, &c.name).clicked() {
                        state.selected = if chosen { None } else { Some(c.id) };
                    }
                    ui.label(&c.industry);
                    ui.label(&c.region);
                    ui.label(&c.credit_rating);
                    ui.label(c.owner.map(|o| ctx.node_name(o)).unwrap_or("—".into()));
                    let n = snap.contacts.iter().filter(|x| x.customer == c.id).count();
                    ui.label(RichText::new(n.to_string()).monospace())
                        .on_hover_text(ctx.trf(
                            "customers.contacts.explain",
                            &[("customer", c.name.clone()), ("n", n.to_string())],
                        ));
                    ui.horizontal(|ui| {
                        if ui.small_button(ctx.tr("actions.edit")).clicked() {
                            state.draft = Some(CustomerDraft {
                                id: Some(c.id),
                                name: c.name.clone(),
                                industry: c.industry.clone(),
                                region: c.region.clone(),
                                credit_rating: c.credit_rating.clone(),
                                owner: c.owner,
                            });
                        }
                        if ui.small_button(ctx.tr("actions.delete")).clicked() {
                            out.push(AccountChange::DeleteCustomer(c.id));
                        }
                    });
                    ui.end_row();
                }
            });
    }

    if let Some(id) = state.selected
        && let Some(c) = snap.customer(id)
    {
        ui.add_space(theme::SECTION_GAP);
        widgets::subheading(
            ui,
            &ctx.trf("customers.contacts_of", &[("name", c.name.clone())]),
        );
        let contacts: Vec<_> = snap.contacts.iter().filter(|x| x.customer == id).collect();
        if contacts.is_empty() {
            ui.label(RichText::new(ctx.tr("customers.no_contacts")).weak());
        }
        egui::Grid::new("contacts_list")
            .num_columns(6)
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for x in &contacts {
                    ui.label(&x.fields.name);
                    ui.label(&x.fields.title);
                    ui.label(&x.fields.role);
                    ui.label(&x.fields.phone);
                    ui.label(&x.fields.email);
                    if ui.small_button(ctx.tr("actions.delete")).clicked() {
                        out.push(AccountChange::DeleteContact(x.id));
                    }
                    ui.end_row();
                }
            });
        let f = &mut state.contact;
        ui.horizontal_wrapped(|ui| {
            field(ui, &ctx.tr("contact.name"), &mut f.name, 90.0);
            field(ui, &ctx.tr("contact.title"), &mut f.title, 90.0);
            field(ui, &ctx.tr("contact.role"), &mut f.role, 90.0);
            field(ui, &ctx.tr("contact.phone"), &mut f.phone, 110.0);
            field(ui, &ctx.tr("contact.email"), &mut f.email, 150.0);
            if ui.button(ctx.tr("contact.add")).clicked() {
                if f.name.trim().is_empty() {
                    state.error = Some(ctx.tr("contact.err.name").into_owned());
                } else {
                    out.push(AccountChange::AddContact {
                        customer: id,
                        fields: std::mem::take(f),
                    });
                    state.error = None;
                }
            }
        });
    }

    ui.add_space(theme::SECTION_GAP);
    widgets::subheading(ui, &ctx.tr("accounts.products"));
    let rows: Vec<Vec<Cell>> = snap
        .products
        .iter()
        .map(|p| {
            vec![
                Cell::text(ctx.line_name(p.line)),
                Cell::text(&p.name),
                Cell::num(ctx.money(p.list_price.fen())),
            ]
        })
        .collect();
    widgets::table(
        ui,
        "products",
        &[
            Col::text(ctx.tr("col.product_line")).width(120.0),
            Col::text(ctx.tr("col.product")).width(160.0),
            Col::num(ctx.with_unit("products.list_price")),
        ],
        &rows,
    );
    ui.label(RichText::new(ctx.tr("customers.products_hint")).weak());
}
