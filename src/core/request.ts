import { ZApiValidationError } from "../errors/validation-error.js";
import type { OperationDescriptor } from "./descriptor.js";
import { asWritten, dropRepeats, snapshot } from "./input.js";
import type { ReadPhone } from "./phone-input.js";
import { cut, type Redactor } from "./redact.js";
import type { Problem } from "./schema.js";
import { matches, validate } from "./validate.js";

/** At most this many problems are kept on a ZApiValidationError; the rest are counted. */
export const MAX_PROBLEMS = 100;
/** The most of one problem's message kept. */
const MAX_PROBLEM_TEXT = 4_000;

/** A path parameter's value as it goes in the URL, or why it cannot. */
function pathSegment(text: string): string | { problem: string } {
  // URL parsing would resolve a "." or ".." segment (even as %2E) and call another path.
  if (text.length <= 6 && /^(\.|%2e){1,2}$/i.test(text)) return { problem: 'cannot be "." or ".." (it would change the path called)' };
  try {
    return encodeURIComponent(text);
  } catch {
    // encodeURIComponent's URIError: a lone surrogate has no UTF-8 form.
    return { problem: "holds a lone surrogate (half of a UTF-16 pair), which a URL cannot carry" };
  }
}

const NO_PROBLEMS: { readonly problems: readonly Problem[]; readonly total: number } = Object.freeze({ problems: Object.freeze([]), total: 0 });

const splitPaths = new WeakMap<OperationDescriptor, readonly string[]>();

/**
 * The path split once, literal text and parameter names in turn: `/group-metadata/{groupId}`
 * is `["/group-metadata/", "groupId", ""]`. A replace per parameter per call was the most
 * costly line of a GET's own work.
 */
function pathParts(descriptor: OperationDescriptor): readonly string[] {
  let parts = splitPaths.get(descriptor);
  if (!parts) splitPaths.set(descriptor, (parts = descriptor.path.split(/\{([^{}]+)\}/)));
  return parts;
}

/** One call as it will go on the wire, minus the credentials prefix. */
export interface PreparedRequest {
  /** The path and query after the credentials prefix. */
  readonly path: string;
  /** The JSON body, when the operation has one. */
  readonly body: string | undefined;
}

/**
 * The caller's flat input, copied once, normalised as the spec declares, checked against
 * the operation's input schema and split into path, query and body. Throws
 * {@link ZApiValidationError}, with every secret redacted, before anything is sent.
 */
export function prepareRequest(name: string, descriptor: OperationDescriptor, input: unknown, redact: Redactor, readPhone?: ReadPhone): PreparedRequest {
  const snap = snapshot(descriptor.input, input === undefined ? {} : input, readPhone);
  const value = snap.value as Record<string, unknown>;
  // Problems are looked for only when there are some.
  // A phone that could not be read is named once, by the reader, not again by its pattern.
  const named = snap.phoneProblems.size > 0 ? snap.phoneProblems : undefined;
  const { problems, total } = snap.problemCount === 0 && matches(descriptor.input, value) ? NO_PROBLEMS : validate(descriptor.input, value, { keep: MAX_PROBLEMS, skip: named });
  let found: readonly Problem[] = snap.problemCount > 0 ? [...snap.problems, ...problems] : problems;
  let count = snap.problemCount + total;
  // The path, filled only once the input is valid: String() of an invalid value may throw.
  const parts = pathParts(descriptor);
  let path = parts[0]!;
  for (let i = 1; i < parts.length && count === 0; i += 2) {
    const param = parts[i]!;
    const segment = pathSegment(String(value[param]));
    if (typeof segment === "string") {
      path += segment + parts[i + 1]!;
    } else {
      found = [{ path: `/${param}`, message: segment.problem, value: value[param] }];
      count++;
    }
  }
  if (count > 0) {
    // Values as the caller wrote them (a phone before it was reduced to digits), redacted
    // before any message cuts them; the path too, as a property name may be a secret.
    const shown = found.slice(0, MAX_PROBLEMS).map((problem) => {
      const written = "value" in problem ? { ...problem, value: redact.json(asWritten(problem, snap.written)) } : problem;
      // A getter's exception may quote megabytes: the message is cut, after redaction.
      return { ...written, path: redact.text(problem.path), message: cut(redact.text(problem.message), MAX_PROBLEM_TEXT) };
    });
    throw new ZApiValidationError(`input for ${name}`, shown, count);
  }
  dropRepeats(snap.dedupe);
  if (descriptor.pathParams.length === 0 && descriptor.queryParams.length === 0) {
    return { path: descriptor.path, body: descriptor.hasBody ? JSON.stringify(value) : undefined };
  }
  let search = "";
  if (descriptor.queryParams.length > 0) {
    const query = new URLSearchParams();
    for (const param of descriptor.queryParams) if (value[param] !== undefined) query.append(param, String(value[param]));
    if (query.size > 0) search = `?${query}`;
  }
  if (!descriptor.hasBody) return { path: path + search, body: undefined };
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!descriptor.pathParams.includes(key) && !descriptor.queryParams.includes(key)) {
      Object.defineProperty(body, key, { value: value[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return { path: path + search, body: JSON.stringify(body) };
}
