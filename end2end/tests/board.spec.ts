import { type Browser, type Page, type Locator } from "@playwright/test";
import { test, expect, signIn, hydrated, noHorizontalScroll } from "./fixtures";

// These tests change the board: one at a time within a project. The desktop ones work on
// cell 1, the phone ones on cell 2, so the two projects never touch the same cards.
// A board is a large page: give each test room on a slow machine.
test.describe.configure({ mode: "serial", timeout: 60_000 });

/** Opens cell 1's board as its secretary. */
async function openBoard(page: Page, user = "secretary1") {
  await signIn(page, user);
  // The ward's committee starts from the list of cells.
  if (user === "committee") await page.getByRole("link", { name: "Chi bộ Tổ dân phố số 1" }).first().click();
  await page.getByRole("link", { name: "Bảng phân công" }).click();
  await expect(page).toHaveURL(/\/cells\/\d+\/board$/);
  await hydrated(page);
  await expect(page.getByText("Trực tiếp")).toBeVisible();
}

const column = (page: Page, name: string) => page.getByRole("listitem", { name, exact: true });
const unassigned = (page: Page) => column(page, "Chưa phân công");
/** The card of a household, found by its head's name. */
const card = (scope: Page | Locator, head: string) => {
  // The inner locator of `has` is matched inside each list item, so it starts from the page.
  const page = "page" in scope && typeof scope.page === "function" ? (scope as Locator).page() : (scope as Page);
  return scope.getByRole("listitem").filter({ has: page.getByRole("link", { name: head, exact: true }) });
};

/** The first household card in the Unassigned column: its head's name. */
async function firstUnassigned(page: Page): Promise<string> {
  const link = unassigned(page).getByRole("link").first();
  await expect(link).toBeVisible();
  return (await link.textContent())!.trim();
}

/** The name of the n-th member column (0 = the first member after Unassigned). */
async function memberColumnName(page: Page, n: number): Promise<string> {
  const heading = page.locator(".board__columns").first().getByRole("heading", { level: 3 }).nth(n + 1);
  return (await heading.textContent())!.trim();
}

async function dragWithMouse(page: Page, from: Locator, to: Locator) {
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  // Columns are as tall as the tallest one: drop level with the card, inside the target.
  const x0 = a.x + a.width / 2, y0 = a.y + 12;
  const x1 = b.x + b.width / 2, y1 = Math.min(Math.max(y0, b.y + 40), b.y + b.height - 40);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(x0 + ((x1 - x0) * i) / 12, y0 + ((y1 - y0) * i) / 12);
  }
  await page.mouse.up();
}

test.describe("desktop", () => {
  test.skip(({ isMobile }) => isMobile, "mouse dragging is a desktop thing");

  test("a card dragged with the mouse moves, stays moved, and can be undone", async ({ page }) => {
    await openBoard(page);
    const head = await firstUnassigned(page);
    const target = await memberColumnName(page, 0);
    await column(page, target).scrollIntoViewIfNeeded();
    await dragWithMouse(page, card(unassigned(page), head), column(page, target));
    await expect(card(column(page, target), head)).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Đã chuyển" })).toHaveText(new RegExp(`Đã chuyển hộ ${head} sang ${target}`));

    await page.reload();
    await hydrated(page);
    await expect(card(column(page, target), head)).toBeVisible();

    // Undo (after a reload the undo history is gone: move it back through the button first).
    await dragWithMouse(page, card(column(page, target), head), unassigned(page));
    await expect(card(unassigned(page), head)).toBeVisible();
    await page.getByRole("button", { name: "Hoàn tác" }).click();
    await expect(card(column(page, target), head)).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "hoàn tác" })).toContainText("Đã hoàn tác");
  });

  test("the keyboard alone moves a household through the Move dialog", async ({ page }) => {
    await openBoard(page);
    const head = await firstUnassigned(page);
    const target = await memberColumnName(page, 1);
    await card(unassigned(page), head).getByRole("button", { name: `Chuyển hộ ${head}` }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: `Chuyển ${head}` });
    await expect(dialog).toBeVisible();
    // The dialog opens with the member filter focused.
    await expect(dialog.getByLabel("Lọc danh sách đảng viên")).toBeFocused();
    await page.keyboard.type(target);
    await page.keyboard.press("Tab");
    // The radio group: the first option is "Unassigned", then the filtered member.
    await page.keyboard.press("ArrowDown");
    await expect(dialog.getByRole("radio", { name: new RegExp(target) })).toBeChecked();
    await expect(dialog.getByText(/Nếu chuyển|Không vi phạm/)).toBeVisible();
    // Reason, then confirm.
    const confirm = dialog.getByRole("button", { name: "Chuyển", exact: true });
    for (let i = 0; i < 6 && !(await confirm.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expect(confirm).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(card(column(page, target), head)).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Đã chuyển" })).toHaveText(new RegExp(`sang ${target}`));
  });

  test("the Move menu warns of a broken rule and the summary follows", async ({ page }) => {
    await openBoard(page);
    const head = await firstUnassigned(page);
    const before = Number(await page.getByRole("button", { name: /Chưa có người phụ trách/ }).locator("strong").textContent());
    await card(unassigned(page), head).getByRole("button", { name: `Chuyển hộ ${head}` }).click();
    const dialog = page.getByRole("dialog");
    const target = await memberColumnName(page, 2);
    await dialog.getByRole("radio", { name: new RegExp(target) }).check();
    await dialog.getByLabel("Lý do (không bắt buộc)").fill("Gần nhà");
    await dialog.getByRole("button", { name: "Chuyển", exact: true }).click();
    await expect(card(column(page, target), head)).toBeVisible();
    await expect(page.getByRole("button", { name: /Chưa có người phụ trách/ }).locator("strong")).toHaveText(String(before - 1));
  });

  test("suggestions explain themselves and accepted ones become assignments", async ({ page }) => {
    await openBoard(page);
    await page.getByRole("button", { name: "Gợi ý phân công" }).click();
    const panel = page.getByRole("region", { name: "Gợi ý phân công" });
    await expect(panel).toBeVisible();
    await expect(panel.getByText(/nhà đảng viên|tổ dân phố/).first()).toBeVisible();
    const boxes = panel.getByRole("checkbox");
    const n = await boxes.count();
    expect(n).toBeGreaterThan(0);
    await panel.getByRole("button", { name: "Bỏ chọn tất cả" }).click();
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await panel.getByRole("button", { name: "Nhận 2 gợi ý đã chọn" }).click();
    await expect(panel).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: "Đã nhận" })).toHaveText("Đã nhận 2 gợi ý.");
  });

  test("two people moving one household: one wins, the other is told and sees the truth", async ({ browser }) => {
    const a = await newBoard(browser);
    const b = await newBoard(browser);
    // B does not hear A's move live, so B acts on what it saw before.
    await b.route("**/api/board/events/**", (r) => r.abort());
    await b.reload();
    await hydrated(b);
    const head = await firstUnassigned(a);
    const first = await memberColumnName(a, 0);
    const second = await memberColumnName(a, 1);
    await card(unassigned(a), head).getByRole("button", { name: `Chuyển hộ ${head}` }).click();
    await a.getByRole("dialog").getByRole("radio", { name: new RegExp(first) }).check();
    await a.getByRole("dialog").getByRole("button", { name: "Chuyển", exact: true }).click();
    await expect(card(column(a, first), head)).toBeVisible();
    await expect(card(unassigned(b), head)).toBeVisible();
    await card(unassigned(b), head).getByRole("button", { name: `Chuyển hộ ${head}` }).click();
    await b.getByRole("dialog").getByRole("radio", { name: new RegExp(second) }).check();
    await b.getByRole("dialog").getByRole("button", { name: "Chuyển", exact: true }).click();
    await expect(b.getByRole("status").filter({ hasText: "người khác" })).toContainText(`Hộ ${head} vừa được người khác chuyển`);
    await expect(card(column(b, first), head)).toBeVisible();
    await expect(card(column(b, second), head)).toHaveCount(0);
    await a.context().close();
    await b.context().close();
  });

  test("a second screen follows a move live, without reloading", async ({ browser }) => {
    const a = await newBoard(browser);
    const b = await newBoard(browser, "committee");
    const head = await firstUnassigned(a);
    const target = await memberColumnName(a, 3);
    await card(unassigned(a), head).getByRole("button", { name: `Chuyển hộ ${head}` }).click();
    await a.getByRole("dialog").getByRole("radio", { name: new RegExp(target) }).check();
    await a.getByRole("dialog").getByRole("button", { name: "Chuyển", exact: true }).click();
    await expect(card(column(b, target), head)).toBeVisible({ timeout: 3_000 });
    await expect(card(unassigned(b), head)).toHaveCount(0);
    await a.context().close();
    await b.context().close();
  });

  test("a screen that lost its live feed says so, reconnects by itself and catches up", async ({ browser }) => {
    const a = await newBoard(browser);
    // B's feed cannot connect (as when the network goes) until the network is back; the
    // browser keeps trying by itself.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "vi-VN" });
    const b = await context.newPage();
    let dropped = 0;
    await b.route("**/api/board/events/**", async (route) => {
      dropped += 1;
      await route.abort("internetdisconnected");
    });
    await signIn(b, "committee");
    await b.getByRole("link", { name: "Chi bộ Tổ dân phố số 1" }).first().click();
    await b.getByRole("link", { name: "Bảng phân công" }).click();
    await hydrated(b);
    await expect(b.getByText("Mất kết nối, đang kết nối lại…")).toBeVisible();
    expect(dropped).toBeGreaterThan(0);

    // A moves a household while B hears nothing.
    const head = await firstUnassigned(a);
    const target = await memberColumnName(a, 2);
    await card(unassigned(a), head).getByRole("button", { name: `Chuyển hộ ${head}` }).click();
    await a.getByRole("dialog").getByRole("radio", { name: new RegExp(target) }).check();
    await a.getByRole("dialog").getByRole("button", { name: "Chuyển", exact: true }).click();
    await expect(card(column(a, target), head)).toBeVisible();
    await expect(card(unassigned(b), head)).toBeVisible();

    // The network is back: B reconnects without a reload and shows what it missed.
    await b.unroute("**/api/board/events/**");
    await expect(b.getByText("Trực tiếp")).toBeVisible({ timeout: 15_000 });
    await expect(card(column(b, target), head)).toBeVisible({ timeout: 5_000 });
    await expect(card(unassigned(b), head)).toHaveCount(0);
    await a.context().close();
    await context.close();
  });

  test("the register prints the cell's assignments", async ({ page }) => {
    await openBoard(page);
    await page.getByRole("link", { name: "Sổ theo dõi" }).click();
    await expect(page.getByRole("heading", { name: /Sổ theo dõi phân công/ })).toBeVisible();
    await expect(page.getByRole("table")).toBeVisible();
    const rows = await page.getByRole("table").getByRole("row").count();
    expect(rows).toBeGreaterThan(20);
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("button", { name: "In sổ" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Điều hướng chính" })).toBeHidden();
  });
});

async function newBoard(browser: Browser, user = "secretary1"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "vi-VN" });
  const page = await context.newPage();
  await openBoard(page, user);
  return page;
}

test.describe("phone", () => {
  test.skip(({ isMobile }) => !isMobile, "touch is a phone thing");

  test("a held touch drags a card to another column", async ({ page }) => {
    await openBoard(page, "secretary2");
    await noHorizontalScroll(page);
    const head = await firstUnassigned(page);
    const source = card(unassigned(page), head);
    await source.scrollIntoViewIfNeeded();
    const box = (await source.boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: string, x: number, y: number) =>
      cdp.send("Input.dispatchTouchEvent", {
        type,
        touchPoints: type === "touchEnd" ? [] : [{ x, y }],
      });
    const x0 = box.x + 40;
    const y0 = box.y + 14;
    await touch("touchStart", x0, y0);
    await page.waitForTimeout(600);
    // Towards the right edge: the columns scroll along while the finger waits there.
    for (let i = 1; i <= 10; i++) await touch("touchMove", x0 + ((375 - x0) * i) / 10, y0 + 30);
    for (let i = 0; i < 40; i++) {
      await touch("touchMove", 376 - (i % 2), y0 + 30);
      await page.waitForTimeout(25);
    }
    await touch("touchMove", 200, y0 + 40);
    await touch("touchEnd", 200, y0 + 40);
    await expect(card(unassigned(page), head)).toHaveCount(0);
    await expect(page.getByRole("status").filter({ hasText: "Đã chuyển" })).toContainText(`Đã chuyển hộ ${head} sang`);
  });

  test("the Move button works on a phone", async ({ page }) => {
    await openBoard(page, "secretary2");
    const head = await firstUnassigned(page);
    const target = await memberColumnName(page, 4);
    await card(unassigned(page), head).getByRole("button", { name: `Chuyển hộ ${head}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Lọc danh sách đảng viên").fill(target);
    await dialog.getByRole("radio", { name: new RegExp(target) }).check();
    await dialog.getByRole("button", { name: "Chuyển", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Đã chuyển" })).toContainText(`sang ${target}`);
    await noHorizontalScroll(page);
  });
});

test("a member asks for a household and the secretary approves it on the board", async ({ browser, isMobile }) => {
  test.skip(isMobile, "runs once, with its own phone-sized page for the member");
  const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "vi-VN" });
  const member = await memberContext.newPage();
  await signIn(member, "member2");
  await member.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Đăng ký gắn bó" }).click();
  await expect(member).toHaveURL(/\/my\/register$/);
  const form = member.getByRole("button", { name: "Đăng ký gắn bó" }).first().locator("xpath=ancestor::form");
  const head = (await form.locator("strong").first().textContent())!.trim();
  await form.getByLabel("Ghi chú (không bắt buộc)").fill("Nhà ngay cạnh");
  await form.getByRole("button", { name: "Đăng ký gắn bó" }).click();
  await expect(member.getByText(head).first()).toBeVisible();
  await expect(member.getByText("Chờ duyệt").first()).toBeVisible();

  const secretary = await newBoard(browser);
  const requests = secretary.getByRole("region", { name: "Đăng ký gắn bó chờ duyệt" });
  const request = requests.getByRole("listitem").filter({ hasText: head });
  await expect(request).toBeVisible();
  await request.getByRole("button", { name: "Đồng ý" }).click();
  await expect(secretary.getByRole("status").filter({ hasText: "Đã đồng ý" })).toContainText(head);

  await member.reload();
  await expect(member.getByText("Đã đồng ý").first()).toBeVisible();
  await memberContext.close();
  await secretary.context().close();
});
