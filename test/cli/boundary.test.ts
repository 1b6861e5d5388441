// The command ships beside the client without weighing on it: importing the client loads
// nothing the command needs, and the command reuses the built client.
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/project.js";

const specifiers = (code: string) => [...code.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);

describe("package boundaries", () => {
  it("dist/index.js, the client, imports only its own chunks up front: openapi-fetch is in them, with its licence beside it; the phone module only when a call names a phone; no command code", () => {
    const client = readFileSync(`${projectRoot}dist/index.js`, "utf8");
    const chunks = specifiers(client);
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk).toMatch(/^\.\/chunks\/[\w-]+\.js$/);
    const loaded = [["dist/index.js", client] as const, ...chunks.map((chunk) => [`dist/${chunk!.slice(2)}`, readFileSync(`${projectRoot}dist/${chunk}`, "utf8")] as const)];
    const code = loaded.map(([, text]) => text).join("\n");
    expect(code).toContain("function createClient(");
    expect(readFileSync(`${projectRoot}dist/openapi-fetch.LICENSE`, "utf8")).toContain("Copyright (c) 2023 Drew Powers");
    // The one module loaded on demand is dist/phones.js, wherever the import() sits.
    const onDemand = loaded.flatMap(([file, text]) => [...text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)].map((m) => posix.join(posix.dirname(file), m[1]!)));
    expect(onDemand).toEqual(["dist/phones.js"]);
    // None of libphonenumber-js's code or metadata (a message may name it).
    expect(code).not.toContain("validatePhoneNumberLength");
    expect(code).not.toContain("country_calling_codes");
    expect(code).not.toMatch(/from\s*["']libphonenumber/);
    const phones = readFileSync(`${projectRoot}dist/phones.js`, "utf8");
    expect(specifiers(phones)).toEqual(["libphonenumber-js/max"]);
    expect(code).not.toContain("add-participants");
  });

  it("dist/index.js is readable, not minified, and its error classes keep their names for loggers and util.inspect", async () => {
    const client = readFileSync(`${projectRoot}dist/index.js`, "utf8");
    expect(client.split("\n").length).toBeGreaterThan(200);
    expect(client).toContain("function createZApiClient(");
    expect(client).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    const built = (await import(`${projectRoot}dist/index.js`)) as Record<string, unknown>;
    const classes = Object.entries(built).filter(([name]) => name.endsWith("Error"));
    expect(classes.map(([name]) => name).sort()).toEqual(["ZApiAbortError", "ZApiError", "ZApiHttpError", "ZApiNetworkError", "ZApiResponseError", "ZApiTimeoutError", "ZApiValidationError"]);
    for (const [name, errorClass] of classes) {
      const prototype = (errorClass as { prototype: object }).prototype;
      expect((errorClass as { name: string }).name).toBe(name);
      expect(inspect(Object.create(prototype))).toMatch(new RegExp(`^\\[?${name}\\b`));
    }
    const zapi = (built["createZApiClient"] as (options: object) => { addParticipant(input: object): Promise<unknown> })({ instanceId: "i", token: "t" });
    const thrown = await zapi.addParticipant({}).catch((error: unknown) => error);
    expect(inspect(thrown)).toMatch(/^ZApiValidationError: Invalid input for addParticipant/);
  });

  it("dist/cli.js is an executable module that uses the built client, libphonenumber-js and node built-ins", () => {
    const cli = readFileSync(`${projectRoot}dist/cli.js`, "utf8");
    expect(cli.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const imported = new Set(specifiers(cli));
    expect(imported).toContain("./index.js");
    expect(imported).toContain("./phones.js");
    expect([...imported].filter((s) => s !== "./index.js" && s !== "./phones.js" && !s!.startsWith("node:"))).toEqual([]);
    // One copy of the client: its classes are imported, not bundled again.
    expect(cli).not.toContain("class ZApiHttpError");
  });

  it("package.json ships the command as the zapi-client executable, with libphonenumber-js pinned", () => {
    const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, "utf8")) as { bin: unknown; files: string[]; dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ "zapi-client": "dist/cli.js" });
    expect(pkg.files.some((pattern) => pattern === "dist/cli.js" || pattern === "dist/*.js")).toBe(true);
    expect(pkg.dependencies["libphonenumber-js"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts["start"]).toContain("scripts/demo.mjs");
  });
});
