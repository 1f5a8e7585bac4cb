//! The ward's tree in the database: read in one pass, and each change checked, versioned,
//! audited and written in one transaction.

use serde::Serialize;

use super::setup::{code as unit_code, name as unit_name};
use super::units::{CellUnit, GroupUnit};
use crate::core::access::UnitKind;
use crate::error::{AppError, AppResult, Problem};
use crate::server::audit::{self, Entry, Who};
use crate::server::db::{Pool, Tx, begin_write};
use crate::server::scope::Caller;

/// Who makes a change, now.
pub fn who(caller: &Caller) -> AppResult<Who> {
    Ok(Who {
        user_id: caller.user_id(),
        at: crate::server::state::clock()?.now(),
    })
}

/// A cell or a party group, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub kind: UnitKind,
    pub ward_id: i64,
    pub parent_id: i64,
    pub path: String,
    pub name: String,
    pub code: String,
    pub version: i64,
    pub retired: bool,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    kind: String,
    ward_id: Option<i64>,
    parent_id: Option<i64>,
    path: String,
    name: String,
    code: String,
    version: i64,
    retired: bool,
}

/// A cell or a party group by its id (None for any other id).
pub async fn load_unit(pool: &Pool, id: i64) -> AppResult<Option<Unit>> {
    let row: Option<UnitRow> = sqlx::query_as(
        "SELECT id, kind, ward_id, parent_id, path, name, code, version, \
         retired_at IS NOT NULL AS retired \
         FROM org_units WHERE id = $1 AND kind IN ('cell', 'party_group')",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| {
        Some(Unit {
            id: r.id,
            kind: UnitKind::parse(&r.kind)?,
            ward_id: r.ward_id?,
            parent_id: r.parent_id?,
            path: r.path,
            name: r.name,
            code: r.code,
            version: r.version,
            retired: r.retired,
        })
    }))
}

/// A unit still in use that the caller is the committee of. Unknown units and units of
/// other wards answer the same way; a retired one is not found.
pub async fn committee_unit(caller: &Caller, pool: &Pool, id: i64) -> AppResult<Unit> {
    let unit = load_unit(pool, id).await?.ok_or(AppError::Forbidden)?;
    caller.write_ward(pool, unit.ward_id).await?;
    if unit.retired {
        return Err(AppError::NotFound);
    }
    Ok(unit)
}

#[derive(sqlx::FromRow)]
struct TreeRow {
    id: i64,
    parent_id: i64,
    kind: String,
    name: String,
    code: String,
    version: i64,
    members: i64,
    households: i64,
    steward_id: Option<i64>,
    steward_name: Option<String>,
}

/// The ward's cells still in use, in name order, each with its groups.
pub async fn cells_of(pool: &Pool, ward_id: i64) -> AppResult<Vec<CellUnit>> {
    let rows: Vec<TreeRow> = sqlx::query_as(
        "SELECT u.id, u.parent_id, u.kind, u.name, u.code, u.version, \
           (SELECT COUNT(*) FROM members m WHERE m.ward_id = u.ward_id AND m.status <> 'transferred' \
              AND ((u.kind = 'cell' AND m.cell_id = u.id) OR (u.kind = 'party_group' AND m.party_group_id = u.id))) AS members, \
           (SELECT COUNT(*) FROM households h WHERE h.ward_id = u.ward_id AND h.cell_id = u.id) AS households, \
           s.id AS steward_id, s.display_name AS steward_name \
         FROM org_units u LEFT JOIN users s ON s.id = u.steward_user_id \
         WHERE u.ward_id = $1 AND u.kind IN ('cell', 'party_group') AND u.retired_at IS NULL \
         ORDER BY u.name, u.id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await?;
    let mut cells: Vec<CellUnit> = rows
        .iter()
        .filter(|r| r.kind == "cell")
        .map(|r| CellUnit {
            id: r.id,
            name: r.name.clone(),
            code: r.code.clone(),
            version: r.version,
            members: r.members,
            households: r.households,
            groups: Vec::new(),
            steward: r.steward_id.zip(r.steward_name.clone()),
        })
        .collect();
    for r in rows.iter().filter(|r| r.kind == "party_group") {
        if let Some(cell) = cells.iter_mut().find(|c| c.id == r.parent_id) {
            cell.groups.push(GroupUnit {
                id: r.id,
                name: r.name.clone(),
                code: r.code.clone(),
                version: r.version,
                members: r.members,
            });
        }
    }
    Ok(cells)
}

/// The ward's active committee accounts, by name: who may answer for its cells.
pub async fn committee_of(pool: &Pool, ward_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT u.id, u.display_name FROM users u \
         JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'committee' AND r.org_unit_id = $1 AND u.active = 1 \
         ORDER BY u.display_name, u.id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await?)
}

/// What the audit log keeps of a unit's names.
#[derive(Serialize)]
struct Names<'a> {
    name: &'a str,
    code: &'a str,
}

/// Refuses a code another unit holds, or a name another unit in use under the same parent
/// holds (two cells of one ward, two groups of one cell).
async fn refuse_taken(
    tx: &mut Tx<'_>,
    parent_id: i64,
    name: &str,
    code: &str,
    except: Option<i64>,
) -> AppResult<()> {
    let except = except.unwrap_or(0);
    let code_taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM org_units WHERE code = $1 AND id <> $2")
            .bind(code)
            .bind(except)
            .fetch_optional(&mut **tx)
            .await?;
    if code_taken.is_some() {
        return Err(AppError::invalid("unit_code", Problem::Taken));
    }
    let name_taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM org_units WHERE parent_id = $1 AND name = $2 AND id <> $3 \
         AND retired_at IS NULL",
    )
    .bind(parent_id)
    .bind(name)
    .bind(except)
    .fetch_optional(&mut **tx)
    .await?;
    if name_taken.is_some() {
        return Err(AppError::invalid("unit_name", Problem::Taken));
    }
    Ok(())
}

/// Adds a cell under the ward or a party group under a cell, and answers its id.
#[allow(clippy::too_many_arguments)]
pub async fn add_unit(
    pool: &Pool,
    who: &Who,
    kind: UnitKind,
    parent_id: i64,
    parent_path: &str,
    ward_id: i64,
    name: &str,
    code: &str,
) -> AppResult<i64> {
    let name = unit_name("unit_name", name)?;
    let code = unit_code("unit_code", code)?;
    let mut tx = begin_write(pool).await?;
    refuse_taken(&mut tx, parent_id, &name, &code, None).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO org_units (parent_id, ward_id, kind, name, code, path, created_at) \
         VALUES ($1, $2, $3, $4, $5, '', $6) RETURNING id",
    )
    .bind(parent_id)
    .bind(ward_id)
    .bind(kind.code())
    .bind(&name)
    .bind(&code)
    .bind(who.at)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
        .bind(format!("{parent_path}{id}/"))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::write(
        &mut tx,
        Entry::<(), _> {
            ward_id: Some(ward_id),
            user_id: Some(who.user_id),
            action: "unit_added",
            entity: kind.code(),
            entity_id: Some(id),
            before: None,
            after: Some(&Names {
                name: &name,
                code: &code,
            }),
            at: who.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Refused with a conflict unless the unit is still at the version the form was made from.
async fn bump_version(tx: &mut Tx<'_>, unit: &Unit, version: i64) -> AppResult<()> {
    let done = sqlx::query(
        "UPDATE org_units SET version = version + 1 \
         WHERE id = $1 AND version = $2 AND retired_at IS NULL",
    )
    .bind(unit.id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Renames and re-codes a unit.
pub async fn edit_unit(
    pool: &Pool,
    who: &Who,
    unit: &Unit,
    name: &str,
    code: &str,
    version: i64,
) -> AppResult<()> {
    let name = unit_name("unit_name", name)?;
    let code = unit_code("unit_code", code)?;
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, unit, version).await?;
    refuse_taken(&mut tx, unit.parent_id, &name, &code, Some(unit.id)).await?;
    sqlx::query("UPDATE org_units SET name = $1, code = $2 WHERE id = $3")
        .bind(&name)
        .bind(&code)
        .bind(unit.id)
        .execute(&mut *tx)
        .await?;
    audit::write(
        &mut tx,
        Entry {
            ward_id: Some(unit.ward_id),
            user_id: Some(who.user_id),
            action: "unit_renamed",
            entity: unit.kind.code(),
            entity_id: Some(unit.id),
            before: Some(&Names {
                name: &unit.name,
                code: &unit.code,
            }),
            after: Some(&Names {
                name: &name,
                code: &code,
            }),
            at: who.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many members a unit holds (not transferred away), and households for a cell.
async fn held(tx: &mut Tx<'_>, unit: &Unit) -> AppResult<(i64, i64)> {
    let column = match unit.kind {
        UnitKind::PartyGroup => "party_group_id",
        _ => "cell_id",
    };
    let members: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM members WHERE {column} = $1 AND status <> 'transferred'"
    ))
    .bind(unit.id)
    .fetch_one(&mut **tx)
    .await?;
    let households: i64 = if unit.kind == UnitKind::Cell {
        sqlx::query_scalar("SELECT COUNT(*) FROM households WHERE cell_id = $1")
            .bind(unit.id)
            .fetch_one(&mut **tx)
            .await?
    } else {
        0
    };
    Ok((members, households))
}

#[derive(Serialize)]
struct Retired {
    retired: bool,
    groups_retired: u64,
    roles_ended: u64,
}

/// Retires a unit that holds nothing any more: a cell with its groups. The roles held at
/// them end; their history stays.
pub async fn retire_unit(pool: &Pool, who: &Who, unit: &Unit, version: i64) -> AppResult<()> {
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, unit, version).await?;
    let (members, households) = held(&mut tx, unit).await?;
    if members > 0 {
        return Err(AppError::invalid(
            unit.kind.code(),
            Problem::HoldsMembers {
                count: members as u32,
            },
        ));
    }
    if households > 0 {
        return Err(AppError::invalid(
            unit.kind.code(),
            Problem::HoldsHouseholds {
                count: households as u32,
            },
        ));
    }
    let groups = sqlx::query(
        "UPDATE org_units SET retired_at = $1, version = version + 1 \
         WHERE parent_id = $2 AND kind = 'party_group' AND retired_at IS NULL",
    )
    .bind(who.at)
    .bind(unit.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("UPDATE org_units SET retired_at = $1 WHERE id = $2")
        .bind(who.at)
        .bind(unit.id)
        .execute(&mut *tx)
        .await?;
    let roles = sqlx::query(
        "DELETE FROM user_roles WHERE org_unit_id IN \
         (SELECT id FROM org_units WHERE id = $1 OR parent_id = $1)",
    )
    .bind(unit.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    audit::write(
        &mut tx,
        Entry {
            ward_id: Some(unit.ward_id),
            user_id: Some(who.user_id),
            action: "unit_retired",
            entity: unit.kind.code(),
            entity_id: Some(unit.id),
            before: Some(&Names {
                name: &unit.name,
                code: &unit.code,
            }),
            after: Some(&Retired {
                retired: true,
                groups_retired: groups,
                roles_ended: roles,
            }),
            at: who.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Serialize)]
struct Placed {
    cell_id: i64,
    members_moved: u64,
}

/// Moves a party group and its members to another cell of the ward; their member roles
/// follow. Refused while a member of the group still looks after households.
pub async fn move_group(
    pool: &Pool,
    who: &Who,
    group: &Unit,
    target: &Unit,
    version: i64,
) -> AppResult<()> {
    if target.id == group.parent_id {
        return Ok(());
    }
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, group, version).await?;
    let looked_after: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assignments a JOIN members m ON m.id = a.member_id \
         WHERE m.party_group_id = $1 AND m.status <> 'transferred' AND a.ended_at IS NULL",
    )
    .bind(group.id)
    .fetch_one(&mut *tx)
    .await?;
    if looked_after > 0 {
        return Err(AppError::invalid(
            "party_group",
            Problem::StillLooksAfter {
                count: looked_after as u32,
            },
        ));
    }
    sqlx::query("UPDATE org_units SET parent_id = $1, path = $2 WHERE id = $3")
        .bind(target.id)
        .bind(format!("{}{}/", target.path, group.id))
        .bind(group.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE user_roles SET org_unit_id = $1 WHERE role = 'member' AND org_unit_id = $2 \
         AND user_id IN (SELECT u.id FROM users u JOIN members m ON m.id = u.member_id \
                         WHERE m.party_group_id = $3 AND m.status <> 'transferred')",
    )
    .bind(target.id)
    .bind(group.parent_id)
    .bind(group.id)
    .execute(&mut *tx)
    .await?;
    let moved = sqlx::query(
        "UPDATE members SET cell_id = $1, version = version + 1, updated_at = $2 \
         WHERE party_group_id = $3 AND status <> 'transferred'",
    )
    .bind(target.id)
    .bind(who.at)
    .bind(group.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    audit::write(
        &mut tx,
        Entry {
            ward_id: Some(group.ward_id),
            user_id: Some(who.user_id),
            action: "group_moved",
            entity: group.kind.code(),
            entity_id: Some(group.id),
            before: Some(&Placed {
                cell_id: group.parent_id,
                members_moved: 0,
            }),
            after: Some(&Placed {
                cell_id: target.id,
                members_moved: moved,
            }),
            at: who.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Serialize)]
struct Steward {
    steward_user_id: Option<i64>,
}

/// Gives the cell to a member of its ward's committee to answer for, or to nobody.
pub async fn set_steward(
    pool: &Pool,
    who: &Who,
    cell: &Unit,
    steward: Option<i64>,
    version: i64,
) -> AppResult<()> {
    let mut tx = begin_write(pool).await?;
    bump_version(&mut tx, cell, version).await?;
    if let Some(id) = steward {
        let serves: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE u.id = $1 AND u.active = 1 AND r.role = 'committee' AND r.org_unit_id = $2",
        )
        .bind(id)
        .bind(cell.ward_id)
        .fetch_optional(&mut *tx)
        .await?;
        if serves.is_none() {
            return Err(AppError::invalid("steward", Problem::UnknownChoice));
        }
    }
    let was: Option<i64> =
        sqlx::query_scalar("SELECT steward_user_id FROM org_units WHERE id = $1")
            .bind(cell.id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE org_units SET steward_user_id = $1 WHERE id = $2")
        .bind(steward)
        .bind(cell.id)
        .execute(&mut *tx)
        .await?;
    audit::write(
        &mut tx,
        Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(who.user_id),
            action: "steward_set",
            entity: cell.kind.code(),
            entity_id: Some(cell.id),
            before: Some(&Steward {
                steward_user_id: was,
            }),
            after: Some(&Steward {
                steward_user_id: steward,
            }),
            at: who.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Frees the cells an account answered for once it no longer sits, active, on the ward's
/// committee (its role taken, the account deactivated): they show as nobody's until the
/// committee gives them to someone. Answers how many were freed.
pub async fn release_cells(tx: &mut Tx<'_>, ward_id: i64, user_id: i64) -> AppResult<u64> {
    Ok(sqlx::query(
        "UPDATE org_units SET steward_user_id = NULL, version = version + 1 \
         WHERE ward_id = $1 AND steward_user_id = $2 AND NOT EXISTS ( \
           SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id \
           WHERE r.user_id = $2 AND r.role = 'committee' AND r.org_unit_id = $1 AND u.active = 1)",
    )
    .bind(ward_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}
