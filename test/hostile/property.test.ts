// Issue 10, point 14: for any answer a hostile server can give (status, Content-Encoding
// with or without a compressed body, Location, Retry-After, and bodies that echo the secrets
// in every form, split across chunks, nested deep, cut by the read limits), the client ends
// in a typed ZApiError or a valid result, holding no piece of a secret, in bounded time and
// memory. Most runs build Responses from streams (fast, no sockets); some go through a
// real local server. The seed is printed; HOSTILE_SEED=<n> replays a run.
import { gzipSync, brotliCompressSync, deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZApiError, ZApiHttpError, ZApiValidationError } from "../../src/index.js";
import { startServer } from "../helpers/server.js";
import { CLIENT_TOKEN, clientFor, echoForms, expectNoTrace, memory, ODD_CLIENT_TOKEN, ODD_TOKEN, seed, streamOf, TOKEN } from "./hostile.js";

const SEED = Number(process.env["HOSTILE_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const CREDENTIALS = [
  { token: TOKEN, clientToken: CLIENT_TOKEN },
  { token: ODD_TOKEN, clientToken: ODD_CLIENT_TOKEN },
] as const;
type Credentials = (typeof CREDENTIALS)[number];

// How a server writes a string into JSON: JavaScript's way, ASCII only (Python), every
// character \u-escaped, in either case of hex, or with "/" escaped too (PHP).
const WRITERS: Record<string, (text: string) => string> = {
  js: (text) => JSON.stringify(text),
  ascii: (text) => JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  "all \\u": (text) => `"${[...Array(text.length).keys()].map((i) => `\\u${text.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")}`).join("")}"`,
  "all \\u, lower": (text) => `"${[...Array(text.length).keys()].map((i) => `\\u${text.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`,
  slashes: (text) => JSON.stringify(text).replaceAll("/", "\\/"),
};
// Forms a secret takes inside a string value (a URL, a header echoed), before any JSON writer.
const IN_STRING = ["raw", "percent-encoded", "percent-encoded, lower-case hex", "percent-encoded as a URL", "percent-encoded, every byte", "form-encoded", "HTML-escaped", "upper-cased"];
// One layer of encoding per character is what the redactor undertakes to see through (in any
// mix): a writer that \u-escapes every character gets the secret itself, not an already
// percent-encoded form of it. Two stacked encodings, like any deliberate obfuscation, are
// out of reach of any redactor: a server that wants to can always re-encode a secret.
const IN_STRING_FOR: Record<string, string[]> = { "all \\u": ["raw", "upper-cased"], "all \\u, lower": ["raw", "upper-cased"] };
const ALL_FORMS = Object.keys(echoForms("x"));

const fragment = (credentials: Credentials, forms: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(credentials.token, credentials.clientToken), fc.constantFrom(...forms)).map(([secret, form]) => echoForms(secret)[form]!) },
    { weight: 1, arbitrary: fc.constantFrom("\n", "\r\n", " ", "/instances/inst/token/", "Client-Token: ") },
  );
const text = (credentials: Credentials, forms: string[]) => fc.array(fragment(credentials, forms), { maxLength: 6 }).map((parts) => parts.join(""));

/** A JSON body, written as a hostile server would: secrets in keys and values, __proto__, nesting. */
const jsonBody = (credentials: Credentials) =>
  fc
    .constantFrom(...Object.keys(WRITERS))
    .chain((writer) => {
      const inString = text(credentials, IN_STRING_FOR[writer] ?? IN_STRING);
      return fc.record({
        writer: fc.constant(writer),
        value: fc.oneof(fc.boolean(), fc.constant(null), fc.integer(), inString),
        hasValue: fc.boolean(),
        error: fc.option(inString),
        message: fc.option(inString),
        key: fc.option(inString),
        proto: fc.boolean(),
        depth: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.constant(20_000) }),
        deepText: inString,
      });
    })
    .map(({ writer, value, hasValue, error, message, key, proto, depth, deepText }) => {
      const write = WRITERS[writer]!;
      const scalar = (v: unknown) => (typeof v === "string" ? write(v) : JSON.stringify(v));
      const fields: string[] = [];
      if (hasValue) fields.push(`"value":${scalar(value)}`);
      if (error !== null) fields.push(`"error":${write(error)}`);
      if (message !== null) fields.push(`"message":${write(message)}`);
      if (key !== null) fields.push(`${write(key)}:${write(key)}`);
      if (proto) fields.push(`"__proto__":{"value":true,"polluted":${write(deepText)}}`);
      if (depth > 0) fields.push(`"deep":${"[".repeat(depth)}${write(deepText)}${"]".repeat(depth)}`);
      return `{${fields.join(",")}}`;
    });

const answer = (credentials: Credentials) =>
  fc.record({
    status: fc.oneof(
      fc.constantFrom(200, 201, 204, 301, 302, 303, 307, 308, 400, 401, 404, 405, 408, 415, 429, 500, 502, 503, 504),
      fc.integer({ min: 200, max: 599 }),
    ),
    body: fc.oneof(jsonBody(credentials), text(credentials, ALL_FORMS)),
    // Filler to cross the read limits: 64 KiB for an error, maxResponseBytes for a 2xx.
    padding: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1_500) }, { weight: 1, arbitrary: fc.constant(70_000) }),
    paddingAt: fc.constantFrom("start", "end"),
    contentEncoding: fc.option(fc.constantFrom("gzip", "br", "deflate", "gzip, br", "identity", "x-unknown")),
    compressed: fc.boolean(),
    contentLength: fc.option(fc.constantFrom("0", "5", "999999999")),
    location: fc.option(fc.tuple(fc.constantFrom("https://elsewhere.example/", "/"), text(credentials, IN_STRING))),
    retryAfter: fc.option(fc.constantFrom("0", "1", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT")),
    cuts: fc.array(fc.nat(), { maxLength: 8 }),
    // A body that never ends: rare, as each one waits out its (short) timeout.
    stall: fc.oneof({ weight: 24, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
type Answer = ReturnType<ReturnType<typeof answer>["generate"]>["value"];

const NULL_BODY = new Set([204, 205, 304]);
const ascii = (value: string) => value.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));

function bytesOf(a: Answer): Uint8Array {
  const fill = "p".repeat(a.padding);
  const body = Buffer.from(a.paddingAt === "start" ? fill + a.body : a.body + fill);
  if (!a.compressed || !a.contentEncoding) return body;
  let out: Buffer = body;
  for (const coding of a.contentEncoding.split(",").map((c) => c.trim())) {
    out = coding === "gzip" ? gzipSync(out) : coding === "br" ? brotliCompressSync(out) : coding === "deflate" ? deflateSync(out) : out;
  }
  return out;
}

function headersOf(a: Answer): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (a.contentEncoding) headers["content-encoding"] = a.contentEncoding;
  if (a.location) headers["location"] = ascii(a.location[0] + a.location[1]);
  if (a.retryAfter) headers["retry-after"] = a.retryAfter;
  return headers;
}

function chunksOf(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) chunks.push(bytes.subarray(from, to));
    from = to;
  }
  return chunks;
}

/** A fetch that answers with `a`, as a stream of chunks; a stalling one never ends and ignores the signal. */
function fetchFor(a: Answer): typeof globalThis.fetch {
  return (async () => {
    const headers = headersOf(a);
    if (a.contentLength) headers["content-length"] = a.contentLength;
    if (NULL_BODY.has(a.status)) return new Response(null, { status: a.status, headers });
    const chunks = chunksOf(bytesOf(a), a.cuts);
    const body = a.stall
      ? new ReadableStream<Uint8Array>({ start: (controller) => void (chunks[0] && controller.enqueue(chunks[0])) })
      : streamOf(chunks);
    return new Response(body, { status: a.status, headers });
  }) as typeof globalThis.fetch;
}

/** Either outcome of the method, checked: a valid result, or a typed error with no piece of a secret. */
function checkMethod(outcome: { result: unknown } | { error: unknown }, a: Answer, credentials: Credentials): void {
  if ("result" in outcome) {
    expect(a.status >= 200 && a.status <= 299).toBe(true);
    const result = outcome.result as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    if ("emptyAnswer" in result) {
      // Only a 2xx with nothing in it: addParticipant changes state, so Z-API acted.
      expect(result).toEqual({ emptyAnswer: true, status: a.status });
      expect(Object.isFrozen(result)).toBe(true);
      return;
    }
    expect(Reflect.ownKeys(result)).toEqual(["value"]);
    expect(typeof result["value"]).toBe("boolean");
    return;
  }
  const { error } = outcome;
  expect(error).toBeInstanceOf(ZApiError);
  expect(error).not.toBeInstanceOf(ZApiValidationError);
  if (a.status >= 300 && a.status <= 399 && !a.stall && error instanceof ZApiHttpError) expect(error.status).toBe(a.status);
  expectNoTrace(error, [credentials.token, credentials.clientToken]);
}

/** api's outcome: what it throws and the error side of what it returns hold no piece of a secret. */
function checkApi(outcome: { returned: { error?: unknown; response: Response } } | { thrown: unknown }, credentials: Credentials): void {
  const secrets = [credentials.token, credentials.clientToken];
  if ("thrown" in outcome) return expectNoTrace(outcome.thrown, secrets);
  const { error, response } = outcome.returned;
  expectNoTrace({ error, headers: [...response.headers], statusText: response.statusText, url: response.url }, secrets);
}

const settle = <T,>(promise: Promise<T>) => promise.then((result) => ({ result }), (error: unknown) => ({ error }));

describe("any answer a hostile server can give", () => {
  it("through an injected fetch: a valid result or a typed error, with no piece of a secret", async () => {
    console.log(`property seed: ${SEED} (replay with HOSTILE_SEED=${SEED})`);
    const before = memory();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CREDENTIALS).chain((credentials) => fc.tuple(fc.constant(credentials), answer(credentials), fc.boolean())),
        async ([credentials, a, viaApi]) => {
          runs++;
          const client = clientFor("https://api.z-api.io", {
            ...credentials,
            fetch: fetchFor(a),
            timeoutMs: a.stall ? 20 : 2_000,
            maxResponseBytes: 4_096,
            retry: { attempts: 2, unsafe: true, backoffMs: 0, maxRetryAfterMs: 0 },
          });
          if (viaApi) {
            const outcome = await client.api.POST("/add-participant", { body: seed }).then((returned) => ({ returned }), (thrown: unknown) => ({ thrown }));
            checkApi(outcome, credentials);
          } else {
            checkMethod(await settle(client.addParticipant(seed)), a, credentials);
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
    const after = memory();
    console.log(`property: ${runs} runs; heapUsed ${before.heap} -> ${after.heap} MiB, rss ${before.rss} -> ${after.rss} MiB`);
    expect(after.heap - before.heap).toBeLessThan(200);
  }, 30_000);

  it("through a real local server, chunked, compressed for real or only labelled so", async () => {
    let current: Answer | undefined;
    const server = await startServer(async (_req, res) => {
      const a = current!;
      res.writeHead(a.status, headersOf(a));
      if (NULL_BODY.has(a.status)) return void res.end();
      for (const chunk of chunksOf(bytesOf(a), a.cuts)) {
        res.write(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!a.stall) res.end();
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CREDENTIALS).chain((credentials) => fc.tuple(fc.constant(credentials), answer(credentials))),
        async ([credentials, a]) => {
          current = a;
          // Short: Node 20's fetch never ends a body it cannot decompress when it came in more
          // than one chunk (a body labelled gzip, br or deflate that is not); only the client's
          // timeout ends those calls.
          const client = clientFor(server.url, { ...credentials, timeoutMs: a.stall ? 40 : 300, maxResponseBytes: 4_096 });
          checkMethod(await settle(client.addParticipant(seed)), a, credentials);
        },
      ),
      { seed: SEED, numRuns: 25 },
    );
  }, 30_000);
});
