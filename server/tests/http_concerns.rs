//! HTTP tests of concerns: raising, every step with its role, the committee's written
//! answer with a file, the board, the inbox, hot spots and the ward's calendar. Every
//! server function is checked for strangers, other members' households, other cells, bad
//! input and the happy path.

mod common;

use axum::body::Body;
use common::*;
use http::{Request, StatusCode, header};
use tower::ServiceExt;

/// A household the member looks after now.
async fn own_household(app: &TestApp, username: &str) -> i64 {
    let member = app.member_of(username).await;
    app.id(&format!(
        "SELECT household_id FROM assignments WHERE member_id = {member} AND ended_at IS NULL \
         AND household_id IS NOT NULL ORDER BY household_id LIMIT 1"
    ))
    .await
}

/// A household of the given cell (by position).
async fn household_of_cell(app: &TestApp, n: i64) -> i64 {
    let cell = app.cell(n).await;
    app.id(&format!(
        "SELECT household_id FROM assignments WHERE cell_id = {cell} AND ended_at IS NULL \
         AND household_id IS NOT NULL ORDER BY household_id LIMIT 1"
    ))
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.id(sql).await
}

fn raise_args(household: i64, client_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("household", household.to_string()),
        ("category", "infrastructure".into()),
        ("urgency", "normal".into()),
        ("body", "Đèn đường đầu ngõ hỏng đã hai tuần.".into()),
        ("client_id", client_id.into()),
    ]
}

/// member1 raises a concern on their own household; its id.
async fn raised_by_member1(app: &TestApp, client_id: &str) -> i64 {
    let cookie = app.sign_in("member1").await;
    let household = own_household(app, "member1").await;
    let res = app
        .call(
            "concerns/raise",
            &raise_args(household, client_id),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json().as_i64().unwrap()
}

async fn version(app: &TestApp, concern: i64) -> i64 {
    app.id(&format!(
        "SELECT version FROM concerns WHERE id = {concern}"
    ))
    .await
}

async fn state(app: &TestApp, concern: i64) -> String {
    sqlx::query_scalar("SELECT state FROM concerns WHERE id = $1")
        .bind(concern)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn step_args(concern: i64, step: &str, version: i64, text: &str) -> Vec<(&'static str, String)> {
    vec![
        ("concern", concern.to_string()),
        ("step", step.into()),
        ("version", version.to_string()),
        ("text", text.into()),
    ]
}

const BOUNDARY: &str = "----ganbo-test-boundary";

/// A multipart body with text fields and an optional file.
fn multipart(fields: &[(&str, String)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn written_answer(
    app: &TestApp,
    concern: i64,
    version: i64,
    text: &str,
    file: Option<(&str, &[u8])>,
    cookie: Option<&str>,
) -> Answer {
    let body = multipart(
        &[
            ("concern", concern.to_string()),
            ("version", version.to_string()),
            ("text", text.to_string()),
        ],
        file,
    );
    let mut req = Request::post("/api/concerns/answer_in_writing")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    read(res).await
}

async fn get_file(app: &TestApp, file: i64, cookie: Option<&str>) -> Answer {
    let mut req = Request::get(format!("/files/concerns/{file}"));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    read(res).await
}

#[tokio::test]
async fn every_concern_function_refuses_strangers() {
    let app = app().await;
    let cell = app.cell(0).await;
    let ward = app
        .id("SELECT ward_id FROM org_units WHERE kind = 'cell' LIMIT 1")
        .await;
    let household = household_of_cell(&app, 0).await;
    let concern = app.id("SELECT id FROM concerns ORDER BY id LIMIT 1").await;
    let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("concerns/raise", raise_args(household, "stranger-0001")),
        ("concerns/step", step_args(concern, "report", 1, "")),
        ("concerns/get", vec![("concern", concern.to_string())]),
        ("concerns/mine", vec![]),
        ("concerns/board", vec![("cell", cell.to_string())]),
        ("concerns/inbox", vec![("ward", ward.to_string())]),
        ("concerns/hot_spots", vec![("cell", cell.to_string())]),
        (
            "concerns/calendar",
            vec![("ward", ward.to_string()), ("year", "2026".into())],
        ),
        (
            "concerns/add_day",
            vec![
                ("ward", ward.to_string()),
                ("day", "2026-12-24".into()),
                ("kind", "off".into()),
                ("name", "x".into()),
            ],
        ),
        (
            "concerns/remove_day",
            vec![("ward", ward.to_string()), ("id", "1".into())],
        ),
        (
            "concerns/fill_year",
            vec![("ward", ward.to_string()), ("year", "2027".into())],
        ),
        (
            "concerns/set_deadlines",
            vec![
                ("ward", ward.to_string()),
                ("allowances[0][state]", "raised".into()),
                ("allowances[0][normal]", "2".into()),
                ("allowances[0][urgent]", "1".into()),
            ],
        ),
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
    let res = written_answer(&app, concern, 1, "x", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(
        get_file(&app, 1, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_member_raises_on_their_own_households_only() {
    let app = app().await;
    let before = count(&app, "SELECT COUNT(*) FROM concerns").await;
    let member1 = app.sign_in("member1").await;
    let mine = own_household(&app, "member1").await;
    let theirs = own_household(&app, "member2").await;
    let other_cell = household_of_cell(&app, 1).await;

    // Another member's household, another cell's household: refused, nothing stored.
    for household in [theirs, other_cell] {
        let res = app
            .call(
                "concerns/raise",
                &raise_args(household, "refused-0001"),
                Some(&member1),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    }
    let secretary2 = app.sign_in("secretary2").await;
    let res = app
        .call(
            "concerns/raise",
            &raise_args(mine, "refused-0002"),
            Some(&secretary2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let viewer = app.sign_in("viewer").await;
    let res = app
        .call(
            "concerns/raise",
            &raise_args(mine, "refused-0003"),
            Some(&viewer),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Bad input names its field and stores nothing.
    let cases: [(&str, usize, String); 5] = [
        ("category", 1, "weather".into()),
        ("urgency", 2, "soon".into()),
        ("body", 3, "   ".into()),
        ("body", 3, "ă".repeat(MAX_BODY_PLUS_ONE)),
        ("client_id", 4, "bad id!".into()),
    ];
    for (field, i, value) in cases {
        let mut args = raise_args(mine, "bad-input-0001");
        args[i].1 = value;
        let res = app.call("concerns/raise", &args, Some(&member1)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field, "{}", res.body);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM concerns").await, before);

    // The happy path: raised, with the member, its clock started and an audit row; a
    // resend of the same form stores nothing more.
    let res = app
        .call(
            "concerns/raise",
            &raise_args(mine, "happy-000001"),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = res.json().as_i64().unwrap();
    let again = app
        .call(
            "concerns/raise",
            &raise_args(mine, "happy-000001"),
            Some(&member1),
        )
        .await;
    assert_eq!(again.json().as_i64(), Some(id));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM concerns").await,
        before + 1
    );
    let m1 = app.member_of("member1").await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM concerns WHERE id = {id} AND member_id = {m1} AND state = 'raised' \
                 AND due_on IS NOT NULL AND household_id = {mine}"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'raise_concern' AND entity_id = {id}"
            )
        )
        .await,
        1
    );

    // The cell's secretary raises for a household of the cell: the member who looks
    // after it carries it.
    let secretary1 = app.sign_in("secretary1").await;
    let res = app
        .call(
            "concerns/raise",
            &raise_args(theirs, "secretary-0001"),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = res.json().as_i64().unwrap();
    let m2 = app.member_of("member2").await;
    assert_eq!(
        app.id(&format!("SELECT member_id FROM concerns WHERE id = {id}"))
            .await,
        m2
    );
}

const MAX_BODY_PLUS_ONE: usize = app::features::concerns::model::MAX_BODY + 1;

#[tokio::test]
async fn each_step_belongs_to_its_role() {
    let app = app().await;
    let id = raised_by_member1(&app, "steps-000001").await;
    let member1 = app.sign_in("member1").await;
    let member2 = app.sign_in("member2").await;
    let secretary1 = app.sign_in("secretary1").await;
    let secretary2 = app.sign_in("secretary2").await;
    let viewer = app.sign_in("viewer").await;
    let committee = app.sign_in("committee").await;

    // Nobody else reports member1's concern: another member, another cell, the viewer.
    for who in [&member2, &secretary2, &viewer] {
        let res = app
            .call("concerns/step", &step_args(id, "report", 1, ""), Some(who))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    }
    // An unknown concern answers like one out of scope.
    let res = app
        .call(
            "concerns/step",
            &step_args(999_999, "report", 1, ""),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Bad input: an unknown step, a stale version.
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "teleport", 1, ""),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "step");
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "report", 7, ""),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(state(&app, id).await, "raised");

    // member1 reports it.
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "report", 1, ""),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json().as_i64(), Some(2));

    // The member cannot refer it; the secretary of another cell cannot; the secretary can.
    for who in [&member1, &secretary2] {
        let res = app
            .call("concerns/step", &step_args(id, "refer", 2, ""), Some(who))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    }
    // Referring outside needs the body it goes to.
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "refer_outside", 2, "Hội Phụ nữ"),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "target");
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "refer", 2, "Vượt thẩm quyền chi bộ."),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(state(&app, id).await, "referred_to_committee");

    // Only the committee answers in writing: not the cell's secretary, not the member.
    for who in [&secretary1, &member1, &viewer] {
        let res = written_answer(&app, id, 3, "Đã có văn bản.", None, Some(who)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    }
    // Nor through the plain step.
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "answer_in_writing", 3, "x"),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // A file that is not a PDF or an image, or one too big, is refused: nothing changes.
    let res = written_answer(
        &app,
        id,
        3,
        "Văn bản.",
        Some(("a.pdf", b"MZ\x90\x00 not a pdf")),
        Some(&committee),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["Invalid"]["field"], "file");
    let big = vec![b'%'; app::features::concerns::model::MAX_FILE_BYTES + 10];
    let res = written_answer(
        &app,
        id,
        3,
        "Văn bản.",
        Some(("big.pdf", &big)),
        Some(&committee),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["Invalid"]["field"], "file");
    let res = written_answer(&app, id, 3, "  ", None, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "text");
    assert_eq!(state(&app, id).await, "referred_to_committee");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM concern_files").await, 0);

    // The committee answers with a PDF named like a program: stored as the PDF it is.
    let pdf = b"%PDF-1.7\n% Cong van tra loi\n";
    let res = written_answer(
        &app,
        id,
        3,
        "UBND phường đã giao sửa đèn trong tuần.",
        Some(("../Công văn 12.exe", pdf)),
        Some(&committee),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(state(&app, id).await, "answered_in_writing");
    let file = app
        .id("SELECT id FROM concern_files ORDER BY id DESC LIMIT 1")
        .await;

    // The file goes to those who may read the concern, as a download, and to nobody else.
    let got = get_file(&app, file, Some(&member1)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = got.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains(".pdf"), "{disposition}");
    assert!(!disposition.contains(".exe"), "{disposition}");
    assert_eq!(got.headers["x-content-type-options"], "nosniff");
    assert_eq!(got.body.as_bytes(), pdf);
    for who in [&member2, &secretary2] {
        assert_eq!(
            get_file(&app, file, Some(who)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        get_file(&app, 999_999, Some(&member1)).await.status,
        StatusCode::FORBIDDEN
    );

    // member1 tells the household: a day before the answer, or in the future, is refused.
    let v = version(&app, id).await;
    let mut args = step_args(id, "inform", v, "Đã báo gia đình.");
    args.push(("on_day", "2020-01-01".into()));
    let res = app.call("concerns/step", &args, Some(&member1)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "on_day");
    args.pop();
    args.push(("on_day", "22/11/2026".into()));
    let res = app.call("concerns/step", &args, Some(&member1)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    args.pop();
    args.push(("on_day", common::today().to_string()));
    let res = app.call("concerns/step", &args, Some(&member2)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app.call("concerns/step", &args, Some(&member1)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(state(&app, id).await, "household_informed");

    // The member cannot close or reopen; the secretary closes.
    let v = version(&app, id).await;
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "close", v, ""),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "close", v, ""),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Reopening needs its reason.
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "reopen", v + 1, ""),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "text");
    let res = app
        .call(
            "concerns/step",
            &step_args(id, "reopen", v + 1, "Gia đình báo đèn lại hỏng."),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(state(&app, id).await, "reported");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM concern_events WHERE concern_id = {id}")
        )
        .await,
        7
    );
}

#[tokio::test]
async fn a_concern_page_is_for_its_member_and_its_cells_readers() {
    let app = app().await;
    let id = raised_by_member1(&app, "detail-00001").await;
    for (user, status) in [
        ("member1", StatusCode::OK),
        ("secretary1", StatusCode::OK),
        ("committee", StatusCode::OK),
        ("viewer", StatusCode::OK),
        ("member2", StatusCode::FORBIDDEN),
        ("secretary2", StatusCode::FORBIDDEN),
    ] {
        let cookie = app.sign_in(user).await;
        let res = app
            .call(
                "concerns/get",
                &[("concern", id.to_string())],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, status, "{user}: {}", res.body);
        if status == StatusCode::OK {
            let d = res.json();
            assert_eq!(d["concern"]["id"], id);
            assert_eq!(d["concern"]["state"], "Raised");
            let steps = d["steps"].as_array().unwrap().len();
            let expected = if user == "viewer" { 0 } else { 1 };
            assert_eq!(steps, expected, "{user}: {}", d["steps"]);
        }
    }
    let member1 = app.sign_in("member1").await;
    let res = app
        .call(
            "concerns/get",
            &[("concern", "999999".into())],
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call("concerns/get", &[("concern", "abc".into())], Some(&member1))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // My concerns: member1 sees it, member2 does not.
    let res = app.call("concerns/mine", &[], Some(&member1)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.json().as_array().unwrap().iter().any(|c| c["id"] == id));
    let member2 = app.sign_in("member2").await;
    let res = app.call("concerns/mine", &[], Some(&member2)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.json().as_array().unwrap().iter().any(|c| c["id"] == id));
    // Someone who is not a member follows nothing.
    let committee = app.sign_in("committee").await;
    let res = app.call("concerns/mine", &[], Some(&committee)).await;
    assert_eq!(res.json().as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_board_and_hot_spots_are_for_the_cells_readers() {
    let app = app().await;
    let cell0 = app.cell(0).await;
    let cell1 = app.cell(1).await;
    let secretary1 = app.sign_in("secretary1").await;
    let member1 = app.sign_in("member1").await;
    for endpoint in ["concerns/board", "concerns/hot_spots"] {
        let res = app
            .call(endpoint, &[("cell", cell1.to_string())], Some(&secretary1))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
        let res = app
            .call(endpoint, &[("cell", cell0.to_string())], Some(&member1))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
        let res = app
            .call(endpoint, &[("cell", "999999".into())], Some(&secretary1))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    let res = app
        .call(
            "concerns/board",
            &[("cell", cell0.to_string()), ("category", "weather".into())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "category");

    // The board holds every concern of the cell in its column, and only the cell's.
    let res = app
        .call(
            "concerns/board",
            &[("cell", cell0.to_string())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let board = res.json();
    let on_board: usize = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1].as_array().unwrap().len())
        .sum();
    let expected = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM concerns WHERE cell_id = {cell0} AND (state <> 'closed' \
             OR state_since >= '{}')",
            common::today() - chrono::Duration::days(30)
        ),
    )
    .await;
    assert_eq!(on_board as i64, expected);
    assert!(board["can_write"].as_bool().unwrap());
    // Filtered by category, every card has it.
    let res = app
        .call(
            "concerns/board",
            &[("cell", cell0.to_string()), ("category", "security".into())],
            Some(&secretary1),
        )
        .await;
    for column in res.json()["columns"].as_array().unwrap() {
        for card in column[1].as_array().unwrap() {
            assert_eq!(card["category"], "Security");
        }
    }

    let res = app
        .call(
            "concerns/hot_spots",
            &[("cell", cell0.to_string())],
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let flagged = count(
        &app,
        &format!("SELECT COUNT(*) FROM households WHERE cell_id = {cell0} AND hot_spot > 0"),
    )
    .await;
    let shown_flagged = res.json()["households"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["hot_spot"].as_i64().unwrap() > 0)
        .count();
    assert_eq!(shown_flagged as i64, flagged);
}

#[tokio::test]
async fn the_inbox_and_calendar_belong_to_the_ward() {
    let app = app().await;
    let ward = app
        .id("SELECT ward_id FROM org_units WHERE kind = 'cell' LIMIT 1")
        .await;
    let committee = app.sign_in("committee").await;
    let viewer = app.sign_in("viewer").await;
    let secretary1 = app.sign_in("secretary1").await;
    let member1 = app.sign_in("member1").await;
    for endpoint in ["concerns/inbox", "concerns/calendar"] {
        let args = vec![("ward", ward.to_string()), ("year", "2026".into())];
        for who in [&secretary1, &member1] {
            let res = app.call(endpoint, &args, Some(who)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
        }
        let res = app
            .call(
                endpoint,
                &[("ward", "999999".into()), ("year", "2026".into())],
                Some(&committee),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    // The inbox: every referred concern of the ward; the viewer reads, only the committee answers.
    let res = app
        .call(
            "concerns/inbox",
            &[("ward", ward.to_string())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let inbox = res.json();
    let referred = count(
        &app,
        &format!("SELECT COUNT(*) FROM concerns WHERE ward_id = {ward} AND state = 'referred_to_committee'"),
    )
    .await;
    assert!(referred > 0);
    assert_eq!(inbox["referred"].as_array().unwrap().len() as i64, referred);
    assert_eq!(inbox["can_answer"], true);
    assert_eq!(inbox["cells"].as_array().unwrap().len(), 3);
    let res = app
        .call(
            "concerns/inbox",
            &[("ward", ward.to_string())],
            Some(&viewer),
        )
        .await;
    assert_eq!(res.json()["can_answer"], false);

    // The calendar: read by the viewer; bad years refused.
    let res = app
        .call(
            "concerns/calendar",
            &[
                ("ward", ward.to_string()),
                ("year", this_year().to_string()),
            ],
            Some(&viewer),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["can_edit"], false);
    assert!(res.json()["days"].as_array().unwrap().len() >= 10);
    let res = app
        .call(
            "concerns/calendar",
            &[("ward", ward.to_string()), ("year", "1800".into())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "year");
}

#[tokio::test]
async fn only_the_committee_edits_the_calendar_and_deadlines() {
    let app = app().await;
    let ward = app
        .id("SELECT ward_id FROM org_units WHERE kind = 'cell' LIMIT 1")
        .await;
    let committee = app.sign_in("committee").await;
    let viewer = app.sign_in("viewer").await;
    let secretary1 = app.sign_in("secretary1").await;
    let days = || async { count(&app, "SELECT COUNT(*) FROM holidays").await };
    let before = days().await;
    let add = |day: &str, kind: &str, name: &str| {
        vec![
            ("ward", ward.to_string()),
            ("day", day.to_string()),
            ("kind", kind.to_string()),
            ("name", name.to_string()),
        ]
    };
    let deadlines = |raised: &str| {
        let mut args = vec![("ward", ward.to_string())];
        for (i, (state, normal, urgent)) in [
            ("raised", raised, "1"),
            ("reported", "5", "2"),
            ("referred_to_committee", "15", "5"),
            ("referred_outside", "20", "10"),
            ("answered_by_cell", "3", "1"),
            ("answered_in_writing", "3", "1"),
        ]
        .into_iter()
        .enumerate()
        {
            args.push((leak(format!("allowances[{i}][state]")), state.to_string()));
            args.push((leak(format!("allowances[{i}][normal]")), normal.to_string()));
            args.push((leak(format!("allowances[{i}][urgent]")), urgent.to_string()));
        }
        args
    };
    let holiday = app.id("SELECT id FROM holidays ORDER BY id LIMIT 1").await;
    let writes: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("concerns/add_day", add("2026-12-24", "off", "Nghỉ bù")),
        (
            "concerns/remove_day",
            vec![("ward", ward.to_string()), ("id", holiday.to_string())],
        ),
        (
            "concerns/fill_year",
            // A year the demo's calendar (last, this and next year) does not hold yet.
            vec![
                ("ward", ward.to_string()),
                ("year", (this_year() + 2).to_string()),
            ],
        ),
        ("concerns/set_deadlines", deadlines("3")),
    ];
    for (endpoint, args) in &writes {
        for who in [&viewer, &secretary1] {
            let res = app.call(endpoint, args, Some(who)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{endpoint}: {}",
                res.body
            );
        }
    }
    assert_eq!(days().await, before);

    // Bad input names its field.
    for (args, field) in [
        (add("24/12/2026", "off", "x"), "day"),
        (add("2026-12-24", "holiday", "x"), "day_kind"),
        (add("2026-12-24", "off", " "), "name"),
    ] {
        let res = app.call("concerns/add_day", &args, Some(&committee)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field);
    }
    // Days outside the years the app knows are refused, not kept (a year 0 and a 9999
    // once went into the calendar).
    for day in [
        "0000-01-01",
        "1999-12-31",
        "2101-01-01",
        "9999-12-31",
        "+10000-01-01",
    ] {
        let res = app
            .call("concerns/add_day", &add(day, "off", "x"), Some(&committee))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{day}: {}",
            res.body
        );
        let refused = res.json();
        assert_eq!(refused["Invalid"]["field"], "day");
        assert_eq!(
            refused["Invalid"]["problem"]["DateOutOfRange"],
            serde_json::json!({ "earliest": "2000-01-01", "latest": "2100-12-31" })
        );
    }
    let res = app
        .call("concerns/set_deadlines", &deadlines("0"), Some(&committee))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["Invalid"]["field"], "raised");
    let res = app
        .call(
            "concerns/set_deadlines",
            &deadlines("many"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .call(
            "concerns/fill_year",
            &[("ward", ward.to_string()), ("year", "3000".into())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(days().await, before);
    // A holiday of another ward, or unknown, answers as out of scope.
    let res = app
        .call(
            "concerns/remove_day",
            &[("ward", ward.to_string()), ("id", "999999".into())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The committee's happy paths.
    for (endpoint, args) in &writes {
        let res = app.call(endpoint, args, Some(&committee)).await;
        assert_eq!(res.status, StatusCode::OK, "{endpoint}: {}", res.body);
    }
    assert!(days().await > before);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM holidays WHERE day = '2026-12-24' AND kind = 'off'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT normal_days FROM concern_deadlines WHERE state = 'raised'"
        )
        .await,
        3
    );
    let res = app
        .call(
            "concerns/add_day",
            &add("2026-12-24", "off", "Lại"),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

fn this_year() -> i32 {
    chrono::Datelike::year(&common::today())
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[tokio::test]
async fn a_member_who_handed_a_household_over_reads_its_concern_but_the_steps_pass_on() {
    let app = app().await;
    let concern = raised_by_member1(&app, "handover-0001").await;
    let household = own_household(&app, "member1").await;
    let member2 = app.member_of("member2").await;
    // The secretary hands the household to member2.
    let secretary = app.sign_in("secretary1").await;
    let version = app
        .id(&format!(
            "SELECT version FROM households WHERE id = {household}"
        ))
        .await;
    let res = app
        .call_json(
            "board/move",
            serde_json::json!({ "request": {
                "household": household, "to": member2, "version": version, "reason": "Chuyển nhà"
            } }),
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // member1 still reads the concern they raised, to see its answer…
    let member1 = app.sign_in("member1").await;
    let res = app
        .call(
            "concerns/get",
            &[("concern", concern.to_string())],
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // …but no longer reports it: that is member2's step now.
    let res = app
        .call(
            "concerns/step",
            &step_args(concern, "report", 1, ""),
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(state(&app, concern).await, "raised");
    let m2 = app.sign_in("member2").await;
    let res = app
        .call(
            "concerns/step",
            &step_args(concern, "report", 1, ""),
            Some(&m2),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(state(&app, concern).await, "reported");
}

#[tokio::test]
async fn a_member_transferred_out_loses_their_households_at_once() {
    let app = app().await;
    let household = own_household(&app, "member1").await;
    let cookie = app.sign_in("member1").await;
    let res = app
        .call(
            "visits/household",
            &[("household", household.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    // Transferred out (their assignments not yet ended by anyone): nothing of the
    // household is theirs any more, from the next request on.
    let member = app.member_of("member1").await;
    sqlx::query("UPDATE members SET status = 'transferred' WHERE id = $1")
        .bind(member)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app
        .call(
            "visits/household",
            &[("household", household.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = app
        .call(
            "concerns/raise",
            &raise_args(household, "gone-0001"),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let mine = app.call("visits/my_households", &[], Some(&cookie)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(
        mine.json()["households"].as_array().unwrap().len(),
        0,
        "{}",
        mine.body
    );
}
