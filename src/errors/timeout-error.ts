import { keepName, ZApiError } from "./zapi-error.js";

/**
 * An attempt took longer than its timeout. Z-API may still have carried it out, so it
 * is not retried unless `retry.unsafe` is set.
 */
export class ZApiTimeoutError extends ZApiError {
  static {
    keepName(this, "ZApiTimeoutError");
  }
  override readonly name = "ZApiTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`Z-API did not answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}
