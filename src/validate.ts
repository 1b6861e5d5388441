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

/** Every problem with `value` against `schema`; an empty list means valid. */
export function validate(schema: Schema, value: unknown, path = ""): Problem[] {
  const problems: Problem[] = [];
  check(schema, value, path, problems);
  return problems;
}

function check(schema: Schema, value: unknown, path: string, problems: Problem[]): void {
  if (schema.oneOf) checkOneOf(schema.oneOf, value, path, problems);
  if (schema.type !== undefined && !hasType(value, schema.type)) {
    problems.push({ path, message: `must be ${article(schema.type)}`, value });
    return;
  }
  if (typeof value === "string") checkString(schema, value, path, problems);
  else if (Array.isArray(value)) checkArray(schema, value, path, problems);
  else if (isObject(value)) checkObject(schema, value, path, problems);
}

function checkOneOf(branches: readonly Schema[], value: unknown, path: string, problems: Problem[]): void {
  const results = branches.map((branch) => validate(branch, value, path));
  const matching = results.filter((r) => r.length === 0).length;
  if (matching === 1) return;
  const names = branches.map((b, i) => b.title ?? `option ${i + 1}`);
  if (matching > 1) {
    problems.push({ path, message: `must match exactly one of ${names.join(", ")}, but matches ${matching}` });
    return;
  }
  // Every form has the same complaint (say, the body is not an object): say it once.
  const described = results.map((r) => r.map(describeProblem).join("; "));
  if (described.every((text) => text === described[0])) {
    problems.push(...results[0]!);
    return;
  }
  const fewest = Math.min(...results.map((r) => r.length));
  const closest = results.filter((r) => r.length === fewest);
  // One form is clearly what the caller meant: its problems are the useful ones.
  if (closest.length === 1) {
    problems.push(...closest[0]!);
    return;
  }
  const why = described.map((text, i) => `${names[i]}: ${text}`);
  problems.push({ path, message: `must match exactly one of ${names.join(" or ")} (${why.join(" | ")})` });
}

function checkString(schema: Schema, value: string, path: string, problems: Problem[]): void {
  if (schema.minLength !== undefined && codePoints(value) < schema.minLength) {
    problems.push({ path, message: `must have at least ${schema.minLength} characters`, value });
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength && codePoints(value) > schema.maxLength) {
    problems.push({ path, message: `must have at most ${schema.maxLength} characters`, value });
  }
  if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) {
    problems.push({ path, message: `must match the pattern ${schema.pattern}`, value });
  }
}

function checkArray(schema: Schema, value: readonly unknown[], path: string, problems: Problem[]): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    problems.push({ path, message: `must have at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}`, value });
  }
  if (schema.items) {
    for (let i = 0; i < value.length; i++) check(schema.items, value[i], `${path}/${i}`, problems);
  }
  if (schema.uniqueItems) {
    const firstIndex = new Map<string, number>();
    for (let i = 0; i < value.length; i++) {
      const key = canonical(value[i]);
      const first = firstIndex.get(key);
      if (first === undefined) firstIndex.set(key, i);
      else problems.push({ path: `${path}/${i}`, message: `repeats ${path}/${first}`, value: value[i] });
    }
  }
}

// A property set to undefined is absent: JSON.stringify drops it, so it is never sent.
function checkObject(schema: Schema, value: Record<string, unknown>, path: string, problems: Problem[]): void {
  for (const name of schema.required ?? []) {
    if (value[name] === undefined || !Object.hasOwn(value, name)) {
      problems.push({ path: `${path}/${escapePointer(name)}`, message: "is required" });
    }
  }
  for (const name of Object.keys(value)) {
    if (value[name] === undefined) continue;
    const where = `${path}/${escapePointer(name)}`;
    const property = schema.properties?.[name];
    if (property) check(property, value[name], where, problems);
    else if (schema.additionalProperties === false) problems.push({ path: where, message: "is not allowed", value: value[name] });
    else if (typeof schema.additionalProperties === "object") check(schema.additionalProperties, value[name], where, problems);
  }
}

/** `/phones/2: "abc" must match …`, the form errors print. */
export function describeProblem(problem: Problem): string {
  const shown = "value" in problem ? ` ${preview(problem.value)}` : "";
  return `${problem.path || "body"}${shown} ${problem.message}`;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function hasType(value: unknown, type: NonNullable<Schema["type"]>): boolean {
  switch (type) {
    case "object": return isObject(value);
    case "array": return Array.isArray(value);
    case "null": return value === null;
    case "integer": return Number.isInteger(value);
    case "number": return typeof value === "number" && Number.isFinite(value);
    default: return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

// JSON Schema counts characters as code points, not UTF-16 units.
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

// JSON equality for uniqueItems: same JSON text once object keys are sorted.
function canonical(value: unknown): string {
  if (typeof value === "string") return `s${value}`;
  if (typeof value !== "object" || value === null) return `p${JSON.stringify(value)}`;
  return `o${JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  )}`;
}

function escapePointer(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}
