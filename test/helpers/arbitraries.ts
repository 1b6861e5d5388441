import fc from "fast-check";
import type { Schema } from "../../src/core/schema.js";

// Random inputs for any operation, built from its run-time input schema (generated/
// operations.ts): no per-operation arbitrary. Each keyword the schema uses gives values
// on both sides of it: a pattern gives strings that match it and strings that nearly do,
// maxLength gives the exact limit and one past it, minimum gives the bound and one
// below, required gives a missing field, additionalProperties: false an unknown one,
// oneOf a body with the fields of two forms, x-zapi-phone people's phones as they write
// them (international, since the client has no defaultCountry here), Linked IDs, and
// numbers that cannot exist, x-zapi-dedupe repeats. "valid" mode keeps to values meant to pass; "mixed"
// mode mostly does, with every kind of mistake mixed in.

type Mode = "valid" | "mixed";
type Weighted = { weight: number; arbitrary: fc.Arbitrary<unknown> };

/** Values of every JSON type and the numbers JSON cannot carry: wrong for most schemas. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer({ min: -3, max: 20 }),
  fc.constantFrom(1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.string({ maxLength: 6 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

/** Arbitrary inputs for an operation's flat input schema, about half of them valid. */
export function inputArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: arbitraryFor(schema, "valid") },
    { weight: 6, arbitrary: arbitraryFor(schema, "mixed") },
    // No input, or not an object at all.
    { weight: 1, arbitrary: anything },
  );
}

function pick(mode: Mode, valid: Weighted[], invalid: Weighted[]): fc.Arbitrary<unknown> {
  const good = fc.oneof(...valid);
  // In mixed mode, one value in three is a mistake.
  return mode === "valid" || invalid.length === 0 ? good : fc.oneof({ weight: 2, arbitrary: good }, { weight: 1, arbitrary: fc.oneof(...invalid) });
}

export function arbitraryFor(schema: Schema, mode: Mode): fc.Arbitrary<unknown> {
  if (schema.phone) return participantArbitrary(mode);
  if (schema.oneOf) return oneOfArbitrary(schema.oneOf, mode);
  if (schema.const !== undefined) return pick(mode, [{ weight: 1, arbitrary: fc.constant(schema.const) }], [{ weight: 1, arbitrary: anything }]);
  if (schema.enum) return pick(mode, [{ weight: 1, arbitrary: fc.constantFrom(...schema.enum) }], [{ weight: 1, arbitrary: anything }]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return stringArbitrary(schema, mode);
    case "integer":
    case "number":
      return numberArbitrary(schema, type, mode);
    case "boolean":
      return pick(mode, [{ weight: 1, arbitrary: fc.boolean() }], [{ weight: 1, arbitrary: fc.constantFrom<unknown>("true", 1, 0, null) }]);
    case "array":
      return arrayArbitrary(schema, mode);
    case "object":
      return objectArbitrary(schema, mode);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

const codePoints = (text: string) => [...text].length;
/** `text` repeated and cut to exactly `length` code points. */
const stretch = (text: string, length: number) => [...(text || "0").repeat(length)].slice(0, length).join("");

function stringArbitrary(schema: Schema, mode: Mode): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  const fits = (text: string) => codePoints(text) >= min && (max === undefined || codePoints(text) <= max);
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern);
  const base =
    schema.format === "uri"
      ? fc.webUrl({ validSchemes: ["https"], withQueryParameters: true, withFragments: true }).filter((url) => pattern?.test(url) ?? true)
      : pattern === undefined
        ? fc.string({ minLength: min, maxLength: max ?? min + 12 })
        : fc.stringMatching(pattern);
  const good = base.filter(fits);
  const valid: Weighted[] = [{ weight: 6, arbitrary: good }];
  if (typeof schema.example === "string") valid.push({ weight: 1, arbitrary: fc.constant(schema.example) });
  if (max !== undefined) valid.push({ weight: 1, arbitrary: good.map((text) => stretch(text, max)) });
  const invalid: Weighted[] = [
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
    { weight: 1, arbitrary: fc.tuple(good, fc.constantFrom(" ", "x", "-", "/", "%", "\n")).map(([text, extra]) => `${extra}${text}${extra}`) },
    { weight: 1, arbitrary: anything },
  ];
  if (max !== undefined) invalid.push({ weight: 2, arbitrary: fc.tuple(good, fc.integer({ min: 1, max: 3 })).map(([text, over]) => stretch(text, max + over)) });
  return pick(mode, valid, invalid);
}

// Phones that can exist (libphonenumber-js's max metadata says so of every one): Brazilian
// mobiles in a dozen area codes, and Portuguese mobiles.
const BRAZIL_AREAS = ["11", "21", "31", "41", "44", "47", "51", "61", "71", "81", "85", "91"];
const realPhone = fc.oneof(
  fc.tuple(fc.constantFrom(...BRAZIL_AREAS), fc.integer({ min: 0, max: 99_999_999 })).map(([area, n]) => `55${area}9${String(n).padStart(8, "0")}`),
  fc.tuple(fc.constantFrom("1", "2", "3", "6"), fc.integer({ min: 0, max: 9_999_999 })).map(([kind, n]) => `3519${kind}${String(n).padStart(7, "0")}`),
);
const linkedId = fc.bigInt({ min: 10_000_000_000n, max: 999_999_999_999_999n }).map((n) => `${n}@lid`);

/** A phone as people write it with its country: `5544999999999`, `+55 (44) 99999-9999`, `+55 44 …`. */
function decorate(digits: string, how: number): string {
  const [a, b, c] = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4)];
  switch (how) {
    case 0:
      return `+${a} (${b}) ${c.slice(0, 5)}-${c.slice(5)}`;
    case 1:
      return `+${a}.${b}.${c}`;
    case 2:
      return ` +${a} ${b} ${c} `;
    default:
      return digits;
  }
}

/** A person: a phone that can exist or a Linked ID; in mixed mode, also what is neither. */
function participantArbitrary(mode: Mode): fc.Arbitrary<unknown> {
  const valid: Weighted[] = [
    { weight: 6, arbitrary: fc.tuple(realPhone, fc.nat(3)).map(([digits, how]) => decorate(digits, how)) },
    { weight: 2, arbitrary: linkedId },
  ];
  const invalid: Weighted[] = [
    // Written nationally, with no defaultCountry to read it by.
    { weight: 2, arbitrary: realPhone.map((digits) => `(${digits.slice(2, 4)}) ${digits.slice(4, 9)}-${digits.slice(9)}`) },
    // Digits that are no number anywhere, too short or too long.
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,6}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{16,18}$/) },
    { weight: 1, arbitrary: fc.constantFrom("@lid", "123@LID", "12a@lid", "5544999999999@c.us", "") },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: anything },
  ];
  return pick(mode, valid, invalid);
}

function numberArbitrary(schema: Schema, type: "integer" | "number", mode: Mode): fc.Arbitrary<unknown> {
  const low = schema.minimum ?? -100;
  const high = schema.maximum ?? low + 1000;
  const valid: Weighted[] = [
    { weight: 6, arbitrary: type === "integer" ? fc.integer({ min: low, max: high }) : fc.double({ min: low, max: high, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(low, high) },
  ];
  // Integers a JS number holds but not exactly, or only in exponent notation.
  if (schema.maximum === undefined) valid.push({ weight: 1, arbitrary: fc.constantFrom(2 ** 53 + 2, 1e21) });
  const invalid: Weighted[] = [
    { weight: 2, arbitrary: fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, true) },
    // A number written as a string: wrong here, though a query string cannot tell.
    { weight: 1, arbitrary: fc.integer({ min: low, max: high }).map(String) },
    { weight: 1, arbitrary: anything },
  ];
  if (type === "integer") invalid.push({ weight: 2, arbitrary: fc.constantFrom(low + 0.5, 2.5) });
  if (schema.minimum !== undefined) invalid.push({ weight: 2, arbitrary: fc.integer({ min: schema.minimum - 50, max: schema.minimum - 1 }) });
  if (schema.maximum !== undefined) invalid.push({ weight: 2, arbitrary: fc.integer({ min: schema.maximum + 1, max: schema.maximum + 50 }) });
  return pick(mode, valid, invalid);
}

function arrayArbitrary(schema: Schema, mode: Mode): fc.Arbitrary<unknown> {
  const itemSchema = schema.items ?? {};
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? min + 4;
  const list = (itemMode: Mode, minLength = min) => fc.array(arbitraryFor(itemSchema, itemMode), { minLength, maxLength: max });
  const valid: Weighted[] = [{ weight: 6, arbitrary: list("valid") }];
  // Repeats the client drops before checking, as x-zapi-dedupe says.
  if (schema.dedupe) valid.push({ weight: 2, arbitrary: list("valid", Math.max(min, 1)).map((items) => [...items, ...items].slice(0, Math.max(max, min + 1))) });
  const invalid: Weighted[] = [
    { weight: 4, arbitrary: list("mixed") },
    { weight: 1, arbitrary: anything },
  ];
  if (min > 0) invalid.push({ weight: 2, arbitrary: fc.array(arbitraryFor(itemSchema, "valid"), { maxLength: min - 1 }) });
  if (schema.maxItems !== undefined) invalid.push({ weight: 2, arbitrary: fc.array(arbitraryFor(itemSchema, "valid"), { minLength: max + 1, maxLength: max + 3 }) });
  if (schema.uniqueItems && !schema.dedupe) invalid.push({ weight: 2, arbitrary: list("valid", 1).map((items) => [...items, items[0]]) });
  return pick(mode, valid, invalid);
}

// Field names no schema here declares; "__proto__" as an own field must be refused as
// unknown, not taken for the prototype.
const UNKNOWN_FIELDS = ["extra", "__proto__", "constructor"];

function objectArbitrary(schema: Schema, mode: Mode): fc.Arbitrary<unknown> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, sub]) => {
    const value = arbitraryFor(sub, mode);
    const present: Weighted = { weight: 17, arbitrary: value.map((v) => [name, v]) };
    const absent: Weighted = { weight: required.has(name) ? 2 : mode === "valid" ? 17 : 5, arbitrary: fc.constant(undefined) };
    // A field set to undefined is absent too: JSON and the query string both drop it.
    const undef: Weighted = { weight: 1, arbitrary: fc.constant([name, undefined]) };
    if (mode === "valid") return required.has(name) ? present.arbitrary : fc.oneof(present, absent);
    return fc.oneof(present, absent, undef);
  });
  if (mode === "mixed" && schema.additionalProperties === false) {
    fields.push(
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...UNKNOWN_FIELDS), fc.jsonValue({ maxDepth: 1 })) },
      ),
    );
  }
  const record = fc.tuple(...fields).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const entry of entries) {
      if (entry === undefined) continue;
      const [name, value] = entry as [string, unknown];
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  });
  return record;
}

function oneOfArbitrary(branches: readonly Schema[], mode: Mode): fc.Arbitrary<unknown> {
  const forms = branches.map((branch) => arbitraryFor(branch, mode));
  if (mode === "valid" || !branches.every((branch) => branch.type === "object" && branch.properties)) return fc.oneof(...forms);
  // Objects with the fields of several forms at once (both ids), or of none.
  const properties: Record<string, Schema> = Object.assign({}, ...branches.map((branch) => branch.properties));
  const union = objectArbitrary({ type: "object", properties }, "mixed");
  return fc.oneof({ weight: 3 * branches.length, arbitrary: fc.oneof(...forms) }, { weight: 2, arbitrary: union });
}
