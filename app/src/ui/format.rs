//! Dates and numbers as Vietnamese readers write them.

use chrono::{DateTime, NaiveDate, Utc};

/// 22/11/2026
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The calendar date of a timestamp in Vietnam (UTC+7), as 22/11/2026.
pub fn day_of(t: DateTime<Utc>) -> String {
    date(vn_date(t))
}

pub use crate::core::clock::vn_date;

/// 1.234.567 (dots between thousands).
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "05/01/2026"
        );
    }

    #[test]
    fn days_are_counted_in_vietnam() {
        let late_utc = DateTime::parse_from_rfc3339("2026-03-01T18:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(day_of(late_utc), "02/03/2026");
    }

    #[test]
    fn thousands_are_dotted() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1.000");
        assert_eq!(int(27_000_000), "27.000.000");
        assert_eq!(int(-1234), "-1.234");
    }
}
