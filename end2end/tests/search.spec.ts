import { expect } from "@playwright/test";
import { session, settled, watchConsole, test } from "./support";

// 基础搜索 (§2.5): the top bar's box, a plain GET form, JS on and off.

test("a provider finds its own work order from the top bar and opens it", async ({ browser }, testInfo) => {
  const page = await session(browser, testInfo, "aku@example.com");
  const problems = watchConsole(page);
  await settled(page, testInfo);
  const box = page.getByRole("search").getByRole("searchbox", { name: "全站搜索" });
  if (testInfo.project.use.javaScriptEnabled !== false) {
    // `/` anywhere outside a field goes to the box.
    await page.locator("h1").click();
    await page.keyboard.press("/");
    await expect(box).toBeFocused();
    await page.keyboard.type("20190927070759188");
    await expect(box).toHaveValue("20190927070759188");
  } else {
    await box.fill("20190927070759188");
  }
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=20190927070759188$/);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { name: "搜索", level: 1 })).toBeVisible();
  // The keyword stays in the results page's own box.
  await expect(page.getByTestId("search-form").locator("input[name=q]")).toHaveValue("20190927070759188");
  const workOrders = page.getByRole("region", { name: "服务工单" });
  await expect(workOrders.getByRole("listitem")).toHaveCount(1);
  await expect(workOrders.getByRole("listitem")).toContainText("MSP绑定测试");
  // Each hit is a link: the keyboard reaches and opens it like any other.
  const hit = workOrders.getByRole("link", { name: "20190927070759188" });
  await hit.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/orders\/20190927070759188$/);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { name: /20190927070759188/ })).toBeVisible();
  // And back to the results.
  await page.goBack();
  await expect(page.getByRole("region", { name: "服务工单" })).toBeVisible();

  // Another kind, by part of its name.
  await page.goto("/search?q=xixuan");
  await settled(page, testInfo);
  const items = page.getByRole("region", { name: "服务项" });
  await expect(items.getByRole("link", { name: "xixuan测试服务" })).toBeVisible();
  await expect(page.getByRole("region", { name: "服务工单" })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("nothing found, and a keyword too long, say so next to the box", async ({ browser }, testInfo) => {
  const page = await session(browser, testInfo, "enjian@example.com");
  await page.goto("/search");
  await settled(page, testInfo);
  await expect(page.getByTestId("search-empty-keyword")).toBeVisible();
  const form = page.getByTestId("search-form");
  // Another provider's work order is not found: 蓝云 has no such number.
  await form.locator("input[name=q]").fill("20190927070759188");
  await form.getByRole("button", { name: "搜索" }).click();
  await settled(page, testInfo);
  await expect(page.getByTestId("search-nothing")).toContainText("没有找到与“20190927070759188”相关的结果");

  const long = "迁".repeat(101);
  await page.goto(`/search?q=${encodeURIComponent(long)}`);
  await settled(page, testInfo);
  await expect(page.getByTestId("search-form").getByRole("alert")).toHaveText("关键词最多 100 个字符");
  await expect(page.getByTestId("search-form").locator("input[name=q]")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("search-form").locator("input[name=q]")).toHaveValue(long);
});

test("an operator searches across providers from the platform's top bar", async ({ browser }, testInfo) => {
  const page = await session(browser, testInfo, "operator@example.com");
  await settled(page, testInfo);
  const box = page.getByRole("search").getByRole("searchbox", { name: "全站搜索" });
  await box.fill("20190927070759188");
  await box.press("Enter");
  await expect(page).toHaveURL(/\/platform\/search\?q=20190927070759188$/);
  await settled(page, testInfo);
  const workOrders = page.getByRole("region", { name: "服务工单" });
  // Whose it is, named on the hit; the platform's list opens on it.
  await expect(workOrders.getByRole("listitem")).toContainText("MSP-A_TEST1");
  await workOrders.getByRole("link", { name: "20190927070759188" }).click();
  await expect(page).toHaveURL(/\/platform\/orders\?q=20190927070759188$/);
  await settled(page, testInfo);
  await expect(page.getByRole("cell", { name: "20190927070759188" })).toBeVisible();
});
