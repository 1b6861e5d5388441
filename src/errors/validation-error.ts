import type { Problem } from "../core/schema.js";
import { cut } from "../core/redact.js";
import { describeProblem } from "../core/validate.js";
import { keepName, ZApiError } from "./zapi-error.js";

/** How many problems the message lists; `problems` keeps up to 100, `problemCount` counts all. */
const LISTED = 20;
/** The most of the listing the message holds. */
const MAX_LISTING = 8_000;

/**
 * The input breaks the spec, or could not be read. Thrown before anything is sent.
 * `problems` lists the problems (at most 100), each with its JSON Pointer (`/phones/2`) and
 * the offending value as you wrote it; `problemCount` counts them all.
 */
export class ZApiValidationError extends ZApiError {
  static {
    keepName(this, "ZApiValidationError");
  }
  override readonly name = "ZApiValidationError";
  readonly problems: readonly Problem[];
  readonly problemCount: number;

  /** `subject` names what was checked: an operation's input (then nothing was sent), or a delivery. */
  constructor(subject: string, problems: readonly Problem[], problemCount = problems.length, nothingSent = true) {
    const count = problemCount === 1 ? "1 problem" : `${problemCount} problems`;
    // Problems come redacted, so the listing may be cut: a long property name or value stays a few kB.
    const listed = cut(problems.slice(0, LISTED).map(describeProblem).join("; "), MAX_LISTING);
    const more = problemCount > LISTED ? `; and ${problemCount - LISTED} more not listed here` : "";
    super(`Invalid ${subject}${nothingSent ? ", nothing was sent" : ""} (${count}): ${listed}${more}`);
    this.problems = problems;
    this.problemCount = problemCount;
  }
}
