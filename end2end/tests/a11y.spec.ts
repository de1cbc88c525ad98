import { expect, Page } from "@playwright/test";
import { axeLooked, loadsOf, session, test } from "./support";

// Every page of the portal in both languages, for the axe guard (support.ts), which checks
// each page a test loads — here the tour waits on each page until axe has seen it. The other
// specs reach the pages' other states (refused forms, notices, empty lists).

const PROVIDER_PAGES = [
  "/",
  "/orders",
  "/orders/20191206030252180",
  "/services",
  "/services/new",
  "/users",
  "/audit",
  "/bills",
  "/bills/201911010001",
  "/tiers",
  "/tutorials",
  "/tickets",
  "/search?q=2019",
  "/account/password",
  "/account/security",
  "/account/sessions",
  "/account/preferences",
];
/** The list pages whose first record's page is visited too: (list, detail pattern). */
const PROVIDER_DETAILS: [string, RegExp][] = [
  ["/services", /^\/services\/\d+$/],
  ["/users", /^\/users\/\d+$/],
  ["/tickets?tab=history", /^\/tickets\/[^/?]+$/],
];
const PLATFORM_PAGES = [
  "/platform",
  "/platform/registrations",
  "/platform/orders",
  "/platform/services",
  "/platform/bills",
  "/platform/bills/201911010001",
  "/platform/tiers",
  "/platform/tickets",
  "/platform/tutorials",
  "/platform/operators",
  "/platform/providers",
  "/platform/mail",
  "/platform/audit",
  "/platform/search?q=2019",
];
const PLATFORM_DETAILS: [string, RegExp][] = [
  ["/platform/providers", /^\/platform\/providers\/\d+$/],
  ["/platform/services", /^\/platform\/services\/\d+$/],
  ["/platform/tickets", /^\/platform\/tickets\/[^/?]+$/],
];
const PUBLIC_PAGES = ["/login", "/register", "/forgot"];

async function visit(page: Page, path: string, status: number | null = 200) {
  const before = loadsOf(page);
  const answer = await page.goto(path);
  if (status !== null) expect(answer?.status(), path).toBe(status);
  await axeLooked(page, before);
}

async function tour(page: Page, pages: string[], details: [string, RegExp][]) {
  for (const path of pages) await visit(page, path);
  for (const [list, pattern] of details) {
    await visit(page, list);
    const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    const detail = hrefs.find((href) => pattern.test(href));
    expect(detail, `a record on ${list}`).toBeTruthy();
    await visit(page, detail!);
  }
}

for (const [language, tag] of [["中文", "zh-CN"], ["English", "en"]] as const) {
  test(`every page is checked by axe in ${language}`, async ({ browser, page }, testInfo) => {
    test.setTimeout(240_000);
    const switchTo = async (p: Page) => {
      // Back to `/`: an operator's is the provider side's, answered 403 (a page too).
      await visit(p, `/lang/${tag}`, null);
      await expect(p.locator("html")).toHaveAttribute("lang", tag);
    };
    await page.goto("/login");
    await switchTo(page);
    for (const path of PUBLIC_PAGES) await visit(page, path);

    const provider = await session(browser, testInfo, "aku@example.com");
    await switchTo(provider);
    await tour(provider, PROVIDER_PAGES, PROVIDER_DETAILS);
    const operator = await session(browser, testInfo, "operator@example.com");
    await switchTo(operator);
    await tour(operator, PLATFORM_PAGES, PLATFORM_DETAILS);
  });
}
