import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operations } from "../../generated/operations.js";
import { snapshot } from "../../src/core/input.js";
import { validate } from "../../src/core/validate.js";
import { projectRoot } from "../helpers/project.js";
import { bundledSpec, requestExamples, specOperations, type InputExample } from "../helpers/spec.js";

// Z-API's published request samples (json-examples/*.json in its docs repository) are
// embedded in the spec as request examples named zapiSample*, with x-zapi-source naming
// the file, on request bodies and on parameters. Where a sample disagrees with the spec,
// the operation's description says so and the sample is not embedded (LEFT_OUT below
// lists each, with the words that say why). Every request example, sample or not, must pass
// the client's own check of that operation's flat input, as the client would normalise it.
const spec = await bundledSpec();
const examples: InputExample[] = specOperations(spec).flatMap((op) => requestExamples(op));
const samples = examples.filter((example) => example.name.startsWith("zapiSample"));

// The sample files the spec cites and does not embed, each with the operation whose
// description says why, and the words that say it. A sample left out with no reason
// recorded, or a reason dropped from the spec, fails.
const LEFT_OUT: Record<string, { operation: string; reason: RegExp }> = {
  "json-examples/accept-group-invite.json": { operation: "acceptGroupInvite", reason: /placeholder `\{\{GROUP_INVITE_URL\}\}` in its query, so it carries no link to check, and is not an example here/ },
  "json-examples/add-participant.json": { operation: "addParticipant", reason: /without `autoInvite`, which the group table .* list as required\..* That sample is therefore not an example here/ },
  "json-examples/community-metadata.json": { operation: "getCommunityMetadata", reason: /placeholder `\{idDaComunidade\}` in its URL, so it carries no id to check/ },
  "json-examples/create-group.json": { operation: "createGroup", reason: /no `autoInvite`, which both tables .* list as required, and a `profileImage` that no table lists.* The sample is therefore not an example here/ },
  "json-examples/deactivate-community.json": { operation: "deactivateCommunity", reason: /placeholder `\{idDaComunidade\}`, not an id, so it carries nothing to check and is not an example here/ },
  "json-examples/get-group-invitation-metadata.json": { operation: "getGroupInvitationMetadata", reason: /`\?URL=\(URL-DO-GRUPO\)`: the name in capitals, and a placeholder for the value\..* the sample is not an example/ },
  "json-examples/on-message-received.json": { operation: "updateWebhookReceived", reason: /is no sample of this call: it posts `\{"value": \.\.\.\}` to a path `\/on-message-received` that no page documents, and its widget is commented out/ },
  "json-examples/send-text.json": { operation: "sendText", reason: /a message to a person with no mention\. It is outside what this spec models .* so it is not an example here/ },
  "json-examples/update-community-photo.json": { operation: "updateCommunityPhoto", reason: /holds only placeholders, .* so it is not an example here: its id fails `CommunityId`/ },
  "json-examples/update-group-name.json": { operation: "updateGroupName", reason: /sends the group id `5511999999999`, a phone, .* so the sample fails `GroupId` and is not an example here/ },
  "json-examples/update-group-photo.json": { operation: "updateGroupPhoto", reason: /the field spelled `groupID`, .* and placeholders where values belong\..* the sample is not an example/ },
  "json-examples/update-group-settings.json": { operation: "updateGroupSettings", reason: /So the spec requires `phone` and the four settings, and the sample is not an example here/ },
  "json-examples/update-webhook-receive.json": { operation: "updateWebhookReceived", reason: /There is no request sample: the page's code widget points at `json-examples\/update-webhook-receive\.json`, which Z-API's repository does not have/ },
};

describe("the spec's request examples and Z-API's request samples", () => {
  it("finds Z-API's samples, each naming the file it copies", () => {
    console.log(
      `Z-API request samples in the spec (${samples.length}):\n${samples.map((s) => `  ${s.operationId} ${s.from} example ${s.name} <- ${s.source}`).join("\n")}`,
    );
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) expect(sample.source, `${sample.operationId}/${sample.name}`).toMatch(/^json-examples\/[a-z0-9-]+\.json$/);
    // The other way round: an example that cites a Z-API file is named as a sample.
    for (const example of examples.filter((e) => e.source !== undefined)) expect(example.name, `${example.operationId}/${example.name}`).toMatch(/^zapiSample/);
    // Samples sit on bodies and on parameters both.
    expect(new Set(samples.map((s) => s.from))).toEqual(new Set(["body", "parameters"]));
  });

  it("leaves out exactly the sample files whose reason the spec records, each on its operation", () => {
    const cited = new Set(readFileSync(`${projectRoot}spec/zapi.yaml`, "utf8").match(/json-examples\/[a-z0-9-]+\.json/g));
    const embedded = new Set(samples.map((s) => s.source));
    for (const file of embedded) expect(cited.has(file!)).toBe(true);
    const notEmbedded = [...cited].filter((file) => !embedded.has(file)).sort();
    expect(notEmbedded).toEqual(Object.keys(LEFT_OUT).sort());
    const descriptions = new Map(specOperations(spec).map((op) => [op.operationId, String((op.operation as { description?: unknown }).description ?? "").replace(/\s+/g, " ")]));
    for (const [file, { operation, reason }] of Object.entries(LEFT_OUT)) {
      const description = descriptions.get(operation) ?? "";
      expect(description, `${operation} names ${file}`).toContain(file);
      expect(description, `${operation} records why ${file} is not an example: ${String(reason)}`).toMatch(reason);
    }
  });

  it.each(examples.map((e) => [`${e.operationId}: ${e.from} example ${e.name}${e.source ? ` (${e.source})` : ""}`, e] as const))(
    "%s passes the client's check of the flat input",
    (_title, example) => {
      const descriptor = operations[example.operationId as keyof typeof operations];
      expect(descriptor, `no generated operation ${example.operationId}`).toBeDefined();
      const snap = snapshot(descriptor.input, example.input);
      expect(snap.problems).toEqual([]);
      expect(validate(descriptor.input, snap.value).problems).toEqual([]);
      // Z-API's own samples go out exactly as Z-API wrote them: nothing to normalise.
      expect(snap.value).toEqual(example.input);
      // Only required parameters without an example of their own are filled in, never a sample's field.
      if (example.name.startsWith("zapiSample")) expect(example.filled).toEqual([]);
    },
  );
});
