//! SQL for the monthly meeting: its head, attendance, decisions and tasks, and the agenda
//! gathered from visits, concerns and the board. Every write is one transaction with its
//! audit row; a closed meeting no longer changes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::*;
use crate::error::{AppError, Problem};
use crate::features::concerns::model::{Actor, OutsideBody, State};
use crate::features::concerns::repo as concerns;
use crate::features::org::model::MemberStatus;
use crate::server::audit;
use crate::server::db::{Db, Pool, Tx};
use crate::server::scope::CellScope;

#[derive(sqlx::FromRow)]
struct HeadDb {
    id: i64,
    month: String,
    held_on: NaiveDate,
    chair: String,
    recorder: String,
    notes: String,
    status: String,
    version: i64,
}

impl HeadDb {
    fn into_head(self) -> Option<MeetingHead> {
        Some(MeetingHead {
            id: self.id,
            month: Month::parse("month", &self.month).ok()?,
            held_on: self.held_on,
            chair: self.chair,
            recorder: self.recorder,
            notes: self.notes,
            status: MeetingStatus::parse(&self.status)?,
            version: self.version,
        })
    }
}

const HEAD_SELECT: &str =
    "SELECT id, month, held_on, chair, recorder, notes, status, version FROM meetings";

/// The meeting of a cell for a month, if it was opened.
pub async fn head(
    pool: &Pool,
    cell: &CellScope,
    month: Month,
) -> sqlx::Result<Option<MeetingHead>> {
    let row: Option<HeadDb> = sqlx::query_as(&format!(
        "{HEAD_SELECT} WHERE ward_id = $1 AND cell_id = $2 AND month = $3"
    ))
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(month.code())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(HeadDb::into_head))
}

/// The cell a meeting belongs to, for the scope check; `None` for an unknown meeting.
pub async fn meeting_cell(pool: &Pool, meeting_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT cell_id FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_optional(pool)
        .await
}

/// The cell an item belongs to, and its meeting.
pub async fn item_cell(pool: &Pool, item_id: i64) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as("SELECT cell_id, meeting_id FROM meeting_items WHERE id = $1")
        .bind(item_id)
        .fetch_optional(pool)
        .await
}

/// A cell's meetings, newest first, with their attendance and decisions counted.
pub async fn list(pool: &Pool, cell: &CellScope, today: NaiveDate) -> sqlx::Result<MeetingList> {
    #[derive(sqlx::FromRow)]
    struct Row {
        month: String,
        held_on: NaiveDate,
        status: String,
        present: i64,
        expected: i64,
        decisions: i64,
        open_tasks: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.month, m.held_on, m.status, \
           (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.present = 1) AS present, \
           (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id) AS expected, \
           (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id AND i.kind = 'concern') AS decisions, \
           (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id AND i.done = 0 \
              AND i.decision IN ('task', 'defer')) AS open_tasks \
         FROM meetings m WHERE m.ward_id = $1 AND m.cell_id = $2 ORDER BY m.month DESC",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    Ok(MeetingList {
        cell_id: cell.cell_id,
        meetings: rows
            .into_iter()
            .filter_map(|r| {
                Some(MeetingSummary {
                    month: Month::parse("month", &r.month).ok()?,
                    held_on: r.held_on,
                    status: MeetingStatus::parse(&r.status)?,
                    present: r.present,
                    expected: r.expected,
                    decisions: r.decisions,
                    open_tasks: r.open_tasks,
                })
            })
            .collect(),
        this_month: Month::of(today),
        today,
        can_write: cell.can_write,
    })
}

/// The members on the attendance list (resident members still in the cell), with what
/// the meeting recorded for them.
async fn attendance(
    pool: &Pool,
    cell: &CellScope,
    meeting_id: Option<i64>,
) -> sqlx::Result<Vec<Attendee>> {
    let rows: Vec<(i64, String, String, Option<bool>)> = sqlx::query_as(
        "SELECT m.id, m.full_name, m.status, a.present FROM members m \
         LEFT JOIN meeting_attendance a ON a.member_id = m.id AND a.meeting_id = $3 \
         WHERE m.ward_id = $1 AND m.cell_id = $2 AND m.kind = 'resident' AND m.status <> 'transferred' \
         ORDER BY m.search_key, m.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(meeting_id.unwrap_or(0))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, name, status, present)| Attendee {
            member_id,
            name,
            excused: matches!(
                MemberStatus::parse(&status),
                Some(MemberStatus::Exempt | MemberStatus::ElderlyIll)
            ),
            present,
        })
        .collect())
}

/// Each member's month: households looked after now, those visited in the month, visits
/// and concerns raised in the month. Members with nothing to look after are left out.
async fn members_month(
    pool: &Pool,
    cell: &CellScope,
    month: Month,
) -> sqlx::Result<Vec<MemberMonth>> {
    let (from, to) = (month.first_day(), month.last_day());
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT m.id, m.full_name, COUNT(a.id) FROM members m \
         JOIN assignments a ON a.member_id = m.id AND a.ward_id = m.ward_id AND a.ended_at IS NULL \
           AND a.household_id IS NOT NULL \
         WHERE m.ward_id = $1 AND m.cell_id = $2 GROUP BY m.id, m.full_name ORDER BY m.search_key, m.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let visits: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT member_id, COUNT(DISTINCT household_id), COUNT(*) FROM visits \
         WHERE ward_id = $1 AND cell_id = $2 AND visited_on >= $3 AND visited_on <= $4 GROUP BY member_id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let raised: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT member_id, COUNT(*) FROM concerns WHERE ward_id = $1 AND cell_id = $2 \
         AND raised_on >= $3 AND raised_on <= $4 AND member_id IS NOT NULL GROUP BY member_id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let visits: HashMap<i64, (i64, i64)> =
        visits.into_iter().map(|(m, h, n)| (m, (h, n))).collect();
    let raised: HashMap<i64, i64> = raised.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|(id, name, households)| {
            let (visited, n) = visits.get(&id).copied().unwrap_or((0, 0));
            MemberMonth {
                member_id: id,
                name,
                households,
                visited,
                visits: n,
                concerns: raised.get(&id).copied().unwrap_or(0),
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ItemDb {
    id: i64,
    decision: String,
    concern_id: Option<i64>,
    head_name: Option<String>,
    category: Option<String>,
    body: String,
    target: Option<String>,
    done: bool,
    carried_month: Option<String>,
}

/// A meeting's decisions and tasks, in the order they were recorded.
pub async fn items(pool: &Pool, cell: &CellScope, meeting_id: i64) -> sqlx::Result<Vec<Item>> {
    let rows: Vec<ItemDb> = sqlx::query_as(
        "SELECT i.id, i.decision, i.concern_id, h.head_name, c.category, i.body, i.target, i.done, \
           pm.month AS carried_month \
         FROM meeting_items i \
         LEFT JOIN concerns c ON c.id = i.concern_id \
         LEFT JOIN households h ON h.id = c.household_id \
         LEFT JOIN meeting_items pi ON pi.id = i.carried_from \
         LEFT JOIN meetings pm ON pm.id = pi.meeting_id \
         WHERE i.ward_id = $1 AND i.cell_id = $2 AND i.meeting_id = $3 ORDER BY i.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(meeting_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Item {
                id: r.id,
                decision: Decision::parse(&r.decision)?,
                concern_id: r.concern_id,
                household: r.head_name,
                category: r
                    .category
                    .as_deref()
                    .and_then(crate::features::concerns::model::Category::parse),
                body: r.body,
                target: r.target.as_deref().and_then(OutsideBody::parse),
                done: r.done,
                carried_from: r
                    .carried_month
                    .as_deref()
                    .and_then(|m| Month::parse("month", m).ok()),
            })
        })
        .collect())
}

/// Everything the shared screen shows for a month.
pub async fn agenda(
    pool: &Pool,
    cell: &CellScope,
    month: Month,
    today: NaiveDate,
) -> sqlx::Result<Agenda> {
    let meeting = head(pool, cell, month).await?;
    let meeting_id = meeting.as_ref().map(|m| m.id);
    let attendance = attendance(pool, cell, meeting_id).await?;
    let members = members_month(pool, cell, month).await?;
    let coverage = crate::features::visits::repo::cell_coverage(pool, cell, today).await?;
    let (due, visited) = coverage
        .months
        .iter()
        .find(|m| m.year == month.year && m.month == month.month)
        .map_or((0, 0), |m| (m.due, m.visited));
    let decide =
        concerns::cell_concerns(pool, cell, &[State::Raised, State::Reported], today).await?;
    let relay = concerns::cell_concerns(
        pool,
        cell,
        &[State::AnsweredByCell, State::AnsweredInWriting],
        today,
    )
    .await?;
    let pending: Vec<State> = State::ALL
        .iter()
        .copied()
        .filter(|s| s.is_pending())
        .collect();
    let overdue = concerns::cell_concerns(pool, cell, &pending, today)
        .await?
        .into_iter()
        .filter(|r| r.clock.overdue())
        .collect();
    let hot = concerns::hot_spots(pool, cell, today).await?;
    let board = crate::features::board::repo::load_board(pool, cell, today).await?;
    let (mut unassigned, mut stale) = (0, 0);
    for h in &board.households {
        let member = h.member.and_then(|m| board.member(m));
        for b in crate::features::board::model::household_breaches(h, member) {
            match b {
                crate::features::board::model::Breach::Unassigned => unassigned += 1,
                crate::features::board::model::Breach::Stale => stale += 1,
                _ => {}
            }
        }
    }
    let campaigns = crate::features::visits::repo::active_campaigns(pool, cell, today).await?;
    let items = match meeting_id {
        Some(id) => items(pool, cell, id).await?,
        None => vec![],
    };
    Ok(Agenda {
        cell_id: cell.cell_id,
        cell_name: cell.name.clone(),
        ward_name: cell.ward_name.clone(),
        month,
        today,
        can_write: cell.can_write,
        meeting,
        attendance,
        due,
        visited,
        members,
        decide,
        relay,
        overdue,
        hot,
        unassigned,
        stale,
        campaigns,
        items,
    })
}

/// A meeting as it stands in a write transaction: refused if unknown to this cell, or
/// closed.
async fn open_meeting(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    meeting_id: i64,
) -> Result<HeadDb, AppError> {
    let row: Option<HeadDb> = sqlx::query_as(&format!(
        "{HEAD_SELECT} WHERE id = $1 AND ward_id = $2 AND cell_id = $3"
    ))
    .bind(meeting_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or(AppError::Forbidden)?;
    if row.status != MeetingStatus::Open.code() {
        return Err(AppError::Conflict);
    }
    Ok(row)
}

pub(crate) async fn write_audit(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    who: audit::Who,
    action: &'static str,
    entity: &'static str,
    id: i64,
    after: serde_json::Value,
) -> sqlx::Result<()> {
    audit::write::<(), _>(
        tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(who.user_id),
            action,
            entity,
            entity_id: Some(id),
            before: None,
            after: Some(&after),
            at: who.at,
        },
    )
    .await
}

/// Opens a month's meeting, held on `held_on`, and carries over what the last meeting
/// left unfinished: its tasks not done, and the concerns it put off that still wait for
/// the cell. Opening a month already opened answers its meeting.
pub async fn open(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    month: Month,
    held_on: NaiveDate,
) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM meetings WHERE ward_id = $1 AND cell_id = $2 AND month = $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(month.code())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (ward_id, cell_id, month, held_on, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(month.code())
    .bind(held_on)
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let carried = carry_over(&mut tx, cell, id, month, user_id, now).await?;
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "open_meeting",
        "meeting",
        id,
        serde_json::json!({ "month": month.code(), "held_on": held_on, "carried": carried }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Copies the unfinished items of the cell's last meeting before `month` into meeting
/// `id`. A put-off concern comes back only while it still waits for the cell.
async fn carry_over(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    id: i64,
    month: Month,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM meetings WHERE ward_id = $1 AND cell_id = $2 AND month < $3 \
         ORDER BY month DESC LIMIT 1",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(month.code())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(last) = last else { return Ok(0) };
    // id, kind, decision, concern, body, the concern's state
    type OpenItem = (i64, String, String, Option<i64>, String, Option<String>);
    let rows: Vec<OpenItem> = sqlx::query_as(
        "SELECT i.id, i.kind, i.decision, i.concern_id, i.body, c.state FROM meeting_items i \
         LEFT JOIN concerns c ON c.id = i.concern_id \
         WHERE i.ward_id = $1 AND i.cell_id = $2 AND i.meeting_id = $3 AND i.done = 0 \
           AND i.decision IN ('task', 'defer') ORDER BY i.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(last)
    .fetch_all(&mut **tx)
    .await?;
    let keep: Vec<_> = rows
        .into_iter()
        .filter(|r| match r.3 {
            None => true,
            Some(_) => matches!(r.5.as_deref(), Some("raised" | "reported")),
        })
        .collect();
    if keep.is_empty() {
        return Ok(0);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "INSERT INTO meeting_items (ward_id, cell_id, meeting_id, kind, concern_id, decision, body, \
         done, carried_from, created_by, created_at) ",
    );
    qb.push_values(&keep, |mut b, r| {
        b.push_bind(cell.ward_id)
            .push_bind(cell.cell_id)
            .push_bind(id)
            .push_bind(&r.1)
            .push_bind(r.3)
            .push_bind(&r.2)
            .push_bind(&r.4)
            .push_bind(false)
            .push_bind(r.0)
            .push_bind(user_id)
            .push_bind(now);
    });
    qb.build().execute(&mut **tx).await?;
    Ok(keep.len())
}

/// The meeting's head, as edited.
#[derive(Clone, Debug)]
pub struct HeadInput {
    pub version: i64,
    pub held_on: NaiveDate,
    pub chair: String,
    pub recorder: String,
    pub notes: String,
}

pub async fn set_head(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    meeting_id: i64,
    input: &HeadInput,
) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let cur = open_meeting(&mut tx, cell, meeting_id).await?;
    let month = Month::parse("month", &cur.month)?;
    if !month.contains(input.held_on) {
        return Err(AppError::invalid(
            "held_on",
            Problem::DateOutOfRange {
                earliest: month.first_day(),
                latest: month.last_day(),
            },
        ));
    }
    let done = sqlx::query(
        "UPDATE meetings SET held_on = $1, chair = $2, recorder = $3, notes = $4, version = version + 1, \
         updated_at = $5 WHERE id = $6 AND ward_id = $7 AND cell_id = $8 AND version = $9",
    )
    .bind(input.held_on)
    .bind(&input.chair)
    .bind(&input.recorder)
    .bind(&input.notes)
    .bind(now)
    .bind(meeting_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(input.version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict);
    }
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "edit_meeting",
        "meeting",
        meeting_id,
        serde_json::json!({
            "held_on": input.held_on, "chair": input.chair, "recorder": input.recorder,
            "notes": input.notes,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(input.version + 1)
}

/// Records who came: `present` holds the members ticked; every member of the list gets a
/// row. Members not of the cell are refused.
pub async fn set_attendance(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    meeting_id: i64,
    rows: &[(i64, bool)],
) -> Result<usize, AppError> {
    check_attendance(rows)?;
    let mut tx = crate::server::db::begin_write(pool).await?;
    open_meeting(&mut tx, cell, meeting_id).await?;
    let listed: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM members WHERE ward_id = $1 AND cell_id = $2 AND kind = 'resident' \
         AND status <> 'transferred'",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(&mut *tx)
    .await?;
    if let Some((stranger, _)) = rows.iter().find(|(m, _)| !listed.contains(m)) {
        tracing::info!(member = stranger, "attendance for a member not on the list");
        return Err(AppError::invalid("member", Problem::UnknownChoice));
    }
    sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1 AND ward_id = $2")
        .bind(meeting_id)
        .bind(cell.ward_id)
        .execute(&mut *tx)
        .await?;
    if !rows.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO meeting_attendance (meeting_id, ward_id, member_id, present) ",
        );
        qb.push_values(rows, |mut b, (member, present)| {
            b.push_bind(meeting_id)
                .push_bind(cell.ward_id)
                .push_bind(*member)
                .push_bind(*present);
        });
        qb.build().execute(&mut *tx).await?;
    }
    let present = rows.iter().filter(|r| r.1).count();
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "take_attendance",
        "meeting",
        meeting_id,
        serde_json::json!({ "present": present, "listed": rows.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(present)
}

/// A decision on a concern, as asked for.
#[derive(Clone, Debug)]
pub struct DecisionInput {
    pub concern_id: i64,
    /// The concern's version the screen showed.
    pub version: i64,
    pub decision: Decision,
    pub text: String,
    pub target: Option<OutsideBody>,
}

/// Decides a concern on the spot: a concern still `raised` is first reported (the member
/// reports it at the meeting), then answered or referred; a put-off concern is only noted
/// and comes back next month. The steps and the decision are one transaction.
pub async fn decide(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    meeting_id: i64,
    input: &DecisionInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    use crate::features::concerns::model::Step;
    use crate::features::concerns::repo::{StepInput, take_step_in};
    let mut tx = crate::server::db::begin_write(pool).await?;
    open_meeting(&mut tx, cell, meeting_id).await?;
    let state: Option<(String, i64)> = sqlx::query_as(
        "SELECT state, version FROM concerns WHERE id = $1 AND ward_id = $2 AND cell_id = $3",
    )
    .bind(input.concern_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (state, version) = state.ok_or(AppError::Forbidden)?;
    if version != input.version {
        return Err(AppError::Conflict);
    }
    let state = State::parse(&state).ok_or(AppError::Internal)?;
    if !matches!(state, State::Raised | State::Reported) {
        return Err(AppError::Conflict);
    }
    let actor = Actor {
        responsible_member: false,
        cell_writer: true,
        committee: false,
    };
    let step = |step: Step, version: i64, text: String, target| StepInput {
        step,
        version,
        text,
        target,
        on_day: None,
        file: None,
        meeting_id: Some(meeting_id),
    };
    let mut version = input.version;
    if let Some(s) = input.decision.step() {
        if state == State::Raised {
            version = take_step_in(
                &mut tx,
                cell,
                input.concern_id,
                user_id,
                actor,
                &step(Step::Report, version, String::new(), None),
                now,
            )
            .await?;
        }
        version = take_step_in(
            &mut tx,
            cell,
            input.concern_id,
            user_id,
            actor,
            &step(s, version, input.text.clone(), input.target),
            now,
        )
        .await?;
    }
    let item: i64 = sqlx::query_scalar(
        "INSERT INTO meeting_items (ward_id, cell_id, meeting_id, kind, concern_id, decision, body, target, \
         done, created_by, created_at) VALUES ($1, $2, $3, 'concern', $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(meeting_id)
    .bind(input.concern_id)
    .bind(input.decision.code())
    .bind(&input.text)
    .bind(input.target.map(|t| t.code()))
    .bind(!input.decision.carries_over())
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // A put-off concern decided now closes the item it was carried in.
    if input.decision != Decision::Defer {
        sqlx::query(
            "UPDATE meeting_items SET done = 1 WHERE ward_id = $1 AND cell_id = $2 AND meeting_id = $3 \
             AND concern_id = $4 AND decision = 'defer' AND id <> $5",
        )
        .bind(cell.ward_id)
        .bind(cell.cell_id)
        .bind(meeting_id)
        .bind(input.concern_id)
        .bind(item)
        .execute(&mut *tx)
        .await?;
    }
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "meeting_decision",
        "meeting_item",
        item,
        serde_json::json!({
            "meeting_id": meeting_id, "concern_id": input.concern_id,
            "decision": input.decision.code(), "concern_version": version,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

/// Gives a task at the meeting.
pub async fn add_task(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    meeting_id: i64,
    body: &str,
) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    open_meeting(&mut tx, cell, meeting_id).await?;
    let item: i64 = sqlx::query_scalar(
        "INSERT INTO meeting_items (ward_id, cell_id, meeting_id, kind, decision, body, done, created_by, created_at) \
         VALUES ($1, $2, $3, 'task', 'task', $4, 0, $5, $6) RETURNING id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(meeting_id)
    .bind(body)
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "meeting_task",
        "meeting_item",
        item,
        serde_json::json!({ "meeting_id": meeting_id, "body": body }),
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

/// Marks a task (or a put-off item) done or not done.
pub async fn set_done(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    item_id: i64,
    done: bool,
) -> Result<(), AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let meeting: Option<i64> = sqlx::query_scalar(
        "SELECT meeting_id FROM meeting_items WHERE id = $1 AND ward_id = $2 AND cell_id = $3",
    )
    .bind(item_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_optional(&mut *tx)
    .await?;
    let meeting = meeting.ok_or(AppError::Forbidden)?;
    open_meeting(&mut tx, cell, meeting).await?;
    sqlx::query(
        "UPDATE meeting_items SET done = $1 WHERE id = $2 AND ward_id = $3 AND cell_id = $4",
    )
    .bind(done)
    .bind(item_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .execute(&mut *tx)
    .await?;
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "meeting_item_done",
        "meeting_item",
        item_id,
        serde_json::json!({ "done": done }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Closes a meeting: its minutes are final.
pub async fn close(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    meeting_id: i64,
) -> Result<(), AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    open_meeting(&mut tx, cell, meeting_id).await?;
    sqlx::query(
        "UPDATE meetings SET status = 'closed', version = version + 1, updated_at = $1 \
         WHERE id = $2 AND ward_id = $3 AND cell_id = $4",
    )
    .bind(now)
    .bind(meeting_id)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .execute(&mut *tx)
    .await?;
    write_audit(
        &mut tx,
        cell,
        audit::Who { user_id, at: now },
        "close_meeting",
        "meeting",
        meeting_id,
        serde_json::json!({ "status": "closed" }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The demo ward's monthly meetings: one per cell for each month of this year before the
/// current one, held on the 5th, closed, with most resident members present (the active
/// nearly always, the excused seldom). Who came follows from the member and the month, so
/// the demo stays the same from one run to the next.
pub async fn seed_demo_meetings(
    tx: &mut Tx<'_>,
    ward_id: i64,
    cells: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    use chrono::Datelike;
    let today = crate::core::clock::vn_date(now);
    for cell in cells {
        let members: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, full_name, status FROM members WHERE ward_id = $1 AND cell_id = $2 \
             AND kind = 'resident' AND status <> 'transferred' ORDER BY id",
        )
        .bind(ward_id)
        .bind(cell)
        .fetch_all(&mut **tx)
        .await?;
        let active: Vec<&(i64, String, String)> =
            members.iter().filter(|m| m.2 == "active").collect();
        let chair = active.first().map_or("", |m| m.1.as_str());
        let recorder = active.get(1).map_or("", |m| m.1.as_str());
        for month in 1..today.month() {
            let Some(held_on) = NaiveDate::from_ymd_opt(today.year(), month, 5) else {
                continue;
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meetings (ward_id, cell_id, month, held_on, chair, recorder, notes, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'closed', $8, $8) RETURNING id",
            )
            .bind(ward_id)
            .bind(cell)
            .bind(format!("{:04}-{month:02}", today.year()))
            .bind(held_on)
            .bind(chair)
            .bind(recorder)
            .bind(format!("Sinh hoạt chi bộ định kỳ tháng {month}/{}.", today.year()))
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            if members.is_empty() {
                continue;
            }
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO meeting_attendance (meeting_id, ward_id, member_id, present) ",
            );
            qb.push_values(&members, |mut b, (member, _, status)| {
                let roll = (member * 37 + i64::from(month) * 11) % 100;
                let present = if status == "active" {
                    roll < 90
                } else {
                    roll < 30
                };
                b.push_bind(id)
                    .push_bind(ward_id)
                    .push_bind(*member)
                    .push_bind(present);
            });
            qb.build().execute(&mut **tx).await?;
        }
    }
    Ok(())
}
