import { expect } from "@playwright/test";
import { settled, signIn, test } from "./support";

// 蓝云's admin: MSP-A_TEST1 keeps its details for the other specs.
const ADMIN = "enjian@example.com";

test("企业信息: the admin keeps the company's details; a bad field is refused next to it, nothing typed lost", async ({ page }, testInfo) => {
  await signIn(page, testInfo, ADMIN);
  await page.goto("/company");
  await settled(page, testInfo);
  const main = page.locator("main");
  await expect(main.getByRole("heading", { name: "企业信息", level: 1 })).toBeVisible();
  const form = page.getByTestId("company-form");
  await form.locator("input[name=responsible_person]").fill("沈经理");
  await form.locator("input[name=contact_name]").fill("财务部");
  await form.locator("input[name=contact_phone]").fill("call me");
  await form.locator("input[name=invoice_title]").fill("蓝云网络科技有限公司");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(form.getByText("请输入有效的电话号码")).toBeVisible();
  await expect(form.locator("input[name=invoice_title]")).toHaveValue("蓝云网络科技有限公司");
  await form.locator("input[name=contact_phone]").fill("021-5555-0100");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(main.getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
  await expect(form.locator("input[name=contact_phone]")).toHaveValue("021-5555-0100");
});

test("公司名称变更: the admin asks for a new name; the platform rejects it with a reason, which the admin reads", async ({ page, browser }, testInfo) => {
  await signIn(page, testInfo, ADMIN);
  await page.goto("/company");
  await settled(page, testInfo);
  const rename = page.getByTestId("company-rename");
  // A name another provider has is refused next to the field, what was typed kept.
  await rename.locator("input[name=new_name]").fill("MSP-A_TEST1");
  await rename.getByRole("button", { name: "提交变更申请" }).click();
  await expect(rename.getByText("该公司名称已注册或正在审核")).toBeVisible();
  await expect(rename.locator("input[name=new_name]")).toHaveValue("MSP-A_TEST1");
  const wanted = `蓝云数字 ${testInfo.project.name}`;
  await rename.locator("input[name=new_name]").fill(wanted);
  await rename.getByRole("button", { name: "提交变更申请" }).click();
  await expect(page.getByTestId("rename-standing")).toContainText("待审核");
  await expect(page.getByTestId("rename-standing")).toContainText(wanted);
  await expect(page.getByTestId("company-name")).toHaveText("蓝云");
  await expect(page.getByTestId("rename-form")).toHaveCount(0);

  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: "zh-CN",
  });
  const platform = await context.newPage();
  await signIn(platform, testInfo, "operator@example.com");
  await platform.goto("/platform/providers");
  await settled(platform, testInfo);
  const queue = platform.getByTestId("pending-renames");
  await expect(queue).toContainText(wanted);
  await queue.getByRole("link", { name: "蓝云" }).click();
  await settled(platform, testInfo);
  const review = platform.getByTestId("rename-review");
  await expect(review).toContainText(wanted);
  // A rejection needs its reason.
  await review.getByRole("button", { name: "驳回" }).click();
  await expect(review.getByText("此项为必填项")).toBeVisible();
  await review.locator("textarea[name=reason]").fill("与营业执照上的名称不符");
  await review.getByRole("button", { name: "驳回" }).click();
  await expect(platform.getByTestId("rename-status")).toContainText("已驳回");
  await context.close();

  await page.goto("/company");
  await settled(page, testInfo);
  await expect(page.getByTestId("rename-standing")).toContainText("已驳回");
  await expect(page.getByTestId("rename-standing")).toContainText("与营业执照上的名称不符");
  // Rejected, the admin may ask again.
  await expect(page.getByTestId("rename-form")).toBeVisible();
});

test("付款方 is the platform's setting: refused blank next to the field, and the demo bill names it", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "operator@example.com");
  await page.goto("/platform/settings");
  await settled(page, testInfo);
  const form = page.getByTestId("payer-form");
  await expect(form.locator("input[name=payer_name]")).toHaveValue("上海蓝云网络科技有限公司");
  await form.locator("input[name=payer_name]").fill("");
  await form.locator("input[name=payer_contact]").fill("finance@platform.example");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(form.getByText("此项为必填项")).toBeVisible();
  await expect(form.locator("input[name=payer_contact]")).toHaveValue("finance@platform.example");
  // Saved as it was: the other specs' bills name the demo's payer.
  await form.locator("input[name=payer_name]").fill("上海蓝云网络科技有限公司");
  await form.locator("input[name=payer_contact]").fill("billing@example.com");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(form.locator("input[name=payer_name]")).toHaveValue("上海蓝云网络科技有限公司");
  await page.goto("/platform/bills/201911010001");
  await settled(page, testInfo);
  await expect(page.getByTestId("bill-payer")).toHaveText("上海蓝云网络科技有限公司");
  await expect(page.getByTestId("bill-receiver")).toBeVisible();
});
