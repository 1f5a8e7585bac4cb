import { test, expect, signIn, hydrated, PASSWORD } from "./fixtures";

test("each role lands on its own start page", async ({ page }) => {
  await signIn(page, "committee");
  await expect(page).toHaveURL(/\/cells$/);
  await expect(page.getByRole("heading", { level: 1, name: "Các chi bộ" })).toBeVisible();
});

test("a secretary lands on their cell", async ({ page }) => {
  await signIn(page, "secretary2");
  await expect(page).toHaveURL(/\/cells\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Chi bộ Tổ dân phố số 2" })).toBeVisible();
});

test("a member lands on their households", async ({ page }) => {
  await signIn(page, "member1");
  await expect(page).toHaveURL(/\/my$/);
  await expect(page.getByRole("heading", { level: 1, name: "Hộ tôi phụ trách" })).toBeVisible();
  // Their households, each a link to its page.
  await expect(page.getByRole("main").getByRole("listitem").getByRole("link").first()).toBeVisible();
});

test("a wrong password is refused in Vietnamese and nothing else happens", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Tên đăng nhập").fill("viewer");
  await page.getByLabel("Mật khẩu").fill("not-the-password");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByRole("alert")).toHaveText("Tên đăng nhập hoặc mật khẩu không đúng.");
  await expect(page).toHaveURL(/\/login/);
});

test("a page asked for before signing in is shown after signing in", async ({ page }) => {
  await page.goto("/cells");
  await expect(page).toHaveURL(/\/login\?next=%2Fcells/);
  await hydrated(page);
  await page.getByLabel("Tên đăng nhập").fill("viewer");
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page).toHaveURL(/\/cells$/);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "viewer");
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/cells");
  await expect(page).toHaveURL(/\/login/);
});
