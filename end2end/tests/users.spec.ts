import { expect, type Page, type TestInfo } from "@playwright/test";
import { mailedLink, session, settled, signIn, watchConsole, PASSWORD, test } from "./support";

const seen = new Set<string>();

async function openDialog(page: Page, title: string) {
  await page.locator("summary", { hasText: title }).click();
}

/** 蓝云's admin invites, disables, enables and hands the admin role over and back, so the
 * next project finds 蓝云 as it was. */
test("invite → mail → activate → sign in → disable ends the session → enable → transfer admin", async ({ page, browser }, testInfo: TestInfo) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  const mode = testInfo.project.use.javaScriptEnabled === false ? "ssr" : "hydrate";
  const email = `member-${mode}-${process.env.DATABASE_LABEL ?? "sqlite"}@example.com`;
  const name = `成员${mode}`;
  const password = "Saffron-Meadow-Beacon-64";

  await signIn(page, testInfo, "enjian@example.com");
  await expect(page.getByTestId("current-provider")).toHaveText("蓝云");
  await page.goto("/users");
  await settled(page, testInfo);
  await openDialog(page, "邀请用户");
  await page.locator("input[name=email]").fill("aku@example.com");
  await page.getByRole("button", { name: "发送邀请邮件" }).click();
  await expect(page.getByText("该邮箱已是本服务提供商的成员")).toBeVisible();
  await page.locator("input[name=email]").fill(email);
  await page.getByRole("button", { name: "发送邀请邮件" }).click();
  const row = page.locator(`tr[data-email="${email}"]`);
  await expect(row).toContainText("待激活");

  // The invitation of §5.1.3, activated in another browser.
  const link = await mailedLink(email, "/activate/", seen);
  const other = await browser.newContext({ javaScriptEnabled: testInfo.project.use.javaScriptEnabled });
  const member = await other.newPage();
  await member.goto(link);
  await settled(member, testInfo);
  await member.getByLabel("名称").fill(name);
  await member.getByLabel("密码", { exact: true }).fill(password);
  await member.getByLabel("确认密码").fill(password);
  await member.getByRole("button", { name: "激活" }).click();
  await expect(member.getByText("账号已激活，请登录")).toBeVisible();
  await signIn(member, testInfo, email, password);
  await expect(member.getByTestId("current-provider")).toHaveText("蓝云");

  // 禁用: their session ends at once; 启用 lets them back in.
  await page.goto("/users");
  await settled(page, testInfo);
  await expect(row).toContainText("✔");
  await page.getByRole("checkbox", { name: email }).check();
  // A bulk 禁用 asks first.
  await page.locator("summary", { hasText: /^禁用$/ }).click();
  await expect(page.getByText("确定禁用所选用户吗？")).toBeVisible();
  await expect(row).not.toContainText("已禁用");
  await page.getByRole("button", { name: "确认禁用" }).click();
  await expect(row).toContainText("已禁用");
  await member.goto("/orders");
  await expect(member).toHaveURL(/\/login\?next=/);
  await page.getByRole("checkbox", { name: email }).check();
  await page.getByRole("button", { name: "启用", exact: true }).click();
  await expect(row).not.toContainText("已禁用");
  await signIn(member, testInfo, email, password);
  await expect(member.getByTestId("current-provider")).toHaveText("蓝云");

  // 转移管理员 (§5.1.4): a wrong password is refused; then exactly one admin, the other way round.
  await openDialog(page, "转移管理员");
  await page.getByLabel("新管理员").selectOption({ label: `${email} ${name}` });
  await page.getByLabel("您的密码").fill("not-my-password");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("密码不正确")).toBeVisible();
  // The refused form comes back open (JavaScript on: it never closed).
  await page.getByLabel("新管理员").selectOption({ label: `${email} ${name}` });
  await page.locator("input[name=password]").fill(PASSWORD);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(row).toContainText("管理员");
  await expect(page.locator('tr[data-email="enjian@example.com"]')).toContainText("协同管理员");
  await expect(page.locator("summary", { hasText: "转移管理员" })).toHaveCount(0);

  // The new admin hands it back.
  await member.goto("/users");
  await settled(member, testInfo);
  await openDialog(member, "转移管理员");
  await member.getByLabel("新管理员").selectOption({ label: "enjian@example.com enjian" });
  await member.getByLabel("您的密码").fill(password);
  await member.getByRole("button", { name: "保存" }).click();
  await expect(member.locator(`tr[data-email="${email}"]`)).toContainText("协同管理员");
  await expect(member.locator('tr[data-email="enjian@example.com"]')).not.toContainText("协同管理员");
  await other.close();

  // Everything above is in the 操作日志.
  await page.goto("/audit?action=admin_transferred");
  await expect(page.getByTestId("audit-log")).toContainText(email);
  await expect(page.getByTestId("audit-log")).toContainText("转移管理员");
  expect(problems).toEqual([]);
});

/** 撤销邀请 and 退出其他所有设备 ask before they act: nothing happens until confirmed. */
test("revoking an invitation and signing out the other devices ask first", async ({ page, browser }, testInfo: TestInfo) => {
  const problems = watchConsole(page);
  const mode = testInfo.project.use.javaScriptEnabled === false ? "ssr" : "hydrate";
  const email = `revoked-${mode}-${process.env.DATABASE_LABEL ?? "sqlite"}@example.com`;
  await signIn(page, testInfo, "enjian@example.com");
  await expect(page.getByTestId("current-provider")).toHaveText("蓝云");
  const elsewhere = await session(browser, testInfo, "enjian@example.com");

  await page.goto("/users");
  await settled(page, testInfo);
  await openDialog(page, "邀请用户");
  await page.locator("input[name=email]").fill(email);
  await page.getByRole("button", { name: "发送邀请邮件" }).click();
  const row = page.locator(`tr[data-email="${email}"]`);
  await expect(row).toContainText("待激活");
  await row.getByRole("link", { name: "编辑" }).click();
  await settled(page, testInfo);
  await page.locator("summary", { hasText: "撤销邀请" }).click();
  await expect(page.getByText("确定撤销此邀请吗？邀请链接将立即失效。")).toBeVisible();
  await page.getByRole("button", { name: "确认撤销" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(row).toHaveCount(0);

  await page.goto("/account/sessions");
  await settled(page, testInfo);
  const sessions = page.getByTestId("sessions").locator("tbody tr");
  expect(await sessions.count()).toBeGreaterThan(1);
  await page.locator("summary", { hasText: "退出其他所有设备" }).click();
  await expect(page.getByText("确定退出其他所有设备吗？")).toBeVisible();
  await page.getByRole("button", { name: "确认退出" }).click();
  await expect(sessions).toHaveCount(1);
  await elsewhere.goto("/orders");
  await expect(elsewhere).toHaveURL(/\/login\?next=/);
  expect(problems).toEqual([]);
});
