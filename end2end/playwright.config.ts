import { defineConfig, devices } from "@playwright/test";

// The server under test: the release build, on a fresh demo database, on its own port.
const port = Number(process.env.E2E_PORT ?? 3100);

// The day of the whole run: GANBO_TODAY when given (try any day with it), else today in
// Vietnam. The server's clock is pinned to it and so is every page's (see fixtures.ts), so
// no run depends on the day or crosses midnight. Set once, before the workers start.
process.env.GANBO_TODAY ??= new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(
  new Date(),
);
const baseURL = `http://127.0.0.1:${port}`;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "desktop",
      testIgnore: /.*\.nojs\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 }, launchOptions: chromium },
    },
    {
      name: "phone",
      testIgnore: /.*\.nojs\.spec\.ts/,
      use: {
        ...devices["Pixel 7"],
        viewport: { width: 390, height: 844 },
        launchOptions: chromium,
      },
    },
    {
      name: "no-javascript",
      testMatch: /.*\.nojs\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium },
    },
  ],
  webServer: [
    {
      command:
        "mkdir -p target/e2e && rm -f target/e2e/ganbo.sqlite* && " +
        "echo $$ > target/e2e/server.pid && exec ./target/release/ganbo serve --demo",
      cwd: "..",
      url: `${baseURL}/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        DATABASE_URL: "sqlite://target/e2e/ganbo.sqlite",
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        RUST_LOG: "warn",
        GANBO_TODAY: process.env.GANBO_TODAY,
      },
    },
    // The same build on an empty database, for the first set-up (setup.spec.ts reads the
    // one-time link it prints).
    {
      command:
        "mkdir -p target/e2e-setup && rm -f target/e2e-setup/ganbo.sqlite* && " +
        "echo $$ > target/e2e-setup/server.pid && exec ./target/release/ganbo serve > target/e2e-setup/server.log",
      cwd: "..",
      url: `http://127.0.0.1:${port + 1}/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        DATABASE_URL: "sqlite://target/e2e-setup/ganbo.sqlite",
        LEPTOS_SITE_ADDR: `127.0.0.1:${port + 1}`,
        RUST_LOG: "warn",
        GANBO_TODAY: process.env.GANBO_TODAY,
      },
    },
  ],
});
