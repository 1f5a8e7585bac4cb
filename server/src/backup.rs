//! `ganbo backup` and `ganbo restore`: a consistent copy of the SQLite database taken while
//! the server runs, and putting such a copy back in place of the database.
//!
//! A backup is SQLite's `VACUUM INTO`, which reads the database in one read transaction:
//! the copy is the database as of one instant, whatever the server writes meanwhile (in WAL
//! mode readers and the writer do not wait for each other). It is written under a hidden
//! temporary name beside the target, turned into a single self-contained file (rollback
//! journal, no `-wal` beside it), checked with `PRAGMA integrity_check`, synced to disk and
//! only then given its name, so a half-written backup never carries the final name.
//!
//! Who is using a database is told by a lock file beside it (`<file>.ganbo.lock`): every
//! `ganbo` command that opens the database holds a shared lock on it while it runs, and
//! restore takes the lock exclusively. So restore refuses while a server runs, and no
//! server starts while a restore is under way. The kernel drops the lock when the process
//! ends, even when it is killed, so a crash never leaves a stale lock behind. A program
//! that knows nothing of the lock file (the `sqlite3` shell, an older build) is caught by
//! SQLite itself: restore opens the database in exclusive locking mode, which SQLite
//! refuses while any other connection has the database open, even an idle one.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Duration;

use app::core::clock::Clock;
use app::server::db::{self, MIGRATOR};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

/// The files SQLite may keep beside a database while it is in use.
const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// What a backup holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contents {
    pub bytes: u64,
    pub households: i64,
    pub members: i64,
    pub visits: i64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {} households, {} members, {} visits",
            size(self.bytes),
            self.households,
            self.members,
            self.visits
        )
    }
}

/// A lock on a database's lock file, held until dropped (or the process ends).
#[derive(Debug)]
pub struct DbLock {
    _file: File,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LockKind {
    /// Using the database: serving, migrating, generating data, taking a backup.
    Shared,
    /// Replacing the database: nobody else may have it.
    Exclusive,
}

/// The shared lock that a command using the database holds while it runs; `None` for an
/// in-memory database.
pub fn hold(url: &str) -> Result<Option<DbLock>, String> {
    match db::database_file(url).map_err(|e| e.to_string())? {
        Some(file) => {
            if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(folder).map_err(|e| {
                    format!(
                        "cannot create the database folder {}: {e}",
                        folder.display()
                    )
                })?;
            }
            take_lock(&file, LockKind::Shared).map(Some)
        }
        None => Ok(None),
    }
}

fn take_lock(database: &Path, kind: LockKind) -> Result<DbLock, String> {
    let path = with_suffix(database, ".ganbo.lock");
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| format!("cannot open the lock file {}: {e}", path.display()))?;
    let taken = match kind {
        LockKind::Shared => file.try_lock_shared(),
        LockKind::Exclusive => file.try_lock(),
    };
    match taken {
        Ok(()) => Ok(DbLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(match kind {
            LockKind::Shared => format!(
                "the database {} is being restored; try again when the restore is done",
                database.display()
            ),
            LockKind::Exclusive => format!(
                "the database {} is in use by a running ganbo (serve, backup, demo or migrate); stop it first",
                database.display()
            ),
        }),
        Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// `ganbo backup PATH`: writes a consistent copy of the database to `to` (a file, or a
/// folder to put a dated file in) and answers where it is and what it holds.
pub async fn backup(
    url: &str,
    to: &Path,
    force: bool,
    clock: Clock,
) -> Result<(PathBuf, Contents), String> {
    let source = database_file(url)?;
    if !source.is_file() {
        return Err(format!("there is no database at {}", source.display()));
    }
    let target = if to.is_dir() {
        to.join(format!("ganbo-{}.sqlite", stamp(clock)))
    } else {
        to.to_path_buf()
    };
    if same_file(&source, &target) {
        return Err(format!(
            "{} is the database itself: write the backup somewhere else",
            target.display()
        ));
    }
    if !force && target.symlink_metadata().is_ok() {
        return Err(format!(
            "{} already exists; add --force to replace it",
            target.display()
        ));
    }
    let folder = absolute_folder(&target)?;
    let name = file_name(&target)?;
    let _lock = take_lock(&source, LockKind::Shared)?;
    let partial = folder.join(format!(".{name}.partial-{}", std::process::id()));
    remove_with_side_files(&partial);

    let written = async {
        snapshot(&source, &partial).await?;
        let contents = settle(&partial).await?;
        sync(&partial)?;
        publish(&partial, &target, force)?;
        sync_folder(&folder);
        Ok(contents)
    }
    .await;
    if written.is_err() {
        remove_with_side_files(&partial);
    }
    written.map(|contents| (folder.join(name), contents))
}

/// The database as of one instant, into a new file.
async fn snapshot(source: &Path, into: &Path) -> Result<(), String> {
    let into_text = into
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", into.display()))?;
    let mut conn = SqliteConnectOptions::new()
        .filename(source)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", source.display()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(into_text)
        .execute(&mut conn)
        .await
        .map_err(|e| format!("cannot write the backup {}: {e}", into.display()))?;
    conn.close().await.ok();
    Ok(())
}

/// Makes a fresh copy one self-contained file and checks it.
async fn settle(copy: &Path) -> Result<Contents, String> {
    let mut conn = open_copy(copy)
        .await
        .map_err(|e| format!("cannot check the backup {}: {e}", copy.display()))?;
    let contents = check(&mut conn, copy)
        .await
        .map_err(|e| format!("the backup is not sound: {e}"))?;
    conn.close().await.ok();
    Ok(Contents {
        bytes: file_size(copy),
        ..contents
    })
}

/// A copy opened alone, in rollback-journal mode: when it closes it is one file.
async fn open_copy(path: &Path) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete)
        .busy_timeout(Duration::from_secs(1))
        .connect()
        .await
}

/// `PRAGMA integrity_check`, then what the database holds.
async fn check(conn: &mut SqliteConnection, path: &Path) -> Result<Contents, String> {
    integrity(conn, path).await?;
    counts(conn, path).await
}

/// Refuses a database that `PRAGMA integrity_check` finds fault with.
async fn integrity(conn: &mut SqliteConnection, path: &Path) -> Result<(), String> {
    const SHOWN: usize = 20;
    let answer: Vec<String> = sqlx::query_scalar(&format!("PRAGMA integrity_check({SHOWN})"))
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| unreadable(path, &e))?;
    if answer == ["ok"] {
        return Ok(());
    }
    // One problem a line; the first line may name the schema ("*** in database main ***").
    let problems: Vec<&str> = answer
        .iter()
        .flat_map(|row| row.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("***"))
        .collect();
    let more = match problems.len() {
        0 | 1 => String::new(),
        n if n >= SHOWN => format!(" (and {} or more problems)", n - 1),
        n => format!(" (and {} more problems)", n - 1),
    };
    Err(format!(
        "{} is damaged: {}{more}",
        path.display(),
        problems
            .first()
            .copied()
            .unwrap_or("the integrity check failed")
    ))
}

/// How many households, members and visits a database holds.
async fn counts(conn: &mut SqliteConnection, path: &Path) -> Result<Contents, String> {
    let (households, members, visits): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM members), \
                (SELECT COUNT(*) FROM visits)",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match sqlite_code(&e) {
        Some(SQLITE_ERROR) => format!("{} is not a Gắn Bó database", path.display()),
        _ => unreadable(path, &e),
    })?;
    Ok(Contents {
        bytes: file_size(path),
        households,
        members,
        visits,
    })
}

/// Gives the checked copy its name: never over an existing file unless `force`.
fn publish(partial: &Path, target: &Path, force: bool) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("cannot name the backup {}: {e}", target.display());
    if force {
        return fs::rename(partial, target).map_err(failed);
    }
    // A hard link fails if the name was taken meanwhile, where a rename would replace it.
    match fs::hard_link(partial, target) {
        Ok(()) => fs::remove_file(partial).map_err(failed),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(format!(
            "{} already exists; add --force to replace it",
            target.display()
        )),
        Err(_) if target.symlink_metadata().is_err() => fs::rename(partial, target).map_err(failed),
        Err(e) => Err(failed(e)),
    }
}

/// What `ganbo restore` did.
#[derive(Debug)]
pub struct Restored {
    pub database: PathBuf,
    pub contents: Contents,
    /// Where the database it replaced was kept, if there was one and it was kept.
    pub kept: Option<PathBuf>,
    /// There was a database before, deleted with `--no-keep`.
    pub replaced: bool,
}

/// `ganbo restore PATH`: replaces the database with a checked, migrated copy of a backup.
pub async fn restore(url: &str, from: &Path, keep: bool, clock: Clock) -> Result<Restored, String> {
    let target = database_file(url)?;
    if !from.is_file() {
        return Err(format!("there is no backup at {}", from.display()));
    }
    if same_file(from, &target) {
        return Err(format!(
            "{} is the database itself, not a backup of it",
            from.display()
        ));
    }
    let wal = with_suffix(from, "-wal");
    if file_size(&wal) > 0 {
        return Err(format!(
            "{} sits beside {}: that is a database in use, not a backup; make one with `ganbo backup`",
            wal.display(),
            from.display()
        ));
    }
    let folder = absolute_folder(&target)?;
    fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create the folder {}: {e}", folder.display()))?;
    let name = file_name(&target)?;
    let staged = folder.join(format!(".{name}.restoring-{}", std::process::id()));
    remove_with_side_files(&staged);

    let done = async {
        fs::copy(from, &staged).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                from.display(),
                folder.display()
            )
        })?;
        let contents = prepare(&staged, from).await?;
        sync(&staged)?;

        let _lock = take_lock(&target, LockKind::Exclusive)?;
        let existed = target.symlink_metadata().is_ok();
        if existed {
            release_current(&target).await?;
        }
        let kept = if existed {
            set_aside(&target, keep, clock)?
        } else {
            None
        };
        fs::rename(&staged, &target).map_err(|e| {
            format!(
                "cannot put the backup in place at {}: {e}",
                target.display()
            )
        })?;
        sync_folder(&folder);
        Ok(Restored {
            database: folder.join(name),
            contents,
            kept,
            replaced: existed,
        })
    }
    .await;
    if done.is_err() {
        remove_with_side_files(&staged);
    }
    done
}

/// Checks a copy of a backup (it opens, is whole, and comes from a version this build
/// knows) and migrates it to this version.
async fn prepare(staged: &Path, backup: &Path) -> Result<Contents, String> {
    let mut conn = open_copy(staged)
        .await
        .map_err(|e| unreadable(backup, &e))?;
    let checked = async {
        integrity(&mut conn, backup).await?;
        known_migrations(&mut conn, backup).await?;
        MIGRATOR
            .run(&mut conn)
            .await
            .map_err(|e| format!("cannot migrate the backup to this version: {e}"))?;
        counts(&mut conn, backup).await
    }
    .await;
    conn.close().await.ok();
    let contents = checked?;
    Ok(Contents {
        bytes: file_size(staged),
        ..contents
    })
}

/// Refuses a backup made by a newer version (a migration this build does not have) or by
/// a build whose migrations differ.
async fn known_migrations(conn: &mut SqliteConnection, backup: &Path) -> Result<(), String> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| unreadable(backup, &e))?;
    if !has_table {
        return Err(format!(
            "{} is a SQLite database but not a Gắn Bó one (it has no migrations)",
            backup.display()
        ));
    }
    let applied: Vec<(i64, Vec<u8>, bool)> =
        sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| unreadable(backup, &e))?;
    for (version, checksum, success) in applied {
        let Some(known) = MIGRATOR
            .iter()
            .find(|m| m.version == version && !m.migration_type.is_down_migration())
        else {
            return Err(format!(
                "{} comes from a newer version of Gắn Bó (its migration {version} is unknown to this build); restore it with that version",
                backup.display()
            ));
        };
        if known.checksum.as_ref() != checksum.as_slice() {
            return Err(format!(
                "{}: its migration {version} differs from this build's; it was made by another build of Gắn Bó",
                backup.display()
            ));
        }
        if !success {
            return Err(format!(
                "{}: its migration {version} had failed when it was taken",
                backup.display()
            ));
        }
    }
    Ok(())
}

/// Makes sure nobody has the current database open and folds its write-ahead log into it,
/// so the file set aside is whole on its own.
async fn release_current(database: &Path) -> Result<(), String> {
    let in_use = || {
        format!(
            "the database {} is open in another program; stop it first",
            database.display()
        )
    };
    let conn = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::from_millis(1500))
        .connect()
        .await;
    let mut conn = match conn {
        Ok(c) => c,
        Err(e) if is_busy(&e) => return Err(in_use()),
        // A database too damaged to open is set aside as it is, with its side files.
        Err(e) => {
            eprintln!("ganbo: the current database does not open ({e}); it is set aside as it is");
            return Ok(());
        }
    };
    let folded = async {
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_master")
            .fetch_one(&mut conn)
            .await?;
        sqlx::query("COMMIT").execute(&mut conn).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        Ok::<(), sqlx::Error>(())
    }
    .await;
    let closed = conn.close().await;
    match folded {
        Err(e) if is_busy(&e) => Err(in_use()),
        Err(e) => {
            eprintln!(
                "ganbo: the current database does not read whole ({e}); it is set aside as it is"
            );
            Ok(())
        }
        Ok(()) => closed.map_err(|e| format!("cannot close {}: {e}", database.display())),
    }
}

/// Moves the current database and its side files to `<name>.before-restore-<time>`, or
/// deletes them with `--no-keep`. Side files go first: a `-wal` left under the database's
/// name would be replayed into the restored database.
fn set_aside(database: &Path, keep: bool, clock: Clock) -> Result<Option<PathBuf>, String> {
    let failed = |p: &Path, e: std::io::Error| format!("cannot move {} aside: {e}", p.display());
    if !keep {
        for side in SIDE_FILES {
            let file = with_suffix(database, side);
            match fs::remove_file(&file) {
                Err(e) if e.kind() != ErrorKind::NotFound => return Err(failed(&file, e)),
                _ => {}
            }
        }
        return Ok(None);
    }
    let base = with_suffix(database, &format!(".before-restore-{}", stamp(clock)));
    let aside = (0..)
        .map(|n| {
            if n == 0 {
                base.clone()
            } else {
                with_suffix(&base, &format!("-{n}"))
            }
        })
        .find(|p| {
            p.symlink_metadata().is_err()
                && SIDE_FILES
                    .iter()
                    .all(|s| with_suffix(p, s).symlink_metadata().is_err())
        })
        .expect("a free name");
    for side in SIDE_FILES {
        let file = with_suffix(database, side);
        if file.symlink_metadata().is_ok() {
            fs::rename(&file, with_suffix(&aside, side)).map_err(|e| failed(&file, e))?;
        }
    }
    fs::rename(database, &aside).map_err(|e| failed(database, e))?;
    Ok(Some(aside))
}

// SQLite's primary result codes that matter here.
const SQLITE_ERROR: i32 = 1;
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_NOTADB: i32 = 26;

fn sqlite_code(e: &sqlx::Error) -> Option<i32> {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i32>().ok())
        .map(|c| c & 0xff)
}

fn is_busy(e: &sqlx::Error) -> bool {
    matches!(sqlite_code(e), Some(SQLITE_BUSY | SQLITE_LOCKED))
}

/// One line on why a backup cannot be read.
fn unreadable(path: &Path, e: &sqlx::Error) -> String {
    let said = e
        .as_database_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string());
    match sqlite_code(e) {
        Some(SQLITE_NOTADB) => format!("{} is not a SQLite database", path.display()),
        Some(SQLITE_CORRUPT) => format!("{} is damaged: {said}", path.display()),
        _ => format!("cannot read {}: {said}", path.display()),
    }
}

/// The database file of `DATABASE_URL` (an in-memory database has no file to copy).
fn database_file(url: &str) -> Result<PathBuf, String> {
    db::database_file(url)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{url} is an in-memory database: there is no file to copy"))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn file_name(path: &Path) -> Result<String, String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| format!("{} does not name a file", path.display()))
}

/// The folder a file is (or will be) in, as an absolute path.
fn absolute_folder(file: &Path) -> Result<PathBuf, String> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::path::absolute(&folder).map_err(|e| format!("{}: {e}", folder.display()))
}

/// Whether two paths name one file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| {
        fs::canonicalize(p).ok().or_else(|| {
            let folder = fs::canonicalize(absolute_folder(p).ok()?).ok()?;
            Some(folder.join(p.file_name()?))
        })
    };
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn file_size(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn sync(path: &Path) -> Result<(), String> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot write {} to disk: {e}", path.display()))
}

/// Makes a rename in a folder durable (best effort: not every system syncs folders).
fn sync_folder(folder: &Path) {
    if let Ok(f) = File::open(folder) {
        let _ = f.sync_all();
    }
}

fn remove_with_side_files(path: &Path) {
    let _ = fs::remove_file(path);
    for side in SIDE_FILES {
        let _ = fs::remove_file(with_suffix(path, side));
    }
}

/// The instant, for file names: `20261201T140501Z`.
fn stamp(clock: Clock) -> String {
    clock.now().format("%Y%m%dT%H%M%SZ").to_string()
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{:.1} kB", bytes as f64 / 1_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_files_keep_sqlites_names() {
        let db = Path::new("/var/lib/ganbo/ganbo.sqlite");
        assert_eq!(
            with_suffix(db, "-wal"),
            PathBuf::from("/var/lib/ganbo/ganbo.sqlite-wal")
        );
        assert_eq!(
            with_suffix(&with_suffix(db, ".before-restore-20261201T090000Z"), "-wal"),
            PathBuf::from("/var/lib/ganbo/ganbo.sqlite.before-restore-20261201T090000Z-wal")
        );
    }

    #[test]
    fn a_shared_lock_keeps_the_exclusive_one_out_and_ends_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("g.sqlite");
        let first = take_lock(&db, LockKind::Shared).unwrap();
        let second = take_lock(&db, LockKind::Shared).unwrap();
        let refused = take_lock(&db, LockKind::Exclusive).unwrap_err();
        assert!(refused.contains("in use by a running ganbo"), "{refused}");
        drop(first);
        drop(second);
        let exclusive = take_lock(&db, LockKind::Exclusive).unwrap();
        let refused = take_lock(&db, LockKind::Shared).unwrap_err();
        assert!(refused.contains("being restored"), "{refused}");
        drop(exclusive);
        take_lock(&db, LockKind::Shared).unwrap();
    }

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(size(12_345), "12.3 kB");
        assert_eq!(size(12_345_678), "12.3 MB");
    }
}
