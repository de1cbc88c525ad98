import { expect } from "@playwright/test";
import { mailedAcceptanceLink, settled, signIn, watchConsole, test } from "./support";

// Each project on its own work order under way (stage 1 in progress in the demo).
const target = (project: string) =>
  project.startsWith("hydrate") ? "20190927070759188" : "2019062603314338";

test("the customer accepts stages by the emailed link until the work order is complete", async ({ page }, testInfo) => {
  // The longest walk of the suite: every stage delivered, mailed and answered through maildev.
  // Without JavaScript it took 34 s of the default 30 on PostgreSQL and timed out on SQLite
  // while both suites ran side by side on two cores.
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  const no = target(testInfo.project.name);
  const seen = new Set<string>();
  await signIn(page, testInfo, "aku@example.com");
  await expect(page.getByTestId("home-provider")).toHaveText("MSP-A_TEST1");
  await page.goto(`/orders/${no}`);
  await settled(page, testInfo);
  const stages = page.getByTestId("milestones").locator("tbody tr");
  await expect(stages).toHaveCount(1);

  // Plan a second stage, then submit the first for acceptance.
  await page.getByText("新增阶段", { exact: true }).click();
  const form = page.locator('form[data-form="milestone-new"]');
  await form.locator("input[name=period_start]").fill("2019-11-01");
  await form.locator("textarea[name=standard]").fill("上线验收");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(stages).toHaveCount(2);

  // Evidence for the first stage: a PDF, checked by its content.
  await stages.nth(0).getByText("上传交付物", { exact: true }).first().click();
  await stages.nth(0).locator("input[type=file]").setInputFiles({
    name: "验收报告.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7 acceptance report"),
  });
  await stages.nth(0).getByRole("button", { name: "上传交付物" }).click();
  await expect(stages.nth(0).getByRole("link", { name: "验收报告.pdf" })).toBeVisible();
  await settled(page, testInfo);
  await stages.nth(0).getByRole("button", { name: "提交验收" }).click();
  await expect(stages.nth(0)).toContainText("待验收");
  await expect(stages.nth(0).getByTestId("stage-deadline")).toContainText(/剩余 (6 天 23|7 天 0) 小时/);

  // The customer opens the mailed link: no account, the deadline counting down.
  await page.goto(await mailedAcceptanceLink(no, seen));
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { name: "交付验收" })).toBeVisible();
  await expect(page.getByTestId("acceptance-remaining")).toContainText("剩余");
  await expect(page.getByRole("link", { name: "验收报告.pdf" })).toBeVisible();
  await page.getByRole("button", { name: "验收通过" }).click();
  await expect(page.getByTestId("acceptance-state")).toHaveText("您已验收通过此阶段，谢谢！");

  await page.goto(`/orders/${no}`);
  await settled(page, testInfo);
  await expect(page.getByTestId("work-order-status")).toHaveText("部分验收");

  // The second stage: started, submitted, first rejected with a reason, then accepted.
  await stages.nth(1).getByRole("button", { name: "开始" }).click();
  await expect(stages.nth(1)).toContainText("进行中");
  await stages.nth(1).getByRole("button", { name: "提交验收" }).click();
  await expect(stages.nth(1)).toContainText("待验收");
  await page.goto(await mailedAcceptanceLink(no, seen));
  await settled(page, testInfo);
  await page.getByRole("button", { name: "驳回" }).click();
  await expect(page.getByText("此项为必填项")).toBeVisible();
  await page.getByLabel("驳回原因").fill("缺少上线报告");
  await page.getByRole("button", { name: "驳回" }).click();
  await expect(page.getByTestId("acceptance-state")).toContainText("您已驳回此阶段");

  await page.goto(`/orders/${no}`);
  await settled(page, testInfo);
  await expect(stages.nth(1)).toContainText("缺少上线报告");
  await stages.nth(1).getByRole("button", { name: "提交验收" }).click();
  await expect(stages.nth(1)).toContainText("待验收");
  await page.goto(await mailedAcceptanceLink(no, seen));
  await settled(page, testInfo);
  await page.getByRole("button", { name: "验收通过" }).click();
  await expect(page.getByTestId("acceptance-state")).toHaveText("您已验收通过此阶段，谢谢！");

  await page.goto(`/orders/${no}`);
  await expect(page.getByTestId("work-order-status")).toHaveText("已完成");
  await expect(page.getByTestId("history")).toContainText("客户验收驳回");
  expect(problems).toEqual([]);
});

// Each project on its own work order whose stage 1 awaits acceptance in the demo.
const awaiting = (project: string) =>
  project.startsWith("hydrate") ? "20190925063614217" : "20191205071325781";

test("the provider sends a stage for acceptance again and the old link dies", async ({ page }, testInfo) => {
  const problems = watchConsole(page);
  const no = awaiting(testInfo.project.name);
  const seen = new Set<string>();
  await signIn(page, testInfo, "aku@example.com");
  await expect(page.getByTestId("home-provider")).toHaveText("MSP-A_TEST1");
  const stage = page.getByTestId("milestones").locator("tbody tr").first();
  const resend = async () => {
    await page.goto(`/orders/${no}`);
    await settled(page, testInfo);
    await expect(stage).toContainText("待验收");
    await stage.getByRole("button", { name: "重新发送验收" }).click();
    await expect(stage.getByTestId("stage-deadline")).toContainText(/剩余 (6 天 23|7 天 0) 小时/);
    return mailedAcceptanceLink(no, seen);
  };
  const first = await resend();
  const second = await resend();
  expect(second).not.toBe(first);
  await expect(page.getByTestId("history")).toContainText("重新发送验收");

  // The first link answers nothing now; the newest one is open.
  await page.goto(first);
  await settled(page, testInfo);
  await expect(page.getByTestId("acceptance-state")).toContainText("此验收链接已失效");
  await expect(page.getByRole("button", { name: "验收通过" })).toHaveCount(0);
  await page.goto(second);
  await settled(page, testInfo);
  await expect(page.getByRole("button", { name: "验收通过" })).toBeVisible();
  expect(problems).toEqual([]);
});
