import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import type { Schema } from "../../src/core/schema.js";
import { validate as check } from "../../src/core/validate.js";
import { projectRoot } from "../helpers/project.js";
import { bundledSpec, specOperations } from "../helpers/spec.js";
import { docsFiles } from "../helpers/zapi-docs.js";

// The rules the spec must encode, checked on the schema generated from it. The contract
// tests send the same bodies to Prism, which reads the spec itself.
const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };
const addParticipantRequestSchema = operations.addParticipant.input;
const addParticipantResultSchema = operations.addParticipant.result;
const validate = (schema: Schema, value: unknown) => check(schema, value).problems;
const group = { autoInvite: true, groupId: "120363019502650977-group", phones: ["5544999999999", "5544988888888"] };

export const invalidBodies: Record<string, unknown> = {
  "both ids": { ...seed, groupId: "120363019502650977-group" },
  "neither id": { autoInvite: true, phones: ["5544999999999"] },
  "an unknown extra field": { ...seed, extra: 1 },
  "empty phones": { ...seed, phones: [] },
  "a phone with a plus": { ...seed, phones: ["+5544999999999"] },
  "a phone with a space": { ...seed, phones: ["5544 999999999"] },
  "a phone with letters": { ...seed, phones: ["55449999abc"] },
  "a phone of 16 digits": { ...seed, phones: ["1234567890123456"] },
  "missing autoInvite": { communityId: seed.communityId, phones: seed.phones },
  "missing phones": { autoInvite: true, communityId: seed.communityId },
  "autoInvite as a string": { ...seed, autoInvite: "true" },
  "a group id in no documented format": { ...group, groupId: "120363019502650977" },
  "a Linked ID without its digits": { ...seed, phones: ["@lid"] },
  "a Linked ID with a letter": { ...seed, phones: ["22178394068192x@lid"] },
};

describe("spec/zapi.yaml", () => {
  it.each(Object.entries(invalidBodies))("rejects a body with %s", (_name, body) => {
    expect(validate(addParticipantRequestSchema, body)).not.toEqual([]);
  });

  it.each([
    ["the seed's community example", seed],
    ["a group example in the current id format", group],
    ["a group id in the legacy format", { ...group, groupId: "5511999999999-1623281429" }],
    ["a phone of exactly 15 digits", { ...seed, phones: ["123456789012345"] }],
    ["a Linked ID, as the join-request webhook names people", { ...seed, phones: ["221783940681929@lid"] }],
    ["phones and Linked IDs together", { ...seed, phones: ["5544999999999", "221783940681929@lid"] }],
  ])("accepts %s", (_name, body) => {
    expect(validate(addParticipantRequestSchema, body)).toEqual([]);
  });

  it("declares phones unique, and lets the client drop repeats (x-zapi-dedupe) before the check", () => {
    const phones = (addParticipantRequestSchema.oneOf![0]!.properties!["phones"])!;
    expect(phones).toMatchObject({ uniqueItems: true, dedupe: true, items: { phone: true } });
  });

  it("describes 200 as { value: boolean }, with value required", () => {
    expect(validate(addParticipantResultSchema, { value: false })).toEqual([]);
    expect(validate(addParticipantResultSchema, {})).not.toEqual([]);
    expect(validate(addParticipantResultSchema, { value: "true" })).not.toEqual([]);
  });

  it("carries the seed's example, the optional Client-Token and the documented answers", () => {
    const text = readFileSync(`${projectRoot}spec/zapi.yaml`, "utf8");
    expect(text).toContain("/instances/{instanceId}/token/{token}/add-participant:");
    expect(text).toContain("communityId: '120363019502650977'");
    expect(text).toMatch(/security:\n\s+- \{\}\n\s+- ClientToken: \[\]/);
    for (const status of ["'200':", "'405':", "'415':", "error: null not allowed"]) expect(text).toContain(status);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const spec: Json = await bundledSpec();

/** Every object of the document with its JSON pointer: components first, so a problem is named where it is written, not where a $ref copied it. */
function* objects(node: Json = spec, pointer = ""): Generator<[Json, string]> {
  if (node === null || typeof node !== "object") return;
  if (!Array.isArray(node)) yield [node, pointer];
  const keys = Object.keys(node);
  if (pointer === "") keys.sort((a, b) => Number(b === "components") - Number(a === "components"));
  for (const key of keys) yield* objects(node[key], `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
}

/** Problems, one per object and problem, at the first place found (a $ref's copies repeat it). */
function collect(find: (node: Json, pointer: string) => string[]): string[] {
  const seen = new Map<string, string>();
  for (const [node, pointer] of objects()) {
    for (const problem of find(node, pointer)) {
      const key = `${problem}\n${JSON.stringify(node)}`;
      if (!seen.has(key)) seen.set(key, `${pointer}: ${problem}`);
    }
  }
  return [...seen.values()];
}

// Where an x-zapi-observed source may point: a commit of a public repository and a path
// in it, a public address, or, where none can be named, a plain statement that none can.
const SOURCE_FORMS = /^(?:[A-Za-z0-9][\w.-]*\/[\w.-]+@[0-9a-f]{40}:\S+|https:\/\/\S+|no citable source: \S)/;
/** Whether a text says "observed", the name of the extension aside. */
const saysObserved = (text: unknown) => typeof text === "string" && /\bobserved\b/i.test(text.replaceAll("x-zapi-observed", ""));

describe("the spec names its sources", () => {
  it("records the commit of Z-API's docs repository it was checked against (info.x-zapi-docs)", () => {
    expect(spec.info["x-zapi-docs"]).toMatchObject({ repository: "https://github.com/Z-API/z-api-docs", commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  it("every x-zapi-observed is a list of sources: owner/repo@commit:path, an https:// address, or 'no citable source: …'", () => {
    const problems = collect((node) => {
      if (!Object.hasOwn(node, "x-zapi-observed")) return [];
      const sources: unknown = node["x-zapi-observed"];
      if (!Array.isArray(sources) || sources.length === 0) return ["x-zapi-observed must be a non-empty list of sources"];
      return sources.filter((source) => typeof source !== "string" || !SOURCE_FORMS.test(source)).map((source) => `x-zapi-observed names no source of the accepted forms: ${JSON.stringify(source)}`);
    });
    expect(problems).toEqual([]);
    expect(collect((node) => (Object.hasOwn(node, "x-zapi-observed") ? ["marked"] : [])).length).toBeGreaterThan(20);
  });

  it("whatever says it was observed carries x-zapi-observed beside it, and whatever carries one says so", () => {
    const problems = collect((node, pointer) => {
      // info.description defines the marking and sums up facts that are marked where they apply.
      if (pointer === "/info") return [];
      const says = saysObserved(node.description) || saysObserved(node.source);
      const marked = Object.hasOwn(node, "x-zapi-observed");
      if (says && !marked) return ["says it was observed, with no x-zapi-observed beside it"];
      if (marked && !says) return ["has x-zapi-observed, and its description (or source) does not say observed"];
      return [];
    });
    expect(problems).toEqual([]);
  });
});

/** An input schema's keywords that narrow what is accepted, beyond the tables' types and required fields. */
const NARROWING = ["pattern", "format", "enum", "const", "not", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties", "maxProperties", "additionalProperties"];

function narrowing(schema: Json): string[] {
  return NARROWING.filter((keyword) => {
    if (!Object.hasOwn(schema, keyword)) return false;
    // additionalProperties narrows only when false; format "password" is OpenAPI's hint to hide an input, not a check.
    if (keyword === "additionalProperties") return schema[keyword] === false;
    if (keyword === "format") return schema[keyword] !== "password";
    return true;
  });
}

/** Every schema of an input, with where it sits; a `not` is a rule of its parent, not walked into. */
function* inputSchemas(schema: Json, where: string): Generator<[Json, string]> {
  if (schema === null || typeof schema !== "object") return;
  yield [schema, typeof schema.title === "string" ? `${where} (${schema.title})` : where];
  for (const [name, sub] of Object.entries(schema.properties ?? {})) yield* inputSchemas(sub, `${where}/properties/${name}`);
  if (typeof schema.items === "object") yield* inputSchemas(schema.items, `${where}/items`);
  if (typeof schema.additionalProperties === "object") yield* inputSchemas(schema.additionalProperties, `${where}/additionalProperties`);
  for (const key of ["oneOf", "anyOf", "allOf"]) for (const [i, sub] of (schema[key] ?? []).entries()) yield* inputSchemas(sub, `${where}/${key}/${i}`);
}

describe("client rules are marked as the client's, Z-API's as Z-API's", () => {
  const inputs = specOperations(spec).flatMap((op) => [
    ...op.parameters.map((parameter) => [parameter.schema, `${op.operationId}: ${parameter.in} parameter ${parameter.name}`] as const),
    ...(op.operation.requestBody ? [[(op.operation.requestBody.content?.["application/json"] as Json)?.schema, `${op.operationId}: request body`] as const] : []),
  ]);

  it("covers every operation's parameters and body", () => {
    expect(new Set(inputs.map(([, where]) => where.split(":")[0])).size).toBe(specOperations(spec).length);
  });

  it.each(inputs.map(([schema, where]) => [where, schema] as const))("%s: every narrowing keyword is in x-zapi-client-rules or x-zapi-docs-rules", (_where, schema) => {
    const problems: string[] = [];
    for (const [node, where] of inputSchemas(schema, _where)) {
      const client: unknown[] = node["x-zapi-client-rules"] ?? [];
      const docs = Object.keys(node["x-zapi-docs-rules"] ?? {});
      for (const keyword of narrowing(node)) {
        if (!client.includes(keyword) && !docs.includes(keyword)) problems.push(`${where}: ${keyword} is in neither x-zapi-client-rules nor x-zapi-docs-rules`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("each list names keywords its schema has, none in both, and each Z-API rule names the page that states it", () => {
    const problems = collect((node) => {
      const found: string[] = [];
      const client: unknown = node["x-zapi-client-rules"];
      const docs: unknown = node["x-zapi-docs-rules"];
      if (client !== undefined && !(Array.isArray(client) && client.length > 0)) found.push("x-zapi-client-rules must be a non-empty list of keywords");
      if (docs !== undefined && (docs === null || typeof docs !== "object" || Array.isArray(docs))) found.push("x-zapi-docs-rules must map keywords to the page that states each");
      for (const keyword of Array.isArray(client) ? client : []) {
        if (!Object.hasOwn(node, keyword)) found.push(`x-zapi-client-rules names ${keyword}, which this schema does not have`);
      }
      for (const [keyword, page] of Object.entries((docs ?? {}) as Record<string, unknown>)) {
        if (!Object.hasOwn(node, keyword)) found.push(`x-zapi-docs-rules names ${keyword}, which this schema does not have`);
        if (Array.isArray(client) && client.includes(keyword)) found.push(`${keyword} is both a client rule and Z-API's`);
        const path = typeof page === "string" ? /^docs\/[\w/.-]+\.md/.exec(page)?.[0] : undefined;
        if (!path || !docsFiles.has(path)) found.push(`x-zapi-docs-rules.${keyword} must start with a Portuguese page of Z-API's docs at the commit, docs/….md (got ${JSON.stringify(page)})`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });
});
