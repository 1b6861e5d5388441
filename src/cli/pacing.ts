// The pause between batches: the chosen pause, plus or minus a jitter, so the calls do
// not tick like a machine. A stop request ends a pause at once.

/** The jitter, as a share of the pause: 30 s becomes 22.5 to 37.5 s. */
export const JITTER = 0.25;

/** One pause, from a random number in [0, 1). */
export function jitteredPause(pauseMs: number, random: () => number = Math.random): number {
  return Math.round(pauseMs * (1 - JITTER + 2 * JITTER * random()));
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
