//! Server functions of the reviews: the cell's and the ward's reports (their readers),
//! the ĐV213 sheet (the cell's readers) and what the secretary records on it.

use leptos::prelude::*;

use super::model::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::state::{clock, today};

/// The period asked for, or the one a review would show today; never one not begun.
#[cfg(feature = "ssr")]
fn period_or_current(period: &str, today: chrono::NaiveDate) -> Result<Period, AppError> {
    let p = if period.trim().is_empty() {
        Period::current(today)
    } else {
        Period::parse("period", period)?
    };
    if !p.has_begun(today) {
        return Err(AppError::invalid(
            "period",
            crate::error::Problem::DateOutOfRange {
                earliest: chrono::NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or(today),
                latest: today,
            },
        ));
    }
    Ok(p)
}

/// The year asked for (this year when empty), from the first year to this one.
#[cfg(feature = "ssr")]
pub fn year_or_current(year: &str, today: chrono::NaiveDate) -> Result<i32, AppError> {
    use crate::error::Problem;
    let this = chrono::Datelike::year(&today);
    let year = year.trim();
    if year.is_empty() {
        return Ok(this);
    }
    let y: i32 = year
        .parse()
        .map_err(|_| AppError::invalid("year", Problem::BadFormat))?;
    if !(FIRST_YEAR..=this).contains(&y) {
        return Err(AppError::invalid(
            "year",
            Problem::OutOfRange {
                min: FIRST_YEAR as i64,
                max: this as i64,
            },
        ));
    }
    Ok(y)
}

/// A cell's 6-month or year-end report (`period` as `2026-h1` or `2026`; empty for the
/// current one), with each member's evidence. The cell's readers only.
#[server(endpoint = "reviews/cell_report")]
pub async fn get_cell_report(cell: i64, period: String) -> Result<Report, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        let today = today()?;
        let period = period_or_current(&period, today)?;
        Ok(super::repo::cell_report(&pool, &scope, period, today).await?)
    })
    .await
}

/// The ward's report for a period: its cells side by side. Whoever reads the whole ward.
#[server(endpoint = "reviews/ward_report")]
pub async fn get_ward_report(ward: i64, period: String) -> Result<Report, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_ward(&pool, ward).await?;
        let today = today()?;
        let period = period_or_current(&period, today)?;
        Ok(super::repo::ward_report(&pool, scope.ward_id, &scope.name, period, today).await?)
    })
    .await
}

/// The cell's ĐV213 roster, meetings and comment sheets for a year (empty: this year).
#[server(endpoint = "reviews/dv213")]
pub async fn get_dv213(cell: i64, year: String) -> Result<Dv213Sheet, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        let today = today()?;
        let year = year_or_current(&year, today)?;
        Ok(super::repo::dv213_sheet(&pool, &scope, year, today).await?)
    })
    .await
}

/// Records one of the year's two meetings with the ĐV213 members (`half` 1 or 2), held on
/// a day of its half-year and not in the future, and who came. The cell's writers.
#[server(endpoint = "reviews/dv213_meeting")]
pub async fn save_dv213_meeting(
    cell: i64,
    year: i32,
    half: i64,
    version: i64,
    held_on: String,
    #[server(default)] topic: String,
    #[server(default)] rows: Vec<crate::features::meetings::model::AttendanceForm>,
) -> Result<i64, AppError> {
    use crate::error::Problem;
    use crate::features::concerns::model::{parse_day, parse_text};
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        let today = today()?;
        let year = year_or_current(&year.to_string(), today)?;
        let (first, last) = half_days(year, half)
            .ok_or_else(|| AppError::invalid("half", Problem::UnknownChoice))?;
        let held_on = parse_day("held_on", &held_on)?;
        let latest = last.min(today);
        if held_on < first || held_on > latest {
            return Err(AppError::invalid(
                "held_on",
                Problem::DateOutOfRange {
                    earliest: first,
                    latest,
                },
            ));
        }
        let input = super::repo::MeetingInput {
            year,
            half,
            held_on,
            topic: parse_text("topic", &topic, MAX_TOPIC, false)?,
            version,
            attendance: rows
                .iter()
                .map(|r| {
                    (
                        r.member,
                        r.present.as_deref().is_some_and(|p| !p.is_empty()),
                    )
                })
                .collect(),
        };
        let id = super::repo::save_dv213_meeting(
            &pool,
            &scope,
            caller.user_id(),
            clock()?.now(),
            &input,
        )
        .await?;
        if crate::core::form_post::is_plain_form_post() {
            leptos_axum::redirect(&format!("/cells/{cell}/reports/dv213?year={year}#meetings"));
        }
        Ok(id)
    })
    .await
}

/// Saves a ĐV213 member's year-end comment sheet for the workplace committee. The cell's
/// writers; `version` is the sheet's version the form showed (0 before the first save).
#[server(endpoint = "reviews/dv213_comment")]
pub async fn save_dv213_comment(
    cell: i64,
    member: i64,
    year: i32,
    version: i64,
    #[server(default)] contact: String,
    #[server(default)] civic: String,
    #[server(default)] comment: String,
) -> Result<i64, AppError> {
    use crate::features::concerns::model::parse_text;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        let year = year_or_current(&year.to_string(), today()?)?;
        let input = super::repo::CommentInput {
            member_id: member,
            year,
            contact: parse_text("contact", &contact, MAX_COMMENT, true)?,
            civic: parse_text("civic", &civic, MAX_COMMENT, true)?,
            comment: parse_text("comment", &comment, MAX_COMMENT, true)?,
            version,
        };
        let v = super::repo::save_dv213_comment(
            &pool,
            &scope,
            caller.user_id(),
            clock()?.now(),
            &input,
        )
        .await?;
        if crate::core::form_post::is_plain_form_post() {
            leptos_axum::redirect(&format!(
                "/cells/{cell}/reports/dv213?year={year}#member-{member}"
            ));
        }
        Ok(v)
    })
    .await
}
