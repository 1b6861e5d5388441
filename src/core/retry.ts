import { ZApiHttpError } from "../errors/http-error.js";
import { ZApiNetworkError } from "../errors/network-error.js";
import { ZApiTimeoutError } from "../errors/timeout-error.js";
import { callerStopped } from "./deadline.js";
import type { RetryPolicy } from "./options.js";

/** Statuses that say "not now" rather than "no", for an operation that may be repeated. */
const SAFE_TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
/** The same, for one that may not, with `retry.unsafe`: Z-API may have acted on these. */
const UNSAFE_TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * How long to wait before attempt `attempt + 1`, or undefined to give up. An operation the
 * spec calls safe to repeat (a GET) retries transient failures; any other, by default, only
 * where Z-API cannot have carried the call out: add-participant is not idempotent (a
 * repeat can send a second invitation).
 */
export function retryDelay(policy: RetryPolicy, retrySafe: boolean, error: unknown, attempt: number): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  if (error instanceof ZApiHttpError && (error.status === 429 || error.status === 503) && error.retryAfterMs !== undefined) {
    return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
  }
  // Refused before anything was sent.
  if (error instanceof ZApiNetworkError && error.code === "ECONNREFUSED") return backoff(policy, attempt);
  if (!retrySafe && !policy.unsafe) return undefined;
  const statuses = policy.unsafe ? UNSAFE_TRANSIENT_STATUSES : SAFE_TRANSIENT_STATUSES;
  const transient =
    error instanceof ZApiTimeoutError ||
    error instanceof ZApiNetworkError ||
    (error instanceof ZApiHttpError && statuses.has(error.status));
  return transient ? backoff(policy, attempt) : undefined;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone would take "-5" or "1.5".
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects as soon as `signal` aborts (see {@link callerStopped}). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(callerStopped(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(callerStopped(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// Full jitter: anywhere from 0 to the doubled base, so clients that failed together spread out.
function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxRetryAfterMs);
}
