import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, run } from "../helpers/project.js";

// A copy of what generation reads and writes, so nothing here touches the real project.
let copy: string;
beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "zapi-generate-test-"));
  for (const entry of ["spec", "generated", "redocly.yaml", "package.json"]) cpSync(join(projectRoot, entry), join(copy, entry), { recursive: true });
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));


describe("npm run generate", () => {
  // That generation is byte-for-byte deterministic and that generated/ matches the spec is
  // what `npm run generate:check` proves at the start of every `npm test`, on the project
  // itself. Here: that the check catches a stale file and names it.
  it("generate:check fails and names the stale file, and only it, when the spec changed but generated/ did not", async () => {
    const original = readFileSync(join(copy, "spec/zapi.yaml"), "utf8");
    // An edit that only the run-time schemas carry (the types have no maxLength): the check
    // compares every generated file on its own, so it must name operations.ts and no other.
    writeFileSync(join(copy, "spec/zapi.yaml"), original.replace("maxLength: 15", "maxLength: 16"));
    const stale = await run(process.execPath, ["scripts/generate.mjs", "--root", copy, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("generated/operations.ts is stale");
    for (const file of ["zapi.ts", "webhooks.ts", "version.ts"]) expect(stale.stderr).not.toContain(`generated/${file}`);
  });

  it("has exactly the files the README lists", () => {
    expect(readdirSync(join(projectRoot, "generated")).sort()).toEqual(["errors.ts", "operations.ts", "version.ts", "webhooks.ts", "zapi.ts"]);
  });
});
