import { expect, Page } from "@playwright/test";
import { settled, signIn, test } from "./support";

/// Back to China Standard Time, whatever the test reached: later specs read aku's times.
async function resetZone(page: Page) {
  const origin = new URL(page.url()).origin;
  const reset = await page.request.post("/api/set_time_zone", {
    form: { time_zone: "Asia/Shanghai" },
    headers: { Origin: origin, Accept: "application/json" },
  });
  expect(reset.status()).toBe(200);
}

test("偏好设置: times follow the viewer's time zone, named on deadlines and bills", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  await signIn(page, testInfo, "aku@example.com");
  try {
    await page.getByTestId("user-menu").click();
    await page.getByRole("link", { name: "偏好设置" }).click();
    await expect(page).toHaveURL(/\/account\/preferences$/);
    await expect(page.getByRole("heading", { name: "偏好设置" })).toBeVisible();
    await settled(page, testInfo);
    const zone = page.getByLabel("时区");
    await expect(zone).toHaveValue("Asia/Shanghai");
    await expect(zone.locator("option:checked")).toHaveText("(UTC+08:00) 北京、上海（北京时间）");
    await expect(page.getByTestId("time-zone-now")).toContainText("(UTC+08:00)");

    await zone.selectOption("America/New_York");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByTestId("preferences-saved")).toHaveText("已保存");
    await expect(page.getByTestId("time-zone-now")).toContainText(/\(UTC-0[45]:00\)/);
    await expect(zone).toHaveValue("America/New_York");
    if (js) {
      // A toast tells of the success, then goes by itself; the inline notice stays.
      const toast = page.getByTestId("toasts").getByText("偏好设置已保存");
      await expect(toast).toBeVisible();
      await expect(toast).toBeHidden({ timeout: 8_000 });
    } else {
      await expect(page).toHaveURL(/\/account\/preferences\?saved=1$/);
    }

    // Created 2019-12-06 11:02 in Shanghai: the evening before in New York.
    await page.goto("/orders/20191206030252180");
    await settled(page, testInfo);
    await expect(page.getByText("2019-12-05 22:02").first()).toBeVisible();
    await expect(page.getByText("2019-12-06 11:02")).toHaveCount(0);

    // The list's days are the viewer's days.
    await page.goto("/orders?from=2019-12-05&to=2019-12-05");
    await settled(page, testInfo);
    await expect(page.getByRole("cell", { name: "20191206030252180", exact: true })).toBeVisible();
    await page.goto("/orders?from=2019-12-06&to=2019-12-06");
    await settled(page, testInfo);
    await expect(page.getByRole("cell", { name: "20191206030252180", exact: true })).toHaveCount(0);

    // A bill names the zone of its times.
    await page.goto("/bills/201911010001");
    await settled(page, testInfo);
    await expect(page.getByTestId("bill-zone")).toHaveText("账单中的时间按纽约（东部时间）显示");
  } finally {
    await resetZone(page);
  }
  await page.goto("/bills/201911010001");
  await expect(page.getByTestId("bill-zone")).toHaveText("账单中的时间按北京、上海（北京时间）显示");
});

test("偏好设置 keeps the choice when the save is refused", async ({ page }, testInfo) => {
  await signIn(page, testInfo, "aku@example.com");
  await page.goto("/account/preferences");
  await settled(page, testInfo);
  // A zone the list does not offer (a tampered form) is refused next to the field.
  await page.getByLabel("时区").evaluate((select: HTMLSelectElement) => {
    const odd = document.createElement("option");
    odd.value = "Mars/Olympus";
    odd.textContent = "Mars";
    select.append(odd);
    select.value = "Mars/Olympus";
  });
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("请从列表中选择时区")).toBeVisible();
  await expect(page.getByTestId("preferences-saved")).toHaveCount(0);
});
