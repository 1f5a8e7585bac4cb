//! Server functions of imports: upload, look at a sheet, check, follow, write, cancel.
//! Who may import: the cell's secretary and the committee above it (`write_cell`).

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::model::*;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod server {
    use super::super::job;
    use super::super::repo::{self, JobRow};
    use crate::error::AppError;
    use crate::server::db::Pool;
    use crate::server::scope::{Caller, CellScope};

    pub use super::super::job::{file_error, inspect};

    pub use crate::server::state::clock;

    /// A job the caller may work on (unknown jobs answer like jobs of other cells).
    pub async fn writable_job(
        caller: &Caller,
        pool: &Pool,
        id: i64,
    ) -> Result<(JobRow, CellScope), AppError> {
        let job = repo::job(pool, id).await?.ok_or(AppError::Forbidden)?;
        let cell = caller.write_cell(pool, job.cell_id).await?;
        if job.ward_id != cell.ward_id {
            return Err(AppError::Forbidden);
        }
        Ok((job, cell))
    }

    /// Deletes a stored upload unless kept.
    pub struct Stored {
        pub path: String,
        pub keep: bool,
    }

    impl Drop for Stored {
        fn drop(&mut self) {
            if !self.keep {
                job::remove_file(&self.path);
            }
        }
    }

    /// When every reader stayed busy, the answer is 503 (try again later) with a
    /// `Retry-After`, not 422: nothing is wrong with the file.
    pub fn busy_is_503<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        use super::super::model::FileProblem;
        use crate::error::Problem;
        if let Err(AppError::Invalid {
            problem: Problem::File(FileProblem::Busy),
            ..
        }) = &result
            && let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        {
            res.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
            res.insert_header(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("30"),
            );
        }
        result
    }

    /// A file name fit to show: no folders, no control characters, not too long.
    pub fn display_name(name: &str) -> String {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
        if clean.trim().is_empty() {
            "tep.csv".to_string()
        } else {
            clean.trim().to_string()
        }
    }
}

/// Receives a file (form fields `cell`, optional `encoding`, then `file`), keeps it for the
/// import, and answers with its sheets, headers and guessed columns. Nothing is imported yet.
#[server(endpoint = "transfer/upload_file", input = MultipartFormData)]
pub async fn upload_import(data: MultipartData) -> Result<Inspection, AppError> {
    use self::server::*;
    use super::{job, repo};
    use crate::error::Problem;
    use crate::server::{scope::*, state::pool};
    use tokio::io::AsyncWriteExt;
    let answered = answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let mut form = data.into_inner().ok_or(AppError::Internal)?;
        let dir = job::private_upload_dir().map_err(|e| {
            tracing::error!(error = %e, "cannot prepare the upload folder");
            AppError::Internal
        })?;
        let bad = |_| AppError::invalid("file", Problem::BadFormat);
        let max = u64::from(MAX_FILE_MB) * 1024 * 1024;
        let mut scope: Option<crate::server::scope::CellScope> = None;
        let mut encoding = String::new();
        let mut stored: Option<(Stored, String, u64)> = None;
        while let Some(mut field) = form.next_field().await.map_err(bad)? {
            match field.name().unwrap_or_default() {
                name @ ("cell" | "encoding") => {
                    let name = name.to_string();
                    let mut text = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(bad)? {
                        text.extend_from_slice(&chunk);
                        if text.len() > 100 {
                            return Err(AppError::invalid(name, Problem::TooLong { max: 100 }));
                        }
                    }
                    let text = String::from_utf8_lossy(&text).trim().to_string();
                    if name == "cell" {
                        let cell = text
                            .parse()
                            .map_err(|_| AppError::invalid("cell", Problem::BadFormat))?;
                        // Checked before any file is stored.
                        scope = Some(caller.write_cell(&pool, cell).await?);
                    } else {
                        encoding = text;
                    }
                }
                "file" if stored.is_none() => {
                    // The cell comes first in the form: no file is kept for nobody.
                    if scope.is_none() {
                        return Err(AppError::invalid("cell", Problem::Required));
                    }
                    let file_name = display_name(field.file_name().unwrap_or_default());
                    let path = dir.join(uuid::Uuid::new_v4().to_string());
                    let guard = Stored {
                        path: path.to_string_lossy().into_owned(),
                        keep: false,
                    };
                    let mut out = job::create_private_file(&path).await.map_err(|e| {
                        tracing::error!(error = %e, "cannot store an upload");
                        AppError::Internal
                    })?;
                    let mut room = job::UploadRoom::new(&dir);
                    let mut size: u64 = 0;
                    while let Some(chunk) = field.chunk().await.map_err(bad)? {
                        size += chunk.len() as u64;
                        if size > max {
                            return Err(file_error(FileProblem::TooLarge {
                                max_mb: MAX_FILE_MB,
                            }));
                        }
                        room.take(chunk.len() as u64).map_err(file_error)?;
                        out.write_all(&chunk).await.map_err(|e| {
                            tracing::error!(error = %e, "cannot store an upload");
                            AppError::Internal
                        })?;
                    }
                    out.flush().await.map_err(|_| AppError::Internal)?;
                    stored = Some((guard, file_name, size));
                }
                _ => while field.chunk().await.map_err(bad)?.is_some() {},
            }
        }
        let scope = scope.ok_or(AppError::invalid("cell", Problem::Required))?;
        let (mut guard, file_name, size) =
            stored.ok_or(AppError::invalid("file", Problem::Required))?;
        if size == 0 {
            return Err(file_error(FileProblem::EmptySheet));
        }
        if let Err(e) = job::sweep(&pool, clock()?.now()).await {
            tracing::warn!(error = %e, "cannot sweep old imports");
        }
        let enc = (!encoding.is_empty()).then_some(encoding);
        let mut ins = inspect(&pool, &scope, &guard.path, &file_name, None, enc, None).await?;
        let id = repo::create_job(
            &pool,
            repo::NewJob {
                cell: &scope,
                user_id: caller.user_id(),
                file_name: &file_name,
                file_path: &guard.path,
                file_size: size as i64,
                format: &ins.format,
                encoding: &ins.encoding,
                sheet: &ins.sheet,
                at: clock()?.now(),
            },
        )
        .await?;
        guard.keep = true;
        ins.job = id;
        Ok(ins)
    })
    .await;
    busy_is_503(answered)
}

#[cfg(feature = "ssr")]
fn parse_kind(kind: &str) -> Result<Option<ImportKind>, AppError> {
    if kind.is_empty() {
        return Ok(None);
    }
    ImportKind::parse(kind)
        .map(Some)
        .ok_or_else(|| AppError::invalid("data_kind", crate::error::Problem::UnknownChoice))
}

#[cfg(feature = "ssr")]
fn parse_encoding(encoding: &str) -> Result<Option<String>, AppError> {
    if encoding.is_empty() {
        return Ok(None);
    }
    if ENCODINGS.iter().any(|(code, _)| *code == encoding) {
        Ok(Some(encoding.to_string()))
    } else {
        Err(AppError::invalid(
            "encoding",
            crate::error::Problem::UnknownChoice,
        ))
    }
}

/// Looks at another sheet, encoding or kind of an uploaded file.
#[server(endpoint = "transfer/inspect_file")]
pub async fn inspect_import(
    job: i64,
    sheet: String,
    encoding: String,
    kind: String,
) -> Result<Inspection, AppError> {
    use self::server::*;
    use crate::server::{scope::*, state::pool};
    let answered = answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (row, scope) = writable_job(&caller, &pool, job).await?;
        let kind = parse_kind(&kind)?;
        let encoding = parse_encoding(&encoding)?;
        if !matches!(
            row.state(),
            JobState::Uploaded | JobState::Invalid | JobState::Ready
        ) || row.file_path.is_empty()
        {
            return Err(AppError::Conflict);
        }
        let sheet = (!sheet.is_empty()).then_some(sheet);
        let mut ins = inspect(
            &pool,
            &scope,
            &row.file_path,
            &row.file_name,
            sheet,
            encoding,
            kind,
        )
        .await?;
        ins.job = row.id;
        Ok(ins)
    })
    .await;
    busy_is_503(answered)
}

/// Checks every row with the chosen columns, in the background; the mapping is remembered
/// for the cell's next file. `mapping` is one field code per column, comma-separated
/// (empty for a column that is not imported).
#[server(endpoint = "transfer/check_file")]
pub async fn check_import(
    job: i64,
    sheet: String,
    encoding: String,
    kind: String,
    mapping: String,
) -> Result<JobView, AppError> {
    use self::server::*;
    use super::{job as jobs, repo};
    use crate::error::Problem;
    use crate::server::{scope::*, state::pool};
    let answered = answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (row, scope) = writable_job(&caller, &pool, job).await?;
        let kind = parse_kind(&kind)?.ok_or(AppError::invalid("data_kind", Problem::Required))?;
        let encoding = parse_encoding(&encoding)?.unwrap_or_default();
        let fields: Vec<Option<Field>> = mapping
            .split(',')
            .take(MAX_COLUMNS)
            .map(|c| match c.trim() {
                "" => Ok(None),
                c => Field::parse(c)
                    .filter(|f| kind.fields().contains(f))
                    .map(Some)
                    .ok_or(AppError::invalid("mapping", Problem::UnknownChoice)),
            })
            .collect::<Result<_, _>>()?;
        check_mapping(kind, &fields).map_err(file_error)?;
        if row.file_path.is_empty() {
            return Err(AppError::Conflict);
        }
        // The headers of the chosen sheet, so that the mapping is remembered by their names.
        let sheet = if sheet.is_empty() {
            row.sheet.clone()
        } else {
            sheet
        };
        let ins = inspect(
            &pool,
            &scope,
            &row.file_path,
            &row.file_name,
            Some(sheet.clone()),
            (!encoding.is_empty()).then(|| encoding.clone()),
            Some(kind),
        )
        .await?;
        let progress = jobs::register(&pool, row.id).ok_or(AppError::Conflict)?;
        let moved = repo::transition(
            &pool,
            row.id,
            &[JobState::Uploaded, JobState::Invalid, JobState::Ready],
            JobState::Checking,
            clock()?.now(),
        )
        .await;
        if !matches!(moved, Ok(true)) {
            jobs::unregister(&pool, row.id);
            moved?;
            return Err(AppError::Conflict);
        }
        repo::set_choice(
            &pool,
            row.id,
            &ins.sheet,
            &ins.encoding,
            kind,
            &fields,
            clock()?.now(),
        )
        .await?;
        repo::save_mapping(&pool, &scope, kind, &ins.headers, &fields, clock()?.now()).await?;
        jobs::spawn(
            pool.clone(),
            jobs::Work {
                cell: scope,
                job_id: row.id,
                user_id: caller.user_id(),
                file_path: row.file_path.clone(),
                file_name: row.file_name.clone(),
                sheet: ins.sheet,
                encoding: ins.encoding,
                kind,
                mapping: fields,
                clock: clock()?,
                commit: false,
            },
            progress,
        );
        let row = repo::job(&pool, row.id).await?.ok_or(AppError::NotFound)?;
        Ok(row.view(jobs::live(&pool, row.id)))
    })
    .await;
    busy_is_503(answered)
}

/// Where an import stands: progress, counts, every row error, the preview.
#[server(endpoint = "transfer/import_status")]
pub async fn import_status(job: i64) -> Result<JobView, AppError> {
    use self::server::*;
    use super::{job as jobs, repo};
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (row, _) = writable_job(&caller, &pool, job).await?;
        let live = jobs::live(&pool, row.id);
        if row.state().running() && live.is_none() {
            // Running on paper, but nothing works on it: the server stopped meanwhile.
            if let Err(e) = jobs::sweep(&pool, clock()?.now()).await {
                tracing::warn!(error = %e, "cannot sweep old imports");
            }
            let row = repo::job(&pool, job).await?.ok_or(AppError::NotFound)?;
            return Ok(row.view(jobs::live(&pool, row.id)));
        }
        Ok(row.view(live))
    })
    .await
}

/// Writes a checked file, in one transaction, in the background. Every row is checked
/// again first against what the cell holds by then.
#[server(endpoint = "transfer/commit_import")]
pub async fn commit_import(job: i64) -> Result<JobView, AppError> {
    use self::server::*;
    use super::{job as jobs, repo};
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (row, scope) = writable_job(&caller, &pool, job).await?;
        let kind = row.kind().ok_or(AppError::Conflict)?;
        if row.state() != JobState::Ready || row.file_path.is_empty() {
            return Err(AppError::Conflict);
        }
        let progress = jobs::register(&pool, row.id).ok_or(AppError::Conflict)?;
        match repo::transition(
            &pool,
            row.id,
            &[JobState::Ready],
            JobState::Committing,
            clock()?.now(),
        )
        .await
        {
            Ok(true) => {}
            other => {
                jobs::unregister(&pool, row.id);
                other?;
                return Err(AppError::Conflict);
            }
        }
        jobs::spawn(
            pool.clone(),
            jobs::Work {
                cell: scope,
                job_id: row.id,
                user_id: caller.user_id(),
                file_path: row.file_path.clone(),
                file_name: row.file_name.clone(),
                sheet: row.sheet.clone(),
                encoding: row.encoding.clone(),
                kind,
                mapping: row.mapping(),
                clock: clock()?,
                commit: true,
            },
            progress,
        );
        let row = repo::job(&pool, row.id).await?.ok_or(AppError::NotFound)?;
        Ok(row.view(jobs::live(&pool, row.id)))
    })
    .await
}

/// Stops an import: running work stops at its next row or batch and writes nothing.
#[server(endpoint = "transfer/cancel_import")]
pub async fn cancel_import(job: i64) -> Result<JobView, AppError> {
    use self::server::*;
    use super::{job as jobs, repo};
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let (row, _) = writable_job(&caller, &pool, job).await?;
        match row.state() {
            s if s.running() => {
                repo::request_cancel(&pool, row.id, clock()?.now()).await?;
                jobs::cancel_live(&pool, row.id);
            }
            JobState::Uploaded | JobState::Invalid | JobState::Ready => {
                if jobs::cancel_live(&pool, row.id) {
                    // Work was about to start: it stops itself.
                } else {
                    jobs::remove_file(&row.file_path);
                    repo::finish(&pool, row.id, JobState::Cancelled, None, clock()?.now()).await?;
                }
            }
            _ => {}
        }
        let row = repo::job(&pool, row.id).await?.ok_or(AppError::NotFound)?;
        Ok(row.view(jobs::live(&pool, row.id)))
    })
    .await
}

/// A cell's latest imports, newest first (without their errors and previews).
#[server(endpoint = "transfer/recent_imports")]
pub async fn recent_imports(cell: i64) -> Result<Vec<JobView>, AppError> {
    use super::{job as jobs, repo};
    use crate::server::{scope::*, state::pool};
    answer(async move {
        let caller = Caller::require().await?;
        let pool = pool()?;
        let scope = caller.write_cell(&pool, cell).await?;
        Ok(repo::recent_jobs(&pool, &scope, 10)
            .await?
            .into_iter()
            .map(|r| {
                let mut v = r.view(jobs::live(&pool, r.id));
                v.errors.clear();
                v.preview = Preview::default();
                v
            })
            .collect())
    })
    .await
}
