//! SQL for imports (jobs, remembered mappings, the one-transaction write) and exports.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::check::{Existing, ExistingHousehold, ExistingMember, HouseholdRef, Plan, Progress};
use super::model::*;
use crate::core::fold::fold;
use crate::features::org::model::{HouseholdTag, MemberStatus};
use crate::server::db::{Db, Pool};
use crate::server::scope::CellScope;

/// An import job as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub ward_id: i64,
    pub cell_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub file_path: String,
    pub format: String,
    pub encoding: String,
    pub sheet: String,
    pub kind: String,
    pub mapping_json: String,
    pub state: String,
    pub rows_total: i64,
    pub errors_total: i64,
    pub counts_json: String,
    pub errors_json: String,
    pub preview_json: String,
    pub failure: String,
    pub cancel_requested: bool,
    pub created_at: DateTime<Utc>,
}

impl JobRow {
    pub fn state(&self) -> JobState {
        JobState::parse(&self.state).unwrap_or(JobState::Failed)
    }

    pub fn kind(&self) -> Option<ImportKind> {
        ImportKind::parse(&self.kind)
    }

    pub fn mapping(&self) -> Vec<Option<Field>> {
        serde_json::from_str::<Vec<Option<Field>>>(&self.mapping_json).unwrap_or_default()
    }

    /// The page's view; `live` is the progress of work going on now.
    pub fn view(&self, live: Option<(u64, u64)>) -> JobView {
        let (done, total) = live.unwrap_or((self.rows_total as u64, self.rows_total as u64));
        JobView {
            id: self.id,
            cell_id: self.cell_id,
            file_name: self.file_name.clone(),
            kind: self.kind(),
            state: self.state(),
            done,
            total,
            counts: serde_json::from_str(&self.counts_json).unwrap_or_default(),
            errors_total: self.errors_total as u64,
            errors: serde_json::from_str(&self.errors_json).unwrap_or_default(),
            preview: serde_json::from_str(&self.preview_json).unwrap_or_default(),
            failure: serde_json::from_str(&self.failure).ok(),
            created_at: self.created_at,
        }
    }
}

const JOB_SELECT: &str = "SELECT id, ward_id, cell_id, user_id, file_name, file_path, format, encoding, sheet, kind, \
     mapping_json, state, rows_total, errors_total, counts_json, errors_json, preview_json, failure, \
     cancel_requested, created_at FROM import_jobs";

pub struct NewJob<'a> {
    pub cell: &'a CellScope,
    pub user_id: i64,
    pub file_name: &'a str,
    pub file_path: &'a str,
    pub file_size: i64,
    pub format: &'a str,
    pub encoding: &'a str,
    pub sheet: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn create_job(pool: &Pool, j: NewJob<'_>) -> sqlx::Result<i64> {
    let at = j.at;
    sqlx::query_scalar(
        "INSERT INTO import_jobs (ward_id, cell_id, user_id, file_name, file_path, file_size, format, encoding, sheet, \
         state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'uploaded', $10, $10) RETURNING id",
    )
    .bind(j.cell.ward_id)
    .bind(j.cell.cell_id)
    .bind(j.user_id)
    .bind(j.file_name)
    .bind(j.file_path)
    .bind(j.file_size)
    .bind(j.format)
    .bind(j.encoding)
    .bind(j.sheet)
    .bind(at)
    .fetch_one(pool)
    .await
}

/// A job by id (the caller's scope is checked against its cell afterwards).
pub async fn job(pool: &Pool, id: i64) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(&format!("{JOB_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// The latest imports of a cell, newest first.
pub async fn recent_jobs(pool: &Pool, cell: &CellScope, limit: i64) -> sqlx::Result<Vec<JobRow>> {
    sqlx::query_as(&format!(
        "{JOB_SELECT} WHERE ward_id = $1 AND cell_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3"
    ))
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Remembers the person's choice of sheet, encoding, kind and columns, and moves the job
/// on to be checked.
pub async fn set_choice(
    pool: &Pool,
    id: i64,
    sheet: &str,
    encoding: &str,
    kind: ImportKind,
    mapping: &[Option<Field>],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE import_jobs SET sheet = $1, encoding = $2, kind = $3, mapping_json = $4, state = $5, \
         rows_total = 0, errors_total = 0, counts_json = '{}', errors_json = '[]', preview_json = '[]', failure = '', \
         cancel_requested = 0, updated_at = $6 WHERE id = $7",
    )
    .bind(sheet)
    .bind(encoding)
    .bind(kind.code())
    .bind(serde_json::to_string(mapping).unwrap_or_else(|_| "[]".into()))
    .bind(JobState::Checking.code())
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Moves a job to a state only if it is in one of `from` (so two clicks cannot start two
/// writers). Returns whether it moved.
pub async fn transition(
    pool: &Pool,
    id: i64,
    from: &[JobState],
    to: JobState,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut qb = QueryBuilder::<Db>::new("UPDATE import_jobs SET state = ");
    qb.push_bind(to.code())
        .push(", cancel_requested = 0, updated_at = ")
        .push_bind(now)
        .push(" WHERE id = ")
        .push_bind(id)
        .push(" AND state IN (");
    let mut sep = qb.separated(", ");
    for s in from {
        sep.push_bind(s.code());
    }
    qb.push(")");
    Ok(qb.build().execute(pool).await?.rows_affected() == 1)
}

/// The outcome of a check or a write.
pub struct Outcome<'a> {
    pub state: JobState,
    pub rows_total: u64,
    pub counts: &'a Counts,
    pub errors_total: u64,
    pub errors: &'a [RowError],
    pub preview: &'a Preview,
    pub failure: Option<&'a FileProblem>,
}

pub async fn save_outcome(
    pool: &Pool,
    id: i64,
    o: Outcome<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let finished = o.state.finished().then_some(now);
    sqlx::query(
        "UPDATE import_jobs SET state = $1, rows_total = $2, counts_json = $3, errors_total = $4, errors_json = $5, \
         preview_json = $6, failure = $7, updated_at = $8, finished_at = $9 WHERE id = $10",
    )
    .bind(o.state.code())
    .bind(o.rows_total as i64)
    .bind(serde_json::to_string(o.counts).unwrap_or_else(|_| "{}".into()))
    .bind(o.errors_total as i64)
    .bind(serde_json::to_string(o.errors).unwrap_or_else(|_| "[]".into()))
    .bind(serde_json::to_string(o.preview).unwrap_or_else(|_| "[]".into()))
    .bind(o.failure.map(|f| serde_json::to_string(f).unwrap_or_default()).unwrap_or_default())
    .bind(now)
    .bind(finished)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Ends a job without writing anything: cancelled, failed or interrupted.
pub async fn finish(
    pool: &Pool,
    id: i64,
    state: JobState,
    failure: Option<&FileProblem>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE import_jobs SET state = $1, failure = $2, file_path = '', updated_at = $3, finished_at = $3 WHERE id = $4",
    )
    .bind(state.code())
    .bind(failure.map(|f| serde_json::to_string(f).unwrap_or_default()).unwrap_or_default())
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn request_cancel(pool: &Pool, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE import_jobs SET cancel_requested = 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Jobs whose file is still kept although nobody has touched them since `before`.
pub async fn stale_jobs(pool: &Pool, before: DateTime<Utc>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, file_path FROM import_jobs WHERE file_path <> '' AND updated_at < $1 \
         AND state IN ('uploaded', 'invalid', 'ready')",
    )
    .bind(before)
    .fetch_all(pool)
    .await
}

/// Jobs left running by a server that stopped.
pub async fn interrupted_jobs(pool: &Pool) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, file_path FROM import_jobs WHERE state IN ('checking', 'committing')",
    )
    .fetch_all(pool)
    .await
}

/// The cell's remembered mapping: folded header → field.
pub async fn remembered_mapping(
    pool: &Pool,
    cell: &CellScope,
    kind: ImportKind,
) -> sqlx::Result<HashMap<String, Option<Field>>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT header_key, field FROM import_mappings WHERE ward_id = $1 AND cell_id = $2 AND kind = $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(kind.code())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, f)| {
            if f.is_empty() {
                Some((k, None))
            } else {
                Some((k, Some(Field::parse(&f)?)))
            }
        })
        .collect())
}

/// Remembers which header went to which field (and that a header is not imported: "").
pub async fn save_mapping(
    pool: &Pool,
    cell: &CellScope,
    kind: ImportKind,
    headers: &[String],
    mapping: &[Option<Field>],
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    for (h, f) in headers.iter().zip(mapping) {
        let key = super::read::header_key(h);
        if key.is_empty() {
            continue;
        }
        sqlx::query(
            "INSERT INTO import_mappings (ward_id, cell_id, kind, header_key, field, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (cell_id, kind, header_key) DO UPDATE SET field = excluded.field, updated_at = excluded.updated_at",
        )
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(kind.code())
        .bind(key)
        .bind(f.map_or("", Field::code))
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// What the cell holds already, as far as an import of `kind` needs it.
pub async fn existing(pool: &Pool, cell: &CellScope, kind: ImportKind) -> sqlx::Result<Existing> {
    let members: Vec<ExistingMember> = sqlx::query_as(
        "SELECT id, full_name, birth_year, gender, phone, home_area, home_alley, home_lane, home_house_no, \
         status, kind, workplace, capacity, notes FROM members WHERE ward_id = $1 AND cell_id = $2 ORDER BY id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    if kind == ImportKind::Members {
        return Ok(Existing {
            members,
            ..Existing::default()
        });
    }
    let households: Vec<ExistingHousehold> = sqlx::query_as(
        "SELECT id, head_name, area, alley, lane, house_no, size, phone, tags, notes FROM households \
         WHERE ward_id = $1 AND cell_id = $2 ORDER BY id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let active: Vec<(i64, i64, i64, DateTime<Utc>)> = sqlx::query_as(
        "SELECT id, household_id, member_id, started_at FROM assignments \
         WHERE ward_id = $1 AND cell_id = $2 AND ended_at IS NULL AND household_id IS NOT NULL",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    Ok(Existing {
        members,
        households,
        active: active
            .into_iter()
            .map(|(a, h, m, s)| (h, (a, m, s)))
            .collect(),
    })
}

/// Why a write stopped.
#[derive(Debug)]
pub enum ApplyError {
    Cancelled,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        ApplyError::Db(e)
    }
}

const CHUNK: usize = 500;

fn tick(progress: &Progress, n: usize) -> Result<(), ApplyError> {
    progress
        .done
        .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    if progress.cancelled() {
        Err(ApplyError::Cancelled)
    } else {
        Ok(())
    }
}

async fn next_id(tx: &mut sqlx::Transaction<'_, Db>, table: &str) -> sqlx::Result<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// Writes a checked plan in one transaction, with its audit entry and the job's outcome.
/// Nothing is written if it is cancelled or fails part-way.
pub async fn apply(
    pool: &Pool,
    cell: &CellScope,
    job_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
    plan: &Plan,
    progress: &Progress,
) -> Result<(), ApplyError> {
    use std::sync::atomic::Ordering;
    let total = plan.members.len() + plan.households.len() + plan.assignments.len();
    progress.total.store(total.max(1) as u64, Ordering::Relaxed);
    progress.done.store(0, Ordering::Relaxed);
    let ward = cell.ward_id;
    // The write lock is taken at once, so the ids counted next stay free.
    let mut tx = crate::server::db::begin_write(pool).await?;
    sqlx::query("UPDATE import_jobs SET updated_at = $1 WHERE id = $2")
        .bind(at)
        .bind(job_id)
        .execute(&mut *tx)
        .await?;

    // Members.
    let new_members: Vec<_> = plan.members.iter().filter(|m| m.id.is_none()).collect();
    let first_member = next_id(&mut tx, "members").await?;
    for (c, chunk) in new_members.chunks(CHUNK).enumerate() {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO members (id, ward_id, cell_id, full_name, search_key, gender, birth_year, phone, home_area, \
             home_alley, home_lane, home_house_no, status, kind, workplace, capacity, notes, created_at, updated_at) ",
        );
        qb.push_values(chunk.iter().enumerate(), |mut b, (i, m)| {
            b.push_bind(first_member + (c * CHUNK + i) as i64)
                .push_bind(ward)
                .push_bind(cell.cell_id)
                .push_bind(&m.full_name)
                .push_bind(member_key(m))
                .push_bind(m.gender.code())
                .push_bind(m.birth_year)
                .push_bind(&m.phone)
                .push_bind(&m.home.area)
                .push_bind(&m.home.alley)
                .push_bind(&m.home.lane)
                .push_bind(&m.home.house_no)
                .push_bind(m.status.code())
                .push_bind(m.kind.code())
                .push_bind(&m.workplace)
                .push_bind(m.capacity)
                .push_bind(&m.notes)
                .push_bind(at)
                .push_bind(at);
        });
        qb.build().execute(&mut *tx).await?;
        tick(progress, chunk.len())?;
    }
    for (n, m) in plan.members.iter().filter(|m| m.id.is_some()).enumerate() {
        sqlx::query(
            "UPDATE members SET full_name = $1, search_key = $2, gender = $3, birth_year = $4, phone = $5, \
             home_area = $6, home_alley = $7, home_lane = $8, home_house_no = $9, status = $10, kind = $11, \
             workplace = $12, capacity = $13, notes = $14, version = version + 1, updated_at = $15, \
             home_changed_at = COALESCE($19, home_changed_at) \
             WHERE id = $16 AND ward_id = $17 AND cell_id = $18",
        )
        .bind(&m.full_name)
        .bind(member_key(m))
        .bind(m.gender.code())
        .bind(m.birth_year)
        .bind(&m.phone)
        .bind(&m.home.area)
        .bind(&m.home.alley)
        .bind(&m.home.lane)
        .bind(&m.home.house_no)
        .bind(m.status.code())
        .bind(m.kind.code())
        .bind(&m.workplace)
        .bind(m.capacity)
        .bind(&m.notes)
        .bind(at)
        .bind(m.id)
        .bind(ward)
        .bind(cell.cell_id)
        // A member who moved: the households given for the old home become stale (R10).
        .bind(m.home_changed.then_some(at))
        .execute(&mut *tx)
        .await?;
        if n % CHUNK == CHUNK - 1 {
            tick(progress, CHUNK)?;
        }
    }
    // Every new member's status, and every status the file changed, enters the history.
    let mut status_rows: Vec<(i64, MemberStatus)> = Vec::new();
    let mut new_index = 0;
    for m in &plan.members {
        match m.id {
            None => {
                status_rows.push((first_member + new_index, m.status));
                new_index += 1;
            }
            Some(id) if m.status_changed => status_rows.push((id, m.status)),
            Some(_) => {}
        }
    }
    for chunk in status_rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO member_status_history (ward_id, member_id, status, since, changed_by, reason) ",
        );
        qb.push_values(chunk, |mut b, (id, s)| {
            b.push_bind(ward)
                .push_bind(*id)
                .push_bind(s.code())
                .push_bind(at)
                .push_bind(user_id)
                .push_bind("Nhập từ tệp");
        });
        qb.build().execute(&mut *tx).await?;
    }

    // Households.
    let first_household = next_id(&mut tx, "households").await?;
    let new_households: Vec<_> = plan.households.iter().filter(|h| h.id.is_none()).collect();
    // Where the n-th planned household (new or not) ends up.
    let mut household_ids: Vec<i64> = Vec::with_capacity(plan.households.len());
    let mut k = 0;
    for h in &plan.households {
        household_ids.push(match h.id {
            Some(id) => id,
            None => {
                k += 1;
                first_household + k - 1
            }
        });
    }
    for (c, chunk) in new_households.chunks(CHUNK).enumerate() {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO households (id, ward_id, cell_id, area, alley, lane, house_no, head_name, search_key, size, \
             phone, tags, notes, created_at, updated_at) ",
        );
        qb.push_values(chunk.iter().enumerate(), |mut b, (i, h)| {
            b.push_bind(first_household + (c * CHUNK + i) as i64)
                .push_bind(ward)
                .push_bind(cell.cell_id)
                .push_bind(&h.address.area)
                .push_bind(&h.address.alley)
                .push_bind(&h.address.lane)
                .push_bind(&h.address.house_no)
                .push_bind(&h.head_name)
                .push_bind(household_search_key(h))
                .push_bind(h.size)
                .push_bind(&h.phone)
                .push_bind(HouseholdTag::to_stored(&h.tags))
                .push_bind(&h.notes)
                .push_bind(at)
                .push_bind(at);
        });
        qb.build().execute(&mut *tx).await?;
        tick(progress, chunk.len())?;
    }
    for (n, h) in plan
        .households
        .iter()
        .filter(|h| h.id.is_some())
        .enumerate()
    {
        sqlx::query(
            "UPDATE households SET head_name = $1, search_key = $2, area = $3, alley = $4, lane = $5, house_no = $6, \
             size = $7, phone = $8, tags = $9, notes = $10, version = version + 1, updated_at = $11 \
             WHERE id = $12 AND ward_id = $13 AND cell_id = $14",
        )
        .bind(&h.head_name)
        .bind(household_search_key(h))
        .bind(&h.address.area)
        .bind(&h.address.alley)
        .bind(&h.address.lane)
        .bind(&h.address.house_no)
        .bind(h.size)
        .bind(&h.phone)
        .bind(HouseholdTag::to_stored(&h.tags))
        .bind(&h.notes)
        .bind(at)
        .bind(h.id)
        .bind(ward)
        .bind(cell.cell_id)
        .execute(&mut *tx)
        .await?;
        if n % CHUNK == CHUNK - 1 {
            tick(progress, CHUNK)?;
        }
    }

    // Assignments: the ones replaced end first (one active assignment per household, R2).
    for a in &plan.assignments {
        if let Some((old, ended_at)) = a.ends {
            let ended = sqlx::query(
                "UPDATE assignments SET ended_at = $1, ended_by = $2, end_reason = $3 \
                 WHERE id = $4 AND ward_id = $5 AND cell_id = $6 AND ended_at IS NULL",
            )
            .bind(ended_at)
            .bind(user_id)
            .bind("Phân công lại theo tệp nhập")
            .bind(old)
            .bind(ward)
            .bind(cell.cell_id)
            .execute(&mut *tx)
            .await?;
            if ended.rows_affected() != 1 {
                // Someone changed it since the check: the unique index will refuse the new one.
                tracing::info!(assignment = old, "assignment changed since the check");
            }
        }
    }
    // A household whose member changes gets a new version, so that a board showing the
    // old member cannot move it on that stale view.
    let touched: Vec<i64> = plan
        .assignments
        .iter()
        .filter_map(|a| match a.household {
            HouseholdRef::Existing(id) => Some(id),
            HouseholdRef::New(_) => None,
        })
        .collect();
    for chunk in touched.chunks(CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("UPDATE households SET version = version + 1, updated_at = ");
        qb.push_bind(at)
            .push(" WHERE ward_id = ")
            .push_bind(ward)
            .push(" AND cell_id = ")
            .push_bind(cell.cell_id)
            .push(" AND id IN (");
        let mut sep = qb.separated(", ");
        for id in chunk {
            sep.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut *tx).await?;
    }
    for chunk in plan.assignments.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO assignments (ward_id, cell_id, member_id, household_id, mode, started_at, assigned_by, reason) ",
        );
        qb.push_values(chunk, |mut b, a| {
            let household = match a.household {
                HouseholdRef::Existing(id) => id,
                HouseholdRef::New(i) => household_ids.get(i).copied().unwrap_or_default(),
            };
            b.push_bind(ward)
                .push_bind(cell.cell_id)
                .push_bind(a.member_id)
                .push_bind(household)
                .push_bind(if a.non_regular {
                    "non_regular"
                } else {
                    "regular"
                })
                .push_bind(a.started_at)
                .push_bind(user_id)
                .push_bind(&a.reason);
        });
        qb.build().execute(&mut *tx).await?;
        tick(progress, chunk.len())?;
    }
    if progress.cancelled() {
        return Err(ApplyError::Cancelled);
    }

    let summary = serde_json::json!({
        "job": job_id,
        "rows": plan.counts.rows,
        "new": plan.counts.new,
        "updated": plan.counts.updated,
        "unchanged": plan.counts.unchanged,
        "assigned": plan.counts.assigned,
        "reassigned": plan.counts.reassigned,
    });
    crate::server::audit::write::<(), _>(
        &mut tx,
        crate::server::audit::Entry {
            ward_id: Some(ward),
            user_id: Some(user_id),
            action: "import",
            entity: "cell",
            entity_id: Some(cell.cell_id),
            before: None,
            after: Some(&summary),
            at,
        },
    )
    .await?;
    sqlx::query(
        "UPDATE import_jobs SET state = 'done', rows_total = $1, counts_json = $2, file_path = '', \
         updated_at = $3, finished_at = $3 WHERE id = $4",
    )
    .bind(plan.counts.rows as i64)
    .bind(serde_json::to_string(&plan.counts).unwrap_or_else(|_| "{}".into()))
    .bind(at)
    .bind(job_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

fn member_key(m: &super::check::MemberWrite) -> String {
    fold(&format!(
        "{} {} {} {} {}",
        m.full_name, m.home.house_no, m.home.lane, m.home.alley, m.phone
    ))
}

fn household_search_key(h: &super::check::HouseholdWrite) -> String {
    fold(&format!(
        "{} {} {} {} {}",
        h.head_name, h.address.house_no, h.address.lane, h.address.alley, h.phone
    ))
}

// ---------------------------------------------------------------------------------------
// Exports. Each takes the ward and the cells asked for, and filters by both.

fn push_cells(qb: &mut QueryBuilder<'_, Db>, alias: &str, ward: i64, cells: &[i64]) {
    qb.push(format!(" WHERE {alias}.ward_id = "))
        .push_bind(ward)
        .push(format!(" AND {alias}.cell_id IN ("));
    let mut sep = qb.separated(", ");
    for c in cells {
        sep.push_bind(*c);
    }
    qb.push(")");
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberOut {
    pub cell_name: String,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub gender: String,
    pub phone: String,
    pub home_area: String,
    pub home_alley: String,
    pub home_lane: String,
    pub home_house_no: String,
    pub status: String,
    pub kind: String,
    pub workplace: String,
    pub workplace_committee: String,
    pub capacity: i64,
    pub load: i64,
    pub notes: String,
}

pub async fn export_members(pool: &Pool, ward: i64, cells: &[i64]) -> sqlx::Result<Vec<MemberOut>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.name AS cell_name, m.full_name, m.birth_year, m.gender, m.phone, m.home_area, m.home_alley, \
         m.home_lane, m.home_house_no, m.status, m.kind, m.workplace, m.workplace_committee, m.capacity, \
         COALESCE(l.n, 0) AS load, m.notes \
         FROM members m JOIN org_units c ON c.id = m.cell_id \
         LEFT JOIN (SELECT member_id, COUNT(*) AS n FROM assignments WHERE ended_at IS NULL GROUP BY member_id) l \
           ON l.member_id = m.id",
    );
    push_cells(&mut qb, "m", ward, cells);
    qb.push(" ORDER BY c.name, m.search_key, m.id");
    qb.build_query_as().fetch_all(pool).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HouseholdOut {
    pub cell_name: String,
    pub head_name: String,
    pub area: String,
    pub alley: String,
    pub lane: String,
    pub house_no: String,
    pub size: i64,
    pub phone: String,
    pub tags: String,
    pub hot_spot: i64,
    pub group_name: Option<String>,
    pub member_name: Option<String>,
    pub member_birth_year: Option<i32>,
    pub since: Option<DateTime<Utc>>,
    pub notes: String,
}

pub async fn export_households(
    pool: &Pool,
    ward: i64,
    cells: &[i64],
) -> sqlx::Result<Vec<HouseholdOut>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.name AS cell_name, h.head_name, h.area, h.alley, h.lane, h.house_no, h.size, h.phone, h.tags, \
         h.hot_spot, g.name AS group_name, m.full_name AS member_name, m.birth_year AS member_birth_year, \
         a.started_at AS since, h.notes \
         FROM households h JOIN org_units c ON c.id = h.cell_id \
         LEFT JOIN household_groups g ON g.id = h.group_id \
         LEFT JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
         LEFT JOIN members m ON m.id = a.member_id",
    );
    push_cells(&mut qb, "h", ward, cells);
    qb.push(" ORDER BY c.name, h.alley, h.lane, LENGTH(h.house_no), h.house_no, h.id");
    qb.build_query_as().fetch_all(pool).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssignmentOut {
    pub cell_name: String,
    pub head_name: Option<String>,
    pub house_no: Option<String>,
    pub lane: Option<String>,
    pub alley: Option<String>,
    pub group_name: Option<String>,
    pub member_name: String,
    pub member_birth_year: Option<i32>,
    pub mode: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub reason: String,
    pub end_reason: String,
}

pub async fn export_assignments(
    pool: &Pool,
    ward: i64,
    cells: &[i64],
) -> sqlx::Result<Vec<AssignmentOut>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.name AS cell_name, h.head_name, h.house_no, h.lane, h.alley, g.name AS group_name, \
         m.full_name AS member_name, m.birth_year AS member_birth_year, a.mode, a.started_at, a.ended_at, \
         a.reason, a.end_reason \
         FROM assignments a JOIN org_units c ON c.id = a.cell_id JOIN members m ON m.id = a.member_id \
         LEFT JOIN households h ON h.id = a.household_id \
         LEFT JOIN household_groups g ON g.id = a.group_id",
    );
    push_cells(&mut qb, "a", ward, cells);
    qb.push(
        " ORDER BY c.name, h.alley, h.house_no, a.household_id, a.group_id, a.started_at, a.id",
    );
    qb.build_query_as().fetch_all(pool).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VisitOut {
    pub cell_name: String,
    pub visited_on: NaiveDate,
    pub head_name: String,
    pub house_no: String,
    pub lane: String,
    pub alley: String,
    pub member_name: String,
    pub kind: String,
    pub topics: String,
    pub note: String,
    pub mediation: bool,
    pub hot_spot: i64,
    pub feedback: String,
    pub feedback_rating: Option<i64>,
}

pub async fn export_visits(pool: &Pool, ward: i64, cells: &[i64]) -> sqlx::Result<Vec<VisitOut>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.name AS cell_name, v.visited_on, h.head_name, h.house_no, h.lane, h.alley, \
         m.full_name AS member_name, v.kind, v.topics, v.note, v.mediation, v.hot_spot, v.feedback, v.feedback_rating \
         FROM visits v JOIN org_units c ON c.id = v.cell_id JOIN households h ON h.id = v.household_id \
         JOIN members m ON m.id = v.member_id",
    );
    push_cells(&mut qb, "v", ward, cells);
    qb.push(" ORDER BY c.name, v.visited_on DESC, v.id DESC");
    qb.build_query_as().fetch_all(pool).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConcernOut {
    pub id: i64,
    pub cell_name: String,
    pub raised_on: NaiveDate,
    pub head_name: Option<String>,
    pub house_no: Option<String>,
    pub alley: Option<String>,
    pub member_name: Option<String>,
    pub category: String,
    pub body: String,
    pub urgency: String,
    pub state: String,
    pub due_on: Option<NaiveDate>,
    pub steps: i64,
    pub last_step_at: Option<DateTime<Utc>>,
}

pub async fn export_concerns(
    pool: &Pool,
    ward: i64,
    cells: &[i64],
) -> sqlx::Result<Vec<ConcernOut>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT k.id, c.name AS cell_name, k.raised_on, h.head_name, h.house_no, h.alley, m.full_name AS member_name, \
         k.category, k.body, k.urgency, k.state, k.due_on, COALESCE(e.n, 0) AS steps, e.last_at AS last_step_at \
         FROM concerns k JOIN org_units c ON c.id = k.cell_id \
         LEFT JOIN households h ON h.id = k.household_id LEFT JOIN members m ON m.id = k.member_id \
         LEFT JOIN (SELECT concern_id, COUNT(*) AS n, MAX(at) AS last_at FROM concern_events GROUP BY concern_id) e \
           ON e.concern_id = k.id",
    );
    push_cells(&mut qb, "k", ward, cells);
    qb.push(" ORDER BY c.name, k.raised_on DESC, k.id DESC");
    qb.build_query_as().fetch_all(pool).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StepOut {
    pub concern_id: i64,
    pub cell_name: String,
    pub head_name: Option<String>,
    pub at: DateTime<Utc>,
    pub step: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: Option<String>,
    pub body: String,
}

pub async fn export_steps(pool: &Pool, ward: i64, cells: &[i64]) -> sqlx::Result<Vec<StepOut>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT e.concern_id, c.name AS cell_name, h.head_name, e.at, e.step, e.from_state, e.to_state, \
         u.display_name AS actor, e.body \
         FROM concern_events e JOIN concerns k ON k.id = e.concern_id JOIN org_units c ON c.id = k.cell_id \
         LEFT JOIN households h ON h.id = k.household_id LEFT JOIN users u ON u.id = e.actor_id",
    );
    push_cells(&mut qb, "k", ward, cells);
    qb.push(" AND e.ward_id = ")
        .push_bind(ward)
        .push(" ORDER BY c.name, e.concern_id DESC, e.at, e.id");
    qb.build_query_as().fetch_all(pool).await
}
