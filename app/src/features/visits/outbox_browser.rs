//! The outbox in the browser: the visits kept in the phone's database (IndexedDB through
//! `rexie`), sending them through the `log_visit` server function, the service worker that
//! keeps the member's pages, and emptying those pages on signing out.
//!
//! One outbox per page, shared by its islands (the visit form, the lists, the badges):
//! they read [`entries`] and [`notice`] and call the functions here.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use rexie::{Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use super::outbox::{Entry, EntryState, Outcome, vietnam_day};
use super::outbox_view::Notice;

const DB_NAME: &str = "ganbo";
const DB_VERSION: u32 = 1;
const STORE: &str = "outbox";
/// The service worker's cache of one person's pages (see `public/sw.js`).
pub const PAGES_CACHE: &str = "ganbo-pages-v1";
/// How often waiting visits are tried again while the page is open.
const RETRY_MS: i32 = 60_000;

struct State {
    user: Cell<i64>,
    started: Cell<bool>,
    db: RefCell<Option<Rc<Rexie>>>,
    entries: ArcRwSignal<Vec<Entry>>,
    notice: ArcRwSignal<Option<Notice>>,
    online: ArcRwSignal<bool>,
    in_flight: ArcRwSignal<HashSet<String>>,
    flushing: Cell<bool>,
}

thread_local! {
    static STATE: State = State {
        user: Cell::new(0),
        started: Cell::new(false),
        db: RefCell::new(None),
        entries: ArcRwSignal::new(Vec::new()),
        notice: ArcRwSignal::new(None),
        online: ArcRwSignal::new(true),
        in_flight: ArcRwSignal::new(HashSet::new()),
        flushing: Cell::new(false),
    };
}

/// This member's visits not sent yet, oldest first.
pub fn entries() -> ArcRwSignal<Vec<Entry>> {
    STATE.with(|s| s.entries.clone())
}

/// The last thing the outbox has to say (saved, kept, sent, refused).
pub fn notice() -> ArcRwSignal<Option<Notice>> {
    STATE.with(|s| s.notice.clone())
}

/// Whether the phone says it has a network.
pub fn online() -> ArcRwSignal<bool> {
    STATE.with(|s| s.online.clone())
}

/// The visits being sent right now.
pub fn in_flight() -> ArcRwSignal<HashSet<String>> {
    STATE.with(|s| s.in_flight.clone())
}

/// The member whose outbox this page shows.
pub fn user() -> i64 {
    STATE.with(|s| s.user.get())
}

// ------------------------------------------------------------------------------ storage

async fn db() -> Result<Rc<Rexie>, rexie::Error> {
    if let Some(db) = STATE.with(|s| s.db.borrow().clone()) {
        return Ok(db);
    }
    let db = Rc::new(
        Rexie::builder(DB_NAME)
            .version(DB_VERSION)
            .add_object_store(
                ObjectStore::new(STORE)
                    .key_path("client_id")
                    .add_index(Index::new("user", "user")),
            )
            .build()
            .await?,
    );
    STATE.with(|s| *s.db.borrow_mut() = Some(db.clone()));
    Ok(db)
}

#[derive(Debug)]
pub struct StorageError;

impl From<rexie::Error> for StorageError {
    fn from(_: rexie::Error) -> Self {
        Self
    }
}

impl From<serde_wasm_bindgen::Error> for StorageError {
    fn from(_: serde_wasm_bindgen::Error) -> Self {
        Self
    }
}

async fn put(entry: &Entry) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadWrite)?;
    tx.store(STORE)?
        .put(&serde_wasm_bindgen::to_value(entry)?, None)
        .await?;
    tx.done().await?;
    Ok(())
}

pub async fn get(client_id: &str) -> Result<Option<Entry>, StorageError> {
    let db = db().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly)?;
    let value = tx.store(STORE)?.get(JsValue::from_str(client_id)).await?;
    Ok(match value {
        Some(v) if !v.is_undefined() => serde_wasm_bindgen::from_value(v).ok(),
        _ => None,
    })
}

async fn delete(client_id: &str) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadWrite)?;
    tx.store(STORE)?
        .delete(JsValue::from_str(client_id))
        .await?;
    tx.done().await?;
    Ok(())
}

async fn list() -> Result<Vec<Entry>, StorageError> {
    let db = db().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly)?;
    let key = KeyRange::only(&JsValue::from_f64(user() as f64)).map_err(rexie::Error::from)?;
    let values = tx
        .store(STORE)?
        .index("user")?
        .get_all(Some(key), None)
        .await?;
    let mut list: Vec<Entry> = values
        .into_iter()
        .filter_map(|v| serde_wasm_bindgen::from_value(v).ok())
        .collect();
    list.sort_by(|a, b| a.created.total_cmp(&b.created));
    Ok(list)
}

/// Reads the outbox again into [`entries`], and says its size on the page
/// (`html[data-outbox-count]`, for people's scripts and the browser tests).
pub async fn refresh() {
    let Ok(list) = list().await else { return };
    set_root_data("data-outbox-count", &list.len().to_string());
    entries().set(list);
}

/// Deletes a kept visit for good (the member chose to).
pub async fn forget(client_id: String) {
    let _ = delete(&client_id).await;
    refresh().await;
}

// ------------------------------------------------------------------------------ sending

/// Keeps a visit on the phone (in its place in the queue if it was kept before), then
/// tries to send it. An error: the phone cannot keep anything (a private window); the
/// form should then be posted as it is.
pub async fn keep_and_send(entry: Entry) -> Result<Outcome, StorageError> {
    let created = get(&entry.client_id)
        .await?
        .map_or(entry.created, |kept| kept.created);
    let entry = Entry { created, ..entry };
    put(&entry).await?;
    let outcome = send(entry).await;
    refresh().await;
    Ok(outcome)
}

/// One try to send a kept visit; the outbox then holds what the answer means.
async fn send(entry: Entry) -> Outcome {
    if !navigator_online() || in_flight().with_untracked(|f| f.contains(&entry.client_id)) {
        return Outcome::Later(None);
    }
    in_flight().update(|f| {
        f.insert(entry.client_id.clone());
    });
    let answer = super::api::log_visit(entry.visit.clone()).await;
    let outcome = Outcome::of(answer);
    let id = entry.client_id.clone();
    let _ = match &outcome {
        Outcome::Sent => delete(&id).await,
        _ => put(&entry.after(&outcome)).await,
    };
    in_flight().update(|f| {
        f.remove(&id);
    });
    outcome
}

/// Sends every visit waiting, oldest first; stops at the first that must wait longer.
pub fn flush() {
    if STATE.with(|s| s.flushing.replace(true)) {
        return;
    }
    spawn_local(async {
        if let Ok(list) = list().await {
            for entry in list {
                if entry.state != EntryState::Waiting {
                    continue;
                }
                let (day, household) = (entry.day(), entry.label.clone());
                match send(entry).await {
                    Outcome::Sent => notice().set(Some(Notice::SentLater { day, household })),
                    Outcome::Later(_) => break,
                    Outcome::Refused(_) => {}
                }
            }
        }
        STATE.with(|s| s.flushing.set(false));
        refresh().await;
    });
}

// ------------------------------------------------------------------------------ the page

/// Starts the outbox for the signed-in member: reads what is kept, sends what waits, and
/// again whenever the network returns or the page is shown again. Once per page.
pub fn start(user: i64) {
    if STATE.with(|s| s.started.replace(true)) {
        return;
    }
    STATE.with(|s| s.user.set(user));
    online().set(navigator_online());
    on_window("online", || {
        online().set(true);
        flush();
    });
    on_window("offline", || online().set(false));
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let again = Closure::<dyn Fn()>::new(|| {
            if !document().hidden() {
                flush();
            }
        });
        let _ = doc
            .add_event_listener_with_callback("visibilitychange", again.as_ref().unchecked_ref());
        again.forget();
    }
    let every = Closure::<dyn Fn()>::new(flush);
    let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
        every.as_ref().unchecked_ref(),
        RETRY_MS,
    );
    every.forget();
    guard_sign_out();
    spawn_local(async {
        refresh().await;
        set_root_data("data-visits-ready", "");
        flush();
        register_worker().await;
    });
}

fn on_window(event: &str, f: impl Fn() + 'static) {
    let f = Closure::<dyn Fn()>::new(f);
    let _ = window().add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
    f.forget();
}

fn navigator_online() -> bool {
    window().navigator().on_line()
}

fn set_root_data(name: &str, value: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute(name, value);
    }
}

/// Today in Vietnam by the phone's clock.
pub fn phone_today() -> Option<chrono::NaiveDate> {
    vietnam_day(js_sys::Date::now())
}

/// A new id for a visit, made on the phone (a random UUID).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let crypto = window().crypto().ok();
    if crypto
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_none()
    {
        // No `crypto` (very old browsers): the time and Math.random, still unique enough
        // for one phone's visits.
        let seed = js_sys::Date::now().to_bits().to_le_bytes();
        bytes[..8].copy_from_slice(&seed);
        for b in &mut bytes[8..] {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    super::outbox::uuid_v4(bytes)
}

// ------------------------------------------------------------------------------ keeping pages

/// The files and pages to keep on the phone: what this page loaded, and on the start page
/// every household of the member.
fn pages_to_keep() -> Vec<String> {
    let origin = window().location().origin().unwrap_or_default();
    let mut urls: Vec<String> = vec![window().location().pathname().unwrap_or_default()];
    if let Some(perf) = window().performance() {
        for e in perf.get_entries_by_type("resource").iter() {
            if let Some(e) = e.dyn_ref::<web_sys::PerformanceEntry>() {
                urls.push(e.name());
            }
        }
    }
    let doc = document();
    if let Ok(list) = doc.query_selector_all(
        "link[href], script[src], [data-household-card] a[href^='/households/']",
    ) {
        for i in 0..list.length() {
            let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let url = el
                .get_attribute("href")
                .or_else(|| el.get_attribute("src"))
                .unwrap_or_default();
            urls.push(url);
        }
    }
    let mut seen = HashSet::new();
    urls.into_iter()
        .filter_map(|u| {
            let url = web_sys::Url::new_with_base(&u, &origin).ok()?;
            (url.origin() == origin).then(|| url.pathname() + &url.search())
        })
        .filter(|u| seen.insert(u.clone()))
        .collect()
}

fn message(kind: &str, urls: Option<Vec<String>>) -> JsValue {
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &kind.into());
    if let Some(urls) = urls {
        let list: js_sys::Array = urls.into_iter().map(JsValue::from).collect();
        let _ = js_sys::Reflect::set(&msg, &"urls".into(), &list);
    }
    msg.into()
}

/// Registers the service worker that keeps the app and the member's households, and asks it
/// to keep what this page needs; `html[data-offline-ready]` once it has.
async fn register_worker() {
    let workers = window().navigator().service_worker();
    if workers.is_undefined() {
        return;
    }
    if wasm_bindgen_futures::JsFuture::from(workers.register("/sw.js"))
        .await
        .is_err()
    {
        return;
    }
    let Ok(ready) = workers.ready() else { return };
    let Ok(reg) = wasm_bindgen_futures::JsFuture::from(ready).await else {
        return;
    };
    let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
    let kept = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
        let kind = js_sys::Reflect::get(&e.data(), &"type".into()).ok();
        if kind.and_then(|k| k.as_string()).as_deref() == Some("kept") {
            set_root_data("data-offline-ready", "");
        }
    });
    let _ = workers.add_event_listener_with_callback("message", kept.as_ref().unchecked_ref());
    kept.forget();
    if navigator_online() {
        if let Some(active) = reg.active() {
            let _ = active.post_message(&message("keep", Some(pages_to_keep())));
        }
    } else {
        set_root_data("data-offline-ready", "");
    }
}

/// Empties the pages kept on the phone: they are one person's.
async fn forget_pages() {
    if let Ok(caches) = window().caches() {
        let _ = wasm_bindgen_futures::JsFuture::from(caches.delete(PAGES_CACHE)).await;
    }
    if let Some(worker) = window().navigator().service_worker().controller() {
        let _ = worker.post_message(&message("forget", None));
    }
}

/// Before signing out: a word if visits still wait (they stay on the phone for the next
/// sign-in), and the kept pages emptied.
fn guard_sign_out() {
    let confirmed = Rc::new(Cell::new(false));
    let on_submit = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        let Some(form) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        if form.get_attribute("action").as_deref() != Some("/api/auth/sign_out") || confirmed.get()
        {
            return;
        }
        e.prevent_default();
        let confirmed = confirmed.clone();
        spawn_local(async move {
            let waiting = list().await.map(|l| l.len()).unwrap_or(0);
            if waiting > 0 {
                let text = notice_text_sign_out(waiting);
                if !window().confirm_with_message(&text).unwrap_or(true) {
                    return;
                }
            }
            forget_pages().await;
            confirmed.set(true);
            let _ = form.request_submit();
        });
    });
    let _ =
        document().add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    on_submit.forget();
}

/// The question asked before signing out with this many visits waiting.
type Question = Rc<dyn Fn(usize) -> String>;

thread_local! {
    /// The question asked before signing out, in the page's language (set by the page).
    static SIGN_OUT_QUESTION: RefCell<Option<Question>> = const { RefCell::new(None) };
}

/// Sets the question asked before signing out with this many visits waiting.
pub fn set_sign_out_question(question: impl Fn(usize) -> String + 'static) {
    SIGN_OUT_QUESTION.with(|q| *q.borrow_mut() = Some(Rc::new(question)));
}

fn notice_text_sign_out(count: usize) -> String {
    SIGN_OUT_QUESTION
        .with(|q| q.borrow().clone())
        .map(|q| q(count))
        .unwrap_or_default()
}
