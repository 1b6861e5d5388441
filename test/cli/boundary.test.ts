// The command ships beside the client without weighing on it: importing the client loads
// nothing the command needs, and the command reuses the built client.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/project.js";

const specifiers = (code: string) => [...code.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);

describe("package boundaries", () => {
  it("dist/index.js, the client, imports openapi-fetch and nothing else: no libphonenumber-js, no command code", () => {
    const client = readFileSync(`${projectRoot}dist/index.js`, "utf8");
    expect(specifiers(client)).toEqual(["openapi-fetch"]);
    expect(client).not.toMatch(/\bimport\s*\(/);
    expect(client).not.toContain("libphonenumber");
    expect(client).not.toContain("add-participants");
  });

  it("dist/cli.js is an executable module that uses the built client, libphonenumber-js and node built-ins", () => {
    const cli = readFileSync(`${projectRoot}dist/cli.js`, "utf8");
    expect(cli.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const imported = new Set(specifiers(cli));
    expect(imported).toContain("./index.js");
    expect(imported).toContain("libphonenumber-js/max");
    expect([...imported].filter((s) => s !== "./index.js" && s !== "libphonenumber-js/max" && !s!.startsWith("node:"))).toEqual([]);
    // One copy of the client: its classes are imported, not bundled again.
    expect(cli).not.toContain("class ZApiHttpError");
  });

  it("package.json ships the command as the zapi-client executable, with libphonenumber-js pinned", () => {
    const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, "utf8")) as { bin: unknown; files: string[]; dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ "zapi-client": "dist/cli.js" });
    expect(pkg.files).toContain("dist/cli.js");
    expect(pkg.dependencies["libphonenumber-js"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.scripts["start"]).toContain("scripts/demo.mjs");
  });
});
