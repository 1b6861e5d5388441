import { addParticipantResultSchema } from "../generated/schemas.js";
import { prepareBody } from "./body.js";
import { ZApiAbortError } from "./errors/abort-error.js";
import { ZApiHttpError } from "./errors/http-error.js";
import { ZApiNetworkError } from "./errors/network-error.js";
import { ZApiResponseError } from "./errors/response-error.js";
import { ZApiTimeoutError } from "./errors/timeout-error.js";
import { resolveTimeout, type ResolvedOptions } from "./options.js";
import type { Redactor } from "./redact.js";
import { parseForError, readText, truncate } from "./response.js";
import { parseRetryAfter, retryDelay, sleep } from "./retry.js";
import type { AddParticipantBody, AddParticipantResult, CallOptions } from "./types.js";
import { describeProblem, validate } from "./validate.js";

/** What one call needs, worked out once when the client is created. */
export interface Endpoint {
  /** The full URL, token included: it goes to `fetch` and nowhere else. */
  readonly url: string;
  /** The same URL with the token redacted, for errors. */
  readonly safeUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly options: ResolvedOptions;
  readonly redact: Redactor;
}

// Our own abort reason, so a timeout is never mistaken for the caller's abort.
const TIMED_OUT = Symbol("timed out");

export function createAddParticipant(endpoint: Endpoint) {
  const { options } = endpoint;
  return async function addParticipant(body: AddParticipantBody, call: CallOptions = {}): Promise<AddParticipantResult> {
    const payload = JSON.stringify(prepareBody(body));
    const timeoutMs = resolveTimeout(call.timeoutMs, "timeoutMs") ?? options.timeoutMs;
    // A private follower of the caller's signal: listeners go on it, not on a signal the
    // caller may share across many concurrent calls (MaxListenersExceededWarning).
    const signal = call.signal && AbortSignal.any([call.signal]);
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new ZApiAbortError(signal.reason);
      try {
        return await attemptOnce(endpoint, payload, timeoutMs, signal);
      } catch (error) {
        const delay = retryDelay(options.retry, error, attempt);
        if (delay === undefined) throw error;
        await sleep(delay, signal);
      }
    }
  };
}

async function attemptOnce(endpoint: Endpoint, payload: string, timeoutMs: number, signal: AbortSignal | undefined) {
  const controller = new AbortController();
  const timer = Number.isFinite(timeoutMs) ? setTimeout(abortForTimeout, timeoutMs, controller) : undefined;
  // Closures only when the caller passed a signal: this path runs on every call.
  const forwardAbort = signal && (() => controller.abort(signal.reason));
  if (forwardAbort) signal.addEventListener("abort", forwardAbort, { once: true });
  try {
    const fetchImpl = endpoint.options.fetch;
    const response = await fetchImpl(endpoint.url, {
      method: "POST",
      headers: endpoint.headers,
      body: payload,
      signal: controller.signal,
    });
    const text = await readText(response);
    return interpret(endpoint, response, text);
  } catch (error) {
    throw classify(error, controller.signal, endpoint.redact, timeoutMs);
  } finally {
    clearTimeout(timer);
    if (forwardAbort) signal.removeEventListener("abort", forwardAbort);
  }
}

function abortForTimeout(controller: AbortController): void {
  controller.abort(TIMED_OUT);
}

function interpret(endpoint: Endpoint, response: Response, text: string): AddParticipantResult {
  const { status } = response;
  const url = endpoint.safeUrl;
  if (status < 200 || status > 299) {
    const body = endpoint.redact.json(parseForError(text));
    throw new ZApiHttpError({ status, body, url, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZApiResponseError("it is not JSON", { status, url, body: endpoint.redact.text(truncate(text)) });
  }
  const problems = validate(addParticipantResultSchema, parsed);
  if (problems.length > 0) {
    const reason = `expected { value: boolean }: ${problems.map(describeProblem).join("; ")}`;
    throw new ZApiResponseError(endpoint.redact.text(truncate(reason)), { status, url, body: endpoint.redact.json(parsed) });
  }
  return parsed as AddParticipantResult;
}

/** Turns whatever a failed attempt threw into one of our errors. */
function classify(error: unknown, signal: AbortSignal, redact: Redactor, timeoutMs: number): unknown {
  if (error instanceof ZApiHttpError || error instanceof ZApiResponseError) return error;
  if (signal.aborted) {
    return signal.reason === TIMED_OUT ? new ZApiTimeoutError(timeoutMs) : new ZApiAbortError(signal.reason);
  }
  const cause = redact.error(error);
  const code = systemCode(error);
  return new ZApiNetworkError(`The request to Z-API failed${code ? ` (${code})` : ""}`, cause, code);
}

// undici puts the system error in `cause`; with several addresses, in `cause.errors`, and
// the connection was refused only if every address refused it.
function systemCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    if (Array.isArray(errors) && errors.length > 0) {
      const codes = new Set(errors.map(systemCode));
      return codes.size === 1 ? [...codes][0] : undefined;
    }
    current = cause;
  }
  return undefined;
}
