//! The committee's cells as they stand, read from the boards and the concern lists.

use chrono::NaiveDate;

use super::stewards::{CellStanding, StewardLine};
use crate::error::AppResult;
use crate::features::board::{model::summarise, repo::load_board};
use crate::features::concerns::{model::State, repo::cell_concerns};
use crate::server::db::Pool;
use crate::server::scope::{CellScope, cell_scope_unchecked};

/// How one cell stands today.
pub async fn standing(pool: &Pool, cell: &CellScope, today: NaiveDate) -> AppResult<CellStanding> {
    let board = load_board(pool, cell, today).await?;
    let breaches = summarise(&board);
    let pending: Vec<State> = State::ALL
        .iter()
        .copied()
        .filter(|s| s.is_pending())
        .collect();
    let overdue = cell_concerns(pool, cell, &pending, today)
        .await?
        .iter()
        .filter(|c| c.clock.overdue())
        .count();
    Ok(CellStanding {
        cell_id: cell.cell_id,
        name: cell.name.clone(),
        households: board.households.len() as i64,
        assigned: board
            .households
            .iter()
            .filter(|h| h.member.is_some())
            .count() as i64,
        overdue: overdue as i64,
        stale: breaches.stale as i64,
        excluded_holding: breaches.excluded_holding as i64,
    })
}

/// Every active committee member of the ward with the cells they answer for (none, for
/// some), and a last line of the cells nobody answers for, if any. Unordered.
pub async fn lines(
    pool: &Pool,
    ward_id: i64,
    caller: i64,
    today: NaiveDate,
) -> AppResult<Vec<StewardLine>> {
    let committee = crate::features::org::units_repo::committee_of(pool, ward_id).await?;
    let mut lines: Vec<StewardLine> = committee
        .into_iter()
        .map(|(id, name)| StewardLine {
            user_id: Some(id),
            name,
            is_me: id == caller,
            cells: Vec::new(),
        })
        .collect();
    let cells: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, steward_user_id FROM org_units \
         WHERE ward_id = $1 AND kind = 'cell' AND retired_at IS NULL ORDER BY name, id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await?;
    let mut nobody = Vec::new();
    for (cell_id, steward) in cells {
        let scope = cell_scope_unchecked(pool, cell_id).await?;
        let s = standing(pool, &scope, today).await?;
        match lines
            .iter_mut()
            .find(|l| l.user_id.is_some() && l.user_id == steward)
        {
            Some(line) => line.cells.push(s),
            None => nobody.push(s),
        }
    }
    if !nobody.is_empty() {
        lines.push(StewardLine {
            user_id: None,
            name: String::new(),
            is_me: false,
            cells: nobody,
        });
    }
    Ok(lines)
}
