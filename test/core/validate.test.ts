import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import type { Schema } from "../../src/core/schema.js";
import { compilePattern, matches, validate } from "../../src/core/validate.js";
import { inputArbitrary } from "../helpers/arbitraries.js";

// Code units around every edge a charCode loop could get wrong: the class's own bounds,
// ASCII's end, the surrogates (lone and paired), and line ends that `$` must not skip.
const units = fc.oneof(
  fc.constantFrom(..."0189/:@AZ[`az{-+ \n\r\t\u007f\u0080\u00e9\u0660\u06f0\uff10"),
  fc.constantFrom("\ud83d\ude00", "\ud83d", "\ude00", "\u{1d7ce}"),
  fc.string({ unit: "grapheme", maxLength: 1 }),
  fc.string({ unit: "binary", maxLength: 1 }),
);
const strings = fc.array(units, { maxLength: 8 }).map((parts) => parts.join(""));

const specPatterns = [...new Set(JSON.stringify(operations).match(/"pattern":"(?:[^"\\]|\\.)*"/g)!.map((m) => JSON.parse(m.slice(10)) as string))];
const compiledForms = ["^[0-9]+$", "^[0-9]*$", "^[a-z]+$", "^[A-Za-z0-9]+$", "^[0-9a-fA-F]*$", "^[abc0-3]+$", "^[x]+$", "^[a-a]+$"];
const otherForms = ["^[0-9]+-(group|[0-9]+)$", "^https://", "[0-9]+", "^[0-9]+", "^[^0-9]+$", "^[\\d]+$", "^[0-9]{2}$", "^[a-z]+$x"];

describe("a spec pattern is tested as the RegExp with the u flag would", () => {
  it("covers every pattern of the spec", () => {
    expect(specPatterns).toContain("^[0-9]+$");
    for (const pattern of specPatterns) for (const value of ["", "5544999999999", "120363019502650977-group", "https://x", "55 44", "٣"]) {
      expect(compilePattern(pattern)(value)).toBe(new RegExp(pattern, "u").test(value));
    }
  });

  it.each([...compiledForms, ...otherForms])("%s, on random strings", (pattern) => {
    const regex = new RegExp(pattern, "u");
    const matcher = compilePattern(pattern);
    fc.assert(fc.property(strings, (value) => matcher(value) === regex.test(value)), { numRuns: 3000 });
  });

  it("on every code unit alone, twice and between digits, for each form it compiles", () => {
    for (const pattern of compiledForms) {
      const regex = new RegExp(pattern, "u");
      const matcher = compilePattern(pattern);
      for (let unit = 0; unit <= 0xffff; unit++) {
        const c = String.fromCharCode(unit);
        for (const value of [c, c + c, `1${c}2`]) if (matcher(value) !== regex.test(value)) expect([pattern, unit, value]).toBe("the same answer");
      }
    }
  });

  it("throws as the RegExp does on a pattern it cannot compile", () => {
    expect(() => compilePattern("^[9-0]+$")).toThrow(SyntaxError);
    expect(() => compilePattern("^[0-9+$")).toThrow(SyntaxError);
  });
});

describe("matches says what validate says, without building problems", () => {
  const inputs = Object.entries(operations).map(([name, descriptor]) => [`${name} input`, descriptor.input, inputArbitrary(descriptor.input)] as const);
  const results = Object.entries(operations).map(
    ([name, descriptor]) => [`${name} result`, descriptor.result, fc.oneof(inputArbitrary(descriptor.result), resultArbitrary(descriptor.result))] as const,
  );

  it.each([...inputs, ...results])("%s", (_name, schema, arbitrary) => {
    const seen = { true: 0, false: 0 };
    fc.assert(
      fc.property(arbitrary, (value) => {
        const valid = validate(schema, value).total === 0;
        seen[`${valid}`]++;
        expect(matches(schema, value)).toBe(valid);
      }),
      { numRuns: 400 },
    );
    // Both answers were compared, not only one.
    expect(seen.true).toBeGreaterThan(10);
    expect(seen.false).toBeGreaterThan(10);
  });

  it("on schemas with every keyword the engine reads", () => {
    const schema: Schema = {
      type: ["object", "array", "string", "number", "null"],
      properties: { a: { type: "integer", minimum: 1, maximum: 3 }, b: { enum: ["x", 1, null] }, c: { const: true }, u: { type: "string", format: "uri" } },
      required: ["a"],
      additionalProperties: { type: "string", minLength: 2, maxLength: 3 },
      items: { not: { type: "string" } },
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
      minLength: 1,
      maxLength: 2,
      pattern: "^[a-c]*$",
    };
    const value = fc.oneof(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constantFrom("a", null, [1], { a: 1 }, { a: 1 })), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom("a", "b", "c", "u", "x", "__proto__", "constructor"), fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("x", "xy", "😀😀", "https://a", "no uri", true, null, undefined, 1.5))),
      fc.string({ maxLength: 3 }),
      fc.constantFrom(1, null, true, undefined, Number.NaN),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(matches(schema, v)).toBe(validate(schema, v).total === 0);
      }),
      { numRuns: 3000 },
    );
  });
});

/** Answers near a result schema: the spec's own shape, with fields dropped, mistyped or added. */
function resultArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(fc.boolean(), fc.string({ maxLength: 4 }), fc.constantFrom("https://chat.whatsapp.com/AbC", "no uri"), fc.integer(), fc.constant(null), fc.constant(undefined));
  const near = (s: Schema, depth: number): fc.Arbitrary<unknown> => {
    const forms = s.oneOf ? s.oneOf.map((form) => near(form, depth)) : [];
    if (depth > 3) return leaf;
    if (s.properties) {
      const fields = Object.fromEntries(Object.entries(s.properties).map(([key, sub]) => [key, fc.oneof({ weight: 3, arbitrary: near(sub, depth + 1) }, { weight: 1, arbitrary: leaf })]));
      forms.push(fc.record({ ...fields, extra: leaf }, { requiredKeys: [] }));
    }
    if (s.items) forms.push(fc.array(near(s.items, depth + 1), { maxLength: 3 }));
    // The right type, often: a field's own kind of value.
    if (s.format === "uri") forms.push(fc.constant("https://chat.whatsapp.com/AbC"));
    else if (s.type === "string") forms.push(fc.string({ maxLength: 4 }));
    else if (s.type === "boolean") forms.push(fc.boolean());
    else if (s.type === "integer" || s.type === "number") forms.push(fc.integer());
    forms.push(leaf);
    return fc.oneof(...forms);
  };
  return near(schema, 0);
}

describe("matches and validate agree on a uniqueItems that is not a boolean", () => {
  // The generator lets only booleans through; the two must not drift apart if one slips by.
  it.each([1, "true", 0, ""])("uniqueItems: %j", (flag) => {
    const schema = { type: "array", uniqueItems: flag } as unknown as Schema;
    for (const value of [["a", "a"], ["a", "b"]]) expect(matches(schema, value)).toBe(validate(schema, value).total === 0);
  });
});
