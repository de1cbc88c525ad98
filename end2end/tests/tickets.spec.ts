import { expect } from "@playwright/test";
import { session, settled, watchConsole, test } from "./support";

test("a ticket with an attachment is answered by the platform and the reply shows in 历史工单", async ({ browser }, testInfo) => {
  const subject = `阶段验收咨询 ${testInfo.project.name} ${Date.now()}`;
  const member = await session(browser, testInfo, "aku@example.com");
  const problems = watchConsole(member);

  // 联系我们 from the navigation: a dialog over the page with JavaScript, the page without.
  await settled(member, testInfo);
  await member.getByRole("link", { name: "联系我们" }).click();
  let form = member.getByTestId("ticket-form");
  if (testInfo.project.use.javaScriptEnabled !== false) {
    const dialog = member.getByRole("dialog", { name: "联系我们" });
    await expect(dialog).toBeVisible();
    await expect(member).not.toHaveURL(/\/tickets/);
    await dialog.getByRole("button", { name: "历史工单" }).click();
    await expect(dialog.getByTestId("tickets")).toContainText("1908023");
    await dialog.getByRole("button", { name: "在线创建工单" }).click();
    form = dialog.getByTestId("ticket-form");
  } else {
    await expect(member).toHaveURL(/\/tickets$/);
  }
  // The contact fields come prefilled.
  await expect(form.locator("input[name=company]")).toHaveValue("MSP-A_TEST1");
  await expect(form.locator("input[name=contact_email]")).toHaveValue("aku@example.com");
  await form.locator("select[name=service_type]").selectOption({ label: "售后支持" });
  await form.locator("select[name=support_category]").selectOption({ label: "订单与工单" });
  await form.locator("input[name=subject]").fill(subject);
  // 服务详情 only blanks: refused next to the field, the subject kept.
  await form.locator("textarea[name=details]").fill("   ");
  await form.getByRole("button", { name: "提交" }).click();
  await expect(member.getByTestId("ticket-form").getByRole("alert").filter({ hasText: "此项为必填项" })).toBeVisible();
  const retry = member.getByTestId("ticket-form");
  await expect(retry.locator("input[name=subject]")).toHaveValue(subject);
  await retry.locator("textarea[name=details]").fill("客户三天未验收阶段 1，请问如何处理？");
  await retry.locator("input[type=file]").setInputFiles({
    name: "截图.png",
    mimeType: "image/png",
    buffer: Buffer.from("\x89PNG\r\n\x1a\n screenshot", "latin1"),
  });
  await retry.getByRole("button", { name: "提交" }).click();
  await expect(member).toHaveURL(/\/tickets\/\d{8}\?created=1$/);
  await settled(member, testInfo);
  const no = new URL(member.url()).pathname.split("/").pop()!;
  await expect(member.getByTestId("ticket-status")).toHaveText("处理中");
  await expect(member.getByRole("link", { name: "截图.png" })).toBeVisible();

  // The operator answers in the built-in helpdesk.
  const platform = await session(browser, testInfo, "operator@example.com");
  await platform.goto(`/platform/tickets/${no}`);
  await settled(platform, testInfo);
  await expect(platform.getByTestId("conversation")).toContainText("客户三天未验收");
  await platform.getByTestId("ticket-answer").locator("textarea[name=body]").fill("可在工单详情中重新发送验收链接。");
  await platform.getByRole("button", { name: "发送回复" }).click();
  await expect(platform.getByTestId("ticket-status")).toHaveText("待您回复");

  // The provider sees the new reply in 历史工单 and answers it.
  await member.goto("/tickets?tab=history");
  await settled(member, testInfo);
  const row = member.getByTestId("tickets").locator(`[data-ticket='${no}']`);
  await expect(row).toContainText("新回复");
  await expect(row).toContainText("待您回复");
  await row.getByRole("link", { name: subject }).click();
  await settled(member, testInfo);
  await expect(member.getByTestId("conversation")).toContainText("可在工单详情中重新发送验收链接。");
  await member.getByTestId("ticket-reply").locator("textarea[name=body]").fill("好的，已重新发送。");
  await member.getByRole("button", { name: "发送回复" }).click();
  await expect(member.getByTestId("conversation")).toContainText("好的，已重新发送。");
  await expect(member.getByTestId("ticket-status")).toHaveText("处理中");
  expect(problems).toEqual([]);
});

test("the 联系我们 dialog keeps the keyboard inside and gives focus back when closed", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "without JavaScript the link opens a page");
  const member = await session(browser, testInfo, "aku@example.com");
  const problems = watchConsole(member);
  await settled(member, testInfo);
  const link = member.locator("nav.sidenav").getByRole("link", { name: "联系我们" });
  await link.focus();
  await member.keyboard.press("Enter");
  const dialog = member.getByRole("dialog", { name: "联系我们" });
  await expect(dialog).toBeVisible();
  const inside = () => member.evaluate(() => !!document.activeElement?.closest("dialog[open]"));
  await expect.poll(inside).toBe(true);
  // Round and round the dialog's fields, never out onto the page behind it.
  for (let i = 0; i < 25; i++) {
    await member.keyboard.press(i % 5 === 4 ? "Shift+Tab" : "Tab");
    expect(await inside(), `after ${i + 1} presses`).toBe(true);
  }
  await member.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(link).toBeFocused();

  // The close button and a click beside the dialog close it too.
  await link.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "关闭" }).click();
  await expect(dialog).toHaveCount(0);
  await link.click();
  await expect(dialog).toBeVisible();
  await member.mouse.click(5, 300);
  await expect(dialog).toHaveCount(0);
  expect(problems).toEqual([]);
});
