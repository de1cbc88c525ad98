import { expect } from "@playwright/test";
import { settled, signIn, test } from "./support";

const TOKEN = process.env.PLATFORM_API_TOKEN ?? "e2e-intake-token";

test("an order arrives by the API, the platform dispatches it, the provider takes it on", async ({ page, request }, testInfo) => {
  // A number of its own per project: the same run goes once with JavaScript, once without.
  const orderNo = testInfo.project.name.startsWith("hydrate") ? "202611280101" : "202611280201";
  const workOrderNo = `${orderNo}1`;
  const body = {
    order_no: orderNo,
    buyer_company: "TestCompany-C",
    contact_email: "buyer@example.com",
    solution_name: "Product_Z",
    solution_quantity: 1,
    work_orders: [
      { work_order_no: workOrderNo, service_item_name: "迁移服务", price: "1000.00", tax_rate: "0.06", quantity: 1, currency: "CNY" },
    ],
  };
  const created = await request.post("/api/v1/orders", { data: body, headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(created.status()).toBe(201);
  const repeated = await request.post("/api/v1/orders", { data: body, headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(repeated.status()).toBe(200);

  await signIn(page, testInfo, "operator@example.com");
  await expect(page).toHaveURL(/\/platform$/);
  await page.locator("nav.sidenav").getByRole("link", { name: "订单录入与分发" }).click();
  await page.getByRole("link", { name: "未分发" }).click();
  await settled(page, testInfo);
  const row = page.getByTestId("platform-orders").locator("tbody tr").filter({ hasText: workOrderNo });
  await expect(row).toContainText("待付款");
  await expect(row).toContainText("¥1,060.00");
  await row.getByRole("button", { name: "标记已付款" }).click();
  await expect(row).toContainText("待接单");
  await row.getByLabel("服务提供商").selectOption({ label: "MSP-A_TEST1" });
  await row.getByRole("button", { name: "分发" }).click();
  await expect(row).toBeHidden(); // no longer undispatched

  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "注销" }).click();
  await signIn(page, testInfo, "aku@example.com");
  await page.goto(`/orders/${workOrderNo}`);
  await settled(page, testInfo);
  await expect(page.getByTestId("work-order-status")).toHaveText("待接单");
  await page.getByRole("button", { name: "接单", exact: true }).click();
  await expect(page.getByTestId("work-order-status")).toHaveText("实施中");
  await expect(page.getByTestId("history")).toContainText("分发给服务提供商");
});
