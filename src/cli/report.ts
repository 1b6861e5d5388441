// The --report CSV: the input itself, every column kept, each row followed by what became
// of its person: outcome, detail, normalized_phone and line. Written with the input's
// separator (a one-phone-per-line file gets ";" for Brazil, "," elsewhere), with a UTF-8
// byte order mark when the input had one or the separator is ";", so that Excel in pt-BR
// opens it in columns. Streamed: the input is read again row by row, never held whole.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import type { CountryCode } from "libphonenumber-js/max";
import { normalizePhone } from "../phones.js";
import { csvField } from "./csv.js";
import type { InputList } from "./input.js";
import type { Result } from "./outcomes.js";
import type { Plan } from "./plan.js";
import { fingerprint } from "./table.js";

const OUR_COLUMNS = ["outcome", "detail", "normalized_phone", "line"];

export interface ReportSettings {
  readonly input: InputList;
  readonly plan: Plan;
  readonly country: CountryCode;
  /** A person's result, by the phone's index in the plan. */
  readonly resultOf: (phoneIndex: number) => readonly [Result, string];
}

/** Counts of results over the lines, with whether the input changed since it was planned. */
export interface ReportCounts {
  readonly counts: Map<Result, number>;
  readonly changed: boolean;
}

/** Writes the report whole, through a temporary file, so a reader never sees half of one. */
export function writeReport(path: string, settings: ReportSettings): ReportCounts {
  const { input, plan } = settings;
  const separator = input.shape.delimiter ?? (settings.country === "BR" ? ";" : ",");
  const bom = input.shape.bom || separator === ";";
  const headers = input.shape.headers.length > 0 ? [...input.shape.headers] : ["phone"];
  const width = Math.max(headers.length, plan.width);
  while (headers.length < width) headers.push("");
  const taken = new Set(headers.map((name) => name.trim().toLowerCase()));
  const ours = OUR_COLUMNS.map((name) => (OUR_COLUMNS.some((n) => taken.has(n)) ? `zapi_${name}` : name));
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  const counts = new Map<Result, number>();
  let changed = false;
  try {
    let buffered: string[] = [];
    let size = 0;
    const flush = () => {
      const bytes = Buffer.from(buffered.join(""));
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done);
      buffered = [];
      size = 0;
    };
    const row = (fields: readonly (string | number)[]) => {
      const text = `${fields.map((field) => csvField(field)).join(separator)}\r\n`;
      buffered.push(text);
      size += text.length;
      if (size > 1024 * 1024) flush();
    };
    if (bom) buffered.push("\uFEFF");
    row([...headers, ...ours]);
    let i = 0;
    for (const { line, raw, fields } of input.rows()) {
      const same = i < plan.rows && plan.lines.at(i) === line && plan.cells.at(i) === fingerprint(raw);
      if (!same) changed = true;
      const [result, detail, phone] = same ? resultOfRow(settings, i, raw) : resultOfText(settings, raw);
      counts.set(result, (counts.get(result) ?? 0) + 1);
      const cells: (string | number)[] = [...fields];
      while (cells.length < width) cells.push("");
      row([...cells, result, detail, phone, line]);
      i++;
    }
    if (i !== plan.rows) changed = true;
    flush();
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {}
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  return { counts, changed };
}

function resultOfRow(settings: ReportSettings, i: number, raw: string): [Result, string, string] {
  const { plan, resultOf } = settings;
  const code = plan.codes.at(i);
  if (code >= 0) {
    const phone = plan.phones.get(code);
    const first = plan.firstRow.at(code);
    if (first !== i) return ["duplicate", `same phone as line ${plan.lines.at(first)}`, phone];
    const [result, detail] = resultOf(code);
    return [result, detail, phone];
  }
  const reason = -1 - code;
  // Past the plan's 10,000 distinct reasons, the reason is read again.
  return reason < plan.reasons.length ? ["invalid", withHint(plan.reasons[reason]!, plan.hints[reason]), ""] : resultOfText(settings, raw);
}

// A row that is not the one planned (the file changed meanwhile): read again, and matched by phone.
function resultOfText({ plan, resultOf, country }: ReportSettings, raw: string): [Result, string, string] {
  const normalized = normalizePhone(raw, country);
  if (!normalized.ok) return ["invalid", withHint(normalized.reason, normalized.hint), ""];
  const index = plan.phones.indexOf(normalized.phone);
  if (index === -1) return ["pending", "not in the list when this run read it (the file changed during the run)", normalized.phone];
  const [result, detail] = resultOf(index);
  return [result, detail, normalized.phone];
}

export function withHint(reason: string, hint: string | undefined): string {
  return hint ? `${reason}: ${hint}` : reason;
}
