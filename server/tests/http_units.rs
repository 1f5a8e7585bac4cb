//! HTTP tests of the ward's tree: the committee adds, renames, re-codes and retires cells
//! and party groups and moves a group with its members; every change versioned, audited
//! and refused to anyone else.

mod common;

use common::*;
use http::StatusCode;
use serde_json::Value;

async fn version_of(app: &TestApp, unit: i64) -> i64 {
    app.id(&format!("SELECT version FROM org_units WHERE id = {unit}"))
        .await
}

fn args(pairs: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    pairs.to_vec()
}

async fn add_cell(app: &TestApp, ward: i64, name: &str, code: &str, cookie: &str) -> Answer {
    app.call(
        "org/add_cell",
        &args(&[
            ("ward", ward.to_string()),
            ("name", name.into()),
            ("code", code.into()),
        ]),
        Some(cookie),
    )
    .await
}

async fn edit(
    app: &TestApp,
    unit: i64,
    name: &str,
    code: &str,
    version: i64,
    cookie: Option<&str>,
) -> Answer {
    app.call(
        "org/edit_unit",
        &args(&[
            ("unit", unit.to_string()),
            ("name", name.into()),
            ("code", code.into()),
            ("version", version.to_string()),
        ]),
        cookie,
    )
    .await
}

async fn retire(app: &TestApp, unit: i64, cookie: Option<&str>) -> Answer {
    let version = version_of(app, unit).await;
    app.call(
        "org/retire_unit",
        &args(&[("unit", unit.to_string()), ("version", version.to_string())]),
        cookie,
    )
    .await
}

/// The cells of the ward's tree as its page reads them: (name, code, groups' names).
async fn tree(app: &TestApp, ward: i64, cookie: &str) -> Vec<(String, String, Vec<String>)> {
    let res = app
        .call("org/units", &[("ward", ward.to_string())], Some(cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["code"].as_str().unwrap().to_string(),
                c["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g["name"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_committee_adds_renames_and_retires_cells_and_groups() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let cells_before = tree(&app, ward, &committee).await.len();

    // A new cell, tidied: spaces collapsed, the code in capitals.
    let res = add_cell(
        &app,
        ward,
        "  Chi bộ   Tổ dân phố số 40 ",
        "tdp-40",
        &committee,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cell = res.json().as_i64().unwrap();
    let res = app
        .call(
            "org/add_group",
            &args(&[
                ("cell", cell.to_string()),
                ("name", "Tổ đảng 1".into()),
                ("code", "TDP-40-T1".into()),
            ]),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let group = res.json().as_i64().unwrap();
    let listed = tree(&app, ward, &committee).await;
    assert_eq!(listed.len(), cells_before + 1);
    assert!(listed.contains(&(
        "Chi bộ Tổ dân phố số 40".into(),
        "TDP-40".into(),
        vec!["Tổ đảng 1".into()]
    )));
    // It is a cell like the others: on the committee's list of cells.
    let cells = app.call("org/cells", &[], Some(&committee)).await.json();
    assert!(
        cells
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"].as_i64() == Some(cell))
    );

    // Renamed from the version shown; the same form again is stale.
    let v = version_of(&app, cell).await;
    let res = edit(
        &app,
        cell,
        "Chi bộ Khu phố 40",
        "KP-40",
        v,
        Some(&committee),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = edit(
        &app,
        cell,
        "Chi bộ Khu phố 41",
        "KP-41",
        v,
        Some(&committee),
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let v = version_of(&app, cell).await;
    // Refused by name: a code another unit holds, a cell name the ward has, nothing typed.
    let taken_code = app
        .id("SELECT id FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1")
        .await;
    let (taken_name, taken_code): (String, String) =
        sqlx::query_as("SELECT name, code FROM org_units WHERE id = $1")
            .bind(taken_code)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = edit(
        &app,
        cell,
        "Chi bộ Khu phố 40",
        &taken_code,
        v,
        Some(&committee),
    )
    .await;
    assert_eq!(invalid(&res), ("unit_code".into(), "Taken".into()));
    let res = edit(&app, cell, &taken_name, "KP-40", v, Some(&committee)).await;
    assert_eq!(invalid(&res), ("unit_name".into(), "Taken".into()));
    let res = edit(&app, cell, "   ", "KP-40", v, Some(&committee)).await;
    assert_eq!(invalid(&res), ("unit_name".into(), "Required".into()));
    let res = edit(
        &app,
        cell,
        "Chi bộ Khu phố 40",
        "KP 40/ý",
        v,
        Some(&committee),
    )
    .await;
    assert_eq!(invalid(&res), ("unit_code".into(), "BadFormat".into()));
    assert_eq!(version_of(&app, cell).await, v, "refusals change nothing");
    let res = add_cell(&app, ward, "Chi bộ mới", &taken_code, &committee).await;
    assert_eq!(invalid(&res), ("unit_code".into(), "Taken".into()));

    // Retired: the group, then the cell; both leave the lists and take no more changes.
    let res = retire(&app, group, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = retire(&app, cell, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let listed = tree(&app, ward, &committee).await;
    assert_eq!(listed.len(), cells_before);
    assert!(!listed.iter().any(|(name, ..)| name == "Chi bộ Khu phố 40"));
    let cells = app.call("org/cells", &[], Some(&committee)).await.json();
    assert!(
        !cells
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"].as_i64() == Some(cell))
    );
    let v = version_of(&app, cell).await;
    let res = edit(
        &app,
        cell,
        "Chi bộ Khu phố 42",
        "KP-42",
        v,
        Some(&committee),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // The retired cell's name may be given again; its code stays its own.
    let res = add_cell(&app, ward, "Chi bộ Khu phố 40", "KP-40B", &committee).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = add_cell(&app, ward, "Chi bộ Khu phố 40 B", "KP-40", &committee).await;
    assert_eq!(invalid(&res), ("unit_code".into(), "Taken".into()));

    // Each change has its audit entry.
    assert_eq!(audit_count(&app, "unit_added").await, 3);
    assert_eq!(audit_count(&app, "unit_renamed").await, 1);
    assert_eq!(audit_count(&app, "unit_retired").await, 2);
}

#[tokio::test]
async fn a_unit_that_still_holds_people_is_not_retired() {
    let app = app().await;
    let committee = app.sign_in("committee").await;
    let cell = app.cell(0).await;
    let members = app
        .id(&format!(
            "SELECT COUNT(*) FROM members WHERE cell_id = {cell} AND status <> 'transferred'"
        ))
        .await;
    let res = retire(&app, cell, Some(&committee)).await;
    assert_eq!(invalid(&res), ("cell".into(), "HoldsMembers".into()));
    assert_eq!(
        res.json()["Invalid"]["problem"]["HoldsMembers"]["count"].as_i64(),
        Some(members)
    );
    // With every member gone, the households still hold it.
    sqlx::query("UPDATE members SET status = 'transferred' WHERE cell_id = $1")
        .bind(cell)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = retire(&app, cell, Some(&committee)).await;
    assert_eq!(invalid(&res), ("cell".into(), "HoldsHouseholds".into()));
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM org_units WHERE id = {cell} AND retired_at IS NULL"
        ))
        .await,
        1
    );
    assert_eq!(audit_count(&app, "unit_retired").await, 0);
}

/// A party group of the demo ward whose members look after households, its cell, and
/// another cell.
async fn busy_group(app: &TestApp) -> (i64, i64, i64) {
    let (group, cell): (i64, i64) = sqlx::query_as(
        "SELECT g.id, g.parent_id FROM org_units g WHERE g.kind = 'party_group' AND EXISTS \
         (SELECT 1 FROM assignments a JOIN members m ON m.id = a.member_id \
          WHERE m.party_group_id = g.id AND a.ended_at IS NULL) ORDER BY g.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let other = app
        .id(&format!(
            "SELECT id FROM org_units WHERE kind = 'cell' AND id <> {cell} ORDER BY id LIMIT 1"
        ))
        .await;
    (group, cell, other)
}

async fn move_group(app: &TestApp, group: i64, to: i64, cookie: Option<&str>) -> Answer {
    let version = version_of(app, group).await;
    app.call(
        "org/move_group",
        &args(&[
            ("group", group.to_string()),
            ("cell", to.to_string()),
            ("version", version.to_string()),
        ]),
        cookie,
    )
    .await
}

#[tokio::test]
async fn a_group_moves_with_its_members_once_they_have_handed_over() {
    let app = app().await;
    let committee = app.sign_in("committee").await;
    let (group, cell, other) = busy_group(&app).await;
    let members: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM members WHERE party_group_id = $1 AND status <> 'transferred' ORDER BY id",
    )
    .bind(group)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!members.is_empty());

    let res = move_group(&app, group, other, Some(&committee)).await;
    assert_eq!(
        invalid(&res),
        ("party_group".into(), "StillLooksAfter".into())
    );
    // A cell of another ward, or no cell, is not a choice.
    let res = move_group(&app, group, 987_654, Some(&committee)).await;
    assert_eq!(
        invalid(&res),
        ("target_cell".into(), "UnknownChoice".into())
    );

    // Handed over (the board ends their assignments), the group moves.
    sqlx::query(
        "UPDATE assignments SET ended_at = started_at WHERE ended_at IS NULL AND member_id IN \
         (SELECT id FROM members WHERE party_group_id = $1)",
    )
    .bind(group)
    .execute(&app.pool)
    .await
    .unwrap();
    let with_account: Option<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'member' AND r.org_unit_id = $1 AND u.member_id IN \
         (SELECT id FROM members WHERE party_group_id = $2) LIMIT 1",
    )
    .bind(cell)
    .bind(group)
    .fetch_optional(&app.pool)
    .await
    .unwrap();
    let res = move_group(&app, group, other, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let (parent, path): (i64, String) =
        sqlx::query_as("SELECT parent_id, path FROM org_units WHERE id = $1")
            .bind(group)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let other_path: String = sqlx::query_scalar("SELECT path FROM org_units WHERE id = $1")
        .bind(other)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(parent, other);
    assert_eq!(path, format!("{other_path}{group}/"));
    let moved: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM members WHERE party_group_id = $1 AND cell_id = $2 ORDER BY id",
    )
    .bind(group)
    .bind(other)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(moved, members);
    if let Some(user) = with_account {
        let role_at: i64 = app
            .id(&format!(
                "SELECT org_unit_id FROM user_roles WHERE user_id = {user} AND role = 'member'"
            ))
            .await;
        assert_eq!(role_at, other, "the member's role follows the group");
    }
    assert_eq!(audit_count(&app, "group_moved").await, 1);
}

#[tokio::test]
async fn only_the_wards_committee_changes_its_tree() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let cell = app.cell(0).await;
    let (group, _, other) = busy_group(&app).await;
    let other_ward = second_ward_committee(&app).await;
    let units = || async {
        sqlx::query_as::<_, (i64, String, String, i64)>(
            "SELECT id, name, code, version FROM org_units ORDER BY id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    let before = units().await;
    let mut cookies: Vec<(&str, Option<String>)> = vec![("nobody", None)];
    for who in ["member1", "secretary1", "viewer"] {
        cookies.push((who, Some(app.sign_in(who).await)));
    }
    cookies.push(("committee.other", Some(other_ward)));
    for (who, cookie) in &cookies {
        let cookie = cookie.as_deref();
        let expected = if cookie.is_none() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        };
        let v = version_of(&app, cell).await;
        let answers = [
            app.call(
                "org/add_cell",
                &args(&[
                    ("ward", ward.to_string()),
                    ("name", "Chi bộ lạ".into()),
                    ("code", "LA-1".into()),
                ]),
                cookie,
            )
            .await,
            app.call(
                "org/add_group",
                &args(&[
                    ("cell", cell.to_string()),
                    ("name", "Tổ lạ".into()),
                    ("code", "LA-2".into()),
                ]),
                cookie,
            )
            .await,
            edit(&app, cell, "Chi bộ lạ", "LA-3", v, cookie).await,
            retire(&app, group, cookie).await,
            move_group(&app, group, other, cookie).await,
        ];
        for (i, res) in answers.iter().enumerate() {
            assert_eq!(res.status, expected, "{who}, call {i}: {}", res.body);
        }
    }
    assert_eq!(units().await, before, "nothing changed");

    // The tree is read by the ward's committee and viewers, not by a cell's secretary.
    let viewer = cookies[3].1.clone().unwrap();
    let res = app
        .call("org/units", &[("ward", ward.to_string())], Some(&viewer))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["can_edit"], Value::Bool(false));
    let secretary = cookies[2].1.clone().unwrap();
    let res = app
        .call("org/units", &[("ward", ward.to_string())], Some(&secretary))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // The page itself: the committee's editing forms, the viewer's reading.
    let committee = app.sign_in("committee").await;
    let page = app
        .page(&format!("/wards/{ward}/units"), Some(&committee))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("/api/org/add_cell"), "{}", page.body);
    let page = app
        .page(&format!("/wards/{ward}/units"), Some(&viewer))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/api/org/add_cell"));
    let page = app
        .page(&format!("/wards/{ward}/units"), Some(&secretary))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_pages_say_the_word_of_the_wards_kind() {
    let app = app().await;
    let phuong = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let page = app
        .page(&format!("/wards/{phuong}/reports"), Some(&committee))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for words in [
        "Kiến nghị toàn phường",
        "Báo cáo toàn phường",
        "Sơ kết, tổng kết toàn phường",
    ] {
        assert!(page.body.contains(words), "{words}");
    }

    // A xã's committee reads "xã" wherever the demo's reads "phường".
    let other = second_ward_committee(&app).await;
    let xa = app
        .id("SELECT id FROM org_units WHERE code = 'X-BEN-CANH'")
        .await;
    let page = app
        .page(&format!("/wards/{xa}/reports"), Some(&other))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for words in [
        "Kiến nghị toàn xã",
        "Báo cáo toàn xã",
        "Sơ kết, tổng kết toàn xã",
    ] {
        assert!(page.body.contains(words), "{words}");
    }
    assert!(!page.body.contains("toàn phường"));
    let inbox = app.page(&format!("/wards/{xa}/inbox"), Some(&other)).await;
    assert!(inbox.body.contains("Báo cáo toàn xã"));
}
