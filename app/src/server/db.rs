//! The data layer's one door: the pool type, connecting, migrating.
//!
//! Every repository function in `features/*/repo.rs` takes a [`Pool`] or a transaction
//! on [`Db`] and uses portable SQL with `$n` placeholders, so the engine is chosen here
//! and nowhere else. SQLite is the embedded default.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub type Db = sqlx::Sqlite;
pub type Pool = sqlx::Pool<Db>;
pub type Tx<'a> = sqlx::Transaction<'a, Db>;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of the second one
/// failing with "database is locked" when it first writes after reading; the one that waits
/// then reads what the first one wrote (and a stale version is refused as a conflict).
pub async fn begin_write(pool: &Pool) -> sqlx::Result<Tx<'static>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// The database URL used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/ganbo.sqlite";

/// Why the database could not be opened, in one line for the person starting the server.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "DATABASE_URL is not a database URL this build understands: {0} (expected sqlite://path/to/file.sqlite)"
    )]
    BadUrl(String),
    #[error("cannot create the database folder {path}: {1}", path = .0.display())]
    Folder(PathBuf, std::io::Error),
    #[error("the database folder {path} is not writable: {1}", path = .0.display())]
    NotWritable(PathBuf, std::io::Error),
    #[error("cannot open the database {0}: {1}")]
    Open(String, sqlx::Error),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Parses the URL, makes sure the file's folder exists and is writable, and opens a pool.
pub async fn open(url: &str) -> Result<Pool, OpenError> {
    let options = connect_options(url)?;
    let max = if is_memory(url) { 1 } else { 8 };
    SqlitePoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // An in-memory database lives as long as its one connection.
        .idle_timeout(if is_memory(url) {
            None
        } else {
            Some(Duration::from_secs(600))
        })
        .max_lifetime(if is_memory(url) {
            None
        } else {
            Some(Duration::from_secs(3600))
        })
        .connect_with(options)
        .await
        .map_err(|e| OpenError::Open(url.to_string(), e))
}

/// Opens and migrates: what `serve` and `migrate` both do first.
pub async fn open_and_migrate(url: &str) -> Result<Pool, OpenError> {
    let pool = open(url).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// The file a database URL names, or `None` for an in-memory database.
pub fn database_file(url: &str) -> Result<Option<PathBuf>, OpenError> {
    if !url.starts_with("sqlite:") {
        return Err(OpenError::BadUrl(url.to_string()));
    }
    if is_memory(url) {
        return Ok(None);
    }
    let options =
        SqliteConnectOptions::from_str(url).map_err(|_| OpenError::BadUrl(url.to_string()))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

fn connect_options(url: &str) -> Result<SqliteConnectOptions, OpenError> {
    if !url.starts_with("sqlite:") {
        return Err(OpenError::BadUrl(url.to_string()));
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|_| OpenError::BadUrl(url.to_string()))?
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .pragma("cache_size", "-16000")
        .pragma("temp_store", "memory");
    if !is_memory(url) {
        ensure_folder(options.get_filename())?;
    }
    Ok(options)
}

/// Creates the folder that will hold the database file and checks that it can be written.
fn ensure_folder(file: &Path) -> Result<(), OpenError> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(|e| OpenError::Folder(folder.clone(), e))?;
    let probe = folder.join(".ganbo-write-check");
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| OpenError::NotWritable(folder, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refuses_a_url_of_another_engine() {
        let err = open("mysql://localhost/x").await.unwrap_err();
        assert!(matches!(err, OpenError::BadUrl(_)), "{err}");
    }

    #[tokio::test]
    async fn refuses_an_unwritable_folder() {
        let err = open("sqlite:///proc/ganbo/x.sqlite").await.unwrap_err();
        assert!(
            matches!(err, OpenError::Folder(..) | OpenError::NotWritable(..)),
            "{err}"
        );
    }

    #[test]
    fn names_the_file_of_a_url() {
        assert_eq!(
            database_file("sqlite://data/ganbo.sqlite").unwrap(),
            Some(PathBuf::from("data/ganbo.sqlite"))
        );
        assert_eq!(
            database_file("sqlite:///var/lib/ganbo/g.sqlite?mode=rwc").unwrap(),
            Some(PathBuf::from("/var/lib/ganbo/g.sqlite"))
        );
        assert_eq!(database_file("sqlite::memory:").unwrap(), None);
        assert!(database_file("postgres://x/y").is_err());
    }

    #[tokio::test]
    async fn migrates_a_fresh_in_memory_database() {
        let pool = open_and_migrate("sqlite::memory:").await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
