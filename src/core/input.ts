import type { ReadPhone } from "./phone-input.js";
import type { Problem, Schema } from "./schema.js";
import { escapePointer } from "./validate.js";

/** How deep a caller's input may nest; nothing the spec describes comes close. */
export const MAX_INPUT_DEPTH = 32;
/** How many items an array of the input may hold; nothing Z-API takes comes close. */
export const MAX_INPUT_ITEMS = 1_000_000;
/**
 * How many values the whole input may hold, counted as JSON would write them (an array or
 * object used twice counts twice): a little more than the longest list allowed. Without
 * it, 30 levels of `[x, x]` (a few dozen objects) were copied 2^30 times: the call hung
 * before it could be refused.
 */
export const MAX_INPUT_VALUES = MAX_INPUT_ITEMS + 100_000;
/** How many of the problems found while copying are kept; the rest are counted. */
export const MAX_KEPT_PROBLEMS = 100;

/** A copy of the caller's input, safe to check and to send. */
export interface Snapshot {
  readonly value: unknown;
  /** Problems found while copying (cycles, too deep, a getter or Proxy that threw): the first {@link MAX_KEPT_PROBLEMS}. */
  readonly problems: Problem[];
  /** How many there were in all. */
  readonly problemCount: number;
  /** The copied arrays whose schema says `dedupe`, for {@link dropRepeats} once they are checked. */
  readonly dedupe: unknown[][];
  /** Per array whose items were rewritten (phones reduced to digits), its items as the caller wrote them. */
  readonly written: ReadonlyMap<string, unknown[]>;
  /** Where a phone could not be read: each is a problem already, whether kept or only counted. */
  readonly phoneProblems: ReadonlySet<string>;
}

/**
 * Copies the caller's input once, so that what is checked is exactly what is sent: every
 * getter runs once, a Proxy is read once, and a cycle, a getter that throws or an object
 * nested too deep becomes a problem instead of an exception. On the way, `phone` strings
 * are read by `readPhone`, as the schema declares: a phone that cannot be sent is a problem
 * there, kept as written. Indices stay the caller's, so problems name the caller's own
 * positions; repeats are dropped after the check.
 */
export function snapshot(schema: Schema | undefined, input: unknown, readPhone?: ReadPhone): Snapshot {
  const state: State = { problems: [], problemCount: 0, dedupe: [], written: undefined, values: 0, readPhone, phoneProblems: undefined };
  const value = copy(schema, input, "", undefined, 0, [], state);
  return { value, problems: state.problems, problemCount: state.problemCount, dedupe: state.dedupe, written: state.written ?? NOTHING_WRITTEN, phoneProblems: state.phoneProblems ?? NO_PATHS };
}

const NOTHING_WRITTEN: ReadonlyMap<string, unknown[]> = new Map();
const NO_PATHS: ReadonlySet<string> = new Set();

// `written` is made when an array's item is first rewritten: most calls never need it.
type State = {
  problems: Problem[];
  problemCount: number;
  dedupe: unknown[][];
  written: Map<string, unknown[]> | undefined;
  values: number;
  readonly readPhone: ReadPhone | undefined;
  phoneProblems: Set<string> | undefined;
};
type Key = string | number | undefined;

// Paths are built from `parent` and `key` only when a problem is reported: a list of
// 10,000 phones builds no path strings.
function copy(schema: Schema | undefined, value: unknown, parent: string, key: Key, depth: number, ancestors: object[], state: State): unknown {
  if (++state.values > MAX_INPUT_VALUES) {
    // Reported once, first, for the whole input; what is left is not read.
    if (state.values === MAX_INPUT_VALUES + 1) {
      state.problems.unshift({ path: "", message: `holds more than ${MAX_INPUT_VALUES} values (a part used twice counts twice)` });
      state.problems.length = Math.min(state.problems.length, MAX_KEPT_PROBLEMS);
      state.problemCount++;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return schema?.phone && typeof value === "string" && state.readPhone ? phone(value, parent, key, state) : value;
  if (ancestors.includes(value)) return fail(state, at(parent, key), "refers back to itself (a cycle); it cannot be sent as JSON");
  if (depth >= MAX_INPUT_DEPTH) return fail(state, at(parent, key), `nests deeper than ${MAX_INPUT_DEPTH} levels`);
  ancestors.push(value);
  const path = at(parent, key);
  try {
    if (!Array.isArray(value)) return copyObject(schema, value, path, depth, ancestors, state);
    const out = copyArray(schema?.items, value, path, depth, ancestors, state);
    if (schema?.dedupe) state.dedupe.push(out);
    return out;
  } catch (error) {
    return fail(state, path, `could not be read: ${describeThrown(error)}`);
  } finally {
    ancestors.pop();
  }
}

function copyArray(items: Schema | undefined, array: unknown[], path: string, depth: number, ancestors: object[], state: State): unknown[] {
  const length = array.length;
  if (!Number.isSafeInteger(length) || length < 0) throw new TypeError("its length is not a whole number");
  // A sparse array or a Proxy can claim billions of items: copying them exhausted the heap.
  if (length > MAX_INPUT_ITEMS) throw new RangeError(`it has ${length} items, more than the ${MAX_INPUT_ITEMS} an input may hold`);
  const out = new Array<unknown>(length);
  // Kept only once an item is rewritten, for messages: until then the copy is the original.
  // Made at its full length at once: pushing 10,000 originals grew it three times over.
  let written: unknown[] | undefined;
  for (let i = 0; i < length; i++) {
    const original = read(array, i, path, state);
    const item = (out[i] = copy(items, original, path, i, depth + 1, ancestors, state));
    if (written) written[i] = original;
    else if (item !== original) {
      written = new Array<unknown>(length);
      for (let j = 0; j < i; j++) written[j] = out[j];
      written[i] = original;
      (state.written ??= new Map()).set(path, written);
    }
  }
  return out;
}

function copyObject(schema: Schema | undefined, record: object, path: string, depth: number, ancestors: object[], state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(record)) {
    const item = copy(propertySchema(schema, name), read(record, name, path, state), path, name, depth + 1, ancestors, state);
    // Defined, not assigned: a "__proto__" key stays a plain field, for the check to refuse.
    if (name === "__proto__") Object.defineProperty(out, name, { value: item, enumerable: true, writable: true, configurable: true });
    else out[name] = item;
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
function read(container: object, key: string | number, parent: string, state: State): unknown {
  try {
    return (container as Record<string | number, unknown>)[key];
  } catch (error) {
    return fail(state, at(parent, key), `could not be read: ${describeThrown(error)}`);
  }
}

function at(parent: string, key: Key): string {
  return key === undefined ? parent : `${parent}/${typeof key === "string" ? escapePointer(key) : key}`;
}

function fail(state: State, path: string, message: string): undefined {
  if (state.problemCount++ < MAX_KEPT_PROBLEMS) state.problems.push({ path, message });
  return undefined;
}

// A phone as it goes out, or, when it cannot, the caller's text kept with the problem.
function phone(written: string, parent: string, key: Key, state: State): string {
  const read = state.readPhone!(written);
  if (typeof read === "string") return read;
  const path = at(parent, key);
  (state.phoneProblems ??= new Set()).add(path);
  if (state.problemCount++ < MAX_KEPT_PROBLEMS) state.problems.push({ path, message: read.problem, value: written });
  return written;
}

function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "an exception that cannot be shown";
  }
}

/**
 * Drops repeated strings from each array, in place, keeping the first. Small lists are
 * compared pairwise; long ones through a hash table of indices (a quarter of the memory of
 * the sorted index it replaced), and through that sorted index when the table's probes run
 * long, so that no crafted list of colliding strings can make it quadratic.
 */
export function dropRepeats(arrays: readonly unknown[][]): void {
  for (const array of arrays) {
    let repeat = array.length <= 32 ? pairwiseRepeats(array) : hashedRepeats(array);
    if (repeat === undefined) repeat = sortedRepeats(array);
    if (!repeat) continue;
    let kept = 0;
    for (let i = 0; i < array.length; i++) if (!repeat[i]) array[kept++] = array[i];
    array.length = kept;
  }
}

// Each returns the repeats' marks, or null when there are none.
function pairwiseRepeats(array: readonly unknown[]): Uint8Array | null {
  let repeat: Uint8Array | null = null;
  for (let i = 1; i < array.length; i++) {
    const item = array[i];
    if (typeof item !== "string") continue;
    for (let j = 0; j < i; j++) {
      if (item === array[j]) {
        (repeat ??= new Uint8Array(array.length))[i] = 1;
        break;
      }
    }
  }
  return repeat;
}

// Open addressing over index + 1 (0 is free), at most two thirds full: about 3 probes an
// item on average, whatever the strings. Undefined once the probes pass 16 an item, which
// only strings made to collide reach: the sorted index then does it in n log n.
function hashedRepeats(array: readonly unknown[]): Uint8Array | null | undefined {
  const n = array.length;
  let size = 64;
  while (size < n + (n >> 1)) size *= 2;
  const mask = size - 1;
  const table = new Uint32Array(size);
  let repeat: Uint8Array | null = null;
  let budget = 16 * n;
  for (let i = 0; i < n; i++) {
    const item = array[i];
    if (typeof item !== "string") continue;
    let slot = hash(item) & mask;
    for (;;) {
      const at = table[slot]!;
      if (at === 0) {
        table[slot] = i + 1;
        break;
      }
      if (array[at - 1] === item) {
        (repeat ??= new Uint8Array(n))[i] = 1;
        break;
      }
      if (--budget === 0) return undefined;
      slot = (slot + 1) & mask;
    }
  }
  return repeat;
}

// FNV-1a over the code units, then murmur3's finaliser: FNV's low bits, the ones a table
// index keeps, depend only on the units' low bits, and clustered digit strings badly.
// A signed 32-bit integer: an unsigned one above 2^31 would be a heap number. Exported for its test.
export function hash(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sortedRepeats(array: readonly unknown[]): Uint8Array | null {
  const n = array.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => compare(array[a], array[b]) || a - b);
  let repeat: Uint8Array | null = null;
  for (let k = 1; k < n; k++) {
    const here = array[order[k]!];
    if (typeof here === "string" && here === array[order[k - 1]!]) (repeat ??= new Uint8Array(n))[order[k]!] = 1;
  }
  return repeat;
}

// Strings by code unit, everything else after them and equal among itself: only strings repeat.
function compare(a: unknown, b: unknown): number {
  if (typeof a !== "string") return typeof b === "string" ? 1 : 0;
  if (typeof b !== "string") return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A problem's value as the caller wrote it, when its item was rewritten (a phone reduced to digits). */
export function asWritten(problem: Problem, written: ReadonlyMap<string, unknown[]>): unknown {
  const slash = problem.path.lastIndexOf("/");
  const originals = written.get(problem.path.slice(0, slash));
  const index = Number(problem.path.slice(slash + 1));
  return originals && Number.isInteger(index) && index < originals.length ? originals[index] : problem.value;
}
