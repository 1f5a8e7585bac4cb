//! The routes that are not pages or server functions: the live board feed, concern files,
//! the health check, and the door to the server functions.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

use app::error::AppError;
use app::server::AppState;
use app::server::auth::Backend;
use axum::body::Body;
use axum::extract::{Extension, Path, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use leptos_axum::handle_server_fns_with_context;
use tower_sessions_sqlx_store::SqliteStore;

/// The server functions of this binary: their paths and how each is called.
static SERVER_FNS: LazyLock<HashMap<&'static str, Vec<Method>>> = LazyLock::new(|| {
    let mut fns: HashMap<&'static str, Vec<Method>> = HashMap::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        fns.entry(path).or_default().push(method);
    }
    fns
});

/// `/api/…`: a server function. A path that names none answers 404 (leptos would answer
/// 400 with a note for developers), and a known one called another way 405.
pub async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> Response {
    match SERVER_FNS.get(req.uri().path()) {
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&AppError::NotFound).unwrap_or_default(),
        )
            .into_response(),
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, allow)]).into_response()
        }
        Some(_) => handle_server_fns_with_context(move || provide_context(state.clone()), req)
            .await
            .into_response(),
    }
}

/// How often an open live feed checks that its reader may still read it.
pub const LIVE_RECHECK: Duration = Duration::from_secs(5);

/// `GET /api/board/events/{cell}`: the cell's live changes as server-sent events, for those
/// who may read the cell. Ends when the server shuts down, and within [`LIVE_RECHECK`] of
/// its reader signing out, being deactivated or losing the role that let them read it.
pub async fn board_events(
    State(state): State<AppState>,
    Path(cell): Path<i64>,
    Extension(store): Extension<SqliteStore>,
    auth: axum_login::AuthSession<Backend>,
) -> Response {
    use app::server::scope::Caller;
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures_util::StreamExt;
    use tokio_stream::wrappers::BroadcastStream;

    let caller = match Caller::from_session(auth.clone()) {
        Ok(caller) => caller,
        Err(e) => return refused(&e),
    };
    if let Err(e) = caller.read_cell(&state.pool, cell).await {
        return refused(&e);
    }
    let events = BroadcastStream::new(state.live.subscribe(cell)).map(|message| {
        Ok::<_, std::convert::Infallible>(match message {
            Ok(json) => Event::default().data(json.as_ref()),
            // Fell behind: the board reloads rather than miss a change.
            Err(_) => Event::default().event("reload").data(""),
        })
    });
    let closing = state.live.closing();
    let revoked = revoked(
        state.pool.clone(),
        store,
        auth.backend,
        auth.session.id(),
        caller.user_id(),
        cell,
    );
    let ends = Box::pin(async move {
        tokio::select! {
            _ = closing => {},
            _ = revoked => {},
        }
    });
    Sse::new(events.take_until(ends))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// Resolves when the reader of a live feed may no longer read it: their session is gone
/// (signed out, expired), or they are no longer an active user who may read the cell.
async fn revoked(
    pool: app::server::db::Pool,
    store: SqliteStore,
    backend: Backend,
    session: Option<tower_sessions::session::Id>,
    user_id: i64,
    cell: i64,
) {
    use app::server::scope::Caller;
    use axum_login::AuthnBackend;
    use tower_sessions::SessionStore;
    let Some(session) = session else { return };
    loop {
        tokio::time::sleep(LIVE_RECHECK).await;
        let alive = matches!(store.load(&session).await, Ok(Some(_)));
        let may_read = match backend.get_user(&user_id).await {
            Ok(Some(user)) => Caller { me: user.me }.read_cell(&pool, cell).await.is_ok(),
            _ => false,
        };
        if !alive || !may_read {
            tracing::info!(
                user_id,
                cell,
                "a live feed ends: its reader may no longer read it"
            );
            return;
        }
    }
}

/// `GET /files/concerns/{file}`: a file attached to a concern's step, for those who may read
/// the concern. Sent as a download with the type its bytes were checked to be, never run
/// by the browser in the page's origin.
pub async fn concern_file(
    State(state): State<AppState>,
    Path(file): Path<i64>,
    auth: axum_login::AuthSession<Backend>,
) -> Response {
    use app::features::concerns::{access::access, repo};
    use app::server::scope::Caller;

    let caller = match Caller::from_session(auth) {
        Ok(caller) => caller,
        Err(e) => return refused(&e),
    };
    let stored = match repo::file(&state.pool, file).await {
        Ok(Some(f)) => f,
        Ok(None) => return (StatusCode::FORBIDDEN, "Không có quyền.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a concern file");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Err(e) = access(&caller, &state.pool, stored.concern_id).await {
        return refused(&e);
    }
    let ascii: String = stored
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(&stored.name)
    );
    (
        [
            (header::CONTENT_TYPE, stored.kind.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        stored.bytes,
    )
        .into_response()
}

/// RFC 5987 encoding of a file name for `filename*`.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
pub async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.pool)
        .await
    {
        Ok(_) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"ok"}"#,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"status":"database unavailable"}"#,
            )
                .into_response()
        }
    }
}

/// A refusal as a plain answer: its status and its Vietnamese text.
fn refused(e: &app::error::AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
    (status, e.to_string()).into_response()
}
