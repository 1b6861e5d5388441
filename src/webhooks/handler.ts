import { checkNumber, invalid, rejectUnknown } from "../core/options.js";
import { readBody } from "../core/read.js";
import { ZApiError } from "../errors/zapi-error.js";
import { parseWebhook, type WebhookEvent } from "./parse.js";

/** The largest delivery accepted, by default: Z-API's documented deliveries are under 2 kB. */
export const DEFAULT_MAX_DELIVERY_BYTES = 256 * 1024;
/** How long a `messageId` is remembered to drop a repeated delivery, by default. */
export const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60 * 1000;
/** How many `messageId`s are remembered at most; the oldest are forgotten first. */
const DEDUPE_CAPACITY = 10_000;
/** The shortest secret accepted: it is the only thing that tells Z-API's deliveries from forged ones. */
const MIN_SECRET_LENGTH = 16;

export interface WebhookHandlerOptions {
  /**
   * The shared secret you put in the URL you register with Z-API, as its `secret` query
   * parameter (`https://example.com/zapi/events?secret=…`). Z-API signs nothing, so this is
   * what tells its deliveries from forged ones. At least 16 characters; use a random one.
   */
  secret: string;
  /** Called once per valid delivery; answer 2xx once it resolves, 500 if it throws. */
  onEvent: (event: WebhookEvent) => void | Promise<void>;
  /** Called with what `onEvent` threw, for your logs; the answer never carries it. */
  onError?: ((error: unknown) => void) | undefined;
  /** The largest body accepted, in bytes; a larger one gets 413. Default 256 KiB. */
  maxBodyBytes?: number | undefined;
  /** A repeated `messageId` within this window reaches `onEvent` once. Default 10 minutes. */
  dedupeWindowMs?: number | undefined;
}

// Fixed answers: no body or header ever carries the secret or anything of the delivery.
const answer = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
/** 204 once `onEvent` resolved, 500 if it threw. */
const delivered = (ok: boolean) => (ok ? new Response(null, { status: 204 }) : answer(500, "onEvent failed"));

/**
 * A standard `(request: Request) => Promise<Response>` that receives Z-API's
 * on-message-received deliveries: it checks the shared secret in constant time, reads a
 * bounded body, checks it against the spec, drops repeats, and calls `onEvent`. It never
 * throws: every failure is an answer (401, 405, 413, 400, 500).
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  const { secret, onEvent, onError, maxBodyBytes, dedupeWindowMs } = checkOptions(options);
  const expected = digest(secret);
  // messageId → the first delivery's onEvent, settled or not, and when it is forgotten.
  const seen = new Map<string, { done: Promise<boolean>; until: number }>();

  return async function handleWebhook(request: Request): Promise<Response> {
    try {
      if (request.method !== "POST") return answer(405, "Method Not Allowed: deliveries are POSTed", { Allow: "POST" });
      if (!(await hasSecret(request, expected))) return answer(401, "Unauthorized");
      // A declared length over the limit is refused unread; a body that exceeds it, once read that far.
      const tooLarge = Number(request.headers.get("content-length") ?? "0") > maxBodyBytes;
      const body = tooLarge ? undefined : await readBody(request, maxBodyBytes, undefined);
      if (!body || body.truncated) return answer(413, `Payload Too Large: at most ${maxBodyBytes} bytes`);
      let event: WebhookEvent;
      try {
        event = parseWebhook(JSON.parse(body.text));
      } catch {
        return answer(400, "Bad Request: the body is not a valid on-message-received delivery");
      }
      const id = (event as { messageId?: unknown }).messageId;
      if (typeof id !== "string" || id === "") return delivered(await deliver(event));
      const now = Date.now();
      forgetExpired(seen, now);
      const earlier = seen.get(id);
      if (earlier) return delivered(await earlier.done);
      const done = deliver(event);
      seen.set(id, { done, until: now + dedupeWindowMs });
      if (seen.size > DEDUPE_CAPACITY) seen.delete(seen.keys().next().value as string);
      const ok = await done;
      // A failed delivery is forgotten, so the sender's retry reaches onEvent again.
      if (!ok && seen.get(id)?.done === done) seen.delete(id);
      return delivered(ok);
    } catch {
      return answer(500, "Internal Server Error");
    }
  };

  async function deliver(event: WebhookEvent): Promise<boolean> {
    try {
      await onEvent(event);
      return true;
    } catch (error) {
      try {
        onError?.(error);
      } catch {}
      return false;
    }
  }
}

function forgetExpired(seen: Map<string, { until: number }>, now: number): void {
  // Insertion order is expiry order: stop at the first that is still fresh.
  for (const [id, { until }] of seen) {
    if (until > now) return;
    seen.delete(id);
  }
}

async function hasSecret(request: Request, expected: Promise<Uint8Array>): Promise<boolean> {
  let given: string[];
  try {
    given = new URL(request.url).searchParams.getAll("secret");
  } catch {
    return false;
  }
  // Hashing both sides makes the comparison take the same time whatever the given value.
  const [a, b] = await Promise.all([digest(given.length === 1 ? given[0]! : ""), expected]);
  let difference = given.length === 1 ? 0 : 1;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function checkOptions(options: WebhookHandlerOptions) {
  rejectUnknown(options, ["secret", "onEvent", "onError", "maxBodyBytes", "dedupeWindowMs"], "createWebhookHandler");
  const { secret, onEvent, onError, maxBodyBytes = DEFAULT_MAX_DELIVERY_BYTES, dedupeWindowMs = DEFAULT_DEDUPE_WINDOW_MS } = options;
  // Never echo the secret: say only what is wrong with it.
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(secret)) {
    throw new ZApiError(
      `\`secret\` must be a string of at least ${MIN_SECRET_LENGTH} URL-safe characters (A-Z a-z 0-9 . _ ~ -), so it survives a URL unchanged; ${typeof secret === "string" ? `got ${secret.length} characters, not shown` : `got ${typeof secret}`}`,
    );
  }
  if (typeof onEvent !== "function") invalid("onEvent", "a function", onEvent);
  if (onError !== undefined && typeof onError !== "function") invalid("onError", "a function", onError);
  checkNumber("maxBodyBytes", maxBodyBytes, 1024, Infinity, true);
  checkNumber("dedupeWindowMs", dedupeWindowMs, 0, Infinity);
  return { secret, onEvent, onError, maxBodyBytes, dedupeWindowMs };
}
