//! The demand letter (催款函) for an overdue installment (domain §7): a printable, self-contained
//! HTML page addressed to the customer, stating the contract, the installment, the amount
//! outstanding and the days overdue, the contractual liability, and a date to pay by.

use jiff::civil::Date;

use crate::domain::model::PlanSnapshot;
use crate::domain::money::{AmountUnit, Money};
use crate::domain::receivables;
use crate::exchange::letter::{escape, page_start};
use crate::i18n::{self, Lang};

/// What a demand letter says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemandData {
    pub lang: Lang,
    pub unit: AmountUnit,
    pub organisation: String,
    pub customer: String,
    pub contract: String,
    pub signed: Date,
    pub contract_amount: Money,
    pub installment: String,
    pub due: Date,
    pub outstanding: Money,
    pub days_overdue: i64,
    pub day: Date,
    /// Pay by: ten days after the letter.
    pub pay_by: Date,
    pub person: String,
}

/// The letter's facts for an installment on `day`; None if it is not overdue or unknown.
pub fn demand_data(
    snap: &PlanSnapshot,
    installment: i64,
    day: Date,
    lang: Lang,
    unit: AmountUnit,
) -> Option<DemandData> {
    let r = &snap.receivables;
    let state = receivables::states(&r.installments, &r.receipts, day)
        .into_iter()
        .find(|s| s.installment.id == installment)?;
    let days = receivables::days_past_due(state.installment.due, day);
    if days < 1 || state.outstanding.fen() <= 0 {
        return None;
    }
    let c = r
        .contracts
        .iter()
        .find(|c| c.id == state.installment.contract)?;
    let customer = c
        .customer
        .and_then(|id| snap.customers.iter().find(|x| x.id == id))
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let person = c
        .person
        .and_then(|p| snap.node(p))
        .map(|n| n.name.clone())
        .unwrap_or_default();
    Some(DemandData {
        lang,
        unit,
        organisation: snap.plan.organisation.clone(),
        customer,
        contract: c.number.clone(),
        signed: c.signed,
        contract_amount: c.amount,
        installment: state.installment.label.clone(),
        due: state.installment.due,
        outstanding: state.outstanding,
        days_overdue: days,
        day,
        pay_by: day.checked_add(jiff::Span::new().days(10)).ok()?,
        person,
    })
}

/// The letter as a complete HTML page.
pub fn demand_html(d: &DemandData) -> String {
    let tr = |k: &str| escape(&i18n::tr(d.lang, k));
    let mut h = page_start(
        d.lang,
        &format!(
            "{} — {} {}",
            i18n::tr(d.lang, "demand.title"),
            d.customer,
            d.contract
        ),
    );
    h.push_str(&format!("<h1>{}</h1>\n", tr("demand.title")));
    h.push_str(&format!(
        "<p>{}</p>\n",
        escape(&i18n::trf(
            d.lang,
            "demand.to",
            &[("customer", d.customer.clone())]
        ))
    ));
    h.push_str("<table class=\"facts\">\n");
    for (label, value) in [
        ("demand.contract", d.contract.clone()),
        ("demand.signed", d.signed.to_string()),
        (
            "demand.contract_amount",
            d.contract_amount.format_with_unit(d.unit),
        ),
        ("demand.installment", d.installment.clone()),
        ("demand.due", d.due.to_string()),
        ("demand.outstanding", d.outstanding.format_with_unit(d.unit)),
        ("demand.days", d.days_overdue.to_string()),
    ] {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            tr(label),
            escape(&value)
        ));
    }
    h.push_str("</table>\n");
    h.push_str(&format!(
        "<p>{}</p>\n",
        escape(&i18n::trf(
            d.lang,
            "demand.body",
            &[
                ("contract", d.contract.clone()),
                ("due", d.due.to_string()),
                ("amount", d.outstanding.format_with_unit(d.unit)),
                ("days", d.days_overdue.to_string()),
                ("pay_by", d.pay_by.to_string()),
            ]
        ))
    ));
    h.push_str(&format!("<p>{}</p>\n", tr("demand.liability")));
    h.push_str(&format!(
        "<div class=\"sign\"><div>{}<br>{}</div><div>{}<br>{}</div></div>\n",
        escape(&d.organisation),
        escape(&d.day.to_string()),
        tr("demand.contact"),
        escape(&d.person)
    ));
    h.push_str("</body>\n</html>\n");
    h
}
