//! Server functions of the board. Writes take JSON and answer only what changed.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::model::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod checks {
    use super::*;
    use crate::core::access::Role;
    use crate::error::Problem;
    use crate::server::db::Pool;
    use crate::server::scope::{Caller, CellScope};

    pub fn reason(text: &str) -> Result<String, AppError> {
        let text = text.trim();
        if text.chars().count() > MAX_REASON_LEN {
            return Err(AppError::invalid(
                "reason",
                Problem::TooLong {
                    max: MAX_REASON_LEN as u32,
                },
            ));
        }
        Ok(text.to_string())
    }

    /// The cell of a household, which the caller must be allowed to change.
    pub async fn writable_cell_of_household(
        caller: &Caller,
        pool: &Pool,
        household: i64,
    ) -> Result<CellScope, AppError> {
        let cell = crate::features::org::repo::household_cell(pool, household)
            .await?
            .ok_or(AppError::Forbidden)?;
        caller.write_cell(pool, cell).await
    }

    /// The member record of a caller who signs in as a party member.
    pub fn own_member(caller: &Caller) -> Result<i64, AppError> {
        match caller.me.member_id {
            Some(id) if caller.me.has(Role::Member) => Ok(id),
            _ => Err(AppError::Forbidden),
        }
    }
}

/// The board of a cell: members, households, groups, pending requests.
#[server(endpoint = "board/get")]
pub async fn get_board(cell: i64) -> Result<BoardData, AppError> {
    use crate::server::{
        scope::*,
        state::{pool, today},
    };
    answer(async {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(super::repo::load_board(&pool, &scope, today()?).await?)
    })
    .await
}

/// Moves one household to a member (or to nobody), if it is still as the mover saw it.
#[server(endpoint = "board/move", input = Json)]
pub async fn move_household(request: MoveRequest) -> Result<Vec<HouseholdChange>, AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = checks::writable_cell_of_household(&caller, &pool, request.household).await?;
        let request = MoveRequest {
            reason: checks::reason(&request.reason)?,
            ..request
        };
        let changes = super::repo::move_households(
            &pool,
            &scope,
            &[request],
            caller.user_id(),
            clock()?.now(),
        )
        .await?;
        live::publish(scope.cell_id, &LiveEvent::Households(changes.clone()));
        Ok(changes)
    })
    .await
}

/// Swaps the members of two households of one cell.
#[server(endpoint = "board/swap", input = Json)]
pub async fn swap_households(
    first: i64,
    first_version: i64,
    second: i64,
    second_version: i64,
    reason: String,
) -> Result<Vec<HouseholdChange>, AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = checks::writable_cell_of_household(&caller, &pool, first).await?;
        let other = checks::writable_cell_of_household(&caller, &pool, second).await?;
        if other.cell_id != scope.cell_id || first == second {
            return Err(AppError::invalid(
                "household",
                crate::error::Problem::UnknownChoice,
            ));
        }
        let reason = checks::reason(&reason)?;
        let changes = super::repo::swap_households(
            &pool,
            &scope,
            (first, first_version),
            (second, second_version),
            &reason,
            caller.user_id(),
            clock()?.now(),
        )
        .await?;
        live::publish(scope.cell_id, &LiveEvent::Households(changes.clone()));
        Ok(changes)
    })
    .await
}

/// Moves a self-managed group to a member (or to nobody).
#[server(endpoint = "board/move_group", input = Json)]
pub async fn move_group(
    group: i64,
    to: Option<i64>,
    version: i64,
    reason: String,
) -> Result<GroupChange, AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell: i64 = sqlx::query_scalar("SELECT cell_id FROM household_groups WHERE id = $1")
            .bind(group)
            .fetch_optional(&pool)
            .await?
            .ok_or(AppError::Forbidden)?;
        let scope = caller.write_cell(&pool, cell).await?;
        let reason = checks::reason(&reason)?;
        let change = super::repo::move_group(
            &pool,
            &scope,
            group,
            to,
            version,
            &reason,
            crate::server::audit::Who {
                user_id: caller.user_id(),
                at: clock()?.now(),
            },
        )
        .await?;
        live::publish(scope.cell_id, &LiveEvent::Group(change.clone()));
        Ok(change)
    })
    .await
}

/// Proposes owners for the unassigned households, or (`rebalance`) a better plan for all.
#[server(endpoint = "board/suggest", input = Json)]
pub async fn suggest(cell: i64, rebalance: bool) -> Result<SuggestionSet, AppError> {
    use crate::server::{
        scope::*,
        state::{pool, today},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        let board = super::repo::load_board(&pool, &scope, today()?).await?;
        let (members, households) = super::repo::solver_inputs(&board, rebalance);
        tokio::task::spawn_blocking(move || super::suggest::solve(&members, &households, rebalance))
            .await
            .map_err(|_| AppError::Internal)
    })
    .await
}

/// Accepts some suggestions: ordinary moves, all in one transaction.
#[server(endpoint = "board/accept", input = Json)]
pub async fn accept_suggestions(
    cell: i64,
    picks: Vec<MoveRequest>,
) -> Result<Vec<HouseholdChange>, AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        if picks.is_empty() || picks.len() > 5_000 {
            return Err(AppError::invalid(
                "picks",
                crate::error::Problem::OutOfRange { min: 1, max: 5_000 },
            ));
        }
        let picks = picks
            .into_iter()
            .map(|p| {
                Ok(MoveRequest {
                    reason: checks::reason(&p.reason)?,
                    ..p
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let changes =
            super::repo::move_households(&pool, &scope, &picks, caller.user_id(), clock()?.now())
                .await?;
        live::publish(scope.cell_id, &LiveEvent::Households(changes.clone()));
        Ok(changes)
    })
    .await
}

/// Approves (assigning the household) or declines a member's request.
#[server(endpoint = "board/decide", input = Json)]
pub async fn decide_registration(
    registration: i64,
    approve: bool,
    reason: String,
) -> Result<Option<HouseholdChange>, AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (cell, _, _, _) = super::repo::registration(&pool, registration)
            .await?
            .ok_or(AppError::Forbidden)?;
        let scope = caller.write_cell(&pool, cell).await?;
        let reason = checks::reason(&reason)?;
        let change = super::repo::decide_registration(
            &pool,
            &scope,
            registration,
            approve,
            &reason,
            caller.user_id(),
            clock()?.now(),
        )
        .await?;
        live::publish(scope.cell_id, &LiveEvent::RegistrationClosed(registration));
        if let Some(c) = &change {
            live::publish(scope.cell_id, &LiveEvent::Households(vec![c.clone()]));
        }
        Ok(change)
    })
    .await
}

/// Households of the member's own cell that nobody looks after or asked for, nearest first.
#[server(endpoint = "board/candidates")]
pub async fn registration_candidates() -> Result<Vec<Candidate>, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let member = checks::own_member(&caller)?;
        Ok(super::repo::candidates(&pool()?, member).await?)
    })
    .await
}

/// A member asks to look after a household. A plain form post: works without script.
#[server(endpoint = "board/request")]
pub async fn request_registration(household: i64, note: String) -> Result<(), AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let member = checks::own_member(&caller)?;
        let note = checks::reason(&note)?;
        let pool = pool()?;
        let pending = super::repo::request_registration(
            &pool,
            member,
            household,
            &note,
            caller.user_id(),
            clock()?.now(),
        )
        .await?;
        if let Some(cell) = crate::features::org::repo::household_cell(&pool, household).await? {
            live::publish(cell, &LiveEvent::RegistrationAdded(pending));
        }
        Ok(())
    })
    .await
}

/// The member's own requests.
#[server(endpoint = "board/my_requests")]
pub async fn my_registrations() -> Result<Vec<MyRegistration>, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async {
        let caller = Caller::require().await?;
        let member = checks::own_member(&caller)?;
        Ok(super::repo::my_registrations(&pool()?, member).await?)
    })
    .await
}

/// A member withdraws a pending request of theirs. A plain form post.
#[server(endpoint = "board/withdraw")]
pub async fn withdraw_registration(registration: i64) -> Result<(), AppError> {
    use crate::server::{
        live,
        scope::*,
        state::{clock, pool},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let member = checks::own_member(&caller)?;
        let cell =
            super::repo::withdraw_registration(&pool()?, registration, member, clock()?.now())
                .await?;
        live::publish(cell, &LiveEvent::RegistrationClosed(registration));
        Ok(())
    })
    .await
}

/// The register of a cell's assignments, now or as of a day (`YYYY-MM-DD`).
#[server(endpoint = "board/register")]
pub async fn get_register(cell: i64, date: String) -> Result<Register, AppError> {
    use crate::server::{
        scope::*,
        state::{pool, today},
    };
    answer(async move {
        let caller = Caller::require().await?;
        let day = if date.trim().is_empty() {
            today()?
        } else {
            crate::features::concerns::model::parse_day("date", &date)?
        };
        let pool = pool()?;
        let scope = caller.read_cell(&pool, cell).await?;
        Ok(super::repo::register(&pool, &scope, day).await?)
    })
    .await
}
