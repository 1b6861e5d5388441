// From the lines read to the people the run is about: valid phones (each once, in input
// order), invalid lines and repeats. Kept compact (typed arrays, phones as numbers), so a
// list of millions of lines plans in a few hundred MiB at most.
import { createHash } from "node:crypto";
import type { CountryCode } from "libphonenumber-js/max";
import { normalizePhone } from "../phones.js";
import type { InputRow } from "./input.js";
import { fingerprint, IntList, PhoneSet } from "./table.js";

export type Target = { readonly kind: "community" | "group"; readonly id: string };

/** How many invalid or duplicate lines the plan keeps to show; the report has them all. */
export const LISTED = 20;

export interface Plan {
  /** Data rows read (blank rows aside). */
  readonly rows: number;
  /** The most fields a row has. */
  readonly width: number;
  /** Row → its line. */
  readonly lines: IntList;
  /** Row → its phone's index (≥ 0), or -1 - the index of its reason in `reasons` (invalid). */
  readonly codes: IntList;
  /** Row → a fingerprint of its phone cell, to check the second read against the first. */
  readonly cells: IntList;
  /** The unique valid phones, in input order. */
  readonly phones: PhoneSet;
  /** Phone → the row it first appears on. */
  readonly firstRow: IntList;
  /** Why lines are invalid, each text once, with its hint. */
  readonly reasons: string[];
  readonly hints: (string | undefined)[];
  readonly invalid: number;
  readonly duplicates: number;
  /** The first invalid and duplicate lines, to show in the plan. */
  readonly invalidShown: readonly { line: number; raw: string; reason: string }[];
  readonly duplicateShown: readonly { line: number; phone: string; firstLine: number }[];
  /** Each hint, with how many lines have it. */
  readonly hintCounts: ReadonlyMap<string, number>;
}

export function makePlan(rows: Iterable<InputRow>, country: CountryCode): Plan {
  const lines = new IntList();
  const codes = new IntList();
  const cells = new IntList();
  const phones = new PhoneSet();
  const firstRow = new IntList();
  const reasons: string[] = [];
  const hints: (string | undefined)[] = [];
  const reasonIndex = new Map<string, number>();
  const invalidShown: { line: number; raw: string; reason: string }[] = [];
  const duplicateShown: { line: number; phone: string; firstLine: number }[] = [];
  const hintCounts = new Map<string, number>();
  let invalid = 0;
  let duplicates = 0;
  let width = 0;
  for (const { line, raw, fields } of rows) {
    const row = lines.length;
    if (fields.length > width) width = fields.length;
    lines.push(line);
    cells.push(fingerprint(raw));
    const result = normalizePhone(raw, country);
    if (!result.ok) {
      invalid++;
      const key = `${result.reason}\u0000${result.hint ?? ""}`;
      let index = reasonIndex.get(key);
      if (index === undefined && reasonIndex.size < 10_000) {
        index = reasons.length;
        reasons.push(result.reason);
        hints.push(result.hint);
        reasonIndex.set(key, index);
      }
      // Past 10,000 distinct reasons (extensions differ), the report reads the line again.
      codes.push(index === undefined ? -1 - reasons.length : -1 - index);
      if (invalidShown.length < LISTED) invalidShown.push({ line, raw, reason: result.reason });
      if (result.hint) hintCounts.set(result.hint, (hintCounts.get(result.hint) ?? 0) + 1);
      continue;
    }
    const { index, added } = phones.add(result.phone);
    codes.push(index);
    if (added) firstRow.push(row);
    else {
      duplicates++;
      if (duplicateShown.length < LISTED) duplicateShown.push({ line, phone: result.phone, firstLine: lines.at(firstRow.at(index)) });
    }
  }
  return { rows: lines.length, width, lines, codes, cells, phones, firstRow, reasons, hints, invalid, duplicates, invalidShown, duplicateShown, hintCounts };
}

/** The unique valid phones, in input order. */
export function* planPhones(plan: Plan): Generator<string> {
  for (let i = 0; i < plan.phones.size; i++) yield plan.phones.get(i);
}

/** What a journal of version 1 called a list: sha256 of the target, autoInvite and the phone list. */
export function planIdV1(target: Target, autoInvite: boolean, phones: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify({ target, autoInvite, phones })).digest("hex");
}

/** What Z-API's answer is assumed to take, for estimates: the documentation gives no figure. */
export const ASSUMED_CALL_MS = 1_000;

/** The time `batches` batches take at `pauseMs` between them. */
export function estimateMs(batches: number, pauseMs: number): number {
  return batches === 0 ? 0 : batches * ASSUMED_CALL_MS + (batches - 1) * pauseMs;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return "under a second";
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`;
  const h = Math.round(m / 60);
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ""}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 phone", "2 phones", "3 batches". */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? "" : noun.endsWith("h") ? "es" : "s"}`;
}
