import { describe, expect, it } from "vitest";
import {
  createZApiClient,
  ZApiAbortError,
  ZApiError,
  ZApiHttpError,
  ZApiNetworkError,
  ZApiResponseError,
  ZApiTimeoutError,
} from "../../src/index.js";
import { rejection, TOKEN } from "../helpers/secrets.js";
import { json, refusedUrl, startServer } from "../helpers/server.js";

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] };
const clientFor = (baseUrl: string, extra: Parameters<typeof createZApiClient>[0] = {}) =>
  createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl, retry: false, ...extra });

describe("addParticipant: answers", () => {
  it("resolves to the typed 200 body", async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: true }));
    await expect(clientFor(server.url).addParticipant(seed)).resolves.toEqual({ value: true });
  });

  it("returns { value: false } rather than throwing: the call went through and Z-API said it failed", async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: false }));
    await expect(clientFor(server.url).addParticipant(seed)).resolves.toEqual({ value: false });
  });

  it.each([405, 415, 400, 401, 404, 500])("turns %i into ZApiHttpError with status, parsed body and a redacted URL", async (status) => {
    const server = await startServer((_req, res) => json(res, status, { error: "null not allowed" }));
    const error = await rejection(clientFor(server.url).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiHttpError);
    expect(error).toBeInstanceOf(ZApiError);
    const http = error as ZApiHttpError;
    expect(http.status).toBe(status);
    expect(http.body).toEqual({ error: "null not allowed" });
    expect(http.url).toBe(`${server.url}/instances/inst/token/[redacted]/add-participant`);
    expect(http.message).toContain(String(status));
  });

  it("keeps a non-JSON error body as text, truncated", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(`<html>${"x".repeat(5000)}</html>`);
    });
    const error = (await rejection(clientFor(server.url).addParticipant(seed))) as ZApiHttpError;
    expect(typeof error.body).toBe("string");
    expect((error.body as string).length).toBeLessThan(2100);
    expect(error.body).toMatch(/^<html>x+… \(\d+ more characters\)$/);
  });

  it("reads Retry-After into retryAfterMs", async () => {
    const server = await startServer((_req, res) => json(res, 429, {}, { "retry-after": "7" }));
    const error = (await rejection(clientFor(server.url).addParticipant(seed))) as ZApiHttpError;
    expect(error.retryAfterMs).toBe(7000);
  });

  it.each([
    ["not JSON", "<html>ok</html>", /not JSON/],
    ["JSON of the wrong shape", '{"ok":true}', /expected Add participant result: \/value is required/],
    ["a value that is not a boolean", '{"value":"true"}', /\/value "true" must be a boolean/],
  ])("turns a 200 that is %s into ZApiResponseError", async (_name, text, message) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    const error = await rejection(clientFor(server.url).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect(error.message).toMatch(message);
    expect((error as ZApiResponseError).status).toBe(200);
  });
});

describe("addParticipant: failures below HTTP", () => {
  it("turns a refused connection into ZApiNetworkError with code and cause", async () => {
    const error = await rejection(clientFor(await refusedUrl()).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiNetworkError);
    expect((error as ZApiNetworkError).code).toBe("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("turns an expired timeout into ZApiTimeoutError, within its time", async () => {
    const server = await startServer(() => {}); // never answers
    const started = performance.now();
    const error = await rejection(clientFor(server.url, { timeoutMs: 150 }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiTimeoutError);
    expect((error as ZApiTimeoutError).timeoutMs).toBe(150);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("lets a call override the client's timeout", async () => {
    const server = await startServer(() => {});
    const error = await rejection(clientFor(server.url, { timeoutMs: 60_000 }).addParticipant(seed, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(ZApiTimeoutError);
    expect((error as ZApiTimeoutError).timeoutMs).toBe(100);
  });

  it("tells the caller's abort apart from a timeout", async () => {
    const server = await startServer(() => {});
    const controller = new AbortController();
    const pending = clientFor(server.url, { timeoutMs: 60_000 }).addParticipant(seed, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(ZApiAbortError);
    expect(error).not.toBeInstanceOf(ZApiTimeoutError);
    expect((error.cause as Error).message).toBe("user gave up");
  });

  it("rejects at once, sending nothing, when the signal is already aborted", async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: true }));
    const error = await rejection(clientFor(server.url).addParticipant(seed, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(ZApiAbortError);
    expect(server.requests).toHaveLength(0);
  });
});
