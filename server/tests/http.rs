//! HTTP tests of sign-in and the org pages: the whole router, called without a socket,
//! on a fresh demo database each. Every server function is checked for who may call it.

mod common;

use app::demo;
use axum::body::Body;
use common::*;
use http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

#[tokio::test]
async fn health_answers() {
    let app = app().await;
    let res = app.page("/health", None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["status"], "ok");
}

#[tokio::test]
async fn sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it() {
    let app = app().await;
    let res = app
        .call(
            "auth/sign_in",
            &[
                ("form[username]", "Committee ".to_string()),
                ("form[password]", demo::DEMO_PASSWORD.to_string()),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cookie = res
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("ganbo_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(res.json()["username"], "committee");
    assert_eq!(res.headers.get(header::LOCATION).unwrap(), "/cells");
    let session = cookie.split(';').next().unwrap().to_string();

    let me = app.call("auth/me", &[], Some(&session)).await;
    assert_eq!(me.json()["username"], "committee");

    let out = app.call("auth/sign_out", &[], Some(&session)).await;
    assert_eq!(out.status, StatusCode::OK);
    let me = app.call("auth/me", &[], Some(&session)).await;
    assert_eq!(me.json(), Value::Null);
    let cells = app.call("org/cells", &[], Some(&session)).await;
    assert_eq!(cells.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled() {
    let app = app().await;
    let attempt = |password: &'static str| {
        let app = &app;
        async move {
            app.call(
                "auth/sign_in",
                &[
                    ("form[username]", "member2".to_string()),
                    ("form[password]", password.to_string()),
                ],
                None,
            )
            .await
        }
    };
    for _ in 0..5 {
        let res = attempt("wrong").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.headers.get(header::SET_COOKIE).is_none());
        assert_eq!(res.json(), serde_json::json!("BadCredentials"));
    }
    // Even the right password is refused while the username is locked.
    let res = attempt(demo::DEMO_PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.json()["TooManyAttempts"]["minutes"].as_u64().unwrap() >= 1);
    // Other people are not affected.
    app.sign_in("member1").await;
}

#[tokio::test]
async fn unknown_users_get_the_same_answer_as_wrong_passwords() {
    let app = app().await;
    let res = app
        .call(
            "auth/sign_in",
            &[
                ("form[username]", "nobody".to_string()),
                ("form[password]", "x".to_string()),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json(), serde_json::json!("BadCredentials"));
}

#[tokio::test]
async fn empty_sign_in_fields_are_named_in_the_refusal() {
    let app = app().await;
    let res = app
        .call(
            "auth/sign_in",
            &[
                ("form[username]", "  ".to_string()),
                ("form[password]", "x".to_string()),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "username");
    let attempts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_attempts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 0, "a refused form is not an attempt");
}

#[tokio::test]
async fn a_plain_form_post_is_redirected_with_its_error() {
    let app = app().await;
    let body = "form%5Busername%5D=viewer&form%5Bpassword%5D=wrong&form%5Bnext%5D=%2Fcells";
    let req = Request::post("/api/auth/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://localhost/login")
        .body(Body::from(body))
        .unwrap();
    let res = read(app.router.clone().oneshot(req).await.unwrap()).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(
        res.headers.get(header::LOCATION).unwrap(),
        "/login?error=credentials&next=%2Fcells"
    );
}

#[tokio::test]
async fn every_server_function_refuses_strangers() {
    let app = app().await;
    let cell = app.cell(0).await;
    let member = app.member_of("member1").await;
    let household = app
        .id(&format!("SELECT household_id FROM assignments WHERE member_id = {member} AND ended_at IS NULL LIMIT 1"))
        .await;
    let calls: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("org/cells", vec![]),
        ("org/cell", vec![("cell", cell.to_string())]),
        ("org/cell_summary", vec![("cell", cell.to_string())]),
        ("org/members", page_args(cell)),
        ("org/households", page_args(cell)),
        ("org/member", vec![("member", member.to_string())]),
        ("org/household", vec![("household", household.to_string())]),
        ("org/my_households", vec![]),
    ];
    for (endpoint, args) in calls {
        let res = app.call(endpoint, &args, None).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            res.body
        );
        assert_eq!(
            res.json(),
            serde_json::json!("Unauthenticated"),
            "{endpoint}"
        );
    }
    // Public: who is signed in (nobody), and whether this is the demo.
    assert_eq!(app.call("auth/me", &[], None).await.json(), Value::Null);
    assert_eq!(
        app.call("auth/sign_in_info", &[], None).await.json()["demo"],
        true
    );
}

#[tokio::test]
async fn a_secretary_cannot_touch_another_cell() {
    let app = app().await;
    let cookie = app.sign_in("secretary1").await;
    let own = app.cell(0).await;
    let other = app.cell(1).await;

    let cells = app.call("org/cells", &[], Some(&cookie)).await.json();
    let ids: Vec<i64> = cells
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![own]);

    assert_eq!(
        app.call("org/cell", &[("cell", own.to_string())], Some(&cookie))
            .await
            .status,
        StatusCode::OK
    );
    for (endpoint, args) in [
        ("org/cell", vec![("cell", other.to_string())]),
        ("org/cell_summary", vec![("cell", other.to_string())]),
        ("org/members", page_args(other)),
        ("org/households", page_args(other)),
    ] {
        let res = app.call(endpoint, &args, Some(&cookie)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            res.body
        );
        assert_eq!(res.json(), serde_json::json!("Forbidden"));
    }
    let foreign_member = app
        .id(&format!(
            "SELECT id FROM members WHERE cell_id = {other} LIMIT 1"
        ))
        .await;
    let foreign_household = app
        .id(&format!(
            "SELECT id FROM households WHERE cell_id = {other} LIMIT 1"
        ))
        .await;
    let res = app
        .call(
            "org/member",
            &[("member", foreign_member.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "org/household",
            &[("household", foreign_household.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // An id that does not exist is answered like one out of scope.
    let res = app
        .call(
            "org/household",
            &[("household", "999999".into())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Their own cell is open to them.
    let members = app
        .call("org/members", &page_args(own), Some(&cookie))
        .await;
    assert_eq!(members.status, StatusCode::OK);
    assert!(members.json()["total"].as_i64().unwrap() >= 36);
}

#[tokio::test]
async fn a_member_sees_only_their_own_households() {
    let app = app().await;
    let cookie = app.sign_in("member1").await;
    let me = app.member_of("member1").await;
    let cell = app.cell(0).await;

    let mine = app
        .call("org/my_households", &[], Some(&cookie))
        .await
        .json();
    let mine: Vec<i64> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = sqlx::query_scalar(
        "SELECT household_id FROM assignments WHERE member_id = $1 AND ended_at IS NULL ORDER BY household_id",
    )
    .bind(me)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut sorted = mine.clone();
    sorted.sort();
    assert_eq!(sorted, expected);

    // Their own household opens; a neighbour's, in the same cell, does not.
    let res = app
        .call(
            "org/household",
            &[("household", mine[0].to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let neighbour = app
        .id(&format!(
            "SELECT h.id FROM households h LEFT JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
             WHERE h.cell_id = {cell} AND (a.member_id IS NULL OR a.member_id <> {me}) LIMIT 1"
        ))
        .await;
    let res = app
        .call(
            "org/household",
            &[("household", neighbour.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Their own record opens; another member's does not; nor do the cell's lists.
    assert_eq!(
        app.call("org/member", &[("member", me.to_string())], Some(&cookie))
            .await
            .status,
        StatusCode::OK
    );
    let other = app.member_of("member2").await;
    assert_eq!(
        app.call(
            "org/member",
            &[("member", other.to_string())],
            Some(&cookie)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    for (endpoint, args) in [
        ("org/cell", vec![("cell", cell.to_string())]),
        ("org/cell_summary", vec![("cell", cell.to_string())]),
        ("org/members", page_args(cell)),
        ("org/households", page_args(cell)),
    ] {
        let res = app.call(endpoint, &args, Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    assert_eq!(
        app.call("org/cells", &[], Some(&cookie)).await.json(),
        serde_json::json!([])
    );
}

#[tokio::test]
async fn the_committee_and_the_viewer_see_the_whole_ward() {
    let app = app().await;
    for user in ["committee", "viewer"] {
        let cookie = app.sign_in(user).await;
        let cells = app.call("org/cells", &[], Some(&cookie)).await.json();
        assert_eq!(cells.as_array().unwrap().len(), 3, "{user}");
        let third = app.cell(2).await;
        let info = app
            .call("org/cell", &[("cell", third.to_string())], Some(&cookie))
            .await
            .json();
        assert_eq!(info["can_write"], user == "committee", "{user}");
    }
}

#[tokio::test]
async fn bad_input_gets_a_named_refusal() {
    let app = app().await;
    let cookie = app.sign_in("secretary1").await;
    let cell = app.cell(0).await;
    let mut args = page_args(cell);
    args[1].1 = "x".repeat(101);
    let res = app.call("org/members", &args, Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "query");

    let mut args = page_args(cell);
    args[2].1 = "0".into();
    let res = app.call("org/households", &args, Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Invalid"]["field"], "page");

    let res = app
        .call("org/households", &[("cell", "abc".into())], Some(&cookie))
        .await;
    assert!(
        res.status.is_client_error() || res.status.is_server_error(),
        "{}",
        res.status
    );
    assert_ne!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn search_ignores_diacritics_over_http() {
    let app = app().await;
    let cookie = app.sign_in("committee").await;
    let cell = app.cell(0).await;
    let mut args = page_args(cell);
    args[1].1 = "nguyen van".into();
    let res = app
        .call("org/households", &args, Some(&cookie))
        .await
        .json();
    let items = res["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for h in items {
        assert!(
            h["head_name"].as_str().unwrap().starts_with("Nguyễn Văn "),
            "{h}"
        );
    }
    args[1].1 = "NGUYỄN".into();
    let res = app.call("org/members", &args, Some(&cookie)).await.json();
    let items = res["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for m in items {
        assert!(
            m["full_name"].as_str().unwrap().starts_with("Nguyễn "),
            "{m}"
        );
    }
}

#[tokio::test]
async fn pages_send_strangers_to_sign_in_and_refuse_other_cells() {
    let app = app().await;
    let res = app.page("/cells", None).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(
        res.headers.get(header::LOCATION).unwrap(),
        "/login?next=%2Fcells"
    );

    let login = app.page("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("<html lang=\"vi\""), "Vietnamese first");
    assert!(login.body.contains("Đăng nhập"));

    let cookie = app.sign_in("secretary1").await;
    let other = app.cell(1).await;
    let res = app
        .page(&format!("/cells/{other}/members"), Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(!res.body.contains("<table"));

    let own = app.cell(0).await;
    let res = app
        .page(&format!("/cells/{own}/members"), Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<table"), "server-rendered list");
    assert_eq!(res.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
}

#[tokio::test]
async fn english_is_chosen_by_cookie_only() {
    let app = app().await;
    let req = Request::get("/login")
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .body(Body::empty())
        .unwrap();
    let res = read(app.router.clone().oneshot(req).await.unwrap()).await;
    assert!(res.body.contains("<html lang=\"vi\""));
    let res = app.page("/login", Some("i18n_pref_locale=en")).await;
    assert!(
        res.body.contains("<html lang=\"en\""),
        "{}",
        &res.body[..200]
    );
    assert!(res.body.contains("Sign in"));
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let app = app().await;
    let res = app.page("/khong-co", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Không tìm thấy trang"));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_goes_back() {
    let app = app().await;
    let req = Request::post("/api/i18n/set_language")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from("lang=en&back=%2Flogin%3Fnext%3D%252Fcells"))
        .unwrap();
    let res = read(app.router.clone().oneshot(req).await.unwrap()).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(
        res.headers.get(header::LOCATION).unwrap(),
        "/login?next=%2Fcells"
    );
    let cookie = res
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.starts_with("i18n_pref_locale=en;"), "{cookie}");

    // Somewhere else than this site is not followed; an unknown language changes nothing.
    let res = app
        .call(
            "i18n/set_language",
            &[
                ("lang", "en".into()),
                ("back", "https://evil.example/".into()),
            ],
            None,
        )
        .await;
    assert_eq!(res.headers.get(header::LOCATION).unwrap(), "/");
    let res = app
        .call(
            "i18n/set_language",
            &[("lang", "fr".into()), ("back", "/".into())],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.headers.get(header::SET_COOKIE).is_none());
}
