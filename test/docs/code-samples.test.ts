import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { projectRoot, run } from "../helpers/project.js";
import { documentedSpec, type DocumentedOperation } from "./spec.js";

// The spec's x-codeSamples are what the rendered docs show for each operation: each one is
// type-checked as a module of its own, the way a user would paste it, with "zapi-client"
// resolved to this project's src/index.ts. Like the README samples, they cannot rot.
const operationIds = Object.keys(operations);

let documented: DocumentedOperation[] = [];
let samples: { operationId: string; lang: string; label: string; source: string }[] = [];
let dir: string;
let compiled: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  documented = (await documentedSpec()).operations.filter((operation) => !operation.webhook);
  samples = documented.flatMap(({ operationId, samples }) => samples.map((sample) => ({ operationId, ...sample })));
  mkdirSync(`${projectRoot}test-output`, { recursive: true });
  dir = mkdtempSync(join(projectRoot, "test-output", "code-samples-"));
  for (const { operationId, source } of samples) writeFileSync(join(dir, `${operationId}.ts`), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        target: "ES2022",
        lib: ["ES2022"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        // Each sample is its own module, even one that imported and exported nothing.
        moduleDetection: "force",
        types: ["node"],
        paths: { "zapi-client": [`${projectRoot}src/index.ts`] },
        noEmit: true,
        // The samples and src/ are checked; the libraries' own .d.ts are the project tsconfig's business.
        skipLibCheck: true,
      },
      include: ["*.ts"],
    }),
  );
  compiled = await run(`${projectRoot}node_modules/.bin/tsc`, ["-p", dir, "--pretty", "false"]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the spec's x-codeSamples", () => {
  it("has one zapi-client TypeScript sample per operation of generated/operations.ts", () => {
    expect(samples.length).toBe(operationIds.length);
    expect(documented.map(({ operationId }) => operationId).sort()).toEqual([...operationIds].sort());
    for (const { operationId, samples: own } of documented) {
      expect(own.map(({ lang, label }) => `${lang}/${label}`), operationId).toEqual(["TypeScript/zapi-client"]);
    }
  });

  it("each sample calls the operation it documents", () => {
    for (const { operationId, source } of samples) {
      expect(source, operationId).toContain('from "zapi-client"');
      expect(source, operationId).toContain(`.${operationId}(`);
    }
  });

  it("all type-check in strict mode, with noUncheckedIndexedAccess and exactOptionalPropertyTypes", () => {
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
  });
});
