import { ZApiAbortError } from "../errors/abort-error.js";
import { ZApiTimeoutError } from "../errors/timeout-error.js";
import { ZApiError } from "../errors/zapi-error.js";

/**
 * When one attempt must end: its timeout, or the caller's abort. Its `signal` goes to
 * `fetch`, aborted with our own error as the reason, so the error thrown says which.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly caller: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;
  private rejection: Promise<never> | undefined;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.timer = Number.isFinite(timeoutMs) ? setTimeout(abortForTimeout, timeoutMs, this.controller, timeoutMs) : undefined;
    if (caller) {
      this.caller = caller;
      this.onAbort = () => this.controller.abort(new ZApiAbortError(caller.reason));
      if (caller.aborted) this.onAbort();
      else caller.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Rejects when the attempt is stopped. Raced against a `fetch` or a body that may ignore
   * the signal, so neither can hold the call past its time. Made on first use.
   */
  interrupt(): Promise<never> {
    if (this.rejection) return this.rejection;
    const { signal } = this.controller;
    this.rejection = signal.aborted
      ? Promise.reject(signal.reason)
      : new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    this.rejection.catch(() => {});
    return this.rejection;
  }

  /** Why the attempt was stopped, when it was: the timeout's or the caller's error. */
  stopped(): ZApiError | undefined {
    const { signal } = this.controller;
    return signal.aborted && signal.reason instanceof ZApiError ? signal.reason : undefined;
  }

  /** Clears the timer and stops following the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.caller?.removeEventListener("abort", this.onAbort);
  }
}

function abortForTimeout(controller: AbortController, timeoutMs: number): void {
  controller.abort(new ZApiTimeoutError(timeoutMs));
}
