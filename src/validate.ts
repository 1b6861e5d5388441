/**
 * A JSON Schema subset: exactly the keywords scripts/generate.mjs lets through from the
 * spec (it refuses any other), so no rule of the spec can be silently skipped here.
 */
export interface Schema {
  readonly title?: string;
  readonly type?: "object" | "array" | "string" | "boolean" | "number" | "integer" | "null";
  readonly properties?: { readonly [name: string]: Schema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly oneOf?: readonly Schema[];
  readonly items?: Schema;
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/** One way a value breaks its schema. */
export interface Problem {
  /** JSON Pointer to the offending value, such as `/phones/2`; `""` is the whole body. */
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one (a missing property has none). */
  readonly value?: unknown;
}

/** Every problem with `value` against `schema` (at most `limit`); empty means valid. */
export function validate(schema: Schema, value: unknown, path = "", limit = Infinity): Problem[] {
  const problems: Problem[] = [];
  check(schema, value, path, undefined, problems, limit);
  return problems;
}

// `key` is escaped and appended to `parent` only when a problem is reported, so checking a long list
// builds no path strings (and no closures: this runs once per item).
function check(schema: Schema, value: unknown, parent: string, key: string | number | undefined, out: Problem[], limit: number): void {
  if (schema.oneOf) checkOneOf(schema.oneOf, value, pointer(parent, key), out);
  const { type } = schema;
  if (out.length >= limit) return;
  if (type && !(type === "integer" ? Number.isInteger(value) : type === "number" ? Number.isFinite(value) : typeOf(value) === type)) {
    return void out.push({ path: pointer(parent, key), message: `must be ${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`, value });
  }
  if (typeof value === "string") {
    const { minLength = 0, maxLength = Infinity, pattern } = schema;
    // Length counts code points; UTF-16 length decides unless surrogate pairs could matter.
    if (value.length < 2 * minLength && codePoints(value) < minLength) {
      out.push({ path: pointer(parent, key), message: `must have at least ${minLength} characters`, value });
    }
    if (value.length > maxLength && codePoints(value) > maxLength) {
      out.push({ path: pointer(parent, key), message: `must have at most ${maxLength} characters`, value });
    }
    if (pattern !== undefined && !compiled(pattern).test(value)) {
      out.push({ path: pointer(parent, key), message: `must match the pattern ${pattern}`, value });
    }
  } else if (Array.isArray(value)) {
    const here = pointer(parent, key);
    const { minItems = 0, items } = schema;
    if (value.length < minItems) out.push({ path: here, message: `must have at least ${minItems} item${minItems === 1 ? "" : "s"}`, value });
    for (let i = 0; items && i < value.length && out.length < limit; i++) check(items, value[i], here, i, out, limit);
    if (schema.uniqueItems) {
      // Primitives are their own keys; objects and arrays compare by sorted-key JSON.
      const first = new Map<unknown, number>();
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        const id = typeof item === "object" && item !== null ? `\0${canonical(item)}` : item;
        const seen = first.get(id);
        if (seen === undefined) first.set(id, i);
        else out.push({ path: `${here}/${i}`, message: `repeats ${here}/${seen}`, value: item });
      }
    }
  } else if (typeOf(value) === "object") {
    const here = pointer(parent, key);
    const record = value as Record<string, unknown>;
    // A property set to undefined is absent: JSON.stringify drops it, so it is never sent.
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) out.push({ path: pointer(here, name), message: "is required" });
    }
    for (const name of Object.keys(record)) {
      const property = record[name];
      if (property === undefined || out.length >= limit) continue;
      // Own properties only: "constructor" must not find Object.prototype.constructor.
      const sub = schema.properties && Object.hasOwn(schema.properties, name) ? schema.properties[name] : schema.additionalProperties;
      if (sub === false) out.push({ path: pointer(here, name), message: "is not allowed", value: property });
      else if (typeof sub === "object") check(sub, property, here, name, out, limit);
    }
  }
}

// Property names are escaped here, when a path is needed, not for every property checked.
function pointer(parent: string, key: string | number | undefined): string {
  return key === undefined ? parent : `${parent}/${typeof key === "string" ? escape(key) : key}`;
}

function checkOneOf(branches: readonly Schema[], value: unknown, path: string, out: Problem[]): void {
  // A cheap pass first: each branch stops at its first problem.
  const matching = branches.filter((branch) => validate(branch, value, path, 1).length === 0).length;
  if (matching === 1) return;
  const titles = branches.map((branch, i) => branch.title ?? `option ${i + 1}`);
  const names = titles.join(" or ");
  if (matching > 1) return void out.push({ path, message: `must match exactly one of ${names}, but matches ${matching}` });
  const results = branches.map((branch) => validate(branch, value, path));
  const described = results.map((problems) => problems.map(describeProblem).join("; "));
  const fewest = Math.min(...results.map((problems) => problems.length));
  const closest = results.filter((problems) => problems.length === fewest);
  // All forms say the same (say, not an object), or one form is clearly what was meant.
  if (closest.length === 1 || described.every((text) => text === described[0])) return void out.push(...closest[0]!);
  const why = described.map((text, i) => `${titles[i]}: ${text}`).join(" | ");
  out.push({ path, message: `must match exactly one of ${names} (${why})` });
}

/** `/phones/2 "abc" must match …`, the form errors print. */
export function describeProblem(problem: Problem): string {
  let shown = "";
  if ("value" in problem) {
    try {
      shown = JSON.stringify(problem.value) ?? String(problem.value);
    } catch {
      shown = String(problem.value);
    }
    shown = ` ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`;
  }
  return `${problem.path || "body"}${shown} ${problem.message}`;
}

function typeOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) patterns.set(pattern, (regex = new RegExp(pattern, "u")));
  return regex;
}

// JSON equality for objects: the same JSON once keys are sorted.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeOf(v) === "object" ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

function escape(name: string): string {
  return /[~/]/.test(name) ? name.replaceAll("~", "~0").replaceAll("/", "~1") : name;
}
