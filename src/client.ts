import createClient, { type Client } from "openapi-fetch";
import { createAddParticipant } from "./add-participant.js";
import { resolveOptions, type ZApiClientOptions } from "./options.js";
import { createRedactor, REDACTED } from "./redact.js";
import type { AddParticipantBody, AddParticipantResult, CallOptions, CredentialedPaths } from "./types.js";

/** What {@link createZApiClient} returns. It holds no readable secret. */
export interface ZApiClient {
  /**
   * Adds the body's phones to its community or group. Phones are reduced to digits and
   * repeats dropped, then the body is checked against the spec before anything is sent.
   * Resolves to the 200 body, `{ value: false }` included; rejects with a `ZApiError`.
   */
  addParticipant(body: AddParticipantBody, options?: CallOptions): Promise<AddParticipantResult>;
  /**
   * The openapi-fetch client for the spec, with credentials applied: paths are relative
   * to `/instances/{instanceId}/token/{token}`, as in `api.POST("/add-participant", …)`.
   * It does not check bodies, retry or map errors; its `response.url` and middleware
   * `request.url` hold the token, so never log them.
   */
  readonly api: Client<CredentialedPaths>;
}

/**
 * A client for Z-API's add-participant. Options missing here are read from
 * `ZAPI_INSTANCE_ID`, `ZAPI_TOKEN`, `ZAPI_CLIENT_TOKEN` and `ZAPI_BASE_URL`; a missing
 * instance id or token throws a `ZApiError` now, not at the first call.
 */
export function createZApiClient(options?: ZApiClientOptions): ZApiClient {
  const resolved = resolveOptions(options);
  const secrets = [resolved.token, ...(resolved.clientToken ? [resolved.clientToken] : [])];
  const redact = createRedactor(secrets);
  const prefix = `/instances/${encodeURIComponent(resolved.instanceId)}/token/`;
  const credentialed = `${resolved.baseUrl}${prefix}${encodeURIComponent(resolved.token)}`;
  const credentialHeaders: Record<string, string> = resolved.clientToken ? { "Client-Token": resolved.clientToken } : {};
  // Shared by every call: frozen, so an injected fetch cannot change the next call's.
  const headers = Object.freeze({ "Content-Type": "application/json", ...credentialHeaders });

  const addParticipant = createAddParticipant({
    url: `${credentialed}/add-participant`,
    safeUrl: `${resolved.baseUrl}${prefix}${REDACTED}/add-participant`,
    headers,
    options: resolved,
    redact,
  });

  const baseFetch = resolved.fetch;
  const api = createClient<CredentialedPaths>({
    baseUrl: credentialed,
    // openapi-fetch sets Content-Type itself when there is a body.
    headers: credentialHeaders,
    // The runtime's errors may quote the URL; they leave here scrubbed.
    fetch: async (request: Request) => {
      try {
        return await baseFetch(request);
      } catch (error) {
        throw redact.error(error);
      }
    },
  });

  return { addParticipant, api };
}
