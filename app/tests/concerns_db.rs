//! Database tests of concerns: their clocks, the steps of their life, the ward's calendar,
//! and the figures the committee reads. Each test runs on a fresh SQLite file with the demo
//! ward.

use app::demo;
use app::error::{AppError, Problem};
use app::features::concerns::model::*;
use app::features::concerns::repo::{self, NewConcern, NewFile, StepInput};
use app::server::db::{self, Pool};
use app::server::scope::CellScope;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The day the demo ward is made for: Sunday 22 November 2026.
fn today() -> NaiveDate {
    d(2026, 11, 22)
}

/// Noon of a day in Vietnam: the instant a step is taken "on" that day.
fn noon(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    app::core::clock::at_vn_time(day, chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap())
}

async fn seeded() -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.sqlite", dir.path().display());
    let pool = db::open_and_migrate(&url).await.unwrap();
    demo::seed_if_empty(&pool, today()).await.unwrap().unwrap();
    (dir, pool)
}

async fn scalar(pool: &Pool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn cell_scope(pool: &Pool, n: i64) -> CellScope {
    let (id, ward_id, path, name): (i64, i64, String, String) = sqlx::query_as(
        "SELECT id, ward_id, path, name FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1 OFFSET $1",
    )
    .bind(n)
    .fetch_one(pool)
    .await
    .unwrap();
    CellScope {
        cell_id: id,
        ward_id,
        path,
        name,
        ward_name: String::new(),
        can_write: true,
    }
}

async fn user(pool: &Pool, username: &str) -> i64 {
    scalar(
        pool,
        &format!("SELECT id FROM users WHERE username = '{username}'"),
    )
    .await
}

/// A household of the cell that someone looks after, and that member.
async fn looked_after(pool: &Pool, cell: &CellScope) -> (i64, i64) {
    sqlx::query_as(
        "SELECT household_id, member_id FROM assignments WHERE cell_id = $1 AND ended_at IS NULL \
         AND household_id IS NOT NULL ORDER BY household_id LIMIT 1",
    )
    .bind(cell.cell_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn raise(pool: &Pool, cell: &CellScope, urgency: Urgency, raised_on: NaiveDate) -> i64 {
    let (household, member) = looked_after(pool, cell).await;
    repo::raise(
        pool,
        cell,
        &NewConcern {
            household_id: household,
            member_id: Some(member),
            client_id: format!("test-{}-{raised_on}", urgency.code()),
            category: Category::Infrastructure,
            urgency,
            body: "Đèn đường đầu ngõ hỏng đã hai tuần.".into(),
            raised_on,
            user_id: user(pool, "committee").await,
            at: noon(raised_on),
        },
    )
    .await
    .unwrap()
}

fn step(step: Step, version: i64, text: &str) -> StepInput {
    StepInput {
        step,
        version,
        text: text.into(),
        target: None,
        on_day: None,
        file: None,
        meeting_id: None,
    }
}

const MEMBER: Actor = Actor {
    responsible_member: true,
    cell_writer: false,
    committee: false,
};
const SECRETARY: Actor = Actor {
    responsible_member: false,
    cell_writer: true,
    committee: false,
};
const COMMITTEE: Actor = Actor {
    responsible_member: false,
    cell_writer: true,
    committee: true,
};

async fn due_of(pool: &Pool, id: i64) -> (String, Option<NaiveDate>, Option<NaiveDate>) {
    sqlx::query_as("SELECT state, state_since, due_on FROM concerns WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_has_a_calendar_and_every_concern_a_clock() {
    let (_dir, pool) = seeded().await;
    // Tết 2026 (16–20 February) and National Day are days off in the demo ward.
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM holidays WHERE day >= '2026-02-16' AND day <= '2026-02-20' AND kind = 'off'"
        )
        .await,
        5
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM concerns WHERE state_since IS NULL"
        )
        .await,
        0
    );
    // Every concern that waits for someone has a deadline; the others none.
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM concerns WHERE state IN ('raised', 'reported', 'answered_by_cell', \
             'referred_to_committee', 'referred_outside', 'answered_in_writing') AND due_on IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM concerns WHERE state IN ('household_informed', 'closed') AND due_on IS NOT NULL"
        )
        .await,
        0
    );
    // Each step taken from a state that waited for someone knows the deadline it answered.
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM concern_events WHERE on_day IS NULL OR (step <> 'raise' \
             AND from_state NOT IN ('household_informed', 'closed') AND due_on IS NULL)"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_concern_travels_to_a_written_answer_and_back_to_the_household() {
    let (_dir, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let member1 = user(&pool, "member1").await;
    let secretary = user(&pool, "secretary1").await;
    let committee = user(&pool, "committee").await;
    // Raised on Friday 20 November: the report to the cell is due two working days later,
    // Tuesday 24 November (the weekend does not count).
    let friday = d(2026, 11, 20);
    let id = raise(&pool, &cell, Urgency::Normal, friday).await;
    assert_eq!(
        due_of(&pool, id).await,
        ("raised".into(), Some(friday), Some(d(2026, 11, 24)))
    );

    // The member reports it on Monday 23rd: the cell has five working days.
    let monday = d(2026, 11, 23);
    let v = repo::take_step(
        &pool,
        &cell,
        id,
        member1,
        MEMBER,
        &step(Step::Report, 1, ""),
        noon(monday),
    )
    .await
    .unwrap();
    assert_eq!(v, 2);
    assert_eq!(
        due_of(&pool, id).await,
        ("reported".into(), Some(monday), Some(d(2026, 11, 30)))
    );

    // The member may not refer it: that is the cell's step.
    let refused = repo::take_step(
        &pool,
        &cell,
        id,
        member1,
        MEMBER,
        &step(Step::Refer, 2, ""),
        noon(monday),
    )
    .await
    .unwrap_err();
    assert_eq!(refused, AppError::Forbidden);

    // A stale version is a conflict, and a step from the wrong state is refused.
    let stale = repo::take_step(
        &pool,
        &cell,
        id,
        secretary,
        SECRETARY,
        &step(Step::Refer, 1, ""),
        noon(monday),
    )
    .await
    .unwrap_err();
    assert_eq!(stale, AppError::Conflict);
    let wrong = repo::take_step(
        &pool,
        &cell,
        id,
        secretary,
        SECRETARY,
        &step(Step::Inform, 2, ""),
        noon(monday),
    )
    .await
    .unwrap_err();
    assert_eq!(wrong, AppError::invalid("step", Problem::UnknownChoice));

    // The secretary refers it to the committee: fifteen working days for a written answer.
    let tuesday = d(2026, 11, 24);
    repo::take_step(
        &pool,
        &cell,
        id,
        secretary,
        SECRETARY,
        &step(Step::Refer, 2, "Vượt thẩm quyền."),
        noon(tuesday),
    )
    .await
    .unwrap();
    assert_eq!(due_of(&pool, id).await.2, Some(d(2026, 12, 15)));

    // Only the committee answers in writing; the secretary cannot.
    let mut written = step(
        Step::AnswerInWriting,
        3,
        "Đã giao phường sửa đèn trong tuần.",
    );
    assert_eq!(
        repo::take_step(
            &pool,
            &cell,
            id,
            secretary,
            SECRETARY,
            &written,
            noon(tuesday)
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    );
    written.file = Some(NewFile {
        name: "cong-van.pdf".into(),
        kind: FileKind::Pdf,
        bytes: b"%PDF-1.7 demo".to_vec(),
    });
    let answered_on = d(2026, 12, 1);
    repo::take_step(
        &pool,
        &cell,
        id,
        committee,
        COMMITTEE,
        &written,
        noon(answered_on),
    )
    .await
    .unwrap();
    assert_eq!(
        scalar(
            &pool,
            &format!("SELECT COUNT(*) FROM concern_files WHERE concern_id = {id}")
        )
        .await,
        1
    );

    // The member tells the household, dated the day it happened.
    let mut inform = step(Step::Inform, 4, "Đã báo ông Hùng.");
    inform.on_day = Some(d(2026, 11, 30));
    assert!(
        matches!(
            repo::take_step(
                &pool,
                &cell,
                id,
                member1,
                MEMBER,
                &inform,
                noon(d(2026, 12, 2))
            )
            .await,
            Err(AppError::Invalid { .. })
        ),
        "before the answer it carries"
    );
    inform.on_day = Some(d(2026, 12, 2));
    repo::take_step(
        &pool,
        &cell,
        id,
        member1,
        MEMBER,
        &inform,
        noon(d(2026, 12, 2)),
    )
    .await
    .unwrap();
    let (state, _, due) = due_of(&pool, id).await;
    assert_eq!((state.as_str(), due), ("household_informed", None));
    let informed: Option<NaiveDate> =
        sqlx::query_scalar("SELECT informed_on FROM concerns WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(informed, Some(d(2026, 12, 2)));

    // Every step was on time against the deadline of the state it left, and audited.
    let steps: Vec<(String, Option<NaiveDate>, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT step, on_day, due_on FROM concern_events WHERE concern_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        ["raise", "report", "refer", "answer_in_writing", "inform"]
    );
    for (name, on, due) in &steps[1..] {
        assert!(on <= due, "{name} on {on:?}, due {due:?}");
    }
    assert_eq!(
        scalar(
            &pool,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'concern' AND entity_id = {id}"
            )
        )
        .await,
        5
    );
    let detail = repo::detail(&pool, &cell, id, SECRETARY, d(2026, 12, 2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.events.len(), 5);
    assert_eq!(detail.events[3].files.len(), 1);
    assert_eq!(detail.steps, vec![Step::Close, Step::Reopen]);
}

#[tokio::test]
async fn urgent_concerns_and_days_off_move_the_deadline() {
    let (_dir, pool) = seeded().await;
    let cell = cell_scope(&pool, 1).await;
    let friday = d(2026, 11, 20);
    let urgent = raise(&pool, &cell, Urgency::Urgent, friday).await;
    assert_eq!(due_of(&pool, urgent).await.2, Some(d(2026, 11, 23)));
    let normal = raise(&pool, &cell, Urgency::Normal, friday).await;
    assert_eq!(due_of(&pool, normal).await.2, Some(d(2026, 11, 24)));

    // The committee gives Monday 23rd off: open deadlines move by a working day.
    let committee = user(&pool, "committee").await;
    repo::add_day(
        &pool,
        cell.ward_id,
        committee,
        d(2026, 11, 23),
        DayKind::Off,
        "Nghỉ bù",
        noon(today()),
    )
    .await
    .unwrap();
    assert_eq!(due_of(&pool, urgent).await.2, Some(d(2026, 11, 24)));
    assert_eq!(due_of(&pool, normal).await.2, Some(d(2026, 11, 25)));
    // A day already in the calendar is a conflict.
    assert_eq!(
        repo::add_day(
            &pool,
            cell.ward_id,
            committee,
            d(2026, 11, 23),
            DayKind::Off,
            "x",
            noon(today())
        )
        .await
        .unwrap_err(),
        AppError::Conflict
    );

    // Longer deadlines for the member's report move them again.
    let mut rules = Deadlines::default();
    rules.allowances[0].normal = 4;
    repo::set_deadlines(&pool, cell.ward_id, committee, &rules, noon(today()))
        .await
        .unwrap();
    assert_eq!(due_of(&pool, normal).await.2, Some(d(2026, 11, 27)));
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('add_holiday', 'set_deadlines')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_resent_form_stores_one_concern() {
    let (_dir, pool) = seeded().await;
    let cell = cell_scope(&pool, 0).await;
    let first = raise(&pool, &cell, Urgency::Normal, today()).await;
    let again = raise(&pool, &cell, Urgency::Normal, today()).await;
    assert_eq!(first, again);
    assert_eq!(
        scalar(
            &pool,
            &format!("SELECT COUNT(*) FROM concern_events WHERE concern_id = {first}")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_inbox_and_on_time_rates_match_the_steps() {
    let (_dir, pool) = seeded().await;
    let cell = cell_scope(&pool, 2).await;
    let secretary = user(&pool, "secretary3").await;
    let ward = cell.ward_id;
    let before = repo::inbox(&pool, ward, "", true, today()).await.unwrap();
    let referred_before = before.referred.len();
    let cell_before = before
        .cells
        .iter()
        .find(|c| c.cell_id == cell.cell_id)
        .unwrap()
        .on_time;

    // Raised on Monday 2 November, reported a day late (due Wednesday 4th, reported Thursday
    // 5th), then referred on time.
    let id = raise(&pool, &cell, Urgency::Normal, d(2026, 11, 2)).await;
    repo::take_step(
        &pool,
        &cell,
        id,
        secretary,
        SECRETARY,
        &step(Step::Report, 1, ""),
        noon(d(2026, 11, 5)),
    )
    .await
    .unwrap();
    repo::take_step(
        &pool,
        &cell,
        id,
        secretary,
        SECRETARY,
        &step(Step::Refer, 2, ""),
        noon(d(2026, 11, 6)),
    )
    .await
    .unwrap();

    let after = repo::inbox(&pool, ward, "", true, today()).await.unwrap();
    assert_eq!(after.referred.len(), referred_before + 1);
    let row = after.referred.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row.clock.due_on, Some(d(2026, 11, 27)));
    assert_eq!(row.clock.days_left, Some(5), "Mon 23 to Fri 27 November");
    let cell_after = after
        .cells
        .iter()
        .find(|c| c.cell_id == cell.cell_id)
        .unwrap()
        .on_time;
    assert_eq!(cell_after.on_time, cell_before.on_time + 1);
    assert_eq!(cell_after.late, cell_before.late + 1);
    // Referred concerns come overdue first.
    let lefts: Vec<i64> = after
        .referred
        .iter()
        .filter_map(|r| r.clock.days_left)
        .collect();
    let mut sorted = lefts.clone();
    sorted.sort();
    assert_eq!(lefts, sorted);
}
