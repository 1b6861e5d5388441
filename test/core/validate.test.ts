import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { compilePattern } from "../../src/core/validate.js";

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
