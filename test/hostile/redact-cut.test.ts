// Issue 10, point 6: every text kept or shown is redacted before it is cut, so no cut
// leaves a piece of a secret behind: not the read limit, not the 2,000-character body cut,
// not the 200-character server text, not the 500-character Location, not the 60-character
// problem value.
import { describe, expect, it } from "vitest";
import { ZApiHttpError, ZApiResponseError, ZApiValidationError, type ZApiClientOptions } from "../../src/index.js";
import { startServer } from "../helpers/server.js";
import { ALL_SECRETS, CLIENT_TOKEN, clientFor, echoForms, expectNoTrace, fakeFetch, ODD_CLIENT_TOKEN, ODD_TOKEN, rejection, seed, TOKEN } from "./hostile.js";

const READ_LIMIT = 64 * 1024;
// Where a secret's form may start relative to a cut: k of its units fall before it (bytes
// for the read limit, UTF-16 characters for the cuts of kept text).
// Every start up to 7 (half an escape, five and six characters), then a few further in.
const cutsOf = (length: number) => [...new Set([1, 2, 3, 4, 5, 6, 7, 9, 12, Math.floor(length / 2), length - 1])].filter((k) => k > 0 && k < length);
const straddles = (form: string) => cutsOf(form.length);
const byteStraddles = (form: string) => cutsOf(new TextEncoder().encode(form).length);

// Each secret in each form a server may echo it in, with the client that knows it.
const echoes = [
  [TOKEN, { token: TOKEN }],
  [CLIENT_TOKEN, { clientToken: CLIENT_TOKEN }],
  [ODD_TOKEN, { token: ODD_TOKEN }],
  [ODD_CLIENT_TOKEN, { clientToken: ODD_CLIENT_TOKEN }],
] as const;
// Forms that come out the same (most, for a secret of letters and digits) are tried once.
const formCases = echoes.flatMap(([secret, options]) =>
  Object.entries(echoForms(secret))
    .filter(([name, form], i, all) => all.findIndex(([, other]) => other === form) === i && name)
    .map(([name, form]) => [`${secret.slice(0, 6)}… ${name}`, form, options] as const),
);

/**
 * One client for many answers: `reply` sets what its fetch answers next (`status`, `body`
 * in chunks of `chunk` bytes) and hands the client back.
 */
function replying(options: Partial<ZApiClientOptions>) {
  let status = 200;
  let bytes = new Uint8Array();
  let size = 16 * 1024;
  const { fetch } = fakeFetch(() => {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    return new Response(new ReadableStream({ pull: (c) => void (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) }), { status });
  });
  const client = clientFor("https://api.z-api.io", { ...options, fetch });
  return (next: number, body: string, chunk = 16 * 1024) => {
    [status, bytes, size] = [next, new TextEncoder().encode(body), chunk];
    return client;
  };
}

describe("a secret straddling the 64 KiB read limit of an error body", () => {
  it.each(formCases)("%s: api's error text keeps no piece of it, at any straddle", async (_name, form, options) => {
    const reply = replying(options);
    for (const k of byteStraddles(form)) {
      const body = `${"x".repeat(READ_LIMIT - k)}${form} and what follows`;
      const { error, response } = await reply(500, body).api.POST("/add-participant", { body: seed });
      expect(response.status).toBe(500);
      expect(typeof error).toBe("string");
      const text = error as unknown as string;
      expect(text.length).toBeLessThanOrEqual(READ_LIMIT);
      // Filler up to where the secret began; only the end can hold what is left of it.
      expect(text.slice(0, READ_LIMIT - k)).toMatch(/^x*$/);
      expectNoTrace(text.slice(READ_LIMIT - k - 100));
    }
  });

  it("through a real server, chunked by the network: the same", async () => {
    let k = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(`${"x".repeat(READ_LIMIT - k)}${TOKEN}</html>`);
    });
    for (k of straddles(TOKEN)) {
      const { error } = await clientFor(server.url).api.POST("/add-participant", { body: seed });
      expectNoTrace(error);
      const http = await rejection(clientFor(server.url).addParticipant(seed));
      expect(http).toBeInstanceOf(ZApiHttpError);
      expectNoTrace(http);
    }
  });
});

describe("a secret straddling maxResponseBytes of a 2xx", () => {
  it.each(formCases)("%s: the ZApiResponseError's body keeps no piece of it", async (_name, form, options) => {
    const reply = replying({ ...options, maxResponseBytes: 1024 });
    for (const k of byteStraddles(form)) {
      const body = `${"y".repeat(1024 - k)}${form}${"z".repeat(100)}`;
      const error = await rejection(reply(200, body, 300).addParticipant(seed));
      expect(error).toBeInstanceOf(ZApiResponseError);
      expect(error.message).toContain("maxResponseBytes");
      expectNoTrace(error);
    }
  });
});

describe("a secret straddling the cuts of what is kept", () => {
  it.each(formCases)("%s: the 2,000-character cut of a text error body", async (_name, form, options) => {
    const reply = replying(options);
    for (const k of straddles(form)) {
      const error = await rejection(reply(500, `${"x".repeat(2_000 - k)}${form}${"x".repeat(3_000)}`).addParticipant(seed));
      expect(String((error as ZApiHttpError).body).startsWith("x".repeat(2_000 - k))).toBe(true);
      expectNoTrace(error);
    }
  });

  it.each(formCases)("%s: the 200-character cut of the server's own error text", async (_name, form, options) => {
    const reply = replying(options);
    for (const k of straddles(form)) {
      const body = JSON.stringify({ error: `${"e".repeat(200 - k)}${form} more` });
      const error = await rejection(reply(400, body).addParticipant(seed));
      expect(error.message.startsWith(`Z-API answered HTTP 400 to POST: "${"e".repeat(200 - k)}`)).toBe(true);
      expectNoTrace(error);
    }
  });

  it.each(echoes)("%s: the 500-character cut of a redirect's Location", async (secret, options) => {
    const form = encodeURIComponent(secret);
    for (const k of straddles(form)) {
      const location = `https://elsewhere.example/${"l".repeat(500 - 27 - k)}${form}/rest`;
      const { fetch } = fakeFetch(() => new Response(null, { status: 302, headers: { location } }));
      const error = await rejection(clientFor("https://api.z-api.io", { ...options, fetch }).addParticipant(seed));
      expect((error as ZApiHttpError).location?.startsWith(`https://elsewhere.example/${"l".repeat(500 - 27 - k)}`)).toBe(true);
      expectNoTrace(error);
    }
  });

  it.each(echoes)("%s: the 60-character cut of a wrong value in a 2xx", async (secret, options) => {
    const reply = replying(options);
    for (const k of straddles(secret)) {
      const body = JSON.stringify({ value: `${"v".repeat(60 - k)}${secret}` });
      const error = await rejection(reply(200, body).addParticipant(seed));
      expect(error).toBeInstanceOf(ZApiResponseError);
      expect(error.message).toContain("must be a boolean");
      expectNoTrace(error);
    }
  });

  it.each(echoes)("%s: the 60-character cut of a problem value in the caller's input", async (secret, options) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const client = clientFor("https://api.z-api.io", { ...options, fetch });
    for (const k of straddles(secret)) {
      const value = `${"5".repeat(60 - k)}${secret}`;
      for (const input of [
        { ...seed, phones: [value] },
        { autoInvite: true, groupId: value, phones: ["5544999999999"] },
        { ...seed, communityId: 42, autoInvite: value },
      ]) {
        const error = await rejection(client.addParticipant(input as never));
        expect(error).toBeInstanceOf(ZApiValidationError);
        expectNoTrace(error);
      }
    }
    expect(calls).toHaveLength(0);
  });
});

describe("a secret where no cut is expected, for contrast", () => {
  it("a secret used as a property name of the input is not shown in the problem's path", async () => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    for (const secret of ALL_SECRETS) {
      const error = await rejection(clientFor("https://api.z-api.io", { token: secret.startsWith("Rb6") || secret.startsWith("Wk4") ? TOKEN : secret, clientToken: secret.startsWith("Rb6") || secret.startsWith("Wk4") ? secret : CLIENT_TOKEN, fetch }).addParticipant({ ...seed, [secret]: true } as never));
      expect(error).toBeInstanceOf(ZApiValidationError);
      expect(error.message).toContain("is not allowed");
      expectNoTrace(error);
    }
    expect(calls).toHaveLength(0);
  });

  it("a getter whose exception quotes the token, at length, is redacted and capped", async () => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const input = {
      ...seed,
      get phones(): string[] {
        throw new Error(`${"m".repeat(1_000_000)} ${TOKEN} ${CLIENT_TOKEN}`);
      },
    };
    const error = (await rejection(clientFor("https://api.z-api.io", { fetch }).addParticipant(input))) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.message.length).toBeLessThan(8_000);
    for (const problem of error.problems) expect(problem.message.length).toBeLessThan(8_000);
    expectNoTrace(error);
    expect(calls).toHaveLength(0);
  });
});
