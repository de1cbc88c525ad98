import { expect, type Browser, type Page, type TestInfo } from "@playwright/test";
import { session, settled, watchConsole, test } from "./support";

// Markup a hostile user might paste into the description: none of it may run for a reader.
const HOSTILE =
  `<h2>迁移范围</h2><p>邮箱与文件迁移</p><img src="x" onerror="window.__xss = 'img'">` +
  `<script>window.__xss = 'script'</script><a href="javascript:window.__xss='link'">详情</a>`;

/** A signed-in page on which no dialog may open: a script that ran would most likely open one. */
async function guarded(browser: Browser, testInfo: TestInfo, email: string): Promise<Page> {
  const page = await session(browser, testInfo, email);
  page.on("dialog", (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  return page;
}

async function open(page: Page, testInfo: TestInfo, path: string) {
  await page.goto(path);
  await settled(page, testInfo);
}

async function expectInert(page: Page, testInfo: TestInfo) {
  const description = page.getByTestId("preview-description");
  await expect(description.locator("h2")).toHaveText("迁移范围");
  await expect(description.locator("script, [onerror], a[href^=javascript]")).toHaveCount(0);
  if (testInfo.project.use.javaScriptEnabled !== false) {
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  }
}

test("a service item is created, reviewed, delisted, edited and submitted again", async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const name = `邮箱迁移服务 ${testInfo.project.name} ${Date.now()}`;
  const member = await guarded(browser, testInfo, "aku@example.com");
  const problems = watchConsole(member);

  // 新建: 基本信息 with a rich description; SKU&计划 waits for the first 保存.
  await open(member, testInfo, "/services?q=BinaryTree");
  await expect(member.getByTestId("service-items")).toContainText("待提交");
  await member.getByRole("link", { name: "新建", exact: true }).first().click();
  await expect(member).toHaveURL(/\/services\/new$/);
  await settled(member, testInfo);
  const basic = member.getByTestId("basic-form");
  await basic.locator("input[name=name]").fill(name);
  await basic.locator("input[name=product]").fill("Office 365");
  await basic.locator("input[name=owner_name]").fill("AKU");
  if (js) {
    // The editor replaces the textarea; formatting comes from its toolbar.
    await expect(basic.locator("textarea[name=description]")).toBeHidden();
    const area = basic.getByRole("textbox", { name: "服务描述" });
    await area.click();
    await member.keyboard.type("七天完成迁移");
    await basic.getByRole("button", { name: "加粗" }).click();
    await member.keyboard.type("含培训");
    await expect(area.locator("b")).toHaveText("含培训");
  } else {
    await basic.locator("textarea[name=description]").fill(`<p>七天完成迁移<b>含培训</b></p>${HOSTILE}`);
  }
  // 负责人联系方式 only blanks (the browser lets them through): refused next to the field,
  // the rest kept.
  await basic.locator("input[name=owner_contact]").fill("   ");
  if (js) {
    // A crafted post that bypasses the editor: hostile markup added to the field it fills.
    await basic.locator("textarea[name=description]").evaluate((el: HTMLTextAreaElement, html) => {
      el.value += html;
    }, HOSTILE);
  }
  await basic.getByRole("button", { name: "保存" }).click();
  await expect(member.getByRole("alert").filter({ hasText: "此项为必填项" })).toBeVisible();
  await expect(member.locator("input[name=name]")).toHaveValue(name);
  await member.locator("input[name=owner_contact]").fill("13653612334");
  await member.getByTestId("basic-form").getByRole("button", { name: "保存" }).click();
  await expect(member).toHaveURL(/\/services\/\d+\?tab=sku/);
  await settled(member, testInfo);
  const itemPath = new URL(member.url()).pathname;
  await expect(member.getByTestId("service-status")).toHaveText("待提交");

  // SKU&计划: a SKU, then a plan whose tax-inclusive price is exact.
  await member.getByText("新增 SKU", { exact: true }).click();
  await member.locator("details[open] input[name=name]").fill("标准版");
  await member.locator("details[open] input[name=specification]").fill("50 个邮箱");
  await member.locator("details[open] input[name=region]").fill("华东");
  await member.locator("details[open]").getByRole("button", { name: "保存" }).click();
  await expect(member.locator("[data-sku='标准版']")).toBeVisible();
  await member.getByText("新增计划", { exact: true }).click();
  const plan = member.locator("details[open] .plan-form");
  await plan.locator("input[name=name]").fill("基本计划");
  await plan.locator("input[name=price]").fill("33.33");
  await plan.locator("input[name=tax_percent]").fill("13");
  if (js) await expect(plan.getByTestId("computed-price")).toHaveText("¥37.66");
  await plan.getByRole("button", { name: "保存" }).click();
  await expect(member.locator("[data-plan='基本计划'] [data-testid=price-with-tax]")).toHaveText("¥37.66");

  // An attachment, judged by its content.
  await open(member, testInfo, itemPath);
  await member.locator("input[type=file]").setInputFiles({
    name: "服务说明.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7 service brochure"),
  });
  await member.getByRole("button", { name: "上传" }).click();
  await expect(member.getByTestId("attachments")).toContainText("服务说明.pdf");

  // The preview shows what buyers will see, with the hostile markup inert.
  await open(member, testInfo, `${itemPath}?tab=preview`);
  await expect(member.getByTestId("preview")).toContainText("¥37.66");
  await expect(member.getByTestId("preview-description").locator("b")).toHaveText("含培训");
  await expectInert(member, testInfo);

  // 提交审核.
  await member.getByRole("button", { name: "提交审核" }).click();
  await expect(member.getByTestId("service-status")).toHaveText("待审核");

  // The platform reviews the version it was sent and approves it.
  const platform = await guarded(browser, testInfo, "operator@example.com");
  await open(platform, testInfo, "/platform/services");
  await platform.getByRole("row", { name }).getByRole("link", { name: "审核" }).click();
  await settled(platform, testInfo);
  await expect(platform.getByTestId("preview")).toContainText("标准版");
  await expectInert(platform, testInfo);
  await platform.getByRole("button", { name: "通过", exact: true }).click();
  await expect(platform.getByTestId("service-status")).toHaveText("通过");

  // Listed: 保存 is refused with the manual's rule; 下架 asks the platform.
  await open(member, testInfo, itemPath);
  await expect(member.getByTestId("service-status")).toHaveText("通过");
  await member.getByTestId("basic-form").getByRole("button", { name: "保存" }).click();
  await expect(member.getByTestId("basic-form").getByRole("alert")).toHaveText(
    "已经审核通过的服务项，在下架之后才能保存编辑的内容",
  );
  await member.getByText("下架", { exact: true }).click();
  await member.getByRole("button", { name: "申请下架" }).click();
  await expect(member.getByTestId("service-status")).toHaveText("下架申请");

  await open(platform, testInfo, "/platform/services");
  await platform.getByRole("row", { name }).getByRole("link", { name: "审核" }).click();
  await settled(platform, testInfo);
  await platform.getByRole("button", { name: "同意下架", exact: true }).click();
  await expect(platform.getByTestId("service-status")).toHaveText("已下架");

  // Delisted: editable again, saved as a new version and submitted again.
  await open(member, testInfo, itemPath);
  await expect(member.getByTestId("service-status")).toHaveText("已下架");
  await member.locator("input[name=name]").fill(`${name}（新版）`);
  await member.getByTestId("basic-form").getByRole("button", { name: "保存" }).click();
  await expect(member.getByRole("main").getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
  await expect(member.locator("h1")).toHaveText(`${name}（新版）`);
  await member.getByRole("button", { name: "提交审核" }).click();
  await expect(member.getByTestId("service-status")).toHaveText("待审核");
  await open(member, testInfo, `${itemPath}?tab=history`);
  await expect(member.getByTestId("versions")).toContainText(`${name} → ${name}（新版）`);
  await expect(member.getByTestId("review-history")).toContainText("同意下架");
  // The browser logs the refused 保存 of the listed item (409); nothing else may show up.
  expect(problems.filter((p) => !p.includes("status of 409"))).toEqual([]);
});
