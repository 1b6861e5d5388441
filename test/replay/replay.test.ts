// Issue 19, point 8: answers the real service has been seen to send (test/replay/answers.ts,
// each with its source), served by a local server to every operation of the spec.
import { describe, expect, it } from "vitest";
import { operations, type Operations } from "../../generated/operations.js";
import { createZApiClient, droppedFields, parseWebhook, ZApiHttpError, ZApiResponseError, type ZApiClient } from "../../src/index.js";
import { CLIENT_TOKEN, expectNoTrace, TOKEN } from "../hostile/hostile.js";
import { startServer, type LocalServer } from "../helpers/server.js";
import { bundledSpec, requestExamples, schemaExampleInputs, specOperations } from "../helpers/spec.js";
import { EMPTY_ANSWERS, ERROR_ANSWERS, LID_DELIVERIES, LID_METADATA, STRING_FLAG_GROUPS, type ReplayAnswer } from "./answers.js";

type Name = keyof Operations;
const spec = await bundledSpec();
const names = Object.keys(operations) as Name[];
// One valid input per operation, from the spec's own examples, as the contract tests use them.
const inputs = new Map(
  specOperations(spec).map((op) => {
    const [first] = [...requestExamples(op), ...schemaExampleInputs(op)];
    return [op.operationId, first?.input ?? {}] as const;
  }),
);

/** A local server answering whatever `answer` holds, and a client on it. */
async function replay(): Promise<{ server: LocalServer; client: ZApiClient; answer: { current: ReplayAnswer }; logged: string[] }> {
  const answer = { current: ERROR_ANSWERS[0]! as ReplayAnswer };
  const server = await startServer((_request, response) => {
    const { status, json, text } = answer.current;
    const body = json === undefined ? (text ?? "") : JSON.stringify(json);
    response.writeHead(status, json === undefined ? {} : { "content-type": "application/json" });
    response.end(status === 204 ? undefined : body);
  });
  const logged: string[] = [];
  const logger = { error: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), info: (m: string) => logged.push(m), debug: (m: string) => logged.push(m) };
  const client = createZApiClient({ instanceId: "inst", token: TOKEN, clientToken: CLIENT_TOKEN, baseUrl: server.url, retry: false, logger, logLevel: "debug" });
  return { server, client, answer, logged };
}

const call = (client: ZApiClient, name: Name) => (client[name] as (input: unknown) => Promise<unknown>)(inputs.get(name));

describe("every operation, against answers the service has been seen to send", () => {
  it("has an input for every operation", () => {
    for (const name of names) expect(inputs.get(name), name).toBeDefined();
  });

  it.each(names)("%s: every error body is an error, whatever its status, with Z-API's words, a reason and a hint; no secret in it", async (name) => {
    const { client, answer, logged } = await replay();
    for (const error of ERROR_ANSWERS) {
      answer.current = error;
      const outcome = await call(client, name).then(
        (result) => ({ result }),
        (thrown: unknown) => thrown,
      );
      expect(outcome, `${name} / ${error.id}`).toBeInstanceOf(ZApiHttpError);
      const http = outcome as ZApiHttpError;
      expect({ status: http.status, reason: http.reason, serverText: http.serverText }, `${name} / ${error.id}`).toEqual({ status: error.status, reason: error.reason, serverText: error.serverText });
      expect(http.hint.length).toBeGreaterThan(10);
      // Every Client-Token error says where the Client-Token goes (issue 19, point 2).
      if (error.reason.startsWith("client-token")) expect(http.hint, `${name} / ${error.id}`).toMatch(/`clientToken` \(or ZAPI_CLIENT_TOKEN\)/);
      expect(http.message).toContain(`(${error.reason}: ${http.hint})`);
      if (error.serverText) expect(http.message).toContain(JSON.stringify(error.serverText));
      expectNoTrace(http, [TOKEN, CLIENT_TOKEN]);
    }
    // The attempts were logged at debug, and no line holds a piece of a secret.
    expect(logged.length).toBeGreaterThanOrEqual(ERROR_ANSWERS.length);
    expectNoTrace(logged, [TOKEN, CLIENT_TOKEN]);
  });

  it.each(names)("%s: a 2xx with no body is a success where Z-API acted, an error where it only reads", async (name) => {
    const { client, answer } = await replay();
    for (const empty of EMPTY_ANSWERS) {
      answer.current = empty;
      const outcome = await call(client, name).then(
        (result) => ({ result }),
        (thrown: unknown) => ({ thrown }),
      );
      if (operations[name].retrySafe) {
        expect("thrown" in outcome && outcome.thrown, `${name} / ${empty.id}`).toBeInstanceOf(ZApiResponseError);
        expect(String((outcome as { thrown: Error }).thrown.message)).toContain("it is empty");
      } else {
        expect(outcome, `${name} / ${empty.id}`).toEqual({ result: { emptyAnswer: true, status: empty.status } });
      }
    }
  });
});

describe("Linked IDs and drift in answers", () => {
  it.each(["getGroupMetadata", "getLightGroupMetadata"] as const)("%s keeps each participant's phone and lid, a phone that is a lid included", async (name) => {
    const { client, answer, logged } = await replay();
    answer.current = LID_METADATA;
    const group = await client[name]({ groupId: "120363019502650977-group" });
    expect(group.participants).toEqual((LID_METADATA.json as { participants: unknown[] }).participants);
    expect(group.name).toBe("Comunidade");
    // The field the spec does not declare is left out, and says so.
    expect(group).not.toHaveProperty("unknownNewField");
    expect(droppedFields(group)).toEqual([{ path: "/unknownNewField", why: "unknown" }]);
    expect(logged.some((line) => line.includes("/unknownNewField") && line.includes("does not declare"))).toBe(true);
  });

  it("listGroups keeps flags and counters sent as strings, typed as the union they are", async () => {
    const { client, answer } = await replay();
    answer.current = STRING_FLAG_GROUPS;
    const [group] = await client.listGroups({ page: 1, pageSize: 10 });
    expect(group).toEqual((STRING_FLAG_GROUPS.json as unknown[])[0]);
    const pinned: boolean | string | undefined = group?.pinned;
    expect(pinned).toBe("false");
    expect(droppedFields(group)).toEqual([]);
  });

  it("a field in a form the spec does not allow is left out, the call succeeds, and a warning says so once", async () => {
    const { client, answer, logged } = await replay();
    const drifted = { ...(LID_METADATA.json as object), participants: [{ phone: "5544999999999", isAdmin: 1 }, { phone: "5511988887777", isAdmin: 0 }], requireAdminApproval: "yes" };
    answer.current = { id: "drifted", status: 200, json: drifted, source: "a type the docs never showed" };
    const group = await client.getGroupMetadata({ groupId: "120363019502650977-group" });
    expect(group.participants).toEqual([{ phone: "5544999999999" }, { phone: "5511988887777" }]);
    expect(group).not.toHaveProperty("requireAdminApproval");
    expect(droppedFields(group).filter((field) => field.why === "mismatch")).toEqual([
      { path: "/participants/0/isAdmin", why: "mismatch", rule: "must be a boolean or a string" },
      { path: "/participants/1/isAdmin", why: "mismatch", rule: "must be a boolean or a string" },
      { path: "/requireAdminApproval", why: "mismatch", rule: "must be a boolean" },
    ]);
    const warnings = logged.filter((line) => line.includes("in a form the spec does not allow"));
    // Items count as one field: /participants/*/isAdmin is logged once.
    expect(warnings).toHaveLength(2);
    await client.getGroupMetadata({ groupId: "120363019502650977-group" });
    expect(logged.filter((line) => line.includes("in a form the spec does not allow"))).toHaveLength(2);
  });

  it("a list whose item is no participant at all goes whole, never one member silently", async () => {
    const { client, answer } = await replay();
    answer.current = { id: "odd list", status: 200, json: { subject: "G", participants: [{ phone: "5544999999999" }, "5511988887777"] }, source: "a shape the docs never showed" };
    const group = await client.getGroupMetadata({ groupId: "120363019502650977-group" });
    expect(group).toEqual({ subject: "G" });
    expect(droppedFields(group)).toEqual([{ path: "/participants", why: "mismatch", rule: "/1 must be an object" }]);
  });

  it.each([
    ["an array where an object is due", "getGroupMetadata", [{ phone: "x" }], /expected Group metadata: input an array of 1 must be an object/],
    ["the required answer in the wrong type", "addParticipant", { value: "true" }, /\/value "true" must be a boolean/],
    ["the required answer missing", "getGroupInvitationLink", { phone: "120363019502650977-group" }, /\/invitationLink is required/],
  ] as const)("an answer that cannot be the result is refused: %s", async (_title, name, json, message) => {
    const { client, answer } = await replay();
    answer.current = { id: "not the result", status: 200, json, source: "the client's rule" };
    const error = await call(client, name).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ZApiResponseError);
    expect((error as Error).message).toMatch(message);
  });

  it("an error-shaped body that holds the result's own field is a result: a 2xx with value is read, error left out", async () => {
    const { client, answer } = await replay();
    answer.current = { id: "value and error", status: 200, json: { value: false, error: "something" }, source: "the spec's rule (x-zapi-error-body)" };
    const result = await client.addParticipant({ autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999"] });
    expect(result).toEqual({ value: false });
    expect(droppedFields(result)).toEqual([{ path: "/error", why: "unknown" }]);
  });
});

describe("Linked IDs in deliveries", () => {
  it.each(LID_DELIVERIES.map((d) => [d.id, d] as const))("%s: parsed, lids kept as they came", (_id, { delivery }) => {
    const event = parseWebhook(delivery) as Record<string, unknown>;
    for (const field of ["notificationParameters", "participantPhone", "participantLid", "chatLid", "senderLid"]) {
      if (field in delivery) expect(event[field], field).toEqual(delivery[field]);
    }
  });

  it("a join request naming a Linked ID can be approved with it, exactly as written", async () => {
    const request = LID_DELIVERIES.find((d) => d.delivery["notification"] === "MEMBERSHIP_APPROVAL_REQUEST")!.delivery;
    const event = parseWebhook(request);
    const { server, client, answer } = await replay();
    answer.current = { id: "ok", status: 200, json: { value: true }, source: "docs" };
    if (event.notification !== "MEMBERSHIP_APPROVAL_REQUEST") throw new Error("not a join request");
    await client.approveParticipant({ groupId: "120363019502650977-group", phones: event.notificationParameters ?? [] });
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ groupId: "120363019502650977-group", phones: ["221783940681929@lid"] });
  });
});
