//! `ganbo restore` refuses what it must (a file that is not a database, a damaged one, one
//! from a newer version, a database in use) and changes nothing then; a good restore keeps
//! the replaced database aside, whole with what its write-ahead log held, and leaves no
//! stale log to be replayed into the restored one. `ganbo backup` never overwrites a file
//! unless told to.

mod live;

use std::path::{Path, PathBuf};

use app::server::db::MIGRATOR;
use live::*;
use reqwest::StatusCode;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

const BIN: &str = env!("CARGO_BIN_EXE_ganbo");

fn bin() -> &'static Path {
    Path::new(BIN)
}

/// A backup of a fresh demo ward, in `dir`.
fn demo_backup(dir: &Path) -> PathBuf {
    let url = url_of(&dir.join("demo.sqlite"));
    let made = run(bin(), &url, &["demo"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let backup = dir.join("good.sqlite");
    let taken = run(bin(), &url, &["backup", backup.to_str().unwrap()]);
    assert!(taken.status.success(), "{}", text(&taken.stderr));
    backup
}

/// A refusal: a non-zero exit and one line that says `why`.
fn refused(out: &std::process::Output, why: &str) {
    let said = text(&out.stderr);
    assert!(!out.status.success(), "not refused: {}", text(&out.stdout));
    assert!(said.starts_with("ganbo: ") && said.contains(why), "{said}");
    assert_eq!(said.trim_end().lines().count(), 1, "one line: {said}");
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One connection, as another program would hold it. (A pool closes its connections in
/// the background, so a test that needs the file closed uses one connection and closes it.)
async fn connect(file: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap()
}

async fn count(file: &Path, sql: &str) -> i64 {
    let mut conn = connect(file).await;
    let n = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    n
}

async fn execute(file: &Path, sql: &str) {
    let mut conn = connect(file).await;
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

async fn marker(file: &Path) -> Option<String> {
    let mut conn = connect(file).await;
    let v = sqlx::query_scalar("SELECT value FROM app_settings WHERE key = 'marker'")
        .fetch_optional(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    v
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_sound_backup_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = demo_backup(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let live_dir = dir.path().join("live");
    std::fs::create_dir(&live_dir).unwrap();
    let target = live_dir.join("ganbo.sqlite");
    let url = url_of(&target);
    assert!(run(bin(), &url, &["migrate"]).status.success());
    let before = std::fs::read(&target).unwrap();
    let files_before = files_in(&live_dir);

    let junk = dir.path().join("notes.txt");
    std::fs::write(
        &junk,
        "Danh sách hộ gia đình, không phải cơ sở dữ liệu.\n".repeat(200),
    )
    .unwrap();

    // Zeros over a fifth of its pages, from the middle.
    let damaged = dir.path().join("damaged.sqlite");
    let mut broken = bytes.clone();
    let (from, len) = (broken.len() / 2, broken.len() / 5);
    broken[from..from + len].fill(0);
    std::fs::write(&damaged, &broken).unwrap();

    let truncated = dir.path().join("truncated.sqlite");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    // A backup from a version with a migration this build does not know.
    let newer = dir.path().join("newer.sqlite");
    std::fs::copy(&good, &newer).unwrap();
    execute(
        &newer,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'a later version', 1, x'00', 0)",
    )
    .await;

    // A sound SQLite file of something else.
    let other = dir.path().join("other.sqlite");
    execute(&other, "CREATE TABLE notes (body TEXT)").await;

    let missing = dir.path().join("missing.sqlite");
    for (file, why) in [
        (&junk, "is not a SQLite database"),
        (&damaged, "is damaged"),
        (&truncated, "is damaged"),
        (&newer, "comes from a newer version of Gắn Bó"),
        (&other, "not a Gắn Bó one"),
        (&missing, "there is no backup at"),
        (&target, "is the database itself"),
    ] {
        let out = run(bin(), &url, &["restore", file.to_str().unwrap()]);
        refused(&out, why);
        assert_eq!(std::fs::read(&target).unwrap(), before, "{why}: unchanged");
        assert_eq!(
            files_in(&live_dir),
            files_before,
            "{why}: nothing left behind"
        );
    }
    // The good one goes in.
    let out = run(bin(), &url, &["restore", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(count(&target, "SELECT COUNT(*) FROM households").await > 0);
}

#[tokio::test]
async fn restore_refuses_a_database_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let good = demo_backup(dir.path());
    let target = dir.path().join("ganbo.sqlite");
    let url = url_of(&target);

    // A running server.
    let mut server = Server::start(bin(), &url, false, dir.path().join("serve.log")).await;
    let out = run(bin(), &url, &["restore", good.to_str().unwrap()]);
    refused(&out, "in use by a running ganbo");
    let health = Client::new(&server.base).page("/health", "").await.unwrap();
    assert_eq!(health.status, StatusCode::OK, "the server goes on");
    server.kill();

    // Another program with the database open (here: this test), even idle.
    let mut other = connect(&target).await;
    sqlx::query("SELECT COUNT(*) FROM households")
        .execute(&mut other)
        .await
        .unwrap();
    let out = run(bin(), &url, &["restore", good.to_str().unwrap()]);
    refused(&out, "is open in another program");
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM households")
            .fetch_one(&mut other)
            .await
            .unwrap(),
        0,
        "nothing replaced"
    );
    other.close().await.unwrap();

    // Once nobody has it open, the restore goes ahead.
    let out = run(bin(), &url, &["restore", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(count(&target, "SELECT COUNT(*) FROM households").await > 0);
}

#[tokio::test]
async fn a_good_restore_keeps_the_replaced_database_aside_with_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let good = demo_backup(dir.path());
    let live_dir = dir.path().join("live");
    let target = live_dir.join("ganbo.sqlite");
    let url = url_of(&target);

    // The database to be replaced: a server was killed with a write still in its
    // write-ahead log only.
    let mut server = Server::start(bin(), &url, false, dir.path().join("serve.log")).await;
    execute(
        &target,
        "INSERT INTO app_settings (key, value) VALUES ('marker', 'the old database')",
    )
    .await;
    server.kill();
    let wal = live_dir.join("ganbo.sqlite-wal");
    assert!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
        "the write is in the log"
    );

    let out = run(bin(), &url, &["restore", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    let aside: Vec<String> = files_in(&live_dir)
        .into_iter()
        .filter(|n| n.starts_with("ganbo.sqlite.before-restore-") && !n.contains("-shm"))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", files_in(&live_dir));
    let aside = live_dir.join(&aside[0]);
    assert!(
        said.contains(&format!("kept as {}", aside.display())),
        "{said}"
    );
    assert!(said.contains("1050 households"), "{said}");

    // The old database is whole on its own, the write of its log included.
    assert!(!live_dir.join(format!("{}-wal", aside.display())).exists());
    assert_eq!(integrity(&aside).await, ["ok"]);
    assert_eq!(marker(&aside).await.as_deref(), Some("the old database"));
    assert_eq!(count(&aside, "SELECT COUNT(*) FROM households").await, 0);

    // The restored one is the backup, migrated to this version, with no old log replayed.
    assert!(!wal.exists(), "no stale log beside the restored database");
    assert_eq!(integrity(&target).await, ["ok"]);
    assert_eq!(marker(&target).await, None);
    assert_eq!(
        count(&target, "SELECT COUNT(*) FROM households").await,
        1050
    );
    let known = MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .count() as i64;
    assert_eq!(
        count(
            &target,
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE success"
        )
        .await,
        known
    );
    // And it serves: a member signs in and sees their households.
    let server = Server::start(bin(), &url, false, dir.path().join("restored.log")).await;
    let client = Client::new(&server.base);
    let cookie = client.sign_in("member1").await;
    let res = client
        .call("visits/my_households", &[], &cookie)
        .await
        .unwrap();
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(!res.json()["households"].as_array().unwrap().is_empty());
    drop(server);

    // --no-keep replaces without keeping.
    let out = run(
        bin(),
        &url,
        &["restore", good.to_str().unwrap(), "--no-keep"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("the database it replaced is deleted"),
        "{}",
        text(&out.stdout)
    );
    let kept = files_in(&live_dir)
        .into_iter()
        .filter(|n| n.starts_with("ganbo.sqlite.before-restore-") && !n.contains("-shm"))
        .count();
    assert_eq!(kept, 1);
    assert_eq!(integrity(&target).await, ["ok"]);
}

#[tokio::test]
async fn a_backup_never_overwrites_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("ganbo.sqlite");
    let url = url_of(&source);
    assert!(run(bin(), &url, &["demo"]).status.success());

    let existing = dir.path().join("existing.sqlite");
    std::fs::write(&existing, "an older backup").unwrap();
    let out = run(bin(), &url, &["backup", existing.to_str().unwrap()]);
    refused(&out, "already exists; add --force");
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "an older backup"
    );

    let out = run(
        bin(),
        &url,
        &["backup", existing.to_str().unwrap(), "--force"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(integrity(&existing).await, ["ok"]);
    assert!(
        text(&out.stdout).contains("1050 households"),
        "{}",
        text(&out.stdout)
    );

    // Into a folder: a dated file there, and no temporary file left beside it.
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let out = run(bin(), &url, &["backup", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names = files_in(&folder);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("ganbo-") && names[0].ends_with(".sqlite"));
    assert!(text(&out.stdout).contains(&names[0]));

    refused(
        &run(
            bin(),
            &url,
            &["backup", source.to_str().unwrap(), "--force"],
        ),
        "is the database itself",
    );
    refused(
        &run(
            bin(),
            &url_of(&dir.path().join("none.sqlite")),
            &["backup", dir.path().join("x.sqlite").to_str().unwrap()],
        ),
        "there is no database at",
    );
    assert!(!dir.path().join("x.sqlite").exists());
}
