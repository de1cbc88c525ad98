import { expect } from "@playwright/test";
import { settled, signIn, test } from "./support";

test("平台 › 服务提供商: find a provider, suspend it with a reason, its admin is refused, reinstate it", async ({ page, browser }, testInfo) => {
  await signIn(page, testInfo, "operator@example.com");
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/platform/providers");
  await settled(page, testInfo);
  const main = page.locator("main");
  await expect(main.getByRole("heading", { name: "服务提供商", level: 1 })).toBeVisible();

  // Search by a part of the name: the query stays in the URL (a working back button).
  await main.getByRole("searchbox").fill("蓝");
  await main.getByRole("button", { name: "搜索", exact: true }).click();
  await expect(page).toHaveURL(/q=/);
  const table = page.getByTestId("providers");
  await expect(table.getByRole("row")).toHaveCount(2);
  await table.getByRole("link", { name: "蓝云" }).click();
  await settled(page, testInfo);
  await expect(main.getByRole("heading", { name: "蓝云", level: 1 })).toBeVisible();
  await expect(page.getByTestId("provider-members")).toContainText("enjian@example.com");
  await expect(page.getByTestId("provider-state")).toHaveText("正常");

  // Without a reason the form refuses next to the field.
  const form = page.getByTestId("suspend-provider");
  await form.locator("summary").click();
  await form.getByRole("button", { name: "确定暂停" }).click();
  await expect(form.getByText("此项为必填项")).toBeVisible();
  await form.locator("textarea[name=reason]").fill("资质材料过期，待补充");
  // Without JavaScript the refusal was a new page, its question closed again.
  const confirm = form.getByRole("button", { name: "确定暂停" });
  if (!(await confirm.isVisible())) await form.locator("summary").click();
  await confirm.click();
  await expect(page.getByTestId("provider-state")).toHaveText("已暂停");
  await expect(page.getByTestId("suspended")).toContainText("资质材料过期，待补充");

  try {
    // Its admin is told at sign-in.
    const context = await browser.newContext({
      baseURL: testInfo.project.use.baseURL,
      javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
      locale: "zh-CN",
    });
    const admin = await context.newPage();
    await signIn(admin, testInfo, "enjian@example.com");
    await expect(admin).toHaveURL(/\/login/);
    await expect(admin.getByText("您所属的服务提供商已被平台暂停，暂时无法登录。", { exact: false })).toBeVisible();
    await context.close();
  } finally {
    await page.getByTestId("reinstate-provider").getByRole("button", { name: "恢复服务提供商" }).click();
  }
  await expect(page.getByTestId("provider-state")).toHaveText("正常");
});
