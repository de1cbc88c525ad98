import { expect } from "@playwright/test";
import { settled, signIn, watchConsole, test } from "./support";

test("sign in, home, collapse the navigation, switch provider, sign out", async ({ page }, testInfo) => {
  const problems = watchConsole(page);

  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, testInfo, "aku@example.com");
  await expect(page).toHaveURL(/\/$/);
  await settled(page, testInfo);
  await expect(page.getByTestId("home-provider")).toHaveText("MSP-A_TEST1");
  await expect(page.getByRole("heading", { name: "后台首页" })).toBeVisible();
  const shot = testInfo.outputPath("home.png");
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach("home", { path: shot, contentType: "image/png" });

  // The hamburger collapses the left navigation to its icons (§2.5.2).
  const nav = page.locator("nav.sidenav");
  const wide = (await nav.boundingBox())!.width;
  // The choice is remembered across page loads and rendered so by the server: set by the
  // page's script with JavaScript, by the hamburger's form posted to the server without.
  const hamburger = page.getByRole("button", { name: "缩进导航" });
  const posted: string[] = [];
  page.on("request", (r) => r.url().endsWith("/nav") && posted.push(r.method()));
  await expect(hamburger).toHaveAttribute("aria-pressed", "false");
  await hamburger.click();
  await expect.poll(async () => (await nav.boundingBox())!.width).toBeLessThan(wide / 2);
  await expect(nav.getByText("服务工单")).toBeHidden();
  await expect(hamburger).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await settled(page, testInfo);
  await expect(nav.getByText("服务工单")).toBeHidden();
  await expect(page.locator(".app")).toHaveAttribute("data-nav", "collapsed");
  // By keyboard too.
  await hamburger.focus();
  await page.keyboard.press("Enter");
  await expect(nav.getByText("服务工单")).toBeVisible();
  await page.reload();
  await settled(page, testInfo);
  await expect(nav.getByText("服务工单")).toBeVisible();
  await expect(hamburger).toHaveAttribute("aria-pressed", "false");
  // With JavaScript the page's script toggles in place; without, each click is a form post.
  expect(posted).toEqual(testInfo.project.use.javaScriptEnabled === false ? ["POST", "POST"] : []);

  // The logo leads home from anywhere (§2.5.1).
  await nav.getByRole("link", { name: "分账管理" }).click();
  await expect(page).toHaveURL(/\/bills$/);
  await expect(page.getByRole("heading", { name: "平台账单" })).toBeVisible();
  await page.locator("a.logo").click();
  await expect(page.getByTestId("home-provider")).toHaveText("MSP-A_TEST1");

  // User menu → 服务提供商 → pick → 切换 (§2.3.1).
  await page.getByTestId("user-menu").click();
  await page.getByLabel("服务提供商").selectOption({ label: "蓝云" });
  await page.getByRole("button", { name: "切换" }).click();
  await expect(page.getByTestId("home-provider")).toHaveText("蓝云");
  await expect(page.getByTestId("current-provider")).toHaveText("蓝云");
  await settled(page, testInfo);

  // 注销 returns to the login page, and the session is gone (§2.3.2).
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "注销" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);

  expect(problems).toEqual([]);
});

test("a wrong password is refused with the email kept", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "aku@example.com", "wrong-password");
  await expect(page.getByRole("alert")).toHaveText("邮箱或密码错误");
  await expect(page.getByLabel("邮箱", { exact: true })).toHaveValue("aku@example.com");
  await expect(page.getByLabel("密码", { exact: true })).toHaveValue("");
});

test("English on switch, and provider users are kept out of the platform", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "305102247@example.com");
  await expect(page.getByTestId("home-provider")).toHaveText("MSP-A_TEST1");
  await settled(page, testInfo);
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Home" })).toBeVisible();
  await expect(page.getByText("My role")).toBeVisible();

  const forbidden = await page.goto("/platform");
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByText("You do not have access to this page")).toBeVisible();
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByText("Page not found")).toBeVisible();

  await page.getByRole("link", { name: "中文" }).click();
  await expect(page.getByText("页面不存在")).toBeVisible();
});

test("the platform operator lands in the platform realm", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "operator@example.com");
  await expect(page).toHaveURL(/\/platform$/);
  await expect(page.getByRole("cell", { name: "MSP-A_TEST1" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "蓝云" })).toBeVisible();
  const forbidden = await page.goto("/");
  expect(forbidden?.status()).toBe(403);
});

test("a tab of an older build reloads instead of calling the server", async ({ page }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "plain forms name no build");
  await signIn(page, testInfo, "aku@example.com");
  await expect(page).toHaveURL(/\/$/);
  await settled(page, testInfo);
  // As after a deploy: every server function call of this tab names another build.
  await page.route("**/api/**", (route) =>
    route.continue({ headers: { ...route.request().headers(), "x-bundle": "0000000000000000" } }),
  );
  await page.evaluate(() => ((window as unknown as { olderTab?: boolean }).olderTab = true));
  const reloaded = page.waitForEvent("load");
  await page.locator("nav.sidenav").getByRole("link", { name: "分账管理" }).click();
  await reloaded;
  expect(await page.evaluate(() => (window as unknown as { olderTab?: boolean }).olderTab)).toBeUndefined();
  await page.unroute("**/api/**");
  await expect(page.getByRole("heading", { name: "平台账单" })).toBeVisible();
});

test("the document title never goes blank, on a load or between two pages", async ({ page }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "without JavaScript the server's title stays");
  // A title that is still blank when the next task runs is one the tab, a screen reader or
  // axe can see; a blank set and mended within one task is not.
  await page.addInitScript(() => {
    const blanks: string[] = [];
    (window as unknown as { blanks: string[] }).blanks = blanks;
    new MutationObserver(() => {
      if (document.readyState === "loading" || document.title !== "") return;
      setTimeout(() => document.title === "" && blanks.push(location.pathname), 0);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const blanks = () => page.evaluate(() => (window as unknown as { blanks: string[] }).blanks);
  await signIn(page, testInfo, "aku@example.com");
  await expect(page).toHaveURL(/\/$/);
  for (const path of ["/", "/orders", "/bills", "/tiers"]) {
    await page.goto(path);
    await settled(page, testInfo);
    await expect(page).toHaveTitle(/ · 服务提供商中心$/);
    expect(await blanks(), path).toEqual([]);
  }
  // Between two pages, while the next one's data is on its way (another route, or the same
  // list sorted anew), the title stays.
  await page.route("**/api/**", async (route) => {
    await new Promise((wait) => setTimeout(wait, 400));
    await route.continue();
  });
  await page.locator("nav.sidenav").getByRole("link", { name: "服务工单" }).click();
  await expect(page).toHaveTitle("服务工单 · 服务提供商中心");
  await page.getByRole("columnheader", { name: "总价(含税)" }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=/);
  await expect(page.getByRole("columnheader", { name: "总价(含税)" })).toHaveAttribute("aria-sort", /ascending|descending/);
  await expect(page).toHaveTitle("服务工单 · 服务提供商中心");
  // A detail page names itself only once its data is there: until then the portal's name.
  await page.getByRole("link", { name: "详情" }).first().click();
  await expect(page).toHaveTitle(/^服务工单 \d+ · 服务提供商中心$/);
  expect(await blanks(), "client-side navigation").toEqual([]);
});
