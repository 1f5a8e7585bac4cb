//! Imports in the background: the file is read and checked on a blocking thread (so the
//! server keeps answering everyone else), then written in one transaction. Progress lives
//! in memory while the work runs; the job row keeps the outcome. Cancelling flips a flag
//! the worker looks at between rows and between batches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;

use super::check::{self, Cancelled, Context, Plan, Progress};
use super::model::*;
use super::read::{self, Headers, Sheet};
use super::repo;
use crate::core::clock::{Clock, vn_date};
use crate::error::AppError;
use crate::server::db::Pool;
use crate::server::scope::CellScope;

/// Work going on now, by database and job id (tests run several databases in one process).
type JobKey = (String, i64);
static LIVE: LazyLock<Mutex<HashMap<JobKey, Arc<Progress>>>> = LazyLock::new(Default::default);
/// At most two files are read or written at once, whether for a first look, a check or a
/// write; others wait their turn. This bounds the memory readings take: each stays within
/// the limits of `read` (cells, text, unpacked size), so two of them at once do too.
static WORKERS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(WORKER_COUNT));
const WORKER_COUNT: usize = 2;

/// A turn of a reader, waited for at most [`READER_WAIT_SECONDS`] (a look at a file, which
/// someone waits for); when none comes free, the file is not looked at: [`FileProblem::Busy`].
pub async fn reader_turn() -> Result<tokio::sync::SemaphorePermit<'static>, FileProblem> {
    let wait = std::time::Duration::from_secs(u64::from(READER_WAIT_SECONDS));
    match tokio::time::timeout(wait, WORKERS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) => Err(FileProblem::Internal),
        Err(_) => {
            tracing::warn!("every file reader stayed busy; a look at a file was turned away");
            Err(FileProblem::Busy)
        }
    }
}

fn live_map() -> std::sync::MutexGuard<'static, HashMap<JobKey, Arc<Progress>>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn key(pool: &Pool, job: i64) -> JobKey {
    (
        pool.connect_options()
            .get_filename()
            .to_string_lossy()
            .into_owned(),
        job,
    )
}

/// Registers work on a job before it starts; `None` if work on it is already going on.
pub fn register(pool: &Pool, job: i64) -> Option<Arc<Progress>> {
    let mut live = live_map();
    let k = key(pool, job);
    if live.contains_key(&k) {
        return None;
    }
    let p = Arc::new(Progress::default());
    live.insert(k, p.clone());
    Some(p)
}

pub fn unregister(pool: &Pool, job: i64) {
    live_map().remove(&key(pool, job));
}

/// (done, total) of work going on now.
pub fn live(pool: &Pool, job: i64) -> Option<(u64, u64)> {
    live_map().get(&key(pool, job)).map(|p| {
        (
            p.done.load(Ordering::Relaxed),
            p.total.load(Ordering::Relaxed),
        )
    })
}

/// Asks running work to stop; false when nothing runs.
pub fn cancel_live(pool: &Pool, job: i64) -> bool {
    match live_map().get(&key(pool, job)) {
        Some(p) => {
            p.cancel.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

/// Where uploaded files wait for their job: `GANBO_IMPORT_DIR`, or a folder in the
/// system's temporary folder.
pub fn upload_dir() -> PathBuf {
    std::env::var_os("GANBO_IMPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ganbo-import"))
}

/// The most that uploaded files waiting for their import may take on disk together.
pub const UPLOADS_QUOTA_MB: u32 = 500;

/// Bytes of uploads being received right now, not yet on disk in full.
static RECEIVING: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The upload folder, made if missing and readable by this server's user only (others on
/// the machine must not read members' and households' files).
pub fn private_upload_dir() -> std::io::Result<PathBuf> {
    let dir = upload_dir();
    make_private_dir(&dir)?;
    Ok(dir)
}

fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A new file in the upload folder, readable by this server's user only.
pub async fn create_private_file(path: &Path) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

/// What the files in the upload folder take on disk.
fn stored_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Room taken for an upload as it arrives, within [`UPLOADS_QUOTA_MB`] for everything
/// waiting on disk and arriving; given back when dropped (the file is then on disk, or
/// deleted).
pub struct UploadRoom {
    taken: u64,
    on_disk: u64,
}

impl UploadRoom {
    pub fn new(dir: &Path) -> Self {
        Self {
            taken: 0,
            on_disk: stored_bytes(dir),
        }
    }

    /// Takes room for `n` more bytes, or refuses when the quota would be passed.
    pub fn take(&mut self, n: u64) -> Result<(), FileProblem> {
        let quota = u64::from(UPLOADS_QUOTA_MB) * 1024 * 1024;
        let before = RECEIVING.fetch_add(n, Ordering::SeqCst);
        self.taken += n;
        if self.on_disk + before + n > quota {
            return Err(FileProblem::UploadsFull {
                max_mb: UPLOADS_QUOTA_MB,
            });
        }
        Ok(())
    }
}

impl Drop for UploadRoom {
    fn drop(&mut self) {
        RECEIVING.fetch_sub(self.taken, Ordering::SeqCst);
    }
}

pub fn remove_file(path: &str) {
    if path.is_empty() {
        return;
    }
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, path, "cannot remove an uploaded file");
    }
}

/// Opens a stored upload and reads a sheet (the first rows only when `limit` is given).
pub fn read_upload(
    path: &Path,
    file_name: &str,
    sheet: Option<&str>,
    encoding: Option<&str>,
    limit: Option<usize>,
    progress: &dyn Fn(u64),
) -> Result<(read::Opened, String, Sheet), FileProblem> {
    let deadline = read::Deadline::standard();
    let opened = read::open_file(path.to_path_buf(), file_name, encoding, deadline)?;
    let name = match sheet.filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => opened
            .sheets
            .first()
            .cloned()
            .ok_or(FileProblem::EmptySheet)?,
    };
    let sheet = opened.read_sheet(&name, limit, progress)?;
    Ok((opened, name, sheet))
}

/// A file that cannot be used, as the person is told.
pub fn file_error(p: FileProblem) -> AppError {
    match p {
        FileProblem::Internal => AppError::Internal,
        p => AppError::invalid("file", crate::error::Problem::File(p)),
    }
}

/// The first rows of a sheet, its headers and the columns' guessed (or remembered) fields.
pub async fn inspect(
    pool: &Pool,
    cell: &CellScope,
    path: &str,
    file_name: &str,
    sheet: Option<String>,
    encoding: Option<String>,
    kind: Option<ImportKind>,
) -> Result<Inspection, AppError> {
    let (path, name) = (path.to_string(), file_name.to_string());
    let permit = reader_turn().await.map_err(file_error)?;
    let looked = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let (opened, sheet, rows) = read_upload(
            Path::new(&path),
            &name,
            sheet.as_deref(),
            encoding.as_deref(),
            Some(40),
            &|_| {},
        )?;
        let headers = read::find_headers(&rows)?;
        Ok::<_, FileProblem>((opened, sheet, rows, headers))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "inspecting a file panicked");
        AppError::Internal
    })?;
    let (opened, sheet, rows, headers) = looked.map_err(file_error)?;
    let kind = kind.unwrap_or_else(|| read::guess_kind(&sheet, &headers.names));
    let mut mapping = read::guess_mapping(kind, &headers.names);
    let remembered = repo::remembered_mapping(pool, cell, kind).await?;
    let mut used_memory = false;
    for (i, h) in headers.names.iter().enumerate() {
        if let Some(f) = remembered.get(&read::header_key(h)) {
            mapping[i] = f.filter(|f| kind.fields().contains(f));
            used_memory = true;
        }
    }
    // A field goes to one column only: the first keeps it.
    let mut taken = Vec::new();
    for m in mapping.iter_mut() {
        if let Some(f) = *m {
            if taken.contains(&f) {
                *m = None;
            } else {
                taken.push(f);
            }
        }
    }
    let width = headers.names.len();
    let sample = rows
        .rows
        .iter()
        .skip(headers.data_start)
        .take(SAMPLE_ROWS)
        .map(|(_, cells)| {
            (0..width)
                .map(|c| cells.get(c).map(|c| c.text()).unwrap_or_default())
                .map(|t| t.chars().take(80).collect())
                .collect()
        })
        .collect();
    Ok(Inspection {
        job: 0,
        file_name: file_name.to_string(),
        format: opened.format.code().to_string(),
        encoding: opened.encoding.clone(),
        sheets: opened.sheets.clone(),
        sheet,
        kind,
        header_row: headers.row,
        headers: headers.names,
        mapping,
        remembered: used_memory,
        sample,
    })
}

/// What a check or a write needs.
#[derive(Clone, Debug)]
pub struct Work {
    pub cell: CellScope,
    pub job_id: i64,
    pub user_id: i64,
    pub file_path: String,
    pub file_name: String,
    pub sheet: String,
    pub encoding: String,
    pub kind: ImportKind,
    pub mapping: Vec<Option<Field>>,
    /// The app's clock: the check's "today" and every time the job records.
    pub clock: Clock,
    /// Write when the check passes (or only check).
    pub commit: bool,
}

/// Starts the work in the background. The job must have been [`register`]ed.
pub fn spawn(pool: Pool, work: Work, progress: Arc<Progress>) {
    tokio::spawn(async move {
        let id = work.job_id;
        let state = run(&pool, &work, &progress).await;
        unregister(&pool, id);
        tracing::info!(job = id, state = state.code(), "import work finished");
    });
}

/// Reads, checks and (when asked) writes; records the outcome. Returns the job's new state.
/// Background work waits for a reader's turn as long as it takes.
pub async fn run(pool: &Pool, work: &Work, progress: &Arc<Progress>) -> JobState {
    let _permit = WORKERS.acquire().await;
    let outcome = check_file(pool, work, progress).await;
    let plan = match outcome {
        Ok(Ok(plan)) => plan,
        Ok(Err(Cancelled)) => return end(pool, work, JobState::Cancelled, None).await,
        Err(problem) => return end(pool, work, JobState::Failed, Some(&problem)).await,
    };
    if plan.errors_total > 0 || !work.commit {
        let state = if plan.errors_total > 0 {
            JobState::Invalid
        } else {
            JobState::Ready
        };
        let saved = repo::save_outcome(
            pool,
            work.job_id,
            repo::Outcome {
                state,
                rows_total: plan.counts.rows,
                counts: &plan.counts,
                errors_total: plan.errors_total,
                errors: &plan.errors,
                preview: &plan.preview,
                failure: None,
            },
            work.clock.now(),
        )
        .await;
        if let Err(e) = saved {
            tracing::error!(error = %e, "cannot save an import check");
            return end(pool, work, JobState::Failed, Some(&FileProblem::Internal)).await;
        }
        return state;
    }
    match repo::apply(
        pool,
        &work.cell,
        work.job_id,
        work.user_id,
        work.clock.now(),
        &plan,
        progress,
    )
    .await
    {
        Ok(()) => {
            remove_file(&work.file_path);
            JobState::Done
        }
        Err(repo::ApplyError::Cancelled) => end(pool, work, JobState::Cancelled, None).await,
        Err(repo::ApplyError::Db(e)) => {
            tracing::error!(error = %e, job = work.job_id, "import write failed");
            end(pool, work, JobState::Failed, Some(&FileProblem::Internal)).await
        }
    }
}

async fn end(pool: &Pool, work: &Work, state: JobState, problem: Option<&FileProblem>) -> JobState {
    remove_file(&work.file_path);
    if let Err(e) = repo::finish(pool, work.job_id, state, problem, work.clock.now()).await {
        tracing::error!(error = %e, "cannot record the end of an import");
    }
    state
}

/// Reads the whole file and checks every row against what the cell holds now.
async fn check_file(
    pool: &Pool,
    work: &Work,
    progress: &Arc<Progress>,
) -> Result<Result<Plan, Cancelled>, FileProblem> {
    let existing = repo::existing(pool, &work.cell, work.kind)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot load a cell for an import");
            FileProblem::Internal
        })?;
    let work = work.clone();
    let progress = progress.clone();
    let now = work.clock.now();
    let joined = tokio::task::spawn_blocking(move || {
        progress.total.store(0, Ordering::Relaxed);
        let counter = |n: u64| progress.done.store(n, Ordering::Relaxed);
        let (_, _, sheet) = read_upload(
            Path::new(&work.file_path),
            &work.file_name,
            Some(&work.sheet),
            Some(&work.encoding),
            None,
            &counter,
        )?;
        if progress.cancelled() {
            return Ok(Err(Cancelled));
        }
        let headers: Headers = read::find_headers(&sheet)?;
        let mut mapping = work.mapping.clone();
        mapping.resize(headers.names.len(), None);
        check_mapping(work.kind, &mapping)?;
        let cx = Context {
            kind: work.kind,
            mapping: &mapping,
            headers: &headers,
            existing: &existing,
            today: vn_date(now),
            now,
            file_name: &work.file_name,
        };
        Ok(check::plan(&sheet, &cx, &progress))
    })
    .await;
    match joined {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "import check panicked");
            Err(FileProblem::Internal)
        }
    }
}

/// Jobs the server was working on when it stopped are failed; files nobody came back to
/// for a day are deleted.
pub async fn sweep(pool: &Pool, now: DateTime<Utc>) -> sqlx::Result<()> {
    for (id, path) in repo::interrupted_jobs(pool).await? {
        if live(pool, id).is_none() {
            remove_file(&path);
            repo::finish(
                pool,
                id,
                JobState::Failed,
                Some(&FileProblem::Interrupted),
                now,
            )
            .await?;
        }
    }
    for (id, path) in repo::stale_jobs(pool, now - chrono::Duration::hours(24)).await? {
        remove_file(&path);
        repo::finish(pool, id, JobState::Cancelled, None, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[tokio::test]
    async fn uploads_are_kept_where_only_the_server_reads_them() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("imports");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        make_private_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the folder: {mode:o}");
        let file = dir.join("upload");
        drop(create_private_file(&file).await.unwrap());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the file: {mode:o}");
        assert!(
            create_private_file(&file).await.is_err(),
            "never overwritten"
        );
    }

    #[test]
    fn uploads_on_disk_and_arriving_stay_within_the_quota() {
        let tmp = tempfile::tempdir().unwrap();
        let quota = u64::from(UPLOADS_QUOTA_MB) * 1024 * 1024;
        // Files waiting on disk take all but 1 MB of the quota (a sparse file: no real room).
        let waiting = std::fs::File::create(tmp.path().join("waiting")).unwrap();
        waiting.set_len(quota - 1024 * 1024).unwrap();
        let mut first = UploadRoom::new(tmp.path());
        first.take(512 * 1024).unwrap();
        // Another upload at the same time shares what is left.
        let mut second = UploadRoom::new(tmp.path());
        second.take(256 * 1024).unwrap();
        assert_eq!(
            second.take(512 * 1024),
            Err(FileProblem::UploadsFull {
                max_mb: UPLOADS_QUOTA_MB
            })
        );
        drop(second);
        drop(first);
        // Room given back: a new upload gets the whole remaining megabyte again.
        let mut third = UploadRoom::new(tmp.path());
        third.take(1024 * 1024).unwrap();
        assert!(third.take(1).is_err());
    }
}
