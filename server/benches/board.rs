//! How fast the assignment board is on a large cell: 60 members and 600 households.
//!
//! ```sh
//! cargo bench -p ganbo --bench board                 # page, move, suggestions
//! cargo bench -p ganbo --bench board -- --wrk 10     # and 10 s of `wrk` on the full page
//! ```
//!
//! Everything runs in this process on a fresh SQLite file, through the same router as the
//! server. Times are wall-clock per request, taken one request at a time; "CPU" is this
//! process's user + system time (all threads) divided by the number of requests.
//! The page is measured twice: rendered afresh (the data changed before every request)
//! and kept (nothing changed, so the server sends the page it kept; see `page_cache`).
//! The numbers are recorded in BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod common;

use app::demo::{self, DemoSpec};
use axum::body::Body;
use common::*;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const MEMBERS: u32 = 60;
const HOUSEHOLDS: u32 = 600;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let wrk_seconds: Option<u32> = args
        .iter()
        .position(|a| a == "--wrk")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok());

    let app = synthetic_cell().await;
    let cell = app.cell(0).await;
    let cookie = app.sign_in("bench").await;
    let members: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM members WHERE cell_id = {cell}"
        ))
        .await;
    let households: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM households WHERE cell_id = {cell}"
        ))
        .await;
    println!("cell: {members} members, {households} households\n");

    page(&app, cell, &cookie, None, Render::Afresh).await;
    page(&app, cell, &cookie, None, Render::Kept).await;
    page(&app, cell, &cookie, Some("br"), Render::Kept).await;
    moves(&app, cell, &cookie).await;
    suggestions(&app, cell, &cookie, false).await;
    suggestions(&app, cell, &cookie, true).await;
    solver_alone(&app, cell).await;
    if let Some(seconds) = wrk_seconds {
        wrk(app, cell, &cookie, seconds).await;
    }
}

/// One cell of the given size with a secretary `bench` (password as the demo's).
async fn synthetic_cell() -> TestApp {
    let app = empty_app().await;
    let spec = DemoSpec {
        cells: 1,
        households_per_cell: HOUSEHOLDS,
        members_per_cell: MEMBERS,
        seed: 2026,
        today: today(),
        accounts: false,
    };
    demo::generate(&app.pool, &spec).await.unwrap();
    let hash = app::server::auth::hash_password(demo::DEMO_PASSWORD.to_string())
        .await
        .unwrap();
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, display_name, created_at) \
         VALUES ('bench', $1, 'Bench', $2) RETURNING id",
    )
    .bind(hash)
    .bind(clock().now())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let cell = app.cell(0).await;
    sqlx::query("INSERT INTO user_roles (user_id, role, org_unit_id) VALUES ($1, 'secretary', $2)")
        .bind(user)
        .bind(cell)
        .execute(&app.pool)
        .await
        .unwrap();
    app
}

/// This process's CPU time so far (user + system, all threads).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after ")".
    let total = ticks(11) + ticks(12);
    Duration::from_millis(total * 1000 / clock_ticks())
}

fn clock_ticks() -> u64 {
    // USER_HZ is 100 on every Linux this runs on.
    100
}

struct Stats {
    p50: Duration,
    p95: Duration,
    max: Duration,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p95: at(0.95),
        max: *times.last().unwrap(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn get(
    app: &TestApp,
    path: &str,
    cookie: &str,
    encoding: Option<&str>,
) -> (StatusCode, usize) {
    let mut req = Request::get(path)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie);
    if let Some(e) = encoding {
        req = req.header(header::ACCEPT_ENCODING, e);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    // `BENCH_HTML=file` keeps a copy of the page, to see what its bytes are made of.
    if let (Ok(file), None) = (std::env::var("BENCH_HTML"), encoding) {
        std::fs::write(file, &bytes).unwrap();
    }
    (status, bytes.len())
}

#[derive(Clone, Copy, PartialEq)]
enum Render {
    /// Every request renders the page: the data changed just before it.
    Afresh,
    /// The page is kept between requests, as while nobody changes anything.
    Kept,
}

/// The full board page, server-rendered.
async fn page(app: &TestApp, cell: i64, cookie: &str, encoding: Option<&str>, render: Render) {
    let path = format!("/cells/{cell}/board");
    for _ in 0..20 {
        get(app, &path, cookie, encoding).await;
    }
    let n = if render == Render::Afresh { 100 } else { 300 };
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    let cpu0 = cpu();
    let wall0 = Instant::now();
    for _ in 0..n {
        if render == Render::Afresh {
            sqlx::query("UPDATE data_revision SET n = n + 1 WHERE id = 1")
                .execute(&app.pool)
                .await
                .unwrap();
        }
        let t = Instant::now();
        let (status, len) = get(app, &path, cookie, encoding).await;
        times.push(t.elapsed());
        assert_eq!(status, StatusCode::OK);
        size = len;
    }
    let wall = wall0.elapsed();
    let cpu = cpu().saturating_sub(cpu0);
    let s = stats(times);
    println!(
        "board page ({}, {}): {} bytes; p50 {}, p95 {}, max {}; CPU {} per page; {:.0} pages/s on one connection",
        if render == Render::Afresh {
            "rendered afresh"
        } else {
            "kept"
        },
        encoding.unwrap_or("identity"),
        size,
        ms(s.p50),
        ms(s.p95),
        ms(s.max),
        ms(cpu / n as u32),
        n as f64 / wall.as_secs_f64(),
    );
}

/// A move's round trip: one household back and forth between two members.
async fn moves(app: &TestApp, cell: i64, cookie: &str) {
    let (household, from, mut version): (i64, i64, i64) = sqlx::query_as(
        "SELECT h.id, a.member_id, h.version FROM households h \
         JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
         WHERE h.cell_id = $1 ORDER BY h.id LIMIT 1",
    )
    .bind(cell)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let to = app
        .id(&format!(
            "SELECT id FROM members WHERE cell_id = {cell} AND status = 'active' AND id <> {from} ORDER BY id LIMIT 1"
        ))
        .await;
    let n = 400;
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    let cpu0 = cpu();
    for i in 0..n + 20 {
        let target = if i % 2 == 0 { to } else { from };
        let body = json!({ "request": { "household": household, "to": target, "version": version, "reason": "" } });
        let t = Instant::now();
        let res = app.call_json("board/move", body, Some(cookie)).await;
        let elapsed = t.elapsed();
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let changes: Value = res.json();
        version = changes[0]["version"].as_i64().unwrap();
        size = res.body.len();
        if i >= 20 {
            times.push(elapsed);
        }
    }
    let cpu = cpu().saturating_sub(cpu0);
    let s = stats(times);
    println!(
        "move round trip: answer {} bytes; p50 {}, p95 {}, max {}; CPU {} per move",
        size,
        ms(s.p50),
        ms(s.p95),
        ms(s.max),
        ms(cpu / (n + 20) as u32),
    );
}

/// Suggestions through the endpoint (loading the board included).
async fn suggestions(app: &TestApp, cell: i64, cookie: &str, rebalance: bool) {
    let n = 30;
    let mut times = Vec::with_capacity(n);
    let (mut pairs, mut left) = (0, 0);
    for _ in 0..n + 3 {
        let t = Instant::now();
        let res = app
            .call_json(
                "board/suggest",
                json!({ "cell": cell, "rebalance": rebalance }),
                Some(cookie),
            )
            .await;
        times.push(t.elapsed());
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let set = res.json();
        pairs = set["suggestions"].as_array().map(Vec::len).unwrap_or(0);
        left = set["left_unassigned"].as_array().map(Vec::len).unwrap_or(0);
    }
    let s = stats(times.split_off(3));
    println!(
        "suggest ({}): {} pairs, {} left without room; p50 {}, p95 {}, max {}",
        if rebalance {
            "full rebalance"
        } else {
            "unassigned only"
        },
        pairs,
        left,
        ms(s.p50),
        ms(s.p95),
        ms(s.max),
    );
}

/// The solver alone, on the same cell.
async fn solver_alone(app: &TestApp, cell: i64) {
    use app::features::board::{repo, suggest};
    let scope = app::server::scope::cell_scope_unchecked(&app.pool, cell)
        .await
        .unwrap();
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        std::hint::black_box(repo::load_board(&app.pool, &scope, today()).await.unwrap());
        times.push(t.elapsed());
    }
    let board = repo::load_board(&app.pool, &scope, today()).await.unwrap();
    let t = Instant::now();
    let json = serde_json::to_string(&board).unwrap();
    let encode = t.elapsed();
    let s = stats(times);
    println!(
        "board data alone: loading p50 {}, max {}; as JSON {} bytes in {}",
        ms(s.p50),
        ms(s.max),
        json.len(),
        ms(encode)
    );
    for rebalance in [false, true] {
        let (members, households) = repo::solver_inputs(&board, rebalance);
        let n = 30;
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let set = suggest::solve(&members, &households, rebalance);
            times.push(t.elapsed());
            std::hint::black_box(set);
        }
        let s = stats(times);
        println!(
            "solver alone ({} households × {} members, {}): p50 {}, max {}",
            households.len(),
            members.len(),
            if rebalance { "rebalance" } else { "unassigned" },
            ms(s.p50),
            ms(s.max),
        );
    }
}

/// Full pages per second under `wrk` (Debian package `wrk`), the router on a real socket.
async fn wrk(app: TestApp, cell: i64, cookie: &str, seconds: u32) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let url = format!("http://{addr}/cells/{cell}/board");
    let args: Vec<String> = vec![
        "-t2".into(),
        "-c16".into(),
        format!("-d{seconds}s"),
        "--latency".into(),
        "-H".into(),
        format!("Cookie: {cookie}"),
        "-H".into(),
        "Accept: text/html".into(),
        url.clone(),
    ];
    let out =
        tokio::task::spawn_blocking(move || std::process::Command::new("wrk").args(args).output())
            .await
            .unwrap();
    match out {
        Ok(out) => println!(
            "\nwrk, {seconds} s, 2 threads, 16 connections, {url}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => println!("\nwrk could not run ({e}); install Debian's `wrk` package"),
    }
    drop(app);
}
