import { test as base, expect, type Page } from "@playwright/test";

export const PASSWORD = "ganbo-demo";

/** The day of the run (see playwright.config.ts), as 2026-12-01: the server's today. */
export const TODAY: string = process.env.GANBO_TODAY ?? "";

/** The run's day as 01/12/2026. */
export function todayDmy(): string {
  const [y, m, d] = TODAY.split("-");
  return `${d}/${m}/${y}`;
}

/** The run's year and month (1–12). */
export const YEAR = Number(TODAY.slice(0, 4));
export const MONTH = Number(TODAY.slice(5, 7));

/** Every test fails on an uncaught page error or a console error; every page's clock reads
 * the run's day (the morning of it, in Vietnam), as the server's does, and runs on. */
export const test = base.extend<{ failOnErrors: void; pinnedClock: void }>({
  pinnedClock: [
    async ({ page }, use) => {
      await page.clock.install({ time: new Date(`${TODAY}T09:00:00+07:00`) });
      await use();
    },
    { auto: true },
  ],
  failOnErrors: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" && !expectedConsoleError(m.text())) problems.push(`console error: ${m.text()}`);
      });
      await use();
      expect(problems, problems.join("\n")).toEqual([]);
    },
    { auto: true },
  ],
});

/** Refusals the tests provoke on purpose show up as failed requests in the console. */
function expectedConsoleError(text: string): boolean {
  return /status of (401|403|404|409|422|429)/.test(text);
}

export { expect };

/** Waits until the page's script has taken over (clicks before that would be lost). */
export async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
}

/** Signs in through the form and waits for the landing page. */
export async function signIn(page: Page, username: string, password = PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await hydrated(page);
}

/** The page does not scroll sideways. */
export async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}
