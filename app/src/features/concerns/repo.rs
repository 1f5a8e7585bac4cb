//! SQL for concerns, their steps, files, the ward's calendar and deadlines.
//!
//! Every step is one transaction: the concern's new state, version and deadline, the step's
//! event (with the deadline it answered), any attached file, and the audit row. The update
//! is conditional on the version and state the caller saw, so two people cannot take
//! conflicting steps.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::*;
use crate::core::clock::vn_date;
use crate::error::{AppError, Problem};
use crate::features::org::model::Address;
use crate::server::audit;
use crate::server::db::{Db, Pool, Tx};
use crate::server::scope::CellScope;

type Conn = <Db as sqlx::Database>::Connection;

// ---------------------------------------------------------------------------------------
// Calendar and deadlines.

/// The ward's working-day calendar (every year it holds).
pub async fn calendar(conn: &mut Conn, ward_id: i64) -> sqlx::Result<WorkCalendar> {
    let rows: Vec<(NaiveDate, String)> =
        sqlx::query_as("SELECT day, kind FROM holidays WHERE ward_id = $1")
            .bind(ward_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(WorkCalendar::new(
        rows.into_iter()
            .filter_map(|(d, k)| Some((d, DayKind::parse(&k)?))),
    ))
}

/// The ward's deadlines; the defaults for states it has not set.
pub async fn deadlines(conn: &mut Conn, ward_id: i64) -> sqlx::Result<Deadlines> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT state, normal_days, urgent_days FROM concern_deadlines WHERE ward_id = $1",
    )
    .bind(ward_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut d = Deadlines::default();
    for (state, normal, urgent) in rows {
        if let Some(state) = State::parse(&state)
            && let Some(a) = d.allowances.iter_mut().find(|a| a.state == state)
        {
            a.normal = normal.clamp(1, MAX_ALLOWANCE as i64) as u32;
            a.urgent = urgent.clamp(1, MAX_ALLOWANCE as i64) as u32;
        }
    }
    Ok(d)
}

/// The calendar and deadlines of a ward, read from the pool.
pub async fn rules(pool: &Pool, ward_id: i64) -> sqlx::Result<(WorkCalendar, Deadlines)> {
    let mut conn = pool.acquire().await?;
    Ok((
        calendar(&mut conn, ward_id).await?,
        deadlines(&mut conn, ward_id).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Raising a concern.

/// The deadline of a concern raised on `raised_on`: the member's report to the cell.
pub async fn raised_due(
    tx: &mut Tx<'_>,
    ward_id: i64,
    urgency: Urgency,
    raised_on: NaiveDate,
) -> sqlx::Result<Option<NaiveDate>> {
    let cal = calendar(tx, ward_id).await?;
    let rules = deadlines(tx, ward_id).await?;
    Ok(rules.due(&cal, State::Raised, urgency, raised_on))
}

/// A concern raised directly (not at a visit): by the member who looks after the
/// household, or by the cell.
#[derive(Clone, Debug)]
pub struct NewConcern {
    pub household_id: i64,
    /// The member who heard it (and will report it and tell the household the answer).
    pub member_id: Option<i64>,
    /// Made with the form, so that a resend stores nothing twice.
    pub client_id: String,
    pub category: Category,
    pub urgency: Urgency,
    pub body: String,
    pub raised_on: NaiveDate,
    /// The user who records it, and when.
    pub user_id: i64,
    pub at: DateTime<Utc>,
}

/// The member who looks after a household of the cell now, if anyone does.
pub async fn current_member(
    pool: &Pool,
    cell: &CellScope,
    household_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT member_id FROM assignments WHERE ward_id = $1 AND cell_id = $2 \
         AND household_id = $3 AND ended_at IS NULL",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .fetch_optional(pool)
    .await
}

/// Raises a concern in one transaction, the same way a visit does (state `raised`, its
/// deadline, the `raise` step), with its audit row. Returns the concern's id; a resend of
/// the same form answers the concern stored the first time.
pub async fn raise(pool: &Pool, cell: &CellScope, new: &NewConcern) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let inserted = insert_raised_concern(
        &mut tx,
        &RaisedConcern {
            ward_id: cell.ward_id,
            cell_id: cell.cell_id,
            household_id: new.household_id,
            visit_id: None,
            member_id: new.member_id,
            actor_user_id: Some(new.user_id),
            client_id: &new.client_id,
            category: new.category,
            body: &new.body,
            urgency: new.urgency,
            raised_on: new.raised_on,
            now: new.at,
        },
    )
    .await?;
    let Some(id) = inserted else {
        // Sent before: the stored concern, if it is this household's.
        let stored: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM concerns WHERE client_id = $1 AND ward_id = $2 AND cell_id = $3 \
             AND household_id = $4",
        )
        .bind(&new.client_id)
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(new.household_id)
        .fetch_optional(&mut *tx)
        .await?;
        return stored.ok_or(AppError::Forbidden);
    };
    let after = serde_json::json!({
        "state": "raised", "household_id": new.household_id, "member_id": new.member_id,
        "category": new.category.code(), "urgency": new.urgency.code(),
        "raised_on": new.raised_on,
    });
    audit::write::<(), _>(
        &mut tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(new.user_id),
            action: "raise_concern",
            entity: "concern",
            entity_id: Some(id),
            before: None,
            after: Some(&after),
            at: new.at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------
// Taking a step.

/// A file sent with a step, checked already.
#[derive(Clone, Debug)]
pub struct NewFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

/// A step as asked for, parsed already.
#[derive(Clone, Debug)]
pub struct StepInput {
    pub step: Step,
    /// The version of the concern the caller saw.
    pub version: i64,
    pub text: String,
    pub target: Option<OutsideBody>,
    /// The day it happened (the household was told); today when not given.
    pub on_day: Option<NaiveDate>,
    pub file: Option<NewFile>,
    pub meeting_id: Option<i64>,
}

/// The bare facts of a concern needed to check a caller against it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConcernKey {
    pub id: i64,
    pub ward_id: i64,
    pub cell_id: i64,
    pub household_id: Option<i64>,
    pub member_id: Option<i64>,
}

pub async fn concern_key(pool: &Pool, concern_id: i64) -> sqlx::Result<Option<ConcernKey>> {
    sqlx::query_as(
        "SELECT id, ward_id, cell_id, household_id, member_id FROM concerns WHERE id = $1",
    )
    .bind(concern_id)
    .fetch_optional(pool)
    .await
}

#[derive(sqlx::FromRow)]
struct Current {
    state: String,
    version: i64,
    urgency: String,
    due_on: Option<NaiveDate>,
    state_since: Option<NaiveDate>,
    raised_on: NaiveDate,
}

/// Takes a step in one transaction. `actor` is what the caller is to this concern's cell;
/// the step is checked against the state the concern is in now.
pub async fn take_step(
    pool: &Pool,
    cell: &CellScope,
    concern_id: i64,
    user_id: i64,
    actor: Actor,
    input: &StepInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let version = take_step_in(&mut tx, cell, concern_id, user_id, actor, input, now).await?;
    tx.commit().await?;
    Ok(version)
}

/// [`take_step`] inside a caller's transaction (the monthly meeting records its decision
/// in the same one). Returns the concern's new version.
pub async fn take_step_in(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    concern_id: i64,
    user_id: i64,
    actor: Actor,
    input: &StepInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let today = vn_date(now);
    let cur: Current = sqlx::query_as(
        "SELECT state, version, urgency, due_on, state_since, raised_on FROM concerns \
         WHERE id = $1 AND ward_id = $2 AND cell_id = $3",
    )
    .bind(concern_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::Forbidden)?;
    let from = State::parse(&cur.state).ok_or(AppError::Internal)?;
    if cur.version != input.version {
        return Err(AppError::Conflict);
    }
    if !input.step.from().contains(&from) {
        return Err(AppError::invalid("step", Problem::UnknownChoice));
    }
    if !actor.may(input.step, Some(from)) {
        return Err(AppError::Forbidden);
    }
    let since = cur.state_since.unwrap_or(cur.raised_on);
    let on_day = match input.on_day {
        Some(d) if d > today || d < since => {
            return Err(AppError::invalid(
                "on_day",
                Problem::DateOutOfRange {
                    earliest: since,
                    latest: today,
                },
            ));
        }
        Some(d) => d,
        None => today,
    };
    let to = input.step.to();
    let urgency = Urgency::parse(&cur.urgency).unwrap_or(Urgency::Normal);
    let cal = calendar(tx, cell.ward_id).await?;
    let rules = deadlines(tx, cell.ward_id).await?;
    let due = rules.due(&cal, to, urgency, on_day);

    let mut update = QueryBuilder::<Db>::new("UPDATE concerns SET state = ");
    update
        .push_bind(to.code())
        .push(", state_since = ")
        .push_bind(on_day)
        .push(", due_on = ")
        .push_bind(due)
        .push(", version = version + 1, updated_at = ")
        .push_bind(now);
    if let Some(t) = input.target {
        update.push(", outside_body = ").push_bind(t.code());
    }
    if input.step == Step::Inform {
        update.push(", informed_on = ").push_bind(on_day);
    }
    if input.step == Step::Reopen {
        update.push(", informed_on = NULL");
    }
    update
        .push(" WHERE id = ")
        .push_bind(concern_id)
        .push(" AND ward_id = ")
        .push_bind(cell.ward_id)
        .push(" AND cell_id = ")
        .push_bind(cell.cell_id)
        .push(" AND version = ")
        .push_bind(input.version)
        .push(" AND state = ")
        .push_bind(from.code());
    let done = update.build().execute(&mut **tx).await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict);
    }
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO concern_events (ward_id, concern_id, step, from_state, to_state, actor_id, body, at, \
         due_on, on_day, target, meeting_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(cell.ward_id)
    .bind(concern_id)
    .bind(input.step.code())
    .bind(from.code())
    .bind(to.code())
    .bind(user_id)
    .bind(&input.text)
    .bind(now)
    .bind(cur.due_on)
    .bind(on_day)
    .bind(input.target.map(|t| t.code()))
    .bind(input.meeting_id)
    .fetch_one(&mut **tx)
    .await?;
    let mut file_id = None;
    if let Some(f) = &input.file {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO concern_files (ward_id, cell_id, concern_id, event_id, file_name, content_type, \
             size, content, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(concern_id)
        .bind(event_id)
        .bind(&f.name)
        .bind(f.kind.content_type())
        .bind(f.bytes.len() as i64)
        .bind(&f.bytes)
        .bind(user_id)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        file_id = Some(id);
    }
    let before = serde_json::json!({
        "state": from.code(), "version": cur.version, "due_on": cur.due_on,
    });
    let after = serde_json::json!({
        "state": to.code(), "version": cur.version + 1, "due_on": due, "step": input.step.code(),
        "on_day": on_day, "on_time": cur.due_on.map(|d| on_day <= d), "file_id": file_id,
        "target": input.target.map(|t| t.code()), "meeting_id": input.meeting_id,
    });
    audit::write(
        tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(user_id),
            action: "concern_step",
            entity: "concern",
            entity_id: Some(concern_id),
            before: Some(&before),
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    Ok(cur.version + 1)
}

// ---------------------------------------------------------------------------------------
// Reading.

#[derive(sqlx::FromRow)]
struct RowDb {
    id: i64,
    cell_id: i64,
    cell_name: String,
    household_id: Option<i64>,
    head_name: Option<String>,
    house_no: Option<String>,
    lane: Option<String>,
    alley: Option<String>,
    member_id: Option<i64>,
    member_name: Option<String>,
    category: String,
    urgency: String,
    state: String,
    body: String,
    raised_on: NaiveDate,
    state_since: NaiveDate,
    due_on: Option<NaiveDate>,
    version: i64,
}

const ROW_SELECT: &str = "SELECT c.id, c.cell_id, cu.name AS cell_name, c.household_id, h.head_name, \
     h.house_no, h.lane, h.alley, c.member_id, m.full_name AS member_name, c.category, c.urgency, c.state, \
     c.body, c.raised_on, COALESCE(c.state_since, c.raised_on) AS state_since, c.due_on, c.version \
     FROM concerns c JOIN org_units cu ON cu.id = c.cell_id \
     LEFT JOIN households h ON h.id = c.household_id \
     LEFT JOIN members m ON m.id = c.member_id";

fn to_row(r: RowDb, cal: &WorkCalendar, today: NaiveDate) -> ConcernRow {
    let state = State::parse(&r.state).unwrap_or(State::Raised);
    let address = Address {
        area: String::new(),
        alley: r.alley.clone().unwrap_or_default(),
        lane: r.lane.unwrap_or_default(),
        house_no: r.house_no.unwrap_or_default(),
    };
    let due = if state.is_pending() { r.due_on } else { None };
    ConcernRow {
        id: r.id,
        cell_id: r.cell_id,
        cell_name: r.cell_name,
        household_id: r.household_id,
        household: r.head_name.unwrap_or_default(),
        address: address.short(),
        alley: r.alley.unwrap_or_default(),
        member_id: r.member_id,
        member_name: r.member_name,
        category: Category::parse(&r.category).unwrap_or(Category::Other),
        urgency: Urgency::parse(&r.urgency).unwrap_or(Urgency::Normal),
        state,
        body: r.body,
        raised_on: r.raised_on,
        state_since: r.state_since,
        clock: Clock::new(cal, today, r.raised_on, due),
        version: r.version,
    }
}

fn sort_rows(rows: &mut [ConcernRow]) {
    rows.sort_by(|a, b| urgency_order(&a.clock, &b.clock).then(a.id.cmp(&b.id)));
}

/// One concern of a cell.
pub async fn row(
    pool: &Pool,
    cell: &CellScope,
    concern_id: i64,
    cal: &WorkCalendar,
    today: NaiveDate,
) -> sqlx::Result<Option<ConcernRow>> {
    let r: Option<RowDb> = sqlx::query_as(&format!(
        "{ROW_SELECT} WHERE c.ward_id = $1 AND c.cell_id = $2 AND c.id = $3"
    ))
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(concern_id)
    .fetch_optional(pool)
    .await?;
    Ok(r.map(|r| to_row(r, cal, today)))
}

#[derive(sqlx::FromRow)]
struct EventDb {
    id: i64,
    concern_id: i64,
    step: String,
    from_state: Option<String>,
    to_state: String,
    actor: Option<String>,
    body: String,
    target: Option<String>,
    at: DateTime<Utc>,
    on_day: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
}

/// The steps of the given concerns (of one ward), oldest first, with their files.
pub async fn events(
    pool: &Pool,
    ward_id: i64,
    concern_ids: &[i64],
) -> sqlx::Result<Vec<(i64, EventRow)>> {
    if concern_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT e.id, e.concern_id, e.step, e.from_state, e.to_state, u.display_name AS actor, e.body, \
         e.target, e.at, e.on_day, e.due_on \
         FROM concern_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.ward_id = ",
    );
    qb.push_bind(ward_id).push(" AND e.concern_id IN (");
    let mut sep = qb.separated(", ");
    for id in concern_ids {
        sep.push_bind(*id);
    }
    qb.push(") ORDER BY e.concern_id, e.at, e.id");
    let rows: Vec<EventDb> = qb.build_query_as().fetch_all(pool).await?;

    let mut fq = QueryBuilder::<Db>::new(
        "SELECT id, event_id, file_name, content_type, size FROM concern_files WHERE ward_id = ",
    );
    fq.push_bind(ward_id).push(" AND concern_id IN (");
    let mut sep = fq.separated(", ");
    for id in concern_ids {
        sep.push_bind(*id);
    }
    fq.push(") ORDER BY id");
    let files: Vec<(i64, Option<i64>, String, String, i64)> =
        fq.build_query_as().fetch_all(pool).await?;

    Ok(rows
        .into_iter()
        .filter_map(|e| {
            let step = Step::parse(&e.step)?;
            let files = files
                .iter()
                .filter(|f| f.1 == Some(e.id))
                .filter_map(|f| {
                    Some(FileRow {
                        id: f.0,
                        name: f.2.clone(),
                        kind: FileKind::from_content_type(&f.3)?,
                        size: f.4,
                    })
                })
                .collect();
            Some((
                e.concern_id,
                EventRow {
                    id: e.id,
                    step,
                    from_state: e.from_state.as_deref().and_then(State::parse),
                    to_state: State::parse(&e.to_state)?,
                    actor: e.actor,
                    body: e.body,
                    target: e.target.as_deref().and_then(OutsideBody::parse),
                    at: e.at,
                    on_day: e.on_day,
                    due_on: e.due_on,
                    files,
                },
            ))
        })
        .collect())
}

/// A concern's page.
pub async fn detail(
    pool: &Pool,
    cell: &CellScope,
    concern_id: i64,
    actor: Actor,
    today: NaiveDate,
) -> sqlx::Result<Option<ConcernDetail>> {
    let (cal, rules) = rules(pool, cell.ward_id).await?;
    let Some(concern) = row(pool, cell, concern_id, &cal, today).await? else {
        return Ok(None);
    };
    let outside: Option<String> =
        sqlx::query_scalar("SELECT outside_body FROM concerns WHERE id = $1 AND ward_id = $2")
            .bind(concern_id)
            .bind(cell.ward_id)
            .fetch_one(pool)
            .await?;
    let events = events(pool, cell.ward_id, &[concern_id])
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    Ok(Some(ConcernDetail {
        steps: actor.steps(concern.state),
        allowance: rules.days(concern.state, concern.urgency),
        outside_body: outside.as_deref().and_then(OutsideBody::parse),
        ward_name: cell.ward_name.clone(),
        concern,
        events,
        today,
    }))
}

/// The concerns a member follows: those they raised and those of the households they
/// look after now. Open ones first, most urgent first.
pub async fn member_concerns(
    pool: &Pool,
    member_id: i64,
    today: NaiveDate,
) -> sqlx::Result<Vec<ConcernRow>> {
    let ward_id: Option<i64> = sqlx::query_scalar("SELECT ward_id FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_optional(pool)
        .await?;
    let Some(ward_id) = ward_id else {
        return Ok(vec![]);
    };
    let (cal, _) = rules(pool, ward_id).await?;
    let rows: Vec<RowDb> = sqlx::query_as(&format!(
        "{ROW_SELECT} WHERE c.ward_id = $1 AND (c.member_id = $2 OR c.household_id IN \
         (SELECT a.household_id FROM assignments a WHERE a.member_id = $2 AND a.ended_at IS NULL \
          AND a.household_id IS NOT NULL))"
    ))
    .bind(ward_id)
    .bind(member_id)
    .fetch_all(pool)
    .await?;
    let mut rows: Vec<ConcernRow> = rows.into_iter().map(|r| to_row(r, &cal, today)).collect();
    sort_rows(&mut rows);
    rows.sort_by_key(|r| !r.state.is_pending());
    Ok(rows)
}

/// A cell's concerns in some states, overdue first.
pub async fn cell_concerns(
    pool: &Pool,
    cell: &CellScope,
    states: &[State],
    today: NaiveDate,
) -> sqlx::Result<Vec<ConcernRow>> {
    if states.is_empty() {
        return Ok(vec![]);
    }
    let (cal, _) = rules(pool, cell.ward_id).await?;
    let mut qb = QueryBuilder::<Db>::new(ROW_SELECT);
    qb.push(" WHERE c.ward_id = ")
        .push_bind(cell.ward_id)
        .push(" AND c.cell_id = ")
        .push_bind(cell.cell_id)
        .push(" AND c.state IN (");
    let mut sep = qb.separated(", ");
    for s in states {
        sep.push_bind(s.code());
    }
    qb.push(")");
    let rows: Vec<RowDb> = qb.build_query_as().fetch_all(pool).await?;
    let mut rows: Vec<ConcernRow> = rows.into_iter().map(|r| to_row(r, &cal, today)).collect();
    sort_rows(&mut rows);
    Ok(rows)
}

/// Closed concerns stay on the board this many days.
pub const BOARD_CLOSED_DAYS: i64 = 30;

/// A cell's board, filtered.
pub async fn board(
    pool: &Pool,
    cell: &CellScope,
    filter: &BoardFilter,
    today: NaiveDate,
) -> sqlx::Result<Board> {
    let (cal, _) = rules(pool, cell.ward_id).await?;
    let mut qb = QueryBuilder::<Db>::new(ROW_SELECT);
    qb.push(" WHERE c.ward_id = ")
        .push_bind(cell.ward_id)
        .push(" AND c.cell_id = ")
        .push_bind(cell.cell_id)
        .push(" AND (c.state <> 'closed' OR COALESCE(c.state_since, c.raised_on) >= ")
        .push_bind(today - Duration::days(BOARD_CLOSED_DAYS))
        .push(")");
    if let Some(cat) = filter.category {
        qb.push(" AND c.category = ").push_bind(cat.code());
    }
    if let Some(alley) = &filter.alley {
        qb.push(" AND h.alley = ").push_bind(alley.clone());
    }
    if let Some(m) = filter.member {
        qb.push(" AND c.member_id = ").push_bind(m);
    }
    if let Some(age) = filter.age {
        let (min, max) = age.days();
        qb.push(" AND c.raised_on <= ")
            .push_bind(today - Duration::days(min))
            .push(" AND c.raised_on >= ")
            .push_bind(today - Duration::days(max));
    }
    let rows: Vec<RowDb> = qb.build_query_as().fetch_all(pool).await?;
    let mut rows: Vec<ConcernRow> = rows.into_iter().map(|r| to_row(r, &cal, today)).collect();
    sort_rows(&mut rows);
    let overdue = rows.iter().filter(|r| r.clock.overdue()).count() as i64;
    let columns = BOARD_STATES
        .iter()
        .map(|s| (*s, rows.iter().filter(|r| r.state == *s).cloned().collect()))
        .collect();

    let alleys: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT alley FROM households WHERE ward_id = $1 AND cell_id = $2 AND alley <> '' ORDER BY alley",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let members: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT m.id, m.full_name FROM concerns c JOIN members m ON m.id = c.member_id \
         WHERE c.ward_id = $1 AND c.cell_id = $2 ORDER BY m.full_name",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let on_time = on_time(
        pool,
        cell.ward_id,
        Some(cell.cell_id),
        today - Duration::days(365),
        today,
    )
    .await?
    .into_iter()
    .map(|(_, r)| r)
    .next()
    .unwrap_or_default();
    Ok(Board {
        cell_id: cell.cell_id,
        columns,
        alleys,
        members,
        can_write: cell.can_write,
        committee: false,
        on_time,
        overdue,
        today,
    })
}

/// The on-time record per cell of a ward (or of one cell) over a period: steps taken in
/// the period against the deadline of the state they left, plus the steps still owed whose
/// deadline passed within the period.
pub async fn on_time(
    pool: &Pool,
    ward_id: i64,
    cell_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<Vec<(i64, OnTime)>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.cell_id, e.on_day, e.due_on FROM concern_events e JOIN concerns c ON c.id = e.concern_id \
         WHERE e.ward_id = ",
    );
    qb.push_bind(ward_id)
        .push(" AND c.ward_id = ")
        .push_bind(ward_id)
        .push(" AND e.due_on IS NOT NULL AND e.on_day IS NOT NULL AND e.on_day >= ")
        .push_bind(from)
        .push(" AND e.on_day <= ")
        .push_bind(to);
    if let Some(c) = cell_id {
        qb.push(" AND c.cell_id = ").push_bind(c);
    }
    let taken: Vec<(i64, NaiveDate, NaiveDate)> = qb.build_query_as().fetch_all(pool).await?;

    let mut qb =
        QueryBuilder::<Db>::new("SELECT c.cell_id, COUNT(*) FROM concerns c WHERE c.ward_id = ");
    qb.push_bind(ward_id)
        .push(" AND c.state NOT IN ('household_informed', 'closed') AND c.due_on IS NOT NULL AND c.due_on < ")
        .push_bind(to)
        .push(" AND c.due_on >= ")
        .push_bind(from);
    if let Some(c) = cell_id {
        qb.push(" AND c.cell_id = ").push_bind(c);
    }
    qb.push(" GROUP BY c.cell_id");
    let owed: Vec<(i64, i64)> = qb.build_query_as().fetch_all(pool).await?;

    let mut out: Vec<(i64, OnTime)> = Vec::new();
    let slot = |cell: i64, out: &mut Vec<(i64, OnTime)>| -> usize {
        match out.iter().position(|(c, _)| *c == cell) {
            Some(i) => i,
            None => {
                out.push((cell, OnTime::default()));
                out.len() - 1
            }
        }
    };
    for (cell, day, due) in taken {
        let i = slot(cell, &mut out);
        out[i].1.add(day <= due);
    }
    for (cell, n) in owed {
        let i = slot(cell, &mut out);
        out[i].1.late += n;
    }
    if let Some(c) = cell_id
        && out.is_empty()
    {
        out.push((c, OnTime::default()));
    }
    Ok(out)
}

/// The cells of a ward still in use, in name order.
pub async fn ward_cells(pool: &Pool, ward_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM org_units WHERE ward_id = $1 AND kind = 'cell' \
         AND retired_at IS NULL ORDER BY name, id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await
}

/// The committee's inbox: every concern referred to it from the ward's cells, overdue first,
/// with the on-time record of each cell over the last twelve months.
pub async fn inbox(
    pool: &Pool,
    ward_id: i64,
    ward_name: &str,
    can_answer: bool,
    today: NaiveDate,
) -> sqlx::Result<Inbox> {
    let (cal, _) = rules(pool, ward_id).await?;
    let rows: Vec<RowDb> = sqlx::query_as(&format!(
        "{ROW_SELECT} WHERE c.ward_id = $1 AND c.state = 'referred_to_committee'"
    ))
    .bind(ward_id)
    .fetch_all(pool)
    .await?;
    let mut referred: Vec<ConcernRow> = rows.into_iter().map(|r| to_row(r, &cal, today)).collect();
    sort_rows(&mut referred);

    let counts: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT c.cell_id, COUNT(*), \
         SUM(CASE WHEN c.due_on IS NOT NULL AND c.due_on < $2 THEN 1 ELSE 0 END) \
         FROM concerns c WHERE c.ward_id = $1 AND c.state NOT IN ('household_informed', 'closed') \
         GROUP BY c.cell_id",
    )
    .bind(ward_id)
    .bind(today)
    .fetch_all(pool)
    .await?;
    let records = on_time(pool, ward_id, None, today - Duration::days(365), today).await?;
    let mut ward = OnTime::default();
    let cells = ward_cells(pool, ward_id)
        .await?
        .into_iter()
        .map(|(id, name)| {
            let (open, overdue) = counts
                .iter()
                .find(|c| c.0 == id)
                .map_or((0, 0), |c| (c.1, c.2));
            let rec = records
                .iter()
                .find(|r| r.0 == id)
                .map(|r| r.1)
                .unwrap_or_default();
            ward.merge(rec);
            CellOnTime {
                cell_id: id,
                name,
                open,
                overdue,
                on_time: rec,
            }
        })
        .collect();
    Ok(Inbox {
        ward_id,
        ward_name: ward_name.to_string(),
        referred,
        cells,
        ward,
        can_answer,
        today,
    })
}

/// Hot spots of a cell: flagged households and those where concerns gather, and every
/// alley with its concerns in the last thirty days against the thirty before.
pub async fn hot_spots(pool: &Pool, cell: &CellScope, today: NaiveDate) -> sqlx::Result<HotSpots> {
    #[derive(sqlx::FromRow)]
    struct H {
        id: i64,
        head_name: String,
        house_no: String,
        lane: String,
        alley: String,
        hot_spot: i64,
        member_name: Option<String>,
        total: i64,
        open: i64,
        recent: i64,
        last_raised: Option<NaiveDate>,
    }
    let recent_from = today - Duration::days(90);
    let rows: Vec<H> = sqlx::query_as(
        "SELECT h.id, h.head_name, h.house_no, h.lane, h.alley, h.hot_spot, m.full_name AS member_name, \
           COUNT(c.id) AS total, \
           COALESCE(SUM(CASE WHEN c.state NOT IN ('household_informed', 'closed') THEN 1 ELSE 0 END), 0) AS open, \
           COALESCE(SUM(CASE WHEN c.raised_on >= $3 THEN 1 ELSE 0 END), 0) AS recent, \
           MAX(c.raised_on) AS last_raised \
         FROM households h \
         LEFT JOIN concerns c ON c.household_id = h.id AND c.ward_id = h.ward_id \
         LEFT JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
         LEFT JOIN members m ON m.id = a.member_id \
         WHERE h.ward_id = $1 AND h.cell_id = $2 \
         GROUP BY h.id, h.head_name, h.house_no, h.lane, h.alley, h.hot_spot, m.full_name \
         HAVING h.hot_spot > 0 \
           OR COALESCE(SUM(CASE WHEN c.state NOT IN ('household_informed', 'closed') THEN 1 ELSE 0 END), 0) >= 2 \
           OR COALESCE(SUM(CASE WHEN c.raised_on >= $3 THEN 1 ELSE 0 END), 0) >= 2 \
         ORDER BY h.hot_spot DESC, open DESC, recent DESC, h.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(recent_from)
    .fetch_all(pool)
    .await?;
    let households = rows
        .into_iter()
        .map(|h| HotHousehold {
            household_id: h.id,
            head_name: h.head_name,
            address: Address {
                area: String::new(),
                alley: h.alley.clone(),
                lane: h.lane,
                house_no: h.house_no,
            }
            .short(),
            alley: h.alley,
            hot_spot: h.hot_spot,
            open: h.open,
            total: h.total,
            recent: h.recent,
            last_raised: h.last_raised,
            member_name: h.member_name,
        })
        .collect();

    #[derive(sqlx::FromRow)]
    struct A {
        alley: String,
        flagged: i64,
        open: i64,
        overdue: i64,
        recent: i64,
        previous: i64,
    }
    let a30 = today - Duration::days(30);
    let a60 = today - Duration::days(60);
    let alleys: Vec<A> = sqlx::query_as(
        "SELECT h.alley, \
           COUNT(DISTINCT CASE WHEN h.hot_spot > 0 THEN h.id END) AS flagged, \
           COALESCE(SUM(CASE WHEN c.state NOT IN ('household_informed', 'closed') THEN 1 ELSE 0 END), 0) AS open, \
           COALESCE(SUM(CASE WHEN c.state NOT IN ('household_informed', 'closed') AND c.due_on < $3 THEN 1 ELSE 0 END), 0) AS overdue, \
           COALESCE(SUM(CASE WHEN c.raised_on > $4 THEN 1 ELSE 0 END), 0) AS recent, \
           COALESCE(SUM(CASE WHEN c.raised_on > $5 AND c.raised_on <= $4 THEN 1 ELSE 0 END), 0) AS previous \
         FROM households h LEFT JOIN concerns c ON c.household_id = h.id AND c.ward_id = h.ward_id \
         WHERE h.ward_id = $1 AND h.cell_id = $2 \
         GROUP BY h.alley",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(today)
    .bind(a30)
    .bind(a60)
    .fetch_all(pool)
    .await?;
    let mut alleys: Vec<HotAlley> = alleys
        .into_iter()
        .filter(|a| a.flagged + a.open + a.recent + a.previous > 0)
        .map(|a| HotAlley {
            alley: a.alley,
            flagged: a.flagged,
            open: a.open,
            overdue: a.overdue,
            recent: a.recent,
            previous: a.previous,
        })
        .collect();
    alleys.sort_by(|a, b| {
        (b.flagged + b.open + b.recent)
            .cmp(&(a.flagged + a.open + a.recent))
            .then(a.alley.cmp(&b.alley))
    });
    Ok(HotSpots {
        households,
        alleys,
        today,
    })
}

/// An attached file with its bytes, for the download handler.
pub struct StoredFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
    pub concern_id: i64,
}

pub async fn file(pool: &Pool, file_id: i64) -> sqlx::Result<Option<StoredFile>> {
    let row: Option<(String, String, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT file_name, content_type, content, concern_id FROM concern_files WHERE id = $1",
    )
    .bind(file_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(name, ct, bytes, concern_id)| {
        Some(StoredFile {
            name,
            kind: FileKind::from_content_type(&ct)?,
            bytes,
            concern_id,
        })
    }))
}

// ---------------------------------------------------------------------------------------
// The ward's calendar and deadlines.

pub async fn calendar_days(pool: &Pool, ward_id: i64, year: i32) -> sqlx::Result<Vec<CalendarDay>> {
    let (from, to) = year_bounds(year);
    let rows: Vec<(i64, NaiveDate, String, String)> = sqlx::query_as(
        "SELECT id, day, kind, name FROM holidays WHERE ward_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
    )
    .bind(ward_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, day, kind, name)| {
            Some(CalendarDay {
                id,
                day,
                kind: DayKind::parse(&kind)?,
                name,
            })
        })
        .collect())
}

pub fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// Adds a day to the calendar, then moves the open concerns' deadlines to match.
pub async fn add_day(
    pool: &Pool,
    ward_id: i64,
    user_id: i64,
    day: NaiveDate,
    kind: DayKind,
    name: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM holidays WHERE ward_id = $1 AND day = $2")
            .bind(ward_id)
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_some() {
        return Err(AppError::Conflict);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO holidays (ward_id, day, kind, name, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(ward_id)
    .bind(day)
    .bind(kind.code())
    .bind(name)
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let after = serde_json::json!({ "day": day, "kind": kind.code(), "name": name });
    audit::write::<(), _>(
        &mut tx,
        audit::Entry {
            ward_id: Some(ward_id),
            user_id: Some(user_id),
            action: "add_holiday",
            entity: "holiday",
            entity_id: Some(id),
            before: None,
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    redate_open(&mut tx, ward_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a day of a ward's calendar. Unknown ids answer as out of scope.
pub async fn remove_day(
    pool: &Pool,
    ward_id: i64,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let row: Option<(NaiveDate, String, String)> =
        sqlx::query_as("SELECT day, kind, name FROM holidays WHERE id = $1 AND ward_id = $2")
            .bind(id)
            .bind(ward_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((day, kind, name)) = row else {
        return Err(AppError::Forbidden);
    };
    sqlx::query("DELETE FROM holidays WHERE id = $1 AND ward_id = $2")
        .bind(id)
        .bind(ward_id)
        .execute(&mut *tx)
        .await?;
    let before = serde_json::json!({ "day": day, "kind": kind, "name": name });
    audit::write::<_, ()>(
        &mut tx,
        audit::Entry {
            ward_id: Some(ward_id),
            user_id: Some(user_id),
            action: "remove_holiday",
            entity: "holiday",
            entity_id: Some(id),
            before: Some(&before),
            after: None,
            at: now,
        },
    )
    .await?;
    redate_open(&mut tx, ward_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Fills a year with the standard holidays it does not have yet. Returns how many were added.
pub async fn fill_standard(
    tx: &mut Tx<'_>,
    ward_id: i64,
    user_id: Option<i64>,
    year: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let (from, to) = year_bounds(year);
    let have: Vec<NaiveDate> = sqlx::query_scalar(
        "SELECT day FROM holidays WHERE ward_id = $1 AND day >= $2 AND day <= $3",
    )
    .bind(ward_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let missing: Vec<StandardDay> = standard_holidays(year)
        .into_iter()
        .filter(|s| !have.contains(&s.day))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "INSERT INTO holidays (ward_id, day, kind, name, created_by, created_at) ",
    );
    qb.push_values(&missing, |mut b, s| {
        b.push_bind(ward_id)
            .push_bind(s.day)
            .push_bind(s.kind.code())
            .push_bind(s.name)
            .push_bind(user_id)
            .push_bind(now);
    });
    qb.build().execute(&mut **tx).await?;
    Ok(missing.len())
}

pub async fn fill_year(
    pool: &Pool,
    ward_id: i64,
    user_id: i64,
    year: i32,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let n = fill_standard(&mut tx, ward_id, Some(user_id), year, now).await?;
    let after = serde_json::json!({ "year": year, "added": n });
    audit::write::<(), _>(
        &mut tx,
        audit::Entry {
            ward_id: Some(ward_id),
            user_id: Some(user_id),
            action: "fill_holidays",
            entity: "ward",
            entity_id: Some(ward_id),
            before: None,
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    redate_open(&mut tx, ward_id).await?;
    tx.commit().await?;
    Ok(n)
}

/// Saves a ward's deadlines and moves the open concerns' deadlines to match.
pub async fn set_deadlines(
    pool: &Pool,
    ward_id: i64,
    user_id: i64,
    new: &Deadlines,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let before = deadlines(&mut tx, ward_id).await?;
    sqlx::query("DELETE FROM concern_deadlines WHERE ward_id = $1")
        .bind(ward_id)
        .execute(&mut *tx)
        .await?;
    let mut qb = QueryBuilder::<Db>::new(
        "INSERT INTO concern_deadlines (ward_id, state, normal_days, urgent_days, updated_by, updated_at) ",
    );
    qb.push_values(&new.allowances, |mut b, a| {
        b.push_bind(ward_id)
            .push_bind(a.state.code())
            .push_bind(a.normal as i64)
            .push_bind(a.urgent as i64)
            .push_bind(user_id)
            .push_bind(now);
    });
    qb.build().execute(&mut *tx).await?;
    audit::write(
        &mut tx,
        audit::Entry {
            ward_id: Some(ward_id),
            user_id: Some(user_id),
            action: "set_deadlines",
            entity: "ward",
            entity_id: Some(ward_id),
            before: Some(&before),
            after: Some(new),
            at: now,
        },
    )
    .await?;
    redate_open(&mut tx, ward_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Recomputes the deadline of every open concern of a ward from the day it entered its
/// state, after the calendar or the deadlines changed.
pub async fn redate_open(tx: &mut Tx<'_>, ward_id: i64) -> sqlx::Result<u64> {
    let cal = calendar(tx, ward_id).await?;
    let rules = deadlines(tx, ward_id).await?;
    let rows: Vec<(i64, String, String, NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT id, state, urgency, COALESCE(state_since, raised_on), due_on FROM concerns \
         WHERE ward_id = $1 AND state NOT IN ('household_informed', 'closed')",
    )
    .bind(ward_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut changed = 0;
    for (id, state, urgency, since, due) in rows {
        let (Some(state), Some(urgency)) = (State::parse(&state), Urgency::parse(&urgency)) else {
            continue;
        };
        let new_due = rules.due(&cal, state, urgency, since);
        if new_due != due {
            sqlx::query("UPDATE concerns SET due_on = $1 WHERE id = $2 AND ward_id = $3")
                .bind(new_due)
                .bind(id)
                .bind(ward_id)
                .execute(&mut **tx)
                .await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Gives every concern of a ward its dates: the day it entered each state, the deadline
/// each step answered, and the deadline of the state it is in. For concerns written
/// without them (the demo generator, imports).
pub async fn backfill_dates(tx: &mut Tx<'_>, ward_id: i64) -> sqlx::Result<()> {
    let cal = calendar(tx, ward_id).await?;
    let rules = deadlines(tx, ward_id).await?;
    let concerns: Vec<(i64, String, NaiveDate)> = sqlx::query_as(
        "SELECT id, urgency, raised_on FROM concerns WHERE ward_id = $1 AND due_on IS NULL AND state_since IS NULL",
    )
    .bind(ward_id)
    .fetch_all(&mut **tx)
    .await?;
    if concerns.is_empty() {
        return Ok(());
    }
    let events: Vec<(i64, i64, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT e.id, e.concern_id, e.to_state, e.at FROM concern_events e \
         JOIN concerns c ON c.id = e.concern_id \
         WHERE e.ward_id = $1 AND c.due_on IS NULL AND c.state_since IS NULL ORDER BY e.concern_id, e.at, e.id",
    )
    .bind(ward_id)
    .fetch_all(&mut **tx)
    .await?;
    for (id, urgency, raised_on) in concerns {
        let urgency = Urgency::parse(&urgency).unwrap_or(Urgency::Normal);
        let mut due: Option<NaiveDate> = None;
        let mut state = State::Raised;
        let mut since = raised_on;
        let mut informed = None;
        for (event_id, _, to, at) in events.iter().filter(|e| e.1 == id) {
            let day = crate::ui::format::vn_date(*at).max(raised_on);
            sqlx::query("UPDATE concern_events SET due_on = $1, on_day = $2 WHERE id = $3")
                .bind(due)
                .bind(day)
                .bind(event_id)
                .execute(&mut **tx)
                .await?;
            state = State::parse(to).unwrap_or(state);
            since = day;
            if state == State::HouseholdInformed {
                informed = Some(day);
            } else if state == State::Reported {
                informed = None;
            }
            due = rules.due(&cal, state, urgency, day);
        }
        sqlx::query(
            "UPDATE concerns SET state_since = $1, due_on = $2, informed_on = COALESCE(informed_on, $3) \
             WHERE id = $4 AND ward_id = $5",
        )
        .bind(since)
        .bind(if state.is_pending() { due } else { None })
        .bind(informed)
        .bind(id)
        .bind(ward_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A concern entering the concern process in state `raised`.
#[derive(Clone, Debug)]
pub struct RaisedConcern<'a> {
    pub ward_id: i64,
    pub cell_id: i64,
    pub household_id: i64,
    pub visit_id: Option<i64>,
    pub member_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    /// Made on the phone: a concern already stored under it is not stored again.
    pub client_id: &'a str,
    pub category: Category,
    pub body: &'a str,
    pub urgency: Urgency,
    pub raised_on: NaiveDate,
    pub now: DateTime<Utc>,
}

/// Inserts a raised concern and its first step (`raise`, to `raised`) in the caller's
/// transaction. Returns its id, or `None` when one with this `client_id` already exists.
pub async fn insert_raised_concern(
    tx: &mut Tx<'_>,
    c: &RaisedConcern<'_>,
) -> sqlx::Result<Option<i64>> {
    // The concern's clock starts: the member's report to the cell is due in working days.
    let due_on = raised_due(tx, c.ward_id, c.urgency, c.raised_on).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO concerns (ward_id, cell_id, household_id, visit_id, member_id, client_id, \
           category, body, urgency, state, raised_on, state_since, due_on, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'raised', $10, $10, $12, $11, $11) \
         ON CONFLICT (client_id) DO NOTHING RETURNING id",
    )
    .bind(c.ward_id)
    .bind(c.cell_id)
    .bind(c.household_id)
    .bind(c.visit_id)
    .bind(c.member_id)
    .bind(c.client_id)
    .bind(c.category.code())
    .bind(c.body)
    .bind(c.urgency.code())
    .bind(c.raised_on)
    .bind(c.now)
    .bind(due_on)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else { return Ok(None) };
    sqlx::query(
        "INSERT INTO concern_events (ward_id, concern_id, step, from_state, to_state, actor_id, body, at, on_day) \
         VALUES ($1, $2, 'raise', NULL, 'raised', $3, '', $4, $5)",
    )
    .bind(c.ward_id)
    .bind(id)
    .bind(c.actor_user_id)
    .bind(c.now)
    .bind(c.raised_on)
    .execute(&mut **tx)
    .await?;
    Ok(Some(id))
}
