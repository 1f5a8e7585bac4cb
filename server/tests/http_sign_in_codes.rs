//! HTTP tests of one-time sign-in codes: a cell's secretary or the committee gives a member
//! a code (making their account when they have none), the code signs in once and only
//! before it expires, nothing else opens until the person has chosen a password, and a
//! new code ends the person's sessions and their old password.

mod common;

use app::core::clock::Clock;
use app::demo;
use app::features::auth::model::{check_username, typed_code, username_from_name};
use chrono::Duration;
use common::*;
use http::{StatusCode, header};
use serde_json::Value;

const CHOSEN: &str = "cay-bang-truoc-ngo";

/// A sign-in with a password or a code.
async fn sign_in_with(app: &TestApp, username: &str, password: &str) -> Answer {
    sign_in_on(&app.router, username, password).await
}

fn cookie_of(res: &Answer) -> String {
    let set = res
        .headers
        .get(header::SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .unwrap();
    set.split(';').next().unwrap().to_string()
}

/// A member the cell has just taken in, with no account yet.
async fn unsigned_member(app: &TestApp, cell: i64) -> (i64, String) {
    let name = "Đinh Thị Lan";
    (new_member(app, cell, name).await, name.to_string())
}

async fn issue(app: &TestApp, member: i64, cookie: Option<&str>) -> Answer {
    app.call("auth/issue_code", &[("member", member.to_string())], cookie)
        .await
}

async fn choose(app: &TestApp, cookie: &str, password: &str, again: &str) -> Answer {
    app.call(
        "auth/choose_password",
        &[
            ("form[password]", password.to_string()),
            ("form[password_again]", again.to_string()),
        ],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn a_code_makes_the_account_signs_in_once_and_a_password_follows() {
    let app = app().await;
    let secretary = app.sign_in("secretary1").await;
    let cell = app.cell(0).await;
    let (member, name) = unsigned_member(&app, cell).await;

    let res = issue(&app, member, Some(&secretary)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let issued = res.json();
    let username = issued["username"].as_str().unwrap().to_string();
    assert!(
        username.starts_with(&username_from_name(&name)),
        "{username} from {name}"
    );
    assert_eq!(check_username(&username).unwrap(), username);
    assert_eq!(issued["new_account"], true);
    let code = issued["code"].as_str().unwrap().to_string();
    assert_eq!(typed_code(&code).len(), 8, "{code}");
    assert_eq!(
        issued["expires_on"],
        (today() + Duration::days(14)).to_string()
    );
    let (display, role_cell): (String, i64) = sqlx::query_as(
        "SELECT u.display_name, r.org_unit_id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.member_id = $1 AND r.role = 'member'",
    )
    .bind(member)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((display.as_str(), role_cell), (name.as_str(), cell));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'user.created_with_code' AND entity_id = $1",
    )
    .bind(member)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // The member's page shows the secretary the code to hand on.
    let page = app
        .call(
            "org/member",
            &[("member", member.to_string())],
            Some(&secretary),
        )
        .await
        .json();
    assert_eq!(page["account"]["username"], username.as_str());
    assert_eq!(page["account"]["code"][0], code.as_str());
    assert_eq!(page["account"]["has_own_password"], false);

    // No password signs in yet, not even an empty-looking one.
    assert_eq!(
        sign_in_with(&app, &username, "12345678").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The code signs in, typed as printed.
    let res = sign_in_with(&app, &username, &code).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["must_choose_password"], true);
    let cookie = cookie_of(&res);
    // Nothing but the choice of a password answers.
    let mine = app.call("org/my_households", &[], Some(&cookie)).await;
    assert_eq!(mine.status, StatusCode::FORBIDDEN, "{}", mine.body);
    let me = app.call("auth/me", &[], Some(&cookie)).await.json();
    assert_eq!(me["must_choose_password"], true);
    // Once.
    assert_eq!(
        sign_in_with(&app, &username, &code).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A password of their own, by the same rules as any new one.
    assert_eq!(
        invalid(&choose(&app, &cookie, CHOSEN, "cay-bang-truoc-nha").await),
        ("password".into(), "Mismatch".into())
    );
    assert_eq!(
        invalid(&choose(&app, &cookie, "12345678", "12345678").await),
        ("password".into(), "TooEasy".into())
    );
    let res = choose(&app, &cookie, CHOSEN, CHOSEN).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), "/my");
    // This session goes on, now with everything open.
    let mine = app.call("org/my_households", &[], Some(&cookie)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(
        sign_in_with(&app, &username, CHOSEN).await.status,
        StatusCode::OK
    );
    let page = app
        .call(
            "org/member",
            &[("member", member.to_string())],
            Some(&secretary),
        )
        .await
        .json();
    assert_eq!(page["account"]["has_own_password"], true);
    assert_eq!(page["account"]["code"], Value::Null);
    // Chosen once: the screen is not a second way to change it.
    let again = choose(&app, &cookie, "hoa-sua-mua-thu", "hoa-sua-mua-thu").await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.body);
}

#[tokio::test]
async fn a_new_code_ends_the_members_sessions_and_old_password() {
    let app = app().await;
    let secretary = app.sign_in("secretary1").await;
    let member2 = app.sign_in("member2").await;
    let res = issue(&app, app.member_of("member2").await, Some(&secretary)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let issued = res.json();
    assert_eq!(issued["username"], "member2");
    assert_eq!(issued["new_account"], false);
    let mine = app.call("org/my_households", &[], Some(&member2)).await;
    assert_eq!(
        mine.status,
        StatusCode::UNAUTHORIZED,
        "the old session ended"
    );
    assert_eq!(
        sign_in_with(&app, "member2", demo::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the old password ended"
    );
    // A second code replaces the first.
    let first = issued["code"].as_str().unwrap().to_string();
    let second = issue(&app, app.member_of("member2").await, Some(&secretary))
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_string();
    if first != second {
        assert_eq!(
            sign_in_with(&app, "member2", &first).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let res = sign_in_with(&app, "member2", &second).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["must_choose_password"], true);
}

#[tokio::test]
async fn only_the_cells_secretary_and_its_committee_give_codes() {
    let app = app().await;
    let cell = app.cell(0).await;
    let (member, _) = unsigned_member(&app, cell).await;
    let accounts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let other_ward = second_ward_committee(&app).await;
    let before = accounts().await;
    assert_eq!(
        issue(&app, member, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    for who in ["member1", "secretary2", "viewer"] {
        let cookie = app.sign_in(who).await;
        let res = issue(&app, member, Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
    }
    let res = issue(&app, member, Some(&other_ward)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // Unknown members answer like members out of scope.
    let secretary = app.sign_in("secretary1").await;
    let res = issue(&app, 987_654, Some(&secretary)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(accounts().await, before, "no account made");

    // A member who has moved away gets no sign-in here.
    let moved = new_member(&app, cell, "Hà Văn Tùng").await;
    sqlx::query("UPDATE members SET status = 'transferred' WHERE id = $1")
        .bind(moved)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        invalid(&issue(&app, moved, Some(&secretary)).await),
        ("member".into(), "Transferred".into())
    );

    // An account that holds more than the cell (a committee member's) is not the
    // secretary's to reset; the committee's it is.
    let member2_user = app
        .id("SELECT id FROM users WHERE username = 'member2'")
        .await;
    let ward = app
        .id("SELECT id FROM org_units WHERE kind = 'commune' ORDER BY id LIMIT 1")
        .await;
    sqlx::query("INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, 'committee', $2)")
        .bind(member2_user)
        .bind(ward)
        .execute(&app.pool)
        .await
        .unwrap();
    let member2 = app.member_of("member2").await;
    let res = issue(&app, member2, Some(&secretary)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let committee = app.sign_in("committee").await;
    let res = issue(&app, member2, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = issue(&app, member, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(accounts().await, before + 1);
}

#[tokio::test]
async fn a_code_works_to_its_last_day_and_then_is_refused_by_name() {
    let app = app().await;
    let secretary = app.sign_in("secretary1").await;
    let (member, _) = unsigned_member(&app, app.cell(0).await).await;
    let issued = issue(&app, member, Some(&secretary)).await.json();
    let (username, code) = (
        issued["username"].as_str().unwrap().to_string(),
        issued["code"].as_str().unwrap().to_string(),
    );
    let on = async |days: i64| {
        let later = router_on(&app.pool, Clock::pinned_to(today() + Duration::days(days))).await;
        sign_in_on(&later, &username, &code).await
    };
    let expired = on(15).await;
    assert_eq!(
        invalid(&expired),
        ("code".into(), "Expired".into()),
        "{}",
        expired.body
    );
    let last_day = on(14).await;
    assert_eq!(last_day.status, StatusCode::OK, "{}", last_day.body);
}

#[tokio::test]
async fn two_sign_ins_with_one_code_at_once_let_one_in() {
    let app = app().await;
    let secretary = app.sign_in("secretary1").await;
    let (member, _) = unsigned_member(&app, app.cell(0).await).await;
    let issued = issue(&app, member, Some(&secretary)).await.json();
    let username = issued["username"].as_str().unwrap().to_string();
    let code = issued["code"].as_str().unwrap().to_string();
    let (a, b) = tokio::join!(
        sign_in_with(&app, &username, &code),
        sign_in_with(&app, &username, &code)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNAUTHORIZED]);
}

#[tokio::test]
async fn a_secretary_makes_accounts_for_the_whole_cell_and_gets_their_cards() {
    let app = app().await;
    let cell = app.cell(0).await;
    let without = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM members WHERE cell_id = $1 AND status <> 'transferred' \
             AND id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL)",
        )
        .bind(cell)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    assert_eq!(without().await, 0, "every demo member has an account");
    let mut taken_in = Vec::new();
    for name in ["Đinh Thị Lan", "Hà Văn Tùng", "Kiều Thị Mai", "Lò Văn Sơn"] {
        taken_in.push(new_member(&app, cell, name).await);
    }
    let missing = without().await;
    assert_eq!(missing, 4, "the members the cell has just taken in");
    let form = [("cell", cell.to_string())];

    // Nobody else: not a stranger, a member, another cell's secretary, a viewer.
    let res = app.call("auth/issue_cell_codes", &form, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    for who in ["member1", "secretary2", "viewer"] {
        let cookie = app.sign_in(who).await;
        for endpoint in ["auth/issue_cell_codes", "org/sign_ins"] {
            let res = app.call(endpoint, &form, Some(&cookie)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{who} {endpoint}: {}",
                res.body
            );
        }
    }
    assert_eq!(without().await, missing, "nothing made");

    let secretary = app.sign_in("secretary1").await;
    let res = app
        .call("auth/issue_cell_codes", &form, Some(&secretary))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), missing);
    assert_eq!(without().await, 0);
    let usernames: Vec<String> = sqlx::query_scalar(
        "SELECT u.username FROM users u JOIN members m ON m.id = u.member_id \
         JOIN user_roles r ON r.user_id = u.id AND r.role = 'member' AND r.org_unit_id = m.cell_id \
         WHERE m.cell_id = $1",
    )
    .bind(cell)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for u in &usernames {
        assert_eq!(check_username(u).as_deref(), Ok(u.as_str()));
    }

    // The cell's sign-ins: a card for every new account, the others as they stand.
    let res = app.call("org/sign_ins", &form, Some(&secretary)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = res.json();
    let members = page["members"].as_array().unwrap();
    let cards: Vec<&Value> = members
        .iter()
        .filter(|m| m["state"]["Code"].is_object())
        .collect();
    // The new accounts' cards, beside the demo's members' cards still waiting.
    let new_cards = cards
        .iter()
        .filter(|m| taken_in.contains(&m["member_id"].as_i64().unwrap()))
        .count();
    assert_eq!(new_cards as i64, missing);
    for card in &cards {
        let code = &card["state"]["Code"];
        assert_eq!(typed_code(code["code"].as_str().unwrap()).len(), 8);
        assert!(
            code["qr_svg"].as_str().unwrap().starts_with("<svg"),
            "{card}"
        );
        assert_eq!(code["last_day"], (today() + Duration::days(14)).to_string());
    }
    let member1 = members
        .iter()
        .find(|m| m["username"] == "member1")
        .expect("member1 is listed");
    assert_eq!(member1["state"], "OwnPassword");

    // Again: nobody is left without an account, and no code changes.
    let res = app
        .call("auth/issue_cell_codes", &form, Some(&secretary))
        .await;
    assert_eq!(res.json(), 0);
    let again = app
        .call("org/sign_ins", &form, Some(&secretary))
        .await
        .json();
    assert_eq!(again["members"], page["members"]);
    // A card's code signs its member in.
    let card = cards
        .iter()
        .find(|m| taken_in.contains(&m["member_id"].as_i64().unwrap()))
        .unwrap();
    let res = sign_in_with(
        &app,
        card["username"].as_str().unwrap(),
        card["state"]["Code"]["code"].as_str().unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}
