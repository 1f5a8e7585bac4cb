// Screenshots of pages at phone and desktop sizes, for looking at what was built.
// usage: node tools/screenshots.mjs <base-url> <out-dir> <user|-> <path> [<path> ...]
import { chromium } from "@playwright/test";

const [base, out, user, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1440, height: 900 } };
for (const [name, viewport] of Object.entries(sizes)) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: name === "phone", hasTouch: name === "phone" });
  const page = await context.newPage();
  if (user && user !== "-") {
    await page.goto(`${base}/login`);
    await page.getByLabel(/Tên đăng nhập|Username/).fill(user);
    await page.getByLabel(/Mật khẩu|Password/).fill("ganbo-demo");
    await page.getByRole("button", { name: /Đăng nhập|Sign in/ }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  }
  for (const p of paths) {
    await page.goto(`${base}${p}`);
    await page.waitForLoadState("networkidle");
    const file = `${out}/${name}${p.replace(/[^a-z0-9]+/gi, "_")}.png`;
    await page.screenshot({ path: file, fullPage: process.env.FULL === "1" });
    console.log(file);
  }
  await context.close();
}
await browser.close();
