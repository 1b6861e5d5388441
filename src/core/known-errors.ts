import { knownErrors, type ErrorReason } from "../../generated/errors.js";

/** One row of the spec's `x-zapi-known-errors`, as generated/errors.ts carries it. */
export interface KnownError {
  /** Z-API's text, compared without case, surrounding space or a final period. */
  readonly text?: string;
  /** Or a pattern for texts that quote a value (a wrong Client-Token is echoed, then redacted). */
  readonly pattern?: string;
  /** The status it came with: a number, a range such as `"3XX"`, or null when no source states it. */
  readonly status: number | string | null;
  /** `unknown` only on a row that matches by status alone: the fallback for texts no row names. */
  readonly reason: ErrorReason;
  /** What to do next; `{method}` stands for the call's method. */
  readonly hint: string;
}

/** Why an answer is an error, in the spec's words, and what to do about it. */
export interface Explanation {
  readonly reason: ErrorReason;
  readonly hint: string;
}

const normal = (text: string) => text.trim().replace(/\s+/g, " ").replace(/\.$/, "").toLowerCase();

let compiled: { texts: Map<string, KnownError>; patterns: [RegExp, KnownError][]; statuses: KnownError[] } | undefined;

/**
 * Matches an error answer against the spec's table: by Z-API's text first (its `error`, then
 * its `message`), then by status (an exact one before a range). The texts are the redacted
 * ones, so a row's pattern sees `[redacted]` where the service echoed a secret.
 */
export function explain(status: number, texts: readonly (string | undefined)[], method: string): Explanation {
  compiled ??= {
    texts: new Map(knownErrors.filter((row) => row.text !== undefined).map((row) => [normal(row.text!), row])),
    patterns: knownErrors.filter((row) => row.pattern !== undefined).map((row) => [new RegExp(row.pattern!, "iu"), row]),
    statuses: knownErrors.filter((row) => row.text === undefined && row.pattern === undefined),
  };
  let row: KnownError | undefined;
  for (const text of texts) {
    if (text === undefined || row) continue;
    row = compiled.texts.get(normal(text)) ?? compiled.patterns.find(([pattern]) => pattern.test(text.trim()))?.[1];
  }
  row ??= compiled.statuses.find((r) => r.status === status) ?? compiled.statuses.find((r) => typeof r.status === "string" && r.status[0] === String(status)[0]);
  return row ? { reason: row.reason, hint: row.hint.replaceAll("{method}", method) } : { reason: "unknown", hint: "its text says why" };
}
