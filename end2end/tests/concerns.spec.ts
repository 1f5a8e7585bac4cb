import type { Page, TestInfo } from "@playwright/test";
import { test, expect, signIn, hydrated, noHorizontalScroll, todayDmy, YEAR } from "./fixtures";

// A concern travels from a member's phone to the committee's written answer and back to
// the household, with its deadline shown at every step. The desktop and phone projects
// run at the same time on the same demo ward: each has its own member and its own text.

function unique(info: TestInfo, what: string) {
  return `${what} ${info.project.name} ${Date.now().toString(36)}`;
}

function vnToday() {
  return todayDmy();
}

/** The deadline chip of the page's concern: time left in working days, and its date. */
async function expectDeadline(page: Page) {
  const chip = page.locator(".concern-main .deadline");
  await expect(chip).toHaveCount(1);
  await expect(chip).toContainText(/Còn \d+ ngày làm việc|Đến hạn hôm nay|Quá hạn \d+ ngày làm việc/);
  await expect(chip).toContainText(/hạn \d{2}\/\d{2}\/\d{4}/);
}

test("a concern goes from a member's phone to a written answer and back to the household", async ({ page, browser }, info) => {
  const member = info.project.name === "phone" ? "member2" : "member1";
  const text = unique(info, "Cống thoát nước đầu ngõ bị tắc, nước tràn vào nhà khi mưa.");

  // The member raises it on a household they look after.
  await signIn(page, member);
  await page.goto("/my");
  await hydrated(page);
  await page.locator("[data-household-card] a.visit-card__name").first().click();
  await hydrated(page);
  await page.getByText("Ghi nhận kiến nghị mới").click();
  const form = page.getByRole("form", { name: "Ghi nhận kiến nghị mới" });
  await form.getByLabel("Lĩnh vực").selectOption({ label: "Môi trường, rác thải" });
  await form.getByLabel("Nội dung kiến nghị").fill(text);
  await noHorizontalScroll(page);
  await form.getByRole("button", { name: "Ghi nhận", exact: true }).click();
  await expect(page).toHaveURL(/\/concerns\/\d+$/);
  const concernUrl = new URL(page.url()).pathname;
  await expect(page.locator(".concern-body")).toHaveText(text);
  await expect(page.locator(".page-header__meta")).toContainText("Mới nêu");
  await expectDeadline(page);

  // The member reports it to the cell.
  await page.getByRole("button", { name: "Báo cáo chi bộ" }).click();
  await expect(page.locator(".page-header__meta")).toContainText("Đã báo cáo chi bộ");
  await expectDeadline(page);
  // The member cannot refer it: that is the cell's step.
  await expect(page.getByRole("button", { name: "Chuyển Đảng ủy phường" })).toHaveCount(0);
  await expect(page.getByText("Bạn không có bước nào cần làm")).toBeVisible();

  // The cell's secretary refers it to the committee.
  const secretary = await browser.newPage();
  await signIn(secretary, "secretary1");
  await secretary.goto(concernUrl);
  await hydrated(secretary);
  await secretary.locator("#step-refer").getByLabel("Ghi chú").fill("Vượt thẩm quyền chi bộ: cần phường cho nạo vét.");
  await secretary.getByRole("button", { name: "Chuyển Đảng ủy phường" }).click();
  await expect(secretary.locator(".page-header__meta")).toContainText("Đã chuyển Đảng ủy");
  await expectDeadline(secretary);
  // The secretary cannot answer for the committee.
  await expect(secretary.getByRole("button", { name: "Trả lời bằng văn bản" })).toHaveCount(0);
  await secretary.close();

  // The committee finds it in its inbox and answers in writing, with the signed letter.
  const committee = await browser.newPage();
  await signIn(committee, "committee");
  await committee.getByRole("link", { name: "Kiến nghị toàn phường" }).click();
  await expect(committee.getByRole("heading", { level: 1, name: "Kiến nghị chuyển Đảng ủy" })).toBeVisible();
  const card = committee.locator(".concern-card", { hasText: text });
  await expect(card).toHaveCount(1);
  await expect(card.locator(".deadline")).toContainText(/ngày làm việc|Đến hạn hôm nay/);
  await card.getByRole("link").first().click();
  await hydrated(committee);
  await committee.getByLabel("Nội dung văn bản trả lời").fill("UBND phường đã giao đội vệ sinh nạo vét cống trong tuần này.");
  await committee.getByLabel(/Tệp văn bản/).setInputFiles({
    name: "cong-van-tra-loi.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n% Công văn trả lời\n"),
  });
  await committee.getByRole("button", { name: "Trả lời bằng văn bản" }).click();
  await expect(committee.locator(".page-header__meta")).toContainText("Đảng ủy đã trả lời bằng văn bản");
  await expect(committee.getByRole("link", { name: "cong-van-tra-loi.pdf" })).toBeVisible();
  await committee.close();

  // Back on the member's phone: the answer, its file, and the household told today.
  await page.goto("/my/concerns");
  await hydrated(page);
  const mine = page.locator(".concern-card", { hasText: text });
  await expect(mine).toContainText("Đảng ủy đã trả lời bằng văn bản");
  await mine.getByRole("link").first().click();
  await hydrated(page);
  await expect(page.getByText("UBND phường đã giao đội vệ sinh nạo vét cống trong tuần này.")).toBeVisible();
  await expect(page.getByRole("link", { name: "cong-van-tra-loi.pdf" })).toBeVisible();
  await expectDeadline(page);
  await expect(page.getByLabel("Ngày báo lại cho hộ")).toHaveValue(/\d{4}-\d{2}-\d{2}/);
  await page.getByLabel("Hộ đã được báo thế nào").fill("Đã đến nhà báo ông, gia đình đồng tình.");
  await page.getByRole("button", { name: "Đã báo lại cho hộ" }).click();
  await expect(page.locator(".page-header__meta")).toContainText("Đã báo lại cho hộ");
  await expect(page.locator(".concern-main .deadline")).toHaveCount(0);
  // Every step is in its history, each on time, the last dated today.
  const steps = page.locator(".concern-timeline__item");
  await expect(steps).toHaveCount(5);
  await expect(steps.last()).toContainText(vnToday());
  await expect(page.locator(".concern-timeline .badge--ok")).toHaveCount(4);
  await noHorizontalScroll(page);
});

test("the cell's board shows concerns by state, and a card's menu takes a step", async ({ page }, info) => {
  test.skip(info.project.name === "phone", "one project moves the shared card");
  await signIn(page, "secretary2");
  await page.getByRole("link", { name: "Chi bộ", exact: true }).click();
  await page.getByRole("link", { name: "Chi bộ Tổ dân phố số 2" }).click();
  await page.getByRole("link", { name: "Kiến nghị", exact: true }).click();
  await hydrated(page);
  await expect(page.getByText(/Kéo thẻ sang cột khác/)).toBeVisible();
  const raised = page.locator('[data-column="raised"] .concern-card').first();
  await expect(raised).toBeVisible();
  const title = (await raised.locator(".concern-card__title").textContent()) ?? "";
  await raised.getByText("Chuyển bước").click();
  await raised.getByRole("button", { name: "Báo cáo chi bộ" }).click();
  await hydrated(page);
  await expect(page.locator('[data-column="reported"] .concern-card', { hasText: title.trim() }).first()).toBeVisible();
  // Filtered by category, every card has it.
  await page.getByLabel("Lĩnh vực").selectOption({ label: "An ninh, trật tự" });
  await page.getByRole("button", { name: "Lọc" }).click();
  const tags = await page.locator(".concern-card__tags .badge--info").allTextContents();
  expect(tags.every((t) => t === "An ninh, trật tự")).toBe(true);
});

test("the committee sets a day off and the deadlines move", async ({ page }, info) => {
  test.skip(info.project.name === "phone", "one project edits the shared calendar");
  await signIn(page, "committee");
  await page.getByRole("link", { name: "Kiến nghị toàn phường" }).click();
  await page.getByRole("link", { name: "Lịch làm việc và thời hạn" }).click();
  await hydrated(page);
  await expect(page.getByRole("cell", { name: "Tết Nguyên đán" }).first()).toBeVisible();
  const year = YEAR;
  await page.getByLabel("Ngày", { exact: true }).fill(`${year}-12-24`);
  await page.getByLabel("Tên ngày").fill("Nghỉ bù thử");
  await page.getByRole("button", { name: "Thêm ngày" }).click();
  await expect(page.getByRole("cell", { name: "Nghỉ bù thử" })).toBeVisible();
  await page.getByRole("button", { name: /Xóa 24\/12/ }).click();
  await expect(page.getByRole("cell", { name: "Nghỉ bù thử" })).toHaveCount(0);
});
