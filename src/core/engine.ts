import { ZApiAbortError } from "../errors/abort-error.js";
import { ZApiHttpError } from "../errors/http-error.js";
import { ZApiNetworkError } from "../errors/network-error.js";
import { ZApiResponseError } from "../errors/response-error.js";
import type { OperationDescriptor } from "./descriptor.js";
import { Deadline } from "./deadline.js";
import { resolveCallOptions, type ResolvedOptions } from "./options.js";
import { type Body, MAX_ERROR_BODY_BYTES, MAX_ERROR_TEXT, readBody } from "./read.js";
import { cut, type Redactor } from "./redact.js";
import { prepareRequest } from "./request.js";
import { pick } from "./result.js";
import { parseRetryAfter, retryDelay, sleep } from "./retry.js";
import { describeProblem, matches, validate } from "./validate.js";

/** What every call needs, worked out once when the client is created. */
export interface Connection {
  /** `baseUrl` plus the credentials prefix, token included: it goes to `fetch` and nowhere else. */
  readonly prefix: string;
  /** The same with the token redacted, for errors. */
  readonly safePrefix: string;
  /** Frozen: an injected fetch cannot change the next call's. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyHeaders: Readonly<Record<string, string>>;
  readonly options: ResolvedOptions;
  readonly redact: Redactor;
  /**
   * Whether `options.fetch` is the runtime's own fetch, which honours its signal and
   * enforces `Content-Length`: then no race is needed, and a small plain body is read whole.
   */
  readonly nativeFetch: boolean;
}

const NO_CALL_OPTIONS = { signal: undefined, timeoutMs: undefined };

/**
 * The method for one operation: check, send, retry as the spec allows, interpret. One
 * async function for the whole call (but the body read): each nested one cost a promise
 * and a hop per call.
 */
export function createOperation(name: string, descriptor: OperationDescriptor, connection: Connection) {
  const { options } = connection;
  return async function operation(input?: unknown, callOptions?: unknown): Promise<unknown> {
    const call = callOptions === undefined ? NO_CALL_OPTIONS : resolveCallOptions(callOptions);
    const { path, body } = prepareRequest(name, descriptor, input, connection.redact);
    const url = connection.prefix + path;
    const timeoutMs = call.timeoutMs ?? options.timeoutMs;
    // A private follower of the caller's signal: listeners go on it, not on a signal the
    // caller may share across many concurrent calls (MaxListenersExceededWarning).
    const signal = call.signal && AbortSignal.any([call.signal]);
    for (let count = 1; ; count++) {
      if (signal?.aborted) throw new ZApiAbortError(signal.reason);
      const deadline = new Deadline(timeoutMs, signal);
      try {
        let response: Response;
        try {
          const pending = options.fetch(url, {
            method: descriptor.method,
            headers: body === undefined ? connection.headers : connection.bodyHeaders,
            body: body ?? null,
            signal: deadline.signal,
            // Never followed: the token and Client-Token would go wherever Location points.
            redirect: "manual",
          });
          // The runtime's fetch honours the signal until the body is streamed, so it is not
          // raced; any other fetch may ignore the signal altogether. A streamed body is
          // raced or cancelled in readBody whatever the fetch, as Node 20's fetch has been
          // seen to hang, deaf to the abort, on a mislabelled encoding.
          response = await (connection.nativeFetch ? pending : deadline.race(pending));
        } catch (error) {
          throw deadline.stopped() ?? networkError(error, connection.redact);
        }
        if (!isResponse(response)) throw new ZApiNetworkError("The fetch in use resolved to something that is not a Response", undefined, undefined);
        const ok = isOk(response);
        let read: Body;
        try {
          read = await readBody(response, ok ? options.maxResponseBytes : MAX_ERROR_BODY_BYTES, deadline, connection.nativeFetch);
        } catch (error) {
          throw deadline.stopped() ?? networkError(error, connection.redact);
        }
        return interpret(connection, descriptor, path, response, ok, read);
      } catch (error) {
        const delay = retryDelay(options.retry, descriptor.retrySafe, error, count);
        if (delay === undefined) throw error;
        // Released before the wait, not after it: a timer and a listener nothing needs now.
        deadline.dispose();
        await sleep(delay, signal);
      } finally {
        deadline.dispose();
      }
    }
  };
}

/** A 2xx that is not a redirect the fetch turned opaque: the only answers read as results. */
export function isOk(response: Response): boolean {
  const { status } = response;
  return status >= 200 && status <= 299 && response.type !== "opaqueredirect";
}

// Why a 2xx is not a result, for the methods and for api alike.
export const FOLLOWED_REDIRECT = "it came through a redirect, which the fetch in use followed although the client asked it not to";
export const tooLarge = (options: ResolvedOptions) => `it is larger than maxResponseBytes (${options.maxResponseBytes} bytes)`;

/** The answer, read: the checked 200 body, or the error it makes. */
function interpret(connection: Connection, descriptor: OperationDescriptor, path: string, response: Response, ok: boolean, body: Body): unknown {
  const { redact, options } = connection;
  const { status } = response;
  if (!ok) {
    const text = redact.read(body);
    const parsed = parseJson(text);
    const kept = parsed === NOT_JSON ? cut(text, MAX_ERROR_TEXT) : redact.json(parsed);
    const said = serverText(kept);
    throw new ZApiHttpError({
      status,
      body: kept,
      url: safeUrl(connection, path),
      method: descriptor.method,
      serverText: said === undefined ? undefined : cut(said, 200),
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      location: locationOf(response, redact),
    });
  }
  // Redaction is for what an error keeps: never paid on the way to a result.
  if (response.redirected) {
    throw new ZApiResponseError(FOLLOWED_REDIRECT, { status, url: safeUrl(connection, path), body: cut(redact.read(body), MAX_ERROR_TEXT) });
  }
  if (body.truncated) {
    throw new ZApiResponseError(tooLarge(options), { status, url: safeUrl(connection, path), body: cut(redact.read(body), MAX_ERROR_TEXT) });
  }
  const parsed = parseJson(body.text);
  if (parsed === NOT_JSON) throw new ZApiResponseError("it is not JSON", { status, url: safeUrl(connection, path), body: cut(redact.read(body), MAX_ERROR_TEXT) });
  const { result } = descriptor;
  if (!matches(result, parsed)) {
    const { problems, total } = validate(result, parsed, { keep: 5, stop: 50 });
    const shown = problems.map((problem) => describeProblem("value" in problem ? { ...problem, value: redact.json(problem.value) } : problem));
    const reason = `${result.title ? `expected ${result.title}: ` : ""}${shown.join("; ")}${total > shown.length ? `; and more` : ""}`;
    throw new ZApiResponseError(cut(redact.text(reason), MAX_ERROR_TEXT), { status, url: safeUrl(connection, path), body: redact.json(parsed) });
  }
  return pick(result, parsed);
}

/** The URL errors show: built from the path only when one is thrown. */
function safeUrl(connection: Connection, path: string): string {
  return connection.redact.text(connection.safePrefix + path);
}

const NOT_JSON = Symbol("not JSON");

// JSON.parse is iterative in V8: nesting depth cannot overflow the stack here.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The server's own short error text: `error` or `message`, as Z-API's one documented error body has it. */
function serverText(body: unknown): string | undefined {
  // The first line, trimmed: a CRLF body left its "\r", and trailing spaces, in the message.
  if (typeof body === "string") return body.trim().split("\n", 1)[0]?.trim() || undefined;
  if (typeof body !== "object" || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  return typeof error === "string" ? error : typeof message === "string" ? message : undefined;
}

function locationOf(response: Response, redact: Redactor): string | undefined {
  const location = response.headers.get("location");
  return location === null ? undefined : cut(redact.text(location), 500);
}

function isResponse(value: unknown): value is Response {
  const response = value as Response | null;
  return typeof response === "object" && response !== null && typeof response.status === "number" && typeof response.headers?.get === "function";
}

/** The request failed below HTTP: the runtime's error, redacted, with its system code. */
export function networkError(error: unknown, redact: Redactor): ZApiNetworkError {
  let cause: unknown;
  let code: string | undefined;
  try {
    cause = redact.error(error);
    code = systemCode(error);
  } catch {
    cause = undefined;
  }
  return new ZApiNetworkError(`The request to Z-API failed${code ? ` (${redact.text(code)})` : ""}`, cause, code === undefined ? undefined : redact.text(code));
}

// undici puts the system error in `cause`; with several addresses, in `cause.errors`, and
// the connection was refused only if every address refused it.
function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    if (Array.isArray(errors) && errors.length > 0) {
      const codes = new Set(errors.slice(0, 20).map(systemCode));
      return codes.size === 1 ? [...codes][0] : undefined;
    }
    current = cause;
  }
  return undefined;
}
