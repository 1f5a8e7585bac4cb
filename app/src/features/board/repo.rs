//! SQL for the board: loading it, moving households and groups (one transaction each,
//! versioned so that two people cannot both win), registrations and the register.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::model::*;
use super::suggest::{SolverHousehold, SolverMember};
use crate::error::{AppError, AppResult, Problem};
use crate::features::org::model::{Address, HouseholdTag, MemberKind, MemberStatus};
use crate::server::audit;
use crate::server::db::{Pool, Tx};
use crate::server::scope::CellScope;
use crate::ui::format;

/// Interns area, alley and lane names so that each is sent once.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    index: HashMap<String, NameId>,
}

impl Names {
    fn id(&mut self, name: &str) -> NameId {
        if let Some(id) = self.index.get(name) {
            return *id;
        }
        let id = self.list.len() as NameId;
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), id);
        id
    }
}

#[derive(sqlx::FromRow)]
struct MemberDb {
    id: i64,
    full_name: String,
    status: String,
    kind: String,
    capacity: i64,
    home_area: String,
    home_alley: String,
    home_lane: String,
    home_changed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct HouseholdDb {
    id: i64,
    head_name: String,
    area: String,
    alley: String,
    lane: String,
    house_no: String,
    size: i64,
    tags: String,
    version: i64,
    member_id: Option<i64>,
    mode: Option<String>,
    started_at: Option<DateTime<Utc>>,
    last_visit: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct GroupDb {
    id: i64,
    name: String,
    area: String,
    alley: String,
    version: i64,
    households: i64,
    member_id: Option<i64>,
}

const MEMBERS_SQL: &str = "SELECT id, full_name, status, kind, capacity, home_area, home_alley, home_lane, home_changed_at \
     FROM members WHERE ward_id = $1 AND cell_id = $2 ORDER BY search_key, id";

const HOUSEHOLDS_SQL: &str = "SELECT h.id, h.head_name, h.area, h.alley, h.lane, h.house_no, h.size, h.tags, h.version, \
       a.member_id, a.mode, a.started_at, \
       (SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = h.id) AS last_visit \
     FROM households h LEFT JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
     WHERE h.ward_id = $1 AND h.cell_id = $2 \
     ORDER BY h.area, h.alley, h.lane, LENGTH(h.house_no), h.house_no, h.id";

const GROUPS_SQL: &str = "SELECT g.id, g.name, g.area, g.alley, g.version, \
       (SELECT COUNT(*) FROM households h WHERE h.group_id = g.id) AS households, a.member_id \
     FROM household_groups g LEFT JOIN assignments a ON a.group_id = g.id AND a.ended_at IS NULL \
     WHERE g.ward_id = $1 AND g.cell_id = $2 ORDER BY g.name, g.id";

/// The whole board of a cell, as of `today` (for the days since the last visit).
pub async fn load_board(
    pool: &Pool,
    cell: &CellScope,
    today: NaiveDate,
) -> sqlx::Result<BoardData> {
    let members: Vec<MemberDb> = sqlx::query_as(MEMBERS_SQL)
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .fetch_all(pool)
        .await?;
    let households: Vec<HouseholdDb> = sqlx::query_as(HOUSEHOLDS_SQL)
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .fetch_all(pool)
        .await?;
    let groups: Vec<GroupDb> = sqlx::query_as(GROUPS_SQL)
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .fetch_all(pool)
        .await?;
    let registrations = pending_registrations(pool, cell).await?;

    let mut names = Names::default();
    let moved_at: HashMap<i64, DateTime<Utc>> = members
        .iter()
        .filter_map(|m| m.home_changed_at.map(|t| (m.id, t)))
        .collect();
    let members = members
        .into_iter()
        .map(|m| BoardMember {
            id: m.id,
            name: m.full_name,
            status: MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Active),
            kind: MemberKind::parse(&m.kind).unwrap_or(MemberKind::Resident),
            capacity: m.capacity,
            home: [
                names.id(&m.home_area),
                names.id(&m.home_alley),
                names.id(&m.home_lane),
            ],
        })
        .collect();
    let households = households
        .into_iter()
        .map(|h| {
            let home_moved = match (h.member_id.and_then(|m| moved_at.get(&m)), h.started_at) {
                (Some(moved), Some(started)) => *moved > started,
                _ => false,
            };
            BoardHousehold {
                id: h.id,
                head: h.head_name,
                place: [names.id(&h.area), names.id(&h.alley), names.id(&h.lane)],
                house_no: h.house_no,
                size: h.size.clamp(0, 255) as u8,
                tags: tag_bits(&HouseholdTag::parse_list(&h.tags)),
                days_since_visit: h
                    .last_visit
                    .map(|d| (today - d).num_days().clamp(0, u16::MAX as i64) as u16),
                member: h.member_id,
                non_regular: h.mode.as_deref() == Some("non_regular"),
                home_moved,
                version: h.version,
            }
        })
        .collect();
    let groups = groups
        .into_iter()
        .map(|g| BoardGroup {
            id: g.id,
            name: g.name,
            place: [names.id(&g.area), names.id(&g.alley)],
            households: g.households.clamp(0, u16::MAX as i64) as u16,
            member: g.member_id,
            version: g.version,
        })
        .collect();
    Ok(BoardData {
        cell: cell.cell_id,
        can_write: cell.can_write,
        names: names.list,
        members,
        households,
        groups,
        registrations,
    })
}

async fn pending_registrations(
    pool: &Pool,
    cell: &CellScope,
) -> sqlx::Result<Vec<PendingRegistration>> {
    let rows: Vec<(i64, i64, i64, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT id, household_id, member_id, note, created_at FROM registrations \
         WHERE ward_id = $1 AND cell_id = $2 AND state = 'pending' ORDER BY created_at, id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, household, member, note, at)| PendingRegistration {
            id,
            household,
            member,
            note,
            requested_on: format::day_of(at),
        })
        .collect())
}

/// The member a household may be given to: one of the same cell.
async fn member_status_in_cell(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    member: i64,
) -> AppResult<MemberStatus> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM members WHERE id = $1 AND ward_id = $2 AND cell_id = $3",
    )
    .bind(member)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_optional(&mut **tx)
    .await?;
    status
        .and_then(|s| MemberStatus::parse(&s))
        .ok_or_else(|| AppError::invalid("member", Problem::UnknownChoice))
}

/// Claims a household for a change: bumps its version if it is still the one the mover saw.
/// Being the first write of the transaction, it also takes the database's write lock.
async fn claim_household(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    household: i64,
    version: i64,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    let claimed = sqlx::query(
        "UPDATE households SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND ward_id = $3 AND cell_id = $4 AND version = $5",
    )
    .bind(at)
    .bind(household)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() == 1 {
        return Ok(version + 1);
    }
    let exists: Option<i64> = sqlx::query_scalar(
        "SELECT version FROM households WHERE id = $1 AND ward_id = $2 AND cell_id = $3",
    )
    .bind(household)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_optional(&mut **tx)
    .await?;
    Err(if exists.is_some() {
        AppError::Conflict
    } else {
        AppError::Forbidden
    })
}

/// Ends whatever assignment a household has and, when `to` is given, starts a new one.
/// Returns the member before the change.
#[allow(clippy::too_many_arguments)]
async fn reassign_household(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    household: i64,
    to: Option<(i64, MemberStatus)>,
    user: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    let current: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, member_id FROM assignments WHERE household_id = $1 AND ended_at IS NULL",
    )
    .bind(household)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id, _)) = current {
        sqlx::query(
            "UPDATE assignments SET ended_at = $1, ended_by = $2, end_reason = $3 WHERE id = $4",
        )
        .bind(at)
        .bind(user)
        .bind(reason)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    if let Some((member, status)) = to {
        let mode = if status == MemberStatus::OutsideCommune {
            "non_regular"
        } else {
            "regular"
        };
        sqlx::query(
            "INSERT INTO assignments (ward_id, cell_id, member_id, household_id, mode, started_at, assigned_by, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(member)
        .bind(household)
        .bind(mode)
        .bind(at)
        .bind(user)
        .bind(reason)
        .execute(&mut **tx)
        .await?;
    }
    Ok(current.map(|(_, m)| m))
}

/// One household's move inside an open transaction: claim, reassign, audit.
async fn move_in_tx(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    req: &MoveRequest,
    user: i64,
    at: DateTime<Utc>,
) -> AppResult<HouseholdChange> {
    let target = match req.to {
        Some(m) => Some((m, member_status_in_cell(tx, cell, m).await?)),
        None => None,
    };
    let version = claim_household(tx, cell, req.household, req.version, at).await?;
    let before = reassign_household(tx, cell, req.household, target, user, &req.reason, at).await?;
    audit::write(
        tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(user),
            action: "move",
            entity: "household",
            entity_id: Some(req.household),
            before: Some(&json!({ "member": before })),
            after: Some(&json!({ "member": req.to, "reason": req.reason })),
            at,
        },
    )
    .await?;
    Ok(HouseholdChange {
        household: req.household,
        member: req.to,
        non_regular: matches!(target, Some((_, MemberStatus::OutsideCommune))),
        version,
    })
}

/// Moves households (one, a swap's two, or accepted suggestions) in one transaction:
/// all of them or none.
pub async fn move_households(
    pool: &Pool,
    cell: &CellScope,
    moves: &[MoveRequest],
    user: i64,
    at: DateTime<Utc>,
) -> AppResult<Vec<HouseholdChange>> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let mut out = Vec::with_capacity(moves.len());
    for m in moves {
        out.push(move_in_tx(&mut tx, cell, m, user, at).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Swaps the members of two households in one transaction.
pub async fn swap_households(
    pool: &Pool,
    cell: &CellScope,
    a: (i64, i64),
    b: (i64, i64),
    reason: &str,
    user: i64,
    at: DateTime<Utc>,
) -> AppResult<Vec<HouseholdChange>> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let current = |h: i64| {
        sqlx::query_scalar::<_, i64>(
            "SELECT member_id FROM assignments WHERE household_id = $1 AND ended_at IS NULL",
        )
        .bind(h)
    };
    let ma: Option<i64> = current(a.0).fetch_optional(&mut *tx).await?;
    let mb: Option<i64> = current(b.0).fetch_optional(&mut *tx).await?;
    let first = MoveRequest {
        household: a.0,
        to: mb,
        version: a.1,
        reason: reason.to_string(),
    };
    let second = MoveRequest {
        household: b.0,
        to: ma,
        version: b.1,
        reason: reason.to_string(),
    };
    // End both first so the one-active-assignment rule holds at every step.
    let out = vec![
        move_in_tx(&mut tx, cell, &first, user, at).await?,
        move_in_tx(&mut tx, cell, &second, user, at).await?,
    ];
    tx.commit().await?;
    Ok(out)
}

/// Moves a self-managed group.
pub async fn move_group(
    pool: &Pool,
    cell: &CellScope,
    group: i64,
    to: Option<i64>,
    version: i64,
    reason: &str,
    who: audit::Who,
) -> AppResult<GroupChange> {
    let (user, at) = (who.user_id, who.at);
    let mut tx = crate::server::db::begin_write(pool).await?;
    let claimed = sqlx::query("UPDATE household_groups SET version = version + 1 WHERE id = $1 AND ward_id = $2 AND cell_id = $3 AND version = $4")
        .bind(group)
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM household_groups WHERE id = $1 AND ward_id = $2 AND cell_id = $3",
        )
        .bind(group)
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .fetch_optional(&mut *tx)
        .await?;
        return Err(if exists.is_some() {
            AppError::Conflict
        } else {
            AppError::Forbidden
        });
    }
    let status = match to {
        Some(m) => Some(member_status_in_cell(&mut tx, cell, m).await?),
        None => None,
    };
    let current: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, member_id FROM assignments WHERE group_id = $1 AND ended_at IS NULL",
    )
    .bind(group)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id, _)) = current {
        sqlx::query(
            "UPDATE assignments SET ended_at = $1, ended_by = $2, end_reason = $3 WHERE id = $4",
        )
        .bind(at)
        .bind(user)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    if let (Some(m), Some(status)) = (to, status) {
        let mode = if status == MemberStatus::OutsideCommune {
            "non_regular"
        } else {
            "regular"
        };
        sqlx::query(
            "INSERT INTO assignments (ward_id, cell_id, member_id, group_id, mode, started_at, assigned_by, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(m)
        .bind(group)
        .bind(mode)
        .bind(at)
        .bind(user)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
    }
    audit::write(
        &mut tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(user),
            action: "move",
            entity: "household_group",
            entity_id: Some(group),
            before: Some(&json!({ "member": current.map(|c| c.1) })),
            after: Some(&json!({ "member": to, "reason": reason })),
            at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(GroupChange {
        group,
        member: to,
        version: version + 1,
    })
}

/// The inputs of a suggestion run.
pub fn solver_inputs(
    board: &BoardData,
    rebalance: bool,
) -> (Vec<SolverMember>, Vec<SolverHousehold>) {
    let loads = board.loads();
    let groups_held: HashMap<i64, i64> =
        board
            .groups
            .iter()
            .filter_map(|g| g.member)
            .fold(HashMap::new(), |mut acc, m| {
                *acc.entry(m).or_insert(0) += 1;
                acc
            });
    let members = board
        .members
        .iter()
        .map(|m| SolverMember {
            id: m.id,
            home: m.home,
            capacity: suggestion_capacity(m),
            fixed_load: if rebalance {
                groups_held.get(&m.id).copied().unwrap_or(0)
            } else {
                loads.get(&m.id).copied().unwrap_or(0)
            },
        })
        .collect();
    let households = board
        .households
        .iter()
        .filter(|h| rebalance || h.member.is_none())
        .map(|h| SolverHousehold {
            id: h.id,
            place: h.place,
            current: h.member,
            version: h.version,
        })
        .collect();
    (members, households)
}

/// Unassigned households of a member's cell with no pending request, nearest first.
pub async fn candidates(pool: &Pool, member: i64) -> sqlx::Result<Vec<Candidate>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        head_name: String,
        area: String,
        alley: String,
        lane: String,
        house_no: String,
    }
    let home: Option<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT ward_id, cell_id, home_area, home_alley, home_lane FROM members WHERE id = $1",
    )
    .bind(member)
    .fetch_optional(pool)
    .await?;
    let Some((ward, cell, area, alley, lane)) = home else {
        return Ok(vec![]);
    };
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT h.id, h.head_name, h.area, h.alley, h.lane, h.house_no FROM households h \
         WHERE h.ward_id = $1 AND h.cell_id = $2 \
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.ended_at IS NULL) \
           AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.household_id = h.id AND r.state = 'pending') \
         ORDER BY h.alley, h.lane, LENGTH(h.house_no), h.house_no",
    )
    .bind(ward)
    .bind(cell)
    .fetch_all(pool)
    .await?;
    let mut names = Names::default();
    let home = [names.id(&area), names.id(&alley), names.id(&lane)];
    let mut out: Vec<Candidate> = rows
        .into_iter()
        .map(|r| {
            let place = [names.id(&r.area), names.id(&r.alley), names.id(&r.lane)];
            Candidate {
                household: r.id,
                head: r.head_name,
                address: Address {
                    area: r.area,
                    alley: r.alley,
                    lane: r.lane,
                    house_no: r.house_no,
                }
                .short(),
                distance: Distance::between(home, place),
            }
        })
        .collect();
    out.sort_by_key(|c| c.distance);
    Ok(out)
}

/// A member asks to look after a household of their cell.
pub async fn request_registration(
    pool: &Pool,
    member: i64,
    household: i64,
    note: &str,
    user: i64,
    at: DateTime<Utc>,
) -> AppResult<PendingRegistration> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let cell: Option<(i64, i64)> = sqlx::query_as(
        "SELECT h.ward_id, h.cell_id FROM households h JOIN members m ON m.cell_id = h.cell_id AND m.ward_id = h.ward_id \
         WHERE h.id = $1 AND m.id = $2",
    )
    .bind(household)
    .bind(member)
    .fetch_optional(&mut *tx)
    .await?;
    let (ward, cell) = cell.ok_or(AppError::Forbidden)?;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assignments WHERE household_id = $1 AND ended_at IS NULL",
    )
    .bind(household)
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(AppError::Conflict);
    }
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO registrations (ward_id, cell_id, household_id, member_id, state, note, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id",
    )
    .bind(ward)
    .bind(cell)
    .bind(household)
    .bind(member)
    .bind(note)
    .bind(at)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        // Someone asked for it first (the one-pending-request index).
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(AppError::Conflict),
        Err(e) => return Err(e.into()),
    };
    audit::write(
        &mut tx,
        audit::Entry::<(), _> {
            ward_id: Some(ward),
            user_id: Some(user),
            action: "request",
            entity: "registration",
            entity_id: Some(id),
            before: None,
            after: Some(&json!({ "household": household, "member": member, "note": note })),
            at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(PendingRegistration {
        id,
        household,
        member,
        note: note.to_string(),
        requested_on: format::day_of(at),
    })
}

/// The cell a registration belongs to and its state.
pub async fn registration(pool: &Pool, id: i64) -> sqlx::Result<Option<(i64, i64, i64, String)>> {
    sqlx::query_as(
        "SELECT cell_id, household_id, member_id, state FROM registrations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Approves (assigning the household, an ordinary move) or declines a pending request.
pub async fn decide_registration(
    pool: &Pool,
    cell: &CellScope,
    id: i64,
    approve: bool,
    reason: &str,
    user: i64,
    at: DateTime<Utc>,
) -> AppResult<Option<HouseholdChange>> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let closed = sqlx::query(
        "UPDATE registrations SET state = $1, decided_by = $2, decided_at = $3, decision_reason = $4 \
         WHERE id = $5 AND ward_id = $6 AND cell_id = $7 AND state = 'pending'",
    )
    .bind(if approve { "approved" } else { "declined" })
    .bind(user)
    .bind(at)
    .bind(reason)
    .bind(id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    let (household, member): (i64, i64) =
        sqlx::query_as("SELECT household_id, member_id FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let change = if approve {
        let version: i64 = sqlx::query_scalar("SELECT version FROM households WHERE id = $1")
            .bind(household)
            .fetch_one(&mut *tx)
            .await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM assignments WHERE household_id = $1 AND ended_at IS NULL",
        )
        .bind(household)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(AppError::Conflict);
        }
        let req = MoveRequest {
            household,
            to: Some(member),
            version,
            reason: if reason.is_empty() {
                "Đảng viên đăng ký gắn bó".to_string()
            } else {
                reason.to_string()
            },
        };
        Some(move_in_tx(&mut tx, cell, &req, user, at).await?)
    } else {
        None
    };
    audit::write(
        &mut tx,
        audit::Entry::<(), _> {
            ward_id: Some(cell.ward_id),
            user_id: Some(user),
            action: if approve { "approve" } else { "decline" },
            entity: "registration",
            entity_id: Some(id),
            before: None,
            after: Some(&json!({ "reason": reason })),
            at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(change)
}

/// A member withdraws their own pending request.
pub async fn withdraw_registration(
    pool: &Pool,
    id: i64,
    member: i64,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    let cell: Option<i64> = sqlx::query_scalar(
        "UPDATE registrations SET state = 'withdrawn', decided_at = $1 WHERE id = $2 AND member_id = $3 AND state = 'pending' RETURNING cell_id",
    )
    .bind(at)
    .bind(id)
    .bind(member)
    .fetch_optional(pool)
    .await?;
    cell.ok_or(AppError::Forbidden)
}

/// A member's own requests, newest first.
pub async fn my_registrations(pool: &Pool, member: i64) -> sqlx::Result<Vec<MyRegistration>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        household_id: i64,
        head_name: String,
        area: String,
        alley: String,
        lane: String,
        house_no: String,
        state: String,
        decision_reason: String,
        created_at: DateTime<Utc>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, r.household_id, h.head_name, h.area, h.alley, h.lane, h.house_no, r.state, r.decision_reason, r.created_at \
         FROM registrations r JOIN households h ON h.id = r.household_id \
         WHERE r.member_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT 50",
    )
    .bind(member)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MyRegistration {
            id: r.id,
            household: r.household_id,
            head: r.head_name,
            address: Address {
                area: r.area,
                alley: r.alley,
                lane: r.lane,
                house_no: r.house_no,
            }
            .short(),
            state: r.state,
            reason: r.decision_reason,
            requested_on: format::day_of(r.created_at),
        })
        .collect())
}

/// The register (sổ theo dõi) of a cell as it stood at the end of `day`.
pub async fn register(pool: &Pool, cell: &CellScope, day: NaiveDate) -> sqlx::Result<Register> {
    // The end of the day in Vietnam, in UTC.
    let end = crate::core::clock::day_start(day + chrono::Duration::days(1));
    #[derive(sqlx::FromRow)]
    struct Row {
        member_id: i64,
        full_name: String,
        status: String,
        head_name: Option<String>,
        group_name: Option<String>,
        area: Option<String>,
        alley: Option<String>,
        lane: Option<String>,
        house_no: Option<String>,
        started_at: DateTime<Utc>,
        mode: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.member_id, m.full_name, m.status, h.head_name, g.name AS group_name, \
                COALESCE(h.area, g.area) AS area, COALESCE(h.alley, g.alley) AS alley, h.lane, h.house_no, \
                a.started_at, a.mode \
         FROM assignments a JOIN members m ON m.id = a.member_id \
         LEFT JOIN households h ON h.id = a.household_id \
         LEFT JOIN household_groups g ON g.id = a.group_id \
         WHERE a.ward_id = $1 AND a.cell_id = $2 AND a.started_at < $3 AND (a.ended_at IS NULL OR a.ended_at >= $3) \
         ORDER BY m.search_key, m.id, COALESCE(h.alley, g.alley), h.lane, LENGTH(h.house_no), h.house_no",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<RegisterRow> = Vec::new();
    let mut current_member: Option<i64> = None;
    for r in rows {
        let label = r.head_name.or(r.group_name).unwrap_or_default();
        let address = Address {
            area: r.area.unwrap_or_default(),
            alley: r.alley.unwrap_or_default(),
            lane: r.lane.unwrap_or_default(),
            house_no: r.house_no.unwrap_or_default(),
        }
        .short();
        let entry = RegisterEntry {
            label,
            address,
            since: format::day_of(r.started_at),
            non_regular: r.mode == "non_regular",
        };
        match out.last_mut() {
            Some(row) if current_member == Some(r.member_id) => row.households.push(entry),
            _ => {
                current_member = Some(r.member_id);
                out.push(RegisterRow {
                    member: r.full_name,
                    member_status: MemberStatus::parse(&r.status).unwrap_or(MemberStatus::Active),
                    households: vec![entry],
                });
            }
        }
    }
    // Households that existed that day and nobody looked after.
    let unassigned: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT h.head_name, h.area, h.alley, h.lane, h.house_no FROM households h \
         WHERE h.ward_id = $1 AND h.cell_id = $2 AND h.created_at < $3 \
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.household_id = h.id \
                           AND a.started_at < $3 AND (a.ended_at IS NULL OR a.ended_at >= $3)) \
         ORDER BY h.alley, h.lane, LENGTH(h.house_no), h.house_no",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM households WHERE ward_id = $1 AND cell_id = $2 AND created_at < $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(end)
    .fetch_one(pool)
    .await?;
    Ok(Register {
        cell_name: cell.name.clone(),
        ward_name: cell.ward_name.clone(),
        as_of: format::date(day),
        rows: out,
        unassigned: unassigned
            .into_iter()
            .map(|(head, area, alley, lane, house_no)| RegisterEntry {
                label: head,
                address: Address {
                    area,
                    alley,
                    lane,
                    house_no,
                }
                .short(),
                since: String::new(),
                non_regular: false,
            })
            .collect(),
        total_households: total as usize,
    })
}
