import { expect, type Page, type TestInfo } from "@playwright/test";
import { createHmac } from "node:crypto";
import { dragSlider, mailedLink, PASSWORD, session, settled, signIn, watchConsole, test } from "./support";

const IDP = process.env.OIDC_URL ?? "http://127.0.0.1:1190";
const seen = new Set<string>();

/** Each project (JavaScript on / off) registers its own company. */
function names(testInfo: TestInfo) {
  const mode = testInfo.project.use.javaScriptEnabled === false ? "ssr" : "hydrate";
  const db = process.env.DATABASE_LABEL ?? "sqlite";
  return {
    company: `晨星云科技-${mode}`,
    admin: `chenxing-${mode}-${db}@example.com`,
    mode,
  };
}

async function signOut(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "注销" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test("register with a file → platform approves → mailed activation → sign in → reset password", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const problems = watchConsole(page);
  const { company, admin } = names(testInfo);
  const first = "Aurora-Harbor-Compass-81";
  const second = "Maple-Quartz-Lighthouse-27";

  // 注册 step 1: company and a qualification file; a wrong file comes back with the text kept.
  await page.goto("/register");
  await settled(page, testInfo);
  await page.getByLabel("公司名称").fill(company);
  await page.getByLabel("负责人").fill("陈星");
  await page.getByLabel("资质文件").setInputFiles({ name: "licence.pdf", mimeType: "application/pdf", buffer: Buffer.from("not really a pdf") });
  await page.getByRole("button", { name: "下一步" }).click();
  await expect(page.getByText("只接受 PDF、JPEG 或 PNG 文件")).toBeVisible();
  await expect(page.getByLabel("公司名称")).toHaveValue(company);
  await page.getByLabel("资质文件").setInputFiles({ name: "营业执照.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7\n% licence\n") });
  await page.getByRole("button", { name: "下一步" }).click();

  // Step 2: 绑定管理员.
  await expect(page.getByText(`为 ${company} 绑定管理员`)).toBeVisible();
  await settled(page, testInfo);
  await page.getByLabel("姓名").fill("陈星");
  await page.getByLabel("邮箱").fill("chen@localhost");
  await page.getByLabel("电话").fill("13912345678");
  await page.getByLabel("地址", { exact: true }).fill("杭州市西湖区");
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByText("请输入有效的邮箱地址")).toBeVisible();
  await expect(page.getByLabel("地址", { exact: true })).toHaveValue("杭州市西湖区");
  await page.locator("input[name=admin_email]").fill(admin);
  await page.getByRole("button", { name: "提交审核" }).click();
  await expect(page.getByText("注册申请已提交，等待平台审核。")).toBeVisible();
  const donePage = page.url();

  // The platform reviews: the file is there, 通过 creates the provider and sends the invitation.
  await signIn(page, testInfo, "operator@example.com");
  await page.goto("/platform/registrations");
  await settled(page, testInfo);
  await page.getByRole("row", { name: new RegExp(company) }).getByRole("link", { name: "查看详情" }).click();
  await expect(page.getByTestId("registration-files")).toContainText("营业执照.pdf");
  await settled(page, testInfo);
  await page.getByRole("button", { name: "通过" }).click();
  await expect(page.getByTestId("registration-status")).toHaveText("已通过");
  await signOut(page);
  await page.goto(donePage);
  await expect(page.getByText("审核已通过")).toBeVisible();

  // 用户激活 from the mailed link (§5.1.3).
  const activation = await mailedLink(admin, "/activate/", seen);
  await page.goto(activation);
  await settled(page, testInfo);
  await expect(page.getByTestId("activate-email")).toHaveValue(admin);
  await page.getByLabel("名称").fill("陈星");
  await page.getByLabel("电话").fill("13912345678");
  await page.getByLabel("密码", { exact: true }).fill("password1234");
  await page.getByLabel("确认密码").fill("password1234");
  await page.getByRole("button", { name: "激活" }).click();
  await expect(page.getByText("密码太常见或容易被猜到")).toBeVisible();
  await expect(page.getByLabel("名称")).toHaveValue("陈星");
  // The message now in the field's label changes its name: find the inputs by name.
  await page.locator("input[name=password]").fill(first);
  await page.locator("input[name=confirm_password]").fill(first);
  await page.getByRole("button", { name: "激活" }).click();
  await expect(page.getByText("账号已激活，请登录")).toBeVisible();
  await page.goto(activation);
  await expect(page.getByTestId("dead-link")).toHaveText("此链接已经使用过。");

  // Sign in with the slider; the new provider's home.
  await signIn(page, testInfo, admin, first);
  await expect(page.getByTestId("current-provider")).toHaveText(company);
  await signOut(page);

  // 忘记密码 → mail → reset → the old password fails, the new one works.
  await page.getByRole("link", { name: "忘记密码？" }).click();
  await settled(page, testInfo);
  await page.getByLabel("邮箱").fill(admin);
  await page.getByRole("button", { name: "发送重置链接" }).click();
  await expect(page.getByTestId("sent")).toBeVisible();
  const reset = await mailedLink(admin, "/reset/", seen);
  await page.goto(reset);
  await settled(page, testInfo);
  await page.getByLabel("新密码").fill(second);
  await page.getByLabel("确认密码").fill(`${second}!`);
  await page.getByRole("button", { name: "设置新密码" }).click();
  await expect(page.getByText("两次输入的密码不一致")).toBeVisible();
  await page.locator("input[name=new_password]").fill(second);
  await page.locator("input[name=confirm_password]").fill(second);
  await page.getByRole("button", { name: "设置新密码" }).click();
  await expect(page.getByText("密码已重置，请使用新密码登录")).toBeVisible();
  await signIn(page, testInfo, admin, first);
  await expect(page.getByRole("alert")).toHaveText("邮箱或密码错误");
  await signIn(page, testInfo, admin, second);
  await expect(page.getByTestId("current-provider")).toHaveText(company);

  // Two-step verification: enrol, then the password alone asks for a code (a recovery code here).
  await page.goto("/account/security");
  await settled(page, testInfo);
  await page.getByRole("button", { name: "启用两步验证" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
  const recovery = (await page.getByTestId("recovery-codes").locator("code").allTextContents())[0];
  await page.getByLabel("验证码").fill(totp(secret));
  await page.getByRole("button", { name: "确认启用" }).click();
  await expect(page.getByText("已启用", { exact: true })).toBeVisible();
  await signOut(page);
  await signIn(page, testInfo, admin, second);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await settled(page, testInfo);
  await page.getByLabel("验证码").fill("000000");
  await page.getByRole("button", { name: "验证" }).click();
  await expect(page.getByText("验证码不正确或已使用")).toBeVisible();
  await page.locator("input[name=code]").fill(recovery);
  await page.getByRole("button", { name: "验证" }).click();
  await expect(page.getByTestId("current-provider")).toHaveText(company);
  expect(problems).toEqual([]);
});

test("the slider must reach the right end", async ({ page }, testInfo) => {
  await page.goto("/login");
  await settled(page, testInfo);
  await page.getByLabel("邮箱", { exact: true }).fill("305102247@example.com");
  await page.getByLabel("密码", { exact: true }).fill("ProviderCenter#2019");
  if (testInfo.project.use.javaScriptEnabled !== false) {
    // Let go halfway: it springs back. All the way: verified.
    const slider = page.getByTestId("slider");
    let box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(slider).toHaveValue("0");
    await expect(page.getByText("请按住滑块，拖动到最右边")).toBeVisible();
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("请将滑块拖动到最右边");
    await settled(page, testInfo);
    await page.getByLabel("密码", { exact: true }).fill("ProviderCenter#2019");
    // The message above moved the slider down.
    box = (await slider.boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 20, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect(page.getByText("验证通过")).toBeVisible();
  } else {
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await expect(page.getByRole("alert")).toContainText("请将滑块拖动到最右边");
    await expect(page.getByLabel("邮箱", { exact: true })).toHaveValue("305102247@example.com");
    await page.getByLabel("密码", { exact: true }).fill("ProviderCenter#2019");
    await dragSlider(page);
  }
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expect(page.getByTestId("current-provider")).toHaveText("MSP-A_TEST1");
});

/** AAD 快捷登录 up to the portal's answer: signs in at the stand-in when it asks. */
async function aadSignIn(page: Page, login: string) {
  await page.goto("/login?tab=aad");
  await page.getByTestId("aad-login").click();
  await page.waitForURL((url) => !url.href.startsWith(`${IDP}/auth`));
  if (page.url().startsWith(`${IDP}/interaction`) && (await page.locator("input[name=login]").count()) > 0) {
    await page.locator("input[name=login]").fill(login);
    await page.locator("input[name=password]").fill("any");
    await page.locator("button[type=submit]").click();
  }
  if (page.url().startsWith(`${IDP}/interaction`)) {
    await page.getByRole("button", { name: "Continue" }).click();
  }
  await page.waitForURL((url) => !url.href.startsWith(IDP));
}

test("AAD sign-in through a real OIDC provider, and what it refuses", async ({ page, browser }, testInfo) => {
  const { mode } = names(testInfo);
  const who = mode === "ssr" ? { email: "enjian@example.com", provider: "蓝云" } : { email: "aku@example.com", provider: "MSP-A_TEST1" };

  // A correctly signed token with the wrong audience, issuer or nonce, or from another tenant.
  for (const [claim, value, message] of [
    ["aud", "someone-else", "登录凭据未通过校验"],
    ["iss", "http://evil.example", "登录凭据未通过校验"],
    ["nonce", "replayed-nonce", "登录凭据未通过校验"],
    ["tid", "another-tenant", "组织（租户）未被允许登录"],
  ]) {
    await fetch(`${IDP}/__mischief?${claim}=${encodeURIComponent(value)}`);
    await aadSignIn(page, who.email);
    await expect(page.getByRole("alert"), `${claim}=${value}`).toContainText(message);
  }

  // The real thing: signed in to the provider of the identity's address.
  let callback = "";
  page.on("request", (request) => {
    if (request.url().includes("/auth/oidc/callback")) callback = request.url();
  });
  await aadSignIn(page, who.email);
  await expect(page.getByTestId("current-provider")).toHaveText(who.provider);

  // The same answer again (another browser): the flow was used once.
  const other = await browser.newContext();
  const replay = await other.newPage();
  await replay.goto(callback);
  await expect(replay.getByRole("alert")).toContainText("登录请求已失效");
  // A forged state.
  await replay.goto("/auth/oidc/callback?code=forged&state=forged");
  await expect(replay.getByRole("alert")).toContainText("登录请求已失效");
  // An identity nobody invited gets no account.
  await aadSignIn(replay, `stranger-${mode}@example.com`);
  await expect(replay.getByRole("alert")).toContainText("没有对应的服务提供商中心账号");
  await other.close();
});

test("a signed-in user links an AAD identity from 账号安全, signs in with it and unlinks it", async ({ browser }, testInfo) => {
  const { mode } = names(testInfo);
  const identity = `aad-link-${mode}@example.com`;
  const member = await session(browser, testInfo, "305102247@example.com");
  await member.goto("/account/security");
  await settled(member, testInfo);
  const card = member.getByTestId("oidc-link");
  // A wrong password links nothing and never leaves for the identity provider.
  await card.getByLabel("密码", { exact: true }).fill("not-the-password");
  await card.getByRole("button", { name: "关联 AAD 身份" }).click();
  await expect(member.getByTestId("oidc-notice")).toContainText("密码不正确");
  await settled(member, testInfo);
  await member.getByTestId("oidc-link").getByLabel("密码", { exact: true }).fill(PASSWORD);
  await member.getByTestId("oidc-link").getByRole("button", { name: "关联 AAD 身份" }).click();
  await member.waitForURL((url) => !url.href.startsWith(`${IDP}/auth`));
  if (member.url().startsWith(`${IDP}/interaction`) && (await member.locator("input[name=login]").count()) > 0) {
    await member.locator("input[name=login]").fill(identity);
    await member.locator("input[name=password]").fill("any");
    await member.locator("button[type=submit]").click();
  }
  if (member.url().startsWith(`${IDP}/interaction`)) {
    await member.getByRole("button", { name: "Continue" }).click();
  }
  await member.waitForURL(/\/account\/security/);
  await expect(member.getByTestId("oidc-notice")).toContainText("AAD 身份已关联到您的账号");
  await expect(member.getByTestId("oidc-link")).toContainText("已关联");

  // The identity, whose address is nobody's, now signs in to this account.
  const other = await browser.newContext({ javaScriptEnabled: testInfo.project.use.javaScriptEnabled });
  const aad = await other.newPage();
  await aadSignIn(aad, identity);
  await expect(aad.getByTestId("current-provider")).toHaveText("MSP-A_TEST1");
  await other.close();

  // Unlinked with the password: the identity signs in to nothing again.
  await settled(member, testInfo);
  await member.getByTestId("oidc-link").getByLabel("密码", { exact: true }).fill(PASSWORD);
  await member.getByTestId("oidc-link").getByRole("button", { name: "解除关联" }).click();
  await expect(member.getByTestId("oidc-link").getByRole("button", { name: "关联 AAD 身份" })).toBeVisible();
  const again = await browser.newContext({ javaScriptEnabled: testInfo.project.use.javaScriptEnabled });
  const stranger = await again.newPage();
  await aadSignIn(stranger, identity);
  await expect(stranger.getByRole("alert")).toContainText("没有对应的服务提供商中心账号");
  await again.close();
  await member.context().close();
});

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, as an authenticator app computes it. */
function totp(secret: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[19] & 0xf;
  const value = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}
