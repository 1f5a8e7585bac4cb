import type { Locator, Page, TestInfo } from "@playwright/test";
import { test, expect, signIn, hydrated, noHorizontalScroll } from "./fixtures";

// The monthly meeting on a shared screen, driven by the keyboard alone: attendance, a
// concern decided on the spot, a task, then the minutes on A4.

function unique(info: TestInfo, what: string) {
  return `${what} ${info.project.name} ${Date.now().toString(36)}`;
}

/** Presses Tab until the element has the focus (a keyboard user's way there). */
async function tabTo(page: Page, target: Locator, max = 300) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("never reached by Tab");
}

/** The part shown on the screen: its title. */
function shown(page: Page) {
  return page.locator(".meeting__part:visible .meeting__title");
}

test("a monthly meeting run from the shared screen with the keyboard only", async ({ page }, info) => {
  test.skip(info.project.name === "phone", "the shared screen is a projector or a TV");
  // A whole meeting, from the concern heard before it to the printed minutes.
  test.setTimeout(90_000);
  const text = unique(info, "Đề nghị lắp thêm đèn chiếu sáng cuối ngõ.");
  const answer = "Chi bộ đã đề nghị tổ dân phố lắp đèn trong tháng.";
  const task = unique(info, "Rà soát các hộ chưa có đảng viên phụ trách");

  // The secretary, who also looks after households, hears a concern before the meeting.
  await signIn(page, "secretary3");
  await page.goto("/my");
  await hydrated(page);
  await page.locator("[data-household-card] a.visit-card__name").first().click();
  await hydrated(page);
  await page.getByText("Ghi nhận kiến nghị mới").click();
  const form = page.getByRole("form", { name: "Ghi nhận kiến nghị mới" });
  await form.getByLabel("Lĩnh vực").selectOption({ label: "Hạ tầng, đường, điện, nước" });
  await form.getByLabel("Nội dung kiến nghị").fill(text);
  await form.getByRole("button", { name: "Ghi nhận", exact: true }).click();
  await expect(page).toHaveURL(/\/concerns\/\d+$/);
  const concern = new URL(page.url()).pathname.split("/").pop();
  const cellHref = await page.locator(".page-header__crumb a").first().getAttribute("href");
  const cell = cellHref!.split("/")[2];

  // This month's meeting is opened and put on the screen.
  await page.goto(`/cells/${cell}/meetings`);
  await hydrated(page);
  await page.getByRole("button", { name: "Mở cuộc họp" }).click();
  await expect(page).toHaveURL(new RegExp(`/cells/${cell}/meetings/\\d{4}-\\d{2}$`));
  await hydrated(page);
  await expect(shown(page)).toHaveText(/Khai mạc/);
  // Legible from the back of the room: body text of 24 px at least.
  const size = await page.locator(".meeting__part:visible .meeting__kicker").evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(size).toBeGreaterThanOrEqual(24);

  // 1: attendance. Tick two members, save with Enter.
  await page.keyboard.press("1");
  await expect(shown(page)).toHaveText(/Điểm danh/);
  await expect(shown(page)).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("button", { name: "Lưu điểm danh" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\?s=1$/);
  await hydrated(page);
  await expect(shown(page)).toHaveText(/Điểm danh/);
  await expect(page.locator(".meeting__part:visible .meeting__big")).toHaveText(/Có mặt 2\/\d+ đảng viên/);

  // 3: the concern, answered on the spot.
  await page.keyboard.press("3");
  await expect(shown(page)).toHaveText(/Kiến nghị cần quyết định/);
  const item = page.locator(".meeting__part:visible li", { hasText: text });
  await expect(item).toHaveCount(1);
  await tabTo(page, page.locator(`#answer-${concern}`));
  await page.keyboard.type(answer);
  await page.keyboard.press("Tab");
  await expect(item.getByRole("button", { name: "Chi bộ trả lời" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\?s=3$/);
  await hydrated(page);
  await expect(page.locator(".meeting__part:visible li", { hasText: text })).toHaveCount(0);

  // → 4: the answer now waits to be carried back to the household.
  await page.keyboard.press("ArrowRight");
  await expect(shown(page)).toHaveText(/Trả lời cần báo lại hộ/);
  await expect(page.locator(".meeting__part:visible", { hasText: text })).toHaveCount(1);
  await page.keyboard.press("Space");
  await expect(shown(page)).toHaveText(/Việc quá hạn/);
  await page.keyboard.press("ArrowLeft");
  await expect(shown(page)).toHaveText(/Trả lời cần báo lại hộ/);

  // End: next month's tasks. Give one with the keyboard.
  await page.keyboard.press("End");
  await expect(shown(page)).toHaveText(/Nhiệm vụ tháng tới/);
  await tabTo(page, page.getByLabel("Nhiệm vụ mới"));
  await page.keyboard.type(task);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\?s=9$/);
  await hydrated(page);
  const part = page.locator(".meeting__part:visible");
  await expect(part).toContainText(task);
  await expect(part).toContainText(`Chi bộ trả lời`);
  await expect(part).toContainText(answer);

  // Home goes back to the opening; 7 to the board figures, with the way to the board.
  await page.keyboard.press("Home");
  await expect(shown(page)).toHaveText(/Khai mạc/);
  await page.keyboard.press("7");
  await expect(page.locator(".meeting__part:visible").getByRole("link", { name: "Mở bảng phân công" })).toHaveAttribute(
    "href",
    `/cells/${cell}/board`,
  );

  // The minutes, in Vietnamese, ready for A4.
  await page.goto(`${new URL(page.url()).pathname}/minutes`);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^BIÊN BẢN SINH HOẠT CHI BỘ THÁNG \d{2}\/\d{4}$/);
  const minutes = page.locator("article.minutes");
  await expect(minutes).toContainText(/Có mặt: 2\/\d+ đảng viên/);
  await expect(minutes).toContainText(answer);
  await expect(minutes).toContainText(task);
  await expect(minutes).toContainText("ĐẢNG CỘNG SẢN VIỆT NAM");
  await expect(minutes.locator(".minutes__cell")).toHaveText(/^CHI BỘ TỔ DÂN PHỐ SỐ \d+$/);
  await expect(page.getByRole("button", { name: "In biên bản" })).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.getByRole("button", { name: "In biên bản" })).toBeHidden();
  await expect(minutes).toBeVisible();
});

test("the meeting screen reads on a phone too, without sideways scrolling", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the phone's layout");
  await signIn(page, "viewer");
  await page.goto("/cells");
  await hydrated(page);
  await page.locator("main a[href^='/cells/']").first().click();
  await hydrated(page);
  await page.getByRole("link", { name: "Sinh hoạt", exact: true }).click();
  await hydrated(page);
  await page.getByRole("link", { name: "Xem chương trình" }).click();
  await hydrated(page);
  await expect(shown(page)).toHaveText(/Khai mạc/);
  await expect(page.getByText("Cuộc họp tháng này chưa mở.").first()).toBeVisible();
  await noHorizontalScroll(page);
  await page.getByRole("navigation", { name: "Chương trình cuộc họp" }).getByRole("link", { name: /^2/ }).click();
  await expect(shown(page)).toHaveText(/Kết quả thăm hộ/);
  await noHorizontalScroll(page);
});
