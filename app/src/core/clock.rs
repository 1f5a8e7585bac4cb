//! The app's one clock: the instant now, and today's date in Vietnam.
//!
//! Nothing else reads the wall clock. The server keeps one [`Clock`] in its state and hands
//! it to whatever needs the time; tests and the demo generator pin it to a chosen day, so
//! that nothing depends on the day the code happens to run.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};

/// Vietnam's offset from UTC (Asia/Ho_Chi_Minh: +07:00 all year, no daylight saving).
pub const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// The environment variable that pins the server's clock to a day (`YYYY-MM-DD`).
pub const PIN_ENV: &str = "GANBO_TODAY";

/// The hour of the day, in Vietnam, at which a pinned clock starts: far enough from
/// midnight that a run of any length stays on the pinned day.
const PINNED_HOUR: u32 = 9;

/// Vietnam's time zone.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("a valid offset")
}

/// The calendar date of an instant in Vietnam.
pub fn vn_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&vietnam()).date_naive()
}

/// The instant a day starts in Vietnam.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    at_vn_time(day, NaiveTime::MIN)
}

/// The instant of a time of day on a day in Vietnam.
pub fn at_vn_time(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    day.and_time(time)
        .and_local_timezone(vietnam())
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

/// The clock: the system's, or one shifted to start at a chosen instant and run on from
/// there at the system's pace (so events still follow each other in time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    shift: TimeDelta,
}

impl Clock {
    /// The system's clock.
    pub const fn system() -> Self {
        Self {
            shift: TimeDelta::zero(),
        }
    }

    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            shift: start - Utc::now(),
        }
    }

    /// A clock that reads the morning of `day` in Vietnam now and runs on from there.
    pub fn pinned_to(day: NaiveDate) -> Self {
        Self::starting_at(at_vn_time(
            day,
            NaiveTime::from_hms_opt(PINNED_HOUR, 0, 0).expect("a valid time"),
        ))
    }

    /// The system's clock, or the day named by `GANBO_TODAY` (`YYYY-MM-DD`) when it is set.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(PIN_ENV) {
            Ok(v) if !v.trim().is_empty() => v
                .trim()
                .parse::<NaiveDate>()
                .map(Self::pinned_to)
                .map_err(|_| format!("{PIN_ENV} must be a day as YYYY-MM-DD, not {v:?}")),
            _ => Ok(Self::system()),
        }
    }

    /// The clock of a test run: pinned to the day `GANBO_TODAY` names, or else to today,
    /// so that every test of a run sees one day and none crosses midnight.
    pub fn for_test_run() -> Result<Self, String> {
        Self::from_env().map(|c| Self::pinned_to(c.today()))
    }

    /// Whether the clock has been moved from the system's.
    pub fn is_pinned(&self) -> bool {
        self.shift != TimeDelta::zero()
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }

    /// Today's date in Vietnam.
    pub fn today(&self) -> NaiveDate {
        vn_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_pinned_clock_reads_its_day_and_runs_on() {
        for d in [
            day(2024, 2, 29),
            day(2026, 12, 31),
            day(2027, 2, 5),
            day(2026, 12, 1),
        ] {
            let clock = Clock::pinned_to(d);
            assert_eq!(clock.today(), d);
            assert!(clock.is_pinned());
            let a = clock.now();
            std::thread::sleep(std::time::Duration::from_millis(2));
            assert!(clock.now() > a, "a pinned clock still runs");
            assert_eq!(
                clock
                    .now()
                    .with_timezone(&vietnam())
                    .format("%H")
                    .to_string(),
                "09"
            );
        }
    }

    #[test]
    fn the_system_clock_is_not_shifted() {
        let c = Clock::system();
        assert!(!c.is_pinned());
        assert!((c.now() - Utc::now()).num_seconds().abs() < 2);
    }

    #[test]
    fn days_are_counted_in_vietnam() {
        let late_utc = DateTime::parse_from_rfc3339("2026-03-01T18:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(vn_date(late_utc), day(2026, 3, 2));
        let early_utc = DateTime::parse_from_rfc3339("2026-03-01T16:59:59Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(vn_date(early_utc), day(2026, 3, 1));
        assert_eq!(vn_date(day_start(day(2026, 3, 2))), day(2026, 3, 2));
        assert_eq!(
            day_start(day(2026, 3, 2)).to_rfc3339(),
            "2026-03-01T17:00:00+00:00"
        );
    }
}
