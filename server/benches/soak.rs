//! Soak: the release server under 200 concurrent connections for ten minutes.
//!
//! ```sh
//! cargo build --release -p ganbo
//! cargo bench -p ganbo --bench soak                       # 10 minutes, 200 connections
//! cargo bench -p ganbo --bench soak -- --seconds 60 --connections 50
//! ```
//!
//! Starts `ganbo serve --demo` (the release binary that `cargo bench` builds beside this
//! one, or `--server PATH`) on a fresh database in a temporary folder and a free loopback
//! port, signs in the three secretaries and two members, then keeps every connection busy
//! without pause until the time is up, each with one kind of request:
//!
//! - board: `GET /cells/:cell/board` as the cell's secretary (three cells in turn);
//! - move: `board/move` (JSON) as the cell's secretary, each connection moving its own
//!   household from member to member, so that moves never collide;
//! - visit: `visits/log_visit` as member1 or member2, a new phone-made id each time.
//!
//! It reports the requests of each kind, the errors (any answer but 200, or none; there
//! must be none), latency percentiles, and the server's resident memory (VmRSS) sampled
//! every five seconds, the first minute against the last. `--keep-log PATH` keeps the
//! server's log; `--only board|move|visit` sends one kind alone. Not run in CI.

#[path = "../tests/live/mod.rs"]
mod live;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use app::core::clock::Clock;
use live::*;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::{ConnectOptions, Connection};
use tokio::sync::Mutex;

/// Set when the server process is gone: the load stops at once rather than count a dead
/// server's refusals as the server's errors.
static SERVER_GONE: AtomicBool = AtomicBool::new(false);
/// When it went, in seconds from the start of the load.
static GONE_AT: AtomicU64 = AtomicU64::new(0);

fn going(deadline: Instant) -> bool {
    Instant::now() < deadline && !SERVER_GONE.load(Ordering::SeqCst)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Board,
    Move,
    Visit,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Board => "board page",
            Kind::Move => "move",
            Kind::Visit => "visit",
        }
    }
}

struct Settings {
    seconds: u64,
    connections: usize,
    server: PathBuf,
    /// Where to keep the server's log (it is deleted with the temporary folder otherwise).
    keep_log: Option<PathBuf>,
    /// Only one kind of request (`board`, `move` or `visit`), to look at it alone.
    only: Option<Kind>,
}

fn settings() -> Settings {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    Settings {
        seconds: value("--seconds").map_or(600, |s| s.parse().expect("--seconds N")),
        connections: value("--connections").map_or(200, |s| s.parse().expect("--connections N")),
        server: value("--server")
            .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ganbo")), PathBuf::from),
        keep_log: value("--keep-log").map(PathBuf::from),
        only: value("--only").map(|k| match k.as_str() {
            "board" => Kind::Board,
            "move" => Kind::Move,
            "visit" => Kind::Visit,
            other => panic!("--only board|move|visit, not {other}"),
        }),
    }
}

/// What one connection did.
#[derive(Default)]
struct Tally {
    latencies: Vec<u32>,
    errors: u64,
    first_errors: Vec<String>,
}

impl Tally {
    fn ok(&mut self, took: Duration) {
        self.latencies
            .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
    }

    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.first_errors.len() < 3 {
            self.first_errors.push(what);
        }
    }
}

/// A cell of the demo ward: its id, its secretary's cookie, the households that the load
/// may move (not member1's nor member2's) and the active members to move them between.
struct Cell {
    id: i64,
    secretary: String,
    movable: Vec<(i64, i64, i64)>,
    members: Vec<i64>,
}

#[tokio::main]
async fn main() {
    let settings = settings();
    let today = Clock::for_test_run().unwrap().today();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("soak.sqlite");
    let url = url_of(&file);
    let log = dir.path().join("server.log");
    let started = Instant::now();
    let server = Server::start_with(
        &settings.server,
        &url,
        true,
        log.clone(),
        &[("RUST_LOG", "info")],
    )
    .await;
    println!(
        "server {} (pid {}) on {}, demo ward seeded and answering in {:.1} s",
        settings.server.display(),
        server.pid(),
        server.base,
        started.elapsed().as_secs_f64()
    );

    let client = Client::new(&server.base);
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .connect()
        .await
        .unwrap();
    let mut cells = Vec::new();
    for n in 1..=3 {
        let secretary = client.sign_in(&format!("secretary{n}")).await;
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1 OFFSET $1",
        )
        .bind(n - 1)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let movable: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT h.id, a.member_id, h.version FROM households h \
             JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
             JOIN members m ON m.id = a.member_id \
             WHERE h.cell_id = $1 AND m.status = 'active' \
               AND a.member_id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL \
                                       AND username IN ('member1', 'member2')) \
             ORDER BY h.id",
        )
        .bind(id)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let members: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM members WHERE cell_id = $1 AND status = 'active' \
               AND id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL \
                              AND username IN ('member1', 'member2')) ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        cells.push(Cell {
            id,
            secretary,
            movable,
            members,
        });
    }
    let mut phones = Vec::new();
    for username in ["member1", "member2"] {
        let cookie = client.sign_in(username).await;
        let households: Vec<i64> = sqlx::query_scalar(
            "SELECT a.household_id FROM assignments a JOIN users u ON u.member_id = a.member_id \
             WHERE u.username = $1 AND a.ended_at IS NULL AND a.household_id IS NOT NULL",
        )
        .bind(username)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert!(!households.is_empty());
        phones.push((cookie, households));
    }
    conn.close().await.unwrap();
    let cells = Arc::new(cells);
    let phones = Arc::new(phones);

    // Memory, every five seconds, from the start of the load to its end.
    let pid = server.pid();
    let deadline = Instant::now() + Duration::from_secs(settings.seconds);
    let load_started = Instant::now();
    let samples = Arc::new(Mutex::new(Vec::<(f64, u64)>::new()));
    let sampler = {
        let samples = samples.clone();
        tokio::spawn(async move {
            let mut tick = 0u64;
            while going(deadline) {
                match rss_kb(pid) {
                    Some(kb) if tick.is_multiple_of(5) => samples
                        .lock()
                        .await
                        .push((load_started.elapsed().as_secs_f64(), kb)),
                    Some(_) => {}
                    // No memory: the process has ended (a zombie has no VmRSS).
                    None => {
                        GONE_AT.store(load_started.elapsed().as_secs(), Ordering::SeqCst);
                        SERVER_GONE.store(true, Ordering::SeqCst);
                    }
                }
                tick += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let cpu_before = cpu_seconds(pid);

    println!(
        "load: {} connections for {} s (board pages, moves and visits, a third each)",
        settings.connections, settings.seconds
    );
    let mut workers = Vec::new();
    let settings_only = settings.only.is_some();
    for worker in 0..settings.connections {
        let kind = settings.only.unwrap_or(match worker % 3 {
            0 => Kind::Board,
            1 => Kind::Move,
            _ => Kind::Visit,
        });
        let (cells, phones) = (cells.clone(), phones.clone());
        let client = Client::single_connection(&server.base);
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            match kind {
                Kind::Board => board(&client, &cells, worker, deadline, &mut tally).await,
                Kind::Move => {
                    // Each mover has a household of its own.
                    let slot = if settings_only { worker } else { worker / 3 };
                    moves(&client, &cells, slot, deadline, &mut tally).await
                }
                Kind::Visit => visits(&client, &phones, worker, today, deadline, &mut tally).await,
            }
            (kind, tally)
        }));
    }
    let mut by_kind: BTreeMap<Kind, Tally> = BTreeMap::new();
    for w in workers {
        let (kind, tally) = w.await.unwrap();
        let total = by_kind.entry(kind).or_default();
        total.latencies.extend(tally.latencies);
        total.errors += tally.errors;
        for e in tally.first_errors {
            if total.first_errors.len() < 5 {
                total.first_errors.push(e);
            }
        }
    }
    let elapsed = load_started.elapsed().as_secs_f64();
    let cpu_used = match (cpu_before, cpu_seconds(pid)) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    sampler.abort();
    let samples = samples.lock().await.clone();

    println!("\n| kind | requests | per second | errors | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    let mut errors = 0;
    let mut requests = 0;
    for (kind, tally) in &mut by_kind {
        tally.latencies.sort_unstable();
        let n = tally.latencies.len();
        requests += n as u64 + tally.errors;
        errors += tally.errors;
        println!(
            "| {} | {} | {:.0} | {} | {} | {} | {} |",
            kind.name(),
            n as u64 + tally.errors,
            (n as u64 + tally.errors) as f64 / elapsed,
            tally.errors,
            ms(percentile(&tally.latencies, 0.50)),
            ms(percentile(&tally.latencies, 0.99)),
            ms(tally.latencies.last().copied().unwrap_or(0)),
        );
    }
    println!(
        "| all | {requests} | {:.0} | {errors} | | | |",
        requests as f64 / elapsed
    );
    if let Some(cpu) = cpu_used {
        println!(
            "\nserver CPU: {cpu:.0} s over {elapsed:.0} s ({:.2} cores)",
            cpu / elapsed
        );
    }
    let window = |from: f64, to: f64| {
        let in_it: Vec<u64> = samples
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, kb)| *kb)
            .collect();
        (
            in_it.iter().copied().min().unwrap_or(0),
            in_it.iter().copied().max().unwrap_or(0),
            in_it.len(),
        )
    };
    let minute = 60f64.min(elapsed / 2.0);
    let (first_min, first_max, first_n) = window(0.0, minute);
    let (last_min, last_max, last_n) = window(elapsed - minute, elapsed + 1.0);
    println!(
        "server RSS: first {minute:.0} s {:.1}–{:.1} MB ({first_n} samples), last {minute:.0} s {:.1}–{:.1} MB ({last_n} samples), highest {:.1} MB",
        first_min as f64 / 1024.0,
        first_max as f64 / 1024.0,
        last_min as f64 / 1024.0,
        last_max as f64 / 1024.0,
        samples.iter().map(|(_, kb)| *kb).max().unwrap_or(0) as f64 / 1024.0
    );
    let trace: Vec<String> = samples
        .iter()
        .step_by((samples.len() / 20).max(1))
        .map(|(t, kb)| format!("{:.0}s {:.0}", t, *kb as f64 / 1024.0))
        .collect();
    println!("RSS (MB) over time: {}", trace.join(", "));
    for (kind, tally) in &by_kind {
        for e in &tally.first_errors {
            println!("error ({}): {e}", kind.name());
        }
    }
    let server_log = std::fs::read_to_string(&log).unwrap_or_default();
    let warnings: Vec<&str> = server_log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    println!("server log: {} warning or error lines", warnings.len());
    for line in warnings.iter().take(5) {
        println!("  {}", head(line));
    }
    let gone = SERVER_GONE.load(Ordering::SeqCst);
    if gone {
        println!(
            "the server ended after {} s: the load stopped then",
            GONE_AT.load(Ordering::SeqCst)
        );
    }
    drop(server);
    if let Some(keep) = &settings.keep_log {
        std::fs::copy(&log, keep).expect("the server log is kept");
    }
    if errors > 0 || gone {
        eprintln!("soak: {errors} requests failed");
        std::process::exit(1);
    }
}

async fn board(
    client: &Client,
    cells: &[Cell],
    worker: usize,
    deadline: Instant,
    tally: &mut Tally,
) {
    let mut n = worker;
    while going(deadline) {
        let cell = &cells[n % cells.len()];
        let started = Instant::now();
        match client
            .page(&format!("/cells/{}/board", cell.id), &cell.secretary)
            .await
        {
            // The whole board: its data, and no error panel in any part of the page.
            Ok(res)
                if res.status == StatusCode::OK
                    && res.body.contains("id=\"board-data\"")
                    && !res.body.contains("class=\"status-page\"") =>
            {
                tally.ok(started.elapsed())
            }
            Ok(res) => tally.error(format!("{} {}", res.status, head(&res.body))),
            Err(e) => tally.error(e.to_string()),
        }
        n += 1;
    }
}

async fn moves(client: &Client, cells: &[Cell], slot: usize, deadline: Instant, tally: &mut Tally) {
    // Mover n moves the (n / cells)-th movable household of cell n % cells.
    let cell = &cells[slot % cells.len()];
    let (household, mut holder, mut version) = cell.movable[slot / cells.len()];
    let mut next = slot;
    while going(deadline) {
        next += 1;
        let to = cell.members[next % cell.members.len()];
        if to == holder {
            continue;
        }
        let body = json!({ "request": { "household": household, "to": to, "version": version, "reason": "" } });
        let started = Instant::now();
        match client.call_json("board/move", &body, &cell.secretary).await {
            Ok(res) if res.status == StatusCode::OK => {
                tally.ok(started.elapsed());
                version = res.json()[0]["version"].as_i64().unwrap();
                holder = to;
            }
            Ok(res) => tally.error(format!("{} {}", res.status, head(&res.body))),
            Err(e) => tally.error(e.to_string()),
        }
    }
}

async fn visits(
    client: &Client,
    phones: &[(String, Vec<i64>)],
    worker: usize,
    today: chrono::NaiveDate,
    deadline: Instant,
    tally: &mut Tally,
) {
    let (cookie, households) = &phones[worker % phones.len()];
    let mut n = 0usize;
    while going(deadline) {
        let id = format!("soak-{worker}-{n}");
        let form = visit_form(
            &id,
            households[(worker + n) % households.len()],
            today,
            None,
        );
        let started = Instant::now();
        match client.call("visits/log_visit", &form, cookie).await {
            Ok(res) if res.status == StatusCode::OK => tally.ok(started.elapsed()),
            Ok(res) => tally.error(format!("{} {}", res.status, head(&res.body))),
            Err(e) => tally.error(e.to_string()),
        }
        n += 1;
    }
}

fn head(body: &str) -> String {
    body.chars().take(240).collect()
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(micros: u32) -> String {
    format!("{:.1} ms", f64::from(micros) / 1000.0)
}

/// The resident memory of a process, in kB (`VmRSS` of `/proc/PID/status`).
fn rss_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// User + system CPU time of a process, in seconds (`/proc/PID/stat`, in clock ticks of
/// 1/100 s as Linux reports them to user space).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
