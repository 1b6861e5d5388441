import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import type { Schema } from "../../src/core/schema.js";
import { validate as check } from "../../src/core/validate.js";
import { projectRoot } from "../helpers/project.js";

// The rules the spec must encode, checked on the schema generated from it. The contract
// tests send the same bodies to Prism, which reads the spec itself.
const seed = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };
const addParticipantRequestSchema = operations.addParticipant.input;
const addParticipantResultSchema = operations.addParticipant.result;
const validate = (schema: Schema, value: unknown) => check(schema, value).problems;
const group = { autoInvite: true, groupId: "120363019502650977-group", phones: ["5544999999999", "5544988888888"] };

export const invalidBodies: Record<string, unknown> = {
  "both ids": { ...seed, groupId: "120363019502650977-group" },
  "neither id": { autoInvite: true, phones: ["5544999999999"] },
  "an unknown extra field": { ...seed, extra: 1 },
  "empty phones": { ...seed, phones: [] },
  "a phone with a plus": { ...seed, phones: ["+5544999999999"] },
  "a phone with a space": { ...seed, phones: ["5544 999999999"] },
  "a phone with letters": { ...seed, phones: ["55449999abc"] },
  "a phone of 16 digits": { ...seed, phones: ["1234567890123456"] },
  "missing autoInvite": { communityId: seed.communityId, phones: seed.phones },
  "missing phones": { autoInvite: true, communityId: seed.communityId },
  "autoInvite as a string": { ...seed, autoInvite: "true" },
  "a group id in no documented format": { ...group, groupId: "120363019502650977" },
  "a Linked ID without its digits": { ...seed, phones: ["@lid"] },
  "a Linked ID with a letter": { ...seed, phones: ["22178394068192x@lid"] },
};

describe("spec/zapi.yaml", () => {
  it.each(Object.entries(invalidBodies))("rejects a body with %s", (_name, body) => {
    expect(validate(addParticipantRequestSchema, body)).not.toEqual([]);
  });

  it.each([
    ["the seed's community example", seed],
    ["a group example in the current id format", group],
    ["a group id in the legacy format", { ...group, groupId: "5511999999999-1623281429" }],
    ["a phone of exactly 15 digits", { ...seed, phones: ["123456789012345"] }],
    ["a Linked ID, as the join-request webhook names people", { ...seed, phones: ["221783940681929@lid"] }],
    ["phones and Linked IDs together", { ...seed, phones: ["5544999999999", "221783940681929@lid"] }],
  ])("accepts %s", (_name, body) => {
    expect(validate(addParticipantRequestSchema, body)).toEqual([]);
  });

  it("declares phones unique, and lets the client drop repeats (x-zapi-dedupe) before the check", () => {
    const phones = (addParticipantRequestSchema.oneOf![0]!.properties!["phones"])!;
    expect(phones).toMatchObject({ uniqueItems: true, dedupe: true, items: { phone: true } });
  });

  it("describes 200 as { value: boolean }, with value required", () => {
    expect(validate(addParticipantResultSchema, { value: false })).toEqual([]);
    expect(validate(addParticipantResultSchema, {})).not.toEqual([]);
    expect(validate(addParticipantResultSchema, { value: "true" })).not.toEqual([]);
  });

  it("carries the seed's example, the optional Client-Token and the documented answers", () => {
    const text = readFileSync(`${projectRoot}spec/zapi.yaml`, "utf8");
    expect(text).toContain("/instances/{instanceId}/token/{token}/add-participant:");
    expect(text).toContain("communityId: '120363019502650977'");
    expect(text).toMatch(/security:\n\s+- \{\}\n\s+- ClientToken: \[\]/);
    for (const status of ["'200':", "'405':", "'415':", "error: null not allowed"]) expect(text).toContain(status);
  });
});
