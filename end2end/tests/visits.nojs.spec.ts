import { test, expect } from "@playwright/test";

// Without JavaScript the visit forms still post, and come back to the household's page.
test("a member logs a visit with no script at all", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Tên đăng nhập").fill("secretary2");
  await page.getByLabel("Mật khẩu").fill("ganbo-demo");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/my");
  await page.locator("[data-household-card]").first().getByRole("link", { name: "Ghi lần thăm" }).click();
  await expect(page).toHaveURL(/\/households\/\d+/);
  await page.getByRole("button", { name: "Đã thăm, không có gì cần báo" }).click();
  await expect(page).toHaveURL(/\/households\/\d+\?saved=\d{4}-\d{2}-\d{2}/);
  await expect(page.getByRole("status").filter({ hasText: "Đã lưu lần thăm ngày" })).toBeVisible();
  await expect(page.locator("[data-need]")).toHaveText("Đã thăm hôm nay");
});
