//! The reviews (rule R8, R14): the 6-month and year-end reports of a cell and of the
//! ward, each member's year-end evidence, and the ĐV213 roster with its comment sheet.
//!
//! Everything here is pure and compiles for the browser too: the periods, the report
//! shapes and the arithmetic that turns assignments and visits into figures.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::core::code_enum::code_enum;
use crate::error::{AppError, Problem};
use crate::features::concerns::model::{AgeBucket, OnTime, State};
use crate::features::org::model::{MemberStatus, percent};
use crate::features::visits::model::{MonthCoverage, Span};

code_enum!(
    /// Which review: the first six months (sơ kết 6 tháng) or the whole year (tổng kết).
    PeriodKind {
        Half = "h1",
        Year = "year",
    }
);

/// A review period: January to June, or January to December, of a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    pub kind: PeriodKind,
}

/// The first year a report can be asked for.
pub const FIRST_YEAR: i32 = 2000;

impl Period {
    /// `2026-h1` (January to June 2026) or `2026` (the year 2026).
    pub fn parse(field: &str, code: &str) -> Result<Period, AppError> {
        let bad = || AppError::invalid(field, Problem::BadFormat);
        let code = code.trim();
        let (year, kind) = match code.split_once('-') {
            Some((y, k)) => (y, PeriodKind::parse(k).ok_or_else(bad)?),
            None => (code, PeriodKind::Year),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(FIRST_YEAR..=2100).contains(&year) {
            return Err(AppError::invalid(
                field,
                Problem::OutOfRange {
                    min: FIRST_YEAR as i64,
                    max: 2100,
                },
            ));
        }
        Ok(Period { year, kind })
    }

    /// The period a report asked for without one should show on `today`: the first half
    /// until its review is done (end of July), then the year.
    pub fn current(today: NaiveDate) -> Period {
        let kind = if today.month() <= 7 {
            PeriodKind::Half
        } else {
            PeriodKind::Year
        };
        Period {
            year: today.year(),
            kind,
        }
    }

    pub fn code(self) -> String {
        match self.kind {
            PeriodKind::Half => format!("{}-h1", self.year),
            PeriodKind::Year => self.year.to_string(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        match self.kind {
            PeriodKind::Half => NaiveDate::from_ymd_opt(self.year, 6, 30),
            PeriodKind::Year => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or_default()
    }

    /// The last day the report counts: the period's end, or today while it runs.
    pub fn until(self, today: NaiveDate) -> NaiveDate {
        self.last_day().min(today)
    }

    /// Whether the period has begun by `today` (a report of the future is refused).
    pub fn has_begun(self, today: NaiveDate) -> bool {
        self.first_day() <= today
    }

    /// Months counted, from January to the month of [`Period::until`].
    pub fn month_count(self, today: NaiveDate) -> usize {
        let until = self.until(today);
        if until < self.first_day() {
            0
        } else {
            until.month() as usize
        }
    }

    /// Vietnamese, for the printed heading and the workbook: "6 tháng đầu năm 2026".
    pub fn title_vi(self) -> String {
        match self.kind {
            PeriodKind::Half => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Year => format!("năm {}", self.year),
        }
    }

    /// The periods offered, newest first: this year's and the two before, never one that
    /// has not begun.
    pub fn choices(today: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        for year in (today.year() - 2..=today.year()).rev() {
            for kind in [PeriodKind::Year, PeriodKind::Half] {
                let p = Period { year, kind };
                if p.has_begun(today) {
                    out.push(p);
                }
            }
        }
        out
    }
}

/// Visits against what was due over a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageTotals {
    /// Households looked after on the report's last day.
    pub households: i64,
    /// Household-months due: each household, for each month someone looked after it.
    pub due: i64,
    /// Of those, household-months with a visit.
    pub visited: i64,
    /// Visits made in the period.
    pub visits: i64,
    /// Households visited at least once in the period.
    pub reached: i64,
    /// Households looked after at some time in the period.
    pub looked_after: i64,
}

impl CoverageTotals {
    /// Month by month, visited against due, in whole percent.
    pub fn rate(&self) -> i64 {
        percent(self.visited, self.due)
    }

    pub fn reached_rate(&self) -> i64 {
        percent(self.reached, self.looked_after)
    }

    pub fn add(&mut self, o: &CoverageTotals) {
        self.households += o.households;
        self.due += o.due;
        self.visited += o.visited;
        self.visits += o.visits;
        self.reached += o.reached;
        self.looked_after += o.looked_after;
    }
}

/// The totals over a period: `spans` are the assignments of households, `visits` every
/// (household, day) visited. Household-months count once whoever looked after them.
pub fn coverage_totals(
    period: Period,
    today: NaiveDate,
    spans: &[Span],
    visits: &[(i64, NaiveDate)],
) -> CoverageTotals {
    let from = period.first_day();
    let until = period.until(today);
    if until < from {
        return CoverageTotals::default();
    }
    let months = month_ranges(period, today);
    let mut due = 0;
    let mut visited = 0;
    for (start, end) in &months {
        let held: HashSet<i64> = spans
            .iter()
            .filter(|s| s.from <= *end && s.to.is_none_or(|t| t >= *start))
            .map(|s| s.household_id)
            .collect();
        let seen: HashSet<i64> = visits
            .iter()
            .filter(|(h, d)| d >= start && d <= end && held.contains(h))
            .map(|(h, _)| *h)
            .collect();
        due += held.len() as i64;
        visited += seen.len() as i64;
    }
    let looked_after: HashSet<i64> = spans
        .iter()
        .filter(|s| s.from <= until && s.to.is_none_or(|t| t >= from))
        .map(|s| s.household_id)
        .collect();
    let households: HashSet<i64> = spans
        .iter()
        .filter(|s| s.from <= until && s.to.is_none_or(|t| t >= until))
        .map(|s| s.household_id)
        .collect();
    let in_period: Vec<&(i64, NaiveDate)> = visits
        .iter()
        .filter(|(_, d)| *d >= from && *d <= until)
        .collect();
    let reached: HashSet<i64> = in_period
        .iter()
        .map(|(h, _)| *h)
        .filter(|h| looked_after.contains(h))
        .collect();
    CoverageTotals {
        households: households.len() as i64,
        due,
        visited,
        visits: in_period.len() as i64,
        reached: reached.len() as i64,
        looked_after: looked_after.len() as i64,
    }
}

/// The first and last counted day of each month of the period, January first.
pub fn month_ranges(period: Period, today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let until = period.until(today);
    (1..=period.month_count(today) as u32)
        .filter_map(|m| {
            let start = NaiveDate::from_ymd_opt(period.year, m, 1)?;
            let end = crate::features::visits::model::month_end(start).min(until);
            Some((start, end))
        })
        .collect()
}

/// Concerns over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernTotals {
    /// Raised in the period.
    pub raised: i64,
    /// Of those, where they stand now, in the order of their life.
    pub by_state: Vec<(State, i64)>,
    /// Raised by the report's last day and still owed something today, by how long they
    /// have waited (calendar days since raised, to today).
    pub open_by_age: Vec<(AgeBucket, i64)>,
    /// Still owed something with their deadline passed.
    pub overdue: i64,
    pub on_time: OnTime,
}

impl ConcernTotals {
    pub fn open(&self) -> i64 {
        self.open_by_age.iter().map(|(_, n)| n).sum()
    }

    /// Answered and told to the household (or closed), of those raised in the period.
    pub fn settled(&self) -> i64 {
        self.by_state
            .iter()
            .filter(|(s, _)| !s.is_pending())
            .map(|(_, n)| n)
            .sum()
    }

    pub fn add(&mut self, o: &ConcernTotals) {
        self.raised += o.raised;
        for (s, n) in &o.by_state {
            match self.by_state.iter_mut().find(|(t, _)| t == s) {
                Some(slot) => slot.1 += n,
                None => self.by_state.push((*s, *n)),
            }
        }
        for (b, n) in &o.open_by_age {
            match self.open_by_age.iter_mut().find(|(c, _)| c == b) {
                Some(slot) => slot.1 += n,
                None => self.open_by_age.push((*b, *n)),
            }
        }
        self.overdue += o.overdue;
        self.on_time.merge(o.on_time);
    }
}

/// One concern, as the report counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConcernFact {
    pub raised_on: NaiveDate,
    pub state: State,
    pub due_on: Option<NaiveDate>,
}

/// Counts concerns raised in the period by their state (as they stand today), and those
/// raised by its end and still open today by age.
pub fn concern_totals(
    period: Period,
    today: NaiveDate,
    facts: &[ConcernFact],
    on_time: OnTime,
) -> ConcernTotals {
    let from = period.first_day();
    let until = period.until(today);
    let in_period: Vec<&ConcernFact> = facts
        .iter()
        .filter(|f| f.raised_on >= from && f.raised_on <= until)
        .collect();
    let by_state = crate::features::concerns::model::BOARD_STATES
        .iter()
        .map(|s| {
            (
                *s,
                in_period.iter().filter(|f| f.state == *s).count() as i64,
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let open: Vec<&ConcernFact> = facts
        .iter()
        .filter(|f| f.raised_on <= until && f.state.is_pending())
        .collect();
    let open_by_age = AgeBucket::ALL
        .iter()
        .map(|b| {
            let n = open
                .iter()
                .filter(|f| AgeBucket::of((today - f.raised_on).num_days()) == *b)
                .count() as i64;
            (*b, n)
        })
        .collect();
    let overdue = open
        .iter()
        .filter(|f| f.due_on.is_some_and(|d| d < today))
        .count() as i64;
    ConcernTotals {
        raised: in_period.len() as i64,
        by_state,
        open_by_age,
        overdue,
        on_time,
    }
}

/// A cell's or a ward's report for a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    /// The last day counted.
    pub until: NaiveDate,
    pub today: NaiveDate,
    pub ward_id: i64,
    pub ward_name: String,
    /// The cell, for a cell's report.
    pub cell: Option<(i64, String)>,
    /// January first.
    pub months: Vec<MonthCoverage>,
    pub coverage: CoverageTotals,
    pub concerns: ConcernTotals,
    /// Members in the cell (or the ward), and of them those who may be given households.
    pub members: i64,
    pub assignable_members: i64,
    /// Per member (a cell's report) or empty.
    pub evidence: Vec<Evidence>,
    /// Per cell (the ward's report) or empty.
    pub cells: Vec<CellLine>,
    /// Monthly cell meetings held in the period, and members present summed over them.
    pub meetings: i64,
    pub choices: Vec<Period>,
}

/// One cell in the ward's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellLine {
    pub cell_id: i64,
    pub name: String,
    pub members: i64,
    pub coverage: CoverageTotals,
    pub concerns: ConcernTotals,
    pub meetings: i64,
}

/// A member's year-end evidence for classification (rule R8): what the record shows, not
/// what the member says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub member_id: i64,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub status: MemberStatus,
    pub dv213: bool,
    /// Households looked after on the report's last day.
    pub households: i64,
    /// Households looked after at some time in the period.
    pub looked_after: i64,
    /// Household-months the member owed a visit, and those with one.
    pub expected: i64,
    pub done: i64,
    pub visits: i64,
    pub concerns_raised: i64,
    /// Of the concerns raised, those answered and told to the household (or closed).
    pub concerns_followed: i64,
    /// Households' ratings of the member (1–5), their count and mean in tenths.
    pub ratings: i64,
    pub rating_tenths: Option<i64>,
    /// The households' latest words about the member (newest first, at most three).
    pub feedback: Vec<(NaiveDate, String)>,
    /// Monthly meetings present at, of those held while the member was on the list.
    pub meetings_present: i64,
    pub meetings_held: i64,
}

impl Evidence {
    pub fn rate(&self) -> i64 {
        percent(self.done, self.expected)
    }

    /// "4,3" for a mean of 4.3.
    pub fn rating_text(&self) -> Option<String> {
        self.rating_tenths
            .map(|t| format!("{},{}", t / 10, (t % 10).abs()))
    }
}

/// The mean of 1–5 ratings, in tenths, rounded half up; `None` without a rating.
pub fn mean_tenths(ratings: &[i64]) -> Option<i64> {
    if ratings.is_empty() {
        return None;
    }
    let sum: i64 = ratings.iter().sum();
    let n = ratings.len() as i64;
    Some((sum * 20 + n) / (n * 2))
}

// ---------------------------------------------------------------------------------------
// ĐV213.

/// A twice-yearly meeting of the cell with its ĐV213 members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dv213Meeting {
    pub id: i64,
    pub half: i64,
    pub held_on: NaiveDate,
    pub topic: String,
    pub version: i64,
}

/// The comment the cell sends to the member's workplace committee at year end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dv213Comment {
    pub contact: String,
    pub civic: String,
    pub comment: String,
    /// 0 while the sheet is the record's suggestion, not yet saved.
    pub version: i64,
    pub updated_on: Option<NaiveDate>,
}

/// One ĐV213 member on the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dv213Member {
    pub member_id: i64,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub phone: String,
    pub address: String,
    pub workplace: String,
    pub workplace_committee: String,
    pub group: Option<String>,
    pub group_leader: bool,
    pub status: MemberStatus,
    /// Present at the first and at the second meeting (`None` when not held or not taken).
    pub attended: [Option<bool>; 2],
    pub households: i64,
    pub visits: i64,
    pub comment: Dv213Comment,
}

/// The ĐV213 page of a cell for a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dv213Sheet {
    pub cell_id: i64,
    pub cell_name: String,
    pub ward_name: String,
    pub year: i32,
    pub today: NaiveDate,
    pub can_write: bool,
    /// The first and the second meeting of the year, when held.
    pub meetings: [Option<Dv213Meeting>; 2],
    pub roster: Vec<Dv213Member>,
    pub years: Vec<i32>,
}

impl Dv213Sheet {
    /// Leaders first within each group, groups in name order, members without a group last.
    pub fn groups(&self) -> Vec<(Option<String>, Vec<&Dv213Member>)> {
        let mut names: Vec<Option<String>> = Vec::new();
        for m in &self.roster {
            if !names.contains(&m.group) {
                names.push(m.group.clone());
            }
        }
        names.sort_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        });
        names
            .into_iter()
            .map(|g| {
                let mut ms: Vec<&Dv213Member> =
                    self.roster.iter().filter(|m| m.group == g).collect();
                ms.sort_by(|a, b| {
                    b.group_leader
                        .cmp(&a.group_leader)
                        .then_with(|| a.full_name.cmp(&b.full_name))
                });
                (g, ms)
            })
            .collect()
    }
}

/// The record's suggestion for a member's comment sheet, in Vietnamese (the sheet goes
/// to the workplace committee as it is).
pub fn suggested_comment(m: &Dv213Member, meetings_held: usize) -> Dv213Comment {
    let present = m.attended.iter().filter(|a| **a == Some(true)).count();
    let mut contact = format!(
        "Đồng chí đã giới thiệu sinh hoạt nơi cư trú và giữ mối liên hệ với chi bộ; \
         dự {present}/{meetings_held} buổi gặp mặt đảng viên đang công tác trong năm."
    );
    if m.households > 0 {
        contact.push_str(&format!(
            " Phụ trách {} hộ gia đình, đã thăm hộ {} lần.",
            m.households, m.visits
        ));
    }
    let civic = "Gương mẫu chấp hành chủ trương, đường lối của Đảng, chính sách, pháp luật \
                 của Nhà nước và quy định của địa phương nơi cư trú; tham gia các phong trào, \
                 hoạt động của khu dân cư."
        .to_string();
    let comment = if meetings_held == 0 || present * 2 >= meetings_held {
        "Chi bộ nơi cư trú đề nghị cấp ủy nơi công tác ghi nhận đồng chí thực hiện tốt \
         nhiệm vụ đảng viên ở nơi cư trú."
            .to_string()
    } else {
        "Đồng chí chưa tham gia đầy đủ các buổi gặp mặt với chi bộ nơi cư trú; đề nghị cấp \
         ủy nơi công tác nhắc nhở đồng chí giữ mối liên hệ thường xuyên hơn."
            .to_string()
    };
    Dv213Comment {
        contact,
        civic,
        comment,
        version: 0,
        updated_on: None,
    }
}

/// Limits of the comment sheet's fields and a meeting's topic.
pub const MAX_COMMENT: usize = 2000;
pub const MAX_TOPIC: usize = 500;

/// Which meeting of the year: 1 (first half) or 2 (second half), and the days it may be
/// held on.
pub fn half_days(year: i32, half: i64) -> Option<(NaiveDate, NaiveDate)> {
    match half {
        1 => Some((
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year, 6, 30)?,
        )),
        2 => Some((
            NaiveDate::from_ymd_opt(year, 7, 1)?,
            NaiveDate::from_ymd_opt(year, 12, 31)?,
        )),
        _ => None,
    }
}

/// The link to a report's workbook.
pub fn cell_report_xlsx(cell: i64, period: Period) -> String {
    format!("/export/reports/cells/{cell}/{}.xlsx", period.code())
}

pub fn ward_report_xlsx(ward: i64, period: Period) -> String {
    format!("/export/reports/wards/{ward}/{}.xlsx", period.code())
}

pub fn dv213_xlsx(cell: i64, year: i32) -> String {
    format!("/export/reports/cells/{cell}/dv213-{year}.xlsx")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn span(h: i64, from: NaiveDate, to: Option<NaiveDate>) -> Span {
        Span {
            household_id: h,
            from,
            to,
        }
    }

    #[test]
    fn periods_parse_and_name_their_days() {
        let h1 = Period::parse("period", "2026-h1").unwrap();
        assert_eq!(h1.kind, PeriodKind::Half);
        assert_eq!(
            (h1.first_day(), h1.last_day()),
            (d(2026, 1, 1), d(2026, 6, 30))
        );
        assert_eq!(h1.code(), "2026-h1");
        let y = Period::parse("period", " 2025 ").unwrap();
        assert_eq!(
            (y.first_day(), y.last_day()),
            (d(2025, 1, 1), d(2025, 12, 31))
        );
        assert_eq!(y.code(), "2025");
        assert_eq!(y.title_vi(), "năm 2025");
        for bad in ["", "26", "2026-h2", "2026-", "abcd", "２０２６"] {
            assert_eq!(
                Period::parse("period", bad),
                Err(AppError::invalid("period", Problem::BadFormat)),
                "{bad}"
            );
        }
        assert!(matches!(
            Period::parse("period", "1999"),
            Err(AppError::Invalid {
                problem: Problem::OutOfRange { .. },
                ..
            })
        ));
    }

    #[test]
    fn a_running_period_counts_up_to_today() {
        let today = d(2026, 11, 22);
        let y = Period::parse("p", "2026").unwrap();
        assert_eq!(y.until(today), today);
        assert_eq!(y.month_count(today), 11);
        let h1 = Period::parse("p", "2026-h1").unwrap();
        assert_eq!(h1.until(today), d(2026, 6, 30));
        assert_eq!(h1.month_count(today), 6);
        let next = Period::parse("p", "2027").unwrap();
        assert!(!next.has_begun(today));
        assert_eq!(next.month_count(today), 0);
        let months = month_ranges(y, today);
        assert_eq!(months.len(), 11);
        assert_eq!(months[1], (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(months[10], (d(2026, 11, 1), today));
    }

    #[test]
    fn the_current_period_turns_to_the_year_in_august() {
        assert_eq!(Period::current(d(2026, 7, 31)).code(), "2026-h1");
        assert_eq!(Period::current(d(2026, 8, 1)).code(), "2026");
        let choices = Period::choices(d(2026, 3, 1));
        assert_eq!(choices.first().unwrap().code(), "2026");
        assert_eq!(choices.len(), 6);
        assert!(choices.iter().all(|p| p.has_begun(d(2026, 3, 1))));
    }

    #[test]
    fn household_months_count_once_per_month_held() {
        let today = d(2026, 11, 22);
        let h1 = Period::parse("p", "2026-h1").unwrap();
        // Household 1 all half; household 2 from April; household 3 ended in February.
        let spans = [
            span(1, d(2025, 5, 1), None),
            span(2, d(2026, 4, 10), None),
            span(3, d(2025, 1, 1), Some(d(2026, 2, 3))),
        ];
        let visits = [
            (1, d(2026, 1, 5)),
            (1, d(2026, 1, 20)), // twice in January: one household-month
            (1, d(2026, 3, 2)),
            (2, d(2026, 4, 11)),
            (3, d(2026, 2, 2)),
            (3, d(2026, 3, 9)), // after the assignment ended: not due, not counted
            (1, d(2026, 7, 1)), // outside the period
            (9, d(2026, 5, 1)), // a household nobody looked after
        ];
        let t = coverage_totals(h1, today, &spans, &visits);
        // Due: household 1 × 6, household 2 × 3 (Apr–Jun), household 3 × 2 (Jan, Feb).
        assert_eq!(t.due, 11);
        // Visited: 1 in Jan and Mar, 2 in Apr, 3 in Feb.
        assert_eq!(t.visited, 4);
        assert_eq!(t.rate(), 36);
        assert_eq!(t.visits, 7);
        assert_eq!(t.looked_after, 3);
        assert_eq!(t.reached, 3);
        assert_eq!(t.households, 2);
    }

    #[test]
    fn a_report_of_a_period_not_begun_is_empty() {
        let t = coverage_totals(
            Period::parse("p", "2027").unwrap(),
            d(2026, 11, 22),
            &[span(1, d(2025, 1, 1), None)],
            &[(1, d(2026, 1, 1))],
        );
        assert_eq!(t, CoverageTotals::default());
    }

    #[test]
    fn concerns_count_by_state_and_open_ones_by_age() {
        let today = d(2026, 11, 22);
        let y = Period::parse("p", "2026").unwrap();
        let f = |raised_on, state, due_on| ConcernFact {
            raised_on,
            state,
            due_on,
        };
        let facts = [
            f(d(2026, 11, 20), State::Raised, Some(d(2026, 11, 25))),
            f(
                d(2026, 11, 1),
                State::ReferredToCommittee,
                Some(d(2026, 11, 15)),
            ),
            f(d(2026, 3, 1), State::Closed, None),
            f(d(2026, 5, 1), State::HouseholdInformed, None),
            f(d(2025, 12, 1), State::Reported, Some(d(2025, 12, 10))),
        ];
        let mut on_time = OnTime::default();
        on_time.add(true);
        on_time.add(false);
        let c = concern_totals(y, today, &facts, on_time);
        assert_eq!(c.raised, 4);
        assert_eq!(c.settled(), 2);
        assert_eq!(
            c.by_state,
            vec![
                (State::Raised, 1),
                (State::ReferredToCommittee, 1),
                (State::HouseholdInformed, 1),
                (State::Closed, 1),
            ]
        );
        // Open at the end: the two of November and last December's.
        assert_eq!(c.open(), 3);
        assert_eq!(
            c.open_by_age,
            vec![
                (AgeBucket::Week, 1),
                (AgeBucket::Month, 1),
                (AgeBucket::Quarter, 0),
                (AgeBucket::Older, 1),
            ]
        );
        assert_eq!(c.overdue, 2);
        assert_eq!(c.on_time.percent(), Some(50));

        let mut ward = ConcernTotals::default();
        ward.add(&c);
        ward.add(&c);
        assert_eq!(ward.raised, 8);
        assert_eq!(ward.open(), 6);
        assert_eq!(ward.on_time.total(), 4);
    }

    #[test]
    fn ratings_average_in_tenths() {
        assert_eq!(mean_tenths(&[]), None);
        assert_eq!(mean_tenths(&[5, 4, 4]), Some(43));
        assert_eq!(mean_tenths(&[5, 4]), Some(45));
        let e = Evidence {
            member_id: 1,
            full_name: "A".into(),
            birth_year: None,
            status: MemberStatus::Active,
            dv213: false,
            households: 2,
            looked_after: 2,
            expected: 22,
            done: 20,
            visits: 25,
            concerns_raised: 3,
            concerns_followed: 2,
            ratings: 3,
            rating_tenths: Some(43),
            feedback: vec![],
            meetings_present: 10,
            meetings_held: 11,
        };
        assert_eq!(e.rating_text().as_deref(), Some("4,3"));
        assert_eq!(e.rate(), 91);
    }

    fn dv(
        name: &str,
        group: Option<&str>,
        leader: bool,
        attended: [Option<bool>; 2],
    ) -> Dv213Member {
        Dv213Member {
            member_id: name.len() as i64,
            full_name: name.into(),
            birth_year: None,
            phone: String::new(),
            address: String::new(),
            workplace: "Sở Y tế".into(),
            workplace_committee: "Đảng ủy Sở Y tế".into(),
            group: group.map(str::to_string),
            group_leader: leader,
            status: MemberStatus::Active,
            attended,
            households: 0,
            visits: 0,
            comment: Dv213Comment::default(),
        }
    }

    #[test]
    fn the_roster_groups_members_under_their_leaders() {
        let sheet = Dv213Sheet {
            cell_id: 1,
            cell_name: "Chi bộ 1".into(),
            ward_name: "Phường".into(),
            year: 2026,
            today: d(2026, 11, 22),
            can_write: true,
            meetings: [None, None],
            roster: vec![
                dv("Bùi Văn B", Some("Tổ 2"), false, [None, None]),
                dv("Không Tổ", None, false, [None, None]),
                dv("An Thị C", Some("Tổ 2"), true, [None, None]),
                dv("Đỗ Văn D", Some("Tổ 1"), false, [None, None]),
            ],
            years: vec![2026],
        };
        let groups = sheet.groups();
        let names: Vec<(Option<String>, Vec<&str>)> = groups
            .iter()
            .map(|(g, ms)| (g.clone(), ms.iter().map(|m| m.full_name.as_str()).collect()))
            .collect();
        assert_eq!(
            names,
            vec![
                (Some("Tổ 1".into()), vec!["Đỗ Văn D"]),
                (Some("Tổ 2".into()), vec!["An Thị C", "Bùi Văn B"]),
                (None, vec!["Không Tổ"]),
            ]
        );
    }

    #[test]
    fn the_suggested_comment_follows_the_record() {
        let mut m = dv("Trần Văn E", None, false, [Some(true), Some(true)]);
        m.households = 1;
        m.visits = 9;
        let c = suggested_comment(&m, 2);
        assert!(c.contact.contains("dự 2/2 buổi"), "{}", c.contact);
        assert!(
            c.contact
                .contains("Phụ trách 1 hộ gia đình, đã thăm hộ 9 lần.")
        );
        assert!(c.comment.contains("thực hiện tốt"));
        assert_eq!(c.version, 0);
        let absent = dv("Lê Thị F", None, false, [Some(false), None]);
        let c = suggested_comment(&absent, 2);
        assert!(c.contact.contains("dự 0/2 buổi"));
        assert!(c.comment.contains("chưa tham gia đầy đủ"), "{}", c.comment);
    }

    #[test]
    fn meetings_fall_in_their_half() {
        assert_eq!(half_days(2026, 1), Some((d(2026, 1, 1), d(2026, 6, 30))));
        assert_eq!(half_days(2026, 2), Some((d(2026, 7, 1), d(2026, 12, 31))));
        assert_eq!(half_days(2026, 3), None);
    }
}
