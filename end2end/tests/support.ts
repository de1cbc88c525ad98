import {
  expect,
  test as base,
  type Browser,
  type BrowserContext,
  type Page,
  type TestInfo,
} from "@playwright/test";

/** What the browser says when the Content-Security-Policy stopped something. */
const CSP_VIOLATION = /Content Security Policy|Refused to (execute|load|apply|connect|frame|evaluate|compile)/i;

/** Every spec's `test`: fails a test on any CSP violation in any page it opened (the
 * default page and those of contexts made with `browser.newContext`, e.g. `session`). */
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ browser, context }, use) => {
      const violations: string[] = [];
      const watch = (page: Page) =>
        page.on("console", (message) => {
          if (CSP_VIOLATION.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
        });
      const hook = (c: BrowserContext) => {
        c.pages().forEach(watch);
        c.on("page", watch);
      };
      hook(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<Browser["newContext"]>) => {
        const made = await newContext(...args);
        hook(made);
        return made;
      };
      await use();
      browser.newContext = newContext;
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export const PASSWORD = "ProviderCenter#2019";

/** Collects page errors and console errors/warnings, to assert a clean hydration. The
 * browser's own note on a refused form (422, validation errors the test provokes) is expected. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.text().includes("responded with a status of 422")) return;
    // With JavaScript off the preloaded bundle is never used, and Chromium says so.
    if (message.text().includes("was preloaded using link preload but not used")) return;
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  return problems;
}

/** With JavaScript on, waits until the bundle has hydrated the page. */
export async function settled(page: Page, testInfo: TestInfo) {
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  }
}

export async function signIn(page: Page, testInfo: TestInfo, email: string, password = PASSWORD) {
  await page.goto("/login");
  await settled(page, testInfo);
  await page.getByLabel("邮箱", { exact: true }).fill(email);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await dragSlider(page);
  await page.getByRole("button", { name: "登录", exact: true }).click();
}

/** A signed-in page in a browser context of its own, with the project's JavaScript setting. */
export async function session(browser: Browser, testInfo: TestInfo, email: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  await signIn(page, testInfo, email);
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

/** The login slider, dragged to the right end (a range input: `fill` sets it and fires the
 * input and change events a drag would). */
export async function dragSlider(page: Page) {
  await page.getByTestId("slider").fill("100");
}

/** Waits for a new mail to `to` with a link to `pathPrefix` + token; returns the path. */
export async function mailedLink(to: string, pathPrefix: string, seen: Set<string>): Promise<string> {
  const pattern = new RegExp(`${pathPrefix}[0-9a-f]{64}`);
  let found = "";
  await expect
    .poll(
      async () => {
        const mails: { text?: string; to: { address: string }[] }[] = await (
          await fetch(`${MAILDEV}/api/email`)
        ).json();
        for (const mail of mails) {
          if (mail.to[0]?.address !== to) continue;
          const link = mail.text?.match(pattern)?.[0];
          if (link && !seen.has(link)) found = link;
        }
        return found;
      },
      { timeout: 20_000, message: `a mail to ${to} with a link to ${pathPrefix}` },
    )
    .not.toBe("");
  seen.add(found);
  return found;
}

const MAILDEV = process.env.MAILDEV_URL ?? "http://127.0.0.1:1180";

/** Waits for a new acceptance link mailed to the buyer about work order `no` (read from the
 * SMTP capture server) and returns its path; `seen` holds the links already used. */
export async function mailedAcceptanceLink(no: string, seen: Set<string>): Promise<string> {
  let found = "";
  await expect
    .poll(
      async () => {
        const mails: { subject: string; text?: string; to: { address: string }[] }[] = await (
          await fetch(`${MAILDEV}/api/email`)
        ).json();
        for (const mail of mails) {
          if (!mail.subject.includes(no) || mail.to[0]?.address !== "buyer@example.com") continue;
          const link = mail.text?.match(/\/accept\/[0-9a-f]{64}/)?.[0];
          if (link && !seen.has(link)) found = link;
        }
        return found;
      },
      { timeout: 20_000, message: `a mail about ${no} with a new acceptance link` },
    )
    .not.toBe("");
  seen.add(found);
  return found;
}
