import type { Problem, Schema } from "./schema.js";
import { escapePointer } from "./validate.js";

/** How deep a caller's input may nest; nothing the spec describes comes close. */
export const MAX_INPUT_DEPTH = 32;
/** How many items an array of the input may hold; nothing Z-API takes comes close. */
export const MAX_INPUT_ITEMS = 1_000_000;

/** A copy of the caller's input, safe to check and to send, and what was rewritten in it. */
export interface Snapshot {
  readonly value: unknown;
  /** Problems found while copying: cycles, too deep, a getter or Proxy that threw. */
  readonly problems: Problem[];
  /** Per array rewritten by `phone`/`dedupe`: the caller's values and indices, for messages. */
  readonly rewrites: Map<string, Rewrite>;
}

export interface Rewrite {
  /** The caller's value at each index whose item was rewritten. */
  readonly written: Map<number, unknown>;
  /** `keptFrom[k]` is the caller's index of the k-th item kept, when repeats were dropped. */
  keptFrom?: number[];
}

/**
 * Copies the caller's input once, so that what is checked is exactly what is sent: every
 * getter runs once, a Proxy is read once, and a cycle, a getter that throws or an object
 * nested too deep becomes a problem instead of an exception. On the way, what the schema
 * declares is applied: `phone` strings are reduced to digits, `dedupe` arrays drop repeats.
 */
export function snapshot(schema: Schema | undefined, input: unknown): Snapshot {
  const state: Snapshot = { value: undefined, problems: [], rewrites: new Map() };
  return { ...state, value: copy(schema, input, "", undefined, 0, [], state) };
}

// Paths are built from `parent` and `key` only when a problem is reported: a list of
// 10,000 phones builds no path strings.
function copy(schema: Schema | undefined, value: unknown, parent: string, key: Key, depth: number, ancestors: object[], state: Snapshot): unknown {
  if (typeof value !== "object" || value === null) return schema?.phone && typeof value === "string" ? normalizePhone(value) : value;
  if (ancestors.includes(value)) return fail(state, at(parent, key), "refers back to itself (a cycle); it cannot be sent as JSON");
  if (depth >= MAX_INPUT_DEPTH) return fail(state, at(parent, key), `nests deeper than ${MAX_INPUT_DEPTH} levels`);
  ancestors.push(value);
  const path = at(parent, key);
  try {
    return Array.isArray(value) ? copyArray(schema, value, path, depth, ancestors, state) : copyObject(schema, value, path, depth, ancestors, state);
  } catch (error) {
    return fail(state, path, `could not be read: ${describeThrown(error)}`);
  } finally {
    ancestors.pop();
  }
}

function copyArray(schema: Schema | undefined, array: unknown[], path: string, depth: number, ancestors: object[], state: Snapshot): unknown[] {
  const items = schema?.items;
  const length = array.length;
  if (!Number.isSafeInteger(length) || length < 0) throw new TypeError("its length is not a whole number");
  // A sparse array or a Proxy can claim billions of items: copying them exhausted the heap.
  if (length > MAX_INPUT_ITEMS) throw new RangeError(`it has ${length} items, more than the ${MAX_INPUT_ITEMS} an input may hold`);
  const out: unknown[] = [];
  let rewrite: Rewrite | undefined;
  const seen = schema?.dedupe ? new Set<unknown>() : undefined;
  for (let i = 0; i < length; i++) {
    const original = read(array, i, path, state);
    const item = copy(items, original, path, i, depth + 1, ancestors, state);
    if (item !== original) (rewrite ??= { written: new Map() }).written.set(i, original);
    if (seen && typeof item === "string") {
      if (seen.has(item)) {
        rewrite ??= { written: new Map() };
        rewrite.keptFrom ??= Array.from({ length: out.length }, (_, k) => k);
        continue;
      }
      seen.add(item);
    }
    rewrite?.keptFrom?.push(i);
    out.push(item);
  }
  if (rewrite) state.rewrites.set(path, rewrite);
  return out;
}

function copyObject(schema: Schema | undefined, record: object, path: string, depth: number, ancestors: object[], state: Snapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(record)) {
    const item = copy(propertySchema(schema, name), read(record, name, path, state), path, name, depth + 1, ancestors, state);
    // Defined, not assigned: a "__proto__" key stays a plain field, for the check to refuse.
    Object.defineProperty(out, name, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// Where a property's normalisation is declared: the schema's own properties, else the first
// oneOf form that names it (the forms of one body share their field schemas).
function propertySchema(schema: Schema | undefined, name: string): Schema | undefined {
  if (!schema) return undefined;
  if (schema.properties && Object.hasOwn(schema.properties, name)) return schema.properties[name];
  for (const form of schema.oneOf ?? []) {
    const found = propertySchema(form, name);
    if (found) return found;
  }
  return typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
}

// A getter or Proxy trap that throws is that property's problem, not the whole input's.
function read(container: object, key: string | number, parent: string, state: Snapshot): unknown {
  try {
    return (container as Record<string | number, unknown>)[key];
  } catch (error) {
    return fail(state, at(parent, key), `could not be read: ${describeThrown(error)}`);
  }
}

type Key = string | number | undefined;

function at(parent: string, key: Key): string {
  return key === undefined ? parent : `${parent}/${typeof key === "string" ? escapePointer(key) : key}`;
}

function fail(state: Snapshot, path: string, message: string): undefined {
  state.problems.push({ path, message });
  return undefined;
}

function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "an exception that cannot be shown";
  }
}

// What people put in phone numbers that the spec does not allow: spaces, brackets, dots,
// dashes, and a leading "+".
const PHONE_DECORATION = /[\s().-]/g;

/** `+55 (44) 99999-9999` → `5544999999999`; anything else is left for the check to name. */
export function normalizePhone(phone: string): string {
  // Most phones are digits already: a scan that allocates nothing.
  let i = 0;
  while (i < phone.length && phone.charCodeAt(i) >= 48 && phone.charCodeAt(i) <= 57) i++;
  if (i === phone.length) return phone;
  const bare = phone.replace(PHONE_DECORATION, "");
  return bare.startsWith("+") ? bare.slice(1) : bare;
}

/** Reports a problem at the caller's own index, with the value as the caller wrote it. */
export function asWritten(problem: Problem, rewrites: ReadonlyMap<string, Rewrite>): Problem {
  for (const [arrayPath, rewrite] of rewrites) {
    if (!problem.path.startsWith(`${arrayPath}/`)) continue;
    const match = /^(\d+)(?=\/|$)/.exec(problem.path.slice(arrayPath.length + 1));
    if (!match) continue;
    const kept = Number(match[1]);
    const index = rewrite.keptFrom ? rewrite.keptFrom[kept] : kept;
    if (index === undefined) continue;
    const path = `${arrayPath}/${index}${problem.path.slice(arrayPath.length + 1 + match[0].length)}`;
    const whole = path === `${arrayPath}/${index}` && "value" in problem && rewrite.written.has(index);
    return whole ? { ...problem, path, value: rewrite.written.get(index) } : { ...problem, path };
  }
  return problem;
}
