import { expect, type Page } from "@playwright/test";
import { settled, signIn, test } from "./support";

const TOKEN = process.env.PLATFORM_API_TOKEN ?? "e2e-intake-token";
const MAILDEV = process.env.MAILDEV_URL ?? "http://127.0.0.1:1180";

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "注销" }).click();
}

test("the platform re-dispatches a declined work order and cancels another with a reason", async ({ page, request }, testInfo) => {
  // Two operators' sessions, two providers and mails: 40 s under CI's load.
  test.setTimeout(90_000);
  // Numbers of its own per project: the same run goes once with JavaScript, once without.
  const orderNo = testInfo.project.name.startsWith("hydrate") ? "202612010101" : "202612010201";
  const declined = `${orderNo}1`;
  const cancelled = `${orderNo}2`;
  const created = await request.post("/api/v1/orders", {
    headers: { Authorization: `Bearer ${TOKEN}` },
    data: {
      order_no: orderNo,
      buyer_company: "TestCompany-L",
      contact_email: "buyer@example.com",
      solution_name: "Product_L",
      solution_quantity: 1,
      paid: true,
      work_orders: [
        { work_order_no: declined, service_item_name: "部署服务", price: "100.00", tax_rate: "0", quantity: 1, currency: "CNY" },
        { work_order_no: cancelled, service_item_name: "迁移服务", price: "50.00", tax_rate: "0", quantity: 1, currency: "CNY" },
      ],
    },
  });
  expect(created.status()).toBe(201);

  // The platform dispatches both to MSP-A_TEST1.
  await signIn(page, testInfo, "operator@example.com");
  await expect(page).toHaveURL(/\/platform$/);
  const row = (no: string) => page.locator(`tr[data-work-order="${no}"]`);
  for (const no of [declined, cancelled]) {
    await page.goto(`/platform/orders?q=${no}`);
    await settled(page, testInfo);
    await expect(row(no)).toContainText("待接单");
    await row(no).getByLabel("服务提供商", { exact: true }).selectOption({ label: "MSP-A_TEST1" });
    await row(no).getByRole("button", { name: "分发", exact: true }).click();
    await expect(row(no)).toContainText("MSP-A_TEST1");
  }
  await signOut(page);

  // MSP-A_TEST1 declines the first.
  await signIn(page, testInfo, "aku@example.com");
  await page.goto(`/orders/${declined}`);
  await settled(page, testInfo);
  await page.getByText("拒绝", { exact: true }).click();
  await page.getByLabel("拒绝原因").fill("本月无实施资源");
  await page.getByRole("button", { name: "确认拒绝" }).click();
  await expect(page.getByTestId("work-order-status")).toHaveText("已拒绝");
  await signOut(page);

  // The platform sees why, and re-dispatches it: not to MSP-A_TEST1, which declined it.
  await signIn(page, testInfo, "operator@example.com");
  await expect(page).toHaveURL(/\/platform$/);
  await page.goto(`/platform/orders?q=${declined}`);
  await settled(page, testInfo);
  await expect(row(declined)).toContainText("已拒绝");
  await expect(row(declined)).toContainText("本月无实施资源");
  const picker = row(declined).getByLabel("重新派单 · 服务提供商");
  // Other specs may register more providers; the one that declined is never offered.
  await expect(picker.locator("option", { hasText: "蓝云" })).toHaveCount(1);
  await expect(picker.locator("option", { hasText: "MSP-A_TEST1" })).toHaveCount(0);
  await picker.selectOption({ label: "蓝云" });
  await row(declined).getByRole("button", { name: "重新派单", exact: true }).click();
  await expect(row(declined)).toContainText("待接单");
  await expect(row(declined)).toContainText("蓝云");

  // The platform opens it: its provider now, and its history with the decline's reason.
  await row(declined).getByRole("link", { name: declined }).click();
  await expect(page).toHaveURL(new RegExp(`/platform/orders/${declined}$`));
  await settled(page, testInfo);
  await expect(page.getByTestId("work-order-status")).toHaveText("待接单");
  await expect(page.getByTestId("work-order-provider")).toHaveText("蓝云");
  await expect(page.getByTestId("history")).toContainText("本月无实施资源");
  await page.goBack();
  await expect(page).toHaveURL(/\/platform\/orders\?q=/);

  // 取消工单 asks first, and wants a reason.
  await page.goto(`/platform/orders?q=${cancelled}`);
  await settled(page, testInfo);
  await row(cancelled).getByText("取消工单", { exact: true }).click();
  const form = page.locator(`form[data-form="cancel-${cancelled}"]`);
  await expect(form).toContainText("取消后不能恢复");
  await form.getByRole("button", { name: "确认取消工单" }).click();
  await expect(form.getByText("此项为必填项")).toBeVisible();
  await form.getByLabel("取消原因").fill("买家撤销订单");
  await form.getByRole("button", { name: "确认取消工单" }).click();
  await expect(row(cancelled)).toContainText("已取消");
  await expect(row(cancelled)).toContainText("买家撤销订单");
  await expect(row(cancelled).getByText("取消工单", { exact: true })).toHaveCount(0);

  // The buyer's contact is told.
  await expect
    .poll(
      async () => {
        const mails: { subject: string; to: { address: string }[] }[] = await (await fetch(`${MAILDEV}/api/email`)).json();
        return mails.some((m) => m.to[0]?.address === "buyer@example.com" && m.subject.includes(orderNo) && m.subject.includes("已取消"));
      },
      { timeout: 20_000, message: "the cancel mailed to the buyer's contact" },
    )
    .toBe(true);
  await signOut(page);

  // The provider sees 已取消 with the reason and nothing to do; the re-dispatched one is gone.
  await signIn(page, testInfo, "aku@example.com");
  await page.goto(`/orders/${cancelled}`);
  await settled(page, testInfo);
  await expect(page.getByTestId("work-order-status")).toHaveText("已取消");
  await expect(page.getByTestId("cancelled")).toContainText("买家撤销订单");
  await expect(page.getByRole("button", { name: "接单", exact: true })).toHaveCount(0);
  await page.goto(`/orders?status=cancelled`);
  await expect(page.getByTestId("work-orders")).toContainText(cancelled);
  await page.goto(`/orders?q=${declined}`);
  await expect(page.getByText("没有符合条件的服务工单")).toBeVisible();
});
