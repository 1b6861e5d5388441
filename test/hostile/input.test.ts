// Issue 10, point 8: whatever the caller hands in, hostile or careless, ends in a
// ZApiValidationError with nothing sent, or is sent exactly as it was checked.
import { describe, expect, it } from "vitest";
import { ZApiValidationError } from "../../src/index.js";
import { clientFor, expectNoTrace, fakeFetch, rejection, seed, TOKEN } from "./hostile.js";

/** A client whose fetch records the bodies it was given and answers `{ value: true }`. */
function recording() {
  const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
  return { client: clientFor("https://api.z-api.io", { fetch }), calls, sent: () => calls.map((call) => JSON.parse(String(call.init?.body))) };
}

async function refused(input: unknown): Promise<ZApiValidationError> {
  const { client, calls } = recording();
  const error = await rejection(client.addParticipant(input as never));
  expect(error).toBeInstanceOf(ZApiValidationError);
  expect(calls).toHaveLength(0);
  expectNoTrace(error);
  return error as ZApiValidationError;
}

describe("cycles", () => {
  it("an input that refers to itself", async () => {
    const input: Record<string, unknown> = { ...seed };
    input["self"] = input;
    expect((await refused(input)).message).toContain("cycle");
  });

  it("a phone list that holds itself", async () => {
    const phones: unknown[] = ["5544999999999"];
    phones.push(phones);
    expect((await refused({ ...seed, phones })).message).toContain("cycle");
  });

  it("a cycle deep down, through objects and arrays", async () => {
    const a: Record<string, unknown> = {};
    const b = [{ a }];
    a["b"] = b;
    expect((await refused({ ...seed, extra: { a } })).message).toContain("cycle");
  });

  it("the same object twice is not a cycle, and is judged on its own", async () => {
    const shared = { x: 1 };
    const error = await refused({ ...seed, one: shared, two: shared });
    expect(error.problems.map((problem) => problem.path)).toEqual(["/one", "/two"]);
  });
});

describe("getters", () => {
  it.each([
    ["an Error", () => new Error(`no ${TOKEN}`)],
    ["a string", () => `no ${TOKEN}`],
    ["a Symbol", () => Symbol(TOKEN)],
    ["an object whose toString throws", () => ({ toString: () => { throw new Error("again"); } })],
    ["an Error whose message getter throws", () => Object.defineProperty(new Error(), "message", { get: () => { throw new Error("again"); } })],
    ["null", () => null],
  ])("a getter that throws %s", async (_name, make) => {
    const input = { ...seed, get phones(): string[] { throw make(); } };
    const error = await refused(input);
    expect(error.problems[0]!.path).toBe("/phones");
    expect(error.problems[0]!.message).toMatch(/could not be read/);
  });

  it("a getter on one phone that throws", async () => {
    const phones = ["5544999999999"];
    Object.defineProperty(phones, 1, { get: () => { throw new RangeError("no"); }, enumerable: true });
    expect((await refused({ ...seed, phones })).problems[0]!.path).toBe("/phones/1");
  });

  it("a getter that answers a valid list when checked and a bad one after: what is sent is what was checked", async () => {
    const { client, calls, sent } = recording();
    let reads = 0;
    const input = {
      autoInvite: true,
      communityId: "120363019502650977",
      get phones() {
        return reads++ === 0 ? ["5544999999999"] : ["not a phone", "5544999999999"];
      },
    };
    await expect(client.addParticipant(input)).resolves.toEqual({ value: true });
    expect(reads).toBe(1);
    expect(calls).toHaveLength(1);
    expect(sent()).toEqual([{ autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] }]);
  });

  it("a getter that answers a bad list first and a valid one after: refused, nothing sent", async () => {
    let reads = 0;
    const input = {
      autoInvite: true,
      communityId: "120363019502650977",
      get phones() {
        return reads++ === 0 ? ["not a phone"] : ["5544999999999"];
      },
    };
    await refused(input);
    expect(reads).toBe(1);
  });

  it("a phone whose getter changes on every read is read once, and sent as read", async () => {
    const { client, sent } = recording();
    let reads = 0;
    const phones: string[] = [];
    Object.defineProperty(phones, 0, { get: () => (reads++ === 0 ? "+55 44 99999-9999" : "junk"), enumerable: true });
    await client.addParticipant({ ...seed, phones });
    expect(reads).toBe(1);
    expect(sent()[0].phones).toEqual(["5544999999999"]);
  });

  it("a toJSON on the input or its prototype is not what is sent: the checked copy is", async () => {
    const { client, sent } = recording();
    class Body {
      autoInvite = true;
      communityId = "120363019502650977";
      phones = ["5544999999999"];
      toJSON() {
        return { autoInvite: true, groupId: "x", phones: ["not checked"] };
      }
    }
    await client.addParticipant(new Body());
    expect(sent()).toEqual([{ autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] }]);
    const phones = Object.assign(["5544999999999"], { toJSON: () => ["not checked"] });
    await client.addParticipant({ ...seed, phones });
    expect(sent()[1]).toEqual({ ...seed, phones: ["5544999999999"] });
  });
});

describe("Proxies", () => {
  const throwing = (trap: keyof ProxyHandler<object>) => new Proxy({ ...seed }, { [trap]: () => { throw new Error(`${trap} says no ${TOKEN}`); } });

  it.each(["ownKeys", "get", "getOwnPropertyDescriptor", "has", "getPrototypeOf"] as const)("a Proxy whose %s trap throws: refused, or read as plain data", async (trap) => {
    const { client, calls, sent } = recording();
    const outcome = await client.addParticipant(throwing(trap) as never).catch((error: unknown) => error);
    if (outcome instanceof ZApiValidationError) {
      expect(calls).toHaveLength(0);
      expectNoTrace(outcome);
    } else {
      // A trap the snapshot never calls: the copy is plain data, sent as checked.
      expect(outcome).toEqual({ value: true });
      expect(sent()).toEqual([seed]);
    }
  });

  it("a revoked Proxy, as the input and as the phone list", async () => {
    const input = Proxy.revocable({ ...seed }, {});
    input.revoke();
    await refused(input.proxy);
    const phones = Proxy.revocable(["5544999999999"], {});
    phones.revoke();
    await refused({ ...seed, phones: phones.proxy });
  });

  it("a Proxy that lies: keys it does not have, and a different answer on every read", async () => {
    const { client, calls, sent } = recording();
    let reads = 0;
    const liar = new Proxy({} as Record<string, unknown>, {
      ownKeys: () => ["autoInvite", "communityId", "phones"],
      getOwnPropertyDescriptor: () => ({ value: "anything", enumerable: true, configurable: true, writable: true }),
      get: (_target, key) => {
        reads++;
        if (key === "autoInvite") return true;
        if (key === "communityId") return "120363019502650977";
        return reads % 2 ? ["5544999999999"] : ["junk"];
      },
      has: () => false,
    });
    await client.addParticipant(liar as never);
    expect(calls).toHaveLength(1);
    // Each property read once, and what was read is what was sent.
    expect(reads).toBe(3);
    expect(sent()).toEqual([{ autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] }]);
  });

  it("a phone list that lies about its length (a trillion)", async () => {
    const phones = new Proxy(["5544999999999"], { get: (target, key, receiver) => (key === "length" ? 1e12 : Reflect.get(target, key, receiver)) });
    const error = await refused({ ...seed, phones });
    expect(error.message.length).toBeLessThan(8_000);
  }, 5_000);

  it("a sparse phone list of length 2^32 - 1", async () => {
    const phones: string[] = [];
    phones.length = 2 ** 32 - 1;
    phones[0] = "5544999999999";
    const error = await refused({ ...seed, phones });
    expect(error.message.length).toBeLessThan(8_000);
  }, 5_000);
});

describe("size", () => {
  it("150,000 invalid phones: at most 100 problems kept, all counted, the message a few kB and saying how many were left out", async () => {
    const phones = Array.from({ length: 150_000 }, (_, i) => `bad-${i}`);
    const error = await refused({ ...seed, phones });
    expect(error.problems.length).toBeLessThanOrEqual(100);
    expect(error.problemCount).toBe(150_000);
    expect(error.message.length).toBeLessThan(8_000);
    expect(error.message).toContain("150000 problems");
    expect(error.message).toContain(`and ${150_000 - 20} more not listed here`);
  });

  it("invalid phones 200 kB long each: the message stays a few kB", async () => {
    const phones = ["a", "b", "c"].map((letter) => letter.repeat(200_000));
    const error = await refused({ ...seed, phones });
    expect(error.message.length).toBeLessThan(8_000);
  });

  it("a property name 200 kB long: the message stays a few kB", async () => {
    const error = await refused({ ...seed, ["k".repeat(200_000)]: 1 });
    expect(error.message.length).toBeLessThan(10_000);
  });

  it("a getter whose exception is 200 kB long: message and problem stay a few kB", async () => {
    const error = await refused({ ...seed, get phones(): string[] { throw new Error("e".repeat(200_000)); } });
    expect(error.message.length).toBeLessThan(10_000);
    expect(error.problems[0]!.message.length).toBeLessThan(10_000);
  });

  it("100,000 levels of nesting: refused, no stack overflow", async () => {
    let deep: unknown = "5544999999999";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect((await refused({ ...seed, phones: deep })).message).toMatch(/deeper than 32 levels|must be a string/);
    let object: Record<string, unknown> = {};
    const root = object;
    for (let i = 0; i < 100_000; i++) object = object["a"] = {};
    expect((await refused({ ...seed, extra: root })).message).toMatch(/deeper than 32 levels|not allowed/);
  });
});

describe("not even an object", () => {
  it.each([
    ["null", null],
    ["a string", "5544999999999"],
    ["a number", 42],
    ["a BigInt", 42n],
    ["a Symbol", Symbol("input")],
    ["a function", () => ({ ...seed })],
    ["an array", [seed]],
    ["a Date", new Date(0)],
    ["a Map", new Map(Object.entries(seed))],
  ])("%s", async (_name, input) => {
    await refused(input);
  });

  it("values JSON cannot carry, deep in the input: refused, never a TypeError from JSON.stringify", async () => {
    for (const bad of [1n, Symbol("s"), () => 1, Number.NaN, Infinity, undefined]) {
      await refused({ ...seed, phones: ["5544999999999", bad] });
      await refused({ ...seed, autoInvite: bad });
    }
  });
});
