import { existsSync, mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, run } from "../helpers/project.js";

// Debian's chromium; the test never downloads a browser. .ci/run installs it on CI.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`docs.test.ts: skipping the rendered-docs test, no Chromium at ${CHROMIUM} (apt-get install chromium).`);
}
const docsFile = `${projectRoot}build/docs/index.html`;
const screenshot = `${projectRoot}test-output/docs.png`;

describe.skipIf(!hasChromium)("npm run docs, opened in headless Chromium", () => {
  let browser: Browser;
  let text = "";
  const responseTexts: Record<string, string> = {};
  const blocked: string[] = [];

  beforeAll(async () => {
    const built = await run("npm", ["run", "docs"]);
    expect(built.code, built.stderr).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // This machine has no network: stop Chromium's background calls home.
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Self-contained means nothing from the network is needed to render it.
    await page.route(/^https?:/, (route) => {
      blocked.push(route.request().url());
      return route.abort();
    });
    await page.goto(pathToFileURL(docsFile).href);
    // As a reader would: open the operation, its security details, then each response.
    await page.getByText("/instances/{instanceId}/token/{token}/add-participant").first().click({ timeout: 20_000 });
    await page.getByText("Add participants to a community or group").first().waitFor();
    await page.getByText("View security details").first().click();
    text = await page.locator("body").innerText();
    await page.keyboard.press("Escape");
    for (const status of ["405", "415"]) {
      await page.getByRole("tab", { name: status }).or(page.getByText(status, { exact: true })).first().click();
      responseTexts[status] = await page.locator("body").innerText();
    }
    mkdirSync(`${projectRoot}test-output`, { recursive: true });
    await page.getByText("Community form (the documentation's example)").first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot });
  });
  afterAll(() => browser?.close());

  it("renders the operation with its method and path", () => {
    expect(text).toContain("Add participants to a community or group");
    expect(text).toMatch(/post/i);
    expect(text).toContain("/instances/{instanceId}/token/{token}/add-participant");
  });

  it("shows the Client-Token header and says it is optional", () => {
    expect(text).toContain("Client-Token");
    expect(text).toMatch(/opt-in account feature/);
  });

  it("shows the three documented responses, each with the seed's guidance", () => {
    for (const status of ["200", "405", "415"]) expect(text).toMatch(new RegExp(`\\b${status}\\b`));
    expect(text).toContain("value is true if the participants were added");
    expect(responseTexts["405"]).toContain("Make sure you are sending the method this operation");
    expect(responseTexts["415"]).toContain("Add the Content-Type header");
  });

  it("shows the seed's example request", () => {
    expect(text).toContain("120363019502650977");
    expect(text).toContain("5544999999999");
    expect(text).toContain("5544888888888");
  });

  it("saved a screenshot and rendered with every network request blocked", () => {
    expect(existsSync(screenshot)).toBe(true);
    console.log(`docs screenshot: ${screenshot}; ${blocked.length} optional network request(s) blocked`);
  });
});
