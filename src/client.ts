import type { Client } from "openapi-fetch";
import { operations } from "../generated/operations.js";
import { VERSION } from "../generated/version.js";
import { createApi } from "./core/api.js";
import { createOperation, type Connection } from "./core/engine.js";
import { createLog } from "./core/log.js";
import { hideCredentials, resolveOptions, type ZApiClientOptions } from "./core/options.js";
import { createRedactor, REDACTED } from "./core/redact.js";
import type { CredentialedPaths, ZApiMethods } from "./types.js";

// The runtime's own fetch, as it was when this module loaded, before anything could wrap
// it. Node defines it as a lazy getter that loads undici: the descriptor is kept, and read
// at creation, so importing the client does not load an HTTP stack it may not use yet.
const FETCH_PROPERTY = Object.getOwnPropertyDescriptor(globalThis, "fetch");
const runtimeFetch = (): unknown => (FETCH_PROPERTY?.get ? FETCH_PROPERTY.get.call(globalThis) : FETCH_PROPERTY?.value);

/** What {@link createZApiClient} returns: one method per operation of the spec, and `api`. It holds no readable secret. */
export type ZApiClient = ZApiMethods & {
  /**
   * The openapi-fetch client for the spec, with credentials applied: paths are relative
   * to `/instances/{instanceId}/token/{token}`, as in `api.POST("/add-participant", …)`.
   * It does not check inputs, retry or map HTTP errors; it follows no redirect, reads
   * bounded bodies and redacts error bodies and thrown errors. Middleware's `request.url`
   * holds the token, so never log it.
   */
  readonly api: Client<CredentialedPaths>;
};

/**
 * A client for Z-API's community and group operations. Options missing here are read from
 * `ZAPI_INSTANCE_ID`, `ZAPI_TOKEN`, `ZAPI_CLIENT_TOKEN`, `ZAPI_BASE_URL`,
 * `ZAPI_DEFAULT_COUNTRY` and `ZAPI_LOG`; a missing or malformed option throws a `ZApiError`
 * now, not at the first call.
 */
export function createZApiClient(options?: ZApiClientOptions): ZApiClient {
  const env = globalThis.process?.env ?? {};
  const { resolved, log } = hideCredentials(options, () => ({ resolved: resolveOptions(options), log: createLog(options ?? {}, env) }));
  const redact = createRedactor([resolved.token, resolved.clientToken ?? ""]);
  const instance = `${resolved.baseUrl}/instances/${encodeURIComponent(resolved.instanceId)}/token/`;
  const headers = Object.freeze({
    "User-Agent": `zapi-client/${VERSION}`,
    ...(resolved.clientToken ? { "Client-Token": resolved.clientToken } : {}),
  });
  const connection: Connection = {
    prefix: instance + encodeURIComponent(resolved.token),
    safePrefix: instance + REDACTED,
    host: new URL(resolved.baseUrl).host,
    headers,
    bodyHeaders: Object.freeze({ ...headers, "Content-Type": "application/json" }),
    options: resolved,
    redact,
    log,
    logged: new Set(),
    nativeFetch: resolved.fetch === runtimeFetch(),
  };
  const client: Record<string, unknown> = {};
  for (const name of Object.keys(operations) as (keyof typeof operations)[]) client[name] = createOperation(name, () => operations[name], connection);
  client["api"] = createApi(connection);
  return Object.freeze(client) as ZApiClient;
}
