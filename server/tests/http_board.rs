//! HTTP tests of the assignment board: who may read and move, versioned moves, swaps,
//! suggestions, registrations, the register and the live feed.

mod common;

use common::*;
use http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

/// An assigned household of a cell: (household, member, version).
async fn assigned(app: &TestApp, cell: i64) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT h.id, a.member_id, h.version FROM households h \
         JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
         JOIN members m ON m.id = a.member_id \
         WHERE h.cell_id = $1 AND m.status = 'active' ORDER BY h.id LIMIT 1",
    )
    .bind(cell)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn unassigned(app: &TestApp, cell: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT h.id, h.version FROM households h WHERE h.cell_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.ended_at IS NULL) ORDER BY h.id LIMIT 1",
    )
    .bind(cell)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn other_active_member(app: &TestApp, cell: i64, not: i64) -> i64 {
    app.id(&format!(
        "SELECT id FROM members WHERE cell_id = {cell} AND status = 'active' AND id <> {not} ORDER BY id LIMIT 1"
    ))
    .await
}

async fn holder(app: &TestApp, household: i64) -> Option<i64> {
    sqlx::query_scalar(
        "SELECT member_id FROM assignments WHERE household_id = $1 AND ended_at IS NULL",
    )
    .bind(household)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

fn move_body(household: i64, to: Option<i64>, version: i64) -> Value {
    json!({ "request": { "household": household, "to": to, "version": version, "reason": "" } })
}

#[tokio::test]
async fn the_board_is_for_those_who_may_read_the_cell() {
    let app = app().await;
    let cell = app.cell(0).await;
    let other = app.cell(1).await;
    let res = app
        .call("board/get", &[("cell", cell.to_string())], None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let secretary = app.sign_in("secretary1").await;
    let board = app
        .call("board/get", &[("cell", cell.to_string())], Some(&secretary))
        .await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    let board = board.json();
    let households: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM households WHERE cell_id = {cell}"
        ))
        .await;
    assert_eq!(
        board["households"].as_array().unwrap().len() as i64,
        households
    );
    assert_eq!(board["can_write"], true);
    let res = app
        .call(
            "board/get",
            &[("cell", other.to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let member = app.sign_in("member1").await;
    let res = app
        .call("board/get", &[("cell", cell.to_string())], Some(&member))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let viewer = app.sign_in("viewer").await;
    let res = app
        .call("board/get", &[("cell", other.to_string())], Some(&viewer))
        .await;
    assert_eq!(res.json()["can_write"], false);
}

#[tokio::test]
async fn a_move_ends_the_old_assignment_and_starts_the_new_one() {
    let app = app().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("secretary1").await;
    let (household, from, version) = assigned(&app, cell).await;
    let to = other_active_member(&app, cell, from).await;
    let before: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE household_id = {household}"
        ))
        .await;

    let res = app
        .call_json(
            "board/move",
            move_body(household, Some(to), version),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let changes = res.json();
    // Only what changed comes back.
    assert_eq!(changes.as_array().unwrap().len(), 1);
    assert_eq!(changes[0]["member"], to);
    assert_eq!(changes[0]["version"], version + 1);
    assert!(res.body.len() < 200, "a move answers small: {}", res.body);

    assert_eq!(holder(&app, household).await, Some(to));
    let after: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE household_id = {household}"
        ))
        .await;
    assert_eq!(after, before + 1, "history is kept");
    let ended: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE household_id = {household} AND member_id = {from} AND ended_at IS NOT NULL"
        ))
        .await;
    assert!(ended >= 1);
    let audited: i64 = app
        .id(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'household' AND entity_id = {household} AND action = 'move'"))
        .await;
    assert_eq!(audited, 1);

    // Unassigning is a move to nobody.
    let res = app
        .call_json(
            "board/move",
            move_body(household, None, version + 1),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(holder(&app, household).await, None);
}

#[tokio::test]
async fn two_people_moving_one_household_one_wins_the_other_is_told() {
    let app = app().await;
    let cell = app.cell(0).await;
    let secretary = app.sign_in("secretary1").await;
    let committee = app.sign_in("committee").await;
    let (household, from, version) = assigned(&app, cell).await;
    let a = other_active_member(&app, cell, from).await;
    let b = other_active_member(&app, cell, a).await;
    let (first, second) = tokio::join!(
        app.call_json(
            "board/move",
            move_body(household, Some(a), version),
            Some(&secretary)
        ),
        app.call_json(
            "board/move",
            move_body(household, Some(b), version),
            Some(&committee)
        ),
    );
    let statuses = [first.status, second.status];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
    let loser = if first.status == StatusCode::CONFLICT {
        &first
    } else {
        &second
    };
    assert_eq!(loser.json(), json!("Conflict"));
    let active: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE household_id = {household} AND ended_at IS NULL"
        ))
        .await;
    assert_eq!(active, 1, "never two active assignments");
    let winner_to = if first.status == StatusCode::OK { a } else { b };
    assert_eq!(holder(&app, household).await, Some(winner_to));
}

#[tokio::test]
async fn moves_are_refused_outside_ones_cell_and_to_foreign_members() {
    let app = app().await;
    let cell = app.cell(0).await;
    let other = app.cell(1).await;
    let (household, from, version) = assigned(&app, cell).await;
    let foreign_member = app
        .id(&format!(
            "SELECT id FROM members WHERE cell_id = {other} LIMIT 1"
        ))
        .await;

    let res = app
        .call_json(
            "board/move",
            move_body(household, Some(from), version),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let secretary2 = app.sign_in("secretary2").await;
    let res = app
        .call_json(
            "board/move",
            move_body(household, None, version),
            Some(&secretary2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let viewer = app.sign_in("viewer").await;
    let res = app
        .call_json(
            "board/move",
            move_body(household, None, version),
            Some(&viewer),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let member = app.sign_in("member1").await;
    let res = app
        .call_json(
            "board/move",
            move_body(household, None, version),
            Some(&member),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let secretary1 = app.sign_in("secretary1").await;
    let res = app
        .call_json(
            "board/move",
            move_body(household, Some(foreign_member), version),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "member");
    let long = "x".repeat(301);
    let res = app
        .call_json(
            "board/move",
            json!({ "request": { "household": household, "to": null, "version": version, "reason": long } }),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "reason");
    // Nothing changed by any of the refusals.
    assert_eq!(holder(&app, household).await, Some(from));
    let v: i64 = app
        .id(&format!(
            "SELECT version FROM households WHERE id = {household}"
        ))
        .await;
    assert_eq!(v, version);
}

#[tokio::test]
async fn a_swap_exchanges_two_members_in_one_go() {
    let app = app().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("secretary1").await;
    let (h1, m1, v1) = assigned(&app, cell).await;
    let (h2, m2, v2): (i64, i64, i64) = sqlx::query_as(
        "SELECT h.id, a.member_id, h.version FROM households h JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
         WHERE h.cell_id = $1 AND a.member_id <> $2 ORDER BY h.id LIMIT 1",
    )
    .bind(cell)
    .bind(m1)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let res = app
        .call_json(
            "board/swap",
            json!({ "first": h1, "first_version": v1, "second": h2, "second_version": v2, "reason": "đổi cho gần nhà" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(holder(&app, h1).await, Some(m2));
    assert_eq!(holder(&app, h2).await, Some(m1));
    // A stale version refuses the whole swap.
    let res = app
        .call_json(
            "board/swap",
            json!({ "first": h1, "first_version": v1, "second": h2, "second_version": v2 + 1, "reason": "" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(holder(&app, h1).await, Some(m2));
}

#[tokio::test]
async fn groups_move_like_households() {
    let app = app().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("secretary1").await;
    let (group, version): (i64, i64) =
        sqlx::query_as("SELECT id, version FROM household_groups WHERE cell_id = $1 LIMIT 1")
            .bind(cell)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let member = app.member_of("member1").await;
    let res = app
        .call_json(
            "board/move_group",
            json!({ "group": group, "to": member, "version": version, "reason": "" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let held: i64 = app
        .id(&format!(
            "SELECT member_id FROM assignments WHERE group_id = {group} AND ended_at IS NULL"
        ))
        .await;
    assert_eq!(held, member);
    let secretary2 = app.sign_in("secretary2").await;
    let res = app
        .call_json(
            "board/move_group",
            json!({ "group": group, "to": null, "version": version + 1, "reason": "" }),
            Some(&secretary2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn suggestions_cover_the_unassigned_and_accepting_them_moves_them() {
    let app = app().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("secretary1").await;
    let res = app
        .call_json(
            "board/suggest",
            json!({ "cell": cell, "rebalance": false }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let set = res.json();
    let suggestions = set["suggestions"].as_array().unwrap();
    let unassigned: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM households h WHERE h.cell_id = {cell} AND NOT EXISTS \
             (SELECT 1 FROM assignments a WHERE a.household_id = h.id AND a.ended_at IS NULL)"
        ))
        .await;
    assert_eq!(
        suggestions.len() as i64 + set["left_unassigned"].as_array().unwrap().len() as i64,
        unassigned
    );
    assert!(!suggestions.is_empty());
    for s in suggestions {
        let status: String = sqlx::query_scalar("SELECT status FROM members WHERE id = $1")
            .bind(s["member"].as_i64().unwrap())
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert!(
            ["active", "working_away", "outside_commune"].contains(&status.as_str()),
            "{status}"
        );
        assert!(s["load_after"].as_i64().unwrap() <= s["capacity"].as_i64().unwrap());
    }
    let picks: Vec<Value> = suggestions
        .iter()
        .take(3)
        .map(|s| json!({ "household": s["household"], "to": s["member"], "version": s["version"], "reason": "gợi ý" }))
        .collect();
    let res = app
        .call_json(
            "board/accept",
            json!({ "cell": cell, "picks": picks }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for s in suggestions.iter().take(3) {
        assert_eq!(
            holder(&app, s["household"].as_i64().unwrap()).await,
            s["member"].as_i64()
        );
    }
    // Accepting again with the same versions: someone (we) changed them meanwhile.
    let res = app
        .call_json(
            "board/accept",
            json!({ "cell": cell, "picks": picks }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    let member = app.sign_in("member1").await;
    let res = app
        .call_json(
            "board/suggest",
            json!({ "cell": cell, "rebalance": true }),
            Some(&member),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call_json(
            "board/accept",
            json!({ "cell": cell, "picks": [] }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_members_request_is_approved_into_an_assignment() {
    let app = app().await;
    let cell = app.cell(0).await;
    let member_cookie = app.sign_in("member1").await;
    let me = app.member_of("member1").await;
    let candidates = app
        .call("board/candidates", &[], Some(&member_cookie))
        .await;
    assert_eq!(candidates.status, StatusCode::OK);
    let first = candidates.json()[0]["household"].as_i64().unwrap();
    assert_eq!(holder(&app, first).await, None);

    let res = app
        .call(
            "board/request",
            &[
                ("household", first.to_string()),
                ("note", "nhà đối diện".into()),
            ],
            Some(&member_cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // R2 for requests: the same household cannot be asked for twice.
    let member2 = app.sign_in("member2").await;
    let res = app
        .call(
            "board/request",
            &[("household", first.to_string()), ("note", String::new())],
            Some(&member2),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // Nor can an assigned one, nor one of another cell.
    let (taken, _, _) = assigned(&app, cell).await;
    let res = app
        .call(
            "board/request",
            &[("household", taken.to_string()), ("note", String::new())],
            Some(&member2),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let (foreign, _) = unassigned(&app, app.cell(1).await).await;
    let res = app
        .call(
            "board/request",
            &[("household", foreign.to_string()), ("note", String::new())],
            Some(&member2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let registration: i64 = app
        .id(&format!(
            "SELECT id FROM registrations WHERE household_id = {first} AND state = 'pending'"
        ))
        .await;
    // Only the cell's secretary (or the committee) decides.
    let res = app
        .call_json(
            "board/decide",
            json!({ "registration": registration, "approve": true, "reason": "" }),
            Some(&member2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let secretary2 = app.sign_in("secretary2").await;
    let res = app
        .call_json(
            "board/decide",
            json!({ "registration": registration, "approve": true, "reason": "" }),
            Some(&secretary2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let secretary1 = app.sign_in("secretary1").await;
    let res = app
        .call_json(
            "board/decide",
            json!({ "registration": registration, "approve": true, "reason": "" }),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(holder(&app, first).await, Some(me));
    let mine = app
        .call("board/my_requests", &[], Some(&member_cookie))
        .await
        .json();
    assert_eq!(mine[0]["state"], "approved");
    // Deciding twice is a conflict, not a second assignment.
    let res = app
        .call_json(
            "board/decide",
            json!({ "registration": registration, "approve": false, "reason": "" }),
            Some(&secretary1),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_member_withdraws_only_their_own_request() {
    let app = app().await;
    let cell = app.cell(0).await;
    let (household, _) = unassigned(&app, cell).await;
    let member1 = app.sign_in("member1").await;
    app.call(
        "board/request",
        &[
            ("household", household.to_string()),
            ("note", String::new()),
        ],
        Some(&member1),
    )
    .await;
    let id: i64 = app
        .id(&format!(
            "SELECT id FROM registrations WHERE household_id = {household}"
        ))
        .await;
    let member2 = app.sign_in("member2").await;
    let res = app
        .call(
            "board/withdraw",
            &[("registration", id.to_string())],
            Some(&member2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "board/withdraw",
            &[("registration", id.to_string())],
            Some(&member1),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let state: String = sqlx::query_scalar("SELECT state FROM registrations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state, "withdrawn");
    // Committee accounts are not members: they have no requests to make.
    let committee = app.sign_in("committee").await;
    let res = app.call("board/candidates", &[], Some(&committee)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_register_shows_the_cell_as_of_a_day() {
    let app = app().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("secretary1").await;
    let res = app
        .call(
            "board/register",
            &[("cell", cell.to_string()), ("date", String::new())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let register = res.json();
    let listed: usize = register["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["households"].as_array().unwrap().len())
        .sum();
    let active: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE cell_id = {cell} AND ended_at IS NULL"
        ))
        .await;
    assert_eq!(listed as i64, active);
    // Long ago, before any assignment began, the register is empty.
    let old = app
        .call(
            "board/register",
            &[("cell", cell.to_string()), ("date", "2015-01-01".into())],
            Some(&cookie),
        )
        .await
        .json();
    assert_eq!(old["rows"].as_array().unwrap().len(), 0);
    let bad = app
        .call(
            "board/register",
            &[("cell", cell.to_string()), ("date", "01/02/2026".into())],
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["Invalid"]["field"], "date");
    // A day of a year the app does not know is refused rather than shown (an empty
    // register for the year 10000: its day sorted before every other).
    for day in ["+10000-01-01", "9999-12-31", "0000-01-01"] {
        let bad = app
            .call(
                "board/register",
                &[("cell", cell.to_string()), ("date", day.into())],
                Some(&cookie),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}");
        assert!(
            bad.json()["Invalid"]["problem"]["DateOutOfRange"].is_object(),
            "{day}: {}",
            bad.body
        );
    }
    let secretary2 = app.sign_in("secretary2").await;
    let res = app
        .call(
            "board/register",
            &[("cell", cell.to_string()), ("date", String::new())],
            Some(&secretary2),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_live_feed_is_for_readers_of_the_cell() {
    let app = app().await;
    let cell = app.cell(0).await;
    let get = |cookie: Option<String>| {
        let mut req = Request::get(format!("/api/board/events/{cell}"));
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(axum::body::Body::empty()).unwrap()
    };
    let res = app.router.clone().oneshot(get(None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let member = app.sign_in("member1").await;
    let res = app.router.clone().oneshot(get(Some(member))).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let secretary = app.sign_in("secretary1").await;
    let res = app
        .router
        .clone()
        .oneshot(get(Some(secretary)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers().get(header::CONTENT_TYPE).unwrap(),
        "text/event-stream"
    );
}

/// The board's data as a page carries it (the JSON beside the island).
fn page_data(html: &str) -> Value {
    let start = html
        .find(r#"id="board-data">"#)
        .map(|i| i + r#"id="board-data">"#.len())
        .expect("the page carries the board's data");
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

fn holder_in(data: &Value, household: i64) -> Value {
    data["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == household)
        .map(|h| h[7].clone())
        .expect("the household is on the board")
}

#[tokio::test]
async fn a_kept_board_page_follows_every_change_and_every_reader() {
    let app = app().await;
    let cell = app.cell(0).await;
    let path = format!("/cells/{cell}/board");
    let secretary = app.sign_in("secretary1").await;
    let first = app.page(&path, Some(&secretary)).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app.page(&path, Some(&secretary)).await;
    assert_eq!(
        again.body, first.body,
        "the same page while nothing changes"
    );

    // Another reader of the cell gets their own page, not the secretary's.
    let viewer = app.sign_in("viewer").await;
    let theirs = app.page(&path, Some(&viewer)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(page_data(&theirs.body)["can_write"], false);
    assert_eq!(page_data(&first.body)["can_write"], true);

    // A move is on the next page at once.
    let (household, from, version) = assigned(&app, cell).await;
    assert_eq!(holder_in(&page_data(&first.body), household), from);
    let to = other_active_member(&app, cell, from).await;
    let res = app
        .call_json(
            "board/move",
            move_body(household, Some(to), version),
            Some(&secretary),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let after = app.page(&path, Some(&secretary)).await;
    assert_eq!(holder_in(&page_data(&after.body), household), to);

    // A change made outside the app's requests (another process on the same database) too.
    sqlx::query("UPDATE households SET head_name = 'Đổi Tên Ngoài' WHERE id = $1")
        .bind(household)
        .execute(&app.pool)
        .await
        .unwrap();
    let renamed = app.page(&path, Some(&secretary)).await;
    assert!(renamed.body.contains("Đổi Tên Ngoài"));

    // Signed out, the page is not served from memory.
    let stranger = app.page(&path, None).await;
    assert_ne!(stranger.status, StatusCode::OK);
}

#[tokio::test]
async fn a_kept_board_page_goes_out_in_brotli_to_browsers_that_take_it() {
    let app = app().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("secretary1").await;
    let path = format!("/cells/{cell}/board");
    let plain = app.page(&path, Some(&cookie)).await;
    for _ in 0..2 {
        let req = Request::get(&path)
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        let packed = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        assert!(packed.len() * 4 < plain.body.len(), "compressed well");
        let mut html = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut html).unwrap();
        assert_eq!(String::from_utf8(html).unwrap(), plain.body);
    }
}
