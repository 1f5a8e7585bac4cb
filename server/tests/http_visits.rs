//! HTTP tests of home visits: a member's households, a household's visits, logging a visit
//! (once per phone-made id), and a cell's coverage. Every server function is checked for
//! strangers, other members' households and other cells.

mod common;

use axum::body::Body;
use common::*;
use http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// Today by the server's clock, which visits are checked against.
fn server_today() -> String {
    common::today().to_string()
}

fn quick_visit(client_id: &str, household: i64) -> Vec<(&'static str, String)> {
    vec![
        ("visit[client_id]", client_id.to_string()),
        ("visit[household]", household.to_string()),
        ("visit[visited_on]", server_today()),
        ("visit[kind]", "home".to_string()),
    ]
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.id(sql).await
}

async fn visits_with(app: &TestApp, client_id: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM visits WHERE client_id = '{client_id}'"),
    )
    .await
}

/// A household the member looks after now.
async fn own_household(app: &TestApp, username: &str, n: i64) -> i64 {
    let member = app.member_of(username).await;
    app.id(&format!(
        "SELECT household_id FROM assignments WHERE member_id = {member} AND ended_at IS NULL \
         AND household_id IS NOT NULL ORDER BY household_id LIMIT 1 OFFSET {n}"
    ))
    .await
}

/// A household of the member's cell that someone else looks after.
async fn neighbours_household(app: &TestApp, username: &str) -> i64 {
    let member = app.member_of(username).await;
    let cell = app.cell(0).await;
    app.id(&format!(
        "SELECT a.household_id FROM assignments a WHERE a.cell_id = {cell} AND a.ended_at IS NULL \
         AND a.household_id IS NOT NULL AND a.member_id <> {member} ORDER BY a.household_id LIMIT 1"
    ))
    .await
}

#[tokio::test]
async fn every_visit_function_refuses_strangers() {
    let app = app().await;
    let cell = app.cell(0).await;
    let household = own_household(&app, "member1", 0).await;
    let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("visits/my_households", vec![]),
        (
            "visits/household",
            vec![("household", household.to_string())],
        ),
        ("visits/log_visit", quick_visit("stranger-0001", household)),
        ("visits/cell_coverage", vec![("cell", cell.to_string())]),
    ];
    for (endpoint, args) in calls {
        let res = app.call(endpoint, &args, None).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            res.body
        );
        assert_eq!(res.json(), serde_json::json!("Unauthenticated"));
    }
    assert_eq!(visits_with(&app, "stranger-0001").await, 0);
}

#[tokio::test]
async fn a_member_sees_their_households_most_in_need_first() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let me = app.member_of("member1").await;
    let res = app.call("visits/my_households", &[], Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = res.json();
    assert_eq!(body["today"], server_today());
    let list = body["households"].as_array().unwrap();
    let mut ids: Vec<i64> = list.iter().map(|h| h["id"].as_i64().unwrap()).collect();
    ids.sort();
    let expected: Vec<i64> = sqlx::query_scalar(
        "SELECT household_id FROM assignments WHERE member_id = $1 AND ended_at IS NULL ORDER BY household_id",
    )
    .bind(me)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(ids, expected, "exactly the member's own households");
    assert!(!ids.is_empty());

    // Never visited, then overdue, then due soon, then the rest.
    let rank = |h: &Value| match h["need"].as_str().or_else(|| {
        h["need"]
            .as_object()
            .and_then(|o| o.keys().next().map(String::as_str))
    }) {
        Some("NeverVisited") => 0,
        Some("Overdue") => 1,
        Some("DueSoon") => 2,
        Some("Recent") => 3,
        other => panic!("unknown need {other:?}"),
    };
    let ranks: Vec<i32> = list.iter().map(rank).collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted, "ordered by need");
    // Each card says when the last visit was, and carries the open concerns.
    for h in list {
        let last: Option<String> =
            sqlx::query_scalar("SELECT MAX(visited_on) FROM visits WHERE household_id = $1")
                .bind(h["id"].as_i64().unwrap())
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert_eq!(h["last_visit"].as_str().map(str::to_string), last);
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM concerns WHERE household_id = $1 AND state <> 'closed'",
        )
        .bind(h["id"].as_i64().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(h["concerns"].as_array().unwrap().len() as i64, open);
    }

    // Someone who is not a member has no households.
    let committee = app.sign_in("committee").await;
    let res = app
        .call("visits/my_households", &[], Some(&committee))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["households"], serde_json::json!([]));
}

#[tokio::test]
async fn a_member_logs_a_visit_to_their_own_household_only() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let mine = own_household(&app, "member1", 0).await;
    let before = count(&app, "SELECT COUNT(*) FROM visits").await;

    let res = app
        .call(
            "visits/log_visit",
            &quick_visit("phone-made-0001", mine),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = res.json();
    assert_eq!(v["client_id"], "phone-made-0001");
    assert_eq!(v["household_id"], mine);
    assert_eq!(v["visited_on"], server_today());
    assert_eq!(v["kind"], "Home");
    assert_eq!(v["member_id"], app.member_of("member1").await);
    assert_eq!(visits_with(&app, "phone-made-0001").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'log_visit' AND entity = 'visit'"
        )
        .await,
        1
    );

    // A neighbour's household, member2's household, a household of another cell, an id
    // that does not exist: all refused alike, nothing stored.
    let neighbour = neighbours_household(&app, "member1").await;
    let member2s = own_household(&app, "member2", 0).await;
    let other_cell = app.cell(1).await;
    let foreign = app
        .id(&format!(
            "SELECT id FROM households WHERE cell_id = {other_cell} LIMIT 1"
        ))
        .await;
    for (i, household) in [neighbour, member2s, foreign, 999_999]
        .into_iter()
        .enumerate()
    {
        let id = format!("refused-visit-{i:04}");
        let res = app
            .call(
                "visits/log_visit",
                &quick_visit(&id, household),
                Some(&cookie),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{household}: {}",
            res.body
        );
        assert_eq!(res.json(), serde_json::json!("Forbidden"));
        assert_eq!(visits_with(&app, &id).await, 0);
    }
    // Not even the cell's secretary may log a visit to a household someone else looks after.
    let secretary = app.sign_in("secretary1").await;
    let res = app
        .call(
            "visits/log_visit",
            &quick_visit("secretary-0001", mine),
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Nor the committee, nor the viewer.
    for user in ["committee", "viewer"] {
        let c = app.sign_in(user).await;
        let id = format!("{user}-0001");
        let res = app
            .call("visits/log_visit", &quick_visit(&id, mine), Some(&c))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM visits").await, before + 1);
}

#[tokio::test]
async fn a_resend_or_a_double_tap_stores_one_visit() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let mine = own_household(&app, "member1", 1).await;
    let mut args = quick_visit("double-tap-0001", mine);
    args.push(("visit[concerns][0][category]", "environment".into()));
    args.push((
        "visit[concerns][0][body]",
        "Rác để sai giờ ở đầu ngõ.".into(),
    ));

    let first = app.call("visits/log_visit", &args, Some(&cookie)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = app.call("visits/log_visit", &args, Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        first.json(),
        again.json(),
        "a resend answers like the first send"
    );

    // Two at once, as a double tap on a slow network sends them.
    let mut both = quick_visit("double-tap-0002", mine);
    both.push(("visit[note]", "Hai lần bấm".into()));
    let (a, b) = tokio::join!(
        app.call("visits/log_visit", &both, Some(&cookie)),
        app.call("visits/log_visit", &both, Some(&cookie)),
    );
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert_eq!(a.json()["id"], b.json()["id"]);

    assert_eq!(visits_with(&app, "double-tap-0001").await, 1);
    assert_eq!(visits_with(&app, "double-tap-0002").await, 1);
    let visit = first.json()["id"].as_i64().unwrap();
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM concerns WHERE visit_id = {visit}")
        )
        .await,
        1,
        "the concern is not raised twice either"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'log_visit'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_resend_after_the_household_was_handed_over_still_answers_the_stored_visit() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let mine = own_household(&app, "member1", 2).await;
    let first = app
        .call(
            "visits/log_visit",
            &quick_visit("handed-over-0001", mine),
            Some(&cookie),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);

    // The secretary hands the household to member2.
    let member2 = app.member_of("member2").await;
    sqlx::query(
        "UPDATE assignments SET ended_at = $1 WHERE household_id = $2 AND ended_at IS NULL",
    )
    .bind(common::clock().now())
    .bind(mine)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO assignments (ward_id, cell_id, member_id, household_id, mode, started_at) \
         SELECT ward_id, cell_id, $1, id, 'regular', $2 FROM households WHERE id = $3",
    )
    .bind(member2)
    .bind(common::clock().now())
    .bind(mine)
    .execute(&app.pool)
    .await
    .unwrap();

    let again = app
        .call(
            "visits/log_visit",
            &quick_visit("handed-over-0001", mine),
            Some(&cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json(), first.json());
    // A new visit is refused: the household is member2's now.
    let res = app
        .call(
            "visits/log_visit",
            &quick_visit("handed-over-0002", mine),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Someone else reusing a stored id gets nothing of it.
    let other = app.sign_in("member2").await;
    let res = app
        .call(
            "visits/log_visit",
            &quick_visit("handed-over-0001", mine),
            Some(&other),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(visits_with(&app, "handed-over-0001").await, 1);
    assert_eq!(visits_with(&app, "handed-over-0002").await, 0);
}

#[tokio::test]
async fn a_full_visit_raises_its_concerns_in_one_transaction() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let me = app.member_of("member1").await;
    let mine = own_household(&app, "member1", 3).await;
    let hot_before: i64 = app
        .id(&format!(
            "SELECT hot_spot FROM households WHERE id = {mine}"
        ))
        .await;
    let level = if hot_before == 2 { 3 } else { 2 };
    let mut args = quick_visit("full-visit-0001", mine);
    args[3].1 = "phone".into();
    args.extend([
        ("visit[topics][0]", "cultured_family".to_string()),
        ("visit[topics][2]", "crime_prevention".to_string()),
        (
            "visit[note]",
            "Hỏi thăm sức khỏe bà cụ, động viên con cháu.".to_string(),
        ),
        ("visit[mediation]", "true".to_string()),
        ("visit[hot_spot]", level.to_string()),
        (
            "visit[feedback]",
            "Đảng viên nhiệt tình, gần gũi.".to_string(),
        ),
        ("visit[feedback_rating]", "5".to_string()),
        (
            "visit[concerns][0][client_id]",
            "concern-a-0001".to_string(),
        ),
        ("visit[concerns][0][category]", "infrastructure".to_string()),
        (
            "visit[concerns][0][body]",
            "Đèn đường đầu ngõ hỏng đã hai tuần.".to_string(),
        ),
        ("visit[concerns][0][urgency]", "urgent".to_string()),
        (
            "visit[concerns][1][client_id]",
            "concern-b-0001".to_string(),
        ),
        ("visit[concerns][1][category]", "social_policy".to_string()),
        (
            "visit[concerns][1][body]",
            "Hỏi chế độ trợ cấp người cao tuổi.".to_string(),
        ),
    ]);
    let res = app.call("visits/log_visit", &args, Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = res.json();
    assert_eq!(v["kind"], "Phone");
    assert_eq!(
        v["topics"],
        serde_json::json!(["cultured_family", "crime_prevention"])
    );
    assert_eq!(v["note"], "Hỏi thăm sức khỏe bà cụ, động viên con cháu.");
    assert_eq!(v["mediation"], true);
    assert_eq!(v["hot_spot"], level);
    assert_eq!(v["feedback_rating"], 5);
    assert_eq!(v["concerns"].as_array().unwrap().len(), 2);
    let visit = v["id"].as_i64().unwrap();

    type ConcernRow = (String, String, String, String, i64, i64, i64, String);
    let concerns: Vec<ConcernRow> = sqlx::query_as(
        "SELECT client_id, category, urgency, state, visit_id, household_id, member_id, body \
         FROM concerns WHERE visit_id = $1 ORDER BY id",
    )
    .bind(visit)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(concerns.len(), 2);
    assert_eq!(
        concerns[0],
        (
            "concern-a-0001".into(),
            "infrastructure".into(),
            "urgent".into(),
            "raised".into(),
            visit,
            mine,
            me,
            "Đèn đường đầu ngõ hỏng đã hai tuần.".into()
        )
    );
    assert_eq!(concerns[1].2, "normal");
    let events: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT e.step, e.from_state, e.to_state FROM concern_events e \
         JOIN concerns c ON c.id = e.concern_id WHERE c.visit_id = $1",
    )
    .bind(visit)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![
            ("raise".to_string(), None, "raised".to_string()),
            ("raise".to_string(), None, "raised".to_string())
        ]
    );
    assert_eq!(
        app.id(&format!(
            "SELECT hot_spot FROM households WHERE id = {mine}"
        ))
        .await,
        level,
        "the household is flagged (R11)"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'set_hot_spot' AND entity_id = {mine}"
            )
        )
        .await,
        1
    );

    // The household's page shows the visit and the two concerns.
    let res = app
        .call(
            "visits/household",
            &[("household", mine.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = res.json();
    assert_eq!(page["can_log"], true);
    let timeline = page["timeline"].as_array().unwrap();
    let logged = timeline
        .iter()
        .find(|e| e["Visit"]["id"] == visit)
        .expect("the visit is on the timeline");
    assert_eq!(
        logged["Visit"]["topics"],
        serde_json::json!([
            "Gia đình văn hóa, tổ dân phố văn hóa",
            "Phòng chống tội phạm, tệ nạn xã hội"
        ])
    );
    assert_eq!(logged["Visit"]["concerns"], 2);
    let open: Vec<&str> = page["concerns"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["body"].as_str())
        .collect();
    assert!(open.contains(&"Đèn đường đầu ngõ hỏng đã hai tuần."));
    assert!(open.contains(&"Hỏi chế độ trợ cấp người cao tuổi."));
}

#[tokio::test]
async fn bad_input_is_refused_with_its_field_named_and_nothing_stored() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let mine = own_household(&app, "member1", 0).await;
    let before = count(&app, "SELECT COUNT(*) FROM visits").await;
    let concerns_before = count(&app, "SELECT COUNT(*) FROM concerns").await;
    let tomorrow = (common::today() + chrono::Duration::days(1)).to_string();
    let cases: Vec<(&str, &str, String)> = vec![
        ("client_id", "visit[client_id]", String::new()),
        ("client_id", "visit[client_id]", "short".into()),
        ("visited_on", "visit[visited_on]", "22/11/2026".into()),
        ("visited_on", "visit[visited_on]", tomorrow),
        ("visited_on", "visit[visited_on]", "2020-01-01".into()),
        ("kind", "visit[kind]", "letter".into()),
        ("topics", "visit[topics][0]", "no_such_campaign".into()),
        ("note", "visit[note]", "ư".repeat(2001)),
        ("hot_spot", "visit[hot_spot]", "7".into()),
        ("feedback_rating", "visit[feedback_rating]", "9".into()),
        (
            "concern_category",
            "visit[concerns][0][body]",
            "Thiếu lĩnh vực".into(),
        ),
    ];
    for (field, key, value) in cases {
        let mut args = quick_visit("bad-input-0001", mine);
        match args.iter_mut().find(|(k, _)| *k == key) {
            Some(arg) => arg.1 = value.clone(),
            None => args.push((key, value.clone())),
        }
        let res = app.call("visits/log_visit", &args, Some(&cookie)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} = {value:.20}: {}",
            res.body
        );
        assert_eq!(res.json()["Invalid"]["field"], field, "{}", res.body);
    }
    // A date out of range says which days are allowed.
    let mut args = quick_visit("bad-input-0002", mine);
    args[2].1 = "2020-01-01".into();
    let res = app.call("visits/log_visit", &args, Some(&cookie)).await;
    assert_eq!(
        res.json()["Invalid"]["problem"]["DateOutOfRange"]["latest"],
        server_today()
    );
    // Not a number where one is expected.
    let mut args = quick_visit("bad-input-0003", mine);
    args[1].1 = "abc".into();
    let res = app.call("visits/log_visit", &args, Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);

    assert_eq!(count(&app, "SELECT COUNT(*) FROM visits").await, before);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM concerns").await,
        concerns_before
    );
}

#[tokio::test]
async fn a_households_visits_are_open_to_its_member_and_its_cell_only() {
    let app = app().await;
    let member = app.sign_in("member1").await;
    let mine = own_household(&app, "member1", 0).await;
    let neighbour = neighbours_household(&app, "member1").await;
    let other_cell = app.cell(1).await;
    let foreign = app
        .id(&format!(
            "SELECT id FROM households WHERE cell_id = {other_cell} LIMIT 1"
        ))
        .await;

    let res = app
        .call(
            "visits/household",
            &[("household", mine.to_string())],
            Some(&member),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = res.json();
    assert_eq!(page["can_log"], true);
    assert_eq!(page["today"], server_today());
    let campaigns: Vec<&str> = page["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(campaigns.contains(&"cultured_family"), "{campaigns:?}");
    assert!(
        !campaigns.contains(&"flood_season"),
        "an ended campaign is not offered"
    );
    let visits: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM visits WHERE household_id = {mine}"
        ))
        .await;
    let shown = page["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.get("Visit").is_some())
        .count() as i64;
    assert_eq!(shown, visits);

    for household in [neighbour, foreign, 999_999] {
        let res = app
            .call(
                "visits/household",
                &[("household", household.to_string())],
                Some(&member),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{household}");
    }

    // The cell's secretary reads it, but does not log visits for it.
    let secretary = app.sign_in("secretary1").await;
    let res = app
        .call(
            "visits/household",
            &[("household", neighbour.to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let secretary1 = app.member_of("secretary1").await;
    let looks_after: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE household_id = {neighbour} AND member_id = {secretary1} AND ended_at IS NULL"
        ))
        .await;
    assert_eq!(res.json()["can_log"], looks_after > 0);
    let res = app
        .call(
            "visits/household",
            &[("household", foreign.to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "another cell");
    let res = app
        .call(
            "visits/household",
            &[("household", "abc".to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "request");
}

#[tokio::test]
async fn coverage_is_for_the_cells_readers() {
    let app = app().await;
    let own = app.cell(0).await;
    let other = app.cell(1).await;
    let secretary = app.sign_in("secretary1").await;

    let res = app
        .call(
            "visits/cell_coverage",
            &[("cell", own.to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let c = res.json();
    let months = c["months"].as_array().unwrap();
    assert_eq!(months.len(), 6);
    let assigned = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE cell_id = {own} AND ended_at IS NULL AND household_id IS NOT NULL"
        ))
        .await;
    let due = c["due"].as_i64().unwrap();
    let visited = c["visited"].as_i64().unwrap();
    assert!(due >= assigned, "due {due} < assigned now {assigned}");
    assert!(visited <= due && visited > 0, "{visited} / {due}");
    assert_eq!(months[0]["due"], due);
    let never: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments a WHERE a.cell_id = {own} AND a.ended_at IS NULL \
             AND a.household_id IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = a.household_id)"
        ))
        .await;
    assert_eq!(c["never_visited"], never);
    // Members gone quiet: none of them visited anyone in the last 30 days.
    let cutoff = (common::today() - chrono::Duration::days(30)).to_string();
    for m in c["quiet_members"].as_array().unwrap() {
        let recent = app
            .id(&format!(
                "SELECT COUNT(*) FROM visits WHERE member_id = {} AND visited_on > '{cutoff}'",
                m["id"]
            ))
            .await;
        assert_eq!(recent, 0, "{m}");
    }

    // Another cell, a member, an unknown cell: refused.
    let res = app
        .call(
            "visits/cell_coverage",
            &[("cell", other.to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let member = app.sign_in("member1").await;
    let res = app
        .call(
            "visits/cell_coverage",
            &[("cell", own.to_string())],
            Some(&member),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "visits/cell_coverage",
            &[("cell", "999999".to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "visits/cell_coverage",
            &[("cell", "x".to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The committee and the viewer read every cell.
    for user in ["committee", "viewer"] {
        let c = app.sign_in(user).await;
        let res = app
            .call(
                "visits/cell_coverage",
                &[("cell", other.to_string())],
                Some(&c),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{user}");
    }
}

#[tokio::test]
async fn a_logged_visit_moves_the_household_out_of_need() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let list = app
        .call("visits/my_households", &[], Some(&cookie))
        .await
        .json();
    let first = &list["households"][0];
    let id = first["id"].as_i64().unwrap();
    let res = app
        .call(
            "visits/log_visit",
            &quick_visit("needs-moves-0001", id),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = app
        .call("visits/my_households", &[], Some(&cookie))
        .await
        .json();
    let now = list["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(now["last_visit"], server_today());
    assert_eq!(
        now["need"]["Recent"]["days_since"], 0,
        "visited today: {now}"
    );
}

#[tokio::test]
async fn the_pages_are_server_rendered_for_a_phone() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let res = app.page("/my", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("visit-card"), "cards are rendered");
    assert!(res.body.contains("tel:"), "tap to call");
    assert!(
        res.body.contains("data-offline-banner") && res.body.contains("OfflineKeeper"),
        "the outbox is started on the page"
    );
    assert!(!res.body.contains("/visits.js"), "no script of its own");
    assert!(res.body.contains("manifest.webmanifest"));

    let mine = own_household(&app, "member1", 0).await;
    let res = app
        .page(&format!("/households/{mine}"), Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Đã thăm, không có gì cần báo"));
    assert!(res.body.contains("action=\"/api/visits/log_visit\""));
    assert!(res.body.contains("name=\"visit[client_id]\""));
    assert!(res.body.contains("Dòng thời gian"));

    // The secretary's tab.
    let secretary = app.sign_in("secretary1").await;
    let own = app.cell(0).await;
    let res = app
        .page(&format!("/cells/{own}/visits"), Some(&secretary))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Theo tháng"));
    let other = app.cell(1).await;
    let res = app
        .page(&format!("/cells/{other}/visits"), Some(&secretary))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The offline page needs nobody signed in; the service worker and manifest are served.
    assert_eq!(app.page("/offline", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_plain_form_post_comes_back_to_the_household() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let mine = own_household(&app, "member1", 0).await;
    let post = |body: String| {
        Request::post("/api/visits/log_visit")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, &cookie)
            .header(
                header::REFERER,
                format!("http://localhost/households/{mine}"),
            )
            .body(Body::from(body))
            .unwrap()
    };
    let body = serde_urlencoded::to_string(quick_visit("no-script-0001", mine)).unwrap();
    let res = read(
        app.router
            .clone()
            .oneshot(post(body.clone()))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let location = res.headers.get(header::LOCATION).unwrap().to_str().unwrap();
    assert_eq!(
        location,
        format!("/households/{mine}?saved={}#visit", server_today())
    );
    // The same form posted twice (a double tap without the script) stores one visit.
    let res = read(app.router.clone().oneshot(post(body)).await.unwrap()).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(visits_with(&app, "no-script-0001").await, 1);

    let mut bad = quick_visit("no-script-0002", mine);
    bad[2].1 = "2020-01-01".into();
    let res = read(
        app.router
            .clone()
            .oneshot(post(serde_urlencoded::to_string(bad).unwrap()))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let location = res.headers.get(header::LOCATION).unwrap().to_str().unwrap();
    assert!(location.contains("refused="), "{location}");
    assert_eq!(visits_with(&app, "no-script-0002").await, 0);
    // The page shows why.
    let page = app
        .page(location.split('#').next().unwrap(), Some(&cookie))
        .await;
    assert!(
        page.body.contains("Ngày thăm: phải từ"),
        "the reason is shown"
    );
}
