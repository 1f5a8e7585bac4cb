import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { test, expect, signIn, hydrated, noHorizontalScroll, YEAR, MONTH } from "./fixtures";

// The reviews: a cell's 6-month and year-end report with its chart, each member's
// evidence sheet, the ward's report side by side, the ĐV213 roster with its meetings and
// comment sheets; exported to Excel and laid out for A4.

async function openReports(page: Page, secretary: string, cellName: string) {
  await signIn(page, secretary);
  await page.getByRole("link", { name: "Chi bộ", exact: true }).click();
  await page.getByRole("link", { name: cellName }).click();
  await page.getByRole("link", { name: "Báo cáo", exact: true }).click();
  await expect(page).toHaveURL(/\/cells\/\d+\/reports$/);
}

test("a cell's report for a chosen period, its members' evidence, Excel and A4", async ({ page }) => {
  await openReports(page, "secretary1", "Chi bộ Tổ dân phố số 1");
  const year = YEAR;
  await expect(page.getByRole("heading", { level: 1, name: /Báo cáo (tổng kết năm|sơ kết 6 tháng đầu năm) \d{4}/ })).toBeVisible();
  await expect(page.getByRole("img", { name: "Lượt thăm hộ mỗi tháng so với số hộ cần thăm" })).toBeVisible();

  // The first half-year instead: six months, January first.
  await page.getByLabel("Kỳ báo cáo").selectOption(`${year}-h1`);
  await page.getByRole("button", { name: "Xem", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`period=${year}-h1`));
  await expect(page.getByRole("heading", { level: 1, name: `Báo cáo sơ kết 6 tháng đầu năm ${year} – Chi bộ Tổ dân phố số 1` })).toBeVisible();
  const months = page.locator(".report-months tbody tr");
  await expect(months).toHaveCount(6);
  await expect(months.first().locator("th")).toHaveText(`01/${year}`);
  await expect(page.locator(".report-chart__month")).toHaveCount(6);
  await noHorizontalScroll(page);

  // The workbook of the same report.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Tải Excel" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
  expect(readFileSync((await file.path())!).subarray(0, 2).toString()).toBe("PK");

  // On paper: the party's header lines, no buttons, no tabs.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".report-head").first()).toBeVisible();
  await expect(page.locator(".report-tools")).toBeHidden();
  await expect(page.locator(".cell-header")).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  // A member's evidence sheet from the members' table.
  const first = page.locator(".report-members tbody tr").first();
  const name = (await first.locator("th a").innerText()).trim();
  await first.locator("th a").click();
  await expect(page).toHaveURL(/\/reports\/members\?period=.*&member=\d+/);
  const sheet = page.locator("article.evidence");
  await expect(sheet).toHaveCount(1);
  await expect(sheet).toContainText(name);
  await expect(sheet.getByRole("rowheader", { name: "Số hộ-tháng cần thăm" })).toBeVisible();
  await noHorizontalScroll(page);
  await page.getByRole("link", { name: "Tất cả đảng viên" }).click();
  expect(await page.locator("article.evidence").count()).toBeGreaterThan(1);
});

test("the ward's report puts the cells side by side", async ({ page }, info) => {
  test.skip(info.project.name === "phone", "read at a desk; the cell report covers the phone");
  await signIn(page, "committee");
  await page.getByRole("link", { name: "Báo cáo toàn phường" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sơ kết, tổng kết toàn phường" })).toBeVisible();
  const rows = page.locator(".report-cells tbody tr");
  await expect(rows).toHaveCount(3);
  await rows.filter({ hasText: "Chi bộ Tổ dân phố số 3" }).getByRole("link").click();
  await expect(page).toHaveURL(/\/cells\/\d+\/reports\?period=/);
  await expect(page.locator(".cell-header__name")).toHaveText("Chi bộ Tổ dân phố số 3");
});

test("ĐV213: a comment sheet prefilled, refused when emptied, saved; a meeting recorded", async ({ page }, info) => {
  await openReports(page, "secretary2", "Chi bộ Tổ dân phố số 2");
  await page.getByRole("link", { name: "Đảng viên 213" }).click();
  await expect(page).toHaveURL(/\/reports\/dv213\?year=\d{4}$/);
  await expect(page.getByRole("heading", { name: /Danh sách đảng viên đang công tác/ })).toBeVisible();

  // Each browser writes its own member's sheet.
  const index = info.project.name === "phone" ? 1 : 0;
  const sheet = page.locator("article.dv213-sheet").nth(index);
  await expect(sheet.getByText("Gợi ý, chưa lưu")).toBeVisible();
  const contact = sheet.getByLabel("Giữ mối liên hệ với nơi cư trú");
  await expect(contact).toHaveValue(/buổi gặp mặt/);

  // Emptied past the browser's own check: the server says what is missing, stores nothing.
  await contact.evaluate((el) => el.removeAttribute("required"));
  await contact.fill("   ");
  await sheet.getByRole("button", { name: "Lưu phiếu" }).click();
  await expect(page.locator(".notice--error")).toContainText("Giữ mối liên hệ với nơi cư trú: cần nhập.");
  const again = page.locator("article.dv213-sheet").nth(index);
  await expect(again.getByText("Gợi ý, chưa lưu")).toBeVisible();

  const words = `Đề nghị ghi nhận đồng chí hoàn thành tốt nhiệm vụ (${info.project.name}).`;
  await again.getByLabel("Nhận xét chung, đề nghị").fill(words);
  await again.getByRole("button", { name: "Lưu phiếu" }).click();
  const saved = page.locator("article.dv213-sheet").nth(index);
  await expect(saved.locator(".dv213-sheet__text").last()).toHaveText(words);
  await expect(saved.getByText(/Đã lưu ngày/)).toBeVisible();
  await noHorizontalScroll(page);

  if (info.project.name === "phone") return;
  // The meeting of this half-year: two members present.
  const half = MONTH >= 7 ? 2 : 1;
  const panel = page.locator(`.dv213-meeting[data-half="${half}"]`);
  const boxes = panel.getByRole("checkbox");
  const n = await boxes.count();
  expect(n).toBeGreaterThan(1);
  for (let i = 0; i < n; i++) await boxes.nth(i).setChecked(i < 2);
  await panel.getByLabel("Nội dung").fill("Gặp mặt đảng viên đang công tác, thông báo tình hình khu dân cư");
  await panel.getByRole("button", { name: "Lưu buổi gặp" }).click();
  await expect(page.locator(`.dv213-meeting[data-half="${half}"] .dv213-meeting__summary`)).toHaveText(
    new RegExp(`Đã gặp ngày .*: 2/${n} đảng viên có mặt\\.`),
  );
  await expect(page.locator(".dv213-roster tbody tr").first().locator("td").nth(2 + half)).toHaveText(/Có mặt|Vắng/);
});
