// What became of each person: the members read after sending (or by --check) decide it,
// the journal keeps it, and the summary, the report and the exit code come from it.
import type { Command, Outcome, PhoneState } from "./journal.js";
import { isAnswer } from "./journal.js";
import { findMember, newLinkedIds, type Members } from "./members.js";
import { formatCount, plural } from "./plan.js";

/** A person's (or a line's) result, in the report and the summary. */
export type Result =
  | "added"
  | "already-in"
  | "invited"
  | "not-added"
  | "removed"
  | "not-a-member"
  | "still-a-member"
  | "unconfirmed"
  | "unknown"
  | "error"
  | "pending"
  | "invalid"
  | "duplicate";

/** The results that let a run exit 0. */
export const SUCCESS: Record<Command, ReadonlySet<Result>> = {
  "add-participants": new Set(["added", "already-in", "invited"]),
  "remove-participants": new Set(["removed", "not-a-member"]),
};

export interface Reading {
  /** The members read now, or undefined when they could not be read. */
  readonly members: Members | undefined;
  /** Why they could not be read. */
  readonly error?: string;
  /** The members read before sending, in this run. */
  readonly before: Members | undefined;
  /** The phones this run sent. */
  readonly sentNow: ReadonlySet<string>;
}

/**
 * The outcomes the members now show for phones of the journal: only those that change. A
 * phone now a member is `added` (or `still-a-member`), whatever its answer said; one that
 * is not is `invited` or `not-added` (`removed`), unless a member known only by a Linked ID
 * could be it (`unconfirmed`). An answer never received stays unknown unless the members
 * settle it. Outcomes only improve: `invited` is never turned back into `unconfirmed`.
 */
export function evaluate(command: Command, phones: Iterable<string>, states: ReadonlyMap<string, PhoneState>, reading: Reading): [string, Outcome, string?][] {
  const changes: [string, Outcome, string?][] = [];
  const { members, before, sentNow } = reading;
  // Any member known only by a Linked ID may be a phone not found: one that joined now, or
  // one that was in already. The detail says how many appeared during this run.
  const newLids = members ? newLinkedIds(before, members) : 0;
  const set = (phone: string, state: PhoneState, outcome: Outcome, detail?: string) => {
    if (state.outcome === outcome && state.outcomeDetail === detail) return;
    changes.push(detail ? [phone, outcome, detail] : [phone, outcome]);
  };
  for (const phone of phones) {
    const state = states.get(phone);
    if (!state || state.last === "error") continue;
    const answered = isAnswer(state.last);
    if (!members) {
      if (answered && (sentNow.has(phone) || state.outcome === undefined)) set(phone, state, "unconfirmed", `the members could not be read: ${reading.error ?? "no answer"}`);
      continue;
    }
    const member = findMember(members, phone);
    const lids = members.lidOnly.size;
    const fresh = sentNow.has(phone) ? newLids : 0;
    const hidden =
      lids === 1
        ? `1 member is known only by a Linked ID (@lid)${fresh ? ", and joined during this run" : ""}: this phone may be that member`
        : `${formatCount(lids)} members are known only by a Linked ID (@lid)${fresh ? `, ${formatCount(fresh)} of them new since this run began` : ""}: this phone may be one of them`;
    if (command === "add-participants") {
      if (member !== undefined) {
        set(phone, state, "added", member === phone ? undefined : `a member as ${member} (WhatsApp's id without the ninth digit)`);
        continue;
      }
      if (!answered) continue; // unknown stays unknown
      const open = sentNow.has(phone) || state.outcome === undefined || state.outcome === "unconfirmed";
      if (!open) continue;
      if (lids > 0) set(phone, state, "unconfirmed", hidden);
      else if (state.autoInvite) set(phone, state, "invited", state.last === "false" ? "Z-API answered false for its batch" : undefined);
      else set(phone, state, "not-added", state.last === "false" ? "Z-API answered false for its batch" : "WhatsApp did not add it (without --auto-invite, no invitation was sent)");
      continue;
    }
    if (member !== undefined) {
      if (answered || state.outcome !== undefined) set(phone, state, "still-a-member", state.last === "false" ? "Z-API answered false for its batch" : undefined);
      continue;
    }
    const wasMember = before !== undefined && findMember(before, phone) !== undefined;
    if (wasMember || members.lidOnly.size === 0) set(phone, state, "removed", wasMember ? undefined : "not a member now");
    else if (answered) set(phone, state, "unconfirmed", hidden);
  }
  return changes;
}

/** Applies {@link evaluate}'s changes to the states. */
export function apply(states: Map<string, PhoneState>, changes: readonly [string, Outcome, string?][]): void {
  for (const [phone, outcome, detail] of changes) {
    const state = states.get(phone)!;
    state.outcome = outcome;
    if (detail) state.outcomeDetail = detail;
    else delete state.outcomeDetail;
  }
}

export interface ResultContext {
  readonly command: Command;
  /** Phones the first read found in (adds) or out of (removals) the target, not sent for that. */
  readonly skipped: ReadonlySet<string>;
  /** Why a phone was not sent: "dry run", "the daily limit was reached"... */
  readonly pending: string;
}

/** One person's result, from the journal and this run. */
export function resultOf(phone: string, state: PhoneState | undefined, context: ResultContext): [Result, string] {
  if (state?.outcome) return [state.outcome, state.outcomeDetail ?? ""];
  if (context.skipped.has(phone)) {
    return context.command === "add-participants" ? ["already-in", "a member before this run: not sent"] : ["not-a-member", "not a member before this run: not sent"];
  }
  if (state && isAnswer(state.last)) return ["unconfirmed", "answered; the members were not read after it: run the command with --check"];
  if (state && (state.last === "sending" || state.last === "unknown")) {
    return ["unknown", `${state.detail ? `${state.detail}: ` : ""}sent, and no answer came, so it may have been ${context.command === "add-participants" ? "added or invited" : "removed"}; not sent again unless --resend-unknown`];
  }
  if (state?.last === "error") return ["error", `${state.detail ?? "refused"}: refused before Z-API acted; sent again by the next run`];
  return ["pending", context.pending];
}

const NOTES: Partial<Record<Result, string>> = {
  "already-in": "members before this run: not sent",
  invited: "not members: Z-API sends whoever WhatsApp refused to add a private invitation",
  "not-added": "not members, and no invitation was sent (--no-auto-invite)",
  "not-a-member": "not members before this run: not sent",
  "still-a-member": "members still, after the call",
  unconfirmed: "sent and answered, but not found by phone among the members while some show only a Linked ID, or the members could not be read (the report says which)",
  unknown: "sent, never answered: they may have been reached; not sent again unless --resend-unknown",
  error: "refused before Z-API acted: sent again by the next run",
};

/** The closing summary: people by result, then the lines that were not people. */
export function summarize(command: Command, counts: ReadonlyMap<Result, number>, lines: number, people: number, pendingNote: string): string[] {
  const rows: Result[] =
    command === "add-participants"
      ? ["added", "already-in", "invited", "not-added", "unconfirmed", "unknown", "error", "pending"]
      : ["removed", "not-a-member", "still-a-member", "unconfirmed", "unknown", "error", "pending"];
  const out = [`Summary: ${plural(lines, "line")}, ${formatCount(people)} ${people === 1 ? "person" : "people"} (one per valid phone)`];
  for (const result of rows) {
    const n = counts.get(result) ?? 0;
    const note = result === "pending" ? pendingNote : NOTES[result];
    out.push(`  ${(result === "pending" ? "not sent" : result).padEnd(15)} ${formatCount(n).padStart(9)}${n > 0 && note ? `  ${note}` : ""}`);
  }
  out.push(`  ${"invalid".padEnd(15)} ${formatCount(counts.get("invalid") ?? 0).padStart(9)}  line${(counts.get("invalid") ?? 0) === 1 ? "" : "s"}, never sent`);
  out.push(`  ${"duplicate".padEnd(15)} ${formatCount(counts.get("duplicate") ?? 0).padStart(9)}  line${(counts.get("duplicate") ?? 0) === 1 ? "" : "s"}, a phone already on an earlier line`);
  return out;
}
