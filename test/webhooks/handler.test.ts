import fc from "fast-check";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createWebhookHandler, parseWebhook, toNodeListener, ZApiError, type WebhookEvent } from "../../src/index.js";
import { serveListener } from "../helpers/server.js";
import { webhookExamples } from "../helpers/spec.js";

const SECRET = "whsec-0123456789abcdef";
// null: no secret parameter at all.
const url = (secret: string | null = SECRET) => `https://example.test/zapi/events${secret === null ? "" : `?secret=${encodeURIComponent(secret)}`}`;
const post = (body: string, secret: string | null = SECRET, headers: Record<string, string> = {}) =>
  new Request(url(secret), { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
const examples = webhookExamples("onMessageReceived");
const approval = examples.find(([name]) => name === "membershipApprovalRequestInviteLink")![1] as Record<string, unknown>;

function handlerWith(onEvent: (event: WebhookEvent) => void | Promise<void> = () => {}) {
  const events: WebhookEvent[] = [];
  const handler = createWebhookHandler({
    secret: SECRET,
    onEvent: async (event) => {
      events.push(event);
      await onEvent(event);
    },
  });
  return { handler, events };
}

/** The handler behind node:http, on 127.0.0.1 and a free port, closed when the test ends. */
async function serveOverHttp(handler: (request: Request) => Promise<Response>) {
  return `http://127.0.0.1:${await serveListener(toNodeListener(handler))}`;
}

describe("createWebhookHandler, behind node:http", () => {
  it("takes every example delivery the spec documents, each reaching onEvent once, checked and typed", async () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const { handler, events } = handlerWith();
    const base = await serveOverHttp(handler);
    for (const [name, value] of examples) {
      const response = await fetch(`${base}/zapi/events?secret=${SECRET}`, { method: "POST", body: JSON.stringify(value), headers: { "content-type": "application/json" } });
      expect(response.status, name).toBe(204);
      expect(await response.text()).toBe("");
    }
    expect(events).toHaveLength(new Set(examples.map(([, value]) => (value as { messageId?: string }).messageId ?? Math.random())).size);
    expect(events.map((event) => String(event.notification))).toContain("MEMBERSHIP_APPROVAL_REQUEST");
  });

  it("answers a wrong secret 401, a wrong method 405 and an oversize body 413 over HTTP, without calling onEvent", async () => {
    const { handler, events } = handlerWith();
    const base = await serveOverHttp(handler);
    const body = JSON.stringify(approval);
    expect((await fetch(`${base}/?secret=wrong-secret-0123456789`, { method: "POST", body })).status).toBe(401);
    expect((await fetch(`${base}/?secret=${SECRET}`, { method: "GET" })).status).toBe(405);
    expect((await fetch(`${base}/?secret=${SECRET}`, { method: "POST", body: "x".repeat(300 * 1024) })).status).toBe(413);
    expect(events).toEqual([]);
  });
});

describe("createWebhookHandler: who may deliver", () => {
  it.each([
    ["no secret", null],
    ["a wrong secret", "whsec-0123456789abcdeX"],
    ["a prefix of the secret", SECRET.slice(0, -1)],
    ["the secret twice", `${SECRET}&secret=${SECRET}`],
    ["an empty secret", ""],
  ])("answers %s with 401 and never calls onEvent", async (_name, secret) => {
    const { handler, events } = handlerWith();
    const request = secret?.includes("&") ? new Request(`${url()}&secret=${SECRET}`, { method: "POST", body: JSON.stringify(approval) }) : post(JSON.stringify(approval), secret);
    const response = await handler(request);
    expect(response.status).toBe(401);
    expect(events).toEqual([]);
    const shown = `${await response.text()} ${JSON.stringify([...response.headers])}`;
    expect(shown).not.toContain(SECRET);
  });

  it.each(["GET", "PUT", "DELETE", "PATCH"])("answers %s with 405 and Allow: POST", async (method) => {
    const { handler, events } = handlerWith();
    const response = await handler(new Request(url(), { method, ...(method === "GET" ? {} : { body: JSON.stringify(approval) }) }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(events).toEqual([]);
  });

  it("refuses a short or unsafe secret when the handler is created, without echoing it", () => {
    for (const secret of ["short", "has space in it 0123456789", 42]) {
      let error: unknown;
      try {
        createWebhookHandler({ secret: secret as string, onEvent: () => {} });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ZApiError);
      if (typeof secret === "string") expect(String((error as Error).message)).not.toContain(secret);
    }
  });
});

describe("createWebhookHandler: bodies", () => {
  it.each([
    ["not JSON", "{not json"],
    ["JSON that is not an object", "[1,2]"],
    ["a known kind with a wrong field", JSON.stringify({ ...approval, requestMethod: "by_magic" })],
    ["JSON nested 100,000 levels", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
  ])("answers %s with 400, echoing nothing", async (_name, body) => {
    const { handler, events } = handlerWith();
    const response = await handler(post(body));
    expect(response.status).toBe(400);
    expect(events).toEqual([]);
    expect(await response.text()).not.toContain("by_magic");
  });

  it("answers a body over the limit with 413, declared or not", async () => {
    const { handler, events } = handlerWith();
    const big = JSON.stringify({ ...approval, padding: "x".repeat(300 * 1024) });
    expect((await handler(post(big))).status).toBe(413);
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
      },
    });
    const endless = new Request(url(), { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect((await handler(endless)).status).toBe(413);
    expect(events).toEqual([]);
  });

  it("passes a delivery of an unknown kind through, not refused", async () => {
    const { handler, events } = handlerWith();
    const response = await handler(post(JSON.stringify({ ...approval, messageId: "new-kind-1", notification: "SOME_FUTURE_KIND", requestMethod: 3 })));
    expect(response.status).toBe(204);
    expect(String(events[0]?.notification)).toBe("SOME_FUTURE_KIND");
  });
});

describe("createWebhookHandler: success, failures and repeats", () => {
  it("answers 2xx only once onEvent has resolved", async () => {
    let release!: () => void;
    const { handler } = handlerWith(() => new Promise<void>((resolve) => (release = resolve)));
    let settled = false;
    const pending = handler(post(JSON.stringify(approval))).then((response) => {
      settled = true;
      return response;
    });
    await vi.waitFor(() => expect(release).toBeTypeOf("function"));
    expect(settled).toBe(false);
    release();
    expect((await pending).status).toBe(204);
  });

  it("answers 500 when onEvent throws, so a sender that retries may try again; the retry reaches onEvent", async () => {
    let fail = true;
    const onError = vi.fn();
    const events: WebhookEvent[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onError,
      onEvent: (event) => {
        events.push(event);
        if (fail) throw new Error(`db down while storing ${SECRET}`);
      },
    });
    const first = await handler(post(JSON.stringify(approval)));
    expect(first.status).toBe(500);
    expect(await first.text()).not.toContain(SECRET);
    expect(onError).toHaveBeenCalledOnce();
    fail = false;
    expect((await handler(post(JSON.stringify(approval)))).status).toBe(204);
    expect(events).toHaveLength(2);
  });

  it("lets a repeated messageId reach onEvent once, with 2xx for each, concurrent or not", async () => {
    const { handler, events } = handlerWith(() => new Promise((resolve) => setTimeout(resolve, 10)));
    const body = JSON.stringify(approval);
    const answers = await Promise.all([handler(post(body)), handler(post(body)), handler(post(body))]);
    expect(answers.map((response) => response.status)).toEqual([204, 204, 204]);
    expect((await handler(post(body))).status).toBe(204);
    expect(events).toHaveLength(1);
    expect((await handler(post(JSON.stringify({ ...approval, messageId: "another" })))).status).toBe(204);
    expect(events).toHaveLength(2);
  });

  it("forgets a messageId after the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    onTestFinished(() => void vi.useRealTimers());
    const events: WebhookEvent[] = [];
    const handler = createWebhookHandler({ secret: SECRET, dedupeWindowMs: 1_000, onEvent: (event) => void events.push(event) });
    await handler(post(JSON.stringify(approval)));
    vi.setSystemTime(Date.now() + 1_001);
    await handler(post(JSON.stringify(approval)));
    expect(events).toHaveLength(2);
  });
});

describe("hostile deliveries (fast-check)", () => {
  const seed = Number(process.env["FC_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
  it(`never throws or hangs, and onEvent only sees valid events (seed ${seed})`, async () => {
    console.log(`webhook property: seed ${seed} (reproduce with FC_SEED=${seed})`);
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
      fc.record({ notification: fc.oneof(fc.constantFrom(...examples.map(([, v]) => (v as { notification?: string }).notification ?? "X")), fc.string(), fc.integer(), fc.constant(null)), messageId: fc.oneof(fc.string(), fc.integer()), requestMethod: fc.oneof(fc.constantFrom("invite_link", "non_admin_add"), fc.string()), notificationParameters: fc.oneof(fc.array(fc.string()), fc.jsonValue()), phone: fc.oneof(fc.string(), fc.integer()), momment: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      fc.constantFrom(...examples.map(([, value]) => JSON.stringify(value))),
      fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
    );
    const secret = fc.oneof({ weight: 5, arbitrary: fc.constant(SECRET) }, { weight: 1, arbitrary: fc.option(fc.string(), { nil: null }) });
    await fc.assert(
      fc.asyncProperty(body, secret, fc.constantFrom("POST", "POST", "POST", "PUT"), async (text, given, method) => {
        const seen: WebhookEvent[] = [];
        const handler = createWebhookHandler({ secret: SECRET, onEvent: (event) => void seen.push(event) });
        const response = await handler(new Request(url(given), { method, body: text }));
        expect([204, 400, 401, 405, 413]).toContain(response.status);
        if (response.status === 204) expect(seen).toHaveLength(1);
        else expect(seen).toEqual([]);
        // What onEvent saw is exactly what parseWebhook accepts.
        for (const event of seen) expect(() => parseWebhook(event)).not.toThrow();
        if (given !== SECRET || method !== "POST") expect(seen).toEqual([]);
      }),
      { numRuns: 300, seed },
    );
  });
});
