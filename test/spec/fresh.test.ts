import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshness } from "../../scripts/fresh.mjs";

// npm test skips the generation check, the spec lint and the build when they passed before
// on exactly the same files: the skip must never hide a change.
let project: string;
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), "zapi-fresh-"));
  mkdirSync(join(project, "spec"));
  mkdirSync(join(project, "dist"));
  writeFileSync(join(project, "package.json"), "{}");
  writeFileSync(join(project, "package-lock.json"), "{}");
  writeFileSync(join(project, "spec/zapi.yaml"), "openapi: 3.1.0\n");
  writeFileSync(join(project, "dist/index.js"), "export {};\n");
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

const step = () => freshness("build", ["spec"], ["dist"], project);

describe("a step that passed before on the same files is skipped, and only then", () => {
  it("never passed: not skipped; recorded: skipped", () => {
    expect(step().passedBefore).toBe(false);
    step().remember();
    expect(step().passedBefore).toBe(true);
  });

  it.each([
    ["an input edited", (dir: string) => writeFileSync(join(dir, "spec/zapi.yaml"), "openapi: 3.1.1\n")],
    ["an input added", (dir: string) => writeFileSync(join(dir, "spec/extra.yaml"), "")],
    ["an input removed", (dir: string) => rmSync(join(dir, "spec/zapi.yaml"))],
    ["an output edited by hand", (dir: string) => writeFileSync(join(dir, "dist/index.js"), "export const x = 1;\n")],
    ["an output removed", (dir: string) => rmSync(join(dir, "dist"), { recursive: true })],
    ["the lock file changed (another tool version)", (dir: string) => writeFileSync(join(dir, "package-lock.json"), '{"v":2}')],
  ])("%s: not skipped", (_what, change) => {
    step().remember();
    change(project);
    expect(step().passedBefore).toBe(false);
  });

  it("an input edited while the step ran is not recorded as done", () => {
    const running = step();
    writeFileSync(join(project, "spec/zapi.yaml"), "openapi: 3.1.1\n");
    running.remember();
    expect(step().passedBefore).toBe(false);
  });

  it("two files cannot run together into the same fingerprint", () => {
    writeFileSync(join(project, "spec/a"), "xy");
    writeFileSync(join(project, "spec/b"), "");
    step().remember();
    writeFileSync(join(project, "spec/a"), "x");
    writeFileSync(join(project, "spec/b"), "y");
    expect(step().passedBefore).toBe(false);
  });
});
