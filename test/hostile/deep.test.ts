// Issue 10, point 7: nothing the server sends is walked by recursion without a bound.
// JSON nested 100,000 levels deep ends in a typed error (never a stack overflow turned into
// a ZApiNetworkError), is never retried, and is kept only to a bounded depth.
import { describe, expect, it } from "vitest";
import { ZApiHttpError, ZApiResponseError } from "../../src/index.js";
import { MAX_KEPT_DEPTH } from "../../src/core/redact.js";
import { startServer } from "../helpers/server.js";
import { CLIENT_TOKEN, clientFor, expectNoTrace, rejection, seed, TOKEN } from "./hostile.js";

const LEVELS = 100_000;
const deepArray = (inner: string) => `${"[".repeat(LEVELS)}${inner}${"]".repeat(LEVELS)}`;
const deepObject = (inner: string) => `${'{"a":'.repeat(LEVELS)}${inner}${"}".repeat(LEVELS)}`;
// The secrets at the bottom, where no redacted copy reaches, and at the top.
const bottom = JSON.stringify(`${TOKEN} ${CLIENT_TOKEN}`);

const bodies: Record<string, string> = {
  "arrays": deepArray(bottom),
  "objects": deepObject(bottom),
  "objects under value": `{"value":${deepObject(bottom)}}`,
  "arrays under a key that echoes the token": `{${JSON.stringify(TOKEN)}:${deepArray(bottom)}}`,
  "mixed": `${'{"a":['.repeat(LEVELS / 2)}${bottom}${"]}".repeat(LEVELS / 2)}`,
};

function depthOf(value: unknown): number {
  let depth = 0;
  for (let current = value; typeof current === "object" && current !== null; depth++) {
    current = Array.isArray(current) ? current[0] : Object.values(current)[0];
  }
  return depth;
}

describe("100,000 levels of JSON", () => {
  it.each(Object.entries(bodies))("in a 200 (%s): ZApiResponseError, sent once even with retry.unsafe", async (_name, body) => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    const error = await rejection(clientFor(server.url, { retry: { attempts: 3, unsafe: true, backoffMs: 0 } }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect(server.requests).toHaveLength(1);
    // What is kept is cut at a fixed depth.
    expect(depthOf((error as ZApiResponseError).body)).toBeLessThanOrEqual(MAX_KEPT_DEPTH + 1);
    expectNoTrace(error);
  });

  it.each(Object.entries(bodies))("in a 500 (%s): ZApiHttpError, its body kept to a bounded depth", async (_name, body) => {
    const server = await startServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(body);
    });
    const error = await rejection(clientFor(server.url).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiHttpError);
    expect((error as ZApiHttpError).status).toBe(500);
    expect(depthOf((error as ZApiHttpError).body)).toBeLessThanOrEqual(MAX_KEPT_DEPTH + 1);
    expectNoTrace(error);
  });

  it("a valid 200 with a deep field the spec does not name: the result is exactly the spec's", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"value":true,"extra":${deepArray(bottom)},"more":${deepObject("1")}}`);
    });
    const result = await clientFor(server.url).addParticipant(seed);
    expect(result).toEqual({ value: true });
    expect(Object.keys(result)).toEqual(["value"]);
  });

  it.each(Object.entries(bodies))("through api (%s): a 200's data and a 500's cut error come back, nothing overflows", async (_name, body) => {
    let status = 200;
    const server = await startServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
    const ok = await clientFor(server.url).api.POST("/add-participant", { body: seed });
    expect(ok.response.status).toBe(200);
    expect(depthOf(ok.data)).toBeGreaterThanOrEqual(LEVELS / 2);
    status = 500;
    const failed = await clientFor(server.url).api.POST("/add-participant", { body: seed });
    expect(failed.response.status).toBe(500);
    // The body is over 64 KiB: api hands back the first 64 KiB, as text, redacted.
    expect(typeof failed.error).toBe("string");
    expect((failed.error as unknown as string).length).toBeLessThanOrEqual(64 * 1024);
    expectNoTrace(failed.error);
    expect(server.requests).toHaveLength(2);
  });

  it("through api, a deep error body under 64 KiB is parsed whole, redacted before parsing", async () => {
    const body = `${"[".repeat(20_000)}${bottom}${"]".repeat(20_000)}`;
    const server = await startServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(body);
    });
    const { error } = await clientFor(server.url).api.POST("/add-participant", { body: seed });
    expect(depthOf(error)).toBe(20_000);
    let bottomValue: unknown = error;
    while (Array.isArray(bottomValue)) bottomValue = bottomValue[0];
    expect(bottomValue).toBe("[redacted] [redacted]");
  });
});
