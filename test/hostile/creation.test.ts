// Issue 10, points 2, 3, 4 and 11: what a careless caller can get wrong when creating the
// client or calling it is refused at once, with a message that names the problem and never
// echoes a secret; credentials are sent, and redacted, exactly as trimmed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookHandler, createZApiClient, ZApiError, ZApiHttpError } from "../../src/index.js";
import { json, startServer } from "../helpers/server.js";
import { CLIENT_TOKEN, expectNoTrace, fakeFetch, ODD_CLIENT_TOKEN, ODD_TOKEN, rejection, seed, thrown, TOKEN } from "./hostile.js";

afterEach(() => vi.unstubAllEnvs());

const base = { instanceId: "inst", token: TOKEN, retry: false as const };
// Secrets that may sit in a baseUrl: a password, a query.
const PASSWORD = "Pw7Rd3hunter2";
const QUERY = "Qs5Fg8secret";

describe("clear text (point 2)", () => {
  it.each([
    "http://api.z-api.io",
    "HTTP://API.Z-API.IO/",
    "http://10.0.0.5:8080",
    "http://127.0.0.1.nip.io",
    "http://localhost.example.com",
    "http://[::ffff:7f00:1]",
    "http://[::2]",
  ])("refuses %s without allowInsecureHttp", (baseUrl) => {
    const error = thrown(() => createZApiClient({ ...base, baseUrl }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toMatch(/not loopback.*clear text.*allowInsecureHttp/);
    expectNoTrace(error);
  });

  it("refuses the same from ZAPI_BASE_URL", () => {
    vi.stubEnv("ZAPI_BASE_URL", "http://api.z-api.io");
    const error = thrown(() => createZApiClient(base));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("ZAPI_BASE_URL");
  });

  it("takes http:// on a host that is not loopback with allowInsecureHttp: true, and sends there", async () => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const client = createZApiClient({ ...base, baseUrl: "http://10.0.0.5:8080", allowInsecureHttp: true, fetch });
    await expect(client.addParticipant(seed)).resolves.toEqual({ value: true });
    expect(calls[0]!.url).toBe(`http://10.0.0.5:8080/instances/inst/token/${TOKEN}/add-participant`);
  });

  it.each(["true", 1, null])("refuses allowInsecureHttp: %j (only a boolean opts in)", (allowInsecureHttp) => {
    expect(thrown(() => createZApiClient({ ...base, baseUrl: "http://10.0.0.5", allowInsecureHttp: allowInsecureHttp as never }))).toBeInstanceOf(ZApiError);
  });

  it.each([
    ["http://127.0.0.1:9", "http://127.0.0.1:9"],
    ["http://127.1.2.3", "http://127.1.2.3"],
    ["http://localhost:9", "http://localhost:9"],
    ["http://LOCALHOST:9/", "http://localhost:9"],
    ["http://[::1]:9", "http://[::1]:9"],
    ["http://0x7f000001:9", "http://127.0.0.1:9"],
  ])("allows loopback %s", async (baseUrl, sentTo) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    await expect(createZApiClient({ ...base, baseUrl, fetch }).addParticipant(seed)).resolves.toEqual({ value: true });
    expect(calls[0]!.url.startsWith(`${sentTo}/instances/inst/token/`)).toBe(true);
  });
});

describe("user info, a query or a fragment in baseUrl (point 3)", () => {
  it.each([
    ["user:password", `https://zapi:${PASSWORD}@api.z-api.io`],
    ["password only", `https://:${PASSWORD}@api.z-api.io`],
    ["user only", `https://${PASSWORD}@api.z-api.io`],
    ["empty user info", "https://@api.z-api.io"],
    ["no slashes", `https:zapi:${PASSWORD}@api.z-api.io`],
    ["backslashes", `https:\\\\zapi:${PASSWORD}@api.z-api.io`],
    ["an encoded @ in the password", `https://zapi:${PASSWORD}%40x@api.z-api.io/base`],
    ["http on loopback", `http://zapi:${PASSWORD}@127.0.0.1:9`],
  ])("refuses user info (%s), naming it, without the password", (_name, baseUrl) => {
    const error = thrown(() => createZApiClient({ ...base, baseUrl }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("user info");
    expectNoTrace(error, [PASSWORD]);
  });

  it.each([
    ["a query", `https://api.z-api.io/?token=${QUERY}`],
    ["a query without a slash", `https://api.z-api.io?token=${QUERY}`],
    ["a fragment", `https://api.z-api.io/base#${QUERY}`],
    ["a bare trailing ?", "https://api.z-api.io/base?"],
    ["a bare trailing #", "https://api.z-api.io/base#"],
    ["a bare ? on the host", "https://api.z-api.io?"],
    ["a bare # on the host", "https://api.z-api.io#"],
    ["both", `https://api.z-api.io/?a=${QUERY}#${QUERY}`],
  ])("refuses %s, naming it, without echoing it", (_name, baseUrl) => {
    const error = thrown(() => createZApiClient({ ...base, baseUrl }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toMatch(/"\?" or "#"/);
    expectNoTrace(error, [QUERY]);
  });

  it.each([
    ["user info and a space in the host", `https://zapi:${PASSWORD}@api z-api.io`],
    ["user info and a bad port", `https://zapi:${PASSWORD}@api.z-api.io:99999`],
    ["a query and a space in the host", `https://api z-api.io/?token=${PASSWORD}`],
    ["a fragment in something that is not a URL", `api.z-api.io#${PASSWORD}`],
  ])("refuses a URL that does not even parse, with %s, without echoing the secret", (_name, baseUrl) => {
    const error = thrown(() => createZApiClient({ ...base, baseUrl }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("absolute http(s) URL");
    expectNoTrace(error, [PASSWORD]);
  });

  it("refuses the same from ZAPI_BASE_URL, naming the variable", () => {
    vi.stubEnv("ZAPI_BASE_URL", `https://zapi:${PASSWORD}@api.z-api.io`);
    const error = thrown(() => createZApiClient(base));
    expect(error.message).toContain("ZAPI_BASE_URL");
    expectNoTrace(error, [PASSWORD]);
  });
});

describe("credentials with surrounding whitespace, or a control character inside (point 4)", () => {
  const padded = [
    ["a trailing \\n", "\n"],
    ["a trailing \\r\\n", "\r\n"],
    ["spaces", "  "],
    ["tabs", "\t\t"],
    ["a mix", " \t\r\n"],
  ] as const;

  // The server sees only the trimmed forms, and says them back in every way it can.
  async function echoingServer() {
    return startServer((req, res) =>
      json(res, 500, {
        error: `refused ${req.headers["client-token"]} for ${req.url}`,
        token: decodeURIComponent(String(req.url).split("/")[4] ?? ""),
        header: req.headers["client-token"],
      }),
    );
  }

  it.each(padded)("trims %s around token and clientToken: the trimmed forms are sent, and redacted when echoed", async (_name, pad) => {
    const server = await echoingServer();
    const client = createZApiClient({ ...base, token: `${pad}${ODD_TOKEN}${pad}`, clientToken: `${pad}${ODD_CLIENT_TOKEN}${pad}`, baseUrl: server.url });
    const error = await rejection(client.addParticipant(seed));
    const request = server.requests[0]!;
    expect(request.url).toBe(`/instances/inst/token/${encodeURIComponent(ODD_TOKEN)}/add-participant`);
    expect(request.headers["client-token"]).toBe(ODD_CLIENT_TOKEN);
    expect(error).toBeInstanceOf(ZApiHttpError);
    expect((error as ZApiHttpError).body).toEqual({
      error: "refused [redacted] for /instances/inst/token/[redacted]/add-participant",
      token: "[redacted]",
      header: "[redacted]",
    });
    expectNoTrace(error);
  });

  it.each(padded)("trims %s around ZAPI_TOKEN and ZAPI_CLIENT_TOKEN the same way", async (_name, pad) => {
    vi.stubEnv("ZAPI_INSTANCE_ID", "inst");
    vi.stubEnv("ZAPI_TOKEN", `${pad}${TOKEN}${pad}`);
    vi.stubEnv("ZAPI_CLIENT_TOKEN", `${pad}${CLIENT_TOKEN}${pad}`);
    const server = await echoingServer();
    const error = await rejection(createZApiClient({ baseUrl: server.url, retry: false }).addParticipant(seed));
    expect(server.requests[0]!.url).toBe(`/instances/inst/token/${TOKEN}/add-participant`);
    expect(server.requests[0]!.headers["client-token"]).toBe(CLIENT_TOKEN);
    expect((error as ZApiHttpError).body).toEqual({ error: "refused [redacted] for /instances/inst/token/[redacted]/add-participant", token: "[redacted]", header: "[redacted]" });
    expectNoTrace(error);
  });

  const inside = [
    ["NUL", "\u0000"],
    ["a newline", "\n"],
    ["a carriage return", "\r"],
    ["a tab", "\t"],
    ["ESC", "\u001b"],
    ["DEL", "\u007f"],
    ["a C1 control", "\u0085"],
    ["a line separator", "\u2028"],
  ] as const;

  it.each(inside)("refuses %s inside the token, without echoing it", (_name, char) => {
    const error = thrown(() => createZApiClient({ ...base, token: `${TOKEN.slice(0, 8)}${char}${TOKEN.slice(8)}` }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toMatch(/control character/);
    expectNoTrace(error);
  });

  it.each(inside)("refuses %s inside the Client-Token, without echoing it", (_name, char) => {
    const error = thrown(() => createZApiClient({ ...base, clientToken: `${CLIENT_TOKEN.slice(0, 8)}${char}${CLIENT_TOKEN.slice(8)}` }));
    expect(error).toBeInstanceOf(ZApiError);
    expectNoTrace(error);
  });

  // An environment variable cannot hold NUL: the value would end there.
  it.each(inside.filter(([name]) => name !== "NUL"))("refuses %s inside ZAPI_TOKEN and ZAPI_CLIENT_TOKEN, naming the variable, without echoing it", (_name, char) => {
    vi.stubEnv("ZAPI_INSTANCE_ID", "inst");
    vi.stubEnv("ZAPI_TOKEN", `${TOKEN.slice(0, 8)}${char}${TOKEN.slice(8)}\n`);
    let error = thrown(() => createZApiClient());
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("ZAPI_TOKEN");
    expectNoTrace(error);
    vi.stubEnv("ZAPI_TOKEN", TOKEN);
    vi.stubEnv("ZAPI_CLIENT_TOKEN", `${CLIENT_TOKEN.slice(0, 8)}${char}${CLIENT_TOKEN.slice(8)}\n`);
    error = thrown(() => createZApiClient());
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("ZAPI_CLIENT_TOKEN");
    expectNoTrace(error);
  });

  it.each([
    ["the token", { token: `${TOKEN}\uD800` }],
    ["the token (a lone low surrogate)", { token: `${TOKEN.slice(0, 8)}\uDC00${TOKEN.slice(8)}` }],
    ["the instance id", { instanceId: "inst\uD800" }],
  ])("refuses a lone surrogate in %s with a ZApiError, without echoing the token", (_name, options) => {
    const error = thrown(() => createZApiClient({ ...base, ...options }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("half a surrogate pair");
    expectNoTrace(error);
  });

  it.each([
    ["a space", `${CLIENT_TOKEN.slice(0, 8)} ${CLIENT_TOKEN.slice(8)}`],
    ["a letter beyond ASCII", `${CLIENT_TOKEN}ö`],
    ["an emoji", `${CLIENT_TOKEN}😀`],
  ])("refuses a Client-Token with %s (a header holds printable ASCII), without echoing it", (_name, clientToken) => {
    const error = thrown(() => createZApiClient({ ...base, clientToken }));
    expect(error).toBeInstanceOf(ZApiError);
    expectNoTrace(error);
  });
});

describe("a secret passed in place of the options", () => {
  // The likeliest string to land where an options object belongs is a token or a secret.
  it.each([
    ["createZApiClient", () => createZApiClient(TOKEN as never)],
    ["createWebhookHandler", () => createWebhookHandler(CLIENT_TOKEN as never)],
  ])("%s refuses it, saying it got a string, and never shows it", (where, create) => {
    const error = thrown(create);
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain(`The options of ${where} must be an object`);
    expect(error.message).toContain("got a string (not shown: it may be a secret)");
    expectNoTrace(error);
  });

  it("a call's options: the same", async () => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const error = await rejection(createZApiClient({ ...base, fetch }).addParticipant(seed, CLIENT_TOKEN as never));
    expect(error.message).toContain("got a string (not shown: it may be a secret)");
    expectNoTrace(error);
    expect(calls).toHaveLength(0);
  });
});

describe("per-call options (point 11)", () => {
  it.each([
    [{ retries: 2 }, "retries"],
    [{ timeout: 5_000 }, "timeout"],
    [{ signal: undefined, timeoutMs: 100, headers: { "X-A": "b" } }, "headers"],
    [{ clientToken: CLIENT_TOKEN }, "clientToken"],
    [JSON.parse('{"__proto__": {"timeoutMs": 1}}'), "__proto__"],
  ])("refuses %j, naming the unknown option and the known ones; nothing is sent", async (options, unknown) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const error = await rejection(createZApiClient({ ...base, clientToken: CLIENT_TOKEN, fetch }).addParticipant(seed, options as never));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain(unknown);
    expect(error.message).toContain("known: signal, timeoutMs, retry");
    expect(calls).toHaveLength(0);
    expectNoTrace(error);
  });

  it.each([["5000"], [5000], [null], [true]])("refuses options that are not an object (%j); nothing is sent", async (options) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const error = await rejection(createZApiClient({ ...base, fetch }).addParticipant(seed, options as never));
    expect(error).toBeInstanceOf(ZApiError);
    expect(calls).toHaveLength(0);
  });

  it.each([0, -1, Number.NaN, "100", 2 ** 31, -Infinity])("refuses timeoutMs: %j; nothing is sent", async (timeoutMs) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const error = await rejection(createZApiClient({ ...base, fetch }).addParticipant(seed, { timeoutMs: timeoutMs as never }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain("timeoutMs");
    expect(calls).toHaveLength(0);
  });

  it("refuses a signal that is not an AbortSignal; nothing is sent", async () => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const error = await rejection(createZApiClient({ ...base, fetch }).addParticipant(seed, { signal: {} as never }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(calls).toHaveLength(0);
  });
});
