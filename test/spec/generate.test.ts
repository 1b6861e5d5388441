import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
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
  it("generate:check fails and names the stale file when the spec changed but generated/ did not", async () => {
    const original = readFileSync(join(copy, "spec/zapi.yaml"), "utf8");
    // Two copies, checked side by side: one edit the types do not carry, one they do.
    const second = mkdtempSync(join(tmpdir(), "zapi-generate-test-"));
    onTestFinished(() => rmSync(second, { recursive: true, force: true }));
    for (const entry of ["spec", "generated", "redocly.yaml", "package.json"]) cpSync(join(copy, entry), join(second, entry), { recursive: true });
    writeFileSync(join(copy, "spec/zapi.yaml"), original.replace("maxLength: 15", "maxLength: 16"));
    writeFileSync(join(second, "spec/zapi.yaml"), original.replace("summary: Add participants to a community or group", "summary: Add people"));
    const check = (root: string) => run(process.execPath, ["scripts/generate.mjs", "--root", root, "--check"]);
    const [stale, staleTypes] = await Promise.all([check(copy), check(second)]);
    expect(stale.code).toBe(1);
    // The types do not carry maxLength, so only the run-time schemas are stale.
    expect(stale.stderr).toContain("generated/operations.ts is stale");
    expect(stale.stderr).not.toContain("generated/zapi.ts");
    expect(staleTypes.code).toBe(1);
    expect(staleTypes.stderr).toContain("generated/zapi.ts is stale");
  });

  it("has exactly the files the README lists", () => {
    expect(readdirSync(join(projectRoot, "generated")).sort()).toEqual(["operations.ts", "version.ts", "webhooks.ts", "zapi.ts"]);
  });
});
