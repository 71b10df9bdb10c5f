//! The review calendar (domain §8): a monthly review on the last working day of each fiscal
//! month; the one at a quarter's end is the quarterly review.

use crate::domain::period::{FiscalYear, WorkCalendar};
use jiff::civil::Date;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewSlot {
    pub fiscal_month: u8,
    /// The last working day of the month; `None` if the month has none.
    pub date: Option<Date>,
    pub quarterly: bool,
}

/// The last working day between `start` and `end` (inclusive).
pub fn last_working_day(cal: &WorkCalendar, start: Date, end: Date) -> Option<Date> {
    cal.working_dates(start, end).last().copied()
}

pub fn review_schedule(fy: &FiscalYear, cal: &WorkCalendar) -> Vec<ReviewSlot> {
    (1..=12u8)
        .map(|m| {
            let date = match (fy.month_first_day(m), fy.month_last_day(m)) {
                (Ok(a), Ok(b)) => last_working_day(cal, a, b),
                _ => None,
            };
            ReviewSlot {
                fiscal_month: m,
                date,
                // Fiscal quarters end in fiscal months 3, 6, 9 and 12.
                quarterly: m % 3 == 0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviews_fall_on_the_last_working_day() {
        let fy = FiscalYear::new(2026, 1).unwrap();
        let mut cal = WorkCalendar::new();
        // National Day holiday 2026-10-01..07; make-up Saturday 2026-10-10.
        for d in 1..=7 {
            cal.add_holiday(Date::new(2026, 10, d).unwrap()).unwrap();
        }
        let s = review_schedule(&fy, &cal);
        assert_eq!(s.len(), 12);
        // January 2026 ends on a Saturday: the review is Friday the 30th.
        assert_eq!(s[0].date, Some(Date::new(2026, 1, 30).unwrap()));
        assert!(!s[0].quarterly);
        // March 31, 2026 is a Tuesday and a quarter end.
        assert_eq!(s[2].date, Some(Date::new(2026, 3, 31).unwrap()));
        assert!(s[2].quarterly);
        assert_eq!(s.iter().filter(|r| r.quarterly).count(), 4);
    }
}

/// What kind of meeting a review is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    #[default]
    Monthly,
    Quarterly,
    Special,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 3] = [Self::Monthly, Self::Quarterly, Self::Special];

    pub fn code(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::Special => "special",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Monthly => "reviews.monthly",
            Self::Quarterly => "reviews.quarterly",
            Self::Special => "reviews.special",
        }
    }
}

/// What a review meeting records.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReviewFields {
    pub kind: MeetingKind,
    pub held_on: Date,
    pub title: String,
    pub attendees: String,
    /// Why the variances came about.
    pub causes: String,
    pub decisions: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Review {
    pub id: i64,
    pub fields: ReviewFields,
}

/// A variance a review discussed, with the figures as they were at the meeting.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DiscussedVariance {
    pub id: i64,
    pub review: i64,
    /// The unit or person (None: the whole plan).
    pub node: Option<crate::domain::model::NodeId>,
    pub metric: crate::domain::model::Metric,
    pub window: crate::domain::variance::Window,
    pub plan: Option<i64>,
    pub actual: i64,
    pub note: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    #[default]
    Open,
    Done,
    Dropped,
}

impl FollowUpStatus {
    pub const ALL: [FollowUpStatus; 3] = [Self::Open, Self::Done, Self::Dropped];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Dropped => "dropped",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Open => "reviews.status.open",
            Self::Done => "reviews.status.done",
            Self::Dropped => "reviews.status.dropped",
        }
    }
}

/// An action a review decided: what, who, by when, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FollowUpFields {
    pub description: String,
    pub owner: Option<crate::domain::model::NodeId>,
    pub due: Option<Date>,
    pub status: FollowUpStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub review: i64,
    pub fields: FollowUpFields,
    /// When it was done or dropped.
    pub closed_on: Option<Date>,
}

impl FollowUp {
    /// Open and past its due date on `day`.
    pub fn overdue(&self, day: Date) -> bool {
        self.fields.status == FollowUpStatus::Open && self.fields.due.is_some_and(|d| d < day)
    }
}

/// Everything of the reviews in a plan, with the settings the variance analysis uses.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReviewsData {
    /// Newest first.
    pub reviews: Vec<Review>,
    pub variances: Vec<DiscussedVariance>,
    pub follow_ups: Vec<FollowUp>,
    pub bands: crate::domain::variance::Bands,
    /// The at-risk threshold of the re-forecast.
    pub at_risk: crate::domain::ratio::Ratio,
}

impl Default for ReviewsData {
    fn default() -> Self {
        ReviewsData {
            reviews: Vec::new(),
            variances: Vec::new(),
            follow_ups: Vec::new(),
            bands: crate::domain::variance::Bands::default(),
            at_risk: crate::domain::forecast::default_at_risk(),
        }
    }
}

impl ReviewsData {
    /// The open actions across all meetings, by due date (undated last).
    pub fn open_follow_ups(&self) -> Vec<&FollowUp> {
        let mut out: Vec<&FollowUp> = self
            .follow_ups
            .iter()
            .filter(|f| f.fields.status == FollowUpStatus::Open)
            .collect();
        out.sort_by_key(|f| (f.fields.due.is_none(), f.fields.due, f.id));
        out
    }
}
