// pick: what a 200 answer becomes. It returns a clean part as it is and copies only what
// must change, so these tests check both the result and what it shares with the JSON.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { pick } from "../../src/core/result.js";
import type { Schema } from "../../src/core/schema.js";
import { matches } from "../../src/core/validate.js";
import { arbitraryFor } from "../helpers/arbitraries.js";

const group = operations.getGroupMetadata.result;
const answer = () => JSON.parse('{"phone":"1-group","subject":"s","participants":[{"phone":"1","isAdmin":false},{"phone":"2","isAdmin":true}]}') as Record<string, unknown>;

/** Every own key at any depth, as paths: to look for "__proto__" and compare shapes. */
function ownKeys(value: unknown, at = ""): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.keys(value).flatMap((key) => [`${at}/${key}`, ...ownKeys((value as Record<string, unknown>)[key], `${at}/${key}`)]);
}

describe("pick", () => {
  it("returns an answer that has only the spec's fields as it is", () => {
    const parsed = answer();
    expect(pick(group, parsed)).toBe(parsed);
  });

  it("copies only the objects and arrays on the way to a field it drops", () => {
    const parsed = answer();
    const participants = parsed["participants"] as Record<string, unknown>[];
    participants[1]!["extra"] = 1;
    const result = pick(group, parsed) as Record<string, unknown>;
    expect(result).not.toBe(parsed);
    const picked = result["participants"] as Record<string, unknown>[];
    expect(picked).not.toBe(participants);
    expect(picked[0]).toBe(participants[0]);
    expect(picked[1]).toEqual({ phone: "2", isAdmin: true });
    // The parsed value itself is left as it was.
    expect(participants[1]).toEqual({ phone: "2", isAdmin: true, extra: 1 });
  });

  it("never carries a __proto__ key, in a declared part or a free-form one, at any depth", () => {
    const declared = JSON.parse('{"phone":"1-group","participants":[{"phone":"1","__proto__":{"isAdmin":true}}]}');
    const picked = pick(group, declared) as { participants: object[] };
    expect(Object.hasOwn(picked.participants[0]!, "__proto__")).toBe(false);
    expect(ownKeys(picked)).toEqual(["/phone", "/participants", "/participants/0", "/participants/0/phone"]);

    const freeForm: Schema = { type: "object", additionalProperties: true };
    const loose = JSON.parse('{"a":[{"b":{"__proto__":{"polluted":true},"c":1}}],"d":2}');
    const result = pick(freeForm, loose);
    expect(ownKeys(result)).toEqual(["/a", "/a/0", "/a/0/b", "/a/0/b/c", "/d"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    const clean = JSON.parse('{"a":[{"b":{"c":1}}]}');
    expect(pick(freeForm, clean)).toBe(clean);
  });

  it("reads only the answer's own fields: an enumerable field on Object.prototype, even a cycle, is not walked", () => {
    const cycle: Record<string, unknown> = {};
    cycle["self"] = cycle;
    const freeForm: Schema = { type: "object", additionalProperties: true };
    const clean = JSON.parse('{"a":{"b":[{"c":1}]}}');
    let result: unknown;
    Object.defineProperty(Object.prototype, "pollutedForThisTest", { value: cycle, enumerable: true, writable: true, configurable: true });
    try {
      result = pick(freeForm, clean);
    } finally {
      delete (Object.prototype as Record<string, unknown>)["pollutedForThisTest"];
    }
    expect(result).toBe(clean);
  });

  it("goes through a free-form part nested 100,000 levels deep without overflowing the stack", () => {
    const freeForm: Schema = { type: "object", additionalProperties: true };
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}{"__proto__":1}${"}".repeat(100_000)}`);
    let result = pick(freeForm, deep) as Record<string, unknown>;
    for (let level = 0; level < 100_000; level++) result = result["a"] as Record<string, unknown>;
    expect(Object.hasOwn(result, "__proto__")).toBe(false);
  });

  // Valid answers of every operation, with unknown and "__proto__" fields put into some of
  // their objects: the result is what a whole copy without them would be.
  const results = Object.entries(operations).map(([name, descriptor]) => [name, descriptor.result] as const);
  it.each(results)("%s: matches a whole copy without the undeclared fields, and leaves the answer as it was", (_name, schema) => {
    const undeclared = { proto: 0, extra: 0 };
    const noisy = fc.tuple(arbitraryFor(schema, "valid"), fc.infiniteStream(fc.constantFrom(0, 0, 1, 2)));
    fc.assert(
      fc.property(noisy, ([value, choices]) => {
        const text = JSON.stringify(value, (_key, part: unknown) => {
          if (typeof part !== "object" || part === null || Array.isArray(part)) return part;
          const choice = choices.next().value as number;
          if (choice === 1) return { ...part, extra: [1, { __x: 2 }] };
          // An own "__proto__" field, as JSON.parse makes of one in the text.
          if (choice === 2) return Object.defineProperty({ ...part }, "__proto__", { value: { polluted: true }, enumerable: true });
          return part;
        });
        const parsed = JSON.parse(text) as unknown;
        if (!matches(schema, parsed)) return;
        const result = pick(schema, parsed);
        expect(result).toEqual(wholeCopy(schema, JSON.parse(text)));
        expect(ownKeys(result).some((path) => path.endsWith("/__proto__"))).toBe(false);
        expect(JSON.stringify(parsed)).toBe(text);
        if (text.includes('"__proto__"')) undeclared.proto++;
        if (text.includes('"extra"')) undeclared.extra++;
      }),
      { numRuns: 100 },
    );
    // The answers did hold unknown and "__proto__" fields.
    expect(undeclared.proto).toBeGreaterThan(10);
    expect(undeclared.extra).toBeGreaterThan(10);
  });
});

/** The answer copied whole, field by field, keeping only what the schema declares: what pick gave before it shared. */
function wholeCopy(schema: Schema, value: unknown): unknown {
  if (schema.oneOf) {
    const form = schema.oneOf.find((branch) => matches(branch, value));
    if (form) return wholeCopy(form, value);
  }
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => (schema.items ? wholeCopy(schema.items, item) : withoutProto(item)));
  const { properties, additionalProperties } = schema;
  if (!properties) return additionalProperties === false ? {} : withoutProto(value);
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    const sub = Object.hasOwn(properties, name) ? properties[name] : additionalProperties;
    if (name === "__proto__" || sub === undefined || sub === false) continue;
    out[name] = sub === true ? withoutProto(item) : wholeCopy(sub, item);
  }
  return out;
}

function withoutProto(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutProto);
  return Object.fromEntries(Object.entries(value).filter(([name]) => name !== "__proto__").map(([name, item]) => [name, withoutProto(item)]));
}
