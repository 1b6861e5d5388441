import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, run } from "./project.js";

/** The parts of a dereferenced OpenAPI document these tests read. */
export interface SpecParameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: SpecSchema;
  readonly example?: unknown;
  readonly examples?: Record<string, SpecExampleObject>;
}
export interface SpecSchema {
  readonly examples?: unknown[];
  readonly example?: unknown;
  readonly oneOf?: SpecSchema[];
  readonly [keyword: string]: unknown;
}
export interface SpecExampleObject {
  readonly summary?: string;
  readonly value?: unknown;
  readonly "x-zapi-source"?: string;
}
interface SpecOperationObject {
  readonly operationId: string;
  readonly parameters?: SpecParameter[];
  readonly requestBody?: { content?: Record<string, { example?: unknown; examples?: Record<string, SpecExampleObject> }> };
  readonly responses?: Record<string, { content?: Record<string, { example?: unknown; examples?: Record<string, SpecExampleObject> }> }>;
}
export interface BundledSpec {
  readonly paths: Record<string, Record<string, unknown> & { parameters?: SpecParameter[] }>;
}

/** One operation of the spec, as the client's callers see it. */
export interface SpecOperation {
  readonly operationId: string;
  readonly method: string;
  /** The full path, credentials prefix included. */
  readonly path: string;
  /** Path and query parameters, path-item ones first, as the generator reads them. */
  readonly parameters: SpecParameter[];
  readonly operation: SpecOperationObject;
}

/** A flat input (parameters and body fields by name) taken from the spec's own examples. */
export interface InputExample {
  readonly operationId: string;
  /** The example's name in the spec (`zapiSample`, `community`, …), or `schema examples`. */
  readonly name: string;
  /** Where the example sits: the request body, the parameters, or the parameters' schemas. */
  readonly from: "body" | "parameters" | "schemas";
  /** `x-zapi-source`: the file of Z-API's docs the example copies. */
  readonly source: string | undefined;
  readonly input: unknown;
  /** Required inputs the example did not give, filled from their schema's first example. */
  readonly filled: string[];
}

/** spec/zapi.yaml bundled and dereferenced once per run by the global setup (test/setup/global.ts). */
export const SPEC_BUNDLE = `${projectRoot}test-output/spec-bundle.json`;

const METHODS = ["get", "put", "post", "delete", "patch"];
export const CREDENTIALS = new Set(["instanceId", "token"]);

/**
 * spec/zapi.yaml bundled and dereferenced by Redocly, as scripts/generate.mjs reads it
 * (a project dependency, so the test reads the spec the way the generator does).
 */
export async function bundledSpec(root = projectRoot): Promise<BundledSpec> {
  if (root === projectRoot && existsSync(SPEC_BUNDLE)) return JSON.parse(readFileSync(SPEC_BUNDLE, "utf8")) as BundledSpec;
  const dir = mkdtempSync(join(tmpdir(), "zapi-spec-test-"));
  try {
    const out = join(dir, "bundle.json");
    const result = await run(join(projectRoot, "node_modules/.bin/redocly"), ["bundle", "zapi", "--dereferenced", "--ext", "json", "-o", out], { cwd: root });
    if (result.code !== 0) throw new Error(`redocly bundle failed:\n${result.stderr}`);
    return JSON.parse(readFileSync(out, "utf8")) as BundledSpec;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function specOperations(spec: BundledSpec): SpecOperation[] {
  const found: SpecOperation[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as SpecOperationObject | undefined;
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
      found.push({ operationId: operation.operationId, method: method.toUpperCase(), path, parameters, operation });
    }
  }
  return found;
}

/** The non-credential parameters of an operation. */
export function inputParameters(op: SpecOperation): SpecParameter[] {
  return op.parameters.filter((p) => !(p.in === "path" && CREDENTIALS.has(p.name)));
}

/** A schema's own first example, or its first oneOf branch's. */
export function schemaExamples(schema: SpecSchema | undefined): unknown[] {
  if (!schema) return [];
  const own = [...(schema.examples ?? []), ...(schema.example === undefined ? [] : [schema.example])];
  return own.length > 0 ? own : (schema.oneOf ?? []).flatMap((branch) => schemaExamples(branch));
}

function namedExamples(holder: { example?: unknown; examples?: Record<string, SpecExampleObject> } | undefined): [string, SpecExampleObject][] {
  if (!holder) return [];
  const named = Object.entries(holder.examples ?? {});
  return holder.example === undefined ? named : [...named, ["example", { value: holder.example }]];
}

/**
 * Every request example of an operation as a flat input: each body example, merged with
 * the parameter examples of the same name (Z-API's sample of a GET lives on its
 * parameters, one example per parameter). A required parameter an example does not give
 * is filled from its schema's first example, and named in `filled`.
 */
export function requestExamples(op: SpecOperation): InputExample[] {
  const params = inputParameters(op);
  const byName = new Map<string, { fields: Record<string, unknown>; sources: Set<string>; from: InputExample["from"]; body?: unknown }>();
  const entry = (name: string, from: InputExample["from"]) => {
    let found = byName.get(name);
    if (!found) byName.set(name, (found = { fields: {}, sources: new Set(), from }));
    return found;
  };
  for (const param of params) {
    for (const [name, example] of namedExamples(param)) {
      const found = entry(name, "parameters");
      found.fields[param.name] = example.value;
      if (example["x-zapi-source"]) found.sources.add(example["x-zapi-source"]);
    }
  }
  for (const [name, example] of namedExamples(op.operation.requestBody?.content?.["application/json"])) {
    const found = entry(name, "body");
    found.from = "body";
    found.body = example.value;
    if (example["x-zapi-source"]) found.sources.add(example["x-zapi-source"]);
  }
  const examples: InputExample[] = [];
  for (const [name, { fields, sources, from, body }] of byName) {
    if (sources.size > 1) throw new Error(`${op.operationId}: the examples named ${name} cite different sources: ${[...sources].join(", ")}`);
    const filled: string[] = [];
    for (const param of params) {
      if ((param.required || param.in === "path") && !(param.name in fields)) {
        const [first] = schemaExamples(param.schema);
        if (first === undefined) continue;
        fields[param.name] = first;
        filled.push(param.name);
      }
    }
    const input = body === undefined ? fields : params.length === 0 ? body : { ...fields, ...(body as object) };
    examples.push({ operationId: op.operationId, name, from, source: [...sources][0], input, filled });
  }
  return examples;
}

/**
 * Inputs for an operation that has no request example: its parameters' schema examples,
 * the i-th input taking each parameter's i-th example (or its first).
 */
export function schemaExampleInputs(op: SpecOperation): InputExample[] {
  const params = inputParameters(op);
  const lists = params.map((param) => schemaExamples(param.schema));
  if (params.length === 0 || lists.some((list) => list.length === 0)) return [];
  const count = Math.max(...lists.map((list) => list.length));
  return Array.from({ length: count }, (_, i) => ({
    operationId: op.operationId,
    name: `schema examples #${i + 1}`,
    from: "schemas" as const,
    source: undefined,
    input: Object.fromEntries(params.map((param, k) => [param.name, lists[k]![i] ?? lists[k]![0]])),
    filled: [],
  }));
}

/** The 200 answer's first example: what Prism answers in its default, static mode. */
export function okExample(op: SpecOperation): { found: boolean; value?: unknown } {
  const [first] = namedExamples(op.operation.responses?.["200"]?.content?.["application/json"]);
  return first ? { found: true, value: first[1].value } : { found: false };
}

/** Every named example of a webhook's request body, from the global setup's bundle: `[name, value]`. */
export function webhookExamples(name: string): [string, unknown][] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const spec = JSON.parse(readFileSync(SPEC_BUNDLE, "utf8")) as any;
  const examples: Record<string, SpecExampleObject> = spec.webhooks[name].post.requestBody.content["application/json"].examples ?? {};
  return Object.entries(examples).map(([key, example]) => [key, example.value]);
}
