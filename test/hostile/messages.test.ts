// Issue 10, points 9 and 10: errors say what the server said and what to do, in a few
// redacted words; a 200's result holds exactly the spec's fields, and nothing from a
// "__proto__" key.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createZApiClient, ZApiHttpError, ZApiResponseError, ZApiValidationError } from "../../src/index.js";
import { json, startServer } from "../helpers/server.js";
import { CLIENT_TOKEN, clientFor, expectNoTrace, fakeFetch, rejection, seed, TOKEN } from "./hostile.js";

afterEach(() => vi.unstubAllEnvs());

async function httpError(status: number, body: string, contentType = "application/json", extra: Parameters<typeof clientFor>[1] = {}): Promise<ZApiHttpError> {
  const server = await startServer((_req, res) => {
    res.writeHead(status, { "content-type": contentType });
    res.end(body);
  });
  const error = await rejection(clientFor(server.url, extra).addParticipant(seed));
  expect(error).toBeInstanceOf(ZApiHttpError);
  expectNoTrace(error);
  return error as ZApiHttpError;
}

describe("the server's own words (point 9)", () => {
  it.each([
    ['{"error":"Instance not found"}', "Instance not found", "instance-not-found"],
    ['{"message":"You need to restore the session"}', "You need to restore the session", "session-restore-needed"],
    ['{"error":"first","message":"second"}', "first: second", "unknown"],
  ])("a JSON error body %s: the message quotes it, error and message both", async (body, said, reason) => {
    const error = await httpError(400, body);
    expect(error.message).toBe(`Z-API answered HTTP 400 to POST: ${JSON.stringify(said)} (${reason}: ${error.hint})`);
    expect(error.serverText).toBe(said);
    expect(error.reason).toBe(reason);
  });

  it.each(["\n", "\r\n"])("a text body: its first line, trimmed (lines end in %j)", async (eol) => {
    const error = await httpError(502, `  Bad gateway: upstream timed out  ${eol}<html>lots more</html>${eol}`, "text/plain");
    expect(error.message).toMatch(/^Z-API answered HTTP 502 to POST: "Bad gateway: upstream timed out" \(unknown: /);
    expect(error.serverText).toBe("Bad gateway: upstream timed out");
  });

  it("the server's words echoing the token and Client-Token: redacted", async () => {
    const error = await httpError(401, JSON.stringify({ error: `token ${TOKEN} with ${CLIENT_TOKEN} refused` }));
    expect(error.message).toMatch(/^Z-API answered HTTP 401 to POST: "token \[redacted\] with \[redacted\] refused" \(unknown: /);
    expect(error.serverText).toBe("token [redacted] with [redacted] refused");
  });

  it("long words: cut at 200 characters, after redaction", async () => {
    const error = await httpError(400, JSON.stringify({ error: `${"w".repeat(195)}${TOKEN}${"w".repeat(500)}` }));
    expect(error.message).toMatch(/^Z-API answered HTTP 400 to POST: "w{195}\[reda… \(\d+ more characters\)" \(unknown: /);
  });

  it("terminal escapes and line breaks in the words: escaped, never printed raw", async () => {
    const error = await httpError(400, JSON.stringify({ error: "\u001b[2J\u001b[31mred\r\nforged log line\u0007" }));
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message).toContain("\\u001b[2J");
  });

  it.each([
    ['{"error":42}'],
    ['{"error":{"nested":"object"}}'],
    ["[1,2,3]"],
    ['"just a string"'],
    ["null"],
    [""],
  ])("a body with no words (%s): the status alone", async (body) => {
    const error = await httpError(418, body);
    expect(error.message.startsWith("Z-API answered HTTP 418 to POST")).toBe(true);
  });
});

describe("hints (point 9)", () => {
  it("405: the method this operation uses", async () => {
    const error = await httpError(405, '{"error":"Method Not Allowed"}');
    expect(error.message).toBe('Z-API answered HTTP 405 to POST: "Method Not Allowed" (method-not-allowed: the method was not allowed; this operation is a POST, as the docs say)');
  });

  it("415: the content type to send", async () => {
    const error = await httpError(415, '{"error":"Unsupported Media Type"}');
    expect(error.message).toContain("(unsupported-media-type: the Content-Type was not accepted; send application/json)");
  });

  it('{"error":"null not allowed"} with no Client-Token sent: how to send one', async () => {
    vi.stubEnv("ZAPI_CLIENT_TOKEN", "");
    const server = await startServer((_req, res) => json(res, 400, { error: "null not allowed" }));
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, retry: false });
    const error = await rejection(client.addParticipant(seed));
    expect(server.requests[0]!.headers["client-token"]).toBeUndefined();
    expect(error.message).toBe(
      'Z-API answered HTTP 400 to POST: "null not allowed" (client-token-missing: the account\'s Client-Token is active and none was sent; set `clientToken` (or ZAPI_CLIENT_TOKEN) to the account security token from the Z-API panel)',
    );
  });

  it("a redirect: where to, redacted, and that it was not followed", async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 301, headers: { location: `https://other.example/instances/inst/token/${TOKEN}/x` } }));
    const error = (await rejection(clientFor("https://api.z-api.io", { fetch }).addParticipant(seed))) as ZApiHttpError;
    expect(error.message).toBe(
      'Z-API answered HTTP 301 to POST, redirecting to "https://other.example/instances/inst/token/[redacted]/x" (redirect: redirects are not followed, so the credentials never leave baseUrl\'s origin; the Location is in `error.location`)',
    );
  });

  it.each([
    [{ autoInvite: true, groupId: "120363019502650977", phones: ["5544999999999"] }, "/groupId", '"120363019502650977" must look like "120363019502650977-group"'],
    [{ autoInvite: true, groupId: "my group", phones: ["5544999999999"] }, "/groupId", 'must look like "120363019502650977-group" (match the pattern ^[0-9]+-(group|[0-9]+)$)'],
    [{ autoInvite: true, groupId: "55 44 9999-abcd", phones: ["5544999999999"] }, "/groupId", '"55 44 9999-abcd" must look like "120363019502650977-group"'],
  ])("a failed pattern check says what the value should look like", async (input, path, says) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const error = (await rejection(clientFor("https://api.z-api.io", { fetch }).addParticipant(input))) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems[0]!.path).toBe(path);
    expect(error.message).toContain(`${path} `);
    expect(error.message).toContain(says);
    expect(calls).toHaveLength(0);
  });
});

describe("clean results (point 10)", () => {
  const answers = {
    "extra fields": '{"value":true,"extra":1,"instanceId":"x","nested":{"a":1}}',
    "a __proto__ key": '{"value":true,"__proto__":{"polluted":true,"value":false}}',
    "a constructor key": '{"value":false,"constructor":{"prototype":{"polluted":true}}}',
    "__proto__ first": '{"__proto__":{"isAdmin":true},"value":true}',
    "a duplicate value": '{"value":false,"value":true}',
  };

  it.each(Object.entries(answers))("%s: exactly the spec's fields, as own data, on a plain object", async (_name, body) => {
    const { fetch } = fakeFetch(() => new Response(body, { status: 200 }));
    const result = (await clientFor("https://api.z-api.io", { fetch }).addParticipant(seed)) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Reflect.ownKeys(result)).toEqual(["value"]);
    expect(Object.hasOwn(result, "__proto__")).toBe(false);
    expect(Object.getOwnPropertyDescriptor(result, "value")).toMatchObject({ writable: true, enumerable: true, configurable: true });
    expect(typeof Object.getOwnPropertyDescriptor(result, "value")!.value).toBe("boolean");
    expect(result["polluted"]).toBeUndefined();
    expect(result["isAdmin"]).toBeUndefined();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(result).toEqual({ value: JSON.parse(body).value });
  });

  it("a value only under __proto__ is not a value: ZApiResponseError", async () => {
    const { fetch } = fakeFetch(() => new Response('{"__proto__":{"value":true}}', { status: 200 }));
    const error = await rejection(clientFor("https://api.z-api.io", { fetch }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect(error.message).toContain("/value is required");
    // The body is kept, with "__proto__" as a plain key, not as the prototype.
    const body = (error as ZApiResponseError).body as Record<string, unknown>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.hasOwn(body, "__proto__")).toBe(true);
    expect((body as { value?: unknown }).value).toBeUndefined();
  });

  it("an error body with a __proto__ key keeps it as data, and pollutes nothing", async () => {
    const error = await httpError(400, '{"error":"no","__proto__":{"polluted":true}}');
    const body = error.body as Record<string, unknown>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(body["polluted"]).toBeUndefined();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
