import { describe, expect, it } from "vitest";
import { createZApiClient } from "../../src/index.js";
import { json, startServer } from "../helpers/server.js";

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] };

describe("load", () => {
  it("1,000 calls at concurrency 50 all succeed, with no listener warning and no socket build-up", async () => {
    const server = await startServer((_req, res) => json(res, 200, { value: true }));
    const client = createZApiClient({ instanceId: "i", token: "t", baseUrl: server.url });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    // One signal shared by every call, as an app shutting down would pass.
    const shared = new AbortController().signal;
    const socketsAfterRound: number[] = [];
    let succeeded = 0;
    try {
      for (let round = 0; round < 5; round++) {
        let next = 0;
        const worker = async () => {
          while (next < 200) {
            next++;
            const result = await client.addParticipant(seed, { signal: shared });
            if ("value" in result && result.value === true) succeeded++;
          }
        };
        await Promise.all(Array.from({ length: 50 }, worker));
        socketsAfterRound.push(server.openSockets());
      }
    } finally {
      process.off("warning", onWarning);
    }
    expect(succeeded).toBe(1_000);
    expect(server.requests).toHaveLength(1_000);
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    expect(warnings).toEqual([]);
    // undici's pool settles at up to two sockets per concurrent call (raw fetch does the
    // same here); a leak of one socket per call would pass that within the first round.
    for (const open of socketsAfterRound) expect(open).toBeLessThanOrEqual(2 * 50);
    console.log(`load: 1000/1000 succeeded; open sockets after each round of 200: ${socketsAfterRound.join(", ")}`);
  }, 60_000);
});
