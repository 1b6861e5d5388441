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
  /** Paths whose problems were reported already, by someone else: neither kept nor counted. */
  readonly skip: ReadonlySet<string> | undefined;
}

/** Every problem with `value` against `schema`; `total === 0` means valid (unless `skip` hid some). */
export function validate(schema: Schema, value: unknown, options: { path?: string; keep?: number; stop?: number; skip?: ReadonlySet<string> | undefined } = {}): Validation {
  const sink: Sink = { problems: [], total: 0, keep: options.keep ?? Infinity, stop: options.stop ?? Infinity, skip: options.skip };
  checkerFor(schema)(value, sink, options.path ?? "");
  return sink;
}

/**
 * Whether `value` matches `schema`: the same compiled check as {@link validate}, asked only
 * yes or no, so it stops at the first problem and builds neither a problem nor a path.
 * Every call checks its input and its answer this way first, and asks for the problems
 * only when there are some.
 */
export function matches(schema: Schema, value: unknown): boolean {
  return checkerFor(schema)(value, undefined, "");
}

const NONE: readonly string[] = [];

/**
 * A schema compiled: whether `value` is valid. Without a sink it answers at the first
 * problem; with one it reports every problem (up to the sink's `stop`) at `path`, the JSON
 * Pointer of `value`, and answers the same. Each keyword's rule is written once, here, for
 * both uses; a path is built only where a problem is reported.
 */
type Checker = (value: unknown, sink: Sink | undefined, path: string) => boolean;
type Part<T> = (value: T, sink: Sink | undefined, path: string) => boolean;

const checkers = new WeakMap<Schema, Checker>();

function checkerFor(schema: Schema): Checker {
  let checker = checkers.get(schema);
  if (!checker) checkers.set(schema, (checker = compileSchema(schema)));
  return checker;
}

// One closure per schema, with one per kind of value it constrains: a list of a closure per
// keyword made every call site megamorphic (0.74 µs to check addParticipant's input).
// oneOf, anyOf, not and items are compiled on first use, an object's properties with the
// object: the schema is walked little further than values go.
function compileSchema(schema: Schema): Checker {
  const { oneOf, anyOf, not, type, enum: allowed } = schema;
  const single = typeof type === "string" ? type : undefined;
  const hasConst = schema.const !== undefined;
  const constant = schema.const;
  const onString = stringPart(schema);
  const onNumber = numberPart(schema);
  const onArray = arrayPart(schema);
  const onObject = objectPart(schema);
  return (value, sink, path) => {
    let ok = true;
    if (oneOf && !checkOneOf(oneOf, value, sink, path)) {
      if (!sink) return false;
      ok = false;
    }
    if (anyOf && !checkAnyOf(anyOf, value, sink, path)) {
      if (!sink) return false;
      ok = false;
    }
    if (not && checkerFor(not)(value, undefined, "")) {
      if (!sink) return false;
      ok = false;
      report(sink, path, "is not allowed here", value);
    }
    if (sink && sink.total >= sink.stop) return false;
    if (type !== undefined && !(single !== undefined ? isType(single, value) : isAnyType(type as readonly JsonType[], value))) {
      if (sink) report(sink, path, `must be ${(typeof type === "string" ? [type] : type).map(article).join(" or ")}`, value);
      return false;
    }
    if (hasConst && value !== constant) {
      if (sink) report(sink, path, `must be ${JSON.stringify(constant)}`, value);
      return false;
    }
    if (allowed && !allowed.includes(value)) {
      if (sink) report(sink, path, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`, value);
      return false;
    }
    if (typeof value === "string") return onString === undefined ? ok : onString(value, sink, path) && ok;
    if (typeof value === "number") return onNumber === undefined ? ok : onNumber(value, sink, path) && ok;
    if (typeof value !== "object" || value === null) return ok;
    if (Array.isArray(value)) return onArray === undefined ? ok : onArray(value, sink, path) && ok;
    return onObject === undefined ? ok : onObject(value as Record<string, unknown>, sink, path) && ok;
  };
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

function stringPart(schema: Schema): Part<string> | undefined {
  const { minLength = 0, maxLength = Infinity, pattern, example } = schema;
  const uri = schema.format === "uri";
  if (minLength === 0 && maxLength === Infinity && !uri && pattern === undefined) return undefined;
  const test = pattern === undefined ? undefined : compiled(pattern);
  const like = example === undefined ? "" : `look like ${JSON.stringify(example)} (`;
  // Length counts code points; UTF-16 length decides unless surrogate pairs could matter.
  return (value, sink, path) => {
    let ok = true;
    if (value.length < 2 * minLength && codePoints(value) < minLength) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must have at least ${minLength} character${minLength === 1 ? "" : "s"}`, value);
    }
    if (value.length > maxLength && codePoints(value) > maxLength) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must have at most ${maxLength} characters`, value);
    }
    if (uri && !isUri(value)) {
      if (!sink) return false;
      ok = false;
      report(sink, path, "must be an absolute URI", value);
    }
    if (test !== undefined && !test(value)) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must ${like}match the pattern ${pattern}${like ? ")" : ""}`, value);
    }
    return ok;
  };
}

function numberPart(schema: Schema): Part<number> | undefined {
  const { minimum = -Infinity, maximum = Infinity } = schema;
  if (minimum === -Infinity && maximum === Infinity) return undefined;
  return (value, sink, path) => {
    let ok = true;
    if (value < minimum) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must be at least ${minimum}`, value);
    }
    if (value > maximum) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must be at most ${maximum}`, value);
    }
    return ok;
  };
}

function arrayPart(schema: Schema): Part<readonly unknown[]> | undefined {
  const { minItems = 0, maxItems = Infinity, items } = schema;
  // A dedupe array has had its repeats dropped already; a repeat cannot be the caller's mistake.
  const unique = Boolean(schema.uniqueItems) && !schema.dedupe;
  if (minItems === 0 && maxItems === Infinity && !items && !unique) return undefined;
  let item: Checker | undefined;
  return (value, sink, path) => {
    let ok = true;
    if (value.length < minItems) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must have at least ${minItems} item${minItems === 1 ? "" : "s"}`, value);
    }
    if (value.length > maxItems) {
      if (!sink) return false;
      ok = false;
      report(sink, path, `must have at most ${maxItems} items, has ${value.length}`, undefined, false);
    }
    if (items) {
      item ??= checkerFor(items);
      for (let i = 0; i < value.length; i++) {
        if (sink) {
          if (sink.total >= sink.stop) return false;
          if (!item(value[i], sink, `${path}/${i}`)) ok = false;
        } else if (!item(value[i], undefined, "")) return false;
      }
    }
    if (unique) {
      if (!sink) return !hasRepeat(value) && ok;
      const first = new Map<unknown, number>();
      for (let i = 0; i < value.length && sink.total < sink.stop; i++) {
        const id = uniqueId(value[i]);
        const seen = first.get(id);
        if (seen === undefined) first.set(id, i);
        else {
          ok = false;
          report(sink, `${path}/${i}`, `repeats ${path}/${seen}`, value[i]);
        }
      }
    }
    return ok;
  };
}

function objectPart(schema: Schema): Part<Record<string, unknown>> | undefined {
  const { required = NONE, properties, additionalProperties } = schema;
  if (required.length === 0 && !properties && additionalProperties === undefined) return undefined;
  // Per declared name, its checker, made with this one (schemas are finite trees): one lookup
  // a field says both whether it is declared and how to check it.
  const declared = new Map(Object.entries(properties ?? {}).map(([name, sub]) => [name, checkerFor(sub)]));
  const other: Checker | false | undefined = typeof additionalProperties === "object" ? checkerFor(additionalProperties) : additionalProperties === false ? false : undefined;
  // Fields held to one value or a few (a oneOf form's discriminator, such as a delivery's
  // `notification`): asked first when only yes or no is wanted, so a form that does not fit
  // fails at once, not after every other field of a large object.
  const pinned = Object.entries(properties ?? {}).filter(([, sub]) => sub.const !== undefined || sub.enum !== undefined).map(([name]) => [name, declared.get(name)!] as const);
  return (record, sink, path) => {
    if (!sink) {
      for (const [name, test] of pinned) {
        if (Object.hasOwn(record, name) && record[name] !== undefined && !test(record[name], undefined, "")) return false;
      }
    }
    let ok = true;
    // A property set to undefined is absent: JSON.stringify drops it, so it is never sent.
    for (const name of required) {
      if (!Object.hasOwn(record, name) || record[name] === undefined) {
        if (!sink) return false;
        ok = false;
        report(sink, pointer(path, name), "is required", undefined, false);
      }
    }
    for (const name of Object.keys(record)) {
      const property = record[name];
      if (property === undefined) continue;
      if (sink && sink.total >= sink.stop) return false;
      // Own entries only: "constructor" must not find a Map method or Object.prototype's.
      const sub = declared.get(name) ?? other;
      if (sub === false) {
        if (!sink) return false;
        ok = false;
        report(sink, pointer(path, name), unknownField(schema), property);
      } else if (sub !== undefined && !sub(property, sink, sink ? pointer(path, name) : "")) {
        if (!sink) return false;
        ok = false;
      }
    }
    return ok;
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
  if (sink.skip?.has(path)) return;
  sink.total++;
  if (sink.problems.length < sink.keep) sink.problems.push(hasValue ? { path, message, value } : { path, message });
}

function unknownField(schema: Schema): string {
  const known = Object.keys(schema.properties ?? {});
  return known.length > 0 ? `is not allowed (known: ${known.join(", ")})` : "is not allowed";
}

// Property names are escaped here, when a path is needed, not for every property checked.
function pointer(parent: string, key: string): string {
  return `${parent}/${escapePointer(key)}`;
}

// The form the last oneOf check found for an object, so that keeping the fields of the value
// just checked (result.ts's pick) need not find it again: one slot, replaced by every check
// that finds one, and read only for the very same object and list of forms.
let found: { branches: readonly Schema[]; value: object; form: Schema } | undefined;

/** The form of `branches` that the last oneOf check found for `value`, if that was this very check. */
export function lastFoundForm(branches: readonly Schema[], value: unknown): Schema | undefined {
  return found && found.value === value && found.branches === branches ? found.form : undefined;
}

function checkOneOf(branches: readonly Schema[], value: unknown, sink: Sink | undefined, path: string): boolean {
  let matching = 0;
  let form: Schema | undefined;
  for (const branch of branches) if (checkerFor(branch)(value, undefined, "")) (matching++, (form = branch));
  if (matching === 1) {
    if (typeof value === "object" && value !== null) found = { branches, value, form: form! };
    return true;
  }
  if (!sink) return false;
  if (matching > 1) {
    report(sink, path, `must match exactly one of ${titles(branches).join(" or ")}, but matches ${matching}`, undefined, false);
    return false;
  }
  reportNoBranch(branches, value, sink, path, "exactly one");
  return false;
}

function checkAnyOf(branches: readonly Schema[], value: unknown, sink: Sink | undefined, path: string): boolean {
  for (const branch of branches) if (checkerFor(branch)(value, undefined, "")) return true;
  if (sink) reportNoBranch(branches, value, sink, path, "one");
  return false;
}

function titles(branches: readonly Schema[]): string[] {
  return branches.map((branch, i) => branch.title ?? `option ${i + 1}`);
}

// No branch matches: the closest branch's problems when one is clearly what was meant (or
// every branch says the same), else one problem that sums up each branch's.
function reportNoBranch(branches: readonly Schema[], value: unknown, sink: Sink, path: string, howMany: string): void {
  const names = titles(branches);
  const results = branches.map((branch) => validate(branch, value, { path, keep: 20, skip: sink.skip }));
  // Without values: this text is kept in a message, and values are shown only once redacted.
  const described = results.map((result) => result.problems.map((p) => `${p.path || "input"} ${p.message}`).join("; "));
  const fewest = Math.min(...results.map((result) => result.total));
  const closest = results.filter((result) => result.total === fewest);
  if (closest.length === 1 || described.every((text) => text === described[0])) {
    const [best] = closest as [Validation];
    for (const problem of best.problems) report(sink, problem.path, problem.message, problem.value, "value" in problem);
    sink.total += best.total - best.problems.length;
    return;
  }
  const why = described.map((text, i) => `${names[i]}: ${text}`).join(" | ");
  report(sink, path, `must match ${howMany} of ${names.join(" or ")} (${why})`, undefined, false);
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
