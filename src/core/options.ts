import { ZApiError } from "../errors/zapi-error.js";
import type { LogOptions } from "./log.js";
import { credentialRedactor } from "./redact.js";

/** Where Z-API lives. */
export const DEFAULT_BASE_URL = "https://api.z-api.io";
/** How long one attempt may take, from sending to the last byte of the answer. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The most of a 2xx answer's body that is read, after decompression. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** When and how often to send the call again. See the README for the reasons. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number | undefined;
  /** The longest `Retry-After` wait honoured; a longer one is cut to this. Default 30 000 ms. */
  maxRetryAfterMs?: number | undefined;
  /** Base of the exponential backoff, with full jitter, between retries. Default 250 ms. */
  backoffMs?: number | undefined;
  /**
   * Also retry operations that are not safe to repeat (add-participant and the other POSTs)
   * when Z-API may already have carried the call out: after a timeout, a connection dropped
   * mid-request, or a 408/429/5xx without `Retry-After`. With `autoInvite`, that can send a
   * person a second invitation. Default false.
   */
  unsafe?: boolean | undefined;
}

/** Options of {@link createZApiClient}. Missing ones are read from `ZAPI_*` variables. */
export interface ZApiClientOptions extends LogOptions {
  /** The instance id. Default: `ZAPI_INSTANCE_ID`. */
  instanceId?: string | undefined;
  /**
   * The instance token, a secret: it goes into the URL path. Default: `ZAPI_TOKEN`.
   * Surrounding whitespace (a secret file's newline) is trimmed; a control character inside is refused.
   */
  token?: string | undefined;
  /** The account's Client-Token, sent as a header when set. Default: `ZAPI_CLIENT_TOKEN`. Trimmed like `token`. */
  clientToken?: string | undefined;
  /** Default: `ZAPI_BASE_URL`, else `https://api.z-api.io`. `http://` only on loopback, unless `allowInsecureHttp`. */
  baseUrl?: string | undefined;
  /** Send the token in clear text to a `http://` baseUrl that is not loopback. Default false. */
  allowInsecureHttp?: boolean | undefined;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Per-attempt timeout in ms, from sending to the last byte; `Infinity` for none. Default 30 000. */
  timeoutMs?: number | undefined;
  /** The most of a 2xx answer that is read, in bytes after decompression. Default 8 MiB. */
  maxResponseBytes?: number | undefined;
  /** Retry policy, or `false` for a single attempt. */
  retry?: false | RetryOptions | undefined;
  /**
   * The country of phones written without one, as an ISO 3166 code such as `"BR"`: then
   * `(44) 99999-9999` is read as `5544999999999`. Default: `ZAPI_DEFAULT_COUNTRY`, else none,
   * and a phone must be written with its country code (`+55 44 99999-9999` or `5544999999999`).
   */
  defaultCountry?: string | undefined;
}

export interface ResolvedOptions {
  readonly instanceId: string;
  readonly token: string;
  readonly clientToken: string | undefined;
  readonly baseUrl: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly retry: RetryPolicy;
  /** Upper case, such as "BR"; undefined when none was given. */
  readonly defaultCountry: string | undefined;
}

export type RetryPolicy = Readonly<Required<{ [K in keyof RetryOptions]: Exclude<RetryOptions[K], undefined> }>>;

// setTimeout turns any longer delay into 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
type Credential = "instanceId" | "token" | "clientToken";

/** The variable an option is read from when it is not passed: `clientToken` → `ZAPI_CLIENT_TOKEN`. */
const variableOf = (name: string) => `ZAPI_${name.replace(/[A-Z]/g, "_$&").toUpperCase()}`;

/**
 * Runs `make` (which checks options), and takes the token and Client-Token out of the
 * message of any error it throws: a short token passed to the wrong option, or a baseUrl
 * pasted with the token in its path, would otherwise be shown.
 */
export function hideCredentials<T>(options: ZApiClientOptions | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof ZApiError)) throw error;
    const env = globalThis.process?.env ?? {};
    const given = [options?.token, options?.clientToken, env["ZAPI_TOKEN"], env["ZAPI_CLIENT_TOKEN"]];
    const message = credentialRedactor(given, MIN_HIDDEN).text(error.message);
    if (message === error.message) throw error;
    throw new ZApiError(message);
  }
}
const MIN_HIDDEN = 4;

/** Checks every option once, at creation, and fills in variables and defaults. */
export function resolveOptions(options: ZApiClientOptions = {}): ResolvedOptions {
  rejectUnknown(
    options,
    ["instanceId", "token", "clientToken", "baseUrl", "allowInsecureHttp", "fetch", "timeoutMs", "maxResponseBytes", "retry", "defaultCountry", "logLevel", "logger"],
    "createZApiClient",
  );
  const env = globalThis.process?.env ?? {};
  const [instanceId, token] = (["instanceId", "token"] as const).map((name) => credential(options, name, env));
  const missing = (["instanceId", "token"] as const).filter((_, i) => ![instanceId, token][i]);
  if (missing.length > 0) {
    throw new ZApiError(`Missing ${missing.map((name) => `\`${name}\``).join(" and ")}: pass ${missing.length > 1 ? "them" : "it"} to createZApiClient or set ${missing.map(variableOf).join(" and ")}`);
  }
  // URL normalization would drop a "." or ".." path segment and send the call elsewhere.
  if ([instanceId, token].some((value) => value === "." || value === "..")) {
    throw new ZApiError('`instanceId` and `token` cannot be "." or ".."');
  }
  // What people paste by mistake: a panel URL for the id, a scheme before a token. A panel
  // URL may hold the token itself, so neither is shown.
  if (/[/:?#\s]/.test(instanceId as string)) {
    throw new ZApiError(
      `${sourceOf(options, "instanceId")} must be the instance id alone, such as 3C0FFEE0000000000000000000000000 (the part after /instances/ in Z-API's URLs); it holds ${/\s/.test(instanceId as string) ? "a space" : 'a "/", ":", "?" or "#", as a URL does'} (not shown: a pasted URL may hold the token)`,
    );
  }
  const clientToken = credential(options, "clientToken", env);
  for (const [name, value] of [["token", token], ["clientToken", clientToken]] as const) {
    if (value !== undefined && /\s/.test(value)) {
      throw new ZApiError(`${sourceOf(options, name)} holds a space: pass the ${name === "token" ? "instance token" : "Client-Token"} alone, without a scheme such as "Bearer " (its value is not shown: it is a secret)`);
    }
  }
  // A header value is bytes: anything but printable ASCII is refused by fetch, or mangled.
  if (clientToken !== undefined && !/^[\x21-\x7e]+$/.test(clientToken)) {
    throw new ZApiError("`clientToken` must be printable ASCII (not shown: it is a secret)");
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") invalid("fetch", "a function (needed where there is no global fetch)", fetchImpl);
  const insecure = options.allowInsecureHttp ?? false;
  if (typeof insecure !== "boolean") invalid("allowInsecureHttp", "a boolean", insecure);
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  checkNumber("maxResponseBytes", maxResponseBytes, 1024, Infinity, true);
  return {
    instanceId: instanceId as string,
    token: token as string,
    clientToken,
    baseUrl: resolveBaseUrl(options.baseUrl, env["ZAPI_BASE_URL"], insecure),
    fetch: fetchImpl,
    timeoutMs: resolveTimeout(options.timeoutMs, "timeoutMs") ?? DEFAULT_TIMEOUT_MS,
    maxResponseBytes,
    retry: resolveRetry(options.retry, "retry"),
    defaultCountry: resolveCountry(options.defaultCountry, env["ZAPI_DEFAULT_COUNTRY"]),
  };
}

// The shape only: whether libphonenumber-js knows the country is checked when a phone is
// first read, since the library is loaded only then.
function resolveCountry(value: unknown, fromVariable: string | undefined): string | undefined {
  const given = value ?? (fromVariable?.trim() || undefined);
  if (given === undefined) return undefined;
  if (typeof given !== "string" || !/^[A-Za-z]{2}$/.test(given)) {
    invalid(value === undefined ? "ZAPI_DEFAULT_COUNTRY" : "defaultCountry", 'a two-letter ISO 3166 country code, such as "BR"', given);
  }
  return given.toUpperCase();
}

function sourceOf(options: ZApiClientOptions, name: Credential): string {
  return options[name] === undefined ? variableOf(name) : `\`${name}\``;
}

/** A call's options, checked like the client's; its `retry` is laid over the client's policy. */
export function resolveCallOptions(options: unknown, policy: RetryPolicy): { signal: AbortSignal | undefined; timeoutMs: number | undefined; retry: RetryPolicy } {
  rejectUnknown(options, ["signal", "timeoutMs", "retry"], "this call");
  const { signal, timeoutMs, retry } = options as { signal?: unknown; timeoutMs?: unknown; retry?: unknown };
  if (signal !== undefined && !(typeof (signal as AbortSignal).aborted === "boolean" && typeof (signal as AbortSignal).addEventListener === "function")) {
    invalid("signal", "an AbortSignal", signal);
  }
  return { signal: signal as AbortSignal | undefined, timeoutMs: resolveTimeout(timeoutMs, "timeoutMs"), retry: retry === undefined ? policy : resolveRetry(retry, "retry", policy) };
}

/** Checks a timeout: milliseconds that setTimeout honours, or Infinity. */
export function resolveTimeout(value: unknown, name: string): number | undefined {
  if (value !== undefined && !(typeof value === "number" && value > 0 && (value <= MAX_TIMER_MS || value === Infinity))) {
    invalid(name, `a number of milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`, value);
  }
  return value as number | undefined;
}

// The option, else its variable (an empty variable counts as unset). Secrets are kept as
// people store them: surrounding whitespace (a file's trailing newline) is trimmed, so the
// form sent is the form the redactor knows; a control character inside is refused, and so
// is half a surrogate pair (encodeURIComponent would throw a bare URIError on it).
function credential(options: ZApiClientOptions, name: Credential, env: Record<string, string | undefined>): string | undefined {
  const variable = variableOf(name);
  const given: unknown = options[name];
  const source = given === undefined ? variable : `\`${name}\``;
  if (given === undefined && !env[variable]) return undefined;
  const value = given ?? env[variable];
  // Never echo a secret, not even a malformed one: say only what kind of value it was.
  if (typeof value !== "string") throw new ZApiError(`${source} must be a non-empty string, got ${typeof value}`);
  const trimmed = value.trim();
  if (trimmed === "") throw new ZApiError(`${source} must be a non-empty string, got ${value === "" ? "an empty string" : "only whitespace"}`);
  // By code point (the u flag): a whole surrogate pair is a character, a lone half is Cs.
  const bad = /[\p{Cc}\p{Cs}\u2028\u2029]/u.exec(trimmed);
  if (bad) {
    const unit = bad[0].charCodeAt(0);
    const what = (unit & 0xf800) === 0xd800 ? "half a surrogate pair" : "a control character";
    throw new ZApiError(
      `${source} has ${what} (U+${unit.toString(16).toUpperCase().padStart(4, "0")}) at position ${bad.index + 1}${name === "instanceId" ? "" : " (its value is not shown: it is a secret)"}`,
    );
  }
  return trimmed;
}

function resolveBaseUrl(value: unknown, fromVariable: string | undefined, allowInsecureHttp: boolean): string {
  const source = value === undefined && fromVariable ? "ZAPI_BASE_URL" : "`baseUrl`";
  const raw = value ?? (fromVariable || DEFAULT_BASE_URL);
  if (typeof raw !== "string") invalid("baseUrl", "a string", raw);
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {}
  // What is shown of a URL never includes user info, a query or a fragment: they may hold
  // secrets. A string that does not parse is shown only when it cannot hold them.
  // A URL copied from Z-API's panel has the token after /token/: that part is never shown.
  const shown = url
    ? `"${url.protocol}//${url.host}${url.pathname.replace(/(\/token\/)[^/]*/i, "$1[not shown]")}"`
    : /[@?#]/.test(raw)
      ? "a string that is not a URL (not shown: its @, ? or # may hold a secret)"
      : show(raw);
  const refuse = (message: string) => {
    throw new ZApiError(`${source} ${message}`);
  };
  if (!url || !/^https?:$/.test(url.protocol)) refuse(`must be an absolute http(s) URL, got ${shown}`);
  url = url as URL;
  if (url.username || url.password || /^[a-z]+:\/\/[^/]*@/i.test(raw)) refuse(`must not carry user info (user:password@; Z-API's credentials are token and clientToken), got ${shown} without it`);
  if (/[?#]/.test(raw)) refuse(`must not contain "?" or "#" (the client appends /instances/… to it), got ${shown} and a query or fragment`);
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopback(url.hostname)) {
    refuse(`is http:// on ${url.hostname}, which is not loopback: the token and Client-Token would cross the network in clear text. Use https://, or pass allowInsecureHttp: true`);
  }
  return url.href.replace(/\/+$/, "");
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 3, maxRetryAfterMs: 30_000, backoffMs: 250, unsafe: false });

/** A retry option over `base` (the defaults, or the client's policy for a call's own). */
function resolveRetry(value: unknown, name: string, base: RetryPolicy = DEFAULT_RETRY): RetryPolicy {
  if (value === false) return { ...base, attempts: 1 };
  if (value === undefined) return base;
  if (typeof value !== "object" || value === null) invalid(name, "false or an object", value);
  rejectUnknown(value, Object.keys(DEFAULT_RETRY), name);
  const given = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  const retry = { ...base, ...given };
  checkNumber(`${name}.attempts`, retry.attempts, 1, Infinity, true);
  checkNumber(`${name}.maxRetryAfterMs`, retry.maxRetryAfterMs, 0, MAX_TIMER_MS);
  checkNumber(`${name}.backoffMs`, retry.backoffMs, 0, MAX_TIMER_MS);
  if (typeof retry.unsafe !== "boolean") invalid(`${name}.unsafe`, "a boolean", retry.unsafe);
  return retry;
}

/** Refuses anything but a finite number (a safe integer, when `whole`) from `min` to `max`. */
export function checkNumber(name: string, value: unknown, min: number, max: number, whole = false): void {
  if (!((whole ? Number.isSafeInteger(value) : Number.isFinite(value)) && (value as number) >= min && (value as number) <= max)) {
    invalid(name, `a ${whole ? "whole " : ""}number from ${min}${max < Infinity ? ` to ${max}` : ""}`, value);
  }
}

/** Throws: `name` must be `expected`, got (the value, shown short). */
export function invalid(name: string, expected: string, got: unknown): never {
  throw new ZApiError(`\`${name}\` must be ${expected}, got ${show(got)}`);
}

/** Refuses anything but an object, and keys of it that are not `known`, naming them and the known ones. */
export function rejectUnknown(object: unknown, known: readonly string[], where: string): asserts object is object {
  if (typeof object !== "object" || object === null) {
    // A string passed in place of the options is most likely a token or a webhook secret.
    const got = typeof object === "string" ? "a string (not shown: it may be a secret)" : show(object);
    throw new ZApiError(`The options of ${where} must be an object (known: ${known.join(", ")}), got ${got}`);
  }
  const unknown = Object.keys(object).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    // A long key is not shown, not even in part: an object built as { [secret]: … } makes one.
    const names = unknown.map((key) => (key.length > MAX_SHOWN ? `a name of ${key.length} characters (not shown: it may be a secret)` : key));
    throw new ZApiError(`Unknown option${unknown.length > 1 ? "s" : ""} for ${where}: ${names.join(", ")} (known: ${known.join(", ")})`);
  }
}

// A string is shown only when it is short: a token or Client-Token passed to the wrong
// option, or set in the wrong variable, is a long random string and is not echoed, while
// the values these options take ("verbose" for a level, "Brazil" for a country) still are.
// The webhook receiver's secret is at least 16 characters. Z-API does not document its
// tokens' length, so createZApiClient also takes its own credentials out of any option
// error (hideCredentials), whatever their length.
const MAX_SHOWN = 15;

function show(value: unknown): string {
  if (typeof value === "string") return value.length > MAX_SHOWN ? `a string of ${value.length} characters (not shown: it may be a secret)` : JSON.stringify(value);
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return typeof value === "symbol" || typeof value === "function" ? typeof value : String(value);
}
