import {
  expect,
  test as base,
  type Browser,
  type BrowserContext,
  type Page,
  type TestInfo,
} from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** What the browser says when the Content-Security-Policy stopped something. */
const CSP_VIOLATION = /Content Security Policy|Refused to (execute|load|apply|connect|frame|evaluate|compile)/i;

/** Calls `watch` on every page of `context` and of each context the test makes with
 * `browser.newContext` until `restore`; `newContext` makes a context that is not watched. */
function watchEveryPage(browser: Browser, context: BrowserContext, watch: (page: Page) => void) {
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
  return { newContext, restore: () => void (browser.newContext = newContext) };
}

/** Every spec's `test`: fails a test on any CSP violation in any page it opened (the
 * default page and those of contexts made with `browser.newContext`, e.g. `session`). */
export const test = base.extend<{ cspGuard: void; axeGuard: void }>({
  cspGuard: [
    async ({ browser, context }, use) => {
      const violations: string[] = [];
      const watch = (page: Page) =>
        page.on("console", (message) => {
          if (CSP_VIOLATION.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
        });
      const { restore } = watchEveryPage(browser, context, watch);
      await use();
      restore();
      expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  axeGuard: [
    async ({ browser, context }, use, testInfo) => {
      const violations: string[] = [];
      const pending: Promise<void>[] = [];
      const javaScript = testInfo.project.use.javaScriptEnabled !== false;
      const baseURL = testInfo.project.use.baseURL ?? "http://127.0.0.1:3000";
      // Without JavaScript the page cannot run axe: its HTML is analysed in a page of a
      // context of our own that loads the same styles and images but no script.
      let inspector: BrowserContext | undefined;
      const inspect = async () =>
        (inspector ??= await newContext({
          javaScriptEnabled: true,
          locale: "zh-CN",
          baseURL: testInfo.project.use.baseURL,
        })).newPage();
      // A page closed while axe runs on it (its context closed at the end of a test) may
      // never answer: its analysis counts as dropped once the page is gone.
      const watch = (page: Page) => {
        const closed = new Promise<string>((resolve) => page.once("close", () => resolve("closed")));
        page.on("load", () => {
          const latest = Promise.race([analyse(baseURL, page, javaScript ? undefined : inspect, violations), closed]);
          loads.set(page, { count: loadsOf(page) + 1, latest });
          pending.push(latest.then(() => undefined));
        });
      };
      const { newContext, restore } = watchEveryPage(browser, context, watch);
      await use();
      restore();
      await Promise.all(pending);
      await inspector?.close();
      expect(violations, "WCAG 2.1 A/AA violations found by axe-core").toEqual([]);
    },
    { auto: true },
  ],
});

/** The rules every page is held to: WCAG 2.1, levels A and AA. */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The kinds of page analysed so far in this worker, so that a page seen again (the same
 * path with other numbers, in the same language and state) is not analysed twice. */
const analysed = new Set<string>();

/** Per page: the loads the guard saw, and the outcome of the latest one's analysis. */
const loads = new WeakMap<Page, { count: number; latest: Promise<string> }>();

/** How many loads of `page` the guard has seen; take it before a navigation. */
export function loadsOf(page: Page): number {
  return loads.get(page)?.count ?? 0;
}

/** Waits until axe has looked at the page a navigation started after `before` loads
 * reached, for a tour that must not leave a page before axe has seen it: an analysis that
 * was dropped fails it. */
export async function axeLooked(page: Page, before: number) {
  await expect
    .poll(() => loadsOf(page), { timeout: 30_000, message: `a load of ${page.url()}` })
    .toBeGreaterThan(before);
  const outcome = await loads.get(page)!.latest;
  expect(outcome, `axe on ${page.url()}`).toMatch(/^(analysed|seen|foreign)$/);
}

/** Runs axe-core on the page as it loaded, unless a page of its kind was analysed already.
 * The test goes on meanwhile: when it navigates away first, the analysis is dropped and the
 * kind stays open for its next visit. */
async function analyse(
  baseURL: string,
  page: Page,
  inspect: (() => Promise<Page>) | undefined,
  violations: string[],
): Promise<string> {
  let kind = "";
  // Only this portal's pages: the test identity provider's are not ours to fix.
  if (new URL(page.url()).origin !== new URL(baseURL).origin) return "foreign";
  const loaded = page.url();
  try {
    kind = await page.evaluate(() => {
      const query = [...new URLSearchParams(location.search).keys()].sort().join(",");
      const state = [
        document.querySelector(".field-error, .form-error, [aria-invalid='true']") ? "refused" : "",
        document.querySelector(".notice") ? "notice" : "",
        document.querySelector(".empty-state") ? "empty" : "",
      ].join("");
      const numbers = /[0-9a-f]{16,}|\d+/g;
      const path = location.pathname.replace(numbers, "N");
      const title = document.title.replace(numbers, "N");
      return `${document.documentElement.lang} ${path}?${query} ${state} ${title}`;
    });
    kind = `${inspect ? "no-js" : "js"} ${kind}`;
    if (analysed.has(kind)) return "seen";
    analysed.add(kind);
    const url = page.url();
    let target = page;
    if (inspect) {
      const html = await page.content();
      target = await inspect();
      await target.route("**/*", (route) => {
        const request = route.request();
        if (request.isNavigationRequest()) {
          return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html });
        }
        if (request.resourceType() === "script" || request.url().endsWith(".wasm")) return route.abort();
        return route.continue();
      });
      await target.goto(url);
    }
    const results = await new AxeBuilder({ page: target }).withTags(WCAG_21_AA).analyze();
    if (target !== page) await target.close();
    // The test went on to another page (client-side) while axe ran: what it saw was part one
    // page, part the next, so the kind stays open for its next visit.
    if (page.url() !== url) throw new Error("navigated during the analysis");
    for (const rule of results.violations) {
      const where = rule.nodes
        .slice(0, 4)
        .map((node) => `${node.target.join(" ")} (${node.failureSummary?.split("\n")[1]?.trim() ?? ""})`)
        .join("; ");
      violations.push(`${url} [${kind}] ${rule.id} × ${rule.nodes.length}: ${where}`);
    }
    return "analysed";
  } catch (error) {
    // Navigated away or closed before the analysis ended: the next visit of its kind runs it.
    analysed.delete(kind);
    // The tour (axeLooked) fails on a dropped analysis; other specs leave the kind open for
    // its next visit. Not every race with a navigation says so in its message (axe's script
    // can be gone from the new document: "reading 'runPartial'"), so none is a violation.
    const message = error instanceof Error ? error.message : String(error);
    return `dropped: ${loaded}: ${message.split("\n")[0]}`;
  }
}

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
