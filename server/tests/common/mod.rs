//! Shared helpers of the HTTP tests: the whole router on a fresh demo database, and
//! calls made the way the app's own client makes them.
#![allow(dead_code)]

pub mod transfer;

use std::sync::LazyLock;

use app::core::clock::Clock;
use app::demo;
use app::server::AppState;
use app::server::db::{self, Pool};
use axum::Router;
use axum::body::Body;
use chrono::NaiveDate;
use http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use tower::ServiceExt;

/// The clock of every test: pinned to `GANBO_TODAY` when it is set (the suite runs again
/// on a month's first day, a 29 February, a 31 December and the day before Tết), otherwise
/// to today.
pub fn clock() -> Clock {
    static CLOCK: LazyLock<Clock> =
        LazyLock::new(|| Clock::for_test_run().unwrap_or_else(|e| panic!("{e}")));
    *CLOCK
}

/// The day the demo data of every test is made for, and the server's today.
pub fn today() -> NaiveDate {
    clock().today()
}

/// The whole router on a fresh demo ward.
pub async fn app() -> TestApp {
    let app = empty_app().await;
    demo::seed_if_empty(&app.pool, today())
        .await
        .unwrap()
        .unwrap();
    app
}

/// The whole router on a fresh, migrated, empty database.
pub async fn empty_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.sqlite", dir.path().display());
    let pool = db::open_and_migrate(&url).await.unwrap();
    let router = router_on(&pool, clock()).await;
    TestApp {
        router,
        pool,
        _dir: dir,
    }
}

/// The whole router on a database, with a clock.
pub async fn router_on(pool: &Pool, clock: Clock) -> Router {
    let store = ganbo_server::session_store(pool).await.unwrap();
    let options = LeptosOptions::builder()
        .output_name("ganbo")
        .site_root("target/site")
        .build();
    ganbo_server::router(
        AppState {
            pool: pool.clone(),
            leptos_options: options,
            live: Default::default(),
            clock,
            trusted_proxies: Default::default(),
        },
        store,
    )
}

pub struct TestApp {
    pub router: Router,
    pub pool: Pool,
    _dir: tempfile::TempDir,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub async fn read(res: Response<Body>) -> Answer {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

impl TestApp {
    /// Sends a request as it is.
    pub async fn send(&self, req: Request<Body>) -> Answer {
        read(self.router.clone().oneshot(req).await.unwrap()).await
    }

    /// Calls a server function the way the app's own client does (form-encoded, JSON back).
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, String)],
        cookie: Option<&str>,
    ) -> Answer {
        call_on(&self.router, endpoint, form, cookie).await
    }

    /// Calls a server function that takes JSON.
    pub async fn call_json(&self, endpoint: &str, body: Value, cookie: Option<&str>) -> Answer {
        let mut req = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        read(res).await
    }

    pub async fn page(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut req = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        read(res).await
    }

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, username: &str) -> String {
        let res = self
            .call(
                "auth/sign_in",
                &[
                    ("form[username]", username.to_string()),
                    ("form[password]", demo::DEMO_PASSWORD.to_string()),
                ],
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{username}: {}", res.body);
        let set_cookie = res
            .headers
            .get(header::SET_COOKIE)
            .expect("a session cookie")
            .to_str()
            .unwrap();
        set_cookie.split(';').next().unwrap().to_string()
    }

    pub async fn id(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    pub async fn cell(&self, n: i64) -> i64 {
        self.id(&format!(
            "SELECT id FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1 OFFSET {n}"
        ))
        .await
    }

    pub async fn member_of(&self, username: &str) -> i64 {
        self.id(&format!(
            "SELECT member_id FROM users WHERE username = '{username}'"
        ))
        .await
    }
}

/// Calls a server function through `router` (the app's, or one on the same database with
/// another clock) the way the app's own client does.
pub async fn call_on(
    router: &Router,
    endpoint: &str,
    form: &[(&str, String)],
    cookie: Option<&str>,
) -> Answer {
    let body = serde_urlencoded::to_string(form).unwrap();
    let mut req = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    read(res).await
}

/// A plain GET (a download link): status, headers and the bytes.
pub async fn download(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let mut req = Request::get(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

pub fn page_args(cell: i64) -> Vec<(&'static str, String)> {
    vec![
        ("cell", cell.to_string()),
        ("query", String::new()),
        ("page", "1".to_string()),
    ]
}

/// The field and problem of a refusal of bad input.
pub fn invalid(res: &Answer) -> (String, String) {
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let err = &res.json()["Invalid"];
    let problem = match &err["problem"] {
        Value::String(s) => s.clone(),
        other => other.as_object().unwrap().keys().next().unwrap().clone(),
    };
    (err["field"].as_str().unwrap().to_string(), problem)
}

/// A second commune/ward beside the demo's, with its own committee account; signed in.
pub async fn second_ward_committee(app: &TestApp) -> String {
    let (province, province_path): (i64, String) = sqlx::query_as(
        "SELECT id, path FROM org_units WHERE kind = 'province' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let now = clock().now();
    let ward: i64 = sqlx::query_scalar(
        "INSERT INTO org_units (parent_id, kind, name, code, path, created_at, commune_kind) \
         VALUES ($1, 'commune', 'Xã Bên Cạnh', 'X-BEN-CANH', '', $2, 'xa') RETURNING id",
    )
    .bind(province)
    .bind(now)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE org_units SET path = $1, ward_id = id WHERE id = $2")
        .bind(format!("{province_path}{ward}/"))
        .bind(ward)
        .execute(&app.pool)
        .await
        .unwrap();
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, display_name, created_at) \
         SELECT 'committee.other', password_hash, 'Đảng ủy xã Bên Cạnh', $1 FROM users \
         WHERE username = 'committee' RETURNING id",
    )
    .bind(now)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, 'committee', $2)")
        .bind(user)
        .bind(ward)
        .execute(&app.pool)
        .await
        .unwrap();
    app.sign_in("committee.other").await
}

/// The demo's commune/ward.
pub async fn first_ward(app: &TestApp) -> i64 {
    app.id("SELECT id FROM org_units WHERE kind = 'commune' ORDER BY id LIMIT 1")
        .await
}

/// How many audit entries of `action` there are.
pub async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.id(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
    ))
    .await
}

/// A sign-in with a password or a one-time code, through `router`.
pub async fn sign_in_on(router: &Router, username: &str, password: &str) -> Answer {
    call_on(
        router,
        "auth/sign_in",
        &[
            ("form[username]", username.to_string()),
            ("form[password]", password.to_string()),
        ],
        None,
    )
    .await
}

/// A member the cell has just taken in, with no account yet (every demo member has one):
/// answers their id.
pub async fn new_member(app: &TestApp, cell: i64, full_name: &str) -> i64 {
    let now = clock().now();
    sqlx::query_scalar(
        "INSERT INTO members (ward_id, cell_id, full_name, search_key, gender, status, kind, \
         created_at, updated_at) \
         SELECT ward_id, id, $2, lower($2), 'female', 'active', 'resident', $3, $3 \
         FROM org_units WHERE id = $1 RETURNING id",
    )
    .bind(cell)
    .bind(full_name)
    .bind(now)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}
