import { ZApiAbortError } from "../errors/abort-error.js";
import { ZApiTimeoutError } from "../errors/timeout-error.js";
import { ZApiError } from "../errors/zapi-error.js";

/**
 * When one attempt must end: its timeout, or the caller's abort. Its `signal` goes to
 * `fetch`, aborted with our own error as the reason, so the error thrown says which.
 *
 * Deadlines of the same length share one timer: they end in the order they start, so they
 * queue, and the timer is armed for the first. A setTimeout and a clearTimeout a call cost
 * more than the rest of the deadline; a shared timer is left armed, unreferenced, when its
 * queue empties, and referenced again by the next call. Only where timers can be unreferenced
 * (Node, Bun, Deno): elsewhere each deadline has its own timer.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly caller: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;
  /** Told when the attempt ends: rejects the {@link race} under way, or cancels a read. */
  private stop: ((reason: unknown) => void) | undefined = undefined;
  // The timer queue it is in, while it runs, and when it ends.
  queue: Queue | undefined = undefined;
  endsAt = 0;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    if (Number.isFinite(timeoutMs)) enqueue(this, timeoutMs);
    if (caller) {
      this.caller = caller;
      this.onAbort = () => this.end(callerStopped(caller.reason));
      if (caller.aborted) this.onAbort();
      else caller.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the signal with `reason`, and rejects the race under way with it. */
  end(reason: ZApiError): void {
    this.controller.abort(reason);
    this.stop?.(this.controller.signal.reason);
  }

  /**
   * `work`, unless the attempt is stopped first: then its error, although `work` (a fetch
   * or a body read that ignores the signal) may never settle. One race at a time.
   */
  race<T>(work: T | PromiseLike<T>): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) {
      Promise.resolve(work).catch(ignore);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.stop = reject;
      Promise.resolve(work).then(resolve, reject);
    });
  }

  /**
   * Calls `onEnd` with the reason when the attempt ends (now, if it has), until
   * {@link unwatch}. One watcher at a time, in place of a race.
   */
  watch(onEnd: (reason: unknown) => void): void {
    const { signal } = this.controller;
    if (signal.aborted) onEnd(signal.reason);
    else this.stop = onEnd;
  }

  unwatch(): void {
    this.stop = undefined;
  }

  /** Why the attempt was stopped, when it was: the timeout's or the caller's error. */
  stopped(): ZApiError | undefined {
    const { signal } = this.controller;
    return signal.aborted && signal.reason instanceof ZApiError ? signal.reason : undefined;
  }

  /** Leaves its timer's queue and stops following the caller's signal. */
  dispose(): void {
    this.stop = undefined;
    if (this.queue) dequeue(this);
    if (this.onAbort) this.caller?.removeEventListener("abort", this.onAbort);
  }
}

function ignore(): void {}

/**
 * The error for a caller's signal that aborted: a timeout when its reason is a
 * `TimeoutError` (what `AbortSignal.timeout` gives), else an abort.
 */
export function callerStopped(reason: unknown): ZApiError {
  return (reason as { name?: unknown } | null)?.name === "TimeoutError" ? new ZApiTimeoutError(undefined) : new ZApiAbortError(reason);
}

/** The running deadlines of one length, first to end first (a Set keeps its order), and their timer. */
interface Queue {
  readonly ms: number;
  readonly live: Set<Deadline>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const queues = new Map<number, Queue>();
/** Emptied queues kept, their timers unreferenced, for the next call of the same length. */
const MAX_IDLE_QUEUES = 8;

// Where a timer is a bare number (edge runtimes), it may belong to the request that set it
// and not outlive it, so it is never shared: each deadline keeps a queue of its own.
let shareable: boolean | undefined;

function enqueue(deadline: Deadline, ms: number): void {
  let queue = shareable === false ? undefined : queues.get(ms);
  if (!queue) {
    queue = { ms, live: new Set(), timer: undefined };
    if (shareable !== false) queues.set(ms, queue);
  }
  deadline.endsAt = performance.now() + ms;
  deadline.queue = queue;
  queue.live.add(deadline);
  // An idle timer fires at or before this deadline's end (its own ended earlier): it then re-arms.
  if (!queue.timer) {
    queue.timer = setTimeout(fire, ms, queue);
    shareable ??= typeof (queue.timer as { unref?: unknown }).unref === "function";
    if (!shareable) queues.delete(ms);
  } else if (queue.live.size === 1) (queue.timer as { ref?(): void }).ref?.();
}

function dequeue(deadline: Deadline): void {
  const queue = deadline.queue!;
  deadline.queue = undefined;
  queue.live.delete(deadline);
  if (queue.live.size > 0 || !queue.timer) return;
  // Idle: its timer must not hold the process open. Kept for the next call where it can be.
  const timer = queue.timer as { unref?(): void };
  if (queues.size <= MAX_IDLE_QUEUES && timer.unref) timer.unref();
  else {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queues.delete(queue.ms);
  }
}

function fire(queue: Queue): void {
  const { ms } = queue;
  // Timers count whole milliseconds: one that fires within 1 ms of an end has reached it.
  const now = performance.now() + 1;
  let next: Deadline | undefined;
  for (const deadline of queue.live) {
    if (deadline.endsAt > now) {
      next = deadline;
      break;
    }
    // end() runs the caller's code (abort listeners): the deadline leaves the queue first.
    dequeue(deadline);
    deadline.end(new ZApiTimeoutError(ms));
  }
  queue.timer = next ? setTimeout(fire, Math.ceil(next.endsAt - now) + 1, queue) : undefined;
  if (!next && queue.live.size === 0 && queues.get(ms) === queue) queues.delete(ms);
}
