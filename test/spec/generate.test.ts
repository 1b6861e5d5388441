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

const generate = (...args: string[]) => run(process.execPath, ["scripts/generate.mjs", "--root", copy, ...args]);

describe("npm run generate", () => {
  it("writes byte-identical files on every run, identical to the committed ones", async () => {
    expect((await generate()).code).toBe(0);
    const names = readdirSync(join(projectRoot, "generated")).sort();
    expect(names).toEqual(["operations.ts", "version.ts", "webhooks.ts", "zapi.ts"]);
    const first = names.map((name) => readFileSync(join(copy, "generated", name)));
    expect((await generate()).code).toBe(0);
    const second = names.map((name) => readFileSync(join(copy, "generated", name)));
    expect(second).toEqual(first);
    names.forEach((name, i) => expect(first[i]!.equals(readFileSync(join(projectRoot, "generated", name))), name).toBe(true));
  });

  it("generate:check fails and names the stale file when the spec changed but generated/ did not", async () => {
    const specPath = join(copy, "spec/zapi.yaml");
    const original = readFileSync(specPath, "utf8");
    // (The unchanged copy passes the check: npm test runs generate:check on the project first.)
    try {
      writeFileSync(specPath, original.replace("maxLength: 15", "maxLength: 16"));
      const stale = await generate("--check");
      expect(stale.code).toBe(1);
      // The types do not carry maxLength, so only the run-time schemas are stale.
      expect(stale.stderr).toContain("generated/operations.ts is stale");
      expect(stale.stderr).not.toContain("generated/zapi.ts");

      writeFileSync(specPath, original.replace("summary: Add participants to a community or group", "summary: Add people"));
      const staleTypes = await generate("--check");
      expect(staleTypes.code).toBe(1);
      expect(staleTypes.stderr).toContain("generated/zapi.ts is stale");
    } finally {
      writeFileSync(specPath, original);
    }
  });
});
