//! SQL for units, members and households. Every query of a cell filters by its ward first.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::*;
use crate::core::fold::fold;
use crate::server::db::{Db, Pool};
use crate::server::scope::CellScope;

/// `%fragment%` for a LIKE on a folded search key, with LIKE's wildcards escaped.
pub fn like_pattern(folded: &str) -> String {
    let mut p = String::with_capacity(folded.len() + 2);
    p.push('%');
    for ch in folded.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Member and household counts for each of the given cells, in the given order.
pub async fn cell_summaries(pool: &Pool, cells: &[CellScope]) -> sqlx::Result<Vec<CellSummary>> {
    if cells.is_empty() {
        return Ok(vec![]);
    }
    #[derive(sqlx::FromRow)]
    struct Counts {
        cell_id: i64,
        members: i64,
        assignable_members: i64,
        households: i64,
        assigned_households: i64,
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.id AS cell_id, \
           (SELECT COUNT(*) FROM members m WHERE m.ward_id = c.ward_id AND m.cell_id = c.id) AS members, \
           (SELECT COUNT(*) FROM members m WHERE m.ward_id = c.ward_id AND m.cell_id = c.id \
              AND m.status IN ('active', 'working_away', 'outside_commune')) AS assignable_members, \
           (SELECT COUNT(*) FROM households h WHERE h.ward_id = c.ward_id AND h.cell_id = c.id) AS households, \
           (SELECT COUNT(*) FROM assignments a WHERE a.ward_id = c.ward_id AND a.cell_id = c.id \
              AND a.ended_at IS NULL AND a.household_id IS NOT NULL) AS assigned_households \
         FROM org_units c WHERE c.id IN (",
    );
    let mut sep = qb.separated(", ");
    for c in cells {
        sep.push_bind(c.cell_id);
    }
    qb.push(")");
    let counts: Vec<Counts> = qb.build_query_as().fetch_all(pool).await?;
    Ok(cells
        .iter()
        .map(|c| {
            let n = counts.iter().find(|n| n.cell_id == c.cell_id);
            CellSummary {
                id: c.cell_id,
                name: c.name.clone(),
                code: String::new(),
                ward_name: c.ward_name.clone(),
                members: n.map_or(0, |n| n.members),
                assignable_members: n.map_or(0, |n| n.assignable_members),
                households: n.map_or(0, |n| n.households),
                assigned_households: n.map_or(0, |n| n.assigned_households),
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct MemberDb {
    id: i64,
    full_name: String,
    gender: String,
    birth_year: Option<i32>,
    phone: String,
    home_area: String,
    home_alley: String,
    home_lane: String,
    home_house_no: String,
    status: String,
    kind: String,
    workplace: String,
    capacity: i64,
    load: i64,
}

impl From<MemberDb> for MemberRow {
    fn from(m: MemberDb) -> Self {
        MemberRow {
            id: m.id,
            full_name: m.full_name,
            gender: Gender::parse(&m.gender).unwrap_or(Gender::Other),
            birth_year: m.birth_year,
            phone: m.phone,
            home: Address {
                area: m.home_area,
                alley: m.home_alley,
                lane: m.home_lane,
                house_no: m.home_house_no,
            },
            status: MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Active),
            kind: MemberKind::parse(&m.kind).unwrap_or(MemberKind::Resident),
            workplace: m.workplace,
            capacity: m.capacity,
            load: m.load,
        }
    }
}

const MEMBER_SELECT: &str = "SELECT m.id, m.full_name, m.gender, m.birth_year, m.phone, \
     m.home_area, m.home_alley, m.home_lane, m.home_house_no, m.status, m.kind, m.workplace, m.capacity, \
     (SELECT COUNT(*) FROM assignments a WHERE a.member_id = m.id AND a.ended_at IS NULL) AS load \
     FROM members m";

/// Filters for a cell's member list.
#[derive(Clone, Debug, Default)]
pub struct MemberFilter {
    pub query: String,
    pub status: Option<MemberStatus>,
}

pub async fn list_members(
    pool: &Pool,
    cell: &CellScope,
    filter: &MemberFilter,
    page: u32,
) -> sqlx::Result<Page<MemberRow>> {
    let folded = fold(&filter.query);
    let push_where = |qb: &mut QueryBuilder<'_, Db>| {
        qb.push(" WHERE m.ward_id = ")
            .push_bind(cell.ward_id)
            .push(" AND m.cell_id = ")
            .push_bind(cell.cell_id);
        if !folded.is_empty() {
            qb.push(" AND m.search_key LIKE ")
                .push_bind(like_pattern(&folded))
                .push(" ESCAPE '\\'");
        }
        if let Some(s) = filter.status {
            qb.push(" AND m.status = ").push_bind(s.code());
        }
    };
    let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM members m");
    push_where(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    let mut qb = QueryBuilder::<Db>::new(MEMBER_SELECT);
    push_where(&mut qb);
    qb.push(" ORDER BY m.search_key, m.id LIMIT ")
        .push_bind(PER_PAGE as i64)
        .push(" OFFSET ")
        .push_bind(page.saturating_sub(1) as i64 * PER_PAGE as i64);
    let rows: Vec<MemberDb> = qb.build_query_as().fetch_all(pool).await?;
    Ok(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
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
    phone: String,
    tags: String,
    member_id: Option<i64>,
    member_name: Option<String>,
    last_visit: Option<NaiveDate>,
}

impl From<HouseholdDb> for HouseholdRow {
    fn from(h: HouseholdDb) -> Self {
        HouseholdRow {
            id: h.id,
            head_name: h.head_name,
            address: Address {
                area: h.area,
                alley: h.alley,
                lane: h.lane,
                house_no: h.house_no,
            },
            size: h.size,
            phone: h.phone,
            tags: HouseholdTag::parse_list(&h.tags),
            member_id: h.member_id,
            member_name: h.member_name,
            last_visit: h.last_visit,
        }
    }
}

const HOUSEHOLD_SELECT: &str = "SELECT h.id, h.head_name, h.area, h.alley, h.lane, h.house_no, h.size, h.phone, h.tags, \
     a.member_id, m.full_name AS member_name, \
     (SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = h.id) AS last_visit \
     FROM households h \
     LEFT JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
     LEFT JOIN members m ON m.id = a.member_id";

/// Filters for a cell's household list.
#[derive(Clone, Debug, Default)]
pub struct HouseholdFilter {
    pub query: String,
    pub tag: Option<HouseholdTag>,
    /// `Some(false)`: only households nobody looks after.
    pub assigned: Option<bool>,
}

pub async fn list_households(
    pool: &Pool,
    cell: &CellScope,
    filter: &HouseholdFilter,
    page: u32,
) -> sqlx::Result<Page<HouseholdRow>> {
    let folded = fold(&filter.query);
    let push_where = |qb: &mut QueryBuilder<'_, Db>| {
        qb.push(" WHERE h.ward_id = ")
            .push_bind(cell.ward_id)
            .push(" AND h.cell_id = ")
            .push_bind(cell.cell_id);
        if !folded.is_empty() {
            qb.push(" AND h.search_key LIKE ")
                .push_bind(like_pattern(&folded))
                .push(" ESCAPE '\\'");
        }
        if let Some(t) = filter.tag {
            qb.push(" AND h.tags LIKE ")
                .push_bind(format!("%,{},%", t.code()));
        }
        match filter.assigned {
            Some(true) => {
                qb.push(" AND a.id IS NOT NULL");
            }
            Some(false) => {
                qb.push(" AND a.id IS NULL");
            }
            None => {}
        }
    };
    let mut count = QueryBuilder::<Db>::new(
        "SELECT COUNT(*) FROM households h \
         LEFT JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL",
    );
    push_where(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    let mut qb = QueryBuilder::<Db>::new(HOUSEHOLD_SELECT);
    push_where(&mut qb);
    qb.push(" ORDER BY h.alley, h.lane, LENGTH(h.house_no), h.house_no, h.id LIMIT ")
        .push_bind(PER_PAGE as i64)
        .push(" OFFSET ")
        .push_bind(page.saturating_sub(1) as i64 * PER_PAGE as i64);
    let rows: Vec<HouseholdDb> = qb.build_query_as().fetch_all(pool).await?;
    Ok(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The households a member looks after now.
pub async fn member_households(pool: &Pool, member_id: i64) -> sqlx::Result<Vec<HouseholdRow>> {
    let rows: Vec<HouseholdDb> = sqlx::query_as(&format!(
        "{HOUSEHOLD_SELECT} WHERE a.member_id = $1 ORDER BY h.alley, h.lane, LENGTH(h.house_no), h.house_no, h.id"
    ))
    .bind(member_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The cell a member or household belongs to, for the scope check.
pub async fn member_cell(pool: &Pool, member_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT cell_id FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_optional(pool)
        .await
}

/// The username of a member's sign-in, if they have one.
pub async fn member_username(pool: &Pool, member_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT username FROM users WHERE member_id = $1 ORDER BY id LIMIT 1")
        .bind(member_id)
        .fetch_optional(pool)
        .await
}

/// A member's account: its id, username and whether it still waits for a password of
/// the person's own.
pub async fn member_account(
    pool: &Pool,
    member_id: i64,
) -> sqlx::Result<Option<(i64, String, bool)>> {
    sqlx::query_as(
        "SELECT id, username, must_choose_password FROM users WHERE member_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(member_id)
    .fetch_optional(pool)
    .await
}

pub async fn household_cell(pool: &Pool, household_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT cell_id FROM households WHERE id = $1")
        .bind(household_id)
        .fetch_optional(pool)
        .await
}

pub async fn member(
    pool: &Pool,
    cell: &CellScope,
    member_id: i64,
) -> sqlx::Result<Option<(MemberRow, String, String)>> {
    #[derive(sqlx::FromRow)]
    struct Extra {
        notes: String,
        workplace_committee: String,
    }
    let row: Option<MemberDb> = sqlx::query_as(&format!(
        "{MEMBER_SELECT} WHERE m.ward_id = $1 AND m.cell_id = $2 AND m.id = $3"
    ))
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(member_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let extra: Extra =
        sqlx::query_as("SELECT notes, workplace_committee FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_one(pool)
            .await?;
    Ok(Some((row.into(), extra.notes, extra.workplace_committee)))
}

pub async fn status_history(
    pool: &Pool,
    member_id: i64,
) -> sqlx::Result<Vec<(MemberStatus, DateTime<Utc>)>> {
    let rows: Vec<(String, DateTime<Utc>)> =
        sqlx::query_as("SELECT status, since FROM member_status_history WHERE member_id = $1 ORDER BY since DESC, id DESC")
            .bind(member_id)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, at)| Some((MemberStatus::parse(&s)?, at)))
        .collect())
}

#[derive(sqlx::FromRow)]
struct HistoryDb {
    member_id: i64,
    member_name: String,
    household_id: Option<i64>,
    head_name: Option<String>,
    group_name: Option<String>,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    reason: String,
}

const HISTORY_SELECT: &str = "SELECT a.member_id, m.full_name AS member_name, a.household_id, \
     h.head_name, g.name AS group_name, a.started_at, a.ended_at, a.reason \
     FROM assignments a JOIN members m ON m.id = a.member_id \
     LEFT JOIN households h ON h.id = a.household_id \
     LEFT JOIN household_groups g ON g.id = a.group_id";

fn history_entry(r: HistoryDb) -> AssignmentEntry {
    AssignmentEntry {
        member_id: r.member_id,
        member_name: r.member_name,
        household_id: r.household_id,
        household_label: r.head_name.or(r.group_name).unwrap_or_default(),
        started_at: r.started_at,
        ended_at: r.ended_at,
        reason: r.reason,
    }
}

/// Who was responsible for a household, newest first.
pub async fn household_history(
    pool: &Pool,
    household_id: i64,
) -> sqlx::Result<Vec<AssignmentEntry>> {
    let rows: Vec<HistoryDb> = sqlx::query_as(&format!(
        "{HISTORY_SELECT} WHERE a.household_id = $1 ORDER BY a.started_at DESC, a.id DESC"
    ))
    .bind(household_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(history_entry).collect())
}

/// What a member was responsible for, newest first.
pub async fn member_history(pool: &Pool, member_id: i64) -> sqlx::Result<Vec<AssignmentEntry>> {
    let rows: Vec<HistoryDb> = sqlx::query_as(&format!(
        "{HISTORY_SELECT} WHERE a.member_id = $1 ORDER BY a.started_at DESC, a.id DESC"
    ))
    .bind(member_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(history_entry).collect())
}

pub async fn household(
    pool: &Pool,
    cell: &CellScope,
    household_id: i64,
) -> sqlx::Result<Option<HouseholdDetail>> {
    let row: Option<HouseholdDb> = sqlx::query_as(&format!(
        "{HOUSEHOLD_SELECT} WHERE h.ward_id = $1 AND h.cell_id = $2 AND h.id = $3"
    ))
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (group_name, notes, hot_spot, visits): (Option<String>, String, i64, i64) = sqlx::query_as(
        "SELECT g.name, h.notes, h.hot_spot, (SELECT COUNT(*) FROM visits v WHERE v.household_id = h.id) \
         FROM households h LEFT JOIN household_groups g ON g.id = h.group_id WHERE h.id = $1",
    )
    .bind(household_id)
    .fetch_one(pool)
    .await?;
    Ok(Some(HouseholdDetail {
        household: row.into(),
        cell: cell_info(cell),
        group_name,
        notes,
        hot_spot,
        history: household_history(pool, household_id).await?,
        visits,
    }))
}

pub fn cell_info(cell: &CellScope) -> CellInfo {
    CellInfo {
        id: cell.cell_id,
        name: cell.name.clone(),
        ward_name: cell.ward_name.clone(),
        can_write: cell.can_write,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("nguyen"), "%nguyen%");
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
