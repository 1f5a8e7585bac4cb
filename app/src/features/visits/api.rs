//! Server functions for home visits: a member's households, a household's visits, logging
//! a visit, and a cell's coverage.

use leptos::prelude::*;

use super::model::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::state::{clock, today};

/// The households the signed-in member looks after now, most in need of a visit first.
#[server(endpoint = "visits/my_households")]
pub async fn get_my_households() -> Result<MyHouseholds, AppError> {
    use crate::core::access::Role;
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let today = today()?;
        let member = caller.me.member_id.filter(|_| caller.me.has(Role::Member));
        let pool = pool()?;
        let standing = match member {
            Some(m) => super::repo::member_standing(&pool, m).await?,
            None => None,
        };
        let (Some(member), Some((ward_id, status))) = (member, standing) else {
            return Ok(MyHouseholds {
                today,
                member_status: crate::features::org::model::MemberStatus::Active,
                non_regular: false,
                households: vec![],
            });
        };
        // Transferred out: nothing is theirs to visit any more.
        let households = if status == crate::features::org::model::MemberStatus::Transferred {
            vec![]
        } else {
            super::repo::my_households(&pool, ward_id, member, today).await?
        };
        let non_regular = status == crate::features::org::model::MemberStatus::OutsideCommune
            || households.iter().any(|h| h.mode == BondMode::NonRegular);
        Ok(MyHouseholds {
            today,
            member_status: status,
            non_regular,
            households,
        })
    })
    .await
}

/// A household's visits, concerns and responsibility history: the cell's readers, or the
/// member who looks after it (who may also log a visit).
#[server(endpoint = "visits/household")]
pub async fn get_household_visits(household: i64) -> Result<HouseholdVisits, AppError> {
    use crate::features::org::repo::household_cell;
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell_id = household_cell(&pool, household)
            .await?
            .ok_or(AppError::Forbidden)?;
        let can_log = caller.looks_after(&pool, household).await?;
        let scope = if can_log {
            cell_scope_unchecked(&pool, cell_id).await?
        } else {
            caller.read_cell(&pool, cell_id).await?
        };
        super::repo::household_visits(&pool, &scope, household, today()?, can_log)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// Logs a visit, with the concerns raised at it. Only the member who looks after the
/// household now may. A resend with the same `client_id` stores nothing new and answers
/// the stored visit. Works as a plain form too (it then redirects back to the household).
#[server(endpoint = "visits/log_visit")]
pub async fn log_visit(visit: VisitInput) -> Result<StoredVisit, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let result = log(&caller, &pool, &visit).await;
        if crate::core::form_post::is_plain_form_post() {
            back_to_household(visit.household, &result);
        }
        result
    })
    .await
}

#[cfg(feature = "ssr")]
async fn log(
    caller: &crate::server::scope::Caller,
    pool: &crate::server::db::Pool,
    visit: &VisitInput,
) -> Result<StoredVisit, AppError> {
    use super::repo;
    use crate::server::scope::cell_scope_unchecked;
    let member_id = caller.me.member_id.ok_or(AppError::Forbidden)?;
    // A resend of a stored visit answers like the first send, even if the household has
    // been handed over since.
    let client_id = visit.client_id.trim();
    if !client_id.is_empty()
        && let Some(stored) = repo::find_visit(pool, client_id).await?
    {
        return if stored.member_id == member_id && stored.household_id == visit.household {
            Ok(stored)
        } else {
            Err(AppError::Forbidden)
        };
    }
    if !caller.looks_after(pool, visit.household).await? {
        return Err(AppError::Forbidden);
    }
    let cell_id = crate::features::org::repo::household_cell(pool, visit.household)
        .await?
        .ok_or(AppError::Forbidden)?;
    let scope = cell_scope_unchecked(pool, cell_id).await?;
    let today = today()?;
    let campaigns = repo::active_campaigns(pool, &scope, today).await?;
    let new = parse_visit(visit, today, &campaigns)?;
    let stored = repo::log_visit(
        pool,
        &scope,
        repo::Visitor {
            member_id,
            user_id: caller.user_id(),
            at: clock()?.now(),
        },
        &new,
    )
    .await?;
    tracing::info!(
        visit = stored.id,
        household = stored.household_id,
        concerns = stored.concerns.len(),
        "visit logged"
    );
    Ok(stored)
}

/// Sends a plain form post back to the household's page, saying what happened.
#[cfg(feature = "ssr")]
fn back_to_household(household: i64, result: &Result<StoredVisit, AppError>) {
    let query = match result {
        Ok(v) => format!("saved={}", v.visited_on),
        Err(e) => format!("refused={}", e.to_query()),
    };
    leptos_axum::redirect(&format!("/households/{household}?{query}#visit"));
}

/// A cell's visit coverage: this month against the households due, members with no visit
/// in 30 days or more, and month by month.
#[server(endpoint = "visits/cell_coverage")]
pub async fn get_cell_coverage(cell: i64) -> Result<CellCoverage, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(super::repo::cell_coverage(&pool, &scope, today()?).await?)
    })
    .await
}
