import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { operations } from "../generated/operations.js";
import { createZApiClient, ZApiError, ZApiHttpError, ZApiNetworkError } from "../src/index.js";
import { CLIENT_TOKEN, expectNoSecret, rejection, TOKEN } from "./helpers/secrets.js";
import { json, refusedUrl, startServer } from "./helpers/server.js";

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] };
const clientFor = (baseUrl: string, extra: Parameters<typeof createZApiClient>[0] = {}) =>
  createZApiClient({ instanceId: "inst", token: TOKEN, clientToken: CLIENT_TOKEN, baseUrl, retry: false, timeoutMs: 2_000, ...extra });

// Servers that hand the secrets back, the way error pages and proxies do.
const echoes: Record<string, Parameters<typeof startServer>[0]> = {
  "an HTML 404 that echoes the URL": (req, res) => {
    res.writeHead(404, { "content-type": "text/html" });
    res.end(`<pre>Cannot POST ${req.url}</pre>`);
  },
  "a JSON 500 that echoes the URL and Client-Token": (req, res) =>
    json(res, 500, { error: `bad ${req.headers["client-token"]}`, path: req.url, [String(req.url)]: "as a key" }),
  "a 200 that is not JSON and echoes the URL": (req, res) => {
    res.writeHead(200);
    res.end(`ok ${req.url}`);
  },
  "a 200 of the wrong shape that echoes the Client-Token": (req, res) => json(res, 200, { value: req.headers["client-token"] }),
  "a 405 whose status text echoes the URL": (req, res) => {
    res.writeHead(405, `Nope ${req.url}`);
    res.end();
  },
  "a 429 that echoes the URL, retried then given up": (req, res) => json(res, 429, { url: req.url }, { "retry-after": "0" }),
};

describe("no secret in any error", () => {
  it.each(Object.entries(echoes))("%s", async (_name, handler) => {
    const server = await startServer(handler);
    const error = await rejection(clientFor(server.url, { retry: { attempts: 2, maxRetryAfterMs: 10 } }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiError);
    // The server really did see (and echo) the secrets, so the test can fail.
    expect(server.requests[0]!.url).toContain(TOKEN);
    expectNoSecret(error);
    if (error instanceof ZApiHttpError) expect(inspect(error.body)).toMatch(/\[redacted\]|^undefined$|^''$/);
  });

  it("a refused connection", async () => {
    const error = await rejection(clientFor(await refusedUrl()).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiNetworkError);
    expectNoSecret(error);
  });

  it("a timeout", async () => {
    const server = await startServer(() => {});
    expectNoSecret(await rejection(clientFor(server.url, { timeoutMs: 50 }).addParticipant(seed)));
  });

  it("a validation error", async () => {
    expectNoSecret(await rejection(clientFor("http://127.0.0.1:9").addParticipant({ ...seed, phones: [] })));
  });

  it("a runtime error whose message, stack, cause and errors quote the URL", async () => {
    const url = `https://api.z-api.io/instances/inst/token/${TOKEN}/add-participant`;
    const inner = Object.assign(new Error(`connect failed for ${url}`), { code: "ECONNRESET", url, headers: { "Client-Token": CLIENT_TOKEN } });
    const fetch = (async () => {
      throw new TypeError(`fetch failed: ${url}`, { cause: new AggregateError([inner, Object.assign(new Error(CLIENT_TOKEN), { code: "ECONNRESET" })], `all of ${url}`) });
    }) as unknown as typeof globalThis.fetch;
    const error = await rejection(clientFor("https://api.z-api.io", { fetch }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiNetworkError);
    expect(inspect(error, { depth: Infinity })).toContain("[redacted]");
    expect((error as ZApiNetworkError).code).toBe("ECONNRESET");
    expectNoSecret(error);
  });

  it("an error thrown through api, the openapi-fetch client", async () => {
    const fetch = (async (request: Request) => {
      throw new Error(`failed ${request.url}`, { cause: new Error(`header ${request.headers.get("client-token")}`) });
    }) as unknown as typeof globalThis.fetch;
    const error = await rejection(clientFor("https://api.z-api.io", { fetch }).api.POST("/add-participant", { body: seed }));
    expect(error).toBeInstanceOf(ZApiNetworkError);
    expect((error.cause as Error).message).toBe("failed https://api.z-api.io/instances/inst/token/[redacted]/add-participant");
    expectNoSecret(error);
  });

  it("at creation: a malformed token is described, never echoed", () => {
    let error: unknown;
    try {
      createZApiClient({ instanceId: "i", token: [TOKEN] as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZApiError);
    expectNoSecret(error);
  });
});

describe("no secret in the client object", () => {
  it("util.inspect and JSON.stringify show no token or Client-Token", () => {
    const client = clientFor("https://api.z-api.io");
    expectNoSecret(client);
    expectNoSecret(client.api);
    // One method per operationId of the spec, and api: nothing else, and no secret among them.
    expect(Object.keys(client)).toEqual([...Object.keys(operations), "api"]);
    expect(Object.keys(client)).toContain("getGroupMetadata");
  });
});
