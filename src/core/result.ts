import type { Schema } from "./schema.js";
import { matches } from "./validate.js";

/**
 * A clean copy of a value that matched `schema`: only the fields the spec declares, as own
 * data properties; a `__proto__` key from the JSON is never carried over (so plain
 * assignment below cannot set a prototype). A part the spec
 * leaves free-form (`additionalProperties: true`, or an object schema with no properties)
 * is copied whole, without its `__proto__` keys.
 */
export function pick(schema: Schema, value: unknown): unknown {
  if (schema.oneOf) {
    const form = schema.oneOf.find((branch) => matches(branch, value));
    if (form) return pick(form, value);
  }
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return schema.items ? value.map((item) => pick(schema.items as Schema, item)) : freeForm(value);
  const { properties, additionalProperties } = schema;
  if (!properties) return additionalProperties === false ? {} : freeForm(value);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(record)) {
    const sub = Object.hasOwn(properties, name) ? properties[name] : additionalProperties;
    if (name === "__proto__" || sub === undefined || sub === false) continue;
    out[name] = sub === true ? freeForm(record[name]) : pick(sub, record[name]);
  }
  return out;
}

// Iterative, so JSON nested thousands of levels deep cannot overflow the stack here.
function freeForm(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
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
      for (const [name, item] of Object.entries(from)) if (name !== "__proto__") stack.push([item, copy as Record<string, unknown>, name]);
    }
    (into as Record<string | number, unknown>)[key] = copy;
  }
  return root[0];
}
