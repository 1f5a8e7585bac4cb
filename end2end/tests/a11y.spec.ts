import type { Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { test, expect, signIn, hydrated, noHorizontalScroll } from "./fixtures";

// Every page of the app passes axe (all its rules, best practices included) at the phone
// and desktop sizes, as each role sees it. Pages are found by following the app's own
// links, so the test keeps up with the data.

async function accessible(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await hydrated(page);
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`,
  );
  expect(found, `${path}\n${found.join("\n")}`).toEqual([]);
}

/** The first link on a page whose address matches. */
async function firstHref(page: Page, path: string, pattern: RegExp): Promise<string> {
  await page.goto(path);
  const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link like ${pattern} on ${path}`).toBeTruthy();
  return href!;
}

test("the sign-in, offline and set-up pages pass axe", async ({ page }) => {
  await accessible(page, "/login");
  await accessible(page, "/offline");
  await accessible(page, "/setup");
});

test("every page of a cell passes axe for its secretary", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, "secretary3");
  const cell = new URL(page.url()).pathname;
  expect(cell).toMatch(/^\/cells\/\d+$/);
  for (const tail of [
    "",
    "/board",
    "/register",
    "/members",
    "/households",
    "/visits",
    "/concerns",
    "/hot-spots",
    "/meetings",
    "/reports",
    "/reports/members",
    "/reports/dv213",
    "/data",
  ]) {
    await accessible(page, cell + tail);
  }
  await accessible(page, await firstHref(page, `${cell}/members`, /^\/members\/\d+$/));
  await accessible(page, await firstHref(page, `${cell}/households`, /^\/households\/\d+$/));
  await accessible(page, await firstHref(page, `${cell}/concerns`, /^\/concerns\/\d+$/));
  const meeting = await firstHref(page, `${cell}/meetings`, /^\/cells\/\d+\/meetings\/\d{4}-\d{2}$/);
  await accessible(page, meeting);
  await accessible(page, `${meeting}/minutes`);
});

test("the committee's pages pass axe", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "committee");
  await accessible(page, "/cells");
  const inbox = await firstHref(page, "/cells", /^\/wards\/\d+\/inbox$/);
  const ward = inbox.replace(/\/inbox$/, "");
  await accessible(page, inbox);
  await accessible(page, `${ward}/calendar`);
  await accessible(page, `${ward}/reports`);
  // The ward's tree, with every editing form open.
  await accessible(page, `${ward}/units`);
  await page.locator("details.unit__edit").evaluateAll((all) => all.forEach((d) => d.setAttribute("open", "")));
  const open = await new AxeBuilder({ page }).analyze();
  expect(open.violations.map((v) => v.id)).toEqual([]);
  await noHorizontalScroll(page);
  // The ward's accounts, with every account's forms open.
  await accessible(page, `${ward}/accounts`);
  await page.locator("details.unit__edit").evaluateAll((all) => all.forEach((d) => d.setAttribute("open", "")));
  const accounts = await new AxeBuilder({ page }).analyze();
  expect(accounts.violations.map((v) => v.id)).toEqual([]);
  await noHorizontalScroll(page);
});

test("a member's pages pass axe", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "member2");
  await accessible(page, "/my");
  await accessible(page, "/my/register");
  await accessible(page, "/my/concerns");
  await accessible(page, await firstHref(page, "/my", /^\/households\/\d+$/));
  // One's own account, and its password form, fit the phone.
  await accessible(page, "/account");
  await expect(page.getByLabel("Mật khẩu mới", { exact: true })).toBeVisible();
  await noHorizontalScroll(page);
});
