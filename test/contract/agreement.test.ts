import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { dropRepeats, snapshot } from "../../src/core/input.js";

/** What the client would send: normalised, then repeats dropped. */
function sent(input: unknown): unknown {
  const snap = snapshot(operations.addParticipant.input, input);
  dropRepeats(snap.dedupe);
  return snap.value;
}
import { createZApiClient, ZApiValidationError } from "../../src/index.js";
import { prismRecorder } from "../helpers/prism.js";

// Bodies near the edges of the spec, valid and invalid in every way the spec cares about.
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const phone = fc.oneof(
  { weight: 6, arbitrary: digits(1, 15) },
  { weight: 1, arbitrary: digits(16, 18) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: digits(8, 13).map((d) => `+${d.slice(0, 2)} (${d.slice(2, 4)}) ${d.slice(4)}`) },
  { weight: 1, arbitrary: digits(4, 10).map((d) => `${d}-${d}.${d}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.constant(undefined)) },
);
const phones = fc.oneof(
  { weight: 8, arbitrary: fc.array(phone, { minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(phone, { minLength: 1, maxLength: 3 }).map((list) => [...list, ...list]) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constant(null), fc.dictionary(fc.string(), fc.string())) },
);
const communityId = fc.oneof(digits(1, 20), fc.string({ maxLength: 20 }), fc.constant(""), fc.integer());
const groupId = fc.oneof(
  digits(5, 18).map((d) => `${d}-group`),
  fc.tuple(digits(8, 13), digits(8, 10)).map(([a, b]) => `${a}-${b}`),
  digits(5, 18),
  fc.string({ maxLength: 24 }),
  fc.constant(""),
);
const autoInvite = fc.oneof({ weight: 8, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) });
const form = fc.record(
  { autoInvite, communityId, groupId, phones, extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: [] },
);
// Phones as people write them: digits, or digits with the decorations the client strips.
const goodPhone = fc.oneof(digits(1, 15), digits(8, 13).map((d) => `+${d.slice(0, 2)} (${d.slice(2, 4)}) ${d.slice(4)}`));
const nearlyValid = fc.oneof(
  fc.record({ autoInvite: fc.boolean(), communityId: digits(1, 20), phones: fc.array(goodPhone, { minLength: 1, maxLength: 5 }) }),
  fc.record({ autoInvite: fc.boolean(), groupId: groupId, phones: fc.array(goodPhone, { minLength: 1, maxLength: 5 }) }),
);
// Most bodies have exactly one id and no extra field, so that valid ones are common.
const body = fc.oneof(
  { weight: 6, arbitrary: nearlyValid },
  { weight: 4, arbitrary: fc.record({ autoInvite, communityId, phones }) },
  { weight: 4, arbitrary: fc.record({ autoInvite, groupId, phones }) },
  { weight: 3, arbitrary: form },
  { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.array(fc.string(), { maxLength: 2 })) },
);

const seed = Number(process.env["FC_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env["FC_RUNS"] ?? 250);

describe("the client's local check and Prism agree on every body", () => {
  it(`${RUNS} random bodies: accepted locally exactly when Prism answers 2xx with no violation (seed ${seed})`, async () => {
    console.log(`agreement property: seed ${seed}, ${RUNS} runs (reproduce with FC_SEED=${seed})`);
    const prism = prismRecorder();
    const client = createZApiClient({ instanceId: "i", token: "t", baseUrl: prism.baseUrl, fetch: prism.fetch, retry: false });
    const rawUrl = `${prism.baseUrl}/instances/i/token/t/add-participant`;
    let accepted = 0;

    await fc.assert(
      fc.asyncProperty(body, async (input) => {
        prism.exchanges.length = 0;
        let refusedLocally = false;
        try {
          await client.addParticipant(input as never);
        } catch (error) {
          if (!(error instanceof ZApiValidationError)) throw error;
          refusedLocally = true;
        }
        if (!refusedLocally) {
          accepted++;
          expect(prism.exchanges).toEqual([{ status: 200, violations: null }]);
          return;
        }
        // Refused locally: nothing reached fetch, and Prism refuses the very body the client would have sent.
        expect(prism.exchanges).toEqual([]);
        const response = await fetch(rawUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(sent(input)) });
        await response.body?.cancel();
        expect(response.status === 422 || response.status === 400, `Prism answered ${response.status}`).toBe(true);
        expect(response.headers.get("sl-violations")).not.toBeNull();
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
    console.log(`agreement property: ${accepted} accepted, ${RUNS - accepted} refused, all agreeing with Prism`);
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(RUNS - accepted).toBeGreaterThan(RUNS / 10);
  }, 60_000);
});
