// The rules of the webhook receiver, written once for both ways of serving it: the
// web-standard handler (Request in, Response out) and node:http's own events (no Request or
// Response made). Each way only moves bytes in and an Answer out.
import { createLog, LOG_LEVELS, type Log, type Logger, type LogLevel } from "../core/log.js";
import { rejectUnknown } from "../core/options.js";
import { ZApiError } from "../errors/zapi-error.js";
import { DeliveryMemory } from "./memory.js";
import { checkParsedDelivery, refusalReason, type WebhookEvent } from "./parse.js";

/** The largest delivery accepted, by default: Z-API's documented deliveries are under 2 kB. */
export const DEFAULT_MAX_DELIVERY_BYTES = 256 * 1024;
/** How long a `messageId` is remembered to drop a repeated delivery, by default. */
export const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60 * 1000;
/** The most memory the remembered `messageId`s may take, by default, reckoned high. */
export const DEFAULT_DEDUPE_MAX_BYTES = 4 * 1024 * 1024;
/** How long the body may take to arrive, by default, from when the request's head was read. */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
/** How many `messageId`s are remembered at most; the oldest are forgotten first. */
export const DEDUPE_CAPACITY = 10_000;
/** The shortest secret accepted: it is the only thing that tells Z-API's deliveries from forged ones. */
const MIN_SECRET_LENGTH = 16;
// setTimeout turns any longer delay into 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What `onRejected` is told of a refused delivery. It never holds the secret or a value of the delivery. */
export interface WebhookRejection {
  /** The answer sent: 400, 401, 405, 408 or 413. */
  readonly status: number;
  /**
   * Why: `"method"`, `"wrong secret"`, `"too large"`, `"read deadline"`, `"not JSON"`, or
   * the field and the rule `parseWebhook` names (`/requestMethod must be one of …`).
   */
  readonly reason: string;
}

export interface WebhookHandlerOptions {
  /**
   * The shared secret you put in the URL you register with Z-API, as its `secret` query
   * parameter (`https://example.com/zapi/events?secret=…`). Z-API signs nothing, so this is
   * what tells its deliveries from forged ones. At least 16 characters; use a random one.
   */
  secret: string;
  /**
   * Called once per valid delivery; answer 204 once it resolves, 500 if it throws. With
   * `eventTimeoutMs`, `signal` is aborted when the time is up.
   */
  onEvent: (event: WebhookEvent, context: { readonly signal: AbortSignal }) => void | Promise<void>;
  /** Called with what `onEvent` threw, for your logs; the answer never carries it. */
  onError?: ((error: unknown) => void) | undefined;
  /** Called for every refused delivery (400, 401, 405, 408, 413), with the answer's status and why. */
  onRejected?: ((rejection: WebhookRejection) => void) | undefined;
  /** The largest body accepted, in bytes; a larger one gets 413. Default 256 KiB. */
  maxBodyBytes?: number | undefined;
  /** How long the body may take to arrive, in ms; a slower one gets 408. Default 10 000; `Infinity` for no limit. */
  readTimeoutMs?: number | undefined;
  /**
   * How long `onEvent` may run before the sender is answered 503, in ms. `onEvent` is not
   * stopped (its `signal` is aborted), and a repeat of the delivery still waits for it
   * rather than run it again. Default: no limit.
   */
  eventTimeoutMs?: number | undefined;
  /** A repeated `messageId` within this window after its `onEvent` resolved reaches `onEvent` once. Default 10 minutes. */
  dedupeWindowMs?: number | undefined;
  /** The most memory the remembered `messageId`s may take, reckoned at 2 bytes a character and 100 an id; the oldest are forgotten first. Default 4 MiB. */
  dedupeMaxBytes?: number | undefined;
  /** How much is logged: refusals at `info`, an `onEvent` that failed or ran out of time at `warn`. Default `"warn"`, or `ZAPI_LOG`. */
  logLevel?: LogLevel | undefined;
  /** Where log lines go. Default `console`. */
  logger?: Logger | undefined;
}

/** One answer to a delivery. No body or header ever carries the secret or anything of the delivery. */
export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

const TEXT = "text/plain; charset=utf-8";
const answer = (status: number, text: string, headers: Record<string, string> = {}): Answer => ({ status, text, headers: { "Content-Type": TEXT, ...headers } });
const DELIVERED: Answer = { status: 204, text: "", headers: {} };
const EVENT_FAILED = answer(500, "onEvent failed");
/** An error of the receiver itself: never expected. */
export const INTERNAL_ERROR = answer(500, "Internal Server Error");

/** The refusals that come before a body is parsed; a delivery that is not valid is a fourth kind. */
export type Refusal = "method" | "wrong secret" | "too large" | "read deadline";

/** The options, checked; and every rule a delivery meets, in order. */
export class Receiver {
  readonly maxBodyBytes: number;
  readonly readTimeoutMs: number;
  private readonly secret: string;
  private readonly onEvent: WebhookHandlerOptions["onEvent"];
  private readonly onError: ((error: unknown) => void) | undefined;
  private readonly onRejected: ((rejection: WebhookRejection) => void) | undefined;
  private readonly eventTimeoutMs: number;
  private readonly memory: DeliveryMemory;
  private readonly log: Log;
  private readonly refusals: Readonly<Record<Refusal | "invalid", Answer>>;
  private readonly timedOut: Answer;

  constructor(options: WebhookHandlerOptions) {
    rejectUnknown(options, OPTION_NAMES, "createWebhookHandler");
    const { secret, onEvent, onError, onRejected, logger, logLevel } = options;
    // Never echo a value: a secret passed in the wrong place must not reach a log.
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(secret)) {
      throw new ZApiError(
        `\`secret\` must be a string of at least ${MIN_SECRET_LENGTH} URL-safe characters (A-Z a-z 0-9 . _ ~ -), so it survives a URL unchanged; ${typeof secret === "string" ? `got ${secret.length} characters, not shown` : `got ${kind(secret)}`}`,
      );
    }
    if (typeof onEvent !== "function") refuseOption("onEvent", "a function", onEvent);
    for (const [name, value] of [["onError", onError], ["onRejected", onRejected]] as const) {
      if (value !== undefined && typeof value !== "function") refuseOption(name, "a function", value);
    }
    this.maxBodyBytes = wholeNumber("maxBodyBytes", options.maxBodyBytes, DEFAULT_MAX_DELIVERY_BYTES, 1024);
    this.readTimeoutMs = timeout("readTimeoutMs", options.readTimeoutMs, DEFAULT_READ_TIMEOUT_MS);
    this.eventTimeoutMs = timeout("eventTimeoutMs", options.eventTimeoutMs, Infinity);
    const windowMs = number("dedupeWindowMs", options.dedupeWindowMs, DEFAULT_DEDUPE_WINDOW_MS, 0);
    const maxBytes = wholeNumber("dedupeMaxBytes", options.dedupeMaxBytes, DEFAULT_DEDUPE_MAX_BYTES, 0);
    if (logLevel !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(logLevel)) refuseOption("logLevel", `one of ${LOG_LEVELS.map((l) => `"${l}"`).join(", ")}`, logLevel);
    if (logger !== undefined && !isLogger(logger)) refuseOption("logger", "an object with error, warn, info and debug methods", logger);
    this.log = createLog({ logger, logLevel }, globalThis.process?.env ?? {});
    this.secret = secret;
    this.onEvent = onEvent;
    this.onError = onError;
    this.onRejected = onRejected;
    this.memory = new DeliveryMemory(windowMs, DEDUPE_CAPACITY, maxBytes);
    this.refusals = {
      method: answer(405, "Method Not Allowed: deliveries are POSTed", { Allow: "POST" }),
      "wrong secret": answer(401, "Unauthorized"),
      "too large": answer(413, `Payload Too Large: at most ${this.maxBodyBytes} bytes`),
      "read deadline": answer(408, `Request Timeout: the body did not arrive within ${this.readTimeoutMs} ms`),
      invalid: answer(400, "Bad Request: the body is not a valid on-message-received delivery"),
    };
    this.timedOut = answer(503, `Service Unavailable: onEvent did not finish within ${this.eventTimeoutMs} ms`);
  }

  /**
   * The rules met before the body is read: the method, the secret in the request target's
   * query (a path and query, or a whole URL), and a declared length over the limit.
   */
  admit(method: string | undefined, target: string, declaredLength: string | null | undefined): Answer | undefined {
    if (method !== "POST") return this.refuse("method");
    if (!this.hasSecret(target)) return this.refuse("wrong secret");
    if (declaredLength != null && Number(declaredLength) > this.maxBodyBytes) return this.refuse("too large");
    return undefined;
  }

  /** A refusal before the body was parsed: logged at `info`, told to `onRejected`. */
  refuse(refusal: Refusal): Answer {
    return this.rejected(this.refusals[refusal], refusal);
  }

  /**
   * The rules met once the body has arrived whole: parse, check, drop repeats, deliver.
   * The answer is at once when `onEvent` returns without a promise: no promise is made.
   */
  receive(body: string): Answer | Promise<Answer> {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return this.rejected(this.refusals.invalid, "not JSON");
    }
    const checked = checkParsedDelivery(value);
    if (checked.problems) return this.rejected(this.refusals.invalid, refusalReason(checked.problems, checked.total));
    const { event } = checked;
    const messageId = (event as { messageId?: unknown }).messageId;
    const id = typeof messageId === "string" && messageId !== "" ? messageId : undefined;
    if (id !== undefined) {
      const earlier = this.memory.find(id, Date.now());
      if (earlier === true) return this.delivered(true);
      // The same delivery is running: its outcome is this one's too.
      if (earlier !== undefined) return this.answerLater(earlier, true);
    }
    const outcome = this.deliver(event, id);
    return typeof outcome === "boolean" ? this.answerFor(outcome) : this.answerLater(outcome, false);
  }

  private rejected(refusal: Answer, reason: string): Answer {
    const rejection: WebhookRejection = { status: refusal.status, reason };
    this.log.info?.("zapi-client webhook: delivery refused", { status: refusal.status, reason });
    if (this.onRejected) {
      try {
        this.onRejected(rejection);
      } catch {
        // A broken callback must not change the answer.
      }
    }
    return refusal;
  }

  private delivered(duplicate: boolean): Answer {
    this.log.debug?.("zapi-client webhook: delivery accepted", { status: 204, duplicate });
    return DELIVERED;
  }

  private answerFor(outcome: boolean | "timeout", duplicate = false): Answer {
    if (outcome === true) return this.delivered(duplicate);
    if (outcome === "timeout") {
      this.log.warn?.(`zapi-client webhook: onEvent did not finish within ${this.eventTimeoutMs} ms; answered 503`, { status: 503, duplicate });
      return this.timedOut;
    }
    // Not the error: what onEvent threw may hold anything, the secret included. onError has it.
    this.log.warn?.(`zapi-client webhook: onEvent failed; answered 500 so the sender may retry${this.onError ? "" : " (pass onError to see why)"}`, { status: 500, duplicate });
    return EVENT_FAILED;
  }

  /**
   * Calls onEvent: true once it resolved, false if it threw; a promise of that while it
   * runs. The memory of `id` learns the outcome before anyone waiting for it does, so a
   * retry sent on a 500 finds the failed delivery forgotten.
   */
  private deliver(event: WebhookEvent, id: string | undefined): boolean | Promise<boolean> {
    const context = new DeliveryContext();
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (this.eventTimeoutMs !== Infinity) {
      timer = setTimeout(() => context.abort(new ZApiError(`onEvent did not finish within ${this.eventTimeoutMs} ms`)), this.eventTimeoutMs);
    }
    let result: unknown;
    try {
      result = this.onEvent(event, context);
    } catch (error) {
      clearTimeout(timer);
      return this.failed(error);
    }
    if (!isThenable(result)) {
      clearTimeout(timer);
      if (id !== undefined) this.memory.remember(id, Date.now());
      return true;
    }
    const outcome: Promise<boolean> = Promise.resolve(result).then(
      () => {
        clearTimeout(timer);
        if (id !== undefined) this.memory.settle(id, outcome, true, Date.now());
        return true;
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (id !== undefined) this.memory.settle(id, outcome, false, Date.now());
        return this.failed(error);
      },
    );
    if (id !== undefined) this.memory.start(id, outcome);
    return outcome;
  }

  private failed(error: unknown): false {
    try {
      this.onError?.(error);
    } catch {}
    return false;
  }

  /** The answer once `outcome` is known, or 503 once `eventTimeoutMs` has passed: each request waits that long at most. */
  private answerLater(outcome: Promise<boolean>, duplicate: boolean): Promise<Answer> {
    if (this.eventTimeoutMs === Infinity) return outcome.then((ok) => this.answerFor(ok, duplicate));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, this.eventTimeoutMs, "timeout")));
    return Promise.race([outcome, limit]).then((result) => {
      clearTimeout(timer);
      return this.answerFor(result, duplicate);
    });
  }

  /**
   * Exactly one `secret` in the query, equal to ours. Every character of our secret is
   * compared, whatever was given, so the time taken says nothing of how much of it matched.
   */
  private hasSecret(target: string): boolean {
    const start = target.indexOf("?");
    if (start < 0) return false;
    const end = target.indexOf("#", start);
    const given = secretsIn(end < 0 ? target.slice(start + 1) : target.slice(start + 1, end));
    const candidate = given.length === 1 ? given[0]! : "";
    const expected = this.secret;
    // Past its end, charCodeAt gives NaN, which `^` reads as 0: a shorter value differs.
    let difference = given.length === 1 && candidate.length === expected.length ? 0 : 1;
    for (let i = 0; i < expected.length; i++) difference |= candidate.charCodeAt(i) ^ expected.charCodeAt(i);
    return difference === 0;
  }
}

/**
 * The `secret` parameters of a query (the part after the first `?`), as a URL's
 * searchParams reads them. A query without `%` or `+` decodes to itself: it is split here,
 * without the parser's objects.
 */
export function secretsIn(query: string): string[] {
  // The constructor drops one leading "?" of its string, which a URL's query keeps.
  if (query.includes("%") || query.includes("+")) return new URLSearchParams(`?${query}`).getAll("secret");
  const found: string[] = [];
  for (let start = 0; start < query.length; ) {
    let end = query.indexOf("&", start);
    if (end < 0) end = query.length;
    const equals = query.indexOf("=", start);
    const named = equals >= 0 && equals < end;
    if ((named ? equals : end) - start === 6 && query.startsWith("secret", start)) found.push(named ? query.slice(equals + 1, end) : "");
    start = end + 1;
  }
  return found;
}

/**
 * What onEvent is given besides the event: a signal of its own per delivery (one shared
 * signal would gather the listeners of every delivery in progress), made only if read.
 */
class DeliveryContext {
  private controller: AbortController | undefined;
  private ended = false;
  private reason: unknown;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.ended = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";

/** The body's bytes as they arrive, up to the limit. Most bodies come in one chunk, decoded without a copy. */
export class BodyCollector {
  private first: Uint8Array | undefined;
  private rest: Uint8Array[] | undefined;
  private size = 0;

  constructor(private readonly limit: number) {}

  /** Adds a chunk; false once the body is over the limit (the chunk is not kept). */
  add(chunk: Uint8Array): boolean {
    this.size += chunk.byteLength;
    if (this.size > this.limit) return false;
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= []).push(chunk);
    return true;
  }

  /** The body as text (UTF-8; a malformed sequence becomes U+FFFD, and JSON.parse decides). */
  text(): string {
    decoder ??= new TextDecoder();
    if (this.first === undefined) return "";
    if (this.rest === undefined) return decoder.decode(this.first);
    const whole = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of [this.first, ...this.rest]) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return decoder.decode(whole);
  }
}

// Made at the first body: a module-level `new` would be a side effect to a bundler.
let decoder: InstanceType<typeof TextDecoder> | undefined;

const OPTION_NAMES = ["secret", "onEvent", "onError", "onRejected", "maxBodyBytes", "readTimeoutMs", "eventTimeoutMs", "dedupeWindowMs", "dedupeMaxBytes", "logLevel", "logger"];

const isLogger = (value: unknown): value is Logger =>
  typeof value === "object" && value !== null && (["error", "warn", "info", "debug"] as const).every((name) => typeof (value as Record<string, unknown>)[name] === "function");

/** What kind of value was given, never the value: a secret passed in the wrong place stays unseen. */
function kind(value: unknown): string {
  if (typeof value === "string") return `a string of ${value.length} characters (not shown)`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return "a number out of range (not shown)";
  return typeof value === "object" ? "an object" : typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

function refuseOption(name: string, expected: string, got: unknown): never {
  throw new ZApiError(`\`${name}\` of createWebhookHandler must be ${expected}, got ${kind(got)}`);
}

function number(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || (value as number) < min) refuseOption(name, `a number from ${min}`, value);
  return value as number;
}

function wholeNumber(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min) refuseOption(name, `a whole number from ${min}`, value);
  return value as number;
}

function timeout(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0 && (value <= MAX_TIMER_MS || value === Infinity))) {
    refuseOption(name, `a number of milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`, value);
  }
  return value;
}
