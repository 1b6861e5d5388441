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

// setTimeout turns any longer delay into 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
const isMs = (value: unknown) => typeof value === "number" && value >= 0 && value <= MAX_TIMER_MS;
// Each retry option: its check, and what it must be when the check fails.
const RETRY_RULES: Record<keyof RetryOptions, [(value: unknown) => boolean, string]> = {
  attempts: [(value) => Number.isInteger(value) && (value as number) >= 1, "a whole number from 1"],
  maxRetryAfterMs: [isMs, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`],
  backoffMs: [isMs, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`],
  unsafe: [(value) => typeof value === "boolean", "a boolean"],
};
const OPTION_NAMES = ["instanceId", "token", "clientToken", "baseUrl", "fetch", "timeoutMs", "retry"];

/** Checks every option once, at creation, and fills in variables and defaults. */
export function resolveOptions(options: ZApiClientOptions = {}): ResolvedOptions {
  if (typeof options !== "object" || options === null) throw new ZApiError("createZApiClient takes an options object");
  rejectUnknown(options, OPTION_NAMES, "createZApiClient");
  const env = globalThis.process?.env ?? {};
  const instanceId = fromEnv(options, "instanceId", env, "ZAPI_INSTANCE_ID");
  const token = fromEnv(options, "token", env, "ZAPI_TOKEN");
  const missing = [
    instanceId ? "" : "Missing the instance id: pass `instanceId` to createZApiClient or set ZAPI_INSTANCE_ID.",
    token ? "" : "Missing the instance token: pass `token` to createZApiClient or set ZAPI_TOKEN.",
  ].filter(Boolean);
  if (missing.length > 0) throw new ZApiError(missing.join(" "));
  // URL normalization would drop a "." or ".." path segment and send the call elsewhere.
  if ([instanceId, token].some((value) => value === "." || value === "..")) {
    throw new ZApiError('`instanceId` and `token` cannot be "." or ".."');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new ZApiError("No fetch: pass `fetch` to createZApiClient on a runtime without a global fetch");
  }
  return {
    instanceId: instanceId as string,
    token: token as string,
    clientToken: fromEnv(options, "clientToken", env, "ZAPI_CLIENT_TOKEN"),
    baseUrl: resolveBaseUrl(options.baseUrl, env["ZAPI_BASE_URL"]),
    fetch: fetchImpl,
    timeoutMs: resolveTimeout(options.timeoutMs, "timeoutMs") ?? DEFAULT_TIMEOUT_MS,
    retry: resolveRetry(options.retry),
  };
}

/** Checks a per-call timeout the same way as the client's. */
export function resolveTimeout(value: unknown, name: string): number | undefined {
  if (value !== undefined && !(typeof value === "number" && value > 0 && (value <= MAX_TIMER_MS || value === Infinity))) {
    invalid(name, `a number of milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity`, value);
  }
  return value as number | undefined;
}

// The option, else its variable (an empty variable counts as unset).
function fromEnv(options: ZApiClientOptions, name: "instanceId" | "token" | "clientToken", env: Record<string, string | undefined>, variable: string) {
  const value: unknown = options[name];
  if (value === undefined) return env[variable] || undefined;
  // Never echo a secret, not even a malformed one: say only what kind of value it was.
  if (typeof value !== "string" || value === "") {
    throw new ZApiError(`\`${name}\` must be a non-empty string, got ${value === "" ? "an empty string" : typeof value}`);
  }
  return value;
}

function resolveBaseUrl(value: unknown, fromVariable: string | undefined): string {
  const raw = value ?? (fromVariable || DEFAULT_BASE_URL);
  let url: URL | undefined;
  try {
    url = new URL(raw as string);
  } catch {}
  if (typeof raw !== "string" || !url || !/^https?:$/.test(url.protocol) || url.search || url.hash) {
    const source = value === undefined && fromVariable ? "ZAPI_BASE_URL" : "`baseUrl`";
    throw new ZApiError(`${source} must be an absolute http(s) URL without query or fragment, got ${show(raw)}`);
  }
  return url.href.replace(/\/+$/, "");
}

function resolveRetry(value: unknown): Required<RetryOptions> {
  const defaults = { attempts: 3, maxRetryAfterMs: 30_000, backoffMs: 250, unsafe: false };
  if (value === false) return { ...defaults, attempts: 1 };
  if (value === undefined) return defaults;
  if (typeof value !== "object" || value === null) invalid("retry", "false or an object", value);
  rejectUnknown(value as object, Object.keys(RETRY_RULES), "retry");
  const retry = { ...defaults, ...(value as RetryOptions) };
  for (const [name, [ok, expected]] of Object.entries(RETRY_RULES)) {
    const option = retry[name as keyof RetryOptions];
    if (!ok(option)) invalid(`retry.${name}`, expected, option);
  }
  return retry;
}

function invalid(name: string, expected: string, got: unknown): never {
  throw new ZApiError(`\`${name}\` must be ${expected}, got ${show(got)}`);
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
