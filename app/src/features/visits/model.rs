//! Home visits: who is due, what a visit records, and how a cell's coverage is counted.
//!
//! Rules R5, R6 (a household is visited at least monthly, members living outside the
//! commune keep a non-regular bond with a monthly visit), R11 (hot spots), R12
//! (campaigns), R13 (the household's feedback about its member).

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::core::client_id::valid_client_id;
use crate::core::code_enum::code_enum;
use crate::error::{AppError, Problem};
use crate::features::concerns::model::{
    Category as ConcernCategory, State as ConcernState, Urgency,
};
use crate::features::org::model::{Address, HouseholdTag, MemberStatus};

/// A household should be visited at least once in this many days (R6: monthly).
pub const VISIT_INTERVAL_DAYS: i64 = 30;
/// A household whose next visit falls within this many days is "due soon".
pub const DUE_SOON_DAYS: i64 = 7;
/// How far back a visit may be dated (a visit noted on paper, a phone long offline).
pub const MAX_BACKDATE_DAYS: i64 = 62;
pub const MAX_NOTE_LEN: usize = 2000;
pub const MAX_FEEDBACK_LEN: usize = 1000;
pub const MAX_CONCERN_LEN: usize = 2000;
pub const MAX_CONCERNS: usize = 10;
pub const MAX_TOPICS: usize = 20;
/// Months shown on a cell's coverage page.
pub const COVERAGE_MONTHS: usize = 6;

code_enum!(
    /// How the member met the household.
    VisitKind {
        Home = "home",
        Phone = "phone",
        Elsewhere = "elsewhere",
    }
);

code_enum!(
    /// A member's bond with a household: regular, or non-regular for members living
    /// outside the commune (R5).
    BondMode {
        Regular = "regular",
        NonRegular = "non_regular",
    }
);

/// How much a household needs a visit, from the day of its last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// Nobody has recorded a visit yet.
    NeverVisited,
    /// The last visit is more than [`VISIT_INTERVAL_DAYS`] ago.
    Overdue { days_since: i64 },
    /// The next visit is due within [`DUE_SOON_DAYS`] days (0: today).
    DueSoon { days_left: i64 },
    /// Visited recently; the next visit is due in `days_left` days.
    Recent { days_since: i64, days_left: i64 },
}

impl Need {
    pub fn of(last_visit: Option<NaiveDate>, today: NaiveDate) -> Need {
        let Some(last) = last_visit else {
            return Need::NeverVisited;
        };
        let days_since = (today - last).num_days().max(0);
        let days_left = VISIT_INTERVAL_DAYS - days_since;
        if days_left < 0 {
            Need::Overdue { days_since }
        } else if days_left <= DUE_SOON_DAYS {
            Need::DueSoon { days_left }
        } else {
            Need::Recent {
                days_since,
                days_left,
            }
        }
    }

    /// 0 = most in need.
    pub fn rank(self) -> u8 {
        match self {
            Need::NeverVisited => 0,
            Need::Overdue { .. } => 1,
            Need::DueSoon { .. } => 2,
            Need::Recent { .. } => 3,
        }
    }

    /// Within a rank, the larger comes first: the longest wait, the nearest due day.
    fn urgency_within_rank(self) -> i64 {
        match self {
            Need::NeverVisited => 0,
            Need::Overdue { days_since } => days_since,
            Need::DueSoon { days_left } => -days_left,
            Need::Recent { days_since, .. } => days_since,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Need::NeverVisited => "never",
            Need::Overdue { .. } => "overdue",
            Need::DueSoon { .. } => "due_soon",
            Need::Recent { .. } => "recent",
        }
    }
}

/// Whether `day` lies in the same calendar month as `today`.
pub fn same_month(day: NaiveDate, today: NaiveDate) -> bool {
    day.year() == today.year() && day.month() == today.month()
}

/// The days at the start of a month in which its visits so far are not judged: a month
/// that has only just begun shows "tháng mới bắt đầu", not a failing rate.
pub const NEW_MONTH_DAYS: u32 = 7;

/// Whether `today` is in the first days of its month.
pub fn month_just_begun(today: NaiveDate) -> bool {
    today.day() <= NEW_MONTH_DAYS
}

/// How a month's share of households visited reads: judged by its rate, or not yet
/// (the current month in its first days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateTone {
    Ok,
    Warn,
    Alert,
    /// The month has only just begun.
    New,
}

impl RateTone {
    /// The tone of `percent` for the month starting on `month_start`, seen on `today`.
    pub fn of(percent: i64, month_start: NaiveDate, today: NaiveDate) -> Self {
        if same_month(month_start, today) && month_just_begun(today) {
            Self::New
        } else {
            Self::of_rate(percent)
        }
    }

    /// The tone of a rate over a period that is over (or judged as it stands).
    pub fn of_rate(percent: i64) -> Self {
        if percent >= 90 {
            Self::Ok
        } else if percent >= 60 {
            Self::Warn
        } else {
            Self::Alert
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Alert => "alert",
            Self::New => "new",
        }
    }
}

/// An open concern, as shown on a member's card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenConcern {
    pub id: i64,
    pub category: ConcernCategory,
    pub body: String,
    pub urgency: Urgency,
    pub state: ConcernState,
    pub raised_on: NaiveDate,
}

/// One of the households a member looks after, with what the visit card shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyHousehold {
    pub id: i64,
    pub head_name: String,
    pub address: Address,
    pub phone: String,
    pub tags: Vec<HouseholdTag>,
    pub hot_spot: i64,
    pub mode: BondMode,
    /// The day the member started looking after it (Vietnam time).
    pub since: NaiveDate,
    pub last_visit: Option<NaiveDate>,
    pub need: Need,
    pub concerns: Vec<OpenConcern>,
}

impl MyHousehold {
    pub fn urgent_concerns(&self) -> usize {
        self.concerns
            .iter()
            .filter(|c| c.urgency == Urgency::Urgent)
            .count()
    }
}

/// Orders households by need: never visited, then overdue (longest first), then due soon
/// (nearest first), then the rest (oldest visit first). Within a group, urgent concerns
/// and hot spots come first, then the household waiting longest for a first visit, then
/// the address, so the order is stable from one day to the next.
pub fn order_by_need(list: &mut [MyHousehold]) {
    list.sort_by(|a, b| {
        a.need
            .rank()
            .cmp(&b.need.rank())
            .then_with(|| {
                b.need
                    .urgency_within_rank()
                    .cmp(&a.need.urgency_within_rank())
            })
            .then_with(|| b.urgent_concerns().cmp(&a.urgent_concerns()))
            .then_with(|| b.hot_spot.cmp(&a.hot_spot))
            .then_with(|| b.concerns.len().cmp(&a.concerns.len()))
            .then_with(|| a.since.cmp(&b.since))
            .then_with(|| a.address.alley.cmp(&b.address.alley))
            .then_with(|| a.address.lane.cmp(&b.address.lane))
            .then_with(|| house_number_order(&a.address.house_no, &b.address.house_no))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// "9" before "12" before "12A".
fn house_number_order(a: &str, b: &str) -> std::cmp::Ordering {
    let num = |s: &str| -> (u64, String) {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        (
            digits.parse().unwrap_or(u64::MAX),
            s[digits.len()..].to_string(),
        )
    };
    num(a).cmp(&num(b))
}

/// A member's start page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyHouseholds {
    /// Today in Vietnam, from the server.
    pub today: NaiveDate,
    pub member_status: MemberStatus,
    /// The member keeps a non-regular bond (lives outside the commune): once a month (R5).
    pub non_regular: bool,
    pub households: Vec<MyHousehold>,
}

impl MyHouseholds {
    /// Households visited in the current calendar month.
    pub fn visited_this_month(&self) -> usize {
        self.households
            .iter()
            .filter(|h| h.last_visit.is_some_and(|d| same_month(d, self.today)))
            .count()
    }
}

/// A campaign a member may talk about at a visit (R12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub code: String,
    pub name: String,
}

/// A visit as the form sends it: every field as typed, checked by [`parse_visit`].
///
/// Field names in forms: `visit[household]`, `visit[topics][0]`,
/// `visit[concerns][0][body]`, …
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitInput {
    /// Made on the phone; a resend with the same id stores nothing new.
    #[serde(default)]
    pub client_id: String,
    pub household: i64,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub note: String,
    /// `"true"` when mediation was done.
    #[serde(default)]
    pub mediation: String,
    /// Empty: not assessed (the household's flag stays as it is); `0`–`3` otherwise.
    #[serde(default)]
    pub hot_spot: String,
    #[serde(default)]
    pub feedback: String,
    /// Empty, or `1`–`5`.
    #[serde(default)]
    pub feedback_rating: String,
    #[serde(default)]
    pub concerns: Vec<ConcernInput>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernInput {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub body: String,
    /// `"urgent"` or empty.
    #[serde(default)]
    pub urgency: String,
}

/// A checked visit, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVisit {
    pub client_id: String,
    pub household_id: i64,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub topics: Vec<String>,
    pub note: String,
    pub mediation: bool,
    pub hot_spot: Option<i64>,
    pub feedback: String,
    pub feedback_rating: Option<i64>,
    pub concerns: Vec<NewConcern>,
}

/// A concern raised at a visit, entering the concern process as `raised`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConcern {
    pub client_id: String,
    pub category: ConcernCategory,
    pub body: String,
    pub urgency: Urgency,
}

/// The earliest and latest day a visit may carry, seen from `today`.
pub fn visit_date_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - Duration::days(MAX_BACKDATE_DAYS), today)
}

fn text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            Problem::TooLong { max: max as u32 },
        ));
    }
    Ok(v.to_string())
}

fn number_in(field: &str, value: &str, min: i64, max: i64) -> Result<Option<i64>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(AppError::invalid(field, Problem::OutOfRange { min, max })),
    }
}

/// Checks a visit as typed, against today (server time, Vietnam) and the campaigns the
/// household's cell runs. Empty concern rows (no category, no text) are left out.
pub fn parse_visit(
    input: &VisitInput,
    today: NaiveDate,
    campaigns: &[Campaign],
) -> Result<NewVisit, AppError> {
    let client_id = input.client_id.trim().to_string();
    if client_id.is_empty() {
        return Err(AppError::invalid("client_id", Problem::Required));
    }
    if !valid_client_id(&client_id) {
        return Err(AppError::invalid("client_id", Problem::BadFormat));
    }
    let date = input.visited_on.trim();
    if date.is_empty() {
        return Err(AppError::invalid("visited_on", Problem::Required));
    }
    let visited_on = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| AppError::invalid("visited_on", Problem::BadFormat))?;
    let (earliest, latest) = visit_date_range(today);
    if visited_on < earliest || visited_on > latest {
        return Err(AppError::invalid(
            "visited_on",
            Problem::DateOutOfRange { earliest, latest },
        ));
    }
    let kind = match input.kind.trim() {
        "" => VisitKind::Home,
        k => {
            VisitKind::parse(k).ok_or_else(|| AppError::invalid("kind", Problem::UnknownChoice))?
        }
    };
    if input.topics.len() > MAX_TOPICS {
        return Err(AppError::invalid(
            "topics",
            Problem::TooLong {
                max: MAX_TOPICS as u32,
            },
        ));
    }
    let mut topics: Vec<String> = Vec::new();
    for t in &input.topics {
        let t = t.trim();
        if t.is_empty() || topics.iter().any(|x| x == t) {
            continue;
        }
        if !campaigns.iter().any(|c| c.code == t) {
            return Err(AppError::invalid("topics", Problem::UnknownChoice));
        }
        topics.push(t.to_string());
    }
    let note = text("note", &input.note, MAX_NOTE_LEN)?;
    let mediation = match input.mediation.trim() {
        "" | "false" => false,
        "true" | "on" => true,
        _ => return Err(AppError::invalid("mediation", Problem::UnknownChoice)),
    };
    let hot_spot = number_in("hot_spot", &input.hot_spot, 0, 3)?;
    let feedback = text("feedback", &input.feedback, MAX_FEEDBACK_LEN)?;
    let feedback_rating = number_in("feedback_rating", &input.feedback_rating, 1, 5)?;

    let mut concerns = Vec::new();
    for (i, c) in input.concerns.iter().enumerate() {
        let category = c.category.trim();
        let body = c.body.trim();
        if category.is_empty() && body.is_empty() {
            continue;
        }
        let category = if category.is_empty() {
            return Err(AppError::invalid("concern_category", Problem::Required));
        } else {
            ConcernCategory::parse(category)
                .ok_or_else(|| AppError::invalid("concern_category", Problem::UnknownChoice))?
        };
        if body.is_empty() {
            return Err(AppError::invalid("concern_body", Problem::Required));
        }
        let body = text("concern_body", body, MAX_CONCERN_LEN)?;
        let urgency = match c.urgency.trim() {
            "" | "normal" => Urgency::Normal,
            "urgent" | "true" | "on" => Urgency::Urgent,
            _ => return Err(AppError::invalid("concern_urgency", Problem::UnknownChoice)),
        };
        // A concern without an id of its own gets one derived from the visit's, so that
        // a resend still finds it.
        let own = c.client_id.trim();
        let concern_id = if own.is_empty() {
            format!("{client_id}:c{i}")
        } else if valid_client_id(own) {
            own.to_string()
        } else {
            return Err(AppError::invalid("client_id", Problem::BadFormat));
        };
        if concern_id == client_id
            || concerns
                .iter()
                .any(|x: &NewConcern| x.client_id == concern_id)
        {
            return Err(AppError::invalid("client_id", Problem::BadFormat));
        }
        concerns.push(NewConcern {
            client_id: concern_id,
            category,
            body,
            urgency,
        });
    }
    if concerns.len() > MAX_CONCERNS {
        return Err(AppError::invalid(
            "concerns",
            Problem::TooLong {
                max: MAX_CONCERNS as u32,
            },
        ));
    }
    Ok(NewVisit {
        client_id,
        household_id: input.household,
        visited_on,
        kind,
        topics,
        note,
        mediation,
        hot_spot,
        feedback,
        feedback_rating,
        concerns,
    })
}

/// A visit as stored: what logging a visit answers, the first time and on every resend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVisit {
    pub id: i64,
    pub client_id: String,
    pub household_id: i64,
    pub member_id: i64,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub topics: Vec<String>,
    pub note: String,
    pub mediation: bool,
    pub hot_spot: i64,
    pub feedback: String,
    pub feedback_rating: Option<i64>,
    /// The concerns raised at this visit, by id.
    pub concerns: Vec<i64>,
}

/// The stored form of a list of codes: `",a,b,"`, so that `LIKE '%,a,%'` finds one.
pub fn codes_to_stored(codes: &[String]) -> String {
    if codes.is_empty() {
        return String::new();
    }
    format!(",{},", codes.join(","))
}

pub fn codes_from_stored(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// A visit on a household's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEntry {
    pub id: i64,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub member_id: i64,
    pub member_name: String,
    /// Campaign names (or codes of campaigns no longer known).
    pub topics: Vec<String>,
    pub note: String,
    pub mediation: bool,
    pub hot_spot: i64,
    pub feedback: String,
    pub feedback_rating: Option<i64>,
    pub concerns: i64,
}

/// One step of a concern: raised, reported, answered, …
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernStep {
    pub step: String,
    pub to_state: ConcernState,
    pub body: String,
    pub on: NaiveDate,
}

/// A concern of a household with every step it took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernThread {
    pub id: i64,
    pub category: ConcernCategory,
    pub body: String,
    pub urgency: Urgency,
    pub state: ConcernState,
    pub raised_on: NaiveDate,
    pub member_name: Option<String>,
    pub steps: Vec<ConcernStep>,
}

/// Something that happened to a household, newest first on its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineEntry {
    Visit(VisitEntry),
    Concern {
        on: NaiveDate,
        concern_id: i64,
        category: ConcernCategory,
        /// The concern's text on its first step, the step's note after that.
        text: String,
        step: String,
        state: ConcernState,
    },
    Responsibility {
        on: NaiveDate,
        member_id: i64,
        member_name: String,
        started: bool,
        reason: String,
    },
}

impl TimelineEntry {
    pub fn on(&self) -> NaiveDate {
        match self {
            TimelineEntry::Visit(v) => v.visited_on,
            TimelineEntry::Concern { on, .. } | TimelineEntry::Responsibility { on, .. } => *on,
        }
    }

    /// On one day: who took over first, then the visit, then what was raised at it.
    fn order_in_day(&self) -> u8 {
        match self {
            TimelineEntry::Responsibility { started: false, .. } => 0,
            TimelineEntry::Responsibility { started: true, .. } => 1,
            TimelineEntry::Visit(_) => 2,
            TimelineEntry::Concern { .. } => 3,
        }
    }
}

/// Newest day first; within a day, the later event first.
pub fn sort_timeline(entries: &mut [TimelineEntry]) {
    entries.sort_by(|a, b| {
        b.on()
            .cmp(&a.on())
            .then_with(|| b.order_in_day().cmp(&a.order_in_day()))
    });
}

/// The visit part of a household's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdVisits {
    /// Today in Vietnam, from the server.
    pub today: NaiveDate,
    /// The caller looks after this household now and may log a visit.
    pub can_log: bool,
    /// The campaigns of the household's cell running today.
    pub campaigns: Vec<Campaign>,
    pub hot_spot: i64,
    pub need: Need,
    pub concerns: Vec<ConcernThread>,
    pub timeline: Vec<TimelineEntry>,
    /// The timeline was cut to its newest entries.
    pub truncated: bool,
}

/// How many entries a household's page shows.
pub const TIMELINE_LIMIT: usize = 150;

/// A member who has not visited anyone for 30 days or more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietMember {
    pub id: i64,
    pub full_name: String,
    pub status: MemberStatus,
    pub households: i64,
    pub last_visit: Option<NaiveDate>,
}

/// One month of a cell's visits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCoverage {
    pub year: i32,
    pub month: u32,
    /// Households someone looked after during the month.
    pub due: i64,
    /// Of those, households visited during the month.
    pub visited: i64,
    pub visits: i64,
    pub concerns: i64,
}

/// A cell's visit coverage, for its secretary and the committee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellCoverage {
    pub today: NaiveDate,
    /// This month, as in `months[0]`.
    pub due: i64,
    pub visited: i64,
    /// Households looked after now and never visited.
    pub never_visited: i64,
    /// Households looked after now, last visited more than 30 days ago.
    pub overdue: i64,
    pub quiet_members: Vec<QuietMember>,
    /// Newest month first.
    pub months: Vec<MonthCoverage>,
}

/// The first day of the month `back` months before `today`'s.
pub fn month_start(today: NaiveDate, back: u32) -> NaiveDate {
    let index = today.year() * 12 + today.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(today)
}

/// The last day of the month starting on `start`.
pub fn month_end(start: NaiveDate) -> NaiveDate {
    let next = if start.month() == 12 {
        NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
    };
    next.map_or(start, |n| n - Duration::days(1))
}

/// An assignment of a household to a member, as days in Vietnam.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub household_id: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Month by month, newest first: households due (looked after at some time in the
/// month), those of them visited in the month, visits and concerns raised.
pub fn month_by_month(
    today: NaiveDate,
    months: usize,
    spans: &[Span],
    visits: &[(i64, NaiveDate)],
    concerns_raised: &[NaiveDate],
) -> Vec<MonthCoverage> {
    use std::collections::HashSet;
    (0..months as u32)
        .map(|back| {
            let start = month_start(today, back);
            let end = month_end(start).min(today);
            let due: HashSet<i64> = spans
                .iter()
                .filter(|s| s.from <= end && s.to.is_none_or(|t| t >= start))
                .map(|s| s.household_id)
                .collect();
            let in_month: Vec<&(i64, NaiveDate)> = visits
                .iter()
                .filter(|(_, d)| *d >= start && *d <= end)
                .collect();
            let visited: HashSet<i64> = in_month
                .iter()
                .map(|(h, _)| *h)
                .filter(|h| due.contains(h))
                .collect();
            MonthCoverage {
                year: start.year(),
                month: start.month(),
                due: due.len() as i64,
                visited: visited.len() as i64,
                visits: in_month.len() as i64,
                concerns: concerns_raised
                    .iter()
                    .filter(|d| **d >= start && **d <= end)
                    .count() as i64,
            }
        })
        .collect()
}

/// Whether a member's last visit makes them "quiet": none at all, or 30 days or more ago.
pub fn is_quiet(last_visit: Option<NaiveDate>, today: NaiveDate) -> bool {
    last_visit.is_none_or(|d| (today - d).num_days() >= VISIT_INTERVAL_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2026, 11, 22)
    }

    fn household(id: i64, last_visit: Option<NaiveDate>) -> MyHousehold {
        MyHousehold {
            id,
            head_name: format!("Hộ {id}"),
            address: Address {
                area: "Tổ dân phố 1".into(),
                alley: "Ngõ 5 Trần Phú".into(),
                lane: String::new(),
                house_no: id.to_string(),
            },
            phone: String::new(),
            tags: vec![],
            hot_spot: 0,
            mode: BondMode::Regular,
            since: day(2025, 1, 1),
            last_visit,
            need: Need::of(last_visit, today()),
            concerns: vec![],
        }
    }

    fn ago(days: i64) -> Option<NaiveDate> {
        Some(today() - Duration::days(days))
    }

    fn ids(list: &[MyHousehold]) -> Vec<i64> {
        list.iter().map(|h| h.id).collect()
    }

    #[test]
    fn need_follows_the_monthly_rule() {
        assert_eq!(Need::of(None, today()), Need::NeverVisited);
        assert_eq!(Need::of(ago(31), today()), Need::Overdue { days_since: 31 });
        assert_eq!(Need::of(ago(30), today()), Need::DueSoon { days_left: 0 });
        assert_eq!(Need::of(ago(23), today()), Need::DueSoon { days_left: 7 });
        assert_eq!(
            Need::of(ago(22), today()),
            Need::Recent {
                days_since: 22,
                days_left: 8
            }
        );
        assert_eq!(
            Need::of(ago(0), today()),
            Need::Recent {
                days_since: 0,
                days_left: 30
            }
        );
        // A visit dated after today (a server clock set back) counts as today.
        assert_eq!(
            Need::of(Some(today() + Duration::days(2)), today()),
            Need::Recent {
                days_since: 0,
                days_left: 30
            }
        );
    }

    #[test]
    fn never_visited_then_overdue_then_due_soon_then_the_rest() {
        let mut list = vec![
            household(1, ago(3)),
            household(2, ago(40)),
            household(3, None),
            household(4, ago(26)),
            household(5, ago(95)),
            household(6, ago(29)),
            household(7, ago(15)),
            household(8, None),
        ];
        order_by_need(&mut list);
        // Never visited (by address), overdue longest first, due soonest first, then the
        // others oldest visit first.
        assert_eq!(ids(&list), vec![3, 8, 5, 2, 6, 4, 7, 1]);
    }

    #[test]
    fn within_a_group_urgent_concerns_and_hot_spots_come_first() {
        let concern = |urgency| OpenConcern {
            id: 1,
            category: ConcernCategory::Security,
            body: "Ồn ào ban đêm".into(),
            urgency,
            state: ConcernState::Raised,
            raised_on: today(),
        };
        let mut a = household(1, None);
        a.concerns = vec![concern(Urgency::Normal)];
        let mut b = household(2, None);
        b.hot_spot = 2;
        let mut c = household(3, None);
        c.concerns = vec![concern(Urgency::Urgent)];
        let d = household(4, None);
        let mut e = household(5, None);
        e.since = day(2024, 6, 1);
        let mut list = vec![d, a, b, c, e];
        order_by_need(&mut list);
        assert_eq!(ids(&list), vec![3, 2, 1, 5, 4]);
    }

    #[test]
    fn the_same_overdue_days_fall_back_to_the_address() {
        let mut a = household(12, ago(45));
        a.address.house_no = "12".into();
        let mut b = household(9, ago(45));
        b.address.house_no = "9".into();
        let mut c = household(13, ago(45));
        c.address.house_no = "12A".into();
        let mut list = vec![c, a, b];
        order_by_need(&mut list);
        assert_eq!(ids(&list), vec![9, 12, 13]);
    }

    #[test]
    fn a_month_in_its_first_days_is_not_judged() {
        let first = day(2026, 12, 1);
        assert!(month_just_begun(first));
        assert!(month_just_begun(day(2026, 12, 7)));
        assert!(!month_just_begun(day(2026, 12, 8)));
        // This month on its first day: not judged, even at 0 %.
        assert_eq!(RateTone::of(0, day(2026, 12, 1), first), RateTone::New);
        // Last month is judged as it ended.
        assert_eq!(RateTone::of(0, day(2026, 11, 1), first), RateTone::Alert);
        assert_eq!(RateTone::of(75, day(2026, 11, 1), first), RateTone::Warn);
        assert_eq!(RateTone::of(95, day(2026, 11, 1), first), RateTone::Ok);
        // Later in the month, the month is judged.
        assert_eq!(
            RateTone::of(10, day(2026, 12, 1), day(2026, 12, 20)),
            RateTone::Alert
        );
        // 29 February and 31 December are ordinary days of their month.
        assert_eq!(
            RateTone::of(10, day(2028, 2, 1), day(2028, 2, 29)),
            RateTone::Alert
        );
        assert_eq!(
            RateTone::of(10, day(2027, 1, 1), day(2027, 1, 1)),
            RateTone::New
        );
    }

    #[test]
    fn visits_this_month_are_counted_by_calendar_month() {
        let mine = MyHouseholds {
            today: today(),
            member_status: MemberStatus::OutsideCommune,
            non_regular: true,
            households: vec![
                household(1, Some(day(2026, 11, 1))),
                household(2, Some(day(2026, 10, 31))),
                household(3, None),
            ],
        };
        assert_eq!(mine.visited_this_month(), 1);
    }

    fn input() -> VisitInput {
        VisitInput {
            client_id: "0b7c6a1e-2f4d-4c3b-9a8e-1d2c3b4a5f60".into(),
            household: 7,
            visited_on: "2026-11-22".into(),
            ..Default::default()
        }
    }

    fn campaigns() -> Vec<Campaign> {
        vec![
            Campaign {
                code: "cultured_family".into(),
                name: "Gia đình văn hóa".into(),
            },
            Campaign {
                code: "crime_prevention".into(),
                name: "Phòng chống tội phạm".into(),
            },
        ]
    }

    fn refused(i: VisitInput) -> (String, Problem) {
        match parse_visit(&i, today(), &campaigns()).unwrap_err() {
            AppError::Invalid { field, problem } => (field, problem),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_three_tap_visit_needs_only_an_id_a_household_and_a_day() {
        let v = parse_visit(&input(), today(), &campaigns()).unwrap();
        assert_eq!(v.kind, VisitKind::Home);
        assert_eq!(v.visited_on, today());
        assert_eq!(v.hot_spot, None, "not assessed: the household's flag stays");
        assert!(v.concerns.is_empty() && v.topics.is_empty() && !v.mediation);
    }

    #[test]
    fn a_full_visit_is_parsed_with_its_concerns() {
        let mut i = input();
        i.kind = "phone".into();
        i.topics = vec![
            "cultured_family".into(),
            "".into(),
            "cultured_family".into(),
            "crime_prevention".into(),
        ];
        i.note = "  Gia đình khỏe, con đi học đều.  ".into();
        i.mediation = "true".into();
        i.hot_spot = "2".into();
        i.feedback = "Đảng viên nhiệt tình".into();
        i.feedback_rating = "5".into();
        i.concerns = vec![
            ConcernInput {
                client_id: "c-1-aaaaaaaa".into(),
                category: "infrastructure".into(),
                body: "Đèn đường hỏng".into(),
                urgency: "urgent".into(),
            },
            ConcernInput::default(),
            ConcernInput {
                category: "environment".into(),
                body: "Rác tập kết sai giờ".into(),
                ..Default::default()
            },
        ];
        let v = parse_visit(&i, today(), &campaigns()).unwrap();
        assert_eq!(v.kind, VisitKind::Phone);
        assert_eq!(v.topics, vec!["cultured_family", "crime_prevention"]);
        assert_eq!(v.note, "Gia đình khỏe, con đi học đều.");
        assert!(v.mediation);
        assert_eq!(v.hot_spot, Some(2));
        assert_eq!(v.feedback_rating, Some(5));
        assert_eq!(v.concerns.len(), 2, "the empty row is left out");
        assert_eq!(v.concerns[0].urgency, Urgency::Urgent);
        assert_eq!(v.concerns[0].client_id, "c-1-aaaaaaaa");
        assert_eq!(
            v.concerns[1].client_id,
            format!("{}:c2", i.client_id),
            "an id derived from the visit's"
        );
        assert_eq!(v.concerns[1].urgency, Urgency::Normal);
    }

    #[test]
    fn bad_input_names_its_field() {
        let mut i = input();
        i.client_id = String::new();
        assert_eq!(refused(i).0, "client_id");
        let mut i = input();
        i.client_id = "short".into();
        assert_eq!(refused(i).0, "client_id");
        let mut i = input();
        i.client_id = "has spaces in it".into();
        assert_eq!(refused(i).0, "client_id");

        let mut i = input();
        i.visited_on = "22/11/2026".into();
        assert_eq!(refused(i), ("visited_on".into(), Problem::BadFormat));
        let mut i = input();
        i.visited_on = "2026-11-23".into();
        let (earliest, latest) = visit_date_range(today());
        assert_eq!(
            refused(i),
            (
                "visited_on".into(),
                Problem::DateOutOfRange { earliest, latest }
            ),
            "no visits in the future"
        );
        let mut i = input();
        i.visited_on = (today() - Duration::days(MAX_BACKDATE_DAYS + 1)).to_string();
        assert_eq!(refused(i).0, "visited_on");
        let mut i = input();
        i.visited_on = (today() - Duration::days(MAX_BACKDATE_DAYS)).to_string();
        assert!(parse_visit(&i, today(), &campaigns()).is_ok());

        let mut i = input();
        i.kind = "letter".into();
        assert_eq!(refused(i), ("kind".into(), Problem::UnknownChoice));
        let mut i = input();
        i.topics = vec!["new_rural_area".into()];
        assert_eq!(
            refused(i),
            ("topics".into(), Problem::UnknownChoice),
            "not a campaign of this cell"
        );
        let mut i = input();
        i.note = "ă".repeat(MAX_NOTE_LEN + 1);
        assert_eq!(
            refused(i),
            (
                "note".into(),
                Problem::TooLong {
                    max: MAX_NOTE_LEN as u32
                }
            )
        );
        let mut i = input();
        i.note = "ă".repeat(MAX_NOTE_LEN);
        assert!(
            parse_visit(&i, today(), &campaigns()).is_ok(),
            "characters, not bytes"
        );
        let mut i = input();
        i.hot_spot = "4".into();
        assert_eq!(refused(i).0, "hot_spot");
        let mut i = input();
        i.feedback_rating = "0".into();
        assert_eq!(refused(i).0, "feedback_rating");
        let mut i = input();
        i.mediation = "maybe".into();
        assert_eq!(refused(i).0, "mediation");
    }

    #[test]
    fn half_filled_concerns_are_refused() {
        let mut i = input();
        i.concerns = vec![ConcernInput {
            body: "Cống tắc".into(),
            ..Default::default()
        }];
        assert_eq!(refused(i), ("concern_category".into(), Problem::Required));
        let mut i = input();
        i.concerns = vec![ConcernInput {
            category: "environment".into(),
            body: "   ".into(),
            ..Default::default()
        }];
        assert_eq!(refused(i), ("concern_body".into(), Problem::Required));
        let mut i = input();
        i.concerns = vec![ConcernInput {
            category: "weather".into(),
            body: "Mưa".into(),
            ..Default::default()
        }];
        assert_eq!(refused(i).0, "concern_category");
        let mut i = input();
        i.concerns = (0..=MAX_CONCERNS)
            .map(|_| ConcernInput {
                category: "other".into(),
                body: "Ý kiến".into(),
                ..Default::default()
            })
            .collect();
        assert_eq!(refused(i).0, "concerns");
        let mut i = input();
        i.concerns = vec![
            ConcernInput {
                client_id: "same-id-1234".into(),
                category: "other".into(),
                body: "Một".into(),
                ..Default::default()
            },
            ConcernInput {
                client_id: "same-id-1234".into(),
                category: "other".into(),
                body: "Hai".into(),
                ..Default::default()
            },
        ];
        assert_eq!(refused(i).0, "client_id", "two concerns, one id");
    }

    #[test]
    fn codes_are_stored_between_commas() {
        let codes = vec![
            "cultured_family".to_string(),
            "crime_prevention".to_string(),
        ];
        let s = codes_to_stored(&codes);
        assert_eq!(s, ",cultured_family,crime_prevention,");
        assert_eq!(codes_from_stored(&s), codes);
        assert_eq!(codes_to_stored(&[]), "");
        assert!(codes_from_stored("").is_empty());
    }

    #[test]
    fn months_are_counted_back_across_the_year() {
        assert_eq!(month_start(today(), 0), day(2026, 11, 1));
        assert_eq!(month_start(today(), 10), day(2026, 1, 1));
        assert_eq!(month_start(today(), 11), day(2025, 12, 1));
        assert_eq!(month_start(today(), 23), day(2024, 12, 1));
        assert_eq!(month_end(day(2026, 2, 1)), day(2026, 2, 28));
        assert_eq!(month_end(day(2024, 2, 1)), day(2024, 2, 29));
        assert_eq!(month_end(day(2026, 12, 1)), day(2026, 12, 31));
    }

    #[test]
    fn coverage_counts_due_and_visited_households_per_month() {
        let spans = [
            // Looked after all along.
            Span {
                household_id: 1,
                from: day(2025, 1, 1),
                to: None,
            },
            // Handed over in October: two spans, one household.
            Span {
                household_id: 2,
                from: day(2025, 1, 1),
                to: Some(day(2026, 10, 10)),
            },
            Span {
                household_id: 2,
                from: day(2026, 10, 11),
                to: None,
            },
            // Taken on in November.
            Span {
                household_id: 3,
                from: day(2026, 11, 5),
                to: None,
            },
            // Given up in September.
            Span {
                household_id: 4,
                from: day(2025, 1, 1),
                to: Some(day(2026, 9, 2)),
            },
        ];
        let visits = [
            (1, day(2026, 11, 2)),
            (1, day(2026, 11, 20)),
            (2, day(2026, 10, 12)),
            (4, day(2026, 10, 15)), // nobody's household then: a visit, not coverage
            (3, day(2026, 11, 6)),
        ];
        let concerns = [day(2026, 11, 2), day(2026, 9, 30)];
        let months = month_by_month(today(), 3, &spans, &visits, &concerns);
        assert_eq!(
            months,
            vec![
                MonthCoverage {
                    year: 2026,
                    month: 11,
                    due: 3,
                    visited: 2,
                    visits: 3,
                    concerns: 1
                },
                MonthCoverage {
                    year: 2026,
                    month: 10,
                    due: 2,
                    visited: 1,
                    visits: 2,
                    concerns: 0
                },
                MonthCoverage {
                    year: 2026,
                    month: 9,
                    due: 3,
                    visited: 0,
                    visits: 0,
                    concerns: 1
                },
            ]
        );
    }

    #[test]
    fn quiet_members_have_not_visited_for_thirty_days() {
        assert!(is_quiet(None, today()));
        assert!(is_quiet(Some(today() - Duration::days(30)), today()));
        assert!(!is_quiet(Some(today() - Duration::days(29)), today()));
    }

    #[test]
    fn the_timeline_reads_newest_first() {
        let visit = |id, on| {
            TimelineEntry::Visit(VisitEntry {
                id,
                visited_on: on,
                kind: VisitKind::Home,
                member_id: 1,
                member_name: "A".into(),
                topics: vec![],
                note: String::new(),
                mediation: false,
                hot_spot: 0,
                feedback: String::new(),
                feedback_rating: None,
                concerns: 1,
            })
        };
        let raised = TimelineEntry::Concern {
            on: day(2026, 11, 2),
            concern_id: 1,
            category: ConcernCategory::Other,
            text: "x".into(),
            step: "raise".into(),
            state: ConcernState::Raised,
        };
        let took_over = TimelineEntry::Responsibility {
            on: day(2026, 11, 2),
            member_id: 1,
            member_name: "A".into(),
            started: true,
            reason: String::new(),
        };
        let mut t = vec![
            took_over.clone(),
            visit(1, day(2026, 10, 1)),
            raised.clone(),
            visit(2, day(2026, 11, 2)),
        ];
        sort_timeline(&mut t);
        assert_eq!(t[0], raised);
        assert!(matches!(&t[1], TimelineEntry::Visit(v) if v.id == 2));
        assert_eq!(t[2], took_over);
        assert!(matches!(&t[3], TimelineEntry::Visit(v) if v.id == 1));
    }

    #[test]
    fn concerns_are_open_until_closed() {
        assert!(ConcernState::Raised.is_open());
        assert!(ConcernState::HouseholdInformed.is_open());
        assert!(!ConcernState::Closed.is_open());
    }
}
