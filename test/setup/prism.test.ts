import { describe, expect, it } from "vitest";
import { startPrism } from "../../scripts/prism.mjs";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the Prism launcher", () => {
  it("gives up after its readiness bound with a clear error, and leaves no process behind", async () => {
    const pids: number[] = [];
    const error = await startPrism({ readyTimeoutMs: 1, onWait: () => {} }).then(
      (prism) => {
        pids.push(prism.pid);
        return prism.stop().then(() => new Error("Prism answered within 1 ms"));
      },
      (e: Error) => e,
    );
    expect(error.message).toMatch(/Prism \(pid \d+\) did not answer on http:\/\/127\.0\.0\.1:\d+ within 1 ms/);
    const pid = Number(/pid (\d+)/.exec(error.message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    expect(pids).toEqual([]);
  });
});
