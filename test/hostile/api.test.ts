// Issue 10, point 12: `api`, the openapi-fetch client, throws only redacted errors and
// hands back only redacted error bodies and headers, with the methods' protections.
// (Its redirects are in redirects.test.ts, its bounded reads in bounded.test.ts.)
import { describe, expect, it } from "vitest";
import { ZApiAbortError, ZApiError, ZApiNetworkError } from "../../src/index.js";
import { startServer } from "../helpers/server.js";
import { ALL_SECRETS, CLIENT_TOKEN, clientFor, echoForms, expectNoTrace, fakeFetch, ODD_CLIENT_TOKEN, ODD_TOKEN, rejection, seed, TOKEN } from "./hostile.js";

const clients = [
  ["plain secrets", { token: TOKEN, clientToken: CLIENT_TOKEN }],
  ["odd secrets", { token: ODD_TOKEN, clientToken: ODD_CLIENT_TOKEN }],
] as const;

// A server that echoes what it received, in every form, in the body, a header and the status
// text. Into JSON, each form goes as the text of a string: the forms that need no escaping
// there, and the raw secrets JSON-escaped once, as a JSON writer would.
async function echoingServer(status: number, contentType = "application/json") {
  return startServer((req, res) => {
    const token = decodeURIComponent(String(req.url).split("/")[4] ?? "");
    const clientToken = String(req.headers["client-token"]);
    const forms = [...Object.values(echoForms(token)), ...Object.values(echoForms(clientToken))];
    const fits = forms.filter((form) => !/["\\\u0000-\u001f]/.test(form) || /^(?:[^"\\]|\\["\\/u])*$/.test(form));
    const body =
      contentType === "application/json"
        ? `{"error":${JSON.stringify(`refused ${req.url}`)},"forms":[${fits.map((form) => `"${form}"`).join(",")}],${JSON.stringify(clientToken)}:${JSON.stringify(token)}}`
        : `refused ${req.url} ${forms.join(" ")}`;
    res.writeHead(status, `Echo ${encodeURIComponent(token)}`, { "content-type": contentType, "x-echo": `${encodeURIComponent(token)} ${encodeURIComponent(clientToken)}` });
    res.end(body);
  });
}

describe("error bodies api hands back", () => {
  it.each(clients)("a JSON error body echoing the %s every way: redacted, headers and status text too", async (_name, credentials) => {
    const server = await echoingServer(400);
    const { data, error, response } = await clientFor(server.url, credentials).api.POST("/add-participant", { body: seed });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    // It parsed: the echo is JSON, redacted as text before openapi-fetch parsed it.
    expect(typeof error).toBe("object");
    expect(JSON.stringify(error)).toContain("[redacted]");
    expect(response.url).toBe("");
    expectNoTrace({ error, headers: [...response.headers], statusText: response.statusText });
  });

  it.each(clients)("a text error body echoing the %s every way: redacted", async (_name, credentials) => {
    const server = await echoingServer(502, "text/html");
    const { error } = await clientFor(server.url, credentials).api.POST("/add-participant", { body: seed });
    expect(String(error)).toMatch(/^refused \/instances\/inst\/token\/\[redacted\]\/add-participant/);
    expectNoTrace(error);
  });
});

describe("errors api throws", () => {
  it.each(clients)("a 200 that is not JSON and quotes the %s near its start: the parse error keeps no piece of it", async (_name, credentials) => {
    // V8's JSON.parse error quotes ten characters around the fault, cut before any redaction could run.
    for (const prefix of ["", "ok ", '{"a": ', "<html>"]) {
      const { fetch } = fakeFetch(() => new Response(`${prefix}${credentials.token} ${credentials.clientToken}`, { status: 200 }));
      const outcome = await clientFor("https://api.z-api.io", { ...credentials, fetch })
        .api.POST("/add-participant", { body: seed })
        .catch((error: unknown) => error);
      expectNoTrace(outcome);
    }
  });

  it.each(clients)("a header value the caller passes that Request refuses, quoting the %s: redacted", async (_name, credentials) => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const api = clientFor("https://api.z-api.io", { ...credentials, fetch }).api;
    const headers: Record<string, string>[] = [
      { "X-Debug": `${credentials.token}\nX-Injected: 1` },
      { "X-Debug": `a\r\n${credentials.clientToken}` },
      { [`${credentials.clientToken} x`]: "v" },
      { "Client-Token": `${credentials.clientToken}\u0000` },
    ];
    for (const header of headers) {
      const error = await rejection(api.POST("/add-participant", { body: seed, headers: header }));
      expect(error).toBeInstanceOf(Error);
      expectNoTrace(error);
    }
    expect(calls).toHaveLength(0);
  });

  it("a body JSON cannot serialise, with the token as a property name: redacted", async () => {
    const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
    const cyclic: Record<string, unknown> = {};
    cyclic[TOKEN] = { back: cyclic };
    for (const body of [cyclic, { [TOKEN]: 1n }]) {
      const error = await rejection(clientFor("https://api.z-api.io", { fetch }).api.POST("/add-participant", { body: body as never }));
      expectNoTrace(error);
    }
    expect(calls).toHaveLength(0);
  });

  it("middleware that throws, quoting the request URL and Client-Token: redacted", async () => {
    const { fetch } = fakeFetch(() => new Response('{"value":true}'));
    const { api } = clientFor("https://api.z-api.io", { fetch });
    api.use({
      onRequest({ request }) {
        throw new Error(`refusing ${request.url} with ${request.headers.get("client-token")}`, { cause: new Error(request.url) });
      },
    });
    const error = await rejection(api.POST("/add-participant", { body: seed }));
    expect(error.message).toContain("[redacted]");
    expectNoTrace(error);
  });

  it("a fetch that throws, quoting every form of the secrets: ZApiNetworkError, redacted", async () => {
    const fetch = (async (request: Request) => {
      throw new TypeError(`failed ${request.url}`, { cause: new AggregateError(ALL_SECRETS.flatMap((secret) => Object.values(echoForms(secret)).map((form) => new Error(form))), "all") });
    }) as unknown as typeof globalThis.fetch;
    const error = await rejection(clientFor("https://api.z-api.io", { fetch, token: ODD_TOKEN, clientToken: ODD_CLIENT_TOKEN }).api.POST("/add-participant", { body: seed }));
    expect(error).toBeInstanceOf(ZApiNetworkError);
    // This client knows only the odd secrets: the plain ones it cannot know are left out of the check.
    expectNoTrace(error, [ODD_TOKEN, ODD_CLIENT_TOKEN]);
  });

  it("a signal that aborts: ZApiAbortError, even when the fetch never looks at it", async () => {
    const { fetch } = fakeFetch(() => new Promise<Response>(() => {}));
    const controller = new AbortController();
    const call = clientFor("https://api.z-api.io", { fetch, timeoutMs: 60_000 }).api.POST("/add-participant", { body: seed, signal: controller.signal });
    controller.abort(new Error(`why ${TOKEN}`));
    const error = await rejection(call);
    expect(error).toBeInstanceOf(ZApiAbortError);
    expect(error).toBeInstanceOf(ZApiError);
  });
});
