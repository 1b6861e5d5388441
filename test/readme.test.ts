import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { knownErrors } from "../generated/errors.js";
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
const runnable = samples.map((code, i) => ({ code, i })).filter(({ code }) => code.includes("createZApiClient(") && !code.includes("instanceId:") && !code.includes(".listen("));
// What a sample prints against the mock, where the README says so: the ```text block that
// follows it, introduced by a paragraph ending in "it prints:".
const printed = new Map<number, string>();
{
  const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  let tsIndex = -1;
  blocks.forEach((block, b) => {
    if (block[1] !== "ts") return;
    tsIndex++;
    const next = blocks[b + 1];
    if (next?.[1] !== "text") return;
    const between = readme.slice(block.index! + block[0].length, next.index);
    if (/it prints:\s*$/.test(between)) printed.set(tsIndex, next[2]!);
  });
}
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
  it("has TypeScript samples; the quick start and the community flow run, and say what they print", () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(runnable[0]?.i).toBe(0);
    expect(printed.size).toBeGreaterThanOrEqual(2);
    expect(printed.has(0)).toBe(true);
    for (const i of printed.keys()) expect(runnable.map((sample) => sample.i)).toContain(i);
    expect([...printed.values()].join("")).toContain("community ready");
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
      if (printed.has(i)) expect(ran.stdout, `sample ${i + 1}`).toBe(printed.get(i));
    }
  });

  it("its table of methods matches the generated descriptors, retry safety included", () => {
    const rows = [...readme.matchAll(/^\| `(\w+)` \| (GET|POST|PUT|DELETE|PATCH) (\S+) \| .* \| (yes|no)\b.*\|$/gm)];
    const table = Object.fromEntries(rows.map(([, name, method, path, retried]) => [name, { method, path, retrySafe: retried === "yes" }]));
    const generated = Object.fromEntries(Object.entries(operations).map(([name, d]) => [name, { method: d.method, path: d.path, retrySafe: d.retrySafe }]));
    expect(table).toEqual(generated);
  });

  it("its table of error reasons names every reason of the spec's table, with its texts", () => {
    const start = readme.indexOf("### When the service and the docs disagree");
    const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` \| (.*?) \| .* \|$/gm)].filter(([, reason]) => reason !== "reason");
    const reasons = new Set([...knownErrors.map((known) => known.reason), "unknown"]);
    expect(new Set(rows.map(([, reason]) => reason))).toEqual(reasons);
    for (const known of knownErrors) {
      const row = rows.find(([, reason]) => reason === known.reason)![2]!;
      if (known.text !== undefined) expect(row, known.reason).toContain(known.text);
      if (typeof known.status === "number" && known.text === undefined) expect(row, known.reason).toContain(String(known.status));
    }
  });

  it("every link to a section (#anchor) leads to a heading, as GitHub names them", () => {
    // GitHub's anchors: the heading in lower case, punctuation other than - and _ removed, spaces made -.
    const slug = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const outsideCode = readme.replace(/```[\s\S]*?```/g, "");
    const anchors = new Set([...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slug(heading!)));
    const links = [...outsideCode.matchAll(/\]\(#([^)]+)\)/g)].map(([, anchor]) => anchor!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });

  it("the npm start output it shows is what npm start prints", () => {
    for (const line of ["Prism is ready. Calling addParticipant with the documentation's example.", "Typed result (AddParticipantResult):", '  {"value":true}', "Prism stopped."]) {
      expect(readme).toContain(line);
    }
  });
});
