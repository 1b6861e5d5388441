// The built package as a user meets it: what a bundler carries for one import, what an
// uncaught error prints, and whether the source maps lead back to the TypeScript. dist/ is
// built once by the global setup.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, run } from "./helpers/project.js";
import { refusedUrl } from "./helpers/server.js";

// A project of its own that depends on zapi-client (a link to this one), so that "zapi-client"
// resolves through package.json's exports to dist/, as in a user's project: from the
// project root, tsconfig's paths would send it to src/.
let app: string;
beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "zapi-build-test-"));
  mkdirSync(join(app, "node_modules"));
  symlinkSync(projectRoot, join(app, "node_modules", "zapi-client"), "dir");
});
afterAll(() => rmSync(app, { recursive: true, force: true }));

/**
 * What a bundler carries for `code`: the entry's output and the chunks it imports at once
 * (code splitting, as a bundler for the web does). A chunk loaded by `import()` is counted
 * apart, as `lazy`: it is fetched only when the call that needs it is made.
 */
async function bundle(code: string) {
  const result = await esbuild.build({
    stdin: { contents: code, resolveDir: app, loader: "js" },
    // The metafile names outputs relative to this directory; from anywhere else, join(app, name) misses them.
    absWorkingDir: app,
    bundle: true,
    splitting: true,
    outdir: join(app, "out"),
    format: "esm",
    platform: "neutral",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const texts = new Map(result.outputFiles.map((file) => [file.path, file.text]));
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint !== undefined)!;
  const eager = new Set<string>();
  const visit = (name: string) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const imported of outputs[name]!.imports) if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(entry);
  const text = (names: string[]) =>
    names
      .map((name) => {
        const found = texts.get(join(app, name));
        if (found === undefined) throw new Error(`esbuild's metafile names ${name}, which is not among its outputs`);
        return found;
      })
      .join("\n");
  const lazy = Object.keys(outputs).filter((name) => !eager.has(name));
  return { eager: text([...eager]), lazy: text(lazy) };
}

describe("what a bundler carries", () => {
  it("for `import { createZApiClient }`: the client, and neither the webhook receiver, the delivery schema, the command nor libphonenumber-js", async () => {
    const { eager, lazy } = await bundle('import { createZApiClient } from "zapi-client";\nglobalThis.client = createZApiClient;\n');
    expect(eager).toContain("function createZApiClient");
    expect(eager).toContain("addParticipant");
    for (const receiver of ["createWebhookHandler", "toNodeListener", "parseWebhook", "Method Not Allowed"]) expect(eager).not.toContain(receiver);
    // The delivery schema: its variable and the notifications only it names.
    for (const schema of ["onMessageReceivedSchema", "MEMBERSHIP_APPROVAL_REQUEST", "REVOKED_MEMBERSHIP_REQUESTS"]) expect(eager).not.toContain(schema);
    for (const command of ["runCommand", "add-participants", "journal"]) expect(eager).not.toContain(command);
    // None of libphonenumber-js's code or metadata (a message may name it): it is in a chunk loaded on demand.
    for (const phones of ["validatePhoneNumberLength", "country_calling_codes"]) expect(eager).not.toContain(phones);
    expect(lazy).toContain("country_calling_codes");
  });

  it("for `zapi-client/webhooks`: the receiver and its schema, without the client's operations or openapi-fetch", async () => {
    const { eager } = await bundle('import { createWebhookHandler, toNodeListener } from "zapi-client/webhooks";\nglobalThis.receiver = [createWebhookHandler, toNodeListener];\n');
    expect(eager).toContain("function createWebhookHandler");
    expect(eager).toContain("MEMBERSHIP_APPROVAL_REQUEST");
    for (const client of ["function createZApiClient", "addParticipant", "getGroupMetadata", "querySerializer", "country_calling_codes", "runCommand"]) expect(eager).not.toContain(client);
  });
});

describe("an uncaught error from the built package", () => {
  // Creation fails: no token anywhere. Node prints the source line of the throw, then the error.
  const script = 'import { createZApiClient } from "zapi-client";\ncreateZApiClient({ instanceId: "demo-instance" });\n';
  const env = { ...process.env, ZAPI_TOKEN: "", ZAPI_INSTANCE_ID: "", ZAPI_CLIENT_TOKEN: "", NODE_OPTIONS: "" };

  it("prints less than 2 KB before its message, and its stack names real functions", async () => {
    const { code, stderr } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: app, env });
    expect(code).toBe(1);
    const at = stderr.indexOf("ZApiError: Missing `token`");
    expect(at, stderr.slice(0, 500)).toBeGreaterThanOrEqual(0);
    expect(Buffer.byteLength(stderr.slice(0, at))).toBeLessThan(2048);
    const frames = stderr.slice(at).split("\n").filter((line) => /^\s+at /.test(line));
    expect(frames.join("\n")).toMatch(/^\s+at (resolveOptions|createZApiClient) \(file:.*\/dist\//m);
  });

  it("a call's error left unhandled (an awaited network failure) prints less than 2 KB before its message too", async () => {
    const baseUrl = await refusedUrl();
    const call = `import { createZApiClient } from "zapi-client";\nawait createZApiClient({ instanceId: "demo-instance", token: "tok-123456789", baseUrl: ${JSON.stringify(baseUrl)}, retry: false }).getGroupMetadata({ groupId: "1-group" });\n`;
    const { code, stderr } = await run(process.execPath, ["--input-type=module", "-e", call], { cwd: app, env });
    expect(code).toBe(1);
    const at = stderr.indexOf("ZApiNetworkError: The request to Z-API at 127.0.0.1:");
    expect(at, stderr.slice(0, 500)).toBeGreaterThanOrEqual(0);
    expect(Buffer.byteLength(stderr.slice(0, at))).toBeLessThan(2048);
    expect(stderr.slice(at).split("\n").filter((line) => /^\s+at /.test(line))[0]).toMatch(/^\s+at networkError \(file:.*\/dist\//);
    expect(stderr).not.toContain("tok-123456789");
  });

  it("with --enable-source-maps, points into the TypeScript (the maps carry it: src/ is not shipped)", async () => {
    const { stderr } = await run(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", script], { cwd: app, env });
    expect(stderr).toMatch(/at resolveOptions \(.*src\/core\/options\.ts:\d+:\d+\)/);
    for (const map of ["index.js.map", "webhooks.js.map", "cli.js.map"]) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(`${projectRoot}dist/${map}`, "utf8")) as { sources: string[]; sourcesContent: string[] };
      expect(sourcesContent, map).toHaveLength(sources.length);
    }
  });
});
