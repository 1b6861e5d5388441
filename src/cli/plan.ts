// From the lines read to what will be sent: valid phones, invalid lines, repeats, and
// batches that a later run re-creates exactly from the same input.
import { createHash } from "node:crypto";
import type { CountryCode } from "libphonenumber-js/max";
import type { InputRecord } from "./input.js";
import { normalizePhone } from "../phones.js";

export type Target = { readonly kind: "community" | "group"; readonly id: string };

/** One input line and what the plan does with it. */
export interface PlanEntry {
  readonly line: number;
  readonly raw: string;
  /** The E.164 digits, when the phone is valid (duplicates included). */
  readonly phone?: string;
  /** Why it is not sent, when it is invalid. */
  readonly invalid?: string;
  /** The line of the first occurrence, when this phone repeats an earlier one. */
  readonly duplicateOf?: number;
  /** The batch (1-based) that sends it. */
  readonly batch?: number;
}

export interface Batch {
  /** 1-based. */
  readonly index: number;
  readonly phones: readonly string[];
}

export interface Plan {
  readonly target: Target;
  readonly autoInvite: boolean;
  readonly batchSize: number;
  readonly entries: readonly PlanEntry[];
  readonly batches: readonly Batch[];
  /** Unique valid phones, in the order they are sent. */
  readonly phones: readonly string[];
  readonly invalid: readonly PlanEntry[];
  readonly duplicates: readonly PlanEntry[];
  /** sha256 of the target, autoInvite and the phone list: what a journal belongs to. */
  readonly id: string;
}

export interface PlanSettings {
  readonly target: Target;
  readonly autoInvite: boolean;
  readonly batchSize: number;
  readonly country: CountryCode;
}

export function makePlan(records: readonly InputRecord[], settings: PlanSettings): Plan {
  const { target, autoInvite, batchSize, country } = settings;
  const firstLine = new Map<string, number>();
  const entries: PlanEntry[] = [];
  const phones: string[] = [];
  const invalid: PlanEntry[] = [];
  const duplicates: PlanEntry[] = [];
  for (const { line, raw } of records) {
    const result = normalizePhone(raw, country);
    if (!result.ok) {
      const entry = { line, raw, invalid: result.reason };
      entries.push(entry);
      invalid.push(entry);
      continue;
    }
    const seen = firstLine.get(result.phone);
    if (seen !== undefined) {
      const entry = { line, raw, phone: result.phone, duplicateOf: seen };
      entries.push(entry);
      duplicates.push(entry);
      continue;
    }
    firstLine.set(result.phone, line);
    entries.push({ line, raw, phone: result.phone, batch: Math.floor(phones.length / batchSize) + 1 });
    phones.push(result.phone);
  }
  const batches: Batch[] = [];
  for (let start = 0; start < phones.length; start += batchSize) {
    batches.push({ index: batches.length + 1, phones: phones.slice(start, start + batchSize) });
  }
  return { target, autoInvite, batchSize, entries, batches, phones, invalid, duplicates, id: planId(target, autoInvite, phones) };
}

export function planId(target: Target, autoInvite: boolean, phones: readonly string[]): string {
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
