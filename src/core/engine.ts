import { errorBodySchema } from "../../generated/errors.js";
import { ZApiHttpError } from "../errors/http-error.js";
import { ZApiNetworkError } from "../errors/network-error.js";
import { ZApiResponseError } from "../errors/response-error.js";
import { ZApiTimeoutError } from "../errors/timeout-error.js";
import type { EmptyAnswer } from "../types.js";
import type { OperationDescriptor } from "./descriptor.js";
import { callerStopped, Deadline } from "./deadline.js";
import { explain } from "./known-errors.js";
import { withPages } from "./pages.js";
import type { Log } from "./log.js";
import { resolveCallOptions, type ResolvedOptions } from "./options.js";
import { namesPhones, phoneReader, type ReadPhone } from "./phone-input.js";
import { type Body, MAX_ERROR_BODY_BYTES, MAX_ERROR_TEXT, readBody } from "./read.js";
import { cut, type Redactor } from "./redact.js";
import { prepareRequest } from "./request.js";
import { noteDropped, readResult, type DroppedField } from "./result.js";
import { parseRetryAfter, retryDelay, sleep } from "./retry.js";
import type { Schema } from "./schema.js";
import { describeProblem, escapePointer, matches } from "./validate.js";

/** What every call needs, worked out once when the client is created. */
export interface Connection {
  /** `baseUrl` plus the credentials prefix, token included: it goes to `fetch` and nowhere else. */
  readonly prefix: string;
  /** The same with the token redacted, for errors and logs. */
  readonly safePrefix: string;
  /** `baseUrl`'s host, which network errors name. */
  readonly host: string;
  /** Frozen: an injected fetch cannot change the next call's. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyHeaders: Readonly<Record<string, string>>;
  readonly options: ResolvedOptions;
  readonly redact: Redactor;
  readonly log: Log;
  /** What was logged once per client: a field left out of a result, per operation. */
  readonly logged: Set<string>;
  /**
   * Whether `options.fetch` is the runtime's own fetch, which honours its signal and
   * enforces `Content-Length`: then no race is needed, and a small plain body is read whole.
   */
  readonly nativeFetch: boolean;
}

/** At most this many distinct fields left out are logged per client; then they are only kept on results. */
const MAX_LOGGED_FIELDS = 200;

/**
 * The method for one operation, made when the client is; its descriptor is read at its
 * first call. A list operation's promise can also be walked page by page.
 */
export function createOperation(name: string, descriptorOf: () => OperationDescriptor, connection: Connection) {
  let operation: ((input?: unknown, callOptions?: unknown) => Promise<unknown>) | undefined;
  let list: OperationDescriptor["list"];
  return function method(input?: unknown, callOptions?: unknown): Promise<unknown> {
    if (!operation) {
      const descriptor = descriptorOf();
      operation = callOperation(name, descriptor, connection);
      list = descriptor.list;
    }
    const first = operation(input, callOptions);
    return list ? withPages(first, operation, input, callOptions, list) : first;
  };
}

/**
 * One operation's call: check, send, retry as the spec allows, interpret. One async
 * function for the whole call (but the body read): each nested one cost a promise and a
 * hop per call.
 */
function callOperation(name: string, descriptor: OperationDescriptor, connection: Connection) {
  const { options, log } = connection;
  const withPhones = namesPhones(descriptor.input);
  let readPhone: Promise<ReadPhone> | undefined;
  return async function operation(input?: unknown, callOptions?: unknown): Promise<unknown> {
    const call = callOptions === undefined ? undefined : resolveCallOptions(callOptions, options.retry);
    const phones = withPhones ? await (readPhone ??= phoneReader(options.defaultCountry).catch((error: unknown) => ((readPhone = undefined), Promise.reject(error)))) : undefined;
    const { path, body } = prepareRequest(name, descriptor, input, connection.redact, phones);
    const url = connection.prefix + path;
    const timeoutMs = call?.timeoutMs ?? options.timeoutMs;
    const retry = call?.retry ?? options.retry;
    // A private follower of the caller's signal: listeners go on it, not on a signal the
    // caller may share across many concurrent calls (MaxListenersExceededWarning).
    const signal = call?.signal && AbortSignal.any([call.signal]);
    const started = performance.now();
    for (let count = 1; ; count++) {
      if (signal?.aborted) throw callerStopped(signal.reason);
      const deadline = new Deadline(timeoutMs, signal);
      const attemptStarted = log.debug ? performance.now() : 0;
      let status: number | undefined;
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
          throw deadline.stopped() ?? networkError(error, connection.redact, connection.host);
        }
        if (!isResponse(response)) throw new ZApiNetworkError("The fetch in use resolved to something that is not a Response", undefined, undefined, connection.host);
        status = response.status;
        const ok = isOk(response);
        let read: Body;
        try {
          read = await readBody(response, ok ? options.maxResponseBytes : MAX_ERROR_BODY_BYTES, deadline, connection.nativeFetch);
        } catch (error) {
          throw deadline.stopped() ?? networkError(error, connection.redact, connection.host);
        }
        const result = interpret(name, connection, descriptor, path, response, ok, read);
        log.debug?.(`${descriptor.method} ${safeUrl(connection, path)} answered ${status} in ${elapsed(attemptStarted)} ms (attempt ${count})`, {
          operation: name,
          method: descriptor.method,
          url: safeUrl(connection, path),
          status,
          durationMs: elapsed(attemptStarted),
          attempt: count,
        });
        return result;
      } catch (caught) {
        let error = caught;
        log.debug?.(`${descriptor.method} ${safeUrl(connection, path)} ${status === undefined ? "failed" : `answered ${status}`} in ${elapsed(attemptStarted)} ms (attempt ${count}): ${(error as Error)?.name}`, {
          operation: name,
          method: descriptor.method,
          url: safeUrl(connection, path),
          ...(status === undefined ? {} : { status }),
          durationMs: elapsed(attemptStarted),
          attempt: count,
          error: (error as Error)?.name,
        });
        const delay = retryDelay(retry, descriptor.retrySafe, error, count);
        if (delay === undefined) {
          // A timeout says how long the whole call took, over how many attempts.
          if (error instanceof ZApiTimeoutError && error.attempts === 1) error = new ZApiTimeoutError(error.timeoutMs, count, performance.now() - started);
          throw error;
        }
        log.info?.(`${name}: attempt ${count} of ${retry.attempts} ended in ${describeFailure(error)}; trying again in ${Math.round(delay)} ms`, {
          operation: name,
          attempt: count,
          attempts: retry.attempts,
          delayMs: Math.round(delay),
          error: (error as Error)?.name,
        });
        // Released before the wait, not after it: a timer and a listener nothing needs now.
        deadline.dispose();
        await sleep(delay, signal);
      } finally {
        deadline.dispose();
      }
    }
  };
}

const elapsed = (since: number) => Math.round(performance.now() - since);

function describeFailure(error: unknown): string {
  if (error instanceof ZApiHttpError) return `HTTP ${error.status}`;
  if (error instanceof ZApiNetworkError) return `${error.name}${error.code ? ` ${error.code}` : ""}`;
  return error instanceof Error ? error.name : typeof error;
}

/** A 2xx that is not a redirect the fetch turned opaque: the only answers read as results. */
export function isOk(response: Response): boolean {
  const { status } = response;
  return status >= 200 && status <= 299 && response.type !== "opaqueredirect";
}

// Why a 2xx is not a result, for the methods and for api alike.
export const FOLLOWED_REDIRECT = "it came through a redirect, which the fetch in use followed although the client asked it not to";
export const tooLarge = (options: ResolvedOptions) => `it is larger than maxResponseBytes (${options.maxResponseBytes} bytes)`;

/** The answer, read: the checked 200 body, an empty answer, or the error it makes. */
function interpret(name: string, connection: Connection, descriptor: OperationDescriptor, path: string, response: Response, ok: boolean, body: Body): unknown {
  const { redact, options } = connection;
  const { status } = response;
  if (!ok) {
    const text = redact.read(body);
    const parsed = parseJson(text);
    throw httpError(connection, descriptor, path, response, parsed === NOT_JSON ? cut(text, MAX_ERROR_TEXT) : redact.json(parsed));
  }
  // Redaction is for what an error keeps: never paid on the way to a result.
  if (response.redirected) throw unexpected(connection, path, status, FOLLOWED_REDIRECT, cut(redact.read(body), MAX_ERROR_TEXT));
  if (body.truncated) throw unexpected(connection, path, status, tooLarge(options), cut(redact.read(body), MAX_ERROR_TEXT));
  if (body.text.trim() === "") {
    // Z-API has been seen answering a change with a bare 2xx: it acted. A read that answers
    // nothing has read nothing; it is safe to call again.
    if (!descriptor.retrySafe) return emptyAnswer(status);
    throw unexpected(connection, path, status, "it is empty, and this operation only reads: an answer is its result", body.text);
  }
  const parsed = parseJson(body.text);
  if (parsed === NOT_JSON) throw unexpected(connection, path, status, "it is not JSON", cut(redact.read(body), MAX_ERROR_TEXT));
  const { result } = descriptor;
  // Before the result's own check: an answer whose every field is optional takes an error body too.
  if (isErrorBody(result, parsed)) throw httpError(connection, descriptor, path, response, redact.json(parsed));
  const read = readResult(result, parsed);
  if ("problems" in read) {
    // An error body that shares a field with the result is read as a result: say what it said.
    const shown = read.problems.slice(0, 5).map((problem) => describeProblem("value" in problem ? { ...problem, value: redact.json(problem.value) } : problem));
    const reason = `${result.title ? `expected ${result.title}: ` : ""}${shown.join("; ")}${read.total > shown.length ? "; and more" : ""}`;
    throw unexpected(connection, path, status, cut(redact.text(reason), MAX_ERROR_TEXT), redact.json(parsed));
  }
  if (read.dropped.length > 0) {
    // A field's name is the server's to choose, and may echo a secret: redacted, then cut.
    const dropped = read.dropped.map((field) => ({ ...field, path: cut(redactPointer(field.path, redact), 200), ...(field.rule === undefined ? {} : { rule: cut(redactRule(field.rule, redact), 300) }) }));
    noteDropped(read.value, dropped);
    logDropped(name, connection, dropped);
  }
  return read.value;
}

// Not a closure in interpret: an error's stack keeps its frames' functions, and a closure
// there would keep the whole body read, up to maxResponseBytes, as long as the error lives.
function unexpected(connection: Connection, path: string, status: number, reason: string, kept: unknown): ZApiResponseError {
  return new ZApiResponseError(reason, { status, url: safeUrl(connection, path), body: kept });
}

function emptyAnswer(status: number): EmptyAnswer {
  return Object.freeze({ emptyAnswer: true, status });
}

const resultFields = new WeakMap<Schema, ReadonlySet<string>>();

/**
 * Z-API's error body (the spec's `x-zapi-error-body`), holding none of the result's own
 * fields: then it is an error, whatever the status. The service answers some errors with
 * 200, and a body of the error's shape that carries a result field is a result.
 */
function isErrorBody(result: Schema, parsed: unknown): boolean {
  if (!matches(errorBodySchema, parsed)) return false;
  let fields = resultFields.get(result);
  if (!fields) {
    const forms = [result, ...(result.oneOf ?? []), ...(result.anyOf ?? [])];
    resultFields.set(result, (fields = new Set(forms.flatMap((form) => Object.keys(form.properties ?? {})))));
  }
  for (const field of fields) if (Object.hasOwn(parsed as object, field)) return false;
  return true;
}

/** The error for an answer that says no: Z-API's words, redacted, and what the spec's table makes of them. */
function httpError(connection: Connection, descriptor: OperationDescriptor, path: string, response: Response, kept: unknown): ZApiHttpError {
  const { error, message } = wordsOf(kept);
  const said = error !== undefined && message !== undefined && error !== message ? `${error}: ${message}` : (error ?? message);
  const { reason, hint } = explain(response.status, [error, message], descriptor.method);
  return new ZApiHttpError({
    status: response.status,
    body: kept,
    url: safeUrl(connection, path),
    method: descriptor.method,
    serverText: said === undefined ? undefined : cut(said, 200),
    reason,
    hint,
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    location: locationOf(response, connection.redact),
  });
}

/** The server's own short words: `error` and `message`, as Z-API's error bodies have them, or a text body's first line. */
function wordsOf(body: unknown): { error?: string; message?: string } {
  // The first line, trimmed: a CRLF body left its "\r", and trailing spaces, in the message.
  if (typeof body === "string") {
    const line = body.trim().split("\n", 1)[0]?.trim();
    return line ? { error: line } : {};
  }
  if (typeof body !== "object" || body === null) return {};
  const { error, message } = body as { error?: unknown; message?: unknown };
  return { ...(typeof error === "string" && error.trim() ? { error: error.trim() } : {}), ...(typeof message === "string" && message.trim() ? { message: message.trim() } : {}) };
}

// A field left out of a result is logged once per operation and field (items counted as one).
function logDropped(name: string, connection: Connection, dropped: readonly DroppedField[]): void {
  const { log, logged } = connection;
  for (const field of dropped) {
    const say = field.why === "mismatch" ? log.warn : log.debug;
    if (!say || logged.size >= MAX_LOGGED_FIELDS) continue;
    const where = field.path.replace(/\/\d+(?=\/|$)/g, "/*");
    const key = `${name} ${field.why} ${where}`;
    if (logged.has(key)) continue;
    logged.add(key);
    say(
      field.why === "mismatch"
        ? `${name}: Z-API's answer has ${where} in a form the spec does not allow (${field.rule}); it was left out of the result (droppedFields lists it)`
        : `${name}: Z-API's answer has ${where}, which the spec does not declare; it was left out of the result (droppedFields lists it)`,
      { operation: name, field: where, why: field.why },
    );
  }
}

// Each name of a JSON Pointer redacted as the server wrote it, then escaped again: escaping
// first would turn a secret's "/" into "~1", a form of it the redactor may not know in
// every mix with the others ("\~1" from an echo that escaped its slashes).
function redactPointer(pointer: string, redact: Redactor): string {
  return pointer
    .split("/")
    .map((segment, i) => (i === 0 ? segment : escapePointer(redact.text(segment.replaceAll("~1", "/").replaceAll("~0", "~")))))
    .join("/");
}

// A rule is "<pointer below the field> <what the spec asks>", or only the latter.
function redactRule(rule: string, redact: Redactor): string {
  if (!rule.startsWith("/")) return redact.text(rule);
  const space = rule.indexOf(" ");
  return `${redactPointer(space === -1 ? rule : rule.slice(0, space), redact)}${space === -1 ? "" : redact.text(rule.slice(space))}`;
}

/** The URL errors and logs show: built from the path only when one is needed. */
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

function locationOf(response: Response, redact: Redactor): string | undefined {
  const location = response.headers.get("location");
  return location === null ? undefined : cut(redact.text(location), 500);
}

function isResponse(value: unknown): value is Response {
  const response = value as Response | null;
  return typeof response === "object" && response !== null && typeof response.status === "number" && typeof response.headers?.get === "function";
}

/** The request failed below HTTP: the runtime's error, redacted, with its system code and the host. */
export function networkError(error: unknown, redact: Redactor, host: string): ZApiNetworkError {
  let cause: unknown;
  let code: string | undefined;
  try {
    cause = redact.error(error);
    code = systemCode(error);
  } catch {
    cause = undefined;
  }
  const safeCode = code === undefined ? undefined : redact.text(code);
  return new ZApiNetworkError(`The request to Z-API at ${host} failed${safeCode ? ` (${safeCode})` : ""}`, cause, safeCode, host);
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
