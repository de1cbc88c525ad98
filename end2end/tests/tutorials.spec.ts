import { expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { session, settled, watchConsole, test } from "./support";

test("the platform publishes a video, a provider plays it and seeks; the manual has contents", async ({ browser }, testInfo) => {
  const title = `订单管理入门 ${testInfo.project.name} ${Date.now()}`;
  const platform = await session(browser, testInfo, "operator@example.com");
  await platform.goto("/platform/tutorials");
  await settled(platform, testInfo);
  const form = platform.getByTestId("tutorial-form");
  await form.locator("select[name=topic]").selectOption({ label: "订单管理" });
  await form.locator("input[name=title]").fill(title);
  await form.locator("input[name=duration]").fill("0:12");
  await form.locator("input[name=video]").setInputFiles({
    name: "orders.webm",
    mimeType: "video/webm",
    buffer: readFileSync(join(__dirname, "..", "fixtures", "tutorial.webm")),
  });
  await form.getByRole("button", { name: "发布" }).click();
  await expect(platform.getByTestId("tutorials")).toContainText(title);

  const member = await session(browser, testInfo, "305102247@example.com");
  const problems = watchConsole(member);
  // The player's requests for the video: ranges, answered 206.
  const ranges: string[] = [];
  member.on("response", (r) => {
    if (r.url().includes("/video") && r.status() === 206) ranges.push(r.headers()["content-range"]);
  });
  await member.goto("/tutorials");
  await settled(member, testInfo);
  const video = member.locator(`[data-tutorial='${title}'] video`);
  await expect(video).toBeVisible();
  await expect(member.locator(`[data-tutorial='${title}']`)).toContainText("0:12");
  if (testInfo.project.use.javaScriptEnabled !== false) {
    // Play, then seek to 8 s.
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.muted = true;
      await v.play();
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0);
    await video.evaluate((v: HTMLVideoElement) => {
      v.currentTime = 8;
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThanOrEqual(8);
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges[0]).toMatch(/^bytes \d+-\d+\/\d+$/);
  } else {
    // The player needs no script of ours; what it asks for when seeking is a range.
    const src = (await video.locator("source").getAttribute("src"))!;
    const part = await member.request.get(src, { headers: { Range: "bytes=4096-8191" } });
    expect(part.status()).toBe(206);
    expect((await part.body()).length).toBe(4096);
  }

  // 操作手册: a contents list that leads to each module.
  await member.getByRole("link", { name: "操作手册" }).click();
  await settled(member, testInfo);
  const manual = member.getByTestId("manual");
  await expect(manual.locator("nav li")).toHaveCount(9);
  await manual.getByRole("link", { name: "服务管理" }).click();
  await expect(member).toHaveURL(/#section-4$/);
  await expect(member.locator("#section-4 h3")).toHaveText("服务管理");
  expect(problems).toEqual([]);
});

test("a large upload shows its progress and can be cancelled, keeping the form", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "without JavaScript the browser shows its own progress");
  test.setTimeout(60_000);
  const platform = await session(browser, testInfo, "operator@example.com");
  await platform.goto("/platform/tutorials");
  await settled(platform, testInfo);
  // Sending at 2 MB/s, so that a 12 MB video takes seconds.
  const cdp = await platform.context().newCDPSession(platform);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 2 * 1024 * 1024,
  });
  const video = Buffer.concat([
    readFileSync(join(__dirname, "..", "fixtures", "tutorial.webm")),
    Buffer.alloc(12 * 1024 * 1024),
  ]);
  const title = `大文件上传 ${testInfo.project.name} ${Date.now()}`;
  const form = platform.getByTestId("tutorial-form");
  await form.locator("input[name=title]").fill(title);
  await form.locator("input[name=video]").setInputFiles({ name: "big.webm", mimeType: "video/webm", buffer: video });
  const progress = form.getByTestId("upload-progress");
  await expect(progress).toBeHidden();

  // Cancelled halfway: the form is as it was filled, nothing published.
  await form.getByRole("button", { name: "发布" }).click();
  await expect(progress).toBeVisible();
  await expect(progress.getByRole("status")).toHaveText(/正在上传 \d+%（[\d.]+ \/ 12\.\d MB）/);
  await expect(form.getByRole("button", { name: "发布" })).toBeDisabled();
  await progress.getByRole("button", { name: "取消上传" }).click();
  await expect(progress.getByRole("status")).toHaveText("已取消上传，可重新提交。");
  await expect(form.locator("input[name=title]")).toHaveValue(title);
  await expect(form.getByRole("button", { name: "发布" })).toBeEnabled();
  await expect(platform.getByTestId("tutorials")).not.toContainText(title);

  // Sent again to the end: the bar fills, then the page the server answered with opens.
  const seen: number[] = [];
  await platform.exposeFunction("progressSeen", (value: number) => seen.push(value));
  await progress.locator("progress").evaluate((bar: HTMLProgressElement) => {
    new MutationObserver(() => (window as any).progressSeen(bar.value)).observe(bar, { attributes: true });
    const step = () => {
      (window as any).progressSeen(bar.value);
      if (bar.isConnected) requestAnimationFrame(step);
    };
    step();
  });
  await form.getByRole("button", { name: "发布" }).click();
  await expect(platform.getByTestId("tutorials")).toContainText(title, { timeout: 30_000 });
  expect(seen.some((v) => v > 0 && v < 100), `progress seen: ${[...new Set(seen)].join(",")}`).toBe(true);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
});
