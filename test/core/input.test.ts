import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { operations } from "../../generated/operations.js";
import { dropRepeats, hash } from "../../src/core/input.js";
import { phoneReader } from "../../src/core/phone-input.js";
import { createRedactor } from "../../src/core/redact.js";
import { prepareRequest } from "../../src/core/request.js";
import { createZApiClient, parseWebhook, ZApiError, ZApiValidationError, type AddParticipantInput } from "../../src/index.js";
import { rejection } from "../helpers/secrets.js";

// The reader a client without defaultCountry uses.
const readPhone = await phoneReader(undefined);

/** The add-participant body as it would be sent. */
function prepareBody(input: unknown): AddParticipantInput {
  return JSON.parse(prepareRequest("addParticipant", operations.addParticipant, input, createRedactor([]), readPhone).body!);
}

const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };

function validationError(body: unknown): ZApiValidationError {
  try {
    prepareRequest("addParticipant", operations.addParticipant, body, createRedactor([]), readPhone);
  } catch (error) {
    if (error instanceof ZApiValidationError) return error;
    throw error;
  }
  throw new Error("expected a ZApiValidationError");
}

describe("phones are read as international numbers, then repeats dropped", () => {
  it.each([
    ["+55 (44) 99999-9999", "5544999999999"],
    ["+55-44-99999-9999", "5544999999999"],
    ["+55 44 99999 9999", "5544999999999"],
    ["\t5544999999999\n", "5544999999999"],
    ["5544999999999", "5544999999999"],
  ])("%j becomes %j", (written, sent) => {
    expect(prepareBody({ ...seed, phones: [written] }).phones).toEqual([sent]);
  });

  it("drops phones that are the same once read, keeping the first", () => {
    const body = prepareBody({ ...seed, phones: ["+55 44 99999-9999", "5544988888888", "5544999999999", "+55 44 98888 8888"] });
    expect(body.phones).toEqual(["5544999999999", "5544988888888"]);
  });

  it("leaves the caller's object and list untouched", () => {
    const phones = ["+55 44 99999-9999", "5544999999999"];
    const input = { ...seed, phones };
    const frozen = JSON.stringify(input);
    prepareBody(input);
    expect(JSON.stringify(input)).toBe(frozen);
    expect(input.phones).toBe(phones);
  });

  it("names a phone that cannot be read once, as written, with how to fix it", () => {
    const error = validationError({ ...seed, phones: ["55 44 9999-abcd", "(44) 99999-9999", "++5544999999999"] });
    expect(error.problemCount).toBe(3);
    expect(error.problems.map((p) => [p.path, p.value])).toEqual([
      ["/phones/0", "55 44 9999-abcd"],
      ["/phones/1", "(44) 99999-9999"],
      ["/phones/2", "++5544999999999"],
    ]);
    expect(error.problems[1]!.message).toContain("without its country code");
    expect(error.problems[1]!.message).toContain("defaultCountry");
  });
});

describe("bad bodies are refused with every problem, where and what", () => {
  it("lists each problem with the caller's own index and value", () => {
    const error = validationError({
      ...seed,
      phones: ["5544999999999", "+55 44 99999-9999", "12345678901234567", "55-abc", 5544],
      extra: "x",
    });
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.problems).toEqual([
      { path: "/phones/2", message: "is not a phone that can exist: too long", value: "12345678901234567" },
      { path: "/phones/3", message: expect.stringMatching(/^is written without its country code/), value: "55-abc" },
      { path: "/phones/4", message: "must be a string", value: 5544 },
      { path: "/extra", message: "is not allowed (known: autoInvite, communityId, phones)", value: "x" },
    ]);
    expect(error.message).toContain("4 problems");
    expect(error.message).toContain('/phones/3 "55-abc" is written without its country code');
    expect(error.message).toContain("nothing was sent");
  });

  it("names both forms when the body has both ids", () => {
    const error = validationError({ ...seed, groupId: "120363019502650977-group" });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(/exactly one of AddParticipantToCommunity or AddParticipantToGroup/);
    expect(error.message).toContain("/groupId");
    expect(error.message).toContain("/communityId");
  });

  it("names both forms when the body has neither id", () => {
    const error = validationError({ autoInvite: true, phones: ["5544999999999"] });
    expect(error.message).toMatch(/AddParticipantToCommunity: \/communityId is required \| AddParticipantToGroup: \/groupId is required/);
  });

  it("reports the group form's problems when the body is clearly a group", () => {
    const error = validationError({ autoInvite: true, groupId: "not-a-group", phones: ["5544999999999"] });
    expect(error.problems).toEqual([{ path: "/groupId", message: "must look like \"120363019502650977-group\" (match the pattern ^[0-9]+-(group|[0-9]+)$)", value: "not-a-group" }]);
  });

  it.each([
    ["an empty list", { ...seed, phones: [] }, "/phones", "must have at least 1 item"],
    ["no phones", { autoInvite: true, communityId: "1" }, "/phones", "is required"],
    ["a body that is not an object", "hello", "", "must be an object"],
    ["autoInvite as a string", { ...seed, autoInvite: "yes" }, "/autoInvite", "must be a boolean"],
  ])("refuses %s", (_name, body, path, message) => {
    expect(validationError(body).problems).toContainEqual(expect.objectContaining({ path, message }));
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])("refuses an extra field named %s", (name) => {
    const body = JSON.parse(`{"autoInvite":true,"communityId":"1","phones":["5544999999999"],"${name}":1}`);
    expect(validationError(body).problems).toEqual([{ path: `/${name}`, message: "is not allowed (known: autoInvite, communityId, phones)", value: 1 }]);
  });

  it("escapes / and ~ in a field's name as a JSON Pointer does", () => {
    const body = { ...seed, "a/b~c": 1 };
    expect(validationError(body).problems).toEqual([{ path: "/a~1b~0c", message: "is not allowed (known: autoInvite, communityId, phones)", value: 1 }]);
  });

  it("treats a property set to undefined as absent, as JSON.stringify does", () => {
    expect(prepareBody({ ...seed, groupId: undefined })).toEqual(seed);
    expect(validationError({ ...seed, communityId: undefined }).message).toMatch(/communityId is required/);
  });

  it("is thrown by addParticipant before fetch is called", async () => {
    const fetch = vi.fn();
    const client = createZApiClient({ instanceId: "i", token: "t", fetch });
    const error = await rejection(client.addParticipant({ ...seed, phones: [] }));
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("dropRepeats keeps the first of each repeated string, in order", () => {
  const reference = (array: unknown[]) => {
    const seen = new Set<string>();
    return array.filter((item) => typeof item !== "string" || (!seen.has(item) && (seen.add(item), true)));
  };
  const item = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("5544999999999", "5544988888888", "1", "", "a", "\ud83d") },
    { weight: 6, arbitrary: fc.string({ maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(1, null, undefined, true, ["1"], { a: 1 }) },
  );

  it("on short and long random lists (pairwise, then hashed)", () => {
    const list = fc.oneof(fc.array(item, { maxLength: 32 }), fc.array(item, { minLength: 33, maxLength: 2000 }));
    fc.assert(
      fc.property(list, (array) => {
        const expected = reference(array);
        dropRepeats([array]);
        expect(array).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("10,000 distinct phones, and the same twice over", () => {
    const phones = Array.from({ length: 10_000 }, (_, i) => `55449${10_000_000 + i}`);
    const twice = [...phones, ...phones];
    dropRepeats([twice]);
    expect(twice).toEqual(phones);
  });

  it("strings made to collide in its table: still right, through the sorted index", () => {
    // 40 items make a 64-slot table; all of them in slot 0 probe 780 times, past the 640 allowed.
    const colliding: string[] = [];
    for (let i = 0; colliding.length < 40; i++) if ((hash(String(i)) & 63) === 0) colliding.push(String(i));
    const array = [...colliding, colliding[3], ...colliding.slice(0, 5)];
    dropRepeats([array]);
    expect(array).toEqual(colliding);
  });
});

describe("inputs that would make copying or the URL fail are refused, not thrown or hung on", () => {
  it.each([32])("a graph that uses one part many times (%i levels of [x, x]) is refused once it passes 1,100,000 values, that problem first", (levels) => {
    let shared: unknown = 1;
    for (let level = 0; level < levels; level++) shared = [shared, shared];
    const error = validationError({ ...seed, extra: shared });
    expect(error.problems[0]).toEqual({ path: "", message: "holds more than 1100000 values (a part used twice counts twice)" });
    expect(error.message).toContain("input holds more than 1100000 values");
    expect(error.problems.length).toBeLessThanOrEqual(100);
  });

  it("a webhook delivery like it is refused the same way, with at most 20 problems kept", () => {
    let shared: unknown = 1;
    for (let level = 0; level < 32; level++) shared = [shared, shared];
    const error = (() => {
      try {
        return parseWebhook({ notification: "GROUP_PARTICIPANT_ADD", extra: shared });
      } catch (thrown) {
        return thrown;
      }
    })() as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems[0]).toEqual({ path: "", message: "holds more than 1100000 values (a part used twice counts twice)" });
    expect(error.problems.length).toBeLessThanOrEqual(20);
    expect(error.problemCount).toBeGreaterThan(1000);
  });

  it("a part used twice is still copied and sent when the whole stays small", () => {
    const phones = ["5544999999999"];
    const descriptor = { ...operations.addParticipant, input: { type: "object" as const, additionalProperties: true } };
    const sent = JSON.parse(prepareRequest("op", descriptor, { a: phones, b: phones }, createRedactor([])).body!);
    expect(sent).toEqual({ a: phones, b: phones });
  });

  // No operation of the spec has a free-text path parameter (all are digits): this one does.
  const freeText = {
    method: "GET" as const,
    path: "/things/{a}/{b}",
    pathParams: ["a", "b"],
    queryParams: [],
    hasBody: false,
    retrySafe: true,
    input: { type: "object" as const, additionalProperties: false, required: ["a", "b"], properties: { a: { type: "string" as const }, b: { type: "string" as const } } },
    result: { type: "object" as const },
  };
  const prepared = (input: object) => {
    try {
      return prepareRequest("getThing", freeText, input, createRedactor([]));
    } catch (error) {
      return error;
    }
  };

  it.each([
    ["a lone high surrogate", "x\ud800"],
    ["a lone low surrogate", "\udc00y"],
  ])("%s in a path parameter is a ZApiValidationError naming it, not a URIError", (_name, text) => {
    const error = prepared({ a: "fine", b: text }) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems).toEqual([{ path: "/b", message: "holds a lone surrogate (half of a UTF-16 pair), which a URL cannot carry", value: text }]);
  });

  it.each([".", "..", "%2E", "%2e%2E", ".%2e"])("%s as a path parameter is refused", (text) => {
    const error = prepared({ a: text, b: "fine" }) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems[0]).toMatchObject({ path: "/a", message: 'cannot be "." or ".." (it would change the path called)' });
  });

  it("a well-formed value is encoded into its place, a surrogate pair included", () => {
    expect(prepared({ a: "a/b ?#", b: "😀" })).toEqual({ path: "/things/a%2Fb%20%3F%23/%F0%9F%98%80", body: undefined });
  });
});
