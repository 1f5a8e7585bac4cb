//! HTTP tests of who in the committee answers for which cells (R9): the committee gives
//! cells to its members, the start page and the ward report read how those cells stand,
//! a member who leaves the committee frees their cells, and nobody else changes anything.

mod common;

use common::*;
use http::StatusCode;
use serde_json::Value;

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.id(&format!(
        "SELECT id FROM users WHERE username = '{username}'"
    ))
    .await
}

async fn steward_of(app: &TestApp, cell: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT steward_user_id FROM org_units WHERE id = $1")
        .bind(cell)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn give(app: &TestApp, cell: i64, steward: &str, cookie: Option<&str>) -> Answer {
    let version = app
        .id(&format!("SELECT version FROM org_units WHERE id = {cell}"))
        .await;
    app.call(
        "org/set_steward",
        &[
            ("cell", cell.to_string()),
            ("steward", steward.to_string()),
            ("version", version.to_string()),
        ],
        cookie,
    )
    .await
}

async fn stewards(app: &TestApp, ward: i64, cookie: &str) -> Value {
    let res = app
        .call(
            "reviews/stewards",
            &[("ward", ward.to_string())],
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

/// The lines as (steward's id, the ids of their cells).
fn lines(s: &Value) -> Vec<(Option<i64>, Vec<i64>)> {
    s["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["user_id"].as_i64(),
                l["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["cell_id"].as_i64().unwrap())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_committee_gives_cells_and_sees_how_they_stand() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let me = user_id(&app, "committee").await;
    let (c1, c2, c3) = (app.cell(0).await, app.cell(1).await, app.cell(2).await);

    // The demo: the committee account answers for the first two cells, the third has nobody.
    let s = stewards(&app, ward, &committee).await;
    assert_eq!(s["can_edit"], true);
    assert_eq!(lines(&s), vec![(Some(me), vec![c1, c2]), (None, vec![c3])]);
    assert_eq!(s["lines"][0]["is_me"], true);

    // A cell's figures are its board's and its concerns' today.
    let cell = &s["lines"][0]["cells"][0];
    let households = app
        .id(&format!(
            "SELECT COUNT(*) FROM households WHERE cell_id = {c1}"
        ))
        .await;
    let assigned = app
        .id(&format!(
            "SELECT COUNT(DISTINCT household_id) FROM assignments WHERE cell_id = {c1} \
             AND ended_at IS NULL AND household_id IS NOT NULL"
        ))
        .await;
    assert_eq!(cell["households"], households);
    assert_eq!(cell["assigned"], assigned);
    assert!(
        assigned < households,
        "the demo cell has households nobody looks after"
    );
    let excluded = app
        .id(&format!(
            "SELECT COUNT(DISTINCT m.id) FROM members m JOIN assignments a ON a.member_id = m.id \
             WHERE m.cell_id = {c1} AND a.ended_at IS NULL \
             AND m.status IN ('exempt', 'elderly_ill', 'transferred')"
        ))
        .await;
    assert_eq!(cell["excluded_holding"], excluded);
    assert!(
        excluded > 0,
        "the demo shows excluded members still holding households"
    );

    // The third cell given to the committee account: one line, audited.
    let res = give(&app, c3, &me.to_string(), Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(steward_of(&app, c3).await, Some(me));
    assert_eq!(audit_count(&app, "steward_set").await, 1);
    let s = stewards(&app, ward, &committee).await;
    assert_eq!(lines(&s), vec![(Some(me), vec![c1, c2, c3])]);

    // A form from before is refused; so is anyone not an active committee member.
    let res = app
        .call(
            "org/set_steward",
            &[
                ("cell", c3.to_string()),
                ("steward", String::new()),
                ("version", "1".into()),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let secretary = user_id(&app, "secretary1").await;
    for steward in [secretary.to_string(), "987654".into(), "một".into()] {
        let res = give(&app, c3, &steward, Some(&committee)).await;
        assert_eq!(
            invalid(&res),
            ("steward".into(), "UnknownChoice".into()),
            "{steward}"
        );
    }
    assert_eq!(steward_of(&app, c3).await, Some(me), "nothing changed");

    // Given back to nobody.
    let res = give(&app, c3, "", Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(steward_of(&app, c3).await, None);
    assert_eq!(audit_count(&app, "steward_set").await, 2);
}

#[tokio::test]
async fn a_member_who_leaves_the_committee_frees_their_cells() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let c3 = app.cell(2).await;
    let res = app
        .call(
            "org/create_account",
            &[
                ("ward", ward.to_string()),
                ("display_name", "Phạm Thị Thu".into()),
                ("username", "thu.pham".into()),
                ("role", "committee".into()),
                ("unit", ward.to_string()),
                ("member", String::new()),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let thu = res.json().as_i64().unwrap();
    let res = give(&app, c3, &thu.to_string(), Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let s = stewards(&app, ward, &committee).await;
    let names: Vec<&str> = s["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Văn phòng Đảng ủy phường", "Phạm Thị Thu"],
        "the caller first"
    );
    assert_eq!(lines(&s)[1], (Some(thu), vec![c3]));

    // Deactivated, the account answers for nothing: the cell shows as nobody's.
    let version = app
        .id(&format!("SELECT version FROM users WHERE id = {thu}"))
        .await;
    let res = app
        .call(
            "org/set_account_active",
            &[
                ("ward", ward.to_string()),
                ("account", thu.to_string()),
                ("active", "false".into()),
                ("version", version.to_string()),
            ],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(steward_of(&app, c3).await, None);
    let s = stewards(&app, ward, &committee).await;
    assert_eq!(lines(&s).last().unwrap(), &(None, vec![c3]));
    assert!(lines(&s).iter().all(|(id, _)| *id != Some(thu)));
}

#[tokio::test]
async fn only_the_committee_gives_cells_and_only_the_wards_readers_see_them() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let c3 = app.cell(2).await;
    let me = user_id(&app, "committee").await.to_string();
    let other_ward = second_ward_committee(&app).await;

    let res = give(&app, c3, &me, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = app
        .call("reviews/stewards", &[("ward", ward.to_string())], None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    for who in ["member1", "secretary1", "secretary3", "viewer"] {
        let cookie = app.sign_in(who).await;
        let res = give(&app, c3, &me, Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
    }
    let res = give(&app, c3, &me, Some(&other_ward)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(steward_of(&app, c3).await, None, "nothing changed");
    assert_eq!(audit_count(&app, "steward_set").await, 0);

    // The ward's viewer reads the lines, without the right to change them.
    let viewer = app.sign_in("viewer").await;
    assert_eq!(stewards(&app, ward, &viewer).await["can_edit"], false);
    for who in ["member1", "secretary1"] {
        let cookie = app.sign_in(who).await;
        let res = app
            .call(
                "reviews/stewards",
                &[("ward", ward.to_string())],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
    }
    let res = app
        .call(
            "reviews/stewards",
            &[("ward", ward.to_string())],
            Some(&other_ward),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
}

#[tokio::test]
async fn the_start_page_and_the_ward_report_show_the_committees_cells() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    for path in ["/cells".to_string(), format!("/wards/{ward}/reports")] {
        let page = app.page(&path, Some(&committee)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body.contains("Cấp ủy viên phụ trách chi bộ"),
            "{path}: the section"
        );
        assert!(
            page.body.contains("Chi bộ chưa có cấp ủy viên phụ trách"),
            "{path}: the cells nobody answers for"
        );
    }
    // A cell's secretary has no such section on their pages.
    let secretary = app.sign_in("secretary1").await;
    let page = app.page("/cells", Some(&secretary)).await;
    assert!(!page.body.contains("Cấp ủy viên phụ trách chi bộ"));
}
