import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded one; the flags keep it off this machine's closed network.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const database = process.env.DATABASE_LABEL ?? "sqlite";

export default defineConfig({
  testDir: "./tests",
  // The injection corpus writes hostile names into the demo data: it runs on its own, after
  // the other specs (XSS_SUITE=1, see scripts/test.sh), so that they see the data they expect.
  testIgnore: process.env.XSS_SUITE ? [] : ["**/xss.spec.ts"],
  outputDir: `test-results/${database}`,
  // Two suites share this 2-core machine in CI: a long spec needs more than 30 s there.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One server and one demo data set per database: tests run in order.
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    locale: "zh-CN",
    launchOptions: chromium,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // The same specs with the browser hydrating the page and as a client without JavaScript.
    { name: `hydrate-${database}`, use: { javaScriptEnabled: true } },
    { name: `ssr-${database}`, use: { javaScriptEnabled: false } },
  ],
});
