//! Server functions for concerns: raising, taking steps, the board, the committee's inbox,
//! hot spots, and the ward's calendar and deadlines.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

use super::model::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::access::access;
#[cfg(feature = "ssr")]
use crate::server::state::{clock, today};

#[cfg(feature = "ssr")]
fn parse_choice<T>(field: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, AppError> {
    parse(value.trim())
        .ok_or_else(|| AppError::invalid(field, crate::error::Problem::UnknownChoice))
}

/// An optional choice from a form: empty means none.
#[cfg(feature = "ssr")]
fn parse_opt_choice<T>(
    field: &str,
    value: Option<String>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse_choice(field, v, parse).map(Some),
    }
}

/// Raises a concern for a household: its member (who looks after it), or the cell.
#[server(endpoint = "concerns/raise")]
pub async fn raise_concern(
    household: i64,
    category: String,
    urgency: String,
    body: String,
    client_id: Option<String>,
) -> Result<i64, AppError> {
    use crate::features::org::repo as org;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell_id = org::household_cell(&pool, household)
            .await?
            .ok_or(AppError::Forbidden)?;
        let looks_after = caller.looks_after(&pool, household).await?;
        let scope = if looks_after {
            cell_scope_unchecked(&pool, cell_id).await?
        } else {
            caller.write_cell(&pool, cell_id).await?
        };
        let category = parse_choice("category", &category, Category::parse)?;
        let urgency = parse_choice("urgency", &urgency, Urgency::parse)?;
        let body = parse_text("body", &body, MAX_BODY, true)?;
        let client_id = match client_id.as_deref().map(str::trim) {
            None | Some("") => uuid::Uuid::new_v4().to_string(),
            Some(c) if crate::core::client_id::valid_client_id(c) => c.to_string(),
            Some(_) => {
                return Err(AppError::invalid(
                    "client_id",
                    crate::error::Problem::BadFormat,
                ));
            }
        };
        let member_id = if looks_after {
            caller.me.member_id
        } else {
            super::repo::current_member(&pool, &scope, household).await?
        };
        let new = super::repo::NewConcern {
            household_id: household,
            member_id,
            client_id,
            category,
            urgency,
            body,
            raised_on: today()?,
            user_id: caller.user_id(),
            at: clock()?.now(),
        };
        let id = super::repo::raise(&pool, &scope, &new).await?;
        if crate::core::form_post::is_plain_form_post() {
            leptos_axum::redirect(&format!("/concerns/{id}"));
        }
        Ok(id)
    })
    .await
}

/// Takes a step on a concern: report, answer, refer, inform, close, reopen… Each role may
/// take only its own steps; `version` is the concern's version the caller saw.
#[server(endpoint = "concerns/step")]
pub async fn take_step(
    concern: i64,
    step: String,
    version: i64,
    text: String,
    target: Option<String>,
    on_day: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (scope, actor) = access(&caller, &pool, concern).await?;
        let input = parse_step(&step, version, &text, target, on_day)?;
        super::repo::take_step(
            &pool,
            &scope,
            concern,
            caller.user_id(),
            actor,
            &input,
            clock()?.now(),
        )
        .await
    })
    .await
}

#[cfg(feature = "ssr")]
fn parse_step(
    step: &str,
    version: i64,
    text: &str,
    target: Option<String>,
    on_day: Option<String>,
) -> Result<super::repo::StepInput, AppError> {
    let step = parse_choice("step", step, Step::parse)?;
    if step == Step::Raise {
        return Err(AppError::invalid(
            "step",
            crate::error::Problem::UnknownChoice,
        ));
    }
    let text = parse_text("text", text, MAX_NOTE, step.text() == StepText::Required)?;
    let target = parse_opt_choice("target", target, OutsideBody::parse)?;
    if step.needs_target() && target.is_none() {
        return Err(AppError::invalid("target", crate::error::Problem::Required));
    }
    let on_day = match on_day.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(parse_day("on_day", d)?),
    };
    Ok(super::repo::StepInput {
        step,
        version,
        text,
        target: if step.needs_target() { target } else { None },
        on_day: if step.needs_day() { on_day } else { None },
        file: None,
        meeting_id: None,
    })
}

/// The committee's written answer, with an optional file (PDF, PNG or JPEG up to 10 MB):
/// a multipart form with `concern`, `version`, `text` and `file`.
#[server(endpoint = "concerns/answer_in_writing", input = MultipartFormData)]
pub async fn answer_in_writing(data: MultipartData) -> Result<i64, AppError> {
    use crate::error::Problem;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let mut form = data.into_inner().ok_or(AppError::Internal)?;
        let mut concern: Option<i64> = None;
        let mut version: Option<i64> = None;
        let mut text = String::new();
        let mut file: Option<super::repo::NewFile> = None;
        let mut too_big = false;
        while let Some(mut field) = form
            .next_field()
            .await
            .map_err(|_| AppError::invalid("file", Problem::BadFormat))?
        {
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                "file" => {
                    let given = field.file_name().unwrap_or_default().to_string();
                    let mut bytes: Vec<u8> = Vec::new();
                    while let Some(chunk) = field
                        .chunk()
                        .await
                        .map_err(|_| AppError::invalid("file", Problem::BadFormat))?
                    {
                        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                            too_big = true;
                            break;
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    if too_big {
                        break;
                    }
                    if bytes.is_empty() {
                        continue; // no file chosen
                    }
                    let kind = FileKind::sniff(&bytes)
                        .ok_or_else(|| AppError::invalid("file", Problem::UnknownChoice))?;
                    file = Some(super::repo::NewFile {
                        name: safe_file_name(&given, kind),
                        kind,
                        bytes,
                    });
                }
                "concern" | "version" | "text" => {
                    let mut value = Vec::new();
                    while let Some(chunk) = field
                        .chunk()
                        .await
                        .map_err(|_| AppError::invalid(name.as_str(), Problem::BadFormat))?
                    {
                        if value.len() + chunk.len() > MAX_NOTE * 4 + 16 {
                            return Err(AppError::invalid(
                                name.as_str(),
                                Problem::TooLong {
                                    max: MAX_NOTE as u32,
                                },
                            ));
                        }
                        value.extend_from_slice(&chunk);
                    }
                    let value = String::from_utf8(value)
                        .map_err(|_| AppError::invalid(name.as_str(), Problem::BadFormat))?;
                    match name.as_str() {
                        "concern" => concern = value.trim().parse().ok(),
                        "version" => version = value.trim().parse().ok(),
                        _ => text = value,
                    }
                }
                _ => {}
            }
        }
        let file_too_big = AppError::invalid(
            "file",
            Problem::OutOfRange {
                min: 1,
                max: (MAX_FILE_BYTES / (1024 * 1024)) as i64,
            },
        );
        if too_big && concern.is_none() {
            return Err(file_too_big);
        }
        let concern = concern.ok_or_else(|| AppError::invalid("concern", Problem::Required))?;
        let pool = pool()?;
        let (scope, actor) = access(&caller, &pool, concern).await?;
        if too_big {
            return Err(file_too_big);
        }
        let version = version.ok_or_else(|| AppError::invalid("version", Problem::Required))?;
        let text = parse_text("text", &text, MAX_NOTE, true)?;
        let input = super::repo::StepInput {
            step: Step::AnswerInWriting,
            version,
            text,
            target: None,
            on_day: None,
            file,
            meeting_id: None,
        };
        super::repo::take_step(
            &pool,
            &scope,
            concern,
            caller.user_id(),
            actor,
            &input,
            clock()?.now(),
        )
        .await
    })
    .await
}

/// A concern's page: its clock, its history and the steps the caller may take.
#[server(endpoint = "concerns/get")]
pub async fn get_concern(concern: i64) -> Result<ConcernDetail, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (scope, actor) = access(&caller, &pool, concern).await?;
        super::repo::detail(&pool, &scope, concern, actor, today()?)
            .await?
            .ok_or(AppError::Forbidden)
    })
    .await
}

/// The concerns the signed-in member follows.
#[server(endpoint = "concerns/mine")]
pub async fn my_concerns() -> Result<Vec<ConcernRow>, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let Some(member) = caller.me.member_id else {
            return Ok(vec![]);
        };
        Ok(super::repo::member_concerns(&pool()?, member, today()?).await?)
    })
    .await
}

/// A cell's concerns as a board, by state, filtered by category, alley, member and age.
#[server(endpoint = "concerns/board")]
pub async fn concern_board(
    cell: i64,
    category: Option<String>,
    alley: Option<String>,
    member: Option<i64>,
    age: Option<String>,
) -> Result<Board, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        let filter = BoardFilter {
            category: parse_opt_choice("category", category, Category::parse)?,
            alley: match alley.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(a) => Some(parse_text("alley", a, 200, false)?),
            },
            member,
            age: parse_opt_choice("age", age, AgeBucket::parse)?,
        };
        let mut board = super::repo::board(&pool, &scope, &filter, today()?).await?;
        board.committee = caller.committee_over(&scope);
        Ok(board)
    })
    .await
}

/// The committee's inbox: concerns referred to it from every cell of the ward, and each
/// cell's on-time record.
#[server(endpoint = "concerns/inbox")]
pub async fn concern_inbox(ward: i64) -> Result<Inbox, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_ward(&pool, ward).await?;
        Ok(
            super::repo::inbox(&pool, scope.ward_id, &scope.name, scope.can_write, today()?)
                .await?,
        )
    })
    .await
}

/// Where trouble grows in a cell: flagged households and alleys with their concerns.
#[server(endpoint = "concerns/hot_spots")]
pub async fn get_hot_spots(cell: i64) -> Result<HotSpots, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(super::repo::hot_spots(&pool, &scope, today()?).await?)
    })
    .await
}

#[cfg(feature = "ssr")]
fn parse_year(year: i32) -> Result<i32, AppError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::invalid(
            "year",
            crate::error::Problem::OutOfRange {
                min: 2000,
                max: 2100,
            },
        ))
    }
}

/// A ward's calendar for a year and its deadlines.
#[server(endpoint = "concerns/calendar")]
pub async fn ward_calendar(ward: i64, year: Option<i32>) -> Result<CalendarSettings, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_ward(&pool, ward).await?;
        // This year unless another is asked for.
        let year = match year {
            Some(y) => parse_year(y)?,
            None => chrono::Datelike::year(&today()?),
        };
        let days = super::repo::calendar_days(&pool, scope.ward_id, year).await?;
        let mut conn = pool.acquire().await?;
        let deadlines = super::repo::deadlines(&mut conn, scope.ward_id).await?;
        Ok(CalendarSettings {
            ward_id: scope.ward_id,
            ward_name: scope.name,
            year,
            days,
            deadlines,
            can_edit: scope.can_write,
            standard_known: lunar_years().contains(&year),
        })
    })
    .await
}

/// Adds a day off (or a worked weekend day) to the ward's calendar.
#[server(endpoint = "concerns/add_day")]
pub async fn add_calendar_day(
    ward: i64,
    day: String,
    kind: String,
    name: String,
) -> Result<i64, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_ward(&pool, ward).await?;
        let day = parse_day("day", &day)?;
        let kind = parse_choice("day_kind", &kind, DayKind::parse)?;
        let name = parse_text("name", &name, 120, true)?;
        super::repo::add_day(
            &pool,
            scope.ward_id,
            caller.user_id(),
            day,
            kind,
            &name,
            clock()?.now(),
        )
        .await
    })
    .await
}

/// Removes a day from the ward's calendar.
#[server(endpoint = "concerns/remove_day")]
pub async fn remove_calendar_day(ward: i64, id: i64) -> Result<(), AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_ward(&pool, ward).await?;
        super::repo::remove_day(&pool, scope.ward_id, caller.user_id(), id, clock()?.now()).await
    })
    .await
}

/// Fills a year with the national holidays it is missing (Tết and the Hùng Kings' day for
/// the years the product knows).
#[server(endpoint = "concerns/fill_year")]
pub async fn fill_calendar_year(ward: i64, year: i32) -> Result<usize, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_ward(&pool, ward).await?;
        let year = parse_year(year)?;
        super::repo::fill_year(&pool, scope.ward_id, caller.user_id(), year, clock()?.now()).await
    })
    .await
}

/// One row of the deadlines form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceForm {
    pub state: String,
    pub normal: String,
    pub urgent: String,
}

/// Saves the ward's deadlines (working days per state, normal and urgent).
#[server(endpoint = "concerns/set_deadlines")]
pub async fn set_deadlines(ward: i64, allowances: Vec<AllowanceForm>) -> Result<(), AppError> {
    use crate::error::Problem;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_ward(&pool, ward).await?;
        let mut parsed = Vec::new();
        for a in allowances {
            let state = parse_choice("state", &a.state, State::parse)?;
            let num = |v: &str| -> Result<u32, AppError> {
                v.trim().parse::<u32>().map_err(|_| {
                    AppError::invalid(
                        state.code(),
                        Problem::OutOfRange {
                            min: 1,
                            max: MAX_ALLOWANCE as i64,
                        },
                    )
                })
            };
            parsed.push(Allowance {
                state,
                normal: num(&a.normal)?,
                urgent: num(&a.urgent)?,
            });
        }
        let deadlines = Deadlines::parse(parsed)?;
        super::repo::set_deadlines(
            &pool,
            scope.ward_id,
            caller.user_id(),
            &deadlines,
            clock()?.now(),
        )
        .await
    })
    .await
}
