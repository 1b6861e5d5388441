import { describe, expect, it } from "vitest";
import { createZApiClient, ZApiAbortError, ZApiHttpError, ZApiNetworkError, ZApiTimeoutError, type RetryOptions } from "../../src/index.js";
import { parseRetryAfter } from "../../src/core/retry.js";
import { rejection } from "../helpers/secrets.js";
import { json, refusedUrl, startServer } from "../helpers/server.js";

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] };
const fast: RetryOptions = { attempts: 3, backoffMs: 5, maxRetryAfterMs: 2_000 };
const clientFor = (baseUrl: string, retry: RetryOptions | false = fast, timeoutMs = 5_000) =>
  createZApiClient({ instanceId: "i", token: "t", baseUrl, retry, timeoutMs });

describe("retries only where the call cannot have been carried out", () => {
  it("retries 429 with Retry-After in seconds, then succeeds", async () => {
    const server = await startServer((_req, res, attempt) =>
      attempt === 1 ? json(res, 429, {}, { "retry-after": "0" }) : json(res, 200, { value: true }),
    );
    await expect(clientFor(server.url).addParticipant(seed)).resolves.toEqual({ value: true });
    expect(server.requests).toHaveLength(2);
  });

  it("retries 503 with Retry-After as an HTTP date", async () => {
    const server = await startServer((_req, res, attempt) =>
      attempt < 3 ? json(res, 503, {}, { "retry-after": new Date(Date.now() + 1000).toUTCString() }) : json(res, 200, { value: true }),
    );
    await expect(clientFor(server.url).addParticipant(seed)).resolves.toEqual({ value: true });
    expect(server.requests).toHaveLength(3);
  });

  it("waits no longer than maxRetryAfterMs, whatever Retry-After says", async () => {
    const server = await startServer((_req, res, attempt) =>
      attempt === 1 ? json(res, 429, {}, { "retry-after": "3600" }) : json(res, 200, { value: true }),
    );
    const started = performance.now();
    await clientFor(server.url, { ...fast, maxRetryAfterMs: 50 }).addParticipant(seed);
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("stops after `attempts` and throws the last error", async () => {
    const server = await startServer((_req, res) => json(res, 429, {}, { "retry-after": "0" }));
    const error = await rejection(clientFor(server.url).addParticipant(seed));
    expect((error as ZApiHttpError).status).toBe(429);
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    ["429 without Retry-After", 429, {}],
    ["503 without Retry-After", 503, {}],
    ["500", 500, { "retry-after": "0" }],
    ["400", 400, {}],
  ])("does not retry %s by default", async (_name, status, headers) => {
    const server = await startServer((_req, res) => json(res, status, {}, headers));
    await expect(clientFor(server.url).addParticipant(seed)).rejects.toBeInstanceOf(ZApiHttpError);
    expect(server.requests).toHaveLength(1);
  });

  it("a GET that changes something (acceptGroupInvite joins a group) is not retried like the GETs that only read", async () => {
    const server = await startServer((_req, res) => json(res, 502, {}));
    const url = "https://chat.whatsapp.com/C1adgkdEGki7554BWDdMkd";
    await expect(clientFor(server.url).acceptGroupInvite({ url })).rejects.toBeInstanceOf(ZApiHttpError);
    expect(server.requests.map((request) => request.method)).toEqual(["GET"]);
    server.requests.length = 0;
    await expect(clientFor(server.url).getGroupInvitationMetadata({ url })).rejects.toBeInstanceOf(ZApiHttpError);
    expect(server.requests.map((request) => request.method)).toEqual(["GET", "GET", "GET"]);
  });

  it("does not retry after a timeout by default: the call may have been carried out", async () => {
    const server = await startServer(() => {});
    await expect(clientFor(server.url, fast, 500).addParticipant(seed)).rejects.toBeInstanceOf(ZApiTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a connection dropped mid-request by default", async () => {
    const server = await startServer((_req, res) => void res.socket?.destroy());
    await expect(clientFor(server.url).addParticipant(seed)).rejects.toBeInstanceOf(ZApiNetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries timeouts and dropped connections when retry.unsafe is set", async () => {
    const server = await startServer((_req, res, attempt) => {
      if (attempt === 1) return; // times out
      if (attempt === 2) return void res.socket?.destroy();
      json(res, 200, { value: true });
    });
    await expect(clientFor(server.url, { ...fast, unsafe: true }, 150).addParticipant(seed)).resolves.toEqual({ value: true });
    expect(server.requests).toHaveLength(3);
  });

  it("retries a refused connection, which sent nothing, with backoff", async () => {
    const url = await refusedUrl();
    let calls = 0;
    const fetch = ((input: string, init: RequestInit) => {
      calls++;
      return globalThis.fetch(input, init);
    }) as typeof globalThis.fetch;
    const client = createZApiClient({ instanceId: "i", token: "t", baseUrl: url, retry: fast, fetch });
    const error = await rejection(client.addParticipant(seed));
    expect((error as ZApiNetworkError).code).toBe("ECONNREFUSED");
    expect(calls).toBe(3);
  });

  it("makes one attempt with retry: false", async () => {
    const server = await startServer((_req, res) => json(res, 429, {}, { "retry-after": "0" }));
    await expect(clientFor(server.url, false).addParticipant(seed)).rejects.toBeInstanceOf(ZApiHttpError);
    expect(server.requests).toHaveLength(1);
  });

  it("lets the caller abort the wait between retries", async () => {
    const server = await startServer((_req, res) => json(res, 503, {}, { "retry-after": "60" }));
    const controller = new AbortController();
    const pending = clientFor(server.url, { ...fast, maxRetryAfterMs: 60_000 }).addParticipant(seed, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(pending).rejects.toBeInstanceOf(ZApiAbortError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it.each([
    ["120", 120_000],
    [" 0 ", 0],
    ["Tue, 24 Nov 2026 12:00:30 GMT", 30_000],
    ["Tue, 24 Nov 2026 11:00:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
    ["1.5", undefined],
  ])("%j → %s ms", (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
  it("is undefined without the header", () => expect(parseRetryAfter(null, now)).toBeUndefined());
});
