import { expect } from "@playwright/test";
import { settled, signIn, test } from "./support";

test("平台 › 运营人员: invite an operator by mail, disable and reinstate them", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "operator@example.com");
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/platform/operators");
  await settled(page, testInfo);
  const main = page.locator("main");
  await expect(main.getByRole("heading", { name: "运营人员", level: 1 })).toBeVisible();
  const table = page.getByTestId("operators");
  const self = table.getByRole("row").filter({ hasText: "operator@example.com" });
  await expect(self).toContainText("在用");
  await expect(self).toContainText("当前账号");

  // A provider's member is refused next to the field, the address kept.
  await main.getByText("邀请运营人员", { exact: true }).first().click();
  const email = main.locator("input[name=email]");
  await email.fill("aku@example.com");
  await main.getByRole("button", { name: "发送邀请邮件" }).click();
  await expect(main.getByText("该邮箱是服务提供商的成员，不能成为运营人员")).toBeVisible();
  await expect(main.locator("input[name=email]")).toHaveValue("aku@example.com");

  const address = `ops-${testInfo.project.name}-${Date.now()}@example.com`;
  await main.locator("input[name=email]").fill(address);
  await main.getByRole("button", { name: "发送邀请邮件" }).click();
  await expect(main.getByText("邀请已发送", { exact: true })).toBeVisible();
  const invited = table.getByRole("row").filter({ hasText: address });
  await expect(invited).toContainText("待激活");

  // 停用 asks first, then takes the access away; 恢复 gives it back.
  await invited.getByText("停用", { exact: true }).click();
  await invited.getByRole("button", { name: "确定停用" }).click();
  await expect(invited).toContainText("已停用");
  await invited.getByRole("button", { name: "恢复" }).click();
  await expect(invited).toContainText("待激活");

  // The search finds them by a part of the address, case-blind; nothing found says so.
  await main.getByLabel("邮箱或姓名").fill(address.split("@")[0].toUpperCase());
  await main.getByRole("button", { name: "搜索", exact: true }).click();
  await expect(page).toHaveURL(/[?&]q=OPS-/);
  await settled(page, testInfo);
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table).toContainText(address);
  await expect(page.getByRole("navigation", { name: "分页" })).toContainText("共 1 条");
  await main.getByLabel("邮箱或姓名").fill("nobody-by-this-name");
  await main.getByRole("button", { name: "搜索", exact: true }).click();
  await expect(main.getByText("没有符合条件的运营人员")).toBeVisible();
  await expect(main.getByLabel("邮箱或姓名")).toHaveValue("nobody-by-this-name");
});
