//! HTTP tests of sign-in under pressure: a parallel burst gets no more tries than a slow
//! one, the answer says when to come back, addresses behind a trusted proxy are the
//! clients', the cell's secretary lifts a lock, and a person changes their own password.

mod common;

use std::net::SocketAddr;

use app::demo;
use app::server::auth::{MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_USERNAME};
use axum::body::Body;
use axum::extract::ConnectInfo;
use common::*;
use http::{Request, StatusCode, header};

/// A sign-in form post from `peer`, optionally through a proxy header.
async fn sign_in_from(
    router: &axum::Router,
    username: &str,
    password: &str,
    peer: &str,
    forwarded_for: Option<&str>,
) -> Answer {
    let body =
        serde_urlencoded::to_string([("form[username]", username), ("form[password]", password)])
            .unwrap();
    let mut req = Request::post("/api/auth/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    read(
        tower::ServiceExt::oneshot(router.clone(), req)
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_parallel_burst_of_wrong_passwords_gets_no_more_than_five_tries() {
    let app = app().await;
    let burst = 24;
    let tries = (0..burst).map(|i| {
        let router = app.router.clone();
        tokio::spawn(async move {
            sign_in_from(
                &router,
                "member2",
                "wrong",
                &format!("198.51.100.{}:4000", i + 1),
                None,
            )
            .await
        })
    });
    let answers: Vec<Answer> = futures_util::future::join_all(tries)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let wrong = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNAUTHORIZED)
        .count();
    let held_back = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(wrong + held_back, burst, "every answer is 401 or 429");
    assert!(
        wrong as i64 <= MAX_FAILURES_PER_USERNAME,
        "{wrong} passwords were checked"
    );
    for a in answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
    {
        let after: u64 = a.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(after >= 1, "Retry-After: {after}");
    }
    // The username is locked now, even for the right password, and says until when.
    let res = sign_in_from(
        &app.router,
        "member2",
        demo::DEMO_PASSWORD,
        "198.51.100.99:1",
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    let lock = &res.json()["TooManyAttempts"];
    let minutes = lock["minutes"].as_u64().unwrap();
    assert!((1..=15).contains(&minutes), "{minutes}");
    let until = lock["until"].as_str().unwrap();
    assert!(
        until.len() == 5 && until.as_bytes()[2] == b':',
        "until {until}"
    );
    let retry: u64 = res.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, minutes * 60);
    // Checking and recording were one step each time: the record agrees.
    let failures = app
        .id("SELECT COUNT(*) FROM sign_in_attempts WHERE username = 'member2' AND succeeded = 0")
        .await;
    assert_eq!(failures, wrong as i64);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_address() {
    let app = empty_app().await;
    demo::seed_if_empty(&app.pool, today()).await.unwrap();
    let proxied = {
        let store = ganbo_server::session_store(&app.pool).await.unwrap();
        ganbo_server::router(
            app::server::AppState {
                pool: app.pool.clone(),
                leptos_options: leptos::prelude::LeptosOptions::builder()
                    .output_name("ganbo")
                    .site_root("target/site")
                    .build(),
                live: Default::default(),
                clock: clock(),
                trusted_proxies: app::server::client_addr::TrustedProxies::parse("127.0.0.1")
                    .unwrap(),
            },
            store,
        )
    };
    // Thirty failures of one client, through the proxy, on several usernames.
    for i in 0..MAX_FAILURES_PER_ADDRESS {
        let user = format!("nobody{}", i % 6);
        let res = sign_in_from(&proxied, &user, "x", "127.0.0.1:5000", Some("203.0.113.5")).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{i}: {}", res.body);
    }
    // That client is locked out …
    let res = sign_in_from(
        &proxied,
        "viewer",
        demo::DEMO_PASSWORD,
        "127.0.0.1:5000",
        Some("203.0.113.5"),
    )
    .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // … but another client of the same proxy is not.
    let res = sign_in_from(
        &proxied,
        "viewer",
        demo::DEMO_PASSWORD,
        "127.0.0.1:5000",
        Some("203.0.113.6"),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // A client that is not the proxy cannot pick its address with the header.
    let recorded = app
        .id("SELECT COUNT(*) FROM sign_in_attempts WHERE remote_addr = '203.0.113.5'")
        .await;
    assert_eq!(recorded, MAX_FAILURES_PER_ADDRESS);
    let res = sign_in_from(
        &proxied,
        "nobody",
        "x",
        "198.51.100.20:7",
        Some("203.0.113.6"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let own = app
        .id("SELECT COUNT(*) FROM sign_in_attempts WHERE remote_addr = '198.51.100.20'")
        .await;
    assert_eq!(own, 1, "recorded under the peer's own address");
    // Without the setting, the header is ignored: everyone is the proxy.
    let res = sign_in_from(
        &app.router,
        "nobody",
        "x",
        "127.0.0.1:5000",
        Some("203.0.113.9"),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let as_proxy = app
        .id("SELECT COUNT(*) FROM sign_in_attempts WHERE remote_addr = '127.0.0.1'")
        .await;
    assert_eq!(as_proxy, 1);
}

#[tokio::test]
async fn the_cells_secretary_lifts_a_lock_and_others_cannot() {
    let app = app().await;
    let member = app.member_of("member1").await;
    for _ in 0..MAX_FAILURES_PER_USERNAME {
        let res = sign_in_from(&app.router, "member1", "wrong", "198.51.100.1:1", None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // The secretary sees the lock on the member's page.
    let secretary = app.sign_in("secretary1").await;
    let page = app
        .call(
            "org/member",
            &[("member", member.to_string())],
            Some(&secretary),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.json()["account"]["username"], "member1");
    assert!(page.json()["account"]["locked"].is_array(), "{}", page.body);
    // Others may not lift it: strangers, the member themself, another cell, the viewer.
    let unlock = |cookie: Option<String>| {
        let app = &app;
        async move {
            app.call(
                "auth/unlock",
                &[("member", member.to_string())],
                cookie.as_deref(),
            )
            .await
            .status
        }
    };
    assert_eq!(unlock(None).await, StatusCode::UNAUTHORIZED);
    for who in ["member2", "secretary2", "viewer"] {
        let cookie = app.sign_in(who).await;
        assert_eq!(unlock(Some(cookie)).await, StatusCode::FORBIDDEN, "{who}");
    }
    let res = sign_in_from(
        &app.router,
        "member1",
        demo::DEMO_PASSWORD,
        "198.51.100.1:1",
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "still locked");
    // The secretary lifts it, and it is audited.
    assert_eq!(unlock(Some(secretary.clone())).await, StatusCode::OK);
    let audited = app
        .id("SELECT COUNT(*) FROM audit_log WHERE action = 'unlock_sign_in'")
        .await;
    assert_eq!(audited, 1);
    let page = app
        .call(
            "org/member",
            &[("member", member.to_string())],
            Some(&secretary),
        )
        .await;
    assert!(page.json()["account"]["locked"].is_null());
    let res = sign_in_from(
        &app.router,
        "member1",
        demo::DEMO_PASSWORD,
        "198.51.100.1:1",
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The committee may lift it too.
    let committee = app.sign_in("committee").await;
    assert_eq!(unlock(Some(committee)).await, StatusCode::OK);
    // The member's own page does not show their sign-in to them.
    let own = app.sign_in("member1").await;
    let page = app
        .call("org/member", &[("member", member.to_string())], Some(&own))
        .await;
    assert!(page.json()["account"].is_null());
}

/// The password change form, as the account page posts it.
fn change(current: &str, password: &str, again: &str) -> Vec<(&'static str, String)> {
    vec![
        ("form[current]", current.to_string()),
        ("form[password]", password.to_string()),
        ("form[password_again]", again.to_string()),
    ]
}

/// A sign-in with `password`: its status.
async fn sign_in_status(app: &TestApp, username: &str, password: &str) -> StatusCode {
    app.call(
        "auth/sign_in",
        &[
            ("form[username]", username.to_string()),
            ("form[password]", password.to_string()),
        ],
        None,
    )
    .await
    .status
}

/// The session cookie an answer set, or the one sent when it set none.
fn session_after(res: &Answer, sent: &str) -> String {
    res.headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map_or_else(|| sent.to_string(), str::to_string)
}

const NEW_PASSWORD: &str = "vuon rau cua ba 1957";

#[tokio::test]
async fn a_changed_password_ends_every_other_session_and_keeps_this_one() {
    let app = app().await;
    let here = app.sign_in("member1").await;
    let elsewhere = app.sign_in("member1").await;
    let res = app
        .call(
            "auth/change_password",
            &change(demo::DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            Some(&here),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let here = session_after(&res, &here);
    let me = app.call("auth/me", &[], Some(&here)).await.json();
    assert_eq!(me["username"], "member1", "this session stays signed in");
    let other = app.call("auth/me", &[], Some(&elsewhere)).await.json();
    assert_eq!(
        other,
        serde_json::Value::Null,
        "the other session has ended"
    );
    assert_eq!(
        sign_in_status(&app, "member1", demo::DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(&app, "member1", NEW_PASSWORD).await,
        StatusCode::OK
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.entity_id \
         WHERE a.action = 'user.password_changed' AND u.username = 'member1' \
         AND a.user_id = u.id AND a.after_json IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1, "audited, without the password");
}

#[tokio::test]
async fn a_wrong_or_weak_password_is_refused_by_name_and_changes_nothing() {
    let app = app().await;
    let cookie = app.sign_in("member2").await;
    let hash = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT password_hash FROM users WHERE username = 'member2'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let before = hash().await;
    let refused = [
        (
            change("sai-mat-khau", NEW_PASSWORD, NEW_PASSWORD),
            "current_password",
            "Wrong",
        ),
        (
            change("", NEW_PASSWORD, NEW_PASSWORD),
            "current_password",
            "Required",
        ),
        (
            change(demo::DEMO_PASSWORD, NEW_PASSWORD, "vuon rau"),
            "new_password",
            "Mismatch",
        ),
        (
            change(demo::DEMO_PASSWORD, "12345678", "12345678"),
            "new_password",
            "TooEasy",
        ),
        (
            change(demo::DEMO_PASSWORD, "member2-abc", "member2-abc"),
            "new_password",
            "TooEasy",
        ),
        (
            change(demo::DEMO_PASSWORD, "ngan", "ngan"),
            "new_password",
            "TooShort",
        ),
        (
            change(
                demo::DEMO_PASSWORD,
                demo::DEMO_PASSWORD,
                demo::DEMO_PASSWORD,
            ),
            "new_password",
            "Unchanged",
        ),
    ];
    for (form, field, problem) in refused {
        let res = app.call("auth/change_password", &form, Some(&cookie)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} {problem}: {}",
            res.body
        );
        let err = &res.json()["Invalid"];
        assert_eq!(err["field"], field, "{}", res.body);
        let got = err["problem"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| {
                err["problem"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .clone()
            });
        assert_eq!(got, problem, "{}", res.body);
    }
    assert_eq!(hash().await, before, "nothing changed");
    let me = app.call("auth/me", &[], Some(&cookie)).await.json();
    assert_eq!(me["username"], "member2", "still signed in");
    let stranger = app
        .call(
            "auth/change_password",
            &change(demo::DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            None,
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
    assert_eq!(hash().await, before);
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_like_a_sign_in() {
    let app = app().await;
    let cookie = app.sign_in("secretary2").await;
    for _ in 0..MAX_FAILURES_PER_USERNAME {
        let res = app
            .call(
                "auth/change_password",
                &change("doan-thu", NEW_PASSWORD, NEW_PASSWORD),
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    }
    // Locked now, even for the right password: the guesser learns nothing more.
    let res = app
        .call(
            "auth/change_password",
            &change(demo::DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(
        sign_in_status(&app, "secretary2", NEW_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "and nothing changed"
    );
}

#[tokio::test]
async fn the_account_page_form_works_without_the_script() {
    let app = app().await;
    let cookie = app.sign_in("viewer").await;
    let post = |form: Vec<(&'static str, String)>, cookie: String| {
        let body = serde_urlencoded::to_string(&form).unwrap();
        Request::post("/api/auth/change_password")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .unwrap()
    };
    // Refused: back to the account page, which says why.
    let res = app
        .send(post(
            change("sai-mat-khau", NEW_PASSWORD, NEW_PASSWORD),
            cookie.clone(),
        ))
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let back = res
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(back.starts_with("/account?error="), "{back}");
    let page = app.page(&back, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Mật khẩu đang dùng: không đúng."),
        "{}",
        page.body
    );
    // Changed: the page says so, and the browser's session goes on.
    let res = app
        .send(post(
            change(demo::DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD),
            cookie.clone(),
        ))
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(
        res.headers.get(header::LOCATION).unwrap(),
        "/account?changed=1"
    );
    let cookie = session_after(&res, &cookie);
    let page = app.page("/account?changed=1", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Đã đổi mật khẩu."), "{}", page.body);
    assert!(page.body.contains("viewer"));
}
