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
