// Issue 10, point 1: no redirect is followed, by the methods or by `api`; a 3xx is an error
// that carries its Location, redacted; nothing reaches an origin other than baseUrl's.
import { describe, expect, it } from "vitest";
import { ZApiError, ZApiHttpError, ZApiResponseError } from "../../src/index.js";
import { startServer, type LocalServer } from "../helpers/server.js";
import { CLIENT_TOKEN, clientFor, expectNoTrace, rejection, seed, TOKEN } from "./hostile.js";

const STATUSES = [301, 302, 303, 307, 308] as const;
type Where = "absolute" | "relative" | "protocol-relative" | "echoing the token";

// baseUrl's server redirects; `other` is another origin (another port) that must hear nothing.
async function servers(status: number, where: Where) {
  const other = await startServer((_req, res) => void res.end('{"value":true}'));
  const otherHost = new URL(other.url).host;
  const locations: Record<Where, string> = {
    absolute: `${other.url}/steal?from=zapi`,
    relative: "/instances/inst/token/elsewhere/add-participant",
    "protocol-relative": `//${otherHost}/steal`,
    "echoing the token": `${other.url}/instances/inst/token/${TOKEN}/add-participant?ct=${CLIENT_TOKEN}`,
  };
  const location = locations[where];
  const origin = await startServer((_req, res) => {
    res.writeHead(status, { location, "content-type": "text/plain" });
    res.end(`Moved to ${location}`);
  });
  return { origin, other, location };
}

function expectNothingFollowed(origin: LocalServer, other: LocalServer) {
  expect(origin.requests).toHaveLength(1);
  expect(other.requests).toHaveLength(0);
}

const cases = STATUSES.flatMap((status) => (["absolute", "relative", "protocol-relative", "echoing the token"] as const).map((where) => [status, where] as const));

describe("a redirect is never followed", () => {
  it.each(cases)("addParticipant: %i to a %s Location is a ZApiHttpError, and the other origin hears nothing", async (status, where) => {
    const { origin, other, location } = await servers(status, where);
    // Retrying everything that may be retried: a 3xx is still not sent again, or anywhere else.
    const client = clientFor(origin.url, { retry: { attempts: 3, unsafe: true, backoffMs: 0 } });
    const error = await rejection(client.addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiHttpError);
    const http = error as ZApiHttpError;
    expect(http.status).toBe(status);
    const redacted = location.replace(TOKEN, "[redacted]").replace(CLIENT_TOKEN, "[redacted]");
    expect(http.location).toBe(redacted);
    expect(http.message).toContain(`HTTP ${status}`);
    expect(http.message).toContain("redirects are not followed");
    expectNothingFollowed(origin, other);
    expect(origin.requests[0]!.headers["client-token"]).toBe(CLIENT_TOKEN);
    expectNoTrace(error);
  });

  it.each(cases)("api.POST: %i to a %s Location comes back as that status, and the other origin hears nothing", async (status, where) => {
    const { origin, other, location } = await servers(status, where);
    const { data, error, response } = await clientFor(origin.url).api.POST("/add-participant", { body: seed });
    expect(data).toBeUndefined();
    expect(response.status).toBe(status);
    expect(response.headers.get("location")).toBe(location.replace(TOKEN, "[redacted]").replace(CLIENT_TOKEN, "[redacted]"));
    expect(error).toBeDefined();
    expectNothingFollowed(origin, other);
    expectNoTrace({ error, headers: [...response.headers], url: response.url });
  });

  it.each(STATUSES)("api.GET: %i to another origin is not followed", async (status) => {
    const { origin, other } = await servers(status, "absolute");
    // The spec has no GET; a GET through api must be protected all the same.
    const api = clientFor(origin.url).api as unknown as { GET(path: string, init?: object): Promise<{ response: Response; error?: unknown }> };
    const { response, error } = await api.GET("/queue");
    expect(response.status).toBe(status);
    expect(error).toBeDefined();
    expectNothingFollowed(origin, other);
    expect(origin.requests[0]!.method).toBe("GET");
  });

  it("api: a call that asks to follow redirects does not", async () => {
    const { origin, other } = await servers(307, "absolute");
    const { response } = await clientFor(origin.url).api.POST("/add-participant", { body: seed, redirect: "follow" });
    expect(response.status).toBe(307);
    expectNothingFollowed(origin, other);
  });

  it("api: a call cannot bring its own fetch, and so cannot follow a redirect with the credentials", async () => {
    const { origin, other } = await servers(307, "absolute");
    const api = clientFor(origin.url).api;
    const error = await rejection(api.POST("/add-participant", { body: seed, fetch: globalThis.fetch }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(origin.requests.length + other.requests.length).toBe(0);
    expectNoTrace(error);
  });

  it("api: a call cannot send the credentials to another baseUrl", async () => {
    const { other } = await servers(307, "absolute");
    const error = await rejection(clientFor("https://api.z-api.io").api.POST("/add-participant", { body: seed, baseUrl: other.url }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(other.requests).toHaveLength(0);
  });
});

describe("a fetch that follows redirects although asked not to", () => {
  // The injected fetch is the caller's: the client cannot stop it from following, but it
  // must not hand back what came from elsewhere as Z-API's answer.
  const following = (async (input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, { ...init, redirect: "follow" })) as typeof globalThis.fetch;

  it("addParticipant: the answer is refused as a ZApiResponseError", async () => {
    const { origin } = await servers(302, "absolute");
    const error = await rejection(clientFor(origin.url, { fetch: following }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect(error.message).toContain("redirect");
    expectNoTrace(error);
  });

  it("api.POST: the answer is refused as a ZApiResponseError", async () => {
    const { origin } = await servers(307, "absolute");
    const error = await rejection(clientFor(origin.url, { fetch: following }).api.POST("/add-participant", { body: seed }));
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect(error.message).toContain("redirect");
    expectNoTrace(error);
  });
});
