// Gắn Bó's service worker: the app and the member's households open without a network.
//
// - /pkg/* (the app's script, wasm and styles; hashed names, never changed): from the
//   phone once kept.
// - The member's pages (/my and /households/N): from the network, kept for later; from the
//   phone when there is no network, or when the network is too slow to wait for.
// - Other pages: from the network; without one, the kept start page for "/", else the
//   offline page.
// - Signing in or out empties the kept pages: they are one person's.
// Visits themselves never pass through here: the page keeps them (its outbox, in the app).

const STATIC = "ganbo-static-v1";
const PAGES = "ganbo-pages-v1";
const OFFLINE = "/offline";
const SHELL = [OFFLINE, "/manifest.webmanifest", "/favicon.svg", "/icons/icon-192.png"];
/** How long a page may take on a weak network before the kept copy is shown instead. */
const NETWORK_WAIT_MS = 4000;
/** A kept household page is fetched again in the background at most this often. */
const REFRESH_MS = 10 * 60_000;

const MEMBER_PAGE = /^\/(my|households\/\d+)\/?$/;
const SIGN_IN_OR_OUT = /^\/api\/auth\/sign_(in|out)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC);
      await Promise.all(SHELL.map((u) => cache.add(u).catch(() => {})));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("ganbo-") && key !== STATIC && key !== PAGES) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const msg = event.data ?? {};
  if (msg.type === "keep") {
    event.waitUntil(
      keep(Array.isArray(msg.urls) ? msg.urls : []).then(() => event.source?.postMessage({ type: "kept" })),
    );
  } else if (msg.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === "POST" && SIGN_IN_OR_OUT.test(url.pathname)) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (req.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/pkg/")) {
    event.respondWith(cacheFirst(req));
  } else if (req.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (SHELL.includes(url.pathname) || url.pathname.startsWith("/icons/")) {
    event.respondWith(networkFirst(req));
  }
});

async function cacheFirst(req) {
  const cache = await caches.open(STATIC);
  const kept = await cache.match(req, { ignoreVary: true });
  if (kept) return kept;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

async function networkFirst(req) {
  const cache = await caches.open(STATIC);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(req, res.clone());
    return res;
  } catch (e) {
    const kept = await cache.match(req, { ignoreSearch: true, ignoreVary: true });
    if (kept) return kept;
    throw e;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A page's key: its path, without ?saved=… and the like. */
const pageKey = (url) => url.origin + url.pathname;

async function page(event, url) {
  const kept = MEMBER_PAGE.test(url.pathname);
  const pages = await caches.open(PAGES);
  const network = fetch(event.request).then((res) => {
    if (kept && res.ok && res.type === "basic") event.waitUntil(pages.put(pageKey(url), res.clone()));
    return res;
  });
  event.waitUntil(network.catch(() => {}));
  const copy = kept ? await pages.match(pageKey(url)) : undefined;
  try {
    if (!copy) return await network;
    return await Promise.race([network, sleep(NETWORK_WAIT_MS).then(() => copy)]);
  } catch {
    if (copy) return copy;
    if (url.pathname === "/") {
      const start = await pages.match(`${url.origin}/my`);
      if (start) return start;
    }
    const offline = await caches.match(OFFLINE, { ignoreVary: true });
    return offline ?? Response.error();
  }
}

/** Keeps the files a page loaded and the member's pages it lists, for use offline. */
async function keep(urls) {
  const files = await caches.open(STATIC);
  const pages = await caches.open(PAGES);
  const bundle = new Set();
  for (const u of urls) {
    let url;
    try {
      url = new URL(u, self.location.origin);
    } catch {
      continue;
    }
    if (url.origin !== self.location.origin) continue;
    try {
      if (url.pathname.startsWith("/pkg/")) {
        bundle.add(url.href);
        if (!(await files.match(url.href, { ignoreVary: true }))) await files.add(url.href);
      } else if (MEMBER_PAGE.test(url.pathname)) {
        const old = await pages.match(pageKey(url));
        const age = old ? Date.now() - Date.parse(old.headers.get("date") ?? "") : Infinity;
        if (!(age < REFRESH_MS)) {
          const res = await fetch(url.href, { credentials: "same-origin", redirect: "manual" });
          if (res.ok && res.type === "basic") await pages.put(pageKey(url), res);
        }
      } else if (SHELL.includes(url.pathname) && !(await files.match(url.pathname))) {
        await files.add(url.pathname);
      }
    } catch {
      // No network now: kept next time.
    }
  }
  // Bundles of earlier versions of the app are no longer needed.
  if (bundle.size) {
    for (const req of await files.keys()) {
      if (new URL(req.url).pathname.startsWith("/pkg/") && !bundle.has(req.url)) await files.delete(req);
    }
  }
}
