//! Server functions for the monthly meeting: its list, the agenda for a month, opening it,
//! and what it records (head, attendance, decisions, tasks, closing). The cell's readers
//! see it; its secretary (or the committee above) records.

use leptos::prelude::*;

use super::model::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::state::{clock, today};

/// The scope of the cell a meeting belongs to, for its writers. Unknown meetings answer
/// like meetings out of scope.
#[cfg(feature = "ssr")]
async fn meeting_scope(
    caller: &crate::server::scope::Caller,
    pool: &crate::server::db::Pool,
    meeting: i64,
) -> Result<crate::server::scope::CellScope, AppError> {
    let cell = super::repo::meeting_cell(pool, meeting)
        .await?
        .ok_or(AppError::Forbidden)?;
    caller.write_cell(pool, cell).await
}

/// A cell's meetings, newest first.
#[server(endpoint = "meetings/list")]
pub async fn get_meetings(cell: i64) -> Result<MeetingList, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(super::repo::list(&pool, &scope, today()?).await?)
    })
    .await
}

/// The agenda of a month's meeting (`YYYY-MM`), with what it recorded so far.
#[server(endpoint = "meetings/agenda")]
pub async fn meeting_agenda(cell: i64, month: String) -> Result<Agenda, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        let month = Month::parse("month", &month)?;
        Ok(super::repo::agenda(&pool, &scope, month, today()?).await?)
    })
    .await
}

/// Opens a month's meeting (carrying over what the last one left), held on `held_on`.
#[server(endpoint = "meetings/open")]
pub async fn open_meeting(cell: i64, month: String, held_on: String) -> Result<i64, AppError> {
    use crate::features::concerns::model::parse_day;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        let month = Month::parse("month", &month)?;
        let held_on = parse_day("held_on", &held_on)?;
        if !month.contains(held_on) {
            return Err(AppError::invalid(
                "held_on",
                crate::error::Problem::DateOutOfRange {
                    earliest: month.first_day(),
                    latest: month.last_day(),
                },
            ));
        }
        let id = super::repo::open(
            &pool,
            &scope,
            caller.user_id(),
            clock()?.now(),
            month,
            held_on,
        )
        .await?;
        if crate::core::form_post::is_plain_form_post() {
            leptos_axum::redirect(&format!("/cells/{cell}/meetings/{}", month.code()));
        }
        Ok(id)
    })
    .await
}

/// Saves the meeting's head: the day, who chaired, who kept the minutes, notes.
#[server(endpoint = "meetings/head")]
pub async fn save_meeting_head(
    meeting: i64,
    version: i64,
    held_on: String,
    chair: String,
    recorder: String,
    notes: String,
) -> Result<i64, AppError> {
    use crate::features::concerns::model::parse_day;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = meeting_scope(&caller, &pool, meeting).await?;
        let input = super::repo::HeadInput {
            version,
            held_on: parse_day("held_on", &held_on)?,
            chair: text("chair", &chair, MAX_NAME, false)?,
            recorder: text("recorder", &recorder, MAX_NAME, false)?,
            notes: text("notes", &notes, MAX_NOTES, false)?,
        };
        super::repo::set_head(
            &pool,
            &scope,
            caller.user_id(),
            clock()?.now(),
            meeting,
            &input,
        )
        .await
    })
    .await
}

/// Records who came. `rows` lists every member of the attendance list; `present` is set
/// for those ticked.
#[server(endpoint = "meetings/attendance")]
pub async fn save_attendance(
    meeting: i64,
    #[server(default)] rows: Vec<AttendanceForm>,
) -> Result<usize, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = meeting_scope(&caller, &pool, meeting).await?;
        let rows: Vec<(i64, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.member,
                    r.present.as_deref().is_some_and(|p| !p.is_empty()),
                )
            })
            .collect();
        super::repo::set_attendance(
            &pool,
            &scope,
            caller.user_id(),
            clock()?.now(),
            meeting,
            &rows,
        )
        .await
    })
    .await
}

/// Decides a concern at the meeting: answer (with the answer's text), refer to the
/// committee, refer outside (to a body), or put off to next month.
#[server(endpoint = "meetings/decide")]
pub async fn decide_concern(
    meeting: i64,
    concern: i64,
    version: i64,
    decision: String,
    #[server(default)] text: String,
    target: Option<String>,
) -> Result<i64, AppError> {
    use crate::error::Problem;
    use crate::features::concerns::model::OutsideBody;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = meeting_scope(&caller, &pool, meeting).await?;
        let decision = Decision::parse(decision.trim())
            .filter(|d| *d != Decision::Task)
            .ok_or_else(|| AppError::invalid("decision", Problem::UnknownChoice))?;
        let text = self::text("text", &text, MAX_ITEM_TEXT, decision.needs_text())?;
        let target = match target.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(
                OutsideBody::parse(t)
                    .ok_or_else(|| AppError::invalid("target", Problem::UnknownChoice))?,
            ),
        };
        if decision == Decision::ReferOutside && target.is_none() {
            return Err(AppError::invalid("target", Problem::Required));
        }
        let input = super::repo::DecisionInput {
            concern_id: concern,
            version,
            decision,
            text,
            target: target.filter(|_| decision == Decision::ReferOutside),
        };
        super::repo::decide(
            &pool,
            &scope,
            caller.user_id(),
            meeting,
            &input,
            clock()?.now(),
        )
        .await
    })
    .await
}

/// Gives a task at the meeting; not done, it comes back next month.
#[server(endpoint = "meetings/task")]
pub async fn add_task(meeting: i64, body: String) -> Result<i64, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = meeting_scope(&caller, &pool, meeting).await?;
        let body = text("body", &body, MAX_ITEM_TEXT, true)?;
        super::repo::add_task(
            &pool,
            &scope,
            caller.user_id(),
            clock()?.now(),
            meeting,
            &body,
        )
        .await
    })
    .await
}

/// Marks a task done, or not done.
#[server(endpoint = "meetings/task_done")]
pub async fn set_task_done(item: i64, done: bool) -> Result<(), AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (cell, _) = super::repo::item_cell(&pool, item)
            .await?
            .ok_or(AppError::Forbidden)?;
        let scope = caller.write_cell(&pool, cell).await?;
        super::repo::set_done(&pool, &scope, caller.user_id(), clock()?.now(), item, done).await
    })
    .await
}

/// Closes the meeting: its minutes are final.
#[server(endpoint = "meetings/close")]
pub async fn close_meeting(meeting: i64) -> Result<(), AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = meeting_scope(&caller, &pool, meeting).await?;
        super::repo::close(&pool, &scope, caller.user_id(), clock()?.now(), meeting).await
    })
    .await
}
