import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { operations } from "../generated/operations.js";
import { projectRoot, run } from "./helpers/project.js";
import { diagnosticsOf, readmeSamples, wasChecked } from "./setup/samples.js";

// The README's TypeScript samples, type-checked as written (by the global setup's one tsc
// run over every sample, test/setup/samples.ts) and run against Prism, so the docs cannot
// rot. They import "zapi-client" by name: run from inside this package, that resolves to
// the built package itself, exactly as a user's import would.
const readme = readFileSync(`${projectRoot}README.md`, "utf8");
const samples = readmeSamples();
// Samples configured from ZAPI_* only (no hard-coded instance) can run against the mock.
// A sample that starts a server (the webhook one) never exits by itself: it is type-checked only.
const runnable = samples.map((code, i) => ({ code, i })).filter(({ code }) => code.includes("createZApiClient()") && !code.includes(".listen("));
const checked = inject("samples");

let dir: string;
beforeAll(() => {
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  dir = mkdtempSync(join(projectRoot, "test-output", "readme-"));
  // Types are erased, nothing else is changed: what runs is the sample as written.
  for (const { code, i } of runnable) writeFileSync(join(dir, `sample-${i + 1}.mjs`), transformSync(code, { loader: "ts", format: "esm", target: "es2022" }).code);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README.md", () => {
  it("has TypeScript samples, the main one among those that can run", () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(runnable[0]?.i).toBe(0);
  });

  it("samples all type-check in strict mode", () => {
    samples.forEach((_, i) => {
      const file = `readme-${i + 1}.ts`;
      expect(wasChecked(checked, file), `${file} was not type-checked`).toBe(true);
      expect(diagnosticsOf(checked, file), file).toEqual([]);
    });
    expect(checked.files.filter((file) => file.startsWith("readme-"))).toHaveLength(samples.length);
  });

  it("samples that read ZAPI_* run against Prism and exit 0", async () => {
    for (const { i } of runnable) {
      const ran = await run(process.execPath, [join(dir, `sample-${i + 1}.mjs`)], {
        env: { ...process.env, ZAPI_BASE_URL: inject("prismUrl"), ZAPI_INSTANCE_ID: "readme-instance", ZAPI_TOKEN: "readme-token", ZAPI_CLIENT_TOKEN: "" },
      });
      expect(ran.code, `sample ${i + 1}: ${ran.stderr}`).toBe(0);
      expect(ran.stdout + ran.stderr, `sample ${i + 1}`).not.toContain("readme-token");
      if (i === 0) expect(ran.stdout).toBe("2 members\nadded and removed\n");
    }
  });

  it("its table of methods matches the generated descriptors, retry safety included", () => {
    const rows = [...readme.matchAll(/^\| `(\w+)` \| (GET|POST|PUT|DELETE|PATCH) (\S+) \| .* \| (yes|no)\b.*\|$/gm)];
    const table = Object.fromEntries(rows.map(([, name, method, path, retried]) => [name, { method, path, retrySafe: retried === "yes" }]));
    const generated = Object.fromEntries(Object.entries(operations).map(([name, d]) => [name, { method: d.method, path: d.path, retrySafe: d.retrySafe }]));
    expect(table).toEqual(generated);
  });

  it("the npm start output it shows is what npm start prints", () => {
    for (const line of ["Prism is ready. Calling addParticipant with the documentation's example.", "Typed result (AddParticipantResult):", '  {"value":true}', "Prism stopped."]) {
      expect(readme).toContain(line);
    }
  });
});
