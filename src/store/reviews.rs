//! Review meetings in the plan file (domain §8): each meeting with the variances it discussed
//! and the actions it decided, and the settings of the variance analysis (status bands, the
//! at-risk threshold). Every change is one transaction and one undo step.

use jiff::civil::Date;
use rusqlite::{Connection, params};

use super::finance::{collect, date_of, exists, invalid, ratio_text};
use super::write::put_setting;
use super::{ChangeLabel, Result, Store};
use crate::domain::forecast;
use crate::domain::model::{Metric, NodeId};
use crate::domain::org::clean_name;
use crate::domain::ratio::Ratio;
use crate::domain::reviews::{
    DiscussedVariance, FollowUp, FollowUpFields, FollowUpStatus, MeetingKind, Review, ReviewFields,
    ReviewsData,
};
use crate::domain::variance::{Bands, Window};

const SETTING_ON_TRACK: &str = "bands.on_track";
const SETTING_WATCH: &str = "bands.watch";
const SETTING_AT_RISK: &str = "forecast.at_risk";

/// One change to the reviews.
#[derive(Clone, Debug, PartialEq)]
pub enum ReviewChange {
    AddReview(ReviewFields),
    UpdateReview {
        id: i64,
        fields: ReviewFields,
    },
    /// Deletes a meeting with the variances and actions recorded in it.
    DeleteReview(i64),
    /// Links a variance to a meeting, with its figures of the day.
    AddVariance {
        review: i64,
        node: Option<NodeId>,
        metric: Metric,
        window: Window,
        plan: Option<i64>,
        actual: i64,
        note: String,
    },
    DeleteVariance(i64),
    AddFollowUp {
        review: i64,
        fields: FollowUpFields,
    },
    /// Updates an action; `day` is recorded as the day it was closed when it becomes done or
    /// dropped.
    UpdateFollowUp {
        id: i64,
        fields: FollowUpFields,
        day: Date,
    },
    DeleteFollowUp(i64),
    SetBands(Bands),
    SetAtRisk(Ratio),
}

impl ReviewChange {
    pub fn label(&self) -> ChangeLabel {
        let key = match self {
            ReviewChange::AddReview(_) => "change.add_review",
            ReviewChange::UpdateReview { .. } => "change.update_review",
            ReviewChange::DeleteReview(_) => "change.delete_review",
            ReviewChange::AddVariance { .. } => "change.add_review_variance",
            ReviewChange::DeleteVariance(_) => "change.delete_review_variance",
            ReviewChange::AddFollowUp { .. } => "change.add_follow_up",
            ReviewChange::UpdateFollowUp { .. } => "change.update_follow_up",
            ReviewChange::DeleteFollowUp(_) => "change.delete_follow_up",
            ReviewChange::SetBands(_) => "change.variance_bands",
            ReviewChange::SetAtRisk(_) => "change.at_risk_threshold",
        };
        let detail = match self {
            ReviewChange::AddReview(f) | ReviewChange::UpdateReview { fields: f, .. } => {
                f.title.trim().to_owned()
            }
            ReviewChange::AddFollowUp { fields, .. }
            | ReviewChange::UpdateFollowUp { fields, .. } => fields.description.trim().to_owned(),
            _ => String::new(),
        };
        ChangeLabel::new(key, detail)
    }
}

fn check_owner(conn: &Connection, owner: Option<NodeId>) -> Result<()> {
    match owner {
        Some(n) => exists(conn, "org_nodes", n.0),
        None => Ok(()),
    }
}

/// Applies one change inside the transaction `tx`.
pub(super) fn apply(tx: &Connection, change: &ReviewChange) -> Result<()> {
    match change {
        ReviewChange::AddReview(f) => {
            tx.execute(
                "INSERT INTO reviews (kind, held_on, title, attendees, causes, decisions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    f.kind.code(),
                    f.held_on.to_string(),
                    f.title.trim(),
                    f.attendees.trim(),
                    f.causes.trim(),
                    f.decisions.trim()
                ],
            )?;
        }
        ReviewChange::UpdateReview { id, fields: f } => {
            exists(tx, "reviews", *id)?;
            tx.execute(
                "UPDATE reviews SET kind = ?2, held_on = ?3, title = ?4, attendees = ?5,
                        causes = ?6, decisions = ?7 WHERE id = ?1",
                params![
                    id,
                    f.kind.code(),
                    f.held_on.to_string(),
                    f.title.trim(),
                    f.attendees.trim(),
                    f.causes.trim(),
                    f.decisions.trim()
                ],
            )?;
        }
        ReviewChange::DeleteReview(id) => {
            exists(tx, "reviews", *id)?;
            tx.execute("DELETE FROM review_variances WHERE review_id = ?1", [id])?;
            tx.execute("DELETE FROM review_actions WHERE review_id = ?1", [id])?;
            tx.execute("DELETE FROM reviews WHERE id = ?1", [id])?;
        }
        ReviewChange::AddVariance {
            review,
            node,
            metric,
            window,
            plan,
            actual,
            note,
        } => {
            exists(tx, "reviews", *review)?;
            check_owner(tx, *node)?;
            tx.execute(
                "INSERT INTO review_variances (review_id, node_id, metric, period, plan, actual,
                        note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    review,
                    node.map(|n| n.0),
                    metric.code(),
                    window.code(),
                    plan,
                    actual,
                    note.trim()
                ],
            )?;
        }
        ReviewChange::DeleteVariance(id) => {
            exists(tx, "review_variances", *id)?;
            tx.execute("DELETE FROM review_variances WHERE id = ?1", [id])?;
        }
        ReviewChange::AddFollowUp { review, fields } => {
            exists(tx, "reviews", *review)?;
            let description = clean_name(&fields.description)?;
            check_owner(tx, fields.owner)?;
            tx.execute(
                "INSERT INTO review_actions (review_id, description, owner_id, due_on, status)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    review,
                    description,
                    fields.owner.map(|n| n.0),
                    fields.due.map(|d| d.to_string()),
                    fields.status.code()
                ],
            )?;
        }
        ReviewChange::UpdateFollowUp { id, fields, day } => {
            exists(tx, "review_actions", *id)?;
            let description = clean_name(&fields.description)?;
            check_owner(tx, fields.owner)?;
            // The day it closed is kept while it stays closed, and cleared when it reopens.
            tx.execute(
                "UPDATE review_actions SET description = ?2, owner_id = ?3, due_on = ?4,
                        closed_on = CASE WHEN ?5 = 'open' THEN NULL
                                         WHEN status = ?5 THEN closed_on ELSE ?6 END,
                        status = ?5
                 WHERE id = ?1",
                params![
                    id,
                    description,
                    fields.owner.map(|n| n.0),
                    fields.due.map(|d| d.to_string()),
                    fields.status.code(),
                    day.to_string()
                ],
            )?;
        }
        ReviewChange::DeleteFollowUp(id) => {
            exists(tx, "review_actions", *id)?;
            tx.execute("DELETE FROM review_actions WHERE id = ?1", [id])?;
        }
        ReviewChange::SetBands(b) => {
            let b = Bands::new(b.on_track, b.watch)
                .ok_or_else(|| invalid("bands.watch", b.watch.format_percent(4)))?;
            put_setting(tx, SETTING_ON_TRACK, &ratio_text(b.on_track))?;
            put_setting(tx, SETTING_WATCH, &ratio_text(b.watch))?;
        }
        ReviewChange::SetAtRisk(r) => {
            if !r.is_positive() || *r > Ratio::ONE {
                return Err(invalid("forecast.at_risk", r.format_percent(4)));
            }
            put_setting(tx, SETTING_AT_RISK, &ratio_text(*r))?;
        }
    }
    Ok(())
}

impl Store {
    /// Applies one change to the reviews as one undoable step.
    pub fn apply_review_change(&mut self, change: &ReviewChange) -> Result<()> {
        self.change(change.label(), |tx| apply(tx, change))
    }
}

fn ratio_setting(conn: &Connection, key: &str) -> Result<Option<Ratio>> {
    Ok(super::read::setting(conn, key)?.and_then(|t| Ratio::parse(&t).ok()))
}

pub(super) fn reviews_data(conn: &Connection) -> Result<ReviewsData> {
    let default = Bands::default();
    let bands = Bands::new(
        ratio_setting(conn, SETTING_ON_TRACK)?.unwrap_or(default.on_track),
        ratio_setting(conn, SETTING_WATCH)?.unwrap_or(default.watch),
    )
    .unwrap_or(default);
    Ok(ReviewsData {
        reviews: collect(
            conn,
            "SELECT id, kind, held_on, title, attendees, causes, decisions FROM reviews
             ORDER BY held_on DESC, id DESC",
            |r| {
                let kind: String = r.get(1)?;
                Ok(Review {
                    id: r.get(0)?,
                    fields: ReviewFields {
                        kind: MeetingKind::from_code(&kind)
                            .ok_or_else(|| super::read::bad("review.kind", &kind))?,
                        held_on: date_of("review.held_on", r.get(2)?)?,
                        title: r.get(3)?,
                        attendees: r.get(4)?,
                        causes: r.get(5)?,
                        decisions: r.get(6)?,
                    },
                })
            },
        )?,
        variances: collect(
            conn,
            "SELECT id, review_id, node_id, metric, period, plan, actual, note
             FROM review_variances ORDER BY review_id, id",
            |r| {
                let metric: String = r.get(3)?;
                let window: String = r.get(4)?;
                Ok(DiscussedVariance {
                    id: r.get(0)?,
                    review: r.get(1)?,
                    node: r.get::<_, Option<i64>>(2)?.map(NodeId),
                    metric: Metric::from_code(&metric)
                        .ok_or_else(|| super::read::bad("review_variances.metric", &metric))?,
                    window: Window::parse(&window)
                        .ok_or_else(|| super::read::bad("review_variances.period", &window))?,
                    plan: r.get(5)?,
                    actual: r.get(6)?,
                    note: r.get(7)?,
                })
            },
        )?,
        follow_ups: collect(
            conn,
            "SELECT id, review_id, description, owner_id, due_on, status, closed_on
             FROM review_actions ORDER BY review_id, id",
            |r| {
                let status: String = r.get(5)?;
                Ok(FollowUp {
                    id: r.get(0)?,
                    review: r.get(1)?,
                    fields: FollowUpFields {
                        description: r.get(2)?,
                        owner: r.get::<_, Option<i64>>(3)?.map(NodeId),
                        due: r
                            .get::<_, Option<String>>(4)?
                            .map(|d| date_of("review_actions.due_on", d))
                            .transpose()?,
                        status: FollowUpStatus::from_code(&status)
                            .ok_or_else(|| super::read::bad("review_actions.status", &status))?,
                    },
                    closed_on: r
                        .get::<_, Option<String>>(6)?
                        .map(|d| date_of("review_actions.closed_on", d))
                        .transpose()?,
                })
            },
        )?,
        bands,
        at_risk: ratio_setting(conn, SETTING_AT_RISK)?
            .filter(|r| r.is_positive())
            .unwrap_or_else(forecast::default_at_risk),
    })
}
