import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import { operations, type Operations } from "../../generated/operations.js";
import type { operations as Specified } from "../../generated/zapi.js";
import type { Schema } from "../../src/core/schema.js";
import { matches, validate } from "../../src/core/validate.js";
import { createZApiClient, type EmptyAnswer, type ZApiClient } from "../../src/index.js";
import { prismRecorder } from "../helpers/prism.js";
import { bundledSpec, inputParameters, okExample, requestExamples, schemaExampleInputs, specOperations, type InputExample, type SpecOperation } from "../helpers/spec.js";

// Every operation the client has, called through the client against the Prism mock of
// the spec, with the spec's own request examples as inputs (or, for an operation that has
// none, its parameters' schema examples). The expected method and path come from the
// spec itself, not from generated/operations.ts, which the client is built from.
const spec = await bundledSpec();
const specOps = new Map(specOperations(spec).map((op) => [op.operationId, op]));
const names = Object.keys(operations) as (keyof Operations)[];

interface Case {
  readonly name: keyof Operations;
  readonly example: InputExample;
  readonly op: SpecOperation;
}
const cases: Case[] = names.flatMap((name) => {
  const op = specOps.get(name);
  if (!op) return [];
  const examples = requestExamples(op);
  const inputs = examples.length > 0 ? examples : schemaExampleInputs(op);
  // An operation whose every input is optional is also called with none at all.
  if (matches(operations[name].input, {})) inputs.push({ operationId: name, name: "no input", from: "parameters", source: undefined, input: undefined, filled: [] });
  return inputs.map((example) => ({ name, example, op }));
});

const INSTANCE = "3C0FFEE";
const TOKEN = "t0k/en";
const passed = new Set<string>();

/** The URL the spec says this input goes to: path template filled, query in any order. */
function expectedUrl(op: SpecOperation, input: Record<string, unknown>) {
  const values: Record<string, unknown> = { ...input, instanceId: INSTANCE, token: TOKEN };
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
  const query = inputParameters(op)
    .filter((p) => p.in === "query" && input[p.name] !== undefined)
    .map((p) => [p.name, String(input[p.name])])
    .sort();
  return { path, query };
}

/** Which oneOf forms a flat input must cover: the input's own, and each property's. */
function formsOf(schema: Schema): { where: string; forms: readonly Schema[]; pick: (input: Record<string, unknown>) => unknown }[] {
  const found: ReturnType<typeof formsOf> = [];
  if (schema.oneOf) found.push({ where: "input", forms: schema.oneOf, pick: (input) => input });
  for (const [property, sub] of Object.entries(schema.properties ?? {})) {
    if (sub.oneOf) found.push({ where: property, forms: sub.oneOf, pick: (input) => input[property] });
  }
  return found;
}

type OkBody<N extends keyof Specified> = Specified[N] extends { responses: { 200: { content: { "application/json": infer Body } } } } ? Body : never;

describe("every operation, through the client, against the Prism mock", () => {
  afterAll(() => {
    // A new operation without a passing contract call fails the file here, whatever the order.
    expect([...passed].sort(), "operations called successfully against Prism").toEqual([...names].sort());
  });

  it("the spec and generated/operations.ts name the same operations, and each has at least one input to try", () => {
    expect([...specOps.keys()].sort()).toEqual([...names].sort());
    for (const name of names) expect(cases.filter((c) => c.name === name).length, `inputs for ${name}`).toBeGreaterThan(0);
    console.log(`operations contract: ${cases.length} calls for ${names.length} operations: ${cases.map((c) => `${c.name}/${c.example.name}`).join(", ")}`);
  });

  it("the inputs cover every form of every operation that has two (community and group, say)", () => {
    for (const name of names) {
      const inputs = cases.filter((c) => c.name === name).map((c) => (c.example.input ?? {}) as Record<string, unknown>);
      for (const { where, forms, pick } of formsOf(operations[name].input)) {
        forms.forEach((form, i) => {
          expect(inputs.some((input) => matches(form, pick(input))), `${name}: no input matches ${where}'s form ${form.title ?? i + 1}`).toBe(true);
        });
      }
    }
    // The two forms of add and remove participant are there, named by the spec.
    expect(formsOf(operations.addParticipant.input)[0]!.forms.map((f) => f.title)).toEqual(["AddParticipantToCommunity", "AddParticipantToGroup"]);
    expect(formsOf(operations.removeParticipant.input)[0]!.forms).toHaveLength(2);
  });

  it("each method resolves to its operation's 200 body, as the spec types it, or an empty answer where it changes state", () => {
    // Checked by `tsc`: the client's methods and the openapi-typescript types of the spec agree.
    // (test/types.test-d.ts checks which ones may resolve to an EmptyAnswer.)
    expectTypeOf<{ [N in keyof Operations]: Exclude<Awaited<ReturnType<ZApiClient[N]>>, EmptyAnswer> }>().toEqualTypeOf<{ [N in keyof Operations]: OkBody<N> }>();
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [`${c.name} (${c.example.from}: ${c.example.name})`, c] as const))("%s", async (_title, { name, example, op }) => {
    const prism = prismRecorder();
    const sent: { url: string; method: string | undefined; headers: Headers; body: unknown }[] = [];
    const client = createZApiClient({
      instanceId: INSTANCE,
      token: TOKEN,
      baseUrl: prism.baseUrl,
      retry: false,
      fetch: (url, init) => {
        sent.push({ url: String(url), method: init?.method, headers: new Headers(init?.headers), body: init?.body });
        return prism.fetch(url, init);
      },
    });
    const input = (example.input ?? {}) as Record<string, unknown>;
    const call = client[name] as (input: unknown, options?: { timeoutMs?: number }) => Promise<unknown>;

    const result = await call(example.input, { timeoutMs: 15_000 });

    // Prism found nothing wrong with the request, and answered 200.
    expect(prism.exchanges).toEqual([{ status: 200, violations: null }]);
    // The request went where the spec says, with the method it says.
    expect(sent).toHaveLength(1);
    const [request] = sent as [(typeof sent)[number]];
    expect(request.method).toBe(op.method);
    const url = new URL(request.url);
    const expected = expectedUrl(op, input);
    expect(url.origin + url.pathname).toBe(prism.baseUrl + expected.path);
    expect([...url.searchParams].sort()).toEqual(expected.query);
    const bodyFields = Object.fromEntries(Object.entries(input).filter(([key]) => !inputParameters(op).some((p) => p.name === key)));
    if (op.operation.requestBody) {
      expect(request.headers.get("content-type")).toBe("application/json");
      expect(JSON.parse(String(request.body))).toEqual(bodyFields);
    } else {
      expect(request.body ?? null).toBeNull();
      expect(bodyFields).toEqual({});
    }
    // The answer is the 200 body: valid against the spec's schema, and Prism's own answer,
    // the spec's first 200 example, with nothing dropped on the way.
    expect(validate(operations[name].result, result).problems).toEqual([]);
    const ok = okExample(op);
    if (ok.found) expect(result).toEqual(ok.value);
    passed.add(name);
  });
});
