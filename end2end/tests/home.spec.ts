import { expect } from "@playwright/test";
import { settled, signIn, watchConsole, test } from "./support";

test("every count on 后台首页 equals the list it links to", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  await signIn(page, testInfo, "aku@example.com");
  await expect(page).toHaveURL(/\/$/);
  await settled(page, testInfo);
  const links = page.getByTestId("attention").locator("a");
  const items: { href: string; count: number }[] = [];
  for (const link of await links.all()) {
    items.push({
      href: (await link.getAttribute("href"))!,
      count: Number(await link.locator(".attention-count").textContent()),
    });
  }
  expect(items.length).toBe(8);
  expect(items.filter((i) => i.count > 0).length).toBeGreaterThanOrEqual(4);
  for (const { href, count } of items) {
    await page.goto(href);
    await settled(page, testInfo);
    // One page of each list holds them (15 rows, 10 for tickets).
    const size = href.startsWith("/tickets") ? 10 : 15;
    await expect(page.locator("table tbody tr"), href).toHaveCount(Math.min(count, size));
  }
  // The month's figures for December 2019, the manual's busiest month.
  await page.goto("/?month=2019-12");
  await settled(page, testInfo);
  await expect(page.getByTestId("month-orders")).not.toHaveText("0");
  await expect(page.getByTestId("month-sales")).toContainText("¥");
  await expect(page.getByTestId("month-chart").locator("rect")).toHaveCount(6);
  expect(problems).toEqual([]);
});
