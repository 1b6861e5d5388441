import { describe, expect, inject, it } from "vitest";
import { createZApiClient } from "../../src/index.js";
import { CLIENT_TOKEN, TOKEN } from "../helpers/secrets.js";
import { prismRecorder } from "../helpers/prism.js";

const community = { autoInvite: true, communityId: "120363019502650977", phones: ["5544999999999", "5544988888888"] };
const group = { autoInvite: false, groupId: "120363019502650977-group", phones: ["+55 (44) 99999-9999"] };

describe("the client against the Prism mock of the spec", () => {
  it.each([
    ["the community form", community, undefined],
    ["the community form, with a Client-Token", community, CLIENT_TOKEN],
    ["the group form", group, undefined],
    ["the group form, with a Client-Token", group, CLIENT_TOKEN],
  ])("%s resolves to { value: boolean } with no violation", async (_name, body, clientToken) => {
    const prism = prismRecorder();
    const client = createZApiClient({ instanceId: "3C0FFEE", token: TOKEN, clientToken, baseUrl: prism.baseUrl, fetch: prism.fetch });
    const result = await client.addParticipant(body);
    expect("value" in result && typeof result.value).toBe("boolean");
    expect(prism.exchanges).toEqual([{ status: 200, violations: null }]);
  });
});

describe("the responses the spec documents, straight from Prism", () => {
  const url = () => `${inject("prismUrl")}/instances/i/token/t/add-participant`;

  it("answers a GET with 405", async () => {
    const response = await fetch(url());
    await response.body?.cancel();
    expect(response.status).toBe(405);
  });

  it("answers a wrong Content-Type with 415", async () => {
    const response = await fetch(url(), { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(community) });
    await response.body?.cancel();
    expect(response.status).toBe(415);
  });

  it("answers a body that breaks the spec with a violation", async () => {
    const response = await fetch(url(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...community, phones: [] }) });
    await response.body?.cancel();
    expect(response.status).toBe(422);
    expect(response.headers.get("sl-violations")).toContain("phones");
  });
});
