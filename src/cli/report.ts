// What became of each input line: the --report CSV and the final summary.
import { renameSync, writeFileSync } from "node:fs";
import { csvField } from "./csv.js";
import type { BatchState } from "./journal.js";
import { formatCount, plural, type Plan, type PlanEntry } from "./plan.js";

/** A line's outcome. `pending`: valid, in a batch this run did not reach (or a dry run). */
export type LineOutcome = "added" | "failed" | "unknown" | "error" | "pending" | "invalid" | "duplicate";

export interface LineResult {
  readonly entry: PlanEntry;
  readonly outcome: LineOutcome;
  readonly detail: string;
}

export function lineResults(plan: Plan, states: ReadonlyMap<number, BatchState>): LineResult[] {
  return plan.entries.map((entry) => {
    if (entry.invalid !== undefined) return { entry, outcome: "invalid", detail: entry.invalid };
    if (entry.duplicateOf !== undefined) return { entry, outcome: "duplicate", detail: `same phone as line ${entry.duplicateOf}` };
    const { outcome, detail } = batchOutcome(states.get(entry.batch!));
    return { entry, outcome, detail };
  });
}

export function batchOutcome(state: BatchState | undefined): { outcome: LineOutcome; detail: string } {
  if (state === undefined) return { outcome: "pending", detail: "not sent yet" };
  if (state.state === "sending") return { outcome: "unknown", detail: "sent, and the run ended before the answer" };
  return { outcome: state.state, detail: state.error ?? "" };
}

/** Writes the report CSV whole, through a temporary file, so a reader never sees half of one. */
export function writeReport(path: string, results: readonly LineResult[]): void {
  const rows = ["line,phone_as_written,normalized_phone,batch,outcome,detail"];
  for (const { entry, outcome, detail } of results) {
    rows.push([entry.line, entry.raw, entry.phone, entry.batch, outcome, detail].map(csvField).join(","));
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${rows.join("\n")}\n`);
  renameSync(temporary, path);
}

/** The closing summary: phones and batches by outcome. */
export function summarize(plan: Plan, states: ReadonlyMap<number, BatchState>): string[] {
  const batches = new Map<LineOutcome, number[]>();
  for (const batch of plan.batches) {
    const { outcome } = batchOutcome(states.get(batch.index));
    const list = batches.get(outcome);
    if (list) list.push(batch.index);
    else batches.set(outcome, [batch.index]);
  }
  const phonesIn = (indexes: number[]) => indexes.reduce((sum, i) => sum + plan.batches[i - 1]!.phones.length, 0);
  const row = (label: string, outcome: LineOutcome, note = "") => {
    const indexes = batches.get(outcome) ?? [];
    const phones = phonesIn(indexes);
    const where = indexes.length === 0 ? "" : ` in ${plural(indexes.length, "batch")}${indexes.length <= 10 && outcome !== "added" ? ` (${indexes.join(", ")})` : ""}`;
    return `  ${label.padEnd(10)} ${formatCount(phones).padStart(9)} phone${phones === 1 ? "" : "s"}${where}${phones > 0 ? note : ""}`;
  };
  return [
    `Summary: ${plural(plan.entries.length, "line")}, ${plural(plan.phones.length, "phone")} to add in ${plural(plan.batches.length, "batch")}`,
    row("added", "added"),
    row("failed", "failed", ": Z-API answered false; the webhook tells why"),
    row("unknown", "unknown", ": no answer, so they may have been added or invited; not sent again unless --resend-unknown"),
    row("error", "error", ": refused before Z-API acted; sent again when you run the command again"),
    row("not sent", "pending"),
    `  ${"invalid".padEnd(10)} ${formatCount(plan.invalid.length).padStart(9)} line${plan.invalid.length === 1 ? "" : "s"}`,
    `  ${"duplicate".padEnd(10)} ${formatCount(plan.duplicates.length).padStart(9)} line${plan.duplicates.length === 1 ? "" : "s"}`,
  ];
}

/** True when every batch of the plan was answered `value: true`. */
export function allAdded(plan: Plan, states: ReadonlyMap<number, BatchState>): boolean {
  return plan.batches.every((batch) => states.get(batch.index)?.state === "added");
}
