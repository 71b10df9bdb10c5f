//! Fiscal years, periods, weeks, working days and typed dates (`salesplan::domain::period`).

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use proptest::prelude::*;
use salesplan::domain::period::{
    FiscalYear, MAX_WEEKS, Period, PeriodError, Week, WorkCalendar, parse_date,
    weeks_overlapping_month,
};
use salesplan::i18n::{Lang, Localized, tr};

fn fy(year: i32, start_month: u8) -> FiscalYear {
    FiscalYear::new(year, start_month).unwrap()
}

fn week(index: u16, start: Date, end: Date) -> Week {
    Week { index, start, end }
}

/// China's 2026 New Year and Spring Festival arrangements, as a user would enter them.
fn china_2026_calendar() -> WorkCalendar {
    let mut cal = WorkCalendar::new();
    for day in 1..=3 {
        cal.add_holiday(date(2026, 1, day)).unwrap();
    }
    cal.add_makeup_workday(date(2026, 1, 4)).unwrap();
    for day in 15..=23 {
        cal.add_holiday(date(2026, 2, day)).unwrap();
    }
    cal.add_makeup_workday(date(2026, 2, 14)).unwrap();
    cal.add_makeup_workday(date(2026, 2, 28)).unwrap();
    cal
}

// ---------------------------------------------------------------------------------------------
// Fiscal years
// ---------------------------------------------------------------------------------------------

#[test]
fn april_fiscal_year_maps_fiscal_months_to_calendar_months() {
    let fy = fy(2026, 4);
    assert_eq!(fy.year(), 2026);
    assert_eq!(fy.start_month(), 4);
    assert_eq!(fy.calendar_month(1), Ok((2026, 4)));
    assert_eq!(fy.calendar_month(9), Ok((2026, 12)));
    assert_eq!(fy.calendar_month(10), Ok((2027, 1)));
    assert_eq!(fy.calendar_month(12), Ok((2027, 3)));
    assert_eq!(fy.start_date(), date(2026, 4, 1));
    assert_eq!(fy.end_date(), date(2027, 3, 31));
    assert_eq!(fy.month_first_day(10), Ok(date(2027, 1, 1)));
    assert_eq!(fy.month_last_day(11), Ok(date(2027, 2, 28)));
    assert_eq!(fy.label(), "FY2026 (2026-04–2027-03)");
    assert_eq!(fy.month_label(1), "2026-04");
    assert_eq!(fy.month_label(10), "2027-01");
}

#[test]
fn april_fiscal_year_finds_the_fiscal_month_of_a_date() {
    let fy = fy(2026, 4);
    assert_eq!(fy.fiscal_month_of(date(2027, 2, 15)), Some(11));
    assert_eq!(fy.fiscal_month_of(date(2026, 4, 1)), Some(1));
    assert_eq!(fy.fiscal_month_of(date(2027, 3, 31)), Some(12));
    assert_eq!(fy.fiscal_month_of(date(2026, 3, 31)), None);
    assert_eq!(fy.fiscal_month_of(date(2027, 4, 1)), None);
    assert!(fy.contains(date(2026, 12, 31)));
    assert!(!fy.contains(date(2026, 3, 31)));
}

#[test]
fn calendar_year_plan_is_labelled_with_the_bare_year() {
    let fy = fy(2026, 1);
    assert_eq!(fy.label(), "2026");
    assert_eq!(fy.start_date(), date(2026, 1, 1));
    assert_eq!(fy.end_date(), date(2026, 12, 31));
    assert_eq!(fy.calendar_month(12), Ok((2026, 12)));
}

#[test]
fn fiscal_year_ending_in_february_of_a_leap_year_ends_on_the_29th() {
    let fy = fy(2027, 3);
    assert_eq!(fy.end_date(), date(2028, 2, 29));
    assert_eq!(fy.month_last_day(12), Ok(date(2028, 2, 29)));
}

#[test]
fn last_supported_fiscal_year_with_december_start_ends_in_3000() {
    let fy = fy(2999, 12);
    assert_eq!(fy.start_date(), date(2999, 12, 1));
    assert_eq!(fy.end_date(), date(3000, 11, 30));
    assert_eq!(fy.label(), "FY2999 (2999-12–3000-11)");
}

#[test]
fn fiscal_year_new_accepts_only_supported_years_and_real_months() {
    assert!(FiscalYear::new(1900, 1).is_ok());
    assert!(FiscalYear::new(2999, 12).is_ok());
    assert_eq!(
        FiscalYear::new(1899, 1),
        Err(PeriodError::YearOutOfRange { year: 1899 })
    );
    assert_eq!(
        FiscalYear::new(3000, 1),
        Err(PeriodError::YearOutOfRange { year: 3000 })
    );
    assert_eq!(
        FiscalYear::new(2026, 0),
        Err(PeriodError::StartMonthOutOfRange { month: 0 })
    );
    assert_eq!(
        FiscalYear::new(2026, 13),
        Err(PeriodError::StartMonthOutOfRange { month: 13 })
    );
}

#[test]
fn fiscal_month_outside_1_to_12_is_an_error_or_a_placeholder_label() {
    let fy = fy(2026, 4);
    for month in [0, 13, 255] {
        let err = PeriodError::FiscalMonthOutOfRange { month };
        assert_eq!(fy.calendar_month(month), Err(err.clone()));
        assert_eq!(fy.month_first_day(month), Err(err.clone()));
        assert_eq!(fy.month_last_day(month), Err(err));
        assert_eq!(fy.month_label(month), "?");
    }
}

#[test]
fn previous_and_next_step_one_year_and_stop_at_the_supported_range() {
    let fy = fy(2026, 4);
    assert_eq!(fy.previous(), Ok(self::fy(2025, 4)));
    assert_eq!(fy.next(), Ok(self::fy(2027, 4)));
    assert_eq!(
        self::fy(1900, 4).previous(),
        Err(PeriodError::YearOutOfRange { year: 1899 })
    );
    assert_eq!(
        self::fy(2999, 4).next(),
        Err(PeriodError::YearOutOfRange { year: 3000 })
    );
}

#[test]
fn every_day_of_a_fiscal_year_lies_in_the_month_that_fiscal_month_of_reports() {
    for start_month in 1..=12 {
        let fy = fy(2027, start_month);
        for day in dates(fy.start_date(), fy.end_date()) {
            let month = fy.fiscal_month_of(day).unwrap();
            assert!(fy.month_first_day(month).unwrap() <= day);
            assert!(day <= fy.month_last_day(month).unwrap());
        }
    }
}

#[test]
fn days_outside_the_fiscal_year_have_no_fiscal_month() {
    for start_month in 1..=12 {
        let fy = fy(2027, start_month);
        for day in dates(date(2026, 1, 1), date(2029, 12, 31)) {
            assert_eq!(fy.fiscal_month_of(day).is_some(), fy.contains(day), "{day}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Weeks
// ---------------------------------------------------------------------------------------------

#[test]
fn calendar_2026_has_53_weeks_starting_with_a_four_day_week() {
    // 2026-01-01 is a Thursday: week 1 is Thu–Sun, weeks 2..=52 are whole, and week 53 is
    // Mon 2026-12-28 to Thu 2026-12-31 (4 + 51 × 7 + 4 = 365 days).
    let weeks = fy(2026, 1).weeks();
    assert_eq!(weeks.len(), 53);
    assert_eq!(weeks[0], week(1, date(2026, 1, 1), date(2026, 1, 4)));
    assert_eq!(weeks[1], week(2, date(2026, 1, 5), date(2026, 1, 11)));
    assert_eq!(weeks[52], week(53, date(2026, 12, 28), date(2026, 12, 31)));
    assert_eq!(weeks[0].len_days(), 4);
    assert_eq!(fy(2026, 1).week_count(), 53);
}

#[test]
fn april_2026_fiscal_year_weeks_are_clipped_to_april_1_and_march_31() {
    // 2026-04-01 is a Wednesday and 2027-03-31 a Wednesday: 5 + 51 × 7 + 3 = 365 days.
    let fy = fy(2026, 4);
    let weeks = fy.weeks();
    assert_eq!(weeks.len(), 53);
    assert_eq!(weeks[0], week(1, date(2026, 4, 1), date(2026, 4, 5)));
    assert_eq!(weeks[52], week(53, date(2027, 3, 29), date(2027, 3, 31)));
}

#[test]
fn leap_year_starting_on_a_sunday_has_54_weeks() {
    // 2012-01-01 is a Sunday and 2012 has 366 days: 1 + 52 × 7 + 1.
    let weeks = fy(2012, 1).weeks();
    assert_eq!(weeks.len(), usize::from(MAX_WEEKS));
    assert_eq!(weeks[0], week(1, date(2012, 1, 1), date(2012, 1, 1)));
    assert_eq!(weeks[1], week(2, date(2012, 1, 2), date(2012, 1, 8)));
    assert_eq!(weeks[53], week(54, date(2012, 12, 31), date(2012, 12, 31)));
}

#[test]
fn week_lookup_by_index_and_by_date() {
    let fy = fy(2026, 1);
    assert_eq!(fy.week(2), Ok(week(2, date(2026, 1, 5), date(2026, 1, 11))));
    assert_eq!(
        fy.week_of(date(2026, 1, 11)),
        Some(week(2, date(2026, 1, 5), date(2026, 1, 11)))
    );
    assert_eq!(fy.week_of(date(2026, 12, 31)).map(|w| w.index), Some(53));
    assert_eq!(fy.week_of(date(2027, 1, 1)), None);
    for index in [0, 54] {
        assert_eq!(
            fy.week(index),
            Err(PeriodError::WeekOutOfRange {
                week: index,
                count: 53,
                fiscal_year: "2026".into()
            })
        );
    }
}

#[test]
fn weeks_overlapping_january_2026_split_the_month_at_mondays() {
    let fy = fy(2026, 1);
    let parts: Vec<(u16, Date, Date)> = weeks_overlapping_month(&fy, 1)
        .into_iter()
        .map(|(w, s, e)| (w.index, s, e))
        .collect();
    assert_eq!(
        parts,
        vec![
            (1, date(2026, 1, 1), date(2026, 1, 4)),
            (2, date(2026, 1, 5), date(2026, 1, 11)),
            (3, date(2026, 1, 12), date(2026, 1, 18)),
            (4, date(2026, 1, 19), date(2026, 1, 25)),
            // Week 5 runs to Sunday 2026-02-01; only its January part is returned.
            (5, date(2026, 1, 26), date(2026, 1, 31)),
        ]
    );
}

#[test]
fn weeks_overlapping_february_2026_start_with_the_sunday_of_week_5() {
    let fy = fy(2026, 1);
    let parts = weeks_overlapping_month(&fy, 2);
    assert_eq!(parts.len(), 5);
    assert_eq!(
        parts[0],
        (
            week(5, date(2026, 1, 26), date(2026, 2, 1)),
            date(2026, 2, 1),
            date(2026, 2, 1)
        )
    );
    assert_eq!(parts[4].0.index, 9);
    assert_eq!(
        (parts[4].1, parts[4].2),
        (date(2026, 2, 23), date(2026, 2, 28))
    );
}

#[test]
fn weeks_overlapping_a_month_outside_1_to_12_is_empty() {
    assert!(weeks_overlapping_month(&fy(2026, 1), 0).is_empty());
    assert!(weeks_overlapping_month(&fy(2026, 1), 13).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Periods
// ---------------------------------------------------------------------------------------------

#[test]
fn quarter_and_half_of_each_fiscal_month() {
    let quarters: Vec<u8> = (1..=12).map(Period::quarter_of_month).collect();
    assert_eq!(quarters, [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    let halves: Vec<u8> = (1..=12).map(Period::half_of_month).collect();
    assert_eq!(halves, [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    // Months that do not exist belong to no quarter or half.
    assert_eq!(Period::quarter_of_month(0), 0);
    assert_eq!(Period::quarter_of_month(13), 0);
    assert_eq!(Period::half_of_month(0), 0);
}

#[test]
fn fiscal_months_of_each_period_kind() {
    assert_eq!(Period::Year.fiscal_months(), Some(1..=12));
    assert_eq!(Period::Half(1).fiscal_months(), Some(1..=6));
    assert_eq!(Period::Half(2).fiscal_months(), Some(7..=12));
    assert_eq!(Period::Quarter(2).fiscal_months(), Some(4..=6));
    assert_eq!(Period::Quarter(4).fiscal_months(), Some(10..=12));
    assert_eq!(Period::Month(5).fiscal_months(), Some(5..=5));
    assert_eq!(Period::Week(5).fiscal_months(), None);
    assert_eq!(Period::Day(date(2026, 3, 4)).fiscal_months(), None);
    assert_eq!(Period::Half(3).fiscal_months(), None);
    assert_eq!(Period::Quarter(0).fiscal_months(), None);
    assert_eq!(Period::Month(13).fiscal_months(), None);
}

#[test]
fn year_contains_half_contains_quarter_contains_month() {
    use Period::*;
    let day = Day(date(2026, 3, 4));
    for p in [Half(2), Quarter(3), Month(7), Week(5), Week(54), day] {
        assert!(Year.contains(&p), "{p}");
    }
    assert!(Half(2).contains(&Quarter(3)));
    assert!(Half(2).contains(&Quarter(4)));
    assert!(!Half(2).contains(&Quarter(2)));
    assert!(Half(2).contains(&Month(7)));
    assert!(!Half(2).contains(&Month(6)));
    assert!(Quarter(2).contains(&Month(4)));
    assert!(Quarter(2).contains(&Month(6)));
    assert!(!Quarter(2).contains(&Month(7)));
    assert!(!Quarter(2).contains(&Half(1)));
    assert!(!Month(4).contains(&Quarter(2)));
    assert!(!Half(1).contains(&Year));
    // Weeks and days lie in a fiscal month only relative to a fiscal year.
    assert!(!Month(1).contains(&Week(1)));
    assert!(!Quarter(1).contains(&day));
}

#[test]
fn a_period_contains_itself_but_invalid_periods_contain_nothing() {
    use Period::*;
    for p in [
        Year,
        Half(1),
        Quarter(3),
        Month(12),
        Week(53),
        Day(date(2026, 3, 4)),
    ] {
        assert!(p.contains(&p), "{p}");
    }
    assert!(!Year.contains(&Month(13)));
    assert!(!Year.contains(&Week(55)));
    assert!(!Month(13).contains(&Month(13)));
    assert!(!Half(3).contains(&Month(7)));
}

#[test]
fn period_lists_are_in_fiscal_order() {
    let months = Period::all_months();
    assert_eq!(months[0], Period::Month(1));
    assert_eq!(months[11], Period::Month(12));
    assert_eq!(Period::all_quarters(), [1, 2, 3, 4].map(Period::Quarter));
    assert_eq!(Period::all_halves(), [Period::Half(1), Period::Half(2)]);
}

#[test]
fn period_codes_have_fixed_digit_counts() {
    assert_eq!(Period::Year.code(), "Y");
    assert_eq!(Period::Half(1).code(), "H1");
    assert_eq!(Period::Quarter(3).code(), "Q3");
    assert_eq!(Period::Month(7).code(), "M07");
    assert_eq!(Period::Month(12).code(), "M12");
    assert_eq!(Period::Week(5).code(), "W05");
    assert_eq!(Period::Week(54).code(), "W54");
    assert_eq!(Period::Day(date(2026, 3, 4)).code(), "D2026-03-04");
    assert_eq!(Period::Month(7).to_string(), "M07");
    assert_eq!("Q3".parse::<Period>(), Ok(Period::Quarter(3)));
}

#[test]
fn parse_code_rejects_anything_that_is_not_exactly_a_code() {
    let bad = [
        "",
        "X",
        "y",
        "Y1",
        "YY",
        "H0",
        "H3",
        "H01",
        "Q0",
        "Q5",
        "Q01",
        "M0",
        "M1",
        "M00",
        "M13",
        "M007",
        "M+1",
        "Q+1",
        "W00",
        "W5",
        "W55",
        "W100",
        " Q1",
        "Q1 ",
        "q1",
        "m07",
        "Ｍ07",
        "H１",
        "D",
        "D2026-3-4",
        "D2026-02-30",
        "D2026-13-01",
        "D26-03-04",
        "D2026-03-04-01",
        "D+2026-03-04",
        "D2026/03/04",
        "Day",
    ];
    for code in bad {
        assert_eq!(
            Period::parse_code(code),
            Err(PeriodError::InvalidCode {
                code: code.to_owned()
            }),
            "{code:?}"
        );
    }
}

#[test]
fn period_range_gives_the_dates_of_each_period_in_a_fiscal_year() {
    let fy = fy(2026, 4);
    assert_eq!(
        fy.period_range(&Period::Year),
        Ok((date(2026, 4, 1), date(2027, 3, 31)))
    );
    assert_eq!(
        fy.period_range(&Period::Half(1)),
        Ok((date(2026, 4, 1), date(2026, 9, 30)))
    );
    assert_eq!(
        fy.period_range(&Period::Quarter(4)),
        Ok((date(2027, 1, 1), date(2027, 3, 31)))
    );
    assert_eq!(
        fy.period_range(&Period::Month(11)),
        Ok((date(2027, 2, 1), date(2027, 2, 28)))
    );
    assert_eq!(
        fy.period_range(&Period::Week(1)),
        Ok((date(2026, 4, 1), date(2026, 4, 5)))
    );
    let day = date(2026, 5, 1);
    assert_eq!(fy.period_range(&Period::Day(day)), Ok((day, day)));
    assert_eq!(
        fy.period_range(&Period::Day(date(2026, 3, 31))),
        Err(PeriodError::DateOutsideFiscalYear {
            date: date(2026, 3, 31),
            fiscal_year: "FY2026 (2026-04–2027-03)".into(),
            start: date(2026, 4, 1),
            end: date(2027, 3, 31),
        })
    );
    assert_eq!(
        fy.period_range(&Period::Month(13)),
        Err(PeriodError::InvalidPeriod {
            period: "M13".into()
        })
    );
    assert!(matches!(
        fy.period_range(&Period::Week(54)),
        Err(PeriodError::WeekOutOfRange { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Working days
// ---------------------------------------------------------------------------------------------

#[test]
fn january_2026_without_holidays_has_22_working_days() {
    // Thu 1, Fri 2, then four whole Mon–Fri weeks (5–30); the 31st is a Saturday.
    let cal = WorkCalendar::new();
    assert_eq!(cal.working_days_in_month(&fy(2026, 1), 1), 22);
}

#[test]
fn january_2026_with_the_new_year_holiday_has_21_working_days() {
    // 22 − Thu 1 and Fri 2 (holidays; Sat 3 was not a working day) + Sun 4 (make-up day) = 21.
    let cal = china_2026_calendar();
    assert_eq!(cal.working_days_in_month(&fy(2026, 1), 1), 21);
    assert!(!cal.is_working_day(date(2026, 1, 1)));
    assert!(!cal.is_working_day(date(2026, 1, 3)));
    assert!(cal.is_working_day(date(2026, 1, 4)));
    assert!(cal.is_working_day(date(2026, 1, 5)));
}

#[test]
fn february_2026_with_the_spring_festival_has_16_working_days() {
    // February 2026 starts on a Sunday and has 28 days: 20 weekdays (2–6, 9–13, 16–20, 23–27).
    // The holiday Sun 15 … Mon 23 removes the weekdays 16, 17, 18, 19, 20 and 23 (6 days; 15,
    // 21 and 22 are weekend days anyway). The make-up Saturdays 14 and 28 add 2.
    // 20 − 6 + 2 = 16.
    let cal = china_2026_calendar();
    let fy = fy(2026, 1);
    assert_eq!(WorkCalendar::new().working_days_in_month(&fy, 2), 20);
    assert_eq!(cal.working_days_in_month(&fy, 2), 16);
    assert_eq!(
        cal.working_dates(date(2026, 2, 12), date(2026, 2, 24)),
        [
            date(2026, 2, 12),
            date(2026, 2, 13),
            date(2026, 2, 14),
            date(2026, 2, 24),
        ]
    );
}

#[test]
fn year_2026_has_261_weekdays_and_256_working_days_after_the_two_festivals() {
    // 365 days from a Thursday: 52 whole weeks (260) + Thursday 12-31 = 261.
    // China calendar: 261 − 2 + 1 (January) − 6 + 2 (February) = 256.
    let fy = fy(2026, 1);
    assert_eq!(
        WorkCalendar::new().working_days(fy.start_date(), fy.end_date()),
        261
    );
    assert_eq!(
        china_2026_calendar().working_days(fy.start_date(), fy.end_date()),
        256
    );
    assert_eq!(
        china_2026_calendar().working_days_in_period(&fy, &Period::Quarter(1)),
        Ok(21 + 16 + 22)
    );
}

#[test]
fn working_days_over_an_empty_or_reversed_range_is_zero() {
    let cal = china_2026_calendar();
    assert_eq!(cal.working_days(date(2026, 3, 5), date(2026, 3, 4)), 0);
    assert!(
        cal.working_dates(date(2026, 3, 5), date(2026, 3, 4))
            .is_empty()
    );
    assert_eq!(cal.working_days(date(2026, 3, 4), date(2026, 3, 4)), 1);
    assert_eq!(cal.working_days(date(2026, 3, 7), date(2026, 3, 8)), 0);
    assert_eq!(cal.working_days_in_month(&fy(2026, 1), 13), 0);
}

#[test]
fn working_days_over_all_representable_dates_does_not_overflow() {
    let cal = china_2026_calendar();
    let all = cal.working_days(Date::MIN, Date::MAX);
    let plain = WorkCalendar::new().working_days(Date::MIN, Date::MAX);
    assert_eq!(all + 5, plain);
    assert!(plain > 5_000_000);
}

#[test]
fn working_days_in_a_week_counts_only_its_own_days() {
    let cal = china_2026_calendar();
    let fy = fy(2026, 1);
    // Week 1 = Thu 1 … Sun 4: only the make-up Sunday works.
    assert_eq!(cal.working_days_in_week(&fy.week(1).unwrap()), 1);
    // Week 8 = Mon 16 … Sun 22 February: all holiday.
    assert_eq!(cal.working_days_in_week(&fy.week(8).unwrap()), 0);
    assert_eq!(cal.working_days_in_week(&fy.week(10).unwrap()), 5);
}

#[test]
fn make_up_day_must_be_a_weekend_day_that_is_not_a_holiday() {
    let mut cal = china_2026_calendar();
    let wednesday = date(2026, 3, 4);
    assert_eq!(
        cal.add_makeup_workday(wednesday),
        Err(PeriodError::MakeupDayIsWeekday { date: wednesday })
    );
    let holiday_sunday = date(2026, 2, 15);
    assert_eq!(
        cal.add_makeup_workday(holiday_sunday),
        Err(PeriodError::MakeupDayIsHoliday {
            date: holiday_sunday
        })
    );
    assert_eq!(cal.add_makeup_workday(date(2026, 9, 20)), Ok(()));
    assert!(cal.is_working_day(date(2026, 9, 20)));
    // Adding twice is harmless.
    assert_eq!(cal.add_makeup_workday(date(2026, 9, 20)), Ok(()));
    assert_eq!(cal.makeup_workdays().count(), 4);
}

#[test]
fn holiday_cannot_be_a_make_up_day_until_the_make_up_day_is_removed() {
    let mut cal = china_2026_calendar();
    let saturday = date(2026, 2, 14);
    assert_eq!(
        cal.add_holiday(saturday),
        Err(PeriodError::HolidayIsMakeupDay { date: saturday })
    );
    assert!(cal.is_makeup_workday(saturday));
    assert!(cal.remove(saturday));
    assert!(!cal.remove(saturday));
    assert_eq!(cal.add_holiday(saturday), Ok(()));
    assert!(cal.is_holiday(saturday));
    assert!(!cal.is_working_day(saturday));
}

#[test]
fn holidays_and_make_up_days_are_listed_in_date_order() {
    let cal = china_2026_calendar();
    let holidays: Vec<Date> = cal.holidays().collect();
    assert_eq!(holidays.len(), 12);
    assert_eq!(holidays.first(), Some(&date(2026, 1, 1)));
    assert_eq!(holidays.last(), Some(&date(2026, 2, 23)));
    let makeups: Vec<Date> = cal.makeup_workdays().collect();
    assert_eq!(
        makeups,
        [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28)]
    );
}

#[test]
fn holiday_range_is_added_all_or_nothing() {
    let mut cal = WorkCalendar::new();
    cal.add_makeup_workday(date(2026, 10, 10)).unwrap();
    // National Day week that would swallow the make-up Saturday: refused, nothing added.
    assert_eq!(
        cal.add_holiday_range(date(2026, 10, 1), date(2026, 10, 10)),
        Err(PeriodError::HolidayIsMakeupDay {
            date: date(2026, 10, 10)
        })
    );
    assert_eq!(cal.holidays().count(), 0);
    assert_eq!(
        cal.add_holiday_range(date(2026, 10, 1), date(2026, 10, 8)),
        Ok(8)
    );
    assert_eq!(
        cal.add_holiday_range(date(2026, 10, 7), date(2026, 10, 9)),
        Ok(1)
    );
    assert_eq!(
        cal.add_holiday_range(date(2026, 10, 9), date(2026, 10, 1)),
        Err(PeriodError::RangeReversed {
            start: date(2026, 10, 9),
            end: date(2026, 10, 1)
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Serialization
// ---------------------------------------------------------------------------------------------

#[test]
fn periods_serialize_as_their_codes_and_can_key_a_json_map() {
    let mut targets = BTreeMap::new();
    targets.insert(Period::Month(7), 100);
    targets.insert(Period::Day(date(2026, 3, 4)), 5);
    let json = serde_json::to_string(&targets).unwrap();
    assert_eq!(json, r#"{"M07":100,"D2026-03-04":5}"#);
    let back: BTreeMap<Period, i32> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, targets);
    assert!(serde_json::from_str::<Period>(r#""M13""#).is_err());
}

#[test]
fn fiscal_year_deserialization_checks_its_fields() {
    let json = serde_json::to_string(&fy(2026, 4)).unwrap();
    assert_eq!(json, r#"{"year":2026,"start_month":4}"#);
    assert_eq!(
        serde_json::from_str::<FiscalYear>(&json).unwrap(),
        fy(2026, 4)
    );
    assert!(serde_json::from_str::<FiscalYear>(r#"{"year":2026,"start_month":13}"#).is_err());
    assert!(serde_json::from_str::<FiscalYear>(r#"{"year":1066,"start_month":1}"#).is_err());
}

#[test]
fn work_calendar_and_weeks_round_trip_through_json_with_iso_dates() {
    let cal = china_2026_calendar();
    let json = serde_json::to_string(&cal).unwrap();
    assert!(json.contains(r#""makeup_workdays":["2026-01-04","2026-02-14","2026-02-28"]"#));
    assert_eq!(serde_json::from_str::<WorkCalendar>(&json).unwrap(), cal);

    let w = fy(2026, 1).week(2).unwrap();
    let json = serde_json::to_string(&w).unwrap();
    assert_eq!(
        json,
        r#"{"index":2,"start":"2026-01-05","end":"2026-01-11"}"#
    );
    assert_eq!(serde_json::from_str::<Week>(&json).unwrap(), w);
}

#[test]
fn work_calendar_deserialization_refuses_a_weekday_make_up_day_or_a_double_entry() {
    let weekday = r#"{"holidays":[],"makeup_workdays":["2026-03-04"]}"#;
    assert!(serde_json::from_str::<WorkCalendar>(weekday).is_err());
    let both = r#"{"holidays":["2026-02-14"],"makeup_workdays":["2026-02-14"]}"#;
    assert!(serde_json::from_str::<WorkCalendar>(both).is_err());
}

// ---------------------------------------------------------------------------------------------
// Typed dates
// ---------------------------------------------------------------------------------------------

#[test]
fn parse_date_accepts_year_first_forms_with_ascii_or_full_width_characters() {
    let expected = date(2026, 3, 4);
    for text in [
        "2026-03-04",
        "2026-3-4",
        "2026/3/4",
        "2026/03/04",
        "2026.3.4",
        "2026年3月4日",
        "2026年03月04日",
        "2026年3月4号",
        "2026年3月4",
        "２０２６年３月４日",
        "２０２６－０３－０４",
        "２０２６／３／４",
        "  2026-03-04\t",
        "\u{3000}2026年3月4日\u{3000}",
    ] {
        assert_eq!(parse_date(text), Ok(expected), "{text:?}");
    }
    assert_eq!(parse_date("2028-02-29"), Ok(date(2028, 2, 29)));
    assert_eq!(parse_date("1900-01-01"), Ok(date(1900, 1, 1)));
    assert_eq!(parse_date("3000-12-31"), Ok(date(3000, 12, 31)));
}

#[test]
fn parse_date_rejects_february_30_and_says_how_many_days_february_has() {
    let err = parse_date("2026-02-30").unwrap_err();
    assert_eq!(
        err,
        PeriodError::DateDayOutOfRange {
            input: "2026-02-30".into(),
            year: 2026,
            month: 2,
            day: 30,
            days: 28
        }
    );
    assert_eq!(
        err.to_string(),
        "\"2026-02-30\" does not exist: month 2 of 2026 has only 28 days. Check the day."
    );
    assert_eq!(
        err.localize(Lang::Zh),
        "“2026-02-30”不存在：2026 年 2 月只有 28 天。请检查日期。"
    );
    assert!(matches!(
        parse_date("2027-02-29"),
        Err(PeriodError::DateDayOutOfRange { days: 28, .. })
    ));
    assert!(matches!(
        parse_date("2026-04-31"),
        Err(PeriodError::DateDayOutOfRange { days: 30, .. })
    ));
    assert!(matches!(
        parse_date("2026-04-00"),
        Err(PeriodError::DateDayOutOfRange { day: 0, .. })
    ));
}

#[test]
fn parse_date_rejects_bad_months_and_unsupported_years() {
    assert_eq!(
        parse_date("2026-13-01"),
        Err(PeriodError::DateMonthOutOfRange {
            input: "2026-13-01".into(),
            month: 13
        })
    );
    assert!(matches!(
        parse_date("2026年0月1日"),
        Err(PeriodError::DateMonthOutOfRange { month: 0, .. })
    ));
    assert_eq!(
        parse_date("1899-12-31"),
        Err(PeriodError::DateYearOutOfRange {
            input: "1899-12-31".into(),
            year: 1899
        })
    );
    assert!(matches!(
        parse_date("3001-01-01"),
        Err(PeriodError::DateYearOutOfRange { year: 3001, .. })
    ));
}

#[test]
fn parse_date_rejects_ambiguous_and_malformed_text() {
    for text in [
        "",
        "   ",
        "abc",
        "3/4/2026",
        "04.03.2026",
        "26-03-04",
        "20260304",
        "2026-3/4",
        "2026/3-4",
        "2026--03-04",
        "2026-003-04",
        "2026-03-004",
        "2026-03-04-",
        "2026-03-04T09:00",
        "2026 03 04",
        "2026-+3-04",
        "2026年3月",
        "2026年3月4日号",
        "2026年3-4",
        "-2026-03-04",
    ] {
        assert_eq!(
            parse_date(text),
            Err(PeriodError::InvalidDate {
                input: text.trim().to_owned()
            }),
            "{text:?}"
        );
    }
}

#[test]
fn a_pasted_paragraph_is_shortened_in_the_error_message() {
    let long = "x".repeat(500);
    let Err(PeriodError::InvalidDate { input }) = parse_date(&long) else {
        panic!()
    };
    assert_eq!(input.chars().count(), 41);
    assert!(input.ends_with('…'));
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

fn one_error_of_each_kind() -> Vec<PeriodError> {
    let d = date(2026, 3, 4);
    vec![
        PeriodError::YearOutOfRange { year: 1899 },
        PeriodError::StartMonthOutOfRange { month: 13 },
        PeriodError::FiscalMonthOutOfRange { month: 0 },
        PeriodError::WeekOutOfRange {
            week: 54,
            count: 53,
            fiscal_year: "2026".into(),
        },
        PeriodError::DateOutsideFiscalYear {
            date: d,
            fiscal_year: "FY2026 (2026-04–2027-03)".into(),
            start: date(2026, 4, 1),
            end: date(2027, 3, 31),
        },
        PeriodError::InvalidPeriod {
            period: "M13".into(),
        },
        PeriodError::InvalidCode { code: "M1".into() },
        PeriodError::HolidayIsMakeupDay { date: d },
        PeriodError::MakeupDayIsWeekday { date: d },
        PeriodError::MakeupDayIsHoliday { date: d },
        PeriodError::RangeReversed {
            start: d,
            end: date(2026, 3, 1),
        },
        PeriodError::InvalidDate {
            input: "3/4/2026".into(),
        },
        PeriodError::DateYearOutOfRange {
            input: "1899-1-1".into(),
            year: 1899,
        },
        PeriodError::DateMonthOutOfRange {
            input: "2026-13-1".into(),
            month: 13,
        },
        PeriodError::DateDayOutOfRange {
            input: "2026-02-30".into(),
            year: 2026,
            month: 2,
            day: 30,
            days: 28,
        },
    ]
}

#[test]
fn every_error_has_a_translation_in_both_languages_with_all_placeholders_filled() {
    for err in one_error_of_each_kind() {
        let key = err.message_key();
        assert!(key.starts_with("err.period."), "{key}");
        for lang in Lang::ALL {
            assert_ne!(tr(lang, key), key, "{key} missing in {}", lang.code());
            let text = err.localize(lang);
            assert!(
                !text.contains('{') && !text.contains('}'),
                "{key} in {}: {text}",
                lang.code()
            );
        }
        assert_eq!(err.to_string(), err.localize(Lang::En));
    }
}

#[test]
fn make_up_weekday_message_says_what_is_wrong_and_what_to_do() {
    let err = PeriodError::MakeupDayIsWeekday {
        date: date(2026, 3, 4),
    };
    assert_eq!(
        err.to_string(),
        "2026-03-04 falls on a weekday (Monday to Friday), which is a working day anyway. \
         Only a Saturday or Sunday can be a make-up working day."
    );
    assert_eq!(
        err.localize(Lang::Zh),
        "2026-03-04 是周一至周五，本来就是工作日。只有周六或周日才能设为调休上班日。"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/// Every date in `start..=end`.
fn dates(start: Date, end: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(start), move |d| {
        Some(d.tomorrow().unwrap()).filter(|n| *n <= end)
    })
}

fn any_fiscal_year() -> impl Strategy<Value = FiscalYear> {
    (1900..=2999i32, 1..=12u8).prop_map(|(y, m)| fy(y, m))
}

/// A date in 1900..=3000 (every day of every supported fiscal year).
fn any_date() -> impl Strategy<Value = Date> {
    (0..401_767i64).prop_map(|offset| {
        date(1900, 1, 1)
            .checked_add(jiff::Span::new().days(offset))
            .unwrap()
    })
}

fn any_valid_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        Just(Period::Year),
        (1..=2u8).prop_map(Period::Half),
        (1..=4u8).prop_map(Period::Quarter),
        (1..=12u8).prop_map(Period::Month),
        (1..=MAX_WEEKS).prop_map(Period::Week),
        any_date().prop_map(Period::Day),
    ]
}

/// A fiscal year with holidays and make-up days scattered through it (and a little beyond).
fn fiscal_year_with_calendar() -> impl Strategy<Value = (FiscalYear, WorkCalendar)> {
    (
        any_fiscal_year(),
        prop::collection::vec((-10..380i64, any::<bool>()), 0..60),
    )
        .prop_map(|(fy, entries)| {
            let mut cal = WorkCalendar::new();
            for (offset, makeup) in entries {
                let d = fy
                    .start_date()
                    .checked_add(jiff::Span::new().days(offset))
                    .unwrap();
                // Refusals (weekday make-up days, clashes) are fine: they leave cal unchanged.
                let _ = if makeup {
                    cal.add_makeup_workday(d)
                } else {
                    cal.add_holiday(d)
                };
            }
            (fy, cal)
        })
}

proptest! {
    #[test]
    fn every_valid_period_code_parses_back_to_the_same_period(p in any_valid_period()) {
        let code = p.code();
        prop_assert_eq!(Period::parse_code(&code), Ok(p));
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), p);
    }

    #[test]
    fn any_text_that_parses_as_a_code_is_exactly_that_period_code(s in "\\PC{0,14}|[YHQMWD][0-9+-]{0,11}") {
        if let Ok(p) = Period::parse_code(&s) {
            prop_assert_eq!(p.code(), s);
        }
    }

    #[test]
    fn parse_date_never_panics_and_reads_back_every_iso_date(s in "\\PC{0,20}", d in any_date()) {
        let _ = parse_date(&s);
        prop_assert_eq!(parse_date(&d.to_string()), Ok(d));
        let chinese = format!("{}年{}月{}日", d.year(), d.month(), d.day());
        prop_assert_eq!(parse_date(&chinese), Ok(d));
    }

    #[test]
    fn months_and_weeks_each_add_up_to_the_whole_year((fy, cal) in fiscal_year_with_calendar()) {
        let year = cal.working_days(fy.start_date(), fy.end_date());
        let months: u32 = (1..=12).map(|m| cal.working_days_in_month(&fy, m)).sum();
        let weeks: u32 = fy.weeks().iter().map(|w| cal.working_days_in_week(w)).sum();
        prop_assert_eq!(months, year);
        prop_assert_eq!(weeks, year);
        let quarters: u32 = Period::all_quarters()
            .iter()
            .map(|q| cal.working_days_in_period(&fy, q).unwrap())
            .sum();
        prop_assert_eq!(quarters, year);
    }

    #[test]
    fn weeks_tile_the_fiscal_year_monday_to_sunday(fy in any_fiscal_year()) {
        let weeks = fy.weeks();
        prop_assert!(weeks.len() == 53 || weeks.len() == 54);
        prop_assert_eq!(usize::from(fy.week_count()), weeks.len());
        prop_assert_eq!(weeks[0].start, fy.start_date());
        prop_assert_eq!(weeks[weeks.len() - 1].end, fy.end_date());
        for (i, w) in weeks.iter().enumerate() {
            prop_assert_eq!(usize::from(w.index), i + 1);
            prop_assert!(w.start <= w.end);
            if i > 0 {
                prop_assert_eq!(w.start, weeks[i - 1].end.tomorrow().unwrap());
                prop_assert_eq!(w.start.weekday(), jiff::civil::Weekday::Monday);
            }
            if i + 1 < weeks.len() {
                prop_assert_eq!(w.end.weekday(), jiff::civil::Weekday::Sunday);
            }
            prop_assert_eq!(fy.week_of(w.start), Some(*w));
            prop_assert_eq!(fy.week_of(w.end), Some(*w));
        }
    }

    #[test]
    fn week_parts_of_a_month_tile_the_month((fy, cal) in fiscal_year_with_calendar(), m in 1..=12u8) {
        let parts = weeks_overlapping_month(&fy, m);
        prop_assert!((4..=6).contains(&parts.len()));
        prop_assert_eq!(parts[0].1, fy.month_first_day(m).unwrap());
        prop_assert_eq!(parts[parts.len() - 1].2, fy.month_last_day(m).unwrap());
        for (i, (w, start, end)) in parts.iter().enumerate() {
            prop_assert!(w.start <= *start && start <= end && *end <= w.end);
            if i > 0 {
                prop_assert_eq!(*start, parts[i - 1].2.tomorrow().unwrap());
            }
        }
        let split: u32 = parts.iter().map(|(_, s, e)| cal.working_days(*s, *e)).sum();
        prop_assert_eq!(split, cal.working_days_in_month(&fy, m));
    }

    #[test]
    fn working_day_count_agrees_with_checking_each_day(
        (fy, cal) in fiscal_year_with_calendar(),
        from in 0..400i64,
        len in -3..120i64,
    ) {
        let start = fy.start_date().checked_add(jiff::Span::new().days(from)).unwrap();
        let end = start.checked_add(jiff::Span::new().days(len)).unwrap();
        let by_day = if end < start { 0 } else { dates(start, end).filter(|d| cal.is_working_day(*d)).count() };
        prop_assert_eq!(cal.working_days(start, end) as usize, by_day);
        prop_assert_eq!(cal.working_dates(start, end).len(), by_day);
    }

    #[test]
    fn fiscal_month_of_inverts_calendar_month(fy in any_fiscal_year(), m in 1..=12u8) {
        let (year, month) = fy.calendar_month(m).unwrap();
        let first = fy.month_first_day(m).unwrap();
        prop_assert_eq!((i32::from(first.year()), first.month() as u8), (year, month));
        prop_assert_eq!(fy.fiscal_month_of(first), Some(m));
        prop_assert_eq!(fy.fiscal_month_of(fy.month_last_day(m).unwrap()), Some(m));
        prop_assert_eq!(Period::Month(m).contains(&Period::Month(m)), true);
        prop_assert!(Period::Quarter(Period::quarter_of_month(m)).contains(&Period::Month(m)));
        prop_assert!(Period::Half(Period::half_of_month(m)).contains(&Period::Month(m)));
    }
}
