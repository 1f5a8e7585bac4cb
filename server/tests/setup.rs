//! The first set-up of a ward: `ganbo setup` and what it writes, on fresh databases.

mod common;

use std::process::{Command, Stdio};

use app::error::{AppError, Problem};
use app::features::org::model::WardKind;
use app::features::org::setup::{self, SetupError, SetupInput, UnitInput};
use common::{clock, empty_app};
use http::StatusCode;

const PASSWORD: &str = "cay-bang-truoc-ngo";

fn input() -> SetupInput {
    SetupInput {
        province: UnitInput {
            name: "Tỉnh Bắc Ninh".into(),
            code: "BN".into(),
        },
        district: Some(UnitInput {
            name: "Huyện Tiên Du".into(),
            code: "BN-TD".into(),
        }),
        kind: WardKind::Xa,
        ward: UnitInput {
            name: "Tân Chi".into(),
            code: "BN-TD-TC".into(),
        },
        username: "danguy.tanchi".into(),
        display_name: String::new(),
        password: PASSWORD.into(),
    }
}

/// A unit as stored: id, parent, ward, kind, code, path, commune kind.
type UnitRow = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
);

async fn count(app: &common::TestApp, table: &str) -> i64 {
    app.id(&format!("SELECT COUNT(*) FROM {table}")).await
}

#[tokio::test]
async fn a_fresh_database_is_set_up_once_and_its_committee_signs_in() {
    let app = empty_app().await;
    assert!(setup::needs_setup(&app.pool).await.unwrap());
    let done = setup::set_up(&app.pool, clock().now(), &input())
        .await
        .unwrap();
    assert_eq!(done.ward_title, "Xã Tân Chi");
    assert_eq!(done.username, "danguy.tanchi");

    // The tree: province > district > commune, each path the one above plus its own id.
    let units: Vec<UnitRow> = sqlx::query_as(
        "SELECT id, parent_id, ward_id, kind, code, path, commune_kind FROM org_units ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(units.len(), 3);
    let (p, d, w) = (&units[0], &units[1], &units[2]);
    assert_eq!((p.3.as_str(), p.1, p.2), ("province", None, None));
    assert_eq!((d.3.as_str(), d.1, d.2), ("district", Some(p.0), None));
    assert_eq!((w.3.as_str(), w.1, w.2), ("commune", Some(d.0), Some(w.0)));
    assert_eq!(w.5, format!("/{}/{}/{}/", p.0, d.0, w.0));
    assert_eq!(w.6.as_deref(), Some("xa"));
    assert_eq!(p.6, None);
    assert_eq!(done.ward_id, w.0);

    // The account: committee of the ward, shown with the office's name, audited.
    let (display, role, unit): (String, String, i64) = sqlx::query_as(
        "SELECT u.display_name, r.role, r.org_unit_id FROM users u JOIN user_roles r ON r.user_id = u.id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(display, "Văn phòng Đảng ủy xã Tân Chi");
    assert_eq!((role.as_str(), unit), ("committee", w.0));
    let audited: i64 = app
        .id("SELECT COUNT(*) FROM audit_log WHERE action = 'ward.set_up'")
        .await;
    assert_eq!(audited, 1);
    assert!(!setup::needs_setup(&app.pool).await.unwrap());

    let signed = app
        .call(
            "auth/sign_in",
            &[
                ("form[username]", "danguy.tanchi".to_string()),
                ("form[password]", PASSWORD.to_string()),
            ],
            None,
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);

    // A second set-up is refused and writes nothing.
    let mut again = input();
    again.province.code = "HN".into();
    again.district = None;
    again.ward.code = "HN-1".into();
    again.username = "someone.else".into();
    let before = (count(&app, "org_units").await, count(&app, "users").await);
    let refused = setup::set_up(&app.pool, clock().now(), &again).await;
    assert_eq!(refused, Err(SetupError::AlreadySetUp));
    assert!(
        SetupError::AlreadySetUp
            .to_string()
            .contains("đã được thiết lập"),
        "a clear Vietnamese refusal"
    );
    assert_eq!(
        (count(&app, "org_units").await, count(&app, "users").await),
        before
    );
}

#[tokio::test]
async fn a_refused_set_up_writes_nothing() {
    let app = empty_app().await;
    // A unit already holds the ward's code (left from an earlier trial).
    sqlx::query(
        "INSERT INTO org_units (kind, name, code, path, created_at) VALUES ('province', 'Cũ', 'BN-TD-TC', '/', $1)",
    )
    .bind(clock().now())
    .execute(&app.pool)
    .await
    .unwrap();
    let refused = setup::set_up(&app.pool, clock().now(), &input()).await;
    assert_eq!(
        refused,
        Err(SetupError::Refused(AppError::invalid(
            "ward_code",
            Problem::Taken
        )))
    );
    assert_eq!(
        count(&app, "org_units").await,
        1,
        "the province and district rolled back"
    );
    assert_eq!(count(&app, "users").await, 0);

    let mut weak = input();
    weak.ward.code = "BN-TD-TC2".into();
    weak.password = "12345678".into();
    let refused = setup::set_up(&app.pool, clock().now(), &weak).await;
    assert_eq!(
        refused,
        Err(SetupError::Refused(AppError::invalid(
            "password",
            Problem::TooEasy
        )))
    );
    assert_eq!(count(&app, "org_units").await, 1);
    assert!(setup::needs_setup(&app.pool).await.unwrap());
}

#[tokio::test]
async fn the_demo_ward_is_a_phuong_and_needs_no_setup() {
    let app = common::app().await;
    assert!(!setup::needs_setup(&app.pool).await.unwrap());
    let kind: String =
        sqlx::query_scalar("SELECT commune_kind FROM org_units WHERE kind = 'commune'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(kind, "phuong");
}

/// Runs `ganbo setup` on a database, its standard input not a terminal.
fn ganbo_setup(db: &str, extra: &[&str], password: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ganbo"));
    cmd.arg("setup")
        .args([
            "--province",
            "Thành phố Hà Nội",
            "--province-code",
            "HN",
            "--kind",
            "phường",
            "--ward",
            "Thanh Xuân",
            "--ward-code",
            "HN-TX",
            "--username",
            "danguy.tx",
        ])
        .args(extra)
        .env("DATABASE_URL", db)
        .env_remove(ganbo_server::setup::PASSWORD_ENV)
        .stdin(Stdio::null());
    if let Some(p) = password {
        cmd.env(ganbo_server::setup::PASSWORD_ENV, p);
    }
    cmd.output().unwrap()
}

#[test]
fn ganbo_setup_from_a_script_sets_up_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/w.sqlite", dir.path().display());

    // No password anywhere: it says how to give one, and makes nothing.
    let out = ganbo_setup(&db, &[], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--password-file"), "{err}");

    // A weak password: refused in Vietnamese, naming the field.
    let out = ganbo_setup(&db, &[], Some("matkhau1"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Mật khẩu: quá dễ đoán"), "{err}");

    // From the environment.
    let out = ganbo_setup(&db, &[], Some(PASSWORD));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("Phường Thanh Xuân"), "{said}");
    assert!(said.contains("danguy.tx"), "{said}");

    // Again: refused clearly, whatever it is given.
    let file = dir.path().join("password.txt");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let out = ganbo_setup(&db, &["--password-file", file.to_str().unwrap()], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("đã được thiết lập"), "{err}");
}

#[tokio::test]
async fn ganbo_setup_reads_the_password_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/w.sqlite", dir.path().display());
    let file = dir.path().join("password.txt");
    std::fs::write(&file, format!("{PASSWORD}\r\n")).unwrap();
    let out = ganbo_setup(
        &db,
        &[
            "--password-file",
            file.to_str().unwrap(),
            "--display-name",
            "Nguyễn Thị Hòa",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The password is the line without its line ending.
    let pool = app::server::db::open_and_migrate(&db).await.unwrap();
    let (display, hash): (String, String) = sqlx::query_as(
        "SELECT display_name, password_hash FROM users WHERE username = 'danguy.tx'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(display, "Nguyễn Thị Hòa");
    assert!(
        app::server::auth::verify_password(PASSWORD.into(), hash)
            .await
            .unwrap()
    );
    pool.close().await;
    // A missing flag without a terminal names the flag.
    let other = format!("sqlite://{}/x.sqlite", dir.path().display());
    let out = Command::new(env!("CARGO_BIN_EXE_ganbo"))
        .args(["setup", "--province", "Tỉnh Bắc Ninh"])
        .env("DATABASE_URL", &other)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--province-code"), "{err}");
}

/// The set-up form as the page posts it.
fn form(token: &str, password_again: &str) -> Vec<(&'static str, String)> {
    vec![
        ("form[token]", token.to_string()),
        ("form[province]", "Thành phố Hà Nội".into()),
        ("form[province_code]", "HN".into()),
        ("form[district]", String::new()),
        ("form[district_code]", String::new()),
        ("form[kind]", "thi_tran".into()),
        ("form[ward]", "Đông Anh".into()),
        ("form[ward_code]", "HN-DA".into()),
        ("form[username]", "danguy.donganh".into()),
        ("form[display_name]", String::new()),
        ("form[password]", PASSWORD.into()),
        ("form[password_again]", password_again.to_string()),
    ]
}

#[tokio::test]
async fn before_set_up_only_the_set_up_page_answers() {
    let app = empty_app().await;
    for path in ["/", "/login", "/cells", "/my", "/wards/1/inbox"] {
        let page = app.page(path, None).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.headers["location"], "/setup", "{path}");
    }
    let call = app.call("auth/me", &[], None).await;
    assert_eq!(call.status, StatusCode::SEE_OTHER);
    // The language can be switched on the set-up page.
    let switched = app
        .call(
            "i18n/set_language",
            &[("lang", "en".into()), ("back", "/setup".into())],
            None,
        )
        .await;
    assert!(switched.status.is_success(), "{}", switched.status);
    assert!(
        switched.headers.contains_key("set-cookie"),
        "the language is kept"
    );
    // Without the token, or with another one, the page explains and shows no form.
    let token = setup::setup_token(&app.pool).await.unwrap();
    assert_eq!(token.len(), 64);
    assert_eq!(setup::setup_token(&app.pool).await.unwrap(), token, "kept");
    for query in ["", "?token=", "?token=0123"] {
        let page = app.page(&format!("/setup{query}"), None).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert!(page.body.contains("Cần đường dẫn thiết lập"), "{query}");
        assert!(!page.body.contains("form[password]"), "{query}");
    }
    let page = app.page(&format!("/setup?token={token}"), None).await;
    assert!(page.body.contains("name=\"form[password_again]\""));
    assert_eq!(count(&app, "org_units").await, 0, "looking changes nothing");
    assert!(page.body.contains(&format!("value=\"{token}\"")));
}

#[tokio::test]
async fn the_set_up_page_sets_up_once_and_signs_the_committee_in() {
    let app = empty_app().await;
    let token = setup::setup_token(&app.pool).await.unwrap();

    // A wrong token: refused, nothing written.
    let refused = app
        .call("setup/set_up", &form("f00d", PASSWORD), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    // Passwords that differ: refused, naming the field.
    let refused = app
        .call("setup/set_up", &form(&token, "cay-bang"), None)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json(),
        serde_json::to_value(AppError::invalid("password", Problem::Mismatch)).unwrap()
    );
    assert_eq!(count(&app, "org_units").await, 0);

    // A plain post that is refused goes back to the page with the reason and what was typed.
    let body = serde_urlencoded::to_string(form(&token, "cay-bang")).unwrap();
    let res = app
        .send(
            http::Request::post("/api/setup/set_up")
                .header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .header(http::header::ACCEPT, "text/html")
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert!(res.status.is_redirection(), "{}", res.status);
    let back = res.headers["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(&format!("/setup?token={token}&error=")),
        "{back}"
    );
    let typed: Vec<(String, String)> =
        serde_urlencoded::from_str(back.split_once('?').unwrap().1).unwrap();
    assert!(
        typed.contains(&("ward_code".into(), "HN-DA".into())),
        "{back}"
    );
    assert!(
        !back.contains("cay-bang"),
        "no password in the link: {back}"
    );
    let page = app.page(&back, None).await;
    assert!(
        page.body.contains("hai lần nhập không giống nhau"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"HN-DA\""));

    // The right form: the ward is made and the committee is signed in.
    let done = app
        .call("setup/set_up", &form(&token, PASSWORD), None)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let cookie = done.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = app.call("auth/me", &[], Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("\"role\":\"Committee\""), "{}", me.body);
    let kind: String =
        sqlx::query_scalar("SELECT commune_kind FROM org_units WHERE kind = 'commune'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(kind, "thi_tran");

    // The link stops working; the rest of the app opens.
    let again = app
        .call("setup/set_up", &form(&token, PASSWORD), None)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let page = app.page(&format!("/setup?token={token}"), None).await;
    assert!(page.body.contains("Đơn vị đã được thiết lập"));
    assert!(!page.body.contains("form[password]"));
    assert_eq!(app.page("/login", None).await.status, StatusCode::OK);
    assert_eq!(count(&app, "users").await, 1);
}
