//! The committee keeps its ward's tree: the cells and their party groups, added, renamed,
//! re-coded, retired (a retired unit keeps its history and leaves the lists), and a party
//! group moved with its members to another cell. Everyone who reads the ward sees the tree.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A party group of a cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupUnit {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub version: i64,
    /// Members in it (not transferred away).
    pub members: i64,
}

/// A cell of the ward and its party groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellUnit {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub version: i64,
    /// Members in it (not transferred away).
    pub members: i64,
    pub households: i64,
    pub groups: Vec<GroupUnit>,
    /// The committee member who answers for it (R9): their account and name.
    pub steward: Option<(i64, String)>,
}

/// A ward's cells, in name order, with whether the caller may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WardTree {
    pub ward_id: i64,
    pub ward_name: String,
    pub can_edit: bool,
    pub cells: Vec<CellUnit>,
    /// The ward's active committee accounts, who may answer for cells: id and name.
    pub committee: Vec<(i64, String)>,
}

/// The ward's tree: its committee and viewers.
#[server(endpoint = "org/units")]
pub async fn ward_units(ward: i64) -> Result<WardTree, AppError> {
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.read_ward(&pool, ward).await?;
        let cells = super::units_repo::cells_of(&pool, scope.ward_id).await?;
        let committee = super::units_repo::committee_of(&pool, scope.ward_id).await?;
        Ok(WardTree {
            ward_id: scope.ward_id,
            ward_name: scope.name,
            can_edit: scope.can_write,
            cells,
            committee,
        })
    })
    .await
}

/// Adds a cell to the ward: its committee. Answers the new cell's id.
#[server(endpoint = "org/add_cell")]
pub async fn add_cell(ward: i64, name: String, code: String) -> Result<i64, AppError> {
    use super::units_repo as repo;
    use crate::core::access::UnitKind;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_ward(&pool, ward).await?;
        let who = repo::who(&caller)?;
        let (ward, path) = (scope.ward_id, scope.path.as_str());
        repo::add_unit(&pool, &who, UnitKind::Cell, ward, path, ward, &name, &code).await
    })
    .await
}

/// Adds a party group to a cell: the committee of its ward. Answers the new group's id.
#[server(endpoint = "org/add_group")]
pub async fn add_group(cell: i64, name: String, code: String) -> Result<i64, AppError> {
    use super::units_repo as repo;
    use crate::core::access::UnitKind;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let unit = repo::committee_unit(&caller, &pool, cell).await?;
        if unit.kind != UnitKind::Cell {
            return Err(AppError::Forbidden);
        }
        let who = repo::who(&caller)?;
        let kind = UnitKind::PartyGroup;
        repo::add_unit(
            &pool,
            &who,
            kind,
            unit.id,
            &unit.path,
            unit.ward_id,
            &name,
            &code,
        )
        .await
    })
    .await
}

/// Renames and re-codes a cell or a party group: the committee of its ward, from the
/// version it was shown (409 when someone changed it since).
#[server(endpoint = "org/edit_unit")]
pub async fn edit_unit(
    unit: i64,
    name: String,
    code: String,
    version: i64,
) -> Result<(), AppError> {
    use super::units_repo as repo;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let unit = repo::committee_unit(&caller, &pool, unit).await?;
        repo::edit_unit(&pool, &repo::who(&caller)?, &unit, &name, &code, version).await
    })
    .await
}

/// Retires a cell or a party group that no longer holds members (or, for a cell,
/// households): the committee of its ward. The roles held at it end.
#[server(endpoint = "org/retire_unit")]
pub async fn retire_unit(unit: i64, version: i64) -> Result<(), AppError> {
    use super::units_repo as repo;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let unit = repo::committee_unit(&caller, &pool, unit).await?;
        repo::retire_unit(&pool, &repo::who(&caller)?, &unit, version).await
    })
    .await
}

/// Moves a party group, with its members, to another cell of the ward: the committee. Its
/// members must first hand over the households they look after in the old cell.
#[server(endpoint = "org/move_group")]
pub async fn move_group(group: i64, cell: i64, version: i64) -> Result<(), AppError> {
    use super::units_repo as repo;
    use crate::core::access::UnitKind;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let group = repo::committee_unit(&caller, &pool, group).await?;
        if group.kind != UnitKind::PartyGroup {
            return Err(AppError::Forbidden);
        }
        // A cell of the same ward, still in use; anything else is not a choice here.
        let target = repo::load_unit(&pool, cell)
            .await?
            .filter(|t| t.kind == UnitKind::Cell && t.ward_id == group.ward_id && !t.retired)
            .ok_or_else(|| {
                AppError::invalid("target_cell", crate::error::Problem::UnknownChoice)
            })?;
        repo::move_group(&pool, &repo::who(&caller)?, &group, &target, version).await
    })
    .await
}

/// Gives a cell to a member of the ward's committee to answer for (R9), or leaves it
/// with nobody (`steward` empty): the committee, from the version the cell was shown.
#[server(endpoint = "org/set_steward")]
pub async fn set_steward(cell: i64, steward: String, version: i64) -> Result<(), AppError> {
    use super::units_repo as repo;
    use crate::core::access::UnitKind;
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let cell = repo::committee_unit(&caller, &pool, cell).await?;
        if cell.kind != UnitKind::Cell {
            return Err(AppError::Forbidden);
        }
        let steward =
            match steward.trim() {
                "" => None,
                id => Some(id.parse::<i64>().map_err(|_| {
                    AppError::invalid("steward", crate::error::Problem::UnknownChoice)
                })?),
            };
        repo::set_steward(&pool, &repo::who(&caller)?, &cell, steward, version).await
    })
    .await
}
