//! The monthly cell meeting (sinh hoạt chi bộ) on a shared screen: its agenda, what it
//! decided, who came, and what carries over to next month. Pure rules, for the browser too.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::core::code_enum::code_enum;
use crate::error::{AppError, Problem};
use crate::features::concerns::model::{Category, ConcernRow, HotSpots, OutsideBody, Step};
use crate::features::visits::model::Campaign;

/// A calendar month, written `YYYY-MM` in addresses and the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// `2026-11`; anything else is refused with the field named.
    pub fn parse(field: &str, text: &str) -> Result<Month, AppError> {
        let bad = || AppError::invalid(field, Problem::BadFormat);
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `11/2026`, as the minutes write it.
    pub fn label(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        Month::of(day) == self
    }
}

code_enum!(
    /// A meeting is open while it runs; closed, its minutes are final.
    MeetingStatus { Open = "open", Closed = "closed" }
);

code_enum!(
    /// What the meeting decided on an item.
    Decision {
        // The cell answers; the member explains it to the household.
        Answer = "answer",
        // Beyond the cell: to the commune/ward committee, which answers in writing.
        Refer = "refer",
        // To a mass organisation or an authority.
        ReferOutside = "refer_outside",
        // Not decided yet: comes back next month.
        Defer = "defer",
        // A task given to someone, done or carried over.
        Task = "task",
    }
);

impl Decision {
    /// The concern's step this decision takes, if it takes one.
    pub fn step(self) -> Option<Step> {
        match self {
            Decision::Answer => Some(Step::Answer),
            Decision::Refer => Some(Step::Refer),
            Decision::ReferOutside => Some(Step::ReferOutside),
            Decision::Defer | Decision::Task => None,
        }
    }

    /// Whether an item with this decision, not done, comes back at next month's meeting.
    pub fn carries_over(self) -> bool {
        matches!(self, Decision::Defer | Decision::Task)
    }

    /// Whether the decision needs its text (the answer, or the task).
    pub fn needs_text(self) -> bool {
        matches!(self, Decision::Answer | Decision::Task)
    }
}

code_enum!(
    /// The agenda, in the order the meeting goes through it. The number of each part is
    /// the key that shows it on the shared screen.
    Part {
        Opening = "opening",
        Attendance = "attendance",
        Coverage = "coverage",
        Decide = "decide",
        Relay = "relay",
        Overdue = "overdue",
        HotSpots = "hot_spots",
        Board = "board",
        Campaigns = "campaigns",
        Tasks = "tasks",
    }
);

impl Part {
    /// The key (0–9) that shows this part.
    pub fn number(self) -> usize {
        Part::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn from_number(n: usize) -> Option<Part> {
        Part::ALL.get(n).copied()
    }

    /// The part `delta` away, staying within the agenda.
    pub fn step_by(self, delta: i64) -> Part {
        let last = Part::ALL.len() as i64 - 1;
        let n = (self.number() as i64 + delta).clamp(0, last);
        Part::ALL[n as usize]
    }
}

/// Where the shared screen goes on a key, if the key means anything: arrows, space and
/// page keys step through the agenda, digits jump to a part, Home and End to the ends.
pub fn part_for_key(current: Part, key: &str, shift: bool) -> Option<Part> {
    match key {
        "ArrowRight" | "ArrowDown" | "PageDown" => Some(current.step_by(1)),
        " " | "Spacebar" => Some(current.step_by(if shift { -1 } else { 1 })),
        "ArrowLeft" | "ArrowUp" | "PageUp" => Some(current.step_by(-1)),
        "Home" => Some(Part::Opening),
        "End" => Some(Part::Tasks),
        k if k.len() == 1 => k
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .and_then(|d| Part::from_number(d as usize)),
        _ => None,
    }
}

pub const MAX_ITEM_TEXT: usize = 2000;
pub const MAX_NAME: usize = 120;
pub const MAX_NOTES: usize = 4000;

/// The head of a meeting: when, who chaired, who kept the minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingHead {
    pub id: i64,
    pub month: Month,
    pub held_on: NaiveDate,
    pub chair: String,
    pub recorder: String,
    pub notes: String,
    pub status: MeetingStatus,
    pub version: i64,
}

/// A meeting in the cell's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSummary {
    pub month: Month,
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub present: i64,
    pub expected: i64,
    pub decisions: i64,
    pub open_tasks: i64,
}

/// A cell's meetings, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingList {
    pub cell_id: i64,
    pub meetings: Vec<MeetingSummary>,
    pub this_month: Month,
    pub today: NaiveDate,
    pub can_write: bool,
}

/// A member on the attendance list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub member_id: i64,
    pub name: String,
    /// Exempt from activities (miễn sinh hoạt), elderly or ill: excused, not absent.
    pub excused: bool,
    /// `None` until attendance is taken.
    pub present: Option<bool>,
}

/// What a member did this month, for the meeting to hear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMonth {
    pub member_id: i64,
    pub name: String,
    pub households: i64,
    pub visited: i64,
    pub visits: i64,
    pub concerns: i64,
}

/// A decision or a task of a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: i64,
    pub decision: Decision,
    pub concern_id: Option<i64>,
    /// The concern's household and what it is about, for the minutes.
    pub household: Option<String>,
    pub category: Option<Category>,
    pub body: String,
    pub target: Option<OutsideBody>,
    pub done: bool,
    /// Carried from an earlier meeting (its month).
    pub carried_from: Option<Month>,
}

/// Everything the shared screen shows for a month's meeting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agenda {
    pub cell_id: i64,
    pub cell_name: String,
    pub ward_name: String,
    pub month: Month,
    pub today: NaiveDate,
    pub can_write: bool,
    /// `None` until the meeting is opened.
    pub meeting: Option<MeetingHead>,
    pub attendance: Vec<Attendee>,
    /// Households due a visit this month and those visited.
    pub due: i64,
    pub visited: i64,
    pub members: Vec<MemberMonth>,
    /// Concerns waiting for the cell's decision (raised or reported).
    pub decide: Vec<ConcernRow>,
    /// Answers the members must carry back to households.
    pub relay: Vec<ConcernRow>,
    /// Open concerns past their deadline, wherever they wait.
    pub overdue: Vec<ConcernRow>,
    pub hot: HotSpots,
    pub unassigned: i64,
    pub stale: i64,
    pub campaigns: Vec<Campaign>,
    pub items: Vec<Item>,
}

impl Agenda {
    pub fn is_open(&self) -> bool {
        self.meeting
            .as_ref()
            .is_some_and(|m| m.status == MeetingStatus::Open)
    }

    /// Whether the reader may record things now: the cell's writer, meeting open.
    pub fn can_record(&self) -> bool {
        self.can_write && self.is_open()
    }

    pub fn present(&self) -> usize {
        self.attendance
            .iter()
            .filter(|a| a.present == Some(true))
            .count()
    }

    /// Members expected: everyone on the list but the excused.
    pub fn expected(&self) -> usize {
        self.attendance.iter().filter(|a| !a.excused).count()
    }
}

/// One row of the attendance form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceForm {
    pub member: i64,
    /// Present when the box is ticked (any value).
    #[serde(default)]
    pub present: Option<String>,
}

/// Parses a text field: trimmed, bounded, required or not.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, AppError> {
    crate::features::concerns::model::parse_text(field, value, max, required)
}

/// An attendance list names each member once: a member listed twice is refused (the
/// form was tampered with, or sent twice over).
pub fn check_attendance(rows: &[(i64, bool)]) -> Result<(), crate::error::AppError> {
    let mut seen = std::collections::HashSet::with_capacity(rows.len());
    if rows.iter().all(|(member, _)| seen.insert(*member)) {
        Ok(())
    } else {
        Err(crate::error::AppError::invalid(
            "member",
            crate::error::Problem::Duplicate,
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_attendance_list_names_each_member_once() {
        assert!(super::check_attendance(&[(1, true), (2, false)]).is_ok());
        assert!(super::check_attendance(&[]).is_ok());
        assert_eq!(
            super::check_attendance(&[(1, true), (2, false), (1, false)]),
            Err(crate::error::AppError::invalid(
                "member",
                crate::error::Problem::Duplicate
            ))
        );
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_parse_and_step_over_the_year() {
        let m = Month::parse("month", "2026-12").unwrap();
        assert_eq!(m.code(), "2026-12");
        assert_eq!(m.label(), "12/2026");
        assert_eq!(m.next(), Month::parse("month", "2027-01").unwrap());
        assert_eq!(m.next().previous(), m);
        assert_eq!(m.first_day(), d(2026, 12, 1));
        assert_eq!(m.last_day(), d(2026, 12, 31));
        assert_eq!(
            Month::parse("month", "2028-02").unwrap().last_day(),
            d(2028, 2, 29)
        );
        assert!(m.contains(d(2026, 12, 31)));
        assert!(!m.contains(d(2027, 1, 1)));
        for bad in [
            "2026-13", "2026-1", "26-11", "2026/11", "", "1999-01", "abcd-ef",
        ] {
            assert_eq!(
                Month::parse("month", bad).unwrap_err(),
                AppError::invalid("month", Problem::BadFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_drive_the_agenda() {
        use Part::*;
        assert_eq!(part_for_key(Opening, "ArrowRight", false), Some(Attendance));
        assert_eq!(part_for_key(Attendance, " ", false), Some(Coverage));
        assert_eq!(part_for_key(Coverage, " ", true), Some(Attendance));
        assert_eq!(part_for_key(Opening, "ArrowLeft", false), Some(Opening));
        assert_eq!(part_for_key(Tasks, "ArrowRight", false), Some(Tasks));
        assert_eq!(part_for_key(Opening, "3", false), Some(Decide));
        assert_eq!(part_for_key(Decide, "0", false), Some(Opening));
        assert_eq!(part_for_key(Opening, "9", false), Some(Tasks));
        assert_eq!(part_for_key(Opening, "End", false), Some(Tasks));
        assert_eq!(part_for_key(Tasks, "Home", false), Some(Opening));
        assert_eq!(part_for_key(Opening, "a", false), None);
        assert_eq!(part_for_key(Opening, "Enter", false), None);
        assert_eq!(Part::ALL.len(), 10, "one digit per part");
    }

    #[test]
    fn decisions_take_their_steps_and_some_carry_over() {
        assert_eq!(Decision::Answer.step(), Some(Step::Answer));
        assert_eq!(Decision::Refer.step(), Some(Step::Refer));
        assert_eq!(Decision::ReferOutside.step(), Some(Step::ReferOutside));
        assert_eq!(Decision::Defer.step(), None);
        assert!(Decision::Defer.carries_over());
        assert!(Decision::Task.carries_over());
        assert!(!Decision::Answer.carries_over());
        assert!(Decision::Answer.needs_text());
        assert!(!Decision::Refer.needs_text());
    }
}
