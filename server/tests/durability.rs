//! A server killed with SIGKILL in the middle of a burst of visits loses none that it
//! answered: after a restart on the same database every visit answered 200 is stored
//! exactly once, the database passes `PRAGMA integrity_check`, the member is still signed
//! in, and the phones' resends of the whole burst store each visit once.

mod live;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use app::core::clock::Clock;
use live::*;
use reqwest::StatusCode;
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{Notify, Semaphore};

const BIN: &str = env!("CARGO_BIN_EXE_ganbo");
/// Visits in the burst.
const BURST: usize = 300;
/// Requests in flight at once.
const IN_FLIGHT: usize = 40;
/// The server is killed as soon as this many visits have been answered.
const KILL_AFTER: usize = 50;

enum Outcome {
    /// Answered 200 with the stored visit's id.
    Stored(i64),
    /// Answered, but not 200.
    Refused(StatusCode, String),
    /// Sent, and the connection died before a whole answer came.
    NoAnswer,
    /// Not sent: the server was already dead.
    NotSent,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_visit_answered_before_a_kill_is_stored_once_after_the_restart() {
    let bin = Path::new(BIN);
    let today = Clock::for_test_run().unwrap().today();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ganbo.sqlite");
    let url = url_of(&file);
    let mut server = Server::start(bin, &url, true, dir.path().join("first.log")).await;
    let client = Client::new(&server.base);
    let cookie = client.sign_in("member1").await;
    let mine: Vec<i64> = client
        .call("visits/my_households", &[], &cookie)
        .await
        .unwrap()
        .json()["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert!(!mine.is_empty());
    let ids: Vec<String> = (0..BURST).map(|n| format!("burst-{n:04}")).collect();
    let form = |n: usize| visit_form(&ids[n], mine[n % mine.len()], today, None);

    // The burst: many phones at once. The answer that makes KILL_AFTER wakes the killer.
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let stored = Arc::new(AtomicUsize::new(0));
    let dead = Arc::new(AtomicBool::new(false));
    let kill_now = Arc::new(Notify::new());
    let mut burst = Vec::new();
    for n in 0..BURST {
        let (client, cookie, form) = (client.clone(), cookie.clone(), form(n));
        let (gate, stored, dead, kill_now) =
            (gate.clone(), stored.clone(), dead.clone(), kill_now.clone());
        burst.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            if dead.load(Ordering::SeqCst) {
                return Outcome::NotSent;
            }
            match client.call("visits/log_visit", &form, &cookie).await {
                Ok(res) if res.status == StatusCode::OK => {
                    if stored.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                        kill_now.notify_one();
                    }
                    Outcome::Stored(res.json()["id"].as_i64().unwrap())
                }
                Ok(res) => Outcome::Refused(res.status, res.body),
                Err(_) => Outcome::NoAnswer,
            }
        }));
    }
    tokio::time::timeout(Duration::from_secs(60), kill_now.notified())
        .await
        .expect("the first answers come");
    dead.store(true, Ordering::SeqCst);
    server.kill();

    let mut answered: HashMap<String, i64> = HashMap::new();
    let (mut no_answer, mut not_sent) = (0, 0);
    for (n, task) in burst.into_iter().enumerate() {
        match task.await.unwrap() {
            Outcome::Stored(visit) => {
                answered.insert(ids[n].clone(), visit);
            }
            Outcome::Refused(status, body) => panic!("{}: {status} {body}", ids[n]),
            Outcome::NoAnswer => no_answer += 1,
            Outcome::NotSent => not_sent += 1,
        }
    }
    eprintln!(
        "killed after {} answers: {no_answer} in flight lost their answer, {not_sent} not sent",
        answered.len()
    );
    assert!(answered.len() >= KILL_AFTER);
    assert!(no_answer > 0, "the kill came while visits were in flight");

    // The restart, on the same database.
    let server = Server::start(bin, &url, false, dir.path().join("second.log")).await;
    assert_eq!(integrity(&file).await, ["ok"]);
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .connect()
        .await
        .unwrap();
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT client_id, MIN(id), COUNT(*) FROM visits WHERE client_id LIKE 'burst-%' GROUP BY client_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let after_crash: HashMap<String, (i64, i64)> = rows
        .into_iter()
        .map(|(id, visit, n)| (id, (visit, n)))
        .collect();
    for (id, visit) in &answered {
        assert_eq!(
            after_crash.get(id),
            Some(&(*visit, 1)),
            "{id} was answered 200: stored once, as answered"
        );
    }
    // What was in flight is stored whole or not at all.
    assert!(after_crash.len() <= answered.len() + no_answer);

    // The member is still signed in, and the phones send the whole burst again.
    let client = Client::new(&server.base);
    let mut resent = Vec::new();
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    for n in 0..BURST {
        let (client, cookie, form, gate) = (client.clone(), cookie.clone(), form(n), gate.clone());
        resent.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            client
                .call("visits/log_visit", &form, &cookie)
                .await
                .unwrap()
        }));
    }
    for (n, task) in resent.into_iter().enumerate() {
        let res = task.await.unwrap();
        assert_eq!(res.status, StatusCode::OK, "{}: {}", ids[n], res.body);
        if let Some(visit) = answered.get(&ids[n]) {
            assert_eq!(res.json()["id"].as_i64(), Some(*visit), "{}", ids[n]);
        }
    }
    let (visits, distinct, audits): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT client_id), \
                (SELECT COUNT(*) FROM audit_log a WHERE a.action = 'log_visit' \
                   AND a.entity_id IN (SELECT id FROM visits WHERE client_id LIKE 'burst-%')) \
         FROM visits WHERE client_id LIKE 'burst-%'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    assert_eq!(
        (visits, distinct, audits),
        (BURST as i64, BURST as i64, BURST as i64)
    );
    drop(server);
    assert_eq!(integrity(&file).await, ["ok"]);
}
