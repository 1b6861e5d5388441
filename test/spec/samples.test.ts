import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { snapshot } from "../../src/core/input.js";
import { validate } from "../../src/core/validate.js";
import { projectRoot } from "../helpers/project.js";
import { bundledSpec, requestExamples, specOperations, type InputExample } from "../helpers/spec.js";

// Z-API's published request samples (json-examples/*.json in its docs repository) are
// embedded in the spec as request examples named zapiSample*, with x-zapi-source naming
// the file, on request bodies and on parameters. Where a sample disagrees with the spec,
// the operation's description says so and the sample is not embedded (the group form of
// add-participant). Every request example, sample or not, must pass the client's own
// check of that operation's flat input, as the client would normalise it.
const spec = await bundledSpec();
const examples: InputExample[] = specOperations(spec).flatMap((op) => requestExamples(op));
const samples = examples.filter((example) => example.name.startsWith("zapiSample"));

describe("the spec's request examples and Z-API's request samples", () => {
  it("finds Z-API's samples, each naming the file it copies", () => {
    console.log(
      `Z-API request samples in the spec (${samples.length}):\n${samples.map((s) => `  ${s.operationId} ${s.from} example ${s.name} <- ${s.source}`).join("\n")}`,
    );
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(sample.source, `${sample.operationId}/${sample.name}`).toMatch(/^json-examples\/[a-z0-9-]+\.json$/);
    // The other way round: an example that cites a Z-API file is named as a sample.
    for (const example of examples.filter((e) => e.source !== undefined)) expect(example.name, `${example.operationId}/${example.name}`).toMatch(/^zapiSample/);
    // Samples sit on bodies and on parameters both.
    expect(new Set(samples.map((s) => s.from))).toEqual(new Set(["body", "parameters"]));
  });

  it("lists, for the record, the sample files the spec cites but does not embed", () => {
    const cited = new Set(readFileSync(`${projectRoot}spec/zapi.yaml`, "utf8").match(/json-examples\/[a-z0-9-]+\.json/g));
    const embedded = new Set(samples.map((s) => s.source));
    const notEmbedded = [...cited].filter((file) => !embedded.has(file)).sort();
    console.log(`sample files cited in descriptions only (not checked here): ${notEmbedded.join(", ")}`);
    for (const file of embedded) expect(cited.has(file!)).toBe(true);
    // The one the spec records as disagreeing stays out.
    expect(notEmbedded).toContain("json-examples/add-participant.json");
  });

  it.each(examples.map((e) => [`${e.operationId}: ${e.from} example ${e.name}${e.source ? ` (${e.source})` : ""}`, e] as const))(
    "%s passes the client's check of the flat input",
    (_title, example) => {
      const descriptor = operations[example.operationId as keyof typeof operations];
      expect(descriptor, `no generated operation ${example.operationId}`).toBeDefined();
      const snap = snapshot(descriptor.input, example.input);
      expect(snap.problems).toEqual([]);
      expect(validate(descriptor.input, snap.value).problems).toEqual([]);
      // Z-API's own samples go out exactly as Z-API wrote them: nothing to normalise.
      expect(snap.value).toEqual(example.input);
      // Only required parameters without an example of their own are filled in, never a sample's field.
      if (example.name.startsWith("zapiSample")) expect(example.filled).toEqual([]);
    },
  );
});
