//! Concerns (thoughts, grievances, petitions): their life from a household's words to a
//! written answer and back, who may take each step, and the working-day deadlines.
//!
//! Everything here is pure and compiles for the browser too: the states and steps, the
//! permission table, the Vietnamese working-day calendar, the deadline rules and the
//! checks of uploaded files.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problem};

use crate::core::code_enum::code_enum;

pub use super::calendar::{DayKind, StandardDay, WorkCalendar, lunar_years, standard_holidays};

code_enum!(
    /// What a concern is about.
    Category {
        Infrastructure = "infrastructure",
        Environment = "environment",
        Security = "security",
        SocialPolicy = "social_policy",
        LandConstruction = "land_construction",
        HealthEducation = "health_education",
        Other = "other",
    }
);

code_enum!(Urgency { Normal = "normal", Urgent = "urgent" });

code_enum!(
    /// Where a concern stands in the cell's process (R7).
    State {
        Raised = "raised",
        Reported = "reported",
        AnsweredByCell = "answered_by_cell",
        ReferredToCommittee = "referred_to_committee",
        AnsweredInWriting = "answered_in_writing",
        ReferredOutside = "referred_outside",
        HouseholdInformed = "household_informed",
        Closed = "closed",
    }
);

impl State {
    /// Still waiting for something (an answer, or the household to hear it).
    pub fn is_open(self) -> bool {
        self != State::Closed
    }
}

/// The board's columns, in the order a concern moves through them.
pub const BOARD_STATES: &[State] = &[
    State::Raised,
    State::Reported,
    State::AnsweredByCell,
    State::ReferredToCommittee,
    State::ReferredOutside,
    State::AnsweredInWriting,
    State::HouseholdInformed,
    State::Closed,
];

impl State {
    /// Whether someone still owes the household something (an answer, or telling it).
    pub fn is_pending(self) -> bool {
        !matches!(self, State::HouseholdInformed | State::Closed)
    }

    /// Whether the concern waits for an answer (as opposed to an answer waiting to be relayed).
    pub fn awaits_answer(self) -> bool {
        matches!(
            self,
            State::Raised | State::Reported | State::ReferredToCommittee | State::ReferredOutside
        )
    }
}

code_enum!(
    /// A step in a concern's life. Each moves it from one state to another.
    Step {
        Raise = "raise",
        Report = "report",
        Answer = "answer",
        Refer = "refer",
        ReferOutside = "refer_outside",
        AnswerInWriting = "answer_in_writing",
        RecordOutsideAnswer = "record_outside_answer",
        Inform = "inform",
        Close = "close",
        Reopen = "reopen",
    }
);

/// Who must take a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepOwner {
    /// The member who looks after the household (or the cell acting for them).
    Member,
    /// The cell: its secretary (or the committee above it).
    Cell,
    /// The commune/ward committee, and nobody else.
    Committee,
}

/// What a step needs typed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepText {
    /// No text, an optional note.
    Optional,
    /// The step is its text (an answer, a reason).
    Required,
}

impl Step {
    /// The state a step moves a concern into.
    pub fn to(self) -> State {
        match self {
            Step::Raise => State::Raised,
            Step::Report | Step::Reopen => State::Reported,
            Step::Answer => State::AnsweredByCell,
            Step::Refer => State::ReferredToCommittee,
            Step::ReferOutside => State::ReferredOutside,
            Step::AnswerInWriting | Step::RecordOutsideAnswer => State::AnsweredInWriting,
            Step::Inform => State::HouseholdInformed,
            Step::Close => State::Closed,
        }
    }

    /// The states a step may be taken from.
    pub fn from(self) -> &'static [State] {
        match self {
            Step::Raise => &[],
            Step::Report => &[State::Raised],
            Step::Answer | Step::Refer => &[State::Reported],
            Step::ReferOutside => &[State::Reported, State::ReferredToCommittee],
            Step::AnswerInWriting => &[State::ReferredToCommittee],
            Step::RecordOutsideAnswer => &[State::ReferredOutside],
            Step::Inform => &[State::AnsweredByCell, State::AnsweredInWriting],
            Step::Close => &[State::HouseholdInformed],
            Step::Reopen => &[
                State::AnsweredByCell,
                State::AnsweredInWriting,
                State::HouseholdInformed,
                State::Closed,
            ],
        }
    }

    /// Who takes this step from this state.
    pub fn owner(self, from: State) -> StepOwner {
        match self {
            Step::Raise | Step::Report | Step::Inform => StepOwner::Member,
            Step::AnswerInWriting => StepOwner::Committee,
            Step::ReferOutside if from == State::ReferredToCommittee => StepOwner::Committee,
            Step::Answer
            | Step::Refer
            | Step::ReferOutside
            | Step::RecordOutsideAnswer
            | Step::Close
            | Step::Reopen => StepOwner::Cell,
        }
    }

    pub fn text(self) -> StepText {
        match self {
            Step::Raise
            | Step::Answer
            | Step::AnswerInWriting
            | Step::RecordOutsideAnswer
            | Step::Reopen
            | Step::ReferOutside => StepText::Required,
            Step::Report | Step::Refer | Step::Inform | Step::Close => StepText::Optional,
        }
    }

    /// Whether the step names an outside body (a mass organisation or an authority).
    pub fn needs_target(self) -> bool {
        self == Step::ReferOutside
    }

    /// Whether the step carries the date it happened on (the day the household was told).
    pub fn needs_day(self) -> bool {
        self == Step::Inform
    }

    /// The steps that can be taken from a state, in the order they are offered.
    pub fn from_state(state: State) -> Vec<Step> {
        Step::ALL
            .iter()
            .copied()
            .filter(|s| s.from().contains(&state))
            .collect()
    }

    /// The step that moves a card from one column of the board to another, if there is one.
    pub fn between(from: State, to: State) -> Option<Step> {
        Step::ALL
            .iter()
            .copied()
            .find(|s| s.to() == to && s.from().contains(&from))
    }
}

/// What the caller is to a concern's cell, worked out on the server from their roles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Looks after the household now, or raised this concern.
    pub responsible_member: bool,
    /// May change the cell: its secretary, or the committee above it.
    pub cell_writer: bool,
    /// Holds the committee role over the cell's commune/ward.
    pub committee: bool,
}

impl Actor {
    /// Whether this caller may take `step` from `from`.
    pub fn may(self, step: Step, from: Option<State>) -> bool {
        let state_ok = match from {
            None => step == Step::Raise,
            Some(s) => step.from().contains(&s),
        };
        if !state_ok {
            return false;
        }
        match step.owner(from.unwrap_or(State::Raised)) {
            StepOwner::Member => self.responsible_member || self.cell_writer,
            StepOwner::Cell => self.cell_writer,
            StepOwner::Committee => self.committee,
        }
    }

    /// The steps this caller may take from a state.
    pub fn steps(self, from: State) -> Vec<Step> {
        Step::from_state(from)
            .into_iter()
            .filter(|s| self.may(*s, Some(from)))
            .collect()
    }
}

code_enum!(
    /// Bodies a concern can be referred to outside the party cell and committee.
    OutsideBody {
        FatherlandFront = "fatherland_front",
        WomensUnion = "womens_union",
        VeteransAssociation = "veterans_association",
        YouthUnion = "youth_union",
        FarmersAssociation = "farmers_association",
        ElderlyAssociation = "elderly_association",
        PeoplesCommittee = "peoples_committee",
        Police = "police",
        Other = "other",
    }
);

// ---------------------------------------------------------------------------------------
// Deadlines.

/// The states with a deadline: someone owes the next step.
pub const TIMED_STATES: &[State] = &[
    State::Raised,
    State::Reported,
    State::ReferredToCommittee,
    State::ReferredOutside,
    State::AnsweredByCell,
    State::AnsweredInWriting,
];

/// Working days allowed in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowance {
    pub state: State,
    pub normal: u32,
    pub urgent: u32,
}

pub const MAX_ALLOWANCE: u32 = 90;

/// The deadlines of a ward: working days allowed in each state that waits for someone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    pub allowances: Vec<Allowance>,
}

impl Default for Deadlines {
    /// Two days for the member to report; a week for the cell; three weeks for the
    /// committee's written answer; four for an outside body; three days to tell the household.
    fn default() -> Self {
        let a = |state, normal, urgent| Allowance {
            state,
            normal,
            urgent,
        };
        Deadlines {
            allowances: vec![
                a(State::Raised, 2, 1),
                a(State::Reported, 5, 2),
                a(State::ReferredToCommittee, 15, 5),
                a(State::ReferredOutside, 20, 10),
                a(State::AnsweredByCell, 3, 1),
                a(State::AnsweredInWriting, 3, 1),
            ],
        }
    }
}

impl Deadlines {
    /// Working days allowed in a state; `None` for states that wait for nobody.
    pub fn days(&self, state: State, urgency: Urgency) -> Option<u32> {
        if !TIMED_STATES.contains(&state) {
            return None;
        }
        let a = self
            .allowances
            .iter()
            .find(|a| a.state == state)
            .copied()
            .or_else(|| {
                Deadlines::default()
                    .allowances
                    .into_iter()
                    .find(|a| a.state == state)
            })?;
        Some(match urgency {
            Urgency::Normal => a.normal,
            Urgency::Urgent => a.urgent,
        })
    }

    /// The deadline of a state entered on `since`.
    pub fn due(
        &self,
        cal: &WorkCalendar,
        state: State,
        urgency: Urgency,
        since: NaiveDate,
    ) -> Option<NaiveDate> {
        self.days(state, urgency)
            .map(|n| cal.add_working_days(since, n))
    }

    /// Checks edited allowances: every timed state, each 1..=90, urgent no longer than normal.
    pub fn parse(allowances: Vec<Allowance>) -> Result<Deadlines, AppError> {
        let mut out = Vec::new();
        for state in TIMED_STATES {
            let a = allowances
                .iter()
                .find(|a| a.state == *state)
                .ok_or_else(|| AppError::invalid(state.code(), Problem::Required))?;
            for n in [a.normal, a.urgent] {
                if !(1..=MAX_ALLOWANCE).contains(&n) {
                    return Err(AppError::invalid(
                        state.code(),
                        Problem::OutOfRange {
                            min: 1,
                            max: MAX_ALLOWANCE as i64,
                        },
                    ));
                }
            }
            if a.urgent > a.normal {
                return Err(AppError::invalid(
                    state.code(),
                    Problem::OutOfRange {
                        min: 1,
                        max: a.normal as i64,
                    },
                ));
            }
            out.push(*a);
        }
        Ok(Deadlines { allowances: out })
    }
}

/// How a deadline looks: green while there is time, amber close to it, red once passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tone {
    Overdue,
    DueSoon,
    OnTrack,
}

/// Working days left at which a deadline turns amber.
pub const DUE_SOON_DAYS: i64 = 2;

impl Tone {
    pub fn of(days_left: i64) -> Tone {
        if days_left < 0 {
            Tone::Overdue
        } else if days_left <= DUE_SOON_DAYS {
            Tone::DueSoon
        } else {
            Tone::OnTrack
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Tone::Overdue => "overdue",
            Tone::DueSoon => "soon",
            Tone::OnTrack => "ok",
        }
    }
}

/// A concern's clock as shown to people: its age, and the time left on the current step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Calendar days since the concern was raised.
    pub age_days: i64,
    pub due_on: Option<NaiveDate>,
    /// Working days left (negative: late by that many).
    pub days_left: Option<i64>,
}

impl Clock {
    pub fn new(
        cal: &WorkCalendar,
        today: NaiveDate,
        raised_on: NaiveDate,
        due_on: Option<NaiveDate>,
    ) -> Clock {
        Clock {
            age_days: (today - raised_on).num_days().max(0),
            due_on,
            days_left: due_on.map(|d| cal.working_days_left(today, d)),
        }
    }

    pub fn tone(&self) -> Option<Tone> {
        self.days_left.map(Tone::of)
    }

    pub fn overdue(&self) -> bool {
        self.tone() == Some(Tone::Overdue)
    }
}

/// Orders concerns for a list: overdue first (the most late first), then the closest
/// deadlines, then those without one, oldest first.
pub fn urgency_order(a: &Clock, b: &Clock) -> std::cmp::Ordering {
    let key = |c: &Clock| (c.days_left.unwrap_or(i64::MAX), -c.age_days);
    key(a).cmp(&key(b))
}

/// Steps taken by their deadline out of all that were due: the steps taken, plus the
/// steps still owed whose deadline has passed (they are late already).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnTime {
    pub on_time: i64,
    pub late: i64,
}

impl OnTime {
    pub fn add(&mut self, on_time: bool) {
        if on_time {
            self.on_time += 1;
        } else {
            self.late += 1;
        }
    }

    pub fn total(&self) -> i64 {
        self.on_time + self.late
    }

    /// In whole percent; `None` when nothing was due.
    pub fn percent(&self) -> Option<i64> {
        (self.total() > 0).then(|| crate::features::org::model::percent(self.on_time, self.total()))
    }

    pub fn merge(&mut self, other: OnTime) {
        self.on_time += other.on_time;
        self.late += other.late;
    }
}

code_enum!(
    /// Age buckets used by the board's filter and the reports.
    AgeBucket {
        Week = "week",
        Month = "month",
        Quarter = "quarter",
        Older = "older",
    }
);

impl AgeBucket {
    pub fn of(age_days: i64) -> AgeBucket {
        match age_days {
            i64::MIN..=7 => AgeBucket::Week,
            8..=30 => AgeBucket::Month,
            31..=90 => AgeBucket::Quarter,
            _ => AgeBucket::Older,
        }
    }

    /// The calendar-day range `[min, max]` of raised-on ages in this bucket.
    pub fn days(self) -> (i64, i64) {
        match self {
            AgeBucket::Week => (0, 7),
            AgeBucket::Month => (8, 30),
            AgeBucket::Quarter => (31, 90),
            AgeBucket::Older => (91, 100_000),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Input.

pub const MAX_BODY: usize = 2000;
pub const MAX_NOTE: usize = 2000;
pub const MAX_TARGET_NOTE: usize = 200;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILE_NAME: usize = 120;

/// Trims a text and checks its length; `required` refuses an empty one.
pub fn parse_text(
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<String, AppError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            Problem::TooLong { max: max as u32 },
        ));
    }
    Ok(v.to_string())
}

/// The first and last day a typed day may be: the years the calendars, meetings and
/// reviews know (2000–2100).
pub fn typed_day_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid day"),
        NaiveDate::from_ymd_opt(2100, 12, 31).expect("a valid day"),
    )
}

/// A date typed as `YYYY-MM-DD` (the form of `<input type=date>`), within
/// [`typed_day_range`]: a year 0 or 9999 is a slip of the keyboard, not a day to keep (and
/// a year past 9999 would sort wrong among the stored days).
pub fn parse_day(field: &str, value: &str) -> Result<NaiveDate, AppError> {
    let day = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, Problem::BadFormat))?;
    let (earliest, latest) = typed_day_range();
    if day < earliest || day > latest {
        return Err(AppError::invalid(
            field,
            Problem::DateOutOfRange { earliest, latest },
        ));
    }
    Ok(day)
}

/// The kinds of file accepted with a written answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
}

impl FileKind {
    /// What the bytes are, by their signature, whatever the file is called.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
        }
    }

    pub fn from_content_type(ct: &str) -> Option<FileKind> {
        match ct {
            "application/pdf" => Some(FileKind::Pdf),
            "image/png" => Some(FileKind::Png),
            "image/jpeg" => Some(FileKind::Jpeg),
            _ => None,
        }
    }
}

/// A file name safe to show and to send back in `Content-Disposition`: no folders, no
/// control characters or quotes, not too long, with the extension of what the file is.
pub fn safe_file_name(given: &str, kind: FileKind) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((s, _)) => s,
        None => base,
    };
    let clean: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '\\' | '/' | '<' | '>'))
        .take(MAX_FILE_NAME)
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    let stem = if clean.is_empty() { "van-ban" } else { clean };
    format!("{stem}.{}", kind.extension())
}

// ---------------------------------------------------------------------------------------
// What the pages receive.

/// A concern in a list or on the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernRow {
    pub id: i64,
    pub cell_id: i64,
    pub cell_name: String,
    pub household_id: Option<i64>,
    pub household: String,
    pub address: String,
    pub alley: String,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub category: Category,
    pub urgency: Urgency,
    pub state: State,
    pub body: String,
    pub raised_on: NaiveDate,
    pub state_since: NaiveDate,
    pub clock: Clock,
    pub version: i64,
}

/// One step in a concern's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: i64,
    pub step: Step,
    pub from_state: Option<State>,
    pub to_state: State,
    pub actor: Option<String>,
    pub body: String,
    pub target: Option<OutsideBody>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub on_day: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub files: Vec<FileRow>,
}

impl EventRow {
    /// Whether the step was taken by the deadline of the state it left.
    pub fn on_time(&self) -> Option<bool> {
        let day = self.on_day?;
        self.due_on.map(|due| day <= due)
    }
}

/// An attached file, without its bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub kind: FileKind,
    pub size: i64,
}

/// A concern's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernDetail {
    pub concern: ConcernRow,
    pub ward_name: String,
    pub outside_body: Option<OutsideBody>,
    pub events: Vec<EventRow>,
    /// The steps the caller may take now.
    pub steps: Vec<Step>,
    pub today: NaiveDate,
    /// The working days allowed for the state the concern is in.
    pub allowance: Option<u32>,
}

/// The filters of a cell's board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilter {
    pub category: Option<Category>,
    pub alley: Option<String>,
    pub member: Option<i64>,
    pub age: Option<AgeBucket>,
}

/// A cell's board: a column per state, and what can be filtered on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub cell_id: i64,
    pub columns: Vec<(State, Vec<ConcernRow>)>,
    pub alleys: Vec<String>,
    pub members: Vec<(i64, String)>,
    pub can_write: bool,
    /// The reader is the committee over this cell (may answer in writing).
    pub committee: bool,
    pub on_time: OnTime,
    pub overdue: i64,
    pub today: NaiveDate,
}

/// The committee's inbox: concerns referred to it from all its cells.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub ward_id: i64,
    pub ward_name: String,
    pub referred: Vec<ConcernRow>,
    /// Per cell: (cell id, name, open concerns, overdue, on-time record).
    pub cells: Vec<CellOnTime>,
    pub ward: OnTime,
    pub can_answer: bool,
    pub today: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellOnTime {
    pub cell_id: i64,
    pub name: String,
    pub open: i64,
    pub overdue: i64,
    pub on_time: OnTime,
}

/// A household that is flagged or where concerns gather.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HotHousehold {
    pub household_id: i64,
    pub head_name: String,
    pub address: String,
    pub alley: String,
    pub hot_spot: i64,
    pub open: i64,
    pub total: i64,
    pub recent: i64,
    pub last_raised: Option<NaiveDate>,
    pub member_name: Option<String>,
}

/// An alley with its concerns now and before, to see where trouble grows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HotAlley {
    pub alley: String,
    pub flagged: i64,
    pub open: i64,
    pub overdue: i64,
    /// Raised in the last 30 days, and in the 30 days before.
    pub recent: i64,
    pub previous: i64,
}

impl HotAlley {
    pub fn growing(&self) -> bool {
        self.recent > self.previous
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HotSpots {
    pub households: Vec<HotHousehold>,
    pub alleys: Vec<HotAlley>,
    pub today: NaiveDate,
}

/// A ward's calendar and deadlines, for the committee to edit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarSettings {
    pub ward_id: i64,
    pub ward_name: String,
    pub year: i32,
    pub days: Vec<CalendarDay>,
    pub deadlines: Deadlines,
    pub can_edit: bool,
    pub standard_known: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub id: i64,
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::concerns::calendar::tests::{calendar, d};
    use chrono::Datelike;

    #[test]
    fn deadlines_cross_the_year_boundary() {
        let cal = calendar(&[2026, 2027]);
        // Wednesday 30 Dec 2026 + 3: Thu 31, (Fri 1 Jan holiday), (weekend), Mon 4, Tue 5.
        assert_eq!(cal.add_working_days(d(2026, 12, 30), 3), d(2027, 1, 5));
        assert_eq!(cal.working_days_left(d(2026, 12, 30), d(2027, 1, 5)), 3);
        // Late over the boundary counts only working days.
        assert_eq!(cal.working_days_left(d(2027, 1, 5), d(2026, 12, 31)), -2);
        // Tết 2027 (6 Feb, a Saturday): eve Friday 5 Feb, days off to Tuesday 9 Feb, and
        // the weekend days give compensatory days on Wednesday 10 and Thursday 11.
        let off: Vec<NaiveDate> = standard_holidays(2027)
            .into_iter()
            .filter(|s| s.day.month() == 2)
            .map(|s| s.day)
            .collect();
        assert_eq!(
            off,
            vec![
                d(2027, 2, 5),
                d(2027, 2, 6),
                d(2027, 2, 7),
                d(2027, 2, 8),
                d(2027, 2, 9),
                d(2027, 2, 10),
                d(2027, 2, 11)
            ]
        );
        assert_eq!(cal.add_working_days(d(2027, 2, 4), 1), d(2027, 2, 12));
    }

    #[test]
    fn days_left_count_down_and_go_negative() {
        let cal = WorkCalendar::default();
        let due = d(2026, 11, 25); // Wednesday
        assert_eq!(cal.working_days_left(d(2026, 11, 23), due), 2);
        assert_eq!(cal.working_days_left(due, due), 0);
        assert_eq!(cal.working_days_left(d(2026, 11, 26), due), -1);
        // Due on a Friday, looked at on Sunday: late, even with no working day between.
        assert_eq!(cal.working_days_left(d(2026, 11, 29), d(2026, 11, 27)), -1);
        assert_eq!(Tone::of(3), Tone::OnTrack);
        assert_eq!(Tone::of(2), Tone::DueSoon);
        assert_eq!(Tone::of(0), Tone::DueSoon);
        assert_eq!(Tone::of(-1), Tone::Overdue);
    }

    #[test]
    fn the_lifecycle_goes_where_the_rules_say() {
        assert_eq!(Step::from_state(State::Raised), vec![Step::Report]);
        assert_eq!(
            Step::from_state(State::Reported),
            vec![Step::Answer, Step::Refer, Step::ReferOutside]
        );
        assert_eq!(
            Step::from_state(State::ReferredToCommittee),
            vec![Step::ReferOutside, Step::AnswerInWriting]
        );
        assert_eq!(
            Step::from_state(State::AnsweredInWriting),
            vec![Step::Inform, Step::Reopen]
        );
        assert_eq!(
            Step::from_state(State::Closed),
            vec![Step::Reopen],
            "a closed concern can only be reopened"
        );
        assert_eq!(Step::Reopen.to(), State::Reported);
        assert_eq!(
            Step::between(State::Reported, State::ReferredToCommittee),
            Some(Step::Refer)
        );
        assert_eq!(
            Step::between(State::Closed, State::Reported),
            Some(Step::Reopen)
        );
        assert_eq!(Step::between(State::Raised, State::Closed), None);
        for s in State::ALL {
            assert_eq!(State::parse(s.code()), Some(*s));
        }
        for s in Step::ALL {
            assert_eq!(Step::parse(s.code()), Some(*s));
        }
    }

    #[test]
    fn only_the_right_role_takes_each_step() {
        let member = Actor {
            responsible_member: true,
            ..Default::default()
        };
        let secretary = Actor {
            cell_writer: true,
            ..Default::default()
        };
        let committee = Actor {
            cell_writer: true,
            committee: true,
            ..Default::default()
        };
        let viewer = Actor::default();

        // Every step, every role: (step, from, member, secretary, committee).
        use State::*;
        let table: &[(Step, Option<State>, bool, bool, bool)] = &[
            (Step::Raise, None, true, true, true),
            (Step::Report, Some(Raised), true, true, true),
            (Step::Answer, Some(Reported), false, true, true),
            (Step::Refer, Some(Reported), false, true, true),
            (Step::ReferOutside, Some(Reported), false, true, true),
            (
                Step::ReferOutside,
                Some(ReferredToCommittee),
                false,
                false,
                true,
            ),
            (
                Step::AnswerInWriting,
                Some(ReferredToCommittee),
                false,
                false,
                true,
            ),
            (
                Step::RecordOutsideAnswer,
                Some(ReferredOutside),
                false,
                true,
                true,
            ),
            (Step::Inform, Some(AnsweredByCell), true, true, true),
            (Step::Inform, Some(AnsweredInWriting), true, true, true),
            (Step::Close, Some(HouseholdInformed), false, true, true),
            (Step::Reopen, Some(Closed), false, true, true),
            (Step::Reopen, Some(HouseholdInformed), false, true, true),
        ];
        for (step, from, m, s, c) in table {
            assert_eq!(
                member.may(*step, *from),
                *m,
                "member {step:?} from {from:?}"
            );
            assert_eq!(
                secretary.may(*step, *from),
                *s,
                "secretary {step:?} from {from:?}"
            );
            assert_eq!(
                committee.may(*step, *from),
                *c,
                "committee {step:?} from {from:?}"
            );
            assert!(!viewer.may(*step, *from), "viewer {step:?}");
        }
        // A step from the wrong state is refused to everyone.
        assert!(!committee.may(Step::AnswerInWriting, Some(Reported)));
        assert!(!committee.may(Step::Inform, Some(Raised)));
        assert!(!committee.may(Step::Report, None));
        assert_eq!(member.steps(Reported), vec![]);
        assert_eq!(
            secretary.steps(ReferredToCommittee),
            vec![],
            "the cell waits for the committee"
        );
    }

    #[test]
    fn deadlines_follow_the_state_and_urgency() {
        let cal = calendar(&[2026]);
        let dl = Deadlines::default();
        let monday = d(2026, 11, 23);
        assert_eq!(
            dl.due(&cal, State::Raised, Urgency::Normal, monday),
            Some(d(2026, 11, 25))
        );
        assert_eq!(
            dl.due(&cal, State::Raised, Urgency::Urgent, monday),
            Some(d(2026, 11, 24))
        );
        assert_eq!(
            dl.due(&cal, State::ReferredToCommittee, Urgency::Normal, monday),
            Some(d(2026, 12, 14))
        );
        assert_eq!(dl.due(&cal, State::Closed, Urgency::Normal, monday), None);
        assert_eq!(
            dl.due(&cal, State::HouseholdInformed, Urgency::Urgent, monday),
            None
        );
    }

    #[test]
    fn edited_deadlines_are_checked() {
        let mut a = Deadlines::default().allowances;
        assert!(Deadlines::parse(a.clone()).is_ok());
        a[0].normal = 0;
        let e = Deadlines::parse(a.clone()).unwrap_err();
        assert_eq!(e.status(), 422);
        a[0].normal = 3;
        a[0].urgent = 4;
        assert!(
            Deadlines::parse(a.clone()).is_err(),
            "urgent longer than normal"
        );
        a[0].urgent = 1;
        a.remove(1);
        let e = Deadlines::parse(a).unwrap_err();
        assert_eq!(e, AppError::invalid("reported", Problem::Required));
    }

    #[test]
    fn lists_put_the_most_late_first() {
        let c = |left: Option<i64>, age| Clock {
            age_days: age,
            due_on: None,
            days_left: left,
        };
        let mut v = [
            c(Some(3), 5),
            c(None, 50),
            c(Some(-4), 10),
            c(Some(0), 1),
            c(Some(-1), 30),
        ];
        v.sort_by(urgency_order);
        let lefts: Vec<Option<i64>> = v.iter().map(|c| c.days_left).collect();
        assert_eq!(lefts, vec![Some(-4), Some(-1), Some(0), Some(3), None]);
    }

    #[test]
    fn on_time_rates_round() {
        let mut r = OnTime::default();
        assert_eq!(r.percent(), None);
        r.add(true);
        r.add(true);
        r.add(false);
        assert_eq!(r.percent(), Some(67));
        assert_eq!(AgeBucket::of(0), AgeBucket::Week);
        assert_eq!(AgeBucket::of(8), AgeBucket::Month);
        assert_eq!(AgeBucket::of(91), AgeBucket::Older);
    }

    #[test]
    fn files_are_known_by_their_bytes_not_their_names() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(FileKind::sniff(b"<html><script>"), None);
        assert_eq!(FileKind::sniff(b"MZ\x90\x00"), None);
        assert_eq!(
            safe_file_name("C:\\Users\\a\\Công văn số 12.exe", FileKind::Pdf),
            "Công văn số 12.pdf"
        );
        assert_eq!(
            safe_file_name("../../\"evil\";.png", FileKind::Png),
            "evil.png"
        );
        assert_eq!(safe_file_name("", FileKind::Jpeg), "van-ban.jpg");
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(parse_text("body", "  a  ", 10, true).unwrap(), "a");
        assert_eq!(
            parse_text("body", "   ", 10, true).unwrap_err(),
            AppError::invalid("body", Problem::Required)
        );
        assert_eq!(parse_text("note", "", 10, false).unwrap(), "");
        assert!(parse_text("body", &"ă".repeat(11), 10, true).is_err());
        assert_eq!(parse_day("on_day", "2026-11-22").unwrap(), d(2026, 11, 22));
        assert_eq!(
            parse_day("on_day", " 2100-12-31 ").unwrap(),
            d(2100, 12, 31)
        );
        assert_eq!(parse_day("on_day", "2000-01-01").unwrap(), d(2000, 1, 1));
        assert!(parse_day("on_day", "22/11/2026").is_err());
        assert!(parse_day("on_day", "2026-02-30").is_err());
        let out_of_range = AppError::invalid(
            "day",
            Problem::DateOutOfRange {
                earliest: d(2000, 1, 1),
                latest: d(2100, 12, 31),
            },
        );
        for typed in [
            "0000-01-01",
            "1999-12-31",
            "2101-01-01",
            "9999-12-31",
            "+10000-01-01",
        ] {
            assert_eq!(
                parse_day("day", typed).unwrap_err(),
                out_of_range,
                "{typed}"
            );
        }
    }
}
