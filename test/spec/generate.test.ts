import { cpSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staleFiles } from "../../scripts/generate.mjs";
import { projectRoot } from "../helpers/project.js";

// That generation is byte-for-byte deterministic and that generated/ matches the spec is what
// `npm run generate:check` proves in every `npm test`, on the project itself: it regenerates
// into a scratch copy and compares with staleFiles. Here, that the comparison names each
// stale file, and only those: a changed file, a missing one, one left over.
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "zapi-generate-test-"));
  for (const side of ["fresh", "committed"]) cpSync(join(projectRoot, "generated"), join(work, side), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run generate:check", () => {
  it("finds nothing stale when the committed files are the fresh ones", () => {
    expect(staleFiles(join(work, "fresh"), join(work, "fresh"))).toEqual([]);
  });

  it("names a changed file, a missing one and one left over, and no other", () => {
    const committed = join(work, "committed");
    writeFileSync(join(committed, "operations.ts"), "// edited by hand\n", { flag: "a" });
    unlinkSync(join(committed, "errors.ts"));
    writeFileSync(join(committed, "old.ts"), "export {};\n");
    expect(staleFiles(join(work, "fresh"), committed)).toEqual(["errors.ts", "old.ts", "operations.ts"]);
  });

  it("has exactly the files the README lists", () => {
    expect(readdirSync(join(projectRoot, "generated")).sort()).toEqual(["errors.ts", "operations.ts", "version.ts", "webhooks.ts", "zapi.ts"]);
  });
});
