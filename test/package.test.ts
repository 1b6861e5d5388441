import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { projectRoot, run } from "./helpers/project.js";

// What a user gets from `npm install zapi-client`: the packed tarball, installed into a
// fresh project, type-checked strictly and run against the Prism mock.
const consumer = `
import { createZApiClient, ZApiError, ZApiValidationError, type AddParticipantInput, type EmptyAnswer } from "zapi-client";
import { createWebhookHandler, parseWebhook, toNodeListener, type WebhookEvent } from "zapi-client/webhooks";

// Under exactOptionalPropertyTypes, an option read from somewhere may be undefined.
const fromSecretStore: string | undefined = undefined;
const client = createZApiClient({ instanceId: "demo-instance", token: "demo-token", clientToken: fromSecretStore });
const body: AddParticipantInput = { autoInvite: true, communityId: "120363019502650977", phones: ["+55 44 99999-9999", "5544988888888"] };
const result: { value: boolean } | EmptyAnswer = await client.addParticipant(body);
// @ts-expect-error an answer may have been empty: narrow first
void result.value;

// @ts-expect-error both ids are refused by the types
const both: AddParticipantInput = { autoInvite: true, communityId: "1", groupId: "1-group", phones: ["1"] };
void both;

let refused = "";
try {
  await client.addParticipant({ autoInvite: true, communityId: "1", phones: [] });
} catch (error) {
  if (error instanceof ZApiValidationError && error instanceof ZApiError) refused = error.problems[0]?.path ?? "";
}
// The receiver, from its own entry point; its errors are the client's classes.
const seen: string[] = [];
const secret = "consumer-secret-0123456789";
const handler = createWebhookHandler({ secret, onEvent: (event: WebhookEvent) => void seen.push(String(event.notification)) });
const delivery = { notification: "GROUP_PARTICIPANT_ADD", messageId: "m1", phone: "120363019502650977-group", notificationParameters: ["5544999999999"] };
const answer = await handler(new Request("https://example.test/zapi/events?secret=" + secret, { method: "POST", body: JSON.stringify(delivery) }));
const listener: (request: never, response: never) => void = toNodeListener(handler);
void listener;
let sameClasses = false;
try {
  parseWebhook({ notification: 42 });
} catch (error) {
  sameClasses = error instanceof ZApiValidationError && error instanceof ZApiError;
}
console.log(JSON.stringify({ result, refused, webhook: { status: answer.status, seen, sameClasses } }));
`;

let dir: string;
let tarball: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "zapi-package-test-"));
  // dist/ was built by the global setup; packing must not rebuild it under other tests.
  const packed = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir, "--silent"]);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(dir, readdirSync(dir).find((name) => name.endsWith(".tgz"))!);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the published package", () => {
  it("ships its LICENSE, readable code with its source maps, and the spec; not the command's sources or the tests", async () => {
    const listed = (await run("tar", ["-tzf", tarball])).stdout.split("\n");
    for (const file of ["package/LICENSE", "package/dist/index.js", "package/dist/index.js.map", "package/dist/webhooks.js.map", "package/dist/cli.js.map", "package/spec/zapi.yaml"]) {
      expect(listed).toContain(file);
    }
    expect(listed.filter((file) => /^package\/(src|test|scripts)\//.test(file))).toEqual([]);
  });

  it("passes publint", async () => {
    const linted = await run(`${projectRoot}node_modules/.bin/publint`, ["run", tarball, "--strict"]);
    expect(linted.code, linted.stdout + linted.stderr).toBe(0);
    expect(linted.stdout).toContain("All good!");
  });

  it("passes arethetypeswrong as an ESM-only package", async () => {
    const checked = await run(`${projectRoot}node_modules/.bin/attw`, [tarball, "--profile", "esm-only", "--format", "ascii"]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    const problems = checked.stdout.split("\n").filter((line) => /💀|❌|⚠️/.test(line) && !line.includes("ignored"));
    expect(problems).toEqual([]);
    expect(checked.stdout).toContain("node16 (from ESM)");
  });

  it("installs into a fresh project, type-checks in strict mode without Node types, and runs both entry points (the client against Prism)", async () => {
    const app = join(dir, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { "zapi-client": `file:${tarball}` } }));
    writeFileSync(join(app, "consumer.ts"), consumer);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: [],
          outDir: "out",
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          // The package's own .d.ts (and openapi-fetch's) are checked under these settings;
          // TypeScript's lib files are not ours to check, and are most of tsc's time here.
          skipDefaultLibCheck: true,
        },
        files: ["consumer.ts"],
      }),
    );
    const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });
    expect(installed.code, installed.stderr).toBe(0);

    const compiled = await run(`${projectRoot}node_modules/.bin/tsc`, ["-p", app], { cwd: app });
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);

    const ran = await run(process.execPath, [join(app, "out/consumer.js")], {
      cwd: app,
      env: { ...process.env, ZAPI_BASE_URL: inject("prismUrl"), ZAPI_INSTANCE_ID: "", ZAPI_TOKEN: "", ZAPI_CLIENT_TOKEN: "" },
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ result: { value: true }, refused: "/phones", webhook: { status: 204, seen: ["GROUP_PARTICIPANT_ADD"], sameClasses: true } });
  });
});
