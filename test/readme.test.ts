import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { operations } from "../generated/operations.js";
import { projectRoot, run } from "./helpers/project.js";

// The README's TypeScript samples, type-checked as written and run against Prism, so the
// docs cannot rot. They import "zapi-client" by name: inside this package, that resolves
// to the built package itself, exactly as a user's import would.
const readme = readFileSync(`${projectRoot}README.md`, "utf8");
const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
// Samples configured from ZAPI_* only (no hard-coded instance) can run against the mock.
// A sample that starts a server (the webhook one) never exits by itself: it is type-checked only.
const runnable = samples.map((code, i) => ({ code, i })).filter(({ code }) => code.includes("createZApiClient()") && !code.includes(".listen("));

let dir: string;
let compiled: Awaited<ReturnType<typeof run>>;
beforeAll(async () => {
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  dir = mkdtempSync(join(projectRoot, "test-output", "readme-"));
  samples.forEach((code, i) => writeFileSync(join(dir, `sample-${i + 1}.ts`), code));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noUncheckedIndexedAccess: true, target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], rootDir: ".", outDir: "out", noEmitOnError: true, skipLibCheck: false },
      include: ["*.ts"],
    }),
  );
  compiled = await run(`${projectRoot}node_modules/.bin/tsc`, ["-p", dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README.md", () => {
  it("has TypeScript samples, the main one among those that can run", () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(runnable[0]?.i).toBe(0);
  });

  it("samples all type-check in strict mode", () => {
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
  });

  it("samples that read ZAPI_* run against Prism and exit 0", async () => {
    expect(compiled.code, "the samples did not compile").toBe(0);
    for (const { i } of runnable) {
      const ran = await run(process.execPath, [join(dir, "out", `sample-${i + 1}.js`)], {
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
