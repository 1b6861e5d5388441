// Issue 20, points 2 and 3: a client that can be watched, and errors that say where and how
// often. No log line, and no error, holds a piece of a secret.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookHandler, createZApiClient, ZApiError, ZApiNetworkError, ZApiTimeoutError, type Logger } from "../../src/index.js";
import { json, refusedUrl, startServer } from "../helpers/server.js";
import { CLIENT_TOKEN, echoForms, expectNoTrace, ODD_CLIENT_TOKEN, ODD_TOKEN, rejection, seed, thrown, TOKEN } from "../hostile/hostile.js";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A logger that keeps every line, with its level and fields. */
function recorder() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  const logger: Logger = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
  return { logger, lines };
}

describe("logLevel and logger", () => {
  it("at debug, each attempt: method, URL with the token redacted, status, duration and attempt number", async () => {
    const server = await startServer((_req, res, attempt) => (attempt === 1 ? json(res, 503, {}) : json(res, 200, { value: true })));
    const { logger, lines } = recorder();
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, logger, logLevel: "debug", retry: { attempts: 2, backoffMs: 1, unsafe: true } });
    await client.addParticipant(seed);
    const attempts = lines.filter((line) => line.level === "debug");
    expect(attempts.map((line) => line.fields)).toEqual([
      { operation: "addParticipant", method: "POST", url: `${server.url}/instances/inst/token/[redacted]/add-participant`, status: 503, durationMs: expect.any(Number), attempt: 1, error: "ZApiHttpError" },
      { operation: "addParticipant", method: "POST", url: `${server.url}/instances/inst/token/[redacted]/add-participant`, status: 200, durationMs: expect.any(Number), attempt: 2 },
    ]);
    expect(attempts[1]!.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/instances\/inst\/token\/\[redacted\]\/add-participant answered 200 in \d+ ms \(attempt 2\)$/);
    // The retry, at info.
    expect(lines.filter((line) => line.level === "info").map((line) => line.message)).toEqual([expect.stringMatching(/^addParticipant: attempt 1 of 2 ended in HTTP 503; trying again in \d+ ms$/)]);
    expectNoTrace(lines, [TOKEN]);
  });

  it('the default is "warn" to console: a call that goes well logs nothing', async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: true }));
    const spies = (["error", "warn", "info", "debug", "log"] as const).map((name) => vi.spyOn(console, name).mockImplementation(() => {}));
    await createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url }).addParticipant(seed);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("ZAPI_LOG sets the level when the option is not given; the option wins", async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: true }));
    vi.stubEnv("ZAPI_LOG", "DEBUG");
    const a = recorder();
    await createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, logger: a.logger }).addParticipant(seed);
    expect(a.lines.map((line) => line.level)).toEqual(["debug"]);
    const b = recorder();
    await createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, logger: b.logger, logLevel: "off" }).addParticipant(seed);
    expect(b.lines).toEqual([]);
  });

  it("a bad level or logger is refused at creation, naming it", () => {
    expect(thrown(() => createZApiClient({ instanceId: "i", token: TOKEN, logLevel: "verbose" as never })).message).toBe('`logLevel` must be one of "off", "error", "warn", "info", "debug", got "verbose"');
    vi.stubEnv("ZAPI_LOG", "loud");
    expect(thrown(() => createZApiClient({ instanceId: "i", token: TOKEN })).message).toContain("`ZAPI_LOG` must be one of");
    vi.unstubAllEnvs();
    expect(thrown(() => createZApiClient({ instanceId: "i", token: TOKEN, logger: { warn() {} } as never })).message).toContain("missing: error, info, debug");
  });

  it("a logger that throws does not fail a call that worked", async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: true }));
    const angry = () => {
      throw new Error("log sink down");
    };
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, logLevel: "debug", logger: { error: angry, warn: angry, info: angry, debug: angry } });
    await expect(client.addParticipant(seed)).resolves.toEqual({ value: true });
  });

  it.each([
    ["a plain token", TOKEN, CLIENT_TOKEN],
    ["tokens with every character encoders disagree on", ODD_TOKEN, ODD_CLIENT_TOKEN],
  ])("no log line holds a piece of a secret, whatever the server echoes (%s)", async (_name, token, clientToken) => {
    const echoes = Object.values({ ...echoForms(token), ...echoForms(clientToken) }).join(" | ");
    const server = await startServer((_req, res, attempt) => {
      const body = { error: `refused ${echoes}`, [echoes]: echoes, [`drift ${echoes}`]: 1 };
      // A refusal, a retry, then an answer with an undeclared field named after the secret.
      if (attempt === 1) return json(res, 503, body, { "retry-after": "0" });
      return json(res, 200, { value: true, [`extra ${echoes}`]: echoes });
    });
    const { logger, lines } = recorder();
    const client = createZApiClient({ instanceId: "inst", token, clientToken, baseUrl: server.url, logger, logLevel: "debug", retry: { attempts: 2, backoffMs: 1 } });
    await client.addParticipant(seed);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expectNoTrace(lines, [token, clientToken]);
  });
});

describe("errors say where and how often", () => {
  it("a refused connection names the host", async () => {
    const url = await refusedUrl();
    const error = (await rejection(createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: url, retry: false }).addParticipant(seed))) as ZApiNetworkError;
    expect(error).toBeInstanceOf(ZApiNetworkError);
    expect(error.host).toBe(new URL(url).host);
    expect(error.message).toBe(`The request to Z-API at ${new URL(url).host} failed (ECONNREFUSED)`);
  });

  it("a timeout over three attempts says so, with the total time", async () => {
    const server = await startServer(() => {});
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, timeoutMs: 150, retry: { attempts: 3, backoffMs: 1 } });
    const error = (await rejection(client.getGroupMetadata({ groupId: "120363019502650977-group" }))) as ZApiTimeoutError;
    expect(error).toBeInstanceOf(ZApiTimeoutError);
    expect(server.requests).toHaveLength(3);
    expect({ timeoutMs: error.timeoutMs, attempts: error.attempts }).toEqual({ timeoutMs: 150, attempts: 3 });
    expect(error.elapsedMs).toBeGreaterThanOrEqual(450);
    expect(error.message).toMatch(/^Z-API did not answer within 150 ms, on each of 3 attempts; \d+ ms in all$|^Z-API did not answer within 150 ms, on each of 3 attempts; \d+\.\d s in all$/);
  });

  it("an abort whose reason is a TimeoutError (AbortSignal.timeout) is a ZApiTimeoutError", async () => {
    const server = await startServer(() => {});
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, retry: false });
    const error = await rejection(client.addParticipant(seed, { signal: AbortSignal.timeout(100) }));
    expect(error).toBeInstanceOf(ZApiTimeoutError);
    expect(error.message).toContain("AbortSignal.timeout");
    expect((error as ZApiTimeoutError).timeoutMs).toBeUndefined();
  });

  it("a signal that times out during the wait between retries is a timeout too", async () => {
    const server = await startServer((_req, res) => json(res, 503, {}, { "retry-after": "5" }));
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, retry: { attempts: 3 } });
    const error = await rejection(client.getGroupMetadata({ groupId: "120363019502650977-group" }, { signal: AbortSignal.timeout(300) }));
    expect(error).toBeInstanceOf(ZApiTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("per call, { retry } overrides the client's policy", async () => {
    const server = await startServer((_req, res) => json(res, 503, {}));
    const client = createZApiClient({ instanceId: "inst", token: TOKEN, baseUrl: server.url, retry: { attempts: 3, backoffMs: 1 } });
    const group = { groupId: "120363019502650977-group" };
    await rejection(client.getGroupMetadata(group, { retry: false }));
    expect(server.requests).toHaveLength(1);
    await rejection(client.getGroupMetadata(group, { retry: { attempts: 5 } }));
    // The call's attempts, over the client's backoffMs of 1.
    expect(server.requests).toHaveLength(6);
    await rejection(client.getGroupMetadata(group));
    expect(server.requests).toHaveLength(9);
    await expect(client.getGroupMetadata(group, { retry: { attempts: 0 } })).rejects.toThrow("`retry.attempts` must be a whole number from 1, got 0");
  });
});

describe("what people paste by mistake is refused at creation, without showing a secret", () => {
  it.each([
    ["token", { token: `Bearer ${TOKEN}` }, '`token` holds a space: pass the instance token alone, without a scheme such as "Bearer "'],
    ["clientToken", { clientToken: `Bearer ${CLIENT_TOKEN}` }, '`clientToken` holds a space: pass the Client-Token alone, without a scheme such as "Bearer "'],
    ["instanceId", { instanceId: `https://api.z-api.io/instances/3C0FFEE/token/${TOKEN}/send-text` }, "`instanceId` must be the instance id alone"],
    ["instanceId", { instanceId: "3C0FFEE token" }, "it holds a space"],
  ])("%s", (_name, options, message) => {
    const error = thrown(() => createZApiClient({ instanceId: "3C0FFEE", token: TOKEN, ...options }));
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toContain(message);
    expectNoTrace(error, [TOKEN, CLIENT_TOKEN]);
    expect(error.message).not.toContain("3C0FFEE/");
  });

  it.each([
    ["logLevel", { logLevel: TOKEN as never }],
    ["defaultCountry", { defaultCountry: CLIENT_TOKEN }],
    ["timeoutMs", { timeoutMs: TOKEN as never }],
    ["retry.attempts", { retry: { attempts: CLIENT_TOKEN as never } }],
  ])("a secret passed to %s is refused without being shown", (name, options) => {
    const error = thrown(() => createZApiClient({ instanceId: "3C0FFEE", token: "another-token-value", ...options }));
    expect(error.message).toContain(`\`${name}\` must be`);
    expect(error.message).toMatch(/a string of \d+ characters \(not shown: it may be a secret\)/);
    expectNoTrace(error, [TOKEN, CLIENT_TOKEN]);
  });

  it("the shortest webhook secret the receiver takes (16 characters) is not shown either", () => {
    const secret = "k3y-0f-16-charsx";
    expect(secret).toHaveLength(16);
    expect(() => createWebhookHandler({ secret, onEvent() {} })).not.toThrow();
    const error = thrown(() => createZApiClient({ instanceId: "3C0FFEE", token: "another-token-value", logLevel: secret as never }));
    expect(error.message).not.toContain(secret);
  });

  it("a secret set in ZAPI_LOG is refused without being shown", () => {
    vi.stubEnv("ZAPI_LOG", TOKEN);
    const error = thrown(() => createZApiClient({ instanceId: "3C0FFEE", token: "another-token-value" }));
    expect(error.message).toContain("`ZAPI_LOG` must be one of");
    expectNoTrace(error, [TOKEN]);
  });

  it("from the variables too, naming the variable", () => {
    vi.stubEnv("ZAPI_TOKEN", `Bearer ${TOKEN}`);
    const error = thrown(() => createZApiClient({ instanceId: "3C0FFEE" }));
    expect(error.message).toContain("ZAPI_TOKEN holds a space");
    expectNoTrace(error, [TOKEN]);
  });
});
