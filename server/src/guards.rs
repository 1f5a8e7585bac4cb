//! What every request passes through before and after its handler: writes from other
//! sites refused, uploads checked, page redirects made real redirects, refused arguments
//! answered as refusals, and the security headers of every answer.

use std::time::Duration;

use app::core::clock::Clock;
use app::error::{AppError, Problem};
use app::server::auth::{AuthSession, SESSION_MAX_DAYS, SIGNED_IN_AT};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The server functions that take multipart form data: the import's file and the
/// committee's written answer.
pub const UPLOAD_PATHS: &[&str] = &[
    "/api/transfer/upload_file",
    "/api/concerns/answer_in_writing",
];

/// An upload that is not multipart form data with a boundary is refused (422) before the
/// server function's decoder sees it: the decoder panics on one (a 500). The import, whose
/// form is all about its file, says the file is missing; the written answer, whose file is
/// optional, that the request is not one.
pub async fn guard_uploads(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    if UPLOAD_PATHS.contains(&path) && !multipart_with_boundary(req.headers()) {
        let refusal = if path == "/api/transfer/upload_file" {
            AppError::invalid("file", Problem::Required)
        } else {
            AppError::invalid("request", Problem::BadFormat)
        };
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&refusal).unwrap_or_default(),
        )
            .into_response();
    }
    next.run(req).await
}

/// Whether the request says it is multipart form data, with a boundary, as the decoder
/// reads it (`multipart/form-data; boundary=…`).
fn multipart_with_boundary(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| multer::parse_boundary(ct).is_ok())
}

/// Arguments that do not parse (`cell=abc`) are refused before the server function runs, so
/// its `answer` never gives the refusal its status and it would leave as a 500. It is the
/// caller's mistake: 422, like every other refused input. (Only 500s are looked at.)
pub async fn refused_arguments_are_422(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if matches!(
        serde_json::from_slice::<app::error::AppError>(&bytes),
        Ok(app::error::AppError::Invalid { .. })
    ) {
        parts.status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The largest body of an ordinary request: forms and JSON of the app are a few kilobytes
/// (the largest, a rebalance of a big cell accepted at once, a few hundred).
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;
/// Slack for the multipart framing around an uploaded file.
const MULTIPART_SLACK: u64 = 1024 * 1024;
/// How long an ordinary request may take, and an upload (a 50 MB file on a slow phone).
pub const REQUEST_TIME: Duration = Duration::from_secs(30);
pub const UPLOAD_TIME: Duration = Duration::from_secs(600);

/// The largest body a path takes, and the refusal of a larger one.
fn body_limit(path: &str) -> (u64, AppError) {
    use app::features::concerns::model::MAX_FILE_BYTES;
    use app::features::transfer::model::{FileProblem, MAX_FILE_MB};
    match path {
        "/api/transfer/upload_file" => (
            u64::from(MAX_FILE_MB) * 1024 * 1024 + MULTIPART_SLACK,
            AppError::invalid(
                "file",
                Problem::File(FileProblem::TooLarge {
                    max_mb: MAX_FILE_MB,
                }),
            ),
        ),
        "/api/concerns/answer_in_writing" => (
            MAX_FILE_BYTES as u64 + MULTIPART_SLACK,
            AppError::invalid(
                "file",
                Problem::OutOfRange {
                    min: 1,
                    max: (MAX_FILE_BYTES / (1024 * 1024)) as i64,
                },
            ),
        ),
        _ => (
            MAX_BODY_BYTES,
            AppError::invalid(
                "request",
                Problem::TooLarge {
                    max_kb: MAX_BODY_BYTES / 1024,
                },
            ),
        ),
    }
}

fn too_large(e: &AppError) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(e).unwrap_or_default(),
    )
        .into_response()
}

/// Every request body is bounded before anything reads it: a declared length over the
/// path's limit is refused at once (413), and a body of unknown length is read up to the
/// limit (ordinary requests, into memory: at most [`MAX_BODY_BYTES`]) or cut off there
/// (uploads, which their server function reads as a stream with its own caps).
pub async fn body_limits(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let (limit, refusal) = body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit => return too_large(&refusal),
        Some(_) => {
            let (parts, body) = req.into_parts();
            let body = Body::new(http_body_util::Limited::new(body, limit as usize));
            return next.run(Request::from_parts(parts, body)).await;
        }
        None => {}
    }
    let (parts, body) = req.into_parts();
    if limit > MAX_BODY_BYTES {
        let body = Body::new(http_body_util::Limited::new(body, limit as usize));
        return next.run(Request::from_parts(parts, body)).await;
    }
    match axum::body::to_bytes(body, limit as usize).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(&refusal),
    }
}

/// No request holds the server longer than its time: an ordinary one 30 s, an upload ten
/// minutes (the live board's stream answers at once and then flows, so it is not cut).
pub async fn time_limits(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let time = if UPLOAD_PATHS.contains(&req.uri().path()) {
        UPLOAD_TIME
    } else {
        REQUEST_TIME
    };
    match tokio::time::timeout(time, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(seconds = time.as_secs(), "a request ran out of time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_string(&AppError::Internal).unwrap_or_default(),
            )
                .into_response()
        }
    }
}

/// A session ends [`SESSION_MAX_DAYS`] after signing in, however often it is used: the
/// request after that is answered as signed out (and sent to sign in again).
pub async fn session_lifetime(
    axum::extract::State(clock): axum::extract::State<Clock>,
    mut req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    if let Some(mut auth) = req.extensions().get::<AuthSession>().cloned()
        && auth.user.is_some()
    {
        let now = clock.now();
        let since = auth
            .session
            .get::<chrono::DateTime<chrono::Utc>>(SIGNED_IN_AT)
            .await
            .ok()
            .flatten();
        match since {
            Some(t) if now - t > chrono::Duration::days(SESSION_MAX_DAYS) => {
                tracing::info!(signed_in_at = %t, "a session reached its lifetime");
                if let Err(e) = auth.logout().await {
                    tracing::error!(error = %e, "cannot end an old session");
                }
                req.extensions_mut().insert(auth);
            }
            Some(_) => {}
            // Signed in before sessions kept the time: they start counting now.
            None => {
                if let Err(e) = auth.session.insert(SIGNED_IN_AT, now).await {
                    tracing::error!(error = %e, "cannot date a session");
                }
            }
        }
    }
    next.run(req).await
}

/// Writes come only from the app's own pages. A browser says where a request comes from
/// (`Sec-Fetch-Site`, and `Origin` on every POST); a state-changing request that another
/// site made is refused with 403 before anything runs, whatever cookies it carries.
/// Requests without either header do not come from a browser page (scripts, tests,
/// `curl`): no browser will send them with the person's cookies from another site.
pub async fn same_origin_writes(req: Request<Body>, next: axum::middleware::Next) -> Response {
    if is_write(req.method()) && !from_own_site(req.headers()) {
        tracing::warn!(
            path = %req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "a write from another site refused"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&AppError::Forbidden).unwrap_or_default(),
        )
            .into_response();
    }
    next.run(req).await
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request's own headers place it on this site.
pub fn from_own_site(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        // `none`: the person typed the address or used a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    match text(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = text(header::HOST).unwrap_or_default();
            origin_host(origin).is_some_and(|o| !host.is_empty() && o.eq_ignore_ascii_case(host))
        }
    }
}

/// `https://example.org:8443` → `example.org:8443`; `null` and other opaque origins → None.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

/// A page that sends the person elsewhere while rendering (to sign in, or to their start
/// page) carries a `Location` header, but leptos_axum gives it the 302 status only when
/// the request asked for HTML: a link preview or `curl` would get an empty 200. Every
/// such page answers 302, with no body.
pub async fn page_redirects(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let is_page = req.method() == Method::GET && !req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let redirects = res.status() == StatusCode::OK || res.status().is_redirection();
    if !is_page || !redirects || !res.headers().contains_key(header::LOCATION) {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    if parts.status == StatusCode::OK {
        parts.status = StatusCode::FOUND;
    }
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::empty())
}

/// Whether the database behind a router is set up: learnt once, then never asked again.
#[derive(Clone)]
pub struct SetupGate {
    pub pool: app::server::db::Pool,
    pub set_up: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SetupGate {
    pub fn new(pool: app::server::db::Pool) -> Self {
        Self {
            pool,
            set_up: Default::default(),
        }
    }
}

/// What answers before a ward is set up: the set-up page and its calls, the language
/// switch, and the site's files (a last path segment with a dot: `/sw.js`, `/favicon.svg`).
fn open_before_setup(path: &str) -> bool {
    path == "/setup"
        || path.starts_with("/api/setup/")
        || path == "/api/i18n/set_language"
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// On a database that waits for its first set-up, every page and call but the set-up's
/// is answered with the way to the set-up page (303); nothing else can be reached.
pub async fn setup_first(
    axum::extract::State(gate): axum::extract::State<SetupGate>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    use std::sync::atomic::Ordering;
    if gate.set_up.load(Ordering::Relaxed) || open_before_setup(req.uri().path()) {
        return next.run(req).await;
    }
    match app::features::org::setup::needs_setup(&gate.pool).await {
        Ok(false) => {
            gate.set_up.store(true, Ordering::Relaxed);
            next.run(req).await
        }
        Ok(true) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/setup")]).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot tell whether the ward is set up");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_string(&AppError::Internal).unwrap_or_default(),
            )
                .into_response()
        }
    }
}

/// The app's pages that anyone may open; every other page is under the signed-in layout.
pub const PUBLIC_PAGES: &[&str] = &["/login", "/offline", "/setup"];

/// A page under the signed-in layout, asked for by someone signed out, is answered here
/// before anything renders: 302 to the sign-in page with the way back, and no page. (The
/// layout sends them there as well, for navigation inside the app; on the server its
/// redirect comes after the page's own rendering has begun.)
pub async fn signed_out_pages(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let signed_in = req
        .extensions()
        .get::<AuthSession>()
        .is_some_and(|auth| auth.user.is_some());
    let reads = matches!(*req.method(), Method::GET | Method::HEAD);
    if signed_in || !reads || PUBLIC_PAGES.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let here = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let to = app::features::auth::model::sign_in_path(here);
    match HeaderValue::from_str(&to) {
        Ok(to) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        Err(_) => next.run(req).await,
    }
}

/// The headers every answer carries: no sniffing of types, no framing, the referrer kept
/// on this site, a policy for whatever did not set its own (pages set theirs, with the
/// nonce of their scripts), and HSTS when the site is served over HTTPS.
pub async fn security_headers(
    axum::extract::State(https): axum::extract::State<bool>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), payment=(), usb=()",
    );
    set(
        header::CONTENT_SECURITY_POLICY,
        app::server::csp::DEFAULT_POLICY,
    );
    if https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn an_upload_is_multipart_form_data_with_a_boundary() {
        let with = |ct: &'static str| headers(&[("content-type", ct)]);
        assert!(multipart_with_boundary(&with(
            "multipart/form-data; boundary=----x"
        )));
        assert!(multipart_with_boundary(&with(
            "multipart/form-data; charset=utf-8; boundary=\"a b\""
        )));
        for ct in [
            "multipart/form-data",
            "multipart/mixed; boundary=x",
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain; boundary=x",
        ] {
            assert!(!multipart_with_boundary(&with(ct)), "{ct}");
        }
        assert!(!multipart_with_boundary(&HeaderMap::new()));
    }

    #[test]
    fn a_write_is_own_only_from_this_site() {
        assert!(from_own_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(from_own_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(!from_own_site(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!from_own_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(from_own_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!from_own_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!from_own_site(&headers(&[
            ("origin", "null"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!from_own_site(&headers(&[(
            "origin",
            "http://127.0.0.1:3000"
        )])));
        // No browser headers at all: not a page of another site.
        assert!(from_own_site(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
