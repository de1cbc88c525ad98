import { expect, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mailedLink, settled, signIn, test } from "./support";

// A real installation: a server started without --demo on an empty database (FRESH_URL, its
// DATABASE_URL in FRESH_DATABASE_URL, the binary in SERVER_BIN; scripts/test.sh starts it for
// the SQLite run). Its first operator comes from the command line, a provider by registering,
// its first order by the marketplace's API — and then the work runs as on any day.
const FRESH = process.env.FRESH_URL;
const TOKEN = process.env.PLATFORM_API_TOKEN ?? "e2e-intake-token";
const seen = new Set<string>();

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "注销" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test("a fresh installation: operator from the command line, a provider registers, an order is dispatched and taken on", async ({ browser }, testInfo) => {
  test.skip(!FRESH, "FRESH_URL names no server without the demo");
  test.setTimeout(120_000);
  const mode = testInfo.project.use.javaScriptEnabled === false ? "ssr" : "hydrate";
  const operator = `ops-${mode}@install.example`;
  const admin = `admin-${mode}@install.example`;
  const company = `初装科技-${mode}`;
  const password = "Harbor-Lantern-Quartz-64";
  const context = await browser.newContext({
    baseURL: FRESH,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: "zh-CN",
  });
  const page = await context.newPage();

  // `server operator add` prints the one-time link; it sets name, phone and password.
  const said = execFileSync(process.env.SERVER_BIN ?? "../target/release/server", ["operator", "add", operator], {
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: process.env.FRESH_DATABASE_URL ?? "", PUBLIC_URL: FRESH ?? "" },
    encoding: "utf8",
  });
  const link = said.match(/https?:\/\/\S+\/activate\/[0-9a-f]{64}/)?.[0];
  expect(link, said).toBeTruthy();
  await page.goto(link!);
  await settled(page, testInfo);
  await expect(page.getByTestId("activate-email")).toHaveValue(operator);
  await page.getByLabel("名称").fill("首位运营");
  await page.getByLabel("电话").fill("13800000001");
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByLabel("确认密码").fill(password);
  await page.getByRole("button", { name: "激活" }).click();
  await expect(page.getByText("账号已激活，请登录")).toBeVisible();
  await signIn(page, testInfo, operator, password);
  await expect(page).toHaveURL(/\/platform$/);
  // The operator's first look: no providers yet (the demo's are not here).
  const providers = await page.goto("/platform/providers");
  expect(providers?.status()).toBe(200);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("服务提供商");
  await expect(page.getByText("MSP-A_TEST1")).toHaveCount(0);
  await signOut(page);

  // A provider registers; the operator approves; its admin activates from the mail.
  await page.goto("/register");
  await settled(page, testInfo);
  await page.getByLabel("公司名称").fill(company);
  await page.getByLabel("负责人").fill("林初");
  await page.getByLabel("资质文件").setInputFiles({ name: "营业执照.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% licence\n") });
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page.getByText(`为 ${company} 绑定管理员`)).toBeVisible();
  await settled(page, testInfo);
  await page.getByLabel("姓名").fill("林初");
  await page.locator("input[name=admin_email]").fill(admin);
  await page.getByLabel("电话").fill("13900000002");
  await page.getByLabel("地址", { exact: true }).fill("苏州市工业园区");
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByText("注册申请已提交，等待平台审核。")).toBeVisible();

  await signIn(page, testInfo, operator, password);
  await page.goto("/platform/registrations");
  await settled(page, testInfo);
  await page.getByRole("row", { name: new RegExp(company) }).getByRole("link", { name: "查看详情" }).click();
  await settled(page, testInfo);
  await page.getByRole("button", { name: "通过" }).click();
  await expect(page.getByTestId("registration-status")).toHaveText("已通过");
  await signOut(page);

  await page.goto(await mailedLink(admin, "/activate/", seen));
  await settled(page, testInfo);
  await page.getByLabel("名称").fill("林初");
  await page.getByLabel("电话").fill("13900000002");
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByLabel("确认密码").fill(password);
  await page.getByRole("button", { name: "激活" }).click();
  await expect(page.getByText("账号已激活，请登录")).toBeVisible();

  // The marketplace sends an order; the operator records the payment and dispatches it.
  const orderNo = mode === "hydrate" ? "202612070101" : "202612070201";
  const workOrderNo = `${orderNo}1`;
  const created = await page.request.post("/api/v1/orders", {
    data: {
      order_no: orderNo,
      buyer_company: "初装客户有限公司",
      contact_email: "buyer@install.example",
      solution_name: "上云迁移",
      solution_quantity: 1,
      work_orders: [{ work_order_no: workOrderNo, service_item_name: "迁移服务", price: "800.00", tax_rate: "0.06", quantity: 1, currency: "CNY" }],
    },
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  expect(created.status()).toBe(201);
  await signIn(page, testInfo, operator, password);
  await page.goto(`/platform/orders?q=${workOrderNo}`);
  await settled(page, testInfo);
  const row = page.locator(`tr[data-work-order="${workOrderNo}"]`);
  await expect(row).toContainText("待付款");
  await row.getByRole("button", { name: "标记已付款" }).click();
  await expect(row).toContainText("待接单");
  await row.getByLabel("服务提供商", { exact: true }).selectOption({ label: company });
  await row.getByRole("button", { name: "分发" }).click();
  await expect(row).toContainText(company);
  await signOut(page);

  // The provider's admin signs in to its own, empty-but-for-this back office and takes it on.
  await signIn(page, testInfo, admin, password);
  await expect(page.getByTestId("current-provider")).toHaveText(company);
  await page.goto(`/orders/${workOrderNo}`);
  await settled(page, testInfo);
  await expect(page.getByTestId("work-order-status")).toHaveText("待接单");
  await page.getByRole("button", { name: "接单", exact: true }).click();
  await expect(page.getByTestId("work-order-status")).toHaveText("实施中");
  await page.goto("/orders");
  await expect(page.getByTestId("work-orders").locator("tbody tr")).toHaveCount(1);
  await context.close();
});
