import { ZApiError } from "./errors/zapi-error.js";

/** Where Z-API lives. */
export const DEFAULT_BASE_URL = "https://api.z-api.io";
/** How long one attempt may take, from sending to the last byte of the answer. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** When and how often to send the call again. See the README for the reasons. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  attempts?: number;
  /** The longest `Retry-After` wait honoured; a longer one is cut to this. Default 30 000 ms. */
  maxRetryAfterMs?: number;
  /** Base of the exponential backoff, with full jitter, between retries. Default 250 ms. */
  backoffMs?: number;
  /**
   * Also retry when Z-API may already have carried the call out: after a timeout, a
   * connection dropped mid-request, or a 408/429/5xx without `Retry-After`. With
   * `autoInvite`, that can send a person a second invitation. Default false.
   */
  unsafe?: boolean;
}

/** Options of {@link createZApiClient}. Missing ones are read from `ZAPI_*` variables. */
export interface ZApiClientOptions {
  /** The instance id. Default: `ZAPI_INSTANCE_ID`. */
  instanceId?: string;
  /** The instance token, a secret: it goes into the URL path. Default: `ZAPI_TOKEN`. */
  token?: string;
  /** The account's Client-Token, sent as a header when set. Default: `ZAPI_CLIENT_TOKEN`. */
  clientToken?: string;
  /** Default: `ZAPI_BASE_URL`, else `https://api.z-api.io`. */
  baseUrl?: string;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Per-attempt timeout in ms; `Infinity` for none. Default 30 000. */
  timeoutMs?: number;
  /** Retry policy, or `false` for a single attempt. */
  retry?: false | RetryOptions;
}

export interface ResolvedOptions {
  readonly instanceId: string;
  readonly token: string;
  readonly clientToken: string | undefined;
  readonly baseUrl: string;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly retry: Readonly<Required<RetryOptions>>;
}

const OPTION_NAMES = ["instanceId", "token", "clientToken", "baseUrl", "fetch", "timeoutMs", "retry"];
const RETRY_NAMES = ["attempts", "maxRetryAfterMs", "backoffMs", "unsafe"];

/** Checks every option once, at creation, and fills in variables and defaults. */
export function resolveOptions(options: ZApiClientOptions = {}): ResolvedOptions {
  if (typeof options !== "object" || options === null) throw new ZApiError("createZApiClient takes an options object");
  rejectUnknown(options, OPTION_NAMES, "createZApiClient");
  const env = globalThis.process?.env ?? {};

  const instanceId = secretOrEnv(options.instanceId, "instanceId", env["ZAPI_INSTANCE_ID"], "ZAPI_INSTANCE_ID", "instance id");
  const token = secretOrEnv(options.token, "token", env["ZAPI_TOKEN"], "ZAPI_TOKEN", "instance token");
  const missing = [instanceId, token].filter((value): value is ZApiError => value instanceof ZApiError);
  if (missing.length > 0) throw new ZApiError(missing.map((error) => error.message).join(" "));
  // URL normalization would drop a "." or ".." path segment and send the call elsewhere.
  if (instanceId === "." || instanceId === ".." || token === "." || token === "..") {
    throw new ZApiError("`instanceId` and `token` cannot be \".\" or \"..\"");
  }
  const clientToken = secretOrEnv(options.clientToken, "clientToken", env["ZAPI_CLIENT_TOKEN"], "ZAPI_CLIENT_TOKEN", "");

  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new ZApiError("No fetch: pass `fetch` to createZApiClient on a runtime without a global fetch");
  }
  return {
    instanceId: instanceId as string,
    token: token as string,
    clientToken: typeof clientToken === "string" ? clientToken : undefined,
    baseUrl: resolveBaseUrl(options.baseUrl, env["ZAPI_BASE_URL"]),
    fetch: fetchImpl,
    timeoutMs: resolveTimeout(options.timeoutMs, "timeoutMs") ?? DEFAULT_TIMEOUT_MS,
    retry: resolveRetry(options.retry),
  };
}

/** Checks a per-call timeout the same way as the client's. */
export function resolveTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value > 0)) {
    throw new ZApiError(`\`${name}\` must be a number of milliseconds above 0 (or Infinity), got ${show(value)}`);
  }
  return value;
}

// Returns the value, undefined when optional and absent, or an error to report together.
function secretOrEnv(value: unknown, option: string, fromEnv: string | undefined, variable: string, requiredAs: string) {
  if (value !== undefined) {
    // Never echo a secret, not even a malformed one: say only what kind of value it was.
    if (typeof value !== "string" || value === "") {
      throw new ZApiError(`\`${option}\` must be a non-empty string, got ${value === "" ? "an empty string" : typeof value}`);
    }
    return value;
  }
  if (fromEnv) return fromEnv;
  if (!requiredAs) return undefined;
  return new ZApiError(`Missing the ${requiredAs}: pass \`${option}\` to createZApiClient or set ${variable}.`);
}

function resolveBaseUrl(value: unknown, fromEnv: string | undefined): string {
  const raw = value ?? (fromEnv || DEFAULT_BASE_URL);
  const source = value === undefined && fromEnv ? "ZAPI_BASE_URL" : "`baseUrl`";
  let url: URL | undefined;
  try {
    url = typeof raw === "string" ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) {
    throw new ZApiError(`${source} must be an absolute http(s) URL without query or fragment, got ${show(raw)}`);
  }
  return url.href.replace(/\/+$/, "");
}

function resolveRetry(value: unknown): Required<RetryOptions> {
  const defaults = { attempts: 3, maxRetryAfterMs: 30_000, backoffMs: 250, unsafe: false };
  if (value === false) return { ...defaults, attempts: 1 };
  if (value === undefined) return defaults;
  if (typeof value !== "object" || value === null) throw new ZApiError(`\`retry\` must be false or an object, got ${show(value)}`);
  rejectUnknown(value, RETRY_NAMES, "retry");
  const retry = { ...defaults, ...(value as RetryOptions) };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new ZApiError(`\`retry.attempts\` must be a whole number from 1, got ${show(retry.attempts)}`);
  }
  for (const name of ["maxRetryAfterMs", "backoffMs"] as const) {
    if (typeof retry[name] !== "number" || !(retry[name] >= 0) || !Number.isFinite(retry[name])) {
      throw new ZApiError(`\`retry.${name}\` must be a finite number of milliseconds from 0, got ${show(retry[name])}`);
    }
  }
  if (typeof retry.unsafe !== "boolean") throw new ZApiError(`\`retry.unsafe\` must be a boolean, got ${show(retry.unsafe)}`);
  return retry;
}

function rejectUnknown(object: object, known: readonly string[], where: string): void {
  const unknown = Object.keys(object).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ZApiError(`Unknown option${unknown.length > 1 ? "s" : ""} for ${where}: ${unknown.join(", ")} (known: ${known.join(", ")})`);
  }
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
