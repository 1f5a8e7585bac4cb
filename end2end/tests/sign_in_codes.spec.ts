import AxeBuilder from "@axe-core/playwright";
import { devices, type Browser } from "@playwright/test";
import { test, expect, signIn, hydrated, noHorizontalScroll, TODAY } from "./fixtures";

// Every member of the demo ward has an account, waiting for its first sign-in with the
// one-time code on the member's card. A member who lost the card gets a new code from the
// cell's secretary on the member's page: the old one stops working, the new one signs the
// member in on a phone, once, and then the member chooses a password. Bringing in the
// members of a new cell in one go is the set-up walk-through's (setup.spec.ts).

/** The member's own phone: a browser of its own, at the run's day. */
async function onPhone(browser: Browser, baseURL: string) {
  const phone = await browser.newContext({
    ...devices["Pixel 7"],
    viewport: { width: 390, height: 844 },
    baseURL,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
  });
  const member = await phone.newPage();
  await member.clock.install({ time: new Date(`${TODAY}T09:00:00+07:00`) });
  return { phone, member };
}

test("a secretary gives a member a new code, and the member signs in on a phone and chooses a password", async ({
  page,
  browser,
}, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "one member to bring in: the desktop run does it");
  test.setTimeout(90_000);
  await signIn(page, "secretary1");
  await page.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Đảng viên" }).click();
  await expect(page).toHaveURL(/\/members$/);
  const links = await page.locator("table tbody th a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  expect(links.length).toBeGreaterThan(3);
  // The last member on the list whose card still waits to be used.
  let found = false;
  for (const href of links.reverse()) {
    await page.goto(href);
    const panel = page.getByRole("region", { name: "Tài khoản đăng nhập" });
    if (await panel.locator(".sign-in-code__code").isVisible()) {
      found = true;
      break;
    }
  }
  expect(found, "a member of the cell whose code waits").toBe(true);
  const lost = (await page.locator(".sign-in-code__code").textContent())!.trim();
  const name = (await page.getByRole("heading", { level: 1 }).textContent())!.trim();
  const panel = page.getByRole("region", { name: "Tài khoản đăng nhập" });
  await expect(panel.getByText("Chưa có tài khoản đăng nhập.")).toHaveCount(0);
  await panel.getByRole("button", { name: "Cấp lại mã đăng nhập" }).click();
  await expect(panel.getByRole("status")).toHaveText("Đã cấp mã đăng nhập mới.");
  const username = (await panel.locator("strong").first().textContent())!.trim();
  const code = (await panel.locator(".sign-in-code__code").textContent())!.trim();
  expect(username).toMatch(/^[a-z][a-z0-9.]*$/);
  expect(code).toMatch(/^\d{4} \d{4}$/);
  expect(code).not.toBe(lost);
  await expect(panel.getByRole("button", { name: "Cấp lại mã đăng nhập" })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  // On the member's phone.
  const { phone, member } = await onPhone(browser, testInfo.project.use.baseURL!);
  await member.goto("/login");
  await hydrated(member);
  // The lost card's code signs in no more.
  await member.getByLabel("Tên đăng nhập").fill(username);
  await member.getByLabel("Mật khẩu").fill(lost);
  await member.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(member.getByRole("alert")).toBeVisible();
  await expect(member).toHaveURL(/\/login/);
  await member.getByLabel("Tên đăng nhập").fill(username);
  await member.getByLabel("Mật khẩu").fill(code);
  await member.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(member).toHaveURL(/\/welcome$/);
  await expect(member.getByRole("heading", { level: 1, name: "Chọn mật khẩu của bạn" })).toBeVisible();
  await expect(member.getByText(`Xin chào ${name}.`)).toBeVisible();
  await noHorizontalScroll(member);
  const welcomeAxe = await new AxeBuilder({ page: member }).analyze();
  expect(welcomeAxe.violations.map((v) => v.id)).toEqual([]);
  // Nothing else opens before a password is chosen.
  await member.goto("/my");
  await expect(member).toHaveURL(/\/welcome$/);

  await member.getByLabel("Mật khẩu mới", { exact: true }).fill("hoa-sua-mua-thu");
  await member.getByLabel("Nhập lại mật khẩu mới").fill("hoa-sua-mua-thu");
  await member.getByRole("button", { name: "Lưu mật khẩu và tiếp tục" }).click();
  await expect(member).toHaveURL(/\/my$/);
  await expect(member.getByRole("heading", { level: 1, name: "Hộ tôi phụ trách" })).toBeVisible();
  await phone.close();

  // The secretary sees that the member has a password of their own now.
  await page.reload();
  await expect(panel.getByText("Đăng nhập bình thường.")).toBeVisible();
  await expect(panel.locator(".sign-in-code__code")).toHaveCount(0);
});

test("a secretary prints the cell's sign-in cards, and a card's QR code signs a member in", async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "one cell to bring in: the desktop run does it");
  test.setTimeout(90_000);
  await signIn(page, "secretary2");
  await page.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Tài khoản" }).click();
  await expect(page).toHaveURL(/\/cells\/\d+\/sign-ins$/);
  await expect(page.getByRole("heading", { level: 2, name: "Tài khoản đăng nhập của đảng viên" })).toBeVisible();
  // Every member of the demo cell has an account: nobody is left to make one for.
  await expect(page.getByRole("button", { name: /^Cấp tài khoản cho/ })).toHaveCount(0);
  const cards = page.locator(".sign-in-card");
  expect(await cards.count()).toBeGreaterThan(3);
  await expect(cards.first().getByRole("img", { name: "Mã QR mở trang đăng nhập" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^In \d+ thẻ đăng nhập$/ })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  // Printed, only the cards remain, two to a row.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.locator(".cell-header")).toBeHidden();
  await expect(page.getByRole("table")).toBeHidden();
  const [a, b] = [await cards.nth(0).boundingBox(), await cards.nth(1).boundingBox()];
  expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
  await page.emulateMedia({ media: "screen" });

  // A card's QR code opens the sign-in page with the username filled in, on the phone.
  const waiting = await cards.count();
  const card = cards.last();
  const username = (await card.locator("dd strong").first().textContent())!.trim();
  const code = (await card.locator(".sign-in-card__code").textContent())!.trim();
  const { phone, member } = await onPhone(browser, testInfo.project.use.baseURL!);
  await member.goto(`/login?u=${username}`);
  await hydrated(member);
  await expect(member.getByLabel("Tên đăng nhập")).toHaveValue(username);
  await member.getByLabel("Mật khẩu").fill(code);
  await member.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(member).toHaveURL(/\/welcome$/);
  await member.getByLabel("Mật khẩu mới", { exact: true }).fill("den-long-giua-thu");
  await member.getByLabel("Nhập lại mật khẩu mới").fill("den-long-giua-thu");
  await member.getByRole("button", { name: "Lưu mật khẩu và tiếp tục" }).click();
  await expect(member).toHaveURL(/\/my$/);
  await phone.close();

  await page.reload();
  await expect(page.getByRole("row").filter({ has: page.getByText(username, { exact: true }) })).toContainText("Đã tự đặt mật khẩu");
  // Used up: its card is no longer printed.
  await expect(cards).toHaveCount(waiting - 1);
});
