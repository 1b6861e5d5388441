import type { Schema } from "./schema.js";
import { matches } from "./validate.js";

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
export function pick(schema: Schema, value: unknown): unknown {
  if (schema.oneOf) {
    const form = schema.oneOf.find((branch) => matches(branch, value));
    if (form) return pick(form, value);
  }
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return schema.items ? pickItems(schema.items, value) : freeForm(value);
  const { properties, additionalProperties } = schema;
  if (!properties) return additionalProperties === false ? (Object.keys(value).length === 0 ? value : {}) : freeForm(value);
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const sub = Object.hasOwn(properties, name) ? properties[name] : additionalProperties;
    const dropped = name === "__proto__" || sub === undefined || sub === false;
    const kept = dropped ? undefined : sub === true ? freeForm(record[name]) : pick(sub, record[name]);
    if (!out && (dropped || kept !== record[name])) {
      // The fields before this one were kept as they are (none is "__proto__").
      out = {};
      for (let j = 0; j < i; j++) out[names[j]!] = record[names[j]!];
    }
    if (out && !dropped) out[name] = kept;
  }
  return out ?? record;
}

function pickItems(items: Schema, array: readonly unknown[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = pick(items, array[i]);
    if (!out && item !== array[i]) out = array.slice(0, i);
    out?.push(item);
  }
  return out ?? array;
}

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
