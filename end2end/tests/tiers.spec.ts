import { expect } from "@playwright/test";
import { session, settled, watchConsole, test } from "./support";

// Each project moves its own provider up a tier: MSP-A_TEST1 (银牌 → 金牌) with JavaScript,
// 蓝云 (注册 → 银牌) without.
const target = (project: string) =>
  project.startsWith("hydrate")
    ? { admin: "aku@example.com", from: "银牌", to: "金牌", provider: "MSP-A_TEST1" }
    : { admin: "enjian@example.com", from: "注册", to: "银牌", provider: "蓝云" };

test("a provider applies for the next tier, the platform approves, its benefits light up", async ({ browser }, testInfo) => {
  const { admin, from, to, provider } = target(testInfo.project.name);
  const member = await session(browser, testInfo, admin);
  const problems = watchConsole(member);
  await member.goto("/tiers");
  await settled(member, testInfo);
  await expect(member.getByTestId("current-tier")).toHaveText(from);
  await expect(member.locator(`section[data-tier='${from}']`)).toHaveAttribute("data-state", "lit");
  await expect(member.locator(`section[data-tier='${to}']`)).toHaveAttribute("data-state", "next");

  // 立即申请: a missing reason is refused next to the field, the rest kept.
  await member.locator("summary", { hasText: "立即申请" }).click();
  const form = member.getByTestId("tier-apply");
  await form.locator("select[name=tier_id]").selectOption({ label: to });
  await form.locator("textarea[name=reason]").fill("   ");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(member.getByTestId("tier-apply").getByRole("alert").filter({ hasText: "此项为必填项" })).toBeVisible();
  const again = member.getByTestId("tier-apply");
  await again.locator("textarea[name=reason]").fill("近一年完成 60 个服务工单，验收通过率 98%");
  await again.locator("input[type=file]").setInputFiles({
    name: "业绩证明.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.7 performance"),
  });
  await again.getByRole("button", { name: "保存" }).click();
  await expect(member.getByRole("main").getByRole("status").filter({ hasText: "申请已提交" })).toBeVisible();
  await expect(member.getByTestId("open-application")).toBeVisible();

  // The platform approves it, with the file at hand.
  const platform = await session(browser, testInfo, "operator@example.com");
  await platform.goto("/platform/tiers");
  await settled(platform, testInfo);
  await platform.getByTestId("tier-applications").getByRole("row", { name: provider }).getByRole("link", { name: "审核" }).click();
  await settled(platform, testInfo);
  await expect(platform.getByRole("link", { name: "业绩证明.pdf" })).toBeVisible();
  await platform.getByRole("button", { name: "通过", exact: true }).click();
  await expect(platform.getByTestId("application-status")).toHaveText("已通过");

  await member.goto("/tiers");
  await settled(member, testInfo);
  await expect(member.getByTestId("current-tier")).toHaveText(to);
  await expect(member.locator(`section[data-tier='${to}']`)).toHaveAttribute("data-state", "lit");
  await expect(member.getByTestId("tier-applications").locator("tbody tr").first()).toContainText("已通过");
  expect(problems).toEqual([]);
});

test("deleting a tier benefit asks first, and only the confirmation deletes it", async ({ browser }, testInfo) => {
  const title = `待删除权益 ${testInfo.project.name}`;
  const platform = await session(browser, testInfo, "operator@example.com");
  const problems = watchConsole(platform);
  await platform.goto("/platform/tiers");
  await settled(platform, testInfo);
  const tier = platform.locator("section[data-tier='金牌']");
  await tier.getByLabel("权益名称").fill(title);
  await tier.getByRole("button", { name: "新增权益" }).click();
  const benefit = tier.locator("li.benefit", { hasText: title });
  await expect(benefit).toHaveCount(1);

  await benefit.locator("summary", { hasText: "删除" }).click();
  await expect(benefit.getByText("确定删除此权益吗？")).toBeVisible();
  // Closing the question leaves the benefit as it was.
  await benefit.locator("summary", { hasText: "删除" }).click();
  await expect(benefit.getByText("确定删除此权益吗？")).toBeHidden();
  await platform.reload();
  await settled(platform, testInfo);
  await expect(benefit).toHaveCount(1);

  await benefit.locator("summary", { hasText: "删除" }).click();
  await benefit.getByRole("button", { name: "确认删除" }).click();
  await expect(benefit).toHaveCount(0);
  expect(problems).toEqual([]);
});
