//! The phone's outbox: the visits a member makes on the phone, kept there until the server
//! has them. A visit is kept first (under the id the phone gave it), then sent; without a
//! network it waits and goes by itself when the network returns. The server stores a visit
//! once per id, so a resend or a double tap never stores it twice. A visit the server
//! refuses stays with the reason until the member corrects or deletes it: nothing is
//! dropped silently.
//!
//! This file holds what the outbox is and decides, shared by the browser and the tests;
//! the browser's storage and sending are in `outbox_browser`, its views in `outbox_view`.

use serde::{Deserialize, Serialize};

use super::model::{ConcernInput, VisitInput, VisitKind};
use crate::error::AppError;

/// One visit kept on the phone. Stored as it is in the phone's database (IndexedDB
/// `ganbo`, store `outbox`, keyed by `client_id`, indexed by `user`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub client_id: String,
    /// The signed-in person who made it: a phone shared by two members keeps each one's.
    pub user: i64,
    pub household: i64,
    /// The household's name, to list the visit on the start page.
    pub label: String,
    /// What the server is sent, exactly as the form gave it.
    pub visit: VisitInput,
    /// The visit's day and kind, its note and how many concerns it raises: what the list
    /// shows without reading `visit`.
    pub date: String,
    pub kind: String,
    pub note: String,
    pub concerns: usize,
    pub state: EntryState,
    pub error: Option<Failure>,
    /// When it was kept, in milliseconds since 1970: the outbox sends the oldest first.
    pub created: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    /// Not sent yet: goes by itself.
    Waiting,
    /// The server would not take it: waits for the member to correct or delete it.
    Refused,
}

/// Why the last try to send a visit did not store it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Failure {
    /// The member's session has ended: sent once they sign in again.
    Signin,
    /// The server had trouble: tried again later.
    Server,
    /// The server refused it, with its reason.
    Refused { body: AppError },
}

/// What one try to send a visit came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The server has it: it leaves the outbox.
    Sent,
    /// It stays and is tried again later, with this failure to show (none: no network).
    Later(Option<Failure>),
    /// It stays until the member corrects or deletes it.
    Refused(AppError),
}

impl Outcome {
    /// What the server's answer to a visit means for the phone.
    pub fn of<T>(answer: Result<T, AppError>) -> Self {
        match answer {
            Ok(_) => Self::Sent,
            // No answer at all, or one that is not the server's (a proxy's error page).
            Err(AppError::Transport(_)) => Self::Later(None),
            Err(AppError::Unauthenticated) => Self::Later(Some(Failure::Signin)),
            Err(AppError::Internal | AppError::Busy { .. } | AppError::TooManyAttempts { .. }) => {
                Self::Later(Some(Failure::Server))
            }
            Err(
                err @ (AppError::Forbidden
                | AppError::NotFound
                | AppError::Invalid { .. }
                | AppError::Conflict
                | AppError::BadCredentials),
            ) => Self::Refused(err),
        }
    }
}

impl Entry {
    /// A visit as the form gave it, to keep under its id. `created` is when it was first
    /// kept (a corrected visit keeps its place in the queue).
    pub fn new(user: i64, label: String, visit: VisitInput, created: f64) -> Self {
        let kind = match visit.kind.trim() {
            "" => VisitKind::Home.code().to_string(),
            k => k.to_string(),
        };
        Self {
            client_id: visit.client_id.clone(),
            user,
            household: visit.household,
            label,
            date: visit.visited_on.clone(),
            kind,
            note: visit.note.trim().to_string(),
            concerns: visit
                .concerns
                .iter()
                .filter(|c| !c.body.trim().is_empty())
                .count(),
            visit,
            state: EntryState::Waiting,
            error: None,
            created,
        }
    }

    /// The entry after a try that did not store it.
    pub fn after(mut self, outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Sent => {}
            Outcome::Later(None) => self.state = EntryState::Waiting,
            Outcome::Later(Some(f)) => {
                self.state = EntryState::Waiting;
                self.error = Some(f.clone());
            }
            Outcome::Refused(err) => {
                self.state = EntryState::Refused;
                self.error = Some(Failure::Refused { body: err.clone() });
            }
        }
        self
    }

    /// The day as 22/11/2026 (as typed if it is not a date).
    pub fn day(&self) -> String {
        chrono::NaiveDate::parse_from_str(&self.date, "%Y-%m-%d")
            .map(crate::ui::format::date)
            .unwrap_or_else(|_| self.date.clone())
    }
}

/// Gives a visit the ids it is sent with: its own, and one per concern made from it, so
/// that the same visit sent again carries the same ids for its concerns too.
pub fn with_ids(mut visit: VisitInput, client_id: &str) -> VisitInput {
    visit.client_id = client_id.to_string();
    for (i, c) in visit.concerns.iter_mut().enumerate() {
        c.client_id = format!("{client_id}:c{i}");
    }
    visit
}

/// The form's fields that hold this visit, by name, for putting a kept visit back into the
/// form to be corrected. Topics are named by the campaign's place in the form, so they are
/// matched by value (see [`TOPICS`]).
pub fn form_fields(visit: &VisitInput) -> Vec<(String, String)> {
    let mut fields = vec![
        ("visit[visited_on]".to_string(), visit.visited_on.clone()),
        ("visit[kind]".to_string(), visit.kind.clone()),
        ("visit[note]".to_string(), visit.note.clone()),
        ("visit[mediation]".to_string(), visit.mediation.clone()),
        ("visit[hot_spot]".to_string(), visit.hot_spot.clone()),
        ("visit[feedback]".to_string(), visit.feedback.clone()),
        (
            "visit[feedback_rating]".to_string(),
            visit.feedback_rating.clone(),
        ),
    ];
    fields.extend(visit.topics.iter().map(|t| (TOPICS.to_string(), t.clone())));
    for (i, c) in visit.concerns.iter().enumerate() {
        let ConcernInput {
            category,
            body,
            urgency,
            ..
        } = c;
        for (field, value) in [("category", category), ("body", body), ("urgency", urgency)] {
            fields.push((concern_field(i, field), value.clone()));
        }
    }
    fields
}

/// The name every topic is listed under by [`form_fields`].
pub const TOPICS: &str = "visit[topics]";

/// `visit[concerns][2][body]`
pub fn concern_field(index: usize, field: &str) -> String {
    format!("visit[concerns][{index}][{field}]")
}

/// Today in Vietnam (UTC+7 all year) at this many milliseconds since 1970.
pub fn vietnam_day(millis: f64) -> Option<chrono::NaiveDate> {
    let at = chrono::DateTime::from_timestamp_millis(millis as i64)?;
    Some((at + chrono::Duration::hours(7)).date_naive())
}

/// The day a new visit carries: the page's, or the phone's when the page was kept from an
/// earlier day.
pub fn default_day(page: chrono::NaiveDate, phone: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    phone.map_or(page, |p| p.max(page))
}

/// A random (version 4) UUID from 16 random bytes, as 8-4-4-4-12 hex digits.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;

    fn visit() -> VisitInput {
        VisitInput {
            client_id: "c-1234567".into(),
            household: 7,
            visited_on: "2026-11-22".into(),
            note: "  hỏi thăm  ".into(),
            topics: vec!["ATGT".into()],
            concerns: vec![
                ConcernInput {
                    body: "Đèn đường hỏng".into(),
                    category: "infrastructure".into(),
                    ..Default::default()
                },
                ConcernInput::default(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn an_entry_says_what_it_holds() {
        let e = Entry::new(3, "Nguyễn Văn A".into(), visit(), 5.0);
        assert_eq!(e.client_id, "c-1234567");
        assert_eq!(e.household, 7);
        assert_eq!(e.kind, "home");
        assert_eq!(e.note, "hỏi thăm");
        assert_eq!(e.concerns, 1, "a blank concern row is not a concern");
        assert_eq!(e.day(), "22/11/2026");
        assert_eq!(e.state, EntryState::Waiting);
    }

    #[test]
    fn the_servers_answer_decides_what_stays() {
        assert_eq!(Outcome::of(Ok(())), Outcome::Sent);
        assert_eq!(
            Outcome::of::<()>(Err(AppError::Transport("offline".into()))),
            Outcome::Later(None)
        );
        assert_eq!(
            Outcome::of::<()>(Err(AppError::Unauthenticated)),
            Outcome::Later(Some(Failure::Signin))
        );
        assert_eq!(
            Outcome::of::<()>(Err(AppError::Busy { seconds: 3 })),
            Outcome::Later(Some(Failure::Server))
        );
        let bad = AppError::invalid("visited_on", Problem::BadFormat);
        assert_eq!(
            Outcome::of::<()>(Err(bad.clone())),
            Outcome::Refused(bad.clone())
        );
        assert_eq!(
            Outcome::of::<()>(Err(AppError::Forbidden)),
            Outcome::Refused(AppError::Forbidden)
        );

        let e = Entry::new(3, "A".into(), visit(), 5.0).after(&Outcome::Refused(bad.clone()));
        assert_eq!(e.state, EntryState::Refused);
        assert_eq!(e.error, Some(Failure::Refused { body: bad }));
        // Sent again later and only delayed: waiting again, the last reason still shown.
        let e = e.after(&Outcome::Later(None));
        assert_eq!(e.state, EntryState::Waiting);
    }

    #[test]
    fn a_kept_entry_reads_back_as_it_was_written() {
        let e = Entry::new(3, "A".into(), visit(), 5.0).after(&Outcome::Refused(
            AppError::invalid("note", Problem::TooLong { max: 9 }),
        ));
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""state":"refused""#), "{json}");
        assert!(json.contains(r#""kind":"refused""#), "{json}");
        assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), e);
    }

    #[test]
    fn concerns_are_sent_with_ids_made_from_the_visits() {
        let v = with_ids(visit(), "v-abcdefgh");
        assert_eq!(v.client_id, "v-abcdefgh");
        assert_eq!(v.concerns[0].client_id, "v-abcdefgh:c0");
        assert_eq!(v.concerns[1].client_id, "v-abcdefgh:c1");
        assert!(
            v.concerns
                .iter()
                .all(|c| crate::core::client_id::valid_client_id(&c.client_id))
        );
        assert_eq!(
            with_ids(v.clone(), "v-abcdefgh"),
            v,
            "the same visit, the same ids"
        );
    }

    #[test]
    fn a_kept_visit_goes_back_into_the_forms_fields() {
        let fields = form_fields(&visit());
        let has = |k: &str, v: &str| fields.iter().any(|(a, b)| a == k && b == v);
        assert!(has("visit[visited_on]", "2026-11-22"));
        assert!(has("visit[note]", "  hỏi thăm  "));
        assert!(has(TOPICS, "ATGT"));
        assert!(has("visit[concerns][0][body]", "Đèn đường hỏng"));
        assert!(has("visit[concerns][0][category]", "infrastructure"));
        assert!(has("visit[concerns][1][body]", ""));
    }

    #[test]
    fn a_phones_id_is_a_random_uuid() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert!(crate::core::client_id::valid_client_id(&id));
    }

    #[test]
    fn the_phone_knows_vietnams_day() {
        // 2026-11-30 17:30 UTC is already 1 December in Vietnam.
        let millis = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(17, 30, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis() as f64;
        let day = vietnam_day(millis).unwrap();
        assert_eq!(day.to_string(), "2026-12-01");
        let page = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            default_day(page, Some(day)),
            day,
            "a page kept from yesterday"
        );
        assert_eq!(
            default_day(day, Some(page)),
            day,
            "a phone whose clock is behind"
        );
        assert_eq!(default_day(page, None), page);
    }
}
