import { expect, type Page, type TestInfo } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { session, settled, signIn, watchConsole, test } from "./support";

// Each project bills its own provider and month: MSP-A_TEST1's December 2019 (its two
// 部分验收 work orders) with JavaScript, 蓝云's November 2019 without.
const target = (project: string) =>
  project.startsWith("hydrate")
    ? { provider: "MSP-A_TEST1", month: "2019-12", period: "2019/12/1-2019/12/31", admin: "aku@example.com" }
    : { provider: "蓝云", month: "2019-11", period: "2019/11/1-2019/11/30", admin: "enjian@example.com" };

async function open(page: Page, testInfo: TestInfo, path: string) {
  await page.goto(path);
  await settled(page, testInfo);
}

async function downloaded(page: Page, link: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link }).first().click()]);
  return readFileSync(await download.path());
}

test("a bill goes from generation through a dispute and revision to payout", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const { provider, month, period, admin } = target(testInfo.project.name);
  const platform = await session(browser, testInfo, "operator@example.com");
  const problems = watchConsole(platform);

  // The platform generates the month's bill and sends it.
  await open(platform, testInfo, "/platform/bills");
  const form = platform.getByTestId("generate-bill");
  await form.locator("select[name=provider_id]").selectOption({ label: provider });
  await form.locator("input[name=month]").fill(month);
  await form.getByRole("button", { name: "生成账单" }).click();
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await expect(platform).toHaveURL(/\/platform\/bills\/\d{12}$/);
  } else {
    await platform.getByRole("row", { name: period }).getByRole("link", { name: "查看" }).click();
  }
  await settled(platform, testInfo);
  await expect(platform.getByTestId("bill-status")).toHaveText("未分账");
  const no = (await platform.getByTestId("bill-no").textContent())!.trim();
  expect(no).toMatch(/^\d{12}$/);
  await platform.getByRole("button", { name: "发送给服务提供商确认" }).click();
  await expect(platform.getByTestId("bill-status")).toHaveText("确认中");

  // The provider's admin rejects it, naming a line; an empty reason is refused first.
  const member = await session(browser, testInfo, admin);
  await open(member, testInfo, "/bills");
  await expect(member.getByTestId("bills")).toContainText(no);
  await member.getByRole("row", { name: no }).getByRole("link", { name: "查看" }).click();
  await settled(member, testInfo);
  await expect(member.getByTestId("bill-status")).toHaveText("确认中");
  const lines = member.getByTestId("bill-lines").locator("tbody tr");
  const firstOrder = (await lines.first().locator("td").first().textContent())!.trim();
  await member.getByText("驳回", { exact: true }).click();
  await member.getByRole("button", { name: "确认驳回" }).click();
  await expect(member.getByRole("alert").filter({ hasText: "此项为必填项" })).toBeVisible();
  await member.locator("textarea[name=reason]").fill("实付金额有误");
  await member.locator(`input[name="disputed[o${firstOrder}]"]`).check();
  await member.getByRole("button", { name: "确认驳回" }).click();
  await expect(member.getByTestId("bill-status")).toHaveText("已驳回");
  await expect(member.getByTestId("bill-dispute")).toContainText("实付金额有误");

  // The platform revises the disputed line and sends the bill back.
  await open(platform, testInfo, `/platform/bills/${no}`);
  await expect(platform.getByTestId("bill-dispute")).toContainText(firstOrder);
  const revise = platform.getByTestId("revise-bill");
  await revise.locator("input[name^=amount]").first().fill("1.00");
  await revise.locator("textarea[name=reason]").fill("按驳回调整实付金额");
  await revise.getByRole("button", { name: "修订并重新发送" }).click();
  await expect(platform.getByTestId("bill-status")).toHaveText("确认中");

  // The provider sees the change to the previous version and confirms.
  await open(member, testInfo, `/bills/${no}`);
  await expect(member.getByTestId("bill-revisions")).toContainText(firstOrder);
  await expect(member.getByTestId("bill-revisions")).toContainText(/[¥$]1\.00/);
  await member.getByRole("button", { name: "确认账单" }).click();
  await expect(member.getByTestId("bill-status")).toHaveText("待打款");

  // The platform records the payout; the amount must match to the cent.
  await open(platform, testInfo, `/platform/bills/${no}`);
  const payout = platform.getByTestId("record-payout");
  await payout.locator("input[name=payout_reference]").fill(`PAY-${no}`);
  await payout.locator("input[name=payout_date]").fill("2020-01-06");
  await payout.getByRole("button", { name: "记录打款" }).click();
  await expect(platform.getByTestId("bill-status")).toHaveText("已完成");
  await expect(platform.getByTestId("bill-payout")).toContainText(`PAY-${no}`);

  // Every step of the progress bar says who took it.
  await open(member, testInfo, `/bills/${no}`);
  await expect(member.getByTestId("bill-status")).toHaveText("已完成");
  await expect(member.getByTestId("bill-progress").locator("li.done")).toHaveCount(4);

  // Exports and the document, checked by reading the files.
  const csv = (await downloaded(member, "导出 CSV")).toString("utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain(no);
  expect(csv).toContain(",1.00,");
  const xlsx = await downloaded(member, "导出 Excel");
  expect(xlsx.subarray(0, 2).toString()).toBe("PK");
  expect(xlsx.includes(Buffer.from("xl/worksheets/sheet1.xml"))).toBe(true);
  const pdf = await downloaded(member, "下载账单");
  const text = execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf }).toString("utf8");
  expect(text).toContain(no);
  expect(text).toContain("账单明细");
  expect(text).toContain(provider);

  expect(problems).toEqual([]);
  await member.context().close();
  await platform.context().close();
});

test("the demo bill's list, detail and document agree", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "305102247@example.com");
  await open(page, testInfo, "/bills");
  const row = page.getByRole("row", { name: "201911010001" });
  await expect(row.getByTestId("row-total")).toHaveText("¥800.00");
  await expect(row.getByTestId("row-paid")).toHaveText("¥600.00 / $100.00");
  await row.getByRole("link", { name: "查看" }).click();
  await settled(page, testInfo);
  await expect(page.getByTestId("total-paid")).toHaveText("¥600.00$100.00");
  await expect(page.getByTestId("total-order")).toHaveText("¥800.00");
  // A user (用户) reads bills but cannot answer them.
  await expect(page.getByRole("button", { name: "确认账单" })).toHaveCount(0);
  const text = execFileSync("pdftotext", ["-layout", "-", "-"], {
    input: await downloaded(page, "下载账单"),
  }).toString("utf8");
  expect(text).toContain("¥600.00 / $100.00");
  expect(text).toContain("¥800.00");
});
