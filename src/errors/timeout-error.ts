import { keepName, ZApiError } from "./zapi-error.js";

/**
 * The call ran out of time: an attempt took longer than its timeout (after every attempt
 * the retry policy allowed), or the call's own signal timed out (`AbortSignal.timeout`).
 * Z-API may still have carried it out, so an operation that changes something is not
 * retried after one unless `retry.unsafe` is set.
 */
export class ZApiTimeoutError extends ZApiError {
  static {
    keepName(this, "ZApiTimeoutError");
  }
  override readonly name = "ZApiTimeoutError";
  /** The per-attempt timeout, in ms; undefined when the call's signal timed out instead. */
  readonly timeoutMs: number | undefined;
  /** How many attempts were made, this one included. */
  readonly attempts: number;
  /** The whole call's time, from the first attempt to this error, in ms. */
  readonly elapsedMs: number | undefined;

  constructor(timeoutMs: number | undefined, attempts = 1, elapsedMs?: number) {
    const what = timeoutMs === undefined ? "The call's signal timed out (its reason is a TimeoutError, as AbortSignal.timeout gives)" : `Z-API did not answer within ${timeoutMs} ms`;
    const how = attempts > 1 ? `, on each of ${attempts} attempts` : "";
    const total = elapsedMs === undefined || attempts === 1 ? "" : `; ${seconds(elapsedMs)} in all`;
    super(`${what}${how}${total}`);
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
