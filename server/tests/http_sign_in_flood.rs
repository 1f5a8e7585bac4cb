//! While every password check is taken, a sign-in waits a moment and is then told to come
//! back (429 with Retry-After) rather than start another argon2 check. Its own test binary:
//! it holds the process's checks.

mod common;

use app::server::auth::{max_verifications, verification_turn};
use common::*;
use http::{StatusCode, header};

#[tokio::test]
async fn a_flood_of_sign_ins_waits_for_a_bounded_number_of_checks() {
    let app = app().await;
    let mut turns = Vec::new();
    for _ in 0..max_verifications() {
        turns.push(verification_turn().await.expect("a free check"));
    }
    let form = [
        ("form[username]", "viewer".to_string()),
        ("form[password]", app::demo::DEMO_PASSWORD.to_string()),
    ];
    let res = app.call("auth/sign_in", &form, None).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert_eq!(res.json()["Busy"]["seconds"], 2);
    assert_eq!(res.headers[header::RETRY_AFTER], "2");
    // Nothing was recorded against the person: they were not even tried.
    let recorded = app
        .id("SELECT COUNT(*) FROM sign_in_attempts WHERE username = 'viewer'")
        .await;
    assert_eq!(recorded, 0);
    // A check comes free: the next sign-in goes through.
    turns.pop();
    let res = app.call("auth/sign_in", &form, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}
