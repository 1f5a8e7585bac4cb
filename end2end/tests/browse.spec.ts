import { test, expect, signIn, hydrated, noHorizontalScroll } from "./fixtures";

test("the committee browses a cell and finds people without typing diacritics", async ({ page }) => {
  await signIn(page, "committee");
  // The start page shows the cells the committee's office answers for, and the one
  // nobody answers for yet (R9), each with how it stands.
  const stewards = page.getByRole("region", { name: "Cấp ủy viên phụ trách chi bộ" });
  const mine = stewards.locator(".steward--me");
  await expect(mine.getByRole("heading", { level: 3 })).toContainText("Văn phòng Đảng ủy phường");
  await expect(mine.getByRole("heading", { level: 3 })).toContainText("2 chi bộ");
  await expect(mine.getByRole("row", { name: /Chi bộ Tổ dân phố số 1/ })).toContainText(/\d+ \/ \d+/);
  const nobody = stewards.locator(".steward--nobody");
  await expect(nobody.getByRole("heading", { level: 3 })).toContainText("Chi bộ chưa có cấp ủy viên phụ trách");
  await expect(nobody.getByRole("link", { name: "Chi bộ Tổ dân phố số 3" })).toBeVisible();
  await noHorizontalScroll(page);
  await page.locator(".cell-cards").getByRole("link", { name: "Chi bộ Tổ dân phố số 1" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chi bộ Tổ dân phố số 1" })).toBeVisible();

  await page.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Đảng viên" }).click();
  await expect(page).toHaveURL(/\/members$/);
  const rows = page.locator("table tbody tr");
  await expect(rows.first()).toBeVisible();
  await page.getByLabel("Tìm đảng viên").fill("nguyen");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page).toHaveURL(/q=nguyen/);
  await expect(rows.first()).toBeVisible();
  for (const n of await page.locator("table tbody th a").allTextContents()) expect(n).toMatch(/^Nguyễn /);
  await noHorizontalScroll(page);

  await page.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Hộ gia đình" }).click();
  await expect(page).toHaveURL(/\/households$/);
  await page.getByLabel("Tìm hộ").fill("nguyen van");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page).toHaveURL(/q=nguyen(\+|%20)van/);
  await expect(rows.first()).toBeVisible();
  const heads = await page.locator("table tbody th a").allTextContents();
  expect(heads.length).toBeGreaterThan(0);
  for (const n of heads) expect(n).toMatch(/^Nguyễn Văn /);
  await noHorizontalScroll(page);
});

test("households can be filtered to those nobody looks after", async ({ page }) => {
  await signIn(page, "secretary1");
  await page.getByRole("link", { name: /Chưa có người phụ trách/ }).click();
  await expect(page).toHaveURL(/assigned=no/);
  const badges = page.locator("table tbody .badge--alert");
  await expect(badges.first()).toBeVisible();
  const rows = await page.locator("table tbody tr").count();
  expect(await badges.count()).toBe(rows);
  await noHorizontalScroll(page);
});

test("a household page shows who looked after it", async ({ page }) => {
  // Cell 3: the board's tests move households of cells 1 and 2 meanwhile.
  await signIn(page, "secretary3");
  await page.goto(page.url() + "/households?assigned=yes");
  await hydrated(page);
  await page.locator("table tbody th a").first().click();
  await expect(page.getByRole("heading", { level: 2, name: "Ai đã phụ trách hộ này" })).toBeVisible();
  await expect(page.locator(".history--current")).toHaveCount(1);
});

test("a secretary cannot open another cell", async ({ page }) => {
  await signIn(page, "secretary1");
  const own = page.url();
  const otherId = Number(own.split("/").pop()) + 4; // the next cell (each cell has 3 party groups)
  const response = await page.goto(`/cells/${otherId}/members`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "Không có quyền truy cập" })).toBeVisible();
  await expect(page.locator("table")).toHaveCount(0);
});

test("a member cannot open the cell's lists", async ({ page }) => {
  await signIn(page, "member1");
  const response = await page.goto("/cells");
  expect(response?.status()).toBe(200);
  await expect(page.locator(".cell-card")).toHaveCount(0);
});

test("English is one click away and stays chosen", async ({ page }) => {
  await signIn(page, "committee");
  await expect(page.locator("html")).toHaveAttribute("lang", "vi");
  await page.getByRole("button", { name: "Switch to English" }).click();
  await expect(page).toHaveURL(/\/cells$/);
  await expect(page.getByRole("heading", { level: 1, name: "Cells" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Cells" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Chuyển sang tiếng Việt" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Các chi bộ" })).toBeVisible();
});

test("an unknown page answers 404 with a way home", async ({ page }) => {
  const response = await page.goto("/khong-co-trang-nay");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Không tìm thấy trang" })).toBeVisible();
});
