import { expect } from "@playwright/test";
import { settled, signIn, watchConsole, test } from "./support";

test("every count on 后台首页 equals the list it links to", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  await signIn(page, testInfo, "aku@example.com");
  await expect(page).toHaveURL(/\/$/);
  await settled(page, testInfo);
  const links = page.getByTestId("attention").locator("a");
  const items: { href: string; count: number; overdue: boolean }[] = [];
  for (const link of await links.all()) {
    items.push({
      href: (await link.getAttribute("href"))!,
      count: Number(await link.locator(".attention-count").textContent()),
      // Overdue stages open the work orders with a stage to accept, among which they are.
      overdue: ((await link.textContent()) ?? "").includes("验收已逾期的阶段"),
    });
  }
  expect(items.length).toBe(9);
  expect(items.filter((i) => i.overdue).length).toBe(1);
  expect(items.filter((i) => i.count > 0).length).toBeGreaterThanOrEqual(4);
  for (const { href, count, overdue } of items) {
    await page.goto(href);
    await settled(page, testInfo);
    // One page of each list holds them (15 rows, 10 for tickets).
    const size = href.startsWith("/tickets") ? 10 : 15;
    const rows = page.locator("table tbody tr");
    if (overdue) {
      if (count > 0) await expect(rows.first(), href).toBeVisible();
    } else {
      await expect(rows, href).toHaveCount(Math.min(count, size));
    }
  }
  // The month's figures for December 2019, the manual's busiest month.
  await page.goto("/?month=2019-12");
  await settled(page, testInfo);
  await expect(page.getByTestId("month-orders")).not.toHaveText("0");
  await expect(page.getByTestId("month-sales")).toContainText("¥");
  await expect(page.getByTestId("month-chart").locator("rect")).toHaveCount(6);
  expect(problems).toEqual([]);
});
