//! HTTP and database tests of the reviews: who may read each report and record on the
//! ĐV213 sheet, the figures of a cell built by hand (known visits, concerns, meetings),
//! the figures of the demo ward against plain SQL, bad input, and the workbooks.

mod common;

use app::features::reviews::model::{Period, PeriodKind};
use app::server::db::Pool;
use app::server::scope::CellScope;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use common::*;
use http::StatusCode;

fn this_year() -> i32 {
    common::today().year()
}

async fn ward(app: &TestApp) -> i64 {
    app.id("SELECT id FROM org_units WHERE kind = 'commune' ORDER BY id LIMIT 1")
        .await
}

async fn dv213_of(app: &TestApp, cell: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT id FROM members WHERE cell_id = $1 AND kind = 'dv213' AND status <> 'transferred' ORDER BY id",
    )
    .bind(cell)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

fn comment_args(cell: i64, member: i64, version: i64) -> Vec<(&'static str, String)> {
    vec![
        ("cell", cell.to_string()),
        ("member", member.to_string()),
        ("year", this_year().to_string()),
        ("version", version.to_string()),
        (
            "contact",
            "Giữ liên hệ thường xuyên với chi bộ.".to_string(),
        ),
        ("civic", "Gương mẫu nơi cư trú.".to_string()),
        (
            "comment",
            "Đề nghị ghi nhận hoàn thành tốt nhiệm vụ.".to_string(),
        ),
    ]
}

fn meeting_args(
    cell: i64,
    half: i64,
    version: i64,
    held_on: &str,
    present: &[(i64, bool)],
) -> Vec<(&'static str, String)> {
    let mut args = vec![
        ("cell", cell.to_string()),
        ("year", this_year().to_string()),
        ("half", half.to_string()),
        ("version", version.to_string()),
        ("held_on", held_on.to_string()),
        ("topic", "Gặp mặt cuối năm".to_string()),
    ];
    for (i, (m, p)) in present.iter().enumerate() {
        let key: &'static str = Box::leak(format!("rows[{i}][member]").into_boxed_str());
        args.push((key, m.to_string()));
        if *p {
            let key: &'static str = Box::leak(format!("rows[{i}][present]").into_boxed_str());
            args.push((key, "1".to_string()));
        }
    }
    args
}

#[tokio::test]
async fn every_review_function_and_workbook_refuses_strangers_and_other_cells() {
    let app = app().await;
    let cell = app.cell(0).await;
    let other = app.cell(1).await;
    let ward = ward(&app).await;
    let member = dv213_of(&app, cell).await[0];
    let reads = |c: i64| -> Vec<(&'static str, Vec<(&'static str, String)>)> {
        vec![
            (
                "reviews/cell_report",
                vec![("cell", c.to_string()), ("period", String::new())],
            ),
            (
                "reviews/dv213",
                vec![("cell", c.to_string()), ("year", String::new())],
            ),
        ]
    };
    let writes = |c: i64| -> Vec<(&'static str, Vec<(&'static str, String)>)> {
        vec![
            ("reviews/dv213_comment", comment_args(c, member, 0)),
            (
                "reviews/dv213_meeting",
                meeting_args(c, 1, 0, &format!("{}-03-10", this_year()), &[]),
            ),
        ]
    };
    let ward_read = (
        "reviews/ward_report",
        vec![("ward", ward.to_string()), ("period", String::new())],
    );

    // Nobody signed in.
    for (endpoint, args) in reads(cell)
        .into_iter()
        .chain(writes(cell))
        .chain([ward_read.clone()])
    {
        let res = app.call(endpoint, &args, None).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            res.body
        );
    }
    for path in [
        format!("/export/reports/cells/{cell}/{}.xlsx", this_year()),
        format!("/export/reports/wards/{ward}/{}.xlsx", this_year()),
    ] {
        let (status, _, _) = download(&app, &path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }

    // A member sees only their own households: no report, no roster, no writing.
    let m = app.sign_in("member1").await;
    for (endpoint, args) in reads(cell)
        .into_iter()
        .chain(writes(cell))
        .chain([ward_read.clone()])
    {
        let res = app.call(endpoint, &args, Some(&m)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "member1 {endpoint}: {}",
            res.body
        );
        assert_eq!(res.json(), serde_json::json!("Forbidden"));
    }

    // A secretary reads and writes their own cell, not another one, nor the ward's report.
    let sec = app.sign_in("secretary1").await;
    for (endpoint, args) in reads(other).into_iter().chain(writes(other)) {
        let res = app.call(endpoint, &args, Some(&sec)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "secretary1 on cell 2 {endpoint}: {}",
            res.body
        );
    }
    // A ĐV213 member of cell 1 named on cell 2's form is refused as well (not found there).
    let res = app
        .call(
            "reviews/dv213_comment",
            &comment_args(cell, dv213_of(&app, other).await[0], 0),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app.call(ward_read.0, &ward_read.1, Some(&sec)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    for (endpoint, args) in reads(cell) {
        let res = app.call(endpoint, &args, Some(&sec)).await;
        assert_eq!(res.status, StatusCode::OK, "{endpoint}: {}", res.body);
    }
    let (status, _, _) = download(
        &app,
        &format!("/export/reports/cells/{other}/{}.xlsx", this_year()),
        Some(&sec),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = download(
        &app,
        &format!("/export/reports/wards/{ward}/{}.xlsx", this_year()),
        Some(&sec),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The viewer reads the whole ward but records nothing.
    let viewer = app.sign_in("viewer").await;
    let res = app.call(ward_read.0, &ward_read.1, Some(&viewer)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for (endpoint, args) in writes(cell) {
        let res = app.call(endpoint, &args, Some(&viewer)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "viewer {endpoint}: {}",
            res.body
        );
    }
    let stored: i64 = app.id("SELECT COUNT(*) FROM dv213_comments").await;
    assert_eq!(stored, 0, "no refused call stored a sheet");

    // The committee reads the ward and records for any of its cells.
    let committee = app.sign_in("committee").await;
    let res = app.call(ward_read.0, &ward_read.1, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK);
    let res = app
        .call(
            "reviews/dv213_comment",
            &comment_args(other, dv213_of(&app, other).await[0], 0),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

#[tokio::test]
async fn report_pages_render_for_readers_and_refuse_others() {
    let app = app().await;
    let cell = app.cell(0).await;
    let other = app.cell(1).await;
    let ward = ward(&app).await;
    let sec = app.sign_in("secretary1").await;
    let page = app
        .page(&format!("/cells/{cell}/reports"), Some(&sec))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<svg"),
        "the chart is drawn on the server"
    );
    assert!(
        page.body.contains("report-members"),
        "the members' table is there"
    );
    let page = app
        .page(
            &format!("/cells/{cell}/reports/members?period={}", this_year()),
            Some(&sec),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("PHIẾU MINH CHỨNG"));
    let page = app
        .page(&format!("/cells/{cell}/reports/dv213"), Some(&sec))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("PHIẾU NHẬN XÉT"));
    let page = app
        .page(&format!("/cells/{other}/reports"), Some(&sec))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = app
        .page(&format!("/wards/{ward}/reports"), Some(&sec))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let committee = app.sign_in("committee").await;
    let page = app
        .page(&format!("/wards/{ward}/reports"), Some(&committee))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Chi bộ Tổ dân phố số 3"));
}

#[tokio::test]
async fn bad_periods_and_sheets_are_refused_in_vietnamese_and_change_nothing() {
    let app = app().await;
    let cell = app.cell(0).await;
    let sec = app.sign_in("secretary1").await;
    for (period, field) in [("abc", "period"), ("2026-h2", "period"), ("1999", "period")] {
        let res = app
            .call(
                "reviews/cell_report",
                &[("cell", cell.to_string()), ("period", period.to_string())],
                Some(&sec),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{period}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field);
    }
    let future = format!("{}", this_year() + 1);
    let res = app
        .call(
            "reviews/cell_report",
            &[("cell", cell.to_string()), ("period", future.clone())],
            Some(&sec),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a period not begun"
    );
    let (status, _, _) = download(
        &app,
        &format!("/export/reports/cells/{cell}/{future}.xlsx"),
        Some(&sec),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let member = dv213_of(&app, cell).await[0];
    let mut args = comment_args(cell, member, 0);
    args.retain(|(k, _)| *k != "contact");
    args.push(("contact", "   ".to_string()));
    let res = app.call("reviews/dv213_comment", &args, Some(&sec)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "contact");
    let mut args = comment_args(cell, member, 0);
    args.retain(|(k, _)| *k != "comment");
    args.push(("comment", "x".repeat(2001)));
    let res = app.call("reviews/dv213_comment", &args, Some(&sec)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A resident member is not on the ĐV213 roster.
    let resident = app.member_of("member1").await;
    let res = app
        .call(
            "reviews/dv213_comment",
            &comment_args(cell, resident, 0),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "member");
    assert_eq!(app.id("SELECT COUNT(*) FROM dv213_comments").await, 0);

    // A meeting dated outside its half-year, or for a third half, stores nothing.
    let before = app.id("SELECT COUNT(*) FROM dv213_meetings").await;
    let y = this_year();
    for (half, day) in [
        (1, format!("{y}-07-02")),
        (3, format!("{y}-03-01")),
        (1, "hôm qua".to_string()),
    ] {
        let res = app
            .call(
                "reviews/dv213_meeting",
                &meeting_args(cell, half, 0, &day, &[]),
                Some(&sec),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{half} {day}: {}",
            res.body
        );
    }
    // Attendance naming someone not on the roster rolls the whole meeting back.
    let res = app
        .call(
            "reviews/dv213_meeting",
            &meeting_args(cell, 1, 0, &format!("{y}-03-01"), &[(resident, true)]),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.id("SELECT COUNT(*) FROM dv213_meetings").await, before);
    // A ĐV213 member listed twice is refused by name, and nothing is stored.
    let on_roster = dv213_of(&app, cell).await[0];
    let res = app
        .call(
            "reviews/dv213_meeting",
            &meeting_args(
                cell,
                1,
                0,
                &format!("{y}-01-02"),
                &[(on_roster, true), (on_roster, false)],
            ),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["Invalid"]["problem"], "Duplicate");
    assert_eq!(app.id("SELECT COUNT(*) FROM dv213_meetings").await, before);
}

#[tokio::test]
async fn the_dv213_sheet_is_prefilled_then_saved_once_per_version() {
    let app = app().await;
    let cell = app.cell(0).await;
    let sec = app.sign_in("secretary1").await;
    let roster = dv213_of(&app, cell).await;
    assert!(roster.len() >= 2, "the demo cell has ĐV213 members");
    let res = app
        .call(
            "reviews/dv213",
            &[("cell", cell.to_string()), ("year", String::new())],
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let sheet = res.json();
    let first = &sheet["roster"][0];
    assert_eq!(first["comment"]["version"], 0, "not saved yet");
    assert!(
        first["comment"]["contact"]
            .as_str()
            .unwrap()
            .contains("buổi gặp mặt"),
        "prefilled from the record: {}",
        first["comment"]["contact"]
    );
    let member = first["member_id"].as_i64().unwrap();

    let res = app
        .call(
            "reviews/dv213_comment",
            &comment_args(cell, member, 0),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), 1);
    // The same form sent again (a double click, a second secretary) is a conflict.
    let res = app
        .call(
            "reviews/dv213_comment",
            &comment_args(cell, member, 0),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = app
        .call(
            "reviews/dv213_comment",
            &comment_args(cell, member, 1),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM dv213_comments WHERE member_id = {member}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'save_dv213_comment'")
            .await,
        2
    );

    // Both meetings: the first half's, then the second's, with who came.
    let y = this_year();
    let today = common::today();
    let day2 = if today.month() >= 7 {
        today
    } else {
        today.with_month(1).unwrap()
    };
    let half2 = if today.month() >= 7 { 2 } else { 1 };
    let present: Vec<(i64, bool)> = roster
        .iter()
        .enumerate()
        .map(|(i, m)| (*m, i != 0))
        .collect();
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT version FROM dv213_meetings WHERE cell_id = $1 AND year = $2 AND half = $3",
    )
    .bind(cell)
    .bind(y)
    .bind(half2)
    .fetch_optional(&app.pool)
    .await
    .unwrap();
    let res = app
        .call(
            "reviews/dv213_meeting",
            &meeting_args(
                cell,
                half2,
                existing.unwrap_or(0),
                &day2.to_string(),
                &present,
            ),
            Some(&sec),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .call(
            "reviews/dv213",
            &[("cell", cell.to_string()), ("year", y.to_string())],
            Some(&sec),
        )
        .await;
    let sheet = res.json();
    let idx = (half2 - 1) as usize;
    assert_eq!(sheet["meetings"][idx]["held_on"], day2.to_string());
    let rows = sheet["roster"].as_array().unwrap();
    let absent: Vec<i64> = rows
        .iter()
        .filter(|r| r["attended"][idx] == false)
        .map(|r| r["member_id"].as_i64().unwrap())
        .collect();
    assert_eq!(absent, vec![roster[0]]);

    // The workbook carries the roster and the saved comment.
    let (status, _, bytes) = download(
        &app,
        &format!("/export/reports/cells/{cell}/dv213-{y}.xlsx"),
        Some(&sec),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Đảng viên 213").unwrap();
    assert_eq!(range.height(), roster.len() + 1);
    let saved = range.rows().any(|r| {
        r.iter()
            .any(|c| c == &Data::String("Đề nghị ghi nhận hoàn thành tốt nhiệm vụ.".into()))
    });
    assert!(saved, "the saved comment is in the workbook");
}

// ---------------------------------------------------------------------------------------
// Figures on a cell built by hand.

async fn exec(pool: &Pool, sql: &str) {
    sqlx::query(sql).execute(pool).await.unwrap();
}

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 3, 0, 0).unwrap()
}

/// A ward with one cell: two members (Ánh looks after households 1 and 2, Bình after 3
/// from April, when household 2 ends), known visits, concerns and meetings in 2026.
async fn small_cell(pool: &Pool) -> CellScope {
    let now = "2026-01-01T00:00:00Z";
    exec(pool, &format!("INSERT INTO org_units (id, parent_id, ward_id, kind, name, code, path, created_at) VALUES \
        (1, NULL, 1, 'commune', 'Phường Thử', 'W', '/1/', '{now}'), \
        (2, 1, 1, 'cell', 'Chi bộ Thử', 'C', '/1/2/', '{now}')")).await;
    exec(pool, &format!("INSERT INTO members (id, ward_id, cell_id, full_name, search_key, gender, status, kind, created_at, updated_at) VALUES \
        (1, 1, 2, 'Nguyễn Thị Ánh', 'nguyen thi anh', 'female', 'active', 'resident', '{now}', '{now}'), \
        (2, 1, 2, 'Trần Văn Bình', 'tran van binh', 'male', 'active', 'resident', '{now}', '{now}'), \
        (3, 1, 2, 'Lê Văn Cũ', 'le van cu', 'male', 'exempt', 'resident', '{now}', '{now}')")).await;
    exec(pool, &format!("INSERT INTO households (id, ward_id, cell_id, area, head_name, search_key, created_at, updated_at) VALUES \
        (1, 1, 2, 'TDP 1', 'Hộ Một', 'ho mot', '{now}', '{now}'), \
        (2, 1, 2, 'TDP 1', 'Hộ Hai', 'ho hai', '{now}', '{now}'), \
        (3, 1, 2, 'TDP 1', 'Hộ Ba', 'ho ba', '{now}', '{now}')")).await;
    for (member, household, from, to) in [
        (1, 1, at(2025, 6, 1), None),
        (1, 2, at(2025, 6, 1), Some(at(2026, 3, 31))),
        (2, 3, at(2026, 4, 1), None),
    ] {
        sqlx::query("INSERT INTO assignments (ward_id, cell_id, member_id, household_id, mode, started_at, ended_at) VALUES (1, 2, $1, $2, 'regular', $3, $4)")
            .bind(member).bind(household).bind(from).bind(to)
            .execute(pool).await.unwrap();
    }
    // Ánh: household 1 in Jan, Feb (twice), Apr; household 2 in Mar. Bình: household 3 in May.
    for (i, (member, household, day, rating, feedback)) in [
        (1, 1, "2026-01-10", Some(5), "Đồng chí rất nhiệt tình"),
        (1, 1, "2026-02-03", None, ""),
        (1, 1, "2026-02-25", Some(4), ""),
        (1, 2, "2026-03-15", Some(4), "Đến đúng hẹn"),
        (1, 1, "2026-04-20", None, ""),
        (2, 3, "2026-05-05", Some(5), ""),
        (1, 1, "2026-07-02", Some(1), "ngoài kỳ"),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query("INSERT INTO visits (ward_id, cell_id, household_id, member_id, client_id, visited_on, kind, feedback, feedback_rating, created_at) \
                     VALUES (1, 2, $1, $2, $3, $4, 'home', $5, $6, $7)")
            .bind(household).bind(member).bind(format!("v{i}")).bind(day).bind(feedback).bind(rating).bind(now)
            .execute(pool).await.unwrap();
    }
    // Concerns: two by Ánh (one told to the household, one waiting at the committee), one
    // by Bình raised after the half-year.
    for (id, member, raised, state, due) in [
        (1, 1, "2026-02-03", "household_informed", None),
        (
            2,
            1,
            "2026-06-20",
            "referred_to_committee",
            Some("2026-06-25"),
        ),
        (3, 2, "2026-08-01", "raised", Some("2026-08-05")),
    ] {
        sqlx::query("INSERT INTO concerns (id, ward_id, cell_id, household_id, member_id, category, body, urgency, state, raised_on, due_on, created_at, updated_at) \
                     VALUES ($1, 1, 2, 1, $2, 'other', 'Nội dung', 'normal', $3, $4, $5, $6, $6)")
            .bind(id).bind(member).bind(state).bind(raised).bind(due).bind(now)
            .execute(pool).await.unwrap();
    }
    // One step on time, one late, in the half-year.
    for (concern, on_day, due_on) in [
        (1, "2026-02-05", "2026-02-10"),
        (1, "2026-02-20", "2026-02-12"),
    ] {
        sqlx::query("INSERT INTO concern_events (ward_id, concern_id, step, to_state, at, on_day, due_on) VALUES (1, $1, 'report', 'reported', $2, $3, $4)")
            .bind(concern).bind(now).bind(on_day).bind(due_on)
            .execute(pool).await.unwrap();
    }
    // Two monthly meetings in the half: Ánh at both, Bình at one.
    for (id, month, held) in [(1, "2026-03", "2026-03-05"), (2, "2026-05", "2026-05-05")] {
        sqlx::query("INSERT INTO meetings (id, ward_id, cell_id, month, held_on, status, created_at, updated_at) VALUES ($1, 1, 2, $2, $3, 'closed', $4, $4)")
            .bind(id).bind(month).bind(held).bind(now)
            .execute(pool).await.unwrap();
    }
    exec(
        pool,
        "INSERT INTO meeting_attendance (meeting_id, ward_id, member_id, present) VALUES \
        (1, 1, 1, 1), (1, 1, 2, 0), (2, 1, 1, 1), (2, 1, 2, 1)",
    )
    .await;
    CellScope {
        cell_id: 2,
        ward_id: 1,
        path: "/1/2/".into(),
        name: "Chi bộ Thử".into(),
        ward_name: "Phường Thử".into(),
        can_write: true,
    }
}

#[tokio::test]
async fn a_hand_built_cell_gives_the_figures_counted_by_hand() {
    let app = empty_app().await;
    let scope = small_cell(&app.pool).await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let h1 = Period {
        year: 2026,
        kind: PeriodKind::Half,
    };
    let r = app::features::reviews::repo::cell_report(&app.pool, &scope, h1, today)
        .await
        .unwrap();
    assert_eq!(r.until, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    assert_eq!(r.months.len(), 6);
    assert_eq!(
        (r.months[0].year, r.months[0].month),
        (2026, 1),
        "January first"
    );
    // Due: Jan–Mar households 1 and 2; Apr–Jun households 1 and 3 → 12 household-months.
    assert_eq!(r.coverage.due, 12);
    // Visited: Jan 1, Feb 1, Mar 2, Apr 1, May 3 → 5.
    assert_eq!(r.coverage.visited, 5);
    assert_eq!(r.coverage.rate(), 42);
    assert_eq!(r.coverage.visits, 6);
    assert_eq!(r.coverage.households, 2);
    assert_eq!((r.coverage.reached, r.coverage.looked_after), (3, 3));
    let visits: Vec<i64> = r.months.iter().map(|m| m.visits).collect();
    assert_eq!(visits, vec![1, 2, 1, 1, 1, 0]);
    // Concerns raised in the half: 1 (informed) and 2 (at the committee, overdue).
    assert_eq!(r.concerns.raised, 2);
    assert_eq!(r.concerns.settled(), 1);
    assert_eq!(r.concerns.open(), 1, "concern 3 came after the half");
    assert_eq!(r.concerns.overdue, 1);
    assert_eq!(
        (r.concerns.on_time.on_time, r.concerns.on_time.late),
        (1, 2)
    );
    assert_eq!(r.meetings, 2);
    assert_eq!((r.members, r.assignable_members), (3, 2));

    let anh = r.evidence.iter().find(|e| e.member_id == 1).unwrap();
    // Ánh: household 1 × 6 months, household 2 × 3 months; visited Jan, Feb, Apr (1) + Mar (2).
    assert_eq!((anh.expected, anh.done), (9, 4));
    assert_eq!(anh.visits, 5);
    assert_eq!((anh.households, anh.looked_after), (1, 2));
    assert_eq!((anh.concerns_raised, anh.concerns_followed), (2, 1));
    assert_eq!(
        (anh.ratings, anh.rating_text().as_deref()),
        (3, Some("4,3"))
    );
    assert_eq!(anh.feedback.len(), 2);
    assert_eq!(anh.feedback[0].1, "Đến đúng hẹn", "newest first");
    assert_eq!((anh.meetings_present, anh.meetings_held), (2, 2));
    let binh = r.evidence.iter().find(|e| e.member_id == 2).unwrap();
    assert_eq!((binh.expected, binh.done, binh.visits), (3, 1, 1));
    assert_eq!((binh.meetings_present, binh.meetings_held), (1, 2));
    let cu = r.evidence.iter().find(|e| e.member_id == 3).unwrap();
    assert_eq!((cu.expected, cu.done), (0, 0));

    // The year adds July to November: the July visit and Bình's August concern.
    let year = Period {
        year: 2026,
        kind: PeriodKind::Year,
    };
    let r = app::features::reviews::repo::cell_report(&app.pool, &scope, year, today)
        .await
        .unwrap();
    assert_eq!(r.months.len(), 11);
    assert_eq!(r.coverage.visits, 7);
    assert_eq!(r.concerns.raised, 3);
    // Jul–Nov: households 1 and 3 each month → 12 + 10.
    assert_eq!(r.coverage.due, 22);

    // The ward's report is the sum of its one cell.
    let w = app::features::reviews::repo::ward_report(&app.pool, 1, "Phường Thử", h1, today)
        .await
        .unwrap();
    assert_eq!(w.cells.len(), 1);
    assert_eq!((w.coverage.due, w.coverage.visited), (12, 5));
    assert_eq!(w.concerns.raised, 2);
}

#[tokio::test]
async fn the_demo_wards_report_agrees_with_plain_counts() {
    let app = app().await;
    let committee = app.sign_in("committee").await;
    let ward = ward(&app).await;
    let y = this_year();
    let res = app
        .call(
            "reviews/ward_report",
            &[("ward", ward.to_string()), ("period", y.to_string())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let r = res.json();
    let today = common::today();
    let visits = app
        .id(&format!(
            "SELECT COUNT(*) FROM visits WHERE ward_id = {ward} AND visited_on >= '{y}-01-01' AND visited_on <= '{today}'"
        ))
        .await;
    assert!(visits > 0);
    assert_eq!(r["coverage"]["visits"], visits);
    let raised = app
        .id(&format!(
            "SELECT COUNT(*) FROM concerns WHERE ward_id = {ward} AND raised_on >= '{y}-01-01' AND raised_on <= '{today}'"
        ))
        .await;
    assert_eq!(r["concerns"]["raised"], raised);
    let households = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE ward_id = {ward} AND ended_at IS NULL AND household_id IS NOT NULL"
        ))
        .await;
    assert_eq!(r["coverage"]["households"], households);
    let cells = r["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 3);
    let sum: i64 = cells
        .iter()
        .map(|c| c["coverage"]["visits"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, visits, "the cells add up to the ward");
    let month_visits: i64 = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["visits"].as_i64().unwrap())
        .sum();
    assert_eq!(month_visits, visits, "the months add up to the period");

    // The workbook has the same figures.
    let (status, headers, bytes) = download(
        &app,
        &format!("/export/reports/wards/{ward}/{y}.xlsx"),
        Some(&committee),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Tổng hợp", "Theo tháng", "Kiến nghị", "Theo chi bộ"]
    );
    let summary = wb.worksheet_range("Tổng hợp").unwrap();
    let row = summary
        .rows()
        .find(|r| r[0] == Data::String("Lượt thăm hộ".into()))
        .expect("a visits line");
    assert_eq!(row[1], Data::Float(visits as f64));
    let by_cell = wb.worksheet_range("Theo chi bộ").unwrap();
    assert_eq!(by_cell.height(), 4);
}
