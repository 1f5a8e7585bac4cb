//! HTTP tests of the monthly meeting: the list and the agenda for the cell's readers;
//! opening, attendance, decisions, tasks and closing for its writers; what carries over.

mod common;

use chrono::Datelike;
use common::*;
use http::StatusCode;

fn this_month() -> String {
    let t = common::today();
    format!("{:04}-{:02}", t.year(), t.month())
}

fn next_month() -> (String, String) {
    let t = common::today();
    let (y, m) = if t.month() == 12 {
        (t.year() + 1, 1)
    } else {
        (t.year(), t.month() + 1)
    };
    (format!("{y:04}-{m:02}"), format!("{y:04}-{m:02}-05"))
}

fn open_args(cell: i64, month: &str, held_on: &str) -> Vec<(&'static str, String)> {
    vec![
        ("cell", cell.to_string()),
        ("month", month.to_string()),
        ("held_on", held_on.to_string()),
    ]
}

async fn opened(app: &TestApp, cookie: &str) -> (i64, i64) {
    let cell = app.cell(0).await;
    let res = app
        .call(
            "meetings/open",
            &open_args(cell, &this_month(), &common::today().to_string()),
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    (cell, res.json().as_i64().unwrap())
}

/// member1 raises a concern on a household they look after; (id, version).
async fn raised(app: &TestApp, client_id: &str) -> (i64, i64) {
    let member1 = app.sign_in("member1").await;
    let member = app.member_of("member1").await;
    let household = app
        .id(&format!(
            "SELECT household_id FROM assignments WHERE member_id = {member} AND ended_at IS NULL \
             AND household_id IS NOT NULL ORDER BY household_id LIMIT 1"
        ))
        .await;
    let res = app
        .call(
            "concerns/raise",
            &[
                ("household", household.to_string()),
                ("category", "environment".into()),
                ("urgency", "normal".into()),
                ("body", format!("Rác thải ứ đọng đầu ngõ ({client_id}).")),
                ("client_id", client_id.into()),
            ],
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    (res.json().as_i64().unwrap(), 1)
}

fn decide_args(
    meeting: i64,
    concern: (i64, i64),
    decision: &str,
    text: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("meeting", meeting.to_string()),
        ("concern", concern.0.to_string()),
        ("version", concern.1.to_string()),
        ("decision", decision.to_string()),
        ("text", text.to_string()),
    ]
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.id(sql).await
}

#[tokio::test]
async fn every_meeting_function_refuses_strangers() {
    let app = app().await;
    let cell = app.cell(0).await;
    let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("meetings/list", vec![("cell", cell.to_string())]),
        (
            "meetings/agenda",
            vec![("cell", cell.to_string()), ("month", this_month())],
        ),
        (
            "meetings/open",
            open_args(cell, &this_month(), "2026-11-20"),
        ),
        (
            "meetings/head",
            vec![
                ("meeting", "1".into()),
                ("version", "1".into()),
                ("held_on", "2026-11-20".into()),
                ("chair", String::new()),
                ("recorder", String::new()),
                ("notes", String::new()),
            ],
        ),
        ("meetings/attendance", vec![("meeting", "1".into())]),
        ("meetings/decide", decide_args(1, (1, 1), "refer", "")),
        (
            "meetings/task",
            vec![("meeting", "1".into()), ("body", "x".into())],
        ),
        (
            "meetings/task_done",
            vec![("item", "1".into()), ("done", "true".into())],
        ),
        ("meetings/close", vec![("meeting", "1".into())]),
    ];
    for (endpoint, args) in calls {
        let res = app.call(endpoint, &args, None).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            res.body
        );
    }
}

#[tokio::test]
async fn only_the_cells_readers_see_and_only_its_writers_record() {
    let app = app().await;
    let secretary1 = app.sign_in("secretary1").await;
    let (cell, meeting) = opened(&app, &secretary1).await;
    let member1 = app.sign_in("member1").await;
    let secretary2 = app.sign_in("secretary2").await;
    let viewer = app.sign_in("viewer").await;
    let month = this_month();

    // A member, and another cell's secretary, see nothing of the cell's meetings.
    for who in [&member1, &secretary2] {
        for (endpoint, args) in [
            ("meetings/list", vec![("cell", cell.to_string())]),
            (
                "meetings/agenda",
                vec![("cell", cell.to_string()), ("month", month.clone())],
            ),
        ] {
            let res = app.call(endpoint, &args, Some(who)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
        }
    }
    // The viewer reads, and cannot record.
    let res = app
        .call(
            "meetings/agenda",
            &[("cell", cell.to_string()), ("month", month.clone())],
            Some(&viewer),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["can_write"], false);
    let concern = raised(&app, "meeting-rights-1").await;
    let writes: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "meetings/open",
            open_args(cell, &next_month().0, &next_month().1),
        ),
        (
            "meetings/attendance",
            vec![("meeting", meeting.to_string())],
        ),
        (
            "meetings/decide",
            decide_args(meeting, concern, "refer", ""),
        ),
        (
            "meetings/task",
            vec![("meeting", meeting.to_string()), ("body", "Sửa đèn".into())],
        ),
        ("meetings/close", vec![("meeting", meeting.to_string())]),
    ];
    for who in [&viewer, &member1, &secretary2] {
        for (endpoint, args) in &writes {
            let res = app.call(endpoint, args, Some(who)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{endpoint}: {}",
                res.body
            );
        }
    }
    // Unknown meetings answer like meetings out of scope.
    let res = app
        .call(
            "meetings/close",
            &[("meeting", "999999".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM meetings WHERE status = 'open'").await,
        1,
        "nothing but the first meeting (the demo's past ones are closed)"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM meeting_items").await, 0);
}

#[tokio::test]
async fn bad_input_names_its_field_and_changes_nothing() {
    let app = app().await;
    let secretary1 = app.sign_in("secretary1").await;
    let cell = app.cell(0).await;
    for (args, field) in [
        (open_args(cell, "2026-13", "2026-11-20"), "month"),
        (open_args(cell, &this_month(), "20/11/2026"), "held_on"),
        (open_args(cell, &this_month(), "1999-01-01"), "held_on"),
    ] {
        let res = app.call("meetings/open", &args, Some(&secretary1)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field);
    }
    let res = app
        .call(
            "meetings/agenda",
            &[("cell", cell.to_string()), ("month", "november".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM meetings WHERE status = 'open'").await,
        0
    );

    let (_, meeting) = opened(&app, &secretary1).await;
    let concern = raised(&app, "meeting-bad-input-1").await;
    for (args, field) in [
        (decide_args(meeting, concern, "vote", ""), "decision"),
        (decide_args(meeting, concern, "task", "x"), "decision"),
        (decide_args(meeting, concern, "answer", "  "), "text"),
        (decide_args(meeting, concern, "refer_outside", ""), "target"),
    ] {
        let res = app.call("meetings/decide", &args, Some(&secretary1)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field);
    }
    let res = app
        .call(
            "meetings/task",
            &[("meeting", meeting.to_string()), ("body", " ".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.json()["Invalid"]["field"], "body");
    // A member of another cell on the attendance list.
    let stranger = app.member_of("secretary2").await;
    let res = app
        .call(
            "meetings/attendance",
            &[
                ("meeting", meeting.to_string()),
                ("rows[0][member]", stranger.to_string()),
                ("rows[0][present]", "1".into()),
            ],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "member");
    // A member listed twice: refused by name, nothing stored.
    let own = app.member_of("member1").await;
    let listed = format!("SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = {meeting}");
    let before = app.id(&listed).await;
    let res = app
        .call(
            "meetings/attendance",
            &[
                ("meeting", meeting.to_string()),
                ("rows[0][member]", own.to_string()),
                ("rows[0][present]", "1".into()),
                ("rows[1][member]", own.to_string()),
            ],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["Invalid"]["field"], "member");
    assert_eq!(res.json()["Invalid"]["problem"], "Duplicate");
    assert_eq!(app.id(&listed).await, before);
    // A meeting day outside its month.
    let res = app
        .call(
            "meetings/head",
            &[
                ("meeting", meeting.to_string()),
                ("version", "1".into()),
                ("held_on", "1999-01-01".into()),
                ("chair", "x".into()),
                ("recorder", "y".into()),
                ("notes", String::new()),
            ],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.json()["Invalid"]["field"], "held_on");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM meeting_items").await, 0);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = {meeting}")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT version FROM concerns WHERE id = {}", concern.0)
        )
        .await,
        concern.1
    );
}

#[tokio::test]
async fn a_meeting_records_and_carries_over() {
    let app = app().await;
    let secretary1 = app.sign_in("secretary1").await;
    let (cell, meeting) = opened(&app, &secretary1).await;
    // Opening the same month again answers the same meeting.
    let again = app
        .call(
            "meetings/open",
            &open_args(cell, &this_month(), &common::today().to_string()),
            Some(&secretary1),
        )
        .await;
    assert_eq!(again.json().as_i64(), Some(meeting));

    // Head and attendance.
    let res = app
        .call(
            "meetings/head",
            &[
                ("meeting", meeting.to_string()),
                ("version", "1".into()),
                ("held_on", common::today().to_string()),
                ("chair", "Nguyễn Văn Bình".into()),
                ("recorder", "Trần Thị Hoa".into()),
                ("notes", "Họp tại nhà văn hóa tổ dân phố.".into()),
            ],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let agenda = app
        .call(
            "meetings/agenda",
            &[("cell", cell.to_string()), ("month", this_month())],
            Some(&secretary1),
        )
        .await
        .json();
    let listed: Vec<i64> = agenda["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["member_id"].as_i64().unwrap())
        .collect();
    assert!(listed.len() >= 3);
    let mut args = vec![("meeting", meeting.to_string())];
    for (i, m) in listed.iter().enumerate() {
        args.push((leak(format!("rows[{i}][member]")), m.to_string()));
        if i < 2 {
            args.push((leak(format!("rows[{i}][present]")), "1".into()));
        }
    }
    let res = app
        .call("meetings/attendance", &args, Some(&secretary1))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json().as_i64(), Some(2));
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = {meeting}")
        )
        .await,
        listed.len() as i64
    );

    // A raised concern answered on the spot: reported, then answered, both by the meeting.
    let answered = raised(&app, "meeting-answered-1").await;
    let res = app
        .call(
            "meetings/decide",
            &decide_args(
                meeting,
                answered,
                "answer",
                "Chi bộ đã đề nghị tổ dân phố sửa đèn.",
            ),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM concerns WHERE id = {} AND state = 'answered_by_cell'",
                answered.0
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM concern_events WHERE concern_id = {} AND meeting_id = {meeting} \
                 AND step IN ('report', 'answer')",
                answered.0
            )
        )
        .await,
        2
    );
    // The same concern, at its old version, cannot be decided twice.
    let res = app
        .call(
            "meetings/decide",
            &decide_args(meeting, answered, "refer", ""),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // Referred, referred outside, put off.
    let referred = raised(&app, "meeting-referred-1").await;
    let member1 = app.sign_in("member1").await;
    let res = app
        .call(
            "concerns/step",
            &[
                ("concern", referred.0.to_string()),
                ("step", "report".into()),
                ("version", "1".into()),
                ("text", String::new()),
            ],
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let referred = (referred.0, 2);
    let res = app
        .call(
            "meetings/decide",
            &decide_args(meeting, referred, "refer", ""),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let outside = raised(&app, "meeting-outside-1").await;
    let mut args = decide_args(
        meeting,
        outside,
        "refer_outside",
        "Đề nghị Hội Cựu chiến binh hòa giải.",
    );
    args.push(("target", "veterans_association".into()));
    let res = app.call("meetings/decide", &args, Some(&secretary1)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let deferred = raised(&app, "meeting-deferred-1").await;
    let res = app
        .call(
            "meetings/decide",
            &decide_args(meeting, deferred, "defer", "Chờ ý kiến tổ trưởng."),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM concerns WHERE id = {} AND state = 'raised'",
                deferred.0
            )
        )
        .await,
        1,
        "putting off takes no step"
    );

    // Two tasks; one done.
    let mut tasks = vec![];
    for body in [
        "Rà soát hộ chưa có người phụ trách",
        "Chuẩn bị sơ kết 6 tháng",
    ] {
        let res = app
            .call(
                "meetings/task",
                &[("meeting", meeting.to_string()), ("body", body.into())],
                Some(&secretary1),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        tasks.push(res.json().as_i64().unwrap());
    }
    let res = app
        .call(
            "meetings/task_done",
            &[("item", tasks[1].to_string()), ("done", "true".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let agenda = app
        .call(
            "meetings/agenda",
            &[("cell", cell.to_string()), ("month", this_month())],
            Some(&secretary1),
        )
        .await
        .json();
    assert_eq!(agenda["items"].as_array().unwrap().len(), 6);
    assert_eq!(agenda["meeting"]["chair"], "Nguyễn Văn Bình");
    let ids: Vec<i64> = agenda["relay"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&answered.0), "the answer waits to be relayed");

    // Closed: nothing more changes.
    let res = app
        .call(
            "meetings/close",
            &[("meeting", meeting.to_string())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let res = app
        .call(
            "meetings/task",
            &[("meeting", meeting.to_string()), ("body", "Muộn".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = app
        .call(
            "meetings/task_done",
            &[("item", tasks[0].to_string()), ("done", "true".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // Next month's meeting brings back the unfinished task and the concern put off.
    let (month, held_on) = next_month();
    let res = app
        .call(
            "meetings/open",
            &open_args(cell, &month, &held_on),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let next = res.json().as_i64().unwrap();
    let carried: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT decision, concern_id FROM meeting_items WHERE meeting_id = $1 AND carried_from IS NOT NULL ORDER BY id",
    )
    .bind(next)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        carried,
        vec![
            ("defer".to_string(), Some(deferred.0)),
            ("task".to_string(), None)
        ]
    );
    let list = app
        .call(
            "meetings/list",
            &[("cell", cell.to_string())],
            Some(&secretary1),
        )
        .await
        .json();
    let meetings = list["meetings"].as_array().unwrap();
    // The two opened here, newest first, after the demo's past months.
    let seeded = i64::from(chrono::Datelike::month(&common::today())) - 1;
    assert_eq!(meetings.len() as i64, seeded + 2);
    assert_eq!(meetings[1]["present"], 2);
    assert_eq!(meetings[1]["decisions"], 4);
    assert_eq!(meetings[1]["status"], "Closed");
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}
