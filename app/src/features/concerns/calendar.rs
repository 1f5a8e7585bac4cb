//! The working-day calendar of a ward: Monday to Friday, less the public holidays (Tết, the
//! Hùng Kings' day and the solar holidays of the Labour Code) and the days off the ward
//! adds, plus the weekend days worked to make up for a bridge. Deadlines count in it.
//!
//! Pure: compiles for the browser too.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::core::code_enum::code_enum;
use serde::{Deserialize, Serialize};

code_enum!(
    /// A calendar entry: a weekday that is a day off, or a weekend day that is worked.
    DayKind { Off = "off", Workday = "workday" }
);

/// The working-day calendar of a ward: Monday to Friday, less the days off, plus the weekend
/// days that are worked to make up for a bridge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    off: BTreeSet<NaiveDate>,
    work: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        let mut cal = WorkCalendar::default();
        for (day, kind) in entries {
            match kind {
                DayKind::Off => {
                    cal.off.insert(day);
                }
                DayKind::Workday => {
                    cal.work.insert(day);
                }
            }
        }
        cal
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.work.contains(&d) {
            return true;
        }
        if self.off.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `start` (the start day itself does not count).
    /// With `n = 0`, the start day.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        // A year of days off in a row cannot happen; the bound keeps bad data from looping.
        let mut guard = 0;
        while left > 0 && guard < 3660 {
            d += Duration::days(1);
            guard += 1;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `today` until `due`: positive while there is time, 0 on the day it
    /// is due, negative (the working days late) once it has passed.
    pub fn working_days_left(&self, today: NaiveDate, due: NaiveDate) -> i64 {
        let (from, to, sign) = if due >= today {
            (today, due, 1)
        } else {
            (due, today, -1)
        };
        let mut n = 0i64;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        // Late by a weekend only is still late.
        if sign < 0 && n == 0 {
            return -1;
        }
        sign * n
    }
}

/// One entry of the standard calendar, before anyone edits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandardDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: &'static str,
}

/// A (month, day) of a solar year.
type MonthDay = (u32, u32);

/// Lunar New Year's Day and the Hùng Kings' day (10th of the 3rd lunar month) by solar year.
/// Further years are entered by hand from the government's announcement.
const LUNAR: &[(i32, MonthDay, MonthDay)] = &[
    (2024, (2, 10), (4, 18)),
    (2025, (1, 29), (4, 7)),
    (2026, (2, 17), (4, 26)),
    (2027, (2, 6), (4, 16)),
    (2028, (1, 26), (4, 4)),
    (2029, (2, 13), (4, 23)),
    (2030, (2, 3), (4, 12)),
];

/// The years for which the lunar holidays are known to the product.
pub fn lunar_years() -> std::ops::RangeInclusive<i32> {
    LUNAR[0].0..=LUNAR[LUNAR.len() - 1].0
}

/// The public holidays of a year under the Labour Code (art. 112): New Year, five days of
/// Tết (New Year's Eve and the first four days), the Hùng Kings' day, 30 April, 1 May,
/// National Day with the day before it; a holiday falling on a weekend gives the next
/// working day off. The government's yearly schedule may differ (bridges, make-up
/// Saturdays): the calendar is edited after this first fill.
pub fn standard_holidays(year: i32) -> Vec<StandardDay> {
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let mut days: Vec<(NaiveDate, &'static str)> = Vec::new();
    if let Some(d) = ymd(1, 1) {
        days.push((d, "Tết Dương lịch"));
    }
    if let Some(&(_, (tm, td), (hm, hd))) = LUNAR.iter().find(|(y, _, _)| *y == year)
        && let (Some(tet), Some(hung)) = (ymd(tm, td), ymd(hm, hd))
    {
        days.push((tet - Duration::days(1), "Tết Nguyên đán (30 Tết)"));
        for i in 0..4 {
            days.push((tet + Duration::days(i), "Tết Nguyên đán"));
        }
        days.push((hung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"));
    }
    for (m, d, name) in [
        (4, 30, "Ngày Giải phóng miền Nam, thống nhất đất nước"),
        (5, 1, "Ngày Quốc tế Lao động"),
        (9, 1, "Quốc khánh (ngày liền kề)"),
        (9, 2, "Quốc khánh"),
    ] {
        if let Some(day) = ymd(m, d) {
            days.push((day, name));
        }
    }
    days.sort_by_key(|(d, _)| *d);
    let taken: BTreeSet<NaiveDate> = days.iter().map(|(d, _)| *d).collect();
    let mut out: Vec<StandardDay> = days
        .iter()
        .map(|(day, name)| StandardDay {
            day: *day,
            kind: DayKind::Off,
            name,
        })
        .collect();
    // Compensatory days: a holiday on a weekend moves to the next day that is neither a
    // weekend nor another holiday nor an earlier compensatory day.
    let mut extra: BTreeSet<NaiveDate> = BTreeSet::new();
    for (day, _) in &days {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let mut d = *day;
            loop {
                d += Duration::days(1);
                let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
                if !weekend && !taken.contains(&d) && !extra.contains(&d) {
                    break;
                }
            }
            extra.insert(d);
        }
    }
    for d in extra {
        out.push(StandardDay {
            day: d,
            kind: DayKind::Off,
            name: "Nghỉ bù",
        });
    }
    out.sort_by_key(|s| s.day);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The standard calendar of these years, as a ward starts with it.
    pub(crate) fn calendar(years: &[i32]) -> WorkCalendar {
        WorkCalendar::new(
            years
                .iter()
                .flat_map(|y| standard_holidays(*y))
                .map(|s| (s.day, s.kind)),
        )
    }

    #[test]
    fn weekends_are_skipped() {
        let cal = WorkCalendar::default();
        // Friday + 1 working day = Monday; + 5 = next Friday.
        assert_eq!(cal.add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));
        assert_eq!(cal.add_working_days(d(2026, 11, 20), 5), d(2026, 11, 27));
        // Raised on a Saturday: the clock starts on Monday.
        assert_eq!(cal.add_working_days(d(2026, 11, 21), 1), d(2026, 11, 23));
        assert_eq!(cal.add_working_days(d(2026, 11, 21), 2), d(2026, 11, 24));
        assert_eq!(cal.add_working_days(d(2026, 11, 21), 0), d(2026, 11, 21));
    }

    #[test]
    fn tet_is_skipped() {
        let cal = calendar(&[2026]);
        // Tết 2026: 16 Feb (eve) to 20 Feb (4th day), Monday to Friday: a whole week off.
        for day in 16..=20 {
            assert!(!cal.is_working_day(d(2026, 2, day)), "{day}/2");
        }
        // Friday 13 Feb + 1 working day = Monday 23 Feb.
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 23));
        // Two weeks of working days from 10 Feb end on 3 March, not 24 Feb.
        assert_eq!(cal.add_working_days(d(2026, 2, 10), 10), d(2026, 3, 3));
        assert_eq!(cal.working_days_left(d(2026, 2, 13), d(2026, 2, 23)), 1);
    }

    #[test]
    fn make_up_saturdays_are_working_days() {
        let mut entries: Vec<(NaiveDate, DayKind)> = standard_holidays(2025)
            .into_iter()
            .map(|s| (s.day, s.kind))
            .collect();
        // 2 May 2025 (Friday) off, made up on Saturday 26 April.
        entries.push((d(2025, 5, 2), DayKind::Off));
        entries.push((d(2025, 4, 26), DayKind::Workday));
        let cal = WorkCalendar::new(entries);
        assert!(cal.is_working_day(d(2025, 4, 26)));
        assert!(!cal.is_working_day(d(2025, 5, 2)));
        // Friday 25 April + 1 = Saturday 26 April (worked); + 2 = Monday 28 April.
        assert_eq!(cal.add_working_days(d(2025, 4, 25), 1), d(2025, 4, 26));
        assert_eq!(cal.add_working_days(d(2025, 4, 25), 2), d(2025, 4, 28));
        // Tuesday 29 April + 1 = Monday 5 May (30/4, 1/5, 2/5 off, then the weekend).
        assert_eq!(cal.add_working_days(d(2025, 4, 29), 1), d(2025, 5, 5));
    }

    #[test]
    fn standard_years_have_the_national_holidays() {
        let y2026 = standard_holidays(2026);
        let days: Vec<NaiveDate> = y2026.iter().map(|s| s.day).collect();
        assert!(days.contains(&d(2026, 1, 1)));
        assert!(days.contains(&d(2026, 4, 30)));
        assert!(days.contains(&d(2026, 9, 2)));
        // Hùng Kings' day 2026 is a Sunday: Monday 27 April is given in compensation.
        assert!(days.contains(&d(2026, 4, 26)));
        assert!(days.contains(&d(2026, 4, 27)));
        // Years without known lunar dates still get the solar holidays.
        let far = standard_holidays(2040);
        assert!(far.iter().any(|s| s.day == d(2040, 9, 2)));
        assert!(!far.iter().any(|s| s.name.starts_with("Tết Nguyên")));
        assert!(lunar_years().contains(&2026));
    }
}
