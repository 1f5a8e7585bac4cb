//! Giving members their sign-in: a one-time code for a member, which makes their account
//! when they have none.

use leptos::prelude::*;

use crate::error::AppError;

/// A code just issued for a member, to hand on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssuedCode {
    pub username: String,
    /// The code as printed (`4821 7730`).
    pub code: String,
    /// The last day it works, in Vietnam.
    pub expires_on: chrono::NaiveDate,
    /// The account was made just now.
    pub new_account: bool,
}

/// Gives a member a one-time sign-in code: the secretary of their cell, or the committee
/// above it. Makes the member's account when they have none; otherwise resets it, which
/// ends every session of theirs. A plain form post comes back to the member's page, which
/// then shows the code.
#[server(endpoint = "auth/issue_code")]
pub async fn issue_sign_in_code(member: i64) -> Result<IssuedCode, AppError> {
    use crate::core::form_post::is_plain_form_post;
    use crate::server::scope::answer;
    let result = answer(issue_checked(member)).await;
    if is_plain_form_post() {
        leptos_axum::redirect(&match &result {
            Ok(_) => format!("/members/{member}?issued=1"),
            Err(e) => format!("/members/{member}?error={}", e.to_query()),
        });
    }
    result
}

#[cfg(feature = "ssr")]
async fn issue_checked(member: i64) -> Result<IssuedCode, AppError> {
    use super::repo::member_cell;
    use crate::features::auth::codes::issue_for_member;
    use crate::features::auth::model::printed_code;
    use crate::server::db::begin_write;
    use crate::server::{
        scope::*,
        state::{clock, pool},
    };

    let caller = Caller::require().await?;
    let pool = pool()?;
    let cell = member_cell(&pool, member)
        .await?
        .ok_or(AppError::Forbidden)?;
    let scope = caller.write_cell(&pool, cell).await?;
    let now = clock()?.now();
    let mut tx = begin_write(&pool).await?;
    let issued = issue_for_member(
        &mut tx,
        &caller.me,
        member,
        scope.cell_id,
        scope.ward_id,
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        member,
        username = %issued.username,
        new_account = issued.new_account,
        by = caller.user_id(),
        "sign-in code issued"
    );
    Ok(IssuedCode {
        username: issued.username,
        code: printed_code(&issued.code),
        expires_on: crate::features::auth::codes::last_day(issued.expires_at),
        new_account: issued.new_account,
    })
}

/// Where a member of a cell stands with their sign-in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SignInState {
    /// No account yet.
    NoAccount,
    /// A one-time code waits to be used: as printed, its last day, and the card's QR code
    /// (an SVG image of the sign-in link with the username filled in).
    Code {
        code: String,
        last_day: chrono::NaiveDate,
        qr_svg: String,
    },
    /// The code was not used in time: a new one is needed.
    CodeExpired,
    /// Signed in with the code, no password chosen yet.
    NoPasswordYet,
    /// Signs in with a password of their own.
    OwnPassword,
}

/// A member of the cell and their sign-in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberSignIn {
    pub member_id: i64,
    pub full_name: String,
    pub username: Option<String>,
    pub state: SignInState,
}

/// A cell's members (those still in it) and their sign-ins, with the site's address for
/// the printed cards.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CellSignIns {
    pub cell: super::model::CellInfo,
    /// The address a member opens (`https://ganbo.example.vn`), as this page was reached.
    pub site: String,
    pub members: Vec<MemberSignIn>,
}

impl CellSignIns {
    /// How many members have no account yet.
    pub fn without_account(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.state == SignInState::NoAccount)
            .count()
    }
}

/// The sign-ins of a cell's members: the secretary of the cell, or the committee above it.
#[server(endpoint = "org/sign_ins")]
pub async fn sign_ins_of_cell(cell: i64) -> Result<CellSignIns, AppError> {
    use crate::server::{
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        let site = site_address();
        let now = clock()?.now();
        let rows: Vec<SignInRow> = sqlx::query_as(
            "SELECT m.id, m.full_name, u.username, u.must_choose_password, c.code, c.expires_at \
                 FROM members m \
                 LEFT JOIN users u ON u.id = (SELECT MIN(id) FROM users WHERE member_id = m.id) \
                 LEFT JOIN sign_in_codes c ON c.user_id = u.id \
                 WHERE m.cell_id = $1 AND m.status <> 'transferred' \
                 ORDER BY m.full_name, m.id",
        )
        .bind(scope.cell_id)
        .fetch_all(&pool)
        .await?;
        let members = rows
            .into_iter()
            .map(
                |(member_id, full_name, username, must_choose, code, expires_at)| {
                    let state = match (&username, must_choose, code, expires_at) {
                        (None, ..) => SignInState::NoAccount,
                        (Some(u), _, Some(code), Some(expires_at)) if expires_at > now => {
                            SignInState::Code {
                                code: crate::features::auth::model::printed_code(&code),
                                last_day: crate::features::auth::codes::last_day(expires_at),
                                qr_svg: qr_svg(&sign_in_link(&site, u)),
                            }
                        }
                        (Some(_), _, Some(_), _) => SignInState::CodeExpired,
                        (Some(_), Some(true), None, _) => SignInState::NoPasswordYet,
                        (Some(_), ..) => SignInState::OwnPassword,
                    };
                    MemberSignIn {
                        member_id,
                        full_name,
                        username,
                        state,
                    }
                },
            )
            .collect();
        Ok(CellSignIns {
            cell: super::repo::cell_info(&scope),
            site,
            members,
        })
    })
    .await
}

/// A member, their account's username and whether it waits for a password, and the code
/// waiting with its expiry.
#[cfg(feature = "ssr")]
type SignInRow = (
    i64,
    String,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// Makes an account, with a one-time code, for every member of the cell who has none (all
/// in one transaction): the secretary of the cell, or the committee above it. Answers how
/// many were made; a plain form post comes back to the cell's sign-in page.
#[server(endpoint = "auth/issue_cell_codes")]
pub async fn issue_cell_codes(cell: i64) -> Result<u32, AppError> {
    use crate::core::form_post::is_plain_form_post;
    use crate::server::scope::answer;
    let result = answer(issue_cell_checked(cell)).await;
    if is_plain_form_post() {
        leptos_axum::redirect(&match &result {
            Ok(n) => format!("/cells/{cell}/sign-ins?issued={n}"),
            Err(e) => format!("/cells/{cell}/sign-ins?error={}", e.to_query()),
        });
    }
    result
}

#[cfg(feature = "ssr")]
async fn issue_cell_checked(cell: i64) -> Result<u32, AppError> {
    use crate::features::auth::codes::issue_for_member;
    use crate::server::db::begin_write;
    use crate::server::{
        scope::*,
        state::{clock, pool},
    };

    let caller = Caller::require().await?;
    let pool = pool()?;
    let scope = caller.write_cell(&pool, cell).await?;
    let now = clock()?.now();
    let mut tx = begin_write(&pool).await?;
    let members: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM members WHERE cell_id = $1 AND status <> 'transferred' \
         AND id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL) \
         ORDER BY full_name, id",
    )
    .bind(scope.cell_id)
    .fetch_all(&mut *tx)
    .await?;
    for &member in &members {
        issue_for_member(
            &mut tx,
            &caller.me,
            member,
            scope.cell_id,
            scope.ward_id,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        cell,
        accounts = members.len(),
        by = caller.user_id(),
        "sign-in codes issued for a cell"
    );
    Ok(members.len() as u32)
}

/// The address of this site as the request reached it (scheme and host), for the cards.
#[cfg(feature = "ssr")]
fn site_address() -> String {
    use http::request::Parts;
    let Some(parts) = use_context::<Parts>() else {
        return String::new();
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    let host = header("x-forwarded-host");
    let host = if host.is_empty() {
        header("host")
    } else {
        host
    };
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !plain {
        return String::new();
    }
    let scheme = if header("x-forwarded-proto").eq_ignore_ascii_case("https") {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The sign-in page with the username filled in.
pub fn sign_in_link(site: &str, username: &str) -> String {
    format!("{site}/login?u={username}")
}

/// A QR code of `text` as an SVG image (without the XML declaration, to sit in a page).
#[cfg(feature = "ssr")]
fn qr_svg(text: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color>()
                .min_dimensions(150, 150)
                .quiet_zone(true)
                .build();
            image
                .find("<svg")
                .map(|at| image[at..].to_string())
                .unwrap_or(image)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot make a QR code");
            String::new()
        }
    }
}
