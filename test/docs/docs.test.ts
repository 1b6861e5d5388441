import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { projectRoot, run } from "../helpers/project.js";
import { documentedSpec, type DocumentedOperation, type DocumentedTag } from "./spec.js";

// Debian's chromium; the test never downloads a browser. .ci/run installs it and runs this
// file on its own (ZAPI_DOCS_TEST=1), after npm test: a headless browser is what only CI is
// sure to have, and its 25 s of rendering would take a third of npm test's budget.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const wanted = process.env["ZAPI_DOCS_TEST"] === "1";
if (!wanted) console.warn("docs.test.ts: skipping the rendered-docs test here; .ci/run runs it with ZAPI_DOCS_TEST=1 (or run that yourself).");
else if (!hasChromium) console.warn(`docs.test.ts: skipping the rendered-docs test, no Chromium at ${CHROMIUM} (apt-get install chromium).`);
const docsFile = `${projectRoot}build/docs/index.html`;
const screenshot = `${projectRoot}test-output/docs.png`;

// Redoc 3.0.1 (what Redocly CLI 2.x renders with) always draws its "API docs by" attribution
// as <img src="https://cdn.redoc.ly/...">, and no option turns it off; the page template's
// Content-Security-Policy (docs/template.hbs) stops the browser from even asking for it.

/** Redoc 3 routes: one page per tag (#/tag), one section per operation (#/tag/operationid). */
const slug = (name: string) => name.toLowerCase();
const sectionOf = (page: Page, operation: DocumentedOperation) =>
  page.locator(`[data-section-id="/${slug(operation.tag)}/${slug(operation.operationId)}"]`).first();
const squash = (text: string) => text.replace(/\s+/g, " ").trim();

describe.runIf(wanted && hasChromium)("npm run docs, opened in headless Chromium", () => {
  let browser: Browser;
  let documented: DocumentedOperation[] = [];
  let documentedTags: DocumentedTag[] = [];
  /** Each operation's section, as rendered (innerText) once scrolled into view. */
  const sections: Record<string, string> = {};
  const tagPages: Record<string, string> = {};
  const responseTexts: Record<string, string> = {};
  let securityText = "";
  let payloadText = "";
  let buildOutput = "";
  const attempted: string[] = [];
  const refusedByPolicy: string[] = [];
  const failedSteps: Record<string, string> = {};
  const step = (name: string, action: () => Promise<void>) =>
    action().catch((error: unknown) => {
      failedSteps[name] = String(error);
    });

  beforeAll(async () => {
    // The build, the spec and the browser, side by side; afterAll closes the browser whatever fails.
    const [built, spec] = await Promise.all([
      run("npm", ["run", "docs"]),
      documentedSpec(),
      chromium
        .launch({
          executablePath: CHROMIUM,
          // This machine has no network: stop Chromium's background calls home.
          args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        })
        .then((launched) => (browser = launched)),
    ]);
    expect(built.code, built.stderr).toBe(0);
    // No boxed notice: the ones Redocly prints on every run are dropped by scripts/redocly.mjs.
    buildOutput = built.stdout + built.stderr;
    ({ operations: documented, tags: documentedTags } = spec);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
    // Self-contained means nothing from the network is needed, or even asked for: record
    // every request that is not of the file itself, and let none through.
    // Playwright reports a request the page's own Content-Security-Policy refused (failure
    // "csp") too, though it never reaches the network: those are told apart, not counted.
    page.on("requestfailed", (request) => {
      if (request.failure()?.errorText === "csp") refusedByPolicy.push(request.url());
    });
    page.on("websocket", (socket) => attempted.push(socket.url()));
    await page.route(/^(https?|wss?|ftp):/, (route) => {
      attempted.push(route.request().url());
      return route.abort();
    });
    // One page load. Redoc 3 shows one tag at a time and mounts each operation as it nears
    // the viewport, so, as a reader scrolling through, visit each tag and each operation.
    // The tag holding addParticipant comes last: its extra clicks change shared state.
    const tags = [...new Set(documented.map(({ tag }) => tag))].sort((a, b) => Number(a === "Participants") - Number(b === "Participants"));
    await page.goto(`${pathToFileURL(docsFile).href}#/${slug(tags[0]!)}`);
    for (const tag of tags) {
      await page.evaluate(`location.hash = "#/${slug(tag)}"`);
      const tagSection = page.locator(`[data-section-id="/${slug(tag)}"]`).first();
      await renderedText(tagSection, tag);
      // A tag's page lists its first operations and folds the rest behind "Show N more".
      const more = tagSection.getByText(/^Show \d+ more/).first();
      if (await more.isVisible().catch(() => false)) await more.click();
      tagPages[tag] = await renderedText(tagSection, tag);
      for (const operation of documented.filter((o) => o.tag === tag)) {
        sections[operation.operationId] = await renderedText(sectionOf(page, operation), operation.summary);
      }
    }

    // As a reader would, on addParticipant: look at it, open its security details, then each
    // error response, then the request sample's other tab. Each step that fails is reported
    // by the test that needs it, not as a failure of the whole file.
    const add = sectionOf(page, documented.find(({ operationId }) => operationId === "addParticipant")!);
    await step("screenshot", async () => {
      await add.evaluate((element) => element.scrollIntoView({ block: "start" }));
      mkdirSync(`${projectRoot}test-output`, { recursive: true });
      await page.screenshot({ path: screenshot });
    });
    await step("security", async () => {
      await add.getByText("View security details").first().click();
      await page.getByText("opt-in account feature").first().waitFor();
      securityText = await page.locator("body").innerText();
      await page.keyboard.press("Escape");
    });
    for (const status of ["405", "415"]) {
      await step(status, async () => {
        await add.getByRole("tab", { name: status, exact: true }).first().click();
        responseTexts[status] = await add.innerText();
      });
    }
    await step("payload", async () => {
      const panel = add.locator(".panel-request-samples").first();
      await panel.getByRole("button", { name: "zapi-client" }).first().click();
      await page.getByRole("menuitem", { name: "Payload" }).or(page.getByText("Payload", { exact: true })).first().click();
      await panel.getByText('"communityId"').first().waitFor();
      payloadText = await add.innerText();
    });
  }, 60_000);
  afterAll(() => browser?.close());

  it("npm run docs printed no warning banner", () => {
    expect(buildOutput).toContain("bundled successfully");
    expect(buildOutput).not.toMatch(/[╔║╚]/);
  });

  it("covers every operation and the webhook of the spec", () => {
    expect(documented.filter(({ webhook }) => !webhook).map(({ operationId }) => operationId).sort()).toEqual(Object.keys(operations).sort());
    expect(documented.filter(({ webhook }) => webhook).map(({ operationId }) => operationId)).toEqual(["onMessageReceived"]);
  });

  it("renders every tag with its description and the list of its operations and webhooks", () => {
    expect(Object.keys(tagPages).sort()).toEqual(documentedTags.map(({ name }) => name).sort());
    for (const { name, description } of documentedTags) {
      const text = squash(tagPages[name] ?? "");
      expect(text, name).toContain(squash(description));
      for (const operation of documented.filter((o) => o.tag === name)) expect(text, name).toContain(operation.path);
    }
  });

  it("renders every operation with its summary, method and path", () => {
    for (const operation of documented.filter(({ webhook }) => !webhook)) {
      const text = sections[operation.operationId] ?? "";
      expect(text, operation.operationId).toContain(operation.summary);
      expect(text, operation.operationId).toMatch(new RegExp(`\\b${operation.method.toUpperCase()}\\b`));
      expect(text, operation.operationId).toContain(operation.path);
    }
  });

  it("shows every operation's zapi-client TypeScript sample, open, as its request sample", () => {
    const withSamples = documented.filter(({ samples }) => samples.length > 0);
    expect(withSamples).toHaveLength(Object.keys(operations).length);
    for (const operation of withSamples) {
      const text = squash(sections[operation.operationId] ?? "");
      expect(text, operation.operationId).toContain("zapi-client");
      for (const sample of operation.samples) expect(text, operation.operationId).toContain(squash(sample.source));
    }
  });

  it("renders the onMessageReceived webhook", () => {
    const webhook = documented.find(({ operationId }) => operationId === "onMessageReceived")!;
    const text = sections["onMessageReceived"] ?? "";
    expect(text).toContain(webhook.summary);
    expect(text).toContain("Webhook");
    expect(text).toContain("MEMBERSHIP_APPROVAL_REQUEST");
    expect(text).toContain("Join request through an invitation link");
  });

  it("shows the Client-Token header and says it is optional", () => {
    expect(failedSteps["security"]).toBeUndefined();
    expect(securityText).toContain("Client-Token");
    expect(securityText).toContain("It is an opt-in account feature");
    expect(securityText).toContain("Until it is activated, requests without the header are accepted");
  });

  it("shows addParticipant's documented responses, each with the spec's guidance", () => {
    expect(failedSteps).not.toHaveProperty("405");
    expect(failedSteps).not.toHaveProperty("415");
    const text = sections["addParticipant"] ?? "";
    for (const status of ["200", "405", "415", "default"]) expect(text).toMatch(new RegExp(`^${status}$`, "m"));
    expect(text).toContain("value is true if it worked and false if it failed");
    expect(responseTexts["405"]).toContain("Method not allowed. Every page carries the same note: make sure you are sending the method this operation specifies");
    expect(responseTexts["415"]).toContain("Unsupported media type. Every page carries the same note: add the Content-Type header of the body you send, application/json.");
  });

  it("shows the seed's example request", () => {
    expect(failedSteps["payload"]).toBeUndefined();
    expect(payloadText).toContain("Community form (the documentation's example, its impossible second phone corrected)");
    expect(squash(payloadText)).toContain('{ "autoInvite": true, "communityId": "120363019502650977", "phones": [ "5544999999999", "5544988888888" ] }');
  });

  it("saved a screenshot, and the page asked the network for nothing at all", () => {
    expect(failedSteps["screenshot"]).toBeUndefined();
    expect(existsSync(screenshot)).toBe(true);
    expect(statSync(screenshot).size).toBeGreaterThan(50_000);
    expect(attempted).toEqual([]);
    console.log(`docs: 0 network requests; refused by the page's policy before any was made: ${refusedByPolicy.join(", ") || "none"}`);
    expect(readFileSync(docsFile, "utf8")).toContain('http-equiv="Content-Security-Policy" content="default-src \'none\'');
    // Its traces would leave only seconds after load, maybe after this test: check the build.
    expect(readFileSync(docsFile, "utf8")).toContain('"disableTelemetry":true');
  });
});

/**
 * The text a reader sees in a section, once it is scrolled into view: Redoc mounts a section
 * as it nears the viewport, and its content-visibility: auto leaves off-screen text unrendered.
 */
async function renderedText(section: Locator, heading: string) {
  for (let tries = 0; ; tries++) {
    // The placeholder it replaces can be detached under the scroll: look it up again.
    const text = await section
      .scrollIntoViewIfNeeded({ timeout: 5_000 })
      .then(() => section.innerText())
      .catch((error: unknown) => (tries < 40 ? "" : Promise.reject(error)));
    if (text.includes(heading) || tries === 40) return text;
    await section.page().waitForTimeout(50);
  }
}
