import { assertType, describe, expectTypeOf, it } from "vitest";
import { createZApiClient, type AddParticipantInput, type AddParticipantResult, type EmptyAnswer, type GetGroupMetadataResult, type ListGroupsResult, type RetryOptions } from "../src/index.js";

const client = createZApiClient({ instanceId: "i", token: "t" });

describe("addParticipant's types", () => {
  it("accepts the community form and the group form", () => {
    assertType<AddParticipantInput>({ autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] });
    assertType<AddParticipantInput>({ autoInvite: false, groupId: "120363019502650977-group", phones: ["5544999999999"] });
  });

  it("refuses a body with both ids, or neither, or without phones or autoInvite", () => {
    // @ts-expect-error both ids
    assertType<AddParticipantInput>({ autoInvite: true, communityId: "1", groupId: "1-group", phones: ["1"] });
    // @ts-expect-error neither id
    assertType<AddParticipantInput>({ autoInvite: true, phones: ["1"] });
    // @ts-expect-error no phones
    assertType<AddParticipantInput>({ autoInvite: true, communityId: "1" });
    // @ts-expect-error no autoInvite
    assertType<AddParticipantInput>({ communityId: "1", phones: ["1"] });
    // @ts-expect-error an unknown field
    assertType<AddParticipantInput>({ autoInvite: true, communityId: "1", phones: ["1"], extra: 1 });
    // @ts-expect-error phones are strings
    assertType<AddParticipantInput>({ autoInvite: true, communityId: "1", phones: [5544999999999] });
  });

  it("resolves to { value: boolean }, or an empty answer: it changes state", () => {
    expectTypeOf(client.addParticipant).returns.resolves.toEqualTypeOf<{ value: boolean } | EmptyAnswer>();
    expectTypeOf<AddParticipantResult>().toEqualTypeOf<{ value: boolean } | EmptyAnswer>();
    const result = {} as AddParticipantResult;
    // @ts-expect-error the answer may have been empty: narrow first
    void result.value;
    if (!("emptyAnswer" in result)) expectTypeOf(result.value).toEqualTypeOf<boolean>();
  });

  it("a read never resolves to an empty answer", () => {
    expectTypeOf(client.getGroupMetadata).returns.resolves.toEqualTypeOf<GetGroupMetadataResult>();
    expectTypeOf<Extract<GetGroupMetadataResult, EmptyAnswer>>().toEqualTypeOf<never>();
    expectTypeOf<Extract<Awaited<ReturnType<typeof client.getGroupInvitationLink>>, EmptyAnswer>>().toEqualTypeOf<never>();
  });

  it("takes signal, timeoutMs and retry per call, nothing else", () => {
    expectTypeOf(client.addParticipant).parameter(1).toEqualTypeOf<{ signal?: AbortSignal | undefined; timeoutMs?: number | undefined; retry?: false | RetryOptions | undefined } | undefined>();
    // @ts-expect-error not a call option
    void client.addParticipant({ autoInvite: true, communityId: "1", phones: ["1"] }, { retries: 2 });
  });
});

describe("api's types", () => {
  it("takes paths relative to the credentials, without instanceId or token", async () => {
    const { data } = await client.api.POST("/add-participant", { body: { autoInvite: true, communityId: "1", phones: ["1"] } });
    expectTypeOf(data).toEqualTypeOf<{ value: boolean } | undefined>();
    // @ts-expect-error the full path is not an api path: the client adds the prefix
    void client.api.POST("/instances/{instanceId}/token/{token}/add-participant", { body: { autoInvite: true, communityId: "1", phones: ["1"] } });
    // @ts-expect-error the body is still checked against the spec
    void client.api.POST("/add-participant", { body: { autoInvite: true, phones: ["1"] } });
  });
});

describe("answers as the service sends them: Linked IDs and loose flags are typed as they come", () => {
  it("a participant carries its phone (which may be a Linked ID) and its lid", () => {
    type Participant = NonNullable<GetGroupMetadataResult["participants"]>[number];
    expectTypeOf<Participant["phone"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Participant["lid"]>().toEqualTypeOf<string | null | undefined>();
  });

  it("a chat's flags are a boolean or the string the service sends", () => {
    type Chat = ListGroupsResult[number];
    expectTypeOf<Chat["pinned"]>().toEqualTypeOf<boolean | string | undefined>();
    // @ts-expect-error a flag sent as a string is not a plain boolean
    expectTypeOf<Chat["pinned"]>().toEqualTypeOf<boolean | undefined>();
  });
});
