import { addParticipantRequestSchema } from "../generated/schemas.js";
import { ZApiValidationError } from "./errors/validation-error.js";
import type { AddParticipantBody } from "./types.js";
import { validate, type Problem } from "./validate.js";

// What people put in phone numbers that the spec does not allow: spaces, brackets, dots,
// dashes, and a leading "+".
const PHONE_DECORATION = /[\s().-]/g;

/**
 * The body as it will be sent: phones reduced to digits, repeats dropped, then checked
 * against the spec. The caller's object is not changed. Throws {@link ZApiValidationError}
 * naming every problem, with locations and values as the caller wrote them.
 */
export function prepareBody(input: unknown): AddParticipantBody {
  const { body, written, keptFrom } = normalizeBody(input);
  const problems = validate(addParticipantRequestSchema, body);
  if (problems.length === 0) return body as AddParticipantBody;
  throw new ZApiValidationError(written ? problems.map((p) => asWritten(p, written, keptFrom)) : problems);
}

/**
 * The body that would be sent, before it is checked: phones reduced to digits and repeats
 * dropped. `keptFrom[k]` is the caller's index of the k-th phone kept.
 */
export function normalizeBody(input: unknown): { body: unknown; written?: unknown[]; keptFrom: number[] } {
  const phones = isRecord(input) && Array.isArray(input["phones"]) ? (input["phones"] as unknown[]) : undefined;
  if (!phones) return { body: input, keptFrom: [] };
  const kept: unknown[] = [];
  const keptFrom: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < phones.length; i++) {
    const phone = typeof phones[i] === "string" ? normalizePhone(phones[i] as string) : phones[i];
    if (typeof phone === "string") {
      if (seen.has(phone)) continue;
      seen.add(phone);
    }
    kept.push(phone);
    keptFrom.push(i);
  }
  return { body: { ...(input as object), phones: kept }, written: phones, keptFrom };
}

/** `+55 (44) 99999-9999` → `5544999999999`; anything else is left for the check to name. */
export function normalizePhone(phone: string): string {
  // Most phones are digits already: a scan that allocates nothing.
  let i = 0;
  while (i < phone.length && phone.charCodeAt(i) >= 48 && phone.charCodeAt(i) <= 57) i++;
  if (i === phone.length) return phone;
  const bare = phone.replace(PHONE_DECORATION, "");
  return bare.startsWith("+") ? bare.slice(1) : bare;
}

// Reports /phones/k at the caller's own index, with the phone as the caller wrote it.
function asWritten(problem: Problem, original: unknown[], keptFrom: number[]): Problem {
  const match = /^\/phones\/(\d+)(?=\/|$)/.exec(problem.path);
  if (!match) return problem;
  const index = keptFrom[Number(match[1])];
  if (index === undefined) return problem;
  const path = `/phones/${index}${problem.path.slice(match[0].length)}`;
  return path === `/phones/${index}` && "value" in problem ? { ...problem, path, value: original[index] } : { ...problem, path };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
