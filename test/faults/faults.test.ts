import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  createZApiClient,
  ZApiError,
  ZApiHttpError,
  ZApiNetworkError,
  ZApiResponseError,
  ZApiTimeoutError,
  type RetryOptions,
} from "../../src/index.js";
import { CLIENT_TOKEN, expectNoSecret, rejection, TOKEN } from "../helpers/secrets.js";
import { failOnUnhandledRejections } from "../helpers/unhandled.js";
import { json, refusedUrl, startServer } from "../helpers/server.js";

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] };
const TIMEOUT_MS = 300;

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;
interface Fault {
  handler: Handler;
  expected: new (...args: never[]) => ZApiError;
  retry?: RetryOptions | false;
  check?: (error: ZApiError, attempts: number) => void;
}

const faults: Record<string, Fault> = {
  "headers that never come": { handler: () => {}, expected: ZApiTimeoutError },
  "a body that stalls halfway": {
    handler: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"value":');
    },
    expected: ZApiTimeoutError,
  },
  "a connection reset mid-response": {
    handler: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"value":', () => res.socket?.resetAndDestroy());
    },
    expected: ZApiNetworkError,
    check: (_error, attempts) => expect(attempts).toBe(1),
  },
  "500 with an HTML page that echoes the request URL": {
    handler: (req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end(`<html><body><h1>Internal Server Error</h1><p>Cannot POST ${req.url}</p></body></html>`);
    },
    expected: ZApiHttpError,
    check: (error) => {
      expect((error as ZApiHttpError).status).toBe(500);
      expect((error as ZApiHttpError).body).toContain("Cannot POST /instances/inst/token/[redacted]/add-participant");
    },
  },
  "200 that is not JSON": { handler: (_req, res) => void res.end("<html>OK</html>"), expected: ZApiResponseError },
  "200 JSON of the wrong shape": { handler: (_req, res) => json(res, 200, { success: true }), expected: ZApiResponseError },
  "429 with Retry-After in seconds": {
    handler: (_req, res) => json(res, 429, { error: "slow down" }, { "retry-after": "0" }),
    expected: ZApiHttpError,
    retry: { attempts: 3, maxRetryAfterMs: 50 },
    check: (error, attempts) => {
      expect((error as ZApiHttpError).status).toBe(429);
      expect(attempts).toBe(3);
    },
  },
  "429 with Retry-After as an HTTP date": {
    handler: (_req, res) => json(res, 429, {}, { "retry-after": new Date(Date.now() + 2_000).toUTCString() }),
    expected: ZApiHttpError,
    retry: { attempts: 2, maxRetryAfterMs: 50 },
    check: (error, attempts) => {
      expect((error as ZApiHttpError).retryAfterMs).toBeGreaterThan(0);
      expect(attempts).toBe(2);
    },
  },
  "503": {
    handler: (_req, res) => json(res, 503, { error: "unavailable" }),
    expected: ZApiHttpError,
    check: (error, attempts) => {
      expect((error as ZApiHttpError).status).toBe(503);
      expect(attempts).toBe(1); // no Retry-After: it may have been carried out
    },
  },
  "a 10 MB error body": {
    handler: (_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("E".repeat(10 * 1024 * 1024));
    },
    expected: ZApiHttpError,
    check: (error) => expect(String((error as ZApiHttpError).body).length).toBeLessThanOrEqual(2_100),
  },
};

failOnUnhandledRejections();

describe("faults from a local server end in the right error, in time, with no secret", () => {
  it.each(Object.entries(faults))("%s", async (_name, fault) => {
    const server = await startServer(fault.handler);
    const client = createZApiClient({
      instanceId: "inst",
      token: TOKEN,
      clientToken: CLIENT_TOKEN,
      baseUrl: server.url,
      timeoutMs: TIMEOUT_MS,
      retry: fault.retry ?? { attempts: 3, backoffMs: 5 },
    });
    const started = performance.now();
    const error = (await rejection(client.addParticipant(seed))) as ZApiError;
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(fault.expected);
    expect(error).toBeInstanceOf(ZApiError);
    // Each attempt is bounded by its timeout; generous slack for a shared, noisy machine.
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 3 + 3_000);
    fault.check?.(error, server.requests.length);
    expectNoSecret(error);
  });

  it("connection refused", async () => {
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, clientToken: CLIENT_TOKEN, baseUrl: await refusedUrl(), retry: { attempts: 2, backoffMs: 5 } });
    const error = await rejection(client.addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiNetworkError);
    expect((error as ZApiNetworkError).code).toBe("ECONNREFUSED");
    expectNoSecret(error);
  });
});
