import type { JsonType, Problem, Schema } from "./schema.js";

/** The problems kept, and how many there were in all. */
export interface Validation {
  readonly problems: Problem[];
  readonly total: number;
}

interface Sink {
  problems: Problem[];
  total: number;
  /** Problems kept; the rest are only counted. */
  readonly keep: number;
  /** Stop checking once this many are found. */
  readonly stop: number;
}

/** Every problem with `value` against `schema`; `total === 0` means valid. */
export function validate(schema: Schema, value: unknown, options: { path?: string; keep?: number; stop?: number } = {}): Validation {
  const sink: Sink = { problems: [], total: 0, keep: options.keep ?? Infinity, stop: options.stop ?? Infinity };
  check(schema, value, options.path ?? "", undefined, sink);
  return sink;
}

const NONE: readonly string[] = [];

type Test = (value: unknown) => boolean;
const tests = new WeakMap<Schema, Test>();

/**
 * Whether `value` matches `schema`: exactly when {@link validate} finds no problem
 * (test/core/validate.test.ts compares them), but building neither a problem nor a path:
 * every call checks its input and its answer this way first, and asks validate for the
 * problems only when there are some. Each schema is turned once into a test of only the
 * keywords it has, so no call reads the keywords it lacks.
 */
export function matches(schema: Schema, value: unknown): boolean {
  return testFor(schema)(value);
}

function testFor(schema: Schema): Test {
  let test = tests.get(schema);
  if (!test) tests.set(schema, (test = compileSchema(schema)));
  return test;
}

// One closure per schema, with one per kind of value it constrains: a list of a closure per
// keyword made every call site megamorphic (0.74 µs to check addParticipant's input).
// oneOf, not and items are compiled on first use, an object's properties with the object:
// the schema is walked little further than values go.
function compileSchema(schema: Schema): Test {
  const { oneOf, not, type, enum: allowed } = schema;
  const single = typeof type === "string" ? type : undefined;
  const hasConst = schema.const !== undefined;
  const constant = schema.const;
  const onString = stringTest(schema);
  const onNumber = numberTest(schema);
  const onArray = arrayTest(schema);
  const onObject = objectTest(schema);
  let branches: Test[] | undefined;
  let negated: Test | undefined;
  return (value) => {
    if (oneOf) {
      branches ??= oneOf.map(testFor);
      let matching = 0;
      for (const branch of branches) if (branch(value)) matching++;
      if (matching !== 1) return false;
    }
    if (not && (negated ??= testFor(not))(value)) return false;
    if (type !== undefined && !(single !== undefined ? isType(single, value) : isAnyType(type as readonly JsonType[], value))) return false;
    if (hasConst && value !== constant) return false;
    if (allowed && !allowed.includes(value)) return false;
    if (typeof value === "string") return onString === undefined || onString(value);
    if (typeof value === "number") return onNumber === undefined || onNumber(value);
    if (typeof value !== "object" || value === null) return true;
    if (Array.isArray(value)) return onArray === undefined || onArray(value);
    return onObject === undefined || onObject(value as Record<string, unknown>);
  };
}

function stringTest(schema: Schema): ((value: string) => boolean) | undefined {
  const { minLength = 0, maxLength = Infinity, pattern } = schema;
  const uri = schema.format === "uri";
  if (minLength === 0 && maxLength === Infinity && !uri && pattern === undefined) return undefined;
  const test = pattern === undefined ? undefined : compiled(pattern);
  // Length counts code points; UTF-16 length decides unless surrogate pairs could matter.
  return (value) =>
    !(value.length < 2 * minLength && codePoints(value) < minLength) &&
    !(value.length > maxLength && codePoints(value) > maxLength) &&
    (!uri || isUri(value)) &&
    (test === undefined || test(value));
}

function numberTest(schema: Schema): ((value: number) => boolean) | undefined {
  const { minimum = -Infinity, maximum = Infinity } = schema;
  if (minimum === -Infinity && maximum === Infinity) return undefined;
  return (value) => !(value < minimum) && !(value > maximum);
}

function arrayTest(schema: Schema): ((value: readonly unknown[]) => boolean) | undefined {
  const { minItems = 0, maxItems = Infinity, items } = schema;
  const unique = Boolean(schema.uniqueItems) && !schema.dedupe;
  if (minItems === 0 && maxItems === Infinity && !items && !unique) return undefined;
  let item: Test | undefined;
  return (value) => {
    if (value.length < minItems || value.length > maxItems) return false;
    if (items) {
      item ??= testFor(items);
      for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
    }
    return !unique || !hasRepeat(value);
  };
}

function objectTest(schema: Schema): ((value: Record<string, unknown>) => boolean) | undefined {
  const { required = NONE, properties, additionalProperties } = schema;
  if (required.length === 0 && !properties && additionalProperties === undefined) return undefined;
  // Per declared name, its test, made with this one (schemas are finite trees): one lookup a
  // field says both whether it is declared and how to check it.
  const declared = new Map(Object.entries(properties ?? {}).map(([name, sub]) => [name, testFor(sub)]));
  const other: Test | false | undefined = typeof additionalProperties === "object" ? testFor(additionalProperties) : additionalProperties === false ? false : undefined;
  return (record) => {
    // A property set to undefined is absent: JSON.stringify drops it, so it is never sent.
    for (const name of required) if (!Object.hasOwn(record, name) || record[name] === undefined) return false;
    for (const name of Object.keys(record)) {
      const property = record[name];
      if (property === undefined) continue;
      const sub = declared.get(name) ?? other;
      if (sub === false || (sub !== undefined && !sub(property))) return false;
    }
    return true;
  };
}

function hasRepeat(value: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  for (const item of value) {
    const id = uniqueId(item);
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

// Primitives are their own keys; objects and arrays compare by sorted-key JSON.
function uniqueId(item: unknown): unknown {
  return typeof item === "object" && item !== null ? `\0${canonical(item, 0)}` : item;
}

function report(sink: Sink, path: string, message: string, value?: unknown, hasValue = true): void {
  sink.total++;
  if (sink.problems.length < sink.keep) sink.problems.push(hasValue ? { path, message, value } : { path, message });
}

// `key` is escaped and appended to `parent` only when a problem is reported, so checking a long list
// builds no path strings (and no closures: this runs once per item, and a closure that
// captured `value` would make every call allocate a context for it, 40 bytes a phone). Recursion follows the schema,
// which is a finite tree, never the value alone: no value can make it overflow the stack.
function check(schema: Schema, value: unknown, parent: string, key: string | number | undefined, sink: Sink): void {
  if (schema.oneOf) checkOneOf(schema.oneOf, value, pointer(parent, key), sink);
  if (schema.not && matches(schema.not, value)) report(sink, pointer(parent, key), "is not allowed here", value);
  if (sink.total >= sink.stop) return;
  const { type } = schema;
  if (type !== undefined && !(typeof type === "string" ? isType(type, value) : isAnyType(type, value))) {
    const names = (typeof type === "string" ? [type] : type).map((t) => `${/^[aeiou]/.test(t) ? "an" : "a"} ${t}`);
    return report(sink, pointer(parent, key), `must be ${names.join(" or ")}`, value);
  }
  if (schema.const !== undefined && value !== schema.const) return report(sink, pointer(parent, key), `must be ${JSON.stringify(schema.const)}`, value);
  if (schema.enum && !schema.enum.includes(value)) {
    return report(sink, pointer(parent, key), `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`, value);
  }
  if (typeof value === "string") {
    const { minLength = 0, maxLength = Infinity, pattern } = schema;
    // Length counts code points; UTF-16 length decides unless surrogate pairs could matter.
    if (value.length < 2 * minLength && codePoints(value) < minLength) {
      report(sink, pointer(parent, key), `must have at least ${minLength} character${minLength === 1 ? "" : "s"}`, value);
    }
    if (value.length > maxLength && codePoints(value) > maxLength) {
      report(sink, pointer(parent, key), `must have at most ${maxLength} characters`, value);
    }
    if (schema.format === "uri" && !isUri(value)) report(sink, pointer(parent, key), "must be an absolute URI", value);
    if (pattern !== undefined && !compiled(pattern)(value)) {
      const like = schema.example === undefined ? "" : `look like ${JSON.stringify(schema.example)} (`;
      report(sink, pointer(parent, key), `must ${like}match the pattern ${pattern}${like ? ")" : ""}`, value);
    }
  } else if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) report(sink, pointer(parent, key), `must be at least ${schema.minimum}`, value);
    if (schema.maximum !== undefined && value > schema.maximum) report(sink, pointer(parent, key), `must be at most ${schema.maximum}`, value);
  } else if (Array.isArray(value)) {
    checkArray(schema, value, pointer(parent, key), sink);
  } else if (typeOf(value) === "object") {
    checkObject(schema, value as Record<string, unknown>, pointer(parent, key), sink);
  }
}

function checkArray(schema: Schema, value: readonly unknown[], here: string, sink: Sink): void {
  const { minItems = 0, maxItems = Infinity, items } = schema;
  if (value.length < minItems) report(sink, here, `must have at least ${minItems} item${minItems === 1 ? "" : "s"}`, value);
  if (value.length > maxItems) report(sink, here, `must have at most ${maxItems} items, has ${value.length}`, undefined, false);
  for (let i = 0; items && i < value.length && sink.total < sink.stop; i++) check(items, value[i], here, i, sink);
  // A dedupe array has had its repeats dropped already; a repeat cannot be the caller's mistake.
  if (schema.uniqueItems && !schema.dedupe) {
    const first = new Map<unknown, number>();
    for (let i = 0; i < value.length && sink.total < sink.stop; i++) {
      const item = value[i];
      const id = uniqueId(item);
      const seen = first.get(id);
      if (seen === undefined) first.set(id, i);
      else report(sink, `${here}/${i}`, `repeats ${here}/${seen}`, item);
    }
  }
}

function checkObject(schema: Schema, record: Record<string, unknown>, here: string, sink: Sink): void {
  // A property set to undefined is absent: JSON.stringify drops it, so it is never sent.
  for (const name of schema.required ?? NONE) {
    if (!Object.hasOwn(record, name) || record[name] === undefined) report(sink, pointer(here, name), "is required", undefined, false);
  }
  for (const name of Object.keys(record)) {
    const property = record[name];
    if (property === undefined || sink.total >= sink.stop) continue;
    // Own properties only: "constructor" must not find Object.prototype.constructor.
    const sub = schema.properties && Object.hasOwn(schema.properties, name) ? schema.properties[name] : schema.additionalProperties;
    if (sub === false) report(sink, pointer(here, name), unknownField(schema), property);
    else if (typeof sub === "object") check(sub, property, here, name, sink);
  }
}

function unknownField(schema: Schema): string {
  const known = Object.keys(schema.properties ?? {});
  return known.length > 0 ? `is not allowed (known: ${known.join(", ")})` : "is not allowed";
}

// Property names are escaped here, when a path is needed, not for every property checked.
function pointer(parent: string, key: string | number | undefined): string {
  return key === undefined ? parent : `${parent}/${typeof key === "string" ? escapePointer(key) : key}`;
}

function checkOneOf(branches: readonly Schema[], value: unknown, path: string, sink: Sink): void {
  // A cheap pass first: each branch stops at its first problem.
  const matching = branches.filter((branch) => matches(branch, value)).length;
  if (matching === 1) return;
  const titles = branches.map((branch, i) => branch.title ?? `option ${i + 1}`);
  const names = titles.join(" or ");
  if (matching > 1) return report(sink, path, `must match exactly one of ${names}, but matches ${matching}`, undefined, false);
  const results = branches.map((branch) => validate(branch, value, { path, keep: 20 }));
  // Without values: this text is kept in a message, and values are shown only once redacted.
  const described = results.map((result) => result.problems.map((p) => `${p.path || "input"} ${p.message}`).join("; "));
  const fewest = Math.min(...results.map((result) => result.total));
  const closest = results.filter((result) => result.total === fewest);
  // All forms say the same (say, not an object), or one form is clearly what was meant.
  if (closest.length === 1 || described.every((text) => text === described[0])) {
    const [best] = closest as [Validation];
    for (const problem of best.problems) report(sink, problem.path, problem.message, problem.value, "value" in problem);
    sink.total += best.total - best.problems.length;
    return;
  }
  const why = described.map((text, i) => `${titles[i]}: ${text}`).join(" | ");
  report(sink, path, `must match exactly one of ${names} (${why})`, undefined, false);
}

/** `/phones/2 "abc" must match …`, the form errors print; the value is cut to 60 characters. */
export function describeProblem(problem: Problem): string {
  return `${problem.path || "input"}${"value" in problem ? ` ${cut(show(problem.value), 60)}` : ""} ${problem.message}`;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object" || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return "an object";
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

// RFC 3986's URI, as JSON Schema validators (ajv, so Prism) check `format: uri`: a scheme,
// then //authority (user info, host, digits for a port) and a path, or a path alone; a
// query and a fragment; only URI characters or %XX escapes.
const PCHAR = "(?:[\\w.~!$&'()*+,;=:@-]|%[\\da-f]{2})";
const SEGMENTS = `${PCHAR}+(?:/${PCHAR}*)*`;
const URI = new RegExp(
  `^[a-z][a-z0-9+.-]*:(?:/?/(?:(?:[\\w.~!$&'()*+,;=:-]|%[\\da-f]{2})*@)?(?:\\[[\\da-f:.]+\\]|(?:[\\w.~!$&'()*+,;=-]|%[\\da-f]{2})*)(?::\\d*)?(?:/${PCHAR}*)*` +
    `|/(?:${SEGMENTS})?|${SEGMENTS})(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
  "i",
);

function isUri(value: string): boolean {
  return URI.test(value);
}

function isType(type: JsonType, value: unknown): boolean {
  if (type === "integer") return Number.isInteger(value);
  if (type === "number") return Number.isFinite(value);
  return typeOf(value) === type;
}

function isAnyType(types: readonly JsonType[], value: unknown): boolean {
  for (const type of types) if (isType(type, value)) return true;
  return false;
}

function typeOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A compiled `pattern`: whether a string matches it. */
export type Matcher = (value: string) => boolean;

const patterns = new Map<string, Matcher>();
function compiled(pattern: string): Matcher {
  let matcher = patterns.get(pattern);
  if (!matcher) patterns.set(pattern, (matcher = compilePattern(pattern)));
  return matcher;
}

// `^[0-9]+$`: a class of ASCII letters and digits (single ones or ranges), `+` or `*`,
// anchored at both ends.
const SIMPLE_PATTERN = /^\^\[((?:[0-9A-Za-z](?:-[0-9A-Za-z])?)+)\]([+*])\$$/;

/**
 * The spec's `pattern` as a test. An anchored class of ASCII letters and digits repeated
 * (`^[0-9]+$`, the phones') becomes a loop over char codes: `RegExp.test` allocated about
 * 60 bytes a string, 0.6 MB for 10,000 phones. It answers exactly as the RegExp does
 * (test/core/validate.test.ts compares them): a code unit outside ASCII, a surrogate
 * included, is in no such class, and no such class is case-blind. Anything else is the
 * RegExp itself, with the u flag, as JSON Schema asks.
 */
export function compilePattern(pattern: string): Matcher {
  const simple = SIMPLE_PATTERN.exec(pattern);
  if (!simple) return viaRegExp(pattern);
  const [, body = "", quantifier] = simple;
  const allowed = new Uint8Array(128);
  for (let i = 0; i < body.length; ) {
    const from = body.charCodeAt(i);
    const to = body[i + 1] === "-" ? body.charCodeAt(i + 2) : from;
    // A reversed range is a SyntaxError for the RegExp: so it stays one.
    if (to < from) return viaRegExp(pattern);
    allowed.fill(1, from, to + 1);
    i += to === from && body[i + 1] !== "-" ? 1 : 3;
  }
  const empty = quantifier === "*";
  return (value) => {
    const length = value.length;
    if (length === 0) return empty;
    for (let i = 0; i < length; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 128 || allowed[unit] === 0) return false;
    }
    return true;
  };
}

function viaRegExp(pattern: string): Matcher {
  const regex = new RegExp(pattern, "u");
  return (value) => regex.test(value);
}

// JSON equality for objects: the same JSON once keys are sorted. Depth-capped: deeper
// levels compare as equal, which can only report a repeat, never hide a problem elsewhere.
function canonical(value: unknown, depth: number): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  if (depth > 32) return "…";
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item, depth + 1)).join(",")}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${canonical(record[k], depth + 1)}`).join(",")}}`;
}

/** A property name as a JSON Pointer segment. */
export function escapePointer(name: string): string {
  return name.includes("~") || name.includes("/") ? name.replaceAll("~", "~0").replaceAll("/", "~1") : name;
}
