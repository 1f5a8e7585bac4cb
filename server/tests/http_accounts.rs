//! HTTP tests of the ward's accounts: the committee makes accounts (handed on as one-time
//! codes), gives and takes roles, links member records, resets and deactivates; the ward
//! never loses its last committee account; nobody else changes anything.

mod common;

use common::*;
use http::StatusCode;
use serde_json::Value;

type Args = Vec<(&'static str, String)>;

fn create_args(ward: i64, name: &str, username: &str, role: &str, unit: i64, member: &str) -> Args {
    vec![
        ("ward", ward.to_string()),
        ("display_name", name.into()),
        ("username", username.into()),
        ("role", role.into()),
        ("unit", unit.to_string()),
        ("member", member.into()),
    ]
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.id(&format!(
        "SELECT id FROM users WHERE username = '{username}'"
    ))
    .await
}

async fn version_of(app: &TestApp, account: i64) -> i64 {
    app.id(&format!("SELECT version FROM users WHERE id = {account}"))
        .await
}

/// The arguments of a change to an account, at its version now.
async fn change(app: &TestApp, ward: i64, account: i64, more: &[(&'static str, String)]) -> Args {
    let mut args = vec![("ward", ward.to_string()), ("account", account.to_string())];
    args.extend_from_slice(more);
    args.push(("version", version_of(app, account).await.to_string()));
    args
}

/// The ward's accounts as its page reads them, by username.
async fn listed(app: &TestApp, ward: i64, cookie: &str) -> Value {
    let res = app
        .call("org/accounts", &[("ward", ward.to_string())], Some(cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

fn account<'a>(list: &'a Value, username: &str) -> &'a Value {
    list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap_or_else(|| panic!("{username} is not listed"))
}

async fn counts(app: &TestApp) -> (i64, i64, i64) {
    (
        app.id("SELECT COUNT(*) FROM users").await,
        app.id("SELECT COUNT(*) FROM user_roles").await,
        app.id("SELECT COUNT(*) FROM users WHERE active = 1").await,
    )
}

#[tokio::test]
async fn the_committee_makes_an_account_that_signs_in_with_its_code() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let cell = app.cell(1).await;
    let committee = app.sign_in("committee").await;

    let res = app
        .call(
            "org/create_account",
            &create_args(ward, "  Trần   Văn Bảo ", "", "secretary", cell, ""),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = res.json().as_i64().unwrap();
    assert_eq!(
        user_id(&app, "bao.tran").await,
        id,
        "the username comes from the name"
    );
    let list = listed(&app, ward, &committee).await;
    let made = account(&list, "bao.tran");
    assert_eq!(made["display_name"], "Trần Văn Bảo");
    assert_eq!(made["roles"][0]["role"], "Secretary");
    assert_eq!(made["roles"][0]["unit_id"], cell);
    assert_eq!(made["active"], true);
    assert_eq!(made["last_sign_in"], Value::Null);
    let printed = made["password"]["Code"]["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(audit_count(&app, "account_created").await, 1);

    // The code signs the new secretary in, once, to choose a password.
    let code = printed.replace(' ', "");
    let res = sign_in_on(&app.router, "bao.tran", &code).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["must_choose_password"], true);
    let list = listed(&app, ward, &committee).await;
    let made = account(&list, "bao.tran");
    assert_eq!(made["password"], "NoPasswordYet");
    assert!(made["last_sign_in"].is_string(), "{made}");

    // A member of the ward without an account, linked with the member role in their cell.
    let member_cell = app.cell(1).await;
    let member = new_member(&app, member_cell, "Đinh Thị Lan").await;
    let free = |list: &Value| {
        list["free_members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == member)
    };
    assert!(free(&listed(&app, ward, &committee).await));
    let res = app
        .call(
            "org/create_account",
            &create_args(
                ward,
                "Đảng viên Mới",
                "dv.moi",
                "member",
                member_cell,
                &member.to_string(),
            ),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = listed(&app, ward, &committee).await;
    assert_eq!(account(&list, "dv.moi")["member"][0], member);
    assert!(!free(&list), "a linked member is no longer offered");
}

#[tokio::test]
async fn bad_accounts_are_refused_by_name_and_nothing_is_written() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let cell = app.cell(0).await;
    let committee = app.sign_in("committee").await;
    let _ = second_ward_committee(&app).await;
    let other_ward = app
        .id("SELECT id FROM org_units WHERE code = 'X-BEN-CANH'")
        .await;
    let taken_member = app.member_of("member1").await;
    let before = counts(&app).await;
    let cases: Vec<(Args, (&str, &str))> = vec![
        (
            create_args(ward, "", "", "viewer", ward, ""),
            ("display_name", "Required"),
        ),
        (
            create_args(ward, "Người A", "secretary1", "viewer", ward, ""),
            ("username", "Taken"),
        ),
        (
            create_args(ward, "Người A", "Bí Thư", "viewer", ward, ""),
            ("username", "BadFormat"),
        ),
        (
            create_args(ward, "Người A", "", "admin", ward, ""),
            ("role", "UnknownChoice"),
        ),
        (
            create_args(ward, "Người A", "", "committee", cell, ""),
            ("role", "UnknownChoice"),
        ),
        (
            create_args(ward, "Người A", "", "secretary", ward, ""),
            ("role", "UnknownChoice"),
        ),
        (
            create_args(ward, "Người A", "", "member", cell, ""),
            ("role", "RoleNeedsMember"),
        ),
        (
            create_args(ward, "Người A", "", "viewer", other_ward, ""),
            ("unit", "UnknownChoice"),
        ),
        (
            create_args(ward, "Người A", "", "viewer", 987_654, ""),
            ("unit", "UnknownChoice"),
        ),
        (
            create_args(ward, "Người A", "", "viewer", ward, "abc"),
            ("member", "UnknownChoice"),
        ),
        (
            create_args(
                ward,
                "Người A",
                "",
                "viewer",
                ward,
                &taken_member.to_string(),
            ),
            ("member", "Taken"),
        ),
    ];
    for (args, (field, problem)) in cases {
        let res = app
            .call("org/create_account", &args, Some(&committee))
            .await;
        assert_eq!(invalid(&res), (field.into(), problem.into()), "{args:?}");
    }
    assert_eq!(counts(&app).await, before, "nothing half-written");
    assert_eq!(audit_count(&app, "account_created").await, 0);
}

#[tokio::test]
async fn roles_come_and_go_but_the_last_committee_account_stays() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let me = user_id(&app, "committee").await;
    let secretary = user_id(&app, "secretary1").await;

    // A viewer's role at the ward for the secretary, from a stale form refused.
    let stale = {
        let mut a = change(
            &app,
            ward,
            secretary,
            &[("role", "viewer".into()), ("unit", ward.to_string())],
        )
        .await;
        a.last_mut().unwrap().1 = "0".into();
        a
    };
    let res = app.call("org/grant_role", &stale, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    let grant = change(
        &app,
        ward,
        secretary,
        &[("role", "viewer".into()), ("unit", ward.to_string())],
    )
    .await;
    let res = app.call("org/grant_role", &grant, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = listed(&app, ward, &committee).await;
    let roles: Vec<&str> = account(&list, "secretary1")["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles[0], "Viewer", "the ward's role first: {roles:?}");
    assert!(roles.contains(&"Secretary"), "{roles:?}");
    let revoke = change(
        &app,
        ward,
        secretary,
        &[("role", "viewer".into()), ("unit", ward.to_string())],
    )
    .await;
    let res = app.call("org/revoke_role", &revoke, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // A role the account does not hold is not one to take.
    let again = change(
        &app,
        ward,
        secretary,
        &[("role", "viewer".into()), ("unit", ward.to_string())],
    )
    .await;
    let res = app.call("org/revoke_role", &again, Some(&committee)).await;
    assert_eq!(invalid(&res), ("role".into(), "UnknownChoice".into()));

    // The committee cannot leave the ward without a committee account.
    let own = change(
        &app,
        ward,
        me,
        &[("role", "committee".into()), ("unit", ward.to_string())],
    )
    .await;
    let res = app.call("org/revoke_role", &own, Some(&committee)).await;
    assert_eq!(invalid(&res), ("account".into(), "LastCommittee".into()));
    let off = change(&app, ward, me, &[("active", "false".into())]).await;
    let res = app
        .call("org/set_account_active", &off, Some(&committee))
        .await;
    assert_eq!(invalid(&res), ("account".into(), "LastCommittee".into()));
    let holders = app
        .id(&format!(
            "SELECT COUNT(*) FROM user_roles WHERE role = 'committee' AND org_unit_id = {ward}"
        ))
        .await;
    assert_eq!(holders, 1);
    assert_eq!(audit_count(&app, "role_granted").await, 1);
    assert_eq!(audit_count(&app, "role_revoked").await, 1);

    // With a second committee account, the first may step down.
    let res = app
        .call(
            "org/create_account",
            &create_args(
                ward,
                "Phó Bí thư Đảng ủy",
                "pho.bithu",
                "committee",
                ward,
                "",
            ),
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let own = change(
        &app,
        ward,
        me,
        &[("role", "committee".into()), ("unit", ward.to_string())],
    )
    .await;
    let res = app.call("org/revoke_role", &own, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .call(
            "org/accounts",
            &[("ward", ward.to_string())],
            Some(&committee),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no longer the committee");
}

#[tokio::test]
async fn a_deactivated_account_is_signed_out_at_once_and_can_come_back() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let member1 = app.sign_in("member1").await;
    let id = user_id(&app, "member1").await;
    let before = app.call("org/my_households", &[], Some(&member1)).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);

    let off = change(&app, ward, id, &[("active", "false".into())]).await;
    let res = app
        .call("org/set_account_active", &off, Some(&committee))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let after = app.call("org/my_households", &[], Some(&member1)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "the session ended");
    let res = sign_in_on(&app.router, "member1", app::demo::DEMO_PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let list = listed(&app, ward, &committee).await;
    assert_eq!(account(&list, "member1")["active"], false);
    // A new code is not given to an account that does not sign in.
    let reset = change(&app, ward, id, &[]).await;
    let res = app
        .call("org/reset_sign_in", &reset, Some(&committee))
        .await;
    assert_eq!(invalid(&res), ("member".into(), "Deactivated".into()));

    let on = change(&app, ward, id, &[("active", "true".into())]).await;
    let res = app
        .call("org/set_account_active", &on, Some(&committee))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = sign_in_on(&app.router, "member1", app::demo::DEMO_PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(audit_count(&app, "account_deactivated").await, 1);
    assert_eq!(audit_count(&app, "account_reactivated").await, 1);

    // A reset ends the sessions and the old password; the new code signs in.
    let member1 = app.sign_in("member1").await;
    let reset = change(&app, ward, id, &[]).await;
    let res = app
        .call("org/reset_sign_in", &reset, Some(&committee))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let after = app.call("org/my_households", &[], Some(&member1)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "the session ended");
    let res = sign_in_on(&app.router, "member1", app::demo::DEMO_PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "the old password ended"
    );
    let list = listed(&app, ward, &committee).await;
    let code = account(&list, "member1")["password"]["Code"]["code"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    let res = sign_in_on(&app.router, "member1", &code).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

#[tokio::test]
async fn linking_follows_the_member_role() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let committee = app.sign_in("committee").await;
    let id = user_id(&app, "member1").await;
    // member1 holds the member role in their cell: unlinking would leave it meaningless.
    let unlink = change(&app, ward, id, &[("member", String::new())]).await;
    let res = app.call("org/link_member", &unlink, Some(&committee)).await;
    assert_eq!(invalid(&res), ("member".into(), "RoleNeedsMember".into()));
    // The viewer may be linked to a free member, and unlinked again.
    let viewer = user_id(&app, "viewer").await;
    let free = new_member(&app, app.cell(0).await, "Đinh Thị Lan").await;
    let link = change(&app, ward, viewer, &[("member", free.to_string())]).await;
    let res = app.call("org/link_member", &link, Some(&committee)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.id(&format!("SELECT member_id FROM users WHERE id = {viewer}"))
            .await,
        free
    );
    // Someone else's member is not free.
    let taken = app.member_of("member2").await;
    let link = change(&app, ward, viewer, &[("member", taken.to_string())]).await;
    let res = app.call("org/link_member", &link, Some(&committee)).await;
    assert_eq!(invalid(&res), ("member".into(), "Taken".into()));
    assert_eq!(audit_count(&app, "member_linked").await, 1);
}

#[tokio::test]
async fn only_the_wards_committee_keeps_its_accounts() {
    let app = app().await;
    let ward = first_ward(&app).await;
    let cell = app.cell(0).await;
    let other_ward_cookie = second_ward_committee(&app).await;
    let other_ward = app
        .id("SELECT id FROM org_units WHERE code = 'X-BEN-CANH'")
        .await;
    let target = user_id(&app, "member2").await;
    let snapshot = || async {
        sqlx::query_as::<_, (i64, String, bool, i64, Option<i64>)>(
            "SELECT id, password_hash, active, version, member_id FROM users ORDER BY id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    let roles = || async {
        sqlx::query_as::<_, (i64, String, i64)>(
            "SELECT user_id, role, org_unit_id FROM user_roles ORDER BY id",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    let (users_before, roles_before) = (snapshot().await, roles().await);
    let mut callers: Vec<(&str, Option<String>, i64)> = vec![("nobody", None, ward)];
    for who in ["member1", "secretary1", "viewer"] {
        callers.push((who, Some(app.sign_in(who).await), ward));
    }
    callers.push(("committee.other", Some(other_ward_cookie.clone()), ward));
    // Another ward's committee, naming its own ward: the account is not one of its ward's.
    callers.push(("committee.other", Some(other_ward_cookie), other_ward));
    for (who, cookie, ward) in &callers {
        let cookie = cookie.as_deref();
        let ward = *ward;
        let expected = if cookie.is_none() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        };
        let calls: Vec<(&str, Args)> = vec![
            ("org/accounts", vec![("ward", ward.to_string())]),
            (
                "org/create_account",
                create_args(ward, "Người Lạ", "", "viewer", ward, ""),
            ),
            (
                "org/grant_role",
                change(
                    &app,
                    ward,
                    target,
                    &[("role", "viewer".into()), ("unit", cell.to_string())],
                )
                .await,
            ),
            (
                "org/revoke_role",
                change(
                    &app,
                    ward,
                    target,
                    &[("role", "member".into()), ("unit", cell.to_string())],
                )
                .await,
            ),
            (
                "org/set_account_active",
                change(&app, ward, target, &[("active", "false".into())]).await,
            ),
            (
                "org/link_member",
                change(&app, ward, target, &[("member", String::new())]).await,
            ),
            ("org/reset_sign_in", change(&app, ward, target, &[]).await),
        ];
        for (endpoint, args) in calls {
            // Another ward's committee may make accounts in its own ward: not checked here.
            if endpoint == "org/create_account" && *who == "committee.other" && ward == other_ward {
                continue;
            }
            let res = app.call(endpoint, &args, cookie).await;
            if endpoint == "org/accounts" && *who == "committee.other" && ward == other_ward {
                assert_eq!(res.status, StatusCode::OK, "{}", res.body);
                let list = res.json();
                assert!(
                    list["accounts"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|a| a["username"] != "member2"),
                    "another ward's list holds none of this ward's accounts"
                );
                continue;
            }
            assert_eq!(res.status, expected, "{who} → {endpoint}: {}", res.body);
        }
    }
    assert_eq!(snapshot().await, users_before, "no account changed");
    assert_eq!(roles().await, roles_before, "no role changed");
}
