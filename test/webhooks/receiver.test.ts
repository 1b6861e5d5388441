// The receiver against someone trying to wear it down, its node:http path, and what it
// tells onRejected and the log. test/webhooks/handler.test.ts has its everyday answers.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createWebhookHandler, parseWebhook, toNodeListener, ZApiError, ZApiValidationError, type WebhookEvent, type WebhookHandlerOptions } from "../../src/index.js";
import { DeliveryMemory, entryBytes } from "../../src/webhooks/memory.js";
import { secretsIn } from "../../src/webhooks/receiver.js";
import { serveListener } from "../helpers/server.js";
import { webhookExamples } from "../helpers/spec.js";

const SECRET = "whsec-0123456789abcdef";
const examples = webhookExamples("onMessageReceived");
const approval = examples.find(([name]) => name === "membershipApprovalRequestInviteLink")![1] as Record<string, unknown>;
const url = (secret = SECRET) => `https://example.test/zapi/events?secret=${secret}`;
const post = (body: string, secret = SECRET) => new Request(url(secret), { method: "POST", body, headers: { "content-type": "application/json" } });
const delivery = (messageId: string) => JSON.stringify({ ...approval, messageId });
/** A POST whose body streams in `count` chunks of `size` bytes, with no Content-Length. */
const chunked = (count: number, size: number) => {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < count) controller.enqueue(new TextEncoder().encode("p".repeat(size)));
      else controller.close();
    },
  });
  return new Request(url(), { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
};

/** A logger that keeps every line, by level. */
function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, logger: { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") } };
}

/** One request with node's own client (not fetch): status, headers and body. */
function nodePost(port: number, path: string, body: string, method = "POST") {
  return new Promise<{ status: number; headers: IncomingMessage["headers"]; text: string }>((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port, path, method, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (incoming) => {
      let text = "";
      incoming.setEncoding("utf8");
      incoming.on("data", (chunk: string) => (text += chunk));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text }));
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("toNodeListener(createWebhookHandler(…)): node's own events, the same rules", () => {
  const cases: [string, string, string, string][] = [
    ["a valid delivery", "POST", `/zapi/events?secret=${SECRET}`, delivery("node-path-1")],
    ["a wrong secret", "POST", "/zapi/events?secret=wrong-secret-0123456789", delivery("node-path-2")],
    ["no secret", "POST", "/zapi/events", delivery("node-path-3")],
    ["a GET", "GET", `/zapi/events?secret=${SECRET}`, ""],
    ["a body over the limit", "POST", `/zapi/events?secret=${SECRET}`, JSON.stringify({ ...approval, padding: "x".repeat(300 * 1024) })],
    ["not JSON", "POST", `/zapi/events?secret=${SECRET}`, "{not json"],
    ["an invalid delivery", "POST", `/zapi/events?secret=${SECRET}`, JSON.stringify({ ...approval, requestMethod: "by_magic" })],
  ];

  it.each(cases)("answers %s as the web-standard handler does, and makes no Request or Response", async (_name, method, path, body) => {
    const web = createWebhookHandler({ secret: SECRET, onEvent: () => {} });
    const expected = await web(new Request(`http://127.0.0.1${path}`, { method, ...(method === "GET" ? {} : { body }) }));
    const expectedText = await expected.text();
    const port = await serveListener(toNodeListener(createWebhookHandler({ secret: SECRET, onEvent: () => {} })));
    // Made only now: the web-standard answer above needed them.
    const forbidden = () => {
      throw new Error("the node path made a web Request or Response");
    };
    vi.stubGlobal("Request", forbidden);
    vi.stubGlobal("Response", forbidden);
    onTestFinished(() => void vi.unstubAllGlobals());
    const got = await nodePost(port, path, body, method);
    expect(got.status).toBe(expected.status);
    expect(got.text).toBe(expectedText);
    for (const name of ["content-type", "allow"]) expect(got.headers[name] ?? null).toBe(expected.headers.get(name));
  });

  it("keeps the connection open after a delivery whose body was read whole, and closes it after a refusal made before", async () => {
    const port = await serveListener(toNodeListener(createWebhookHandler({ secret: SECRET, onEvent: () => {} })));
    expect((await nodePost(port, `/?secret=${SECRET}`, delivery("keep-alive-1"))).headers["connection"]).toBe("keep-alive");
    expect((await nodePost(port, "/?secret=wrong-secret-0123456789", delivery("keep-alive-2"))).headers["connection"]).toBe("close");
  });

  it("still serves any other (request: Request) => Promise<Response> handler through a Request", async () => {
    const port = await serveListener(toNodeListener(async (request) => new Response(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`, { status: 200 })));
    const got = await nodePost(port, "/any/path?x=1", "hello");
    expect({ status: got.status, text: got.text }).toEqual({ status: 200, text: "POST /any/path hello" });
  });
});

describe("a receiver that can't be worn down", () => {
  it("bounds the remembered messageIds in bytes: 250,000-character ids are forgotten long before 10,000 of them", async () => {
    const events: WebhookEvent[] = [];
    const handler = createWebhookHandler({ secret: SECRET, onEvent: (event) => void events.push(event) });
    const long = (n: number) => `${n}-`.padEnd(250_000, "x");
    for (let n = 0; n < 20; n++) expect((await handler(post(delivery(long(n))))).status).toBe(204);
    expect(events).toHaveLength(20);
    // The default 4 MiB holds 8 of them: the first is forgotten, the last is not.
    await handler(post(delivery(long(0))));
    await handler(post(delivery(long(19))));
    expect(events).toHaveLength(21);
    expect(events[20]?.messageId).toBe(long(0));
  });

  it("holds a few MiB, not hundreds, for 100 such ids (about 24 MiB were kept before)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const handler = createWebhookHandler({ secret: SECRET, onEvent: () => {} });
    await handler(post(delivery("warm-up")));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let n = 0; n < 100; n++) await handler(post(delivery(`${n}-`.padEnd(250_000, "y"))));
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(kept).toBeLessThan(12 * 1024 * 1024);
    void handler;
  });

  it("never evicts a delivery whose onEvent is still running: its repeat waits for it, and onEvent runs once", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onEvent: async (event) => {
        calls.push(String(event.messageId));
        if (event.messageId === "slow-one") await held;
      },
    });
    const first = handler(post(delivery("slow-one")));
    await vi.waitFor(() => expect(calls).toEqual(["slow-one"]));
    // 10,001 other deliveries: more than the store holds, so the oldest are dropped.
    for (let n = 0; n <= 10_000; n++) await handler(post(delivery(`filler-${n}`)));
    const repeat = handler(post(delivery("slow-one")));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.filter((id) => id === "slow-one")).toHaveLength(1);
    release();
    expect([(await first).status, (await repeat).status]).toEqual([204, 204]);
    expect(calls.filter((id) => id === "slow-one")).toHaveLength(1);
  }, 60_000);

  it("answers 408 to a body that trickles in past the read deadline (web-standard handler)", async () => {
    const onRejected = vi.fn();
    const onEvent = vi.fn();
    const handler = createWebhookHandler({ secret: SECRET, onEvent, onRejected, readTimeoutMs: 200 });
    let cancelled = false;
    const trickle = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"notification":'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const started = performance.now();
    const response = await handler(new Request(url(), { method: "POST", body: trickle, duplex: "half" } as RequestInit));
    expect(response.status).toBe(408);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(cancelled).toBe(true);
    expect(onEvent).not.toHaveBeenCalled();
    expect(onRejected).toHaveBeenCalledWith({ status: 408, reason: "read deadline" });
  });

  it("answers 408 and closes the connection when a body trickles in over node:http", async () => {
    const onRejected = vi.fn();
    const port = await serveListener(toNodeListener(createWebhookHandler({ secret: SECRET, onEvent: () => {}, onRejected, readTimeoutMs: 300 })));
    const socket = connect(port, "127.0.0.1");
    onTestFinished(() => void socket.destroy());
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    socket.write(`POST /zapi/events?secret=${SECRET} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    // One byte every 50 ms: it would take 50 s to arrive.
    const drip = setInterval(() => socket.writable && socket.write(" "), 50);
    onTestFinished(() => clearInterval(drip));
    const started = performance.now();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received.toLowerCase()).toContain("connection: close");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(onRejected).toHaveBeenCalledWith({ status: 408, reason: "read deadline" });
  });

  it("gives onEvent a time limit: 503 once it passes, its signal aborted; a repeat meanwhile does not run it again", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const signals: AbortSignal[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      eventTimeoutMs: 100,
      onEvent: async (_event, { signal }) => {
        signals.push(signal);
        await held;
      },
    });
    const started = performance.now();
    const first = await handler(post(delivery("too-slow")));
    expect(first.status).toBe(503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(await first.text()).not.toContain("too-slow");
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    // Still running: the repeat waits its own limit, and onEvent is not called again.
    expect((await handler(post(delivery("too-slow")))).status).toBe(503);
    expect(signals).toHaveLength(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // It succeeded in the end: a later repeat is a repeat.
    expect((await handler(post(delivery("too-slow")))).status).toBe(204);
    expect(signals).toHaveLength(1);
  });

  it("gives each delivery a signal of its own, aborted only by the time limit, even when read late", async () => {
    const signals: AbortSignal[] = [];
    const free = createWebhookHandler({ secret: SECRET, onEvent: (_event, { signal }) => void signals.push(signal) });
    await free(post(delivery("own-1")));
    await free(post(delivery("own-2")));
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals.map((signal) => signal.aborted)).toEqual([false, false]);
    let late: AbortSignal | undefined;
    const limited = createWebhookHandler({
      secret: SECRET,
      eventTimeoutMs: 30,
      onEvent: async (_event, context) => {
        await new Promise((resolve) => setTimeout(resolve, 80));
        late = context.signal;
      },
    });
    expect((await limited(post(delivery("late-reader")))).status).toBe(503);
    await vi.waitFor(() => expect(late?.aborted).toBe(true));
    expect(String(late?.reason)).toContain("onEvent did not finish within 30 ms");
  });

  const options: [keyof WebhookHandlerOptions][] = [
    ["onEvent"],
    ["onError"],
    ["onRejected"],
    ["maxBodyBytes"],
    ["readTimeoutMs"],
    ["eventTimeoutMs"],
    ["dedupeWindowMs"],
    ["dedupeMaxBytes"],
    ["logLevel"],
    ["logger"],
  ];
  it.each(options)("refuses the secret passed as %s without showing it", (name) => {
    let error: unknown;
    try {
      createWebhookHandler({ secret: SECRET, onEvent: () => {}, [name]: SECRET } as WebhookHandlerOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZApiError);
    const message = (error as Error).message;
    expect(message).toContain(`\`${name}\``);
    expect(message).not.toContain(SECRET.slice(0, 8));
    expect(message).not.toContain(SECRET.slice(-8));
  });
});

describe("the dedupe store", () => {
  it("drops the oldest in constant steps, by count and by bytes, and never what is running", async () => {
    const memory = new DeliveryMemory(60_000, 3, entryBytes("x".repeat(10)) * 5);
    const running = new Promise<boolean>(() => {});
    expect(memory.find("running", 0)).toBeUndefined();
    memory.start("running", running);
    for (const id of ["a", "b", "c", "d"]) memory.remember(id, 0);
    expect(["a", "b", "c", "d"].map((id) => memory.find(id, 1))).toEqual([undefined, true, true, true]);
    // An id of 5,000 characters is over the bytes alone: the short ones go first, then it.
    memory.remember("L1".padEnd(5_000, "-"), 0);
    memory.remember("L2".padEnd(5_000, "-"), 0);
    expect(memory.size.remembered).toBe(0);
    expect(memory.find("running", 1)).toBe(running);
    expect(memory.size).toEqual({ remembered: 0, running: 1, bytes: 0 });
  });

  it("forgets what expired, and a failed delivery at once", async () => {
    const memory = new DeliveryMemory(1_000, 10_000, Infinity);
    memory.remember("old", 0);
    memory.remember("new", 500);
    expect([memory.find("old", 1_000), memory.find("new", 1_000)]).toEqual([undefined, true]);
    const failing = Promise.resolve(false);
    memory.start("failed", failing);
    memory.settle("failed", failing, false, 1_000);
    expect(memory.find("failed", 1_000)).toBeUndefined();
    expect(memory.size.remembered).toBe(1);
  });
});

describe("onRejected and the log", () => {
  const refusals: [string, () => Request, number, string | RegExp][] = [
    ["a GET", () => new Request(url(), { method: "GET" }), 405, "method"],
    ["a wrong secret", () => post(delivery("r1"), "wrong-secret-0123456789"), 401, "wrong secret"],
    ["a declared length over the limit", () => post(JSON.stringify({ ...approval, pad: "p".repeat(300 * 1024) })), 413, "too large"],
    ["a chunked body over the limit, with no declared length", () => chunked(300, 1024), 413, "too large"],
    ["not JSON", () => post(`{"messageId": "${SECRET}", oops`), 400, "not JSON"],
    ["a field that breaks its rule", () => post(JSON.stringify({ ...approval, requestMethod: "by_magic" })), 400, /^the delivery must match exactly one of .*\(Join request: \/requestMethod must be one of "invite_link", "non_admin_add" \|/],
    ["a made-up field nested too deep", () => post(JSON.stringify({ ...approval, ["LEAK-KEY"]: JSON.parse(`${'{"LEAK-KEY":'.repeat(40)}1${"}".repeat(40)}`) })), 400, /^\/\*\/\*\/.* nests deeper than 32 levels/],
  ];

  it.each(refusals)("tells onRejected why %s was refused, and logs it at info", async (_name, request, status, reason) => {
    const onRejected = vi.fn();
    const { lines, logger } = recordingLogger();
    const handler = createWebhookHandler({ secret: SECRET, onEvent: () => {}, onRejected, logger, logLevel: "info" });
    expect((await handler(request())).status).toBe(status);
    expect(onRejected).toHaveBeenCalledOnce();
    const [{ status: told, reason: why }] = onRejected.mock.calls[0] as [{ status: number; reason: string }];
    expect(told).toBe(status);
    expect(why).toMatch(reason);
    expect(lines).toEqual([{ level: "info", message: "zapi-client webhook: delivery refused", fields: { status, reason: why } }]);
    for (const leak of [SECRET, "by_magic", "LEAK-KEY", "oops"]) expect(JSON.stringify(lines)).not.toContain(leak);
  });

  it("names the field and the rule exactly as parseWebhook does for the same body, values left out", async () => {
    const body = { ...approval, requestMethod: "by_magic" };
    const onRejected = vi.fn();
    await createWebhookHandler({ secret: SECRET, onEvent: () => {}, onRejected })(post(JSON.stringify(body)));
    const thrown = (() => {
      try {
        parseWebhook(body);
      } catch (error) {
        return error as ZApiValidationError;
      }
      throw new Error("parseWebhook took a delivery the handler refused");
    })();
    const [first] = thrown.problems;
    const named = `${first!.path || "the delivery"} ${first!.message}`;
    const more = thrown.problemCount > 1 ? ` (and ${thrown.problemCount - 1} more)` : "";
    // A oneOf's reason lists every form's problem, cut at 600 characters.
    const { reason } = onRejected.mock.calls[0]![0] as { reason: string };
    expect(reason).toBe(named.length > 600 ? `${named.slice(0, 597)}...${more}` : `${named}${more}`);
    expect(reason).toContain('/requestMethod must be one of "invite_link", "non_admin_add"');
    expect(JSON.stringify(onRejected.mock.calls)).not.toContain("by_magic");
  });

  it("logs through console by default: an onEvent that failed reaches console.warn", async () => {
    vi.stubEnv("ZAPI_LOG", "");
    onTestFinished(() => void vi.unstubAllEnvs());
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    onTestFinished(() => warn.mockRestore());
    const handler = createWebhookHandler({ secret: SECRET, onEvent: () => Promise.reject(new Error("db down")) });
    expect((await handler(post(delivery("console-default")))).status).toBe(500);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]![0])).toContain("zapi-client webhook");
  });

  it("logs nothing of a refusal at the default level, so forged deliveries stay out of the logs", async () => {
    vi.stubEnv("ZAPI_LOG", "");
    onTestFinished(() => void vi.unstubAllEnvs());
    const { lines, logger } = recordingLogger();
    const handler = createWebhookHandler({ secret: SECRET, onEvent: () => {}, logger });
    for (let n = 0; n < 20; n++) expect((await handler(post(delivery(`f${n}`), "forged-secret-0123456789"))).status).toBe(401);
    expect(lines).toEqual([]);
  });

  it("takes its level from ZAPI_LOG when the option is not given, and the option over it", async () => {
    vi.stubEnv("ZAPI_LOG", "info");
    onTestFinished(() => void vi.unstubAllEnvs());
    const fromVariable = recordingLogger();
    await createWebhookHandler({ secret: SECRET, onEvent: () => {}, logger: fromVariable.logger })(post("{}", "forged-secret-0123456789"));
    expect(fromVariable.lines.map((line) => line.level)).toEqual(["info"]);
    const fromOption = recordingLogger();
    await createWebhookHandler({ secret: SECRET, onEvent: () => {}, logger: fromOption.logger, logLevel: "warn" })(post("{}", "forged-secret-0123456789"));
    expect(fromOption.lines).toEqual([]);
  });

  it("logs an onEvent that failed or ran out of time at warn, without what it threw; debug says what was accepted", async () => {
    const { lines, logger } = recordingLogger();
    const handler = createWebhookHandler({
      secret: SECRET,
      logger,
      logLevel: "debug",
      eventTimeoutMs: 50,
      onEvent: async (event) => {
        if (event.messageId === "fails") throw new Error(`db down while storing ${SECRET}`);
        if (event.messageId === "hangs") await new Promise((resolve) => setTimeout(resolve, 200));
      },
    });
    expect((await handler(post(delivery("fails")))).status).toBe(500);
    expect((await handler(post(delivery("hangs")))).status).toBe(503);
    expect((await handler(post(delivery("works")))).status).toBe(204);
    expect((await handler(post(delivery("works")))).status).toBe(204);
    expect(lines.map(({ level, fields }) => [level, fields])).toEqual([
      ["warn", { status: 500, duplicate: false }],
      ["warn", { status: 503, duplicate: false }],
      ["debug", { status: 204, duplicate: false }],
      ["debug", { status: 204, duplicate: true }],
    ]);
    expect(lines[0]?.message).toContain("pass onError to see why");
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect(JSON.stringify(lines)).not.toContain("db down");
  });

  it("never tells onRejected or the log the secret or a value of the delivery (fast-check)", async () => {
    const seed = Number(process.env["FC_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`refusal reasons property: seed ${seed} (reproduce with FC_SEED=${seed})`);
    const MARK = "Mk7Leak";
    // Deliveries built to break the schema, with the mark in every key and value they make up.
    const marked = fc.string({ maxLength: 6 }).map((s) => `${MARK}${s}`);
    const value = fc.oneof(marked, fc.integer(), fc.constant(null), fc.array(marked, { maxLength: 3 }), fc.dictionary(marked, marked, { maxKeys: 2 }));
    const field = fc.constantFrom("notification", "requestMethod", "messageId", "phone", "momment", "isGroup", "notificationParameters", "chatName");
    const body = fc.oneof(
      fc.record({ base: fc.constantFrom(...examples.map(([, v]) => v as Record<string, unknown>)), field, value, extra: marked }).map(({ base, field, value, extra }) => JSON.stringify({ ...base, [field]: value, [extra]: value })),
      fc.tuple(marked, fc.integer({ min: 30, max: 60 })).map(([key, depth]) => `{${`"${key}":{`.repeat(depth)}${"}".repeat(depth)}}`),
      marked.map((text) => `{"${text}": ${text}}`),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (text, wrongSecret) => {
        const told: unknown[] = [];
        const { lines, logger } = recordingLogger();
        const handler = createWebhookHandler({ secret: SECRET, onEvent: () => {}, onRejected: (rejection) => void told.push(rejection), logger, logLevel: "debug" });
        const given = wrongSecret ? `${MARK}-0123456789abcdef` : SECRET;
        const response = await handler(post(text, given));
        const shown = JSON.stringify([told, lines, await response.text(), [...response.headers]]);
        expect(shown).not.toContain(MARK);
        expect(shown).not.toContain(SECRET);
      }),
      { numRuns: 200, seed },
    );
  });
});

describe("the secret in the query", () => {
  it("is read as a URL's searchParams reads it, escapes and all (fast-check)", () => {
    const part = fc.oneof(fc.constantFrom("secret", "secret=", "secret=abc", "=secret", "?secret", "secrets=x", "se%63ret=y", "secret=a+b", "secret=%41", "&", "&&", "?", "x=1", "secret=" + SECRET), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        // As a request target holds it: no "#" (the fragment is cut before), no space or
        // control character (the URL parser drops them; an HTTP parser refuses them).
        const query = parts.join("").replace(/[#\u0000-\u0020\u007f]/g, "");
        expect(secretsIn(query)).toEqual(new URL(`http://x/?${query}`).searchParams.getAll("secret"));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ["/?secret=S", 204],
    ["/??secret=S", 401],
    ["/?x=1&secret=S#fragment", 204],
    ["/?se%63ret=S", 204],
    ["/?secret=S&secret=S", 401],
    ["/?secret=S%20", 401],
  ])("reads %s as the URL would", async (target, status) => {
    const handler = createWebhookHandler({ secret: SECRET, onEvent: () => {} });
    const response = await handler(new Request(`http://127.0.0.1${target.replaceAll("S", SECRET)}`, { method: "POST", body: delivery(`target-${target}`) }));
    expect(response.status).toBe(status);
  });
});
