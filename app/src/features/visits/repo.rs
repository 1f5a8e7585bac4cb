//! SQL for visits, the concerns raised at them, campaigns and coverage. Every query of a
//! cell filters by its ward and cell first; dates are computed in Rust and bound.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::QueryBuilder;

use super::model::*;
use crate::features::concerns::model::{
    Category as ConcernCategory, State as ConcernState, Urgency,
};
use crate::features::concerns::repo::{RaisedConcern, insert_raised_concern};
use crate::features::org::model::{Address, HouseholdTag, MemberStatus};
use crate::server::audit;
use crate::server::db::{Db, Pool, Tx};
use crate::server::scope::CellScope;
use crate::ui::format::vn_date;

/// The member's ward and status, or `None` for an unknown member.
pub async fn member_standing(
    pool: &Pool,
    member_id: i64,
) -> sqlx::Result<Option<(i64, MemberStatus)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT ward_id, status FROM members WHERE id = $1")
            .bind(member_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(ward, status)| {
        (
            ward,
            MemberStatus::parse(&status).unwrap_or(MemberStatus::Active),
        )
    }))
}

#[derive(sqlx::FromRow)]
struct MyHouseholdDb {
    id: i64,
    head_name: String,
    area: String,
    alley: String,
    lane: String,
    house_no: String,
    phone: String,
    tags: String,
    hot_spot: i64,
    mode: String,
    started_at: DateTime<Utc>,
    last_visit: Option<NaiveDate>,
}

/// The households a member looks after now, with their open concerns, in need order.
pub async fn my_households(
    pool: &Pool,
    ward_id: i64,
    member_id: i64,
    today: NaiveDate,
) -> sqlx::Result<Vec<MyHousehold>> {
    let rows: Vec<MyHouseholdDb> = sqlx::query_as(
        "SELECT h.id, h.head_name, h.area, h.alley, h.lane, h.house_no, h.phone, h.tags, h.hot_spot, \
           a.mode, a.started_at, \
           (SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = h.id) AS last_visit \
         FROM assignments a JOIN households h ON h.id = a.household_id AND h.ward_id = a.ward_id \
         WHERE a.ward_id = $1 AND a.member_id = $2 AND a.ended_at IS NULL",
    )
    .bind(ward_id)
    .bind(member_id)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut concerns = open_concerns(pool, ward_id, &ids).await?;
    let mut list: Vec<MyHousehold> = rows
        .into_iter()
        .map(|r| MyHousehold {
            id: r.id,
            head_name: r.head_name,
            address: Address {
                area: r.area,
                alley: r.alley,
                lane: r.lane,
                house_no: r.house_no,
            },
            phone: r.phone,
            tags: HouseholdTag::parse_list(&r.tags),
            hot_spot: r.hot_spot,
            mode: BondMode::parse(&r.mode).unwrap_or(BondMode::Regular),
            since: vn_date(r.started_at),
            need: Need::of(r.last_visit, today),
            last_visit: r.last_visit,
            concerns: concerns.remove(&r.id).unwrap_or_default(),
        })
        .collect();
    order_by_need(&mut list);
    Ok(list)
}

#[derive(sqlx::FromRow)]
struct OpenConcernDb {
    id: i64,
    household_id: i64,
    category: String,
    body: String,
    urgency: String,
    state: String,
    raised_on: NaiveDate,
}

/// Open concerns of some households of a ward, newest first, by household.
async fn open_concerns(
    pool: &Pool,
    ward_id: i64,
    households: &[i64],
) -> sqlx::Result<HashMap<i64, Vec<OpenConcern>>> {
    let mut out: HashMap<i64, Vec<OpenConcern>> = HashMap::new();
    if households.is_empty() {
        return Ok(out);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.id, c.household_id, c.category, c.body, c.urgency, c.state, c.raised_on \
         FROM concerns c WHERE c.ward_id = ",
    );
    qb.push_bind(ward_id)
        .push(" AND c.state <> 'closed' AND c.household_id IN (");
    let mut sep = qb.separated(", ");
    for id in households {
        sep.push_bind(*id);
    }
    qb.push(") ORDER BY c.raised_on DESC, c.id DESC");
    let rows: Vec<OpenConcernDb> = qb.build_query_as().fetch_all(pool).await?;
    for r in rows {
        out.entry(r.household_id).or_default().push(OpenConcern {
            id: r.id,
            category: ConcernCategory::parse(&r.category).unwrap_or(ConcernCategory::Other),
            body: r.body,
            urgency: Urgency::parse(&r.urgency).unwrap_or(Urgency::Normal),
            state: ConcernState::parse(&r.state).unwrap_or(ConcernState::Raised),
            raised_on: r.raised_on,
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct CampaignDb {
    code: String,
    name: String,
    cell_id: Option<i64>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
}

/// Every campaign of a ward, in their order.
async fn ward_campaigns(pool: &Pool, ward_id: i64) -> sqlx::Result<Vec<CampaignDb>> {
    sqlx::query_as(
        "SELECT code, name, cell_id, starts_on, ends_on FROM campaigns \
         WHERE ward_id = $1 ORDER BY position, id",
    )
    .bind(ward_id)
    .fetch_all(pool)
    .await
}

fn running_for(c: &CampaignDb, cell_id: i64, today: NaiveDate) -> bool {
    c.cell_id.is_none_or(|id| id == cell_id)
        && c.starts_on <= today
        && c.ends_on.is_none_or(|end| end >= today)
}

/// The campaigns a cell runs today: the ward's and its own.
pub async fn active_campaigns(
    pool: &Pool,
    cell: &CellScope,
    today: NaiveDate,
) -> sqlx::Result<Vec<Campaign>> {
    Ok(ward_campaigns(pool, cell.ward_id)
        .await?
        .into_iter()
        .filter(|c| running_for(c, cell.cell_id, today))
        .map(|c| Campaign {
            code: c.code,
            name: c.name,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct VisitDb {
    id: i64,
    client_id: String,
    household_id: i64,
    member_id: i64,
    visited_on: NaiveDate,
    kind: String,
    topics: String,
    note: String,
    mediation: bool,
    hot_spot: i64,
    feedback: String,
    feedback_rating: Option<i64>,
}

const VISIT_SELECT: &str = "SELECT v.id, v.client_id, v.household_id, v.member_id, v.visited_on, v.kind, \
     v.topics, v.note, v.mediation, v.hot_spot, v.feedback, v.feedback_rating FROM visits v";

/// A stored visit by the id the phone made, with the concerns raised at it.
pub async fn find_visit(pool: &Pool, client_id: &str) -> sqlx::Result<Option<StoredVisit>> {
    let row: Option<VisitDb> = sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.client_id = $1"))
        .bind(client_id)
        .fetch_optional(pool)
        .await?;
    let Some(v) = row else { return Ok(None) };
    let concerns: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM concerns WHERE visit_id = $1 ORDER BY id")
            .bind(v.id)
            .fetch_all(pool)
            .await?;
    Ok(Some(StoredVisit {
        id: v.id,
        client_id: v.client_id,
        household_id: v.household_id,
        member_id: v.member_id,
        visited_on: v.visited_on,
        kind: VisitKind::parse(&v.kind).unwrap_or(VisitKind::Home),
        topics: codes_from_stored(&v.topics),
        note: v.note,
        mediation: v.mediation,
        hot_spot: v.hot_spot,
        feedback: v.feedback,
        feedback_rating: v.feedback_rating,
        concerns,
    }))
}

/// Who logs a visit.
#[derive(Clone, Copy, Debug)]
pub struct Visitor {
    pub member_id: i64,
    pub user_id: i64,
    /// When the visit is logged.
    pub at: DateTime<Utc>,
}

/// What the audit log keeps of a logged visit.
#[derive(Serialize)]
struct VisitAudit<'a> {
    client_id: &'a str,
    household_id: i64,
    visited_on: NaiveDate,
    kind: &'a str,
    concerns: usize,
    hot_spot: Option<i64>,
}

/// Stores a visit with its concerns and the household's hot-spot flag, in one transaction.
/// A visit whose `client_id` is already stored is left as it is: the stored one is
/// answered, so a resend or a double tap stores nothing twice.
pub async fn log_visit(
    pool: &Pool,
    cell: &CellScope,
    who: Visitor,
    v: &NewVisit,
) -> sqlx::Result<StoredVisit> {
    let now = who.at;
    let mut tx = crate::server::db::begin_write(pool).await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO visits (ward_id, cell_id, household_id, member_id, client_id, visited_on, kind, \
           topics, note, mediation, hot_spot, feedback, feedback_rating, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (client_id) DO NOTHING RETURNING id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(v.household_id)
    .bind(who.member_id)
    .bind(&v.client_id)
    .bind(v.visited_on)
    .bind(v.kind.code())
    .bind(codes_to_stored(&v.topics))
    .bind(&v.note)
    .bind(v.mediation)
    .bind(v.hot_spot.unwrap_or(0))
    .bind(&v.feedback)
    .bind(v.feedback_rating)
    .bind(who.user_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;

    if let Some(visit_id) = inserted {
        for c in &v.concerns {
            insert_raised_concern(
                &mut tx,
                &RaisedConcern {
                    ward_id: cell.ward_id,
                    cell_id: cell.cell_id,
                    household_id: v.household_id,
                    visit_id: Some(visit_id),
                    member_id: Some(who.member_id),
                    actor_user_id: Some(who.user_id),
                    client_id: &c.client_id,
                    category: c.category,
                    body: &c.body,
                    urgency: c.urgency,
                    raised_on: v.visited_on,
                    now,
                },
            )
            .await?;
        }
        if let Some(level) = v.hot_spot {
            set_hot_spot(&mut tx, cell, who.user_id, v.household_id, level, now).await?;
        }
        audit::write::<(), _>(
            &mut tx,
            audit::Entry {
                ward_id: Some(cell.ward_id),
                user_id: Some(who.user_id),
                action: "log_visit",
                entity: "visit",
                entity_id: Some(visit_id),
                before: None,
                after: Some(&VisitAudit {
                    client_id: &v.client_id,
                    household_id: v.household_id,
                    visited_on: v.visited_on,
                    kind: v.kind.code(),
                    concerns: v.concerns.len(),
                    hot_spot: v.hot_spot,
                }),
                at: now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    find_visit(pool, &v.client_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Sets a household's hot-spot level (R11) when it changes, with its audit row.
async fn set_hot_spot(
    tx: &mut Tx<'_>,
    cell: &CellScope,
    user_id: i64,
    household_id: i64,
    level: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let before: i64 = sqlx::query_scalar(
        "SELECT hot_spot FROM households WHERE ward_id = $1 AND cell_id = $2 AND id = $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .fetch_one(&mut **tx)
    .await?;
    if before == level {
        return Ok(());
    }
    sqlx::query(
        "UPDATE households SET hot_spot = $1, version = version + 1, updated_at = $2 \
         WHERE ward_id = $3 AND cell_id = $4 AND id = $5",
    )
    .bind(level)
    .bind(now)
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    audit::write(
        tx,
        audit::Entry {
            ward_id: Some(cell.ward_id),
            user_id: Some(user_id),
            action: "set_hot_spot",
            entity: "household",
            entity_id: Some(household_id),
            before: Some(&serde_json::json!({ "hot_spot": before })),
            after: Some(&serde_json::json!({ "hot_spot": level })),
            at: now,
        },
    )
    .await
}

#[derive(sqlx::FromRow)]
struct TimelineVisitDb {
    id: i64,
    visited_on: NaiveDate,
    kind: String,
    member_id: i64,
    member_name: String,
    topics: String,
    note: String,
    mediation: bool,
    hot_spot: i64,
    feedback: String,
    feedback_rating: Option<i64>,
    concerns: i64,
}

#[derive(sqlx::FromRow)]
struct ConcernDb {
    id: i64,
    category: String,
    body: String,
    urgency: String,
    state: String,
    raised_on: NaiveDate,
    member_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StepDb {
    concern_id: i64,
    step: String,
    to_state: String,
    body: String,
    at: DateTime<Utc>,
}

/// A household's visits, concerns with their steps, and who looked after it, for its page.
pub async fn household_visits(
    pool: &Pool,
    cell: &CellScope,
    household_id: i64,
    today: NaiveDate,
    can_log: bool,
) -> sqlx::Result<Option<HouseholdVisits>> {
    let head: Option<(i64, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT h.hot_spot, (SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = h.id) \
         FROM households h WHERE h.ward_id = $1 AND h.cell_id = $2 AND h.id = $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .fetch_optional(pool)
    .await?;
    let Some((hot_spot, last_visit)) = head else {
        return Ok(None);
    };

    let campaigns = ward_campaigns(pool, cell.ward_id).await?;
    let names: HashMap<&str, &str> = campaigns
        .iter()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();

    let visits: Vec<TimelineVisitDb> = sqlx::query_as(
        "SELECT v.id, v.visited_on, v.kind, v.member_id, m.full_name AS member_name, v.topics, v.note, \
           v.mediation, v.hot_spot, v.feedback, v.feedback_rating, \
           (SELECT COUNT(*) FROM concerns c WHERE c.visit_id = v.id) AS concerns \
         FROM visits v JOIN members m ON m.id = v.member_id \
         WHERE v.ward_id = $1 AND v.cell_id = $2 AND v.household_id = $3 \
         ORDER BY v.visited_on DESC, v.id DESC LIMIT $4",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .bind(TIMELINE_LIMIT as i64 + 1)
    .fetch_all(pool)
    .await?;

    let concern_rows: Vec<ConcernDb> = sqlx::query_as(
        "SELECT c.id, c.category, c.body, c.urgency, c.state, c.raised_on, m.full_name AS member_name \
         FROM concerns c LEFT JOIN members m ON m.id = c.member_id \
         WHERE c.ward_id = $1 AND c.cell_id = $2 AND c.household_id = $3 \
         ORDER BY c.raised_on DESC, c.id DESC",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .fetch_all(pool)
    .await?;
    let steps: Vec<StepDb> = sqlx::query_as(
        "SELECT e.concern_id, e.step, e.to_state, e.body, e.at \
         FROM concern_events e JOIN concerns c ON c.id = e.concern_id \
         WHERE c.ward_id = $1 AND c.cell_id = $2 AND c.household_id = $3 \
         ORDER BY e.at, e.id",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(household_id)
    .fetch_all(pool)
    .await?;
    let mut steps_of: HashMap<i64, Vec<ConcernStep>> = HashMap::new();
    for s in steps {
        steps_of.entry(s.concern_id).or_default().push(ConcernStep {
            step: s.step,
            to_state: ConcernState::parse(&s.to_state).unwrap_or(ConcernState::Raised),
            body: s.body,
            on: vn_date(s.at),
        });
    }
    let concerns: Vec<ConcernThread> = concern_rows
        .into_iter()
        .map(|c| ConcernThread {
            steps: steps_of.remove(&c.id).unwrap_or_default(),
            id: c.id,
            category: ConcernCategory::parse(&c.category).unwrap_or(ConcernCategory::Other),
            body: c.body,
            urgency: Urgency::parse(&c.urgency).unwrap_or(Urgency::Normal),
            state: ConcernState::parse(&c.state).unwrap_or(ConcernState::Raised),
            raised_on: c.raised_on,
            member_name: c.member_name,
        })
        .collect();

    let mut timeline: Vec<TimelineEntry> = Vec::new();
    for v in &visits {
        timeline.push(TimelineEntry::Visit(VisitEntry {
            id: v.id,
            visited_on: v.visited_on,
            kind: VisitKind::parse(&v.kind).unwrap_or(VisitKind::Home),
            member_id: v.member_id,
            member_name: v.member_name.clone(),
            topics: codes_from_stored(&v.topics)
                .into_iter()
                .map(|code| {
                    names
                        .get(code.as_str())
                        .map_or(code.clone(), |n| n.to_string())
                })
                .collect(),
            note: v.note.clone(),
            mediation: v.mediation,
            hot_spot: v.hot_spot,
            feedback: v.feedback.clone(),
            feedback_rating: v.feedback_rating,
            concerns: v.concerns,
        }));
    }
    for c in &concerns {
        for (i, s) in c.steps.iter().enumerate() {
            timeline.push(TimelineEntry::Concern {
                on: if i == 0 { c.raised_on } else { s.on },
                concern_id: c.id,
                category: c.category,
                text: if i == 0 {
                    c.body.clone()
                } else {
                    s.body.clone()
                },
                step: s.step.clone(),
                state: s.to_state,
            });
        }
    }
    for a in crate::features::org::repo::household_history(pool, household_id).await? {
        if let Some(end) = a.ended_at {
            timeline.push(TimelineEntry::Responsibility {
                on: vn_date(end),
                member_id: a.member_id,
                member_name: a.member_name.clone(),
                started: false,
                reason: String::new(),
            });
        }
        timeline.push(TimelineEntry::Responsibility {
            on: vn_date(a.started_at),
            member_id: a.member_id,
            member_name: a.member_name,
            started: true,
            reason: a.reason,
        });
    }
    sort_timeline(&mut timeline);
    let truncated = visits.len() > TIMELINE_LIMIT || timeline.len() > TIMELINE_LIMIT;
    timeline.truncate(TIMELINE_LIMIT);

    Ok(Some(HouseholdVisits {
        today,
        can_log,
        campaigns: campaigns
            .into_iter()
            .filter(|c| running_for(c, cell.cell_id, today))
            .map(|c| Campaign {
                code: c.code,
                name: c.name,
            })
            .collect(),
        hot_spot,
        need: Need::of(last_visit, today),
        concerns,
        timeline,
        truncated,
    }))
}

#[derive(sqlx::FromRow)]
struct QuietDb {
    id: i64,
    full_name: String,
    status: String,
    households: i64,
    last_visit: Option<NaiveDate>,
}

/// A cell's visit coverage: this month, members gone quiet, and month by month.
pub async fn cell_coverage(
    pool: &Pool,
    cell: &CellScope,
    today: NaiveDate,
) -> sqlx::Result<CellCoverage> {
    let first_day = month_start(today, COVERAGE_MONTHS as u32 - 1);

    let spans: Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT household_id, started_at, ended_at FROM assignments \
         WHERE ward_id = $1 AND cell_id = $2 AND household_id IS NOT NULL",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let spans: Vec<Span> = spans
        .into_iter()
        .map(|(household_id, from, to)| Span {
            household_id,
            from: vn_date(from),
            to: to.map(vn_date),
        })
        .collect();

    let visits: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT household_id, visited_on FROM visits \
         WHERE ward_id = $1 AND cell_id = $2 AND visited_on >= $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(first_day)
    .fetch_all(pool)
    .await?;
    let raised: Vec<NaiveDate> = sqlx::query_scalar(
        "SELECT raised_on FROM concerns WHERE ward_id = $1 AND cell_id = $2 AND raised_on >= $3",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .bind(first_day)
    .fetch_all(pool)
    .await?;
    let months = month_by_month(today, COVERAGE_MONTHS, &spans, &visits, &raised);

    let now: Vec<Option<NaiveDate>> = sqlx::query_scalar(
        "SELECT (SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = a.household_id) \
         FROM assignments a \
         WHERE a.ward_id = $1 AND a.cell_id = $2 AND a.ended_at IS NULL AND a.household_id IS NOT NULL",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let never_visited = now.iter().filter(|d| d.is_none()).count() as i64;
    let overdue = now
        .iter()
        .filter(|d| matches!(Need::of(**d, today), Need::Overdue { .. }))
        .count() as i64;

    let members: Vec<QuietDb> = sqlx::query_as(
        "SELECT m.id, m.full_name, m.status, COUNT(a.id) AS households, \
           (SELECT MAX(v.visited_on) FROM visits v WHERE v.ward_id = m.ward_id AND v.member_id = m.id) AS last_visit \
         FROM members m JOIN assignments a ON a.member_id = m.id AND a.ward_id = m.ward_id \
           AND a.ended_at IS NULL AND a.household_id IS NOT NULL \
         WHERE m.ward_id = $1 AND m.cell_id = $2 \
         GROUP BY m.id, m.full_name, m.status",
    )
    .bind(cell.ward_id)
    .bind(cell.cell_id)
    .fetch_all(pool)
    .await?;
    let mut quiet_members: Vec<QuietMember> = members
        .into_iter()
        .filter(|m| is_quiet(m.last_visit, today))
        .map(|m| QuietMember {
            id: m.id,
            full_name: m.full_name,
            status: MemberStatus::parse(&m.status).unwrap_or(MemberStatus::Active),
            households: m.households,
            last_visit: m.last_visit,
        })
        .collect();
    // Never visited first, then the longest silence; then by name.
    quiet_members.sort_by(|a, b| {
        a.last_visit
            .cmp(&b.last_visit)
            .then_with(|| a.full_name.cmp(&b.full_name))
    });

    let this_month = months.first().cloned();
    Ok(CellCoverage {
        today,
        due: this_month.as_ref().map_or(0, |m| m.due),
        visited: this_month.as_ref().map_or(0, |m| m.visited),
        never_visited,
        overdue,
        quiet_members,
        months,
    })
}

/// The demo ward's campaigns: the four the articles name for the ward, and one of cell 1.
pub async fn seed_demo_campaigns(
    tx: &mut Tx<'_>,
    ward_id: i64,
    first_cell: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let today = vn_date(now);
    let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today);
    // (cell, code, title, from, until)
    type Campaign<'a> = (Option<i64>, &'a str, &'a str, NaiveDate, Option<NaiveDate>);
    let rows: [Campaign; 6] = [
        (
            None,
            "new_rural_area",
            "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
            year_start,
            None,
        ),
        (
            None,
            "cultured_family",
            "Gia đình văn hóa, tổ dân phố văn hóa",
            year_start,
            None,
        ),
        (
            None,
            "crime_prevention",
            "Phòng chống tội phạm, tệ nạn xã hội",
            year_start,
            None,
        ),
        (
            None,
            "civilised_urban",
            "Nếp sống văn minh đô thị",
            year_start,
            None,
        ),
        (
            first_cell,
            "online_fraud",
            "Cảnh giác lừa đảo qua mạng",
            today - chrono::Duration::days(45),
            Some(today + chrono::Duration::days(60)),
        ),
        // Ended: its code stays readable on old visits but it is no longer offered.
        (
            None,
            "flood_season",
            "Phòng chống lụt bão mùa mưa",
            today - chrono::Duration::days(200),
            Some(today - chrono::Duration::days(90)),
        ),
    ];
    let mut qb = QueryBuilder::<Db>::new(
        "INSERT INTO campaigns (ward_id, cell_id, code, name, starts_on, ends_on, position, created_at) ",
    );
    qb.push_values(rows.iter().enumerate(), |mut b, (i, r)| {
        b.push_bind(ward_id)
            .push_bind(r.0)
            .push_bind(r.1)
            .push_bind(r.2)
            .push_bind(r.3)
            .push_bind(r.4)
            .push_bind(i as i64)
            .push_bind(now);
    });
    qb.build().execute(&mut **tx).await?;
    Ok(())
}
