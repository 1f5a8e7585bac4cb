//! Server functions for units, members and households.

use leptos::prelude::*;

use super::model::*;
use crate::error::AppError;

/// The cells the caller may look at, with their counts.
#[server(endpoint = "org/cells")]
pub async fn list_cells() -> Result<Vec<CellSummary>, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cells = caller.readable_cells(&pool).await?;
        Ok(super::repo::cell_summaries(&pool, &cells).await?)
    })
    .await
}

/// A cell's header: its name, its ward, and whether the caller may change it.
#[server(endpoint = "org/cell")]
pub async fn get_cell(cell: i64) -> Result<CellInfo, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let scope = caller.read_cell(&pool()?, cell).await?;
        Ok(super::repo::cell_info(&scope))
    })
    .await
}

/// One cell's counts, for its overview.
#[server(endpoint = "org/cell_summary")]
pub async fn get_cell_summary(cell: i64) -> Result<CellSummary, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        super::repo::cell_summaries(&pool, &[scope])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    })
    .await
}

#[cfg(feature = "ssr")]
fn parse_page(page: u32) -> Result<u32, AppError> {
    if (1..=100_000).contains(&page) {
        Ok(page)
    } else {
        Err(AppError::invalid(
            "page",
            crate::error::Problem::OutOfRange {
                min: 1,
                max: 100_000,
            },
        ))
    }
}

/// A cell's members, searched without regard to diacritics.
#[server(endpoint = "org/members")]
pub async fn list_members(
    cell: i64,
    query: String,
    status: Option<MemberStatus>,
    page: u32,
) -> Result<Page<MemberRow>, AppError> {
    use super::repo::{MemberFilter, list_members};
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let filter = MemberFilter {
            query: parse_query(&query)?,
            status,
        };
        let page = parse_page(page)?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(list_members(&pool, &scope, &filter, page).await?)
    })
    .await
}

/// A cell's households, searched by head of household, address or phone.
#[server(endpoint = "org/households")]
pub async fn list_households(
    cell: i64,
    query: String,
    tag: Option<HouseholdTag>,
    assigned: Option<bool>,
    page: u32,
) -> Result<Page<HouseholdRow>, AppError> {
    use super::repo::{HouseholdFilter, list_households};
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let filter = HouseholdFilter {
            query: parse_query(&query)?,
            tag,
            assigned,
        };
        let page = parse_page(page)?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(list_households(&pool, &scope, &filter, page).await?)
    })
    .await
}

/// A member's page. A member may open their own; the cell's readers may open any of its members.
#[server(endpoint = "org/member")]
pub async fn get_member(member: i64) -> Result<MemberDetail, AppError> {
    use super::repo;
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell_id = repo::member_cell(&pool, member)
            .await?
            .ok_or(AppError::Forbidden)?;
        let scope = if caller.me.member_id == Some(member) {
            own_cell_scope(&caller, &pool, cell_id).await?
        } else {
            caller.read_cell(&pool, cell_id).await?
        };
        let (row, notes, workplace_committee) = repo::member(&pool, &scope, member)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = crate::server::state::clock()?.now();
        let account = if scope.can_write {
            match repo::member_account(&pool, member).await? {
                Some((user_id, username, must_choose_password)) => {
                    let lock = crate::server::auth::username_lock(&pool, &username, now).await?;
                    let code = crate::features::auth::codes::outstanding(&pool, user_id, now)
                        .await?
                        .map(|(code, expires_at)| {
                            (
                                crate::features::auth::model::printed_code(&code),
                                crate::features::auth::codes::last_day(expires_at),
                            )
                        });
                    Some(MemberAccount {
                        username,
                        locked: lock.map(|l| (l.until_text(), l.minutes)),
                        code,
                        has_own_password: !must_choose_password,
                    })
                }
                None => None,
            }
        } else {
            None
        };
        Ok(MemberDetail {
            account,
            may_issue_code: scope.can_write && row.status != MemberStatus::Transferred,
            member: row,
            cell: repo::cell_info(&scope),
            notes,
            workplace_committee,
            status_history: repo::status_history(&pool, member).await?,
            households: repo::member_households(&pool, member).await?,
            history: repo::member_history(&pool, member).await?,
        })
    })
    .await
}

/// A household's page: the cell's readers, or the member who looks after it.
#[server(endpoint = "org/household")]
pub async fn get_household(household: i64) -> Result<HouseholdDetail, AppError> {
    use super::repo;
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell_id = repo::household_cell(&pool, household)
            .await?
            .ok_or(AppError::Forbidden)?;
        let scope = if caller.looks_after(&pool, household).await? {
            own_cell_scope(&caller, &pool, cell_id).await?
        } else {
            caller.read_cell(&pool, cell_id).await?
        };
        repo::household(&pool, &scope, household)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// The households the signed-in member looks after now.
#[server(endpoint = "org/my_households")]
pub async fn my_households() -> Result<Vec<HouseholdRow>, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let Some(member) = caller.me.member_id else {
            return Ok(vec![]);
        };
        Ok(super::repo::member_households(&pool()?, member).await?)
    })
    .await
}

/// The scope of the caller's own cell, read-only, for their own record.
#[cfg(feature = "ssr")]
async fn own_cell_scope(
    caller: &crate::server::scope::Caller,
    pool: &crate::server::db::Pool,
    cell_id: i64,
) -> Result<crate::server::scope::CellScope, AppError> {
    match caller.read_cell(pool, cell_id).await {
        Ok(scope) => Ok(scope),
        Err(AppError::Forbidden) => crate::server::scope::cell_scope_unchecked(pool, cell_id).await,
        Err(e) => Err(e),
    }
}

/// Lifts the lock on a member's sign-in after too many failures: the secretary of their
/// cell, or the committee above it. A plain form post from the member's page.
#[server(endpoint = "auth/unlock")]
pub async fn unlock_sign_in(member: i64) -> Result<(), AppError> {
    use super::repo::{member_cell, member_username};
    use crate::server::{
        audit, auth, db,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell = member_cell(&pool, member)
            .await?
            .ok_or(AppError::Forbidden)?;
        let scope = caller.write_cell(&pool, cell).await?;
        let username = member_username(&pool, member)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = clock()?.now();
        let lock = auth::username_lock(&pool, &username, now).await?;
        let mut tx = db::begin_write(&pool).await?;
        auth::unlock(&mut tx, &username, caller.user_id(), now).await?;
        audit::write(
            &mut tx,
            audit::Entry::<_, ()> {
                ward_id: Some(scope.ward_id),
                user_id: Some(caller.user_id()),
                action: "unlock_sign_in",
                entity: "member",
                entity_id: Some(member),
                before: Some(&serde_json::json!({
                    "username": username,
                    "locked_until": lock.map(|l| l.until),
                })),
                after: None,
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(member, %username, by = caller.user_id(), "sign-in unlocked");
        if crate::core::form_post::is_plain_form_post() {
            leptos_axum::redirect(&format!("/members/{member}?unlocked=1"));
        }
        Ok(())
    })
    .await
}
