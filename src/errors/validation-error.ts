import { describeProblem, type Problem } from "../validate.js";
import { ZApiError } from "./zapi-error.js";

/**
 * The body breaks the spec. Thrown before anything is sent. `problems` lists every
 * problem, each with its JSON Pointer (`/phones/2`) and the offending value.
 */
export class ZApiValidationError extends ZApiError {
  override readonly name = "ZApiValidationError";
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid add-participant body, nothing was sent (${count}): ${problems.map(describeProblem).join("; ")}`);
    this.problems = problems;
  }
}
