import type { Page, TestInfo } from "@playwright/test";
import { test, expect, signIn, hydrated, noHorizontalScroll, TODAY, todayDmy } from "./fixtures";

// Home visits on a phone. Every project (desktop, phone) runs these on the same demo
// database at the same time, so each picks its own households (see `households`) and
// recognises its own visits by a note nobody else writes.

/** Waits until the offline script has taken over the page's forms. */
async function outboxReady(page: Page) {
  await hydrated(page);
  await expect(page.locator("html[data-visits-ready]")).toHaveCount(1, { timeout: 15_000 });
}

/** The signed-in member's households (links from their start page), in id order; the
 *  desktop project takes them from the front, the phone project from the back. */
async function households(page: Page, info: TestInfo): Promise<string[]> {
  await page.goto("/my");
  await outboxReady(page);
  const hrefs = await page.locator("[data-household-card] a.visit-card__name").evaluateAll((links) =>
    links.map((a) => (a as HTMLAnchorElement).pathname),
  );
  const ids = [...new Set(hrefs)].sort((a, b) => Number(a.split("/").pop()) - Number(b.split("/").pop()));
  expect(ids.length).toBeGreaterThanOrEqual(4);
  return info.project.name === "phone" ? ids.reverse() : ids;
}

function unique(info: TestInfo, what: string) {
  return `${what} ${info.project.name} ${Date.now().toString(36)}`;
}

/** How many timeline entries of a household's page carry this text. */
async function timelineCount(page: Page, href: string, text: string) {
  await page.goto(href);
  await hydrated(page);
  return page.locator(".visit-timeline .tl", { hasText: text }).count();
}

function vnToday() {
  return todayDmy();
}

test("a member sees who to visit next, most in need first", async ({ page }) => {
  await signIn(page, "member1");
  await expect(page).toHaveURL(/\/my$/);
  await outboxReady(page);
  await expect(page.getByRole("heading", { level: 1, name: "Hộ tôi phụ trách" })).toBeVisible();
  await expect(page.getByText(/Tháng \d{2}\/\d{4}: đã thăm \d+ trên \d+ hộ/)).toBeVisible();
  // The groups come in need order; the first is the most urgent the member has.
  const groups = await page.locator(".visit-group__title").allTextContents();
  const order = ["Chưa thăm lần nào", "Quá hạn", "Sắp đến hạn", "Đã thăm gần đây"];
  const positions = groups.map((g) => order.findIndex((o) => g.startsWith(o)));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort()).toEqual(positions);
  // Each card: a name to open it, the address, the last visit, a way to log and to call.
  const card = page.locator("[data-household-card]").first();
  await expect(card.getByText(/Lần thăm gần nhất:/)).toBeVisible();
  await expect(card.getByRole("link", { name: "Ghi lần thăm" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Gọi \d+/ }).first()).toHaveAttribute("href", /^tel:\d+/);
  await noHorizontalScroll(page);
});

test("the three-tap visit: open the household, 'visited, nothing to report', done", async ({ page }, info) => {
  await signIn(page, "member1");
  await outboxReady(page);
  const card = page.locator("[data-household-card]").nth(info.project.name === "phone" ? 1 : 0);
  const name = (await card.locator("a.visit-card__name").textContent())!.trim();
  // Tap 1.
  await card.getByRole("link", { name: "Ghi lần thăm" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await outboxReady(page);
  await noHorizontalScroll(page);
  // Tap 2.
  await page.getByRole("button", { name: "Đã thăm, không có gì cần báo" }).click();
  const status = page.getByRole("status").filter({ hasText: "Đã lưu lần thăm" });
  await expect(status).toContainText(`Đã lưu lần thăm ngày ${vnToday()}.`);
  // Tap 3: back to the list, where the household is now visited today.
  await status.getByRole("link", { name: "Về danh sách hộ của tôi" }).click();
  await expect(page).toHaveURL(/\/my$/);
  const again = page.locator("[data-household-card]", { has: page.getByRole("link", { name, exact: true }) }).first();
  await expect(again.locator("[data-need]")).toHaveText("Đã thăm hôm nay");
  await expect(again.getByText(vnToday())).toBeVisible();
});

test("a full visit with two concerns", async ({ page }, info) => {
  await signIn(page, "member2");
  const [href] = await households(page, info);
  await page.goto(href);
  await outboxReady(page);
  const note = unique(info, "Gia đình khỏe, đã nhắc họp tổ dân phố.");
  await page.getByText("Ghi đầy đủ: nội dung trao đổi, kiến nghị…").click();
  await page.getByRole("radio", { name: "Gọi điện thoại" }).check();
  await page.getByRole("checkbox", { name: "Gia đình văn hóa, tổ dân phố văn hóa" }).check();
  await page.getByRole("checkbox", { name: "Phòng chống tội phạm, tệ nạn xã hội" }).check();
  await page.getByLabel("Ghi chú").fill(note);
  await page.getByRole("checkbox", { name: "Đã hòa giải mâu thuẫn" }).check();
  await page.getByLabel("Điểm nóng").selectOption({ label: "Mức 1: mới manh nha" });
  await page.getByLabel("Mức độ hài lòng").selectOption({ label: "Rất hài lòng" });
  await page.getByLabel("Hộ góp ý").fill("Đảng viên nhiệt tình, hay hỏi han.");

  const first = page.getByRole("group", { name: "Kiến nghị 1" });
  await first.getByLabel("Lĩnh vực").selectOption({ label: "Hạ tầng, đường, điện, nước" });
  await first.getByLabel("Nội dung").fill(`Đèn đường đầu ngõ hỏng – ${note}`);
  await first.getByRole("checkbox", { name: "Cần giải quyết gấp" }).check();
  await page.getByRole("button", { name: "Thêm kiến nghị" }).click();
  const second = page.getByRole("group", { name: "Kiến nghị 2" });
  await second.getByLabel("Lĩnh vực").selectOption({ label: "Chính sách xã hội" });
  await second.getByLabel("Nội dung").fill(`Hỏi chế độ người cao tuổi – ${note}`);
  await noHorizontalScroll(page);
  await page.getByRole("button", { name: "Lưu lần thăm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã lưu lần thăm" })).toBeVisible();

  // The page, loaded again, shows the visit and both concerns, raised and open.
  await page.goto(href);
  await hydrated(page);
  const visit = page.locator(".visit-timeline .tl--visit", { hasText: note });
  await expect(visit).toHaveCount(1);
  await expect(visit).toContainText("Gọi điện thoại");
  await expect(visit).toContainText("Gia đình văn hóa, tổ dân phố văn hóa, Phòng chống tội phạm, tệ nạn xã hội");
  await expect(visit).toContainText("Đã hòa giải");
  await expect(visit).toContainText("Điểm nóng mức 1");
  await expect(visit).toContainText("2 kiến nghị");
  await expect(visit).toContainText("Rất hài lòng");
  const open = page.locator(".concern-thread", { hasText: note });
  await expect(open).toHaveCount(2);
  await expect(open.filter({ hasText: "Đèn đường đầu ngõ hỏng" })).toContainText("Gấp");
  await expect(open.filter({ hasText: "Hỏi chế độ người cao tuổi" })).toContainText("Mới nêu");
});

test("offline: two visits wait on the phone and are sent once when the network returns", async ({ page, context }, info) => {
  await signIn(page, "member1");
  const list = await households(page, info);
  const [a, b] = [list[2], list[3]];
  // The start page has kept the member's households on the phone.
  await expect(page.locator("html[data-offline-ready]")).toHaveCount(1, { timeout: 20_000 });
  await page.goto(a);
  await outboxReady(page);
  const noteA = unique(info, "Ngoại tuyến A");
  const noteB = unique(info, "Ngoại tuyến B");

  await context.setOffline(true);
  await expect(page.getByText("Bạn đang ngoại tuyến.")).toBeVisible();
  await page.getByText("Ghi đầy đủ: nội dung trao đổi, kiến nghị…").click();
  await page.getByLabel("Ghi chú").fill(noteA);
  await page.getByRole("button", { name: "Lưu lần thăm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Chưa có mạng" })).toBeVisible();
  const outbox = page.getByRole("region", { name: /lần thăm chưa gửi/ });
  await expect(outbox).toContainText(noteA);
  await expect(outbox).toContainText("Chờ gửi");

  // Another household opens without a network, from the phone.
  await page.goto(b);
  await outboxReady(page);
  await page.getByText("Ghi đầy đủ: nội dung trao đổi, kiến nghị…").click();
  await page.getByLabel("Ghi chú").fill(noteB);
  await page.getByRole("button", { name: "Lưu lần thăm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Chưa có mạng" })).toBeVisible();

  // The start page, offline too, lists both as waiting.
  await page.goto("/my");
  await outboxReady(page);
  const all = page.getByRole("region", { name: /lần thăm chưa gửi/ });
  await expect(all).toContainText("2 lần thăm chưa gửi");
  await expect(all).toContainText(noteA);
  await expect(all).toContainText(noteB);
  await expect(page.locator("html[data-outbox-count='2']")).toHaveCount(1);

  // The network returns: both go by themselves.
  await context.setOffline(false);
  await expect(page.locator("html[data-outbox-count='0']")).toHaveCount(1, { timeout: 15_000 });
  await expect(all).toBeHidden();
  expect(await timelineCount(page, a, noteA)).toBe(1);
  expect(await timelineCount(page, b, noteB)).toBe(1);
});

test("a double tap stores one visit", async ({ page, context }, info) => {
  await signIn(page, "secretary1");
  const [href] = await households(page, info);
  await page.goto(href);
  await outboxReady(page);
  const note = unique(info, "Bấm hai lần");
  await page.getByText("Ghi đầy đủ: nội dung trao đổi, kiến nghị…").click();
  await page.getByLabel("Ghi chú").fill(note);
  await page.getByRole("button", { name: "Lưu lần thăm" }).dblclick();
  await expect(page.getByRole("status").filter({ hasText: "Đã lưu lần thăm" })).toBeVisible();
  expect(await timelineCount(page, href, note)).toBe(1);

  // The same visit sent again, as a phone does after a lost answer: still one.
  const household = href.split("/").pop()!;
  const form = {
    "visit[client_id]": `resend-${info.project.name}-${Date.now()}`,
    "visit[household]": household,
    "visit[visited_on]": TODAY,
    "visit[kind]": "home",
    "visit[note]": `${note} (gửi lại)`,
  };
  const send = () =>
    context.request.post("/api/visits/log_visit", { form, headers: { Accept: "application/json" } });
  const [one, two] = await Promise.all([send(), send()]);
  expect(one.status()).toBe(200);
  expect(two.status()).toBe(200);
  expect((await one.json()).id).toBe((await two.json()).id);
  expect(await timelineCount(page, href, `${note} (gửi lại)`)).toBe(1);
});

test("a refused visit stays on the phone with the reason until corrected", async ({ page, context }, info) => {
  await signIn(page, "member2");
  const list = await households(page, info);
  const href = list[1];
  await page.goto(href);
  await outboxReady(page);
  const note = unique(info, "Cần sửa ngày");
  await context.setOffline(true);
  await page.getByText("Ghi đầy đủ: nội dung trao đổi, kiến nghị…").click();
  await page.getByLabel("Ghi chú").fill(note);
  await page.getByRole("button", { name: "Lưu lần thăm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Chưa có mạng" })).toBeVisible();
  // The phone's clock was wrong when it was kept: a day the server will not take.
  await page.evaluate(async (note) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const req = indexedDB.open("ganbo");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const store = db.transaction("outbox", "readwrite").objectStore("outbox");
    const all: any[] = await new Promise((resolve) => {
      const req = store.getAll();
      req.onsuccess = () => resolve(req.result);
    });
    const entry = all.find((e) => e.note === note);
    entry.visit.visited_on = "2001-01-01";
    entry.date = "2001-01-01";
    await new Promise((resolve) => {
      store.put(entry).onsuccess = resolve;
    });
  }, note);
  await context.setOffline(false);
  const outbox = page.getByRole("region", { name: /lần thăm chưa gửi/ });
  await expect(outbox).toContainText("Máy chủ không nhận", { timeout: 15_000 });
  await expect(outbox).toContainText("Ngày thăm: phải từ");
  // It is not dropped: it is still there after a reload.
  await page.reload();
  await outboxReady(page);
  await expect(outbox).toContainText(note);
  await outbox.getByRole("button", { name: "Sửa lại" }).click();
  await expect(page.getByLabel("Ghi chú")).toHaveValue(note);
  const date = page.getByLabel("Ngày thăm");
  await date.fill(TODAY);
  await page.getByRole("button", { name: "Lưu lần thăm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã lưu lần thăm" })).toBeVisible();
  await expect(outbox).toBeHidden();
  expect(await timelineCount(page, href, note)).toBe(1);
});

test("signing out empties the pages kept on the phone", async ({ page }) => {
  await signIn(page, "member2");
  await outboxReady(page);
  await expect(page.locator("html[data-offline-ready]")).toHaveCount(1, { timeout: 20_000 });
  const kept = () =>
    page.evaluate(async () => {
      const cache = await caches.open("ganbo-pages-v1");
      return (await cache.keys()).length;
    });
  expect(await kept()).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await kept()).toBe(0);
});

test("the secretary sees the cell's visit coverage", async ({ page }) => {
  await signIn(page, "secretary1");
  await page.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Thăm hộ" }).click();
  await expect(page).toHaveURL(/\/cells\/\d+\/visits$/);
  await expect(page.getByText(/Hộ đã thăm trong tháng \d{2}\/\d{4}/)).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Theo tháng" })).toBeVisible();
  await expect(page.locator(".visit-months tbody tr")).toHaveCount(6);
  await expect(page.getByRole("heading", { level: 2, name: "Đảng viên 30 ngày trở lên chưa thăm hộ nào" })).toBeVisible();
  await noHorizontalScroll(page);
});

test("the app can be added to the home screen", async ({ page, request }) => {
  await page.goto("/login");
  const href = await page.locator("link[rel=manifest]").getAttribute("href");
  const manifest = await (await request.get(href!)).json();
  expect(manifest.start_url).toBe("/my");
  expect(manifest.display).toBe("standalone");
  expect(manifest.icons.some((i: { sizes: string }) => i.sizes === "512x512")).toBe(true);
  expect((await request.get("/sw.js")).status()).toBe(200);
});
