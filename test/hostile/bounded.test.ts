// Issue 10, point 5: every read is bounded, in bytes after decompression and in time,
// whatever Content-Length and Content-Encoding say and whether or not the fetch in use
// honours the abort signal.
import { beforeAll, describe, expect, it } from "vitest";
import { ZApiAbortError, ZApiError, ZApiHttpError, ZApiResponseError, ZApiTimeoutError } from "../../src/index.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../../src/core/options.js";
import { startServer } from "../helpers/server.js";
import { failOnUnhandledRejections } from "../helpers/unhandled.js";
import { bomb, canCollect, clientFor, expectNoTrace, fakeFetch, memory, rejection, seed, streamOf, TOKEN } from "./hostile.js";

const GiB = 1024;
const bombs: Record<string, { body: Buffer; contentEncoding: string }> = {};
beforeAll(async () => {
  for (const coding of ["gzip", "deflate", "br"] as const) bombs[coding] = await bomb(coding, GiB);
});

failOnUnhandledRejections();

describe("a body under 2 kB that expands to 1 GiB", () => {
  const cases = [
    ...(["gzip", "deflate", "br"] as const).flatMap((coding) => [[coding, 200, "addParticipant"], [coding, 500, "addParticipant"]] as const),
    ["gzip", 200, "api.POST"],
    ["br", 500, "api.POST"],
  ] as const;

  it.each(cases)("%s, status %i, through %s: a typed error, and memory stays flat", async (coding, status, through) => {
    const { body, contentEncoding } = bombs[coding]!;
    expect(body.byteLength).toBeLessThan(2_000);
    const server = await startServer((_req, res) => {
      // Content-Length is the compressed size, as a server sends it: nothing hints at 1 GiB.
      res.writeHead(status, { "content-type": "application/json", "content-encoding": contentEncoding, "content-length": body.byteLength });
      res.end(body);
    });
    const client = clientFor(server.url, { timeoutMs: 20_000 });
    const before = memory();
    let peak = before.rss;
    const sampler = setInterval(() => (peak = Math.max(peak, Math.round(process.memoryUsage().rss / 2 ** 20))), 2);
    let outcome: unknown;
    try {
      outcome = through === "addParticipant" ? await rejection(client.addParticipant(seed)) : await client.api.POST("/add-participant", { body: seed }).catch((error: unknown) => error);
    } finally {
      clearInterval(sampler);
    }
    const after = memory();
    console.log(
      `${coding} bomb (${body.byteLength} B -> 1 GiB), ${status}, ${through}: rss ${before.rss} -> ${after.rss} MiB (peak ${peak}), heapUsed ${before.heap} -> ${after.heap} MiB${canCollect ? " (after gc)" : " (no gc)"}`,
    );
    if (status === 200) {
      // The 2xx limit (8 MiB by default) is reached and the rest is never inflated.
      expect(outcome).toBeInstanceOf(ZApiResponseError);
      expect((outcome as Error).message).toContain(`maxResponseBytes (${DEFAULT_MAX_RESPONSE_BYTES} bytes)`);
      expect(String((outcome as ZApiResponseError).body).length).toBeLessThan(2_100);
    } else if (through === "addParticipant") {
      expect(outcome).toBeInstanceOf(ZApiHttpError);
      expect((outcome as ZApiHttpError).status).toBe(500);
      expect((outcome as ZApiHttpError).body).toMatch(/^\0{2000}… \(\d+ more characters\)$/);
    } else {
      const { error, response } = outcome as { error: unknown; response: Response };
      expect(response.status).toBe(500);
      // An error body through api is what was read: at most 64 KiB.
      expect(typeof error).toBe("string");
      expect((error as string).length).toBeLessThanOrEqual(64 * 1024);
    }
    expect(after.heap - before.heap).toBeLessThan(200);
    expect(peak - before.rss).toBeLessThan(200);
    expectNoTrace(outcome);
  }, 20_000);
});

describe("what errors keep", () => {
  // Not a timing: what stays reachable. Each error keeps 2,000 characters of a body that was
  // 8 MiB when read; five of them must not hold five bodies.
  it.skipIf(!canCollect)("errors for answers over maxResponseBytes do not keep the bodies alive", async () => {
    const { fetch } = fakeFetch(() => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(256 * 1024).fill(0x61)) }), { status: 200 }));
    const client = clientFor("https://api.z-api.io", { fetch });
    await rejection(client.addParticipant(seed));
    const before = memory();
    const errors: Error[] = [];
    for (let i = 0; i < 5; i++) errors.push(await rejection(client.addParticipant(seed)));
    const after = memory();
    console.log(`5 ZApiResponseErrors for 8 MiB answers held: heapUsed ${before.heap} -> ${after.heap} MiB`);
    expect(errors.every((error) => error instanceof ZApiResponseError && String(error.body).length < 2_100)).toBe(true);
    expect(after.heap - before.heap).toBeLessThan(8);
  });
});

describe("a fetch that ignores the abort signal", () => {
  // Each of these would hang forever without the client's own race against its timer.
  const never = () => new Promise<Response>(() => {});
  const stalling = (status: number) => () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"value":'));
        },
        // Neither more data, nor an end, nor an error: and cancelling it never settles.
        cancel: () => new Promise<void>(() => {}),
      }),
      { status, headers: { "content-length": "100" } },
    );
  const trickling = (status: number) => () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          timer = setInterval(() => controller.enqueue(new Uint8Array([0x20])), 5);
        },
        cancel: () => clearInterval(timer),
      }),
      { status },
    );
  };
  const flooding = (status: number) => () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(256 * 1024).fill(0x61));
        },
      }),
      // Lies: says the body is 10 bytes, and says it is compressed.
      { status, headers: { "content-length": "10", "content-encoding": "gzip" } },
    );

  const cases: [string, () => Response | Promise<Response>, new (...args: never[]) => ZApiError][] = [
    ["never resolves", never, ZApiTimeoutError],
    ["answers 200 with a body that stalls", stalling(200), ZApiTimeoutError],
    ["answers 500 with a body that stalls", stalling(500), ZApiTimeoutError],
    ["answers 200 with a body that trickles forever", trickling(200), ZApiTimeoutError],
    ["answers 500 with a body that trickles forever", trickling(500), ZApiTimeoutError],
    ["answers 200 with a body that floods forever", flooding(200), ZApiResponseError],
    ["answers 500 with a body that floods forever", flooding(500), ZApiHttpError],
  ];

  it.each(cases)("addParticipant: a fetch that %s ends in the right error", async (_name, answer, expected) => {
    const { fetch, calls } = fakeFetch(answer);
    const error = await rejection(clientFor("https://api.z-api.io", { fetch, timeoutMs: 40 }).addParticipant(seed));
    expect(error).toBeInstanceOf(expected);
    expect(calls).toHaveLength(1);
    if (error instanceof ZApiHttpError) expect(String(error.body).length).toBeLessThan(2_100);
    expectNoTrace(error);
  }, 5_000);

  it.each(cases)("api.POST: a fetch that %s ends in the right error, or a bounded error body", async (_name, answer, expected) => {
    const { fetch } = fakeFetch(answer);
    const outcome = await clientFor("https://api.z-api.io", { fetch, timeoutMs: 40 })
      .api.POST("/add-participant", { body: seed })
      .catch((error: unknown) => error);
    if (expected === ZApiHttpError) {
      // api hands error answers back: the body is the first 64 KiB.
      const { error, response } = outcome as { error: string; response: Response };
      expect(response.status).toBe(500);
      expect(error.length).toBe(64 * 1024);
    } else {
      expect(outcome).toBeInstanceOf(expected);
    }
    expectNoTrace(outcome);
  }, 5_000);

  // Not a ReadableStream: its reads cannot be ended by cancelling it, so each is raced.
  it.each([200, 500])("status %i with a home-made body whose reads and cancel never settle: ZApiTimeoutError", async (status) => {
    const reader = { read: () => new Promise(() => {}), cancel: () => new Promise(() => {}), releaseLock: () => {} };
    const answer = { status, statusText: "", type: "basic", redirected: false, headers: new Headers({ "content-length": "14" }), body: { getReader: () => reader } };
    const { fetch } = fakeFetch(() => answer as unknown as Response);
    expect(await rejection(clientFor("https://api.z-api.io", { fetch, timeoutMs: 40 }).addParticipant(seed))).toBeInstanceOf(ZApiTimeoutError);
  }, 5_000);

  it("the caller's signal ends the call too, although the fetch never looks at it", async () => {
    const { fetch } = fakeFetch(stalling(200));
    const controller = new AbortController();
    const call = clientFor("https://api.z-api.io", { fetch, timeoutMs: 60_000 }).addParticipant(seed, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error(`stop ${TOKEN}`)), 20);
    const error = await rejection(call);
    expect(error).toBeInstanceOf(ZApiAbortError);
  }, 5_000);

  it("a fetch that ignores the signal is not retried into a hang: every attempt has its own bound", async () => {
    const { fetch, calls } = fakeFetch(never);
    const client = clientFor("https://api.z-api.io", { fetch, timeoutMs: 30, retry: { attempts: 3, unsafe: true, backoffMs: 0 } });
    expect(await rejection(client.addParticipant(seed))).toBeInstanceOf(ZApiTimeoutError);
    expect(calls).toHaveLength(3);
  }, 5_000);
});

describe("a real server that never finishes", () => {
  it.each([200, 500])("status %i, headers sent, then one byte at a time forever: ZApiTimeoutError", async (status) => {
    const server = await startServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json", "content-length": "1000000" });
      const timer = setInterval(() => res.write(" "), 5);
      res.on("close", () => clearInterval(timer));
    });
    expect(await rejection(clientFor(server.url, { timeoutMs: 60 }).addParticipant(seed))).toBeInstanceOf(ZApiTimeoutError);
  }, 5_000);

  it("an endless chunked 200 with no Content-Length: ZApiResponseError at maxResponseBytes", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const error = await rejection(clientFor(server.url, { maxResponseBytes: 1024 * 1024 }).addParticipant(seed));
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect(error.message).toContain("maxResponseBytes (1048576 bytes)");
  }, 5_000);
});
