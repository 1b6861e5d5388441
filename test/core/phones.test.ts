// Issue 19, point 5: phones are read as phones, in the library too, the way the command
// reads them; a Linked ID is never read as one.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createZApiClient, ZApiError, ZApiValidationError } from "../../src/index.js";
import { operations } from "../../generated/operations.js";
import type { Schema } from "../../src/core/schema.js";
import { rejection } from "../helpers/secrets.js";
import { bundledSpec, requestExamples, specOperations } from "../helpers/spec.js";
import { fakeFetch } from "../hostile/hostile.js";

afterEach(() => vi.unstubAllEnvs());

/** The top-level fields of an input schema (each form of a oneOf) that name a person: one, or a list. */
function phoneFields(schema: Schema): Map<string, "one" | "list"> {
  const found = new Map<string, "one" | "list">();
  for (const form of [schema, ...((schema as { oneOf?: Schema[] }).oneOf ?? [])]) {
    for (const [field, sub] of Object.entries((form as { properties?: Record<string, Schema> }).properties ?? {})) {
      const { phone, items } = sub as { phone?: boolean; items?: { phone?: boolean } };
      if (phone) found.set(field, "one");
      else if (items?.phone) found.set(field, "list");
    }
  }
  return found;
}

/** What addParticipant sends for `phones`, or the error it throws before sending. */
async function sent(phones: string[], options: { defaultCountry?: string } = {}) {
  const { fetch, calls } = fakeFetch(() => new Response('{"value":true}'));
  // A token like a real one: the redactor hides every form of it, and "t" would take every t.
  const client = createZApiClient({ instanceId: "i", token: "Vq8Xz3tok9f8e7d6c5b4a3", fetch, retry: false, ...options });
  try {
    await client.addParticipant({ autoInvite: true, communityId: "120363019502650977", phones });
  } catch (error) {
    expect(calls).toHaveLength(0);
    return error as Error;
  }
  expect(calls).toHaveLength(1);
  return (JSON.parse(String(calls[0]!.init?.body)) as { phones: string[] }).phones;
}

describe("without defaultCountry", () => {
  it.each([
    ["5544999999999", "5544999999999"],
    ["+55 (44) 99999-9999", "5544999999999"],
    ["+351 912 345 678", "351912345678"],
    ["  5544999999999\n", "5544999999999"],
  ])("%j is read as an international number: %s", async (written, phone) => {
    expect(await sent([written])).toEqual([phone]);
  });

  it.each(["(44) 99999-9999", "44 99999-9999", "044 99999 9999"])("%j, a national form, is refused before sending, saying how to fix it", async (written) => {
    const error = (await sent([written])) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems).toEqual([{ path: "/phones/0", value: written, message: expect.stringContaining("without its country code") }]);
    expect(error.message).toContain("defaultCountry");
    expect(error.message).toContain("+55 44 99999-9999");
  });

  it("44999999999, digits alone, is read as +44 9 9999 9999, which cannot exist: refused, never sent to the UK", async () => {
    const error = (await sent(["44999999999"])) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems[0]!.message).toMatch(/^is not a phone that can exist/);
  });

  it("a number that cannot exist is refused, with why (the docs' own 5544888888888 among them)", async () => {
    const error = (await sent(["5544888888888", "123"])) as ZApiValidationError;
    expect(error.problems.map((p) => [p.value, p.message])).toEqual([
      ["5544888888888", "is not a phone that can exist: no such number in BR"],
      ["123", expect.stringMatching(/^is not a phone that can exist: /)],
    ]);
  });

  it("a Brazilian mobile without its ninth digit, as WhatsApp may know it, is read with it, and is one person with it", async () => {
    expect(await sent(["554499999999", "+55 44 9999-8888", "5544999999999"])).toEqual(["5544999999999", "5544999998888"]);
  });
});

describe("with defaultCountry", () => {
  it('"BR": (44) 99999-9999, 44999999999 and 5544999999999 all go out as 5544999999999 (and are one phone)', async () => {
    expect(await sent(["(44) 99999-9999", "44999999999", "5544999999999", "+55 44 99999-9999"], { defaultCountry: "BR" })).toEqual(["5544999999999"]);
  });

  it("ZAPI_DEFAULT_COUNTRY sets it when the option is not given, in any case", async () => {
    vi.stubEnv("ZAPI_DEFAULT_COUNTRY", "br");
    expect(await sent(["(44) 99999-9999"])).toEqual(["5544999999999"]);
  });

  it('a national form of another country: "PT" reads 912 345 678 as 351912345678', async () => {
    expect(await sent(["912 345 678"], { defaultCountry: "PT" })).toEqual(["351912345678"]);
  });

  it("an old national mobile without its ninth digit, with BR", async () => {
    expect(await sent(["(44) 9999-8888"], { defaultCountry: "BR" })).toEqual(["5544999998888"]);
  });

  it("a malformed defaultCountry is refused at creation, naming the option", () => {
    expect(() => createZApiClient({ instanceId: "i", token: "t", defaultCountry: "Brazil" })).toThrow(/`defaultCountry` must be a two-letter ISO 3166 country code, such as "BR", got "Brazil"/);
    vi.stubEnv("ZAPI_DEFAULT_COUNTRY", "55");
    expect(() => createZApiClient({ instanceId: "i", token: "t" })).toThrow(/`ZAPI_DEFAULT_COUNTRY` must be a two-letter/);
  });

  it("a country libphonenumber-js does not know is refused at the first call that names a phone, and nothing is sent", async () => {
    const error = (await sent(["5544999999999"], { defaultCountry: "XX" })) as Error;
    expect(error).toBeInstanceOf(ZApiError);
    expect(error.message).toBe('`defaultCountry` "XX" is not a country libphonenumber-js knows: use an ISO 3166 code such as "BR", "PT" or "US"');
  });
});

describe("Linked IDs", () => {
  it.each([undefined, "BR"])("are sent exactly as written, never read as a phone (defaultCountry %s)", async (defaultCountry) => {
    const options = defaultCountry ? { defaultCountry } : {};
    expect(await sent(["221783940681929@lid", "5544999999999", "65998849469@lid"], options)).toEqual(["221783940681929@lid", "5544999999999", "65998849469@lid"]);
  });

  it("a lid and the phone of its digits are two people, not a repeat", async () => {
    expect(await sent(["221783940681929@lid", "221783940681929"])).toBeInstanceOf(ZApiValidationError);
    expect(await sent(["5544999999999@lid", "5544999999999"])).toEqual(["5544999999999@lid", "5544999999999"]);
  });

  // Wherever the spec names a person (x-zapi-phone), whatever the operation.
  const LID = "221783940681929@lid";
  const naming = (Object.keys(operations) as (keyof typeof operations)[]).filter((name) => phoneFields(operations[name].input).size > 0);

  it("the operations that name a person are the ones expected", () => {
    expect(naming.sort()).toEqual(
      ["addAdmin", "addParticipant", "approveParticipant", "createGroup", "rejectParticipant", "removeAdmin", "removeParticipant", "sendText"].sort(),
    );
  });

  it.each(naming)("%s sends a Linked ID exactly as written, in every field that names a person", async (name) => {
    const spec = await bundledSpec();
    const op = specOperations(spec).find((candidate) => candidate.operationId === name)!;
    const { fetch, calls } = fakeFetch(() => new Response("{}", { status: 200 }));
    const client = createZApiClient({ instanceId: "i", token: "Vq8Xz3tok9f8e7d6c5b4a3", fetch, retry: false });
    let tried = 0;
    for (const example of requestExamples(op)) {
      const fields = phoneFields(operations[name].input);
      const input = Object.fromEntries(
        Object.entries(example.input as Record<string, unknown>).map(([field, value]) => [field, fields.get(field) === "list" ? [LID] : fields.get(field) === "one" ? LID : value]),
      );
      if (!Object.keys(input).some((field) => fields.has(field))) continue;
      calls.length = 0;
      await (client[name] as (input: unknown) => Promise<unknown>)(input).catch(() => {});
      expect(calls, `${name} / ${example.name}`).toHaveLength(1);
      const body = JSON.parse(String(calls[0]!.init?.body)) as Record<string, unknown>;
      for (const [field, kind] of fields) if (field in input) expect(body[field], `${name} / ${example.name} / ${field}`).toEqual(kind === "list" ? [LID] : LID);
      tried++;
    }
    expect(tried, `${name}: an example that names a person`).toBeGreaterThan(0);
  });

  it("a lid in the wrong form is named as such", async () => {
    const error = (await sent(["12a@lid"])) as ZApiValidationError;
    expect(error).toBeInstanceOf(ZApiValidationError);
    expect(error.problems[0]!.path).toBe("/phones/0");
  });
});

describe("cost", () => {
  it("an operation that names no phone never loads the phone module, and needs no defaultCountry check", async () => {
    const { fetch } = fakeFetch(() => new Response('{"value":true}'));
    // An unknown country would be refused by the first call that reads a phone; this one reads none.
    const client = createZApiClient({ instanceId: "i", token: "t", fetch, defaultCountry: "XX" });
    await expect(client.updateWebhookReceived({ value: "https://example.com/hook" })).resolves.toEqual({ value: true });
  });
});
