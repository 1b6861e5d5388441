import { describe, expect, it } from "vitest";
import { Deadline } from "../../src/core/deadline.js";
import { ZApiTimeoutError } from "../../src/index.js";
import { projectRoot, run } from "../helpers/project.js";

// Deadlines of one length share a timer; these check that each still ends on its own time.
const endOf = (deadline: Deadline) =>
  new Promise<{ at: number; reason: unknown }>((resolve) => deadline.signal.addEventListener("abort", () => resolve({ at: performance.now(), reason: deadline.signal.reason })));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("deadlines sharing a timer", () => {
  it("end in the order they started, none before its time, each with its own ZApiTimeoutError", async () => {
    const started: number[] = [];
    const ends: Promise<{ at: number; reason: unknown }>[] = [];
    for (let i = 0; i < 3; i++) {
      started.push(performance.now());
      ends.push(endOf(new Deadline(40, undefined)));
      await sleep(15);
    }
    const ended = await Promise.all(ends);
    ended.forEach(({ at, reason }, i) => {
      expect(reason).toBeInstanceOf(ZApiTimeoutError);
      expect((reason as ZApiTimeoutError).timeoutMs).toBe(40);
      expect(at - started[i]!).toBeGreaterThanOrEqual(39);
      expect(at - started[i]!).toBeLessThan(1_000);
    });
    expect(ended[0]!.at).toBeLessThanOrEqual(ended[1]!.at);
    expect(ended[1]!.at).toBeLessThanOrEqual(ended[2]!.at);
  });

  it("a disposed deadline never ends; the one after it still does", async () => {
    const first = new Deadline(30, undefined);
    const second = new Deadline(30, undefined);
    first.dispose();
    await endOf(second);
    await sleep(20);
    expect(first.signal.aborted).toBe(false);
  });

  it("lengths apart: the shorter ends first", async () => {
    const long = endOf(new Deadline(80, undefined));
    const short = endOf(new Deadline(20, undefined));
    const [l, s] = await Promise.all([long, short]);
    expect(s.at).toBeLessThan(l.at);
  });

  it("a deadline started by another's end (an abort listener) does not delay the rest", async () => {
    // 200 ms each, 10 ms apart: the third (started when the first ends) is due 190 ms after
    // the second, so only a timer delayed that long by a busy machine could end both at once.
    const first = new Deadline(200, undefined);
    await sleep(10);
    const secondStart = performance.now();
    const second = endOf(new Deadline(200, undefined));
    let third: Deadline | undefined;
    first.signal.addEventListener("abort", () => (third = new Deadline(200, undefined)));
    const { at } = await second;
    expect(at - secondStart).toBeLessThan(200 + 500);
    expect(third?.signal.aborted).toBe(false);
    await endOf(third!);
  });

  it("an idle shared timer does not keep the process alive", async () => {
    const script = `
      import { createZApiClient } from ${JSON.stringify(`${projectRoot}dist/index.js`)};
      const fetch = async () => new Response('{"value":true}', { headers: { "content-length": "14" } });
      const client = createZApiClient({ instanceId: "i", token: "t", baseUrl: "http://127.0.0.1:9", fetch, timeoutMs: 60_000 });
      console.log((await client.addParticipant({ autoInvite: true, communityId: "1", phones: ["5544999999999"] })).value);
    `;
    const started = performance.now();
    const { code, stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: "true" });
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("where a timer is a bare number (edge runtimes), each deadline has its own timer, and each still ends", async () => {
    // Timers that can't be unreferenced may belong to the request that set them: one call's
    // timer must never be what ends another's. Here setTimeout gives numbers, as in Workers.
    const script = `
      const real = { set: setTimeout, clear: clearTimeout };
      const timers = new Map();
      let next = 1, armed = 0;
      globalThis.setTimeout = (fn, ms, ...args) => { const id = next++; armed++; timers.set(id, real.set(() => { timers.delete(id); fn(...args); }, ms)); return id; };
      globalThis.clearTimeout = (id) => { real.clear(timers.get(id)); timers.delete(id); };
      const { createZApiClient } = await import(${JSON.stringify(`${projectRoot}dist/index.js`)});
      const fetch = (_url, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
      const client = createZApiClient({ instanceId: "i", token: "t", baseUrl: "http://127.0.0.1:9", fetch, timeoutMs: 50, retry: false });
      const call = () => client.addParticipant({ autoInvite: true, communityId: "1", phones: ["5544999999999"] }).then(() => "ok", (e) => e.name);
      const outcomes = await Promise.all([call(), call(), call()]);
      console.log(JSON.stringify({ outcomes, armed, left: timers.size }));
    `;
    const { code, stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
    expect(code, stderr).toBe(0);
    const { outcomes, armed, left } = JSON.parse(stdout) as { outcomes: string[]; armed: number; left: number };
    expect(outcomes).toEqual(["ZApiTimeoutError", "ZApiTimeoutError", "ZApiTimeoutError"]);
    expect(armed).toBeGreaterThanOrEqual(3);
    expect(left).toBe(0);
  });
});
