//! The reviews' SQL: figures of a cell or a ward over a period, each member's evidence,
//! and the ĐV213 roster, meetings and comment sheets.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::*;
use crate::error::{AppError, Problem};
use crate::features::concerns::model::State;
use crate::features::concerns::repo as concerns;
use crate::features::org::model::{Address, MemberKind, MemberStatus};
use crate::features::visits::model::{MonthCoverage, Span, month_by_month};
use crate::server::audit;
use crate::server::db::{Db, Pool};
use crate::server::scope::CellScope;
use crate::ui::format::vn_date;

/// What one cell did over a period, before it is dressed as a report.
struct Figures {
    months: Vec<MonthCoverage>,
    coverage: CoverageTotals,
    concerns: ConcernTotals,
    members: i64,
    assignable: i64,
    meetings: i64,
    evidence: Vec<Evidence>,
}

#[derive(sqlx::FromRow)]
struct VisitDb {
    household_id: i64,
    member_id: i64,
    visited_on: NaiveDate,
    feedback: String,
    feedback_rating: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ConcernDb {
    member_id: Option<i64>,
    raised_on: NaiveDate,
    state: String,
    due_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct MemberDb {
    id: i64,
    full_name: String,
    birth_year: Option<i32>,
    status: String,
    kind: String,
}

async fn figures(
    pool: &Pool,
    ward_id: i64,
    cell_id: i64,
    period: Period,
    today: NaiveDate,
    with_evidence: bool,
) -> sqlx::Result<Figures> {
    let from = period.first_day();
    let until = period.until(today);

    type SpanDb = (i64, i64, DateTime<Utc>, Option<DateTime<Utc>>);
    let spans: Vec<SpanDb> = sqlx::query_as(
        "SELECT member_id, household_id, started_at, ended_at FROM assignments \
         WHERE ward_id = $1 AND cell_id = $2 AND household_id IS NOT NULL",
    )
    .bind(ward_id)
    .bind(cell_id)
    .fetch_all(pool)
    .await?;
    let spans: Vec<(i64, Span)> = spans
        .into_iter()
        .map(|(member, household_id, from, to)| {
            (
                member,
                Span {
                    household_id,
                    from: vn_date(from),
                    to: to.map(vn_date),
                },
            )
        })
        .collect();
    let cell_spans: Vec<Span> = spans.iter().map(|(_, s)| *s).collect();

    let visits: Vec<VisitDb> = sqlx::query_as(
        "SELECT household_id, member_id, visited_on, feedback, feedback_rating FROM visits \
         WHERE ward_id = $1 AND cell_id = $2 AND visited_on >= $3 AND visited_on <= $4 \
         ORDER BY visited_on DESC, id DESC",
    )
    .bind(ward_id)
    .bind(cell_id)
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await?;
    let visit_days: Vec<(i64, NaiveDate)> = visits
        .iter()
        .map(|v| (v.household_id, v.visited_on))
        .collect();

    let concern_rows: Vec<ConcernDb> = sqlx::query_as(
        "SELECT member_id, raised_on, state, due_on FROM concerns \
         WHERE ward_id = $1 AND cell_id = $2 AND raised_on <= $3",
    )
    .bind(ward_id)
    .bind(cell_id)
    .bind(until)
    .fetch_all(pool)
    .await?;
    let facts: Vec<(Option<i64>, ConcernFact)> = concern_rows
        .into_iter()
        .filter_map(|c| {
            Some((
                c.member_id,
                ConcernFact {
                    raised_on: c.raised_on,
                    state: State::parse(&c.state)?,
                    due_on: c.due_on,
                },
            ))
        })
        .collect();
    let all_facts: Vec<ConcernFact> = facts.iter().map(|(_, f)| *f).collect();
    let raised_days: Vec<NaiveDate> = all_facts
        .iter()
        .map(|f| f.raised_on)
        .filter(|d| *d >= from)
        .collect();

    let on_time = if until >= from {
        concerns::on_time(pool, ward_id, Some(cell_id), from, until)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .next()
            .unwrap_or_default()
    } else {
        Default::default()
    };

    let mut months = month_by_month(
        until,
        period.month_count(today),
        &cell_spans,
        &visit_days,
        &raised_days,
    );
    months.reverse();
    let coverage = coverage_totals(period, today, &cell_spans, &visit_days);
    let concern_totals = concern_totals(period, today, &all_facts, on_time);

    let members: Vec<MemberDb> = sqlx::query_as(
        "SELECT id, full_name, birth_year, status, kind FROM members \
         WHERE ward_id = $1 AND cell_id = $2 ORDER BY full_name, id",
    )
    .bind(ward_id)
    .bind(cell_id)
    .fetch_all(pool)
    .await?;
    // Transferred members stay in the report only if they looked after someone in it.
    let members: Vec<MemberDb> = members
        .into_iter()
        .filter(|m| {
            m.status != "transferred"
                || spans.iter().any(|(who, s)| {
                    *who == m.id && s.from <= until && s.to.is_none_or(|t| t >= from)
                })
        })
        .collect();
    let statuses: Vec<MemberStatus> = members
        .iter()
        .map(|m| MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Active))
        .collect();

    let attendance: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT m.id, a.member_id, a.present FROM meetings m \
         JOIN meeting_attendance a ON a.meeting_id = m.id AND a.ward_id = m.ward_id \
         WHERE m.ward_id = $1 AND m.cell_id = $2 AND m.held_on >= $3 AND m.held_on <= $4",
    )
    .bind(ward_id)
    .bind(cell_id)
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await?;
    let meetings: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM meetings \
         WHERE ward_id = $1 AND cell_id = $2 AND held_on >= $3 AND held_on <= $4",
    )
    .bind(ward_id)
    .bind(cell_id)
    .bind(from)
    .bind(until)
    .fetch_one(pool)
    .await?;

    let evidence = if with_evidence {
        members
            .iter()
            .zip(&statuses)
            .map(|(m, status)| {
                let own_spans: Vec<Span> = spans
                    .iter()
                    .filter(|(who, _)| *who == m.id)
                    .map(|(_, s)| *s)
                    .collect();
                let own: Vec<&VisitDb> = visits.iter().filter(|v| v.member_id == m.id).collect();
                let own_days: Vec<(i64, NaiveDate)> =
                    own.iter().map(|v| (v.household_id, v.visited_on)).collect();
                let t = coverage_totals(period, today, &own_spans, &own_days);
                let ratings: Vec<i64> = own.iter().filter_map(|v| v.feedback_rating).collect();
                let feedback: Vec<(NaiveDate, String)> = own
                    .iter()
                    .filter(|v| !v.feedback.trim().is_empty())
                    .take(3)
                    .map(|v| (v.visited_on, v.feedback.trim().to_string()))
                    .collect();
                let raised: Vec<&ConcernFact> = facts
                    .iter()
                    .filter(|(who, f)| *who == Some(m.id) && f.raised_on >= from)
                    .map(|(_, f)| f)
                    .collect();
                let mine: Vec<&(i64, i64, bool)> =
                    attendance.iter().filter(|a| a.1 == m.id).collect();
                Evidence {
                    member_id: m.id,
                    full_name: m.full_name.clone(),
                    birth_year: m.birth_year,
                    status: *status,
                    dv213: MemberKind::parse(&m.kind) == Some(MemberKind::Dv213),
                    households: t.households,
                    looked_after: t.looked_after,
                    expected: t.due,
                    done: t.visited,
                    visits: t.visits,
                    concerns_raised: raised.len() as i64,
                    concerns_followed: raised.iter().filter(|f| !f.state.is_pending()).count()
                        as i64,
                    ratings: ratings.len() as i64,
                    rating_tenths: mean_tenths(&ratings),
                    feedback,
                    meetings_present: mine.iter().filter(|a| a.2).count() as i64,
                    meetings_held: mine.len() as i64,
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    Ok(Figures {
        months,
        coverage,
        concerns: concern_totals,
        members: members.len() as i64,
        assignable: statuses.iter().filter(|s| s.assignable()).count() as i64,
        meetings,
        evidence,
    })
}

/// A cell's report for a period, with each member's evidence.
pub async fn cell_report(
    pool: &Pool,
    cell: &CellScope,
    period: Period,
    today: NaiveDate,
) -> sqlx::Result<Report> {
    let f = figures(pool, cell.ward_id, cell.cell_id, period, today, true).await?;
    Ok(Report {
        period,
        until: period.until(today),
        today,
        ward_id: cell.ward_id,
        ward_name: cell.ward_name.clone(),
        cell: Some((cell.cell_id, cell.name.clone())),
        months: f.months,
        coverage: f.coverage,
        concerns: f.concerns,
        members: f.members,
        assignable_members: f.assignable,
        evidence: f.evidence,
        cells: Vec::new(),
        meetings: f.meetings,
        choices: Period::choices(today),
    })
}

/// The ward's report for a period: its cells side by side and their sum.
pub async fn ward_report(
    pool: &Pool,
    ward_id: i64,
    ward_name: &str,
    period: Period,
    today: NaiveDate,
) -> sqlx::Result<Report> {
    let cells = concerns::ward_cells(pool, ward_id).await?;
    let mut months: Vec<MonthCoverage> = Vec::new();
    let mut coverage = CoverageTotals::default();
    let mut concern_totals = ConcernTotals::default();
    let mut lines = Vec::new();
    let (mut members, mut assignable, mut meetings) = (0, 0, 0);
    for (cell_id, name) in cells {
        let f = figures(pool, ward_id, cell_id, period, today, false).await?;
        if months.is_empty() {
            months = f.months.clone();
        } else {
            for (sum, m) in months.iter_mut().zip(&f.months) {
                sum.due += m.due;
                sum.visited += m.visited;
                sum.visits += m.visits;
                sum.concerns += m.concerns;
            }
        }
        coverage.add(&f.coverage);
        concern_totals.add(&f.concerns);
        members += f.members;
        assignable += f.assignable;
        meetings += f.meetings;
        lines.push(CellLine {
            cell_id,
            name,
            members: f.members,
            coverage: f.coverage,
            concerns: f.concerns,
            meetings: f.meetings,
        });
    }
    // The states in their order, whatever order the cells brought them in.
    concern_totals.by_state.sort_by_key(|(s, _)| {
        crate::features::concerns::model::BOARD_STATES
            .iter()
            .position(|b| b == s)
    });
    Ok(Report {
        period,
        until: period.until(today),
        today,
        ward_id,
        ward_name: ward_name.to_string(),
        cell: None,
        months,
        coverage,
        concerns: concern_totals,
        members,
        assignable_members: assignable,
        evidence: Vec::new(),
        cells: lines,
        meetings,
        choices: Period::choices(today),
    })
}

// ---------------------------------------------------------------------------------------
// ĐV213.

#[derive(sqlx::FromRow)]
struct Dv213Db {
    id: i64,
    full_name: String,
    birth_year: Option<i32>,
    phone: String,
    home_area: String,
    home_alley: String,
    home_lane: String,
    home_house_no: String,
    workplace: String,
    workplace_committee: String,
    group_name: Option<String>,
    is_group_leader: bool,
    status: String,
}

#[derive(sqlx::FromRow)]
struct CommentDb {
    member_id: i64,
    contact: String,
    civic: String,
    comment: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

/// The cell's ĐV213 members for a year: the roster with groups and leaders, the two
/// meetings and who came, and each member's comment sheet (saved, or the record's
/// suggestion).
pub async fn dv213_sheet(
    pool: &Pool,
    cell: &CellScope,
    year: i32,
    today: NaiveDate,
) -> sqlx::Result<Dv213Sheet> {
    let rows: Vec<Dv213Db> = sqlx::query_as(
        "SELECT m.id, m.full_name, m.birth_year, m.phone, m.home_area, m.home_alley, m.home_lane, \
           m.home_house_no, m.workplace, m.workplace_committee, g.name AS group_name, \
           m.is_group_leader, m.status \
         FROM members m LEFT JOIN org_units g ON g.id = m.party_group_id \
         WHERE m.ward_id = $1 AND m.cell_id = $2 AND m.kind = 'dv213' AND m.status <> 'transferred' \
         ORDER BY m.full_name, m.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;

    let meetings: Vec<(i64, i64, NaiveDate, String, i64)> = sqlx::query_as(
        "SELECT id, half, held_on, topic, version FROM dv213_meetings \
         WHERE ward_id = $1 AND cell_id = $2 AND year = $3 ORDER BY half",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(year)
    .fetch_all(pool)
    .await?;
    let mut held: [Option<Dv213Meeting>; 2] = [None, None];
    for (id, half, held_on, topic, version) in meetings {
        if let Some(slot) = held.get_mut((half - 1) as usize) {
            *slot = Some(Dv213Meeting {
                id,
                half,
                held_on,
                topic,
                version,
            });
        }
    }
    let attendance: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT m.half, a.member_id, a.present FROM dv213_attendance a \
         JOIN dv213_meetings m ON m.id = a.meeting_id AND m.ward_id = a.ward_id \
         WHERE m.ward_id = $1 AND m.cell_id = $2 AND m.year = $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(year)
    .fetch_all(pool)
    .await?;

    let comments: Vec<CommentDb> = sqlx::query_as(
        "SELECT member_id, contact, civic, comment, version, updated_at FROM dv213_comments \
         WHERE ward_id = $1 AND cell_id = $2 AND year = $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(year)
    .fetch_all(pool)
    .await?;

    let households: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT member_id, COUNT(*) FROM assignments \
         WHERE ward_id = $1 AND cell_id = $2 AND ended_at IS NULL AND household_id IS NOT NULL \
         GROUP BY member_id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    let visits: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT member_id, COUNT(*) FROM visits \
         WHERE ward_id = $1 AND cell_id = $2 AND visited_on >= $3 AND visited_on <= $4 \
         GROUP BY member_id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;

    let meetings_held = held.iter().flatten().count();
    let roster = rows
        .into_iter()
        .map(|r| {
            let attended = [1, 2].map(|half| {
                attendance
                    .iter()
                    .find(|(h, m, _)| *h == half && *m == r.id)
                    .map(|(_, _, p)| *p)
            });
            let mut m = Dv213Member {
                member_id: r.id,
                full_name: r.full_name,
                birth_year: r.birth_year,
                phone: r.phone,
                address: Address {
                    area: r.home_area,
                    alley: r.home_alley,
                    lane: r.home_lane,
                    house_no: r.home_house_no,
                }
                .line(),
                workplace: r.workplace,
                workplace_committee: r.workplace_committee,
                group: r.group_name,
                group_leader: r.is_group_leader,
                status: MemberStatus::parse(&r.status).unwrap_or(MemberStatus::Active),
                attended,
                households: households
                    .iter()
                    .find(|(m, _)| *m == r.id)
                    .map_or(0, |(_, n)| *n),
                visits: visits
                    .iter()
                    .find(|(m, _)| *m == r.id)
                    .map_or(0, |(_, n)| *n),
                comment: Dv213Comment::default(),
            };
            m.comment = match comments.iter().find(|c| c.member_id == r.id) {
                Some(c) => Dv213Comment {
                    contact: c.contact.clone(),
                    civic: c.civic.clone(),
                    comment: c.comment.clone(),
                    version: c.version,
                    updated_on: Some(vn_date(c.updated_at)),
                },
                None => suggested_comment(&m, meetings_held),
            };
            m
        })
        .collect();

    let this_year = chrono::Datelike::year(&today);
    let mut years: Vec<i32> = (this_year - 2..=this_year).rev().collect();
    if !years.contains(&year) {
        years.push(year);
    }
    Ok(Dv213Sheet {
        cell_id: cell.cell_id,
        cell_name: cell.name.clone(),
        ward_name: cell.ward_name.clone(),
        year,
        today,
        can_write: cell.can_write,
        meetings: held,
        roster,
        years,
    })
}

/// The ids of the cell's ĐV213 members (not transferred), for checking what a form names.
async fn dv213_ids(tx: &mut crate::server::db::Tx<'_>, cell: &CellScope) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM members WHERE ward_id = $1 AND cell_id = $2 AND kind = 'dv213' \
         AND status <> 'transferred'",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(&mut **tx)
    .await
}

/// What a ĐV213 meeting form asks for.
#[derive(Clone, Debug)]
pub struct MeetingInput {
    pub year: i32,
    pub half: i64,
    pub held_on: NaiveDate,
    pub topic: String,
    /// The version the form showed; 0 for a meeting not yet recorded.
    pub version: i64,
    pub attendance: Vec<(i64, bool)>,
}

/// Records (or corrects) one of the year's two ĐV213 meetings with who came, in one
/// transaction. Answers the meeting's id.
pub async fn save_dv213_meeting(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    input: &MeetingInput,
) -> Result<i64, AppError> {
    crate::features::meetings::model::check_attendance(&input.attendance)?;
    let mut tx = crate::server::db::begin_write(pool).await?;
    let listed = dv213_ids(&mut tx, cell).await?;
    if input.attendance.iter().any(|(m, _)| !listed.contains(m)) {
        return Err(AppError::invalid("member", Problem::UnknownChoice));
    }
    let existing: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, version FROM dv213_meetings WHERE cell_id = $1 AND year = $2 AND half = $3",
    )
    .bind(cell.cell_id)
    .bind(input.year)
    .bind(input.half)
    .fetch_optional(&mut *tx)
    .await?;
    let id = match existing {
        Some((id, version)) => {
            if version != input.version {
                return Err(AppError::Conflict);
            }
            sqlx::query(
                "UPDATE dv213_meetings SET held_on = $1, topic = $2, version = version + 1 \
                 WHERE id = $3 AND ward_id = $4",
            )
            .bind(input.held_on)
            .bind(&input.topic)
            .bind(id)
            .bind(cell.ward_id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            if input.version != 0 {
                return Err(AppError::Conflict);
            }
            sqlx::query_scalar(
                "INSERT INTO dv213_meetings (ward_id, cell_id, year, half, held_on, topic, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(cell.ward_id)
            .bind(cell.cell_id)
            .bind(input.year)
            .bind(input.half)
            .bind(input.held_on)
            .bind(&input.topic)
            .bind(user_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    sqlx::query("DELETE FROM dv213_attendance WHERE meeting_id = $1 AND ward_id = $2")
        .bind(id)
        .bind(cell.ward_id)
        .execute(&mut *tx)
        .await?;
    insert_attendance(&mut tx, id, cell.ward_id, &input.attendance).await?;
    let present = input.attendance.iter().filter(|a| a.1).count();
    crate::features::meetings::repo::write_audit(
        &mut tx,
        cell,
        crate::server::audit::Who { user_id, at: now },
        "record_dv213_meeting",
        "dv213_meeting",
        id,
        serde_json::json!({
            "year": input.year, "half": input.half, "held_on": input.held_on,
            "topic": input.topic, "present": present, "listed": input.attendance.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What a comment sheet form asks for.
#[derive(Clone, Debug)]
pub struct CommentInput {
    pub member_id: i64,
    pub year: i32,
    pub contact: String,
    pub civic: String,
    pub comment: String,
    /// The version the form showed; 0 for a sheet not yet saved.
    pub version: i64,
}

/// Saves a ĐV213 member's year-end comment sheet. Answers its new version.
pub async fn save_dv213_comment(
    pool: &Pool,
    cell: &CellScope,
    user_id: i64,
    now: DateTime<Utc>,
    input: &CommentInput,
) -> Result<i64, AppError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    if !dv213_ids(&mut tx, cell).await?.contains(&input.member_id) {
        return Err(AppError::invalid("member", Problem::UnknownChoice));
    }
    let existing: Option<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, version, contact, civic, comment FROM dv213_comments \
         WHERE member_id = $1 AND year = $2 AND ward_id = $3",
    )
    .bind(input.member_id)
    .bind(input.year)
    .bind(cell.ward_id)
    .fetch_optional(&mut *tx)
    .await?;
    let after = serde_json::json!({
        "member_id": input.member_id, "year": input.year,
        "contact": input.contact, "civic": input.civic, "comment": input.comment,
    });
    let (id, version, before) = match existing {
        Some((id, version, contact, civic, comment)) => {
            if version != input.version {
                return Err(AppError::Conflict);
            }
            sqlx::query(
                "UPDATE dv213_comments SET contact = $1, civic = $2, comment = $3, \
                 version = version + 1, updated_by = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(&input.contact)
            .bind(&input.civic)
            .bind(&input.comment)
            .bind(user_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            (
                id,
                version + 1,
                Some(serde_json::json!({ "contact": contact, "civic": civic, "comment": comment })),
            )
        }
        None => {
            if input.version != 0 {
                return Err(AppError::Conflict);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dv213_comments (ward_id, cell_id, member_id, year, contact, civic, comment, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(cell.ward_id)
            .bind(cell.cell_id)
            .bind(input.member_id)
            .bind(input.year)
            .bind(&input.contact)
            .bind(&input.civic)
            .bind(&input.comment)
            .bind(user_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            (id, 1, None)
        }
    };
    audit::write(
        &mut tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(user_id),
            action: "save_dv213_comment",
            entity: "dv213_comment",
            entity_id: Some(id),
            before: before.as_ref(),
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// The demo ward's ĐV213 meeting: the latest half-year already over, with most of each
/// cell's ĐV213 members present.
pub async fn seed_demo_dv213(
    tx: &mut crate::server::db::Tx<'_>,
    ward_id: i64,
    cells: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    use chrono::Datelike;
    let today = vn_date(now);
    let (year, half, month, day) = if today.month() >= 7 {
        (today.year(), 1, 5, 16)
    } else {
        (today.year() - 1, 2, 11, 14)
    };
    let Some(held_on) = NaiveDate::from_ymd_opt(year, month, day) else {
        return Ok(());
    };
    for cell in cells {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dv213_meetings (ward_id, cell_id, year, half, held_on, topic, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ward_id)
        .bind(cell)
        .bind(year)
        .bind(half)
        .bind(held_on)
        .bind(
            "Thông báo tình hình địa phương; đảng viên báo cáo việc giữ mối liên hệ với nơi cư trú",
        )
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        let members: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM members WHERE ward_id = $1 AND cell_id = $2 AND kind = 'dv213' \
             AND status <> 'transferred' ORDER BY id",
        )
        .bind(ward_id)
        .bind(cell)
        .fetch_all(&mut **tx)
        .await?;
        let rows: Vec<(i64, bool)> = members
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, i % 4 != 3))
            .collect();
        insert_attendance(tx, id, ward_id, &rows).await?;
    }
    Ok(())
}

/// Who came to a ĐV213 meeting: (member, present) rows, in one statement.
async fn insert_attendance(
    tx: &mut crate::server::db::Tx<'_>,
    meeting_id: i64,
    ward_id: i64,
    rows: &[(i64, bool)],
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<Db>::new(
        "INSERT INTO dv213_attendance (meeting_id, ward_id, member_id, present) ",
    );
    qb.push_values(rows, |mut b, (member, present)| {
        b.push_bind(meeting_id)
            .push_bind(ward_id)
            .push_bind(*member)
            .push_bind(*present);
    });
    qb.build().execute(&mut **tx).await?;
    Ok(())
}
