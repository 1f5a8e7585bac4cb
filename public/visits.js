// Gắn Bó: visits kept on the phone until the server has them.
//
// Every visit form of a household page is a plain form that posts to the server. This
// script takes it over: it first keeps the visit in an outbox (IndexedDB) under the id the
// form carries, made on the phone, then sends it. Without a network the visit waits in the
// outbox, shown as "waiting to send", and goes by itself when the network returns. The
// server stores a visit once per id, so a resend or a double tap never stores it twice. A
// visit the server refuses stays in the outbox with the reason until the member corrects
// or deletes it: nothing is dropped silently.
//
// It also registers the service worker (sw.js) that keeps the app and the member's
// households on the phone, and empties the kept pages when the member signs out.
// Texts come from the page (`#visits-offline[data-text]`), in the page's language.

const DB_NAME = "ganbo";
const DB_VERSION = 1;
const STORE = "outbox";
const ENDPOINT = "/api/visits/log_visit";
/** The service worker's cache of private pages (see sw.js). */
const PAGES_CACHE = "ganbo-pages-v1";
const RETRY_MS = 60_000;
const MAX_CONCERNS = 10;

const root = document.getElementById("visits-offline");
const user = root?.dataset.user ?? "";
const T = root ? JSON.parse(root.dataset.text || "{}") : {};

// ---------------------------------------------------------------------------- storage

let dbPromise = null;

function openDb() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: "client_id" });
      store.createIndex("user", "user");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

/** Runs `fn(store)` in a transaction and resolves with its result once the transaction is done. */
async function withStore(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    let result;
    const req = fn(tx.objectStore(STORE));
    if (req) req.onsuccess = () => (result = req.result);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const putEntry = (entry) => withStore("readwrite", (s) => s.put(entry));
const getEntry = (id) => withStore("readonly", (s) => s.get(id));
const deleteEntry = (id) => withStore("readwrite", (s) => s.delete(id));

/** This member's visits not sent yet, oldest first. */
async function entries() {
  const list = (await withStore("readonly", (s) => s.index("user").getAll(user))) ?? [];
  return list.sort((a, b) => a.created - b.created);
}

// ---------------------------------------------------------------------------- small helpers

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** "Chờ gửi {count}" with {count} filled in. */
function fill(text, values) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

/** 2026-11-22 → 22/11/2026 */
function day(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso ?? "";
}

/** Today in Vietnam by the phone's clock, as 2026-11-22. */
function phoneToday() {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(new Date());
  } catch {
    return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  }
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

/** The words for why the server refused a visit. */
function reason(entry) {
  const err = entry.error ?? {};
  if (err.kind === "signin") return T.signin;
  if (err.kind === "server") return T.server;
  const body = err.body;
  if (body === "Forbidden" || body === "NotFound") return T.forbidden;
  if (body === "Unauthenticated") return T.signin;
  const invalid = body && body.Invalid;
  if (invalid) {
    const field = T.fields?.[invalid.field] ?? invalid.field;
    const p = invalid.problem;
    if (p === "Required") return fill(T.required, { field });
    if (p === "BadFormat") return fill(T.bad_format, { field });
    if (p === "UnknownChoice") return fill(T.unknown_choice, { field });
    if (p?.TooLong) return fill(T.too_long, { field, max: p.TooLong.max });
    if (p?.OutOfRange) return fill(T.out_of_range, { field, ...p.OutOfRange });
    if (p?.DateOutOfRange) {
      return fill(T.date_out_of_range, {
        field,
        earliest: day(p.DateOutOfRange.earliest),
        latest: day(p.DateOutOfRange.latest),
      });
    }
  }
  return T.internal;
}

// ---------------------------------------------------------------------------- sending

const inFlight = new Set();

/**
 * Sends one visit. Resolves with "sent", "refused" (kept with the reason), or "later"
 * (no network, signed out, server trouble: kept, tried again later).
 */
async function send(entry) {
  if (!navigator.onLine) return "later";
  if (inFlight.has(entry.client_id)) return "later";
  inFlight.add(entry.client_id);
  try {
    let res;
    try {
      res = await fetch(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams(entry.fields),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch {
      return "later";
    }
    if (res.ok) {
      await deleteEntry(entry.client_id);
      return "sent";
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    if (res.status === 401) {
      await putEntry({ ...entry, state: "waiting", error: { kind: "signin" } });
      return "later";
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      await putEntry({ ...entry, state: "waiting", error: { kind: "server" } });
      return "later";
    }
    await putEntry({ ...entry, state: "refused", error: { kind: "refused", body } });
    return "refused";
  } finally {
    inFlight.delete(entry.client_id);
  }
}

let flushing = null;

/** Sends every visit waiting, oldest first; stops at the first that must wait longer. */
function flush() {
  flushing ??= (async () => {
    try {
      for (const entry of await entries()) {
        if (entry.state !== "waiting") continue;
        const outcome = await send(entry);
        if (outcome === "sent") flash(fill(T.sent_later, { date: day(entry.date), household: entry.label }), "ok");
        if (outcome === "later") break;
      }
    } finally {
      flushing = null;
      await render();
    }
  })();
  return flushing;
}

// ---------------------------------------------------------------------------- what the page shows

/** A short message in the page's status region. */
function flash(text, tone, backLink) {
  const box = document.querySelector("[data-visit-status]") ?? document.querySelector("[data-outbox-flash]");
  if (!box) return;
  const p = el("p", `notice visit-notice--${tone}`, text);
  if (backLink) {
    const a = el("a", null, T.back_to_list);
    a.href = "/my";
    p.append(" ", a);
  }
  box.replaceChildren(p);
}

function outboxItem(entry, all) {
  const li = el("li", `outbox__item outbox__item--${entry.state}`);
  li.dataset.clientId = entry.client_id;
  const what = el("p", "outbox__what");
  if (all) {
    const a = el("a", null, entry.label);
    a.href = `/households/${entry.household}`;
    what.append(a, " · ");
  }
  const parts = [day(entry.date), T.kind?.[entry.kind] ?? ""];
  if (entry.concerns) parts.push(fill(T.concerns, { count: entry.concerns }));
  what.append(parts.filter(Boolean).join(" · "));
  li.append(what);
  if (entry.note) li.append(el("p", "outbox__note", entry.note));
  const refused = entry.state === "refused";
  const status = el("p", `outbox__status outbox__status--${refused ? "refused" : "waiting"}`);
  status.append(el("strong", null, refused ? T.refused : inFlight.has(entry.client_id) ? T.sending : T.waiting));
  if (refused || entry.error) status.append(" – ", reason(entry));
  li.append(status);
  if (refused) {
    const actions = el("div", "outbox__actions");
    if (all) {
      const a = el("a", "button", T.edit);
      a.href = `/households/${entry.household}?fix=${encodeURIComponent(entry.client_id)}#visit`;
      actions.append(a);
    } else {
      const b = el("button", "button", T.edit);
      b.type = "button";
      b.addEventListener("click", () => correct(entry.client_id));
      actions.append(b);
    }
    const del = el("button", "button button--quiet", T.delete);
    del.type = "button";
    del.addEventListener("click", async () => {
      if (!confirm(T.confirm_delete)) return;
      await deleteEntry(entry.client_id);
      await render();
    });
    actions.append(del);
    li.append(actions);
  }
  return li;
}

async function render() {
  let list;
  try {
    list = await entries();
  } catch {
    return;
  }
  for (const section of document.querySelectorAll("section[data-outbox]")) {
    const scope = section.dataset.outbox;
    const all = scope === "all";
    const mine = all ? list : list.filter((e) => String(e.household) === scope);
    section.hidden = mine.length === 0;
    section.querySelector("[data-outbox-list]")?.replaceChildren(...mine.map((e) => outboxItem(e, all)));
    const title = section.querySelector(".outbox__title");
    if (title) title.textContent = fill(T.count, { count: mine.length });
    const sendNow = section.querySelector("[data-outbox-send]");
    if (sendNow) sendNow.hidden = !mine.some((e) => e.state === "waiting");
  }
  for (const card of document.querySelectorAll("[data-household-card]")) {
    const n = list.filter((e) => String(e.household) === card.dataset.householdCard).length;
    const p = card.querySelector("[data-pending]");
    if (!p) continue;
    p.hidden = n === 0;
    p.textContent = n ? fill(T.pending_here, { count: n }) : "";
  }
  document.documentElement.dataset.outboxCount = String(list.length);
}

function showOnline() {
  const banner = document.querySelector("[data-offline-banner]");
  if (banner) banner.hidden = navigator.onLine;
}

// ---------------------------------------------------------------------------- the forms

/** The day a new visit carries by default: the page's, or the phone's if the page is older. */
function defaultDay(section) {
  const page = section?.dataset.today ?? "";
  const phone = phoneToday();
  return phone > page ? phone : page;
}

/** Fresh ids for a new visit and its concerns, and today's date where the page's is older. */
function prepare(form) {
  const section = form.closest("[data-household]");
  form.querySelector("[data-client-id]").value = uuid();
  for (const input of form.querySelectorAll("[data-concern-id]")) input.value = uuid();
  const today = defaultDay(section);
  for (const input of form.querySelectorAll("[data-visit-date]")) {
    if (input.type === "date" && input.max && input.max < today) input.max = today;
    if (input.value < today) input.value = today;
  }
  const hint = form.querySelector("[data-hint]");
  if (hint && section && today !== section.dataset.today) hint.textContent = fill(hint.dataset.hint, { date: day(today) });
}

function concernList(form) {
  return form.querySelector("[data-concern-list]");
}

/** Numbers the concern rows 0, 1, 2… in their field names and 1, 2, 3… in their titles. */
function renumber(form) {
  const template = form.querySelector("template[data-concern-template]");
  const title = template?.content.querySelector("legend")?.textContent ?? "";
  [...concernList(form).children].forEach((slot, i) => {
    for (const field of slot.querySelectorAll("[name]")) {
      field.name = field.name.replace(/\[concerns\]\[[^\]]*\]/, `[concerns][${i}]`);
    }
    const legend = slot.querySelector("legend");
    if (legend) legend.textContent = title.replace("__NUM__", String(i + 1));
  });
  const add = form.querySelector("[data-add-concern]");
  if (add) add.hidden = concernList(form).children.length >= MAX_CONCERNS;
}

function wireSlot(form, slot) {
  const remove = slot.querySelector("[data-remove-concern]");
  if (!remove) return;
  remove.hidden = false;
  remove.addEventListener("click", () => {
    slot.remove();
    renumber(form);
    form.querySelector("[data-add-concern]")?.focus();
  });
}

function addSlot(form) {
  const list = concernList(form);
  const template = form.querySelector("template[data-concern-template]");
  if (!list || !template || list.children.length >= MAX_CONCERNS) return null;
  const slot = template.content.firstElementChild.cloneNode(true);
  slot.querySelector("[data-concern-id]").value = uuid();
  list.append(slot);
  wireSlot(form, slot);
  renumber(form);
  return slot;
}

/** Back to a blank form for the next visit: one empty concern row, new ids. */
function reset(form) {
  form.reset();
  const list = concernList(form);
  if (list) {
    while (list.children.length > 1) list.lastElementChild.remove();
    if (list.children.length === 0) addSlot(form);
    renumber(form);
  }
  prepare(form);
}

/** Puts a kept visit back into the full form to be corrected, under its own id. */
function fillForm(form, fields) {
  form.reset();
  const list = concernList(form);
  if (list) {
    const rows = new Set(fields.map(([k]) => /\[concerns\]\[(\d+)\]/.exec(k)?.[1]).filter((x) => x != null));
    while (list.children.length > 0) list.lastElementChild.remove();
    for (let i = 0; i < Math.max(1, rows.size); i++) addSlot(form);
  }
  for (const [name, value] of fields) {
    const matches = [...form.querySelectorAll("[name]")].filter((f) => f.name === name);
    for (const field of matches) {
      if (field.type === "checkbox" || field.type === "radio") field.checked = field.value === value;
      else field.value = value;
    }
  }
}

async function correct(clientId) {
  const entry = await getEntry(clientId);
  const form = document.querySelector('form[data-visit-form="full"]');
  if (!entry || !form) return;
  fillForm(form, entry.fields);
  const details = form.closest("details");
  if (details) details.open = true;
  flash(`${reason(entry)} ${T.fix_hint}`, "error");
  form.querySelector("[name]:not([type=hidden])")?.focus();
}

/** The outbox entry for what the form holds now. */
function entryOf(form) {
  const section = form.closest("[data-household]");
  const data = new FormData(form);
  const fields = [...data.entries()].filter(([, v]) => typeof v === "string");
  const get = (k) => String(data.get(k) ?? "");
  const concerns = fields.filter(([k, v]) => /\[concerns\]\[\d+\]\[body\]$/.test(k) && v.trim() !== "").length;
  return {
    client_id: get("visit[client_id]"),
    user,
    household: get("visit[household]"),
    label: section?.dataset.label ?? "",
    fields,
    date: get("visit[visited_on]"),
    kind: get("visit[kind]") || "home",
    note: get("visit[note]").trim(),
    concerns,
    state: "waiting",
    error: null,
    created: Date.now(),
  };
}

async function onSubmit(event) {
  const form = event.currentTarget;
  event.preventDefault();
  if (form.dataset.busy) return;
  form.dataset.busy = "1";
  const buttons = form.querySelectorAll("button[type=submit]");
  buttons.forEach((b) => (b.disabled = true));
  try {
    const entry = entryOf(form);
    try {
      const kept = await getEntry(entry.client_id);
      await putEntry({ ...entry, created: kept?.created ?? entry.created });
    } catch {
      // No storage on this phone (a private window): post the form as it is.
      delete form.dataset.busy;
      form.submit();
      return;
    }
    flash(T.saving, "info");
    const outcome = await send(entry);
    if (outcome === "refused") {
      // Show why and keep the form as typed, to correct it and save again under the same
      // id. The visit also stays in the outbox with the reason until then.
      flash(reason((await getEntry(entry.client_id)) ?? entry), "error");
    } else {
      flash(fill(outcome === "sent" ? T.saved : T.saved_offline, { date: day(entry.date) }), outcome === "sent" ? "ok" : "info", true);
      reset(form);
      const details = form.closest("details");
      if (details) details.open = false;
    }
  } finally {
    delete form.dataset.busy;
    buttons.forEach((b) => (b.disabled = false));
    await render();
  }
}

function wireForms() {
  for (const form of document.querySelectorAll("form[data-visit-form]")) {
    prepare(form);
    form.addEventListener("submit", onSubmit);
    const add = form.querySelector("[data-add-concern]");
    if (add) {
      add.hidden = false;
      add.addEventListener("click", () => addSlot(form)?.querySelector("select")?.focus());
    }
    const list = concernList(form);
    if (list) {
      for (const slot of list.children) wireSlot(form, slot);
      renumber(form);
    }
  }
}

// ---------------------------------------------------------------------------- service worker, sign-out

async function forgetPages() {
  try {
    if ("caches" in window) await caches.delete(PAGES_CACHE);
  } catch {
    /* nothing kept */
  }
  navigator.serviceWorker?.controller?.postMessage({ type: "forget" });
}

function guardSignOut() {
  for (const form of document.querySelectorAll('form[action="/api/auth/sign_out"]')) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      let waiting = 0;
      try {
        waiting = (await entries()).length;
      } catch {
        /* no outbox */
      }
      if (waiting && !confirm(fill(T.confirm_sign_out, { count: waiting }))) return;
      await forgetPages();
      form.dataset.confirmed = "1";
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  }
}

/** The files and pages to keep on the phone: what this page loaded, and on the start page
 *  every household of the member. */
function pagesToKeep() {
  const urls = new Set([location.pathname]);
  for (const r of performance.getEntriesByType("resource")) urls.add(r.name);
  for (const e of document.querySelectorAll("link[href], script[src]")) urls.add(e.href || e.src);
  for (const a of document.querySelectorAll("[data-household-card] a[href^='/households/']")) urls.add(a.pathname);
  return [...urls].filter((u) => new URL(u, location.href).origin === location.origin);
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js");
    const reg = await navigator.serviceWorker.ready;
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data?.type === "kept") document.documentElement.dataset.offlineReady = "";
    });
    if (navigator.onLine) reg.active?.postMessage({ type: "keep", urls: pagesToKeep() });
    else document.documentElement.dataset.offlineReady = "";
  } catch {
    /* the app still works online */
  }
}

// ---------------------------------------------------------------------------- start

async function start() {
  wireForms();
  guardSignOut();
  showOnline();
  addEventListener("online", () => {
    showOnline();
    flush();
  });
  addEventListener("offline", showOnline);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) flush();
  });
  for (const b of document.querySelectorAll("[data-outbox-send]")) b.addEventListener("click", () => flush());
  setInterval(() => flush(), RETRY_MS);
  const fix = new URLSearchParams(location.search).get("fix");
  await render().catch(() => {});
  if (fix) await correct(fix).catch(() => {});
  document.documentElement.dataset.visitsReady = "";
  flush().catch(() => {});
  registerWorker();
}

if (root) start();
