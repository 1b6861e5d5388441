import { beforeAll, describe, expect, inject, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { diagnosticsOf, wasChecked } from "../setup/samples.js";
import { documentedSpec, type DocumentedOperation } from "./spec.js";

// The spec's x-codeSamples are what the rendered docs show for each operation: each one is
// type-checked as a module of its own, the way a user would paste it, with "zapi-client"
// resolved to the built package's declarations, by the global setup's one tsc run over
// every sample (test/setup/samples.ts). Like the README samples, they cannot rot.
const operationIds = Object.keys(operations);
const checked = inject("samples");

let documented: DocumentedOperation[] = [];
let samples: { operationId: string; lang: string; label: string; source: string }[] = [];

beforeAll(async () => {
  documented = (await documentedSpec()).operations.filter((operation) => !operation.webhook);
  samples = documented.flatMap(({ operationId, samples }) => samples.map((sample) => ({ operationId, ...sample })));
});

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
    for (const { operationId } of samples) {
      const file = `${operationId}.ts`;
      expect(wasChecked(checked, file), `${file} was not type-checked`).toBe(true);
      expect(diagnosticsOf(checked, file), file).toEqual([]);
    }
  });
});
