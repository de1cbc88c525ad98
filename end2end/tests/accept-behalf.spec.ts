import { expect } from "@playwright/test";
import { mailedAcceptanceLink, session, settled, signIn, watchConsole, test } from "./support";

// Each project on its own work order 部分验收 in the demo: stage 1 accepted, stage 2 in progress.
const target = (project: string) =>
  project.startsWith("hydrate") ? "20190929101934120" : "20190927083159546";

test("the platform accepts a stage on the customer's behalf with a reason and evidence", async ({ page, browser }, testInfo) => {
  test.setTimeout(60_000);
  const problems = watchConsole(page);
  const no = target(testInfo.project.name);
  const seen = new Set<string>();
  await signIn(page, testInfo, "aku@example.com");
  await expect(page.getByTestId("home-provider")).toHaveText("MSP-A_TEST1");
  await page.goto(`/orders/${no}`);
  await settled(page, testInfo);
  const stage = page.getByTestId("milestones").locator("tbody tr").nth(1);
  // The stage's id, from its evidence form (`/orders/<no>/milestones/<id>/files`).
  const upload = await stage.locator("form[action*='/milestones/']").first().getAttribute("action");
  const id = upload!.split("/")[4];
  await stage.getByRole("button", { name: "提交验收" }).click();
  await expect(stage).toContainText("待验收");
  const link = await mailedAcceptanceLink(no, seen);

  // The operator opens the stage awaiting the customer.
  const platform = await session(browser, testInfo, "operator@example.com");
  await platform.goto(`/platform/stages/${id}/accept`);
  await settled(platform, testInfo);
  await expect(platform.getByRole("heading", { name: "代客户验收", level: 1 })).toBeVisible();
  await expect(platform.getByTestId("on-behalf-stage")).toContainText(no);
  await expect(platform.getByTestId("on-behalf-status")).toHaveText("待验收");
  const form = platform.getByTestId("on-behalf-form");

  // Without evidence: refused next to the field, the reason kept.
  await form.locator("textarea[name=reason]").fill("客户邮件确认验收");
  await form.getByRole("button", { name: "确认代客户验收" }).click();
  await expect(platform.getByTestId("on-behalf-form").getByText("此项为必填项")).toBeVisible();
  await expect(platform.locator("textarea[name=reason]")).toHaveValue("客户邮件确认验收");

  // With the customer's mail as a PDF: accepted, exactly as the customer would have.
  await platform.locator("input[name=file]").setInputFiles({
    name: "客户确认.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7 customer mail"),
  });
  await platform.getByRole("button", { name: "确认代客户验收" }).click();
  await expect(platform.getByTestId("on-behalf-done")).toBeVisible();
  await expect(platform.getByTestId("on-behalf-status")).toHaveText("已验收");
  // On to the work order as the platform sees it: complete, the stage accepted.
  await platform.getByTestId("on-behalf-work-order").click();
  await expect(platform).toHaveURL(new RegExp(`/platform/orders/${no}$`));
  await expect(platform.getByRole("heading", { level: 1 })).toContainText(no);

  // The customer's link is dead and says who accepted.
  await page.goto(link);
  await settled(page, testInfo);
  await expect(page.getByTestId("acceptance-state")).toContainText("平台已根据您的确认代您验收");
  await expect(page.getByRole("button", { name: "验收通过" })).toHaveCount(0);

  // The provider sees the work order complete, the history naming the platform's acceptance,
  // and downloads the evidence from it.
  await page.goto(`/orders/${no}`);
  await settled(page, testInfo);
  await expect(page.getByTestId("work-order-status")).toHaveText("已完成");
  const history = page.getByTestId("history");
  await expect(history).toContainText("平台代客户验收");
  await expect(history).toContainText("客户邮件确认验收");
  const evidence = history.getByTestId("acceptance-evidence");
  await expect(evidence).toHaveText("客户确认.pdf");
  const response = await page.request.get((await evidence.getAttribute("href"))!);
  expect(response.status()).toBe(200);
  expect(await response.text()).toBe("%PDF-1.7 customer mail");
  expect(problems).toEqual([]);
  await platform.context().close();
});

test("平台 › 平台设置: auto-acceptance is off by default and takes 1 to 90 days", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  await signIn(page, testInfo, "operator@example.com");
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/platform/settings");
  await settled(page, testInfo);
  const main = page.locator("main");
  await expect(main.getByRole("heading", { name: "平台设置", level: 1 })).toBeVisible();
  await expect(page.getByTestId("auto-accept-state")).toHaveText("当前：关闭");
  // 自动验收's own form (付款方 has its own 保存 below it).
  const form = main.locator("form[data-form=platform-settings]");

  // Out of range: refused next to the field, what was typed kept.
  await main.getByLabel("开启自动验收").check();
  await main.locator("input[name=days]").fill("120");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(main.getByText("请输入 1 到 90 之间的整数天数")).toBeVisible();
  await expect(main.locator("input[name=days]")).toHaveValue("120");

  await main.locator("input[name=days]").fill("90");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(page.getByTestId("auto-accept-state")).toHaveText("当前：客户 90 天未答复即自动验收");

  // Off again (the other specs expect the default).
  await main.getByLabel("开启自动验收").uncheck();
  await form.getByRole("button", { name: "保存" }).click();
  await expect(page.getByTestId("auto-accept-state")).toHaveText("当前：关闭");
  expect(problems).toEqual([]);
});
