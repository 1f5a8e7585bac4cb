//! `ganbo backup` on a database that a real `ganbo serve` is writing to: the copy is the
//! database of one instant. Every visit answered before the backup started is in it, the
//! visits, concerns and audit entries it holds are exactly the source's up to its highest
//! id (nothing half-written, nothing missing below it), and a server on a database restored
//! from it shows the same register as the source.

mod live;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::core::clock::Clock;
use app::server::db::{self, Pool};
use live::*;
use reqwest::StatusCode;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_ganbo");

/// Waits until `done` holds, for at most `within`.
async fn until(what: &str, within: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

type Row = (i64, String, i64);

/// Visits (id, client id, household), concerns (id, body, visit) and audit entries (id,
/// action, entity id) of a database, ordered by id, up to the given ids.
async fn rows(pool: &Pool, upto: (i64, i64, i64)) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let visits =
        sqlx::query_as("SELECT id, client_id, household_id FROM visits WHERE id <= $1 ORDER BY id")
            .bind(upto.0)
            .fetch_all(pool)
            .await
            .unwrap();
    let concerns = sqlx::query_as(
        "SELECT id, body, COALESCE(visit_id, 0) FROM concerns WHERE id <= $1 ORDER BY id",
    )
    .bind(upto.1)
    .fetch_all(pool)
    .await
    .unwrap();
    let audit = sqlx::query_as(
        "SELECT id, action, COALESCE(entity_id, 0) FROM audit_log WHERE id <= $1 ORDER BY id",
    )
    .bind(upto.2)
    .fetch_all(pool)
    .await
    .unwrap();
    (visits, concerns, audit)
}

async fn highest_ids(pool: &Pool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM visits), (SELECT COALESCE(MAX(id), 0) FROM concerns), \
                (SELECT COALESCE(MAX(id), 0) FROM audit_log)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn count(pool: &Pool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Households of the cell that neither member1 nor member2 looks after, with their member
/// and version, and the cell's other active members.
async fn movable(pool: &Pool, cell: i64) -> (Vec<(i64, i64, i64)>, Vec<i64>) {
    let households = sqlx::query_as(
        "SELECT h.id, a.member_id, h.version FROM households h \
         JOIN assignments a ON a.household_id = h.id AND a.ended_at IS NULL \
         JOIN members m ON m.id = a.member_id \
         WHERE h.cell_id = $1 AND m.status = 'active' \
           AND a.member_id NOT IN (SELECT member_id FROM users WHERE username IN ('member1', 'member2') AND member_id IS NOT NULL) \
         ORDER BY h.id LIMIT 12",
    )
    .bind(cell)
    .fetch_all(pool)
    .await
    .unwrap();
    let members = sqlx::query_scalar(
        "SELECT id FROM members WHERE cell_id = $1 AND status = 'active' \
           AND id NOT IN (SELECT member_id FROM users WHERE username IN ('member1', 'member2') AND member_id IS NOT NULL) \
         ORDER BY id",
    )
    .bind(cell)
    .fetch_all(pool)
    .await
    .unwrap();
    (households, members)
}

async fn register(client: &Client, cookie: &str, cell: i64) -> serde_json::Value {
    let res = client
        .call(
            "board/register",
            &[("cell", cell.to_string()), ("date", String::new())],
            cookie,
        )
        .await
        .unwrap();
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let register = res.json();
    assert!(
        !register["rows"].as_array().unwrap().is_empty(),
        "the register lists members"
    );
    register
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_visits_are_logged_is_the_database_of_one_instant() {
    let bin = Path::new(BIN);
    let today = Clock::for_test_run().unwrap().today();
    let dir = tempfile::tempdir().unwrap();
    let source_file = dir.path().join("source.sqlite");
    let source_url = url_of(&source_file);
    let server = Server::start(bin, &source_url, true, dir.path().join("source.log")).await;
    let pool = db::open(&source_url).await.unwrap();
    let client = Client::new(&server.base);
    let member = client.sign_in("member1").await;
    let secretary = client.sign_in("secretary1").await;
    let cell: i64 = count(
        &pool,
        "SELECT m.cell_id FROM members m JOIN users u ON u.member_id = m.id WHERE u.username = 'member1'",
    )
    .await;
    let mine = households_of(&pool, "member1").await;
    assert!(!mine.is_empty(), "member1 looks after households");

    // Visits are logged by four phones at once, all through the test.
    let backup_started = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for phone in 0..4 {
        let (client, member, mine) = (client.clone(), member.clone(), mine.clone());
        let (backup_started, stop, answered) =
            (backup_started.clone(), stop.clone(), answered.clone());
        writers.push(tokio::spawn(async move {
            // (client id, answered before the backup started)
            let mut logged: Vec<(String, bool)> = Vec::new();
            let mut n = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let id = format!("load-{phone}-{n:05}");
                let household = mine[(phone + n) % mine.len()];
                let concern = format!("Mối lo {id}");
                let form = visit_form(
                    &id,
                    household,
                    today,
                    n.is_multiple_of(3).then_some(&concern),
                );
                let res = client
                    .call("visits/log_visit", &form, &member)
                    .await
                    .unwrap();
                // Read after the answer came: if the backup had not started then, the
                // visit was committed before it started.
                let before = !backup_started.load(Ordering::SeqCst);
                assert_eq!(res.status, StatusCode::OK, "{id}: {}", res.body);
                logged.push((id, before));
                answered.fetch_add(1, Ordering::SeqCst);
                n += 1;
            }
            logged
        }));
    }

    // Meanwhile the secretary moves a dozen households, then stops: the register is still
    // while the backup is taken.
    let (households, members) = movable(&pool, cell).await;
    assert!(households.len() >= 6 && members.len() >= 2);
    for (i, (household, from, version)) in households.iter().enumerate() {
        let to = *members.iter().cycle().skip(i).find(|m| *m != from).unwrap();
        let body = json!({ "request": { "household": household, "to": to, "version": version, "reason": "" } });
        let res = client
            .call_json("board/move", &body, &secretary)
            .await
            .unwrap();
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    until("30 visits", Duration::from_secs(60), || {
        answered.load(Ordering::SeqCst) >= 30
    })
    .await;
    let register_of_source = register(&client, &secretary, cell).await;

    // The backup, while the phones go on.
    let backup = dir.path().join("backups").join("ganbo.sqlite");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    backup_started.store(true, Ordering::SeqCst);
    let at_start = answered.load(Ordering::SeqCst);
    let taken = {
        let (url, path) = (source_url.clone(), backup.clone());
        tokio::task::spawn_blocking(move || {
            run(Path::new(BIN), &url, &["backup", path.to_str().unwrap()])
        })
        .await
        .unwrap()
    };
    let during = answered.load(Ordering::SeqCst) - at_start;
    assert!(
        taken.status.success(),
        "backup: {}{}",
        text(&taken.stdout),
        text(&taken.stderr)
    );
    let said = text(&taken.stdout);
    assert!(
        said.contains(backup.to_str().unwrap()) && said.contains("integrity check ok"),
        "{said}"
    );
    // Visits go on being logged after it, too.
    let at_end = answered.load(Ordering::SeqCst);
    until("10 more visits", Duration::from_secs(60), || {
        answered.load(Ordering::SeqCst) >= at_end + 10
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    let mut logged = Vec::new();
    for w in writers {
        logged.extend(w.await.unwrap());
    }
    eprintln!(
        "{} visits logged, {at_start} before the backup, {during} while it ran: {}",
        logged.len(),
        said.trim()
    );
    // Visits do not change the register.
    assert_eq!(
        register(&client, &secretary, cell).await,
        register_of_source
    );

    // Restore it into another database and look inside.
    let restored_file = dir.path().join("restored.sqlite");
    let restored_url = url_of(&restored_file);
    let put = run(bin, &restored_url, &["restore", backup.to_str().unwrap()]);
    assert!(
        put.status.success(),
        "restore: {}{}",
        text(&put.stdout),
        text(&put.stderr)
    );
    assert!(
        text(&put.stdout).contains("there was no database before"),
        "{}",
        text(&put.stdout)
    );
    assert_eq!(integrity(&restored_file).await, ["ok"]);
    let restored = db::open(&restored_url).await.unwrap();

    for table in ["households", "members", "org_units", "users"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(
            count(&restored, &sql).await,
            count(&pool, &sql).await,
            "{table}"
        );
    }
    let visits = count(&restored, "SELECT COUNT(*) FROM visits").await;
    assert!(
        said.contains(&format!(" {visits} visits")),
        "the backup says what it holds: {said}"
    );

    // Up to the backup's highest ids it is the source, row for row.
    let upto = highest_ids(&restored).await;
    let in_backup = rows(&restored, upto).await;
    assert_eq!(in_backup, rows(&pool, upto).await);
    assert_eq!(in_backup.0.len() as i64, visits);

    // Every visit answered before the backup started is in it.
    let stored: HashSet<&str> = in_backup.0.iter().map(|(_, id, _)| id.as_str()).collect();
    let before: Vec<&str> = logged
        .iter()
        .filter(|(_, before)| *before)
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(before.len() >= 30);
    for id in &before {
        assert!(stored.contains(id), "{id} was answered before the backup");
    }
    // Nothing half-written: each of the load's visits in it has its one audit entry and
    // the concern raised at it, if one was.
    let load: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT v.client_id, \
                (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'log_visit' AND a.entity_id = v.id), \
                (SELECT COUNT(*) FROM concerns c WHERE c.visit_id = v.id) \
         FROM visits v WHERE v.client_id LIKE 'load-%'",
    )
    .fetch_all(&restored)
    .await
    .unwrap();
    assert!(load.len() >= before.len());
    for (id, audits, concerns) in &load {
        let n: usize = id.rsplit('-').next().unwrap().parse().unwrap();
        assert_eq!(*audits, 1, "{id}");
        assert_eq!(*concerns, i64::from(n.is_multiple_of(3)), "{id}");
    }

    // A server on the restored database shows the register the source showed.
    restored.close().await;
    let again = Server::start(bin, &restored_url, false, dir.path().join("restored.log")).await;
    let client = Client::new(&again.base);
    let secretary = client.sign_in("secretary1").await;
    assert_eq!(
        register(&client, &secretary, cell).await,
        register_of_source
    );
}
