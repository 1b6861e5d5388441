// Issue 21, point 5: a type error reads in the user's words. The either/or inputs are named
// types (AddParticipantToCommunity | AddParticipantToGroup), and a mistake names them, never
// the mapped types they are made of. The files are the global setup's one tsc run
// (test/setup/samples.ts, MISTAKES), against the built package's declarations.
import { describe, expect, inject, it } from "vitest";
import { fullDiagnosticsOf, MISTAKES, wasChecked } from "./setup/samples.js";

const checked = inject("samples");
const errorsOf = (file: string) => fullDiagnosticsOf(checked, file).join("\n");

describe("type errors, in the user's words", () => {
  it("every mistake was checked, and fails", () => {
    for (const file of Object.keys(MISTAKES)) {
      expect(wasChecked(checked, file), file).toBe(true);
      expect(errorsOf(file), file).toMatch(/error TS\d+/);
    }
  });

  it("both ids: the error names the two forms of the input", () => {
    const text = errorsOf("mistake-both-ids.ts");
    expect(text).toContain("'AddParticipantToCommunity | AddParticipantToGroup'");
    expect(text).toContain("groupId");
  });

  it("a missing field: the error names the form it is missing from", () => {
    expect(errorsOf("mistake-no-phones.ts")).toContain("Property 'phones' is missing in type '{ groupId: string; }' but required in type 'AddAdminToGroup'");
  });

  it("the other either/or inputs too: removeAdmin with both ids, sendText mentioning nobody", () => {
    const both = errorsOf("mistake-remove-admin-both-ids.ts");
    expect(both).toContain("'RemoveAdminFromCommunity | RemoveAdminFromGroup'");
    const none = errorsOf("mistake-send-text-no-mentions.ts");
    expect(none).toContain("'SendTextMentioningParticipants | SendTextMentioningGroups'");
  });

  it("a result read as if no answer could be empty: the error names EmptyAnswer", () => {
    expect(errorsOf("mistake-unread-empty-answer.ts")).toContain("Property 'value' does not exist on type 'EmptyAnswer'");
  });

  it("no error shows the machinery: no Flat<, Omit<, Exclusive< or Distribute<", () => {
    for (const file of Object.keys(MISTAKES)) expect(errorsOf(file), file).not.toMatch(/Flat<|Omit<|Exclusive<|Distribute<|CredentialParams/);
  });
});
