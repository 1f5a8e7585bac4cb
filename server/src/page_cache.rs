//! Finished pages kept in memory until the data under them changes.
//!
//! The assignment board of a large cell is the heaviest page to render (hundreds of cards,
//! each with its rules) and the one left open on many screens: a projector, a second
//! secretary, phones. Its HTML depends only on who is looking (the header, what they may
//! change), the language, the day (ages of visits) and the data; the data's revision
//! (`data_revision`, raised by database triggers on every change to what pages show) says
//! when a kept page is stale. A kept page is sent as it was rendered, and to browsers that
//! take brotli, as it was compressed once.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use app::i18n::Locale;
use app::server::auth::AuthSession;
use app::server::db::Pool;
use app::ui::i18n::locale_from_cookies;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use http_body_util::BodyExt;

/// How many pages are kept at most (a few per open board; each is a few hundred KB).
const CAPACITY: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    user: i64,
    uri: String,
    english: bool,
    today: NaiveDate,
    revision: i64,
}

struct Page {
    headers: HeaderMap,
    body: Bytes,
    brotli: OnceLock<Option<Bytes>>,
}

impl Page {
    /// The page as kept, compressed with brotli when the browser takes it.
    fn response(&self, brotli: bool) -> Response {
        let compressed = brotli
            .then(|| self.brotli.get_or_init(|| compress(&self.body)).clone())
            .flatten();
        let mut res = match compressed {
            Some(b) => {
                let mut res = Response::new(Body::from(b));
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                res
            }
            None => Response::new(Body::from(self.body.clone())),
        };
        for (name, value) in &self.headers {
            if name != header::CONTENT_LENGTH {
                res.headers_mut().insert(name.clone(), value.clone());
            }
        }
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        res
    }
}

fn compress(body: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(body.len() / 6);
    {
        // Quality 5: most of brotli's gain at a fraction of its best setting's time.
        let mut w = brotli::CompressorWriter::new(&mut out, 16 * 1024, 5, 22);
        w.write_all(body).ok()?;
    }
    Some(Bytes::from(out))
}

/// The pages kept, shared by every request of the server.
#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<Mutex<HashMap<Key, Arc<Page>>>>,
}

impl PageCache {
    fn get(&self, key: &Key) -> Option<Arc<Page>> {
        self.pages.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: Key, page: Page) -> Arc<Page> {
        let page = Arc::new(page);
        if let Ok(mut pages) = self.pages.lock() {
            // Pages of older revisions or days are never asked for again.
            pages.retain(|k, _| k.revision >= key.revision && k.today >= key.today);
            if pages.len() >= CAPACITY {
                pages.clear();
            }
            pages.insert(key, page.clone());
        }
        page
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.pages.lock().map(|p| p.len()).unwrap_or(0)
    }
}

/// Whether a path is a page kept between changes: a cell's assignment board.
pub fn is_kept(path: &str) -> bool {
    let mut parts = path.trim_matches('/').split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("cells"), Some(id), Some("board"), None) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
    )
}

/// The revision of the data pages show; every change to it raises the number.
pub async fn revision(pool: &Pool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT n FROM data_revision WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// The middleware: answers a kept page from memory, or renders it and keeps it.
pub async fn serve(
    State((cache, pool, clock)): State<(PageCache, Pool, app::core::clock::Clock)>,
    auth: AuthSession,
    req: Request,
    next: Next,
) -> Response {
    // Someone yet to choose a password sees only that screen, never a kept page.
    let Some(user) = auth
        .user
        .as_ref()
        .filter(|u| !u.me.must_choose_password)
        .map(axum_login::AuthUser::id)
    else {
        return next.run(req).await;
    };
    if req.method() != Method::GET || !is_kept(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(revision) = revision(&pool).await else {
        return next.run(req).await;
    };
    let cookies = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    let brotli = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("br")));
    let key = Key {
        user,
        uri: req.uri().to_string(),
        english: locale_from_cookies(&cookies) == Locale::en,
        today: clock.today(),
        revision,
    };
    if let Some(page) = cache.get(&key) {
        return page.response(brotli);
    }
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK
        || !html
        || res.headers().contains_key(header::SET_COOKIE)
        || res.headers().contains_key(header::CONTENT_ENCODING)
    {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let page = cache.put(
        key,
        Page {
            headers: parts.headers,
            body,
            brotli: OnceLock::new(),
        },
    );
    page.response(brotli)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_boards_are_kept() {
        assert!(is_kept("/cells/12/board"));
        assert!(is_kept("/cells/12/board/"));
        assert!(!is_kept("/cells/12/board/print"));
        assert!(!is_kept("/cells/x/board"));
        assert!(!is_kept("/cells//board"));
        assert!(!is_kept("/cells/12/members"));
        assert!(!is_kept("/my"));
    }

    fn key(revision: i64) -> Key {
        Key {
            user: 1,
            uri: "/cells/1/board".into(),
            english: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            revision,
        }
    }

    fn page(text: &'static str) -> Page {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        Page {
            headers,
            body: Bytes::from_static(text.as_bytes()),
            brotli: OnceLock::new(),
        }
    }

    #[test]
    fn a_newer_revision_drops_older_pages() {
        let cache = PageCache::default();
        cache.put(key(1), page("one"));
        assert!(cache.get(&key(1)).is_some());
        assert!(cache.get(&key(2)).is_none());
        cache.put(key(2), page("two"));
        assert_eq!(cache.len(), 1);
        assert!(cache.get(&key(1)).is_none());
    }

    #[tokio::test]
    async fn a_kept_page_is_sent_plain_or_in_brotli() {
        let p = page("<!DOCTYPE html><p>Xin chào</p>");
        let plain = p.response(false);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let body = plain.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], b"<!DOCTYPE html><p>Xin ch\xc3\xa0o</p>");
        let br = p.response(true);
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(br.headers()[header::CONTENT_TYPE], "text/html");
        let packed = br.into_body().collect().await.unwrap().to_bytes();
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, body.to_vec());
    }
}
