import type { Problem, Schema } from "./schema.js";
import { escapePointer, lastFoundForm, matches, validate } from "./validate.js";

/** A field of an answer that the result leaves out, and why: see {@link droppedFields}. */
export interface DroppedField {
  /** Its JSON Pointer in the answer, such as `/participants/3/isAdmin`. */
  readonly path: string;
  /** `unknown`: the spec does not declare it. `mismatch`: it does, and the value does not fit. */
  readonly why: "unknown" | "mismatch";
  /** For a mismatch, what the spec asks of it (never the value, which may be personal). */
  readonly rule?: string;
}

/** How many problems an answer may have and still be read as drift, with the rest left out. */
const MAX_DRIFT = 50;

/**
 * An answer read tolerantly: the result, and what was left out of it. Where a field the
 * spec leaves optional does not fit (a flag sent as a number, say), the field is left out,
 * the smallest part that holds the problem; the call does not fail for a field the caller
 * may never read. Where the answer cannot be the result (the wrong type, a required field
 * missing or wrong), its problems come back instead and the call fails.
 */
export function readResult(schema: Schema, value: unknown): { readonly value: unknown; readonly dropped: DroppedField[] } | { readonly problems: Problem[]; readonly total: number } {
  const dropped: DroppedField[] = [];
  if (!matches(schema, value)) {
    const found = validate(schema, value, { keep: MAX_DRIFT, stop: MAX_DRIFT });
    if (found.total >= MAX_DRIFT) return found;
    const places = new Map<string, { parent: Record<string, unknown>; key: string; rule: string }>();
    for (const problem of found.problems) {
      const place = droppable(schema, value, problem.path);
      if (!place) return { problems: [problem], total: found.total };
      if (!places.has(place.path)) places.set(place.path, { parent: place.parent, key: place.key, rule: `${problem.path.slice(place.path.length) || ""}${problem.path.length > place.path.length ? " " : ""}${problem.message}` });
    }
    // `value` is a fresh JSON.parse, the caller's to give away: fields are removed in place.
    for (const [path, { parent, key, rule }] of places) {
      delete parent[key];
      dropped.push({ path, why: "mismatch", rule });
    }
    if (!matches(schema, value)) return validate(schema, value, { keep: 5, stop: 50 });
  }
  return { value: pick(schema, value, dropped), dropped };
}

// The deepest field on the way to `pointer` that the spec leaves optional, and that the
// answer has: leaving it out leaves the problem out, and loses the least. None when the
// problem sits in the answer itself, in a required field, or past a oneOf (which form would
// it be?). Array items are never left out one by one: a list that silently lost a member
// would lie about its length; the list itself goes, when it may.
function droppable(schema: Schema, root: unknown, pointer: string) {
  let found: { parent: Record<string, unknown>; key: string; path: string } | undefined;
  let sub: Schema | undefined = schema;
  let value = root;
  let path = "";
  for (const segment of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const key = segment.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!sub || sub.oneOf || sub.anyOf || typeof value !== "object" || value === null) break;
    path += `/${segment}`;
    if (Array.isArray(value)) {
      const index = Number(key);
      if (!sub.items || !Number.isInteger(index) || index < 0 || index >= value.length) break;
      sub = sub.items;
      value = value[index];
      continue;
    }
    const record = value as Record<string, unknown>;
    if (!Object.hasOwn(record, key)) break;
    if (!sub.required?.includes(key)) found = { parent: record, key, path };
    sub = sub.properties && Object.hasOwn(sub.properties, key) ? sub.properties[key] : typeof sub.additionalProperties === "object" ? sub.additionalProperties : undefined;
    value = record[key];
  }
  return found;
}

/**
 * A clean form of a value that matched `schema`: only the fields the spec declares, as own
 * data properties; a `__proto__` key from the JSON is never carried over (so plain
 * assignment below cannot set a prototype). A part the spec leaves free-form
 * (`additionalProperties: true`, or an object schema with no properties) keeps all but its
 * `__proto__` keys.
 *
 * `value` is the caller's to give away (a fresh JSON.parse): a part that is already clean is
 * returned as it is, and only the objects and arrays on the way to a dropped field are
 * copied. Copying every answer whole was most of what reading a group's metadata cost.
 */
export function pick(schema: Schema, value: unknown, dropped?: DroppedField[]): unknown {
  return pickAt(schema, value, dropped, []);
}

// `trail` holds the keys down to `value`, pushed and popped: a path is made only for a field
// left out, not for every object walked.
function pickAt(schema: Schema, value: unknown, dropped: DroppedField[] | undefined, trail: (string | number)[]): unknown {
  if (schema.oneOf) {
    const form = lastFoundForm(schema.oneOf, value) ?? schema.oneOf.find((branch) => matches(branch, value));
    if (form) return pickAt(form, value, dropped, trail);
  }
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return schema.items ? pickItems(schema.items, value, dropped, trail) : freeForm(value);
  const { properties, additionalProperties } = schema;
  if (!properties && additionalProperties !== false) return freeForm(value);
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const sub = properties && Object.hasOwn(properties, name) ? properties[name] : additionalProperties;
    const left = name === "__proto__" || sub === undefined || sub === false;
    let kept: unknown;
    if (left) dropped?.push({ path: pointerOf(trail, name), why: "unknown" });
    else if (sub === true) kept = freeForm(record[name]);
    else {
      trail.push(name);
      kept = pickAt(sub, record[name], dropped, trail);
      trail.pop();
    }
    if (!out && (left || kept !== record[name])) {
      // The fields before this one were kept as they are (none is "__proto__").
      out = {};
      for (let j = 0; j < i; j++) out[names[j]!] = record[names[j]!];
    }
    if (out && !left) out[name] = kept;
  }
  return out ?? record;
}

function pickItems(items: Schema, array: readonly unknown[], dropped: DroppedField[] | undefined, trail: (string | number)[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    trail.push(i);
    const item = pickAt(items, array[i], dropped, trail);
    trail.pop();
    if (!out && item !== array[i]) out = array.slice(0, i);
    out?.push(item);
  }
  return out ?? array;
}

function pointerOf(trail: readonly (string | number)[], name: string): string {
  let path = "";
  for (const key of trail) path += `/${typeof key === "number" ? key : escapePointer(key)}`;
  return `${path}/${escapePointer(name)}`;
}

const droppedOf = new WeakMap<object, readonly DroppedField[]>();

/** Records what a result left out, for {@link droppedFields}. */
export function noteDropped(result: unknown, dropped: readonly DroppedField[]): void {
  if (dropped.length > 0 && typeof result === "object" && result !== null) droppedOf.set(result, Object.freeze(dropped.slice()));
}

/**
 * What the client left out of a result it returned: fields the spec does not declare
 * (`why: "unknown"`), and optional fields whose value did not fit the spec
 * (`why: "mismatch"`, with the rule it broke), each by its JSON Pointer in Z-API's answer.
 * Empty for a result that kept everything, and for anything that is not a result. A
 * mismatch is also logged at `warn`, an unknown field at `debug`, once per field and client.
 */
export function droppedFields(result: unknown): readonly DroppedField[] {
  return (typeof result === "object" && result !== null && droppedOf.get(result)) || NOTHING_DROPPED;
}

const NOTHING_DROPPED: readonly DroppedField[] = Object.freeze([]);

// Iterative, so JSON nested thousands of levels deep cannot overflow the stack here. The
// value itself when it holds no "__proto__" key at any depth.
function freeForm(value: unknown): unknown {
  if (typeof value !== "object" || value === null || !hasProtoKey(value)) return value;
  const root: unknown[] = [];
  const stack: [from: unknown, into: Record<string, unknown> | unknown[], key: string | number][] = [[value, root, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [from, into, key] = next;
    let copy: unknown = from;
    if (Array.isArray(from)) {
      copy = new Array<unknown>(from.length);
      from.forEach((item, i) => stack.push([item, copy as unknown[], i]));
    } else if (typeof from === "object" && from !== null) {
      copy = {};
      // Pushed last field first, so that the copy's fields keep their order.
      const fields = Object.entries(from);
      for (let i = fields.length - 1; i >= 0; i--) if (fields[i]![0] !== "__proto__") stack.push([fields[i]![1], copy as Record<string, unknown>, fields[i]![0]]);
    }
    (into as Record<string | number, unknown>)[key] = copy;
  }
  return root[0];
}

function hasProtoKey(value: object): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== "object" || next === null) continue;
    if (Array.isArray(next)) {
      for (const item of next) stack.push(item);
    } else {
      if (Object.hasOwn(next, "__proto__")) return true;
      // Own fields only: an enumerable field someone put on Object.prototype is not the answer's.
      for (const name of Object.keys(next)) stack.push((next as Record<string, unknown>)[name]);
    }
  }
  return false;
}
