import { test, expect } from "@playwright/test";

// Without JavaScript: pages come from the server whole, and the sign-in form still works.
test("sign in and read a cell's households with no script at all", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Tên đăng nhập").fill("secretary1");
  await page.getByLabel("Mật khẩu").fill("ganbo-demo");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page).toHaveURL(/\/cells\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Chi bộ Tổ dân phố số 1" })).toBeVisible();
  await page.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Hộ gia đình" }).click();
  await expect(page.locator("table tbody tr").first()).toBeVisible();
  await page.getByLabel("Tìm hộ").fill("ngo");
  await page.getByRole("button", { name: "Tìm" }).click();
  await expect(page).toHaveURL(/q=ngo/);
  await expect(page.locator("table tbody tr").first()).toBeVisible();
});

test("a wrong password is explained without a script", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Tên đăng nhập").fill("secretary3");
  await page.getByLabel("Mật khẩu").fill("wrong");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page).toHaveURL(/\/login\?error=credentials/);
  await expect(page.getByRole("alert")).toHaveText("Tên đăng nhập hoặc mật khẩu không đúng.");
});
